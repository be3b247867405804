/* SPDX-License-Identifier: MIT */
/* The single-agent tick loop: two timers, a signalfd, and the rules for
 * which state may be committed when the run ends. */
#include "agent/loop.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "store/budget.h"
#include "util/err.h"
#include "util/log.h"

/* A stop signal that came during a tick, and the component to log it
 * under: set by the handler, which runs only while a tick does. */
static volatile sig_atomic_t tick_signal;
static const char *tick_comp;

struct loop {
    struct ig_agent *a;
    struct ig_loop_opts o;
    char comp[160];
    int sfd;
    sigset_t old_mask;
    struct sigaction old_sa[3]; /* the stop signals' handlers before us */
    uint64_t next_tick;
    uint64_t next_ckpt;
    uint64_t ticks;
    char *why; /* the caller's buffer for the reason the loop ended */
    size_t whylen;
};

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static const int stop_sigs[3] = { SIGINT, SIGTERM, SIGHUP };

static void on_tick_signal(int sig);

static void stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    /* A closed terminal or a dead ssh session: stop cleanly as well. */
    sigaddset(set, SIGHUP);
}

static int open_signals(struct loop *l)
{
    sigset_t set;

    struct sigaction sa;

    stop_signals(&set);
    if (sigprocmask(SIG_BLOCK, &set, &l->old_mask) < 0)
        return -errno;
    l->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (l->sfd < 0) {
        int rc = -errno;

        sigprocmask(SIG_SETMASK, &l->old_mask, NULL);
        return rc;
    }
    /* The handler runs only while a tick unblocks the signals; between
     * ticks they stay blocked and are read from the signalfd. Installed
     * once here, so a tick costs two sigprocmask calls and no more. */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_tick_signal;
    sa.sa_mask = set;
    sa.sa_flags = SA_RESTART;
    tick_comp = l->comp;
    for (int i = 0; i < 3; i++)
        sigaction(stop_sigs[i], &sa, &l->old_sa[i]);
    return 0;
}

static void close_signals(struct loop *l)
{
    struct signalfd_siginfo si;

    /* Consume signals that came during the final checkpoint, so that
     * unblocking them does not kill the process after a clean stop. */
    while (l->sfd >= 0 && read(l->sfd, &si, sizeof(si)) == sizeof(si))
        ;
    if (l->sfd >= 0) {
        close(l->sfd);
        for (int i = 0; i < 3; i++)
            sigaction(stop_sigs[i], &l->old_sa[i], NULL);
    }
    l->sfd = -1;
    sigprocmask(SIG_SETMASK, &l->old_mask, NULL);
}

/* Read one pending signal: its number, or 0 when none is pending. */
static int read_signal(struct loop *l)
{
    struct signalfd_siginfo si;
    ssize_t n = read(l->sfd, &si, sizeof(si));

    return n == (ssize_t)sizeof(si) ? (int)si.ssi_signo : 0;
}

/* Wait until deadline (monotonic ns) or a signal; returns the signal. */
static int wait_until(struct loop *l, uint64_t deadline)
{
    struct pollfd p = { .fd = l->sfd, .events = POLLIN };

    for (;;) {
        uint64_t now = now_ns();
        int ms, sig = read_signal(l);

        if (sig)
            return sig;
        if (now >= deadline)
            return 0;
        /* Round up so we never wake a little early and spin. */
        ms = (int)((deadline - now + 999999) / 1000000);
        if (poll(&p, 1, ms) < 0 && errno != EINTR)
            return 0;
    }
}

static void fmt_budget(int64_t v, char *buf)
{
    if (ig_budget_format(v, buf, IG_BUDGET_STR_MAX) < 0)
        snprintf(buf, IG_BUDGET_STR_MAX, "%" PRId64, v);
}

