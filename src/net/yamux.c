/* SPDX-License-Identifier: MIT */
/* yamux session state machine: frame parser, per-stream flow control in
 * both directions, pings, go-away, half-close and reset. */
#include "net/yamux.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/buf.h"
#include "util/err.h"

#define NBUCKETS 256
/* Outbound streams the peer has not acknowledged yet (spec: at most 256). */
#define MAX_ACK_BACKLOG 256
/* Round trips shorter than this count as this: below it the clock and
 * the scheduler cannot tell a window that limits from one that does not,
 * and loopback or LAN peers should still reach a useful window. */
#define RTT_FLOOR_US 1000u
/* A window update due within this many round trips of the last one
 * means the window, not the reader, is what limits the stream. */
#define GROW_RTTS 4u
#define MAX_WINDOW (1u << 30)

enum {
    S_LOCAL_FIN = 1,
    S_REMOTE_FIN = 2,
    S_RESET = 4,
    S_OURS = 8,
    S_ACKED = 16,
    S_WANT_WRITE = 32,
    S_CLOSED_CB = 64,
    S_KICK = 128, /* on_writable due in the current ig_yamux_kick() */
};

struct ig_yamux_stream {
    struct ig_yamux *y;
    struct ig_yamux_stream *next; /* hash chain */
    uint32_t id;
    uint32_t send_window; /* bytes the peer lets us send */
    uint32_t recv_window; /* bytes we let the peer send */
    uint32_t consumed;    /* processed, not yet returned to the peer */
    uint32_t win;         /* window granted: recv_window + held + consumed */
    uint64_t epoch_us;    /* when the window was last granted or returned */
    unsigned flags;
    void *user;
};

struct ig_yamux {
    struct ig_yamux_cfg cfg;
    struct ig_yamux_cb cb;
    struct ig_buf out;
    struct ig_yamux_stream *buckets[NBUCKETS];
    uint32_t nstreams;
    uint32_t unacked; /* our streams still waiting for ACK */
    uint32_t next_id;
    uint32_t last_remote_id;
    uint64_t granted;      /* sum of win over the streams */
    uint64_t rtt_us;       /* last measured round trip, 0: none */
    uint64_t ping_sent_us; /* when the latest ping went out, 0: answered */
    uint32_t ping_opaque;  /* its value */
    int error;
    int goaway_sent;
    int goaway_recv;
    /* Parser: a header being collected, then a payload being passed on. */
    uint8_t hdr[IG_YAMUX_HEADER_LEN];
    size_t hdr_have;
    uint32_t cur_id;    /* stream of the payload in progress */
    uint16_t cur_flags; /* its flags, applied once the payload ends */
    uint32_t cur_left;  /* payload bytes still to come */
    int cur_discard;    /* payload of an unknown stream: drop it */
    int in_payload;
};

void ig_yamux_cfg_default(struct ig_yamux_cfg *cfg, int is_client)
{
    cfg->is_client = is_client;
    cfg->window = IG_YAMUX_INITIAL_WINDOW;
    cfg->max_window = 0;
    cfg->conn_window = 0;
    cfg->now_us = NULL;
    cfg->max_streams = 512;
    cfg->max_frame = 16u * 1024u * 1024u;
    cfg->send_frame = 256u * 1024u;
    cfg->out_soft = 1024u * 1024u;
    cfg->out_max = 4u * 1024u * 1024u;
}

int ig_yamux_new(struct ig_yamux **out,
                 const struct ig_yamux_cfg *cfg,
                 const struct ig_yamux_cb *cb)
{
    struct ig_yamux *y;

    *out = NULL;
    /* Windows stay far enough below 4 GiB that credit kept plus credit
     * returned plus growth always fits a 32-bit update. */
    if (cfg->window < IG_YAMUX_INITIAL_WINDOW || cfg->window > MAX_WINDOW ||
        cfg->max_window > MAX_WINDOW || !cfg->max_streams || !cfg->send_frame ||
        cfg->out_soft > cfg->out_max)
        return -EINVAL;
    y = calloc(1, sizeof(*y));
    if (!y)
        return -ENOMEM;
    y->cfg = *cfg;
    if (cb)
        y->cb = *cb;
    /* Headroom over the hard limit so a GoAway always fits. */
    ig_buf_init(&y->out, cfg->out_max + IG_YAMUX_HEADER_LEN);
    y->next_id = cfg->is_client ? 1 : 2;
    *out = y;
    return 0;
}

