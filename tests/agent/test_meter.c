/* SPDX-License-Identifier: MIT */
/* Tick cost and budget charging: exact values, overflow, clamping. */
#define IG_TEST_MAIN
#include "test.h"

#include "agent/meter.h"

TEST(cost_exact)
{
    /* 1 s at 1.0/s is 1,000,000 microcents; 1.5 ms at 1000/s is 1. */
    ASSERT_EQ(ig_meter_cost(1000000000ULL, 1000000), 1000000);
    ASSERT_EQ(ig_meter_cost(1500000ULL, 1000), 1);
    ASSERT_EQ(ig_meter_cost(999999ULL, 1000), 0);
    ASSERT_EQ(ig_meter_cost(2500000000ULL, 3), 7);
    ASSERT_EQ(ig_meter_cost(0, 1000000), 0);
    ASSERT_EQ(ig_meter_cost(123456789, 0), 0);
    ASSERT_EQ(ig_meter_cost(123456789, -5), 0);
}

TEST(cost_no_overflow)
{
    /* ns * price overflows 64 bits here, the quotient does not. */
    ASSERT_EQ(ig_meter_cost(10000000000ULL, INT64_MAX / 16),
              5764607523034234870LL);
    ASSERT_EQ(ig_meter_cost(20000000000ULL, INT64_MAX / 4), INT64_MAX);
    ASSERT_EQ(ig_meter_cost(UINT64_MAX, INT64_MAX), INT64_MAX);
    ASSERT_EQ(ig_meter_cost(UINT64_MAX, 1), 18446744073);
}

TEST(charge_clamps_to_budget)
{
    int64_t budget = 10;

    ASSERT_EQ(ig_meter_charge(&budget, 4000000ULL, 1000), 4);
    ASSERT_EQ(budget, 6);
    ASSERT_EQ(ig_meter_charge(&budget, 1000000000ULL, 1000000), 6);
    ASSERT_EQ(budget, 0);
    ASSERT_EQ(ig_meter_charge(&budget, 1000000000ULL, 1000000), 0);
    ASSERT_EQ(budget, 0);
    ASSERT_TRUE(!ig_meter_can_tick(budget));
}

TEST(charge_huge_tick)
{
    int64_t budget = INT64_MAX;

    ASSERT_EQ(ig_meter_charge(&budget, UINT64_MAX, INT64_MAX), INT64_MAX);
    ASSERT_EQ(budget, 0);
}

TEST(negative_budget_left_alone)
{
    int64_t budget = -5;

    ASSERT_EQ(ig_meter_charge(&budget, 1000000000ULL, 1000), 0);
    ASSERT_EQ(budget, -5);
    ASSERT_TRUE(!ig_meter_can_tick(budget));
    ASSERT_TRUE(ig_meter_can_tick(1));
}
