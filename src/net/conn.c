/* SPDX-License-Identifier: MIT */
/* The connection pipeline: socket bytes pass multistream ("/noise"), the
 * Noise XX handshake, then Noise transport frames carrying multistream
 * ("/yamux/1.0.0", skipped when agreed inside Noise) and yamux. */
#include "net/conn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/stream.h"
#include "util/err.h"

/* One read takes up to this much; rx may hold two frames beyond it. */
#define READ_CHUNK (256u * 1024u)
#define RX_MAX (READ_CHUNK + 2u * (IG_NOISE_MSG_MAX + 2u))
/* Output waiting for the socket; above the soft mark yamux output waits. */
#define TX_SOFT (256u * 1024u)
#define TX_MAX (3u * 1024u * 1024u)

static const char *const noise_protos[] = { IG_NOISE_PROTOCOL };
static const char *const mux_protos[] = { IG_YAMUX_PROTOCOL };

/* ---- lifecycle ---- */

void ig__conn_touch(struct ig_conn *c)
{
    struct ig_host *h = c->host;

    if (c->dirty)
        return;
    c->dirty = 1;
    c->dirty_next = h->dirty;
    h->dirty = c;
}

void ig__conn_fail(struct ig_conn *c, int status, const char *fmt, ...)
{
    va_list ap;

    if (c->state == C_CLOSING)
        return;
    c->state = C_CLOSING;
    c->status = status;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
    va_end(ap);
    ig__conn_touch(c);
}

static int start_security(struct ig_conn *c)
{
    int rc;

    c->state = C_MS_SEC;
    c->tcp_up = 1;
    if (c->dialer)
        rc = ig_ms_init_initiator(&c->ms, noise_protos, 1);
    else
        rc = ig_ms_init_responder(&c->ms, noise_protos, 1);
    return rc;
}

int ig__conn_new(struct ig_host *h,
                 int fd,
                 int dialer,
                 int connecting,
                 const struct ig_multiaddr *remote,
                 const struct ig_peerid *expect,
                 struct ig_conn **out)
{
    struct ig_conn *c = calloc(1, sizeof(*c));
    int rc;

    *out = NULL;
    if (!c) {
        close(fd);
        return -ENOMEM;
    }
    c->host = h;
    c->fd = fd;
    c->dialer = dialer;
    c->remote = *remote;
    if (expect) {
        c->expect = *expect;
        c->have_expect = 1;
    }
    ig_buf_init(&c->rx, RX_MAX);
    ig_buf_init(&c->tx, TX_MAX);
    c->last_read = ig_host_now_ms();
    c->deadline = c->last_read + h->cfg.handshake_ms;
    c->state = C_CONNECTING;
    rc = connecting ? 0 : start_security(c);
    if (rc < 0) {
        ig__conn_destroy(c, 0);
        return rc;
    }
    c->next = h->conns;
    h->conns = c;
    h->nconns++;
    *out = c;
    ig__conn_touch(c);
    return 0;
}

/* Closing a socket with unread input makes the kernel answer with a
 * reset, and the peer would see "connection reset" for a normal close:
 * send the FIN first and drop what already arrived (bounded, never
 * waiting). */
static void close_drained(int fd)
{
    uint8_t sink[16384];

    (void)shutdown(fd, SHUT_WR);
    for (int i = 0; i < 64; i++)
        if (recv(fd, sink, sizeof(sink), MSG_DONTWAIT) <= 0)
            break;
    close(fd);
}

/* Unlink c from the host and free everything it holds. */
void ig__conn_destroy(struct ig_conn *c, int report)
{
    struct ig_host *h = c->host;
    struct ig_conn **p;

    ig__stream_drop_all(c, c->status ? c->status : IG_ECLOSED);
    if (report && h->on_event)
        h->on_event(h->ud, c, IG_CONN_DOWN, c->status, c->reason);
    for (p = &h->dirty; *p && *p != c; p = &(*p)->dirty_next)
        ;
    if (*p)
        *p = c->dirty_next;
    for (p = &h->conns; *p && *p != c; p = &(*p)->next)
        ;
    if (*p) {
        *p = c->next;
        h->nconns--;
    }
    /* A fault or an eviction may end with a reset; only a normal end
     * is worth draining for. */
    if (c->fd >= 0 && (!c->status || c->normal_end))
        close_drained(c->fd);
    else if (c->fd >= 0)
        close(c->fd);
    ig_yamux_free(c->mux);
    ig_noise_free(c->noise);
    ig_buf_free(&c->rx);
    ig_buf_free(&c->tx);
    free(c->ident);
    free(c);
}

