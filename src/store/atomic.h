/* SPDX-License-Identifier: MIT */
/* Bounded whole-file reads for the store. Writes go through the
 * crash-safe replacement of util/atomic_file.h, included here so one
 * header serves both directions. */
#ifndef IG_STORE_ATOMIC_H
#define IG_STORE_ATOMIC_H

#include <stddef.h>
#include <stdint.h>

#include "util/atomic_file.h"

/*
 * Read the whole file at path into a malloc'd buffer (*out, owned by
 * the caller; *out is non-NULL even for an empty file). Missing file ->
 * IG_ENOTFOUND; larger than max -> IG_ETOOBIG; not a regular file (a
 * FIFO, a device, a directory) -> -EINVAL without blocking on it; other
 * errors -errno.
 */
int ig_atomic_read(const char *path,
                   size_t max,
                   uint8_t **out,
                   size_t *outlen,
                   char *err,
                   size_t errlen);

/*
 * ig_atomic_read that keeps the file open: on success *fd is the
 * descriptor the bytes were read from (the caller closes it), so what
 * is done next (a mode fix) reaches that very file; -1 on any error.
 */
int ig_atomic_read_keep(const char *path,
                        size_t max,
                        uint8_t **out,
                        size_t *outlen,
                        int *fd,
                        char *err,
                        size_t errlen);

#endif
