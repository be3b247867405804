/* SPDX-License-Identifier: MIT */
/* Atomic replace of a whole file; see atomic_file.h for the sequence. */
#include "util/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"

#define TMP_SUFFIX ".igtmp"
#define TMP_SUFFIX_LEN 6

static enum ig_atomic_step fail_step = IG_ATOMIC_STEP_NONE;
static unsigned tmp_counter;

static const char *const step_names[] = {
    [IG_ATOMIC_STEP_NONE] = "none",
    [IG_ATOMIC_STEP_OPEN] = "create temp file",
    [IG_ATOMIC_STEP_WRITE] = "write",
    [IG_ATOMIC_STEP_FSYNC] = "fsync",
    [IG_ATOMIC_STEP_CLOSE] = "close",
    [IG_ATOMIC_STEP_RENAME] = "rename",
    [IG_ATOMIC_STEP_DIRSYNC] = "fsync directory",
};

void ig_atomic_file__fail_at(enum ig_atomic_step step)
{
    fail_step = step;
}

/* True when the test hook wants this step to fail; sets errno. */
static int injected(enum ig_atomic_step step)
{
    if (fail_step != step)
        return 0;
    errno = EIO;
    return 1;
}

/* Split path into its directory (or ".") and base name. */
static int split_path(const char *path,
                      char *dir,
                      size_t dirlen,
                      const char **base)
{
    const char *slash = strrchr(path, '/');
    size_t n;

    if (!slash) {
        *base = path;
        return snprintf(dir, dirlen, ".") < (int)dirlen ? 0 : -ENAMETOOLONG;
    }
    *base = slash + 1;
    n = slash == path ? 1 : (size_t)(slash - path);
    if (n + 1 > dirlen)
        return -ENAMETOOLONG;
    memcpy(dir, path, n);
    dir[n] = '\0';
    return 0;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;

    if (fd < 0)
        return -errno;
    if (injected(IG_ATOMIC_STEP_DIRSYNC) || fsync(fd) < 0)
        rc = -errno;
    close(fd);
    return rc;
}

