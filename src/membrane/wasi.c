/* SPDX-License-Identifier: MIT */
/* The WASI preview1 functions igord provides: stdio output to the log,
 * proc_exit, args and environ, and clock and random on the recorded path. */
#include "membrane/wasi.h"

#include <string.h>

#include "membrane/eventlog.h"
#include "membrane/membrane.h"
#include "util/err.h"

/* WASI filetype and rights bits used by fd_fdstat_get. */
#define FILETYPE_CHARACTER_DEVICE 2
#define RIGHT_FD_READ (1u << 1)
#define RIGHT_FD_WRITE (1u << 6)
#define FDSTAT_BYTES 24

#define CLOCK_REALTIME_ID 0
#define CLOCK_MONOTONIC_ID 1

static int put_le(ig_wasm_memory_t *mem, uint64_t ptr, uint64_t v, size_t n)
{
    uint8_t b[8];

    if (!ig_membrane__in_bounds(mem, ptr, n))
        return IG_ETRAP_MEM_OOB;
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    return ig_wasm_memory_write(mem, ptr, b, n);
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static int is_stdio(uint32_t fd)
{
    return fd <= 2;
}

/* Sum the iovec lengths after checking every buffer is in bounds. */
static int check_iovs(ig_wasm_memory_t *mem,
                      const uint8_t *iov,
                      uint32_t n,
                      uint64_t *total)
{
    *total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t buf = get_u32(iov + 8 * i), len = get_u32(iov + 8 * i + 4);

        if (!ig_membrane__in_bounds(mem, buf, len))
            return IG_WASI_EFAULT;
        *total += len;
    }
    return *total > INT32_MAX ? IG_WASI_EINVAL : 0;
}

/*
 * Each function below computes a WASI errno (>= 0), or a negative code that
 * ends the guest call (fuel, event log full, replay divergence); errno_call
 * charges fuel and hands the errno to the guest.
 */
typedef int (*errno_fn)(ig_membrane_t *mb,
                        ig_wasm_memory_t *mem,
                        const ig_wasm_val_t *args);

static int errno_call(ig_wasm_caller_t *c,
                      ig_membrane_t *mb,
                      const ig_wasm_val_t *args,
                      ig_wasm_val_t *res,
                      errno_fn fn)
{
    int rc = ig_membrane__charge(c);

    if (rc == 0)
        rc = fn(mb, ig_wasm_caller_memory(c), args);
    if (rc < 0)
        return rc;
    res[0] = (uint32_t)rc;
    return 0;
}

#define WASI_FN(name)                                                          \
    static int w_##name(ig_wasm_caller_t *c,                                   \
                        void *user,                                            \
                        const ig_wasm_val_t *args,                             \
                        ig_wasm_val_t *res)                                    \
    {                                                                          \
        return errno_call(c, user, args, res, name##_errno);                   \
    }

static int fd_write_errno(ig_membrane_t *mb,
                          ig_wasm_memory_t *mem,
                          const ig_wasm_val_t *args)
{
    uint32_t fd = (uint32_t)args[0], iovs = (uint32_t)args[1];
    uint32_t n = (uint32_t)args[2], nw = (uint32_t)args[3];
    const uint8_t *iov;
    uint64_t total;
    int e;

    if (fd != 1 && fd != 2)
        return IG_WASI_EBADF;
    if (n > IG_WASI_IOV_MAX)
        return IG_WASI_EINVAL;
    if (!ig_membrane__in_bounds(mem, iovs, (uint64_t)n * 8) ||
        !ig_membrane__in_bounds(mem, nw, 4))
        return IG_WASI_EFAULT;
    iov = ig_wasm_memory_data(mem) + iovs;
    e = check_iovs(mem, iov, n, &total);
    if (e)
        return e;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *data = ig_wasm_memory_data(mem) + get_u32(iov + 8 * i);

        ig_membrane__write_stdio(mb, (int)fd, data, get_u32(iov + 8 * i + 4));
    }
    return put_le(mem, nw, total, 4) < 0 ? IG_WASI_EFAULT : 0;
}

