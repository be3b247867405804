/* SPDX-License-Identifier: MIT */
/* libFuzzer target: load arbitrary bytes as a module; when it loads,
 * instantiate it against dummy imports and call every function export
 * with zero arguments under a small fuel limit and memory cap. */
#include <stdlib.h>
#include <string.h>

#include "wasm/wasm.h"

/* Small enough that a fuzzed module cannot exhaust the fuzzer's memory or
 * time: 16 pages (1 MiB) per memory, 10,000 instructions per call. */
#define FUZZ_MAX_PAGES 16u
#define FUZZ_MAX_TABLE 4096u
#define FUZZ_FUEL 10000u
#define FUZZ_MAX_VALS 1024u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every dummy function returns zeros of its result types. */
static int dummy_fn(ig_wasm_caller_t *caller,
                    void *user,
                    const ig_wasm_val_t *args,
                    ig_wasm_val_t *results)
{
    const struct ig_wasm_functype *t = user;

    memset(results, 0, t->nresults * sizeof(*results));
    return 0;
}

/* A stand-in for one import, matching what it asks for. */
static int make_dummy(ig_wasm_store_t *s,
                      const struct ig_wasm_import_info *ii,
                      struct ig_wasm_extern *out,
                      struct ig_wasm_functype *type)
{
    out->kind = ii->kind;
    switch (ii->kind) {
        case IG_WASM_EXTERN_FUNC:
            *type = ii->type;
            return ig_wasm_func_new_host(
              s, &ii->type, dummy_fn, type, &out->u.func);
        case IG_WASM_EXTERN_TABLE:
            return ig_wasm_table_new(
              s, ii->valtype, &ii->limits, 0, &out->u.table);
        case IG_WASM_EXTERN_MEMORY:
            return ig_wasm_memory_new(s, &ii->limits, &out->u.memory);
        default:
            return ig_wasm_global_new(
              s, ii->valtype, ii->mutable_, 0, &out->u.global);
    }
}

/* The dummy functions keep a pointer to their type, which points into the
 * module: it lives as long as the module, which outlives the store. */
static int make_imports(ig_wasm_store_t *s,
                        const ig_wasm_module_t *m,
                        struct ig_wasm_extern *ext,
                        struct ig_wasm_functype *types)
{
    uint32_t n = ig_wasm_module_import_count(m);

    for (uint32_t i = 0; i < n; i++) {
        struct ig_wasm_import_info ii;
        int rc = ig_wasm_module_import(m, i, &ii);

        if (rc == 0)
            rc = make_dummy(s, &ii, &ext[i], &types[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static void call_export(ig_wasm_store_t *s,
                        ig_wasm_instance_t *inst,
                        const struct ig_wasm_export_info *ei)
{
    static ig_wasm_val_t args[FUZZ_MAX_VALS], results[FUZZ_MAX_VALS];
    const struct ig_wasm_functype *t;
    struct ig_wasm_extern ext;

    if (ig_wasm_instance_export_n(inst, ei->name, ei->name_len, &ext) < 0 ||
        ext.kind != IG_WASM_EXTERN_FUNC)
        return;
    t = ig_wasm_func_type(ext.u.func);
    if (t->nparams > FUZZ_MAX_VALS || t->nresults > FUZZ_MAX_VALS)
        return;
    memset(args, 0, sizeof(args));
    ig_wasm_store_reset_fuel(s);
    ig_wasm_call(s, ext.u.func, args, t->nparams, results, t->nresults);
}

static void call_exports(ig_wasm_store_t *s,
                         const ig_wasm_module_t *m,
                         ig_wasm_instance_t *inst)
{
    uint32_t n = ig_wasm_module_export_count(m);

    for (uint32_t i = 0; i < n; i++) {
        struct ig_wasm_export_info ei;

        if (ig_wasm_module_export(m, i, &ei) == 0 &&
            ei.kind == IG_WASM_EXTERN_FUNC)
            call_export(s, inst, &ei);
    }
}

static void run_module(const ig_wasm_module_t *m)
{
    struct ig_wasm_config cfg;
    ig_wasm_store_t *s = NULL;
    ig_wasm_instance_t *inst = NULL;
    uint32_t n = ig_wasm_module_import_count(m);
    struct ig_wasm_extern *ext = calloc(n + 1, sizeof(*ext));
    struct ig_wasm_functype *types = calloc(n + 1, sizeof(*types));

    ig_wasm_config_default(&cfg);
    cfg.max_memory_pages = FUZZ_MAX_PAGES;
    cfg.max_table_elems = FUZZ_MAX_TABLE;
    if (!ext || !types || ig_wasm_store_new(&cfg, &s) < 0)
        goto out;
    /* Fuel also bounds the start function run by instantiation. */
    ig_wasm_store_set_fuel_limit(s, FUZZ_FUEL);
    if (make_imports(s, m, ext, types) < 0)
        goto out;
    if (ig_wasm_instance_new(s, m, ext, n, &inst, NULL, 0) == 0)
        call_exports(s, m, inst);
out:
    ig_wasm_store_free(s);
    free(types);
    free(ext);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ig_wasm_module_t *m = NULL;

    if (ig_wasm_module_load(data, size, &m, NULL, 0) < 0)
        return 0;
    run_module(m);
    ig_wasm_module_free(m);
    return 0;
}
