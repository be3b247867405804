/* SPDX-License-Identifier: MIT */
/* Metering: what a tick costs in microcents, and charging it against a
 * budget that never goes below zero. */
#ifndef IG_AGENT_METER_H
#define IG_AGENT_METER_H

#include <stdint.h>

/*
 * Cost of ns nanoseconds of wall time at price microcents per second:
 * floor(ns * price / 10^9), computed in 128 bits so no product
 * overflows. Saturates at INT64_MAX; a negative price costs 0.
 */
int64_t ig_meter_cost(uint64_t ns, int64_t price);

/*
 * Charge a tick of ns nanoseconds at price against *budget. The charge
 * is clamped to what is left, so *budget never goes negative (a budget
 * already below zero is left alone and charged 0). Returns the amount
 * charged.
 */
int64_t ig_meter_charge(int64_t *budget, uint64_t ns, int64_t price);

/* True when a tick may start: the budget is above zero. */
int ig_meter_can_tick(int64_t budget);

#endif