void ig_yamux_free(struct ig_yamux *y)
{
    if (!y)
        return;
    for (size_t i = 0; i < NBUCKETS; i++) {
        struct ig_yamux_stream *s = y->buckets[i];

        while (s) {
            struct ig_yamux_stream *next = s->next;

            free(s);
            s = next;
        }
    }
    ig_buf_free(&y->out);
    free(y);
}

static uint64_t system_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int tuning(const struct ig_yamux *y)
{
    return y->cfg.max_window > y->cfg.window;
}

static uint64_t now_us(const struct ig_yamux *y)
{
    return y->cfg.now_us ? y->cfg.now_us() : system_now_us();
}

/* ---- stream table ---- */

static struct ig_yamux_stream **bucket(struct ig_yamux *y, uint32_t id)
{
    return &y->buckets[(id ^ (id >> 8)) % NBUCKETS];
}

static struct ig_yamux_stream *find(struct ig_yamux *y, uint32_t id)
{
    struct ig_yamux_stream *s = *bucket(y, id);

    while (s && s->id != id)
        s = s->next;
    return s;
}

static struct ig_yamux_stream *add(struct ig_yamux *y,
                                   uint32_t id,
                                   unsigned flags)
{
    struct ig_yamux_stream **b = bucket(y, id);
    struct ig_yamux_stream *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->y = y;
    s->id = id;
    s->flags = flags;
    s->send_window = IG_YAMUX_INITIAL_WINDOW;
    s->recv_window = IG_YAMUX_INITIAL_WINDOW;
    s->win = y->cfg.window;
    if (tuning(y))
        s->epoch_us = now_us(y);
    s->next = *b;
    *b = s;
    y->nstreams++;
    y->granted += s->win;
    if (flags & S_OURS)
        y->unacked++;
    return s;
}

static void unlink_stream(struct ig_yamux_stream *s)
{
    struct ig_yamux *y = s->y;
    struct ig_yamux_stream **p = bucket(y, s->id);

    while (*p != s)
        p = &(*p)->next;
    *p = s->next;
    y->nstreams--;
    y->granted -= s->win;
    if ((s->flags & S_OURS) && !(s->flags & S_ACKED))
        y->unacked--;
}

/* ---- output ---- */

void ig_yamux_put_header(uint8_t *h,
                         uint8_t type,
                         uint16_t flags,
                         uint32_t id,
                         uint32_t len)
{
    h[0] = 0;
    h[1] = type;
    h[2] = (uint8_t)(flags >> 8);
    h[3] = (uint8_t)flags;
    h[4] = (uint8_t)(id >> 24);
    h[5] = (uint8_t)(id >> 16);
    h[6] = (uint8_t)(id >> 8);
    h[7] = (uint8_t)id;
    h[8] = (uint8_t)(len >> 24);
    h[9] = (uint8_t)(len >> 16);
    h[10] = (uint8_t)(len >> 8);
    h[11] = (uint8_t)len;
}

/* Queue a frame without payload. A peer that makes us queue control
 * frames faster than it reads them fails the session. */
static int send_ctl(struct ig_yamux *y,
                    uint8_t type,
                    uint16_t flags,
                    uint32_t id,
                    uint32_t len)
{
    uint8_t h[IG_YAMUX_HEADER_LEN];

    if (ig_buf_len(&y->out) + IG_YAMUX_HEADER_LEN > y->cfg.out_max)
        return IG_ELIMIT;
    ig_yamux_put_header(h, type, flags, id, len);
    return ig_buf_append(&y->out, h, sizeof(h));
}

const uint8_t *ig_yamux_out(struct ig_yamux *y, size_t *len)
{
    *len = ig_buf_len(&y->out);
    return ig_buf_data(&y->out);
}

void ig_yamux_out_consume(struct ig_yamux *y, size_t n)
{
    ig_buf_consume(&y->out, n);
}

