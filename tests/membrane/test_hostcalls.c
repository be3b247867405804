/* SPDX-License-Identifier: MIT */
/* The igor hostcalls through real guests: results, limits, error codes,
 * what each call records, fuel, and deny-by-default linking. */
#define IG_TEST_MAIN
#include "test.h"

#include "guest.h"
#include "membrane/hostcalls.h"
#include "util/err.h"

#define ALL_CAPS                                                               \
    "{\"capabilities\":{\"clock\":{\"version\":1},\"rand\":{\"version\":1},"   \
    "\"log\":{\"version\":1},\"wallet\":{\"version\":1},"                      \
    "\"pricing\":{\"version\":1}}}"

struct host {
    int64_t now;
    int fail_random;
    int64_t balance, price;
    const uint8_t *receipts[2];
    size_t receipt_len[2];
    uint32_t nreceipts;
    struct capture log;
};

static int64_t h_clock(void *u)
{
    struct host *h = u;

    return h->now += 1000;
}

static int h_random(void *u, uint8_t *buf, size_t len)
{
    struct host *h = u;

    if (h->fail_random) {
        memset(buf, 0xee, len); /* a source that fails half-way */
        return IG_ECRYPTO;
    }
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(0xa0 + i);
    return 0;
}

static int64_t h_balance(void *u)
{
    return ((struct host *)u)->balance;
}

static uint32_t h_count(void *u)
{
    return ((struct host *)u)->nreceipts;
}

static int h_receipt(void *u, uint32_t i, const uint8_t **data, size_t *len)
{
    struct host *h = u;

    if (i >= h->nreceipts)
        return IG_ENOTFOUND;
    *data = h->receipts[i];
    *len = h->receipt_len[i];
    return 0;
}

static int64_t h_price(void *u)
{
    return ((struct host *)u)->price;
}

static struct host host;

/* Redirect the log callback's user: the capture lives inside host. */
static void capture_log_host(void *user, int stream, const char *m, size_t n)
{
    capture_log(&((struct host *)user)->log, stream, m, n);
}

static struct ig_membrane_config live_config(size_t cap)
{
    struct ig_membrane_config c = {
        .mode = IG_MEMBRANE_LIVE,
        .user = &host,
        .clock_now = h_clock,
        .random = h_random,
        .log = capture_log_host,
        .wallet_balance = h_balance,
        .receipt_count = h_count,
        .receipt = h_receipt,
        .node_price = h_price,
        .eventlog_max_bytes = cap,
    };

    memset(&host, 0, sizeof(host));
    host.now = 1700000000000000000;
    host.balance = 1500000;
    host.price = 2000;
    host.receipts[0] = (const uint8_t *)"receipt-zero-bytes";
    host.receipt_len[0] = 18;
    host.nreceipts = 1;
    return c;
}

/* Open the hostcalls guest with every capability, inside tick 7. */
static void open_all(struct guest *g, size_t cap)
{
    struct ig_membrane_config c = live_config(cap);

    ASSERT_OK(guest_open(g, "hostcalls", ALL_CAPS, &c));
    ASSERT_OK(ig_membrane_tick_begin(g->mb, 7));
}

static void call_log(struct guest *g, uint32_t ptr, uint32_t len)
{
    ig_wasm_val_t args[2] = { ptr, len };

    ASSERT_OK(guest_call(g, "call_log", args, 2, NULL, 0));
}

static int64_t call_i64(struct guest *g, const char *fn)
{
    ig_wasm_val_t res = 0;

    ASSERT_OK(guest_call(g, fn, NULL, 0, &res, 1));
    return (int64_t)res;
}

static struct ig_event entry(struct guest *g, size_t i)
{
    struct ig_event ev;

    ASSERT_OK(ig_eventlog_entry(ig_membrane_eventlog(g->mb), i, &ev));
    return ev;
}

static size_t entries(struct guest *g)
{
    return ig_eventlog_count(ig_membrane_eventlog(g->mb));
}

static uint32_t buf_addr(struct guest *g)
{
    return (uint32_t)call_i64(g, "buf_addr");
}

TEST(clock_now_recorded)
{
    struct guest g;
    struct ig_event ev;

    open_all(&g, 0);
    ASSERT_EQ(call_i64(&g, "call_clock"), 1700000000000001000);
    ASSERT_EQ(call_i64(&g, "call_clock"), 1700000000000002000);
    ASSERT_EQ(entries(&g), 2);
    ev = entry(&g, 1);
    ASSERT_EQ(ev.id, IG_EV_CLOCK);
    ASSERT_EQ(ev.len, 8);
    ASSERT_MEM_EQ(ev.payload, "\xd0\x07\x2a\x36\xfe\x9c\x97\x17", 8);
    guest_close(&g);
}

