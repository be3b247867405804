/* SPDX-License-Identifier: MIT */
/* yamux sessions wired back to back, fed whole and byte by byte, plus
 * hand-made hostile frames. */
#define IG_TEST_MAIN
#include "test.h"

#include <errno.h>

#include "net/buf.h"
#include "net/yamux.h"
#include "util/err.h"

struct peer {
    struct ig_yamux *y;
    struct ig_yamux_stream *last_open;
    struct ig_buf rx; /* data from every stream, in order */
    int auto_consume;
    int reject;
    int opens, fins, closes, resets, writables, goaways, refused;
    uint32_t refused_id;
    uint32_t pong, goaway_code;
    int pongs;
};

static int cb_open(void *ctx, struct ig_yamux_stream *s)
{
    struct peer *p = ctx;

    if (p->reject)
        return -1;
    p->opens++;
    p->last_open = s;
    return 0;
}

static void cb_data(void *ctx,
                    struct ig_yamux_stream *s,
                    const uint8_t *d,
                    size_t n)
{
    struct peer *p = ctx;

    ASSERT_OK(ig_buf_append(&p->rx, d, n));
    if (p->auto_consume)
        ASSERT_OK(ig_yamux_stream_consumed(s, n));
}

static void cb_fin(void *ctx, struct ig_yamux_stream *s)
{
    ((struct peer *)ctx)->fins++;
}

static void cb_close(void *ctx, struct ig_yamux_stream *s, int status)
{
    struct peer *p = ctx;

    p->closes++;
    if (status == IG_ERESET)
        p->resets++;
}

static void cb_writable(void *ctx, struct ig_yamux_stream *s)
{
    ((struct peer *)ctx)->writables++;
}

static void cb_pong(void *ctx, uint32_t opaque)
{
    struct peer *p = ctx;

    p->pongs++;
    p->pong = opaque;
}

static void cb_goaway(void *ctx, uint32_t code)
{
    struct peer *p = ctx;

    p->goaways++;
    p->goaway_code = code;
}

static void cb_refused(void *ctx, uint32_t id)
{
    struct peer *p = ctx;

    p->refused++;
    p->refused_id = id;
}

static void peer_init_cfg(struct peer *p, const struct ig_yamux_cfg *cfg)
{
    struct ig_yamux_cb cb = { p,       cb_open,   cb_data,
                              cb_fin,  cb_close,  cb_writable,
                              cb_pong, cb_goaway, cb_refused };

    memset(p, 0, sizeof(*p));
    ig_buf_init(&p->rx, 64u << 20);
    p->auto_consume = 1;
    ASSERT_OK(ig_yamux_new(&p->y, cfg, &cb));
}

static void peer_init(struct peer *p, int is_client, uint32_t max_streams)
{
    struct ig_yamux_cfg cfg;

    ig_yamux_cfg_default(&cfg, is_client);
    if (max_streams)
        cfg.max_streams = max_streams;
    peer_init_cfg(p, &cfg);
}

static void peer_fini(struct peer *p)
{
    ig_yamux_free(p->y);
    ig_buf_free(&p->rx);
}

/* Move what a has queued into b, step bytes per input call. */
static int pump(struct peer *a, struct peer *b, size_t step)
{
    size_t len, k;
    const uint8_t *o;
    int moved = 0;

    while ((o = ig_yamux_out(a->y, &len)), len) {
        k = len < step ? len : step;
        ASSERT_OK(ig_yamux_input(b->y, o, k, NULL, 0));
        ig_yamux_out_consume(a->y, k);
        moved = 1;
    }
    return moved;
}

static void pump_all(struct peer *a, struct peer *b, size_t step)
{
    while (pump(a, b, step) | pump(b, a, step))
        ;
}

