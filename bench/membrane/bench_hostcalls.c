/* SPDX-License-Identifier: MIT */
/* Cost of one hostcall through the membrane: recorded live (clock from the
 * OS, randomness from libsodium) and answered from the log in replay, as
 * nanoseconds per call above an empty guest loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "membrane/link.h"
#include "membrane/replay.h"
#include "store/atomic.h"

#define CALLS 100000
#define ROUNDS 5

struct inst {
    ig_wasm_store_t *store;
    ig_membrane_t *mb;
    ig_wasm_instance_t *inst;
};

static ig_wasm_module_t *module;
static struct ig_manifest manifest;

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int open_inst(struct inst *x, int mode)
{
    struct ig_membrane_config c = { .mode = mode };
    char err[256];
    int rc;

    memset(x, 0, sizeof(*x));
    rc = ig_wasm_store_new(NULL, &x->store);
    if (rc == 0)
        rc = ig_membrane_new(&c, &x->mb);
    if (rc == 0)
        rc = ig_link_instantiate(
          x->mb, x->store, module, &manifest, &x->inst, err, sizeof(err));
    if (rc < 0)
        fprintf(stderr, "bench_hostcalls: %s\n", ig_strerror(rc));
    return rc;
}

static void close_inst(struct inst *x)
{
    ig_wasm_store_free(x->store);
    ig_membrane_free(x->mb);
}

/* Wall time of fn(CALLS) in one tick; live ticks leave their log for the
 * replay that follows. */
static uint64_t run(struct inst *x, const char *fn, const ig_eventlog_t *log)
{
    ig_wasm_val_t arg = CALLS;
    struct ig_wasm_extern ex;
    uint64_t t0, t1;
    char err[128];

    if (ig_wasm_instance_export(x->inst, fn, &ex) < 0)
        return 0;
    if (log)
        ig_replay_begin(x->mb, log);
    else
        ig_membrane_tick_begin(x->mb, 1);
    t0 = now_ns();
    if (ig_wasm_call(x->store, ex.u.func, &arg, 1, NULL, 0) < 0)
        fprintf(stderr, "%s: %s\n", fn, ig_membrane_last_error(x->mb));
    t1 = now_ns();
    if (log)
        ig_replay_end(x->mb, err, sizeof(err));
    else
        ig_membrane_tick_end(x->mb);
    return t1 - t0;
}

static uint64_t best(uint64_t *v)
{
    uint64_t b = v[0];

    for (int i = 1; i < ROUNDS; i++)
        b = v[i] < b ? v[i] : b;
    return b;
}

static void measure(const char *fn, uint64_t empty)
{
    uint64_t live[ROUNDS], rep[ROUNDS];
    struct inst l, r;

    if (open_inst(&l, IG_MEMBRANE_LIVE) < 0 ||
        open_inst(&r, IG_MEMBRANE_REPLAY) < 0)
        exit(1);
    for (int i = 0; i < ROUNDS; i++) {
        live[i] = run(&l, fn, NULL);
        rep[i] = run(&r, fn, ig_membrane_eventlog(l.mb));
    }
    printf("%-11s live %7.1f ns/call  replay %7.1f ns/call\n",
           fn,
           (double)(best(live) - empty) / CALLS,
           (double)(best(rep) - empty) / CALLS);
    close_inst(&l);
    close_inst(&r);
}

int main(void)
{
    static const char caps[] = "{\"capabilities\":{\"clock\":{\"version\":1},"
                               "\"rand\":{\"version\":1}}}";
    uint64_t empty[ROUNDS];
    uint8_t *bytes = NULL;
    size_t len = 0;
    struct inst e;
    char err[256];

    if (ig_atomic_read(
          IG_BENCH_GUEST, 1u << 20, &bytes, &len, err, sizeof(err)) < 0 ||
        ig_wasm_module_load(bytes, len, &module, err, sizeof(err)) < 0 ||
        ig_manifest_parse((const uint8_t *)caps,
                          sizeof(caps) - 1,
                          &manifest,
                          err,
                          sizeof(err)) < 0) {
        fprintf(stderr, "bench_hostcalls: %s\n", err);
        return 1;
    }
    if (open_inst(&e, IG_MEMBRANE_LIVE) < 0)
        return 1;
    for (int i = 0; i < ROUNDS; i++)
        empty[i] = run(&e, "empty", NULL);
    close_inst(&e);
    printf("hostcall cost over an empty loop, %d calls per tick, best of %d "
           "(empty loop %.1f ns/iteration)\n",
           CALLS,
           ROUNDS,
           (double)best(empty) / CALLS);
    measure("clock", best(empty));
    measure("rand32", best(empty));
    measure("wasi_clock", best(empty));
    ig_manifest_free(&manifest);
    ig_wasm_module_free(module);
    free(bytes);
    return 0;
}
