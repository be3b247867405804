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
#include "store/lineage.h"
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
    /* Nothing is written: current and archive both stay the old one
     * (a current that history contradicts would be a fork). */
    snprintf(p, sizeof(p), "%s/x.checkpoint", dir);
    back = st_read(p, &n);
    ASSERT_EQ(n, alen);
    ASSERT_MEM_EQ(back, a, alen);
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

static int file_exists(const char *dir, const char *rel)
{
    char p[512];

    snprintf(p, sizeof(p), "%s/%s", dir, rel);
    return access(p, F_OK) == 0;
}

/* Tick n of a chain: its prev is the hash of the blob before it. */
static uint8_t *next_blob(const uint8_t *prev_blob,
                          size_t prev_len,
                          uint64_t tick,
                          size_t *len)
{
    uint8_t prev[32];

    ig_ckpt_content_hash(prev_blob, prev_len, prev);
    return example_blob(tick, prev, len);
}

static void assert_current_tick(const char *dir, const char *id, uint64_t t)
{
    char p[512];
    struct ig_ckpt c;
    uint8_t *b;
    size_t n;

    snprintf(p, sizeof(p), "%s/%s.checkpoint", dir, id);
    b = st_read(p, &n);
    ASSERT_OK(ig_ckpt_parse(b, n, &c, NULL, 0));
    ASSERT_EQ(c.tick, t);
    free(b);
}

static void assert_history_valid(const char *dir, const char *id)
{
    struct ig_lineage_report r;
    char p[512];

    snprintf(p, sizeof(p), "%s/history/%s", dir, id);
    ASSERT_OK(ig_lineage_verify(p, &r, NULL, 0));
    ig_lineage_report_free(&r);
}

/* A save that fails after its archive leaves nothing: the current
 * checkpoint stays and the archive entry is taken back. */
TEST(store_save_failure_commits_nothing)
{
    char *dir = st_tmpdir(), err[512] = "";
    struct ig_store *s = NULL;
    uint8_t *a, *b;
    size_t alen, blen;

    a = example_blob(5, NULL, &alen);
    b = next_blob(a, alen, 6, &blen);
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_OK(ig_store_save_checkpoint(s, "x", a, alen, NULL, 0));
    ig_store__hook_between(IG_STORE_HOOK_FAIL);
    ASSERT_EQ(ig_store_save_checkpoint(s, "x", b, blen, err, sizeof(err)),
              -EIO);
    ig_store__hook_between(IG_STORE_HOOK_NONE);
    ASSERT_STR_CONTAINS(err, "after the history archive");
    assert_current_tick(dir, "x", 5);
    ASSERT_TRUE(!file_exists(dir, "history/x/0000000006.ckpt"));
    ASSERT_TRUE(file_exists(dir, "history/x/0000000005.ckpt"));
    /* The same save then goes through. */
    ASSERT_OK(ig_store_save_checkpoint(s, "x", b, blen, NULL, 0));
    assert_current_tick(dir, "x", 6);
    assert_history_valid(dir, "x");
    free(a);
    free(b);
    ig_store_close(s);
    st_done();
}

/* A file named history in the way: the first save fails before it
 * writes anything at all (it once wrote the current file first). */
TEST(store_save_blocked_history_writes_nothing)
{
    char *dir = st_tmpdir(), p[512], err[512] = "";
    struct ig_store *s = NULL;
    uint8_t *a;
    size_t alen;

    snprintf(p, sizeof(p), "%s/history", dir);
    st_write(p, "", 0);
    a = example_blob(1, NULL, &alen);
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_TRUE(ig_store_save_checkpoint(s, "x", a, alen, err, sizeof(err)) <
                0);
    ASSERT_STR_CONTAINS(err, "cannot create directory");
    ASSERT_TRUE(!file_exists(dir, "x.checkpoint"));
    ASSERT_EQ(count_entries(dir), 1);
    free(a);
    ig_store_close(s);
    st_done();
}

/* Run one save in a child that is killed (SIGKILL) between the
 * archive and the current checkpoint. */
