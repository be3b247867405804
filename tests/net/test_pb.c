/* SPDX-License-Identifier: MIT */
/* Protobuf reader and writer: round trip, unknown fields, bounds. */
#include "test.h"

#include <errno.h>

#include "net/pb.h"
#include "util/err.h"

TEST(pb_round_trip_and_skip_unknown)
{
    uint8_t buf[64];
    struct ig_pb_writer w;
    struct ig_pb_reader r;
    struct ig_pb_field f;
    int n, seen = 0;

    ig_pb_writer_init(&w, buf, sizeof(buf));
    ig_pb_put_varint(&w, 1, 150);
    ig_pb_put_string(&w, 9, "skip me");
    ig_pb_put_bytes(&w, 2, (const uint8_t *)"abc", 3);
    n = ig_pb_writer_finish(&w);
    ASSERT_EQ(n, 3 + 9 + 5);
    ASSERT_EQ(buf[0], 0x08);
    ASSERT_EQ(buf[1], 0x96);
    ASSERT_EQ(buf[2], 0x01);
    ig_pb_reader_init(&r, buf, (size_t)n);
    while (ig_pb_next(&r, &f) == 1) {
        if (f.num == 1) {
            ASSERT_U64_EQ(f.v, 150);
            seen++;
        }
        if (f.num == 2) {
            ASSERT_MEM_EQ(f.data, "abc", 3);
            seen++;
        }
    }
    ASSERT_EQ(seen, 2);
}

TEST(pb_fixed_fields)
{
    const uint8_t msg[] = { 0x0d, 1, 2, 3, 4, 0x11, 1, 0, 0, 0, 0, 0, 0, 0 };
    struct ig_pb_reader r;
    struct ig_pb_field f;

    ig_pb_reader_init(&r, msg, sizeof(msg));
    ASSERT_EQ(ig_pb_next(&r, &f), 1);
    ASSERT_EQ(f.wire, IG_PB_I32);
    ASSERT_U64_EQ(f.v, 0x04030201);
    ASSERT_EQ(ig_pb_next(&r, &f), 1);
    ASSERT_EQ(f.wire, IG_PB_I64);
    ASSERT_U64_EQ(f.v, 1);
    ASSERT_EQ(ig_pb_next(&r, &f), 0);
}

TEST(pb_rejects_bad_input)
{
    const uint8_t overlong[] = { 0x12, 0x05, 'a' };
    const uint8_t group[] = { 0x0b };
    const uint8_t field0[] = { 0x00, 0x01 };
    const uint8_t cut_fixed[] = { 0x0d, 1, 2 };
    const uint8_t huge_len[] = { 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f };
    const uint8_t *cases[] = { overlong, group, field0, cut_fixed, huge_len };
    size_t lens[] = { 3, 1, 2, 3, 6 };
    struct ig_pb_reader r;
    struct ig_pb_field f;

    for (size_t i = 0; i < 5; i++) {
        ig_pb_reader_init(&r, cases[i], lens[i]);
        ASSERT_EQ(ig_pb_next(&r, &f), IG_EPROTOBUF);
    }
}

TEST(pb_writer_overflow_sticks)
{
    uint8_t buf[4];
    struct ig_pb_writer w;

    ig_pb_writer_init(&w, buf, sizeof(buf));
    ig_pb_put_string(&w, 1, "toolong");
    ig_pb_put_varint(&w, 2, 1);
    ASSERT_EQ(ig_pb_writer_finish(&w), -ENOSPC);
}
