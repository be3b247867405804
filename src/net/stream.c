/* SPDX-License-Identifier: MIT */
/* Streams over yamux: multistream-select per stream, then the handler.
 * Input the handler does not take stays queued and keeps the peer's
 * window shut; finished streams are reported from the loop, never from
 * inside another callback. */
#include "net/stream.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/conn.h"
#include "util/err.h"

/* Writes this long skip the copy into yamux's queue. */
#define DIRECT_MIN 8192
/* Streams we open before the peer has shown it takes streams: js-libp2p
 * resets a connection that gets more than 10 before its side is set
 * up, so the rest wait until the peer opens or answers one. */
#define EARLY_MAX 8
/* Room for who()'s text. */
#define WHO_MAX 96

/* ---- what a stream holds of the host's caps ---- */

static void charge(struct ig_stream *s, size_t n)
{
    s->conn->buffered += n;
    s->conn->host->buffered += n;
}

/* The handler took n bytes of the kept input. */
static void rx_consume(struct ig_stream *s, size_t n)
{
    ig_buf_consume(&s->rx, n);
    s->conn->buffered -= n;
    s->conn->host->buffered -= n;
    /* Most streams never keep input; one that did gives the memory
     * back when it drains, so idle streams hold none. */
    if (!ig_buf_len(&s->rx))
        ig_buf_free(&s->rx);
}

/* Drop the kept input from the caps. The storage itself goes when s is
 * freed: a handler that reset s may still be reading it. */
static void rx_drop(struct ig_stream *s)
{
    size_t n = ig_buf_len(&s->rx);

    ig_buf_consume(&s->rx, n);
    s->conn->buffered -= n;
    s->conn->host->buffered -= n;
}

/* s no longer counts against its protocol's inbound limit. */
static void unbind(struct ig_stream *s)
{
    if (s->pix >= 0)
        s->conn->inbound[s->pix]--;
    s->pix = -1;
}

static void stream_free(struct ig_stream *s)
{
    /* The idle clock runs from the last stream's end. */
    s->conn->idle_since = ig_host_now_ms();
    rx_drop(s);
    unbind(s);
    free(s->ms);
    free(s->proto);
    ig_buf_free(&s->rx);
    free(s);
}

/* End s with status: release the yamux stream (RST unless it closed both
 * ways) and queue the on_close report for the loop. */
static void finish(struct ig_stream *s, int status)
{
    struct ig_conn *c = s->conn;

    if (s->dead)
        return;
    s->dead = 1;
    s->status = status;
    rx_drop(s);
    unbind(s);
    if (s->ys) {
        ig_yamux_stream_set_user(s->ys, NULL);
        ig_yamux_stream_free(s->ys);
        s->ys = NULL;
    }
    s->dead_next = c->dead;
    c->dead = s;
    ig__conn_touch(c);
}

/* Both directions are done and all input was handed over. */
static void check_done(struct ig_stream *s)
{
    if (!s->dead && s->eof_told && (s->local_closed || !s->ys))
        finish(s, 0);
}

/* A stream gets negotiate_ms from its creation to agree on a protocol;
 * the connection keeps the earliest such deadline for its timer check. */
static void arm_deadline(struct ig_stream *s)
{
    struct ig_conn *c = s->conn;
    uint64_t ms = c->host->cfg.negotiate_ms;

    if (!ms)
        return;
    s->neg_due = ig_host_now_ms() + ms;
    if (!c->neg_due || s->neg_due < c->neg_due)
        c->neg_due = s->neg_due;
}

/* The widest receive window a stream of this host can grant. */
static size_t rx_max(const struct ig_host_cfg *cfg)
{
    size_t w = cfg->window > IG_YAMUX_INITIAL_WINDOW ? cfg->window
                                                     : IG_YAMUX_INITIAL_WINDOW;

    if (!cfg->no_window_tuning && cfg->window_max > w)
        w = cfg->window_max;
    return w;
}

