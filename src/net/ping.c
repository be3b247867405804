/* SPDX-License-Identifier: MIT */
/* Ping: the service echoes whatever arrives; the client sends 32 random
 * bytes, waits for the same 32 back and times the round trip. */
#include "net/ping.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "util/err.h"

struct ig_ping {
    struct ig_stream *s;
    struct ig_host *h;
    ig_ping_fn fn;
    void *ud;
    uint32_t count; /* rounds wanted, 0 for no end */
    uint32_t done;  /* rounds finished */
    uint64_t interval_ms;
    uint64_t sent_ns;
    long timer;
    uint8_t payload[IG_PING_LEN];
    uint8_t echo[IG_PING_LEN];
    size_t have;
    int waiting; /* a payload is in flight */
    int stopped;
};

/* ---- service ---- */

static long srv_data(struct ig_stream *s, const uint8_t *p, size_t n)
{
    /* What the window or the queue cannot take comes back later. */
    return ig_stream_write(s, p, n);
}

static void srv_eof(struct ig_stream *s)
{
    (void)ig_stream_close(s);
}

const struct ig_stream_handler ig_ping_echo_handler = {
    .on_data = srv_data,
    .on_eof = srv_eof,
};

/* A peer pings on one stream at a time (our client keeps one for all
 * its rounds; js-libp2p opens one per ping and closes it). The second
 * slot lets a new ping start while the last one's close is still on the
 * way, as js-libp2p's own limit of 2 does. More would only let a peer
 * park another window of unread input per stream. */
#define PING_MAX_INBOUND 2

int ig_ping_register(struct ig_host *h)
{
    return ig_host_handle_max(
      h, IG_PING_PROTOCOL, &ig_ping_echo_handler, NULL, PING_MAX_INBOUND);
}

/* ---- client ---- */

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fail(struct ig_ping *p, int status)
{
    if (!p->stopped)
        p->fn(p->ud, status, 0);
    p->stopped = 1;
    if (p->s)
        ig_stream_reset(p->s);
}

static void send_one(struct ig_ping *p)
{
    long n;

    randombytes_buf(p->payload, sizeof(p->payload));
    p->have = 0;
    p->waiting = 1;
    p->sent_ns = now_ns();
    n = ig_stream_write(p->s, p->payload, sizeof(p->payload));
    /* A fresh stream always has room for 32 bytes. */
    if (n != IG_PING_LEN)
        fail(p, n < 0 ? (int)n : IG_ELIMIT);
}

static void on_timer(void *ud)
{
    struct ig_ping *p = ud;

    p->timer = 0;
    if (!p->stopped && p->s)
        send_one(p);
}

static void cli_open(struct ig_stream *s, int status)
{
    struct ig_ping *p = ig_stream_ud(s);

    if (status == 0)
        send_one(p);
}

static void round_done(struct ig_ping *p)
{
    uint64_t rtt = now_ns() - p->sent_ns;

    p->waiting = 0;
    p->done++;
    if (!p->stopped)
        p->fn(p->ud, 0, rtt);
    if (p->stopped)
        return;
    if (p->count && p->done >= p->count) {
        p->stopped = 1;
        (void)ig_stream_close(p->s);
        return;
    }
    p->timer = ig_host_timer(p->h, p->interval_ms, on_timer, p);
    if (p->timer < 0)
        fail(p, (int)p->timer);
}

static long cli_data(struct ig_stream *s, const uint8_t *d, size_t n)
{
    struct ig_ping *p = ig_stream_ud(s);
    size_t k = IG_PING_LEN - p->have;

    if (!p->waiting || p->stopped)
        return (long)n; /* late bytes after a stop: drop */
    if (k > n)
        k = n;
    memcpy(p->echo + p->have, d, k);
    p->have += k;
    if (p->have == IG_PING_LEN) {
        if (memcmp(p->echo, p->payload, IG_PING_LEN) != 0) {
            fail(p, IG_EFORMAT);
            return IG_EFORMAT;
        }
        round_done(p);
    }
    return (long)k;
}

static void cli_eof(struct ig_stream *s)
{
    struct ig_ping *p = ig_stream_ud(s);

    if (!p->stopped)
        fail(p, IG_ECLOSED);
}

static void cli_close(struct ig_stream *s, int status)
{
    struct ig_ping *p = ig_stream_ud(s);

    p->s = NULL;
    if (p->timer > 0)
        ig_host_timer_cancel(p->h, p->timer);
    if (!p->stopped)
        p->fn(p->ud, status ? status : IG_ECLOSED, 0);
    free(p);
}

static const struct ig_stream_handler cli_handler = {
    .on_open = cli_open,
    .on_data = cli_data,
    .on_eof = cli_eof,
    .on_close = cli_close,
};

int ig_ping_start(struct ig_conn *c,
                  uint32_t count,
                  uint64_t interval_ms,
                  ig_ping_fn fn,
                  void *ud,
                  struct ig_ping **out)
{
    struct ig_ping *p = calloc(1, sizeof(*p));
    int rc;

    if (out)
        *out = NULL;
    if (!p)
        return -ENOMEM;
    p->fn = fn;
    p->ud = ud;
    p->count = count;
    p->interval_ms = interval_ms;
    rc = ig_stream_open(c, IG_PING_PROTOCOL, &cli_handler, p, &p->s);
    if (rc < 0) {
        free(p);
        return rc;
    }
    p->h = ig_stream_host(p->s);
    if (out)
        *out = p;
    return 0;
}

void ig_ping_stop(struct ig_ping *p)
{
    p->stopped = 1;
    if (p->s)
        (void)ig_stream_close(p->s);
}
