/* SPDX-License-Identifier: MIT */
/* igord run as a real process against hostile conditions: a second
 * process on the same agent, signals that used to kill it, bad flag
 * values, floods of guest log lines, oversized tables and bad
 * identity files. */
#define IG_TEST_MAIN
#include "test.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_util.h"

#define T_RUN 20000

/* Spawn igord and wait until its output holds needle. */
static void spawn_until(struct cli_proc *p,
                        const char *const *args,
                        const char *needle)
{
    struct cli_result r;

    cli_spawn(p, args);
    if (cli_wait_for(p, needle, T_RUN) < 0) {
        cli_wait(p, T_RUN, &r);
        IG_TEST_FAIL("no \"%s\"; stderr:\n%s", needle, r.err);
    }
}

/* verify on the agent's history must find every checkpoint valid. */
static void expect_history_valid(const char *dir, const char *id)
{
    char hist[600];
    const char *args[] = { "verify", hist, NULL };
    struct cli_result r;

    snprintf(hist, sizeof(hist), "%s/history/%s", dir, id);
    cli_run(&r, T_RUN, args);
    if (r.code != 0 || strstr(r.out, "INVALID"))
        IG_TEST_FAIL("verify exit %d:\n%s%s", r.code, r.out, r.err);
    cli_result_free(&r);
}

TEST(second_process_on_the_same_agent_is_refused)
{
    char *dir = cli_tmpdir();
    const char *args[] = { "run",   "--checkpoint-dir",
                           dir,     "--tick-interval",
                           "100ms", "--checkpoint-interval",
                           "300ms", cli_probe("ok"),
                           NULL };
    struct cli_proc p;
    struct cli_result r, r2;

    spawn_until(&p, args, "tick 1:");
    cli_run(&r2, T_RUN, args);
    ASSERT_EQ(r2.signo, 0);
    ASSERT_EQ(r2.code, 1);
    ASSERT_STR_CONTAINS(r2.err, "agent ok is already running (lock ");
    ASSERT_STR_CONTAINS(r2.err, "ok.lock held by another igord)");
    ASSERT_TRUE(strstr(r2.err, "tick 1:") == NULL);
    ASSERT_EQ(cli_wait_for(&p, "periodic checkpoint", T_RUN), 0);
    kill(p.pid, SIGTERM);
    cli_wait(&p, T_RUN, &r);
    ASSERT_EQ(r.code, 0);
    expect_history_valid(dir, "ok");
    cli_result_free(&r);
    cli_result_free(&r2);

    /* The lock file of the ended process does not block the next run. */
    ASSERT_TRUE(cli_exists(cli_path(0, dir, "ok.lock")));
    {
        const char *again[] = {
            "run",  "--checkpoint-dir", dir, "--ticks", "1", "--tick-interval",
            "10ms", cli_probe("ok"),    NULL
        };

        cli_run(&r, T_RUN, again);
        ASSERT_EQ(r.code, 0);
        ASSERT_STR_CONTAINS(r.out, "resumed from checkpoint");
        cli_result_free(&r);
    }
    expect_history_valid(dir, "ok");
    cli_rmrf(dir);
    free(dir);
}

TEST(sighup_stops_with_a_final_checkpoint)
{
    char *dir = cli_tmpdir();
    const char *args[] = { "run",  "--checkpoint-dir", dir, "--tick-interval",
                           "20ms", cli_probe("ok"),    NULL };
    struct cli_proc p;
    struct cli_result r;

    spawn_until(&p, args, "tick 2:");
    kill(p.pid, SIGHUP);
    cli_wait(&p, T_RUN, &r);
    ASSERT_EQ(r.signo, 0);
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_CONTAINS(r.err, "final checkpoint committed");
    ASSERT_TRUE(cli_inspect_tick(cli_path(0, dir, "ok.checkpoint")) >= 2);
    cli_result_free(&r);
    cli_rmrf(dir);
    free(dir);
}

/* igord run ... 2>&1 | head -c 64: the reader goes away early; igord
 * must go on to its final checkpoint and exit 0, not die of SIGPIPE. */
