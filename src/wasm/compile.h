/* SPDX-License-Identifier: MIT */
/* The compiler: turns each validated function body, once, into the
 * register-form internal code of interp.h with resolved branches. */
#ifndef IG_WASM_COMPILE_H
#define IG_WASM_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "wasm/module.h"

/* One compiled function, kept in its funcdef's compiled field. */
struct ig_wasm_code {
    uint32_t *code; /* instruction words */
    size_t len;
    uint32_t func_index; /* in the module's function index space */
    uint32_t nparams;
    uint32_t nresults;
    uint32_t nlocals;     /* params plus declared locals */
    uint32_t frame_slots; /* locals plus the deepest operand stack */
    /* (code index, wasm byte offset) pairs in code order, to name the
     * offset of a trap. */
    uint32_t *offmap;
    size_t noffmap;
};

/* The Wasm byte offset of the instruction whose code holds word pc, or 0
 * when unknown. */
uint32_t ig_wasm__code_offset(const struct ig_wasm_code *c, size_t pc);

#endif
