/* SPDX-License-Identifier: MIT */
/* Every row of docs/bad-input.md: igord given a bad wasm, manifest,
 * checkpoint, agent ID or a misbehaving agent answers with a clear
 * message and a non-zero exit, never crashes, and never changes a
 * committed file. */
#define IG_TEST_MAIN
#include "test.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_util.h"

#define T_RUN 20000

/* Run igord; it must end by itself with status code (not a signal),
 * print msg on stderr and leave dir exactly as it was. */
static void expect_refusal(const char *dir,
                           const char *const *args,
                           int code,
                           const char *msg)
{
    char *before = cli_snapshot(dir), *after;
    struct cli_result r;

    cli_run(&r, T_RUN, args);
    after = cli_snapshot(dir);
    if (r.signo != 0 || r.code != code || !strstr(r.err, msg))
        IG_TEST_FAIL("want exit %d and \"%s\"; got exit %d signal %d, "
                     "stderr:\n%s",
                     code,
                     msg,
                     r.code,
                     r.signo,
                     r.err);
    ASSERT_STR_CONTAINS(r.err, "igord: ");
    ASSERT_STR_EQ(after, before);
    if (getenv("IG_TEST_SHOW")) /* what docs/bad-input.md quotes */
        printf(
          "%s: exit %d: %s", ig_test_current, r.code, strstr(r.err, "igord: "));
    free(before);
    free(after);
    cli_result_free(&r);
}

/* A checkpoint dir holding a committed probe agent after two ticks. */
static char *committed_dir(const char *variant)
{
    char *dir = cli_tmpdir();
    const char *args[] = { "run", "--checkpoint-dir", dir,    "--ticks",
                           "2",   "--tick-interval",  "10ms", "--agent-id",
                           "p",   cli_probe(variant), NULL };
    struct cli_result r;

    cli_run(&r, T_RUN, args);
    if (r.code != 0)
        IG_TEST_FAIL("setup run failed (%d):\n%s", r.code, r.err);
    cli_result_free(&r);
    return dir;
}

static void run_wasm_file(const char *dir,
                          const char *wasm,
                          int code,
                          const char *msg)
{
    /* A new agent q beside the committed p: its wasm is loaded from
     * scratch, and p's files must stay as they are. */
    const char *args[] = { "run", "--checkpoint-dir", dir,  "--agent-id",
                           "q",   "--manifest",       NULL, wasm,
                           NULL };
    char man[1024];

    snprintf(man,
             sizeof(man),
             "%s/tests/cli/agents/probe.manifest.json",
             IG_SOURCE_DIR);
    args[6] = man;
    expect_refusal(dir, args, code, msg);
}

TEST(truncated_wasm)
{
    char *dir = committed_dir("ok");
    char *work = cli_tmpdir();
    size_t len, cuts[] = { 0, 1, 4, 7, 9, 100, 0, 0 };
    char *wasm = cli_read(cli_probe("ok"), &len);
    const char *bad = cli_path(5, work, "bad.wasm");

    cuts[6] = len / 2;
    cuts[7] = len - 1;
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        cli_write(bad, wasm, cuts[i]);
        run_wasm_file(dir, bad, 1, "not a loadable wasm module");
    }
    /* Magic and version alone are a valid empty module: it has none of
     * the ABI's exports. */
    cli_write(bad, wasm, 8);
    run_wasm_file(dir, bad, 1, "does not export function agent_init");
    free(wasm);
    cli_rmrf(dir);
    cli_rmrf(work);
    free(dir);
    free(work);
}

