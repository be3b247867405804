/* SPDX-License-Identifier: MIT */
/* What igord's commands say: help for every command, help text that
 * fits 80 columns and names the real default files, flag errors that
 * name the flag and the problem, and warnings only when they are true.
 * Real igord processes on real files. */
#define IG_TEST_MAIN
#include "test.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_util.h"

#define T_RUN 20000

/* Run igord with args: it must exit with code, and stream (r.out or
 * r.err, chosen by on_out) must hold msg. r is the caller's to free. */
static void expect(struct cli_result *r,
                   const char *const *args,
                   int code,
                   int on_out,
                   const char *msg)
{
    const char *text;

    cli_run(r, T_RUN, args);
    text = on_out ? r->out : r->err;
    if (r->signo != 0 || r->code != code || !strstr(text, msg))
        IG_TEST_FAIL("want exit %d and \"%s\"; got exit %d signal %d, "
                     "stdout:\n%s\nstderr:\n%s",
                     code,
                     msg,
                     r->code,
                     r->signo,
                     r->out,
                     r->err);
}

/* The longest line of text, in bytes. */
static size_t longest_line(const char *text)
{
    size_t best = 0;

    while (*text) {
        size_t n = strcspn(text, "\n");

        if (n > best)
            best = n;
        text += n + (text[n] == '\n');
    }
    return best;
}

/* `igord help <cmd>` prints that command's help for every command,
 * help itself included. */
TEST(help_accepts_every_command)
{
    static const char *const cmds[] = { "run",    "resume", "inspect",
                                        "verify", "node",   "id",
                                        "ping",   "help",   "version" };
    const char *args[] = { "help", NULL, NULL };
    char want[64];
    struct cli_result r;

    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        args[1] = cmds[i];
        snprintf(want, sizeof(want), "usage: igord %s", cmds[i]);
        expect(&r, args, 0, 1, want);
        cli_result_free(&r);
    }
    args[1] = "bogus";
    expect(&r, args, 2, 0, "unknown command 'bogus'");
    cli_result_free(&r);
}

/* Every command's --help fits 80 columns. */
TEST(help_text_fits_80_columns)
{
    static const char *const cmds[] = { "run",    "resume", "inspect",
                                        "verify", "node",   "id",
                                        "ping",   "help",   "version" };
    const char *args[] = { NULL, "--help", NULL };
    struct cli_result r;

    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        args[0] = cmds[i];
        expect(&r, args, 0, 1, "usage: igord");
        if (longest_line(r.out) > 80)
            IG_TEST_FAIL("%s --help has a %zu-column line:\n%s",
                         cmds[i],
                         longest_line(r.out),
                         r.out);
        cli_result_free(&r);
    }
}

/* The help names the files igord really looks for. */
TEST(help_names_the_real_default_files)
{
    const char *run[] = { "run", "--help", NULL };
    const char *resume[] = { "resume", "--help", NULL };
    struct cli_result r;

    expect(&r, run, 0, 1, "<stem>.manifest.json");
    ASSERT_TRUE(strstr(r.out, "<wasm>.manifest.json") == NULL);
    cli_result_free(&r);
    expect(&r, resume, 0, 1, "<stem>.identity");
    ASSERT_TRUE(strstr(r.out, "<id>.identity") == NULL);
    cli_result_free(&r);
}

/* The network commands say what each exit status means, in their help
 * and in the README, the same way. */
TEST(help_and_readme_state_exit_codes)
{
    const char *ping[] = { "ping", "--help", NULL };
    const char *node[] = { "node", "--help", NULL };
    char *readme = cli_read(IG_SOURCE_DIR "/README.md", NULL);
    struct cli_result r;

    expect(&r, ping, 0, 1, "Exit status: 0 when every ping was answered, 1");
    ASSERT_STR_CONTAINS(r.out, "2 on bad usage");
    cli_result_free(&r);
    expect(&r, node, 0, 1, "Exit status: 0 when stopped by SIGINT or");
    ASSERT_STR_CONTAINS(r.out, "2 on bad usage");
    cli_result_free(&r);
    ASSERT_STR_CONTAINS(readme, "`igord ping` exits 0 when every ping was");
    ASSERT_STR_CONTAINS(readme, "`igord node` exits 0 when stopped by");
    ASSERT_STR_CONTAINS(readme, "2 on bad usage");
    free(readme);
}