void ig_yamux_kick(struct ig_yamux *y)
{
    struct ig_yamux_stream *s;

    if (ig_buf_len(&y->out) >= y->cfg.out_soft || !y->cb.on_writable)
        return;
    /* Mark first, then call: a stream that blocks again inside its
     * callback waits for the next kick instead of looping here. */
    for (size_t i = 0; i < NBUCKETS; i++)
        for (s = y->buckets[i]; s; s = s->next)
            if ((s->flags & S_WANT_WRITE) && s->send_window)
                s->flags = (s->flags & ~(unsigned)S_WANT_WRITE) | S_KICK;
    for (size_t i = 0; i < NBUCKETS; i++) {
    again:
        /* A callback may free any stream: rescan the chain after each. */
        for (s = y->buckets[i]; s; s = s->next) {
            if (s->flags & S_KICK) {
                s->flags &= ~(unsigned)S_KICK;
                y->cb.on_writable(y->cb.ctx, s);
                goto again;
            }
        }
    }
}

/* Fail the session: remember why, tell the peer with a GoAway. */
static int fail(struct ig_yamux *y,
                int code,
                char *err,
                size_t errlen,
                const char *why)
{
    uint8_t h[IG_YAMUX_HEADER_LEN];
    uint32_t ga = code == IG_ELIMIT || code == -ENOMEM
                    ? IG_YAMUX_GOAWAY_INTERNAL
                    : IG_YAMUX_GOAWAY_PROTOCOL;

    ig_err_set(err, errlen, "yamux: %s", why);
    if (y->error)
        return y->error;
    y->error = code;
    if (!y->goaway_sent) {
        y->goaway_sent = 1;
        ig_yamux_put_header(h, IG_YAMUX_GO_AWAY, 0, 0, ga);
        /* out has header-sized headroom over out_max for this frame. */
        (void)ig_buf_append(&y->out, h, sizeof(h));
    }
    return code;
}

/* Payload bytes a data frame may carry now, keeping out_max intact. */
static size_t out_room(const struct ig_yamux *y)
{
    size_t len = ig_buf_len(&y->out) + 2 * IG_YAMUX_HEADER_LEN;

    return len >= y->cfg.out_max ? 0 : y->cfg.out_max - len;
}

int ig_yamux_ping(struct ig_yamux *y, uint32_t opaque)
{
    int rc;

    if (y->error)
        return IG_ECLOSED;
    rc = send_ctl(y, IG_YAMUX_PING, IG_YAMUX_SYN, 0, opaque);
    if (rc == 0) {
        y->ping_opaque = opaque;
        y->ping_sent_us = now_us(y);
    }
    return rc;
}

/* The peer answered a ping: if it is our latest, that is a round trip.
 * A zero measurement (a coarse test clock) still counts as one. */
static void pong(struct ig_yamux *y, uint32_t opaque)
{
    uint64_t t;

    if (!y->ping_sent_us || opaque != y->ping_opaque)
        return;
    t = now_us(y);
    y->rtt_us = t > y->ping_sent_us ? t - y->ping_sent_us : 1;
    y->ping_sent_us = 0;
}

int ig_yamux_goaway(struct ig_yamux *y, uint32_t code)
{
    if (y->goaway_sent)
        return 0;
    y->goaway_sent = 1;
    return send_ctl(y, IG_YAMUX_GO_AWAY, 0, 0, code);
}

int ig_yamux_error(const struct ig_yamux *y)
{
    return y->error;
}

int ig_yamux_going_away(const struct ig_yamux *y)
{
    return y->goaway_sent || y->goaway_recv;
}

int ig_yamux_in_frame(const struct ig_yamux *y)
{
    return y->hdr_have > 0 || y->in_payload;
}

uint32_t ig_yamux_stream_count(const struct ig_yamux *y)
{
    return y->nstreams;
}

uint64_t ig_yamux_rtt_us(const struct ig_yamux *y)
{
    return y->rtt_us;
}

uint64_t ig_yamux_recv_granted(const struct ig_yamux *y)
{
    return y->granted;
}

/* ---- streams, the application side ---- */

