/* SPDX-License-Identifier: MIT */
/* Import resolution: every import of an agent module is answered by a host
 * function its manifest grants, or the load fails naming the import. */
#ifndef IG_MEMBRANE_LINK_H
#define IG_MEMBRANE_LINK_H

#include <stdint.h>

#include "membrane/manifest.h"
#include "membrane/membrane.h"
#include "wasm/wasm.h"

/*
 * Build the import array for ig_wasm_instance_new(s, m, *imports,
 * *nimports, ...). For each import of m, in order:
 *   igor.<name>       the hostcall, when the manifest grants its capability
 *                     and this node implements it
 *   wasi_snapshot_preview1.<name>  the WASI function (no capability needed)
 * Host functions are created in s, bound to mb (which must outlive s's
 * use). *imports is malloc'd (caller frees; NULL when m imports nothing).
 * Errors, each with a message naming the import:
 *   IG_ECAP_DENIED       igor import whose capability is not granted
 *                        ("igor.rand_bytes needs capability \"rand\", which
 *                        the manifest does not grant")
 *   IG_EWASM_UNLINKABLE  unknown module or name, a known hostcall this node
 *                        does not implement, a function type mismatch, or a
 *                        memory, table or global import (none are given)
 *   -ENOMEM
 * mb's mode decides only how the calls behave, not what links.
 */
int ig_link_imports(ig_membrane_t *mb,
                    ig_wasm_store_t *s,
                    const ig_wasm_module_t *m,
                    const struct ig_manifest *man,
                    struct ig_wasm_extern **imports,
                    uint32_t *nimports,
                    char *err,
                    size_t errlen);

/*
 * ig_link_imports followed by ig_wasm_instance_new (which also runs the
 * module's start function), freeing the import array in between: the
 * usual way to instantiate a guest. Errors of either; *out is NULL on
 * failure.
 */
int ig_link_instantiate(ig_membrane_t *mb,
                        ig_wasm_store_t *s,
                        const ig_wasm_module_t *m,
                        const struct ig_manifest *man,
                        ig_wasm_instance_t **out,
                        char *err,
                        size_t errlen);

#endif
