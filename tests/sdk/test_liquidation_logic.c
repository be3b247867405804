/* SPDX-License-Identifier: MIT */
/* The liquidation agent's pure logic, natively: price curve, threshold,
 * slots and gap catch-up, and its 72-byte state. */
#define IG_TEST_MAIN
#include "test.h"

#include "logic.h"

#define BIRTH 1700000000000000000LL
#define SLOT(n) (BIRTH + (int64_t)(n)*LIQ_NS_PER_SLOT)

/* Captured log lines, joined with '\n'. */
struct logbuf {
    char text[65536];
    size_t len;
    int lines;
};

static void capture(void *ctx, const char *line)
{
    struct logbuf *b = ctx;
    int n = snprintf(b->text + b->len, sizeof(b->text) - b->len, "%s\n", line);

    if (n > 0 && (size_t)n < sizeof(b->text) - b->len)
        b->len += (size_t)n;
    b->lines++;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;

    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

TEST(curve_points_and_interpolation)
{
    ASSERT_EQ(liq_price_at(0), 200000);
    ASSERT_EQ(liq_price_at(5), 205000);
    ASSERT_EQ(liq_price_at(10), 192000);
    ASSERT_EQ(liq_price_at(35), 165000);
    ASSERT_EQ(liq_price_at(38), 154000);
    ASSERT_EQ(liq_price_at(55), 175000);
    ASSERT_EQ(liq_price_at(1), 201000);
    ASSERT_EQ(liq_price_at(12), 194400);
    ASSERT_EQ(liq_price_at(36), 161334); /* -11000/3 truncates to -3666 */
    ASSERT_EQ(liq_price_at(37), 157667);
    ASSERT_EQ(liq_price_at(39), 156000);
    ASSERT_EQ(liq_price_at(56), 175000);
    ASSERT_EQ(liq_price_at(1000000), 175000);
    ASSERT_EQ(liq_price_at(UINT64_MAX), 175000);
}

TEST(only_slot_38_breaches)
{
    for (uint64_t s = 0; s < 200; s++)
        ASSERT_EQ(liq_price_at(s) < LIQ_THRESHOLD_CENTS, s == 38);
}

TEST(live_ticks_no_gap)
{
    struct liq_state st = { 0 };
    struct logbuf log = { .len = 0 };

    for (int s = 0; s <= 40; s++)
        liq_tick(&st, SLOT(s) + 300000000, capture, &log);
    ASSERT_U64_EQ(st.ticks, 41);
    ASSERT_U64_EQ(st.last_slot, 40);
    ASSERT_EQ(st.slots_processed, 41);
    ASSERT_EQ(st.warning_active, 1);
    ASSERT_U64_EQ(st.first_warning_slot, 38);
    ASSERT_EQ(st.low, 154000);
    ASSERT_EQ(st.high, 205000);
    ASSERT_EQ(st.price, 158000);
    ASSERT_EQ(count(log.text, "(live)"), 41);
    ASSERT_EQ(count(log.text, "GAP DETECTED"), 0);
    ASSERT_EQ(count(log.text, "DURING DOWNTIME"), 0);
    ASSERT_STR_CONTAINS(log.text,
                        "[liquidation] slot 38 price $1,540.00 "
                        "(live)\n[liquidation] WARNING: price "
                        "$1,540.00 below threshold $1,550.00 at "
                        "slot 38\n");
}

/* Slots 0-14 live, down for 25 s, back at slot 40: 15-39 are caught up
 * and the breach at 38 is reported as having happened in the gap. */
TEST(gap_catch_up_reports_breach)
{
    struct liq_state st = { 0 };
    struct logbuf log = { .len = 0 };
    const char *gap, *breach, *live40;

    for (int s = 0; s <= 14; s++)
        liq_tick(&st, SLOT(s), capture, &log);
    ASSERT_EQ(st.warning_active, 0);
    liq_tick(&st, SLOT(40) + 5, capture, &log);
    ASSERT_U64_EQ(st.ticks, 16);
    ASSERT_U64_EQ(st.last_slot, 40);
    ASSERT_EQ(st.slots_processed, 41);
    ASSERT_U64_EQ(st.first_warning_slot, 38);
    ASSERT_EQ(count(log.text, "(catch-up)"), 25);
    ASSERT_EQ(count(log.text, "(live)"), 16);
    gap = strstr(log.text,
                 "==== GAP DETECTED: 25 slots missed (slots "
                 "15-39) ====");
    breach = strstr(log.text,
                    "THRESHOLD BREACHED AT SLOT 38 (DURING "
                    "DOWNTIME)");
    live40 = strstr(log.text, "slot 40 price $1,580.00 (live)");
    ASSERT_TRUE(gap && breach && live40);
    ASSERT_TRUE(gap < strstr(log.text, "slot 15 price"));
    ASSERT_TRUE(strstr(log.text, "slot 39 price") < breach);
    ASSERT_TRUE(breach < live40);
}

/* A gap after the breach was seen live reports no downtime breach. */
TEST(gap_after_live_breach)
{
    struct liq_state st = { 0 };
    struct logbuf log = { .len = 0 };

    for (int s = 0; s <= 39; s++)
        liq_tick(&st, SLOT(s), capture, &log);
    liq_tick(&st, SLOT(50), capture, &log);
    ASSERT_EQ(count(log.text, "GAP DETECTED: 10 slots missed"), 1);
    ASSERT_EQ(count(log.text, "DURING DOWNTIME"), 0);
    ASSERT_U64_EQ(st.last_slot, 50);
}

/* A year away: the catch-up stays a few dozen lines and one tick. */
TEST(long_gap_is_bounded)
{
    static struct logbuf log;
    struct liq_state st = { 0 };
    const uint64_t year = 365ULL * 24 * 3600;

    for (int s = 0; s <= 14; s++)
        liq_tick(&st, SLOT(s), capture, &log);
    log.lines = 0;
    liq_tick(&st, SLOT(year), capture, &log);
    ASSERT_TRUE(log.lines < 60);
    ASSERT_U64_EQ(st.last_slot, year);
    ASSERT_EQ(st.slots_processed, year + 1);
    ASSERT_U64_EQ(st.first_warning_slot, 38);
    ASSERT_EQ(st.price, 175000);
    ASSERT_EQ(st.low, 154000);
    ASSERT_STR_CONTAINS(log.text,
                        "THRESHOLD BREACHED AT SLOT 38 (DURING "
                        "DOWNTIME)");
    ASSERT_STR_CONTAINS(log.text,
                        "slots 56-31535999 price $1,750.00 "
                        "(catch-up, held)");
    /* Clocks at the ends of the i64 range neither overflow nor hang. */
    memset(&st, 0, sizeof(st));
    liq_tick(&st, INT64_MIN, capture, &log);
    liq_tick(&st, INT64_MAX, capture, &log);
    ASSERT_U64_EQ(st.last_slot, UINT64_MAX / 1000000000ULL);
    ASSERT_EQ(st.slots_processed, UINT32_MAX);
}

TEST(same_slot_and_clock_skew)
{
    struct liq_state st = { 0 };
    struct logbuf log = { .len = 0 };

    liq_tick(&st, SLOT(0), capture, &log);
    liq_tick(&st, SLOT(0) + 999999999, capture, &log);
    ASSERT_EQ(st.slots_processed, 1);
    liq_tick(&st, SLOT(0) - 5 * LIQ_NS_PER_SLOT, capture, &log);
    ASSERT_EQ(st.slots_processed, 1);
    ASSERT_U64_EQ(st.ticks, 3);
    ASSERT_EQ(log.lines, 1);
}

TEST(state_is_72_bytes_and_round_trips)
{
    struct liq_state st = { 0 }, back;
    struct logbuf log = { .len = 0 };
    struct igor_enc e = IGOR_ENC_INIT;
    struct igor_dec d;

    for (int s = 0; s <= 38; s += 2)
        liq_tick(&st, SLOT(s), capture, &log);
    liq_encode(&st, &e);
    ASSERT_EQ(e.err, 0);
    ASSERT_EQ(e.len, LIQ_STATE_LEN);
    igor_dec_init(&d, e.buf, e.len);
    ASSERT_OK(liq_decode(&back, &d));
    ASSERT_EQ(igor_dec_remaining(&d), 0);
    ASSERT_MEM_EQ(&back, &st, sizeof(st));
    /* Every truncation is refused and leaves a zero state. */
    for (size_t n = 0; n < LIQ_STATE_LEN; n++) {
        igor_dec_init(&d, e.buf, n);
        ASSERT_EQ(liq_decode(&back, &d), -1);
        ASSERT_EQ(back.ticks, 0);
    }
    igor_enc_free(&e);
}

TEST(state_codec_primitives)
{
    struct igor_enc e = IGOR_ENC_INIT;
    struct igor_dec d;
    const uint8_t *p;
    uint32_t n;
    uint8_t raw[3];

    igor_enc_u8(&e, 0xab);
    igor_enc_u32(&e, 0x01020304);
    igor_enc_i64(&e, -2);
    igor_enc_bytes(&e, "hey", 3);
    igor_enc_raw(&e, "xyz", 3);
    ASSERT_EQ(e.len, 1 + 4 + 8 + 7 + 3);
    ASSERT_EQ(e.buf[1], 0x04);
    ASSERT_EQ(e.buf[5], 0xfe);
    igor_dec_init(&d, e.buf, e.len);
    ASSERT_EQ(igor_dec_u8(&d), 0xab);
    ASSERT_EQ(igor_dec_u32(&d), 0x01020304);
    ASSERT_EQ(igor_dec_i64(&d), -2);
    p = igor_dec_bytes(&d, &n);
    ASSERT_EQ(n, 3);
    ASSERT_MEM_EQ(p, "hey", 3);
    igor_dec_raw(&d, raw, 3);
    ASSERT_MEM_EQ(raw, "xyz", 3);
    ASSERT_EQ(d.err, 0);
    /* Past the end: sticky error, zero values. */
    ASSERT_EQ(igor_dec_u64(&d), 0);
    ASSERT_EQ(d.err, 1);
    ASSERT_EQ(igor_dec_u8(&d), 0);
    /* A length prefix larger than the data is a short read. */
    igor_dec_init(&d,
                  "\xff\xff\xff\x7f"
                  "ab",
                  6);
    ASSERT_TRUE(igor_dec_bytes(&d, &n) == NULL);
    ASSERT_EQ(n, 0);
    ASSERT_EQ(d.err, 1);
    igor_enc_free(&e);
}