int ig_yamux_stream_open(struct ig_yamux *y, struct ig_yamux_stream **out)
{
    struct ig_yamux_stream *s;
    uint32_t extra = y->cfg.window - IG_YAMUX_INITIAL_WINDOW;
    int rc;

    *out = NULL;
    if (y->error)
        return IG_ECLOSED;
    if (y->goaway_sent || y->goaway_recv)
        return IG_EGOAWAY;
    if (y->nstreams >= y->cfg.max_streams || y->unacked >= MAX_ACK_BACKLOG ||
        y->next_id > UINT32_MAX - 2)
        return IG_ELIMIT;
    s = add(y, y->next_id, S_OURS);
    if (!s)
        return -ENOMEM;
    rc = send_ctl(y, IG_YAMUX_WINDOW_UPDATE, IG_YAMUX_SYN, s->id, extra);
    if (rc < 0) {
        unlink_stream(s);
        free(s);
        return rc;
    }
    s->recv_window = y->cfg.window;
    y->next_id += 2;
    *out = s;
    return 0;
}

long ig_yamux_stream_write(struct ig_yamux_stream *s,
                           const uint8_t *p,
                           size_t n)
{
    struct ig_yamux *y = s->y;
    size_t done = 0;

    if (s->flags & S_RESET)
        return IG_ERESET;
    if ((s->flags & S_LOCAL_FIN) || y->error)
        return IG_ECLOSED;
    while (done < n && s->send_window &&
           ig_buf_len(&y->out) < y->cfg.out_soft) {
        size_t k = n - done;
        uint8_t *dst;

        if (k > s->send_window)
            k = s->send_window;
        if (k > y->cfg.send_frame)
            k = y->cfg.send_frame;
        if (k > out_room(y))
            k = out_room(y);
        if (!k)
            break;
        dst = ig_buf_reserve(&y->out, IG_YAMUX_HEADER_LEN + k);
        if (!dst)
            return done ? (long)done : -ENOMEM;
        ig_yamux_put_header(dst, IG_YAMUX_DATA, 0, s->id, (uint32_t)k);
        memcpy(dst + IG_YAMUX_HEADER_LEN, p + done, k);
        ig_buf_commit(&y->out, IG_YAMUX_HEADER_LEN + k);
        s->send_window -= (uint32_t)k;
        done += k;
    }
    if (done < n)
        s->flags |= S_WANT_WRITE;
    return (long)done;
}

long ig_yamux_stream_write_header(struct ig_yamux_stream *s, size_t n)
{
    struct ig_yamux *y = s->y;
    size_t k = n;
    int rc;

    if (s->flags & S_RESET)
        return IG_ERESET;
    if ((s->flags & S_LOCAL_FIN) || y->error)
        return IG_ECLOSED;
    if (k > s->send_window)
        k = s->send_window;
    if (k > y->cfg.send_frame)
        k = y->cfg.send_frame;
    if (!k) {
        s->flags |= S_WANT_WRITE;
        return 0;
    }
    rc = send_ctl(y, IG_YAMUX_DATA, 0, s->id, (uint32_t)k);
    if (rc < 0)
        return rc;
    s->send_window -= (uint32_t)k;
    return (long)k;
}

void ig_yamux_stream_wait(struct ig_yamux_stream *s)
{
    s->flags |= S_WANT_WRITE;
}

int ig_yamux_stream_close(struct ig_yamux_stream *s)
{
    int rc;

    if (s->flags & S_RESET)
        return IG_ERESET;
    if (s->flags & S_LOCAL_FIN)
        return IG_ECLOSED;
    rc = send_ctl(s->y, IG_YAMUX_WINDOW_UPDATE, IG_YAMUX_FIN, s->id, 0);
    if (rc == 0)
        s->flags |= S_LOCAL_FIN;
    return rc;
}

/* How much to widen the window of s in the update being sent at now:
 * double it when the last update was under GROW_RTTS round trips ago,
 * within max_window, and only if the connection's sum stays within
 * conn_window; otherwise 0. */
