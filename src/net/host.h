/* SPDX-License-Identifier: MIT */
/* A libp2p host: one thread, one epoll loop, TCP listeners and dials,
 * connections upgraded with multistream, Noise and yamux, and streams
 * handed to protocol handlers registered by protocol id. */
#ifndef IG_NET_HOST_H
#define IG_NET_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "net/multiaddr.h"
#include "net/peerid.h"
#include "net/stream.h"

/* What a host does per connection, and how much it lets peers take. */
struct ig_host_cfg {
    const struct ig_nodekey *key;  /* borrowed; must outlive the host */
    const char *agent_version;     /* identify agentVersion */
    uint32_t max_conns;            /* open connections, both directions */
    uint32_t max_handshakes;       /* inbound ones not yet through handshake */
    uint32_t max_streams;          /* per connection */
    uint32_t window;               /* yamux receive window per stream */
    uint32_t window_max;           /* tuning grows a stream's up to this */
    uint32_t conn_window;          /* and all of a connection's to this */
    uint64_t handshake_ms;         /* dial/accept to muxer ready */
    uint64_t idle_ms;              /* no stream for this long: close */
    uint64_t frame_ms;             /* a frame begun, no byte since: close */
    uint64_t negotiate_ms;         /* stream opened to protocol agreed */
    uint64_t keepalive_ms;         /* nothing received: send a yamux ping */
    uint64_t keepalive_timeout_ms; /* then nothing received: close */
    size_t max_msg;                /* longest message of built-in protocols */
    size_t max_buffered;           /* unread stream input, whole host */
    size_t max_conn_buffered;      /* unread stream input, per connection */
    int no_early_muxer;            /* offer no muxer inside Noise */
    int no_window_tuning;          /* keep every window at `window` */
};

/* Defaults: 256 connections (at most 128 of them inbound and still in
 * handshake), 256 streams each, 10 s handshake, 5 min idle, 30 s for the
 * rest of a frame that has started, 10 s for a stream's multistream
 * negotiation (0 in any deadline but the handshake's: none; a handshake
 * deadline of 0 is -EINVAL). A multiplexed connection that
 * has received nothing for 30 s gets a yamux ping; if nothing at all
 * arrives within 10 s after it, it is closed with IG_ETIMEOUT (0 as the
 * interval: no pings; 0 as the timeout: pings, but silence never
 * closes). Receive windows start at 256 KiB and, as the round trip
 * measured by a yamux ping at connection start shows them to limit a
 * stream, double up to 16 MiB per stream while a connection's sum stays
 * within 32 MiB (window_max <= window, or no_window_tuning: fixed).
 * Input that arrived on streams and that their handlers have
 * not taken yet may hold 256 MiB on the host and 32 MiB per connection
 * (0: no cap); a stream whose new data would pass either cap is reset
 * (IG_CONN_STREAM_RESET with IG_EBUFFERED) and its input dropped. */
void ig_host_cfg_default(struct ig_host_cfg *cfg);

/* Connection events, reported to the owner (who logs them). */
enum ig_conn_event {
    IG_CONN_UP = 1,           /* secure and multiplexed; peer known */
    IG_CONN_IDENTIFIED = 2,   /* identify from the peer arrived */
    IG_CONN_DOWN = 3,         /* closed; status and reason say why */
    IG_CONN_ID_SENT = 4,      /* the peer read our identify and closed */
    IG_CONN_REFUSED = 5,      /* c is NULL: an inbound one closed at accept */
    IG_CONN_STREAM_RESET = 6, /* the host reset a stream of c; c stays */
};

/*
 * Called for every connection event. reason is a one-line text (empty
 * for a clean close). For IG_CONN_DOWN the connection is freed right
 * after the call returns. A connection evicted to make room for a new
 * one goes down with IG_EEVICTED; one refused because every slot holds a
 * connection through its handshake is reported as IG_CONN_REFUSED with
 * IG_ELIMIT and c NULL. A stream (either direction) whose protocol is
 * not agreed within negotiate_ms is reset, its slot freed, and reported
 * as IG_CONN_STREAM_RESET with IG_ETIMEOUT; an outbound stream's handler
 * also gets on_open(IG_ETIMEOUT). The host also resets, and reports with
 * IG_CONN_STREAM_RESET, an inbound stream agreed on a protocol that
 * already has its limit of inbound streams on c (IG_ELIMIT; the handler
 * never sees it), a stream sending more than IG_HOST_NEGOTIATE_MAX bytes
 * before its protocol is agreed (IG_ELIMIT), and a stream whose unread
 * input would pass max_buffered or max_conn_buffered (IG_EBUFFERED).
 * These reports may come from inside the loop's input processing: the
 * callback may log, close connections or open streams, but must not
 * free the host.
 */
typedef void (*ig_conn_event_fn)(void *ud,
                                 struct ig_conn *c,
                                 enum ig_conn_event ev,
                                 int status,
                                 const char *reason);

/* ---- host ---- */

/*
 * Create a host. cfg is copied (key and agent_version stay borrowed).
 * Returns 0 and *out, -EINVAL for a handshake deadline of 0, or -errno
 * (epoll, eventfd) or -ENOMEM.
 */
int ig_host_new(struct ig_host **out,
                const struct ig_host_cfg *cfg,
                ig_conn_event_fn on_event,
                void *ud);

