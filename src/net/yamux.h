/* SPDX-License-Identifier: MIT */
/* yamux 1.0.0 stream multiplexing as a sans-IO session: bytes from the
 * peer go in through ig_yamux_input(), bytes for the peer come out of
 * ig_yamux_out(), and stream events arrive through callbacks. */
#ifndef IG_NET_YAMUX_H
#define IG_NET_YAMUX_H

#include <stddef.h>
#include <stdint.h>

#define IG_YAMUX_PROTOCOL "/yamux/1.0.0"
#define IG_YAMUX_HEADER_LEN 12
/* The window every stream starts with, fixed by the specification. */
#define IG_YAMUX_INITIAL_WINDOW (256u * 1024u)

enum ig_yamux_type {
    IG_YAMUX_DATA = 0,
    IG_YAMUX_WINDOW_UPDATE = 1,
    IG_YAMUX_PING = 2,
    IG_YAMUX_GO_AWAY = 3,
};

enum ig_yamux_flag {
    IG_YAMUX_SYN = 1,
    IG_YAMUX_ACK = 2,
    IG_YAMUX_FIN = 4,
    IG_YAMUX_RST = 8,
};

/* Go-away codes. */
enum ig_yamux_goaway {
    IG_YAMUX_GOAWAY_NORMAL = 0,
    IG_YAMUX_GOAWAY_PROTOCOL = 1,
    IG_YAMUX_GOAWAY_INTERNAL = 2,
};

struct ig_yamux;
struct ig_yamux_stream;

/* Write the 12-byte frame header (version 0, fields big-endian) into h,
 * which must hold IG_YAMUX_HEADER_LEN bytes. */
void ig_yamux_put_header(uint8_t *h,
                         uint8_t type,
                         uint16_t flags,
                         uint32_t id,
                         uint32_t len);

/*
 * Callbacks, all optional, all called only from inside ig_yamux_input().
 * A callback may write to, close or free any stream, but must not free
 * the session.
 */
struct ig_yamux_cb {
    void *ctx;
    /* The peer opened s. Return 0 to accept; anything else resets it. */
    int (*on_open)(void *ctx, struct ig_yamux_stream *s);
    /* n bytes for s, valid only during the call. The receive window
     * reopens only as the owner reports ig_yamux_stream_consumed(). */
    void (*on_data)(void *ctx,
                    struct ig_yamux_stream *s,
                    const uint8_t *p,
                    size_t n);
    /* The peer half-closed s: no more data will come. */
    void (*on_fin)(void *ctx, struct ig_yamux_stream *s);
    /* s is over: reset by the peer (IG_ERESET) or closed both ways (0).
     * The owner should ig_yamux_stream_free() it. */
    void (*on_close)(void *ctx, struct ig_yamux_stream *s, int status);
    /* The peer widened the send window of s after a short write. */
    void (*on_writable)(void *ctx, struct ig_yamux_stream *s);
    /* Our ping with this opaque value came back. */
    void (*on_pong)(void *ctx, uint32_t opaque);
    /* The peer will open no more streams. */
    void (*on_goaway)(void *ctx, uint32_t code);
    /* The peer opened stream id while max_streams were open; it was
     * reset at once (optional). */
    void (*on_refused)(void *ctx, uint32_t id);
};

/*
 * Receive window auto-tuning: when max_window > window, a stream whose
 * window update falls due within four round trips (counted as at least
 * RTT_FLOOR, see yamux.c) of its last one has its window doubled in that
 * update, up to max_window, provided the sum of all streams' windows
 * stays within conn_window. Windows never shrink. The round trip is
 * measured with ig_yamux_ping(); until one is answered nothing grows.
 */
struct ig_yamux_cfg {
    int is_client;        /* 1: odd stream ids (the dialer), 0: even */
    uint32_t window;      /* receive window per stream, >= initial */
    uint32_t max_window;  /* grow windows up to this; <= window: fixed */
    uint64_t conn_window; /* growth stops where the sum would pass this */
    /* Monotonic clock in microseconds for the tuning; NULL: the system's
     * (a test or fuzzer can pass its own). */
    uint64_t (*now_us)(void);
    uint32_t max_streams; /* open streams at once, both directions */
    uint32_t max_frame;   /* longest data frame accepted */
    uint32_t send_frame;  /* longest data frame produced */
    size_t out_soft;      /* queued output above which writes stop */
    size_t out_max;       /* queued output that fails the session */
};

/* Defaults: 256 KiB window that does not grow, 512 streams, 1 MiB
 * output queue. */
void ig_yamux_cfg_default(struct ig_yamux_cfg *cfg, int is_client);

/*
 * Create a session. cfg and cb are copied. Returns 0 and *out (owned by
 * the caller, released with ig_yamux_free()), -EINVAL for a bad cfg, or
 * -ENOMEM.
 */
int ig_yamux_new(struct ig_yamux **out,
                 const struct ig_yamux_cfg *cfg,
                 const struct ig_yamux_cb *cb);