static uint32_t growth(const struct ig_yamux *y,
                       const struct ig_yamux_stream *s,
                       uint64_t now)
{
    uint64_t rtt = y->rtt_us < RTT_FLOOR_US ? RTT_FLOOR_US : y->rtt_us;
    uint32_t grow = s->win;

    if (!y->rtt_us || now - s->epoch_us >= GROW_RTTS * rtt)
        return 0;
    if (grow > y->cfg.max_window - s->win)
        grow = y->cfg.max_window - s->win;
    if (y->granted + grow > y->cfg.conn_window)
        return 0;
    return grow;
}

int ig_yamux_stream_consumed(struct ig_yamux_stream *s, size_t n)
{
    struct ig_yamux *y = s->y;
    uint32_t delta, grow = 0;
    uint64_t now = 0;
    int rc;

    if (n > s->win)
        n = s->win;
    s->consumed += (uint32_t)n;
    /* Return credit in halves: fewer updates, and the peer never stalls
     * as long as it gets one before its window runs out. */
    if (s->consumed < s->win / 2 || (s->flags & (S_RESET | S_REMOTE_FIN)) ||
        y->error)
        return 0;
    if (tuning(y) && s->win < y->cfg.max_window) {
        now = now_us(y);
        grow = growth(y, s, now);
    }
    delta = s->consumed + grow;
    rc = send_ctl(y, IG_YAMUX_WINDOW_UPDATE, 0, s->id, delta);
    if (rc < 0)
        return rc;
    s->consumed = 0;
    s->recv_window += delta;
    s->win += grow;
    y->granted += grow;
    s->epoch_us = now;
    return 0;
}

void ig_yamux_stream_free(struct ig_yamux_stream *s)
{
    struct ig_yamux *y;

    if (!s)
        return;
    y = s->y;
    if (!(s->flags & S_RESET) &&
        (s->flags & (S_LOCAL_FIN | S_REMOTE_FIN)) !=
          (S_LOCAL_FIN | S_REMOTE_FIN) &&
        !y->error)
        (void)send_ctl(y, IG_YAMUX_WINDOW_UPDATE, IG_YAMUX_RST, s->id, 0);
    unlink_stream(s);
    free(s);
}

uint32_t ig_yamux_stream_id(const struct ig_yamux_stream *s)
{
    return s->id;
}

void *ig_yamux_stream_user(const struct ig_yamux_stream *s)
{
    return s->user;
}

void ig_yamux_stream_set_user(struct ig_yamux_stream *s, void *user)
{
    s->user = user;
}

uint32_t ig_yamux_stream_recv_window(const struct ig_yamux_stream *s)
{
    return s->win;
}

uint32_t ig_yamux_stream_send_window(const struct ig_yamux_stream *s)
{
    return s->send_window;
}

int ig_yamux_stream_remote_closed(const struct ig_yamux_stream *s)
{
    return (s->flags & S_REMOTE_FIN) != 0;
}

/* ---- input ---- */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/* Tell the owner that s is over, once. */
static void closed(struct ig_yamux *y, struct ig_yamux_stream *s, int status)
{
    if (s->flags & S_CLOSED_CB)
        return;
    s->flags |= S_CLOSED_CB;
    if (y->cb.on_close)
        y->cb.on_close(y->cb.ctx, s, status);
}

/* FIN and RST take effect after the frame's payload. */
static void end_flags(struct ig_yamux *y, uint32_t id, uint16_t flags)
{
    struct ig_yamux_stream *s = find(y, id);

    if (!s)
        return;
    if (flags & IG_YAMUX_RST) {
        s->flags |= S_RESET;
        closed(y, s, IG_ERESET);
        return;
    }
    if (!(flags & IG_YAMUX_FIN) || (s->flags & S_REMOTE_FIN))
        return;
    s->flags |= S_REMOTE_FIN;
    if (y->cb.on_fin)
        y->cb.on_fin(y->cb.ctx, s);
    s = find(y, id);
    if (s && (s->flags & S_LOCAL_FIN))
        closed(y, s, 0);
}

