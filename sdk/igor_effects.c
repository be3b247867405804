/* SPDX-License-Identifier: MIT */
/* The effect log: intent bookkeeping and its wire format. */
#include "igor_effects.h"

#include <stdlib.h>
#include <string.h>

static int same_id(const struct igor_intent *in, const void *id, uint32_t len)
{
    return in->id_len == len && (len == 0 || !memcmp(in->id, id, len));
}

struct igor_intent *igor_effects_get(struct igor_effects *e,
                                     const void *id,
                                     uint32_t id_len)
{
    for (uint32_t i = 0; i < e->n; i++)
        if (same_id(&e->v[i], id, id_len))
            return &e->v[i];
    return NULL;
}

/* A heap copy of p[0, n) (a 1-byte block for n = 0, so NULL means only
 * out of memory). */
static uint8_t *dup_bytes(const void *p, uint32_t n)
{
    uint8_t *c = malloc(n ? n : 1);

    if (c && n)
        memcpy(c, p, n);
    return c;
}

static int push(struct igor_effects *e,
                uint8_t state,
                const void *id,
                uint32_t id_len,
                const void *data,
                uint32_t data_len)
{
    struct igor_intent *in;

    if (e->n == e->cap) {
        uint32_t cap = e->cap ? e->cap * 2 : 4;
        struct igor_intent *nv;

        if (cap < e->cap || cap > UINT32_MAX / sizeof(*nv))
            return IGOR_EFFECT_NOMEM;
        nv = realloc(e->v, cap * sizeof(*nv));
        if (!nv)
            return IGOR_EFFECT_NOMEM;
        e->v = nv;
        e->cap = cap;
    }
    in = &e->v[e->n];
    in->id = dup_bytes(id, id_len);
    in->data = dup_bytes(data, data_len);
    if (!in->id || !in->data) {
        free(in->id);
        free(in->data);
        return IGOR_EFFECT_NOMEM;
    }
    in->state = state;
    in->id_len = id_len;
    in->data_len = data_len;
    e->n++;
    return 0;
}

int igor_effects_record(struct igor_effects *e,
                        const void *id,
                        uint32_t id_len,
                        const void *data,
                        uint32_t data_len)
{
    if (igor_effects_get(e, id, id_len))
        return IGOR_EFFECT_EXISTS;
    return push(e, IGOR_INTENT_RECORDED, id, id_len, data, data_len);
}

/* Move intent id to state `to` if its state is one of from_a/from_b. */
static int transition(struct igor_effects *e,
                      const void *id,
                      uint32_t id_len,
                      uint8_t from_a,
                      uint8_t from_b,
                      uint8_t to)
{
    struct igor_intent *in = igor_effects_get(e, id, id_len);

    if (!in)
        return IGOR_EFFECT_NOT_FOUND;
    if (in->state != from_a && in->state != from_b)
        return IGOR_EFFECT_BAD_TRANSITION;
    in->state = to;
    return 0;
}

int igor_effects_begin(struct igor_effects *e, const void *id, uint32_t id_len)
{
    return transition(e,
                      id,
                      id_len,
                      IGOR_INTENT_RECORDED,
                      IGOR_INTENT_RECORDED,
                      IGOR_INTENT_IN_FLIGHT);
}

int igor_effects_confirm(struct igor_effects *e,
                         const void *id,
                         uint32_t id_len)
{
    return transition(e,
                      id,
                      id_len,
                      IGOR_INTENT_IN_FLIGHT,
                      IGOR_INTENT_UNRESOLVED,
                      IGOR_INTENT_CONFIRMED);
}

int igor_effects_compensate(struct igor_effects *e,
                            const void *id,
                            uint32_t id_len)
{
    return transition(e,
                      id,
                      id_len,
                      IGOR_INTENT_IN_FLIGHT,
                      IGOR_INTENT_UNRESOLVED,
                      IGOR_INTENT_COMPENSATED);
}

static int finished(uint8_t state)
{
    return state == IGOR_INTENT_CONFIRMED || state == IGOR_INTENT_COMPENSATED;
}

uint32_t igor_effects_pending(const struct igor_effects *e)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < e->n; i++)
        n += !finished(e->v[i].state);
    return n;
}

uint32_t igor_effects_unresolved(const struct igor_effects *e)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < e->n; i++)
        n += e->v[i].state == IGOR_INTENT_UNRESOLVED;
    return n;
}

uint32_t igor_effects_prune(struct igor_effects *e)
{
    uint32_t kept = 0, removed;

    for (uint32_t i = 0; i < e->n; i++) {
        if (finished(e->v[i].state)) {
            free(e->v[i].id);
            free(e->v[i].data);
            continue;
        }
        e->v[kept++] = e->v[i];
    }
    removed = e->n - kept;
    e->n = kept;
    return removed;
}

void igor_effects_save(const struct igor_effects *e, struct igor_enc *enc)
{
    igor_enc_u32(enc, e->n);
    for (uint32_t i = 0; i < e->n; i++) {
        igor_enc_u8(enc, e->v[i].state);
        igor_enc_bytes(enc, e->v[i].id, e->v[i].id_len);
        igor_enc_bytes(enc, e->v[i].data, e->v[i].data_len);
    }
}

/* One intent from d; 1 read, 0 stop (short or invalid), or NOMEM. */
static int load_one(struct igor_effects *e, struct igor_dec *d)
{
    uint8_t state = igor_dec_u8(d);
    uint32_t id_len = 0, data_len = 0;
    const uint8_t *id, *data;

    if (d->err || state < IGOR_INTENT_RECORDED ||
        state > IGOR_INTENT_COMPENSATED)
        return 0;
    id = igor_dec_bytes(d, &id_len);
    data = igor_dec_bytes(d, &data_len);
    if (!id || !data || id_len > IGOR_EFFECT_MAX_FIELD ||
        data_len > IGOR_EFFECT_MAX_FIELD)
        return 0;
    /* The resume rule: an effect that was under way when the checkpoint
     * was taken may or may not have happened. */
    if (state == IGOR_INTENT_IN_FLIGHT)
        state = IGOR_INTENT_UNRESOLVED;
    if (push(e, state, id, id_len, data, data_len) < 0)
        return IGOR_EFFECT_NOMEM;
    return 1;
}

int igor_effects_load(struct igor_effects *e, struct igor_dec *d)
{
    uint32_t count;
    int rc = 1;

    igor_effects_free(e);
    count = igor_dec_u32(d);
    for (uint32_t i = 0; i < count && rc == 1; i++)
        rc = load_one(e, d);
    return rc < 0 ? rc : 0;
}

void igor_effects_free(struct igor_effects *e)
{
    for (uint32_t i = 0; i < e->n; i++) {
        free(e->v[i].id);
        free(e->v[i].data);
    }
    free(e->v);
    e->v = NULL;
    e->n = e->cap = 0;
}
