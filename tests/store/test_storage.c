/* SPDX-License-Identifier: MIT */
/* Atomic writes and the checkpoint directory layout, on real files. */
#include "test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/atomic.h"
#include "store/storage.h"
#include "store_test.h"
#include "util/err.h"

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

TEST(atomic_write_replaces)
{
    char *dir = st_tmpdir(), path[256];
    struct stat st;
    uint8_t *b;
    size_t len;

    snprintf(path, sizeof(path), "%s/f", dir);
    ASSERT_OK(ig_atomic_file_replace(path, "old", 3, 0644, 0, NULL, 0));
    ASSERT_OK(ig_atomic_file_replace(path, "newer", 5, 0640, 0, NULL, 0));
    b = st_read(path, &len);
    ASSERT_EQ(len, 5);
    ASSERT_MEM_EQ(b, "newer", 5);
    free(b);
    ASSERT_OK(stat(path, &st));
    ASSERT_EQ(st.st_mode & 0777, 0640);
    ASSERT_EQ(count_entries(dir), 1);
    ASSERT_OK(
      ig_atomic_file_replace(path, "", 0, 0644, IG_ATOMIC_NOSYNC, NULL, 0));
    b = st_read(path, &len);
    ASSERT_EQ(len, 0);
    free(b);
    st_done();
}

/* Each step failing in turn leaves the old contents and no temp file. */
TEST(atomic_write_failure_keeps_old)
{
    static const struct {
        enum ig_atomic_step step;
        const char *name;
    } steps[] = {
        { IG_ATOMIC_STEP_OPEN, "create temp file" },
        { IG_ATOMIC_STEP_WRITE, "write" },
        { IG_ATOMIC_STEP_FSYNC, "fsync" },
        { IG_ATOMIC_STEP_CLOSE, "close" },
        { IG_ATOMIC_STEP_RENAME, "rename" },
    };
    char *dir = st_tmpdir(), path[256], err[512];

    snprintf(path, sizeof(path), "%s/ckpt", dir);
    ASSERT_OK(ig_atomic_file_replace(path, "old", 3, 0644, 0, NULL, 0));
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        uint8_t *b;
        size_t len;

        ig_atomic_file__fail_at(steps[i].step);
        ASSERT_EQ(
          ig_atomic_file_replace(path, "new!", 4, 0644, 0, err, sizeof(err)),
          -EIO);
        ASSERT_STR_CONTAINS(err, steps[i].name);
        ig_atomic_file__fail_at(IG_ATOMIC_STEP_NONE);
        b = st_read(path, &len);
        ASSERT_EQ(len, 3);
        ASSERT_MEM_EQ(b, "old", 3);
        free(b);
        ASSERT_EQ(count_entries(dir), 1);
    }
    /* A failed directory fsync happens after the rename: new data. */
    ig_atomic_file__fail_at(IG_ATOMIC_STEP_DIRSYNC);
    ASSERT_EQ(
      ig_atomic_file_replace(path, "new!", 4, 0644, 0, err, sizeof(err)), -EIO);
    ig_atomic_file__fail_at(IG_ATOMIC_STEP_NONE);
    ASSERT_STR_CONTAINS(err, "fsync directory");
    ASSERT_EQ(count_entries(dir), 1);
    st_done();
}

/* A real failure, no hook: the directory is read-only. */
TEST(atomic_write_readonly_dir)
{
    char *dir = st_tmpdir(), path[256], err[512];
    uint8_t *b;
    size_t len;

    if (geteuid() == 0) {
        st_done();
        return; /* root ignores directory permissions: see below */
    }
    snprintf(path, sizeof(path), "%s/ckpt", dir);
    ASSERT_OK(ig_atomic_file_replace(path, "old", 3, 0644, 0, NULL, 0));
    ASSERT_OK(chmod(dir, 0555));
    ASSERT_EQ(ig_atomic_file_replace(path, "new", 3, 0644, 0, err, sizeof(err)),
              -EACCES);
    ASSERT_STR_CONTAINS(err, "create temp file");
    ASSERT_OK(chmod(dir, 0755));
    b = st_read(path, &len);
    ASSERT_MEM_EQ(b, "old", 3);
    free(b);
    st_done();
}

/* Real failures that hold for root too: the file size limit stops the
 * write, and a directory in the way stops the rename. */
