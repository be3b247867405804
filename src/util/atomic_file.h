/* SPDX-License-Identifier: MIT */
/* Crash-safe file replacement: temp file, write, fsync, rename, fsync of
 * the directory, so a reader sees the old or the new content, never a mix. */
#ifndef IG_UTIL_ATOMIC_FILE_H
#define IG_UTIL_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Skip both fsyncs: only for benchmarks measuring their cost. */
#define IG_ATOMIC_NOSYNC 1u
/* Create, never replace: the temp file is linked into place, so path
 * existing in any form (a dangling symlink too) fails with -EEXIST. */
#define IG_ATOMIC_NOREPLACE 2u

/* The steps of a replacement, named in its error detail. */
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
 * (".<name>.<pid>-<n>.igtmp", O_CREAT|O_EXCL), force its mode with
 * fchmod (so the umask neither widens nor narrows it), fsync, close,
 * rename over path, fsync the directory. A crash at any point leaves
 * either the old file or the new one. On failure the temp file is
 * removed and the old file is untouched (except after a failed
 * directory fsync: the rename has happened but may not be durable);
 * err names the failed step and the return is -errno.
 */
int ig_atomic_file_replace(const char *path,
                           const void *data,
                           size_t len,
                           mode_t mode,
                           unsigned flags,
                           char *err,
                           size_t errlen);

/* ig_atomic_file_replace with fsync and no error detail. */
int ig_atomic_file_write(const char *path,
                         const void *data,
                         size_t len,
                         mode_t mode);

/*
 * Set a secret file (a key) open on fd to mode 0600 unless it is
 * already: loading one that others could read closes the hole. The
 * descriptor is the file the key was read from, so no symlink or rename
 * can redirect the change. *was (may be NULL) gets the old mode when it
 * changed, else is left alone. Returns 0, or -errno with detail in err
 * (path names the file there).
 */
int ig_atomic_file_restrict(int fd,
                            const char *path,
                            unsigned *was,
                            char *err,
                            size_t errlen);

/*
 * 1 when path is a symlink whose target is missing (a key file behind
 * one must not be replaced by a new key: the owner's identity would
 * change), with the link's target in target (cut to targetlen, always
 * terminated); 0 otherwise.
 */
int ig_atomic_file_dangling(const char *path, char *target, size_t targetlen);

/*
 * Remove the temp files a crashed ig_atomic_file_replace left in dir
 * (those whose writer process is gone; a live writer's temp is kept).
 * Returns the count removed or -errno (a missing dir counts as 0).
 */
int ig_atomic_file_clean_dir(const char *dir);

/*
 * Test hook: make the following replacements fail at step with -EIO
 * (IG_ATOMIC_STEP_NONE turns it off). Not for production use.
 */
void ig_atomic_file__fail_at(enum ig_atomic_step step);

#endif
