/* SPDX-License-Identifier: MIT */
/* The validator: module-level rules, constant expressions, and the type
 * checking of every function body in one pass each. */
#ifndef IG_WASM_VALIDATE_H
#define IG_WASM_VALIDATE_H

#include "wasm/decode.h"
#include "wasm/module.h"

/*
 * Validate a module the decoder filled. Sets m->declared_funcs and each
 * body's max_stack. Bodies are decoded here too, so a body that is not
 * well-formed makes this return IG_EWASM_MALFORMED even when an
 * invalidity came first (the spec decodes everything before it
 * validates). Returns 0, IG_EWASM_MALFORMED, IG_EWASM_INVALID,
 * IG_EWASM_LIMIT or -ENOMEM, with the reason in d->err.
 */
int ig_wasm__validate(struct ig_wasm_module *m, struct ig_wasm_diag *d);

#endif
