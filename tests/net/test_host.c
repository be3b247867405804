/* SPDX-License-Identifier: MIT */
/* Two hosts in one process over real 127.0.0.1 sockets, driven by
 * alternating loop passes: connection events, identify, stream
 * negotiation, backpressure, reset, caps and deadlines. */
#define IG_TEST_MAIN
#include "test.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/host.h"
#include "net/identify_svc.h"
#include "net/yamux.h"
#include "util/err.h"

#define PROTO "/test/sink/1.0.0"

struct side {
    struct ig_nodekey key;
    struct ig_host *h;
    struct ig_conn *conn;
    int up, down, identified, id_sent, down_status;
    char reason[256];
    int stream_resets, reset_status; /* IG_CONN_STREAM_RESET, the last */
    char reset_reason[256];
};

/* What a test stream saw. */
struct probe {
    int opened, open_status, eofs, closes, close_status, writables;
    int paused; /* on_data takes nothing while set */
    size_t got;
    struct ig_stream *s;
};

static struct side a, b;

static void on_event(void *ud,
                     struct ig_conn *c,
                     enum ig_conn_event ev,
                     int status,
                     const char *reason)
{
    struct side *x = ud;

    if (ev == IG_CONN_UP) {
        x->up++;
        x->conn = c;
    }
    else if (ev == IG_CONN_IDENTIFIED && status == 0) {
        x->identified++;
    }
    else if (ev == IG_CONN_ID_SENT) {
        x->id_sent++;
    }
    else if (ev == IG_CONN_STREAM_RESET) {
        x->stream_resets++;
        x->reset_status = status;
        snprintf(x->reset_reason, sizeof(x->reset_reason), "%s", reason);
    }
    else if (ev == IG_CONN_DOWN) {
        x->down++;
        x->down_status = status;
        snprintf(x->reason, sizeof(x->reason), "%s", reason);
        x->conn = NULL;
    }
}

static void p_open(struct ig_stream *s, int status)
{
    struct probe *p = ig_stream_ud(s);

    p->opened++;
    p->open_status = status;
    p->s = s;
}

static long p_data(struct ig_stream *s, const uint8_t *d, size_t n)
{
    struct probe *p = ig_stream_ud(s);

    if (p->paused)
        return 0;
    p->got += n;
    return (long)n;
}

static void p_writable(struct ig_stream *s)
{
    ((struct probe *)ig_stream_ud(s))->writables++;
}

static void p_eof(struct ig_stream *s)
{
    ((struct probe *)ig_stream_ud(s))->eofs++;
}

static void p_close(struct ig_stream *s, int status)
{
    struct probe *p = ig_stream_ud(s);

    p->closes++;
    p->close_status = status;
    p->s = NULL;
}

static const struct ig_stream_handler probe_handler = {
    .on_open = p_open,
    .on_data = p_data,
    .on_writable = p_writable,
    .on_eof = p_eof,
    .on_close = p_close,
};

/* The server side's probe, reached through the registry's ud. */
static struct probe srv;

static int late_muxer; /* the listener offers no muxer inside Noise */
/* Window tuning for the next hosts made: 0 keeps the defaults. */
static uint32_t tune_max, tune_conn;
static int tune_off;
/* The listener's caps on unread input (0: the defaults). */
static size_t conn_cap, host_cap;

static void side_new(struct side *x,
                     uint8_t seed,
                     uint64_t handshake_ms,
                     uint32_t max_streams)
{
    struct ig_host_cfg cfg;
    uint8_t s[32];

    memset(x, 0, sizeof(*x));
    memset(s, seed, sizeof(s));
    ig_nodekey_from_seed(s, &x->key);
    ig_host_cfg_default(&cfg);
    cfg.key = &x->key;
    cfg.max_streams = max_streams;
    cfg.no_early_muxer = late_muxer && seed == 2;
    cfg.no_window_tuning = tune_off;
    if (tune_max)
        cfg.window_max = tune_max;
    if (tune_conn)
        cfg.conn_window = tune_conn;
    if (seed == 2 && conn_cap)
        cfg.max_conn_buffered = conn_cap;
    if (seed == 2 && host_cap)
        cfg.max_buffered = host_cap;
    if (handshake_ms)
        cfg.handshake_ms = handshake_ms;
    ASSERT_OK(ig_host_new(&x->h, &cfg, on_event, x));
}

