/* SPDX-License-Identifier: MIT */
/* Engine execution tests: traps, fuel, deadline, interrupt, stack and
 * memory limits, host functions and shared globals, over small modules
 * built from the .wat files in tests/wasm/interp at build time. */
#define IG_TEST_MAIN
#include "test.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "wasm/wasm.h"

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n = 0;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n)) &&
        fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    *len = (size_t)n;
    fclose(f);
    return buf;
}

static ig_wasm_module_t *load(const char *name)
{
    char path[512], err[256] = "";
    ig_wasm_module_t *m = NULL;
    size_t len = 0;
    uint8_t *bytes;

    snprintf(
      path, sizeof path, "%s/tests/wasm/interp/%s.wasm", IG_BINARY_DIR, name);
    bytes = read_file(path, &len);
    if (!bytes)
        IG_TEST_FAIL("cannot read %s", path);
    if (ig_wasm_module_load(bytes, len, &m, err, sizeof err) != 0)
        IG_TEST_FAIL("cannot load %s: %s", name, err);
    free(bytes);
    return m;
}

/* A store with the default config (or cfg) and an import-free instance. */
struct env {
    ig_wasm_module_t *m;
    ig_wasm_store_t *s;
    ig_wasm_instance_t *inst;
};

static void env_open(struct env *e,
                     const char *name,
                     const struct ig_wasm_config *cfg)
{
    char err[256] = "";

    e->m = load(name);
    ASSERT_OK(ig_wasm_store_new(cfg, &e->s));
    if (ig_wasm_instance_new(e->s, e->m, NULL, 0, &e->inst, err, sizeof err) !=
        0)
        IG_TEST_FAIL("cannot instantiate %s: %s", name, err);
}

static void env_close(struct env *e)
{
    ig_wasm_store_free(e->s);
    ig_wasm_module_free(e->m);
}

static ig_wasm_func_t *func(ig_wasm_instance_t *inst, const char *name)
{
    struct ig_wasm_extern ex;

    ASSERT_OK(ig_wasm_instance_export(inst, name, &ex));
    ASSERT_EQ(ex.kind, IG_WASM_EXTERN_FUNC);
    return ex.u.func;
}

/* Call an export taking up to three args and returning at most one. */
static int call(struct env *e,
                const char *name,
                uint32_t nargs,
                ig_wasm_val_t a0,
                ig_wasm_val_t a1,
                ig_wasm_val_t *res)
{
    ig_wasm_func_t *f = func(e->inst, name);
    ig_wasm_val_t args[2] = { a0, a1 }, out[1] = { 0 };
    uint32_t nres = ig_wasm_func_type(f)->nresults;
    int rc = ig_wasm_call(e->s, f, args, nargs, out, nres);

    if (res)
        *res = out[0];
    return rc;
}

static uint64_t f64_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, 8);
    return b;
}

