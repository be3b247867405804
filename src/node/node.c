/* SPDX-License-Identifier: MIT */
/* The node: owns the key and the host, turns connection events into log
 * lines, and stops cleanly on SIGINT/SIGTERM. */
#include "node/node.h"

#include <errno.h>
#include <sodium.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "net/identify_svc.h"
#include "net/ping.h"
#include "util/err.h"
#include "util/log.h"

/* Room for a reason from the host with the error text after it. */
#define REASON_MAX 320

/* At most one line a second for a kind of event a flood of peers can
 * cause at will. What it holds back is counted, and a timer writes the
 * count a second after the line that started the hold: the count is
 * then of its kind, never pinned on whichever connection comes next. */
struct log_limit {
    const char *what; /* the kind, plural: "stream resets" */
    struct ig_host *host;
    uint64_t last; /* when the last line was written; 0: never */
    unsigned long suppressed;
    long timer; /* the pending count's flush; 0: none */
};

struct ig_node {
    struct ig_nodekey key;
    struct ig_host *host;
    char id[IG_PEERID_STRMAX];
    /* Lines a peer can cause at will: evicted or refused connections,
     * streams reset for their negotiation deadline, for a protocol's
     * limit or a cap on unread input. Each kind has its own limit, so a
     * flood of one does not hide the other. */
    struct log_limit evicted, refused, stream_reset, stream_limit,
      stream_buffer;
};

/* The host the signal handler stops (one running node per process). */
static struct ig_host *volatile signal_host;

/* Loading tightens a key others can read; say that it was loose, as
 * they could have read the node's identity until now. */
static void warn_loose_key(const char *dir, unsigned was)
{
    if (!was)
        return;
    ig_warn("node",
            "node key %s/%s had mode %04o, wider than 0600 (others may have "
            "read the node's key); tightened to 0600",
            dir,
            IG_NODEKEY_FILE,
            was);
}

int ig_node_load_key(const char *data_dir,
                     struct ig_nodekey *key,
                     int *created,
                     char *err,
                     size_t errlen)
{
    const char *dir = data_dir ? data_dir : IG_NODE_DEFAULT_DATA_DIR;
    unsigned was = 0;
    int rc;

    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        rc = -errno;
        ig_err_set(err, errlen, "%s: %s", dir, strerror(errno));
        return rc;
    }
    rc = ig_nodekey_load_or_create(dir, key, created, &was, err, errlen);
    if (rc == 0)
        warn_loose_key(dir, was);
    return rc;
}

static void peer_text(const struct ig_peerid *id, char *out, size_t n)
{
    if (ig_peerid_format(id, out, n) < 0)
        snprintf(out, n, "?");
}

static void log_identified(struct ig_conn *c, const char *peer)
{
    const struct ig_identify *id = ig_conn_identify(c);

    if (!id)
        return;
    ig_info("node",
            "peer %s identified: agent \"%s\", protocol \"%s\", "
            "%zu protocols, %zu listen addrs",
            peer,
            id->agent_version,
            id->protocol_version,
            id->nprotocols,
            id->nlisten);
}

static void log_limit_init(struct log_limit *l,
                           struct ig_host *h,
                           const char *what)
{
    l->what = what;
    l->host = h;
}

/* The held-back count of l, so that a flood's tail is not lost: at
 * most two lines a second for a kind, one event and one count. */
static void log_limit_flush(struct log_limit *l)
{
    if (l->suppressed)
        ig_warn("node",
                "%lu more %s suppressed in the last second",
                l->suppressed,
                l->what);
    l->suppressed = 0;
}

static void on_log_limit_timer(void *ud)
{
    struct log_limit *l = ud;

    l->timer = 0;
    log_limit_flush(l);
}

/* Count a held-back line; the first one arms the flush for the end of
 * the second (without a timer the count goes out at shutdown). */
static void log_limit_hold(struct log_limit *l, uint64_t now)
{
    uint64_t due = l->last + 1000 > now ? l->last + 1000 - now : 0;
    long t;

    if (l->suppressed++ || l->timer)
        return;
    t = ig_host_timer(l->host, due, on_log_limit_timer, l);
    l->timer = t > 0 ? t : 0;
}

/* Write "<line>" through l, or count it. */
static void log_limited(struct log_limit *l, const char *line)
{
    uint64_t now = ig_host_now_ms();

    if (l->suppressed && !l->timer && now - l->last >= 1000)
        log_limit_flush(l); /* its timer could not be armed */
    if (l->suppressed || (l->last && now - l->last < 1000)) {
        log_limit_hold(l, now);
        return;
    }
    l->last = now;
    ig_warn("node", "%s", line);
}

