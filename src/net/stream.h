/* SPDX-License-Identifier: MIT */
/* Streams of a libp2p connection: per-stream multistream negotiation,
 * the handler callbacks, buffered input and non-blocking writes. */
#ifndef IG_NET_STREAM_H
#define IG_NET_STREAM_H

#include <stddef.h>
#include <stdint.h>

struct ig_host;
struct ig_conn;
struct ig_stream;
struct ig_yamux_cb;

/*
 * A stream's handler. All callbacks run on the loop thread.
 *
 * on_open: negotiation finished; status 0 means the protocol was agreed,
 *   anything else (IG_ENA, IG_ERESET, ...) means the stream failed and
 *   on_close follows.
 * on_data: n bytes arrived; return how many were processed (0..n). The
 *   rest is kept and offered again, after ig_stream_resume() or when the
 *   stream becomes writable; until then the peer's window stays shut.
 *   Return a negative code to reset the stream.
 * on_writable: a write that came up short may be retried.
 * on_eof: the peer closed its side, and all its data was processed.
 * on_close: the stream is finished (status 0), reset, or its connection
 *   went away; s is freed when the call returns.
 */
struct ig_stream_handler {
    void (*on_open)(struct ig_stream *s, int status);
    long (*on_data)(struct ig_stream *s, const uint8_t *p, size_t n);
    void (*on_writable)(struct ig_stream *s);
    void (*on_eof)(struct ig_stream *s);
    void (*on_close)(struct ig_stream *s, int status);
};

/*
 * Open an outbound stream on c for proto (copied). on_open reports the
 * outcome. Returns 0 and *out (may be NULL), or IG_ESTATE before
 * IG_CONN_UP, IG_ELIMIT, IG_EGOAWAY, -ENOMEM.
 */
int ig_stream_open(struct ig_conn *c,
                   const char *proto,
                   const struct ig_stream_handler *handler,
                   void *ud,
                   struct ig_stream **out);

/*
 * Queue up to n bytes. Returns the count taken, 0 when the window or the
 * connection's output is full (on_writable follows), or IG_ECLOSED,
 * IG_ERESET, IG_ESTATE before on_open.
 */
long ig_stream_write(struct ig_stream *s, const uint8_t *p, size_t n);

/* Half-close our side (FIN). Returns 0 or IG_ECLOSED / IG_ERESET. */
int ig_stream_close(struct ig_stream *s);

/* Abort the stream (RST); on_close(IG_ERESET) follows from the loop. */
void ig_stream_reset(struct ig_stream *s);

/* Offer kept data to on_data again (from the loop, not right away). */
void ig_stream_resume(struct ig_stream *s);

struct ig_conn *ig_stream_conn(const struct ig_stream *s);
const char *ig_stream_protocol(const struct ig_stream *s);
void *ig_stream_ud(const struct ig_stream *s);
void ig_stream_set_ud(struct ig_stream *s, void *ud);
struct ig_host *ig_stream_host(const struct ig_stream *s);

/* The yamux receive window s grants the peer now: the most it can have
 * in flight to us or kept unprocessed (0 before the stream exists on
 * the wire). */
uint32_t ig_stream_recv_window(const struct ig_stream *s);

/* ---- internal to the net layer ---- */

/* Fill the yamux callbacks that route stream events of c. */
void ig__stream_yamux_cb(struct ig_conn *c, struct ig_yamux_cb *cb);

/* Deliver kept input and report finished streams of c. */
void ig__stream_service(struct ig_conn *c);

/* Finish every stream of c with status (connection going away). */
void ig__stream_drop_all(struct ig_conn *c, int status);

/* Reset the streams of c still negotiating at their deadline, report
 * each as IG_CONN_STREAM_RESET, and set c->neg_due to the next one. */
void ig__stream_check_time(struct ig_conn *c, uint64_t now);

#endif