static int fd_close_errno(ig_membrane_t *mb,
                          ig_wasm_memory_t *mem,
                          const ig_wasm_val_t *args)
{
    /* Closing stdio is accepted and changes nothing: output keeps going to
     * the log, which is what a program that closes stdout at exit wants. */
    return is_stdio((uint32_t)args[0]) ? 0 : IG_WASI_EBADF;
}

static int fd_seek_errno(ig_membrane_t *mb,
                         ig_wasm_memory_t *mem,
                         const ig_wasm_val_t *args)
{
    return is_stdio((uint32_t)args[0]) ? IG_WASI_ESPIPE : IG_WASI_EBADF;
}

static int fd_fdstat_get_errno(ig_membrane_t *mb,
                               ig_wasm_memory_t *mem,
                               const ig_wasm_val_t *args)
{
    uint32_t fd = (uint32_t)args[0], buf = (uint32_t)args[1];
    uint8_t st[FDSTAT_BYTES] = { 0 };
    uint64_t rights = fd == 0 ? RIGHT_FD_READ : RIGHT_FD_WRITE;

    if (!is_stdio(fd))
        return IG_WASI_EBADF;
    if (!ig_membrane__in_bounds(mem, buf, sizeof(st)))
        return IG_WASI_EFAULT;
    /* filetype u8 @0, flags u16 @2, rights base u64 @8, inheriting @16.
     * No seek or tell rights: wasi-libc then treats the fd as a tty and
     * line-buffers it. */
    st[0] = FILETYPE_CHARACTER_DEVICE;
    for (int i = 0; i < 8; i++)
        st[8 + i] = (uint8_t)(rights >> (8 * i));
    return ig_wasm_memory_write(mem, buf, st, sizeof(st)) < 0 ? IG_WASI_EFAULT
                                                              : 0;
}

static int w_proc_exit(ig_wasm_caller_t *c,
                       void *user,
                       const ig_wasm_val_t *args,
                       ig_wasm_val_t *res)
{
    /* No fuel charge: exiting must work even when fuel is short. */
    ig_membrane__set_exit(user, (uint32_t)args[0]);
    return IG_ETRAP_EXIT;
}

static uint64_t args_bytes(ig_membrane_t *mb)
{
    uint64_t n = 0;

    for (uint32_t i = 0; i < ig_membrane__argc(mb); i++)
        n += strlen(ig_membrane__argv(mb, i)) + 1;
    return n;
}

/* Write two u32 counts, as the *_sizes_get functions answer. */
static int put_sizes(ig_wasm_memory_t *mem,
                     const ig_wasm_val_t *args,
                     uint64_t count,
                     uint64_t bytes)
{
    if (put_le(mem, (uint32_t)args[0], count, 4) < 0 ||
        put_le(mem, (uint32_t)args[1], bytes, 4) < 0)
        return IG_WASI_EFAULT;
    return 0;
}

static int args_sizes_get_errno(ig_membrane_t *mb,
                                ig_wasm_memory_t *mem,
                                const ig_wasm_val_t *args)
{
    return put_sizes(mem, args, ig_membrane__argc(mb), args_bytes(mb));
}

static int args_get_errno(ig_membrane_t *mb,
                          ig_wasm_memory_t *mem,
                          const ig_wasm_val_t *args)
{
    uint32_t argv = (uint32_t)args[0], buf = (uint32_t)args[1];
    uint32_t argc = ig_membrane__argc(mb);
    uint64_t off = 0;

    if (!ig_membrane__in_bounds(mem, argv, (uint64_t)argc * 4) ||
        !ig_membrane__in_bounds(mem, buf, args_bytes(mb)))
        return IG_WASI_EFAULT;
    for (uint32_t i = 0; i < argc; i++) {
        const char *s = ig_membrane__argv(mb, i);
        size_t n = strlen(s) + 1;

        if (put_le(mem, (uint64_t)argv + 4 * i, buf + off, 4) < 0 ||
            ig_wasm_memory_write(mem, buf + off, s, n) < 0)
            return IG_WASI_EFAULT;
        off += n;
    }
    return 0;
}

static int environ_sizes_get_errno(ig_membrane_t *mb,
                                   ig_wasm_memory_t *mem,
                                   const ig_wasm_val_t *args)
{
    return put_sizes(mem, args, 0, 0);
}

