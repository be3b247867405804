/* SPDX-License-Identifier: MIT */
/* A counter agent for the command-line tests. One source, many builds:
 * each -D switch below turns it into one kind of misbehaving agent. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(mod, name) __attribute__((import_module(mod), import_name(name)))

IMPORT("igor", "log_emit") void igor_log_emit(const char *p, uint32_t n);
IMPORT("igor", "clock_now") int64_t igor_clock_now(void);
#ifdef PROBE_UNGRANTED
IMPORT("igor", "rand_bytes") int32_t igor_rand_bytes(void *p, uint32_t n);
#endif

/* The whole agent state: committed as 16 bytes. */
static struct {
    uint64_t ticks;
    int64_t last_clock;
} state;

static void say(const char *msg)
{
    igor_log_emit(msg, (uint32_t)strlen(msg));
}

#ifdef PROBE_RECURSE
/* Not a tail call: each frame keeps work after the call. */
static volatile uint32_t depth_sink;
static uint32_t recurse(uint32_t n)
{
    depth_sink = n;
    if (depth_sink == UINT32_MAX)
        return 0;
    return recurse(n + 1) + depth_sink;
}
#endif

EXPORT("agent_init") void agent_init(void)
{
#ifdef PROBE_INIT_TRAP
    __builtin_trap();
#endif
    state.ticks = 0;
    say("probe: init");
    /* A terminal escape and a forged log line: the host must defuse both. */
    say("probe: esc \x1b[2J\n2026-01-01T00:00:00.000Z [1] ERROR node: forged");
}

__attribute__((used)) static void tick_body(void)
{
    char line[64];

#ifdef PROBE_SPIN
    for (volatile int forever = 1; forever;)
        ;
#endif
#ifdef PROBE_RECURSE
    depth_sink = recurse(0);
#endif
#ifdef PROBE_GROW
    /* Take pages until the host refuses, then fail like a program out
     * of memory does. */
    for (unsigned step = 64; step > 0; step /= 2) {
        while (__builtin_wasm_memory_grow(0, step) != (size_t)-1)
            ;
    }
    snprintf(line,
             sizeof(line),
             "probe: grew to %lu pages",
             (unsigned long)__builtin_wasm_memory_size(0));
    say(line);
    __builtin_trap();
#endif
#ifdef PROBE_UNGRANTED
    igor_rand_bytes(line, 4);
#endif
#ifdef PROBE_FLOOD
    /* A log flood: the node log must not take it all. */
    for (int i = 0; i < 5000; i++)
        say("probe: flood");
#endif
    state.ticks++;
    state.last_clock = igor_clock_now();
    snprintf(
      line, sizeof(line), "probe: tick %llu", (unsigned long long)state.ticks);
    say(line);
    printf("probe stdout %llu\n", (unsigned long long)state.ticks);
    fflush(stdout);
}

#ifdef PROBE_TICK_SIG
EXPORT("agent_tick") void agent_tick(int32_t unused)
{
    (void)unused;
    tick_body();
}
#elif !defined(PROBE_NO_TICK)
EXPORT("agent_tick") int32_t agent_tick(void)
{
    tick_body();
#ifdef PROBE_MORE
    return 1; /* always more work: tick again after the fast interval */
#else
    return 0;
#endif
}
#endif

EXPORT("agent_checkpoint") uint32_t agent_checkpoint(void)
{
    return sizeof(state);
}

EXPORT("agent_checkpoint_ptr") uintptr_t agent_checkpoint_ptr(void)
{
#ifdef PROBE_BAD_PTR
    return 0xfffffff8u;
#else
    return (uintptr_t)&state;
#endif
}

EXPORT("agent_resume") void agent_resume(const void *p, uint32_t n)
{
    if (n == sizeof(state))
        memcpy(&state, p, sizeof(state));
    say("probe: resumed");
}

#ifdef PROBE_NULL_MALLOC
EXPORT("malloc") void *probe_malloc(size_t n)
{
    (void)n;
    return NULL;
}
#else
EXPORT("malloc") void *probe_malloc(size_t n)
{
    return malloc(n);
}
#endif