TEST(rand_bytes_codes)
{
    struct guest g;
    uint8_t got[4];
    uint32_t buf, mem;
    struct ig_event ev;

    open_all(&g, 0);
    buf = buf_addr(&g);
    mem = (uint32_t)call_i64(&g, "mem_bytes");
    ASSERT_EQ(guest_i32(&g, "call_rand", 2, buf, 4, 0), 0);
    ASSERT_OK(ig_wasm_memory_read(guest_memory(&g), buf, got, 4));
    ASSERT_MEM_EQ(got, "\xa0\xa1\xa2\xa3", 4);
    ev = entry(&g, 0);
    ASSERT_EQ(ev.id, IG_EV_RAND);
    ASSERT_EQ(ev.len, 4);
    ASSERT_MEM_EQ(ev.payload, "\xa0\xa1\xa2\xa3", 4);
    /* Zero bytes, even at a wild pointer: 0, and still one entry. */
    ASSERT_EQ(guest_i32(&g, "call_rand", 2, 0xfffffff0u, 0, 0), 0);
    ASSERT_EQ(guest_i32(&g, "call_rand", 2, 0, IG_RAND_MAX_LEN + 1, 0),
              IG_HC_ETOOBIG);
    ASSERT_EQ(guest_i32(&g, "call_rand", 2, mem - 4, 8, 0), IG_HC_EMEMORY);
    ASSERT_EQ(guest_i32(&g, "call_rand", 2, 0xfffffffcu, 8, 0), IG_HC_EMEMORY);
    host.fail_random = 1;
    ASSERT_EQ(guest_i32(&g, "call_rand", 2, buf, 4, 0), IG_HC_EFAIL);
    /* What the failing source left is wiped: replay shows zeros too. */
    ASSERT_OK(ig_wasm_memory_read(guest_memory(&g), buf, got, 4));
    ASSERT_MEM_EQ(got, "\0\0\0\0", 4);
    ASSERT_EQ(entries(&g), 6);
    for (size_t i = 1; i < 6; i++) {
        ev = entry(&g, i);
        ASSERT_EQ(ev.id, IG_EV_RAND);
        ASSERT_EQ(ev.len, 0);
    }
    guest_close(&g);
}

TEST(log_emit_limits)
{
    struct guest g;
    uint32_t buf;
    struct ig_event ev;
    struct capture *log = &host.log;

    open_all(&g, 0);
    buf = buf_addr(&g);
    ASSERT_OK(ig_wasm_memory_write(guest_memory(&g), buf, "hello agent", 11));
    call_log(&g, buf, 11);
    ASSERT_EQ(log->n, 1);
    ASSERT_EQ(log->stream[0], IG_LOG_AGENT);
    ASSERT_STR_EQ(log->line[0], "hello agent");
    ev = entry(&g, 0);
    ASSERT_EQ(ev.id, IG_EV_LOG);
    ASSERT_EQ(ev.len, 11);
    ASSERT_MEM_EQ(ev.payload, "hello agent", 11);
    /* Empty: nothing shown, one empty entry. */
    call_log(&g, buf, 0);
    ASSERT_EQ(log->n, 1);
    /* Over 1 MiB: dropped with a notice, recorded empty. */
    call_log(&g, 0, IG_LOG_MAX_LEN + 1);
    ASSERT_EQ(log->n, 2);
    ASSERT_EQ(log->stream[1], IG_LOG_NOTICE);
    ASSERT_STR_CONTAINS(log->line[1], "1048577-byte message");
    /* Out of bounds: dropped with a notice. */
    call_log(&g, 0xffffff00u, 0x200);
    ASSERT_EQ(log->n, 3);
    ASSERT_STR_CONTAINS(log->line[2], "outside guest memory");
    ASSERT_EQ(entries(&g), 4);
    for (size_t i = 1; i < 4; i++)
        ASSERT_EQ(entry(&g, i).len, 0);
    guest_close(&g);
}

