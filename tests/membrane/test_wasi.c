/* SPDX-License-Identifier: MIT */
/* The WASI subset through wasi-libc guests: stdio to the log sink, line
 * buffering, recorded clock and randomness, proc_exit and argv. */
#define IG_TEST_MAIN
#include "test.h"

#include "guest.h"
#include "membrane/wasi.h"
#include "util/err.h"

static struct capture cap;

static int64_t fixed_clock(void *u)
{
    return 1650000000123456789;
}

static int counting_random(void *u, uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(i * 3 + 1);
    return 0;
}

static struct ig_membrane_config config(void)
{
    struct ig_membrane_config c = {
        .mode = IG_MEMBRANE_LIVE,
        .user = &cap,
        .log = capture_log,
        .clock_now = fixed_clock,
        .random = counting_random,
    };

    memset(&cap, 0, sizeof(cap));
    return c;
}

static void open_wasi(struct guest *g)
{
    struct ig_membrane_config c = config();

    ASSERT_OK(guest_open(g, "wasi", "{}", &c));
    ASSERT_OK(ig_membrane_tick_begin(g->mb, 1));
}

TEST(printf_reaches_the_sink_line_by_line)
{
    struct guest g;
    ig_wasm_val_t arg = 3;

    open_wasi(&g);
    ASSERT_OK(guest_call(&g, "say", &arg, 1, NULL, 0));
    ASSERT_EQ(cap.n, 4);
    ASSERT_EQ(cap.stream[0], IG_LOG_STDOUT);
    ASSERT_STR_EQ(cap.line[0], "hello 3");
    ASSERT_STR_EQ(cap.line[1], "two");
    ASSERT_STR_EQ(cap.line[2], "lines");
    ASSERT_EQ(cap.stream[3], IG_LOG_STDERR);
    ASSERT_STR_EQ(cap.line[3], "warn 3");
    /* Output is not an observation: nothing recorded. */
    ASSERT_EQ(ig_eventlog_count(ig_membrane_eventlog(g.mb)), 0);

    /* A partial line waits for its newline, or for a flush. */
    ASSERT_OK(guest_call(&g, "partial", NULL, 0, NULL, 0));
    ASSERT_EQ(cap.n, 4);
    ig_membrane_flush(g.mb);
    ASSERT_EQ(cap.n, 5);
    ASSERT_STR_EQ(cap.line[4], "no newline yet");
    guest_close(&g);
}

TEST(long_line_split_at_buffer_size)
{
    struct guest g;
    uint32_t big;
    uint8_t x[5000];

    open_wasi(&g);
    big = (uint32_t)guest_i32(&g, "big_addr", 0, 0, 0, 0);
    memset(x, 'x', sizeof(x));
    ASSERT_OK(ig_wasm_memory_write(guest_memory(&g), big, x, sizeof(x)));
    ASSERT_EQ(guest_i32(&g, "raw_write", 3, 1, big, 5000), 5000);
    ASSERT_EQ(cap.n, 1);
    ASSERT_EQ(strlen(cap.line[0]), sizeof(cap.line[0]) - 1);
    guest_close(&g); /* flushes the remaining 904 bytes */
    ASSERT_EQ(cap.n, 2);
}

TEST(stdio_only)
{
    struct guest g;

    open_wasi(&g);
    ASSERT_EQ(guest_i32(&g, "raw_write", 3, 5, 0, 4), -IG_WASI_EBADF);
    ASSERT_EQ(guest_i32(&g, "raw_write", 3, 0, 0, 4), -IG_WASI_EBADF);
    ASSERT_EQ(guest_i32(&g, "raw_write", 3, 1, 0xfffffff0u, 64),
              -IG_WASI_EFAULT);
    ASSERT_EQ(guest_i32(&g, "raw_seek", 1, 1, 0, 0), IG_WASI_ESPIPE);
    ASSERT_EQ(guest_i32(&g, "raw_seek", 1, 9, 0, 0), IG_WASI_EBADF);
    ASSERT_EQ(guest_i32(&g, "raw_close", 1, 2, 0, 0), 0);
    ASSERT_EQ(guest_i32(&g, "raw_close", 1, 7, 0, 0), IG_WASI_EBADF);
    /* character device, write right only */
    ASSERT_EQ(guest_i32(&g, "raw_fdstat", 1, 1, 0, 0), 2 | (1 << 6) << 8);
    ASSERT_EQ(guest_i32(&g, "raw_fdstat", 1, 4, 0, 0), -IG_WASI_EBADF);
    ASSERT_EQ(cap.n, 0);
    guest_close(&g);
}

