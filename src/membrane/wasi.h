/* SPDX-License-Identifier: MIT */
/* The WASI preview1 subset igord gives every guest (SPEC §2): stdio output,
 * proc_exit, args and environ, recorded clock and randomness. */
#ifndef IG_MEMBRANE_WASI_H
#define IG_MEMBRANE_WASI_H

#include <stddef.h>

#include "membrane/hostcalls.h"

#define IG_WASI_MODULE "wasi_snapshot_preview1"

/* WASI errno values used here. */
#define IG_WASI_ESUCCESS 0
#define IG_WASI_EBADF 8
#define IG_WASI_EFAULT 21
#define IG_WASI_EINVAL 28
#define IG_WASI_EIO 29
#define IG_WASI_ESPIPE 70

/* Line buffer per output stream; a longer line is emitted in pieces. */
#define IG_WASI_LINE_MAX 4096u
/* fd_write accepts at most this many iovecs per call (EINVAL beyond). */
#define IG_WASI_IOV_MAX 1024u

/*
 * Provided, nothing else (an import of any other name fails the load):
 *   fd_write(fd, iovs, iovs_len, nwritten_ptr) -> errno
 *       fd 1 and 2 go to the log callback as IG_LOG_STDOUT/STDERR, one line
 *       at a time; other fds EBADF; not recorded (its result is a function
 *       of its arguments). Replay discards the text.
 *   fd_close(fd), fd_seek(fd, off i64, whence, newoff_ptr),
 *   fd_fdstat_get(fd, buf): fds 0-2 only (a character device that cannot
 *       seek: fd_seek is ESPIPE, fd_close succeeds and changes nothing),
 *       others EBADF.
 *   proc_exit(code): ends the guest call with IG_ETRAP_EXIT; the code is
 *       kept for ig_membrane_exit_code.
 *   args_sizes_get, args_get: the config's argv (empty for agents).
 *   environ_sizes_get, environ_get: always empty.
 *   clock_time_get(id, precision i64, time_ptr): realtime and monotonic
 *       both read the recorded wall clock (entry IG_EV_WASI_CLOCK; a host
 *       monotonic clock would jump on migration); other ids EINVAL.
 *   random_get(buf, len): recorded randomness (IG_EV_WASI_RANDOM).
 * Guest pointers out of bounds give EFAULT. Every call but proc_exit
 * charges IG_HOSTCALL_FUEL (an exit always works); clock and random record
 * one entry per call.
 */

/* The WASI function called name (len bytes), or NULL when igord does not
 * provide it. */
const struct ig_hostcall_def *ig_wasi_find(const char *name, size_t len);

#endif