/* Answer a SYN we will not take with RST; its data is dropped. */
static int refuse(struct ig_yamux *y, uint32_t id, char *err, size_t errlen)
{
    int rc = send_ctl(y, IG_YAMUX_WINDOW_UPDATE, IG_YAMUX_RST, id, 0);

    return rc < 0 ? fail(y, rc, err, errlen, "output queue full") : 0;
}

/* A SYN from the peer: check it, then offer the stream to the owner. */
static int accept_stream(struct ig_yamux *y,
                         uint32_t id,
                         char *err,
                         size_t errlen,
                         struct ig_yamux_stream **out)
{
    struct ig_yamux_stream *s;
    uint32_t extra = y->cfg.window - IG_YAMUX_INITIAL_WINDOW;
    int rc;

    *out = NULL;
    if ((id & 1) == (y->cfg.is_client ? 1u : 0u))
        return fail(y, IG_EYAMUX, err, errlen, "SYN with our stream id");
    if (id <= y->last_remote_id)
        return fail(y, IG_EYAMUX, err, errlen, "SYN reuses a stream id");
    y->last_remote_id = id;
    if (y->goaway_sent)
        return refuse(y, id, err, errlen);
    if (y->nstreams >= y->cfg.max_streams) {
        if (y->cb.on_refused)
            y->cb.on_refused(y->cb.ctx, id);
        return refuse(y, id, err, errlen);
    }
    s = add(y, id, 0);
    if (!s)
        return fail(y, -ENOMEM, err, errlen, "out of memory");
    if (y->cb.on_open && y->cb.on_open(y->cb.ctx, s) != 0) {
        unlink_stream(s);
        free(s);
        return refuse(y, id, err, errlen);
    }
    rc = send_ctl(y, IG_YAMUX_WINDOW_UPDATE, IG_YAMUX_ACK, id, extra);
    if (rc < 0)
        return fail(y, rc, err, errlen, "output queue full");
    s->recv_window = y->cfg.window;
    *out = s;
    return 0;
}

static int on_window_update(struct ig_yamux *y,
                            struct ig_yamux_stream *s,
                            uint32_t delta,
                            char *err,
                            size_t errlen)
{
    if (delta > UINT32_MAX - s->send_window)
        return fail(y, IG_EYAMUX, err, errlen, "send window overflow");
    s->send_window += delta;
    if (delta && (s->flags & S_WANT_WRITE) &&
        ig_buf_len(&y->out) < y->cfg.out_soft) {
        s->flags &= ~(unsigned)S_WANT_WRITE;
        if (y->cb.on_writable)
            y->cb.on_writable(y->cb.ctx, s);
    }
    return 0;
}

/* Start a data frame's payload: charge it to the stream's window. */
static int on_data_header(struct ig_yamux *y,
                          struct ig_yamux_stream *s,
                          uint32_t len,
                          char *err,
                          size_t errlen)
{
    if (len > y->cfg.max_frame)
        return fail(y, IG_ETOOBIG, err, errlen, "data frame too long");
    y->cur_left = len;
    y->in_payload = len > 0;
    y->cur_discard = !s;
    if (!s)
        return 0;
    if (len && (s->flags & (S_REMOTE_FIN | S_RESET)))
        return fail(y, IG_EYAMUX, err, errlen, "data after FIN");
    if (len > s->recv_window)
        return fail(y, IG_EWINDOW, err, errlen, "data beyond the window");
    s->recv_window -= len;
    return 0;
}

static int on_stream_frame(struct ig_yamux *y,
                           uint8_t type,
                           uint16_t flags,
                           uint32_t id,
                           uint32_t len,
                           char *err,
                           size_t errlen)
{
    struct ig_yamux_stream *s;
    int rc;

    if (id == 0)
        return fail(y, IG_EYAMUX, err, errlen, "stream frame on id 0");
    if (flags & IG_YAMUX_SYN) {
        if (find(y, id))
            return fail(y, IG_EYAMUX, err, errlen, "SYN on an open stream");
        rc = accept_stream(y, id, err, errlen, &s);
        if (rc < 0)
            return rc;
    }
    else {
        s = find(y, id);
    }
    if (s && (flags & IG_YAMUX_ACK) && (s->flags & S_OURS) &&
        !(s->flags & S_ACKED)) {
        s->flags |= S_ACKED;
        y->unacked--;
    }
    if (type == IG_YAMUX_DATA)
        return on_data_header(y, s, len, err, errlen);
    if (s && (rc = on_window_update(y, s, len, err, errlen)) < 0)
        return rc;
    y->cur_left = 0;
    y->in_payload = 0;
    return 0;
}

