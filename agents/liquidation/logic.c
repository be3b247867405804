/* SPDX-License-Identifier: MIT */
/* liquidation: price curve, slot bookkeeping and gap catch-up. */
#include "logic.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The curve's points: (slot, cents). */
static const struct {
    uint64_t slot;
    int64_t cents;
} curve[] = {
    { 0, 200000 },  { 5, 205000 },  { 10, 192000 }, { 15, 198000 },
    { 20, 185000 }, { 25, 178000 }, { 30, 182000 }, { 35, 165000 },
    { 38, 154000 }, { 40, 158000 }, { 45, 162000 }, { 50, 170000 },
    { 55, 175000 },
};

#define NPOINTS (sizeof(curve) / sizeof(curve[0]))

int64_t liq_price_at(uint64_t slot)
{
    for (size_t i = 1; i < NPOINTS; i++) {
        if (slot > curve[i].slot)
            continue;
        int64_t dp = curve[i].cents - curve[i - 1].cents;
        int64_t ds = (int64_t)(curve[i].slot - curve[i - 1].slot);
        int64_t off = (int64_t)(slot - curve[i - 1].slot);

        return curve[i - 1].cents + dp * off / ds;
    }
    return curve[NPOINTS - 1].cents;
}

static void logf_(liq_log_fn log, void *ctx, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void logf_(liq_log_fn log, void *ctx, const char *fmt, ...)
{
    char line[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log(ctx, line);
}

/* "$1,550.00" for 155000 cents (non-negative amounts only). */
static const char *dollars(int64_t cents, char buf[32])
{
    uint64_t whole = (uint64_t)(cents < 0 ? 0 : cents) / 100;
    char digits[24];
    int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)whole);
    size_t o = 0;

    buf[o++] = '$';
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    snprintf(buf + o,
             32 - o,
             ".%02u",
             (unsigned)((uint64_t)(cents < 0 ? 0 : cents) % 100));
    return buf;
}

static void process_slot(struct liq_state *s,
                         uint64_t slot,
                         int live,
                         liq_log_fn log,
                         void *ctx)
{
    int64_t p = liq_price_at(slot);
    char a[32], b[32];

    s->price = p;
    if (s->slots_processed == 0 || p > s->high)
        s->high = p;
    if (s->slots_processed == 0 || p < s->low)
        s->low = p;
    if (s->slots_processed < UINT32_MAX)
        s->slots_processed++;
    s->last_slot = slot;
    logf_(log,
          ctx,
          "[liquidation] slot %llu price %s (%s)",
          (unsigned long long)slot,
          dollars(p, a),
          live ? "live" : "catch-up");
    if (p >= LIQ_THRESHOLD_CENTS)
        return;
    logf_(log,
          ctx,
          "[liquidation] WARNING: price %s below threshold %s "
          "at slot %llu",
          dollars(p, a),
          dollars(LIQ_THRESHOLD_CENTS, b),
          (unsigned long long)slot);
    if (!s->warning_active) {
        s->warning_active = 1;
        s->first_warning_slot = slot;
    }
}

/* Slots after the curve's last point all have its price, so a long gap
 * is accounted in one step past there: a tick's work stays bounded
 * however long the agent was away. */
static void hold_slots(struct liq_state *s,
                       uint64_t from,
                       uint64_t to,
                       liq_log_fn log,
                       void *ctx)
{
    uint64_t n = to - from + 1;
    char a[32];

    s->price = liq_price_at(from);
    if (s->price > s->high)
        s->high = s->price;
    if (s->price < s->low)
        s->low = s->price;
    s->slots_processed = n > UINT32_MAX - s->slots_processed
                           ? UINT32_MAX
                           : s->slots_processed + (uint32_t)n;
    s->last_slot = to;
    logf_(log,
          ctx,
          "[liquidation] slots %llu-%llu price %s (catch-up, held)",
          (unsigned long long)from,
          (unsigned long long)to,
          dollars(s->price, a));
}

static void catch_up(struct liq_state *s,
                     uint64_t current,
                     liq_log_fn log,
                     void *ctx)
{
    uint64_t from = s->last_slot + 1, missed = current - from, slot;
    uint32_t warned_before = s->warning_active;

    logf_(log,
          ctx,
          "[liquidation] ==== GAP DETECTED: %llu slots missed "
          "(slots %llu-%llu) ====",
          (unsigned long long)missed,
          (unsigned long long)from,
          (unsigned long long)(current - 1));
    for (slot = from; slot < current && slot <= LIQ_LAST_CURVE_SLOT; slot++)
        process_slot(s, slot, 0, log, ctx);
    if (slot < current)
        hold_slots(s, slot, current - 1, log, ctx);
    logf_(log,
          ctx,
          "[liquidation] caught up on %llu slots",
          (unsigned long long)missed);
    if (!warned_before && s->warning_active)
        logf_(log,
              ctx,
              "[liquidation] THRESHOLD BREACHED AT SLOT %llu "
              "(DURING DOWNTIME)",
              (unsigned long long)s->first_warning_slot);
}

void liq_tick(struct liq_state *s, int64_t now_ns, liq_log_fn log, void *ctx)
{
    uint64_t current;

    if (s->ticks == 0)
        s->birth_ns = now_ns;
    s->ticks++;
    s->last_ns = now_ns;
    /* A clock behind birth (another machine's skew) counts as slot 0. */
    /* The difference in unsigned arithmetic: exact for any two i64
     * clocks, where a signed subtraction could overflow. */
    current =
      now_ns > s->birth_ns
        ? ((uint64_t)now_ns - (uint64_t)s->birth_ns) / (uint64_t)LIQ_NS_PER_SLOT
        : 0;
    if (s->slots_processed == 0) {
        process_slot(s, 0, 1, log, ctx);
        return;
    }
    if (current <= s->last_slot)
        return; /* still inside a slot already processed */
    if (current > s->last_slot + 1)
        catch_up(s, current, log, ctx);
    process_slot(s, current, 1, log, ctx);
}

void liq_encode(const struct liq_state *s, struct igor_enc *e)
{
    igor_enc_u64(e, s->ticks);
    igor_enc_i64(e, s->birth_ns);
    igor_enc_i64(e, s->last_ns);
    igor_enc_u64(e, s->last_slot);
    igor_enc_i64(e, s->price);
    igor_enc_i64(e, s->high);
    igor_enc_i64(e, s->low);
    igor_enc_u64(e, s->first_warning_slot);
    igor_enc_u32(e, s->warning_active);
    igor_enc_u32(e, s->slots_processed);
}

int liq_decode(struct liq_state *s, struct igor_dec *d)
{
    s->ticks = igor_dec_u64(d);
    s->birth_ns = igor_dec_i64(d);
    s->last_ns = igor_dec_i64(d);
    s->last_slot = igor_dec_u64(d);
    s->price = igor_dec_i64(d);
    s->high = igor_dec_i64(d);
    s->low = igor_dec_i64(d);
    s->first_warning_slot = igor_dec_u64(d);
    s->warning_active = igor_dec_u32(d);
    s->slots_processed = igor_dec_u32(d);
    if (d->err) {
        memset(s, 0, sizeof(*s));
        return -1;
    }
    return 0;
}
