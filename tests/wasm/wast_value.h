/* SPDX-License-Identifier: MIT */
/* Values in wast2json command files: turning arguments into engine values
 * and checking results against expectations, NaN patterns included. */
#ifndef IG_TESTS_WASM_WAST_VALUE_H
#define IG_TESTS_WASM_WAST_VALUE_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm/wasm.h"

/* How an expected value is compared with a result. */
enum wast_match {
    WAST_MATCH_EXACT = 0, /* same bits */
    WAST_MATCH_NAN_CANON, /* a canonical NaN of either sign */
    WAST_MATCH_NAN_ARITH, /* any NaN with the top payload bit set */
    WAST_MATCH_NONNULL,   /* any non-null reference */
};

struct wast_expect {
    uint8_t type; /* enum ig_wasm_valtype */
    int match;    /* enum wast_match */
    ig_wasm_val_t bits;
};

/*
 * Parse {"type": T, "value": V} as an argument. Externref N becomes the
 * handle N + 1 so that handle 0 stays null. Returns 0, IG_EUNSUPPORTED for
 * a type the engine lacks (v128), or IG_EFORMAT.
 */
int wast_value_parse_arg(const cJSON *v, uint8_t *type, ig_wasm_val_t *out);

/* Parse one entry of "expected"; errors as wast_value_parse_arg. */
int wast_value_parse_expect(const cJSON *v, struct wast_expect *out);

/* True when a result of the given type satisfies e. */
int wast_value_matches(const struct wast_expect *e,
                       uint8_t type,
                       ig_wasm_val_t got);

/* Write "i32:0x2a" style text for a value into buf. */
void wast_value_format(uint8_t type, ig_wasm_val_t v, char *buf, size_t len);

/* The expectation in the same style ("f32:nan:canonical"). */
void wast_value_format_expect(const struct wast_expect *e,
                              char *buf,
                              size_t len);

#endif
