/* SPDX-License-Identifier: MIT */
/* Varint round trips, minimal-encoding rules and truncation. */
#define IG_TEST_MAIN
#include "test.h"

#include "net/varint.h"
#include "util/err.h"

static int dec(const uint8_t *b, size_t n, uint64_t *v, size_t *used)
{
    const uint8_t *p = b;
    int rc = ig_varint_decode(&p, b + n, v);

    *used = (size_t)(p - b);
    return rc;
}

TEST(varint_round_trip)
{
    static const uint64_t vals[] = {
        0, 1, 127, 128, 300, 16383, 16384, (1ull << 32), (1ull << 63) - 1
    };
    uint8_t buf[IG_VARINT_MAX_U64];
    uint64_t v;
    size_t used;

    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        size_t n = ig_varint_encode(vals[i], buf);
        ASSERT_EQ(n, ig_varint_len(vals[i]));
        ASSERT_OK(dec(buf, n, &v, &used));
        ASSERT_U64_EQ(v, vals[i]);
        ASSERT_EQ(used, n);
    }
}

TEST(varint_known_bytes)
{
    uint8_t buf[IG_VARINT_MAX_U64];

    ASSERT_EQ(ig_varint_encode(300, buf), 2);
    ASSERT_EQ(buf[0], 0xac);
    ASSERT_EQ(buf[1], 0x02);
    ASSERT_EQ(ig_varint_encode(421, buf), 2);
    ASSERT_EQ(buf[0], 0xa5);
    ASSERT_EQ(buf[1], 0x03);
    ASSERT_EQ(ig_varint_encode(UINT64_MAX, buf), 10);
}

TEST(varint_truncated_consumes_nothing)
{
    const uint8_t b[] = { 0x80, 0x80 };
    uint64_t v = 7;
    size_t used;

    ASSERT_EQ(dec(b, 2, &v, &used), IG_ETRUNC);
    ASSERT_EQ(used, 0);
    ASSERT_EQ(dec(b, 0, &v, &used), IG_ETRUNC);
}

TEST(varint_rejects_non_minimal_and_long)
{
    const uint8_t pad[] = { 0x81, 0x00 };
    const uint8_t ten[] = { 0xff, 0xff, 0xff, 0xff, 0xff,
                            0xff, 0xff, 0xff, 0xff, 0x01 };
    uint64_t v;
    size_t used;

    ASSERT_EQ(dec(pad, 2, &v, &used), IG_EFORMAT);
    ASSERT_EQ(dec(ten, 10, &v, &used), IG_EFORMAT);
}

TEST(varint_pb_accepts_ten_bytes_and_padding)
{
    const uint8_t ten[] = { 0xff, 0xff, 0xff, 0xff, 0xff,
                            0xff, 0xff, 0xff, 0xff, 0x01 };
    const uint8_t over[] = { 0xff, 0xff, 0xff, 0xff, 0xff,
                             0xff, 0xff, 0xff, 0xff, 0x02 };
    const uint8_t pad[] = { 0x81, 0x00 };
    const uint8_t *p = ten;
    uint64_t v;

    ASSERT_OK(ig_varint_decode_pb(&p, ten + 10, &v));
    ASSERT_U64_EQ(v, UINT64_MAX);
    p = over;
    ASSERT_EQ(ig_varint_decode_pb(&p, over + 10, &v), IG_EFORMAT);
    p = pad;
    ASSERT_OK(ig_varint_decode_pb(&p, pad + 2, &v));
    ASSERT_U64_EQ(v, 1);
}