TEST(closed_output_pipe_does_not_kill_the_run)
{
    char *dir = cli_tmpdir();
    const char *argv[] = { cli_igord(),     "run", "--checkpoint-dir", dir,
                           "--ticks",       "6",   "--tick-interval",  "20ms",
                           cli_probe("ok"), NULL };
    char first[64];
    int fds[2], status = 0;
    pid_t pid;

    ASSERT_EQ(pipe(fds), 0);
    pid = fork();
    ASSERT_TRUE(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    ASSERT_TRUE(read(fds[0], first, sizeof(first)) > 0);
    close(fds[0]);
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(!WIFSIGNALED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
    ASSERT_EQ(cli_inspect_tick(cli_path(0, dir, "ok.checkpoint")), 6);
    cli_rmrf(dir);
    free(dir);
}

/* Run igord with args; it must exit with code and say msg on stderr. */
static void expect_exit(const char *const *args, int code, const char *msg)
{
    struct cli_result r;

    cli_run(&r, T_RUN, args);
    if (r.signo != 0 || r.code != code || !strstr(r.err, msg))
        IG_TEST_FAIL("want exit %d and \"%s\"; got exit %d signal %d, "
                     "stderr:\n%s",
                     code,
                     msg,
                     r.code,
                     r.signo,
                     r.err);
    cli_result_free(&r);
}

TEST(zero_and_decimal_durations)
{
    char *dir = cli_tmpdir();
    const char *zero[] = { "run", "--checkpoint-dir", dir, "--tick-timeout",
                           "0",   cli_probe("ok"),    NULL };
    const char *junk[] = { "run",   "--checkpoint-dir", dir, "--tick-interval",
                           "1.5.s", cli_probe("ok"),    NULL };
    const char *dec[] = { "run",  "--checkpoint-dir", dir,     "--ticks",
                          "1",    "--tick-interval",  "0.02s", "--tick-timeout",
                          "1.5s", cli_probe("ok"),    NULL };

    expect_exit(zero, 2, "--tick-timeout: duration '0' must be more than zero");
    ASSERT_TRUE(!cli_exists(cli_path(0, dir, "ok.identity")));
    expect_exit(junk, 2, "--tick-interval: bad duration '1.5.s'");
    expect_exit(dec, 0, "final checkpoint committed");
    cli_rmrf(dir);
    free(dir);
}

TEST(usage_mistakes_exit_2_before_anything_is_made)
{
    char *dir = cli_tmpdir();
    const char *id[] = { "run", "--checkpoint-dir", dir, "--agent-id",
                         "a/b", cli_probe("ok"),    NULL };
    const char *zero[] = { "run", "--checkpoint-dir", dir, "--budget",
                           "0",   cli_probe("ok"),    NULL };
    const char *ping[] = { "ping", "/ip4/127.0.0.1/tcp/notaport", NULL };
    const char *help[] = { "run", "--help", NULL };
    struct cli_result r;

    expect_exit(id, 2, "agent ID has a character outside");
    expect_exit(zero, 2, "--budget 0: a run needs a budget above zero");
    ASSERT_TRUE(!cli_exists(cli_path(0, dir, "ok.identity")));
    ASSERT_TRUE(!cli_exists(cli_path(0, dir, "ok.checkpoint")));
    expect_exit(ping, 2, "/ip4/127.0.0.1/tcp/notaport: ");
    cli_run(&r, T_RUN, help);
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_CONTAINS(r.out, "a checkpointed agent keeps its own");
    cli_result_free(&r);
    cli_rmrf(dir);
    free(dir);
}

static void write_text(const char *path, const char *text)
{
    cli_write(path, text, strlen(text));
}

TEST(manifest_errors_name_the_manifest_file)
{
    char *dir = cli_tmpdir(), *work = cli_tmpdir();
    const char *man = cli_path(1, work, "m.json");
    const char *args[] = { "run", "--checkpoint-dir", dir, "--manifest",
                           man,   cli_probe("ok"),    NULL };
    char want[1200];

    cli_write(man, "", 0);
    snprintf(want, sizeof(want), "igord: manifest %s is empty", man);
    expect_exit(args, 1, want);
    write_text(man, "{\"capabilities\":{},\"capabilities\":{}}");
    snprintf(want, sizeof(want), "igord: manifest %s: key", man);
    expect_exit(args, 1, want);
    write_text(man, "{\"resource_limits\":{\"max_memory_bytes\":0}}");
    snprintf(want, sizeof(want), "igord: manifest %s: resource_limits", man);
    expect_exit(args, 1, want);
    ASSERT_TRUE(!cli_exists(cli_path(0, dir, "ok.identity")));
    cli_rmrf(dir);
    cli_rmrf(work);
    free(dir);
    free(work);
}

/* Run the flood probe for two ticks with extra flags; r gets the run. */
static void run_flood(const char *dir,
                      const char *flag,
                      const char *value,
                      struct cli_result *r)
{
    const char *args[] = { "run", "--checkpoint-dir", dir,    "--ticks",
                           "2",   "--tick-interval",  "10ms", flag,
                           value, cli_probe("flood"), NULL };

    if (!flag) { /* the defaults */
        args[7] = cli_probe("flood");
        args[8] = NULL;
    }
    cli_run(r, T_RUN, args);
    if (r->code != 0)
        IG_TEST_FAIL("flood run exit %d:\n%s", r->code, r->err);
}

TEST(guest_log_flood_is_capped_per_tick)
{
    char *dir = cli_tmpdir();
    struct cli_result r;

    /* 5000 lines a tick: 1000 written, the rest counted in one line. */
    run_flood(dir, NULL, NULL, &r);
    ASSERT_EQ(cli_count(r.err, "[log] probe: flood"), 2000);
    ASSERT_EQ(
      cli_count(r.err, "agent flood: 4002 log lines suppressed this tick"), 2);
    /* Every call is still in the event log (the replay must be exact):
     * 5000 floods, two lines of the probe's own, its clock. */
    ASSERT_EQ(cli_count(r.err, "observations 5002"), 2);
    cli_result_free(&r);

    run_flood(dir, "--tick-log-lines", "10", &r);
    ASSERT_EQ(cli_count(r.err, "[log] probe: flood"), 20);
    ASSERT_EQ(cli_count(r.err, "4992 log lines suppressed this tick"), 2);
    cli_result_free(&r);

    /* "probe: flood" is 12 bytes: 100 bytes hold 8 lines. */
    run_flood(dir, "--tick-log-bytes", "100", &r);
    ASSERT_EQ(cli_count(r.err, "[log] probe: flood"), 16);
    cli_result_free(&r);
    cli_rmrf(dir);
    free(dir);
}

TEST(huge_table_fails_the_load)
{
    char *dir = cli_tmpdir();
    const char *args[] = {
        "run", "--checkpoint-dir", dir, cli_probe("big_table"), NULL
    };

    expect_exit(args, 1, "table");
    expect_exit(args, 1, "1000000");
    ASSERT_TRUE(!cli_exists(cli_path(0, dir, "big_table.identity")));
    cli_rmrf(dir);
    free(dir);
}

/* A checkpoint directory with agent ok committed after two ticks. */
static char *committed_ok(void)
{
    char *dir = cli_tmpdir();
    const char *args[] = { "run", "--checkpoint-dir", dir,    "--ticks",
                           "2",   "--tick-interval",  "10ms", cli_probe("ok"),
                           NULL };

    expect_exit(args, 0, "final checkpoint committed");
    return dir;
}

TEST(identity_with_trailing_bytes_refused)
{
    char *dir = committed_ok();
    const char *id = cli_path(0, dir, "ok.identity");
    const char *args[] = { "run", "--checkpoint-dir", dir,    "--ticks",
                           "1",   "--tick-interval",  "10ms", cli_probe("ok"),
                           NULL };
    size_t len;
    char *img = cli_read(id, &len), *junk;

    ASSERT_EQ(len, 68);
    junk = malloc(len + 3);
    memcpy(junk, img, len);
    memcpy(junk + len, "xyz", 3);
    cli_write(id, junk, len + 3);
    expect_exit(args, 1, "identity file has 3 trailing bytes");
    /* The right bytes with a loose mode: accepted, tightened, warned. */
    cli_write(id, img, len);
    ASSERT_EQ(chmod(id, 0644), 0);
    expect_exit(args, 0, "had mode 0644, wider than 0600");
    free(img);
    free(junk);
    cli_rmrf(dir);
    free(dir);
}

TEST(verify_reports_entries_that_are_not_files)
{
    char *dir = committed_ok();
    char hist[600], real[700];
    const char *args[] = { "verify", hist, NULL };
    struct cli_result r;

    snprintf(hist, sizeof(hist), "%s/history/ok", dir);
    snprintf(real, sizeof(real), "%s/0000000002.ckpt", hist);
    ASSERT_TRUE(cli_exists(real));
    ASSERT_EQ(symlink(real, cli_path(0, hist, "0000000097.ckpt")), 0);
    ASSERT_EQ(mkfifo(cli_path(0, hist, "0000000098.ckpt"), 0644), 0);
    ASSERT_EQ(mkdir(cli_path(0, hist, "0000000099.ckpt"), 0755), 0);
    cli_run(&r, T_RUN, args);
    ASSERT_EQ(r.signo, 0);
    ASSERT_EQ(r.code, 1);
    ASSERT_STR_CONTAINS(r.out, "INVALID (3 errors)");
    ASSERT_STR_CONTAINS(r.out, "0000000097.ckpt: a symlink, not a checkpoint");
    ASSERT_STR_CONTAINS(r.out, "0000000098.ckpt: a FIFO");
    ASSERT_STR_CONTAINS(r.out, "0000000099.ckpt: a directory");
    cli_result_free(&r);
    cli_rmrf(dir);
    free(dir);
}

TEST(sigint_during_a_long_tick_is_acknowledged_at_once)
{
    char *dir = cli_tmpdir();
    const char *args[] = { "run",  "--checkpoint-dir", dir,  "--tick-interval",
                           "10ms", "--tick-timeout",   "6s", cli_probe("spin"),
                           NULL };
    struct cli_proc p;
    struct cli_result r;

    /* The banner comes before the first tick, which spins until its
     * timeout; wait a little so the signal lands inside it. */
    spawn_until(&p, args, "Start:");
    usleep(300 * 1000);
    kill(p.pid, SIGINT);
    /* Well before the 6 s timeout ends the tick. */
    ASSERT_EQ(
      cli_wait_for(
        &p, "Interrupt received, stopping after the current tick", 4000),
      0);
    cli_wait(&p, T_RUN, &r);
    ASSERT_EQ(r.signo, 0);
    ASSERT_EQ(r.code, 4);
    ASSERT_EQ(cli_count(r.err, "stopping after the current tick"), 1);
    ASSERT_STR_CONTAINS(r.err, "ran past its 6000 ms limit");
    ASSERT_TRUE(strstr(r.err, "stopping after the current tick") <
                strstr(r.err, "ran past its"));
    cli_result_free(&r);
    cli_rmrf(dir);
    free(dir);
}