/* ---- output ---- */

static int tx_append(struct ig_conn *c, const uint8_t *p, size_t n)
{
    int rc = ig_buf_append(&c->tx, p, n);

    if (rc < 0)
        ig__conn_fail(c, rc, "output queue full");
    return rc;
}

/* Encrypt plaintext into Noise transport frames on tx. */
static int seal(struct ig_conn *c, const uint8_t *p, size_t n)
{
    size_t bound = ig_noise_seal_bound(n);
    uint8_t *dst = ig_buf_reserve(&c->tx, bound);
    int rc;

    if (!dst) {
        rc = ig_buf_reserve_err(&c->tx, bound);
        ig__conn_fail(c, rc, "output queue full");
        return rc;
    }
    rc = ig_noise_seal(c->noise, p, n, dst, bound);
    if (rc < 0) {
        ig__conn_fail(c, rc, "noise: %s", ig_strerror(rc));
        return rc;
    }
    ig_buf_commit(&c->tx, (size_t)rc);
    return 0;
}

/* Move the connection-level multistream output to the wire. */
static int flush_ms(struct ig_conn *c, int secure)
{
    size_t len;
    const uint8_t *o = ig_ms_output(&c->ms, &len);
    int rc;

    if (!len)
        return 0;
    rc = secure ? seal(c, o, len) : tx_append(c, o, len);
    if (rc == 0)
        ig_ms_output_consume(&c->ms, len);
    return rc;
}

/* Move yamux output into tx while the socket keeps up. */
static int flush_mux(struct ig_conn *c)
{
    size_t len, room;
    const uint8_t *o;
    int moved = 0, rc;

    while (ig_buf_len(&c->tx) < TX_SOFT) {
        o = ig_yamux_out(c->mux, &len);
        if (!len)
            break;
        room = TX_SOFT - ig_buf_len(&c->tx);
        if (len > room)
            len = room < IG_NOISE_PLAIN_MAX ? IG_NOISE_PLAIN_MAX : room;
        rc = seal(c, o, len);
        if (rc < 0)
            return rc;
        ig_yamux_out_consume(c->mux, len);
        moved = 1;
    }
    if (moved)
        ig_yamux_kick(c->mux);
    return 0;
}

/* Write tx to the socket; arm EPOLLOUT while some is left. */
static int write_out(struct ig_conn *c)
{
    while (ig_buf_len(&c->tx)) {
        ssize_t n =
          send(c->fd, ig_buf_data(&c->tx), ig_buf_len(&c->tx), MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0)
            return -errno;
        ig_buf_consume(&c->tx, (size_t)n);
    }
    if (c->tx_blocked && ig_buf_len(&c->tx) < TX_SOFT && c->mux) {
        c->tx_blocked = 0;
        ig_yamux_kick(c->mux);
    }
    if (!!ig_buf_len(&c->tx) != c->want_out) {
        c->want_out = !!ig_buf_len(&c->tx);
        ig__host_watch(c->host, c, c->want_out);
    }
    return 0;
}

long ig__conn_write_direct(struct ig_conn *c,
                           struct ig_yamux_stream *ys,
                           const uint8_t *p,
                           size_t n)
{
    size_t done = 0, len;
    const uint8_t *o;
    long k;
    int rc;

    while (done < n) {
        if (ig_buf_len(&c->tx) >= TX_SOFT) {
            c->tx_blocked = 1;
            ig_yamux_stream_wait(ys);
            break;
        }
        k = ig_yamux_stream_write_header(ys, n - done);
        if (k <= 0) {
            if (k < 0 && !done)
                return k;
            break;
        }
        /* Everything queued before the header, the header, then the
         * payload: the order yamux would have sent them in. */
        o = ig_yamux_out(c->mux, &len);
        if ((rc = seal(c, o, len)) < 0 ||
            (rc = seal(c, p + done, (size_t)k)) < 0)
            return rc;
        ig_yamux_out_consume(c->mux, len);
        done += (size_t)k;
    }
    if (done)
        ig__conn_touch(c);
    return (long)done;
}