TEST(garbled_wasm)
{
    char *dir = committed_dir("ok");
    char *work = cli_tmpdir();
    size_t len;
    char *wasm = cli_read(cli_probe("ok"), &len);
    const char *bad = cli_path(5, work, "bad.wasm");
    uint32_t x = 12345;

    cli_write(bad, "\0asm\2\0\0\0", 8);
    run_wasm_file(dir, bad, 1, "not a loadable wasm module");
    cli_write(bad, "not wasm at all", 15);
    run_wasm_file(dir, bad, 1, "not a loadable wasm module");
    /* Scribble over the code: the module must fail to load, or load and
     * then fail cleanly; either way no crash and no file changed. */
    for (int round = 0; round < 4; round++) {
        char *copy = malloc(len);

        memcpy(copy, wasm, len);
        for (int k = 0; k < 64; k++) {
            x = x * 1103515245u + 12345u;
            copy[len / 4 + (x >> 8) % (len / 2)] ^= (char)(x >> 24 | 1);
        }
        cli_write(bad, copy, len);
        free(copy);
        run_wasm_file(dir, bad, 1, "igord: ");
    }
    free(wasm);
    cli_rmrf(dir);
    cli_rmrf(work);
    free(dir);
    free(work);
}

TEST(ungranted_capability)
{
    char *dir = cli_tmpdir();
    const char *args[] = {
        "run", "--checkpoint-dir", dir, cli_probe("ungranted"), NULL
    };

    expect_refusal(dir, args, 1, "igor.rand_bytes");
    ASSERT_TRUE(!cli_exists(cli_path(0, dir, "ungranted.identity")));
    cli_rmrf(dir);
    free(dir);
}

TEST(checkpoint_truncated_at_every_offset)
{
    char *dir = committed_dir("ok"), *work = cli_tmpdir();
    size_t len;
    char *ck = cli_read(cli_path(0, dir, "p.checkpoint"), &len);
    const char *trunc = cli_path(1, work, "p.checkpoint");
    const char *args[] = { "resume", "--checkpoint",  trunc,
                           "--wasm", cli_probe("ok"), "--checkpoint-dir",
                           dir,      "--agent-id",    "p",
                           NULL };

    ASSERT_EQ(len, 209 + 16);
    for (size_t cut = 0; cut < len; cut++) {
        cli_write(trunc, ck, cut);
        expect_refusal(dir, args, 1, cut < 209 ? "checkpoint" : "signature");
    }
    free(ck);
    cli_rmrf(dir);
    cli_rmrf(work);
    free(dir);
    free(work);
}

TEST(corrupt_current_checkpoint_is_not_overwritten)
{
    char *dir = committed_dir("ok");
    size_t len;
    char *ck = cli_read(cli_path(0, dir, "p.checkpoint"), &len);
    const char *args[] = { "run", "--checkpoint-dir", dir, "--agent-id",
                           "p",   cli_probe("ok"),    NULL };

    cli_write(cli_path(0, dir, "p.checkpoint"), ck, 100);
    expect_refusal(dir, args, 1, "too short");
    free(ck);
    cli_rmrf(dir);
    free(dir);
}

TEST(wrong_wasm_hash)
{
    char *dir = committed_dir("ok");
    const char *args[] = { "run", "--checkpoint-dir", dir, "--agent-id",
                           "p",   cli_probe("spin"),  NULL };

    expect_refusal(dir, args, 1, "different wasm");
    cli_rmrf(dir);
    free(dir);
}

TEST(flipped_signature_byte)
{
    char *dir = committed_dir("ok");
    size_t len;
    char *ck = cli_read(cli_path(0, dir, "p.checkpoint"), &len);
    const char *args[] = { "run", "--checkpoint-dir", dir, "--agent-id",
                           "p",   cli_probe("ok"),    NULL };
    const char *insp[] = { "inspect", cli_path(0, dir, "p.checkpoint"), NULL };
    struct cli_result r;

    ck[145 + 10] ^= 0x01;
    cli_write(cli_path(0, dir, "p.checkpoint"), ck, len);
    expect_refusal(dir, args, 1, "signature does not verify");
    cli_run(&r, T_RUN, insp);
    ASSERT_EQ(r.code, 1);
    ASSERT_STR_CONTAINS(r.out, "INVALID");
    cli_result_free(&r);
    /* A flipped state byte breaks the same signature. */
    ck[145 + 10] ^= 0x01;
    ck[len - 1] ^= 0x80;
    cli_write(cli_path(0, dir, "p.checkpoint"), ck, len);
    expect_refusal(dir, args, 1, "signature does not verify");
    free(ck);
    cli_rmrf(dir);
    free(dir);
}

