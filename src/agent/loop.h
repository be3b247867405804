/* SPDX-License-Identifier: MIT */
/* The tick loop of one agent: tick on a timer, checkpoint on another and
 * on SIGINT/SIGTERM/SIGHUP, stop on budget exhaustion or a failed tick. */
#ifndef IG_AGENT_LOOP_H
#define IG_AGENT_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "agent/agent.h"

/* SPEC §2 defaults. */
#define IG_LOOP_TICK_NS (1000ULL * 1000000ULL)
#define IG_LOOP_FAST_NS (10ULL * 1000000ULL)
#define IG_LOOP_CHECKPOINT_NS (5000ULL * 1000000ULL)

struct ig_loop_opts {
    uint64_t tick_ns;       /* between ticks; 0 = IG_LOOP_TICK_NS */
    uint64_t fast_ns;       /* after a tick that reported more work */
    uint64_t checkpoint_ns; /* between periodic checkpoints */
    uint64_t max_ticks;     /* stop after this many ticks; 0 = no limit */
};

/* Why the loop ended. */
enum ig_loop_end {
    IG_LOOP_SIGNAL = 0,    /* SIGINT/TERM/HUP: final checkpoint written */
    IG_LOOP_BUDGET = 1,    /* budget exhausted: final checkpoint written */
    IG_LOOP_TRAP = 2,      /* a tick failed: nothing committed after it */
    IG_LOOP_ERROR = 3,     /* a checkpoint could not be committed */
    IG_LOOP_MAX_TICKS = 4, /* max_ticks reached: final checkpoint written */
    IG_LOOP_TICK_MAX = 5,  /* no tick number left (*rc IG_ETICK_MAX): the
                            * last tick's final checkpoint written */
};

/*
 * Run a until it ends; returns an enum ig_loop_end. SIGINT, SIGTERM, SIGHUP
 * are blocked and read through a signalfd between ticks; during a tick
 * a handler logs "<signal> received, stopping after the current tick"
 * at once, and the loop stops with a final checkpoint when the tick
 * returns. The handlers are process-wide: one loop per process. Every tick and
 * checkpoint is logged under "agent:<id>". *rc gets the code of the failure
 * that ended the loop (0 for a signal); why (may be NULL) gets one line on a
 * failed tick or checkpoint ("tick 3 failed: agent_tick: trap: ...").
 */
int ig_loop_run(struct ig_agent *a,
                const struct ig_loop_opts *o,
                int *rc,
                char *why,
                size_t whylen);

#endif