/* Free the session and every stream still in it. NULL is allowed. */
void ig_yamux_free(struct ig_yamux *y);

/*
 * Feed n bytes received from the peer, in any split. Returns 0, or on a
 * protocol violation IG_EYAMUX / IG_EWINDOW / IG_ETOOBIG / IG_ELIMIT with
 * a reason in err: the session is then dead, a GoAway is queued on the
 * output, and every later call returns the same code.
 */
int ig_yamux_input(struct ig_yamux *y,
                   const uint8_t *p,
                   size_t n,
                   char *err,
                   size_t errlen);

/* Bytes waiting to go to the peer: *len bytes at the returned pointer,
 * valid until the next call on the session. */
const uint8_t *ig_yamux_out(struct ig_yamux *y, size_t *len);

/* Mark n bytes of ig_yamux_out() as sent. */
void ig_yamux_out_consume(struct ig_yamux *y, size_t n);

/* Call after output drained: fires on_writable for streams whose writes
 * were cut short by a full output queue. */
void ig_yamux_kick(struct ig_yamux *y);

/* Queue a ping. Its answer, when the value matches the latest ping
 * sent, measures the round trip. Returns 0, IG_ECLOSED after a failure,
 * or IG_ELIMIT. */
int ig_yamux_ping(struct ig_yamux *y, uint32_t opaque);

/* Queue a GoAway and refuse new streams both ways. Returns 0 or an
 * error from the output queue. */
int ig_yamux_goaway(struct ig_yamux *y, uint32_t code);

/* The session failed (nonzero code) or is shutting down. */
int ig_yamux_error(const struct ig_yamux *y);

/* True once a GoAway was sent or received. */
int ig_yamux_going_away(const struct ig_yamux *y);

/* True while a frame has started arriving but is not complete. */
int ig_yamux_in_frame(const struct ig_yamux *y);

/* Streams in the session (not yet freed). */
uint32_t ig_yamux_stream_count(const struct ig_yamux *y);

/* The last round trip measured by a ping, in microseconds; 0: none yet. */
uint64_t ig_yamux_rtt_us(const struct ig_yamux *y);

/* The sum of the receive windows of all streams in the session. */
uint64_t ig_yamux_recv_granted(const struct ig_yamux *y);

/*
 * Open an outbound stream (SYN is queued at once). Returns 0 and *out,
 * owned by the session but to be released with ig_yamux_stream_free();
 * IG_ELIMIT at the stream cap or id space end, IG_EGOAWAY after a
 * GoAway, IG_ECLOSED on a failed session, or -ENOMEM.
 */
int ig_yamux_stream_open(struct ig_yamux *y, struct ig_yamux_stream **out);

/*
 * Queue up to n bytes on s, as far as the peer's window and the output
 * queue allow. Returns the count taken (0 means try again after
 * on_writable), or IG_ERESET, IG_ECLOSED (after our FIN), -ENOMEM.
 */
long ig_yamux_stream_write(struct ig_yamux_stream *s,
                           const uint8_t *p,
                           size_t n);

/*
 * For callers that send the payload themselves, to avoid copying it:
 * charge up to n bytes to the peer's window and queue only the data
 * frame's header. The caller must send everything ig_yamux_out() holds,
 * then exactly the returned number of payload bytes, before anything
 * else is queued. Returns that count (0: the window is shut and
 * on_writable follows), or IG_ERESET, IG_ECLOSED, IG_ELIMIT, -ENOMEM.
 */
long ig_yamux_stream_write_header(struct ig_yamux_stream *s, size_t n);

/* The owner could not write to s for its own reasons (a full socket
 * queue): have ig_yamux_kick() call on_writable for s. */
void ig_yamux_stream_wait(struct ig_yamux_stream *s);

/* Half-close s (FIN). Returns 0, IG_ERESET or IG_ECLOSED. */
int ig_yamux_stream_close(struct ig_yamux_stream *s);

/*
 * Report that the owner processed n bytes that on_data delivered; sends
 * a window update once enough have been processed. Returns 0 or an
 * output queue error.
 */
int ig_yamux_stream_consumed(struct ig_yamux_stream *s, size_t n);

/* Release s: it is reset unless it already closed both ways. */
void ig_yamux_stream_free(struct ig_yamux_stream *s);

uint32_t ig_yamux_stream_id(const struct ig_yamux_stream *s);
void *ig_yamux_stream_user(const struct ig_yamux_stream *s);
void ig_yamux_stream_set_user(struct ig_yamux_stream *s, void *user);
/* The receive window granted on s: at most this many bytes can be in
 * flight to us or held unprocessed at once (the initial window, or what
 * tuning grew it to). */
uint32_t ig_yamux_stream_recv_window(const struct ig_yamux_stream *s);
/* Bytes the peer currently lets us send on s. */
uint32_t ig_yamux_stream_send_window(const struct ig_yamux_stream *s);
/* The peer half-closed s. */
int ig_yamux_stream_remote_closed(const struct ig_yamux_stream *s);

#endif
