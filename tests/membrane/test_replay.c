/* SPDX-License-Identifier: MIT */
/* Replay of a recorded tick: the same guest state and fuel from the log
 * alone, and every kind of divergence detected. */
#define IG_TEST_MAIN
#include "test.h"

#include "guest.h"
#include "membrane/replay.h"
#include "util/err.h"

#define CAPS                                                                   \
    "{\"capabilities\":{\"clock\":{\"version\":1},\"rand\":{\"version\":1},"   \
    "\"log\":{\"version\":1},\"wallet\":{\"version\":1},"                      \
    "\"pricing\":{\"version\":1}}}"

static struct capture cap;

static int64_t balance(void *u)
{
    return 4200000;
}

static uint32_t count(void *u)
{
    return 1;
}

static int receipt(void *u, uint32_t i, const uint8_t **data, size_t *len)
{
    if (i != 0)
        return IG_ENOTFOUND;
    *data = (const uint8_t *)"a signed receipt";
    *len = 16;
    return 0;
}

static int64_t price(void *u)
{
    return 1000;
}

/* Live: the real clock and libsodium randomness. */
static struct ig_membrane_config config(int mode)
{
    struct ig_membrane_config c = {
        .mode = mode,
        .user = &cap,
        .log = capture_log,
        .wallet_balance = balance,
        .receipt_count = count,
        .receipt = receipt,
        .node_price = price,
    };

    return c;
}

/* A live run: init, tick 1, then tick 2 whose pre- and post-states and
 * serialized log (malloc'd) come back. Returns tick 2's fuel. */
static uint64_t live_run(struct guest_state *pre,
                         struct guest_state *post,
                         uint8_t **log,
                         size_t *loglen)
{
    struct ig_membrane_config c = config(IG_MEMBRANE_LIVE);
    const ig_eventlog_t *el;
    struct guest g;
    uint64_t fuel;

    ASSERT_OK(guest_open(&g, "replay", CAPS, &c));
    ASSERT_OK(guest_call(&g, "agent_init", NULL, 0, NULL, 0));
    for (uint64_t t = 1; t <= 2; t++) {
        guest_capture(&g, pre);
        ASSERT_OK(ig_membrane_tick_begin(g.mb, t));
        ASSERT_OK(guest_tick(&g));
        ig_membrane_tick_end(g.mb);
    }
    fuel = ig_wasm_store_fuel_consumed(g.store);
    guest_capture(&g, post);
    el = ig_membrane_eventlog(g.mb);
    *loglen = ig_eventlog_serialized_size(el);
    *log = malloc(*loglen);
    ASSERT_OK(ig_eventlog_serialize(el, *log, *loglen));
    guest_close(&g);
    return fuel;
}

static ig_eventlog_t *parse_log(const uint8_t *p, size_t n)
{
    ig_eventlog_t *log = NULL;
    char err[128];

    ASSERT_OK(ig_eventlog_new(0, &log));
    ASSERT_OK(ig_eventlog_parse(log, &p, p + n, err, sizeof(err)));
    return log;
}

/* Open a replaying guest at the pre-tick state. */
static void open_replay(struct guest *g, const struct guest_state *pre)
{
    struct ig_membrane_config c = config(IG_MEMBRANE_REPLAY);

    ASSERT_OK(guest_open(g, "replay", CAPS, &c));
    guest_resume(g, pre);
}

