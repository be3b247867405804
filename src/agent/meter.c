/* SPDX-License-Identifier: MIT */
/* Tick cost and budget charging with overflow-safe arithmetic. */
#include "agent/meter.h"

int64_t ig_meter_cost(uint64_t ns, int64_t price)
{
    unsigned __int128 prod;
    unsigned __int128 cost;

    if (price <= 0)
        return 0;
    prod = (unsigned __int128)ns * (uint64_t)price;
    cost = prod / 1000000000u;
    if (cost > (unsigned __int128)INT64_MAX)
        return INT64_MAX;
    return (int64_t)cost;
}

int64_t ig_meter_charge(int64_t *budget, uint64_t ns, int64_t price)
{
    int64_t cost = ig_meter_cost(ns, price);

    if (*budget <= 0)
        return 0;
    if (cost > *budget)
        cost = *budget;
    *budget -= cost;
    return cost;
}

int ig_meter_can_tick(int64_t budget)
{
    return budget > 0;
}
