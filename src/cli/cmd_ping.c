/* SPDX-License-Identifier: MIT */
/* `igord ping`: dial a peer, run /ipfs/ping/1.0.0 and print each round
 * trip and a summary, as `ipfs ping` does. */
#include <errno.h>
#include <stdio.h>

#include "cli/addr.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "net/host.h"
#include "net/ping.h"
#include "node/node.h"
#include "util/err.h"
#include "util/log.h"

struct ping_run {
    struct ig_host *h;
    struct ig_conn *conn; /* our dial, until it goes down */
    const char *addr;     /* as given, for the summary before a peer ID */
    uint64_t count, interval_ms, timeout_ms;
    uint64_t got;
    long timer; /* the deadline of the stage under way, or 0 */
    double min, max, sum;
    int status; /* first failure */
    int over;   /* the loop returned: later events are our own closing */
    char peer[IG_PEERID_STRMAX];
    char reason[256];
};

/* The first failure wins: what follows it (our own close of the
 * connection) is only a consequence. */
static void failed(struct ping_run *r, int status, const char *reason)
{
    if (r->status || r->over)
        return;
    r->status = status;
    snprintf(r->reason, sizeof(r->reason), "%s", reason);
    ig_host_stop(r->h);
}

/* What a failure of the ping stream itself means for this client. */
static const char *stream_failure(int status)
{
    switch (status) {
        case IG_EFORMAT:
            return "the echo differs from the bytes sent";
        case IG_ERESET:
            return "the peer reset the ping stream";
        case IG_ECLOSED:
            return "the peer closed the ping stream before the echo";
        default:
            return "";
    }
}

static void on_deadline(void *ud);

/* Give the stage that starts now ms to finish (replacing the deadline
 * of the one before). */
static void arm(struct ping_run *r, uint64_t ms)
{
    if (r->timer > 0)
        ig_host_timer_cancel(r->h, r->timer);
    r->timer = ms ? ig_host_timer(r->h, ms, on_deadline, r) : 0;
    if (r->timer < 0)
        failed(r, (int)r->timer, "cannot arm the ping deadline");
}

static void on_pong(void *ud, int status, uint64_t rtt_ns)
{
    struct ping_run *r = ud;
    double ms = (double)rtt_ns / 1e6;

    if (status < 0) {
        failed(r, status, stream_failure(status));
        return;
    }
    r->got++;
    r->sum += ms;
    r->min = r->got == 1 || ms < r->min ? ms : r->min;
    r->max = ms > r->max ? ms : r->max;
    printf("PONG from %s time=%.2f ms\n", r->peer, ms);
    fflush(stdout);
    /* The next ping leaves interval_ms after this echo and gets the
     * whole timeout of its own. */
    if (r->got >= r->count) {
        arm(r, 0);
        ig_host_stop(r->h);
    }
    else
        arm(r, r->interval_ms + r->timeout_ms);
}

static void on_event(void *ud,
                     struct ig_conn *c,
                     enum ig_conn_event ev,
                     int status,
                     const char *reason)
{
    struct ping_run *r = ud;
    int rc;

    if (ev == IG_CONN_UP) {
        ig_peerid_format(ig_conn_peer(c), r->peer, sizeof(r->peer));
        arm(r, r->timeout_ms);
        rc = ig_ping_start(
          c, (uint32_t)r->count, r->interval_ms, on_pong, r, NULL);
        if (rc < 0)
            failed(r, rc, "cannot open the ping stream");
    }
    if (ev == IG_CONN_DOWN && c == r->conn)
        r->conn = NULL;
    if (ev == IG_CONN_DOWN && r->got < r->count && !r->over) {
        /* A stream dropped with its connection reported the same status
         * just before: the connection's reason says more. */
        if (r->status && r->status == (status ? status : IG_ECLOSED))
            r->status = 0;
        failed(r, status ? status : IG_ECLOSED, reason);
    }
}

/* The stage under way took the whole timeout: name it. */
static void on_deadline(void *ud)
{
    struct ping_run *r = ud;
    const char *stage = "no TCP connection";
    char why[128];

    r->timer = 0;
    if (r->peer[0])
        stage = "no echo";
    else if (r->conn && ig_conn_tcp_up(r->conn))
        stage = "handshake not finished";
    snprintf(why,
             sizeof(why),
             "%s within %llu ms",
             stage,
             (unsigned long long)r->timeout_ms);
    failed(r, IG_ETIMEOUT, why);
}

/* The host's own deadlines, where they would cut a stage short. */
static void host_cfg(struct ig_host_cfg *hc,
                     const struct ig_nodekey *key,
                     uint64_t timeout_ms)
{
    ig_host_cfg_default(hc);
    hc->key = key;
    /* Ours fire first and name the stage; the host's stay as a net. */
    hc->handshake_ms = timeout_ms + 1000;
    hc->negotiate_ms = timeout_ms + 1000;
    /* Each echo has its deadline: silence needs no keepalive. */
    hc->keepalive_ms = 0;
}