/* Run both loops until cond holds; fail after ms. */
#define RUN_UNTIL(cond, ms)                                                    \
    do {                                                                       \
        uint64_t until_ = ig_host_now_ms() + (ms);                             \
        while (!(cond)) {                                                      \
            if (ig_host_now_ms() > until_)                                     \
                IG_TEST_FAIL("timed out waiting for %s", #cond);               \
            ASSERT_OK(ig_host_poll(a.h, 1));                                   \
            ASSERT_OK(ig_host_poll(b.h, 1));                                   \
        }                                                                      \
    } while (0)

/* b listens (with the probe protocol), a dials it. */
static void connect_pair(int wrong_peer)
{
    struct ig_multiaddr ma;
    struct ig_peerid id;
    struct side other;

    side_new(&a, 1, 0, 64);
    side_new(&b, 2, 0, 8);
    memset(&srv, 0, sizeof(srv));
    ASSERT_OK(ig_host_handle(b.h, PROTO, &probe_handler, &srv));
    ASSERT_OK(ig_multiaddr_parse("/ip4/127.0.0.1/tcp/0", &ma, NULL, 0));
    ASSERT_OK(ig_host_listen(b.h, &ma, NULL, 0));
    ASSERT_OK(ig_host_listen_addr(b.h, 0, &ma));
    id = b.key.id;
    if (wrong_peer) {
        side_new(&other, 3, 0, 8);
        id = other.key.id;
        ig_host_free(other.h);
    }
    ASSERT_OK(ig_multiaddr_append_p2p(&ma, &id));
    ASSERT_OK(ig_host_dial(a.h, &ma, NULL, NULL, 0));
}

static void teardown(void)
{
    ig_host_free(a.h);
    ig_host_free(b.h);
    tune_max = tune_conn = 0;
    tune_off = 0;
}

/* The inbound handler keeps its probe in srv: point the stream there. */
static void bind_srv(void)
{
    RUN_UNTIL(srv.opened, 2000);
    ASSERT_TRUE(srv.s != NULL);
}

/* A host needs a handshake deadline: 0 is refused rather than taken as
 * "now", which would fail every connection at once. */
TEST(zero_handshake_deadline_is_refused)
{
    struct ig_host_cfg cfg;
    struct ig_nodekey key;
    struct ig_host *h = NULL;
    uint8_t s[32] = { 7 };

    ig_nodekey_from_seed(s, &key);
    ig_host_cfg_default(&cfg);
    cfg.key = &key;
    cfg.handshake_ms = 0;
    ASSERT_EQ(ig_host_new(&h, &cfg, NULL, NULL), -EINVAL);
    cfg.handshake_ms = 1000;
    ASSERT_OK(ig_host_new(&h, &cfg, NULL, NULL));
    ig_host_free(h);
}

TEST(connect_and_identify_both_ways)
{
    const struct ig_identify *id;

    connect_pair(0);
    RUN_UNTIL(a.identified && b.identified, 3000);
    ASSERT_EQ(a.up, 1);
    ASSERT_EQ(b.up, 1);
    ASSERT_TRUE(ig_conn_early_muxer(a.conn));
    ASSERT_TRUE(ig_peerid_equal(ig_conn_peer(a.conn), &b.key.id));
    ASSERT_TRUE(ig_peerid_equal(ig_conn_peer(b.conn), &a.key.id));
    id = ig_conn_identify(a.conn);
    ASSERT_STR_EQ(id->agent_version, "igord/0.1.0");
    ASSERT_STR_EQ(id->protocol_version, "ipfs/0.1.0");
    ASSERT_TRUE(id->has_pubkey);
    ASSERT_MEM_EQ(id->pubkey, b.key.pk, 32);
    ASSERT_EQ(id->nlisten, 1);
    ASSERT_TRUE(id->has_observed);
    ASSERT_EQ(id->nprotocols, 3);
    ASSERT_STR_EQ(id->protocols[2], PROTO);
    teardown();
}

/* With no muxer offered inside Noise, yamux is agreed by multistream
 * over the secure channel, and everything works the same. */
TEST(muxer_negotiated_after_noise)
{
    struct probe p = { 0 };

    late_muxer = 1;
    connect_pair(0);
    RUN_UNTIL(a.identified && b.identified, 3000);
    ASSERT_TRUE(!ig_conn_early_muxer(a.conn));
    ASSERT_TRUE(!ig_conn_early_muxer(b.conn));
    ASSERT_OK(ig_stream_open(a.conn, PROTO, &probe_handler, &p, NULL));
    RUN_UNTIL(p.opened, 3000);
    ASSERT_EQ(ig_stream_write(p.s, (const uint8_t *)"late", 4), 4);
    RUN_UNTIL(srv.got == 4, 3000);
    teardown();
}

TEST(wrong_peer_is_refused)
{
    connect_pair(1);
    RUN_UNTIL(a.down, 3000);
    ASSERT_EQ(a.up, 0);
    ASSERT_EQ(a.down_status, IG_EPEERID);
    ASSERT_STR_CONTAINS(a.reason, "noise: the remote is 12D3KooW");
    teardown();
}

TEST(unknown_protocol_is_na)
{
    struct probe p = { 0 };

    connect_pair(0);
    RUN_UNTIL(a.up, 3000);
    ASSERT_OK(
      ig_stream_open(a.conn, "/nobody/1.0.0", &probe_handler, &p, NULL));
    RUN_UNTIL(p.closes, 3000);
    ASSERT_EQ(p.opened, 1);
    ASSERT_EQ(p.open_status, IG_ENA);
    teardown();
}

/* A handler that takes nothing shuts the writer's window; resuming it
 * lets everything through. */
TEST(backpressure_shuts_window_then_resumes)
{
    static uint8_t chunk[65536];
    struct probe p = { 0 };
    size_t sent = 0;
    long n = 1;

    connect_pair(0);
    RUN_UNTIL(a.up, 3000);
    ASSERT_OK(ig_stream_open(a.conn, PROTO, &probe_handler, &p, NULL));
    RUN_UNTIL(p.opened, 3000);
    ASSERT_OK(p.open_status);
    srv.paused = 1;
    bind_srv();
    /* Write until the window is gone and the loop has moved it all. */
    for (int rounds = 0; rounds < 200; rounds++) {
        while ((n = ig_stream_write(p.s, chunk, sizeof(chunk))) > 0)
            sent += (size_t)n;
        ASSERT_OK(ig_host_poll(a.h, 1));
        ASSERT_OK(ig_host_poll(b.h, 1));
    }
    ASSERT_EQ(n, 0);
    /* The window also paid for our multistream header and proposal. */
    ASSERT_EQ(sent + sizeof("\x13/multistream/1.0.0\n\x11" PROTO "\n") - 1,
              IG_YAMUX_INITIAL_WINDOW);
    ASSERT_EQ(srv.got, 0);
    srv.paused = 0;
    ig_stream_resume(srv.s);
    RUN_UNTIL(srv.got == sent && p.writables > 0, 3000);
    ASSERT_TRUE(ig_stream_write(p.s, chunk, sizeof(chunk)) > 0);
    teardown();
}

TEST(close_both_ways_and_reset)
{
    struct probe p = { 0 }, q = { 0 };

    connect_pair(0);
    RUN_UNTIL(a.up, 3000);
    ASSERT_OK(ig_stream_open(a.conn, PROTO, &probe_handler, &p, NULL));
    RUN_UNTIL(p.opened, 3000);
    ASSERT_EQ(ig_stream_write(p.s, (const uint8_t *)"abc", 3), 3);
    ASSERT_OK(ig_stream_close(p.s));
    bind_srv();
    RUN_UNTIL(srv.eofs == 1 && srv.got == 3, 3000);
    ASSERT_OK(ig_stream_close(srv.s));
    RUN_UNTIL(p.closes && srv.closes, 3000);
    ASSERT_EQ(p.eofs, 1);
    ASSERT_OK(p.close_status);
    ASSERT_OK(srv.close_status);
    /* A reset from the serving side reaches the opener. */
    memset(&srv, 0, sizeof(srv));
    ASSERT_OK(ig_stream_open(a.conn, PROTO, &probe_handler, &q, NULL));
    RUN_UNTIL(q.opened, 3000);
    ASSERT_EQ(ig_stream_write(q.s, (const uint8_t *)"x", 1), 1);
    bind_srv();
    ig_stream_reset(srv.s);
    RUN_UNTIL(q.closes && srv.closes, 3000);
    ASSERT_EQ(q.close_status, IG_ERESET);
    ASSERT_EQ(srv.close_status, IG_ERESET);
    teardown();
}

TEST(stream_cap_resets_extra)
{
    struct probe p[10];

    memset(p, 0, sizeof(p));
    connect_pair(0);
    /* Identify's streams are over on both sides: only ours count. */
    RUN_UNTIL(a.identified && b.identified && a.id_sent && b.id_sent, 3000);
    for (int i = 0; i < 10; i++)
        ASSERT_OK(ig_stream_open(a.conn, PROTO, &probe_handler, &p[i], NULL));
    RUN_UNTIL(p[9].opened, 3000);
    {
        int ok = 0, reset = 0;

        for (int i = 0; i < 10; i++) {
            ok += p[i].open_status == 0;
            reset += p[i].open_status == IG_ERESET;
        }
        ASSERT_EQ(ok, 8);
        ASSERT_EQ(reset, 2);
    }
    teardown();
}

TEST(closing_a_connection_ends_its_streams)
{
    struct probe p = { 0 };

    connect_pair(0);
    RUN_UNTIL(a.up, 3000);
    ASSERT_OK(ig_stream_open(a.conn, PROTO, &probe_handler, &p, NULL));
    RUN_UNTIL(p.opened, 3000);
    ig_conn_close(a.conn, 0, "done");
    RUN_UNTIL(a.down && b.down && p.closes, 3000);
    ASSERT_OK(a.down_status);
    ASSERT_STR_EQ(a.reason, "done");
    teardown();
}

/* A listener that accepts TCP and never speaks: the dial gives up at
 * the handshake deadline. */
TEST(handshake_deadline)
{
    struct sockaddr_in sin = { .sin_family = AF_INET };
    socklen_t len = sizeof(sin);
    struct ig_multiaddr ma;
    char text[64];
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_OK(bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
    ASSERT_OK(listen(fd, 4));
    ASSERT_OK(getsockname(fd, (struct sockaddr *)&sin, &len));
    side_new(&a, 1, 200, 8);
    side_new(&b, 2, 0, 8);
    snprintf(text,
             sizeof(text),
             "/ip4/127.0.0.1/tcp/%u",
             (unsigned)ntohs(sin.sin_port));
    ASSERT_OK(ig_multiaddr_parse(text, &ma, NULL, 0));
    ASSERT_OK(ig_host_dial(a.h, &ma, NULL, NULL, 0));
    RUN_UNTIL(a.down, 3000);
    ASSERT_EQ(a.down_status, IG_ETIMEOUT);
    close(fd);
    teardown();
}

/* ---- receive window auto-tuning ---- */

/* One stream from a to b's sink, open and bound on both sides. */
static void open_sink(struct probe *p)
{
    connect_pair(0);
    RUN_UNTIL(a.identified && b.identified && a.id_sent && b.id_sent, 3000);
    ASSERT_OK(ig_stream_open(a.conn, PROTO, &probe_handler, p, NULL));
    RUN_UNTIL(p->opened, 3000);
    ASSERT_OK(p->open_status);
    bind_srv();
}

/* One loop pass with a writing on each of its n streams as far as the
 * windows let it; returns the bytes written. */
static size_t pump(struct probe *p, int n)
{
    static uint8_t chunk[65536];
    size_t sent = 0;
    long k;

    for (int i = 0; i < n; i++)
        while ((k = ig_stream_write(p[i].s, chunk, sizeof(chunk))) > 0)
            sent += (size_t)k;
    ASSERT_OK(ig_host_poll(a.h, 1));
    ASSERT_OK(ig_host_poll(b.h, 1));
    return sent;
}

/* Pump one stream until b grants it a window of want bytes (or 10 s
 * pass), checking on the way that windows only double and that the
 * writer never has more out than the reader granted. Adds the bytes
 * written to *sent. */
static void grow_to(struct probe *p, uint32_t want, size_t *sent)
{
    uint64_t until = ig_host_now_ms() + 10000;
    uint32_t w = ig_stream_recv_window(srv.s), seen = w;

    while (w < want && ig_host_now_ms() < until) {
        *sent += pump(p, 1);
        w = ig_stream_recv_window(srv.s);
        ASSERT_TRUE(w >= seen && (w & (w - 1)) == 0);
        seen = w;
        ASSERT_TRUE(*sent - srv.got <= w);
    }
    ASSERT_EQ(w, want);
}

/* A reader that keeps up on a fast link: each window update comes
 * within a few round trips of the last, so the window doubles up to the
 * configured maximum and no further. */
TEST(window_grows_to_max_for_a_fast_reader)
{
    struct probe p = { 0 };
    size_t sent = 0;

    tune_max = 2u * 1024u * 1024u;
    open_sink(&p);
    ASSERT_EQ(ig_stream_recv_window(srv.s), IG_YAMUX_INITIAL_WINDOW);
    grow_to(&p, tune_max, &sent);
    for (int i = 0; i < 50; i++)
        sent += pump(&p, 1);
    ASSERT_EQ(ig_stream_recv_window(srv.s), tune_max);
    ASSERT_EQ(ig_conn_recv_granted(b.conn), tune_max);
    ASSERT_TRUE(sent - srv.got <= tune_max);
    teardown();
}

/* With tuning off the window stays where the host set it. */
TEST(window_fixed_when_tuning_is_off)
{
    struct probe p = { 0 };
    size_t sent = 0;

    tune_off = 1;
    open_sink(&p);
    while (sent < 16u * 1024u * 1024u) {
        sent += pump(&p, 1);
        ASSERT_EQ(ig_stream_recv_window(srv.s), IG_YAMUX_INITIAL_WINDOW);
        ASSERT_TRUE(sent - srv.got <= IG_YAMUX_INITIAL_WINDOW);
    }
    teardown();
}

/* A reader that takes nothing returns no credit, so its window cannot
 * grow; after it grew, pausing leaves at most the grown window with us. */
TEST(window_no_growth_for_a_reader_that_does_not_consume)
{
    struct probe p = { 0 };
    size_t sent = 0;
    uint32_t w;

    tune_max = 1024u * 1024u;
    open_sink(&p);
    srv.paused = 1;
    for (int i = 0; i < 100; i++)
        sent += pump(&p, 1);
    ASSERT_EQ(srv.got, 0);
    ASSERT_EQ(ig_stream_recv_window(srv.s), IG_YAMUX_INITIAL_WINDOW);
    ASSERT_TRUE(sent < IG_YAMUX_INITIAL_WINDOW);
    srv.paused = 0;
    ig_stream_resume(srv.s);
    grow_to(&p, tune_max, &sent);
    srv.paused = 1;
    for (int i = 0; i < 100; i++)
        sent += pump(&p, 1);
    w = ig_stream_recv_window(srv.s);
    ASSERT_EQ(w, tune_max);
    /* Kept unread: at least what was left of the window, never more. */
    ASSERT_TRUE(sent - srv.got <= w);
    ASSERT_TRUE(sent - srv.got >= w / 2);
    /* The writer is shut: nothing more goes out while nothing is read. */
    ASSERT_EQ(pump(&p, 1), 0);
    teardown();
}

/* Many fast streams on one connection: together they never hold more
 * than the connection's cap, though each alone could grow past it. */
TEST(window_sum_over_streams_stays_under_the_connection_cap)
{
    enum { N = 6 };
    struct probe p[N];
    uint64_t granted, peak = 0;
    uint64_t until;

    memset(p, 0, sizeof(p));
    tune_max = 1024u * 1024u;
    tune_conn = 2u * 1024u * 1024u;
    open_sink(&p[0]);
    for (int i = 1; i < N; i++)
        ASSERT_OK(ig_stream_open(a.conn, PROTO, &probe_handler, &p[i], NULL));
    RUN_UNTIL(p[N - 1].opened, 3000);
    ASSERT_EQ(ig_conn_recv_granted(b.conn), N * IG_YAMUX_INITIAL_WINDOW);
    until = ig_host_now_ms() + 10000;
    while (peak + IG_YAMUX_INITIAL_WINDOW <= tune_conn &&
           ig_host_now_ms() < until) {
        (void)pump(p, N);
        granted = ig_conn_recv_granted(b.conn);
        ASSERT_TRUE(granted <= tune_conn);
        if (granted > peak)
            peak = granted;
    }
    /* Growth stopped only because a doubling no longer fits. */
    ASSERT_TRUE(peak > N * IG_YAMUX_INITIAL_WINDOW);
    ASSERT_TRUE(peak + IG_YAMUX_INITIAL_WINDOW > tune_conn);
    for (int i = 0; i < 50; i++) {
        (void)pump(p, N);
        ASSERT_TRUE(ig_conn_recv_granted(b.conn) <= tune_conn);
    }
    teardown();
}

#define LIMITED "/test/limited/1.0.0"

/* A protocol registered with a limit of 2: a third inbound stream is
 * reset once agreed (the handler never sees it) and reported; a slot
 * freed by a reset is taken again. */
TEST(protocol_inbound_limit_resets_extra)
{
    struct probe p[4];

    memset(p, 0, sizeof(p));
    connect_pair(0);
    ASSERT_OK(ig_host_handle_max(b.h, LIMITED, &probe_handler, &srv, 2));
    ASSERT_EQ(ig_host_handle_max(b.h, LIMITED, &probe_handler, &srv, 2),
              IG_EEXISTS);
    RUN_UNTIL(a.up && b.up, 3000);
    for (int i = 0; i < 3; i++)
        ASSERT_OK(ig_stream_open(a.conn, LIMITED, &probe_handler, &p[i], NULL));
    RUN_UNTIL(p[2].closes && srv.opened == 2, 3000);
    ASSERT_OK(p[2].open_status); /* agreed, then reset */
    ASSERT_EQ(p[2].close_status, IG_ERESET);
    ASSERT_EQ(b.stream_resets, 1);
    ASSERT_EQ(b.reset_status, IG_ELIMIT);
    ASSERT_STR_CONTAINS(b.reset_reason, "(" LIMITED ") over the limit of 2");
    ASSERT_EQ(p[0].closes + p[1].closes, 0);
    /* Other protocols keep their own count. */
    ASSERT_OK(ig_stream_open(a.conn, PROTO, &probe_handler, &p[3], NULL));
    RUN_UNTIL(srv.opened == 3, 3000);
    ig_stream_reset(p[0].s);
    RUN_UNTIL(srv.closes == 1, 3000);
    memset(&p[2], 0, sizeof(p[2]));
    ASSERT_OK(ig_stream_open(a.conn, LIMITED, &probe_handler, &p[2], NULL));
    RUN_UNTIL(srv.opened == 4 && p[2].opened, 3000);
    ASSERT_EQ(ig_stream_write(p[2].s, (const uint8_t *)"ok", 2), 2);
    RUN_UNTIL(srv.got == 2, 3000);
    ASSERT_EQ(b.stream_resets, 1);
    ASSERT_EQ(p[2].closes, 0);
    teardown();
}

/* Write on p's stream until its window is shut and b holds all of it
 * (on top of base), or until the stream is gone; the bytes written. */
static size_t fill_window(struct probe *p, size_t base)
{
    static uint8_t chunk[65536];
    size_t sent = 0;
    long n = 1;

    for (int rounds = 0; rounds < 300 && p->s; rounds++) {
        while (p->s && (n = ig_stream_write(p->s, chunk, sizeof(chunk))) > 0)
            sent += (size_t)n;
        if (n == 0 && ig_host_buffered(b.h) == base + sent)
            break;
        ASSERT_OK(ig_host_poll(a.h, 1));
        ASSERT_OK(ig_host_poll(b.h, 1));
    }
    return sent;
}

/* b keeps what a paused handler does not take, up to the cap: the
 * stream that would pass it is reset and reported, what it held is
 * released, and the stream within the cap keeps its input. */
static void unread_cap(int per_conn, const char *where)
{
    struct probe p = { 0 }, q = { 0 };
    struct ig_stream *first;
    size_t sent;

    conn_cap = per_conn ? 384u * 1024u : 0;
    host_cap = per_conn ? 0 : 384u * 1024u;
    connect_pair(0);
    conn_cap = host_cap = 0;
    srv.paused = 1;
    RUN_UNTIL(a.up, 3000);
    ASSERT_OK(ig_stream_open(a.conn, PROTO, &probe_handler, &p, NULL));
    RUN_UNTIL(p.opened && srv.opened, 3000);
    first = srv.s;
    sent = fill_window(&p, 0);
    ASSERT_EQ(ig_host_buffered(b.h), sent);
    ASSERT_TRUE(sent > 200u * 1024u);
    ASSERT_OK(ig_stream_open(a.conn, PROTO, &probe_handler, &q, NULL));
    RUN_UNTIL(q.opened, 3000);
    (void)fill_window(&q, sent);
    RUN_UNTIL(q.closes, 3000);
    ASSERT_EQ(q.close_status, IG_ERESET);
    ASSERT_EQ(b.stream_resets, 1);
    ASSERT_EQ(b.reset_status, IG_EBUFFERED);
    ASSERT_STR_CONTAINS(b.reset_reason, where);
    ASSERT_EQ(ig_host_buffered(b.h), sent);
    ASSERT_EQ(p.closes, 0);
    srv.paused = 0;
    ig_stream_resume(first);
    RUN_UNTIL(ig_host_buffered(b.h) == 0 && srv.got == sent, 3000);
    teardown();
}

TEST(unread_input_over_conn_cap_resets_stream)
{
    unread_cap(1, "unread input on this connection past its cap of 393216");
}

TEST(unread_input_over_host_cap_resets_stream)
{
    unread_cap(0, "unread input on this host past its cap of 393216");
}
