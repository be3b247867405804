/* SPDX-License-Identifier: MIT */
/* igord run/resume/inspect/verify as real processes: ticking, SIGINT
 * with a final checkpoint, resume from the same tick, lineage across two
 * directories, and budget exhaustion ending at exactly zero. */
#define IG_TEST_MAIN
#include "test.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_util.h"

#define T_SHORT 20000
#define FAST "--tick-interval", "20ms", "--checkpoint-interval", "100ms"

/* Start the probe in dir, let it reach "tick <n>:", then send sig. */
static void signal_at_tick(const char *dir,
                           int n,
                           int sig,
                           struct cli_result *r)
{
    const char *args[] = { "run", "--checkpoint-dir", dir,
                           FAST,  cli_probe("ok"),    NULL };
    struct cli_proc p;
    char needle[32];

    snprintf(needle, sizeof(needle), "tick %d:", n);
    cli_spawn(&p, args);
    if (cli_wait_for(&p, needle, T_SHORT) < 0) {
        cli_wait(&p, T_SHORT, r);
        IG_TEST_FAIL("no \"%s\"; stderr:\n%s", needle, r->err);
    }
    kill(p.pid, sig);
    cli_wait(&p, T_SHORT, r);
}

static void run_until_tick(const char *dir, int n, struct cli_result *r)
{
    signal_at_tick(dir, n, SIGINT, r);
}

TEST(run_ticks_then_sigint_commits)
{
    char *dir = cli_tmpdir();
    struct cli_result r;
    struct stat st;

    run_until_tick(dir, 3, &r);
    ASSERT_EQ(r.signo, 0);
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_CONTAINS(r.out, "Agent:    ok");
    ASSERT_STR_CONTAINS(r.out, "DID:      did:key:z6Mk");
    ASSERT_STR_CONTAINS(r.out, "Budget:   1.000000");
    ASSERT_STR_CONTAINS(r.out, "fresh");
    ASSERT_STR_CONTAINS(r.err, "agent:ok");
    ASSERT_STR_CONTAINS(r.err, "[log] probe: tick 1");
    /* Guest text cannot forge log lines or reach the terminal raw. */
    ASSERT_STR_CONTAINS(r.err, "probe: esc ?[2J?2026-01-01T00:00:00.000Z");
    ASSERT_TRUE(strchr(r.err, '\x1b') == NULL);
    ASSERT_TRUE(strstr(r.err, "\n2026-01-01T00:00:00.000Z") == NULL);
    ASSERT_STR_CONTAINS(r.err, "[stdout] probe stdout 1");
    ASSERT_STR_CONTAINS(r.err, "observations 2");
    /* A periodic checkpoint may land just before the signal; then the
     * final one has nothing new to commit, and says so. */
    ASSERT_TRUE(strstr(r.err, "final checkpoint committed") ||
                (strstr(r.err, "final checkpoint: tick ") &&
                 strstr(r.err, " already committed")));
    ASSERT_TRUE(cli_exists(cli_path(0, dir, "ok.checkpoint")));
    ASSERT_OK(stat(cli_path(1, dir, "ok.identity"), &st));
    ASSERT_EQ(st.st_mode & 0777, 0600);
    ASSERT_TRUE(cli_inspect_tick(cli_path(0, dir, "ok.checkpoint")) >= 3);
    ASSERT_TRUE(cli_exists(cli_path(2, dir, "history/ok")));
    cli_result_free(&r);
    cli_rmrf(dir);
    free(dir);
}

TEST(run_again_resumes_from_the_tick)
{
    char *dir = cli_tmpdir();
    const char *hist[] = { "verify", NULL, NULL };
    struct cli_result r;
    char needle[64];
    long first;

    run_until_tick(dir, 2, &r);
    ASSERT_EQ(r.code, 0);
    cli_result_free(&r);
    first = cli_inspect_tick(cli_path(0, dir, "ok.checkpoint"));
    ASSERT_TRUE(first >= 2);

    run_until_tick(dir, (int)first + 2, &r);
    ASSERT_EQ(r.code, 0);
    snprintf(
      needle, sizeof(needle), "resumed from checkpoint at tick %ld", first);
    ASSERT_STR_CONTAINS(r.out, needle);
    /* Tick numbers go on from the checkpoint; none is repeated. */
    snprintf(needle, sizeof(needle), "tick %ld:", first + 1);
    ASSERT_STR_CONTAINS(r.err, needle);
    snprintf(needle, sizeof(needle), "tick %ld:", first);
    ASSERT_EQ(cli_count(r.err, needle), 0);
    ASSERT_STR_CONTAINS(r.err, "probe: resumed");
    ASSERT_TRUE(cli_inspect_tick(cli_path(0, dir, "ok.checkpoint")) >=
                first + 2);
    cli_result_free(&r);

    hist[1] = cli_path(1, dir, "history/ok");
    cli_run(&r, T_SHORT, hist);
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_CONTAINS(r.out, "VALID");
    ASSERT_TRUE(strstr(r.out, "INVALID") == NULL);
    cli_result_free(&r);
    cli_rmrf(dir);
    free(dir);
}

