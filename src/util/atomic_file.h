/* SPDX-License-Identifier: MIT */
/* Crash-safe file replacement: temp file, write, fsync, rename, fsync of
 * the directory, so a reader sees the old or the new content, never a mix. */
#ifndef IG_UTIL_ATOMIC_FILE_H
#define IG_UTIL_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Replace path with len bytes of data, created with mode (e.g. 0600; the
 * mode is forced with fchmod, not left to the umask). The temp file is
 * path + ".tmp.<pid>" in the same directory and is removed on any
 * failure. Returns 0 or -errno; on failure the old file is untouched.
 */
int ig_atomic_file_write(const char *path,
                         const void *data,
                         size_t len,
                         mode_t mode);

#endif
