/* SPDX-License-Identifier: MIT */
/* The SDK agents under the real igord: run on one "machine", stop with
 * SIGINT, carry the checkpoint and identity to another, resume there,
 * and verify the merged history. The liquidation agent must notice the
 * downtime in between. */
#define IG_TEST_MAIN
#include "test.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_util.h"

#define T_WAIT 20000
#define FAST "--tick-interval", "50ms", "--checkpoint-interval", "200ms"

static char wasm_buf[512];

static const char *agent_wasm(const char *name)
{
    snprintf(wasm_buf,
             sizeof(wasm_buf),
             "%s/agents/%s/agent.wasm",
             IG_BINARY_DIR,
             name);
    return wasm_buf;
}

static char *join(const char *dir, const char *rel)
{
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = malloc(n);

    snprintf(p, n, "%s/%s", dir, rel);
    return p;
}

/* Let p print needle, then stop it with SIGINT; returns its output. */
static void stop_after(struct cli_proc *p,
                       const char *needle,
                       struct cli_result *r)
{
    if (cli_wait_for(p, needle, T_WAIT) < 0) {
        cli_wait(p, T_WAIT, r);
        IG_TEST_FAIL(
          "no \"%s\"; stdout:\n%s\nstderr:\n%s", needle, r->out, r->err);
    }
    kill(p->pid, SIGINT);
    cli_wait(p, T_WAIT, r);
    ASSERT_EQ(r->code, 0);
}

/* The "Agent DID:" value inspect prints for a checkpoint (malloc'd). */
static char *inspect_did(const char *ckpt)
{
    const char *args[] = { "inspect", ckpt, NULL };
    struct cli_result r;
    char *did, *end;
    const char *t;

    cli_run(&r, T_WAIT, args);
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_CONTAINS(r.out, "Signature:        VALID");
    t = strstr(r.out, "Agent DID:");
    ASSERT_TRUE(t != NULL);
    t += strlen("Agent DID:");
    while (*t == ' ')
        t++;
    did = strdup(t);
    end = strchr(did, '\n');
    if (end)
        *end = '\0';
    cli_result_free(&r);
    return did;
}

/* Copy the agent's checkpoint and identity from machine a to b. */
static void carry(const char *a, const char *b, const char *id)
{
    static const char *const ext[] = { ".checkpoint", ".identity" };

    for (int i = 0; i < 2; i++) {
        char rel[256], *from, *to, *data;
        size_t len;

        snprintf(rel, sizeof(rel), "%s%s", id, ext[i]);
        from = join(a, rel);
        to = join(b, rel);
        data = cli_read(from, &len);
        ASSERT_TRUE(len > 0);
        cli_write(to, data, len);
        ASSERT_OK(chmod(to, 0600));
        free(data);
        free(from);
        free(to);
    }
}

static void verify_both(const char *a, const char *b, const char *id)
{
    char rel[256];
    char *ha, *hb;
    struct cli_result r;

    snprintf(rel, sizeof(rel), "history/%s", id);
    ha = join(a, rel);
    hb = join(b, rel);
    {
        const char *args[] = { "verify", ha, hb, NULL };

        cli_run(&r, T_WAIT, args);
    }
    if (r.code != 0)
        IG_TEST_FAIL("verify failed:\n%s%s", r.out, r.err);
    ASSERT_STR_CONTAINS(r.out, "Lineage:        VALID");
    cli_result_free(&r);
    free(ha);
    free(hb);
}

TEST(heartbeat_moves_between_machines)
{
    char *a = cli_tmpdir(), *b = cli_tmpdir(), *ck, *did_a, *did_b;
    const char *run[] = { "run", "--checkpoint-dir",      a,
                          FAST,  agent_wasm("heartbeat"), NULL };
    const char *resume[] = { "resume", "--checkpoint",     NULL, "--wasm", NULL,
                             FAST,     "--checkpoint-dir", b,    NULL };
    struct cli_proc p;
    struct cli_result r;

    cli_spawn(&p, run);
    stop_after(&p, "[heartbeat] tick=3 ", &r);
    cli_result_free(&r);
    ck = join(a, "heartbeat.checkpoint");
    did_a = inspect_did(ck);
    free(ck);
    carry(a, b, "heartbeat");
    ck = join(b, "heartbeat.checkpoint");
    resume[2] = ck;
    resume[4] = agent_wasm("heartbeat");
    cli_spawn(&p, resume);
    /* It goes on counting where it stopped, at least two ticks later. */
    stop_after(&p, "milestone: 10 ticks", &r);
    ASSERT_EQ(cli_count(r.out, "[heartbeat] tick=1 ") +
                cli_count(r.err, "[heartbeat] tick=1 "),
              0);
    cli_result_free(&r);
    did_b = inspect_did(ck);
    ASSERT_STR_EQ(did_b, did_a);
    verify_both(a, b, "heartbeat");
    cli_rmrf(a);
    cli_rmrf(b);
}

TEST(liquidation_notices_downtime)
{
    char *a = cli_tmpdir(), *b = cli_tmpdir(), *ck, *did_a, *did_b;
    const char *run[] = { "run", "--checkpoint-dir",        a,
                          FAST,  agent_wasm("liquidation"), NULL };
    const char *resume[] = { "resume", "--checkpoint",     NULL, "--wasm", NULL,
                             FAST,     "--checkpoint-dir", b,    NULL };
    struct cli_proc p;
    struct cli_result r;

    cli_spawn(&p, run);
    stop_after(&p, "slot 1 price", &r);
    cli_result_free(&r);
    ck = join(a, "liquidation.checkpoint");
    did_a = inspect_did(ck);
    free(ck);
    /* Down for three seconds: at least two slots go by unseen. */
    sleep(3);
    carry(a, b, "liquidation");
    ck = join(b, "liquidation.checkpoint");
    resume[2] = ck;
    resume[4] = agent_wasm("liquidation");
    cli_spawn(&p, resume);
    stop_after(&p, "(live)", &r);
    {
        const char *all = strstr(r.out, "GAP DETECTED") ? r.out : r.err;

        ASSERT_STR_CONTAINS(all, "GAP DETECTED");
        ASSERT_STR_CONTAINS(all, "(catch-up)");
        ASSERT_STR_CONTAINS(all, "caught up on");
    }
    cli_result_free(&r);
    did_b = inspect_did(ck);
    ASSERT_STR_EQ(did_b, did_a);
    verify_both(a, b, "liquidation");
    cli_rmrf(a);
    cli_rmrf(b);
}
