/* SPDX-License-Identifier: MIT */
/* One libp2p connection as a chain of byte layers (TCP, multistream,
 * Noise, multistream, yamux, streams) and the host state it shares with
 * the event loop. Internal to the net layer. */
#ifndef IG_NET_CONN_H
#define IG_NET_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "net/buf.h"
#include "net/host.h"
#include "net/identify.h"
#include "net/multistream.h"
#include "net/noise.h"
#include "net/yamux.h"

#define IG_HOST_MAX_PROTOS 32
#define IG_HOST_MAX_LISTEN 8
#define IG_REASON_MAX 160

struct ig_proto {
    char *name;
    const struct ig_stream_handler *handler;
    void *ud;
    uint32_t max_inbound; /* open inbound streams per connection */
};

struct ig_timer {
    struct ig_timer *next;
    long id;
    uint64_t due;
    void (*fn)(void *ud);
    void *ud;
};

struct ig_listener {
    int fd;
    struct ig_multiaddr addr;
};

struct ig_host {
    struct ig_host_cfg cfg;
    ig_conn_event_fn on_event;
    void *ud;
    int epfd;
    int wakefd;
    volatile int stop;
    struct ig_listener listeners[IG_HOST_MAX_LISTEN];
    size_t nlisteners;
    struct ig_proto protos[IG_HOST_MAX_PROTOS];
    const char *proto_names[IG_HOST_MAX_PROTOS];
    size_t nprotos;
    struct ig_conn *conns; /* every live connection */
    struct ig_conn *dirty; /* connections with deferred work */
    uint32_t nconns;
    struct ig_timer *timers; /* sorted by due time */
    long next_timer;
    struct ig_peerid self;
    size_t buffered; /* unread stream input over all connections */
};

enum ig_conn_state {
    C_CONNECTING, /* TCP connect in progress */
    C_MS_SEC,     /* agreeing on /noise */
    C_NOISE,      /* Noise XX handshake */
    C_MS_MUX,     /* agreeing on /yamux/1.0.0 over the secure channel */
    C_MUX,        /* yamux running */
    C_CLOSING,    /* flushing, then the socket closes */
};

struct ig_stream {
    struct ig_conn *conn;
    struct ig_stream *next;      /* conn's list of streams */
    struct ig_stream *dead_next; /* conn's list of finished streams */
    struct ig_yamux_stream *ys;  /* NULL once released */
    struct ig_ms *ms;            /* while negotiating */
    const struct ig_stream_handler *handler;
    void *ud;
    char *proto;           /* agreed (or proposed) protocol */
    const char *protov[1]; /* proto, as multistream wants a list */
    struct ig_buf rx;      /* data the handler has not taken */
    unsigned outbound : 1;
    unsigned open : 1;         /* negotiated, handler informed */
    unsigned eof : 1;          /* peer sent FIN */
    unsigned eof_told : 1;     /* handler got on_eof */
    unsigned resume : 1;       /* redeliver rx from the loop */
    unsigned dead : 1;         /* on the dead list */
    unsigned local_closed : 1; /* we sent FIN */
    unsigned held : 1;         /* waiting for the peer to be ready */
    int status;                /* for on_close */
    uint64_t neg_due;          /* protocol agreed by then, or reset */
    size_t neg_in;             /* input negotiation has taken */
    int pix;                   /* protocol counted in conn->inbound, -1: none */
};

struct ig_conn {
    struct ig_host *host;
    struct ig_conn *next;       /* host's list */
    struct ig_conn *dirty_next; /* host's dirty list */
    int dirty;
    int fd;
    enum ig_conn_state state;
    int dialer;
    int tcp_up; /* connected: security negotiation has begun */
    int early_muxer;
    int want_out;   /* EPOLLOUT armed */
    int tx_blocked; /* a direct write found tx full */
    int peer_ready; /* the peer opened or answered a stream */
    uint32_t early; /* streams we opened before that */
    struct ig_multiaddr remote;
    struct ig_peerid expect; /* from /p2p in the dialed address */
    int have_expect;
    struct ig_peerid peer;
    uint8_t peer_pk[32];
    struct ig_buf rx; /* bytes read, not yet processed */
    struct ig_buf tx; /* bytes to write */
    struct ig_ms ms;
    struct ig_noise *noise;
    struct ig_yamux *mux;
    struct ig_stream *streams;
    struct ig_stream *dead;
    uint64_t deadline;   /* handshake deadline, 0 once up */
    uint64_t neg_due;    /* no stream negotiation ends before; 0: none */
    uint64_t idle_since; /* up, or its last stream freed */
    uint64_t last_read;  /* last byte read */
    uint64_t ka_due;     /* our keepalive ping unanswered: close then */
    uint32_t ka_opaque;  /* value of the last keepalive ping */
    uint32_t goaway;     /* 1 + the code of the peer's GoAway; 0: none */
    int normal_end;      /* closing the way connections usually end */
    int status;          /* why it is closing */
    char reason[IG_REASON_MAX];
    void *user;
    int announced;                        /* IG_CONN_UP was reported */
    struct ig_identify *ident;            /* what the peer told identify */
    size_t buffered;                      /* unread input of its streams */
    uint32_t inbound[IG_HOST_MAX_PROTOS]; /* open inbound streams */
};

/* Make a connection for a connected or connecting socket (taken). */
int ig__conn_new(struct ig_host *h,
                 int fd,
                 int dialer,
                 int connecting,
                 const struct ig_multiaddr *remote,
                 const struct ig_peerid *expect,
                 struct ig_conn **out);

/* Socket readiness from the loop. */
void ig__conn_readable(struct ig_conn *c);
void ig__conn_writable(struct ig_conn *c);

/*
 * Send n bytes of a stream's data without copying them into yamux: the
 * header goes through yamux, the payload is sealed straight into tx.
 * Returns the count taken (0: the window or the socket queue is full;
 * on_writable follows), or an error of ig_yamux_stream_write_header.
 */
long ig__conn_write_direct(struct ig_conn *c,
                           struct ig_yamux_stream *ys,
                           const uint8_t *p,
                           size_t n);

/* Deferred work: finished streams, redeliveries, output, teardown.
 * Returns 1 when the connection is gone (freed). */
int ig__conn_service(struct ig_conn *c);

/* Handshake, idle, frame and stream negotiation deadlines; keepalive. */
void ig__conn_check_time(struct ig_conn *c, uint64_t now);

/* When ig__conn_check_time() next has something to do for c (the
 * earliest of its deadlines), or UINT64_MAX for never. */
uint64_t ig__conn_next_due(const struct ig_conn *c);

/* Queue c for ig__conn_service() in this loop pass. */
void ig__conn_touch(struct ig_conn *c);

/* Start closing c with a status and reason (first reason wins). */
void ig__conn_fail(struct ig_conn *c, int status, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* Free c without reporting (host shutdown). */
void ig__conn_destroy(struct ig_conn *c, int report);

/* Update the epoll interest set of c. */
void ig__host_watch(struct ig_host *h, struct ig_conn *c, int out);

/* Find a registered protocol. */
const struct ig_proto *ig__host_proto(const struct ig_host *h,
                                      const char *name);

/* Built-in services start on a new connection (identify client). */
void ig__host_conn_up(struct ig_host *h, struct ig_conn *c);

#endif