static int environ_get_errno(ig_membrane_t *mb,
                             ig_wasm_memory_t *mem,
                             const ig_wasm_val_t *args)
{
    return 0; /* no variables: nothing to write */
}

static int clock_time_get_errno(ig_membrane_t *mb,
                                ig_wasm_memory_t *mem,
                                const ig_wasm_val_t *args)
{
    uint32_t id = (uint32_t)args[0], ptr = (uint32_t)args[2];
    uint64_t ns;
    int rc, e = 0;

    if (id != CLOCK_REALTIME_ID && id != CLOCK_MONOTONIC_ID)
        e = IG_WASI_EINVAL;
    else if (!ig_membrane__in_bounds(mem, ptr, 8))
        e = IG_WASI_EFAULT;
    if (e) {
        rc = ig_membrane__observe_error(mb, IG_EV_WASI_CLOCK);
        return rc < 0 ? rc : e;
    }
    rc = ig_membrane__clock(mb, IG_EV_WASI_CLOCK, &ns);
    if (rc < 0)
        return rc;
    put_le(mem, ptr, ns, 8);
    return 0;
}

static int random_get_errno(ig_membrane_t *mb,
                            ig_wasm_memory_t *mem,
                            const ig_wasm_val_t *args)
{
    uint32_t ptr = (uint32_t)args[0], len = (uint32_t)args[1];
    int rc, e = 0, failed = 0;

    if (len > IG_RAND_MAX_LEN)
        e = IG_WASI_EINVAL;
    else if (len > 0 && !ig_membrane__in_bounds(mem, ptr, len))
        e = IG_WASI_EFAULT;
    if (e)
        rc = ig_membrane__observe_error(mb, IG_EV_WASI_RANDOM);
    else
        rc = ig_membrane__random(mb, IG_EV_WASI_RANDOM, mem, ptr, len, &failed);
    if (rc < 0)
        return rc;
    return failed ? IG_WASI_EIO : e;
}

WASI_FN(fd_write)
WASI_FN(fd_close)
WASI_FN(fd_seek)
WASI_FN(fd_fdstat_get)
WASI_FN(args_sizes_get)
WASI_FN(args_get)
WASI_FN(environ_sizes_get)
WASI_FN(environ_get)
WASI_FN(clock_time_get)
WASI_FN(random_get)

#define I32 IG_WASM_I32
#define I64 IG_WASM_I64

static const uint8_t r_i32[] = { I32 };
static const uint8_t p_i32[] = { I32 };
static const uint8_t p_i32x2[] = { I32, I32 };
static const uint8_t p_i32x4[] = { I32, I32, I32, I32 };
static const uint8_t p_seek[] = { I32, I64, I32, I32 };
static const uint8_t p_clock[] = { I32, I64, I32 };

#define FN(np, p)                                                              \
    {                                                                          \
        .nparams = (np), .nresults = 1, .params = (p), .results = r_i32        \
    }

static const struct ig_hostcall_def wasi_defs[] = {
    { "fd_write", -1, FN(4, p_i32x4), w_fd_write },
    { "fd_close", -1, FN(1, p_i32), w_fd_close },
    { "fd_seek", -1, FN(4, p_seek), w_fd_seek },
    { "fd_fdstat_get", -1, FN(2, p_i32x2), w_fd_fdstat_get },
    { "proc_exit", -1, { .nparams = 1, .params = p_i32 }, w_proc_exit },
    { "args_get", -1, FN(2, p_i32x2), w_args_get },
    { "args_sizes_get", -1, FN(2, p_i32x2), w_args_sizes_get },
    { "environ_get", -1, FN(2, p_i32x2), w_environ_get },
    { "environ_sizes_get", -1, FN(2, p_i32x2), w_environ_sizes_get },
    { "clock_time_get", -1, FN(3, p_clock), w_clock_time_get },
    { "random_get", -1, FN(2, p_i32x2), w_random_get },
};

const struct ig_hostcall_def *ig_wasi_find(const char *name, size_t len)
{
    return ig_hostcalls__lookup(
      wasi_defs, sizeof(wasi_defs) / sizeof(wasi_defs[0]), name, len);
}
