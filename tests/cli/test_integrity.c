/* SPDX-License-Identifier: MIT */
/* Integrity of an agent's files across igord processes: unsigned
 * checkpoints, resumes that would roll an agent back, the order of a
 * checkpoint's two writes, the last tick number, and what the messages
 * claim was committed. Real igord runs on real directories. */
#define IG_TEST_MAIN
#include "test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_util.h"
#include "store/ckpt.h"
#include "store/identity.h"

#define T_RUN 20000

/* igord run of probe variant as agent p in dir for n ticks. */
static void run_p(struct cli_result *r,
                  const char *dir,
                  const char *n,
                  const char *variant)
{
    const char *args[] = { "run", "--checkpoint-dir", dir,    "--ticks",
                           n,     "--tick-interval",  "10ms", "--agent-id",
                           "p",   cli_probe(variant), NULL };

    cli_run(r, T_RUN, args);
}

/* The same with probe "ok"; it must succeed. */
static void run_ticks(const char *dir, const char *n)
{
    struct cli_result r;

    run_p(&r, dir, n, "ok");
    if (r.code != 0)
        IG_TEST_FAIL("run failed (%d):\n%s", r.code, r.err);
    cli_result_free(&r);
}

/* igord resume of ckpt into dir as agent p for at most one tick, with
 * one extra flag (or none). */
static void resume_p(struct cli_result *r,
                     const char *ckpt,
                     const char *dir,
                     const char *flag)
{
    const char *args[] = { "resume",
                           "--checkpoint",
                           ckpt,
                           "--wasm",
                           cli_probe("ok"),
                           "--checkpoint-dir",
                           dir,
                           "--agent-id",
                           "p",
                           "--ticks",
                           "1",
                           "--tick-interval",
                           "10ms",
                           flag,
                           NULL };

    cli_run(r, T_RUN, args);
}

/* Remove and free the test's directories (work may be NULL). */
static void cleanup(char *dir, char *work)
{
    cli_rmrf(dir);
    free(dir);
    if (work)
        cli_rmrf(work);
    free(work);
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *b = cli_read(from, &len);

    cli_write(to, b, len);
    free(b);
}

/* Copy p.checkpoint and p.identity of dir into work. */
static void copy_agent(const char *dir, const char *work)
{
    copy_file(cli_path(0, dir, "p.checkpoint"),
              cli_path(1, work, "p.checkpoint"));
    copy_file(cli_path(0, dir, "p.identity"), cli_path(1, work, "p.identity"));
}

static uint64_t tick_of(const char *path)
{
    size_t len;
    char *b = cli_read(path, &len);
    struct ig_ckpt c;
    uint64_t t;

    ASSERT_OK(ig_ckpt_parse((uint8_t *)b, len, &c, NULL, 0));
    t = c.tick;
    free(b);
    return t;
}

/* igord verify of dir/history/p: its exit code, output in *out. */
static int verify(const char *dir, char **out)
{
    const char *args[] = { "verify", cli_path(7, dir, "history/p"), NULL };
    struct cli_result r;
    int code;

    cli_run(&r, T_RUN, args);
    code = r.code;
    *out = r.out;
    r.out = NULL;
    cli_result_free(&r);
    return code;
}

static void expect_valid(const char *dir)
{
    char *out;

    if (verify(dir, &out) != 0 || !strstr(out, "Lineage:        VALID"))
        IG_TEST_FAIL("verify of %s is not VALID:\n%s", dir, out);
    free(out);
}

/* The tester's forgery: a signed v4 rewritten as v2 with a budget of
 * 10^15 and price 0, same tick, wasm hash and state. */
static void forge_v2(const char *v4path, const char *out)
{
    size_t len;
    char *b = cli_read(v4path, &len);
    uint8_t *f = malloc(len);
    int64_t budget = 1000000000000000LL, price = 0;

    ASSERT_TRUE(len >= IG_CKPT_HDR_V4 && f);
    memcpy(f, b, IG_CKPT_HDR_V2);
    f[0] = 2;
    memcpy(f + 1, &budget, 8); /* little-endian host, as the format */
    memcpy(f + 9, &price, 8);
    memcpy(f + IG_CKPT_HDR_V2, b + IG_CKPT_HDR_V4, len - IG_CKPT_HDR_V4);
    cli_write(out, f, IG_CKPT_HDR_V2 + len - IG_CKPT_HDR_V4);
    free(f);
    free(b);
}