TEST(atomic_write_real_failures)
{
    char *dir = st_tmpdir(), path[256], sub[300], err[512];
    struct rlimit lim = { .rlim_cur = 8, .rlim_max = RLIM_INFINITY };
    uint8_t big[100] = { 0 }, *b;
    size_t len;

    snprintf(path, sizeof(path), "%s/ckpt", dir);
    ASSERT_OK(ig_atomic_file_replace(path, "old", 3, 0644, 0, NULL, 0));
    signal(SIGXFSZ, SIG_IGN);
    ASSERT_OK(setrlimit(RLIMIT_FSIZE, &lim));
    ASSERT_EQ(
      ig_atomic_file_replace(path, big, sizeof(big), 0644, 0, err, sizeof(err)),
      -EFBIG);
    ASSERT_STR_CONTAINS(err, "write failed");
    lim.rlim_cur = RLIM_INFINITY;
    ASSERT_OK(setrlimit(RLIMIT_FSIZE, &lim));
    b = st_read(path, &len);
    ASSERT_EQ(len, 3);
    ASSERT_MEM_EQ(b, "old", 3);
    free(b);
    ASSERT_EQ(count_entries(dir), 1);
    /* A non-empty directory where the file should go. */
    snprintf(path, sizeof(path), "%s/d", dir);
    ASSERT_OK(mkdir(path, 0755));
    snprintf(sub, sizeof(sub), "%s/keep", path);
    st_write(sub, "k", 1);
    ASSERT_TRUE(
      ig_atomic_file_replace(path, "x", 1, 0644, 0, err, sizeof(err)) < 0);
    ASSERT_STR_CONTAINS(err, "rename failed");
    ASSERT_EQ(count_entries(dir), 2);
    ASSERT_EQ(count_entries(path), 1);
    st_done();
}

TEST(atomic_read_limits)
{
    char *dir = st_tmpdir(), path[256];
    uint8_t *b = NULL;
    size_t len = 0;

    snprintf(path, sizeof(path), "%s/f", dir);
    ASSERT_EQ(ig_atomic_read(path, 10, &b, &len, NULL, 0), IG_ENOTFOUND);
    st_write(path, "0123456789A", 11);
    ASSERT_EQ(ig_atomic_read(path, 10, &b, &len, NULL, 0), IG_ETOOBIG);
    ASSERT_TRUE(b == NULL);
    ASSERT_OK(ig_atomic_read(path, 11, &b, &len, NULL, 0));
    ASSERT_EQ(len, 11);
    free(b);
    st_done();
}

/* A FIFO or a directory where a checkpoint should be is refused at
 * once instead of blocking the reader. */
TEST(atomic_read_refuses_special_files)
{
    char *dir = st_tmpdir(), p[512], err[512];
    struct ig_store *s = NULL;
    uint8_t *b = NULL;
    size_t len = 0;

    snprintf(p, sizeof(p), "%s/x.checkpoint", dir);
    ASSERT_OK(mkfifo(p, 0644));
    ASSERT_EQ(ig_atomic_read(p, 100, &b, &len, err, sizeof(err)), -EINVAL);
    ASSERT_STR_CONTAINS(err, "not a regular file");
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_EQ(ig_store_load_checkpoint(s, "x", &b, &len, NULL, 0), -EINVAL);
    ig_store_close(s);
    ASSERT_EQ(ig_atomic_read(dir, 100, &b, &len, NULL, 0), -EINVAL);
    snprintf(p, sizeof(p), "%s/empty", dir);
    st_write(p, "", 0);
    ASSERT_OK(ig_atomic_read(p, 0, &b, &len, NULL, 0));
    ASSERT_EQ(len, 0);
    ASSERT_TRUE(b != NULL);
    free(b);
    st_write(p, "x", 1);
    ASSERT_EQ(ig_atomic_read(p, 0, &b, &len, NULL, 0), IG_ETOOBIG);
    st_done();
}

/* A file larger than the first buffer is read whole. */
TEST(atomic_read_large)
{
    char *dir = st_tmpdir(), p[512];
    size_t n = 300000, len = 0;
    uint8_t *data = malloc(n), *b = NULL;

    for (size_t i = 0; i < n; i++)
        data[i] = (uint8_t)(i * 7);
    snprintf(p, sizeof(p), "%s/big", dir);
    st_write(p, data, n);
    ASSERT_OK(ig_atomic_read(p, n, &b, &len, NULL, 0));
    ASSERT_EQ(len, n);
    ASSERT_MEM_EQ(b, data, n);
    free(b);
    ASSERT_EQ(ig_atomic_read(p, n - 1, &b, &len, NULL, 0), IG_ETOOBIG);
    free(data);
    st_done();
}

