/* SPDX-License-Identifier: MIT */
/* The `igor` hostcalls: each charges fuel, observes through the recorded
 * path, and answers the guest with the reference's return codes. */
#include "membrane/hostcalls.h"

#include <stdio.h>
#include <string.h>

#include "membrane/eventlog.h"
#include "membrane/manifest.h"
#include "membrane/membrane.h"
#include "util/err.h"

static ig_wasm_val_t i32(int32_t v)
{
    return (uint32_t)v;
}

static int hc_clock_now(ig_wasm_caller_t *c,
                        void *user,
                        const ig_wasm_val_t *args,
                        ig_wasm_val_t *res)
{
    uint64_t ns;
    int rc = ig_membrane__charge(c);

    if (rc == 0)
        rc = ig_membrane__clock(user, IG_EV_CLOCK, &ns);
    if (rc < 0)
        return rc;
    res[0] = ns;
    return 0;
}

static int hc_rand_bytes(ig_wasm_caller_t *c,
                         void *user,
                         const ig_wasm_val_t *args,
                         ig_wasm_val_t *res)
{
    ig_wasm_memory_t *mem = ig_wasm_caller_memory(c);
    uint32_t ptr = (uint32_t)args[0], len = (uint32_t)args[1];
    int32_t ret = 0;
    int failed = 0;
    int rc = ig_membrane__charge(c);

    if (rc < 0)
        return rc;
    if (len > IG_RAND_MAX_LEN) {
        ret = IG_HC_ETOOBIG;
        rc = ig_membrane__observe_error(user, IG_EV_RAND);
    }
    else if (len > 0 && !ig_membrane__in_bounds(mem, ptr, len)) {
        ret = IG_HC_EMEMORY;
        rc = ig_membrane__observe_error(user, IG_EV_RAND);
    }
    else {
        rc = ig_membrane__random(user, IG_EV_RAND, mem, ptr, len, &failed);
        ret = failed ? IG_HC_EFAIL : 0;
    }
    if (rc < 0)
        return rc;
    res[0] = i32(ret);
    return 0;
}

/* What log_emit emits for (ptr, len): the message, or nothing (n 0) when it
 * is empty, too long or out of bounds; a notice says why it was dropped. */
static const uint8_t *log_message(ig_membrane_t *mb,
                                  ig_wasm_memory_t *mem,
                                  uint32_t ptr,
                                  uint32_t len,
                                  size_t *n)
{
    char note[128];

    *n = 0;
    if (len == 0)
        return NULL;
    if (len > IG_LOG_MAX_LEN)
        snprintf(note,
                 sizeof(note),
                 "log_emit: %u-byte message over the %u-byte limit dropped",
                 len,
                 IG_LOG_MAX_LEN);
    else if (!ig_membrane__in_bounds(mem, ptr, len))
        snprintf(note,
                 sizeof(note),
                 "log_emit: message at %u+%u outside guest memory dropped",
                 ptr,
                 len);
    else {
        *n = len;
        return ig_wasm_memory_data(mem) + ptr;
    }
    ig_membrane__emit(mb, IG_LOG_NOTICE, note, strlen(note));
    return NULL;
}

static int replay_log(ig_membrane_t *mb, const uint8_t *msg, size_t n)
{
    const uint8_t *p;
    size_t len;
    int rc = ig_membrane__next(mb, IG_EV_LOG, &p, &len);

    if (rc < 0)
        return rc;
    if (len != n || (n && memcmp(p, msg, n) != 0))
        return ig_membrane__diverged(mb,
                                     IG_EV_LOG,
                                     "guest logs a different "
                                     "message (%zu bytes, %zu recorded)",
                                     n,
                                     len);
    return 0;
}

static int hc_log_emit(ig_wasm_caller_t *c,
                       void *user,
                       const ig_wasm_val_t *args,
                       ig_wasm_val_t *res)
{
    ig_membrane_t *mb = user;
    const uint8_t *msg;
    size_t n;
    int rc = ig_membrane__charge(c);

    if (rc < 0)
        return rc;
    msg = log_message(
      mb, ig_wasm_caller_memory(c), (uint32_t)args[0], (uint32_t)args[1], &n);
    if (ig_membrane__replaying(mb))
        return replay_log(mb, msg, n);
    rc = ig_membrane__record(mb, IG_EV_LOG, msg, n);
    if (rc == 0 && n)
        ig_membrane__emit(mb, IG_LOG_AGENT, (const char *)msg, n);
    return rc;
}