TEST(unsigned_checkpoint_refused_on_resume)
{
    char *dir = cli_tmpdir(), *work = cli_tmpdir();
    const char *out = cli_path(2, work, "out");
    struct cli_result r;

    run_ticks(dir, "2");
    copy_agent(dir, work);
    forge_v2(cli_path(0, dir, "p.checkpoint"),
             cli_path(3, work, "p.checkpoint"));
    resume_p(&r, cli_path(3, work, "p.checkpoint"), out, NULL);
    ASSERT_EQ(r.code, 1);
    ASSERT_STR_CONTAINS(r.err, "unsigned v2 checkpoint (tick 2)");
    ASSERT_STR_CONTAINS(r.err, "--import-unsigned");
    ASSERT_TRUE(!cli_exists(out));
    cli_result_free(&r);
    cleanup(dir, work);
}

/* --import-unsigned re-signs the file as the genesis of a new chain,
 * says so, and the history then verifies. */
TEST(unsigned_checkpoint_imported_as_genesis)
{
    char *dir = cli_tmpdir(), *work = cli_tmpdir();
    const char *out = cli_path(2, work, "out");
    struct cli_result r;
    size_t len;
    char *b;

    run_ticks(dir, "2");
    copy_agent(dir, work);
    forge_v2(cli_path(0, dir, "p.checkpoint"),
             cli_path(3, work, "p.checkpoint"));
    resume_p(&r, cli_path(3, work, "p.checkpoint"), out, "--import-unsigned");
    if (r.code != 0)
        IG_TEST_FAIL("import failed (%d):\n%s", r.code, r.err);
    ASSERT_STR_CONTAINS(r.err,
                        "imported an unsigned v2 checkpoint (tick 2, "
                        "budget 1000000000");
    ASSERT_STR_CONTAINS(r.err, "as the genesis of a new signed chain");
    cli_result_free(&r);
    b = cli_read(cli_path(4, out, "history/p/0000000002.ckpt"), &len);
    ASSERT_TRUE(len > 0 && b[0] == 4);
    free(b);
    ASSERT_EQ(tick_of(cli_path(4, out, "p.checkpoint")), 3);
    expect_valid(out);
    cleanup(dir, work);
}

/* verify never calls a history with an unsigned entry VALID, and
 * inspect says a checkpoint is unsigned. */
TEST(unsigned_checkpoint_verify_and_inspect)
{
    char *dir = cli_tmpdir(), *work = cli_tmpdir(), *text;
    const char *hist = cli_path(2, work, "h/history/p");
    const char *iargs[] = { "inspect", cli_path(3, work, "flip.ckpt"), NULL };
    struct cli_result r;
    size_t len;
    char *b;

    run_ticks(dir, "2");
    ASSERT_OK(mkdir(cli_path(4, work, "h"), 0755));
    ASSERT_OK(mkdir(cli_path(4, work, "h/history"), 0755));
    ASSERT_OK(mkdir(hist, 0755));
    /* The forged v2 as tick 2, the real signed tick 3 chained to it. */
    forge_v2(cli_path(0, dir, "p.checkpoint"),
             cli_path(5, hist, "0000000002.ckpt"));
    ASSERT_EQ(verify(cli_path(6, work, "h"), &text), 1);
    ASSERT_STR_CONTAINS(text, "Unsigned:       1\n");
    ASSERT_STR_CONTAINS(text, "Lineage:        INVALID (1 error)\n");
    ASSERT_STR_CONTAINS(text, "tick 2: unsigned v2 checkpoint");
    free(text);
    /* Byte 0 of a signed file set to 2: inspect names it unsigned. */
    b = cli_read(cli_path(0, dir, "p.checkpoint"), &len);
    b[0] = 2;
    cli_write(cli_path(3, work, "flip.ckpt"), b, len);
    free(b);
    cli_run(&r, T_RUN, iargs);
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_CONTAINS(r.out,
                        "Signature:        none (unsigned v2 checkpoint)\n");
    ASSERT_STR_CONTAINS(r.err, "unsigned v2 checkpoint");
    cli_result_free(&r);
    cleanup(dir, work);
}