/* Temps of a dead writer are removed on open; others' files stay. */
TEST(store_open_cleans_stale_temps)
{
    char *dir = st_tmpdir(), p[512];
    struct ig_store *s = NULL;
    pid_t child = fork();
    int status;

    if (child == 0)
        _exit(0);
    waitpid(child, &status, 0);
    snprintf(p, sizeof(p), "%s/.a.checkpoint.%ld-0.igtmp", dir, (long)child);
    st_write(p, "x", 1);
    snprintf(p, sizeof(p), "%s/.a.checkpoint.%ld-1.igtmp", dir, (long)getpid());
    st_write(p, "x", 1);
    snprintf(p, sizeof(p), "%s/history", dir);
    ASSERT_OK(mkdir(p, 0755));
    snprintf(p, sizeof(p), "%s/history/a", dir);
    ASSERT_OK(mkdir(p, 0755));
    snprintf(p,
             sizeof(p),
             "%s/history/a/.0000000001.ckpt.%ld-3.igtmp",
             dir,
             (long)child);
    st_write(p, "x", 1);
    snprintf(p, sizeof(p), "%s/keep.tmp", dir);
    st_write(p, "x", 1);
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_EQ(count_entries(dir), 3); /* live temp, keep.tmp, history */
    snprintf(p, sizeof(p), "%s/history/a", dir);
    ASSERT_EQ(count_entries(p), 0);
    ig_store_close(s);
    st_done();
}

static uint8_t *example_blob(uint64_t tick, const uint8_t prev[32], size_t *len)
{
    struct ig_identity id;
    struct ig_ckpt c;
    uint8_t st[8], *blob = NULL;

    st_seed_identity(&id);
    st_example_ckpt(&c, st);
    c.tick = tick;
    if (prev)
        memcpy(c.prev_hash, prev, 32);
    if (ig_ckpt_build_v4(&c, id.secret, &blob, len) != 0)
        IG_TEST_FAIL("build");
    return blob;
}

TEST(store_layout)
{
    char *dir = st_tmpdir(), base[256], p[512];
    struct ig_store *s = NULL;
    uint8_t *blob, *back = NULL;
    size_t len, blen;
    struct stat st;

    snprintf(base, sizeof(base), "%s/deep/checkpoints", dir);
    ASSERT_OK(ig_store_open(base, 0, &s, NULL, 0));
    ASSERT_STR_EQ(ig_store_dir(s), base);
    ASSERT_EQ(ig_store_load_checkpoint(s, "hb", &back, &blen, NULL, 0),
              IG_ENOTFOUND);
    blob = example_blob(5, NULL, &len);
    ASSERT_OK(ig_store_save_checkpoint(s, "hb", blob, len, NULL, 0));
    snprintf(p, sizeof(p), "%s/hb.checkpoint", base);
    ASSERT_OK(stat(p, &st));
    snprintf(p, sizeof(p), "%s/history/hb/0000000005.ckpt", base);
    back = st_read(p, &blen);
    ASSERT_EQ(blen, len);
    ASSERT_MEM_EQ(back, blob, len);
    free(back);
    ASSERT_OK(ig_store_load_checkpoint(s, "hb", &back, &blen, NULL, 0));
    ASSERT_EQ(blen, len);
    ASSERT_MEM_EQ(back, blob, len);
    free(back);
    /* Saving the very same bytes again is fine. */
    ASSERT_OK(ig_store_save_checkpoint(s, "hb", blob, len, NULL, 0));
    ASSERT_OK(ig_store_path(s, "hb", IG_STORE_RECEIPTS, p, sizeof(p), NULL, 0));
    snprintf(base + strlen(base), sizeof(base) - strlen(base), "/hb.receipts");
    ASSERT_STR_EQ(p, base);
    free(blob);
    ig_store_close(s);
    st_done();
}

TEST(store_archive_conflict_kept)
{
    char *dir = st_tmpdir(), p[512], err[512];
    struct ig_store *s = NULL;
    uint8_t *a, *b, *back, prev[32];
    size_t alen, blen, n;

    memset(prev, 7, sizeof(prev));
    a = example_blob(9, NULL, &alen);
    b = example_blob(9, prev, &blen);
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_OK(ig_store_save_checkpoint(s, "x", a, alen, NULL, 0));
    ASSERT_EQ(ig_store_save_checkpoint(s, "x", b, blen, err, sizeof(err)),
              IG_EEXISTS);
    ASSERT_STR_CONTAINS(err, "0000000009.ckpt");
    /* The current checkpoint is the new one, the archive the old one. */
    snprintf(p, sizeof(p), "%s/x.checkpoint", dir);
    back = st_read(p, &n);
    ASSERT_MEM_EQ(back, b, blen);
    free(back);
    snprintf(p, sizeof(p), "%s/history/x/0000000009.ckpt", dir);
    back = st_read(p, &n);
    ASSERT_MEM_EQ(back, a, alen);
    free(back);
    free(a);
    free(b);
    ig_store_close(s);
    st_done();
}

