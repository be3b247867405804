/* SPDX-License-Identifier: MIT */
/* Whole-file I/O: crash-safe atomic replacement (temp, write, fsync,
 * rename, fsync dir) and bounded reads. */
#ifndef IG_STORE_ATOMIC_H
#define IG_STORE_ATOMIC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Skip both fsyncs: only for benchmarks measuring their cost. */
#define IG_ATOMIC_NOSYNC 1u

/* The steps of ig_atomic_write, named in its error detail. */
enum ig_atomic_step {
    IG_ATOMIC_STEP_NONE = 0,
    IG_ATOMIC_STEP_OPEN,
    IG_ATOMIC_STEP_WRITE,
    IG_ATOMIC_STEP_FSYNC,
    IG_ATOMIC_STEP_CLOSE,
    IG_ATOMIC_STEP_RENAME,
    IG_ATOMIC_STEP_DIRSYNC,
};

/*
 * Replace path with data[0, len): write a temp file beside it
 * (".<name>.<pid>-<n>.igtmp", O_CREAT|O_EXCL with mode), fsync, close,
 * rename over path, fsync the directory. A crash at any point leaves
 * either the old file or the new one. On failure the temp file is
 * removed, the old file is left untouched (except after a failed
 * directory fsync, when the rename has happened but may not be
 * durable), err names the step, and the return is -errno. The new file
 * always gets exactly mode (fchmod after open, so umask cannot widen or
 * narrow it).
 */
int ig_atomic_write(const char *path,
                    const void *data,
                    size_t len,
                    mode_t mode,
                    unsigned flags,
                    char *err,
                    size_t errlen);

/*
 * Read the whole file at path into a malloc'd buffer (*out, owned by
 * the caller; *out is non-NULL even for an empty file). Missing file ->
 * IG_ENOTFOUND; larger than max -> IG_ETOOBIG; other errors -errno.
 */
int ig_atomic_read(const char *path,
                   size_t max,
                   uint8_t **out,
                   size_t *outlen,
                   char *err,
                   size_t errlen);

/*
 * Remove temp files left by ig_atomic_write in dir whose writer process
 * is gone (a live writer's temp is kept). Returns the count removed or
 * -errno (a missing dir counts as 0).
 */
int ig_atomic_clean_dir(const char *dir);

/*
 * Test hook: make the next ig_atomic_write calls fail at step with
 * -EIO (IG_ATOMIC_STEP_NONE disables). Not for production use.
 */
void ig_atomic__fail_at(enum ig_atomic_step step);

#endif
