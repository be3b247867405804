/* SPDX-License-Identifier: MIT */
/* The per-agent run lock file and its flock(2). */
#include "store/agentlock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "util/err.h"

int ig_agentlock_take(struct ig_store *s,
                      const char *id,
                      int *fd,
                      char *err,
                      size_t errlen)
{
    char path[PATH_MAX];
    int rc, f = -1;

    *fd = -1;
    rc = ig_store_path(s, id, IG_STORE_LOCK, path, sizeof(path), err, errlen);
    if (rc < 0)
        goto out;
    f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (f < 0) {
        rc = -errno;
        ig_err_set(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        goto out;
    }
    if (flock(f, LOCK_EX | LOCK_NB) < 0) {
        rc = errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;
        if (rc == -EWOULDBLOCK)
            ig_err_set(err,
                       errlen,
                       "agent %s is already running (lock %s held by "
                       "another igord)",
                       id,
                       path);
        else
            ig_err_set(
              err, errlen, "%s: cannot lock: %s", path, strerror(errno));
        goto out;
    }
    *fd = f;
    f = -1;
out:
    if (f >= 0)
        close(f);
    return rc;
}

void ig_agentlock_release(int fd)
{
    if (fd >= 0)
        close(fd);
}
