/* SPDX-License-Identifier: MIT */
/* Fuzz the hostcalls with any arguments, and replay with any event log: no
 * input may crash the host. When a live run ends cleanly, replaying its
 * log must give the guest the same results and the same memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "membrane/link.h"
#include "membrane/replay.h"
#include "store/atomic.h"

#define NCALLS 16 /* exports c0 .. c14 and grow */
#define MAX_CALLS 32
#define CALL_BYTES 17

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct call {
    uint8_t sel;
    ig_wasm_val_t args[4];
};

struct run {
    ig_wasm_store_t *store;
    ig_membrane_t *mb;
    ig_wasm_instance_t *inst;
    int rc[MAX_CALLS];
    ig_wasm_val_t res[MAX_CALLS];
};

static ig_wasm_module_t *module;
static struct ig_manifest manifest;
static uint64_t clock_ns;

static int64_t f_clock(void *u)
{
    return (int64_t)(clock_ns += 1000);
}

static int f_random(void *u, uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(i * 7 + 3);
    return len == 13 ? -1 : 0; /* one length fails, to cover that path */
}

static uint32_t f_count(void *u)
{
    return 2;
}

static int f_receipt(void *u, uint32_t i, const uint8_t **d, size_t *n)
{
    static const uint8_t r[2][24] = { "receipt number zero....",
                                      "receipt number one....." };

    if (i >= 2)
        return -1;
    *d = r[i];
    *n = i ? 24 : 10;
    return 0;
}

static void load_once(void)
{
    static const char caps[] =
      "{\"capabilities\":{\"clock\":{\"version\":1},\"rand\":{\"version\":"
      "1},\"log\":{\"version\":1},\"wallet\":{\"version\":1},"
      "\"pricing\":{\"version\":1}}}";
    uint8_t *bytes = NULL;
    size_t len = 0;
    char err[256];

    if (module)
        return;
    if (ig_atomic_read(
          IG_FUZZ_GUEST, 1u << 20, &bytes, &len, err, sizeof(err)) < 0 ||
        ig_wasm_module_load(bytes, len, &module, err, sizeof(err)) < 0 ||
        ig_manifest_parse((const uint8_t *)caps,
                          sizeof(caps) - 1,
                          &manifest,
                          err,
                          sizeof(err)) < 0) {
        fprintf(stderr, "fuzz_hostcalls: %s\n", err);
        abort();
    }
    free(bytes);
}

static int start(struct run *r, int mode)
{
    static const char *const argv[] = { "prog", "arg" };
    struct ig_membrane_config c = {
        .mode = mode,
        .clock_now = f_clock,
        .random = f_random,
        .receipt_count = f_count,
        .receipt = f_receipt,
        .argv = argv,
        .argc = 2,
        .eventlog_max_bytes = 1u << 16,
    };
    struct ig_wasm_config wc;
    char err[256];
    int rc;

    memset(r, 0, sizeof(*r));
    ig_wasm_config_default(&wc);
    wc.max_memory_pages = 2;
    wc.max_call_depth = 16; /* small stacks keep each run cheap */
    wc.max_stack_slots = 1024;
    rc = ig_wasm_store_new(&wc, &r->store);
    if (rc == 0)
        rc = ig_membrane_new(&c, &r->mb);
    if (rc == 0)
        rc = ig_link_instantiate(
          r->mb, r->store, module, &manifest, &r->inst, err, sizeof(err));
    return rc;
}

static void finish(struct run *r)
{
    ig_wasm_store_free(r->store);
    ig_membrane_free(r->mb);
}

static void run_calls(struct run *r, const struct call *calls, size_t n)
{
    struct ig_wasm_extern ex;
    char name[8];

    for (size_t i = 0; i < n; i++) {
        if (calls[i].sel == NCALLS - 1)
            snprintf(name, sizeof(name), "grow");
        else
            snprintf(name, sizeof(name), "c%u", calls[i].sel);
        if (ig_wasm_instance_export(r->inst, name, &ex) < 0)
            abort();
        r->rc[i] =
          ig_wasm_call(r->store, ex.u.func, calls[i].args, 4, &r->res[i], 1);
    }
}