/* Resuming an older copy into the directory that holds the agent's
 * newer checkpoint is refused and changes nothing; resuming the very
 * file that is current there is a plain continuation. */
TEST(resume_refuses_rollback)
{
    char *dir = cli_tmpdir(), *work = cli_tmpdir(), *before, *after;
    struct cli_result r;

    run_ticks(dir, "2");
    copy_agent(dir, work);
    run_ticks(dir, "3");
    ASSERT_EQ(tick_of(cli_path(4, dir, "p.checkpoint")), 5);
    before = cli_snapshot(dir);
    resume_p(&r, cli_path(3, work, "p.checkpoint"), dir, NULL);
    after = cli_snapshot(dir);
    ASSERT_EQ(r.code, 1);
    ASSERT_STR_CONTAINS(r.err, "already holds agent p at tick 5");
    ASSERT_STR_CONTAINS(r.err, "(tick 2)");
    ASSERT_STR_CONTAINS(r.err, "--checkpoint-dir");
    ASSERT_STR_EQ(after, before);
    cli_result_free(&r);
    free(before);
    free(after);
    /* The same tick-2 copy, current file moved away: history still
     * holds ticks up to 5, so it is refused all the same. */
    ASSERT_OK(rename(cli_path(4, dir, "p.checkpoint"),
                     cli_path(5, work, "moved.checkpoint")));
    resume_p(&r, cli_path(3, work, "p.checkpoint"), dir, NULL);
    ASSERT_EQ(r.code, 1);
    ASSERT_STR_CONTAINS(r.err, "in its history up to tick 5");
    cli_result_free(&r);
    ASSERT_OK(rename(cli_path(5, work, "moved.checkpoint"),
                     cli_path(4, dir, "p.checkpoint")));
    /* Byte-identical to the current checkpoint: continues at tick 6. */
    copy_agent(dir, work);
    resume_p(&r, cli_path(3, work, "p.checkpoint"), dir, NULL);
    if (r.code != 0)
        IG_TEST_FAIL("resume of the current file failed:\n%s", r.err);
    cli_result_free(&r);
    ASSERT_EQ(tick_of(cli_path(4, dir, "p.checkpoint")), 6);
    expect_valid(dir);
    cleanup(dir, work);
}

/* A file named history blocks the first checkpoint: igord says nothing
 * was committed, and indeed no checkpoint or identity is left. */
TEST(blocked_history_commits_nothing)
{
    char *dir = cli_tmpdir();
    struct cli_result r;

    cli_write(cli_path(0, dir, "history"), "", 0);
    run_p(&r, dir, "1", "ok");
    ASSERT_TRUE(r.code != 0 && r.signo == 0);
    ASSERT_STR_CONTAINS(r.err, "checkpoint failed, nothing committed");
    ASSERT_TRUE(!cli_exists(cli_path(1, dir, "p.checkpoint")));
    ASSERT_TRUE(!cli_exists(cli_path(1, dir, "p.identity")));
    cli_result_free(&r);
    cleanup(dir, NULL);
}

/* What a crash between the two writes leaves, in either order, is
 * repaired when the agent is next run, and verify stays VALID. */
TEST(crashed_save_repaired_on_next_run)
{
    char *dir = cli_tmpdir(), *work = cli_tmpdir();
    struct cli_result r;

    /* Current written, history entry lost (the old write order). */
    run_ticks(dir, "2");
    ASSERT_OK(unlink(cli_path(0, dir, "history/p/0000000002.ckpt")));
    run_p(&r, dir, "1", "ok");
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_CONTAINS(r.err, "wrote the missing history entry");
    cli_result_free(&r);
    expect_valid(dir);
    /* History entry written, current not yet replaced (the new order):
     * tick 4 archived while the current file still says tick 3. */
    copy_file(cli_path(0, dir, "p.checkpoint"), cli_path(1, work, "t3"));
    run_ticks(dir, "1");
    copy_file(cli_path(1, work, "t3"), cli_path(0, dir, "p.checkpoint"));
    run_p(&r, dir, "1", "ok");
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_CONTAINS(r.err, "completed an interrupted save");
    cli_result_free(&r);
    ASSERT_EQ(tick_of(cli_path(0, dir, "p.checkpoint")), 5);
    expect_valid(dir);
    cleanup(dir, work);
}

