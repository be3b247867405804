/* SPDX-License-Identifier: MIT */
/* The per-tick event log: every value a hostcall lets into the guest during
 * one tick, in call order, bounded in size, and its byte serialization. */
#ifndef IG_MEMBRANE_EVENTLOG_H
#define IG_MEMBRANE_EVENTLOG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Entry ids (SPEC §3; 1-9 are the reference's HostcallID values) and the
 * payload each carries. Every call of a recorded hostcall adds exactly one
 * entry, also when it fails or asks for zero bytes, so a replay consumes
 * exactly what the live run produced. An empty payload marks a call that
 * returned an error (the error itself is recomputed on replay when it
 * follows from the arguments, or read from the empty payload when it came
 * from outside, such as a failing random source).
 */
enum ig_event_id {
    IG_EV_CLOCK = 1,          /* igor.clock_now: u64 LE unix ns */
    IG_EV_RAND = 2,           /* igor.rand_bytes: the bytes */
    IG_EV_LOG = 3,            /* igor.log_emit: the message emitted */
    IG_EV_WALLET_BALANCE = 4, /* u64 LE (i64 microcents) */
    IG_EV_RECEIPT_COUNT = 5,  /* u32 LE */
    IG_EV_RECEIPT = 6,        /* the receipt bytes; empty: bad index */
    IG_EV_NODE_PRICE = 7,     /* u64 LE (i64 microcents per second) */
    IG_EV_HTTP = 8,           /* [u32 status][body] */
    IG_EV_WALLET_PAY = 9,     /* [u64 amount][receipt] */
    /* igord's own, from 10 on: WASI observations get ids of their own so
     * a replay can tell which interface the guest used. */
    IG_EV_WASI_CLOCK = 10,  /* clock_time_get: u64 LE ns */
    IG_EV_WASI_RANDOM = 11, /* random_get: the bytes */
    /* next free: 12 */
};

/* Default cap on one tick's log: payload bytes plus IG_EVENTLOG_ENTRY_COST
 * per entry. A hostcall that would pass it ends the tick with
 * IG_EEVENTLOG_FULL instead of growing the log without bound. */
#define IG_EVENTLOG_DEFAULT_MAX (16u << 20)
#define IG_EVENTLOG_ENTRY_COST 16u

/* Serialized tick log, all integers little-endian:
 *   u8 version (1) | u64 tick | u32 count | count x (u16 id | u32 len |
 *   len bytes). */
#define IG_EVENTLOG_FORMAT 1u
#define IG_EVENTLOG_HEADER_BYTES 13u
#define IG_EVENTLOG_ENTRY_HEADER 6u

typedef struct ig_eventlog ig_eventlog_t;

/* A view of one entry; payload is borrowed from the log and valid until
 * the log is next begun, parsed into or freed. */
struct ig_event {
    uint16_t id;
    const uint8_t *payload;
    size_t len;
};

/* A new, empty, sealed log holding at most max_bytes per tick (0 means
 * IG_EVENTLOG_DEFAULT_MAX). -ENOMEM. */
int ig_eventlog_new(size_t max_bytes, ig_eventlog_t **out);
void ig_eventlog_free(ig_eventlog_t *log);

/* Start recording tick number tick, dropping the previous tick's entries.
 * Allowed whether or not the previous tick was sealed. */
void ig_eventlog_begin(ig_eventlog_t *log, uint64_t tick);

/*
 * Append one entry (payload copied; payload may be NULL when len is 0).
 * IG_ESTATE when no tick is open (the caller decides whether that is an
 * error: observations outside ticks are not replayed), IG_EEVENTLOG_FULL
 * when the tick's cap would be passed (the log is unchanged), -ENOMEM.
 */
int ig_eventlog_record(ig_eventlog_t *log,
                       uint16_t id,
                       const void *payload,
                       size_t len);

/* Close the open tick; its entries stay readable. No-op when sealed. */
void ig_eventlog_seal(ig_eventlog_t *log);

int ig_eventlog_is_open(const ig_eventlog_t *log);
uint64_t ig_eventlog_tick(const ig_eventlog_t *log);
size_t ig_eventlog_count(const ig_eventlog_t *log);
/* Bytes charged against the cap so far this tick. */
size_t ig_eventlog_used(const ig_eventlog_t *log);

/* Entry i (0-based) into *out; IG_ENOTFOUND past the end. */
int ig_eventlog_entry(const ig_eventlog_t *log, size_t i, struct ig_event *out);

/* Replace log's contents with a copy of src's (same tick, entries, sealed
 * state), keeping log's own cap. IG_EEVENTLOG_FULL, -ENOMEM. */
int ig_eventlog_copy(ig_eventlog_t *log, const ig_eventlog_t *src);

/* Size of the serialized form. */
size_t ig_eventlog_serialized_size(const ig_eventlog_t *log);

/* Write the serialized form into buf[0, cap); IG_ETOOBIG when cap is less
 * than ig_eventlog_serialized_size. */
int ig_eventlog_serialize(const ig_eventlog_t *log, uint8_t *buf, size_t cap);

/*
 * Parse one serialized tick log from [*pos, end) into log (replacing its
 * contents; the result is sealed) and advance *pos past it. Bytes after it
 * are left for the caller. Errors, with the offset in err: IG_ETRUNC,
 * IG_EUNSUPPORTED (version), IG_EEVENTLOG_FULL (more than log's cap),
 * -ENOMEM. On error log is left empty and sealed and *pos unchanged.
 */
int ig_eventlog_parse(ig_eventlog_t *log,
                      const uint8_t **pos,
                      const uint8_t *end,
                      char *err,
                      size_t errlen);

/* The hostcall an entry id belongs to ("clock_now", "wasi.random_get"),
 * or "?". */
const char *ig_event_name(uint16_t id);

#endif
