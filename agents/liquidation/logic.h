/* SPDX-License-Identifier: MIT */
/* liquidation: the pure part of the agent (price curve, slots, gap
 * catch-up, state codec), built for wasm32 and natively for tests. */
#ifndef LIQ_LOGIC_H
#define LIQ_LOGIC_H

#include <stdint.h>

#include "igor_state.h"

/* Prices are in cents; the position is liquidated below $1,550.00. */
#define LIQ_THRESHOLD_CENTS 155000
#define LIQ_STATE_LEN 72
/* One slot a second; tests build a faster clock with -DLIQ_NS_PER_SLOT. */
#ifndef LIQ_NS_PER_SLOT
#define LIQ_NS_PER_SLOT 1000000000LL
#endif

/* The curve's last point; from here on the price is held. */
#define LIQ_LAST_CURVE_SLOT 55

/*
 * Everything the agent keeps (72 bytes encoded, in this order). A slot
 * is a whole second since birth; the price world is a pure function of
 * the slot, so missed slots can be processed after a downtime.
 * warning_active stays set once the threshold has been breached.
 */
struct liq_state {
    uint64_t ticks;
    int64_t birth_ns;
    int64_t last_ns;
    uint64_t last_slot;
    int64_t price;
    int64_t high;
    int64_t low;
    uint64_t first_warning_slot;
    uint32_t warning_active;
    uint32_t slots_processed;
};

/* Where log lines go (one NUL-terminated line per call). */
typedef void (*liq_log_fn)(void *ctx, const char *line);

/* The price at slot, in cents: linear interpolation (integer, rounding
 * toward zero) between the curve's points, the last point held. */
int64_t liq_price_at(uint64_t slot);

/*
 * One tick at wall-clock time now_ns: the first tick processes slot 0;
 * later ticks process every slot up to the current one, the skipped
 * ones as catch-up after a GAP DETECTED banner (reporting a breach
 * that happened in the gap), then the current one live. Missed slots
 * past LIQ_LAST_CURVE_SLOT are accounted together, so the work of one
 * tick is bounded however long the gap.
 */
void liq_tick(struct liq_state *s, int64_t now_ns, liq_log_fn log, void *ctx);

/* Append the 72-byte state. */
void liq_encode(const struct liq_state *s, struct igor_enc *e);

/* Read the state back; 0, or -1 for a short state (s zeroed). */
int liq_decode(struct liq_state *s, struct igor_dec *d);

#endif
