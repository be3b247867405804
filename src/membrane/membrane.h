/* SPDX-License-Identifier: MIT */
/* The membrane context: what one agent's hostcalls may observe (clock,
 * randomness, wallet, price), where its output goes, and whether calls are
 * recorded live or answered from a recorded event log (replay). */
#ifndef IG_MEMBRANE_MEMBRANE_H
#define IG_MEMBRANE_MEMBRANE_H

#include <stddef.h>
#include <stdint.h>

#include "membrane/eventlog.h"
#include "wasm/wasm.h"

/*
 * Fuel charged for every igor and WASI hostcall, before it does anything
 * (SPEC §4: executed instructions plus a fixed charge per hostcall). A
 * call that runs out of fuel traps with IG_ETRAP_FUEL and records nothing.
 */
#define IG_HOSTCALL_FUEL 100u

enum ig_membrane_mode {
    /* Hostcalls observe the world through the config's sources and, while
     * a tick is open, record each observation in the membrane's log. */
    IG_MEMBRANE_LIVE = 0,
    /* Hostcalls answer from the log given to ig_replay_begin, in order,
     * and emit no output; sources in the config are not used then. */
    IG_MEMBRANE_REPLAY = 1,
};

/* Where a line of agent output comes from. */
enum ig_log_stream {
    IG_LOG_AGENT = 0,  /* igor.log_emit */
    IG_LOG_STDOUT = 1, /* WASI fd_write to fd 1, one line at a time */
    IG_LOG_STDERR = 2, /* WASI fd_write to fd 2, one line at a time */
    IG_LOG_NOTICE = 3, /* the membrane about the agent ("message dropped") */
};

/*
 * Supplied by the agent layer. Every callback gets user. NULL callbacks
 * have the defaults given; callbacks are never called in replay while a
 * replayed tick is open. Callbacks must not call back into the store.
 */
struct ig_membrane_config {
    int mode; /* enum ig_membrane_mode */
    void *user;

    /* Unix time in ns. NULL: clock_gettime(CLOCK_REALTIME). */
    int64_t (*clock_now)(void *user);
    /* Fill buf[0, len) with random bytes; 0 or a negative code (the guest
     * then sees its "source failed" code). NULL: libsodium's
     * randombytes_buf, drawn 4 KiB at a time. */
    int (*random)(void *user, uint8_t *buf, size_t len);
    /* One message or line, not NUL-terminated, no trailing newline; the
     * agent layer tags it with the agent ID. The bytes are the guest's and
     * may be anything, control characters included: escape them before
     * printing. NULL: output is dropped. */
    void (*log)(void *user, int stream, const char *msg, size_t len);

    /* Wallet view. NULL: balance 0, no receipts. */
    int64_t (*wallet_balance)(void *user);
    uint32_t (*receipt_count)(void *user);
    /* Receipt i serialized (inventory §5.2) into *data, *len, borrowed
     * until the callback returns to the hostcall; IG_ENOTFOUND past the
     * end. */
    int (*receipt)(void *user, uint32_t i, const uint8_t **data, size_t *len);
    /* This node's price in microcents per second. NULL: 0. */
    int64_t (*node_price)(void *user);

    /* WASI argv (strings copied at ig_membrane_new). Agents get none; a
     * command runner may pass its program's arguments. */
    const char *const *argv;
    uint32_t argc;

    /* Cap on one tick's event log; 0 means IG_EVENTLOG_DEFAULT_MAX. */
    size_t eventlog_max_bytes;
};

typedef struct ig_membrane ig_membrane_t;

/* Copies cfg and argv; user must outlive the membrane. Initialises
 * libsodium. -ENOMEM, IG_ECRYPTO when libsodium cannot start, IG_EUSAGE
 * for a bad mode. */
int ig_membrane_new(const struct ig_membrane_config *cfg, ig_membrane_t **out);

/* Flushes buffered stdout/stderr text to the log callback, then frees.
 * The store holding host functions bound to mb must be freed first or
 * never called again. */
void ig_membrane_free(ig_membrane_t *mb);

int ig_membrane_mode(const ig_membrane_t *mb);

/*
 * LIVE: open tick number tick in the membrane's event log (dropping the
 * previous tick's entries); observations are recorded until
 * ig_membrane_tick_end. Calls made outside a tick (from _initialize,
 * agent_init, agent_resume) are served but not recorded: only ticks are
 * replayed. IG_ESTATE in REPLAY mode (use ig_replay_begin).
 */
int ig_membrane_tick_begin(ig_membrane_t *mb, uint64_t tick);

/* LIVE: seal the open tick. Its log stays readable through
 * ig_membrane_eventlog until the next tick begins. */
void ig_membrane_tick_end(ig_membrane_t *mb);

/* The membrane's own (live) event log, borrowed. */
const ig_eventlog_t *ig_membrane_eventlog(const ig_membrane_t *mb);

/* Emit partial stdout/stderr lines now (at shutdown or tick end if the
 * caller wants unterminated output shown). Nothing in REPLAY mode. */
void ig_membrane_flush(ig_membrane_t *mb);

/* 1 and *code set after the guest called proc_exit, else 0. */
int ig_membrane_exit_code(const ig_membrane_t *mb, uint32_t *code);