static void crash_in_save(const char *dir,
                          const uint8_t *first,
                          size_t flen,
                          const uint8_t *b,
                          size_t blen)
{
    int status = 0;
    pid_t pid = fork();

    ASSERT_TRUE(pid >= 0);
    if (pid == 0) {
        struct ig_store *s = NULL;

        if (ig_store_open(dir, 0, &s, NULL, 0) < 0)
            _exit(2);
        if (first && ig_store_save_checkpoint(s, "x", first, flen, NULL, 0))
            _exit(3);
        ig_store__hook_between(IG_STORE_HOOK_CRASH);
        ig_store_save_checkpoint(s, "x", b, blen, NULL, 0);
        _exit(4);
    }
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* Killed between the two writes: history already verifies, and opening
 * the agent again completes the save, so the next save chains on. */
TEST(store_crash_between_writes_recovers)
{
    char *dir = st_tmpdir(), what[512] = "";
    struct ig_store *s = NULL;
    uint8_t *a, *b, *c;
    size_t alen, blen, clen;

    a = example_blob(9, NULL, &alen);
    b = next_blob(a, alen, 10, &blen);
    c = next_blob(b, blen, 11, &clen);
    crash_in_save(dir, a, alen, b, blen);
    assert_current_tick(dir, "x", 9);
    ASSERT_TRUE(file_exists(dir, "history/x/0000000010.ckpt"));
    assert_history_valid(dir, "x");
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_EQ(ig_store_recover(s, "x", what, sizeof(what), NULL, 0), 1);
    ASSERT_STR_CONTAINS(what, "completed an interrupted save");
    ASSERT_STR_CONTAINS(what, "tick 10");
    assert_current_tick(dir, "x", 10);
    ASSERT_EQ(ig_store_recover(s, "x", what, sizeof(what), NULL, 0), 0);
    ASSERT_STR_EQ(what, "");
    ASSERT_OK(ig_store_save_checkpoint(s, "x", c, clen, NULL, 0));
    assert_history_valid(dir, "x");
    free(a);
    free(b);
    free(c);
    ig_store_close(s);
    st_done();
}

/* Killed in the very first save: only the genesis entry exists, and
 * the identity file (which the agent writes before its first save)
 * vouches for its key. */
TEST(store_crash_in_first_save_recovers)
{
    char *dir = st_tmpdir();
    struct ig_identity id;
    struct ig_store *s = NULL;
    uint8_t *a;
    size_t alen;

    a = example_blob(1, NULL, &alen);
    crash_in_save(dir, NULL, 0, a, alen);
    ASSERT_TRUE(!file_exists(dir, "x.checkpoint"));
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    st_seed_identity(&id);
    ASSERT_OK(ig_store_save_identity(s, "x", &id, NULL, 0));
    ASSERT_EQ(ig_store_recover(s, "x", NULL, 0, NULL, 0), 1);
    assert_current_tick(dir, "x", 1);
    ig_identity_wipe(&id);
    free(a);
    ig_store_close(s);
    st_done();
}

/* A current checkpoint without its history entry (what a crash of the
 * old write order left) gets the entry written from it; an entry that
 * does not chain to the current file is never made current. */
TEST(store_recover_missing_history_entry)
{
    char *dir = st_tmpdir(), p[512], what[512];
    struct ig_store *s = NULL;
    uint8_t *a, *b, *odd, junk[32];
    size_t alen, blen, olen;

    memset(junk, 9, sizeof(junk));
    a = example_blob(9, NULL, &alen);
    b = next_blob(a, alen, 10, &blen);
    odd = example_blob(11, junk, &olen);
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_OK(ig_store_save_checkpoint(s, "x", a, alen, NULL, 0));
    snprintf(p, sizeof(p), "%s/x.checkpoint", dir);
    st_write(p, b, blen);
    snprintf(p, sizeof(p), "%s/history/x/0000000011.ckpt", dir);
    st_write(p, odd, olen);
    ASSERT_EQ(ig_store_recover(s, "x", what, sizeof(what), NULL, 0), 1);
    ASSERT_STR_CONTAINS(what, "wrote the missing history entry");
    assert_current_tick(dir, "x", 10);
    ASSERT_TRUE(file_exists(dir, "history/x/0000000010.ckpt"));
    ASSERT_OK(unlink(p));
    assert_history_valid(dir, "x");
    free(a);
    free(b);
    free(odd);
    ig_store_close(s);
    st_done();
}

/* A newer entry that chains to the current checkpoint but is signed by
 * another key (a fresh one): a forgery, never a save to complete. */
static uint8_t *foreign_blob(const uint8_t *prev_blob,
                             size_t prev_len,
                             uint64_t tick,
                             size_t *len)
{
    struct ig_identity other;
    uint8_t st[8], *blob = NULL;
    struct ig_ckpt c;

    ASSERT_OK(ig_identity_generate(&other));
    st_example_ckpt(&c, st);
    c.tick = tick;
    c.budget = 1000000000;
    ig_ckpt_content_hash(prev_blob, prev_len, c.prev_hash);
    ASSERT_OK(ig_ckpt_build_v4(&c, other.secret, &blob, len));
    ig_identity_wipe(&other);
    return blob;
}

/* The forged entry is set aside as <tick>.ckpt.rejected, the current
 * checkpoint keeps its bytes, what names the file, and the next save
 * of that tick goes through. */
TEST(store_recover_refuses_entry_of_another_key)
{
    char *dir = st_tmpdir(), p[512], what[1024] = "";
    struct ig_store *s = NULL;
    uint8_t *a, *f, *b, *back;
    size_t alen, flen, blen, n;

    a = example_blob(9, NULL, &alen);
    f = foreign_blob(a, alen, 10, &flen);
    b = next_blob(a, alen, 10, &blen);
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_OK(ig_store_save_checkpoint(s, "x", a, alen, NULL, 0));
    snprintf(p, sizeof(p), "%s/history/x/0000000010.ckpt", dir);
    st_write(p, f, flen);
    ASSERT_EQ(ig_store_recover(s, "x", what, sizeof(what), NULL, 0), 0);
    ASSERT_STR_CONTAINS(what, "0000000010.ckpt");
    ASSERT_STR_CONTAINS(what, "another key");
    snprintf(p, sizeof(p), "%s/x.checkpoint", dir);
    back = st_read(p, &n);
    ASSERT_EQ(n, alen);
    ASSERT_MEM_EQ(back, a, alen);
    free(back);
    ASSERT_TRUE(!file_exists(dir, "history/x/0000000010.ckpt"));
    ASSERT_TRUE(file_exists(dir, "history/x/0000000010.ckpt.rejected"));
    ASSERT_OK(ig_store_save_checkpoint(s, "x", b, blen, NULL, 0));
    assert_current_tick(dir, "x", 10);
    assert_history_valid(dir, "x");
    free(a);
    free(f);
    free(b);
    ig_store_close(s);
    st_done();
}

/* With an identity file, an entry must be signed by its key too, even
 * where there is no current checkpoint to compare with. */
TEST(store_recover_checks_the_identity_key)
{
    char *dir = st_tmpdir(), what[1024] = "";
    struct ig_identity other;
    struct ig_store *s = NULL;
    uint8_t *a;
    size_t alen;

    a = example_blob(1, NULL, &alen);
    crash_in_save(dir, NULL, 0, a, alen);
    ASSERT_OK(ig_identity_generate(&other));
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_OK(ig_store_save_identity(s, "x", &other, NULL, 0));
    ASSERT_EQ(ig_store_recover(s, "x", what, sizeof(what), NULL, 0), 0);
    ASSERT_STR_CONTAINS(what, "0000000001.ckpt");
    ASSERT_TRUE(!file_exists(dir, "x.checkpoint"));
    ig_identity_wipe(&other);
    free(a);
    ig_store_close(s);
    st_done();
}

/* A genuine interrupted save, with the agent's identity file beside
 * it, is still completed. */
TEST(store_recover_completes_save_of_the_identity_key)
{
    char *dir = st_tmpdir(), what[1024] = "";
    struct ig_identity id;
    struct ig_store *s = NULL;
    uint8_t *a, *b;
    size_t alen, blen;

    a = example_blob(9, NULL, &alen);
    b = next_blob(a, alen, 10, &blen);
    crash_in_save(dir, a, alen, b, blen);
    st_seed_identity(&id);
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_OK(ig_store_save_identity(s, "x", &id, NULL, 0));
    ASSERT_EQ(ig_store_recover(s, "x", what, sizeof(what), NULL, 0), 1);
    ASSERT_STR_CONTAINS(what, "completed an interrupted save");
    assert_current_tick(dir, "x", 10);
    ig_identity_wipe(&id);
    free(a);
    free(b);
    ig_store_close(s);
    st_done();
}

/* With a history limit, each save keeps only the newest entries; the
 * remaining history verifies; 0 keeps everything. */
TEST(store_history_keep_prunes_oldest)
{
    char *dir = st_tmpdir(), p[512];
    struct ig_store *s = NULL;
    uint8_t *b[6];
    size_t len[6];

    b[0] = example_blob(1, NULL, &len[0]);
    for (int i = 1; i < 6; i++)
        b[i] = next_blob(b[i - 1], len[i - 1], (uint64_t)i + 1, &len[i]);
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    for (int i = 0; i < 3; i++)
        ASSERT_OK(ig_store_save_checkpoint(s, "x", b[i], len[i], NULL, 0));
    snprintf(p, sizeof(p), "%s/history/x", dir);
    ASSERT_EQ(count_entries(p), 3);
    ig_store_set_history_keep(s, 2);
    ASSERT_OK(ig_store_save_checkpoint(s, "x", b[3], len[3], NULL, 0));
    ASSERT_EQ(count_entries(p), 2);
    ASSERT_TRUE(file_exists(dir, "history/x/0000000003.ckpt"));
    ASSERT_TRUE(file_exists(dir, "history/x/0000000004.ckpt"));
    ig_store_set_history_keep(s, 1);
    ASSERT_OK(ig_store_save_checkpoint(s, "x", b[4], len[4], NULL, 0));
    ASSERT_EQ(count_entries(p), 1);
    ASSERT_TRUE(file_exists(dir, "history/x/0000000005.ckpt"));
    assert_history_valid(dir, "x");
    ig_store_set_history_keep(s, 0);
    ASSERT_OK(ig_store_save_checkpoint(s, "x", b[5], len[5], NULL, 0));
    ASSERT_EQ(count_entries(p), 2);
    for (int i = 0; i < 6; i++)
        free(b[i]);
    ig_store_close(s);
    st_done();
}

/* Pruning never removes the current checkpoint's entry, and entries
 * newer than it (not made current) are neither removed nor counted. */
TEST(store_prune_keeps_the_current_entry)
{
    char *dir = st_tmpdir(), p[512];
    struct ig_store *s = NULL;
    uint8_t *a, *b, *c;
    size_t alen, blen, clen;

    a = example_blob(1, NULL, &alen);
    b = next_blob(a, alen, 2, &blen);
    c = next_blob(b, blen, 3, &clen);
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_OK(ig_store_save_checkpoint(s, "x", a, alen, NULL, 0));
    snprintf(p, sizeof(p), "%s/history/x/0000000002.ckpt", dir);
    st_write(p, b, blen);
    snprintf(p, sizeof(p), "%s/history/x/0000000003.ckpt", dir);
    st_write(p, c, clen);
    ASSERT_OK(ig_store_prune_history(s, "x", 1, 1, NULL, 0));
    ASSERT_TRUE(file_exists(dir, "history/x/0000000001.ckpt"));
    ASSERT_TRUE(file_exists(dir, "history/x/0000000002.ckpt"));
    ASSERT_TRUE(file_exists(dir, "history/x/0000000003.ckpt"));
    ASSERT_OK(ig_store_prune_history(s, "x", 1, 3, NULL, 0));
    ASSERT_TRUE(!file_exists(dir, "history/x/0000000001.ckpt"));
    ASSERT_TRUE(!file_exists(dir, "history/x/0000000002.ckpt"));
    ASSERT_TRUE(file_exists(dir, "history/x/0000000003.ckpt"));
    ASSERT_EQ(ig_store_prune_history(s, "../x", 1, 1, NULL, 0), IG_EAGENT_ID);
    free(a);
    free(b);
    free(c);
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
    unsigned was = 1;
    struct stat st;
    int created = -1;

    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_EQ(ig_store_load_identity(s, "ag", &a, NULL, NULL, 0), IG_ENOTFOUND);
    ASSERT_OK(ig_store_identity(s, "ag", &a, &created, NULL, 0));
    ASSERT_EQ(created, 1);
    snprintf(p, sizeof(p), "%s/ag.identity", dir);
    ASSERT_OK(stat(p, &st));
    ASSERT_EQ(st.st_mode & 0777, 0600);
    ASSERT_EQ(st.st_size, 68);
    ASSERT_OK(chmod(p, 0644));
    ASSERT_OK(ig_store_load_identity(s, "ag", &b, &was, NULL, 0));
    ASSERT_EQ(was, 0644);
    ASSERT_OK(stat(p, &st));
    ASSERT_EQ(st.st_mode & 0777, 0600);
    ASSERT_OK(ig_store_load_identity(s, "ag", &b, &was, NULL, 0));
    ASSERT_EQ(was, 0);
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
    /* ... and, as it does not load, keeps its mode. */
    ASSERT_OK(chmod(p, 0644));
    ASSERT_EQ(ig_store_load_identity(s, "ag", &b, &was, NULL, 0), IG_EIDENTITY);
    ASSERT_EQ(was, 0);
    ASSERT_OK(stat(p, &st));
    ASSERT_EQ(st.st_mode & 0777, 0644);
    ASSERT_OK(ig_store_remove(s, "ag", IG_STORE_IDENTITY, NULL, 0));
    ASSERT_OK(ig_store_remove(s, "ag", IG_STORE_IDENTITY, NULL, 0));
    ASSERT_EQ(ig_store_load_identity(s, "ag", &b, NULL, NULL, 0), IG_ENOTFOUND);
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

/* A stray file named for a later tick is not counted: keep 2 at tick 4
 * leaves ticks 3 and 4 and the stray one. */
TEST(store_prune_ignores_later_entries)
{
    char *dir = st_tmpdir(), p[512];
    struct ig_store *s = NULL;
    uint8_t *b[5];
    size_t len[5];

    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    for (int i = 0; i < 5; i++) {
        b[i] = i ? next_blob(b[i - 1], len[i - 1], (uint64_t)i, &len[i])
                 : example_blob(0, NULL, &len[0]);
        ASSERT_OK(ig_store_save_checkpoint(s, "x", b[i], len[i], NULL, 0));
    }
    snprintf(p, sizeof(p), "%s/history/x/0000000099.ckpt", dir);
    st_write(p, "junk", 4);
    ASSERT_OK(ig_store_prune_history(s, "x", 2, 4, NULL, 0));
    ASSERT_TRUE(!file_exists(dir, "history/x/0000000002.ckpt"));
    ASSERT_TRUE(file_exists(dir, "history/x/0000000003.ckpt"));
    ASSERT_TRUE(file_exists(dir, "history/x/0000000004.ckpt"));
    ASSERT_TRUE(file_exists(dir, "history/x/0000000099.ckpt"));
    snprintf(p, sizeof(p), "%s/history/x", dir);
    ASSERT_EQ(count_entries(p), 3);
    for (int i = 0; i < 5; i++)
        free(b[i]);
    ig_store_close(s);
    st_done();
}

/* Names that read as a tick but are not the one the store writes
 * (eleven digits for tick 1 and 3) are not entries: they are neither
 * counted nor pruned, and the real entries are kept by their count. */
TEST(store_prune_ignores_lookalike_names)
{
    char *dir = st_tmpdir(), p[512];
    struct ig_store *s = NULL;
    uint8_t *b[5];
    size_t len[5];
    uint64_t newest = 0;

    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    for (int i = 0; i < 5; i++) {
        b[i] = i ? next_blob(b[i - 1], len[i - 1], (uint64_t)i, &len[i])
                 : example_blob(0, NULL, &len[0]);
        ASSERT_OK(ig_store_save_checkpoint(s, "x", b[i], len[i], NULL, 0));
    }
    snprintf(p, sizeof(p), "%s/history/x/00000000001.ckpt", dir);
    st_write(p, "junk", 4);
    snprintf(p, sizeof(p), "%s/history/x/00000000003.ckpt", dir);
    st_write(p, "junk", 4);
    snprintf(p, sizeof(p), "%s/history/x/00000000009.ckpt", dir);
    st_write(p, "junk", 4);
    ASSERT_OK(ig_store_history_newest(s, "x", &newest, NULL, 0));
    ASSERT_EQ(newest, 4);
    ASSERT_OK(ig_store_prune_history(s, "x", 3, 4, NULL, 0));
    ASSERT_TRUE(!file_exists(dir, "history/x/0000000001.ckpt"));
    ASSERT_TRUE(file_exists(dir, "history/x/0000000002.ckpt"));
    ASSERT_TRUE(file_exists(dir, "history/x/0000000003.ckpt"));
    ASSERT_TRUE(file_exists(dir, "history/x/0000000004.ckpt"));
    ASSERT_TRUE(file_exists(dir, "history/x/00000000001.ckpt"));
    ASSERT_TRUE(file_exists(dir, "history/x/00000000003.ckpt"));
    for (int i = 0; i < 5; i++)
        free(b[i]);
    ig_store_close(s);
    st_done();
}

/* Commit b (chained to the current a, tick 10) over what is already at
 * history/x/0000000010.ckpt: the save goes through, the old file is at
 * aside (relative to dir) with its bytes, and what names both. */
static void expect_set_aside(const uint8_t *old,
                             size_t oldlen,
                             const char *aside)
{
    char *dir = st_tmpdir(), p[512], what[2048] = "", err[512] = "";
    struct ig_store *s = NULL;
    uint8_t *a, *b, *back;
    size_t alen, blen, n;

    a = example_blob(9, NULL, &alen);
    b = next_blob(a, alen, 10, &blen);
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_OK(ig_store_save_checkpoint(s, "x", a, alen, NULL, 0));
    snprintf(p, sizeof(p), "%s/history/x/0000000010.ckpt.rejected", dir);
    if (strcmp(aside, "history/x/0000000010.ckpt.rejected.1") == 0)
        st_write(p, "earlier", 7);
    snprintf(p, sizeof(p), "%s/history/x/0000000010.ckpt", dir);
    st_write(p, old, oldlen);
    if (ig_store_commit(s, "x", b, blen, what, sizeof(what), err, sizeof(err)))
        IG_TEST_FAIL("commit refused: %s", err);
    ASSERT_STR_CONTAINS(what, p);
    ASSERT_STR_CONTAINS(what, aside);
    assert_current_tick(dir, "x", 10);
    assert_history_valid(dir, "x");
    snprintf(p, sizeof(p), "%s/%s", dir, aside);
    back = st_read(p, &n);
    ASSERT_EQ(n, oldlen);
    ASSERT_MEM_EQ(back, old, oldlen);
    free(back);
    free(a);
    free(b);
    ig_store_close(s);
    st_done();
}

TEST(store_commit_sets_junk_aside)
{
    expect_set_aside(
      (const uint8_t *)"junk\n", 5, "history/x/0000000010.ckpt.rejected");
    /* An earlier rejected file is evidence too: never overwritten. */
    expect_set_aside(
      (const uint8_t *)"junk\n", 5, "history/x/0000000010.ckpt.rejected.1");
}

/* Entries of the right tick that are no save of this agent chaining to
 * the current checkpoint: another key, a bad signature by the agent's
 * key, the agent's key on another chain. */
TEST(store_commit_sets_bad_entries_aside)
{
    static const char aside[] = "history/x/0000000010.ckpt.rejected";
    uint8_t *a, *e, prev[32];
    size_t alen, elen;

    a = example_blob(9, NULL, &alen);
    e = foreign_blob(a, alen, 10, &elen);
    expect_set_aside(e, elen, aside);
    free(e);
    e = next_blob(a, alen, 10, &elen);
    e[elen - 1] ^= 1; /* state byte: the signature no longer covers it */
    expect_set_aside(e, elen, aside);
    free(e);
    memset(prev, 7, sizeof(prev));
    e = example_blob(10, prev, &elen);
    expect_set_aside(e, elen, aside);
    free(e);
    free(a);
}

/* A valid save of this agent at that tick, chained to the current one
 * but with other bytes, is a fork: refused, both files kept. */
TEST(store_commit_refuses_fork)
{
    char *dir = st_tmpdir(), p[512], what[512] = "", err[512] = "";
    struct ig_identity id;
    struct ig_store *s = NULL;
    uint8_t *a, *b, *f = NULL, st[8], *back;
    size_t alen, blen, flen, n;
    struct ig_ckpt c;

    a = example_blob(9, NULL, &alen);
    b = next_blob(a, alen, 10, &blen);
    st_seed_identity(&id);
    st_example_ckpt(&c, st);
    c.tick = 10;
    c.budget = 42;
    ig_ckpt_content_hash(a, alen, c.prev_hash);
    ASSERT_OK(ig_ckpt_build_v4(&c, id.secret, &f, &flen));
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_OK(ig_store_save_checkpoint(s, "x", a, alen, NULL, 0));
    snprintf(p, sizeof(p), "%s/history/x/0000000010.ckpt", dir);
    st_write(p, f, flen);
    ASSERT_EQ(
      ig_store_commit(s, "x", b, blen, what, sizeof(what), err, sizeof(err)),
      IG_EEXISTS);
    ASSERT_STR_CONTAINS(err, "fork");
    ASSERT_STR_CONTAINS(err, p);
    ASSERT_STR_EQ(what, "");
    back = st_read(p, &n);
    ASSERT_EQ(n, flen);
    ASSERT_MEM_EQ(back, f, flen);
    free(back);
    assert_current_tick(dir, "x", 9);
    ASSERT_TRUE(!file_exists(dir, "history/x/0000000010.ckpt.rejected"));
    free(a);
    free(b);
    free(f);
    ig_identity_wipe(&id);
    ig_store_close(s);
    st_done();
}

/* A dangling identity symlink is refused, never replaced by a new key. */
TEST(store_identity_refuses_dangling_link)
{
    char *dir = st_tmpdir(), link[512], target[512], err[1024] = "";
    struct ig_store *s = NULL;
    struct ig_identity id;
    struct stat st;
    int created = 1;

    snprintf(link, sizeof(link), "%s/x.identity", dir);
    snprintf(target, sizeof(target), "%s/gone/x.identity", dir);
    ASSERT_OK(symlink(target, link));
    ASSERT_OK(ig_store_open(dir, 0, &s, NULL, 0));
    ASSERT_EQ(ig_store_identity(s, "x", &id, &created, err, sizeof(err)),
              IG_EEXISTS);
    ASSERT_EQ(created, 0);
    ASSERT_STR_CONTAINS(err, link);
    ASSERT_STR_CONTAINS(err, target);
    ASSERT_OK(lstat(link, &st));
    ASSERT_TRUE(S_ISLNK(st.st_mode));
    ASSERT_EQ(ig_store_load_identity(s, "y", &id, NULL, NULL, 0), IG_ENOTFOUND);
    ig_store_close(s);
    st_done();
}
