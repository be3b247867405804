/* SPDX-License-Identifier: MIT */
/* The `igor` host module: the capability-gated hostcalls an agent imports
 * (inventory §4.1), their signatures, limits and guest return codes. */
#ifndef IG_MEMBRANE_HOSTCALLS_H
#define IG_MEMBRANE_HOSTCALLS_H

#include <stddef.h>
#include <stdint.h>

#include "wasm/wasm.h"

#define IG_HOSTCALL_MODULE "igor"

/* Limits (inventory §4.1). */
#define IG_RAND_MAX_LEN (64u << 20) /* rand_bytes: 64 MiB */
#define IG_LOG_MAX_LEN (1u << 20)   /* log_emit: longer messages dropped */

/* What the guest sees (i32 results). */
#define IG_HC_EFAIL (-1)   /* rand: source failed; receipt: bad index */
#define IG_HC_ETOOBIG (-2) /* rand: len over IG_RAND_MAX_LEN */
#define IG_HC_EMEMORY (-4) /* buffer out of bounds or too short */

/*
 * Signatures, in wasm types:
 *   clock_now() -> i64                         unix ns          cap clock
 *   rand_bytes(ptr i32, len i32) -> i32        0 / -1 / -2 / -4 cap rand
 *   log_emit(ptr i32, len i32)                 (nothing)        cap log
 *   wallet_balance() -> i64                    microcents       cap wallet
 *   wallet_receipt_count() -> i32                               cap wallet
 *   wallet_receipt(index i32, buf i32, cap i32) -> i32
 *                                              len / -1 / -4    cap wallet
 *   node_price() -> i64                        microcents/s     cap pricing
 * Pointers and lengths are unsigned 32-bit. Every call charges
 * IG_HOSTCALL_FUEL and records one event log entry (eventlog.h). A host
 * error that is not the guest's business (event log full, replay
 * divergence) ends the guest call with that code instead of returning.
 * http_request, wallet_pay and kv_* are known but not implemented here:
 * linking them fails (link.h).
 */

/* One host function any import table can offer. */
struct ig_hostcall_def {
    const char *name;
    int cap; /* enum ig_cap, or -1 for WASI (needs no capability) */
    struct ig_wasm_functype type;
    ig_wasm_host_fn fn; /* NULL: known name, not implemented */
};

/* The igor function called name (len bytes), or NULL. */
const struct ig_hostcall_def *ig_hostcalls_find(const char *name, size_t len);

/* Search defs[0, ndefs) by name; shared with wasi.c. */
const struct ig_hostcall_def *ig_hostcalls__lookup(
  const struct ig_hostcall_def *defs,
  size_t ndefs,
  const char *name,
  size_t len);

/* Write a function type as "(i32, i32) -> i32" into buf for messages. */
void ig_hostcalls_format_type(const struct ig_wasm_functype *t,
                              char *buf,
                              size_t len);

#endif