/* --history-keep 2 leaves the two newest entries after the commit;
 * verify accepts the pruned history and says where it starts. */
TEST(history_keep_prunes_and_verifies)
{
    char *dir = cli_tmpdir(), *out;
    const char *args[] = { "run", "--checkpoint-dir", dir,    "--ticks",
                           "1",   "--tick-interval",  "10ms", "--agent-id",
                           "p",   "--history-keep",   "2",    cli_probe("ok"),
                           NULL };
    struct cli_result r;

    for (int i = 0; i < 3; i++)
        run_ticks(dir, "1");
    ASSERT_TRUE(cli_exists(cli_path(0, dir, "history/p/0000000001.ckpt")));
    cli_run(&r, T_RUN, args);
    if (r.code != 0)
        IG_TEST_FAIL("run failed (%d):\n%s", r.code, r.err);
    cli_result_free(&r);
    ASSERT_TRUE(!cli_exists(cli_path(0, dir, "history/p/0000000001.ckpt")));
    ASSERT_TRUE(!cli_exists(cli_path(0, dir, "history/p/0000000002.ckpt")));
    ASSERT_TRUE(cli_exists(cli_path(0, dir, "history/p/0000000003.ckpt")));
    ASSERT_TRUE(cli_exists(cli_path(0, dir, "history/p/0000000004.ckpt")));
    ASSERT_EQ(tick_of(cli_path(0, dir, "p.checkpoint")), 4);
    ASSERT_EQ(verify(dir, &out), 0);
    ASSERT_STR_CONTAINS(out, "starts at tick 3 (older entries pruned");
    ASSERT_STR_CONTAINS(out, "Lineage:        VALID");
    free(out);
    cleanup(dir, NULL);
}

/* Write history/p/<tick+1>.ckpt chaining to dir's checkpoint, with a
 * budget of 10^9, validly signed by a fresh key (not the agent's). */
static void forge_next_entry(const char *dir, const char *name)
{
    size_t len;
    char *b = cli_read(cli_path(0, dir, "p.checkpoint"), &len);
    struct ig_identity other;
    uint8_t *blob = NULL;
    struct ig_ckpt c;
    size_t blen = 0;

    ASSERT_OK(ig_identity_generate(&other));
    ASSERT_OK(ig_ckpt_parse((uint8_t *)b, len, &c, NULL, 0));
    ig_ckpt_content_hash((uint8_t *)b, len, c.prev_hash);
    c.tick++;
    c.budget = 1000000000;
    ASSERT_OK(ig_ckpt_build_v4(&c, other.secret, &blob, &blen));
    cli_write(cli_path(1, dir, name), blob, blen);
    free(blob);
    free(b);
    ig_identity_wipe(&other);
}

/* A forged history entry (chained, signed by another key) is not made
 * current: the run warns naming it and continues the real checkpoint,
 * and the history stays VALID. */
TEST(forged_history_entry_not_adopted)
{
    char *dir = cli_tmpdir();
    struct cli_result r;

    run_ticks(dir, "2");
    forge_next_entry(dir, "history/p/0000000003.ckpt");
    run_p(&r, dir, "1", "ok");
    if (r.code != 0)
        IG_TEST_FAIL("run failed (%d):\n%s", r.code, r.err);
    ASSERT_STR_CONTAINS(r.err, "history/p/0000000003.ckpt");
    ASSERT_STR_CONTAINS(r.err, "signed by another key");
    ASSERT_TRUE(strstr(r.err, "completed an interrupted save") == NULL);
    ASSERT_STR_CONTAINS(r.out, "resumed from checkpoint at tick 2");
    cli_result_free(&r);
    ASSERT_EQ(tick_of(cli_path(0, dir, "p.checkpoint")), 3);
    ASSERT_TRUE(
      cli_exists(cli_path(0, dir, "history/p/0000000003.ckpt.rejected")));
    expect_valid(dir);
    run_ticks(dir, "1");
    ASSERT_EQ(tick_of(cli_path(0, dir, "p.checkpoint")), 4);
    cleanup(dir, NULL);
}

