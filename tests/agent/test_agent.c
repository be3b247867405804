/* SPDX-License-Identifier: MIT */
/* The agent runtime in process: per-agent stores (one agent's trap does
 * not reach another), the commit rules, and resume from a blob. */
#define IG_TEST_MAIN
#include "test.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "agent/agent.h"
#include "store/atomic.h"
#include "store/ckpt.h"
#include "store/identity.h"
#include "store/storage.h"
#include "util/err.h"

static const char manifest[] =
  "{\"capabilities\": {\"clock\": {\"version\": 1}, "
  "\"log\": {\"version\": 1}}}";

struct fixture {
    char dir[256];
    struct ig_store *store;
    struct ig_identity ident;
};

static void setup(struct fixture *f)
{
    snprintf(f->dir, sizeof(f->dir), "/tmp/igord-agent-XXXXXX");
    ASSERT_TRUE(mkdtemp(f->dir) != NULL);
    ASSERT_OK(ig_store_open(f->dir, IG_STORE_NOSYNC, &f->store, NULL, 0));
    ASSERT_OK(ig_identity_generate(&f->ident));
}

static int rm_one(const char *path,
                  const struct stat *st,
                  int flag,
                  struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void teardown(struct fixture *f)
{
    ig_store_close(f->store);
    ig_identity_wipe(&f->ident);
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static struct ig_agent *load(struct fixture *f,
                             const char *variant,
                             const char *id)
{
    char path[512], err[256] = "";
    uint8_t *wasm = NULL;
    size_t len = 0;
    struct ig_agent *a = NULL;
    struct ig_agent_opts o = {
        .id = id,
        .store = f->store,
        .manifest = manifest,
        .manifest_len = sizeof(manifest) - 1,
        .budget = 1000000,
        .price = 1000,
    };
    int rc;

    snprintf(path,
             sizeof(path),
             "%s/tests/cli/agents/%s/agent.wasm",
             IG_BINARY_DIR,
             variant);
    ASSERT_OK(ig_atomic_read(path, 1 << 26, &wasm, &len, NULL, 0));
    o.wasm = wasm;
    o.wasm_len = len;
    rc = ig_agent_new(&o, &a, err, sizeof(err));
    if (rc != 0)
        IG_TEST_FAIL("load %s: %s", variant, err);
    free(wasm);
    return a;
}

TEST(trap_in_one_agent_leaves_the_other_running)
{
    struct fixture f;
    struct ig_agent *good, *bad;
    struct ig_agent_tick_report r;
    char err[256];
    int wrote;

    setup(&f);
    good = load(&f, "ok", "good");
    bad = load(&f, "recurse", "bad");
    ASSERT_OK(ig_agent_start(good, &f.ident, NULL, 0, err, sizeof(err)));
    ASSERT_OK(ig_agent_start(bad, &f.ident, NULL, 0, err, sizeof(err)));
    ASSERT_OK(ig_agent_tick(good, &r, err, sizeof(err)));
    ASSERT_EQ(ig_agent_tick(bad, &r, err, sizeof(err)), IG_ETRAP_STACK);
    ASSERT_EQ(r.trap, IG_ETRAP_STACK);
    ASSERT_OK(ig_agent_tick(good, &r, err, sizeof(err)));
    ASSERT_EQ(r.tick, 2);
    ASSERT_EQ(r.observations, 2);
    ASSERT_TRUE(r.fuel > 0);
    ASSERT_OK(ig_agent_checkpoint(good, &wrote, err, sizeof(err)));
    ASSERT_EQ(wrote, 1);
    /* Nothing new since: no second write. */
    ASSERT_OK(ig_agent_checkpoint(good, &wrote, err, sizeof(err)));
    ASSERT_EQ(wrote, 0);
    /* The trapped agent is never committed. */
    ASSERT_EQ(ig_agent_checkpoint(bad, &wrote, err, sizeof(err)), IG_ESTATE);
    ASSERT_EQ(ig_agent_tick(bad, &r, err, sizeof(err)), IG_ESTATE);
    ig_agent_free(good);
    ig_agent_free(bad);
    teardown(&f);
}

TEST(resume_continues_the_chain)
{
    struct fixture f;
    struct ig_agent *a, *b;
    struct ig_agent_tick_report r;
    struct ig_ckpt ck;
    uint8_t *blob = NULL, prev[32];
    size_t len = 0;
    char err[256];
    int wrote;

    setup(&f);
    a = load(&f, "ok", "p");
    ASSERT_OK(ig_agent_start(a, &f.ident, NULL, 0, err, sizeof(err)));
    for (int i = 0; i < 3; i++)
        ASSERT_OK(ig_agent_tick(a, &r, err, sizeof(err)));
    ASSERT_OK(ig_agent_checkpoint(a, &wrote, err, sizeof(err)));
    ig_agent_free(a);
    ASSERT_OK(ig_store_load_checkpoint(f.store, "p", &blob, &len, NULL, 0));
    ASSERT_OK(ig_ckpt_parse(blob, len, &ck, NULL, 0));
    ASSERT_EQ(ck.tick, 3);
    ASSERT_EQ(ck.state_len, 16);
    ASSERT_TRUE(ck.budget <= 1000000 && ck.budget >= 0);
    ig_ckpt_content_hash(blob, len, prev);

    b = load(&f, "ok", "p");
    ASSERT_OK(ig_agent_start(b, &f.ident, blob, len, err, sizeof(err)));
    ASSERT_EQ(ig_agent_tick_number(b), 3);
    ASSERT_OK(ig_agent_tick(b, &r, err, sizeof(err)));
    ASSERT_EQ(r.tick, 4);
    ASSERT_OK(ig_agent_checkpoint(b, &wrote, err, sizeof(err)));
    free(blob);
    ASSERT_OK(ig_store_load_checkpoint(f.store, "p", &blob, &len, NULL, 0));
    ASSERT_OK(ig_ckpt_parse(blob, len, &ck, NULL, 0));
    ASSERT_EQ(ck.tick, 4);
    ASSERT_MEM_EQ(ck.prev_hash, prev, 32);
    /* The probe's state counts its ticks: 4, carried across. */
    ASSERT_EQ(ck.state[0], 4);
    free(blob);
    ig_agent_free(b);
    teardown(&f);
}

TEST(resume_refuses_another_key)
{
    struct fixture f;
    struct ig_identity other;
    struct ig_agent *a, *b;
    struct ig_agent_tick_report r;
    uint8_t *blob = NULL;
    size_t len = 0;
    char err[256] = "";
    int wrote;

    setup(&f);
    a = load(&f, "ok", "p");
    ASSERT_OK(ig_agent_start(a, &f.ident, NULL, 0, err, sizeof(err)));
    ASSERT_OK(ig_agent_tick(a, &r, err, sizeof(err)));
    ASSERT_OK(ig_agent_checkpoint(a, &wrote, err, sizeof(err)));
    ig_agent_free(a);
    ASSERT_OK(ig_store_load_checkpoint(f.store, "p", &blob, &len, NULL, 0));
    ASSERT_OK(ig_identity_generate(&other));
    b = load(&f, "ok", "p");
    ASSERT_EQ(ig_agent_start(b, &other, blob, len, err, sizeof(err)),
              IG_EKEY_MISMATCH);
    ASSERT_STR_CONTAINS(err, "not the key that signed");
    free(blob);
    ig_agent_free(b);
    teardown(&f);
}