TEST(replay_reproduces_state_and_fuel)
{
    struct guest_state pre, post, again;
    struct guest g;
    ig_eventlog_t *log;
    uint8_t *bytes;
    size_t n;
    uint64_t fuel;
    char err[128];

    fuel = live_run(&pre, &post, &bytes, &n);
    log = parse_log(bytes, n);
    /* clock, rand 16, rand 0, log, log 0, balance, count, receipt, receipt
     * (bad index), price, wasi clock, wasi random */
    ASSERT_EQ(ig_eventlog_count(log), 12);
    ASSERT_U64_EQ(ig_eventlog_tick(log), 2);

    memset(&cap, 0, sizeof(cap));
    open_replay(&g, &pre);
    ASSERT_OK(ig_replay_begin(g.mb, log));
    ASSERT_OK(guest_tick(&g));
    ASSERT_EQ(ig_replay_position(g.mb), 12);
    ASSERT_OK(ig_replay_end(g.mb, err, sizeof(err)));
    ASSERT_U64_EQ(ig_wasm_store_fuel_consumed(g.store), fuel);
    guest_capture(&g, &again);
    ASSERT_EQ(
      ig_replay_first_diff(post.bytes, post.len, again.bytes, again.len), -1);
    /* The replay showed nothing: log_emit is silent there. */
    ASSERT_EQ(cap.n, 0);
    ASSERT_TRUE(memcmp(pre.bytes, post.bytes, pre.len) != 0);
    guest_close(&g);
    ig_eventlog_free(log);
    free(bytes);
}

/* Rebuild the log with entry i changed by edit (or dropped when it returns
 * 0), and one extra entry at the end when extra. */
typedef int (*edit_fn)(struct ig_event *ev, uint8_t *scratch);

static ig_eventlog_t *edited(const ig_eventlog_t *src,
                             size_t at,
                             edit_fn edit,
                             int extra)
{
    ig_eventlog_t *log = NULL;
    uint8_t scratch[64];
    struct ig_event ev;

    ASSERT_OK(ig_eventlog_new(0, &log));
    ig_eventlog_begin(log, ig_eventlog_tick(src));
    for (size_t i = 0; i < ig_eventlog_count(src); i++) {
        ASSERT_OK(ig_eventlog_entry(src, i, &ev));
        if (i == at && !edit(&ev, scratch))
            continue;
        ASSERT_OK(ig_eventlog_record(log, ev.id, ev.payload, ev.len));
    }
    if (extra)
        ASSERT_OK(ig_eventlog_record(log, IG_EV_CLOCK, "12345678", 8));
    ig_eventlog_seal(log);
    return log;
}

static int swap_id(struct ig_event *ev, uint8_t *s)
{
    ev->id = IG_EV_NODE_PRICE;
    return 1;
}

static int drop(struct ig_event *ev, uint8_t *s)
{
    return 0;
}

static int keep(struct ig_event *ev, uint8_t *s)
{
    return 1;
}

static int flip_byte(struct ig_event *ev, uint8_t *s)
{
    memcpy(s, ev->payload, ev->len);
    s[12] ^= 0x55; /* past the bytes the agent puts in its log line */
    ev->payload = s;
    return 1;
}

static int shorten(struct ig_event *ev, uint8_t *s)
{
    ev->len--;
    return 1;
}

struct outcome {
    int tick_rc, end_rc;
    int64_t diff;
    char error[256];
};

static struct outcome replay_with(const struct guest_state *pre,
                                  const struct guest_state *post,
                                  const ig_eventlog_t *log)
{
    struct outcome o;
    struct guest_state got;
    struct guest g;
    char err[128];

    open_replay(&g, pre);
    ASSERT_OK(ig_replay_begin(g.mb, log));
    o.tick_rc = guest_tick(&g);
    snprintf(o.error, sizeof(o.error), "%s", ig_membrane_last_error(g.mb));
    o.end_rc = ig_replay_end(g.mb, err, sizeof(err));
    guest_capture(&g, &got);
    o.diff = ig_replay_first_diff(post->bytes, post->len, got.bytes, got.len);
    guest_close(&g);
    return o;
}

