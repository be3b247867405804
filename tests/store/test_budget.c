/* SPDX-License-Identifier: MIT */
/* Exact budget parsing and formatting. */
#include "test.h"

#include <errno.h>

#include "store/budget.h"
#include "util/err.h"

static int64_t parse_ok(const char *s)
{
    int64_t v = -1;
    char err[128] = "";

    if (ig_budget_parse(s, &v, err, sizeof(err)) != 0)
        IG_TEST_FAIL("\"%s\": %s", s, err);
    return v;
}

TEST(budget_parse_values)
{
    ASSERT_EQ(parse_ok("1.5"), 1500000);
    ASSERT_EQ(parse_ok("100"), 100000000);
    ASSERT_EQ(parse_ok("0.000001"), 1);
    ASSERT_EQ(parse_ok("1.0"), 1000000);
    ASSERT_EQ(parse_ok("0"), 0);
    ASSERT_EQ(parse_ok(".5"), 500000);
    ASSERT_EQ(parse_ok("2."), 2000000);
    ASSERT_EQ(parse_ok("0.1"), 100000);
    ASSERT_EQ(parse_ok("007.250000"), 7250000);
    ASSERT_EQ(parse_ok("9223372036854.775807"), INT64_MAX);
}

TEST(budget_parse_rejects)
{
    static const char *const bad[] = {
        "",   "-1", "+1", "1.2345678", "abc",  "1e6", "1,5",
        " 1", "1 ", ".",  "1.2.3",     "0x10", "NaN", "inf",
    };
    int64_t v;
    char err[128];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        v = 42;
        err[0] = '\0';
        ASSERT_EQ(ig_budget_parse(bad[i], &v, err, sizeof(err)), IG_EFORMAT);
        ASSERT_EQ(v, 0);
        ASSERT_TRUE(err[0] != '\0');
    }
    ASSERT_EQ(ig_budget_parse("1.0000001", &v, err, sizeof(err)), IG_EFORMAT);
    ASSERT_STR_CONTAINS(err, "more than 6 decimals");
    ASSERT_EQ(ig_budget_parse("-0.5", &v, err, sizeof(err)), IG_EFORMAT);
    ASSERT_STR_CONTAINS(err, "negative");
    ASSERT_EQ(ig_budget_parse("9223372036854.775808", &v, err, sizeof(err)),
              IG_ETOOBIG);
    ASSERT_EQ(ig_budget_parse("9223372036855", &v, err, sizeof(err)),
              IG_ETOOBIG);
    ASSERT_EQ(ig_budget_parse("99999999999999999999999", &v, err, sizeof(err)),
              IG_ETOOBIG);
}

TEST(budget_format)
{
    char s[IG_BUDGET_STR_MAX];

    ASSERT_EQ(ig_budget_format(1500000, s, sizeof(s)), 8);
    ASSERT_STR_EQ(s, "1.500000");
    ig_budget_format(0, s, sizeof(s));
    ASSERT_STR_EQ(s, "0.000000");
    ig_budget_format(1, s, sizeof(s));
    ASSERT_STR_EQ(s, "0.000001");
    ig_budget_format(-500000, s, sizeof(s));
    ASSERT_STR_EQ(s, "-0.500000");
    ig_budget_format(INT64_MAX, s, sizeof(s));
    ASSERT_STR_EQ(s, "9223372036854.775807");
    ig_budget_format(INT64_MIN, s, sizeof(s));
    ASSERT_STR_EQ(s, "-9223372036854.775808");
    ASSERT_EQ(ig_budget_format(100000000, s, 5), -ENOSPC);
}

TEST(budget_round_trip)
{
    static const int64_t vals[] = { 0, 1, 999999, 1000000, 123456789012, 7 };
    char s[IG_BUDGET_STR_MAX];

    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        ig_budget_format(vals[i], s, sizeof(s));
        ASSERT_EQ(parse_ok(s), vals[i]);
    }
}
