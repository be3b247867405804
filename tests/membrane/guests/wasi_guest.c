/* SPDX-License-Identifier: MIT */
/* A wasi-libc reactor that prints, reads the clock and entropy, and exits,
 * to exercise the WASI subset through the real C library. */
#define _DEFAULT_SOURCE /* clock_gettime, getentropy under -std=c11 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#define GUEST_EXPORT(name) __attribute__((export_name(#name)))

static uint8_t entropy_buf[32];
static uint8_t big[8192];

GUEST_EXPORT(say) void say(int n)
{
    printf("hello %d\n", n);
    printf("two\nlines\n");
    fprintf(stderr, "warn %d\n", n);
}

GUEST_EXPORT(partial) void partial(void)
{
    printf("no newline yet");
    fflush(stdout);
}

GUEST_EXPORT(now) int64_t now(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return -1;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

GUEST_EXPORT(entropy) int entropy(void)
{
    return getentropy(entropy_buf, sizeof(entropy_buf));
}

GUEST_EXPORT(entropy_addr) uint32_t entropy_addr(void)
{
    return (uint32_t)(uintptr_t)entropy_buf;
}

GUEST_EXPORT(quit) void quit(int code)
{
    _Exit(code);
}

GUEST_EXPORT(big_addr) uint32_t big_addr(void)
{
    return (uint32_t)(uintptr_t)big;
}

/* The raw WASI calls, answering -errno or the count written. */
GUEST_EXPORT(raw_write) int raw_write(int fd, uint32_t ptr, uint32_t len)
{
    __wasi_ciovec_t iov = { (const uint8_t *)(uintptr_t)ptr, len };
    __wasi_size_t n = 0;
    int e = __wasi_fd_write(fd, &iov, 1, &n);

    return e ? -e : (int)n;
}

GUEST_EXPORT(raw_seek) int raw_seek(int fd)
{
    __wasi_filesize_t off = 0;

    return __wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &off);
}

GUEST_EXPORT(raw_close) int raw_close(int fd)
{
    return __wasi_fd_close(fd);
}

GUEST_EXPORT(raw_fdstat) int raw_fdstat(int fd)
{
    __wasi_fdstat_t st;
    int e = __wasi_fd_fdstat_get(fd, &st);

    if (e)
        return -e;
    return st.fs_filetype | (int)(st.fs_rights_base << 8);
}

GUEST_EXPORT(raw_clock) int raw_clock(int id)
{
    __wasi_timestamp_t t = 0;

    return __wasi_clock_time_get((__wasi_clockid_t)id, 1, &t);
}