/* Re-sign dir's checkpoint with the tick set to tick. */
static void sign_at(const char *dir, uint64_t tick, const char *out)
{
    size_t len;
    char *b = cli_read(cli_path(0, dir, "p.checkpoint"), &len);
    struct ig_identity id;
    uint8_t *blob = NULL;
    struct ig_ckpt c;
    size_t blen = 0;

    ASSERT_OK(ig_identity_load(cli_path(1, dir, "p.identity"), &id, NULL, 0));
    ASSERT_OK(ig_ckpt_parse((uint8_t *)b, len, &c, NULL, 0));
    c.tick = tick;
    ASSERT_OK(ig_ckpt_build_v4(&c, id.secret, &blob, &blen));
    cli_write(out, blob, blen);
    free(blob);
    free(b);
    ig_identity_wipe(&id);
}

/* Run p for one tick over history/p/0000000003.ckpt as it is now: the
 * commit goes through, the file is moved to .rejected with its bytes,
 * and the warning names both. */
static void expect_entry_set_aside(const char *dir)
{
    const char *e = cli_path(2, dir, "history/p/0000000003.ckpt");
    const char *aside = cli_path(3, dir, "history/p/0000000003.ckpt.rejected");
    size_t len, alen;
    char *before = cli_read(e, &len), *after;
    struct cli_result r;

    run_p(&r, dir, "1", "ok");
    if (r.code != 0)
        IG_TEST_FAIL("run failed (%d):\n%s", r.code, r.err);
    ASSERT_STR_CONTAINS(r.err, e);
    ASSERT_STR_CONTAINS(r.err, aside);
    cli_result_free(&r);
    ASSERT_EQ(tick_of(cli_path(0, dir, "p.checkpoint")), 3);
    after = cli_read(aside, &alen);
    ASSERT_EQ(alen, len);
    ASSERT_MEM_EQ(after, before, len);
    free(after);
    free(before);
    expect_valid(dir);
    ASSERT_OK(unlink(aside));
}

/* Whatever sits at the next tick's history name without being a save
 * of the agent chained to its checkpoint (junk, a bad signature by its
 * key, its key on another chain) no longer blocks every commit. */
TEST(stray_next_entry_set_aside)
{
    char *dir = cli_tmpdir();
    const char *e = cli_path(4, dir, "history/p/0000000003.ckpt");
    size_t len;
    char *b;

    run_ticks(dir, "2");
    cli_write(e, "junk\n", 5);
    expect_entry_set_aside(dir);
    /* Back to tick 2, with tick 3 signed by the agent's key from tick
     * 2's fields: its prev hash is tick 1's, not tick 2's. */
    copy_file(cli_path(0, dir, "history/p/0000000002.ckpt"),
              cli_path(1, dir, "p.checkpoint"));
    sign_at(dir, 3, e);
    expect_entry_set_aside(dir);
    /* Back to tick 2 again; tick 3's real entry, one bit changed. */
    copy_file(cli_path(0, dir, "history/p/0000000002.ckpt"),
              cli_path(1, dir, "p.checkpoint"));
    b = cli_read(e, &len);
    b[len - 1] ^= 1; /* the state's last byte: the signature breaks */
    cli_write(e, b, len);
    free(b);
    expect_entry_set_aside(dir);
    cleanup(dir, NULL);
}

/* --history-keep counts only entries up to the current tick: a stray
 * 0000000099.ckpt is neither counted nor removed. */
TEST(history_keep_ignores_later_files)
{
    char *dir = cli_tmpdir();
    const char *args[] = { "run", "--checkpoint-dir", dir,    "--ticks",
                           "1",   "--tick-interval",  "10ms", "--agent-id",
                           "p",   "--history-keep",   "2",    cli_probe("ok"),
                           NULL };
    struct cli_result r;

    run_ticks(dir, "3");
    cli_write(cli_path(0, dir, "history/p/0000000099.ckpt"), "junk", 4);
    cli_run(&r, T_RUN, args);
    if (r.code != 0)
        IG_TEST_FAIL("run failed (%d):\n%s", r.code, r.err);
    cli_result_free(&r);
    ASSERT_EQ(tick_of(cli_path(0, dir, "p.checkpoint")), 4);
    ASSERT_TRUE(!cli_exists(cli_path(0, dir, "history/p/0000000002.ckpt")));
    ASSERT_TRUE(cli_exists(cli_path(0, dir, "history/p/0000000003.ckpt")));
    ASSERT_TRUE(cli_exists(cli_path(0, dir, "history/p/0000000004.ckpt")));
    ASSERT_TRUE(cli_exists(cli_path(0, dir, "history/p/0000000099.ckpt")));
    cleanup(dir, NULL);
}