TEST(wallet_and_price)
{
    struct guest g;
    uint32_t buf;
    char got[32] = "";
    struct ig_event ev;

    open_all(&g, 0);
    buf = buf_addr(&g);
    ASSERT_EQ(call_i64(&g, "call_balance"), 1500000);
    ASSERT_EQ(guest_i32(&g, "call_count", 0, 0, 0, 0), 1);
    ASSERT_EQ(guest_i32(&g, "call_receipt", 3, 0, buf, 64), 18);
    ASSERT_OK(ig_wasm_memory_read(guest_memory(&g), buf, got, 18));
    ASSERT_STR_EQ(got, "receipt-zero-bytes");
    ASSERT_EQ(guest_i32(&g, "call_receipt", 3, 1, buf, 64), IG_HC_EFAIL);
    ASSERT_EQ(guest_i32(&g, "call_receipt", 3, -1, buf, 64), IG_HC_EFAIL);
    ASSERT_EQ(guest_i32(&g, "call_receipt", 3, 0, buf, 17), IG_HC_EMEMORY);
    ASSERT_EQ(guest_i32(&g, "call_receipt", 3, 0, 0xfffffff0u, 64),
              IG_HC_EMEMORY);
    ASSERT_EQ(call_i64(&g, "call_price"), 2000);

    ASSERT_EQ(entries(&g), 8);
    ev = entry(&g, 0);
    ASSERT_EQ(ev.id, IG_EV_WALLET_BALANCE);
    ASSERT_MEM_EQ(ev.payload, "\x60\xe3\x16\0\0\0\0\0", 8);
    ev = entry(&g, 1);
    ASSERT_EQ(ev.id, IG_EV_RECEIPT_COUNT);
    ASSERT_EQ(ev.len, 4);
    ASSERT_MEM_EQ(ev.payload, "\x01\0\0\0", 4);
    ASSERT_EQ(entry(&g, 2).len, 18);
    ASSERT_EQ(entry(&g, 3).len, 0);  /* bad index */
    ASSERT_EQ(entry(&g, 4).len, 0);  /* negative index */
    ASSERT_EQ(entry(&g, 5).len, 18); /* observed, then too short */
    ASSERT_EQ(entry(&g, 6).len, 18); /* observed, then out of bounds */
    ev = entry(&g, 7);
    ASSERT_EQ(ev.id, IG_EV_NODE_PRICE);
    ASSERT_MEM_EQ(ev.payload, "\xd0\x07\0\0\0\0\0\0", 8);
    guest_close(&g);
}

TEST(outside_a_tick_not_recorded)
{
    struct guest g;
    struct ig_membrane_config c = live_config(0);

    ASSERT_OK(guest_open(&g, "hostcalls", ALL_CAPS, &c));
    ASSERT_EQ(call_i64(&g, "call_clock"), 1700000000000001000);
    ASSERT_EQ(entries(&g), 0);
    ASSERT_OK(ig_membrane_tick_begin(g.mb, 1));
    ASSERT_EQ(call_i64(&g, "call_clock"), 1700000000000002000);
    ig_membrane_tick_end(g.mb);
    ASSERT_EQ(call_i64(&g, "call_clock"), 1700000000000003000);
    ASSERT_EQ(entries(&g), 1);
    ASSERT_U64_EQ(ig_eventlog_tick(ig_membrane_eventlog(g.mb)), 1);
    guest_close(&g);
}

TEST(hostcall_charges_fuel)
{
    struct guest g;
    ig_wasm_val_t res;
    uint64_t used;

    open_all(&g, 0);
    ig_wasm_store_reset_fuel(g.store);
    ASSERT_OK(guest_call(&g, "call_clock", NULL, 0, &res, 1));
    used = ig_wasm_store_fuel_consumed(g.store);
    ASSERT_TRUE(used >= IG_HOSTCALL_FUEL);
    ASSERT_TRUE(used < IG_HOSTCALL_FUEL + 50);
    /* Short of the charge: the call traps and records nothing. */
    ig_wasm_store_reset_fuel(g.store);
    ig_wasm_store_set_fuel_limit(g.store, IG_HOSTCALL_FUEL / 2);
    ASSERT_EQ(guest_call(&g, "call_clock", NULL, 0, &res, 1), IG_ETRAP_FUEL);
    ASSERT_EQ(entries(&g), 1);
    guest_close(&g);
}

TEST(event_log_cap_ends_the_tick)
{
    struct guest g;
    ig_wasm_val_t args[2], res;
    int rc = 0, calls = 0;

    open_all(&g, 200);
    args[0] = buf_addr(&g);
    args[1] = 40;
    while (calls < 100 &&
           (rc = guest_call(&g, "call_rand", args, 2, &res, 1)) == 0)
        calls++;
    ASSERT_EQ(rc, IG_EEVENTLOG_FULL);
    ASSERT_EQ(calls, 200 / (40 + IG_EVENTLOG_ENTRY_COST));
    ASSERT_STR_CONTAINS(ig_membrane_last_error(g.mb), "rand_bytes");
    guest_close(&g);
}

static int open_with(const char *name, const char *manifest, char *err)
{
    struct ig_membrane_config c = live_config(0);
    struct guest g;
    int rc = guest_open(&g, name, manifest, &c);

    strcpy(err, g.err);
    guest_close(&g);
    return rc;
}