/* Close every connection and listener without reporting, then free. */
void ig_host_free(struct ig_host *h);

/*
 * Listen on a /ip4|/ip6/../tcp/<port> multiaddr; port 0 picks one.
 * Returns 0, IG_EUNSUPPORTED for another transport, or -errno.
 */
int ig_host_listen(struct ig_host *h,
                   const struct ig_multiaddr *ma,
                   char *err,
                   size_t errlen);

/* The n-th listen address actually bound (with the real port), without
 * /p2p. Returns 0 or IG_ENOTFOUND past the last one. */
int ig_host_listen_addr(const struct ig_host *h,
                        size_t n,
                        struct ig_multiaddr *out);

/* The host's own peer ID. */
const struct ig_peerid *ig_host_peer_id(const struct ig_host *h);

/*
 * Dial ma (TCP). If ma ends in /p2p/<id>, the handshake fails with
 * IG_EPEERID unless the peer proves that identity. Progress and failure
 * arrive as connection events. Returns 0 and *out (may be NULL; valid
 * until IG_CONN_DOWN), IG_ELIMIT at the connection cap, or an error.
 */
int ig_host_dial(struct ig_host *h,
                 const struct ig_multiaddr *ma,
                 struct ig_conn **out,
                 char *err,
                 size_t errlen);

/*
 * Run the loop until ig_host_stop(). Returns 0 when stopped, or -errno
 * when epoll fails.
 */
int ig_host_run(struct ig_host *h);

/* One loop pass, waiting at most timeout_ms (-1: until an event). */
int ig_host_poll(struct ig_host *h, int timeout_ms);

/* Ask ig_host_run() to return. Async-signal-safe. */
void ig_host_stop(struct ig_host *h);

/* Close every connection with a GoAway, reporting IG_CONN_DOWN. */
void ig_host_close_all(struct ig_host *h);

/* Milliseconds on the host's monotonic clock. */
uint64_t ig_host_now_ms(void);

/*
 * Call fn(ud) once, after ms milliseconds, from the loop. Returns a
 * timer id > 0, or -ENOMEM. ig_host_timer_cancel() stops it.
 */
long ig_host_timer(struct ig_host *h,
                   uint64_t ms,
                   void (*fn)(void *ud),
                   void *ud);
void ig_host_timer_cancel(struct ig_host *h, long id);

/* ---- connections ---- */

/* The authenticated remote peer (valid from IG_CONN_UP on). */
const struct ig_peerid *ig_conn_peer(const struct ig_conn *c);

/* The remote TCP address. */
const struct ig_multiaddr *ig_conn_remote_addr(const struct ig_conn *c);

/* The sum of the yamux receive windows granted on c's streams: a bound
 * on what the peer can make us hold for c (0 before the muxer is up). */
uint64_t ig_conn_recv_granted(const struct ig_conn *c);

/* 1 when we dialed the connection. */
int ig_conn_is_dialer(const struct ig_conn *c);

/* 1 once the TCP connection is established (a dial starts without). */
int ig_conn_tcp_up(const struct ig_conn *c);

/* The muxer was agreed inside the Noise handshake (no extra round). */
int ig_conn_early_muxer(const struct ig_conn *c);

/* 1 when c is going down the way connections usually end, not from a
 * fault: its idle timeout passed, or the peer closed or reset it after
 * a normal GoAway. Meaningful in the IG_CONN_DOWN report. */
int ig_conn_end_expected(const struct ig_conn *c);

/* Close c (GoAway, flush briefly, then the socket). IG_CONN_DOWN
 * follows from the loop. */
void ig_conn_close(struct ig_conn *c, int status, const char *reason);

void *ig_conn_user(const struct ig_conn *c);
void ig_conn_set_user(struct ig_conn *c, void *user);

/* ---- protocol handlers ---- */

/* Inbound streams of one protocol a connection may have open at once,
 * unless its registration says otherwise. */
#define IG_HOST_INBOUND_DEFAULT 32
/* Input a stream may send before its protocol is agreed: the
 * multistream header and a few proposals. */
#define IG_HOST_NEGOTIATE_MAX 4096

/*
 * Serve proto (copied) on inbound streams with handler (borrowed; must
 * outlive the host), at most IG_HOST_INBOUND_DEFAULT of them open at
 * once on each connection. ud reaches the handler through ig_stream_ud().
 * Returns 0, IG_EEXISTS, IG_ELIMIT or -ENOMEM.
 */
int ig_host_handle(struct ig_host *h,
                   const char *proto,
                   const struct ig_stream_handler *handler,
                   void *ud);

/*
 * As ig_host_handle, with at most max_inbound inbound streams of proto
 * open at once per connection (0: IG_HOST_INBOUND_DEFAULT). One more is
 * reset right after its protocol is agreed, and reported; a stream
 * counts from then until it ends both ways or is reset.
 */
int ig_host_handle_max(struct ig_host *h,
                       const char *proto,
                       const struct ig_stream_handler *handler,
                       void *ud,
                       uint32_t max_inbound);

/* Bytes of stream input the host holds that handlers have not taken. */
size_t ig_host_buffered(const struct ig_host *h);

/* The registered protocol ids, for identify. */
size_t ig_host_protocols(const struct ig_host *h, const char **out, size_t max);

#endif
