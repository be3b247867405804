/* SPDX-License-Identifier: MIT */
/* The binary decoder: sections, in order, into struct ig_wasm_module;
 * function bodies are located but their instructions are left to the
 * validator, which reads each body exactly once. */
#ifndef IG_WASM_DECODE_H
#define IG_WASM_DECODE_H

#include <stdarg.h>
#include <stddef.h>

#include "wasm/module.h"
#include "wasm/reader.h"

/* Section ids of the binary format. */
enum ig_wasm_section {
    IG_WASM_SEC_CUSTOM = 0,
    IG_WASM_SEC_TYPE = 1,
    IG_WASM_SEC_IMPORT = 2,
    IG_WASM_SEC_FUNCTION = 3,
    IG_WASM_SEC_TABLE = 4,
    IG_WASM_SEC_MEMORY = 5,
    IG_WASM_SEC_GLOBAL = 6,
    IG_WASM_SEC_EXPORT = 7,
    IG_WASM_SEC_START = 8,
    IG_WASM_SEC_ELEMENT = 9,
    IG_WASM_SEC_CODE = 10,
    IG_WASM_SEC_DATA = 11,
    IG_WASM_SEC_DATACOUNT = 12,
};

/*
 * Where findings go while a module loads. A malformed binary wins over an
 * invalid one (the spec decodes before it validates), so an invalidity
 * found early is only recorded (invalid = 1, err filled once) while
 * decoding goes on; any later malformation overwrites err.
 */
struct ig_wasm_diag {
    char *err; /* may be NULL */
    size_t errlen;
    int invalid;
};

/* Record the first invalidity; later calls are ignored. */
void ig_wasm__diag_invalid(struct ig_wasm_diag *d,
                           size_t off,
                           const char *fmt,
                           ...) __attribute__((format(printf, 3, 4)));

/* Write "<message> at offset <off>" to err and return code. */
int ig_wasm__diag_fail(struct ig_wasm_diag *d,
                       int code,
                       size_t off,
                       const char *fmt,
                       ...) __attribute__((format(printf, 4, 5)));

/* The failure of a reader call, with the reader's reason and position;
 * returns rc unchanged. */
int ig_wasm__diag_reader(struct ig_wasm_diag *d,
                         const struct ig_wasm_reader *r,
                         int rc);

/*
 * Decode m->bytes[0..m->len) into m, which must start zeroed apart from
 * bytes and len. Returns 0 (check d->invalid), IG_EWASM_MALFORMED,
 * IG_EWASM_LIMIT or -ENOMEM. Whatever was allocated stays in m for
 * ig_wasm__module_clear() to free, on success and failure alike.
 */
int ig_wasm__decode(struct ig_wasm_module *m, struct ig_wasm_diag *d);

/* Free everything the decoder and validator allocated in m except bytes
 * and the compiled code. */
void ig_wasm__module_clear(struct ig_wasm_module *m);

#endif