/* Produce and send everything that is ready. */
static void pump_out(struct ig_conn *c)
{
    int rc = 0;

    if (c->state == C_MUX && c->mux)
        rc = flush_mux(c);
    /* While connecting, EPOLLOUT means "connected": leave it armed. */
    if (rc == 0 && c->state != C_CONNECTING)
        rc = write_out(c);
    if (rc < 0)
        ig__conn_fail(c, rc, "write: %s", ig_strerror(rc));
    if (rc == 0 && c->state == C_MUX && c->mux &&
        ig_buf_len(&c->tx) < TX_SOFT) {
        size_t len;

        (void)ig_yamux_out(c->mux, &len);
        if (len)
            ig__conn_touch(c);
    }
}

/* ---- yamux ---- */

/* Kept so that the close which follows can say it was announced. */
static void on_goaway(void *ctx, uint32_t code)
{
    struct ig_conn *c = ctx;

    c->goaway = code < UINT32_MAX ? code + 1 : code;
}

/* A stream over the cap is reset inside yamux, before any stream of
 * ours exists: report it like the host's own resets. */
static void on_refused(void *ctx, uint32_t id)
{
    struct ig_conn *c = ctx;
    struct ig_host *h = c->host;
    char reason[IG_REASON_MAX];

    snprintf(reason,
             sizeof(reason),
             "stream %u over the cap of %u streams",
             (unsigned)id,
             (unsigned)h->cfg.max_streams);
    if (h->on_event)
        h->on_event(h->ud, c, IG_CONN_STREAM_RESET, IG_ELIMIT, reason);
}

static int start_mux(struct ig_conn *c)
{
    struct ig_yamux_cfg cfg;
    struct ig_yamux_cb cb;
    struct ig_host *h = c->host;
    int rc;

    ig_yamux_cfg_default(&cfg, c->dialer);
    cfg.max_streams = h->cfg.max_streams;
    if (h->cfg.window > cfg.window)
        cfg.window = h->cfg.window;
    if (!h->cfg.no_window_tuning) {
        cfg.max_window = h->cfg.window_max;
        cfg.conn_window = h->cfg.conn_window;
    }
    ig__stream_yamux_cb(c, &cb);
    cb.on_goaway = on_goaway;
    cb.on_refused = on_refused;
    rc = ig_yamux_new(&c->mux, &cfg, &cb);
    if (rc < 0)
        return rc;
    /* Tuning needs the round trip: measure it once now; keepalive pings
     * on a quiet connection measure it again. */
    if (cfg.max_window > cfg.window &&
        (rc = ig_yamux_ping(c->mux, ++c->ka_opaque)) < 0)
        return rc;
    c->state = C_MUX;
    c->deadline = 0;
    c->idle_since = ig_host_now_ms();
    c->announced = 1;
    if (h->on_event)
        h->on_event(h->ud, c, IG_CONN_UP, 0, "");
    if (c->state == C_MUX)
        ig__host_conn_up(h, c);
    return 0;
}

/* ---- input ---- */

static int mux_input(struct ig_conn *c, const uint8_t *p, size_t n)
{
    char err[IG_REASON_MAX];
    int rc = ig_yamux_input(c->mux, p, n, err, sizeof(err));

    if (rc < 0)
        ig__conn_fail(c, rc, "%s", err);
    return rc;
}

/* Plaintext of one Noise transport frame. */
static int secure_input(struct ig_conn *c, const uint8_t *p, size_t n)
{
    char err[IG_REASON_MAX];
    size_t used;
    int rc;

    if (c->state == C_MUX)
        return mux_input(c, p, n);
    rc = ig_ms_input(&c->ms, p, n, &used, err, sizeof(err));
    if (rc == 0)
        rc = flush_ms(c, 1);
    if (rc < 0) {
        ig__conn_fail(c, rc, "muxer negotiation: %s", err);
        return rc;
    }
    if (!ig_ms_selected(&c->ms)) {
        if (used < n)
            return secure_input(c, p + used, n - used);
        return 0;
    }
    rc = start_mux(c);
    if (rc < 0) {
        ig__conn_fail(c, rc, "yamux: %s", ig_strerror(rc));
        return rc;
    }
    return used < n && c->state == C_MUX ? mux_input(c, p + used, n - used) : 0;
}

/* The handshake finished: pick the muxer. Noise already checked the
 * peer against the one the dialed address named. */