static int checkpoint(struct loop *l, const char *why)
{
    char err[256] = "", b[IG_BUDGET_STR_MAX];
    int wrote = 0;
    int rc = ig_agent_checkpoint(l->a, &wrote, err, sizeof(err));

    if (rc < 0) {
        ig_err_set(l->why,
                   l->whylen,
                   "checkpoint failed, nothing committed: %s",
                   err[0] ? err : ig_strerror(rc));
        ig_error(l->comp, "%s", l->why);
        return rc;
    }
    fmt_budget(ig_agent_budget(l->a), b);
    if (wrote)
        ig_info(l->comp,
                "%s checkpoint committed: tick %" PRIu64 ", budget %s",
                why,
                ig_agent_tick_number(l->a),
                b);
    else
        ig_info(l->comp,
                "%s checkpoint: tick %" PRIu64 " already committed",
                why,
                ig_agent_tick_number(l->a));
    return 0;
}

static void log_tick(struct loop *l, const struct ig_agent_tick_report *r)
{
    char cost[IG_BUDGET_STR_MAX], left[IG_BUDGET_STR_MAX];

    fmt_budget(r->cost, cost);
    fmt_budget(r->budget, left);
    ig_info(l->comp,
            "tick %" PRIu64 ": %" PRIu64 ".%03" PRIu64 " ms, cost %s, "
            "budget %s, fuel %" PRIu64 ", observations %" PRIu32 "%s",
            r->tick,
            r->ns / 1000000,
            r->ns / 1000 % 1000,
            cost,
            left,
            r->fuel,
            r->observations,
            r->more_work ? ", more work" : "");
}

/* The budget is gone: commit the final state and say so. */
static int end_budget(struct loop *l, int *rc)
{
    char b[IG_BUDGET_STR_MAX];

    fmt_budget(ig_agent_budget(l->a), b);
    ig_warn(l->comp,
            "budget exhausted at tick %" PRIu64 " (budget %s)",
            ig_agent_tick_number(l->a),
            b);
    *rc = checkpoint(l, "final");
    if (*rc < 0)
        return IG_LOOP_ERROR;
    *rc = IG_EBUDGET;
    return IG_LOOP_BUDGET;
}

/* During a tick: say at once that the run will stop after it (strsignal
 * is not async-signal-safe, hence the fixed texts). */
static void on_tick_signal(int sig)
{
    const char *msg = sig == SIGINT   ? "Interrupt received, stopping after "
                                        "the current tick"
                      : sig == SIGHUP ? "Hangup received, stopping after the "
                                        "current tick"
                                      : "Terminated received, stopping "
                                        "after the current tick";

    if (tick_signal)
        return;
    tick_signal = sig;
    ig_log_write_signal_safe(IG_LOG_INFO, tick_comp, msg);
}

/* Let the stop signals reach on_tick_signal while the tick runs, or
 * (on = 0) block them again for the signalfd. */
static void tick_signals(int on)
{
    sigset_t set;

    stop_signals(&set);
    sigprocmask(on ? SIG_UNBLOCK : SIG_BLOCK, &set, NULL);
}

/* After a failed tick: say which checkpoint, if any, stays. */
static void log_kept(struct loop *l)
{
    if (ig_agent_has_committed(l->a))
        ig_error(l->comp,
                 "not committing the state of a failed tick; "
                 "the last committed checkpoint (tick %" PRIu64 ") stays",
                 ig_agent_committed_tick(l->a));
    else
        ig_error(l->comp,
                 "not committing the state of a failed tick; nothing "
                 "was ever committed for this agent");
}

/*
 * No tick number is left: no tick ran, and the one before it succeeded,
 * so its state is committed as the final checkpoint before the loop
 * stops with IG_ETICK_MAX.
 */
static int end_tick_max(struct loop *l, int *rc, const char *err)
{
    ig_err_set(l->why, l->whylen, "cannot tick: %s", err);
    ig_error(l->comp, "%s", l->why);
    *rc = checkpoint(l, "final");
    if (*rc < 0)
        return IG_LOOP_ERROR;
    *rc = IG_ETICK_MAX;
    return IG_LOOP_TICK_MAX;
}