static void log_limit_stop(struct log_limit *l)
{
    if (l->timer)
        ig_host_timer_cancel(l->host, l->timer);
    l->timer = 0;
    log_limit_flush(l);
}

/* "<reason> (<error>)", or the reason alone when it says the error. */
static void because(char *out, size_t n, int status, const char *reason)
{
    if (ig_err_said(status, reason))
        snprintf(out, n, "%s", reason);
    else
        snprintf(out, n, "%s (%s)", reason, ig_strerror(status));
}

/* "<what> <addr> <verb>: <reason> (<error>)" through l. */
static void log_conn_limited(struct log_limit *l,
                             const char *what,
                             const char *addr,
                             const char *verb,
                             int status,
                             const char *reason)
{
    char line[IG_MULTIADDR_STRMAX + 2 * REASON_MAX], why[REASON_MAX];

    because(why, sizeof(why), status, reason);
    snprintf(line, sizeof(line), "%s %s %s: %s", what, addr, verb, why);
    log_limited(l, line);
}

/* Identify cut short by a connection closing normally is no fault. */
static void log_identify_failed(struct ig_conn *c,
                                const char *peer,
                                int status,
                                const char *why)
{
    if (status == IG_ECLOSED || ig_conn_end_expected(c))
        ig_info("node", "identify of %s cut short: %s", peer, why);
    else
        ig_warn("node", "identify of %s failed: %s", peer, why);
}

/* IG_CONN_DOWN: expected endings at info, faults as warnings. */
static void log_down(struct ig_conn *c,
                     const char *addr,
                     int status,
                     const char *reason)
{
    char why[REASON_MAX];

    if (status == 0 || status == IG_ECLOSED || status == -ECONNRESET ||
        ig_conn_end_expected(c)) {
        ig_info("node",
                "connection to %s closed%s%s",
                addr,
                *reason ? ": " : "",
                reason);
        return;
    }
    because(why, sizeof(why), status, reason);
    ig_warn("node", "connection to %s failed: %s", addr, why);
}

static void on_event(void *ud,
                     struct ig_conn *c,
                     enum ig_conn_event ev,
                     int status,
                     const char *reason)
{
    struct ig_node *n = ud;
    char peer[IG_PEERID_STRMAX], addr[IG_MULTIADDR_STRMAX];

    if (ev == IG_CONN_REFUSED) {
        snprintf(addr, sizeof(addr), "inbound connection %s", reason);
        log_limited(&n->refused, addr);
        return;
    }
    peer_text(ig_conn_peer(c), peer, sizeof(peer));
    if (ig_multiaddr_format(ig_conn_remote_addr(c), addr, sizeof(addr)) < 0)
        snprintf(addr, sizeof(addr), "?");
    if (ev == IG_CONN_UP)
        ig_info("node",
                "connected to %s at %s (%s, muxer %s)",
                peer,
                addr,
                ig_conn_is_dialer(c) ? "outbound" : "inbound",
                ig_conn_early_muxer(c) ? "in noise" : "negotiated");
    else if (ev == IG_CONN_IDENTIFIED && status < 0)
        log_identify_failed(c, peer, status, reason);
    else if (ev == IG_CONN_IDENTIFIED)
        log_identified(c, peer);
    else if (ev == IG_CONN_ID_SENT)
        ig_debug("node", "%s read our identify", peer);
    else if (ev == IG_CONN_STREAM_RESET)
        log_conn_limited(status == IG_EBUFFERED ? &n->stream_buffer
                         : status == IG_ELIMIT  ? &n->stream_limit
                                                : &n->stream_reset,
                         "stream on connection to",
                         addr,
                         "reset",
                         status,
                         reason);
    else if (status == IG_EEVICTED)
        log_conn_limited(
          &n->evicted, "connection to", addr, "failed", status, reason);
    else
        log_down(c, addr, status, reason);
}

static int listen_all(struct ig_node *n,
                      const struct ig_node_cfg *cfg,
                      char *err,
                      size_t errlen)
{
    struct ig_multiaddr ma;
    int rc;

    for (size_t i = 0; i < cfg->nlisten; i++) {
        rc = ig_multiaddr_parse(cfg->listen[i], &ma, err, errlen);
        if (rc == 0)
            rc = ig_host_listen(n->host, &ma, err, errlen);
        if (rc < 0)
            return rc;
    }
    for (size_t i = 0; ig_host_listen_addr(n->host, i, &ma) == 0; i++) {
        char text[IG_MULTIADDR_STRMAX];

        if (ig_multiaddr_format(&ma, text, sizeof(text)) >= 0)
            ig_info("node", "listening on %s/p2p/%s", text, n->id);
    }
    return 0;
}