TEST(identity_of_another_agent)
{
    char *dir = committed_dir("ok"), *other = committed_dir("ok");
    size_t len;
    char *id = cli_read(cli_path(0, other, "p.identity"), &len);
    const char *args[] = { "run", "--checkpoint-dir", dir, "--agent-id",
                           "p",   cli_probe("ok"),    NULL };

    cli_write(cli_path(1, dir, "p.identity"), id, len);
    expect_refusal(dir, args, 1, "not the key that signed");
    unlink(cli_path(1, dir, "p.identity"));
    expect_refusal(dir, args, 1, "no identity file");
    free(id);
    cli_rmrf(dir);
    cli_rmrf(other);
    free(dir);
    free(other);
}

TEST(bad_manifest_json)
{
    char *dir = cli_tmpdir(), *work = cli_tmpdir();
    const char *man = cli_path(1, work, "m.json");
    const char *args[] = { "run", "--checkpoint-dir", dir, "--manifest",
                           man,   cli_probe("ok"),    NULL };
    static const char *const bad[] = {
        "{",
        "{\"capabilities\": {\"clock\": {\"version\": 0}}}",
        "{\"capabilities\": {\"teleport\": {\"version\": 1}}}",
        "{\"capabilities\": []}",
        "[1, 2",
        "{\"resource_limits\": {\"max_memory_bytes\": 134217728}}",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cli_write(man, bad[i], strlen(bad[i]));
        expect_refusal(dir, args, 1, "manifest");
    }
    unlink(man);
    expect_refusal(dir, args, 1, "m.json");
    cli_rmrf(dir);
    cli_rmrf(work);
    free(dir);
    free(work);
}

TEST(bad_agent_ids)
{
    char *dir = cli_tmpdir();
    char long_id[301];
    const char *ids[] = { "../x", "a/b", "", long_id, ".hidden", "a b" };
    const char *args[] = { "run", "--checkpoint-dir", dir, "--agent-id",
                           NULL,  cli_probe("ok"),    NULL };

    memset(long_id, 'a', 300);
    long_id[300] = '\0';
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        args[4] = ids[i];
        expect_refusal(dir, args, 2, "agent ID");
    }
    cli_rmrf(dir);
    free(dir);
}

TEST(checkpoint_ptr_out_of_bounds)
{
    char *dir = cli_tmpdir();
    const char *args[] = { "run", "--checkpoint-dir",   dir, "--ticks",
                           "1",   cli_probe("bad_ptr"), NULL };

    expect_refusal(dir, args, 1, "agent_checkpoint_ptr returned");
    cli_rmrf(dir);
    free(dir);
}

TEST(memory_growth_past_cap)
{
    char *dir = cli_tmpdir(), *work = cli_tmpdir();
    const char *man = cli_path(1, work, "m.json");
    const char *dflt[] = { "run",  "--checkpoint-dir", dir, "--tick-interval",
                           "10ms", cli_probe("grow"),  NULL };
    const char *capped[] = {
        "run",  "--checkpoint-dir", dir, "--manifest", man, "--tick-interval",
        "10ms", cli_probe("grow"),  NULL
    };
    static const char small[] =
      "{\"capabilities\": {\"clock\": {\"version\": 1}, "
      "\"log\": {\"version\": 1}}, "
      "\"resource_limits\": {\"max_memory_bytes\": 4194304}}";
    static const char tiny[] =
      "{\"capabilities\": {\"clock\": {\"version\": 1}, "
      "\"log\": {\"version\": 1}}, "
      "\"resource_limits\": {\"max_memory_bytes\": 65536}}";

    /* The host refuses growth at the cap (64 MiB, or the manifest's
     * smaller one); the agent then gives up with a trap. */
    expect_refusal(dir, dflt, 4, "probe: grew to 1024 pages");
    cli_write(man, small, strlen(small));
    expect_refusal(dir, capped, 4, "probe: grew to 64 pages");
    /* A cap below what the module declares it needs: refused at load. */
    cli_write(man, tiny, strlen(tiny));
    expect_refusal(dir, capped, 1, "cannot instantiate: memory 0 of 2 pages");
    cli_rmrf(dir);
    cli_rmrf(work);
    free(dir);
    free(work);
}