static void check_open_and_data(size_t step)
{
    struct peer c, s;
    struct ig_yamux_stream *cs;

    peer_init(&c, 1, 0);
    peer_init(&s, 0, 0);
    ASSERT_OK(ig_yamux_stream_open(c.y, &cs));
    ASSERT_EQ(ig_yamux_stream_id(cs), 1);
    ASSERT_EQ(ig_yamux_stream_write(cs, (const uint8_t *)"hello", 5), 5);
    pump_all(&c, &s, step);
    ASSERT_EQ(s.opens, 1);
    ASSERT_EQ(ig_yamux_stream_id(s.last_open), 1);
    ASSERT_EQ(ig_buf_len(&s.rx), 5);
    ASSERT_MEM_EQ(ig_buf_data(&s.rx), "hello", 5);
    ASSERT_EQ(ig_yamux_stream_write(s.last_open, (const uint8_t *)"hi", 2), 2);
    pump_all(&c, &s, step);
    ASSERT_MEM_EQ(ig_buf_data(&c.rx), "hi", 2);
    peer_fini(&c);
    peer_fini(&s);
}

TEST(open_write_read)
{
    check_open_and_data(1u << 20);
}

TEST(byte_by_byte)
{
    check_open_and_data(1);
}

TEST(stream_ids_by_role)
{
    struct peer c, s;
    struct ig_yamux_stream *a, *b;

    peer_init(&c, 1, 0);
    peer_init(&s, 0, 0);
    ASSERT_OK(ig_yamux_stream_open(c.y, &a));
    ASSERT_OK(ig_yamux_stream_open(c.y, &b));
    ASSERT_EQ(ig_yamux_stream_id(a), 1);
    ASSERT_EQ(ig_yamux_stream_id(b), 3);
    ASSERT_OK(ig_yamux_stream_open(s.y, &a));
    ASSERT_EQ(ig_yamux_stream_id(a), 2);
    pump_all(&c, &s, 7);
    ASSERT_EQ(s.opens, 2);
    ASSERT_EQ(c.opens, 1);
    peer_fini(&c);
    peer_fini(&s);
}

/* A writer stops at the 256 KiB window and resumes on the update. */
TEST(send_window_blocks_and_reopens)
{
    struct peer c, s;
    struct ig_yamux_stream *cs;
    static uint8_t big[1u << 20];
    size_t sent = 0;
    long n;

    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7 + 3);
    peer_init(&c, 1, 0);
    peer_init(&s, 0, 0);
    s.auto_consume = 0;
    ASSERT_OK(ig_yamux_stream_open(c.y, &cs));
    n = ig_yamux_stream_write(cs, big, sizeof(big));
    ASSERT_EQ(n, IG_YAMUX_INITIAL_WINDOW);
    sent = (size_t)n;
    ASSERT_EQ(ig_yamux_stream_write(cs, big + sent, 1), 0);
    pump_all(&c, &s, 1000);
    ASSERT_EQ(ig_buf_len(&s.rx), IG_YAMUX_INITIAL_WINDOW);
    ASSERT_EQ(c.writables, 0);
    /* Consuming less than half the window sends nothing yet. */
    ASSERT_OK(ig_yamux_stream_consumed(s.last_open, 1000));
    pump_all(&c, &s, 1000);
    ASSERT_EQ(ig_yamux_stream_send_window(cs), 0);
    s.auto_consume = 1;
    ASSERT_OK(ig_yamux_stream_consumed(s.last_open, sent - 1000));
    pump_all(&c, &s, 1000);
    ASSERT_EQ(c.writables, 1);
    ASSERT_EQ(ig_yamux_stream_send_window(cs), IG_YAMUX_INITIAL_WINDOW);
    while (sent < sizeof(big)) {
        n = ig_yamux_stream_write(cs, big + sent, sizeof(big) - sent);
        ASSERT_TRUE(n > 0);
        sent += (size_t)n;
        pump_all(&c, &s, 4096);
    }
    ASSERT_EQ(ig_buf_len(&s.rx), sizeof(big));
    ASSERT_MEM_EQ(ig_buf_data(&s.rx), big, sizeof(big));
    peer_fini(&c);
    peer_fini(&s);
}