TEST(store_refuses_bad_ids_and_blobs)
{
    static const char *const bad[] = { "../x", "a/b", "", ".hidden" };
    char *dir = st_tmpdir(), p[512];
    struct ig_store *s = NULL;
    struct ig_identity id;
    uint8_t junk[10] = { 9 }, *blob, *out;
    size_t len, olen;
    int created;

    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    blob = example_blob(1, NULL, &len);
    for (size_t i = 0; i < 4; i++) {
        ASSERT_EQ(ig_store_save_checkpoint(s, bad[i], blob, len, NULL, 0),
                  IG_EAGENT_ID);
        ASSERT_EQ(ig_store_load_checkpoint(s, bad[i], &out, &olen, NULL, 0),
                  IG_EAGENT_ID);
        ASSERT_EQ(ig_store_identity(s, bad[i], &id, &created, NULL, 0),
                  IG_EAGENT_ID);
        ASSERT_EQ(
          ig_store_path(s, bad[i], IG_STORE_HISTORY, p, sizeof(p), NULL, 0),
          IG_EAGENT_ID);
    }
    ASSERT_EQ(ig_store_save_checkpoint(s, "ok", junk, sizeof(junk), NULL, 0),
              IG_ECKPT_VERSION);
    ASSERT_EQ(count_entries(dir), 0);
    free(blob);
    ig_store_close(s);
    st_done();
}

TEST(store_identity_create_and_reload)
{
    char *dir = st_tmpdir(), p[512];
    struct ig_store *s = NULL;
    struct ig_identity a, b;
    struct stat st;
    int created = -1;

    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_EQ(ig_store_load_identity(s, "ag", &a, NULL, 0), IG_ENOTFOUND);
    ASSERT_OK(ig_store_identity(s, "ag", &a, &created, NULL, 0));
    ASSERT_EQ(created, 1);
    snprintf(p, sizeof(p), "%s/ag.identity", dir);
    ASSERT_OK(stat(p, &st));
    ASSERT_EQ(st.st_mode & 0777, 0600);
    ASSERT_EQ(st.st_size, 68);
    ASSERT_OK(chmod(p, 0644));
    ASSERT_OK(ig_store_load_identity(s, "ag", &b, NULL, 0));
    ASSERT_OK(stat(p, &st));
    ASSERT_EQ(st.st_mode & 0777, 0600);
    ASSERT_OK(chmod(p, 0640));
    ASSERT_OK(ig_store_identity(s, "ag", &b, &created, NULL, 0));
    ASSERT_EQ(created, 0);
    ASSERT_MEM_EQ(a.secret, b.secret, 64);
    ASSERT_OK(stat(p, &st));
    ASSERT_EQ(st.st_mode & 0777, 0600);
    /* A corrupt file is reported, not replaced by a new key. */
    st_write(p, "\x40\0\0\0short", 9);
    ASSERT_EQ(ig_store_identity(s, "ag", &b, &created, NULL, 0), IG_EIDENTITY);
    ASSERT_OK(stat(p, &st));
    ASSERT_EQ(st.st_size, 9);
    ASSERT_OK(ig_store_remove(s, "ag", IG_STORE_IDENTITY, NULL, 0));
    ASSERT_OK(ig_store_remove(s, "ag", IG_STORE_IDENTITY, NULL, 0));
    ASSERT_EQ(ig_store_load_identity(s, "ag", &b, NULL, 0), IG_ENOTFOUND);
    ig_store_close(s);
    st_done();
}

TEST(store_receipts_round_trip)
{
    char *dir = st_tmpdir();
    struct ig_store *s = NULL;
    uint8_t *out = NULL;
    size_t len = 0;

    ASSERT_OK(ig_store_open(dir, IG_STORE_NOSYNC, &s, NULL, 0));
    ASSERT_EQ(ig_store_load_receipts(s, "r", &out, &len, NULL, 0),
              IG_ENOTFOUND);
    ASSERT_OK(
      ig_store_save_receipts(s, "r", (const uint8_t *)"abc", 3, NULL, 0));
    ASSERT_OK(ig_store_load_receipts(s, "r", &out, &len, NULL, 0));
    ASSERT_EQ(len, 3);
    ASSERT_MEM_EQ(out, "abc", 3);
    free(out);
    ig_store_close(s);
    st_done();
}