static struct ig_stream *stream_new(struct ig_conn *c,
                                    struct ig_yamux_stream *ys)
{
    struct ig_stream *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->ms = malloc(sizeof(*s->ms));
    if (!s->ms) {
        free(s);
        return NULL;
    }
    s->conn = c;
    s->ys = ys;
    s->pix = -1;
    /* The yamux window bounds what the peer can make us keep. */
    ig_buf_init(&s->rx, rx_max(&c->host->cfg));
    if (ys)
        ig_yamux_stream_set_user(ys, s);
    s->next = c->streams;
    c->streams = s;
    arm_deadline(s);
    return s;
}

/* Write the negotiation's output on the stream. */
static int flush_ms(struct ig_stream *s)
{
    size_t len;
    const uint8_t *o = ig_ms_output(s->ms, &len);
    long n;

    if (!len)
        return 0;
    n = ig_yamux_stream_write(s->ys, o, len);
    if (n < 0)
        return (int)n;
    if ((size_t)n != len)
        return IG_ELIMIT;
    ig_ms_output_consume(s->ms, len);
    ig__conn_touch(s->conn);
    return 0;
}

/* "<direction> stream <id> (<protocol>)" for reset reports. */
static const char *who(const struct ig_stream *s, char *out, size_t len)
{
    snprintf(out,
             len,
             "%s stream %u%s%s%s",
             s->outbound ? "outbound" : "inbound",
             s->ys ? (unsigned)ig_yamux_stream_id(s->ys) : 0u,
             s->proto ? " (" : "",
             s->proto ? s->proto : "",
             s->proto ? ")" : "");
    return out;
}

/* The host resets s for a reason of its own: the owner hears it as
 * IG_CONN_STREAM_RESET with the reason. */