/* The last frame s queued must be a GoAway with this code. */
static void assert_goaway(struct peer *p, uint32_t code)
{
    size_t len;
    const uint8_t *o = ig_yamux_out(p->y, &len);
    uint8_t want[12];

    ASSERT_TRUE(len >= 12);
    ig_yamux_put_header(want, IG_YAMUX_GO_AWAY, 0, 0, code);
    ASSERT_MEM_EQ(o + len - 12, want, 12);
}

static int feed_frame(struct peer *p,
                      uint8_t ver,
                      uint8_t type,
                      uint16_t flags,
                      uint32_t id,
                      uint32_t len,
                      char *err)
{
    uint8_t h[12];

    ig_yamux_put_header(h, type, flags, id, len);
    h[0] = ver; /* tests feed bad versions too */
    return ig_yamux_input(p->y, h, sizeof(h), err, 128);
}

TEST(overrun_window_is_protocol_error)
{
    struct peer s;
    static uint8_t body[IG_YAMUX_INITIAL_WINDOW + 1];
    char err[128] = "";

    peer_init(&s, 0, 0);
    s.auto_consume = 0;
    ASSERT_OK(feed_frame(
      &s, 0, IG_YAMUX_DATA, IG_YAMUX_SYN, 1, IG_YAMUX_INITIAL_WINDOW, err));
    ASSERT_OK(ig_yamux_input(s.y, body, IG_YAMUX_INITIAL_WINDOW, err, 128));
    ASSERT_EQ(feed_frame(&s, 0, IG_YAMUX_DATA, 0, 1, 1, err), IG_EWINDOW);
    ASSERT_STR_CONTAINS(err, "window");
    assert_goaway(&s, IG_YAMUX_GOAWAY_PROTOCOL);
    ASSERT_EQ(ig_yamux_error(s.y), IG_EWINDOW);
    /* A dead session stays dead. */
    ASSERT_EQ(ig_yamux_input(s.y, body, 1, NULL, 0), IG_EWINDOW);
    peer_fini(&s);
}

