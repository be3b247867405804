/* SPDX-License-Identifier: MIT */
/* The per-agent files of a checkpoint directory and the history archive
 * of every committed checkpoint. */
#include "store/storage.h"

#include <errno.h>
#include <limits.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/agentid.h"
#include "store/atomic.h"
#include "store/ckpt.h"
#include "util/err.h"

#define HISTORY_DIR "history"
#define RECEIPTS_MAX (64u * 1024 * 1024)

struct ig_store {
    char *dir;
    unsigned flags;
};

/* mkdir -p with mode for every missing component. */
static int mkdirs(const char *path, mode_t mode)
{
    char buf[PATH_MAX];
    size_t n = strlen(path);

    if (n == 0 || n >= sizeof(buf))
        return -ENAMETOOLONG;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        buf[i] = '\0';
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
            return -errno;
        buf[i] = path[i];
    }
    return 0;
}

/* Remove dead writers' temp files from the base and each history dir. */
static void clean_temps(const char *dir)
{
    char hist[PATH_MAX], sub[PATH_MAX];
    struct dirent *e;
    DIR *d;

    ig_atomic_file_clean_dir(dir);
    if (snprintf(hist, sizeof(hist), "%s/" HISTORY_DIR, dir) >=
        (int)sizeof(hist))
        return;
    d = opendir(hist);
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (snprintf(sub, sizeof(sub), "%s/%s", hist, e->d_name) <
            (int)sizeof(sub))
            ig_atomic_file_clean_dir(sub);
    }
    closedir(d);
}

int ig_store_open(const char *dir,
                  unsigned flags,
                  struct ig_store **out,
                  char *err,
                  size_t errlen)
{
    struct ig_store *s;
    int rc;

    *out = NULL;
    rc = mkdirs(dir, 0755);
    if (rc < 0) {
        ig_err_set(
          err, errlen, "%s: cannot create directory: %s", dir, strerror(-rc));
        return rc;
    }
    s = calloc(1, sizeof(*s));
    if (!s || !(s->dir = strdup(dir))) {
        free(s);
        return -ENOMEM;
    }
    s->flags = flags;
    clean_temps(dir);
    *out = s;
    return 0;
}

void ig_store_close(struct ig_store *s)
{
    if (!s)
        return;
    free(s->dir);
    free(s);
}

const char *ig_store_dir(const struct ig_store *s)
{
    return s->dir;
}

static const char *const suffixes[] = {
    [IG_STORE_CHECKPOINT] = ".checkpoint",
    [IG_STORE_IDENTITY] = ".identity",
    [IG_STORE_RECEIPTS] = ".receipts",
    [IG_STORE_LOCK] = ".lock",
};

int ig_store_path(const struct ig_store *s,
                  const char *id,
                  enum ig_store_file f,
                  char *out,
                  size_t outlen,
                  char *err,
                  size_t errlen)
{
    int rc = ig_agentid_validate(id, err, errlen), n;

    if (rc < 0)
        return rc;
    if (f == IG_STORE_HISTORY)
        n = snprintf(out, outlen, "%s/" HISTORY_DIR "/%s", s->dir, id);
    else if (f >= IG_STORE_CHECKPOINT && f <= IG_STORE_LOCK)
        n = snprintf(out, outlen, "%s/%s%s", s->dir, id, suffixes[f]);
    else
        return -EINVAL;
    if (n < 0 || (size_t)n >= outlen) {
        ig_err_set(err, errlen, "path for agent %s is too long", id);
        return -ENAMETOOLONG;
    }
    return 0;
}

static unsigned sync_flags(const struct ig_store *s)
{
    return (s->flags & IG_STORE_NOSYNC) ? IG_ATOMIC_NOSYNC : 0;
}

/* Compare an existing archive file with blob: 1 same, 0 differs. */
static int same_contents(const char *path,
                         const uint8_t *blob,
                         size_t len,
                         char *err,
                         size_t errlen)
{
    uint8_t *old = NULL;
    size_t oldlen = 0;
    int rc = ig_atomic_read(path, IG_CKPT_MAX_FILE, &old, &oldlen, err, errlen);

    if (rc == IG_ETOOBIG)
        return 0;
    if (rc < 0)
        return rc;
    rc = oldlen == len && memcmp(old, blob, len) == 0;
    free(old);
    return rc;
}

static int archive(struct ig_store *s,
                   const char *id,
                   uint64_t tick,
                   const uint8_t *blob,
                   size_t len,
                   char *err,
                   size_t errlen)
{
    char dir[PATH_MAX], path[PATH_MAX];
    int rc =
      ig_store_path(s, id, IG_STORE_HISTORY, dir, sizeof(dir), err, errlen);

    if (rc < 0)
        return rc;
    if (snprintf(path,
                 sizeof(path),
                 "%s/%010llu.ckpt",
                 dir,
                 (unsigned long long)tick) >= (int)sizeof(path))
        return -ENAMETOOLONG;
    rc = mkdirs(dir, 0755);
    if (rc < 0) {
        ig_err_set(
          err, errlen, "%s: cannot create directory: %s", dir, strerror(-rc));
        return rc;
    }
    if (access(path, F_OK) == 0) {
        rc = same_contents(path, blob, len, err, errlen);
        if (rc == 0) {
            ig_err_set(err,
                       errlen,
                       "%s already holds a different "
                       "checkpoint for tick %llu; kept it",
                       path,
                       (unsigned long long)tick);
            return IG_EEXISTS;
        }
        return rc < 0 ? rc : 0;
    }
    return ig_atomic_file_replace(
      path, blob, len, 0644, sync_flags(s), err, errlen);
}

