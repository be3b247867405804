/* SPDX-License-Identifier: MIT */
/* The event log: record and seal, the size cap, copies, and the serialized
 * form's round trip and its rejection of damaged input. */
#define IG_TEST_MAIN
#include "test.h"

#include "membrane/eventlog.h"
#include "util/err.h"

static ig_eventlog_t *three_entries(void)
{
    ig_eventlog_t *log = NULL;
    uint8_t clock[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

    ASSERT_OK(ig_eventlog_new(0, &log));
    ig_eventlog_begin(log, 42);
    ASSERT_OK(ig_eventlog_record(log, IG_EV_CLOCK, clock, 8));
    ASSERT_OK(ig_eventlog_record(log, IG_EV_RAND, "\xde\xad\xbe\xef", 4));
    ASSERT_OK(ig_eventlog_record(log, IG_EV_LOG, NULL, 0));
    ig_eventlog_seal(log);
    return log;
}

TEST(begin_record_seal)
{
    ig_eventlog_t *log = three_entries();
    struct ig_event ev;

    ASSERT_TRUE(!ig_eventlog_is_open(log));
    ASSERT_U64_EQ(ig_eventlog_tick(log), 42);
    ASSERT_EQ(ig_eventlog_count(log), 3);
    ASSERT_EQ(ig_eventlog_used(log), 12 + 3 * IG_EVENTLOG_ENTRY_COST);
    ASSERT_OK(ig_eventlog_entry(log, 1, &ev));
    ASSERT_EQ(ev.id, IG_EV_RAND);
    ASSERT_EQ(ev.len, 4);
    ASSERT_MEM_EQ(ev.payload, "\xde\xad\xbe\xef", 4);
    ASSERT_OK(ig_eventlog_entry(log, 2, &ev));
    ASSERT_EQ(ev.id, IG_EV_LOG);
    ASSERT_EQ(ev.len, 0);
    ASSERT_EQ(ig_eventlog_entry(log, 3, &ev), IG_ENOTFOUND);
    /* Sealed: nothing more goes in. */
    ASSERT_EQ(ig_eventlog_record(log, IG_EV_CLOCK, "x", 1), IG_ESTATE);
    ASSERT_EQ(ig_eventlog_count(log), 3);
    /* A new tick drops the old entries. */
    ig_eventlog_begin(log, 43);
    ASSERT_EQ(ig_eventlog_count(log), 0);
    ASSERT_TRUE(ig_eventlog_is_open(log));
    ig_eventlog_free(log);
}

TEST(payload_is_copied)
{
    ig_eventlog_t *log = NULL;
    uint8_t buf[4] = { 9, 9, 9, 9 };
    struct ig_event ev;

    ASSERT_OK(ig_eventlog_new(0, &log));
    ig_eventlog_begin(log, 1);
    ASSERT_OK(ig_eventlog_record(log, IG_EV_RAND, buf, 4));
    memset(buf, 0, sizeof(buf));
    /* Many more entries force the arena to move. */
    for (int i = 0; i < 1000; i++)
        ASSERT_OK(ig_eventlog_record(log, IG_EV_LOG, "0123456789", 10));
    ASSERT_OK(ig_eventlog_entry(log, 0, &ev));
    ASSERT_MEM_EQ(ev.payload, "\x09\x09\x09\x09", 4);
    ASSERT_OK(ig_eventlog_entry(log, 1000, &ev));
    ASSERT_MEM_EQ(ev.payload, "0123456789", 10);
    ig_eventlog_free(log);
}

TEST(cap_bounds_a_tick)
{
    ig_eventlog_t *log = NULL;
    size_t n = 0;
    int rc;

    ASSERT_OK(ig_eventlog_new(1000, &log));
    ig_eventlog_begin(log, 1);
    while ((rc = ig_eventlog_record(log, IG_EV_LOG, "0123456789", 10)) == 0)
        n++;
    ASSERT_EQ(rc, IG_EEVENTLOG_FULL);
    ASSERT_EQ(n, 1000 / (10 + IG_EVENTLOG_ENTRY_COST));
    ASSERT_EQ(ig_eventlog_count(log), n);
    ASSERT_TRUE(ig_eventlog_used(log) <= 1000);
    ASSERT_EQ(ig_eventlog_record(log, IG_EV_RAND, NULL, SIZE_MAX),
              IG_EEVENTLOG_FULL);
    /* The next tick starts with the whole budget again. */
    ig_eventlog_begin(log, 2);
    ASSERT_OK(ig_eventlog_record(log, IG_EV_LOG, "0123456789", 10));
    ig_eventlog_free(log);
}

TEST(serialize_round_trip)
{
    ig_eventlog_t *log = three_entries(), *back = NULL;
    size_t n = ig_eventlog_serialized_size(log);
    uint8_t *buf = malloc(n + 3);
    const uint8_t *pos = buf;
    struct ig_event a, b;
    char err[128];

    ASSERT_EQ(n, 13 + 3 * 6 + 12);
    ASSERT_EQ(ig_eventlog_serialize(log, buf, n - 1), IG_ETOOBIG);
    ASSERT_OK(ig_eventlog_serialize(log, buf, n));
    /* version, tick 42, count 3, first entry id 1 len 8 */
    ASSERT_MEM_EQ(buf, "\x01\x2a\0\0\0\0\0\0\0\x03\0\0\0\x01\0\x08\0\0\0", 19);
    memcpy(buf + n, "abc", 3);
    ASSERT_OK(ig_eventlog_new(0, &back));
    ASSERT_OK(ig_eventlog_parse(back, &pos, buf + n + 3, err, sizeof(err)));
    ASSERT_TRUE(pos == buf + n); /* trailing bytes left to the caller */
    ASSERT_TRUE(!ig_eventlog_is_open(back));
    ASSERT_U64_EQ(ig_eventlog_tick(back), 42);
    ASSERT_EQ(ig_eventlog_count(back), 3);
    for (size_t i = 0; i < 3; i++) {
        ASSERT_OK(ig_eventlog_entry(log, i, &a));
        ASSERT_OK(ig_eventlog_entry(back, i, &b));
        ASSERT_EQ(a.id, b.id);
        ASSERT_EQ(a.len, b.len);
        if (a.len)
            ASSERT_MEM_EQ(a.payload, b.payload, a.len);
    }
    free(buf);
    ig_eventlog_free(log);
    ig_eventlog_free(back);
}

TEST(parse_rejects_damage)
{
    ig_eventlog_t *log = three_entries(), *back = NULL, *small = NULL;
    size_t n = ig_eventlog_serialized_size(log);
    uint8_t *buf = malloc(n);
    const uint8_t *pos;
    char err[128];

    ASSERT_OK(ig_eventlog_serialize(log, buf, n));
    ASSERT_OK(ig_eventlog_new(0, &back));
    ASSERT_OK(ig_eventlog_new(32, &small));
    /* Every truncation fails and leaves the cursor alone. */
    for (size_t cut = 0; cut < n; cut++) {
        pos = buf;
        ASSERT_EQ(ig_eventlog_parse(back, &pos, buf + cut, err, sizeof(err)),
                  IG_ETRUNC);
        ASSERT_TRUE(pos == buf);
        ASSERT_EQ(ig_eventlog_count(back), 0);
    }
    /* A log bigger than the reader's cap is refused. */
    pos = buf;
    ASSERT_EQ(ig_eventlog_parse(small, &pos, buf + n, err, sizeof(err)),
              IG_EEVENTLOG_FULL);
    ASSERT_EQ(ig_eventlog_count(small), 0);
    ASSERT_STR_CONTAINS(err, "entry 1");
    /* An entry claiming more bytes than remain. */
    buf[15] = 0xff;
    pos = buf;
    ASSERT_EQ(ig_eventlog_parse(back, &pos, buf + n, err, sizeof(err)),
              IG_ETRUNC);
    buf[0] = 2;
    pos = buf;
    ASSERT_EQ(ig_eventlog_parse(back, &pos, buf + n, err, sizeof(err)),
              IG_EUNSUPPORTED);
    free(buf);
    ig_eventlog_free(log);
    ig_eventlog_free(back);
    ig_eventlog_free(small);
}

TEST(copy_keeps_entries)
{
    ig_eventlog_t *log = three_entries(), *dst = NULL, *small = NULL;
    struct ig_event ev;

    ASSERT_OK(ig_eventlog_new(0, &dst));
    ASSERT_OK(ig_eventlog_copy(dst, log));
    ASSERT_EQ(ig_eventlog_count(dst), 3);
    ASSERT_OK(ig_eventlog_copy(dst, dst)); /* copying onto itself keeps it */
    ASSERT_EQ(ig_eventlog_count(dst), 3);
    ASSERT_U64_EQ(ig_eventlog_tick(dst), 42);
    ASSERT_OK(ig_eventlog_entry(dst, 0, &ev));
    ASSERT_EQ(ev.len, 8);
    ASSERT_OK(ig_eventlog_new(20, &small));
    ASSERT_EQ(ig_eventlog_copy(small, log), IG_EEVENTLOG_FULL);
    ASSERT_EQ(ig_eventlog_count(small), 0);
    ig_eventlog_free(log);
    ig_eventlog_free(dst);
    ig_eventlog_free(small);
}

TEST(names)
{
    ASSERT_STR_EQ(ig_event_name(IG_EV_CLOCK), "clock_now");
    ASSERT_STR_EQ(ig_event_name(IG_EV_WASI_RANDOM), "wasi.random_get");
    ASSERT_STR_EQ(ig_event_name(0), "?");
    ASSERT_STR_EQ(ig_event_name(999), "?");
}
