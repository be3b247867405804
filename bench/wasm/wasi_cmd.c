/* SPDX-License-Identifier: MIT */
/* A wasm32-wasi command runner for the benchmarks: the membrane provides
 * WASI (args, stdout, proc_exit), the engine runs _start. */
#include "wasi_cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "membrane/link.h"
#include "membrane/manifest.h"
#include "membrane/membrane.h"
#include "wasm/wasm.h"

/* Benchmarks print a line or two; more is kept up to this cap. */
#define WASI_CMD_MAX_OUT (1u << 20)

struct out_buf {
    char *p;
    size_t len, cap;
};

static void append(struct out_buf *b, const char *s, size_t n)
{
    size_t need = b->len + n + 1;

    if (need > WASI_CMD_MAX_OUT)
        return;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        char *p;

        while (cap < need)
            cap *= 2;
        p = realloc(b->p, cap);
        if (!p)
            return;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void on_log(void *user, int stream, const char *msg, size_t len)
{
    if (stream != IG_LOG_STDOUT)
        return;
    append(user, msg, len);
    append(user, "\n", 1);
}

/* Link, instantiate and run _start; 0 when the program ran to its end. */
static int run_start(ig_membrane_t *mb,
                     ig_wasm_store_t *s,
                     const ig_wasm_module_t *m,
                     uint32_t *exit_code,
                     char *err,
                     size_t errlen)
{
    struct ig_manifest man;
    struct ig_wasm_extern *imports = NULL, start;
    ig_wasm_instance_t *inst = NULL;
    uint32_t nimports = 0;
    int rc;

    ig_manifest_init(&man); /* WASI needs no capability */
    rc = ig_link_imports(mb, s, m, &man, &imports, &nimports, err, errlen);
    if (rc == 0)
        rc = ig_wasm_instance_new(s, m, imports, nimports, &inst, err, errlen);
    free(imports);
    if (rc == 0 && ig_wasm_instance_export(inst, "_start", &start) < 0) {
        ig_err_set(err, errlen, "no _start export");
        rc = IG_EWASM_NOEXPORT;
    }
    if (rc == 0)
        rc = ig_wasm_call(s, start.u.func, NULL, 0, NULL, 0);
    *exit_code = 0;
    if (rc == IG_ETRAP_EXIT && ig_membrane_exit_code(mb, exit_code))
        rc = 0;
    else if (rc < 0 && rc != IG_EWASM_UNLINKABLE && rc != IG_ECAP_DENIED)
        ig_err_set(
          err, errlen, "%s: %s", ig_err_name(rc), ig_wasm_store_last_error(s));
    return rc;
}

int wasi_cmd_run(const uint8_t *wasm,
                 size_t len,
                 const char *const *argv,
                 uint32_t argc,
                 struct wasi_cmd_result *res,
                 char *err,
                 size_t errlen)
{
    struct out_buf out = { NULL, 0, 0 };
    struct ig_membrane_config mc;
    ig_wasm_module_t *m = NULL;
    ig_wasm_store_t *s = NULL;
    ig_membrane_t *mb = NULL;
    uint64_t t0 = bench_now_ns();
    int rc;

    memset(res, 0, sizeof(*res));
    memset(&mc, 0, sizeof(mc));
    mc.mode = IG_MEMBRANE_LIVE;
    mc.user = &out;
    mc.log = on_log;
    mc.argv = argv;
    mc.argc = argc;
    rc = ig_wasm_module_load(wasm, len, &m, err, errlen);
    res->load_ns = bench_now_ns() - t0;
    if (rc == 0)
        rc = ig_wasm_store_new(NULL, &s);
    if (rc == 0)
        rc = ig_membrane_new(&mc, &mb);
    if (rc < 0)
        goto out;
    ig_wasm_store_set_fuel_limit(s, UINT64_MAX);
    t0 = bench_now_ns();
    rc = run_start(mb, s, m, &res->exit_code, err, errlen);
    res->run_ns = bench_now_ns() - t0;
out:
    if (s)
        ig_wasm_store_free(s);
    if (mb)
        ig_membrane_free(mb); /* after the store: flushes the last line */
    if (m)
        ig_wasm_module_free(m);
    res->out = out.p;
    res->outlen = out.len;
    return rc;
}
