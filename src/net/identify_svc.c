/* SPDX-License-Identifier: MIT */
/* Identify on a host. The service answers each stream with one
 * length-prefixed Identify message and closes; the client reads the
 * peer's message, checks its key against the Noise identity and keeps
 * it on the connection. */
#include "net/identify_svc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/conn.h"
#include "util/err.h"

/* One stream's message in flight, either direction. */
struct id_msg {
    size_t len;
    size_t off; /* service: bytes written; client: bytes read */
    int err;    /* client: why reading failed, for on_close to report */
    uint8_t buf[16 + IG_IDENTIFY_MSG_MAX]; /* prefix and body */
};

/* ---- service ---- */

/* The TCP part of a multiaddr (drop a trailing /p2p). */
static void tcp_part(const struct ig_multiaddr *in, struct ig_multiaddr *out)
{
    struct ig_ma_part part;
    size_t off = 0, prev = 0;

    *out = *in;
    while (ig_multiaddr_next(in, &off, &part) == 1) {
        if (part.code == IG_MA_P2P) {
            out->len = prev;
            return;
        }
        prev = off;
    }
}

static void describe(struct ig_conn *c, struct ig_identify *id)
{
    struct ig_host *h = c->host;
    const char *protos[IG_IDENTIFY_MAX_PROTOS];
    size_t n = ig_host_protocols(h, protos, IG_IDENTIFY_MAX_PROTOS);

    snprintf(id->protocol_version,
             sizeof(id->protocol_version),
             "%s",
             IG_IDENTIFY_PROTOCOL_VERSION);
    snprintf(id->agent_version,
             sizeof(id->agent_version),
             "%s",
             h->cfg.agent_version ? h->cfg.agent_version : "igord");
    memcpy(id->pubkey, h->cfg.key->pk, 32);
    id->has_pubkey = 1;
    while (id->nlisten < IG_IDENTIFY_MAX_ADDRS &&
           ig_host_listen_addr(h, id->nlisten, &id->listen[id->nlisten]) == 0)
        id->nlisten++;
    tcp_part(&c->remote, &id->observed);
    id->has_observed = 1;
    for (size_t i = 0; i < n; i++)
        snprintf(id->protocols[i], sizeof(id->protocols[i]), "%s", protos[i]);
    id->nprotocols = n;
}

static void srv_push(struct ig_stream *s)
{
    struct id_msg *m = ig_stream_ud(s);
    long n;

    if (!m)
        return;
    n = ig_stream_write(s, m->buf + m->off, m->len - m->off);
    if (n < 0) {
        ig_stream_reset(s);
        return;
    }
    m->off += (size_t)n;
    if (m->off == m->len) {
        (void)ig_stream_close(s);
        ig_stream_set_ud(s, NULL);
        free(m);
    }
}

static void srv_open(struct ig_stream *s, int status)
{
    struct ig_identify *id = calloc(1, sizeof(*id));
    struct id_msg *m = malloc(sizeof(*m));
    int len = -ENOMEM;

    if (id && m) {
        describe(ig_stream_conn(s), id);
        len = ig_identify_write(id, m->buf, sizeof(m->buf));
    }
    free(id);
    if (len < 0) {
        free(m);
        ig_stream_reset(s);
        return;
    }
    m->off = 0;
    m->len = (size_t)len;
    ig_stream_set_ud(s, m);
    srv_push(s);
}

static long srv_data(struct ig_stream *s, const uint8_t *p, size_t n)
{
    return (long)n; /* the asking side has nothing to say */
}

static void report(struct ig_conn *c,
                   enum ig_conn_event ev,
                   int status,
                   const char *reason)
{
    struct ig_host *h = c->host;

    if (h->on_event)
        h->on_event(h->ud, c, ev, status, reason);
}

static void srv_close(struct ig_stream *s, int status)
{
    free(ig_stream_ud(s));
    if (status == 0)
        report(ig_stream_conn(s), IG_CONN_ID_SENT, 0, "");
}

static const struct ig_stream_handler srv_handler = {
    .on_open = srv_open,
    .on_data = srv_data,
    .on_writable = srv_push,
    .on_close = srv_close,
};