/* Create a fresh temp file beside path; O_EXCL guards against reuse. */
static int open_temp(const char *dir,
                     const char *base,
                     mode_t mode,
                     char *tmp,
                     size_t tmplen)
{
    for (int tries = 0; tries < 8; tries++) {
        unsigned n = __atomic_fetch_add(&tmp_counter, 1, __ATOMIC_RELAXED);
        int len = snprintf(tmp,
                           tmplen,
                           "%s/.%s.%ld-%u" TMP_SUFFIX,
                           dir,
                           base,
                           (long)getpid(),
                           n);
        int fd;

        if (len < 0 || (size_t)len >= tmplen) {
            errno = ENAMETOOLONG;
            return -1;
        }
        if (injected(IG_ATOMIC_STEP_OPEN))
            return -1;
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* Write, fsync and close the temp file; the fd is always closed. */
static int fill_temp(int fd,
                     const void *data,
                     size_t len,
                     mode_t mode,
                     unsigned flags,
                     enum ig_atomic_step *step)
{
    int rc;

    *step = IG_ATOMIC_STEP_WRITE;
    rc = fchmod(fd, mode) < 0 ? -errno : 0;
    if (rc == 0)
        rc = injected(IG_ATOMIC_STEP_WRITE) ? -EIO : write_all(fd, data, len);
    if (rc == 0 && !(flags & IG_ATOMIC_NOSYNC)) {
        *step = IG_ATOMIC_STEP_FSYNC;
        if (injected(IG_ATOMIC_STEP_FSYNC) || fsync(fd) < 0)
            rc = -errno;
    }
    if (close(fd) < 0 && rc == 0) {
        *step = IG_ATOMIC_STEP_CLOSE;
        rc = -errno;
    }
    if (rc == 0 && injected(IG_ATOMIC_STEP_CLOSE)) {
        *step = IG_ATOMIC_STEP_CLOSE;
        rc = -EIO;
    }
    return rc;
}

/* Put tmp at path: rename over it, or link beside nothing. */
static int place(const char *tmp, const char *path, unsigned flags)
{
    if (!(flags & IG_ATOMIC_NOREPLACE))
        return rename(tmp, path);
    if (link(tmp, path) < 0)
        return -1;
    (void)unlink(tmp);
    return 0;
}

int ig_atomic_file_replace(const char *path,
                           const void *data,
                           size_t len,
                           mode_t mode,
                           unsigned flags,
                           char *err,
                           size_t errlen)
{
    char dir[PATH_MAX], tmp[PATH_MAX];
    const char *base = NULL;
    enum ig_atomic_step step = IG_ATOMIC_STEP_OPEN;
    int fd, rc, have_tmp = 0;

    rc = split_path(path, dir, sizeof(dir), &base);
    if (rc < 0)
        goto out;
    fd = open_temp(dir, base, mode, tmp, sizeof(tmp));
    if (fd < 0) {
        rc = -errno;
        goto out;
    }
    have_tmp = 1;
    rc = fill_temp(fd, data, len, mode, flags, &step);
    if (rc < 0)
        goto out;
    step = IG_ATOMIC_STEP_RENAME;
    if (injected(IG_ATOMIC_STEP_RENAME) || place(tmp, path, flags) < 0) {
        rc = -errno;
        goto out;
    }
    have_tmp = 0;
    step = IG_ATOMIC_STEP_DIRSYNC;
    if (!(flags & IG_ATOMIC_NOSYNC))
        rc = sync_dir(dir);
out:
    if (have_tmp)
        unlink(tmp);
    if (rc < 0)
        ig_err_set(err,
                   errlen,
                   "%s: %s failed: %s",
                   path,
                   step_names[step],
                   strerror(-rc));
    return rc;
}

int ig_atomic_file_restrict(int fd,
                            const char *path,
                            unsigned *was,
                            char *err,
                            size_t errlen)
{
    struct stat st;
    int rc;

    if (fstat(fd, &st) < 0)
        return -errno;
    if ((st.st_mode & 0777) == 0600)
        return 0;
    if (fchmod(fd, 0600) < 0) {
        rc = -errno;
        ig_err_set(err,
                   errlen,
                   "%s: cannot restrict mode to 0600: %s",
                   path,
                   strerror(errno));
        return rc;
    }
    if (was)
        *was = (unsigned)(st.st_mode & 0777);
    return 0;
}

/* The writer pid of one of our temp names, or -1 for other names. */
static long temp_owner(const char *name)
{
    size_t n = strlen(name);
    const char *dot, *end;
    char *stop = NULL;
    long pid;

    if (name[0] != '.' || n <= TMP_SUFFIX_LEN ||
        strcmp(name + n - TMP_SUFFIX_LEN, TMP_SUFFIX) != 0)
        return -1;
    end = name + n - TMP_SUFFIX_LEN;
    dot = end - 1;
    while (dot > name && *dot != '.')
        dot--;
    if (dot == name)
        return -1;
    pid = strtol(dot + 1, &stop, 10);
    if (stop == dot + 1 || *stop != '-' || pid <= 0)
        return -1;
    return pid;
}

int ig_atomic_file_clean_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int removed = 0;

    if (!d)
        return errno == ENOENT ? 0 : -errno;
    while ((e = readdir(d)) != NULL) {
        long pid = temp_owner(e->d_name);

        if (pid <= 0 || pid > INT_MAX)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}

int ig_atomic_file_write(const char *path,
                         const void *data,
                         size_t len,
                         mode_t mode)
{
    return ig_atomic_file_replace(path, data, len, mode, 0, NULL, 0);
}

int ig_atomic_file_dangling(const char *path, char *target, size_t targetlen)
{
    struct stat st;
    ssize_t n;

    if (targetlen)
        target[0] = '\0';
    if (lstat(path, &st) < 0 || !S_ISLNK(st.st_mode) || stat(path, &st) == 0 ||
        errno != ENOENT)
        return 0;
    n = targetlen ? readlink(path, target, targetlen - 1) : -1;
    if (n >= 0)
        target[n] = '\0';
    return 1;
}
