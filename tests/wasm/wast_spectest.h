/* SPDX-License-Identifier: MIT */
/* The "spectest" host module the official test suite imports from: print
 * functions, four globals, a table and a memory. */
#ifndef IG_TESTS_WASM_WAST_SPECTEST_H
#define IG_TESTS_WASM_WAST_SPECTEST_H

#include <stddef.h>

#include "wasm/wasm.h"

#define WAST_SPECTEST_MAX 16

struct wast_spectest {
    size_t n;
    struct {
        const char *name;
        struct ig_wasm_extern ext;
    } items[WAST_SPECTEST_MAX];
};

/*
 * Create the spectest objects in s (which owns them): print, print_i32,
 * print_i64, print_f32, print_f64, print_i32_f32, print_f64_f64 (all do
 * nothing), global_i32 = 666, global_i64 = 666, global_f32 = 666.6,
 * global_f64 = 666.6 (immutable), table (10..20 funcref), memory (1..2).
 * Returns 0 or the engine's error.
 */
int wast_spectest_new(ig_wasm_store_t *s, struct wast_spectest *out);

/* Find an object by name (bytes and length): 0, or IG_ENOTFOUND. */
int wast_spectest_find(const struct wast_spectest *st,
                       const char *name,
                       size_t len,
                       struct ig_wasm_extern *out);

#endif
