/* SPDX-License-Identifier: MIT */
/* The "spectest" host module: the print functions, globals, table and
 * memory that the official test suite links against. */
#include "wast_spectest.h"

#include <string.h>

static const uint8_t t_i32[] = { IG_WASM_I32 };
static const uint8_t t_i64[] = { IG_WASM_I64 };
static const uint8_t t_f32[] = { IG_WASM_F32 };
static const uint8_t t_f64[] = { IG_WASM_F64 };
static const uint8_t t_i32_f32[] = { IG_WASM_I32, IG_WASM_F32 };
static const uint8_t t_f64_f64[] = { IG_WASM_F64, IG_WASM_F64 };

static const struct {
    const char *name;
    uint32_t nparams;
    const uint8_t *params;
} print_funcs[] = {
    { "print", 0, NULL },
    { "print_i32", 1, t_i32 },
    { "print_i64", 1, t_i64 },
    { "print_f32", 1, t_f32 },
    { "print_f64", 1, t_f64 },
    { "print_i32_f32", 2, t_i32_f32 },
    { "print_f64_f64", 2, t_f64_f64 },
};

/* The suite only checks that printing links and returns; output would
 * only clutter the runner's report. */
static int host_print(ig_wasm_caller_t *caller,
                      void *user,
                      const ig_wasm_val_t *args,
                      ig_wasm_val_t *results)
{
    return 0;
}

static void add(struct wast_spectest *st, const char *name, int kind, void *obj)
{
    struct ig_wasm_extern *e = &st->items[st->n].ext;

    st->items[st->n].name = name;
    e->kind = kind;
    if (kind == IG_WASM_EXTERN_FUNC)
        e->u.func = obj;
    else if (kind == IG_WASM_EXTERN_TABLE)
        e->u.table = obj;
    else if (kind == IG_WASM_EXTERN_MEMORY)
        e->u.memory = obj;
    else
        e->u.global = obj;
    st->n++;
}

static int add_funcs(ig_wasm_store_t *s, struct wast_spectest *st)
{
    for (size_t i = 0; i < sizeof(print_funcs) / sizeof(print_funcs[0]); i++) {
        struct ig_wasm_functype ft = {
            print_funcs[i].nparams, 0, print_funcs[i].params, NULL
        };
        ig_wasm_func_t *f = NULL;
        int rc = ig_wasm_func_new_host(s, &ft, host_print, NULL, &f);

        if (rc < 0)
            return rc;
        add(st, print_funcs[i].name, IG_WASM_EXTERN_FUNC, f);
    }
    return 0;
}

static int add_global(ig_wasm_store_t *s,
                      struct wast_spectest *st,
                      const char *name,
                      uint8_t type,
                      ig_wasm_val_t v)
{
    ig_wasm_global_t *g = NULL;
    int rc = ig_wasm_global_new(s, type, 0, v, &g);

    if (rc < 0)
        return rc;
    add(st, name, IG_WASM_EXTERN_GLOBAL, g);
    return 0;
}

static int add_globals(ig_wasm_store_t *s, struct wast_spectest *st)
{
    float f32 = 666.6f;
    double f64 = 666.6;
    uint32_t b32;
    uint64_t b64;
    int rc;

    memcpy(&b32, &f32, sizeof(b32));
    memcpy(&b64, &f64, sizeof(b64));
    rc = add_global(s, st, "global_i32", IG_WASM_I32, 666);
    if (rc == 0)
        rc = add_global(s, st, "global_i64", IG_WASM_I64, 666);
    if (rc == 0)
        rc = add_global(s, st, "global_f32", IG_WASM_F32, b32);
    if (rc == 0)
        rc = add_global(s, st, "global_f64", IG_WASM_F64, b64);
    return rc;
}

static int add_table_memory(ig_wasm_store_t *s, struct wast_spectest *st)
{
    struct ig_wasm_limits tlim = { 10, 20, 1 };
    struct ig_wasm_limits mlim = { 1, 2, 1 };
    ig_wasm_table_t *t = NULL;
    ig_wasm_memory_t *m = NULL;
    int rc = ig_wasm_table_new(s, IG_WASM_FUNCREF, &tlim, 0, &t);

    if (rc < 0)
        return rc;
    add(st, "table", IG_WASM_EXTERN_TABLE, t);
    rc = ig_wasm_memory_new(s, &mlim, &m);
    if (rc < 0)
        return rc;
    add(st, "memory", IG_WASM_EXTERN_MEMORY, m);
    return 0;
}

int wast_spectest_new(ig_wasm_store_t *s, struct wast_spectest *out)
{
    int rc;

    memset(out, 0, sizeof(*out));
    rc = add_funcs(s, out);
    if (rc == 0)
        rc = add_globals(s, out);
    if (rc == 0)
        rc = add_table_memory(s, out);
    return rc;
}

int wast_spectest_find(const struct wast_spectest *st,
                       const char *name,
                       size_t len,
                       struct ig_wasm_extern *out)
{
    for (size_t i = 0; i < st->n; i++) {
        const char *n = st->items[i].name;

        if (strlen(n) == len && memcmp(n, name, len) == 0) {
            *out = st->items[i].ext;
            return 0;
        }
    }
    return IG_ENOTFOUND;
}