/* text with every run of spaces and newlines as one space, into out. */
static void squash(const char *text, char *out, size_t cap)
{
    size_t n = 0;

    for (; *text && n + 1 < cap; text++) {
        int space = *text == ' ' || *text == '\n';

        if (!space || (n && out[n - 1] != ' '))
            out[n++] = space ? ' ' : *text;
    }
    out[n] = '\0';
}

/* Every node deadline that can be off takes 0 and "off" and says so;
 * the handshake deadline cannot, and its help and error say so. */
TEST(node_deadlines_say_whether_they_turn_off)
{
    static const char *const offable[] = { "--idle-timeout",
                                           "--frame-timeout",
                                           "--negotiation-timeout",
                                           "--keepalive",
                                           "--keepalive-timeout" };
    const char *help[] = { "node", "--help", NULL };
    const char *hs[] = { "node", "--handshake-timeout", "off", NULL };
    const char *bad[] = { "node", NULL, "offf", NULL };
    static char text[8192];
    char want[96];
    struct cli_result r;

    expect(&r, help, 0, 1, "--handshake-timeout");
    squash(r.out, text, sizeof(text));
    ASSERT_STR_CONTAINS(text, "cannot be off, or a dial to a peer that never");
    for (size_t i = 0; i < sizeof(offable) / sizeof(offable[0]); i++) {
        const char *at = strstr(text, offable[i]);
        const char *end = at ? strstr(at, "(default") : NULL;
        const char *says = at ? strstr(at, "(0 or off: never)") : NULL;

        if (!says || says > end)
            IG_TEST_FAIL("%s --help: no \"0 or off\":\n%s", offable[i], text);
    }
    cli_result_free(&r);
    expect(&r, hs, 2, 0, "--handshake-timeout cannot be off");
    cli_result_free(&r);
    for (size_t i = 0; i < sizeof(offable) / sizeof(offable[0]); i++) {
        bad[1] = offable[i];
        snprintf(
          want, sizeof(want), "%s: bad duration 'offf' (0 or off", bad[1]);
        expect(&r, bad, 2, 0, want);
        cli_result_free(&r);
    }
}

/* Flag values: the error names the flag and says what is wrong, and
 * nothing is created. */
TEST(flag_errors_name_the_flag_and_the_problem)
{
    char *dir = cli_tmpdir();
    const char *ck = cli_path(0, dir, "ck");
    const char *price[] = { "run", "--checkpoint-dir", ck,  "--price",
                            "-0",  cli_probe("ok"),    NULL };
    const char *empty[] = { "run", "--checkpoint-dir=", cli_probe("ok"), NULL };
    const char *huge[] = {
        "run",          "--checkpoint-dir", ck,  "--tick-interval",
        "99999999999h", cli_probe("ok"),    NULL
    };
    struct cli_result r;

    expect(&r, price, 2, 0, "--price -0: ");
    ASSERT_TRUE(strstr(r.err, "budget") == NULL);
    ASSERT_STR_CONTAINS(r.err, "may not carry a sign");
    cli_result_free(&r);
    expect(&r, empty, 2, 0, "--checkpoint-dir: ");
    ASSERT_STR_CONTAINS(r.err, "empty");
    ASSERT_TRUE(strstr(r.err, "File name too long") == NULL);
    cli_result_free(&r);
    expect(&r,
           huge,
           2,
           0,
           "--tick-interval: duration '99999999999h' is too "
           "large");
    ASSERT_TRUE(strstr(r.err, "bad duration") == NULL);
    cli_result_free(&r);
    ASSERT_TRUE(!cli_exists(ck));
    cli_rmrf(dir);
    free(dir);
}

/* A wasm without any manifest beside it: the load error says that no
 * manifest was found and where igord looked. */