int ig_store_save_checkpoint(struct ig_store *s,
                             const char *id,
                             const uint8_t *blob,
                             size_t len,
                             char *err,
                             size_t errlen)
{
    char path[PATH_MAX];
    struct ig_ckpt c;
    int rc;

    rc = ig_store_path(
      s, id, IG_STORE_CHECKPOINT, path, sizeof(path), err, errlen);
    if (rc < 0)
        return rc;
    rc = ig_ckpt_parse(blob, len, &c, err, errlen);
    if (rc < 0)
        return rc;
    rc =
      ig_atomic_file_replace(path, blob, len, 0644, sync_flags(s), err, errlen);
    if (rc < 0)
        return rc;
    return archive(s, id, c.tick, blob, len, err, errlen);
}

static int load_file(struct ig_store *s,
                     const char *id,
                     enum ig_store_file f,
                     size_t max,
                     uint8_t **data,
                     size_t *len,
                     char *err,
                     size_t errlen)
{
    char path[PATH_MAX];
    int rc;

    *data = NULL;
    *len = 0;
    rc = ig_store_path(s, id, f, path, sizeof(path), err, errlen);
    if (rc < 0)
        return rc;
    return ig_atomic_read(path, max, data, len, err, errlen);
}

int ig_store_load_checkpoint(struct ig_store *s,
                             const char *id,
                             uint8_t **blob,
                             size_t *len,
                             char *err,
                             size_t errlen)
{
    return load_file(
      s, id, IG_STORE_CHECKPOINT, IG_CKPT_MAX_FILE, blob, len, err, errlen);
}

int ig_store_save_receipts(struct ig_store *s,
                           const char *id,
                           const uint8_t *data,
                           size_t len,
                           char *err,
                           size_t errlen)
{
    char path[PATH_MAX];
    int rc;

    rc =
      ig_store_path(s, id, IG_STORE_RECEIPTS, path, sizeof(path), err, errlen);
    if (rc < 0)
        return rc;
    return ig_atomic_file_replace(
      path, data, len, 0644, sync_flags(s), err, errlen);
}

int ig_store_load_receipts(struct ig_store *s,
                           const char *id,
                           uint8_t **data,
                           size_t *len,
                           char *err,
                           size_t errlen)
{
    return load_file(
      s, id, IG_STORE_RECEIPTS, RECEIPTS_MAX, data, len, err, errlen);
}

/* An identity readable by others is tightened to 0600 in place. */
static int tighten_mode(const char *path, char *err, size_t errlen)
{
    struct stat st;

    if (stat(path, &st) < 0)
        return -errno;
    if ((st.st_mode & 0777) == 0600)
        return 0;
    if (chmod(path, 0600) < 0) {
        int rc = -errno;

        ig_err_set(err,
                   errlen,
                   "%s: cannot restrict mode to 0600: %s",
                   path,
                   strerror(errno));
        return rc;
    }
    return 0;
}

int ig_store_load_identity(struct ig_store *s,
                           const char *id,
                           struct ig_identity *out,
                           char *err,
                           size_t errlen)
{
    char path[PATH_MAX];
    int rc;

    rc =
      ig_store_path(s, id, IG_STORE_IDENTITY, path, sizeof(path), err, errlen);
    if (rc == 0)
        rc = ig_identity_load(path, out, err, errlen);
    if (rc == 0)
        rc = tighten_mode(path, err, errlen);
    if (rc < 0)
        ig_identity_wipe(out);
    return rc;
}

int ig_store_save_identity(struct ig_store *s,
                           const char *id,
                           const struct ig_identity *ident,
                           char *err,
                           size_t errlen)
{
    char path[PATH_MAX];
    int rc;

    rc =
      ig_store_path(s, id, IG_STORE_IDENTITY, path, sizeof(path), err, errlen);
    if (rc < 0)
        return rc;
    return ig_identity_save(path, ident, err, errlen);
}

int ig_store_identity(struct ig_store *s,
                      const char *id,
                      struct ig_identity *out,
                      int *created,
                      char *err,
                      size_t errlen)
{
    char path[PATH_MAX];
    int rc;

    *created = 0;
    rc =
      ig_store_path(s, id, IG_STORE_IDENTITY, path, sizeof(path), err, errlen);
    if (rc < 0)
        return rc;
    rc = ig_store_load_identity(s, id, out, err, errlen);
    if (rc != IG_ENOTFOUND)
        return rc;
    rc = ig_identity_generate(out);
    if (rc == 0)
        rc = ig_identity_save(path, out, err, errlen);
    if (rc < 0) {
        ig_identity_wipe(out);
        return rc;
    }
    *created = 1;
    return 0;
}

int ig_store_remove(struct ig_store *s,
                    const char *id,
                    enum ig_store_file f,
                    char *err,
                    size_t errlen)
{
    char path[PATH_MAX];
    int rc;

    /* Unlinking a held lock file would let a second process lock a new
     * file of the same name. */
    if (f == IG_STORE_HISTORY || f == IG_STORE_LOCK)
        return IG_EUNSUPPORTED;
    rc = ig_store_path(s, id, f, path, sizeof(path), err, errlen);
    if (rc < 0)
        return rc;
    if (unlink(path) < 0 && errno != ENOENT) {
        rc = -errno;
        ig_err_set(err, errlen, "%s: cannot remove: %s", path, strerror(errno));
        return rc;
    }
    return 0;
}