static int noise_done(struct ig_conn *c)
{
    const char *mux = ig_noise_muxer(c->noise);
    int rc;

    c->peer = *ig_noise_remote_peer(c->noise);
    memcpy(c->peer_pk, ig_noise_remote_pubkey(c->noise), 32);
    if (mux && !strcmp(mux, IG_YAMUX_PROTOCOL)) {
        c->early_muxer = 1;
        return start_mux(c);
    }
    c->state = C_MS_MUX;
    rc = c->dialer ? ig_ms_init_initiator(&c->ms, mux_protos, 1)
                   : ig_ms_init_responder(&c->ms, mux_protos, 1);
    return rc == 0 ? flush_ms(c, 1) : rc;
}

/* Handshake output goes out raw, ahead of anything sealed. */
static int noise_output(struct ig_conn *c)
{
    size_t len;
    const uint8_t *o = ig_noise_output(c->noise, &len);
    int rc;

    if (!len)
        return 0;
    rc = tx_append(c, o, len);
    if (rc == 0)
        ig_noise_output_consume(c->noise, len);
    return rc;
}

/* Everything after "/noise": handshake messages, then transport frames
 * whose plaintext feeds multistream or yamux. Whole frames decrypt in rx
 * itself, so rx is consumed only once their plaintext was delivered. */
static int noise_input(struct ig_conn *c)
{
    char err[IG_REASON_MAX] = "";
    size_t used, len;
    const uint8_t *pt;
    int rc;

    for (;;) {
        rc = ig_noise_input_inplace(c->noise,
                                    ig_buf_data(&c->rx),
                                    ig_buf_len(&c->rx),
                                    &used,
                                    err,
                                    sizeof(err));
        if (rc < 0) {
            ig__conn_fail(c, rc, "%s", err[0] ? err : ig_strerror(rc));
            return rc;
        }
        if ((rc = noise_output(c)) < 0)
            return rc;
        if (c->state == C_NOISE && ig_noise_done(c->noise) &&
            (rc = noise_done(c)) < 0) {
            ig__conn_fail(c, rc, "after noise: %s", ig_strerror(rc));
            return rc;
        }
        pt = ig_noise_plaintext(c->noise, &len);
        if (len) {
            rc = secure_input(c, pt, len);
            ig_noise_plaintext_consume(c->noise, len);
        }
        ig_buf_consume(&c->rx, used);
        if (rc < 0 || c->state == C_CLOSING)
            return rc;
        if (!used && !len)
            return 0;
    }
}

static int start_noise(struct ig_conn *c)
{
    struct ig_host *h = c->host;
    struct ig_noise_config cfg = {
        .initiator = c->dialer,
        .identity_sk = h->cfg.key->sk,
        .expected = c->have_expect ? &c->expect : NULL,
        .muxers = mux_protos,
        /* Without an offer, yamux is agreed by multistream afterwards. */
        .nmuxers = h->cfg.no_early_muxer ? 0 : 1,
    };
    int rc;

    c->state = C_NOISE;
    rc = ig_noise_new(&cfg, &c->noise);
    if (rc < 0) {
        ig__conn_fail(c, rc, "noise: %s", ig_strerror(rc));
        return rc;
    }
    return noise_output(c);
}

/* Raw bytes before the secure channel: multistream for "/noise". */
static int plain_input(struct ig_conn *c)
{
    char err[IG_REASON_MAX] = "";
    size_t used;
    int rc;

    rc = ig_ms_input(
      &c->ms, ig_buf_data(&c->rx), ig_buf_len(&c->rx), &used, err, sizeof(err));
    if (rc == 0)
        rc = flush_ms(c, 0);
    if (rc < 0) {
        ig__conn_fail(c, rc, "security negotiation: %s", err);
        return rc;
    }
    ig_buf_consume(&c->rx, used);
    if (!ig_ms_selected(&c->ms))
        return 0;
    return start_noise(c);
}

/* Run whatever layer is current over the bytes in rx. */
static void process(struct ig_conn *c)
{
    int rc = 0;

    for (;;) {
        enum ig_conn_state before = c->state;

        if (c->state == C_MS_SEC)
            rc = plain_input(c);
        else if (c->state != C_CONNECTING)
            rc = noise_input(c);
        if (rc < 0 || c->state == C_CLOSING)
            break;
        /* Go round again when "/noise" was agreed and bytes remain. */
        if (c->state == before || !ig_buf_len(&c->rx))
            break;
    }
    ig__conn_touch(c);
}

