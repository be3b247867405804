/* SPDX-License-Identifier: MIT */
/* The store: owner of all runtime objects, the value and frame stacks,
 * fuel, deadline and interrupt state, and interned function types. */
#ifndef IG_WASM_STORE_H
#define IG_WASM_STORE_H

#include <stdatomic.h>
#include <stdint.h>

#include "wasm/wasm.h"

/* Fuel units between polls of the deadline and the interrupt flag: small
 * enough that even a tight loop polls every few tens of microseconds. */
#define IG_WASM_POLL_INTERVAL 10000

/* Every runtime object starts with this header and is on its store's
 * list, which frees it. */
enum ig_wasm_obj_kind {
    IG_OBJ_FUNC,
    IG_OBJ_MEMORY,
    IG_OBJ_TABLE,
    IG_OBJ_GLOBAL,
    IG_OBJ_INSTANCE,
};

struct ig_wasm_obj {
    struct ig_wasm_obj *next;
    uint8_t kind;
};

/* A saved caller frame. */
struct ig_wasm_frame {
    const uint32_t *pc;
    uint64_t *fp;
    struct ig_wasm_func *func;
};

/* An interned function type: equal types share one entry and id. */
struct ig_wasm_ftype {
    struct ig_wasm_functype ft;
    uint32_t hash;
    uint8_t bytes[]; /* params then results */
};

struct ig_wasm_store {
    struct ig_wasm_config cfg;
    uint64_t *stack;              /* cfg.max_stack_slots value slots */
    struct ig_wasm_frame *frames; /* cfg.max_call_depth */
    uint64_t fuel_limit;
    uint64_t fuel_used; /* up to the last sync */
    int64_t ctr;        /* units left before the next poll */
    int64_t ctr_arm;    /* ctr when last armed or synced */
    uint64_t deadline;
    atomic_int interrupt;
    int running;
    struct ig_wasm_obj *objs;
    struct ig_wasm_ftype **types;
    uint32_t ntypes, typecap;
    char last_error[256];
};

/* Put obj on s's list so ig_wasm_store_free() frees it. */
void ig_wasm__store_adopt(struct ig_wasm_store *s,
                          struct ig_wasm_obj *obj,
                          uint8_t kind);

/* The id of ft in s (adding it when new) and its canonical copy, which
 * lives as long as s. 0 or -ENOMEM. */
int ig_wasm__store_intern(struct ig_wasm_store *s,
                          const struct ig_wasm_functype *ft,
                          uint32_t *id,
                          const struct ig_wasm_functype **canon);

/* Move fuel spent since the last sync into fuel_used. */
void ig_wasm__fuel_sync(struct ig_wasm_store *s);

/* Arm ctr for the next poll: the fuel left or the poll interval. */
void ig_wasm__fuel_arm(struct ig_wasm_store *s);

/* Called when ctr runs out: 0 to go on (re-armed), or IG_ETRAP_FUEL,
 * IG_ETRAP_INTERRUPT or IG_ETRAP_DEADLINE. */
int ig_wasm__store_poll(struct ig_wasm_store *s);

/* Record a one-line description of rc in s->last_error. */
void ig_wasm__store_error(struct ig_wasm_store *s,
                          int rc,
                          uint32_t func,
                          uint32_t offset,
                          int where_known);

/* Function types equal element by element. */
int ig_wasm__functype_eq(const struct ig_wasm_functype *a,
                         const struct ig_wasm_functype *b);

#endif
