/* SPDX-License-Identifier: MIT */
/* A guest that passes its arguments straight to each igor hostcall, so the
 * host side can probe every limit and error code. */
#include "igor.h"

#define GUEST_EXPORT(name) __attribute__((export_name(#name)))

static uint8_t buf[4096];

static void *at(uint32_t p)
{
    return (void *)(uintptr_t)p;
}

GUEST_EXPORT(buf_addr) uint32_t buf_addr(void)
{
    return (uint32_t)(uintptr_t)buf;
}

GUEST_EXPORT(mem_bytes) uint32_t mem_bytes(void)
{
    return (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
}

GUEST_EXPORT(call_clock) int64_t call_clock(void)
{
    return igor_clock_now();
}

GUEST_EXPORT(call_rand) int32_t call_rand(uint32_t p, uint32_t len)
{
    return igor_rand_bytes(at(p), len);
}

GUEST_EXPORT(call_log) void call_log(uint32_t p, uint32_t len)
{
    igor_log_emit(at(p), len);
}

GUEST_EXPORT(call_balance) int64_t call_balance(void)
{
    return igor_wallet_balance();
}

GUEST_EXPORT(call_count) int32_t call_count(void)
{
    return igor_wallet_receipt_count();
}

GUEST_EXPORT(call_receipt)
int32_t call_receipt(int32_t i, uint32_t p, uint32_t cap)
{
    return igor_wallet_receipt(i, at(p), cap);
}

GUEST_EXPORT(call_price) int64_t call_price(void)
{
    return igor_node_price();
}