static const char *goaway_name(uint32_t code)
{
    switch (code) {
        case IG_YAMUX_GOAWAY_NORMAL:
            return "normal";
        case IG_YAMUX_GOAWAY_PROTOCOL:
            return "protocol error";
        case IG_YAMUX_GOAWAY_INTERNAL:
            return "internal error";
        default:
            return "unknown code";
    }
}

/* End of input or a socket error; after a GoAway the reason says so. */
static void closed_by_peer(struct ig_conn *c, int rc)
{
    const char *what =
      rc == IG_ECLOSED ? "peer closed the connection" : strerror(-rc);

    if (c->state == C_CLOSING)
        return; /* the first reason stands */
    c->normal_end = c->goaway == 1 + IG_YAMUX_GOAWAY_NORMAL;
    if (c->goaway)
        ig__conn_fail(
          c, rc, "%s after its GoAway (%s)", what, goaway_name(c->goaway - 1));
    else
        ig__conn_fail(c, rc, "%s", what);
}

void ig__conn_readable(struct ig_conn *c)
{
    for (int rounds = 0; rounds < 4 && c->state != C_CLOSING; rounds++) {
        uint8_t *dst = ig_buf_reserve(&c->rx, READ_CHUNK);
        ssize_t n;

        if (!dst) {
            ig__conn_fail(c, IG_ELIMIT, "input buffer full");
            return;
        }
        n = recv(c->fd, dst, READ_CHUNK, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) {
            closed_by_peer(c, n ? -errno : IG_ECLOSED);
            return;
        }
        ig_buf_commit(&c->rx, (size_t)n);
        c->last_read = ig_host_now_ms();
        c->ka_due = 0; /* any byte answers a keepalive ping */
        process(c);
        if ((size_t)n < READ_CHUNK)
            break;
    }
}

/* A non-blocking connect finished, or the socket drained. */
void ig__conn_writable(struct ig_conn *c)
{
    int err = 0, rc;
    socklen_t len = sizeof(err);

    if (c->state == C_CONNECTING) {
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            err = errno;
        if (err) {
            ig__conn_fail(c, -err, "connect: %s", strerror(err));
            return;
        }
        rc = start_security(c);
        if (rc == 0)
            rc = flush_ms(c, 0);
        if (rc < 0)
            ig__conn_fail(c, rc, "multistream: %s", ig_strerror(rc));
    }
    ig__conn_touch(c);
}

/* t + ms, where a deadline past the end of time is none. */
static uint64_t after(uint64_t t, uint64_t ms)
{
    return ms > UINT64_MAX - t ? UINT64_MAX : t + ms;
}

/* A frame has begun arriving in some layer and is not complete. */
static int mid_frame(const struct ig_conn *c)
{
    return ig_buf_len(&c->rx) || ig_noise_partial(c->noise) ||
           ig_yamux_in_frame(c->mux);
}

/* A peer that vanished without a FIN (host gone, partition) would hold
 * the connection and its streams forever: after keepalive_ms of silence
 * ping it, and close if nothing at all comes back in time. */
static void keepalive(struct ig_conn *c, uint64_t now)
{
    const struct ig_host_cfg *cfg = &c->host->cfg;
    int rc;

    if (c->ka_due) {
        if (now >= c->ka_due)
            ig__conn_fail(c,
                          IG_ETIMEOUT,
                          "keepalive: no answer in %llu ms",
                          (unsigned long long)cfg->keepalive_timeout_ms);
        return;
    }
    if (now < after(c->last_read, cfg->keepalive_ms))
        return;
    rc = ig_yamux_ping(c->mux, ++c->ka_opaque);
    if (rc < 0) {
        ig__conn_fail(c, rc, "keepalive: %s", ig_strerror(rc));
        return;
    }
    /* Without a timeout the ping still goes out, as NATs like. */
    c->ka_due = cfg->keepalive_timeout_ms
                  ? after(now, cfg->keepalive_timeout_ms)
                  : UINT64_MAX;
    ig__conn_touch(c);
}

