/* SPDX-License-Identifier: MIT */
/* The per-agent files of a checkpoint directory and the history archive
 * of every committed checkpoint. */
#include "store/storage.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
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
    uint64_t keep; /* history entries kept per agent; 0 = all */
};

static enum ig_store_hook hook;

void ig_store__hook_between(enum ig_store_hook h)
{
    hook = h;
}

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

static int archive_path(struct ig_store *s,
                        const char *id,
                        uint64_t tick,
                        char *path,
                        size_t pathlen,
                        char *err,
                        size_t errlen)
{
    char dir[PATH_MAX];
    int rc =
      ig_store_path(s, id, IG_STORE_HISTORY, dir, sizeof(dir), err, errlen);

    if (rc < 0)
        return rc;
    if (snprintf(
          path, pathlen, "%s/%010llu.ckpt", dir, (unsigned long long)tick) >=
        (int)pathlen)
        return -ENAMETOOLONG;
    rc = mkdirs(dir, 0755);
    if (rc < 0)
        ig_err_set(
          err, errlen, "%s: cannot create directory: %s", dir, strerror(-rc));
    return rc;
}

/* Append to what that the entry at path, in the way for why, was moved
 * to aside ("; " between notes). */
static void said_entry(char *what,
                       size_t whatlen,
                       const char *path,
                       const char *why,
                       const char *aside)
{
    size_t n = what ? strlen(what) : 0;

    if (what && n + 1 < whatlen)
        snprintf(what + n,
                 whatlen - n,
                 "%shistory entry %s was in the way of this save (%s): "
                 "moved it to %s",
                 n ? "; " : "",
                 path,
                 why,
                 aside);
}

/*
 * Move the entry at path out of the history as <path>.rejected, or
 * <path>.rejected.N when earlier ones are there (a rejected file is
 * evidence: never overwritten, never deleted). aside gets the new name.
 */
static int set_aside(const char *path, char *aside, size_t asidelen)
{
    struct stat st;

    for (unsigned i = 0; i < 1000; i++) {
        int n = i ? snprintf(aside, asidelen, "%s.rejected.%u", path, i)
                  : snprintf(aside, asidelen, "%s.rejected", path);

        if (n < 0 || (size_t)n >= asidelen)
            return -ENAMETOOLONG;
        if (lstat(aside, &st) == 0)
            continue;
        if (errno != ENOENT)
            return -errno;
        return rename(path, aside) < 0 ? -errno : 0;
    }
    return -EEXIST;
}

/*
 * Why the entry old is not the agent's own save at the tick of ours:
 * NULL when it is one (validly signed by the key of ours and chained to
 * the checkpoint ours follows, the current one), so that keeping both
 * would fork the history.
 */
static const char *not_ours(const uint8_t *old,
                            size_t oldlen,
                            const struct ig_ckpt *ours)
{
    struct ig_ckpt o;

    if (ig_ckpt_parse(old, oldlen, &o, NULL, 0) < 0)
        return "not a checkpoint";
    if (o.tick != ours->tick)
        return "a checkpoint for another tick";
    if (ours->version != IG_CKPT_V4)
        return NULL; /* nothing to tell an unsigned save's key by */
    if (o.version != IG_CKPT_V4)
        return "not signed";
    if (memcmp(o.pubkey, ours->pubkey, IG_CKPT_PUBKEY_LEN) != 0)
        return "signed by another key than the agent's";
    if (ig_ckpt_verify(old, oldlen, NULL, 0) < 0)
        return "its signature does not verify";
    if (memcmp(o.prev_hash, ours->prev_hash, IG_CKPT_HASH_LEN) != 0)
        return "it does not chain to the current checkpoint";
    return NULL;
}

/* Why the entry at path does not hold the agent's save (see not_ours);
 * the current checkpoint's own entry always does. -ENOMEM. */
static int weigh_entry(struct ig_store *s,
                       const char *id,
                       const char *path,
                       const struct ig_ckpt *ours,
                       const char **why)
{
    uint8_t *old = NULL, *cur = NULL;
    size_t oldlen = 0, curlen = 0;
    int rc = ig_atomic_read(path, IG_CKPT_MAX_FILE, &old, &oldlen, NULL, 0),
        rc2 = ig_store_load_checkpoint(s, id, &cur, &curlen, NULL, 0);

    *why = "unreadable";
    if (rc == -ENOMEM || rc2 == -ENOMEM) {
        rc = -ENOMEM;
        goto out;
    }
    if (rc == 0 && rc2 == 0 && oldlen == curlen &&
        memcmp(old, cur, curlen) == 0)
        *why = NULL;
    else if (rc == 0)
        *why = not_ours(old, oldlen, ours);
    rc = 0;
out:
    free(old);
    free(cur);
    return rc;
}