/*
 * A hostcall that cannot answer the guest ends the guest call, and
 * ig_wasm_call returns its code unchanged (not IG_ETRAP_HOST):
 *   IG_ETRAP_FUEL         the fixed charge did not fit
 *   IG_ETRAP_EXIT         proc_exit (see ig_membrane_exit_code)
 *   IG_EEVENTLOG_FULL     the tick's event log would pass its cap
 *   IG_EREPLAY_DIVERGED   replay: the call does not match the next entry
 *   IG_EREPLAY_EXHAUSTED  replay: no entry left
 *   -ENOMEM
 * All but the first two leave a detail line in ig_membrane_last_error.
 */

/* Why the last hostcall ended the guest call (replay divergence, event
 * log full, no memory): one line, "" if none since the tick or replay
 * began. */
const char *ig_membrane_last_error(const ig_membrane_t *mb);

/* ----------------------------------------------------------------------
 * For hostcalls.c, wasi.c, replay.c and link.c only: the recorded path that
 * every observation takes, so WASI and igor calls behave the same.
 */

const struct ig_membrane_config *ig_membrane__config(const ig_membrane_t *mb);

/* 1 when calls consume a replayed log now (REPLAY mode, tick open). */
int ig_membrane__replaying(const ig_membrane_t *mb);

/* Charge IG_HOSTCALL_FUEL. */
int ig_membrane__charge(ig_wasm_caller_t *c);

/*
 * LIVE, tick open: append (id, payload). Outside a tick, or in REPLAY
 * with no open tick: no-op. Returns 0 or IG_EEVENTLOG_FULL / -ENOMEM (with
 * the detail set), which the hostcall returns to end the guest call.
 */
int ig_membrane__record(ig_membrane_t *mb,
                        uint16_t id,
                        const void *payload,
                        size_t len);

/*
 * REPLAY, tick open: consume the next entry, which must have id id.
 * Returns 0 with the payload, IG_EREPLAY_EXHAUSTED or IG_EREPLAY_DIVERGED
 * (detail set).
 */
int ig_membrane__next(ig_membrane_t *mb,
                      uint16_t id,
                      const uint8_t **payload,
                      size_t *len);

/* Fail the replay: IG_EREPLAY_DIVERGED with the detail formatted from fmt
 * after "replay entry N (name): ". */
int ig_membrane__diverged(ig_membrane_t *mb, uint16_t id, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* Set the detail line; returns code. */
int ig_membrane__fail(ig_membrane_t *mb, int code, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* Send one message to the log callback, unless replaying. */
void ig_membrane__emit(ig_membrane_t *mb,
                       int stream,
                       const char *msg,
                       size_t len);

/*
 * A recorded unsigned value of width (4 or 8) bytes, little-endian: LIVE
 * records live (while a tick is open) and returns it, REPLAY returns the
 * next entry's value. 0 or a code that ends the guest call.
 */
int ig_membrane__observe_uint(ig_membrane_t *mb,
                              uint16_t id,
                              size_t width,
                              uint64_t live,
                              uint64_t *out);

/*
 * The recorded clock: LIVE reads the config's clock (and records it under
 * id while a tick is open), REPLAY reads the next entry (8 bytes). 0 or a
 * code that ends the guest call.
 */
int ig_membrane__clock(ig_membrane_t *mb, uint16_t id, uint64_t *ns);

/*
 * The recorded random source, writing into guest memory [ptr, ptr+len),
 * which the caller has bounds-checked. *failed is set when the live
 * source failed (recorded as an empty entry); the buffer is then zeroed,
 * live and on replay alike. 0 or a code that ends the guest call.
 */
int ig_membrane__random(ig_membrane_t *mb,
                        uint16_t id,
                        ig_wasm_memory_t *mem,
                        uint32_t ptr,
                        uint32_t len,
                        int *failed);

/* Record (LIVE) or consume and check empty (REPLAY) the entry for a call
 * that failed for a reason the replay recomputes from its arguments. */
int ig_membrane__observe_error(ig_membrane_t *mb, uint16_t id);

/* Line buffering of WASI output: append text for fd 1 or 2, emitting
 * each complete line, and a full buffer as one line. */
void ig_membrane__write_stdio(ig_membrane_t *mb,
                              int fd,
                              const uint8_t *p,
                              size_t n);

/* For ig_replay_begin / ig_replay_end. */
void ig_membrane__replay_set(ig_membrane_t *mb, const ig_eventlog_t *log);
size_t ig_membrane__replay_pos(const ig_membrane_t *mb);
const ig_eventlog_t *ig_membrane__replay_log(const ig_membrane_t *mb);

/* For wasi.c. */
void ig_membrane__set_exit(ig_membrane_t *mb, uint32_t code);
uint32_t ig_membrane__argc(const ig_membrane_t *mb);
const char *ig_membrane__argv(const ig_membrane_t *mb, uint32_t i);

/* Bounds check [ptr, ptr+len) against mem without overflow: 1 if inside. */
int ig_membrane__in_bounds(const ig_wasm_memory_t *mem,
                           uint64_t ptr,
                           uint64_t len);

#endif
