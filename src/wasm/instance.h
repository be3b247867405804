/* SPDX-License-Identifier: MIT */
/* Instances: linking imports, building a module's objects, running its
 * segments and start function, and looking up exports. */
#ifndef IG_WASM_INSTANCE_H
#define IG_WASM_INSTANCE_H

#include <stdint.h>

#include "wasm/module.h"
#include "wasm/objects.h"

struct ig_wasm_instance {
    struct ig_wasm_obj obj;
    const struct ig_wasm_module *m;
    struct ig_wasm_func **funcs; /* whole function index space */
    struct ig_wasm_table **tables;
    struct ig_wasm_memory **mems;
    struct ig_wasm_global **globals;
    struct ig_wasm_memory *mem0; /* mems[0] or NULL */
    uint32_t *type_ids;          /* store type id per module type */
    ig_wasm_val_t **elems;       /* evaluated element segments */
    uint32_t *elem_len;          /* 0 once dropped */
    uint8_t *data_dropped;
    struct ig_wasm_func *own_funcs; /* defined functions, one block */
    struct ig_wasm_global *own_globals;
};

/* Free what an instance owns (not the instance itself). */
void ig_wasm__instance_release(struct ig_wasm_instance *inst);

/* The bytes of data segment i, or length 0 once dropped. */
uint32_t ig_wasm__data_len(const struct ig_wasm_instance *inst, uint32_t i);

#endif