/*
 * An archive file is already at path with other bytes than blob. A
 * real save of this agent at that tick is a fork: refuse (IG_EEXISTS).
 * Anything else is in the way of the agent's history: set it aside and
 * say so in what. 0 when path is free again.
 */
static int clear_way(struct ig_store *s,
                     const char *id,
                     const char *path,
                     const struct ig_ckpt *ours,
                     char *what,
                     size_t whatlen,
                     char *err,
                     size_t errlen)
{
    char aside[PATH_MAX + 32];
    const char *why;
    int rc = weigh_entry(s, id, path, ours, &why);

    if (rc < 0)
        return rc;
    if (!why) {
        ig_err_set(err,
                   errlen,
                   "fork: %s is another checkpoint of this agent for tick "
                   "%llu, signed by its key; kept it. Two runs of the agent "
                   "diverged: keep the history you trust and move the other "
                   "entry out of the way",
                   path,
                   (unsigned long long)ours->tick);
        return IG_EEXISTS;
    }
    rc = set_aside(path, aside, sizeof(aside));
    if (rc < 0) {
        ig_err_set(err,
                   errlen,
                   "%s is in the way of tick %llu (%s) and cannot be moved "
                   "aside: %s",
                   path,
                   (unsigned long long)ours->tick,
                   why,
                   strerror(-rc));
        return rc;
    }
    said_entry(what, whatlen, path, why, aside);
    return 0;
}

/* Archive blob as history/<id>/<tick>.ckpt (path gets its name); *fresh
 * tells whether this call created the file. */
static int archive(struct ig_store *s,
                   const char *id,
                   const struct ig_ckpt *ours,
                   const uint8_t *blob,
                   size_t len,
                   char *path,
                   int *fresh,
                   char *what,
                   size_t whatlen,
                   char *err,
                   size_t errlen)
{
    int rc = archive_path(s, id, ours->tick, path, PATH_MAX, err, errlen);
    struct stat st;

    *fresh = 0;
    if (rc < 0)
        return rc;
    if (lstat(path, &st) == 0) {
        rc = S_ISREG(st.st_mode) ? same_contents(path, blob, len, NULL, 0) : 0;
        if (rc == 1 || rc == -ENOMEM)
            return rc == 1 ? 0 : rc;
        rc = clear_way(s, id, path, ours, what, whatlen, err, errlen);
        if (rc < 0)
            return rc;
    }
    rc =
      ig_atomic_file_replace(path, blob, len, 0644, sync_flags(s), err, errlen);
    *fresh = rc == 0;
    return rc;
}

/* The test hook between the two writes of a save. */
static int between(char *err, size_t errlen)
{
    if (hook == IG_STORE_HOOK_CRASH)
        raise(SIGKILL);
    if (hook != IG_STORE_HOOK_FAIL)
        return 0;
    ig_err_set(err, errlen, "injected failure after the history archive");
    return -EIO;
}

/*
 * The current checkpoint could not be replaced: take back the archive
 * entry this save wrote, so nothing is left committed. When the rename
 * happened anyway (only its directory fsync failed) the new checkpoint
 * is current and its entry stays.
 */
static void unarchive(const char *cur,
                      const char *hpath,
                      const uint8_t *blob,
                      size_t len,
                      char *err,
                      size_t errlen)
{
    size_t n = err ? strlen(err) : 0;

    if (same_contents(cur, blob, len, NULL, 0) == 1)
        return;
    if (unlink(hpath) < 0 && err && n + 1 < errlen)
        snprintf(err + n,
                 errlen - n,
                 "; %s could not be removed: %s",
                 hpath,
                 strerror(errno));
}

int ig_store_save_checkpoint(struct ig_store *s,
                             const char *id,
                             const uint8_t *blob,
                             size_t len,
                             char *err,
                             size_t errlen)
{
    return ig_store_commit(s, id, blob, len, NULL, 0, err, errlen);
}