TEST(missing_manifest_is_named)
{
    char *dir = cli_tmpdir();
    size_t len;
    char *wasm = cli_read(cli_probe("ok"), &len);
    const char *args[] = { "run",
                           "--checkpoint-dir",
                           cli_path(1, dir, "ck"),
                           cli_path(0, dir, "foo.wasm"),
                           NULL };
    char want[1100];
    struct cli_result r;

    ASSERT_TRUE(len > 8);
    cli_write(cli_path(0, dir, "foo.wasm"), wasm, len);
    snprintf(want,
             sizeof(want),
             "no manifest was found (looked for %s)",
             cli_path(2, dir, "foo.manifest.json"));
    expect(&r, args, 1, 0, want);
    ASSERT_TRUE(strstr(r.err, "which the manifest does not grant") == NULL);
    cli_result_free(&r);
    free(wasm);
    cli_rmrf(dir);
    free(dir);
}

/* The loose-mode warning comes only with an identity that loads; a
 * bad identity file is refused without it and keeps its mode. */
TEST(loose_identity_warned_only_when_good)
{
    char *dir = cli_tmpdir();
    const char *id = cli_path(0, dir, "ok.identity");
    const char *args[] = { "run", "--checkpoint-dir", dir,    "--ticks",
                           "1",   "--tick-interval",  "10ms", cli_probe("ok"),
                           NULL };
    struct cli_result r;
    struct stat st;
    size_t len;
    char *img;

    expect(&r, args, 0, 0, "final checkpoint committed");
    cli_result_free(&r);
    img = cli_read(id, &len);
    cli_write(id, "garbage", 7);
    ASSERT_EQ(chmod(id, 0644), 0);
    expect(&r, args, 1, 0, "identity");
    ASSERT_TRUE(strstr(r.err, "wider than 0600") == NULL);
    ASSERT_TRUE(strstr(r.err, "tightened") == NULL);
    cli_result_free(&r);
    ASSERT_EQ(stat(id, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0644);
    ASSERT_EQ(unlink(id), 0);
    ASSERT_EQ(mkdir(id, 0755), 0);
    expect(&r, args, 1, 0, "identity");
    ASSERT_TRUE(strstr(r.err, "wider than 0600") == NULL);
    cli_result_free(&r);
    ASSERT_EQ(rmdir(id), 0);
    cli_write(id, img, len);
    ASSERT_EQ(chmod(id, 0640), 0);
    expect(&r, args, 0, 0, "had mode 0640, wider than 0600");
    ASSERT_EQ(cli_count(r.err, "wider than 0600"), 1);
    cli_result_free(&r);
    ASSERT_EQ(stat(id, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0600);
    free(img);
    cli_rmrf(dir);
    free(dir);
}

/* resume copies the identity beside the checkpoint into its directory
 * at 0600; a copy that others may read is named, and left as it is. */
TEST(loose_identity_beside_checkpoint_warned)
{
    char *dir = cli_tmpdir();
    const char *run[] = { "run", "--checkpoint-dir", dir,    "--ticks",
                          "1",   "--tick-interval",  "10ms", cli_probe("ok"),
                          NULL };
    const char *ckpt = cli_path(0, dir, "ok.checkpoint");
    const char *id = cli_path(1, dir, "ok.identity");
    char *there = cli_tmpdir();
    const char *resume[] = { "resume",
                             "--checkpoint",
                             ckpt,
                             "--wasm",
                             cli_probe("ok"),
                             "--checkpoint-dir",
                             there,
                             "--ticks",
                             "1",
                             "--tick-interval",
                             "10ms",
                             NULL };
    struct cli_result r;
    struct stat st;

    expect(&r, run, 0, 0, "final checkpoint committed");
    cli_result_free(&r);
    ASSERT_EQ(chmod(id, 0644), 0);
    expect(&r, resume, 0, 0, "has mode 0644");
    ASSERT_EQ(cli_count(r.err, "has mode 0644"), 1);
    cli_result_free(&r);
    ASSERT_EQ(stat(id, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0644);
    ASSERT_EQ(stat(cli_path(2, there, "ok.identity"), &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0600);
    cli_rmrf(there);
    cli_rmrf(dir);
    free(there);
    free(dir);
}