static int on_session_frame(struct ig_yamux *y,
                            uint8_t type,
                            uint16_t flags,
                            uint32_t id,
                            uint32_t val,
                            char *err,
                            size_t errlen)
{
    int rc;

    if (id != 0)
        return fail(y, IG_EYAMUX, err, errlen, "session frame on a stream");
    if (type == IG_YAMUX_GO_AWAY) {
        if (flags)
            return fail(y, IG_EYAMUX, err, errlen, "flags on GoAway");
        y->goaway_recv = 1;
        if (y->cb.on_goaway)
            y->cb.on_goaway(y->cb.ctx, val);
        return 0;
    }
    if (flags == IG_YAMUX_SYN) {
        rc = send_ctl(y, IG_YAMUX_PING, IG_YAMUX_ACK, 0, val);
        return rc < 0 ? fail(y, rc, err, errlen, "ping flood") : 0;
    }
    if (flags != IG_YAMUX_ACK)
        return fail(y, IG_EYAMUX, err, errlen, "bad ping flags");
    pong(y, val);
    if (y->cb.on_pong)
        y->cb.on_pong(y->cb.ctx, val);
    return 0;
}

/* A complete header: validate it and act on everything but the payload. */
static int on_header(struct ig_yamux *y, char *err, size_t errlen)
{
    const uint8_t *h = y->hdr;
    uint8_t type = h[1];
    uint16_t flags = (uint16_t)(h[2] << 8 | h[3]);
    uint32_t id = be32(h + 4), len = be32(h + 8);
    int rc;

    y->hdr_have = 0;
    if (h[0] != 0)
        return fail(y, IG_EYAMUX, err, errlen, "bad version");
    if (type > IG_YAMUX_GO_AWAY)
        return fail(y, IG_EYAMUX, err, errlen, "bad frame type");
    if (flags & ~0xfu)
        return fail(y, IG_EYAMUX, err, errlen, "bad flags");
    if (type == IG_YAMUX_PING || type == IG_YAMUX_GO_AWAY)
        return on_session_frame(y, type, flags, id, len, err, errlen);
    rc = on_stream_frame(y, type, flags, id, len, err, errlen);
    if (rc < 0)
        return rc;
    y->cur_id = id;
    y->cur_flags = flags;
    if (!y->in_payload)
        end_flags(y, id, flags);
    return 0;
}

/* Pass n payload bytes to the stream they belong to. */
static void on_payload(struct ig_yamux *y, const uint8_t *p, size_t n)
{
    struct ig_yamux_stream *s;

    y->cur_left -= (uint32_t)n;
    if (!y->cur_discard) {
        s = find(y, y->cur_id);
        if (s && !(s->flags & S_RESET) && y->cb.on_data)
            y->cb.on_data(y->cb.ctx, s, p, n);
    }
    if (y->cur_left == 0) {
        y->in_payload = 0;
        end_flags(y, y->cur_id, y->cur_flags);
    }
}

int ig_yamux_input(struct ig_yamux *y,
                   const uint8_t *p,
                   size_t n,
                   char *err,
                   size_t errlen)
{
    const uint8_t *end = p + n;
    int rc;

    if (y->error)
        return y->error;
    while (p < end) {
        size_t avail = (size_t)(end - p), k;

        if (y->in_payload) {
            k = avail < y->cur_left ? avail : y->cur_left;
            on_payload(y, p, k);
            p += k;
            continue;
        }
        k = IG_YAMUX_HEADER_LEN - y->hdr_have;
        if (k > avail)
            k = avail;
        memcpy(y->hdr + y->hdr_have, p, k);
        y->hdr_have += k;
        p += k;
        if (y->hdr_have == IG_YAMUX_HEADER_LEN &&
            (rc = on_header(y, err, errlen)) < 0)
            return rc;
    }
    return 0;
}