TEST(bad_version_type_flags)
{
    struct {
        uint8_t ver, type;
        uint16_t flags;
        uint32_t id;
        const char *why;
    } cases[] = {
        { 1, IG_YAMUX_DATA, IG_YAMUX_SYN, 1, "version" },
        { 0, 4, 0, 1, "type" },
        { 0, IG_YAMUX_DATA, 0x10, 1, "flags" },
        { 0, IG_YAMUX_PING, IG_YAMUX_SYN, 1, "session frame" },
        { 0, IG_YAMUX_PING, IG_YAMUX_FIN, 0, "ping flags" },
        { 0, IG_YAMUX_GO_AWAY, IG_YAMUX_SYN, 0, "GoAway" },
        { 0, IG_YAMUX_DATA, 0, 0, "id 0" },
        { 0, IG_YAMUX_DATA, IG_YAMUX_SYN, 2, "our stream id" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct peer s;
        char err[128] = "";

        peer_init(&s, 0, 0);
        ASSERT_EQ(feed_frame(&s,
                             cases[i].ver,
                             cases[i].type,
                             cases[i].flags,
                             cases[i].id,
                             0,
                             err),
                  IG_EYAMUX);
        ASSERT_STR_CONTAINS(err, cases[i].why);
        assert_goaway(&s, IG_YAMUX_GOAWAY_PROTOCOL);
        peer_fini(&s);
    }
}

TEST(syn_twice_and_reused_id)
{
    struct peer s;
    char err[128];

    peer_init(&s, 0, 0);
    ASSERT_OK(
      feed_frame(&s, 0, IG_YAMUX_WINDOW_UPDATE, IG_YAMUX_SYN, 3, 0, err));
    ASSERT_EQ(
      feed_frame(&s, 0, IG_YAMUX_WINDOW_UPDATE, IG_YAMUX_SYN, 3, 0, err),
      IG_EYAMUX);
    peer_fini(&s);
    peer_init(&s, 0, 0);
    ASSERT_OK(
      feed_frame(&s, 0, IG_YAMUX_WINDOW_UPDATE, IG_YAMUX_SYN, 5, 0, err));
    ASSERT_EQ(
      feed_frame(&s, 0, IG_YAMUX_WINDOW_UPDATE, IG_YAMUX_SYN, 3, 0, err),
      IG_EYAMUX);
    ASSERT_STR_CONTAINS(err, "reuses");
    peer_fini(&s);
}

TEST(ping_is_answered)
{
    struct peer c, s;

    peer_init(&c, 1, 0);
    peer_init(&s, 0, 0);
    ASSERT_OK(ig_yamux_ping(c.y, 0xdeadbeef));
    pump_all(&c, &s, 5);
    ASSERT_EQ(c.pongs, 1);
    ASSERT_U64_EQ(c.pong, 0xdeadbeef);
    ASSERT_EQ(s.pongs, 0);
    peer_fini(&c);
    peer_fini(&s);
}

/* A peer that pings without ever reading our answers is cut off. */
TEST(ping_flood_is_bounded)
{
    struct peer s;
    uint8_t h[12];
    int rc = 0;

    peer_init(&s, 0, 0);
    ig_yamux_put_header(h, IG_YAMUX_PING, IG_YAMUX_SYN, 0, 1);
    for (int i = 0; i < 1000000 && rc == 0; i++)
        rc = ig_yamux_input(s.y, h, sizeof(h), NULL, 0);
    ASSERT_EQ(rc, IG_ELIMIT);
    assert_goaway(&s, IG_YAMUX_GOAWAY_INTERNAL);
    peer_fini(&s);
}

TEST(goaway_stops_new_streams)
{
    struct peer c, s;
    struct ig_yamux_stream *cs;

    peer_init(&c, 1, 0);
    peer_init(&s, 0, 0);
    ASSERT_OK(ig_yamux_goaway(s.y, IG_YAMUX_GOAWAY_NORMAL));
    pump_all(&c, &s, 3);
    ASSERT_EQ(c.goaways, 1);
    ASSERT_EQ(c.goaway_code, 0);
    ASSERT_TRUE(ig_yamux_going_away(c.y));
    ASSERT_EQ(ig_yamux_stream_open(c.y, &cs), IG_EGOAWAY);
    peer_fini(&c);
    peer_fini(&s);
}

TEST(half_close_then_close)
{
    struct peer c, s;
    struct ig_yamux_stream *cs, *ss;

    peer_init(&c, 1, 0);
    peer_init(&s, 0, 0);
    ASSERT_OK(ig_yamux_stream_open(c.y, &cs));
    ASSERT_EQ(ig_yamux_stream_write(cs, (const uint8_t *)"req", 3), 3);
    ASSERT_OK(ig_yamux_stream_close(cs));
    ASSERT_EQ(ig_yamux_stream_write(cs, (const uint8_t *)"x", 1), IG_ECLOSED);
    pump_all(&c, &s, 2);
    ss = s.last_open;
    ASSERT_EQ(s.fins, 1);
    ASSERT_TRUE(ig_yamux_stream_remote_closed(ss));
    /* The other half still flows. */
    ASSERT_EQ(ig_yamux_stream_write(ss, (const uint8_t *)"resp", 4), 4);
    ASSERT_OK(ig_yamux_stream_close(ss));
    pump_all(&c, &s, 2);
    ASSERT_MEM_EQ(ig_buf_data(&c.rx), "resp", 4);
    ASSERT_EQ(c.fins, 1);
    ASSERT_EQ(c.closes, 1);
    ASSERT_EQ(c.resets, 0);
    ig_yamux_stream_free(cs);
    ig_yamux_stream_free(ss);
    /* Freeing closed streams sends no RST. */
    pump_all(&c, &s, 2);
    ASSERT_EQ(s.resets, 0);
    ASSERT_EQ(ig_yamux_stream_count(c.y), 0);
    ASSERT_EQ(ig_yamux_stream_count(s.y), 0);
    peer_fini(&c);
    peer_fini(&s);
}

TEST(reset_reaches_peer)
{
    struct peer c, s;
    struct ig_yamux_stream *cs;

    peer_init(&c, 1, 0);
    peer_init(&s, 0, 0);
    ASSERT_OK(ig_yamux_stream_open(c.y, &cs));
    pump_all(&c, &s, 64);
    ig_yamux_stream_free(cs);
    pump_all(&c, &s, 64);
    ASSERT_EQ(s.resets, 1);
    ASSERT_EQ(ig_yamux_stream_write(s.last_open, (const uint8_t *)"x", 1),
              IG_ERESET);
    peer_fini(&c);
    peer_fini(&s);
}

TEST(stream_cap_resets_extra)
{
    struct peer c, s;
    struct ig_yamux_stream *cs[3];

    peer_init(&c, 1, 0);
    peer_init(&s, 0, 2);
    for (int i = 0; i < 3; i++) {
        ASSERT_OK(ig_yamux_stream_open(c.y, &cs[i]));
        ASSERT_EQ(ig_yamux_stream_write(cs[i], (const uint8_t *)"abc", 3), 3);
    }
    pump_all(&c, &s, 100);
    ASSERT_EQ(s.opens, 2);
    ASSERT_EQ(c.resets, 1);
    /* The owner hears of the refusal (its node counts them). */
    ASSERT_EQ(s.refused, 1);
    ASSERT_EQ(s.refused_id, 5);
    /* The refused stream's data was dropped, the others' kept. */
    ASSERT_EQ(ig_buf_len(&s.rx), 6);
    ASSERT_EQ(ig_yamux_stream_write(cs[2], (const uint8_t *)"x", 1), IG_ERESET);
    peer_fini(&c);
    peer_fini(&s);
}

TEST(rejected_by_owner)
{
    struct peer c, s;
    struct ig_yamux_stream *cs;

    peer_init(&c, 1, 0);
    peer_init(&s, 0, 0);
    s.reject = 1;
    ASSERT_OK(ig_yamux_stream_open(c.y, &cs));
    pump_all(&c, &s, 100);
    ASSERT_EQ(c.resets, 1);
    ASSERT_EQ(ig_yamux_stream_count(s.y), 0);
    peer_fini(&c);
    peer_fini(&s);
}

TEST(data_after_fin_is_protocol_error)
{
    struct peer s;
    char err[128];
    uint8_t x = 0;

    peer_init(&s, 0, 0);
    ASSERT_OK(
      feed_frame(&s, 0, IG_YAMUX_DATA, IG_YAMUX_SYN | IG_YAMUX_FIN, 1, 1, err));
    ASSERT_OK(ig_yamux_input(s.y, &x, 1, err, sizeof(err)));
    ASSERT_EQ(s.fins, 1);
    ASSERT_EQ(feed_frame(&s, 0, IG_YAMUX_DATA, 0, 1, 1, err), IG_EYAMUX);
    peer_fini(&s);
}

TEST(window_update_overflow)
{
    struct peer s;
    char err[128];

    peer_init(&s, 0, 0);
    ASSERT_OK(feed_frame(
      &s, 0, IG_YAMUX_WINDOW_UPDATE, IG_YAMUX_SYN, 1, 0x7fff0000u, err));
    ASSERT_EQ(feed_frame(&s, 0, IG_YAMUX_WINDOW_UPDATE, 0, 1, 0x7fff0000u, err),
              IG_EYAMUX);
    peer_fini(&s);
}

TEST(frame_length_cap)
{
    struct peer s;
    char err[128];

    peer_init(&s, 0, 0);
    ASSERT_EQ(
      feed_frame(&s, 0, IG_YAMUX_DATA, IG_YAMUX_SYN, 1, 0x7fffffffu, err),
      IG_ETOOBIG);
    peer_fini(&s);
}

/* Data for a stream we already released is skipped, not fatal. */
TEST(data_for_unknown_stream_is_dropped)
{
    struct peer s;
    char err[128];
    uint8_t body[10] = { 0 };

    peer_init(&s, 0, 0);
    ASSERT_OK(feed_frame(&s, 0, IG_YAMUX_DATA, 0, 9, sizeof(body), err));
    ASSERT_OK(ig_yamux_input(s.y, body, sizeof(body), err, sizeof(err)));
    ASSERT_OK(feed_frame(&s, 0, IG_YAMUX_PING, IG_YAMUX_SYN, 0, 1, err));
    ASSERT_EQ(ig_buf_len(&s.rx), 0);
    peer_fini(&s);
}

/* Many streams interleaved, fed in odd-sized pieces. */
TEST(many_streams_interleaved)
{
    struct peer c, s;
    struct ig_yamux_stream *cs[50];
    uint8_t msg[1000];

    peer_init(&c, 1, 0);
    peer_init(&s, 0, 0);
    for (int i = 0; i < 50; i++)
        ASSERT_OK(ig_yamux_stream_open(c.y, &cs[i]));
    for (int round = 0; round < 4; round++)
        for (int i = 0; i < 50; i++) {
            memset(msg, i, sizeof(msg));
            ASSERT_EQ(ig_yamux_stream_write(cs[i], msg, sizeof(msg)),
                      (long)sizeof(msg));
        }
    pump_all(&c, &s, 333);
    ASSERT_EQ(s.opens, 50);
    ASSERT_EQ(ig_buf_len(&s.rx), 50 * 4 * sizeof(msg));
    peer_fini(&c);
    peer_fini(&s);
}

/* A header-only write charges the window and queues 12 bytes; the
 * caller's payload then follows it on the wire. */
TEST(write_header_then_own_payload)
{
    struct peer c, s;
    struct ig_yamux_stream *cs;
    size_t len;
    const uint8_t *o;

    peer_init(&c, 1, 0);
    peer_init(&s, 0, 0);
    ASSERT_OK(ig_yamux_stream_open(c.y, &cs));
    pump_all(&c, &s, 64);
    ASSERT_EQ(ig_yamux_stream_write_header(cs, 5), 5);
    o = ig_yamux_out(c.y, &len);
    ASSERT_EQ(len, IG_YAMUX_HEADER_LEN);
    ASSERT_OK(ig_yamux_input(s.y, o, len, NULL, 0));
    ig_yamux_out_consume(c.y, len);
    ASSERT_OK(ig_yamux_input(s.y, (const uint8_t *)"direct", 5, NULL, 0));
    ASSERT_EQ(ig_buf_len(&s.rx), 5);
    ASSERT_MEM_EQ(ig_buf_data(&s.rx), "direc", 5);
    ASSERT_EQ(ig_yamux_stream_send_window(cs), IG_YAMUX_INITIAL_WINDOW - 5);
    /* A shut window takes nothing and asks for on_writable. */
    ASSERT_EQ(ig_yamux_stream_write_header(cs, IG_YAMUX_INITIAL_WINDOW),
              IG_YAMUX_INITIAL_WINDOW - 5);
    ASSERT_EQ(ig_yamux_stream_write_header(cs, 1), 0);
    peer_fini(&c);
    peer_fini(&s);
}

static int rewaits;

/* on_writable that blocks again at once, as a writer facing a full
 * socket queue does. */
static void cb_rewait(void *ctx, struct ig_yamux_stream *s)
{
    rewaits++;
    ig_yamux_stream_wait(s);
}

TEST(kick_wakes_each_waiting_stream_once)
{
    struct ig_yamux_cfg cfg;
    struct ig_yamux_cb cb = { 0 };
    struct ig_yamux *y;
    struct ig_yamux_stream *st[3];

    ig_yamux_cfg_default(&cfg, 1);
    cb.on_writable = cb_rewait;
    ASSERT_OK(ig_yamux_new(&y, &cfg, &cb));
    for (int i = 0; i < 3; i++) {
        ASSERT_OK(ig_yamux_stream_open(y, &st[i]));
        ig_yamux_stream_wait(st[i]);
    }
    ig_yamux_kick(y);
    ASSERT_EQ(rewaits, 3);
    ig_yamux_kick(y);
    ASSERT_EQ(rewaits, 6);
    ig_yamux_free(y);
}

/* ---- receive window tuning, on a clock the test moves ---- */

#define KIB 1024u
static uint64_t clock_us = 1;

static uint64_t test_now_us(void)
{
    return clock_us;
}

static void peer_init_tuned(struct peer *p,
                            int is_client,
                            uint32_t max_window,
                            uint64_t conn_window)
{
    struct ig_yamux_cfg cfg;

    ig_yamux_cfg_default(&cfg, is_client);
    cfg.max_window = max_window;
    cfg.conn_window = conn_window;
    cfg.now_us = test_now_us;
    peer_init_cfg(p, &cfg);
}

/* s pings c and the answer takes rtt_us. */
static void measure_rtt(struct peer *c, struct peer *s, uint64_t rtt_us)
{
    ASSERT_OK(ig_yamux_ping(s->y, 41));
    pump(s, c, 1u << 20);
    clock_us += rtt_us;
    pump(c, s, 1u << 20);
    ASSERT_EQ(ig_yamux_rtt_us(s->y), rtt_us);
}

/* Write n bytes on cs (within its window) and deliver them all. */
static void send_n(struct peer *c,
                   struct peer *s,
                   struct ig_yamux_stream *cs,
                   size_t n)
{
    static uint8_t zero[1u << 20];

    ASSERT_TRUE(n <= sizeof(zero));
    ASSERT_EQ(ig_yamux_stream_write(cs, zero, n), (long)n);
    pump_all(c, s, 1u << 20);
}

/* The window doubles when an update falls due within four round trips
 * of the last, as the peer sees in its send window; a slower reader
 * keeps its window; nothing passes the maximum. */
TEST(window_doubles_within_four_round_trips)
{
    struct peer c, s;
    struct ig_yamux_stream *cs, *ss;

    peer_init(&c, 1, 0);
    peer_init_tuned(&s, 0, 1024 * KIB, 64u << 20);
    measure_rtt(&c, &s, 10000);
    ASSERT_OK(ig_yamux_stream_open(c.y, &cs));
    pump_all(&c, &s, 1u << 20);
    ss = s.last_open;
    ASSERT_EQ(ig_yamux_stream_recv_window(ss), 256 * KIB);
    /* Half the window at once: 128 KiB returned plus 256 KiB more. */
    send_n(&c, &s, cs, 128 * KIB);
    ASSERT_EQ(ig_yamux_stream_recv_window(ss), 512 * KIB);
    ASSERT_EQ(ig_yamux_stream_send_window(cs), 512 * KIB);
    /* Five round trips later: credit comes back, the window stays. */
    clock_us += 50000;
    send_n(&c, &s, cs, 256 * KIB);
    ASSERT_EQ(ig_yamux_stream_recv_window(ss), 512 * KIB);
    ASSERT_EQ(ig_yamux_stream_send_window(cs), 512 * KIB);
    clock_us += 39000;
    send_n(&c, &s, cs, 256 * KIB);
    ASSERT_EQ(ig_yamux_stream_recv_window(ss), 1024 * KIB);
    ASSERT_EQ(ig_yamux_stream_send_window(cs), 1024 * KIB);
    send_n(&c, &s, cs, 512 * KIB);
    ASSERT_EQ(ig_yamux_stream_recv_window(ss), 1024 * KIB);
    ASSERT_EQ(ig_yamux_stream_send_window(cs), 1024 * KIB);
    ASSERT_EQ(ig_yamux_recv_granted(s.y), 1024 * KIB);
    peer_fini(&c);
    peer_fini(&s);
}

/* Without a measured round trip nothing grows, and a pong that does not
 * answer our latest ping measures nothing. */
TEST(window_fixed_until_a_round_trip_is_measured)
{
    struct peer c, s;
    struct ig_yamux_stream *cs;
    const uint8_t *o;
    size_t len;

    peer_init(&c, 1, 0);
    peer_init_tuned(&s, 0, 1024 * KIB, 64u << 20);
    ASSERT_OK(ig_yamux_ping(s.y, 1));
    ASSERT_OK(ig_yamux_ping(s.y, 2));
    /* Only the first ping reaches c: its answer is stale. */
    o = ig_yamux_out(s.y, &len);
    ASSERT_EQ(len, 2 * IG_YAMUX_HEADER_LEN);
    ASSERT_OK(ig_yamux_input(c.y, o, IG_YAMUX_HEADER_LEN, NULL, 0));
    ig_yamux_out_consume(s.y, len);
    clock_us += 500;
    pump(&c, &s, 1u << 20);
    ASSERT_EQ(s.pongs, 1);
    ASSERT_EQ(ig_yamux_rtt_us(s.y), 0);
    ASSERT_OK(ig_yamux_stream_open(c.y, &cs));
    pump_all(&c, &s, 1u << 20);
    for (int i = 0; i < 4; i++)
        send_n(&c, &s, cs, 128 * KIB);
    ASSERT_EQ(ig_yamux_stream_recv_window(s.last_open), 256 * KIB);
    ASSERT_EQ(ig_yamux_stream_send_window(cs), 256 * KIB);
    peer_fini(&c);
    peer_fini(&s);
}

/* A stream whose doubling would pass the connection's cap does not
 * grow; once another stream's window is released, it may. */
TEST(window_growth_respects_the_connection_cap)
{
    struct peer c, s;
    struct ig_yamux_stream *c1, *c2, *s1, *s2;

    peer_init(&c, 1, 0);
    peer_init_tuned(&s, 0, 1024 * KIB, 1024 * KIB);
    measure_rtt(&c, &s, 10000);
    ASSERT_OK(ig_yamux_stream_open(c.y, &c1));
    pump_all(&c, &s, 1u << 20);
    s1 = s.last_open;
    ASSERT_OK(ig_yamux_stream_open(c.y, &c2));
    pump_all(&c, &s, 1u << 20);
    s2 = s.last_open;
    send_n(&c, &s, c1, 128 * KIB);
    ASSERT_EQ(ig_yamux_stream_recv_window(s1), 512 * KIB);
    ASSERT_EQ(ig_yamux_recv_granted(s.y), 768 * KIB);
    send_n(&c, &s, c1, 256 * KIB);
    /* 1024 KiB for s1 would make 1280 KiB in all. */
    ASSERT_EQ(ig_yamux_stream_recv_window(s1), 512 * KIB);
    send_n(&c, &s, c2, 128 * KIB);
    ASSERT_EQ(ig_yamux_stream_recv_window(s2), 512 * KIB);
    ASSERT_EQ(ig_yamux_recv_granted(s.y), 1024 * KIB);
    send_n(&c, &s, c2, 256 * KIB);
    ASSERT_EQ(ig_yamux_stream_recv_window(s2), 512 * KIB);
    ASSERT_EQ(ig_yamux_stream_send_window(c2), 512 * KIB);
    ig_yamux_stream_free(s1);
    ig_yamux_stream_free(c1);
    pump_all(&c, &s, 1u << 20);
    ASSERT_EQ(ig_yamux_recv_granted(s.y), 512 * KIB);
    send_n(&c, &s, c2, 256 * KIB);
    ASSERT_EQ(ig_yamux_stream_recv_window(s2), 1024 * KIB);
    ASSERT_EQ(ig_yamux_stream_send_window(c2), 1024 * KIB);
    peer_fini(&c);
    peer_fini(&s);
}

/* A window past what a 32-bit update can carry safely is refused. */
TEST(window_max_is_bounded)
{
    struct ig_yamux_cfg cfg;
    struct ig_yamux *y;

    ig_yamux_cfg_default(&cfg, 1);
    cfg.max_window = (1u << 30) + 1;
    ASSERT_EQ(ig_yamux_new(&y, &cfg, NULL), -EINVAL);
    cfg.max_window = 1u << 30;
    ASSERT_OK(ig_yamux_new(&y, &cfg, NULL));
    ig_yamux_free(y);
}