static uint64_t f32_bits(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

TEST(each_trap_kind)
{
    struct env e;
    ig_wasm_val_t r;

    env_open(&e, "traps", NULL);
    ASSERT_EQ(call(&e, "unreachable", 0, 0, 0, NULL), IG_ETRAP_UNREACHABLE);
    ASSERT_EQ(call(&e, "mem_oob", 1, 0, 0, NULL), IG_ETRAP_MEM_OOB);
    /* base + offset past 4 GiB must not wrap around to a valid address */
    ASSERT_EQ(call(&e, "mem_oob", 1, 0xffffffffu, 0, NULL), IG_ETRAP_MEM_OOB);
    ASSERT_EQ(call(&e, "store_oob", 1, 65536 - 8, 0, NULL), 0);
    ASSERT_EQ(call(&e, "store_oob", 1, 65536 - 7, 0, NULL), IG_ETRAP_MEM_OOB);
    ASSERT_EQ(call(&e, "table_oob", 0, 0, 0, NULL), IG_ETRAP_TABLE_OOB);
    ASSERT_EQ(call(&e, "null_func", 0, 0, 0, NULL), IG_ETRAP_NULL_FUNC);
    ASSERT_EQ(call(&e, "sig", 0, 0, 0, NULL), IG_ETRAP_SIG);
    ASSERT_EQ(call(&e, "div_s", 2, 1, 0, NULL), IG_ETRAP_DIV_ZERO);
    ASSERT_EQ(call(&e, "div_s", 2, 0x80000000u, 0xffffffffu, NULL),
              IG_ETRAP_INT_OVERFLOW);
    ASSERT_EQ(call(&e, "div_u64", 2, 5, 0, NULL), IG_ETRAP_DIV_ZERO);
    ASSERT_EQ(call(&e, "trunc", 1, f32_bits(NAN), 0, NULL),
              IG_ETRAP_CONVERSION);
    ASSERT_EQ(call(&e, "trunc", 1, f32_bits(3e9f), 0, NULL),
              IG_ETRAP_INT_OVERFLOW);
    ASSERT_EQ(call(&e, "fill", 2, 65000, 1000, NULL), IG_ETRAP_MEM_OOB);
    ASSERT_EQ(call(&e, "recurse", 1, 0, 0, NULL), IG_ETRAP_STACK);

    /* The store stays usable after every trap. */
    ASSERT_OK(call(&e, "call_ok", 0, 0, 0, &r));
    ASSERT_EQ(r, 7);
    ASSERT_OK(call(&e, "rem_s", 2, 0x80000000u, 0xffffffffu, &r));
    ASSERT_EQ(r, 0);
    ASSERT_OK(call(&e, "div_s", 2, (uint32_t)-7, 2, &r));
    ASSERT_EQ(r, (uint32_t)-3);
    ASSERT_OK(call(&e, "trunc", 1, f32_bits(-2.9f), 0, &r));
    ASSERT_EQ(r, (uint32_t)-2);
    ASSERT_OK(call(&e, "trunc_sat", 1, f64_bits(-5.0), 0, &r));
    ASSERT_U64_EQ(r, 0);
    ASSERT_OK(call(&e, "trunc_sat", 1, f64_bits(1e300), 0, &r));
    ASSERT_U64_EQ(r, UINT64_MAX);
    ASSERT_OK(call(&e, "load_wrap", 1, 0xfffffff8u, 0, &r));
    ASSERT_EQ(r, 42);
    ASSERT_EQ(call(&e, "load_wrap", 1, 65536 - 15, 0, NULL), IG_ETRAP_MEM_OOB);
    env_close(&e);
}

TEST(last_error_names_function_and_offset)
{
    struct env e;

    env_open(&e, "traps", NULL);
    ASSERT_STR_EQ(ig_wasm_store_last_error(e.s), "");
    ASSERT_EQ(call(&e, "div_s", 2, 1, 0, NULL), IG_ETRAP_DIV_ZERO);
    ASSERT_TRUE(strstr(ig_wasm_store_last_error(e.s), "divide by zero"));
    ASSERT_TRUE(strstr(ig_wasm_store_last_error(e.s), "function 8"));
    ASSERT_TRUE(strstr(ig_wasm_store_last_error(e.s), "offset 0x"));
    ASSERT_OK(call(&e, "call_ok", 0, 0, 0, NULL));
    ASSERT_STR_EQ(ig_wasm_store_last_error(e.s), "");
    env_close(&e);
}

TEST(fuel_is_deterministic)
{
    struct env e;
    ig_wasm_val_t r;
    uint64_t first, second;

    env_open(&e, "loops", NULL);
    ASSERT_OK(call(&e, "count", 1, 1000, 0, &r));
    ASSERT_EQ(r, 500500);
    first = ig_wasm_store_fuel_consumed(e.s);
    ASSERT_TRUE(first > 1000 * 5);
    ig_wasm_store_reset_fuel(e.s);
    ASSERT_EQ(ig_wasm_store_fuel_consumed(e.s), 0);
    ASSERT_OK(call(&e, "count", 1, 1000, 0, &r));
    second = ig_wasm_store_fuel_consumed(e.s);
    ASSERT_U64_EQ(first, second);

    /* Twice the work costs about twice the fuel. */
    ig_wasm_store_reset_fuel(e.s);
    ASSERT_OK(call(&e, "count", 1, 2000, 0, &r));
    ASSERT_TRUE(ig_wasm_store_fuel_consumed(e.s) > 2 * first - 50);

    /* A limit below the need traps, at the same point every time. */
    ig_wasm_store_reset_fuel(e.s);
    ig_wasm_store_set_fuel_limit(e.s, first / 2);
    ASSERT_EQ(call(&e, "count", 1, 1000, 0, &r), IG_ETRAP_FUEL);
    second = ig_wasm_store_fuel_consumed(e.s);
    ASSERT_TRUE(second > first / 2 && second < first / 2 + 20);
    ig_wasm_store_reset_fuel(e.s);
    ASSERT_EQ(call(&e, "count", 1, 1000, 0, &r), IG_ETRAP_FUEL);
    ASSERT_U64_EQ(ig_wasm_store_fuel_consumed(e.s), second);

    /* The exact need is enough. */
    ig_wasm_store_reset_fuel(e.s);
    ig_wasm_store_set_fuel_limit(e.s, first);
    ASSERT_OK(call(&e, "count", 1, 1000, 0, &r));
    ASSERT_U64_EQ(ig_wasm_store_fuel_consumed(e.s), first);
    env_close(&e);
}

TEST(fuel_counts_calls)
{
    struct env e;
    ig_wasm_val_t r;
    uint64_t f10, f15;

    env_open(&e, "loops", NULL);
    ASSERT_OK(call(&e, "fib", 1, 10, 0, &r));
    ASSERT_EQ(r, 55);
    f10 = ig_wasm_store_fuel_consumed(e.s);
    ig_wasm_store_reset_fuel(e.s);
    ASSERT_OK(call(&e, "fib", 1, 15, 0, &r));
    ASSERT_EQ(r, 610);
    f15 = ig_wasm_store_fuel_consumed(e.s);
    /* fib(15) makes 1973 calls, fib(10) 177: fuel scales with them. */
    ASSERT_TRUE(f15 > f10 * 10 && f15 < f10 * 12);
    env_close(&e);
}

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

TEST(deadline_stops_a_loop)
{
    struct env e;
    uint64_t deadline, cpu0, used;

    env_open(&e, "loops", NULL);
    /* Wall time after the deadline also counts time the machine gave to
     * other processes; the CPU time the loop burnt is what the engine's
     * polling bounds: at most the 30 ms until the deadline plus 10. */
    cpu0 = cpu_ns();
    deadline = now_ns() + 30 * 1000000u;
    ig_wasm_store_set_deadline(e.s, deadline);
    ASSERT_EQ(call(&e, "spin", 0, 0, 0, NULL), IG_ETRAP_DEADLINE);
    used = cpu_ns() - cpu0;
    ASSERT_TRUE(now_ns() >= deadline);
    if (used >= 40 * 1000000u)
        IG_TEST_FAIL("spun %llu ns of CPU for a 30 ms deadline",
                     (unsigned long long)used);
    /* Past the deadline every call traps until it is lifted. */
    ASSERT_EQ(call(&e, "spin", 0, 0, 0, NULL), IG_ETRAP_DEADLINE);
    ig_wasm_store_set_deadline(e.s, 0);
    ASSERT_OK(call(&e, "count", 1, 10, 0, NULL));
    env_close(&e);
}

static void *interrupter(void *arg)
{
    usleep(20000);
    ig_wasm_store_interrupt(arg);
    return NULL;
}

TEST(interrupt_from_another_thread)
{
    struct env e;
    pthread_t t;

    env_open(&e, "loops", NULL);
    ASSERT_OK(pthread_create(&t, NULL, interrupter, e.s));
    ASSERT_EQ(call(&e, "spin", 0, 0, 0, NULL), IG_ETRAP_INTERRUPT);
    pthread_join(t, NULL);
    /* The flag is cleared when the next call starts. */
    ASSERT_OK(call(&e, "count", 1, 10, 0, NULL));
    env_close(&e);
}

struct deep {
    int rc;
    uint32_t depth;
};

static void *deep_recursion(void *arg)
{
    struct deep *d = arg;
    struct ig_wasm_config cfg;
    struct env e;

    ig_wasm_config_default(&cfg);
    cfg.max_call_depth = d->depth;
    cfg.max_stack_slots = 1u << 24;
    env_open(&e, "traps", &cfg);
    d->rc = call(&e, "recurse", 1, 0, 0, NULL);
    env_close(&e);
    return NULL;
}

TEST(deep_recursion_uses_no_c_stack)
{
    /* A million wasm frames on a 256 KiB C stack: recursion on the C
     * stack would crash long before the limit. */
    struct deep d = { 0, 1000000 };
    pthread_attr_t attr;
    pthread_t t;

    ASSERT_OK(pthread_attr_init(&attr));
    ASSERT_OK(pthread_attr_setstacksize(&attr, 256 * 1024));
    ASSERT_OK(pthread_create(&t, &attr, deep_recursion, &d));
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    ASSERT_EQ(d.rc, IG_ETRAP_STACK);
}

TEST(stack_slots_limit)
{
    struct ig_wasm_config cfg;
    struct env e;
    ig_wasm_val_t r;

    ig_wasm_config_default(&cfg);
    cfg.max_stack_slots = 1000;
    env_open(&e, "traps", &cfg);
    ASSERT_EQ(call(&e, "recurse", 1, 0, 0, NULL), IG_ETRAP_STACK);
    ASSERT_OK(call(&e, "call_ok", 0, 0, 0, &r));
    ASSERT_EQ(r, 7);
    env_close(&e);
}

TEST(memory_cap)
{
    struct ig_wasm_config cfg;
    struct env e;
    ig_wasm_module_t *big;
    ig_wasm_instance_t *inst = NULL;
    ig_wasm_val_t r;
    char err[256] = "";

    ig_wasm_config_default(&cfg);
    cfg.max_memory_pages = 4;
    env_open(&e, "memcap", &cfg);
    ASSERT_OK(call(&e, "grow", 1, 3, 0, &r));
    ASSERT_EQ(r, 1);
    ASSERT_OK(call(&e, "grow", 1, 1, 0, &r));
    ASSERT_EQ(r, (uint32_t)-1);
    ASSERT_OK(call(&e, "size", 0, 0, 0, &r));
    ASSERT_EQ(r, 4);
    ASSERT_OK(call(&e, "grow", 1, 0, 0, &r));
    ASSERT_EQ(r, 4);

    big = load("bigmem");
    ASSERT_EQ(ig_wasm_instance_new(e.s, big, NULL, 0, &inst, err, sizeof err),
              IG_EWASM_LIMIT);
    ASSERT_TRUE(inst == NULL);
    ASSERT_TRUE(strstr(err, "memory") != NULL);
    env_close(&e);
    ig_wasm_module_free(big);
}

static int host_divmod(ig_wasm_caller_t *c,
                       void *user,
                       const ig_wasm_val_t *args,
                       ig_wasm_val_t *results)
{
    uint32_t a = (uint32_t)args[0], b = (uint32_t)args[1];

    (void)user;
    if (b == 0)
        return IG_ETRAP_DIV_ZERO;
    if (ig_wasm_caller_memory(c) == NULL)
        return IG_ETRAP_HOST;
    results[0] = a / b;
    results[1] = a % b;
    return ig_wasm_caller_charge(c, 100);
}

static int host_fail(ig_wasm_caller_t *c,
                     void *user,
                     const ig_wasm_val_t *args,
                     ig_wasm_val_t *results)
{
    (void)c;
    (void)results;
    *(int *)user += 1;
    return args[0] ? IG_ETRAP_EXIT : 0;
}

struct host_env {
    struct env e;
    ig_wasm_global_t *g;
    int fails;
};

static void host_open(struct host_env *h)
{
    static const uint8_t ii[] = { IG_WASM_I32, IG_WASM_I32 };
    struct ig_wasm_functype t_divmod = { 2, 2, ii, ii };
    struct ig_wasm_functype t_fail = { 1, 0, ii, NULL };
    struct ig_wasm_extern imp[3];
    char err[256] = "";

    h->fails = 0;
    h->e.m = load("host");
    ASSERT_OK(ig_wasm_store_new(NULL, &h->e.s));
    imp[0].kind = imp[1].kind = IG_WASM_EXTERN_FUNC;
    imp[2].kind = IG_WASM_EXTERN_GLOBAL;
    ASSERT_OK(ig_wasm_func_new_host(
      h->e.s, &t_divmod, host_divmod, NULL, &imp[0].u.func));
    ASSERT_OK(ig_wasm_func_new_host(
      h->e.s, &t_fail, host_fail, &h->fails, &imp[1].u.func));
    ASSERT_OK(ig_wasm_global_new(h->e.s, IG_WASM_I32, 1, 41, &h->g));
    imp[2].u.global = h->g;
    if (ig_wasm_instance_new(
          h->e.s, h->e.m, imp, 3, &h->e.inst, err, sizeof err))
        IG_TEST_FAIL("instantiate host: %s", err);
}

TEST(host_functions)
{
    struct host_env h;
    ig_wasm_val_t r, out[3], args[3];

    host_open(&h);
    ASSERT_OK(call(&h.e, "sum_divmod", 2, 47, 10, &r));
    ASSERT_EQ(r, 4 + 7 * 1000);
    args[0] = 100;
    args[1] = 7;
    ASSERT_OK(ig_wasm_call(h.e.s, func(h.e.inst, "divmod"), args, 2, out, 2));
    ASSERT_EQ(out[0], 14);
    ASSERT_EQ(out[1], 2);
    /* Host error codes pass through unchanged. */
    ASSERT_EQ(call(&h.e, "sum_divmod", 2, 1, 0, NULL), IG_ETRAP_DIV_ZERO);
    ASSERT_EQ(call(&h.e, "fail", 1, 1, 0, NULL), IG_ETRAP_EXIT);
    ASSERT_OK(call(&h.e, "fail", 1, 0, 0, NULL));
    ASSERT_EQ(h.fails, 2);
    /* Multi-value in and out of wasm. */
    args[0] = 7;
    args[1] = 0x123456789ull;
    args[2] = f64_bits(2.5);
    ASSERT_OK(ig_wasm_call(h.e.s, func(h.e.inst, "swap"), args, 3, out, 3));
    ASSERT_U64_EQ(out[0], f64_bits(2.5));
    ASSERT_U64_EQ(out[1], 0x123456789ull);
    ASSERT_EQ(out[2], 7);
    /* Wrong counts are refused. */
    ASSERT_EQ(ig_wasm_call(h.e.s, func(h.e.inst, "swap"), args, 2, out, 3),
              IG_EWASM_TYPE);
    env_close(&h.e);
}

TEST(host_charge_counts_as_fuel)
{
    struct host_env h;
    uint64_t before;

    host_open(&h);
    ASSERT_OK(call(&h.e, "sum_divmod", 2, 47, 10, NULL));
    before = ig_wasm_store_fuel_consumed(h.e.s);
    ASSERT_TRUE(before >= 100);
    ig_wasm_store_reset_fuel(h.e.s);
    ig_wasm_store_set_fuel_limit(h.e.s, 50);
    ASSERT_EQ(call(&h.e, "sum_divmod", 2, 47, 10, NULL), IG_ETRAP_FUEL);
    env_close(&h.e);
}

static int host_reenter(ig_wasm_caller_t *c,
                        void *user,
                        const ig_wasm_val_t *args,
                        ig_wasm_val_t *results)
{
    (void)args;
    (void)results;
    return ig_wasm_call(ig_wasm_caller_store(c), user, NULL, 0, NULL, 0);
}

TEST(host_cannot_reenter_the_store)
{
    struct ig_wasm_functype t = { 0, 0, NULL, NULL };
    ig_wasm_store_t *s;
    ig_wasm_func_t *f;

    ASSERT_OK(ig_wasm_store_new(NULL, &s));
    ASSERT_OK(ig_wasm_func_new_host(s, &t, host_reenter, NULL, &f));
    /* user is f itself: it calls back into its own store. */
    ASSERT_OK(ig_wasm_func_new_host(s, &t, host_reenter, f, &f));
    ASSERT_EQ(ig_wasm_call(s, f, NULL, 0, NULL, 0), IG_ESTATE);
    ig_wasm_store_free(s);
}

TEST(mutable_global_shared_across_instances)
{
    struct host_env h;
    ig_wasm_module_t *m2;
    ig_wasm_instance_t *i2;
    struct ig_wasm_extern imp;
    struct env e2;
    ig_wasm_val_t r;
    char err[256] = "";

    host_open(&h);
    m2 = load("global2");
    imp.kind = IG_WASM_EXTERN_GLOBAL;
    imp.u.global = h.g;
    ASSERT_OK(ig_wasm_instance_new(h.e.s, m2, &imp, 1, &i2, err, sizeof err));
    e2.s = h.e.s;
    e2.inst = i2;
    ASSERT_OK(call(&h.e, "bump", 0, 0, 0, &r));
    ASSERT_EQ(r, 42);
    ASSERT_OK(call(&e2, "get", 0, 0, 0, &r));
    ASSERT_EQ(r, 42);
    ASSERT_OK(ig_wasm_global_set(h.g, 99));
    ASSERT_OK(call(&e2, "get", 0, 0, 0, &r));
    ASSERT_EQ(r, 99);
    env_close(&h.e);
    ig_wasm_module_free(m2);
}

TEST(unlinkable_import_names_the_import)
{
    ig_wasm_module_t *m = load("global2");
    ig_wasm_store_t *s;
    ig_wasm_global_t *g;
    ig_wasm_instance_t *inst = NULL;
    struct ig_wasm_extern imp;
    char err[256] = "";

    ASSERT_OK(ig_wasm_store_new(NULL, &s));
    /* Immutable where the module asks for a mutable global. */
    ASSERT_OK(ig_wasm_global_new(s, IG_WASM_I32, 0, 1, &g));
    imp.kind = IG_WASM_EXTERN_GLOBAL;
    imp.u.global = g;
    ASSERT_EQ(ig_wasm_instance_new(s, m, &imp, 1, &inst, err, sizeof err),
              IG_EWASM_UNLINKABLE);
    ASSERT_TRUE(strstr(err, "\"env\".\"g\"") != NULL);
    ASSERT_EQ(ig_wasm_instance_new(s, m, NULL, 0, &inst, err, sizeof err),
              IG_EWASM_UNLINKABLE);
    ASSERT_EQ(ig_wasm_global_set(g, 5), IG_ESTATE);
    ig_wasm_store_free(s);
    ig_wasm_module_free(m);
}

TEST(memory_api_bounds)
{
    struct env e;
    struct ig_wasm_extern ex;
    uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

    env_open(&e, "memcap", NULL);
    ASSERT_OK(ig_wasm_instance_export(e.inst, "mem", &ex));
    ASSERT_EQ(ex.kind, IG_WASM_EXTERN_MEMORY);
    ASSERT_EQ(ig_wasm_memory_size(ex.u.memory), 65536);
    ASSERT_OK(ig_wasm_memory_write(ex.u.memory, 65528, buf, 8));
    ASSERT_EQ(ig_wasm_memory_write(ex.u.memory, 65529, buf, 8),
              IG_ETRAP_MEM_OOB);
    ASSERT_EQ(ig_wasm_memory_read(ex.u.memory, UINT64_MAX, buf, 1),
              IG_ETRAP_MEM_OOB);
    ASSERT_EQ(ig_wasm_instance_export(e.inst, "nope", &ex), IG_EWASM_NOEXPORT);
    env_close(&e);
}

/* A growable byte buffer for modules built in the test. */
struct buf {
    uint8_t *p;
    size_t n, cap;
};

static void put(struct buf *b, const void *src, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
        ASSERT_TRUE(b->p != NULL);
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

static void put_byte(struct buf *b, uint8_t v)
{
    put(b, &v, 1);
}

static void put_u32(struct buf *b, uint32_t v)
{
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        put_byte(b, (uint8_t)(byte | (v ? 0x80 : 0)));
    } while (v);
}

static void put_repeat(struct buf *b,
                       const char *bytes,
                       size_t n,
                       uint32_t times)
{
    while (times--)
        put(b, bytes, n);
}

/* A module of one function "f" of type () -> (nresults x i32) with one
 * i32 local and the given body (without its final end). */
static struct buf one_func_module(uint32_t nresults, const struct buf *body)
{
    struct buf m = { 0 }, sec = { 0 }, fn = { 0 };
    uint32_t i;

    put(&m, "\0asm\1\0\0\0", 8);
    put_byte(&sec, 1); /* one type */
    put_byte(&sec, 0x60);
    put_byte(&sec, 0);
    put_u32(&sec, nresults);
    for (i = 0; i < nresults; i++)
        put_byte(&sec, 0x7f);
    put_byte(&m, 1);
    put_u32(&m, (uint32_t)sec.n);
    put(&m, sec.p, sec.n);
    put(&m, "\3\2\1\0", 4);      /* function section: one of type 0 */
    put(&m, "\7\5\1\1f\0\0", 7); /* export "f" = function 0 */
    put(&fn, "\1\1\x7f", 3);     /* one local of type i32 */
    put(&fn, body->p, body->n);
    put_byte(&fn, 0x0b);
    sec.n = 0;
    put_byte(&sec, 1);
    put_u32(&sec, (uint32_t)fn.n);
    put(&sec, fn.p, fn.n);
    put_byte(&m, 10);
    put_u32(&m, (uint32_t)sec.n);
    put(&m, sec.p, sec.n);
    free(sec.p);
    free(fn.p);
    return m;
}

TEST(deep_stack_and_many_blocks_compile_in_linear_time)
{
    /* 100,000 values stay on the stack across 100,000 blocks: rescanning
     * the stack at every block would take minutes, past the timeout. */
    struct buf body = { 0 }, m;
    ig_wasm_module_t *mod = NULL;
    char err[256] = "";

    put_repeat(&body, "\x41\x00", 2, 100000);     /* i32.const 0 */
    put_repeat(&body, "\x02\x40\x0b", 3, 100000); /* block end */
    put_repeat(&body, "\x1a", 1, 100000);         /* drop */
    m = one_func_module(0, &body);
    if (ig_wasm_module_load(m.p, m.n, &mod, err, sizeof err))
        IG_TEST_FAIL("load: %s", err);
    ig_wasm_module_free(mod);
    free(body.p);
    free(m.p);
}

TEST(code_size_blowup_is_refused)
{
    /* Each br_if of a block with 1000 results copies 1000 values: 20 KiB
     * of input would compile to over 64 MiB of code. */
    struct buf body = { 0 }, m;
    ig_wasm_module_t *mod = NULL;
    char err[256] = "";

    put(&body, "\x02\x00", 2);                      /* block (type 0) */
    put_repeat(&body, "\x20\x00", 2, 1000);         /* local.get 0 */
    put_repeat(&body, "\x41\x00\x0d\x00", 4, 7000); /* br_if 0 */
    put_byte(&body, 0x0b);
    m = one_func_module(1000, &body);
    ASSERT_EQ(ig_wasm_module_load(m.p, m.n, &mod, err, sizeof err),
              IG_EWASM_LIMIT);
    ASSERT_TRUE(mod == NULL);
    free(body.p);
    free(m.p);
}

TEST(long_straight_line_runs_are_charged_in_parts)
{
    /* 5000 nops without a branch: fuel (and so the deadline) is checked
     * every 1024 instructions, not only when the run ends. */
    struct buf body = { 0 }, m;
    struct env e;
    char err[256] = "";

    put_repeat(&body, "\x01", 1, 5000);
    m = one_func_module(0, &body);
    if (ig_wasm_module_load(m.p, m.n, &e.m, err, sizeof err))
        IG_TEST_FAIL("load: %s", err);
    ASSERT_OK(ig_wasm_store_new(NULL, &e.s));
    ASSERT_OK(
      ig_wasm_instance_new(e.s, e.m, NULL, 0, &e.inst, err, sizeof err));
    ASSERT_OK(call(&e, "f", 0, 0, 0, NULL));
    ASSERT_EQ(ig_wasm_store_fuel_consumed(e.s), 5000);
    ig_wasm_store_reset_fuel(e.s);
    ig_wasm_store_set_fuel_limit(e.s, 2000);
    ASSERT_EQ(call(&e, "f", 0, 0, 0, NULL), IG_ETRAP_FUEL);
    ASSERT_TRUE(ig_wasm_store_fuel_consumed(e.s) <= 2048);
    env_close(&e);
    free(body.p);
    free(m.p);
}