TEST(infinite_loop_hits_tick_timeout)
{
    char *dir = cli_tmpdir();
    const char *args[] = { "run",   "--checkpoint-dir",
                           dir,     "--tick-timeout",
                           "200ms", "--tick-interval",
                           "10ms",  cli_probe("spin"),
                           NULL };

    expect_refusal(dir, args, 4, "ran past its 200 ms limit");
    cli_rmrf(dir);
    free(dir);
}

TEST(deep_recursion)
{
    char *dir = cli_tmpdir();
    const char *args[] = { "run",  "--checkpoint-dir",   dir, "--tick-interval",
                           "10ms", cli_probe("recurse"), NULL };

    expect_refusal(dir, args, 4, "call stack exhausted");
    cli_rmrf(dir);
    free(dir);
}

TEST(trap_in_agent_init)
{
    char *dir = cli_tmpdir();
    const char *args[] = {
        "run", "--checkpoint-dir", dir, cli_probe("init_trap"), NULL
    };

    expect_refusal(dir, args, 1, "agent_init: trap: unreachable");
    cli_rmrf(dir);
    free(dir);
}

TEST(malloc_returns_zero_on_resume)
{
    char *dir = committed_dir("null_malloc");
    const char *args[] = { "run", "--checkpoint-dir",       dir, "--agent-id",
                           "p",   cli_probe("null_malloc"), NULL };

    expect_refusal(dir, args, 1, "malloc(16) returned 0");
    cli_rmrf(dir);
    free(dir);
}

TEST(abi_violations_name_the_export)
{
    char *dir = cli_tmpdir();
    const char *sig[] = {
        "run", "--checkpoint-dir", dir, cli_probe("tick_sig"), NULL
    };
    const char *missing[] = {
        "run", "--checkpoint-dir", dir, cli_probe("no_tick"), NULL
    };

    expect_refusal(dir, sig, 1, "export agent_tick has the wrong signature");
    expect_refusal(dir, missing, 1, "does not export function agent_tick");
    cli_rmrf(dir);
    free(dir);
}

TEST(usage_errors_exit_2)
{
    char *dir = cli_tmpdir();
    const char *unknown[] = { "run", "--bogus", "x.wasm", NULL };
    const char *budget[] = { "run", "--checkpoint-dir", dir, "--budget",
                             "-1",  cli_probe("ok"),    NULL };
    const char *digits[] = { "run",       "--checkpoint-dir", dir, "--budget",
                             "0.0000001", cli_probe("ok"),    NULL };
    const char *dur[] = { "run", "--tick-interval", "soon", "x.wasm", NULL };
    const char *resume[] = { "resume", "--wasm", "x.wasm", NULL };

    expect_refusal(dir, unknown, 2, "unknown option '--bogus'");
    expect_refusal(dir, budget, 2, "--budget -1");
    expect_refusal(dir, digits, 2, "--budget 0.0000001");
    expect_refusal(dir, dur, 2, "bad duration");
    expect_refusal(dir, resume, 2, "needs --checkpoint and --wasm");
    cli_rmrf(dir);
    free(dir);
}

TEST(resume_without_the_identity_file)
{
    char *a = committed_dir("ok"), *b = cli_tmpdir(), *lone = cli_tmpdir();
    size_t len;
    char *ck = cli_read(cli_path(0, a, "p.checkpoint"), &len);
    const char *args[] = { "resume", "--checkpoint",  NULL,
                           "--wasm", cli_probe("ok"), "--checkpoint-dir",
                           b,        "--agent-id",    "p",
                           NULL };

    /* Only the checkpoint was copied: igord must not mint a new key. */
    cli_write(cli_path(1, lone, "p.checkpoint"), ck, len);
    args[2] = cli_path(1, lone, "p.checkpoint");
    expect_refusal(b, args, 1, "has a checkpoint but no identity file");
    ASSERT_TRUE(!cli_exists(cli_path(2, b, "p.identity")));
    free(ck);
    cli_rmrf(a);
    cli_rmrf(b);
    cli_rmrf(lone);
    free(a);
    free(b);
    free(lone);
}