/* Dial, ping, wait; the host is stopped by the last pong or a failure. */
static int run(struct ping_run *r,
               const struct ig_nodekey *key,
               const char *addr,
               const struct ig_multiaddr *ma)
{
    struct ig_host_cfg hc;
    char err[256] = "";
    int rc;

    host_cfg(&hc, key, r->timeout_ms);
    rc = ig_host_new(&r->h, &hc, on_event, r);
    if (rc == 0)
        rc = ig_host_dial(r->h, ma, &r->conn, err, sizeof(err));
    if (rc == 0) {
        r->timer = ig_host_timer(r->h, r->timeout_ms, on_deadline, r);
        rc = r->timer < 0 ? (int)r->timer : 0;
    }
    if (rc == 0) {
        printf("PING %s\n", addr);
        fflush(stdout);
        rc = ig_host_run(r->h);
        r->over = 1;
    }
    if (rc < 0)
        ig_flags_error("%s: %s", addr, err[0] ? err : ig_strerror(rc));
    if (r->h)
        ig_host_close_all(r->h);
    ig_host_free(r->h);
    return rc;
}

static void summary(const struct ping_run *r)
{
    double avg = r->got ? r->sum / (double)r->got : 0;
    uint64_t lost = r->count > r->got ? r->count - r->got : 0;

    printf("--- %s ping statistics ---\n", r->peer[0] ? r->peer : r->addr);
    printf("%llu pings, %llu received, %.0f%% loss",
           (unsigned long long)r->count,
           (unsigned long long)r->got,
           r->count ? 100.0 * (double)lost / (double)r->count : 0);
    if (r->got)
        printf(", rtt min/avg/max = %.2f/%.2f/%.2f ms", r->min, avg, r->max);
    printf("\n");
}

/* The options of `igord ping`, filled by the parser. */
static struct {
    uint64_t count, interval_ns, timeout_ns;
    const char *dir;
} opt = { 10, 1000000000ull, 10000000000ull, NULL };

static const struct ig_flag ping_flags[] = {
    { "count", 'n', IG_FLAG_UINT, &opt.count, "N", "10", "pings to send" },
    { "interval",
      'i',
      IG_FLAG_DURATION,
      &opt.interval_ns,
      "D",
      "1s",
      "time between pings" },
    { "timeout",
      't',
      IG_FLAG_DURATION,
      &opt.timeout_ns,
      "D",
      "10s",
      "time allowed to get connected (TCP, Noise and yamux), then for each "
      "echo" },
    { "data-dir",
      'd',
      IG_FLAG_STRING,
      &opt.dir,
      "DIR",
      NULL,
      "use this node's key (default: a fresh one)" },
};

static const struct ig_flags_spec ping_spec = {
    "igord ping [options] <multiaddr>",
    "Dial a libp2p peer and measure round trips with /ipfs/ping/1.0.0.\n"
    "A stage that overruns --timeout is named: no TCP connection, handshake\n"
    "not finished, or no echo.\n"
    "\n"
    "Exit status: 0 when every ping was answered, 1 when one failed (or\n"
    "the peer was not reached), 2 on bad usage.",
    ping_flags,
    (int)(sizeof(ping_flags) / sizeof(ping_flags[0])),
    1,
    1
};

int ig_cmd_ping(int argc, char **argv)
{
    struct ping_run r = { 0 };
    struct ig_multiaddr ma;
    struct ig_nodekey key;
    char err[256] = "";
    int npos, rc = ig_flags_parse(&ping_spec, argc, argv, &npos);

    if (rc != 0)
        return rc > 0 ? IG_EXIT_OK : IG_EXIT_USAGE;
    if (!opt.count) {
        ig_flags_error("--count must be at least 1");
        return IG_EXIT_USAGE;
    }
    if (ig_cli_tcp_addr(NULL, argv[1], &ma) < 0)
        return IG_EXIT_USAGE;
    r.count = opt.count;
    r.addr = argv[1];
    r.interval_ms = opt.interval_ns / 1000000u;
    r.timeout_ms = ig_flags_ms(opt.timeout_ns);
    rc = opt.dir ? ig_node_load_key(opt.dir, &key, NULL, err, sizeof(err))
                 : ig_nodekey_generate(&key);
    if (rc < 0) {
        ig_flags_error("node key: %s", err[0] ? err : ig_strerror(rc));
        return IG_EXIT_FAIL;
    }
    rc = run(&r, &key, argv[1], &ma);
    if (rc < 0)
        return IG_EXIT_FAIL;
    summary(&r);
    if (r.status || r.got < r.count) {
        ig_flags_error(
          "ping failed: %s%s%s",
          ig_err_said(r.status, r.reason) ? "" : ig_strerror(r.status),
          r.reason[0] && !ig_err_said(r.status, r.reason) ? ": " : "",
          r.reason);
        return IG_EXIT_FAIL;
    }
    return IG_EXIT_OK;
}
