/* SPDX-License-Identifier: MIT */
/* Measures the host overhead of one empty tick: ig_agent_tick (what the
 * tick loop of `igord run` calls) against a bare ig_wasm_call of the same
 * empty agent_tick, in the same run. Usage: bench_agent_tick [ticks]. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "bench_util.h"
#include "store/identity.h"
#include "store/storage.h"
#include "util/err.h"
#include "wasm/wasm.h"

#define TARGET_NS 5000 /* the bound on the host overhead */
#define ROUNDS 10      /* alternate the two so both see the same load */
#define MAX_TICKS 1000000

struct bench {
    uint8_t *wasm;
    size_t wasm_len;
    struct ig_store *store;
    struct ig_identity ident;
    struct ig_agent *agent;
    ig_wasm_module_t *mod;
    ig_wasm_store_t *ws; /* the baseline: no membrane, no agent */
    ig_wasm_func_t *tick;
};

/* The agent as `igord run` builds it: manifest, membrane, meter, event
 * log and tick deadline all come from ig_agent_new and ig_agent_start. */
static int open_agent(struct bench *b, const char *dir)
{
    struct ig_agent_opts o = {
        .id = "bench-empty-tick",
        .wasm = b->wasm,
        .wasm_len = b->wasm_len,
        .manifest = "{}",
        .manifest_len = 2,
        .budget = INT64_MAX / 4, /* never the limit during the run */
        .price = IG_AGENT_DEFAULT_PRICE,
    };
    char err[512] = "";
    int rc = ig_store_open(dir, 0, &b->store, err, sizeof(err));

    if (rc == 0)
        rc = ig_identity_generate(&b->ident);
    o.store = b->store;
    if (rc == 0)
        rc = ig_agent_new(&o, &b->agent, err, sizeof(err));
    if (rc == 0)
        rc = ig_agent_start(b->agent, &b->ident, NULL, 0, err, sizeof(err));
    if (rc < 0)
        fprintf(stderr, "agent: %s: %s\n", ig_err_name(rc), err);
    return rc;
}

/* The same module in a bare store, for the raw cost of the call. */
static int open_baseline(struct bench *b)
{
    struct ig_wasm_extern ex;
    ig_wasm_instance_t *inst = NULL;
    char err[256] = "";
    int rc = ig_wasm_module_load(b->wasm, b->wasm_len, &b->mod, err, 256);

    if (rc == 0)
        rc = ig_wasm_store_new(NULL, &b->ws);
    if (rc == 0)
        rc = ig_wasm_instance_new(b->ws, b->mod, NULL, 0, &inst, err, 256);
    if (rc == 0)
        rc = ig_wasm_instance_export(inst, "agent_tick", &ex);
    if (rc == 0 && ex.kind != IG_WASM_EXTERN_FUNC)
        rc = IG_EABI;
    if (rc < 0) {
        fprintf(stderr, "baseline: %s: %s\n", ig_err_name(rc), err);
        return rc;
    }
    ig_wasm_store_set_fuel_limit(b->ws, UINT64_MAX); /* as the agent does */
    b->tick = ex.u.func;
    return 0;
}

/* n ticks through the agent API, each timed on its own. */
static int time_agent(struct bench *b, uint64_t *t, int n)
{
    struct ig_agent_tick_report r;
    char err[256] = "";

    for (int i = 0; i < n; i++) {
        uint64_t t0 = bench_now_ns();
        int rc = ig_agent_tick(b->agent, &r, err, sizeof(err));

        t[i] = bench_now_ns() - t0;
        if (rc < 0) {
            fprintf(stderr, "tick: %s: %s\n", ig_err_name(rc), err);
            return rc;
        }
    }
    return 0;
}

/* n raw calls of the same empty export, timed the same way. */
static int time_raw(struct bench *b, uint64_t *t, int n)
{
    for (int i = 0; i < n; i++) {
        uint64_t t0 = bench_now_ns();
        int rc = ig_wasm_call(b->ws, b->tick, NULL, 0, NULL, 0);

        t[i] = bench_now_ns() - t0;
        if (rc < 0) {
            fprintf(stderr, "call: %s\n", ig_err_name(rc));
            return rc;
        }
    }
    return 0;
}

static int measure(struct bench *b, int n, uint64_t *tick, uint64_t *raw)
{
    uint64_t *ta = calloc((size_t)n, sizeof(*ta));
    uint64_t *tr = calloc((size_t)n, sizeof(*tr));
    int per = n / ROUNDS, rc = ta && tr ? 0 : -ENOMEM;

    for (int i = 0; rc == 0 && i < ROUNDS; i++) {
        rc = time_agent(b, ta + i * per, per);
        if (rc == 0)
            rc = time_raw(b, tr + i * per, per);
    }
    if (rc == 0) {
        *tick = bench_median(ta, (size_t)(per * ROUNDS));
        *raw = bench_median(tr, (size_t)(per * ROUNDS));
    }
    free(ta);
    free(tr);
    return rc;
}

static void report(int n, uint64_t tick, uint64_t raw)
{
    uint64_t over = tick > raw ? tick - raw : 0;
    int pass = over <= TARGET_NS;

    printf("empty tick, median of %d (ig_agent_tick vs ig_wasm_call, "
           "alternating)\n",
           n);
    printf("  ig_agent_tick (the loop's call): %8.3f us/tick\n", tick / 1e3);
    printf("  ig_wasm_call baseline:           %8.3f us/call\n", raw / 1e3);
    printf("  host overhead: %.3f us (%.1fx the raw call)  "
           "target <= %.0f us: %s\n",
           over / 1e3,
           raw ? (double)tick / (double)raw : 0.0,
           TARGET_NS / 1e3,
           pass ? "PASS" : "FAIL");
    printf("result: empty tick host overhead | %.3f us | "
           "ig_wasm_call %.3f us | %.1fx | <= 5 us %s\n",
           over / 1e3,
           raw / 1e3,
           raw ? (double)tick / (double)raw : 0.0,
           pass ? "PASS" : "FAIL");
}

static void close_bench(struct bench *b)
{
    ig_agent_free(b->agent);
    ig_store_close(b->store);
    ig_identity_wipe(&b->ident);
    if (b->ws)
        ig_wasm_store_free(b->ws);
    if (b->mod)
        ig_wasm_module_free(b->mod);
    free(b->wasm);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200000, rc;
    char dir[] = "/tmp/igord-bench-tick-XXXXXX";
    struct bench b;
    uint64_t tick = 0, raw = 0;

    memset(&b, 0, sizeof(b));
    if (n < ROUNDS || n > MAX_TICKS) {
        fprintf(
          stderr, "usage: bench_agent_tick [%d..%d]\n", ROUNDS, MAX_TICKS);
        return 2;
    }
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    rc = bench_read_file(IG_BENCH_GUEST, &b.wasm, &b.wasm_len);
    if (rc == 0)
        rc = open_agent(&b, dir);
    if (rc == 0)
        rc = open_baseline(&b);
    if (rc == 0)
        rc = measure(&b, n, &tick, &raw);
    /* Every timed call must have been a real tick of the agent. */
    if (rc == 0 &&
        ig_agent_tick_number(b.agent) != (uint64_t)(n / ROUNDS * ROUNDS)) {
        fprintf(stderr, "the agent did not tick %d times\n", n);
        rc = IG_ESTATE;
    }
    if (rc == 0)
        report(n / ROUNDS * ROUNDS, tick, raw);
    close_bench(&b);
    if (rmdir(dir) < 0) /* nothing is committed, so it stays empty */
        perror(dir);
    return rc < 0;
}