/* Run p in dir with p.identity a symlink to a missing file: refused
 * with exit 1, the message naming link and target and containing also,
 * the link left as it was and no checkpoint made. */
static void expect_dangling_refused(const char *dir, const char *also)
{
    const char *link = cli_path(5, dir, "p.identity");
    const char *target = cli_path(6, dir, "unmounted/p.identity");
    char back[1024];
    struct cli_result r;
    ssize_t n;

    ASSERT_OK(symlink(target, link));
    run_p(&r, dir, "1", "ok");
    ASSERT_EQ(r.code, 1);
    ASSERT_EQ(r.signo, 0);
    ASSERT_STR_CONTAINS(r.err, link);
    ASSERT_STR_CONTAINS(r.err, target);
    ASSERT_STR_CONTAINS(r.err, also);
    ASSERT_TRUE(strstr(r.err, "no identity file") == NULL);
    cli_result_free(&r);
    n = readlink(link, back, sizeof(back) - 1);
    ASSERT_TRUE(n > 0);
    back[n] = '\0';
    ASSERT_STR_EQ(back, target);
}

/* A dangling identity symlink is never replaced by a new key, with or
 * without a checkpoint. */
TEST(dangling_identity_link_refused)
{
    char *dir = cli_tmpdir(), *work = cli_tmpdir();

    expect_dangling_refused(dir, "symlink");
    ASSERT_TRUE(!cli_exists(cli_path(0, dir, "p.checkpoint")));
    run_ticks(work, "1");
    ASSERT_OK(unlink(cli_path(0, work, "p.identity")));
    expect_dangling_refused(work, "has a checkpoint but its identity file");
    ASSERT_EQ(tick_of(cli_path(0, work, "p.checkpoint")), 1);
    cleanup(dir, work);
}

/* A resume refused for an identity of another key leaves no trace: the
 * checkpoint directory it made (and the lock in it) is gone, and in a
 * directory that was there only the lock it made is removed. */
TEST(failed_resume_removes_what_it_made)
{
    char *dir = cli_tmpdir(), *work = cli_tmpdir();
    struct ig_identity other;
    struct cli_result r;

    run_ticks(dir, "1");
    copy_agent(dir, work);
    ASSERT_OK(ig_identity_generate(&other));
    ASSERT_OK(
      ig_identity_save(cli_path(0, work, "p.identity"), &other, NULL, 0));
    ig_identity_wipe(&other);
    resume_p(
      &r, cli_path(2, work, "p.checkpoint"), cli_path(3, work, "new"), NULL);
    ASSERT_EQ(r.code, 1);
    ASSERT_STR_CONTAINS(r.err, "is not the key");
    cli_result_free(&r);
    ASSERT_TRUE(!cli_exists(cli_path(3, work, "new")));
    ASSERT_OK(mkdir(cli_path(3, work, "old"), 0755));
    cli_write(cli_path(4, work, "old/keep"), "x", 1);
    resume_p(
      &r, cli_path(2, work, "p.checkpoint"), cli_path(3, work, "old"), NULL);
    ASSERT_EQ(r.code, 1);
    cli_result_free(&r);
    ASSERT_TRUE(cli_exists(cli_path(4, work, "old/keep")));
    /* The lock in a directory that was there stays (see undo_start). */
    ASSERT_TRUE(cli_exists(cli_path(4, work, "old/p.lock")));
    ASSERT_TRUE(!cli_exists(cli_path(4, work, "old/history")));
    cleanup(dir, work);
}

/* The last tick number: resuming is fine, ticking is refused before
 * any guest code runs, and no new checkpoint appears. */
