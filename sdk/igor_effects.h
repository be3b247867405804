/* SPDX-License-Identifier: MIT */
/* The igord agent SDK: an effect log, so an agent that does something
 * outside itself (a payment, a deployment) can tell after a crash or a
 * move whether that action may already have happened. Plain C, built
 * for wasm32 and natively for tests. */
#ifndef IGOR_EFFECTS_H
#define IGOR_EFFECTS_H

#include <stdint.h>

#include "igor_state.h"

/*
 * How to use it. Before a side effect, record an intent (its ID and the
 * data needed to redo or undo it) and return from the tick, so the
 * intent is in a checkpoint before anything happens. Next tick: begin
 * (RECORDED -> IN_FLIGHT), perform the effect, then confirm
 * (-> CONFIRMED) or compensate (-> COMPENSATED). Save the log with the
 * rest of the state. If the agent resumes from a checkpoint taken while
 * an intent was IN_FLIGHT, it is loaded as UNRESOLVED: the effect may or
 * may not have happened, and the agent must find out (ask the other
 * side) and then confirm or compensate. prune drops finished intents.
 *
 *   RECORDED -> IN_FLIGHT -> CONFIRMED | COMPENSATED
 *                   |  (resume)
 *                   v
 *               UNRESOLVED -> CONFIRMED | COMPENSATED
 */
enum igor_intent_state {
    IGOR_INTENT_RECORDED = 1,
    IGOR_INTENT_IN_FLIGHT = 2,
    IGOR_INTENT_CONFIRMED = 3,
    IGOR_INTENT_UNRESOLVED = 4,
    IGOR_INTENT_COMPENSATED = 5,
};

/* Error returns of the functions below. */
#define IGOR_EFFECT_NOT_FOUND (-1)
#define IGOR_EFFECT_BAD_TRANSITION (-2)
#define IGOR_EFFECT_EXISTS (-3)
#define IGOR_EFFECT_NOMEM (-4)

/* Longest intent ID or data igor_effects_load accepts (bytes). */
#define IGOR_EFFECT_MAX_FIELD (16u * 1024 * 1024)

struct igor_intent {
    uint8_t state; /* enum igor_intent_state */
    uint8_t *id;   /* owned by the log */
    uint32_t id_len;
    uint8_t *data; /* owned by the log */
    uint32_t data_len;
};

/* The log: intents in the order recorded. Start from IGOR_EFFECTS_INIT
 * (or zeroes); free with igor_effects_free. */
struct igor_effects {
    struct igor_intent *v;
    uint32_t n;
    uint32_t cap;
};

#define IGOR_EFFECTS_INIT                                                      \
    {                                                                          \
        NULL, 0, 0                                                             \
    }

/* Add a RECORDED intent; id and data are copied. 0, IGOR_EFFECT_EXISTS
 * when the ID is taken, IGOR_EFFECT_NOMEM. */
int igor_effects_record(struct igor_effects *e,
                        const void *id,
                        uint32_t id_len,
                        const void *data,
                        uint32_t data_len);

/* RECORDED -> IN_FLIGHT. 0, IGOR_EFFECT_NOT_FOUND or
 * IGOR_EFFECT_BAD_TRANSITION. */
int igor_effects_begin(struct igor_effects *e, const void *id, uint32_t id_len);

/* IN_FLIGHT or UNRESOLVED -> CONFIRMED. Errors as igor_effects_begin. */
int igor_effects_confirm(struct igor_effects *e,
                         const void *id,
                         uint32_t id_len);

/* IN_FLIGHT or UNRESOLVED -> COMPENSATED. Errors as igor_effects_begin. */
int igor_effects_compensate(struct igor_effects *e,
                            const void *id,
                            uint32_t id_len);

/* The intent with this ID (owned by the log, valid until the next call
 * that changes it), or NULL. */
struct igor_intent *igor_effects_get(struct igor_effects *e,
                                     const void *id,
                                     uint32_t id_len);

/* How many intents are not finished (RECORDED, IN_FLIGHT, UNRESOLVED). */
uint32_t igor_effects_pending(const struct igor_effects *e);

/* How many intents are UNRESOLVED. */
uint32_t igor_effects_unresolved(const struct igor_effects *e);

/* Remove CONFIRMED and COMPENSATED intents; returns how many. */
uint32_t igor_effects_prune(struct igor_effects *e);

/* Append the log as [u32 count] then per intent [u8 state][u32 id
 * length][id][u32 data length][data]. */
void igor_effects_save(const struct igor_effects *e, struct igor_enc *enc);

/*
 * Replace *e with the log read from d, turning IN_FLIGHT into
 * UNRESOLVED. Reading stops at the first incomplete intent (what was
 * read is kept, d->err is set) or at an unknown state byte; field
 * lengths over IGOR_EFFECT_MAX_FIELD are refused the same way. 0, or
 * IGOR_EFFECT_NOMEM.
 */
int igor_effects_load(struct igor_effects *e, struct igor_dec *d);

/* Free every intent and the array; *e is left empty and reusable. */
void igor_effects_free(struct igor_effects *e);

#endif