TEST(resume_in_another_dir_keeps_identity_and_lineage)
{
    char *a = cli_tmpdir(), *b = cli_tmpdir();
    const char *args[] = { "resume",
                           "--checkpoint",
                           NULL,
                           "--wasm",
                           cli_probe("ok"),
                           "--checkpoint-dir",
                           b,
                           "--ticks",
                           "3",
                           FAST,
                           NULL };
    const char *verify[] = { "verify", NULL, NULL, NULL };
    struct cli_result r;
    char *id_a, *id_b, did_a[80] = "";
    const char *d;
    size_t la, lb;

    run_until_tick(a, 2, &r);
    ASSERT_EQ(r.code, 0);
    d = strstr(r.out, "DID:");
    ASSERT_TRUE(d != NULL);
    sscanf(d, "DID: %79s", did_a);
    cli_result_free(&r);

    args[2] = cli_path(0, a, "ok.checkpoint");
    cli_run(&r, T_SHORT, args);
    ASSERT_EQ(r.signo, 0);
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_CONTAINS(r.out, did_a);
    ASSERT_STR_CONTAINS(r.out, "resumed from checkpoint");
    cli_result_free(&r);

    id_a = cli_read(cli_path(1, a, "ok.identity"), &la);
    id_b = cli_read(cli_path(2, b, "ok.identity"), &lb);
    ASSERT_EQ(la, 68);
    ASSERT_EQ(lb, 68);
    ASSERT_MEM_EQ(id_a, id_b, 68);
    free(id_a);
    free(id_b);

    verify[1] = cli_path(1, a, "history/ok");
    verify[2] = cli_path(2, b, "history/ok");
    cli_run(&r, T_SHORT, verify);
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_CONTAINS(r.out, "VALID");
    ASSERT_STR_CONTAINS(r.out, did_a);
    cli_result_free(&r);
    cli_rmrf(a);
    cli_rmrf(b);
    free(a);
    free(b);
}

TEST(budget_exhaustion_ends_at_exactly_zero)
{
    char *dir = cli_tmpdir();
    /* 10 microcents at a million units per second: the first tick's
     * microseconds cost far more than is left. */
    const char *args[] = {
        "run",     "--checkpoint-dir", dir,  "--budget",      "0.00001",
        "--price", "1000000",          FAST, cli_probe("ok"), NULL
    };
    const char *insp[] = { "inspect", NULL, NULL };
    struct cli_result r;

    cli_run(&r, T_SHORT, args);
    ASSERT_EQ(r.signo, 0);
    ASSERT_EQ(r.code, 3);
    ASSERT_STR_CONTAINS(r.err, "budget exhausted");
    ASSERT_STR_CONTAINS(r.err, "budget 0.000000");
    ASSERT_STR_CONTAINS(r.err, "cost 0.000010");
    ASSERT_STR_CONTAINS(r.err, "final checkpoint committed");
    cli_result_free(&r);

    insp[1] = cli_path(0, dir, "ok.checkpoint");
    cli_run(&r, T_SHORT, insp);
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_CONTAINS(r.out, "0.000000 (0 microcents)");
    ASSERT_STR_CONTAINS(r.out, "Tick Number:      1");
    cli_result_free(&r);

    /* Running it again starts no tick at all. */
    cli_run(&r,
            T_SHORT,
            (const char *const[]){
              "run", "--checkpoint-dir", dir, FAST, cli_probe("ok"), NULL });
    ASSERT_EQ(r.code, 3);
    ASSERT_TRUE(strstr(r.err, "tick 2:") == NULL);
    cli_result_free(&r);
    cli_rmrf(dir);
    free(dir);
}

TEST(max_ticks_stops_with_final_checkpoint)
{
    char *dir = cli_tmpdir();
    const char *args[] = {
        "run",        "--checkpoint-dir", dir,  "--ticks",       "4",
        "--agent-id", "counted",          FAST, cli_probe("ok"), NULL
    };
    struct cli_result r;

    cli_run(&r, T_SHORT, args);
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_CONTAINS(r.out, "Agent:    counted");
    ASSERT_EQ(cli_inspect_tick(cli_path(0, dir, "counted.checkpoint")), 4);
    ASSERT_TRUE(
      cli_exists(cli_path(1, dir, "history/counted/0000000004.ckpt")));
    cli_result_free(&r);
    cli_rmrf(dir);
    free(dir);
}

TEST(sigterm_commits_like_sigint)
{
    char *dir = cli_tmpdir();
    struct cli_result r;

    signal_at_tick(dir, 2, SIGTERM, &r);
    ASSERT_EQ(r.signo, 0);
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_CONTAINS(r.err, "Terminated received, stopping");
    ASSERT_STR_CONTAINS(r.err, "final checkpoint committed");
    ASSERT_TRUE(cli_inspect_tick(cli_path(0, dir, "ok.checkpoint")) >= 2);
    cli_result_free(&r);
    cli_rmrf(dir);
    free(dir);
}

TEST(more_work_ticks_at_the_fast_interval)
{
    char *dir = cli_tmpdir();
    /* The first tick comes after the normal interval (2 s); at that
     * interval the other four would take 8 s more, past the 6 s this
     * run is given. More work means they come 20 ms apart. */
    const char *args[] = {
        "run", "--checkpoint-dir",      dir,    "--tick-interval",
        "2s",  "--fast-interval",       "20ms", "--ticks",
        "5",   "--checkpoint-interval", "60s",  cli_probe("more"),
        NULL
    };
    struct cli_result r;

    cli_run(&r, 6000, args);
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_CONTAINS(r.err, "tick 5:");
    ASSERT_STR_CONTAINS(r.err, "more work");
    ASSERT_EQ(cli_inspect_tick(cli_path(0, dir, "more.checkpoint")), 5);
    cli_result_free(&r);
    cli_rmrf(dir);
    free(dir);
}