static int dial_all(struct ig_node *n,
                    const struct ig_node_cfg *cfg,
                    char *err,
                    size_t errlen)
{
    struct ig_multiaddr ma;
    int rc;

    for (size_t i = 0; i < cfg->ndial; i++) {
        rc = ig_multiaddr_parse(cfg->dial[i], &ma, err, errlen);
        if (rc == 0)
            rc = ig_host_dial(n->host, &ma, NULL, err, errlen);
        if (rc < 0)
            return rc;
        ig_info("node", "dialing %s", cfg->dial[i]);
    }
    return 0;
}

static void limits_init(struct ig_node *n)
{
    log_limit_init(&n->evicted, n->host, "evicted connections");
    log_limit_init(&n->refused, n->host, "refused connections");
    log_limit_init(&n->stream_reset, n->host, "stream resets");
    log_limit_init(&n->stream_limit, n->host, "streams reset for a limit");
    log_limit_init(&n->stream_buffer, n->host, "streams over an input cap");
}

/* A node setting over the host's default: 0 keeps it, IG_NODE_OFF is 0. */
static void pick_ms(uint64_t *host, uint64_t node)
{
    if (node == IG_NODE_OFF)
        *host = 0;
    else if (node)
        *host = node;
}

int ig_node_start(const struct ig_node_cfg *cfg,
                  struct ig_node **out,
                  char *err,
                  size_t errlen)
{
    struct ig_node *n = calloc(1, sizeof(*n));
    struct ig_host_cfg hc;
    int created = 0, rc;

    *out = NULL;
    if (!n)
        return -ENOMEM;
    rc = ig_node_load_key(cfg->data_dir, &n->key, &created, err, errlen);
    if (rc < 0)
        goto fail;
    peer_text(&n->key.id, n->id, sizeof(n->id));
    ig_info(
      "node", "%s node key, peer ID %s", created ? "created" : "loaded", n->id);
    ig_host_cfg_default(&hc);
    hc.key = &n->key;
    pick_ms(&hc.handshake_ms, cfg->handshake_ms);
    pick_ms(&hc.idle_ms, cfg->idle_ms);
    pick_ms(&hc.frame_ms, cfg->frame_ms);
    pick_ms(&hc.negotiate_ms, cfg->negotiate_ms);
    pick_ms(&hc.keepalive_ms, cfg->keepalive_ms);
    pick_ms(&hc.keepalive_timeout_ms, cfg->keepalive_timeout_ms);
    if (cfg->max_buffered)
        hc.max_buffered = cfg->max_buffered;
    if (cfg->max_conn_buffered)
        hc.max_conn_buffered = cfg->max_conn_buffered;
    hc.no_early_muxer = cfg->no_early_muxer;
    rc = ig_host_new(&n->host, &hc, on_event, n);
    if (rc == 0)
        limits_init(n);
    /* Interop tests echo on many streams at once (50 and more): as many
     * as a connection may have. */
    if (rc == 0 && cfg->test_echo)
        rc = ig_host_handle_max(n->host,
                                IG_NODE_TEST_ECHO,
                                &ig_ping_echo_handler,
                                NULL,
                                hc.max_streams);
    if (rc < 0) {
        ig_err_set(err, errlen, "host: %s", ig_strerror(rc));
        goto fail;
    }
    rc = listen_all(n, cfg, err, errlen);
    if (rc == 0)
        rc = dial_all(n, cfg, err, errlen);
    if (rc < 0)
        goto fail;
    *out = n;
    return 0;
fail:
    ig_node_free(n);
    return rc;
}

struct ig_host *ig_node_host(struct ig_node *n)
{
    return n->host;
}

static void on_signal(int sig)
{
    struct ig_host *h = signal_host;

    if (h)
        ig_host_stop(h);
}

int ig_node_run(struct ig_node *n)
{
    struct sigaction sa;
    int rc;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    signal_host = n->host;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    rc = ig_host_run(n->host);
    ig_info("node", "shutting down");
    ig_host_close_all(n->host);
    log_limit_stop(&n->evicted);
    log_limit_stop(&n->refused);
    log_limit_stop(&n->stream_reset);
    log_limit_stop(&n->stream_limit);
    log_limit_stop(&n->stream_buffer);
    signal_host = NULL;
    return rc;
}

void ig_node_free(struct ig_node *n)
{
    if (!n)
        return;
    ig_host_free(n->host);
    sodium_memzero(&n->key, sizeof(n->key));
    free(n);
}
