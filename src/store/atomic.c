/* SPDX-License-Identifier: MIT */
/* Bounded whole-file reads for checkpoints, identities and receipts. */
#include "store/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"

/* Grow buf (doubling, to at most limit bytes); IG_ETOOBIG when it is
 * already that large. */
static int grow(uint8_t **buf, size_t *cap, size_t limit)
{
    size_t ncap = *cap > limit / 2 ? limit : *cap * 2;
    uint8_t *nb;

    if (ncap <= *cap)
        return IG_ETOOBIG;
    nb = realloc(*buf, ncap);
    if (!nb)
        return -ENOMEM;
    *buf = nb;
    *cap = ncap;
    return 0;
}

/*
 * Read fd to its end. The buffer starts at the size fstat reported (plus
 * one byte to see the end), so a file read whole needs one allocation;
 * a file that grows while read is still cut off at max + 1 bytes.
 */
static int read_fd(int fd,
                   size_t hint,
                   size_t max,
                   uint8_t **out,
                   size_t *outlen)
{
    size_t limit = max < SIZE_MAX ? max + 1 : max;
    size_t cap = hint < limit ? hint + 1 : limit, len = 0;
    uint8_t *buf = malloc(cap ? cap : 1);
    int rc = 0;

    if (!buf)
        return -ENOMEM;
    for (;;) {
        ssize_t n;

        if (len == cap && (rc = grow(&buf, &cap, limit)) < 0)
            break;
        n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -errno : 0;
            break;
        }
        len += (size_t)n;
    }
    if (rc == 0 && len > max)
        rc = IG_ETOOBIG;
    if (rc < 0) {
        free(buf);
        return rc;
    }
    *out = buf;
    *outlen = len;
    return 0;
}

/* Open path for reading without blocking on a FIFO or device, and
 * refuse anything but a regular file. Returns the fd or a code. */
static int open_regular(const char *path, size_t *size)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

    if (fd < 0)
        return errno == ENOENT ? IG_ENOTFOUND : -errno;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int rc = S_ISREG(st.st_mode) ? -errno : -EINVAL;

        close(fd);
        return rc;
    }
    *size = st.st_size > 0 ? (size_t)st.st_size : 0;
    return fd;
}

int ig_atomic_read(const char *path,
                   size_t max,
                   uint8_t **out,
                   size_t *outlen,
                   char *err,
                   size_t errlen)
{
    int fd = -1,
        rc = ig_atomic_read_keep(path, max, out, outlen, &fd, err, errlen);

    if (fd >= 0)
        close(fd);
    return rc;
}

int ig_atomic_read_keep(const char *path,
                        size_t max,
                        uint8_t **out,
                        size_t *outlen,
                        int *keep,
                        char *err,
                        size_t errlen)
{
    size_t size = 0;
    int fd, rc;

    *out = NULL;
    *outlen = 0;
    *keep = -1;
    fd = open_regular(path, &size);
    if (fd < 0) {
        ig_err_set(err,
                   errlen,
                   "%s: %s",
                   path,
                   fd == IG_ENOTFOUND ? "not found"
                   : fd == -EINVAL    ? "not a regular file"
                                      : strerror(-fd));
        return fd;
    }
    rc = read_fd(fd, size, max, out, outlen);
    if (rc == 0)
        *keep = fd;
    else
        close(fd);
    if (rc == IG_ETOOBIG)
        ig_err_set(err, errlen, "%s: larger than %zu bytes", path, max);
    else if (rc < 0)
        ig_err_set(err, errlen, "%s: read failed: %s", path, strerror(-rc));
    return rc;
}