TEST(tick_at_uint64_max_refused)
{
    char *dir = cli_tmpdir(), *work = cli_tmpdir();
    const char *out = cli_path(2, work, "out");
    struct cli_result r;
    size_t a, b;
    char *x, *y;

    run_ticks(dir, "1");
    copy_agent(dir, work);
    sign_at(dir, UINT64_MAX, cli_path(3, work, "p.checkpoint"));
    resume_p(&r, cli_path(3, work, "p.checkpoint"), out, NULL);
    ASSERT_TRUE(r.code != 0 && r.signo == 0);
    ASSERT_STR_CONTAINS(r.err, "tick number is at its maximum");
    ASSERT_STR_CONTAINS(r.err, "18446744073709551615");
    ASSERT_TRUE(strstr(r.err, "tick 0") == NULL);
    cli_result_free(&r);
    x = cli_read(cli_path(4, work, "p.checkpoint"), &a);
    y = cli_read(cli_path(5, out, "p.checkpoint"), &b);
    ASSERT_EQ(a, b);
    ASSERT_MEM_EQ(x, y, a);
    free(x);
    free(y);
    ASSERT_TRUE(
      cli_exists(cli_path(4, out, "history/p/18446744073709551615.ckpt")));
    ASSERT_TRUE(!cli_exists(cli_path(4, out, "history/p/0000000000.ckpt")));
    cleanup(dir, work);
}

/* One tick below the last number, two ticks asked: the last tick runs
 * and is committed, then the run stops on the tick limit without
 * calling the good tick failed. */
TEST(last_tick_number_is_committed)
{
    char *dir = cli_tmpdir(), *work = cli_tmpdir();
    const char *out = cli_path(2, work, "out");
    struct cli_result r;

    run_ticks(dir, "1");
    copy_agent(dir, work);
    sign_at(dir, UINT64_MAX - 1, cli_path(3, work, "p.checkpoint"));
    resume_p(&r, cli_path(3, work, "p.checkpoint"), out, "--ticks=2");
    ASSERT_EQ(r.code, 1);
    ASSERT_STR_CONTAINS(r.err, "tick 18446744073709551615: ");
    ASSERT_STR_CONTAINS(r.err, "tick number is at its maximum");
    ASSERT_STR_CONTAINS(r.err,
                        "checkpoint committed: tick "
                        "18446744073709551615");
    ASSERT_TRUE(strstr(r.err, "failed tick") == NULL);
    ASSERT_TRUE(strstr(r.err, "nothing was committed") == NULL);
    cli_result_free(&r);
    ASSERT_EQ(tick_of(cli_path(4, out, "p.checkpoint")), UINT64_MAX);
    ASSERT_TRUE(
      cli_exists(cli_path(4, out, "history/p/18446744073709551615.ckpt")));
    expect_valid(out);
    cleanup(dir, work);
}

/* A new agent whose first tick traps: nothing was committed, and the
 * messages say so instead of naming a "tick 0" checkpoint. */
TEST(first_tick_failure_says_nothing_committed)
{
    char *dir = cli_tmpdir();
    struct cli_result r;

    run_p(&r, dir, "1", "recurse");
    ASSERT_EQ(r.code, 4);
    ASSERT_STR_CONTAINS(r.err, "nothing was ever committed for this agent");
    ASSERT_STR_CONTAINS(r.err, "nothing was committed");
    ASSERT_TRUE(strstr(r.err, "(tick 0)") == NULL);
    ASSERT_TRUE(strstr(r.err, "last committed checkpoint") == NULL);
    ASSERT_TRUE(!cli_exists(cli_path(0, dir, "p.checkpoint")));
    cli_result_free(&r);
    cleanup(dir, NULL);
}

/* resume of x/foo.checkpoint without x/foo.identity names that path,
 * and leaves no --checkpoint-dir behind. */
TEST(resume_missing_identity_names_path)
{
    char *dir = cli_tmpdir(), *work = cli_tmpdir();
    const char *out = cli_path(2, work, "out");
    struct cli_result r;

    run_ticks(dir, "1");
    copy_file(cli_path(0, dir, "p.checkpoint"),
              cli_path(1, work, "foo.checkpoint"));
    resume_p(&r, cli_path(3, work, "foo.checkpoint"), out, NULL);
    ASSERT_EQ(r.code, 1);
    ASSERT_STR_CONTAINS(r.err, cli_path(4, work, "foo.identity"));
    ASSERT_TRUE(strstr(r.err, "(ok.identity)") == NULL);
    ASSERT_TRUE(!cli_exists(out));
    cli_result_free(&r);
    cleanup(dir, work);
}