static const uint8_t *memory(struct run *r, size_t *len)
{
    struct ig_wasm_extern ex;

    if (ig_wasm_instance_export(r->inst, "memory", &ex) < 0)
        abort();
    *len = ig_wasm_memory_size(ex.u.memory);
    return ig_wasm_memory_data(ex.u.memory);
}

/* Replaying a clean live run must reproduce it exactly. */
static void replay_agrees(struct run *live, const struct call *calls, size_t n)
{
    const ig_eventlog_t *log = ig_membrane_eventlog(live->mb);
    const uint8_t *a, *b;
    size_t alen, blen;
    struct run rep;
    char err[128];

    if (start(&rep, IG_MEMBRANE_REPLAY) < 0 || ig_replay_begin(rep.mb, log) < 0)
        abort();
    run_calls(&rep, calls, n);
    for (size_t i = 0; i < n; i++) {
        if (rep.rc[i] != live->rc[i] ||
            (rep.rc[i] == 0 && rep.res[i] != live->res[i]))
            abort();
    }
    if (ig_replay_end(rep.mb, err, sizeof(err)) != 0)
        abort();
    a = memory(live, &alen);
    b = memory(&rep, &blen);
    if (alen != blen || memcmp(a, b, alen) != 0)
        abort();
    finish(&rep);
}

static size_t parse_calls(const uint8_t **p,
                          const uint8_t *end,
                          struct call *calls)
{
    size_t n = 0, want = *p < end ? **p % (MAX_CALLS + 1) : 0;

    if (*p < end)
        (*p)++;
    while (n < want && (size_t)(end - *p) >= CALL_BYTES) {
        calls[n].sel = (uint8_t)((*p)[0] % NCALLS);
        for (int k = 0; k < 4; k++) {
            const uint8_t *q = *p + 1 + 4 * k;

            calls[n].args[k] = (uint32_t)q[0] | (uint32_t)q[1] << 8 |
                               (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
        }
        *p += CALL_BYTES;
        n++;
    }
    return n;
}

/* Replay a fuzzed log: whatever it says, the host must not crash. */
static void replay_fuzzed(const struct call *calls,
                          size_t n,
                          const uint8_t *p,
                          const uint8_t *end)
{
    ig_eventlog_t *log = NULL;
    struct run rep;
    char err[128];

    if (ig_eventlog_new(1u << 16, &log) < 0)
        return;
    (void)ig_eventlog_parse(log, &p, end, err, sizeof(err));
    if (start(&rep, IG_MEMBRANE_REPLAY) == 0 &&
        ig_replay_begin(rep.mb, log) == 0) {
        run_calls(&rep, calls, n);
        (void)ig_replay_end(rep.mb, err, sizeof(err));
    }
    finish(&rep);
    ig_eventlog_free(log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    struct call calls[MAX_CALLS];
    struct run live;
    size_t n;
    int clean = 1;

    load_once();
    if (size == 0)
        return 0;
    if (*p++ & 1) {
        n = parse_calls(&p, end, calls);
        replay_fuzzed(calls, n, p, end);
        return 0;
    }
    n = parse_calls(&p, end, calls);
    clock_ns = 0;
    if (start(&live, IG_MEMBRANE_LIVE) < 0 ||
        ig_membrane_tick_begin(live.mb, 1) < 0)
        abort();
    run_calls(&live, calls, n);
    ig_membrane_tick_end(live.mb);
    for (size_t i = 0; i < n; i++)
        clean &= live.rc[i] == 0;
    if (clean)
        replay_agrees(&live, calls, n);
    finish(&live);
    return 0;
}