TEST(deny_by_default)
{
    char err[512];

    ASSERT_EQ(open_with("hostcalls", "{}", err), IG_ECAP_DENIED);
    ASSERT_STR_CONTAINS(err,
                        "igor.clock_now needs capability \"clock\", "
                        "which the manifest does not grant");
    ASSERT_EQ(open_with("hostcalls",
                        "{\"capabilities\":{\"clock\":{\"version\":1}}}",
                        err),
              IG_ECAP_DENIED);
    ASSERT_STR_CONTAINS(err, "igor.rand_bytes needs capability \"rand\"");
    ASSERT_OK(open_with(
      "clock_only", "{\"capabilities\":{\"clock\":{\"version\":1}}}", err));
    ASSERT_EQ(open_with("clock_only", "", err), IG_ECAP_DENIED);
}

TEST(unlinkable_imports_named)
{
    char err[512];

    ASSERT_EQ(open_with("bad_type", ALL_CAPS, err), IG_EWASM_UNLINKABLE);
    ASSERT_STR_CONTAINS(err,
                        "igor.clock_now: type (i32) -> (i32), igord "
                        "provides () -> (i64)");
    ASSERT_EQ(open_with("bad_module", ALL_CAPS, err), IG_EWASM_UNLINKABLE);
    ASSERT_STR_CONTAINS(err, "env.helper: unknown module \"env\"");
    ASSERT_EQ(open_with("bad_name", ALL_CAPS, err), IG_EWASM_UNLINKABLE);
    ASSERT_STR_CONTAINS(err, "igor.clock_later: not provided");
    ASSERT_EQ(open_with("not_built", ALL_CAPS, err), IG_ECAP_DENIED);
    ASSERT_STR_CONTAINS(err, "igor.http_request needs capability \"http\"");
    ASSERT_EQ(open_with("not_built",
                        "{\"capabilities\":{\"http\":{\"version\":1}}}",
                        err),
              IG_EWASM_UNLINKABLE);
    ASSERT_STR_CONTAINS(err, "not implemented by this node");
    ASSERT_EQ(open_with("path_open", ALL_CAPS, err), IG_EWASM_UNLINKABLE);
    ASSERT_STR_CONTAINS(err,
                        "wasi_snapshot_preview1.path_open: not "
                        "provided");
    ASSERT_EQ(open_with("fs", ALL_CAPS, err), IG_EWASM_UNLINKABLE);
    ASSERT_STR_CONTAINS(err, "wasi_snapshot_preview1.fd_fdstat_set_flags");
    ASSERT_EQ(open_with("memory_import", ALL_CAPS, err), IG_EWASM_UNLINKABLE);
    ASSERT_STR_CONTAINS(err, "env.memory: memory imports are not provided");
}

TEST(guest_without_memory)
{
    static const struct {
        const char *fn;
        int32_t want;
    } cases[] = {
        { "fd_write", 21 },
        { "args_sizes_get", 21 },
        { "args_get", 0 },
        { "environ_sizes_get", 21 },
        { "fd_fdstat_get", 21 },
        { "clock_time_get", 21 },
        { "random_get", 21 },
        { "random_get_0", 0 },
        { "rand", IG_HC_EMEMORY },
        { "rand_0", 0 },
        { "log", 0 },
        { "receipt", IG_HC_EMEMORY },
    };
    struct ig_membrane_config c = live_config(0);
    struct guest g;

    ASSERT_OK(guest_open(&g, "nomem", ALL_CAPS, &c));
    ASSERT_OK(ig_membrane_tick_begin(g.mb, 1));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int32_t got = guest_i32(&g, cases[i].fn, 0, 0, 0, 0);

        if (got != cases[i].want)
            IG_TEST_FAIL("%s: %d, want %d", cases[i].fn, got, cases[i].want);
    }
    ASSERT_EQ(host.log.n, 1);
    ASSERT_EQ(host.log.stream[0], IG_LOG_NOTICE);
    guest_close(&g);
}

TEST(hostile_names_made_printable)
{
    char err[512];

    ASSERT_EQ(open_with("evil_name", ALL_CAPS, err), IG_EWASM_UNLINKABLE);
    ASSERT_STR_CONTAINS(err, "import igor.rand??_bytes: not provided");
    ASSERT_EQ(open_with("evil_module", ALL_CAPS, err), IG_EWASM_UNLINKABLE);
    ASSERT_STR_CONTAINS(err, "unknown module \"?[2Jenv\"");
    ASSERT_TRUE(strchr(err, '\033') == NULL);
}