static void reset_report(struct ig_stream *s, int status, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void reset_report(struct ig_stream *s, int status, const char *fmt, ...)
{
    struct ig_conn *c = s->conn;
    struct ig_host *h = c->host;
    char reason[IG_REASON_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    finish(s, status);
    if (h->on_event)
        h->on_event(h->ud, c, IG_CONN_STREAM_RESET, status, reason);
}

/* ---- input ---- */

static void tell_eof(struct ig_stream *s)
{
    if (s->eof && !s->eof_told && !ig_buf_len(&s->rx) && s->open && !s->dead) {
        s->eof_told = 1;
        if (s->handler->on_eof)
            s->handler->on_eof(s);
        check_done(s);
    }
}

/* Offer p to the handler; returns bytes taken, or -1 if s ended. */
static long offer(struct ig_stream *s, const uint8_t *p, size_t n)
{
    long k = s->handler->on_data ? s->handler->on_data(s, p, n) : (long)n;

    if (s->dead)
        return -1;
    if (k < 0) {
        finish(s, IG_ERESET);
        return -1;
    }
    if ((size_t)k > n)
        k = (long)n;
    if (k && s->ys && ig_yamux_stream_consumed(s->ys, (size_t)k) < 0) {
        ig__conn_fail(s->conn, IG_ELIMIT, "output queue full");
        return -1;
    }
    return k;
}

/* Would n more kept bytes pass a cap? Names it in where. */
static int over_cap(const struct ig_stream *s, size_t n, const char **where)
{
    const struct ig_conn *c = s->conn;
    const struct ig_host *h = c->host;
    size_t conn_cap = h->cfg.max_conn_buffered, host_cap = h->cfg.max_buffered;

    *where = "connection";
    if (conn_cap && (c->buffered > conn_cap || n > conn_cap - c->buffered))
        return 1;
    *where = "host";
    return host_cap && (h->buffered > host_cap || n > host_cap - h->buffered);
}

/* Keep input the handler did not take, within the caps. */
static void keep(struct ig_stream *s, const uint8_t *p, size_t n)
{
    const struct ig_host *h = s->conn->host;
    const char *where;
    char w[WHO_MAX];

    if (over_cap(s, n, &where)) {
        reset_report(s,
                     IG_EBUFFERED,
                     "%s: %zu bytes more would take unread input on this %s "
                     "past its cap of %zu",
                     who(s, w, sizeof(w)),
                     n,
                     where,
                     *where == 'h' ? h->cfg.max_buffered
                                   : h->cfg.max_conn_buffered);
        return;
    }
    if (ig_buf_append(&s->rx, p, n) < 0) {
        finish(s, IG_ELIMIT);
        return;
    }
    charge(s, n);
}

static void deliver(struct ig_stream *s, const uint8_t *p, size_t n)
{
    long k = 0;

    if (!ig_buf_len(&s->rx) && s->open) {
        k = offer(s, p, n);
        if (k < 0)
            return;
    }
    if ((size_t)k < n)
        keep(s, p + k, n - (size_t)k);
}

/* Hand queued input over again (resume, writable). */
static void redeliver(struct ig_stream *s)
{
    s->resume = 0;
    while (ig_buf_len(&s->rx) && s->open && !s->dead) {
        long k = offer(s, ig_buf_data(&s->rx), ig_buf_len(&s->rx));

        if (k <= 0)
            return;
        rx_consume(s, (size_t)k);
    }
    tell_eof(s);
}

/* Bind inbound s to its agreed protocol, within the protocol's limit
 * of open inbound streams on the connection. Returns 0 or an error (s
 * is then finished). */
static int bind_inbound(struct ig_stream *s, const char *sel)
{
    struct ig_conn *c = s->conn;
    const struct ig_proto *p = ig__host_proto(c->host, sel);
    char w[WHO_MAX];
    int pix;

    s->proto = strdup(sel);
    if (!p || !s->proto) {
        finish(s, -ENOMEM);
        return -ENOMEM;
    }
    pix = (int)(p - c->host->protos);
    if (c->inbound[pix] >= p->max_inbound) {
        reset_report(s,
                     IG_ELIMIT,
                     "%s over the limit of %u open at once per connection",
                     who(s, w, sizeof(w)),
                     (unsigned)p->max_inbound);
        return IG_ELIMIT;
    }
    c->inbound[pix]++;
    s->pix = pix;
    s->handler = p->handler;
    s->ud = p->ud;
    return 0;
}

/* Multistream finished on s: bind the handler and tell it. */
static void negotiated(struct ig_stream *s)
{
    const char *sel = ig_ms_selected(s->ms);

    if (!s->outbound && bind_inbound(s, sel) < 0)
        return;
    free(s->ms);
    s->ms = NULL;
    s->open = 1;
    if (s->handler->on_open)
        s->handler->on_open(s, 0);
}

static void negotiate(struct ig_stream *s, const uint8_t *p, size_t n)
{
    size_t used = 0;
    int rc = ig_ms_input(s->ms, p, n, &used, NULL, 0);
    char w[WHO_MAX];

    s->neg_in += used;
    if (rc == 0 && s->neg_in > IG_HOST_NEGOTIATE_MAX) {
        reset_report(s,
                     IG_ELIMIT,
                     "%s sent over %d bytes before its protocol was agreed",
                     who(s, w, sizeof(w)),
                     IG_HOST_NEGOTIATE_MAX);
        return;
    }
    if (rc == 0)
        rc = flush_ms(s);
    if (rc == 0 && used && ig_yamux_stream_consumed(s->ys, used) < 0)
        rc = IG_ELIMIT;
    if (rc < 0) {
        finish(s, rc);
        return;
    }
    if (ig_ms_selected(s->ms)) {
        negotiated(s);
        if (!s->dead && used < n)
            deliver(s, p + used, n - used);
    }
    else if (used < n) {
        negotiate(s, p + used, n - used);
    }
}

/* Open the yamux stream of s and propose its protocol. */
static int start_outbound(struct ig_stream *s)
{
    struct ig_conn *c = s->conn;
    int rc = ig_yamux_stream_open(c->mux, &s->ys);

    if (rc < 0)
        return rc;
    ig_yamux_stream_set_user(s->ys, s);
    if (!c->peer_ready)
        c->early++;
    rc = ig_ms_init_initiator(s->ms, s->protov, 1);
    if (rc == 0)
        rc = flush_ms(s);
    ig__conn_touch(c);
    return rc;
}

/* The peer takes streams now: open the ones held back. */
static void peer_ready(struct ig_conn *c)
{
    if (c->peer_ready)
        return;
    c->peer_ready = 1;
    for (struct ig_stream *s = c->streams; s; s = s->next) {
        int rc;

        if (!s->held || s->dead)
            continue;
        s->held = 0;
        rc = start_outbound(s);
        if (rc < 0)
            finish(s, rc);
    }
}

/* ---- yamux callbacks ---- */

static int y_open(void *ctx, struct ig_yamux_stream *ys)
{
    struct ig_conn *c = ctx;
    struct ig_host *h = c->host;
    struct ig_stream *s = stream_new(c, ys);

    if (!s)
        return -1;
    peer_ready(c);
    if (ig_ms_init_responder(s->ms, h->proto_names, h->nprotos) < 0 ||
        flush_ms(s) < 0) {
        /* yamux resets it; our wrapper goes at once. */
        c->streams = s->next;
        stream_free(s);
        return -1;
    }
    return 0;
}

static void y_data(void *ctx,
                   struct ig_yamux_stream *ys,
                   const uint8_t *p,
                   size_t n)
{
    struct ig_stream *s = ig_yamux_stream_user(ys);

    if (!s)
        return;
    if (s->outbound)
        peer_ready(s->conn);
    if (s->ms)
        negotiate(s, p, n);
    else
        deliver(s, p, n);
}

static void y_fin(void *ctx, struct ig_yamux_stream *ys)
{
    struct ig_stream *s = ig_yamux_stream_user(ys);

    if (!s)
        return;
    s->eof = 1;
    if (s->ms)
        finish(s, IG_ECLOSED);
    else
        tell_eof(s);
}

static void y_close(void *ctx, struct ig_yamux_stream *ys, int status)
{
    struct ig_stream *s = ig_yamux_stream_user(ys);

    ig_yamux_stream_set_user(ys, NULL);
    ig_yamux_stream_free(ys);
    if (!s)
        return;
    s->ys = NULL;
    if (status < 0 || s->ms) {
        finish(s, status < 0 ? status : IG_ECLOSED);
        return;
    }
    s->eof = 1;
    tell_eof(s);
    check_done(s);
}

static void y_writable(void *ctx, struct ig_yamux_stream *ys)
{
    struct ig_stream *s = ig_yamux_stream_user(ys);

    if (!s || !s->open || s->dead)
        return;
    if (ig_buf_len(&s->rx)) {
        s->resume = 1;
        ig__conn_touch(s->conn);
    }
    if (s->handler->on_writable)
        s->handler->on_writable(s);
}

void ig__stream_yamux_cb(struct ig_conn *c, struct ig_yamux_cb *cb)
{
    memset(cb, 0, sizeof(*cb));
    cb->ctx = c;
    cb->on_open = y_open;
    cb->on_data = y_data;
    cb->on_fin = y_fin;
    cb->on_close = y_close;
    cb->on_writable = y_writable;
}

/* ---- the loop's deferred work ---- */

static void unlink_stream(struct ig_stream *s)
{
    struct ig_stream **p = &s->conn->streams;

    while (*p && *p != s)
        p = &(*p)->next;
    if (*p)
        *p = s->next;
}

/* Report and free every stream on the dead list. */
static void reap(struct ig_conn *c)
{
    while (c->dead) {
        struct ig_stream *s = c->dead;

        c->dead = s->dead_next;
        unlink_stream(s);
        if (s->outbound && !s->open && s->handler->on_open)
            s->handler->on_open(s, s->status ? s->status : IG_ECLOSED);
        if ((s->open || s->outbound) && s->handler->on_close)
            s->handler->on_close(s, s->status);
        stream_free(s);
    }
}

void ig__stream_service(struct ig_conn *c)
{
    for (struct ig_stream *s = c->streams; s; s = s->next)
        if (s->resume && !s->dead)
            redeliver(s);
    reap(c);
}

void ig__stream_drop_all(struct ig_conn *c, int status)
{
    for (struct ig_stream *s = c->streams; s; s = s->next) {
        if (s->ys) {
            ig_yamux_stream_set_user(s->ys, NULL);
            s->ys = NULL; /* the session frees it */
        }
        if (!s->dead) {
            s->dead = 1;
            s->status = status;
            s->dead_next = c->dead;
            c->dead = s;
        }
    }
    reap(c);
}

/* The deadline passed with s still in multistream-select: a peer that
 * opens streams and never finishes them would hold their slots. */
static void expire(struct ig_stream *s)
{
    char w[WHO_MAX];

    reset_report(s,
                 IG_ETIMEOUT,
                 "negotiation of %s not finished within %llu ms",
                 who(s, w, sizeof(w)),
                 (unsigned long long)s->conn->host->cfg.negotiate_ms);
}

void ig__stream_check_time(struct ig_conn *c, uint64_t now)
{
    /* Recomputed here; a stream opened from a report arms it itself. */
    c->neg_due = 0;
    for (struct ig_stream *s = c->streams; s; s = s->next) {
        if (!s->ms || s->dead || !s->neg_due)
            continue;
        if (now >= s->neg_due)
            expire(s);
        else if (!c->neg_due || s->neg_due < c->neg_due)
            c->neg_due = s->neg_due;
    }
}

/* ---- the application side ---- */

int ig_stream_open(struct ig_conn *c,
                   const char *proto,
                   const struct ig_stream_handler *handler,
                   void *ud,
                   struct ig_stream **out)
{
    struct ig_stream *s;
    int rc;

    if (out)
        *out = NULL;
    if (c->state != C_MUX)
        return IG_ESTATE;
    s = stream_new(c, NULL);
    if (!s || !(s->proto = strdup(proto))) {
        if (s) {
            c->streams = s->next;
            stream_free(s);
        }
        return -ENOMEM;
    }
    s->outbound = 1;
    s->handler = handler;
    s->ud = ud;
    s->protov[0] = s->proto;
    if (!c->peer_ready && c->early >= EARLY_MAX) {
        s->held = 1;
        rc = 0;
    }
    else if ((rc = start_outbound(s)) < 0 && !s->ys) {
        /* yamux refused it (cap, GoAway): the caller hears it now. */
        c->streams = s->next;
        stream_free(s);
        return rc;
    }
    if (rc < 0)
        finish(s, rc);
    if (out)
        *out = s;
    return 0;
}

long ig_stream_write(struct ig_stream *s, const uint8_t *p, size_t n)
{
    long k;

    if (s->dead || !s->ys)
        return s->status == IG_ERESET ? IG_ERESET : IG_ECLOSED;
    if (!s->open)
        return IG_ESTATE;
    /* Bulk data is sealed straight from the caller's buffer. */
    if (n >= DIRECT_MIN)
        return ig__conn_write_direct(s->conn, s->ys, p, n);
    k = ig_yamux_stream_write(s->ys, p, n);
    if (k > 0)
        ig__conn_touch(s->conn);
    return k;
}

int ig_stream_close(struct ig_stream *s)
{
    int rc;

    if (s->dead || !s->ys)
        return IG_ECLOSED;
    rc = ig_yamux_stream_close(s->ys);
    if (rc < 0)
        return rc;
    s->local_closed = 1;
    ig__conn_touch(s->conn);
    check_done(s);
    return 0;
}

void ig_stream_reset(struct ig_stream *s)
{
    finish(s, IG_ERESET);
}

void ig_stream_resume(struct ig_stream *s)
{
    if (s->dead)
        return;
    s->resume = 1;
    ig__conn_touch(s->conn);
}

struct ig_conn *ig_stream_conn(const struct ig_stream *s)
{
    return s->conn;
}

const char *ig_stream_protocol(const struct ig_stream *s)
{
    return s->proto;
}

void *ig_stream_ud(const struct ig_stream *s)
{
    return s->ud;
}

void ig_stream_set_ud(struct ig_stream *s, void *ud)
{
    s->ud = ud;
}

struct ig_host *ig_stream_host(const struct ig_stream *s)
{
    return s->conn->host;
}

uint32_t ig_stream_recv_window(const struct ig_stream *s)
{
    return s->ys ? ig_yamux_stream_recv_window(s->ys) : 0;
}
