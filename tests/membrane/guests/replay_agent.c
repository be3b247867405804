/* SPDX-License-Identifier: MIT */
/* An agent whose state depends on every observation it makes, through igor
 * and WASI, so a replayed tick reproduces its state only if the membrane
 * hands back exactly what the live tick saw. */
#define _DEFAULT_SOURCE /* clock_gettime, getentropy under -std=c11 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "igor.h"

#define GUEST_EXPORT(name) __attribute__((export_name(#name)))

static struct {
    uint64_t ticks;
    int64_t clock;
    uint8_t rnd[16];
    int64_t balance;
    int32_t receipts;
    int32_t receipt_rc, bad_receipt_rc, zero_rand_rc;
    int64_t price;
    int64_t wasi_ns;
    uint8_t wasi_rnd[8];
    uint64_t digest;
} st;

static void fold(const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++)
        st.digest = (st.digest ^ b[i]) * 1099511628211u;
}

GUEST_EXPORT(agent_init) void agent_init(void)
{
    memset(&st, 0, sizeof(st));
    st.digest = 14695981039346656037u;
}

GUEST_EXPORT(agent_tick) int32_t agent_tick(void)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t receipt[256];
    char msg[] = "tick ................";
    struct timespec ts;

    st.ticks++;
    st.clock = igor_clock_now();
    igor_rand_bytes(st.rnd, sizeof(st.rnd));
    st.zero_rand_rc = igor_rand_bytes(st.rnd, 0);
    for (int i = 0; i < 8; i++) {
        msg[5 + 2 * i] = hex[st.rnd[i] >> 4];
        msg[6 + 2 * i] = hex[st.rnd[i] & 15];
    }
    igor_log_emit(msg, sizeof(msg) - 1);
    igor_log_emit(msg, 0);
    st.balance = igor_wallet_balance();
    st.receipts = igor_wallet_receipt_count();
    st.receipt_rc = igor_wallet_receipt(0, receipt, sizeof(receipt));
    if (st.receipt_rc > 0)
        fold(receipt, (size_t)st.receipt_rc);
    st.bad_receipt_rc = igor_wallet_receipt(st.receipts, receipt, 4);
    st.price = igor_node_price();
    clock_gettime(CLOCK_REALTIME, &ts);
    st.wasi_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    getentropy(st.wasi_rnd, sizeof(st.wasi_rnd));
    fold(&st, offsetof(__typeof__(st), digest));
    return 0;
}

GUEST_EXPORT(agent_checkpoint) uint32_t agent_checkpoint(void)
{
    return sizeof(st);
}

GUEST_EXPORT(agent_checkpoint_ptr) uint32_t agent_checkpoint_ptr(void)
{
    return (uint32_t)(uintptr_t)&st;
}

GUEST_EXPORT(agent_resume) void agent_resume(const void *p, uint32_t len)
{
    if (len == sizeof(st))
        memcpy(&st, p, len);
}

GUEST_EXPORT(malloc) void *guest_malloc(size_t n)
{
    return malloc(n);
}
