/* SPDX-License-Identifier: MIT */
/* Import resolution under deny-by-default: an import links only to a host
 * function the manifest grants, with exactly the expected type. */
#include "membrane/link.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "membrane/hostcalls.h"
#include "membrane/wasi.h"
#include "util/err.h"

static const char *kind_name(int kind)
{
    switch (kind) {
        case IG_WASM_EXTERN_TABLE:
            return "table";
        case IG_WASM_EXTERN_MEMORY:
            return "memory";
        case IG_WASM_EXTERN_GLOBAL:
            return "global";
        default:
            return "function";
    }
}

static int is(const char *s, size_t len, const char *lit)
{
    return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

static int same_type(const struct ig_wasm_functype *a,
                     const struct ig_wasm_functype *b)
{
    return a->nparams == b->nparams && a->nresults == b->nresults &&
           (a->nparams == 0 || memcmp(a->params, b->params, a->nparams) == 0) &&
           (a->nresults == 0 ||
            memcmp(a->results, b->results, a->nresults) == 0);
}

/* "module.name" for messages, made printable and bounded: import names
 * come from the guest and may hold any bytes. */
static void qualified(const struct ig_wasm_import_info *im,
                      char *out,
                      size_t outlen)
{
    char mod[72], name[72];

    ig_manifest__printable(im->module, im->module_len, mod, sizeof(mod));
    ig_manifest__printable(im->name, im->name_len, name, sizeof(name));
    snprintf(out, outlen, "%s.%s", mod, name);
}

static int refuse(const struct ig_wasm_import_info *im,
                  const struct ig_manifest *man,
                  const struct ig_hostcall_def *d,
                  char *err,
                  size_t errlen)
{
    char q[160], mod[72], want[96], got[96];

    qualified(im, q, sizeof(q));
    if (im->kind != IG_WASM_EXTERN_FUNC) {
        ig_err_set(err,
                   errlen,
                   "import %s: %s imports are not provided",
                   q,
                   kind_name(im->kind));
        return IG_EWASM_UNLINKABLE;
    }
    if (!is(im->module, im->module_len, IG_HOSTCALL_MODULE) &&
        !is(im->module, im->module_len, IG_WASI_MODULE)) {
        ig_manifest__printable(im->module, im->module_len, mod, sizeof(mod));
        ig_err_set(err, errlen, "import %s: unknown module \"%s\"", q, mod);
        return IG_EWASM_UNLINKABLE;
    }
    if (!d) {
        ig_err_set(err, errlen, "import %s: not provided by igord", q);
        return IG_EWASM_UNLINKABLE;
    }
    if (d->cap >= 0 && !ig_manifest_grants(man, d->cap)) {
        ig_err_set(err,
                   errlen,
                   "%s needs capability \"%s\", which the "
                   "manifest does not grant",
                   q,
                   ig_cap_name(d->cap));
        return IG_ECAP_DENIED;
    }
    if (!d->fn) {
        ig_err_set(err,
                   errlen,
                   "import %s: capability \"%s\" is not "
                   "implemented by this node",
                   q,
                   ig_cap_name(d->cap));
        return IG_EWASM_UNLINKABLE;
    }
    ig_hostcalls_format_type(&d->type, want, sizeof(want));
    ig_hostcalls_format_type(&im->type, got, sizeof(got));
    ig_err_set(
      err, errlen, "import %s: type %s, igord provides %s", q, got, want);
    return IG_EWASM_UNLINKABLE;
}

/* The definition answering one import, or a refusal naming it. */
static int resolve(const struct ig_wasm_import_info *im,
                   const struct ig_manifest *man,
                   const struct ig_hostcall_def **out,
                   char *err,
                   size_t errlen)
{
    const struct ig_hostcall_def *d = NULL;

    if (im->kind == IG_WASM_EXTERN_FUNC &&
        is(im->module, im->module_len, IG_HOSTCALL_MODULE))
        d = ig_hostcalls_find(im->name, im->name_len);
    else if (im->kind == IG_WASM_EXTERN_FUNC &&
             is(im->module, im->module_len, IG_WASI_MODULE))
        d = ig_wasi_find(im->name, im->name_len);
    if (d && d->fn && (d->cap < 0 || ig_manifest_grants(man, d->cap)) &&
        same_type(&im->type, &d->type)) {
        *out = d;
        return 0;
    }
    return refuse(im, man, d, err, errlen);
}

int ig_link_imports(ig_membrane_t *mb,
                    ig_wasm_store_t *s,
                    const ig_wasm_module_t *m,
                    const struct ig_manifest *man,
                    struct ig_wasm_extern **imports,
                    uint32_t *nimports,
                    char *err,
                    size_t errlen)
{
    uint32_t n = ig_wasm_module_import_count(m);
    struct ig_wasm_extern *ext = NULL;
    struct ig_wasm_import_info im;
    const struct ig_hostcall_def *d;
    int rc = 0;

    *imports = NULL;
    *nimports = 0;
    if (n == 0)
        return 0;
    ext = calloc(n, sizeof(*ext));
    if (!ext)
        return -ENOMEM;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        rc = ig_wasm_module_import(m, i, &im);
        if (rc == 0)
            rc = resolve(&im, man, &d, err, errlen);
        if (rc == 0)
            rc = ig_wasm_func_new_host(s, &d->type, d->fn, mb, &ext[i].u.func);
        ext[i].kind = IG_WASM_EXTERN_FUNC;
    }
    if (rc < 0) {
        free(ext);
        return rc;
    }
    *imports = ext;
    *nimports = n;
    return 0;
}

int ig_link_instantiate(ig_membrane_t *mb,
                        ig_wasm_store_t *s,
                        const ig_wasm_module_t *m,
                        const struct ig_manifest *man,
                        ig_wasm_instance_t **out,
                        char *err,
                        size_t errlen)
{
    struct ig_wasm_extern *imports = NULL;
    uint32_t n = 0;
    int rc;

    *out = NULL;
    rc = ig_link_imports(mb, s, m, man, &imports, &n, err, errlen);
    if (rc == 0)
        rc = ig_wasm_instance_new(s, m, imports, n, out, err, errlen);
    free(imports);
    return rc;
}
