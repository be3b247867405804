/* SPDX-License-Identifier: MIT */
/* Module objects: load (copy, decode, validate, compile), free, and the
 * import and export queries of the public API. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "wasm/decode.h"
#include "wasm/module.h"
#include "wasm/validate.h"
#include "wasm/wasm.h"

static void discard(struct ig_wasm_module *m)
{
    if (m) {
        ig_wasm__module_clear(m);
        free(m->bytes);
        free(m);
    }
}

/* Copy, decode and validate: everything of a load but the compiler. */
static int load_valid(const uint8_t *bytes,
                      size_t len,
                      struct ig_wasm_module **out,
                      struct ig_wasm_diag *d)
{
    struct ig_wasm_module *m = NULL;
    int rc = -ENOMEM;

    *out = NULL;
    if (len > UINT32_MAX)
        return ig_wasm__diag_fail(
          d, IG_EWASM_LIMIT, 0, "module larger than 4 GiB");
    m = calloc(1, sizeof *m);
    if (!m)
        goto out;
    m->bytes = malloc(len ? len : 1);
    if (!m->bytes)
        goto out;
    if (len)
        memcpy(m->bytes, bytes, len);
    m->len = len;
    rc = ig_wasm__decode(m, d);
    if (rc == 0)
        rc = ig_wasm__validate(m, d);
    if (rc == 0 && d->invalid)
        rc = IG_EWASM_INVALID;
    if (rc == 0) {
        *out = m;
        m = NULL;
    }
out:
    discard(m);
    return rc;
}

/* A load, or with compile clear a check that keeps nothing (out NULL). */
static int load(const uint8_t *bytes,
                size_t len,
                struct ig_wasm_module **out,
                int compile,
                char *err,
                size_t errlen)
{
    struct ig_wasm_diag d = { .err = err, .errlen = errlen };
    struct ig_wasm_module *m = NULL;
    int rc;

    if (out)
        *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    rc = load_valid(bytes, len, &m, &d);
    if (rc == 0 && compile)
        rc = ig_wasm__compile_module(m, err, errlen);
    if (rc == 0 && out) {
        *out = m;
        m = NULL;
    }
    if (rc == -ENOMEM && err && errlen && !err[0])
        ig_err_set(err, errlen, "out of memory while loading the module");
    discard(m);
    return rc;
}

int ig_wasm_module_load(const uint8_t *bytes,
                        size_t len,
                        ig_wasm_module_t **out,
                        char *err,
                        size_t errlen)
{
    return load(bytes, len, out, 1, err, errlen);
}

int ig_wasm__module_check(const uint8_t *bytes,
                          size_t len,
                          char *err,
                          size_t errlen)
{
    return load(bytes, len, NULL, 0, err, errlen);
}

void ig_wasm_module_free(ig_wasm_module_t *m)
{
    if (!m)
        return;
    ig_wasm__free_compiled(m);
    ig_wasm__module_clear(m);
    free(m->bytes);
    free(m);
}

uint32_t ig_wasm_module_import_count(const ig_wasm_module_t *m)
{
    return m->nimports;
}

int ig_wasm_module_import(const ig_wasm_module_t *m,
                          uint32_t i,
                          struct ig_wasm_import_info *out)
{
    const struct ig_wasm_import *im;

    if (i >= m->nimports)
        return IG_ENOTFOUND;
    im = &m->imports[i];
    memset(out, 0, sizeof *out);
    out->module = im->module;
    out->module_len = im->module_len;
    out->name = im->name;
    out->name_len = im->name_len;
    out->kind = im->kind;
    switch (im->kind) {
        case IG_WASM_EXTERN_FUNC:
            out->type = m->types[im->type_idx];
            break;
        case IG_WASM_EXTERN_TABLE:
            out->limits = im->table.lim;
            out->valtype = im->table.elemtype;
            break;
        case IG_WASM_EXTERN_MEMORY:
            out->limits = im->mem;
            break;
        default:
            out->valtype = im->global.valtype;
            out->mutable_ = im->global.mutable_;
            break;
    }
    return 0;
}

uint32_t ig_wasm_module_export_count(const ig_wasm_module_t *m)
{
    return m->nexports;
}

int ig_wasm_module_export(const ig_wasm_module_t *m,
                          uint32_t i,
                          struct ig_wasm_export_info *out)
{
    const struct ig_wasm_export *e;

    if (i >= m->nexports)
        return IG_ENOTFOUND;
    e = &m->exports[i];
    out->name = e->name;
    out->name_len = e->name_len;
    out->kind = e->kind;
    out->index = e->index;
    return 0;
}

int ig_wasm_module_export_functype(const ig_wasm_module_t *m,
                                   const char *name,
                                   struct ig_wasm_functype *out)
{
    size_t len = strlen(name);
    uint32_t i;

    for (i = 0; i < m->nexports; i++) {
        const struct ig_wasm_export *e = &m->exports[i];

        if (e->kind != IG_WASM_EXTERN_FUNC || e->name_len != len ||
            memcmp(e->name, name, len) != 0)
            continue;
        *out = m->types[m->func_types[e->index]];
        return 0;
    }
    return IG_EWASM_NOEXPORT;
}
