/* SPDX-License-Identifier: MIT */
/* Placeholder compiler hooks until the real compiler lands: bodies stay
 * uncompiled. */
#include "wasm/module.h"

int ig_wasm__compile_module(struct ig_wasm_module *m, char *err,
                            size_t errlen)
{
    (void)m;
    (void)err;
    (void)errlen;
    return 0;
}

void ig_wasm__free_compiled(struct ig_wasm_module *m)
{
    (void)m;
}