/* Live values of the wallet view and price; 0 without a callback. */
static uint64_t get_balance(const struct ig_membrane_config *cfg)
{
    return cfg->wallet_balance ? (uint64_t)cfg->wallet_balance(cfg->user) : 0;
}

static uint64_t get_count(const struct ig_membrane_config *cfg)
{
    return cfg->receipt_count ? cfg->receipt_count(cfg->user) : 0;
}

static uint64_t get_price(const struct ig_membrane_config *cfg)
{
    return cfg->node_price ? (uint64_t)cfg->node_price(cfg->user) : 0;
}

/* A hostcall that returns one recorded value of width bytes; the live
 * getter is only asked when not replaying. */
static int value_call(ig_wasm_caller_t *c,
                      ig_membrane_t *mb,
                      uint16_t id,
                      size_t width,
                      uint64_t (*get)(const struct ig_membrane_config *),
                      ig_wasm_val_t *res)
{
    uint64_t live = 0;
    int rc = ig_membrane__charge(c);

    if (rc < 0)
        return rc;
    if (!ig_membrane__replaying(mb))
        live = get(ig_membrane__config(mb));
    return ig_membrane__observe_uint(mb, id, width, live, &res[0]);
}

static int hc_wallet_balance(ig_wasm_caller_t *c,
                             void *user,
                             const ig_wasm_val_t *args,
                             ig_wasm_val_t *res)
{
    return value_call(c, user, IG_EV_WALLET_BALANCE, 8, get_balance, res);
}

static int hc_receipt_count(ig_wasm_caller_t *c,
                            void *user,
                            const ig_wasm_val_t *args,
                            ig_wasm_val_t *res)
{
    return value_call(c, user, IG_EV_RECEIPT_COUNT, 4, get_count, res);
}

static int hc_node_price(ig_wasm_caller_t *c,
                         void *user,
                         const ig_wasm_val_t *args,
                         ig_wasm_val_t *res)
{
    return value_call(c, user, IG_EV_NODE_PRICE, 8, get_price, res);
}

/* Receipt i from the wallet view; n 0 when there is none (receipts are
 * never empty, so an empty payload can mean "bad index"). */
static const uint8_t *live_receipt(ig_membrane_t *mb, uint32_t i, size_t *n)
{
    const struct ig_membrane_config *cfg = ig_membrane__config(mb);
    const uint8_t *data = NULL;

    *n = 0;
    if (!cfg->receipt || cfg->receipt(cfg->user, i, &data, n) < 0 || !data)
        *n = 0;
    return *n ? data : NULL;
}

/* The guest-visible outcome for a receipt of n bytes (0: none). */
static int32_t receipt_result(ig_wasm_memory_t *mem,
                              uint32_t buf,
                              uint32_t cap,
                              const uint8_t *data,
                              size_t n)
{
    if (n == 0)
        return IG_HC_EFAIL;
    if (n > cap || n > INT32_MAX || !ig_membrane__in_bounds(mem, buf, n))
        return IG_HC_EMEMORY;
    if (ig_wasm_memory_write(mem, buf, data, n) < 0)
        return IG_HC_EMEMORY;
    return (int32_t)n;
}

static int hc_receipt(ig_wasm_caller_t *c,
                      void *user,
                      const ig_wasm_val_t *args,
                      ig_wasm_val_t *res)
{
    const uint8_t *data;
    size_t n;
    int rc = ig_membrane__charge(c);

    if (rc < 0)
        return rc;
    if (ig_membrane__replaying(user))
        rc = ig_membrane__next(user, IG_EV_RECEIPT, &data, &n);
    else {
        data = live_receipt(user, (uint32_t)args[0], &n);
        rc = ig_membrane__record(user, IG_EV_RECEIPT, data, n);
    }
    if (rc < 0)
        return rc;
    res[0] = i32(receipt_result(
      ig_wasm_caller_memory(c), (uint32_t)args[1], (uint32_t)args[2], data, n));
    return 0;
}