int ig_store_commit(struct ig_store *s,
                    const char *id,
                    const uint8_t *blob,
                    size_t len,
                    char *what,
                    size_t whatlen,
                    char *err,
                    size_t errlen)
{
    char path[PATH_MAX], hpath[PATH_MAX];
    struct ig_ckpt c;
    int rc, fresh = 0;

    rc = ig_store_path(
      s, id, IG_STORE_CHECKPOINT, path, sizeof(path), err, errlen);
    if (rc < 0)
        return rc;
    rc = ig_ckpt_parse(blob, len, &c, err, errlen);
    if (rc < 0)
        return rc;
    /* History first: a crash after it leaves an entry that chains to
     * the current checkpoint, which ig_store_recover makes current. */
    if (what && whatlen)
        what[0] = '\0';
    rc =
      archive(s, id, &c, blob, len, hpath, &fresh, what, whatlen, err, errlen);
    if (rc < 0)
        return rc;
    rc = between(err, errlen);
    if (rc == 0)
        rc = ig_atomic_file_replace(
          path, blob, len, 0644, sync_flags(s), err, errlen);
    if (rc < 0 && fresh)
        unarchive(path, hpath, blob, len, err, errlen);
    /* Best effort: the commit stands, and a failed removal is retried
     * by the next save. */
    if (rc == 0 && s->keep)
        ig_store_prune_history(s, id, s->keep, c.tick, NULL, 0);
    return rc;
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

/* IG_ENOTFOUND for a missing identity file, but IG_EEXISTS when it is a
 * symlink to a missing file (its volume not mounted, say): a new key
 * made through it would change the agent's identity. */
static int refuse_dangling(const char *path, char *err, size_t errlen)
{
    char target[PATH_MAX];

    if (!ig_atomic_file_dangling(path, target, sizeof(target)))
        return IG_ENOTFOUND;
    ig_err_set(err,
               errlen,
               "identity file %s is a symlink to %s, which does not exist: "
               "not making a new key through it (the agent's identity would "
               "change); restore the target or remove the link",
               path,
               target);
    return IG_EEXISTS;
}

int ig_store_load_identity(struct ig_store *s,
                           const char *id,
                           struct ig_identity *out,
                           unsigned *was_mode,
                           char *err,
                           size_t errlen)
{
    char path[PATH_MAX];
    int rc, fd = -1;

    if (was_mode)
        *was_mode = 0;
    rc =
      ig_store_path(s, id, IG_STORE_IDENTITY, path, sizeof(path), err, errlen);
    if (rc == 0)
        rc = ig_identity_load_keep(path, out, &fd, err, errlen);
    if (rc == IG_ENOTFOUND)
        rc = refuse_dangling(path, err, errlen);
    if (rc == 0)
        rc = ig_atomic_file_restrict(fd, path, was_mode, err, errlen);
    if (fd >= 0)
        close(fd);
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
    int rc;

    /* A bad id fails in the load with the same code the path gives. */
    *created = 0;
    rc = ig_store_load_identity(s, id, out, NULL, err, errlen);
    if (rc != IG_ENOTFOUND)
        return rc;
    rc = ig_identity_generate(out);
    if (rc == 0)
        rc = ig_store_save_identity(s, id, out, err, errlen);
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

/* A history entry name: exactly what the store writes for its tick
 * ("%010llu.ckpt"), so a look-alike such as 00000000003.ckpt is never
 * taken for tick 3, counted, or pruned under the real entry's name. */
static int tick_name(const char *n, uint64_t *tick)
{
    size_t len = strlen(n), i;
    uint64_t v = 0;
    char canon[32];

    if (len < 15 || len > 25 || strcmp(n + len - 5, ".ckpt") != 0)
        return 0;
    for (i = 0; i < len - 5; i++) {
        unsigned d = (unsigned)(n[i] - '0');

        if (d > 9 || v > (UINT64_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    snprintf(canon, sizeof(canon), "%010llu.ckpt", (unsigned long long)v);
    if (strcmp(canon, n) != 0)
        return 0;
    *tick = v;
    return 1;
}

int ig_store_history_newest(struct ig_store *s,
                            const char *id,
                            uint64_t *tick,
                            char *err,
                            size_t errlen)
{
    char dir[PATH_MAX];
    struct dirent *e;
    int rc, found = 0;
    uint64_t t;
    DIR *d;

    rc = ig_store_path(s, id, IG_STORE_HISTORY, dir, sizeof(dir), err, errlen);
    if (rc < 0)
        return rc;
    d = opendir(dir);
    if (!d)
        return errno == ENOENT ? IG_ENOTFOUND : -errno;
    while ((e = readdir(d)) != NULL) {
        if (!tick_name(e->d_name, &t) || (found && t <= *tick))
            continue;
        *tick = t;
        found = 1;
    }
    closedir(d);
    return found ? 0 : IG_ENOTFOUND;
}

void ig_store_set_history_keep(struct ig_store *s, uint64_t keep)
{
    s->keep = keep;
}

/* The ticks up to max of the history entries in dir, in a malloc'd
 * array. */
static int list_ticks(const char *dir, uint64_t max, uint64_t **out, size_t *n)
{
    uint64_t *v = NULL, *nv, t;
    size_t cap = 0;
    struct dirent *e;
    DIR *d = opendir(dir);

    *n = 0;
    if (!d)
        return errno == ENOENT ? 0 : -errno;
    while ((e = readdir(d)) != NULL) {
        if (!tick_name(e->d_name, &t) || t > max)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            nv = realloc(v, cap * sizeof(*v));
            if (!nv) {
                closedir(d);
                free(v);
                return -ENOMEM;
            }
            v = nv;
        }
        v[(*n)++] = t;
    }
    closedir(d);
    *out = v;
    return 0;
}

static int newest_first(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? 1 : x > y ? -1 : 0;
}

int ig_store_prune_history(struct ig_store *s,
                           const char *id,
                           uint64_t keep,
                           uint64_t current,
                           char *err,
                           size_t errlen)
{
    char dir[PATH_MAX], path[PATH_MAX];
    uint64_t *ticks = NULL;
    size_t n = 0;
    int rc;

    rc = ig_store_path(s, id, IG_STORE_HISTORY, dir, sizeof(dir), err, errlen);
    if (rc == 0 && keep)
        rc = list_ticks(dir, current, &ticks, &n);
    if (rc < 0 || n <= keep)
        goto out;
    qsort(ticks, n, sizeof(*ticks), newest_first);
    for (size_t i = (size_t)keep; i < n; i++) {
        if (ticks[i] == current ||
            snprintf(path,
                     sizeof(path),
                     "%s/%010llu.ckpt",
                     dir,
                     (unsigned long long)ticks[i]) >= (int)sizeof(path))
            continue;
        if (unlink(path) < 0 && errno != ENOENT && rc == 0) {
            rc = -errno;
            ig_err_set(
              err, errlen, "%s: cannot remove: %s", path, strerror(errno));
        }
    }
out:
    free(ticks);
    return rc;
}

/* Append what recovery did at tick to what ("; " between repairs). */
static void said(char *what, size_t whatlen, const char *msg, uint64_t tick)
{
    size_t n = what ? strlen(what) : 0;

    if (what && n + 1 < whatlen)
        snprintf(what + n,
                 whatlen - n,
                 "%s%s (tick %llu)",
                 n ? "; " : "",
                 msg,
                 (unsigned long long)tick);
}

/*
 * The key an entry must be signed by to be adopted: the current v4
 * checkpoint's and, when the identity file loads, the identity's. 1
 * when key is allowed, 0 when not (or when nothing vouches for any).
 */
static int agent_key(struct ig_store *s,
                     const char *id,
                     const struct ig_ckpt *cur,
                     const uint8_t *key)
{
    struct ig_identity ident;
    char path[PATH_MAX];
    int rc, known = 0;

    if (cur && cur->version == IG_CKPT_V4) {
        if (memcmp(cur->pubkey, key, IG_CKPT_PUBKEY_LEN) != 0)
            return 0;
        known = 1;
    }
    rc = ig_store_path(s, id, IG_STORE_IDENTITY, path, sizeof(path), NULL, 0);
    if (rc == 0)
        rc = ig_identity_load(path, &ident, NULL, 0);
    if (rc == IG_ENOTFOUND)
        return known;
    if (rc < 0)
        return 0; /* a bad identity file vouches for nothing */
    rc = memcmp(ident.pubkey, key, IG_CKPT_PUBKEY_LEN) == 0;
    ig_identity_wipe(&ident);
    return rc;
}

/*
 * A chained, validly signed entry made with another key is no save of
 * this agent (anyone can sign with a fresh key): set it aside as
 * <entry>.rejected, out of the history and of the next save's way, and
 * say so in what. The current checkpoint is not touched.
 */
static void reject(const char *hpath, char *what, size_t whatlen)
{
    char aside[PATH_MAX + 32];
    size_t n = what ? strlen(what) : 0;
    int moved = set_aside(hpath, aside, sizeof(aside)) == 0;

    if (what && n + 1 < whatlen)
        snprintf(what + n,
                 whatlen - n,
                 "%shistory entry %s chains to the current checkpoint "
                 "but is signed by another key than the agent's: not "
                 "adopted, the current checkpoint is unchanged%s%s",
                 n ? "; " : "",
                 hpath,
                 moved ? "; moved it to " : "",
                 moved ? aside : "");
}

/* The newest history entry (its name's tick in *tick) when it is
 * newer than the current checkpoint cur (NULL when there is none). 1
 * when read into *blob, 0 when there is none to consider, -ENOMEM. */
static int newer_entry(struct ig_store *s,
                       const char *id,
                       const struct ig_ckpt *cur,
                       char *hpath,
                       uint64_t *tick,
                       uint8_t **blob,
                       size_t *len)
{
    int rc = ig_store_history_newest(s, id, tick, NULL, 0);

    if (rc < 0 || (cur && *tick <= cur->tick))
        return 0;
    rc = archive_path(s, id, *tick, hpath, PATH_MAX, NULL, 0);
    if (rc == 0)
        rc = ig_atomic_read(hpath, IG_CKPT_MAX_FILE, blob, len, NULL, 0);
    if (rc == -ENOMEM)
        return rc;
    return rc == 0; /* unreadable: not a save to complete */
}

/*
 * The newest history entry is newer than the current checkpoint and
 * chains to it (prev = SHA-256 of the current file, or zero when there
 * is none), with a valid signature by the agent's key: a save died
 * between its two writes. Make the entry current. Returns 1 when it
 * did, 0 when there was nothing to do or the entry was rejected.
 */
static int roll_forward(struct ig_store *s,
                        const char *id,
                        const uint8_t *cur,
                        size_t curlen,
                        char *what,
                        size_t whatlen,
                        char *err,
                        size_t errlen)
{
    uint8_t want[IG_CKPT_HASH_LEN] = { 0 }, *blob = NULL;
    char hpath[PATH_MAX], path[PATH_MAX];
    struct ig_ckpt c, h;
    uint64_t tick = 0;
    size_t len = 0;
    int rc;

    if (cur && ig_ckpt_parse(cur, curlen, &c, NULL, 0) < 0)
        return 0;
    if (cur)
        ig_ckpt_content_hash(cur, curlen, want);
    rc = newer_entry(s, id, cur ? &c : NULL, hpath, &tick, &blob, &len);
    if (rc <= 0)
        goto out;
    if (ig_ckpt_parse(blob, len, &h, NULL, 0) < 0 || h.version != IG_CKPT_V4 ||
        h.tick != tick || memcmp(h.prev_hash, want, sizeof(want)) != 0 ||
        ig_ckpt_verify(blob, len, NULL, 0) < 0) {
        rc = 0;
        goto out;
    }
    if (!agent_key(s, id, cur ? &c : NULL, h.pubkey)) {
        reject(hpath, what, whatlen);
        rc = 0;
        goto out;
    }
    rc = ig_store_path(
      s, id, IG_STORE_CHECKPOINT, path, sizeof(path), err, errlen);
    if (rc == 0)
        rc = ig_atomic_file_replace(
          path, blob, len, 0644, sync_flags(s), err, errlen);
    rc = rc < 0 ? rc : 1;
out:
    free(blob);
    return rc;
}

int ig_store_recover(struct ig_store *s,
                     const char *id,
                     char *what,
                     size_t whatlen,
                     char *err,
                     size_t errlen)
{
    char hpath[PATH_MAX];
    uint8_t *cur = NULL;
    size_t len = 0;
    struct ig_ckpt c;
    int rc, fresh = 0, fixed = 0;

    if (what && whatlen)
        what[0] = '\0';
    rc = ig_store_load_checkpoint(s, id, &cur, &len, err, errlen);
    if (rc < 0 && rc != IG_ENOTFOUND)
        return rc;
    rc = roll_forward(
      s, id, rc == 0 ? cur : NULL, len, what, whatlen, err, errlen);
    if (rc > 0) {
        free(cur);
        fixed = 1;
        rc = ig_store_load_checkpoint(s, id, &cur, &len, err, errlen);
        if (rc == 0 && ig_ckpt_parse(cur, len, &c, NULL, 0) == 0)
            said(what,
                 whatlen,
                 "completed an interrupted save: its history entry is "
                 "now the current checkpoint",
                 c.tick);
    }
    if (rc < 0 || !cur || ig_ckpt_parse(cur, len, &c, NULL, 0) < 0) {
        free(cur);
        return rc < 0 && rc != IG_ENOTFOUND ? rc : fixed;
    }
    rc =
      archive(s, id, &c, cur, len, hpath, &fresh, what, whatlen, err, errlen);
    if (rc == 0 && fresh)
        said(what,
             whatlen,
             "wrote the missing history entry of the current checkpoint",
             c.tick);
    free(cur);
    if (rc == IG_EEXISTS) /* a fork: left for verify to report */
        rc = 0;
    return rc < 0 ? rc : fixed || fresh;
}