TEST(divergence_detected)
{
    struct guest_state pre, post;
    ig_eventlog_t *log, *bad;
    struct outcome o;
    uint8_t *bytes;
    size_t n;

    live_run(&pre, &post, &bytes, &n);
    log = parse_log(bytes, n);

    bad = edited(log, 0, swap_id, 0);
    o = replay_with(&pre, &post, bad);
    ASSERT_EQ(o.tick_rc, IG_EREPLAY_DIVERGED);
    ASSERT_STR_CONTAINS(o.error,
                        "entry 0 is node_price (7), guest called "
                        "clock_now (1)");
    ig_eventlog_free(bad);

    bad = edited(log, 11, drop, 0);
    o = replay_with(&pre, &post, bad);
    ASSERT_EQ(o.tick_rc, IG_EREPLAY_EXHAUSTED);
    ASSERT_STR_CONTAINS(o.error, "exhausted at entry 11");
    ASSERT_STR_CONTAINS(o.error, "wasi.random_get");
    ig_eventlog_free(bad);

    bad = edited(log, 0, keep, 1);
    o = replay_with(&pre, &post, bad);
    ASSERT_OK(o.tick_rc);
    ASSERT_EQ(o.end_rc, IG_EREPLAY_LEFTOVER);
    ASSERT_EQ(o.diff, -1);
    ig_eventlog_free(bad);

    /* Different random bytes: a consistent replay, a different state. */
    bad = edited(log, 1, flip_byte, 0);
    o = replay_with(&pre, &post, bad);
    ASSERT_OK(o.tick_rc);
    ASSERT_OK(o.end_rc);
    ASSERT_TRUE(o.diff >= 0);
    ig_eventlog_free(bad);

    bad = edited(log, 1, shorten, 0);
    o = replay_with(&pre, &post, bad);
    ASSERT_EQ(o.tick_rc, IG_EREPLAY_DIVERGED);
    ASSERT_STR_CONTAINS(o.error, "15 bytes recorded, 16 asked");
    ig_eventlog_free(bad);

    /* The guest logs a message other than the recorded one. */
    bad = edited(log, 3, flip_byte, 0);
    o = replay_with(&pre, &post, bad);
    ASSERT_EQ(o.tick_rc, IG_EREPLAY_DIVERGED);
    ASSERT_STR_CONTAINS(o.error, "different message");
    ig_eventlog_free(bad);

    /* A clock entry of the wrong size. */
    bad = edited(log, 0, shorten, 0);
    o = replay_with(&pre, &post, bad);
    ASSERT_EQ(o.tick_rc, IG_EREPLAY_DIVERGED);
    ASSERT_STR_CONTAINS(o.error, "payload is 7 bytes, not 8");
    ig_eventlog_free(bad);

    ig_eventlog_free(log);
    free(bytes);
}

TEST(mode_checks)
{
    struct ig_membrane_config c = config(IG_MEMBRANE_LIVE);
    ig_membrane_t *mb = NULL;
    ig_eventlog_t *log = NULL;
    char err[128];

    ASSERT_OK(ig_eventlog_new(0, &log));
    ASSERT_OK(ig_membrane_new(&c, &mb));
    ASSERT_EQ(ig_replay_begin(mb, log), IG_ESTATE);
    ig_membrane_free(mb);
    c.mode = IG_MEMBRANE_REPLAY;
    ASSERT_OK(ig_membrane_new(&c, &mb));
    ASSERT_EQ(ig_membrane_tick_begin(mb, 1), IG_ESTATE);
    ASSERT_EQ(ig_replay_end(mb, err, sizeof(err)), IG_ESTATE);
    ig_eventlog_begin(log, 3);
    ASSERT_EQ(ig_replay_begin(mb, log), IG_ESTATE); /* still open */
    ig_eventlog_seal(log);
    ASSERT_OK(ig_replay_begin(mb, log));
    ASSERT_EQ(ig_replay_begin(mb, log), IG_ESTATE); /* already replaying */
    ASSERT_OK(ig_replay_end(mb, err, sizeof(err)));
    ig_membrane_free(mb);
    c.mode = 7;
    ASSERT_EQ(ig_membrane_new(&c, &mb), IG_EUSAGE);
    ig_eventlog_free(log);
}

TEST(first_diff)
{
    ASSERT_EQ(ig_replay_first_diff(
                (const uint8_t *)"abc", 3, (const uint8_t *)"abc", 3),
              -1);
    ASSERT_EQ(ig_replay_first_diff(
                (const uint8_t *)"abc", 3, (const uint8_t *)"abd", 3),
              2);
    ASSERT_EQ(
      ig_replay_first_diff((const uint8_t *)"ab", 2, (const uint8_t *)"abc", 3),
      2);
    ASSERT_EQ(ig_replay_first_diff(NULL, 0, NULL, 0), -1);
}