/* Run one tick; returns -1 to go on, else how the loop ends. */
static int do_tick(struct loop *l, int *rc)
{
    struct ig_agent_tick_report r;
    char err[256] = "";
    uint64_t gap;

    if (ig_agent_budget(l->a) <= 0)
        return end_budget(l, rc);
    tick_signals(1);
    *rc = ig_agent_tick(l->a, &r, err, sizeof(err));
    tick_signals(0);
    if (*rc == IG_ETICK_MAX)
        return end_tick_max(l, rc, err);
    if (*rc < 0) {
        ig_err_set(l->why,
                   l->whylen,
                   "tick %" PRIu64 " failed: %s",
                   r.tick,
                   err[0] ? err : ig_strerror(*rc));
        ig_error(l->comp, "%s", l->why);
        log_kept(l);
        return IG_LOOP_TRAP;
    }
    log_tick(l, &r);
    l->ticks++;
    if (r.budget <= 0)
        return end_budget(l, rc);
    if (l->o.max_ticks && l->ticks >= l->o.max_ticks) {
        *rc = checkpoint(l, "final");
        return *rc < 0 ? IG_LOOP_ERROR : IG_LOOP_MAX_TICKS;
    }
    if (tick_signal) { /* already logged by the handler */
        *rc = checkpoint(l, "final");
        return *rc < 0 ? IG_LOOP_ERROR : IG_LOOP_SIGNAL;
    }
    gap = r.more_work ? l->o.fast_ns : l->o.tick_ns;
    l->next_tick = now_ns() + gap;
    return -1;
}

static int run(struct loop *l, int *rc)
{
    int end = -1;

    l->next_tick = now_ns() + l->o.tick_ns;
    l->next_ckpt = now_ns() + l->o.checkpoint_ns;
    while (end < 0) {
        uint64_t at = l->next_tick < l->next_ckpt ? l->next_tick : l->next_ckpt;
        int sig = wait_until(l, at);

        if (sig) {
            ig_info(l->comp, "%s received, stopping", strsignal(sig));
            *rc = checkpoint(l, "final");
            return *rc < 0 ? IG_LOOP_ERROR : IG_LOOP_SIGNAL;
        }
        if (now_ns() >= l->next_ckpt) {
            *rc = checkpoint(l, "periodic");
            if (*rc < 0)
                return IG_LOOP_ERROR;
            l->next_ckpt = now_ns() + l->o.checkpoint_ns;
        }
        if (now_ns() >= l->next_tick)
            end = do_tick(l, rc);
    }
    return end;
}

int ig_loop_run(struct ig_agent *a,
                const struct ig_loop_opts *o,
                int *rc,
                char *why,
                size_t whylen)
{
    struct loop l = {
        .a = a, .o = *o, .sfd = -1, .why = why, .whylen = whylen
    };
    int end;

    *rc = 0;
    ig_err_set(why, whylen, "%s", "");
    if (!l.o.tick_ns)
        l.o.tick_ns = IG_LOOP_TICK_NS;
    if (!l.o.fast_ns)
        l.o.fast_ns = IG_LOOP_FAST_NS;
    if (!l.o.checkpoint_ns)
        l.o.checkpoint_ns = IG_LOOP_CHECKPOINT_NS;
    snprintf(l.comp, sizeof(l.comp), "agent:%s", ig_agent_id(a));
    tick_signal = 0;
    *rc = open_signals(&l);
    if (*rc < 0) {
        ig_err_set(why, whylen, "cannot watch signals: %s", ig_strerror(*rc));
        ig_error(l.comp, "%s", why ? why : "cannot watch signals");
        return IG_LOOP_ERROR;
    }
    end = run(&l, rc);
    close_signals(&l);
    return end;
}
