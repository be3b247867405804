/* SPDX-License-Identifier: MIT */
/* Bounded whole-file reads for checkpoints, identities and receipts. */
#include "store/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"

static int read_fd(int fd, size_t max, uint8_t **out, size_t *outlen)
{
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);

    if (!buf)
        return -ENOMEM;
    for (;;) {
        ssize_t n;

        if (len == cap) {
            uint8_t *nb;

            if (cap > max) {
                free(buf);
                return IG_ETOOBIG;
            }
            cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
            nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                return -ENOMEM;
            }
            buf = nb;
        }
        n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;

            free(buf);
            return -e;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > max) {
        free(buf);
        return IG_ETOOBIG;
    }
    *out = buf;
    *outlen = len;
    return 0;
}

int ig_atomic_read(const char *path,
                   size_t max,
                   uint8_t **out,
                   size_t *outlen,
                   char *err,
                   size_t errlen)
{
    int fd, rc;

    *out = NULL;
    *outlen = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = errno == ENOENT ? IG_ENOTFOUND : -errno;
        ig_err_set(err,
                   errlen,
                   "%s: %s",
                   path,
                   rc == IG_ENOTFOUND ? "not found" : strerror(-rc));
        return rc;
    }
    rc = read_fd(fd, max, out, outlen);
    close(fd);
    if (rc == IG_ETOOBIG)
        ig_err_set(err, errlen, "%s: larger than %zu bytes", path, max);
    else if (rc < 0)
        ig_err_set(err, errlen, "%s: read failed: %s", path, strerror(-rc));
    return rc;
}