TEST(clock_and_random_recorded)
{
    struct guest g;
    ig_wasm_val_t res;
    uint8_t got[32];
    uint32_t addr;
    struct ig_event ev;
    const ig_eventlog_t *log;

    open_wasi(&g);
    ASSERT_OK(guest_call(&g, "now", NULL, 0, &res, 1));
    ASSERT_EQ((int64_t)res, 1650000000123456789);
    ASSERT_EQ(guest_i32(&g, "entropy", 0, 0, 0, 0), 0);
    addr = (uint32_t)guest_i32(&g, "entropy_addr", 0, 0, 0, 0);
    ASSERT_OK(ig_wasm_memory_read(guest_memory(&g), addr, got, 32));
    ASSERT_EQ(got[0], 1);
    ASSERT_EQ(got[31], 94);
    ASSERT_EQ(guest_i32(&g, "raw_clock", 1, 1, 0, 0), 0); /* monotonic */
    ASSERT_EQ(guest_i32(&g, "raw_clock", 1, 2, 0, 0), IG_WASI_EINVAL);

    log = ig_membrane_eventlog(g.mb);
    ASSERT_EQ(ig_eventlog_count(log), 4);
    ASSERT_OK(ig_eventlog_entry(log, 0, &ev));
    ASSERT_EQ(ev.id, IG_EV_WASI_CLOCK);
    ASSERT_EQ(ev.len, 8);
    ASSERT_OK(ig_eventlog_entry(log, 1, &ev));
    ASSERT_EQ(ev.id, IG_EV_WASI_RANDOM);
    ASSERT_EQ(ev.len, 32);
    ASSERT_MEM_EQ(ev.payload, got, 32);
    ASSERT_OK(ig_eventlog_entry(log, 3, &ev));
    ASSERT_EQ(ev.id, IG_EV_WASI_CLOCK);
    ASSERT_EQ(ev.len, 0); /* the EINVAL call */
    guest_close(&g);
}

TEST(proc_exit_code)
{
    struct guest g;
    ig_wasm_val_t arg = 42;
    uint32_t code = 0;

    open_wasi(&g);
    ASSERT_EQ(ig_membrane_exit_code(g.mb, &code), 0);
    ASSERT_EQ(guest_call(&g, "quit", &arg, 1, NULL, 0), IG_ETRAP_EXIT);
    ASSERT_EQ(ig_membrane_exit_code(g.mb, &code), 1);
    ASSERT_EQ(code, 42);
    guest_close(&g);
}

TEST(command_with_argv)
{
    static const char *const argv[] = { "bench", "-n", "42" };
    struct ig_membrane_config c = config();
    struct guest g;
    uint32_t code = 0;

    c.argv = argv;
    c.argc = 3;
    ASSERT_OK(guest_open(&g, "args", "{}", &c));
    ASSERT_EQ(guest_call(&g, "_start", NULL, 0, NULL, 0), IG_ETRAP_EXIT);
    ASSERT_EQ(ig_membrane_exit_code(g.mb, &code), 1);
    ASSERT_EQ(code, 3);
    ASSERT_EQ(cap.n, 3);
    ASSERT_STR_EQ(cap.line[0], "arg 0=bench");
    ASSERT_STR_EQ(cap.line[2], "arg 2=42");
    guest_close(&g);
}

TEST(agents_get_no_argv)
{
    struct ig_membrane_config c = config();
    struct guest g;
    uint32_t code = 9;

    ASSERT_OK(guest_open(&g, "args", "{}", &c));
    /* main(0, ...) returns 0, so _start returns without proc_exit. */
    ASSERT_OK(guest_call(&g, "_start", NULL, 0, NULL, 0));
    ASSERT_EQ(ig_membrane_exit_code(g.mb, &code), 0);
    ASSERT_EQ(cap.n, 0);
    guest_close(&g);
}
