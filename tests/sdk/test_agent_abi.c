/* SPDX-License-Identifier: MIT */
/* The built agents, loaded by igord's own wasm decoder: each exports
 * exactly the agent ABI with its signatures, imports only the igor
 * hostcalls it needs (with their signatures) and stdio's WASI calls. */
#define IG_TEST_MAIN
#include "test.h"

#include "util/err.h"
#include "wasm/wasm.h"

/* Signatures as strings: params then "->" then results, e.g. "ii->i". */
struct sig {
    const char *name;
    const char *type;
};

static const struct sig abi_exports[] = {
    { "_initialize", "->" },
    { "agent_init", "->" },
    { "agent_tick", "->i" },
    { "agent_checkpoint", "->i" },
    { "agent_checkpoint_ptr", "->i" },
    { "agent_resume", "ii->" },
    { "malloc", "i->i" },
};

static const struct sig hostcalls[] = {
    { "clock_now", "->I" },
    { "rand_bytes", "ii->i" },
    { "log_emit", "ii->" },
};

static const char *const wasi_allowed[] = {
    "fd_write", "fd_close", "fd_seek", "fd_fdstat_get", "proc_exit",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void sig_string(const struct ig_wasm_functype *t, char *out)
{
    size_t o = 0;

    for (uint32_t i = 0; i < t->nparams && o < 30; i++)
        out[o++] = t->params[i] == IG_WASM_I32   ? 'i'
                   : t->params[i] == IG_WASM_I64 ? 'I'
                                                 : '?';
    out[o++] = '-';
    out[o++] = '>';
    for (uint32_t i = 0; i < t->nresults && o < 60; i++)
        out[o++] = t->results[i] == IG_WASM_I32   ? 'i'
                   : t->results[i] == IG_WASM_I64 ? 'I'
                                                  : '?';
    out[o] = '\0';
}

static const struct sig *find(const struct sig *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].name, name) == 0)
            return &v[i];
    return NULL;
}

static ig_wasm_module_t *load(const char *path)
{
    char err[256];
    ig_wasm_module_t *m = NULL;
    uint8_t *buf;
    long n;
    FILE *f = fopen(path, "rb");

    if (!f)
        IG_TEST_FAIL("%s: cannot open (agents not built?)", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        IG_TEST_FAIL("%s: read failed", path);
    fclose(f);
    if (ig_wasm_module_load(buf, (size_t)n, &m, err, sizeof(err)) != 0)
        IG_TEST_FAIL("%s: %s", path, err);
    free(buf);
    return m;
}

static void check_exports(ig_wasm_module_t *m)
{
    uint32_t funcs = 0, mems = 0;

    for (uint32_t i = 0; i < ig_wasm_module_export_count(m); i++) {
        struct ig_wasm_export_info e;
        struct ig_wasm_functype t;
        const struct sig *want;
        char s[64];

        ASSERT_OK(ig_wasm_module_export(m, i, &e));
        if (e.kind == IG_WASM_EXTERN_MEMORY) {
            ASSERT_STR_EQ(e.name, "memory");
            mems++;
            continue;
        }
        ASSERT_EQ(e.kind, IG_WASM_EXTERN_FUNC);
        want = find(abi_exports, N(abi_exports), e.name);
        if (!want)
            IG_TEST_FAIL("unexpected export %s", e.name);
        ASSERT_OK(ig_wasm_module_export_functype(m, e.name, &t));
        sig_string(&t, s);
        ASSERT_STR_EQ(s, want->type);
        funcs++;
    }
    ASSERT_EQ(funcs, N(abi_exports));
    ASSERT_EQ(mems, 1);
}

/* igor imports must be exactly `want` (comma-separated). */
static void check_imports(ig_wasm_module_t *m, const char *want)
{
    char seen[256] = "";

    for (uint32_t i = 0; i < ig_wasm_module_import_count(m); i++) {
        struct ig_wasm_import_info im;
        const struct sig *hc;
        char s[64];
        int ok = 0;

        ASSERT_OK(ig_wasm_module_import(m, i, &im));
        ASSERT_EQ(im.kind, IG_WASM_EXTERN_FUNC);
        if (strcmp(im.module, "wasi_snapshot_preview1") == 0) {
            for (size_t k = 0; k < N(wasi_allowed); k++)
                ok |= strcmp(im.name, wasi_allowed[k]) == 0;
            if (!ok)
                IG_TEST_FAIL("unexpected WASI import %s", im.name);
            continue;
        }
        ASSERT_STR_EQ(im.module, "igor");
        hc = find(hostcalls, N(hostcalls), im.name);
        if (!hc)
            IG_TEST_FAIL("unexpected import igor.%s", im.name);
        sig_string(&im.type, s);
        ASSERT_STR_EQ(s, hc->type);
        snprintf(seen + strlen(seen),
                 sizeof(seen) - strlen(seen),
                 "%s%s",
                 seen[0] ? "," : "",
                 im.name);
    }
    ASSERT_STR_EQ(seen, want);
}

static void check_agent(const char *name, const char *imports)
{
    char path[512];
    ig_wasm_module_t *m;

    snprintf(
      path, sizeof(path), "%s/agents/%s/agent.wasm", IG_BINARY_DIR, name);
    m = load(path);
    check_exports(m);
    check_imports(m, imports);
    ig_wasm_module_free(m);
}

TEST(heartbeat_abi)
{
    check_agent("heartbeat", "clock_now,log_emit");
}

TEST(survivor_abi)
{
    check_agent("survivor", "clock_now,rand_bytes,log_emit");
}

TEST(sentinel_abi)
{
    check_agent("sentinel", "clock_now,rand_bytes,log_emit");
}

TEST(liquidation_abi)
{
    check_agent("liquidation", "clock_now,log_emit");
}