void ig__conn_check_time(struct ig_conn *c, uint64_t now)
{
    const struct ig_host_cfg *cfg = &c->host->cfg;

    if (c->state == C_CLOSING)
        return;
    if (c->deadline && now >= c->deadline) {
        ig__conn_fail(c, IG_ETIMEOUT, "handshake timed out");
        return;
    }
    if (c->state != C_MUX)
        return;
    if (c->neg_due && now >= c->neg_due)
        ig__stream_check_time(c, now);
    if (cfg->idle_ms && !c->streams &&
        now >= after(c->idle_since, cfg->idle_ms)) {
        ig__conn_fail(c, IG_ETIMEOUT, "idle");
        c->normal_end = 1;
        return;
    }
    /* A peer that starts a frame and stops would hold its buffers and
     * a slot forever: half a frame gets frame_ms to finish. */
    if (cfg->frame_ms && mid_frame(c) &&
        now >= after(c->last_read, cfg->frame_ms)) {
        ig__conn_fail(c,
                      IG_ETIMEOUT,
                      "frame stalled for %llu ms",
                      (unsigned long long)(now - c->last_read));
        return;
    }
    if (cfg->keepalive_ms)
        keepalive(c, now);
}

static void earliest(uint64_t *due, uint64_t t)
{
    if (t && t < *due)
        *due = t;
}

/* Mirrors ig__conn_check_time(): a time given here that it did not act
 * on would spin the loop. */
uint64_t ig__conn_next_due(const struct ig_conn *c)
{
    const struct ig_host_cfg *cfg = &c->host->cfg;
    uint64_t due = UINT64_MAX;

    if (c->state == C_CLOSING)
        return due;
    earliest(&due, c->deadline);
    if (c->state != C_MUX)
        return due;
    earliest(&due, c->neg_due);
    if (cfg->idle_ms && !c->streams)
        earliest(&due, after(c->idle_since, cfg->idle_ms));
    if (cfg->frame_ms && mid_frame(c))
        earliest(&due, after(c->last_read, cfg->frame_ms));
    if (cfg->keepalive_ms)
        earliest(
          &due, c->ka_due ? c->ka_due : after(c->last_read, cfg->keepalive_ms));
    return due;
}

/* Closing: tell yamux peers goodbye, push out what we can, then free. */
static void finish(struct ig_conn *c)
{
    if (c->mux) {
        (void)ig_yamux_goaway(c->mux,
                              c->status == 0 || c->status == IG_ECLOSED
                                ? IG_YAMUX_GOAWAY_NORMAL
                                : IG_YAMUX_GOAWAY_PROTOCOL);
        (void)flush_mux(c);
    }
    if (c->fd >= 0 && ig_buf_len(&c->tx))
        (void)send(c->fd,
                   ig_buf_data(&c->tx),
                   ig_buf_len(&c->tx),
                   MSG_NOSIGNAL | MSG_DONTWAIT);
    ig__conn_destroy(c, 1);
}

int ig__conn_service(struct ig_conn *c)
{
    c->dirty = 0;
    if (c->state != C_CLOSING) {
        ig__stream_service(c);
        if (c->state != C_CLOSING)
            pump_out(c);
    }
    if (c->state == C_CLOSING) {
        finish(c);
        return 1;
    }
    return 0;
}

/* ---- accessors ---- */

const struct ig_peerid *ig_conn_peer(const struct ig_conn *c)
{
    return &c->peer;
}

const struct ig_multiaddr *ig_conn_remote_addr(const struct ig_conn *c)
{
    return &c->remote;
}

uint64_t ig_conn_recv_granted(const struct ig_conn *c)
{
    return c->mux ? ig_yamux_recv_granted(c->mux) : 0;
}

int ig_conn_is_dialer(const struct ig_conn *c)
{
    return c->dialer;
}

int ig_conn_tcp_up(const struct ig_conn *c)
{
    return c->tcp_up;
}

int ig_conn_early_muxer(const struct ig_conn *c)
{
    return c->early_muxer;
}

int ig_conn_end_expected(const struct ig_conn *c)
{
    return c->normal_end;
}

void ig_conn_close(struct ig_conn *c, int status, const char *reason)
{
    ig__conn_fail(c, status, "%s", reason ? reason : "");
}

void *ig_conn_user(const struct ig_conn *c)
{
    return c->user;
}

void ig_conn_set_user(struct ig_conn *c, void *user)
{
    c->user = user;
}
