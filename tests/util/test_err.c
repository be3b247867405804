/* SPDX-License-Identifier: MIT */
/* The error table: names, messages and ranges. */
#define IG_TEST_MAIN
#include "test.h"

#include <errno.h>

#include "util/err.h"

TEST(names_and_messages)
{
    ASSERT_STR_EQ(ig_err_name(IG_ETRUNC), "IG_ETRUNC");
    ASSERT_STR_EQ(ig_strerror(IG_ETRAP_DIV_ZERO),
                  "trap: integer divide by zero");
    ASSERT_STR_EQ(ig_strerror(-ENOENT), "No such file or directory");
    ASSERT_STR_EQ(ig_err_name(-ENOENT), "ENOENT");
    ASSERT_STR_EQ(ig_strerror(0), "success");
}

TEST(trap_range)
{
    ASSERT_TRUE(ig_err_is_trap(IG_ETRAP_STACK));
    ASSERT_TRUE(!ig_err_is_trap(IG_EWASM_INVALID));
    ASSERT_TRUE(!ig_err_is_trap(-ENOMEM));
}

TEST(detail_buffer)
{
    char buf[16];

    ig_err_set(buf, sizeof(buf), "at offset %d", 1234567);
    ASSERT_STR_EQ(buf, "at offset 12345");
    ig_err_set(NULL, 0, "ignored %d", 1);
}
