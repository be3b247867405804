/* SPDX-License-Identifier: MIT */
/* Function, memory, table and global objects, and the bounds-checked
 * operations on them that both the interpreter and the API use. */
#ifndef IG_WASM_OBJECTS_H
#define IG_WASM_OBJECTS_H

#include <stdint.h>

#include "wasm/compile.h"
#include "wasm/store.h"
#include "wasm/wasm.h"

#define IG_WASM_PAGE 65536u

struct ig_wasm_func {
    struct ig_wasm_obj obj;
    const struct ig_wasm_functype *type; /* interned in the store */
    uint32_t type_id;
    struct ig_wasm_instance *inst;   /* defining instance; NULL: host */
    const struct ig_wasm_code *code; /* wasm functions */
    ig_wasm_host_fn host;            /* host functions */
    void *user;
};

struct ig_wasm_memory {
    struct ig_wasm_obj obj;
    uint8_t *data;
    uint64_t size; /* bytes */
    uint32_t pages;
    uint32_t max_pages; /* the smaller of the type's max and the cap */
    struct ig_wasm_limits lim;
};

struct ig_wasm_table {
    struct ig_wasm_obj obj;
    ig_wasm_val_t *elems;
    uint32_t size;
    uint32_t max; /* the smaller of the type's max and the cap */
    uint8_t elemtype;
    struct ig_wasm_limits lim;
};

struct ig_wasm_global {
    struct ig_wasm_obj obj;
    ig_wasm_val_t val;
    uint8_t valtype;
    uint8_t mutable_;
};

struct ig_wasm_caller {
    struct ig_wasm_store *store;
    struct ig_wasm_instance *inst; /* NULL when called from the host */
};

/* Free an object's own allocations (not the object). */
void ig_wasm__obj_release(struct ig_wasm_obj *o);

/* table.grow: *old gets the old size; IG_EWASM_LIMIT or -ENOMEM. */
int ig_wasm__table_grow(struct ig_wasm_table *t,
                        uint32_t delta,
                        ig_wasm_val_t init,
                        uint32_t *old);

/* table.fill and table.copy with the spec's bounds checks
 * (IG_ETRAP_TABLE_OOB). */
int ig_wasm__table_fill(struct ig_wasm_table *t,
                        uint32_t i,
                        ig_wasm_val_t v,
                        uint32_t n);
int ig_wasm__table_copy(struct ig_wasm_table *dst,
                        struct ig_wasm_table *src,
                        uint32_t d,
                        uint32_t s,
                        uint32_t n);

/* Copy n refs from src[s..] (of length len) into t at d. */
int ig_wasm__table_init(struct ig_wasm_table *t,
                        const ig_wasm_val_t *src,
                        uint32_t len,
                        uint32_t d,
                        uint32_t s,
                        uint32_t n);

/* memory.init, memory.copy and memory.fill (IG_ETRAP_MEM_OOB). */
int ig_wasm__memory_init(struct ig_wasm_memory *m,
                         const uint8_t *src,
                         uint32_t len,
                         uint32_t d,
                         uint32_t s,
                         uint32_t n);
int ig_wasm__memory_copy(struct ig_wasm_memory *m,
                         uint32_t d,
                         uint32_t s,
                         uint32_t n);
int ig_wasm__memory_fill(struct ig_wasm_memory *m,
                         uint32_t d,
                         uint8_t v,
                         uint32_t n);

#endif
