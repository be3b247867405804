/* SPDX-License-Identifier: MIT */
/* Base58btc against known strings and round trips. */
#include "test.h"

#include "util/base58.h"
#include <errno.h>

#include "util/err.h"

TEST(base58_known)
{
    char s[64];
    const uint8_t hello[] = {'h', 'e', 'l', 'l', 'o'};
    const uint8_t z[] = {0, 0, 1};

    ASSERT_EQ(ig_base58_encode(hello, sizeof(hello), s, sizeof(s)), 7);
    ASSERT_STR_EQ(s, "Cn8eVZg");
    ASSERT_EQ(ig_base58_encode(z, sizeof(z), s, sizeof(s)), 3);
    ASSERT_STR_EQ(s, "112");
    ASSERT_EQ(ig_base58_encode(z, 0, s, sizeof(s)), 0);
    ASSERT_STR_EQ(s, "");
}

TEST(base58_round_trip)
{
    uint8_t in[40], out[40];
    char s[80];
    int n;

    for (int i = 0; i < 40; i++)
        in[i] = (uint8_t)(i < 3 ? 0 : i * 37 + 11);
    n = ig_base58_encode(in, sizeof(in), s, sizeof(s));
    ASSERT_TRUE(n > 0);
    ASSERT_EQ(ig_base58_decode(s, (size_t)n, out, sizeof(out)), 40);
    ASSERT_MEM_EQ(in, out, 40);
}

TEST(base58_errors)
{
    uint8_t out[8];
    char s[4];
    const uint8_t big[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    ASSERT_EQ(ig_base58_decode("0OIl", 4, out, sizeof(out)), IG_EFORMAT);
    ASSERT_EQ(ig_base58_encode(big, sizeof(big), s, sizeof(s)), -ENOSPC);
    ASSERT_EQ(ig_base58_decode("zzzzzzzzzzzzzzzz", 16, out, 2), -ENOSPC);
}