/* A peer asks once per connection; the second slot covers a repeated
 * request arriving before the first stream's close. */
#define IDENTIFY_MAX_INBOUND 2

int ig_identify_register(struct ig_host *h)
{
    return ig_host_handle_max(
      h, IG_IDENTIFY_PROTOCOL, &srv_handler, NULL, IDENTIFY_MAX_INBOUND);
}

/* ---- client ---- */

/* The whole message is here: decode, check the key, keep it. */
static void cli_finish(struct ig_stream *s, const uint8_t *p, size_t len)
{
    struct ig_conn *c = ig_stream_conn(s);
    struct ig_identify *id = calloc(1, sizeof(*id));
    char err[IG_REASON_MAX] = "";
    int rc = id ? ig_identify_decode(p, len, id, err, sizeof(err)) : -ENOMEM;

    if (rc == 0 && id->has_pubkey && memcmp(id->pubkey, c->peer_pk, 32)) {
        ig__conn_fail(c, IG_EPEERID, "identify key is not the noise key");
        rc = IG_EPEERID;
    }
    if (rc < 0) {
        free(id);
        report(c, IG_CONN_IDENTIFIED, rc, err[0] ? err : ig_strerror(rc));
        return;
    }
    free(c->ident);
    c->ident = id;
    report(c, IG_CONN_IDENTIFIED, 0, "");
}

static long cli_data(struct ig_stream *s, const uint8_t *p, size_t n)
{
    struct id_msg *m = ig_stream_ud(s);
    const uint8_t *body;
    size_t k = sizeof(m->buf) - m->off, blen, used;
    int rc;

    if (m->len)
        return (long)n; /* anything after the message is ignored */
    if (k > n)
        k = n;
    memcpy(m->buf + m->off, p, k);
    m->off += k;
    rc = ig_identify_unframe(
      m->buf, m->off, IG_IDENTIFY_MSG_MAX, &body, &blen, &used);
    if (rc == IG_ETRUNC)
        return (long)k;
    if (rc < 0) {
        m->err = rc; /* the stream's own status is only "reset" */
        return rc;
    }
    m->len = used;
    cli_finish(s, body, blen);
    return (long)n;
}

static void cli_open(struct ig_stream *s, int status)
{
    char why[IG_REASON_MAX];

    if (status == 0) {
        (void)ig_stream_close(s); /* we only listen */
        return;
    }
    /* on_close follows; without its message it would report again. */
    free(ig_stream_ud(s));
    ig_stream_set_ud(s, NULL);
    if (status == IG_ENA)
        snprintf(why, sizeof(why), "peer does not speak identify");
    else
        snprintf(
          why, sizeof(why), "identify stream failed: %s", ig_strerror(status));
    report(ig_stream_conn(s), IG_CONN_IDENTIFIED, status, why);
}

static void cli_close(struct ig_stream *s, int status)
{
    struct id_msg *m = ig_stream_ud(s);
    char why[IG_REASON_MAX];

    if (m && m->err) {
        snprintf(why,
                 sizeof(why),
                 "identify message over %u bytes",
                 (unsigned)IG_IDENTIFY_MSG_MAX);
        report(ig_stream_conn(s), IG_CONN_IDENTIFIED, m->err, why);
    }
    else if (m && !m->len && status != IG_ECLOSED)
        report(ig_stream_conn(s),
               IG_CONN_IDENTIFIED,
               status ? status : IG_ETRUNC,
               "identify stream ended before the message");
    free(m);
}

static const struct ig_stream_handler cli_handler = {
    .on_open = cli_open,
    .on_data = cli_data,
    .on_close = cli_close,
};

void ig_identify_start(struct ig_conn *c)
{
    struct id_msg *m = calloc(1, sizeof(*m));

    if (!m)
        return;
    if (ig_stream_open(c, IG_IDENTIFY_PROTOCOL, &cli_handler, m, NULL) < 0)
        free(m);
}

const struct ig_identify *ig_conn_identify(const struct ig_conn *c)
{
    return c->ident;
}