#define I32 IG_WASM_I32
#define I64 IG_WASM_I64

static const uint8_t t_i32[] = { I32 };
static const uint8_t t_i64[] = { I64 };
static const uint8_t t_i32x2[] = { I32, I32 };
static const uint8_t t_i32x3[] = { I32, I32, I32 };
static const uint8_t t_i32x4[] = { I32, I32, I32, I32 };
static const uint8_t t_http[] = { I32, I32, I32, I32, I32,
                                  I32, I32, I32, I32, I32 };
static const uint8_t t_pay[] = { I64, I32, I32, I32, I32, I32, I32 };

#define TYPE(np, p, nr, r)                                                     \
    {                                                                          \
        .nparams = (np), .nresults = (nr), .params = (p), .results = (r)       \
    }

static const struct ig_hostcall_def igor_defs[] = {
    { "clock_now", IG_CAP_CLOCK, TYPE(0, NULL, 1, t_i64), hc_clock_now },
    { "rand_bytes", IG_CAP_RAND, TYPE(2, t_i32x2, 1, t_i32), hc_rand_bytes },
    { "log_emit", IG_CAP_LOG, TYPE(2, t_i32x2, 0, NULL), hc_log_emit },
    { "wallet_balance",
      IG_CAP_WALLET,
      TYPE(0, NULL, 1, t_i64),
      hc_wallet_balance },
    { "wallet_receipt_count",
      IG_CAP_WALLET,
      TYPE(0, NULL, 1, t_i32),
      hc_receipt_count },
    { "wallet_receipt", IG_CAP_WALLET, TYPE(3, t_i32x3, 1, t_i32), hc_receipt },
    { "node_price", IG_CAP_PRICING, TYPE(0, NULL, 1, t_i64), hc_node_price },
    { "http_request", IG_CAP_HTTP, TYPE(10, t_http, 1, t_i32), NULL },
    { "wallet_pay", IG_CAP_X402, TYPE(7, t_pay, 1, t_i32), NULL },
    { "kv_get", IG_CAP_KV, TYPE(4, t_i32x4, 1, t_i32), NULL },
    { "kv_put", IG_CAP_KV, TYPE(4, t_i32x4, 1, t_i32), NULL },
    { "kv_delete", IG_CAP_KV, TYPE(2, t_i32x2, 1, t_i32), NULL },
};

const struct ig_hostcall_def *ig_hostcalls__lookup(
  const struct ig_hostcall_def *defs,
  size_t ndefs,
  const char *name,
  size_t len)
{
    for (size_t i = 0; i < ndefs; i++) {
        if (strlen(defs[i].name) == len && memcmp(defs[i].name, name, len) == 0)
            return &defs[i];
    }
    return NULL;
}

const struct ig_hostcall_def *ig_hostcalls_find(const char *name, size_t len)
{
    return ig_hostcalls__lookup(
      igor_defs, sizeof(igor_defs) / sizeof(igor_defs[0]), name, len);
}

static size_t format_list(const uint8_t *types,
                          uint32_t n,
                          char *buf,
                          size_t len,
                          size_t at)
{
    for (uint32_t i = 0; i < n && at < len; i++) {
        int w = snprintf(buf + at,
                         len - at,
                         "%s%s",
                         i ? ", " : "",
                         ig_wasm_valtype_name(types[i]));
        at += w > 0 ? (size_t)w : 0;
    }
    return at < len ? at : len;
}

void ig_hostcalls_format_type(const struct ig_wasm_functype *t,
                              char *buf,
                              size_t len)
{
    size_t at;

    if (len < 2)
        return;
    buf[0] = '(';
    buf[1] = 0;
    at = format_list(t->params, t->nparams, buf, len, 1);
    if (at < len)
        at += (size_t)snprintf(buf + at, len - at, ") -> (");
    at = format_list(t->results, t->nresults, buf, len, at < len ? at : len);
    if (at < len)
        snprintf(buf + at, len - at, ")");
}
