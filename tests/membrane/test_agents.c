/* SPDX-License-Identifier: MIT */
/* The project's own SDK agents through the membrane: found beside their
 * manifests, linked under exactly what those grant, ticked live, and each
 * tick replayed from its pre-state to the same post-state. */
#define IG_TEST_MAIN
#include "test.h"

#include <stdlib.h>

#include "guest.h"
#include "membrane/replay.h"
#include "util/err.h"

static struct capture cap;

static struct ig_membrane_config config(int mode)
{
    struct ig_membrane_config c = {
        .mode = mode,
        .user = &cap,
        .log = capture_log,
    };

    return c;
}

/* Open an agent from its wasm path, with its sidecar manifest. */
static void open_agent(struct guest *g, const char *wasm, int mode)
{
    struct ig_membrane_config c = config(mode);
    struct ig_manifest man;
    uint8_t *data = NULL;
    uint32_t pages = 0;
    size_t len = 0;
    char err[256];

    ASSERT_OK(ig_manifest_read(wasm, NULL, &data, &len, err, sizeof(err)));
    ASSERT_TRUE(len > 2); /* a real manifest, not the empty one */
    ASSERT_OK(ig_manifest_parse(data, len, &man, err, sizeof(err)));
    ASSERT_OK(
      ig_manifest_check_node(&man, IG_CAP_IMPLEMENTED, err, sizeof(err)));
    ASSERT_OK(ig_manifest_memory_pages(&man, 0, &pages, err, sizeof(err)));
    ig_manifest_free(&man);
    if (guest_open_file(g, wasm, data, len, &c, pages) != 0)
        IG_TEST_FAIL("%s: %s", wasm, g->err);
    free(data);
}

/* Run three live ticks; replay each from its pre-state and log. */
static void live_then_replay(const char *wasm)
{
    struct guest_state pre[3], post[3], got;
    uint8_t *logs[3];
    size_t loglen[3];
    struct guest g, r;
    char err[128];

    memset(&cap, 0, sizeof(cap));
    open_agent(&g, wasm, IG_MEMBRANE_LIVE);
    ASSERT_OK(guest_call(&g, "agent_init", NULL, 0, NULL, 0));
    for (int t = 0; t < 3; t++) {
        const ig_eventlog_t *el = ig_membrane_eventlog(g.mb);

        guest_capture(&g, &pre[t]);
        ASSERT_OK(ig_membrane_tick_begin(g.mb, (uint64_t)t + 1));
        ASSERT_OK(guest_tick(&g));
        ig_membrane_tick_end(g.mb);
        guest_capture(&g, &post[t]);
        ASSERT_TRUE(ig_eventlog_count(el) > 0);
        loglen[t] = ig_eventlog_serialized_size(el);
        logs[t] = malloc(loglen[t]);
        ASSERT_OK(ig_eventlog_serialize(el, logs[t], loglen[t]));
    }
    ASSERT_TRUE(cap.n > 0); /* the agents log every tick */
    guest_close(&g);

    for (int t = 2; t >= 0; t--) {
        const uint8_t *p = logs[t];
        ig_eventlog_t *log = NULL;

        ASSERT_OK(ig_eventlog_new(0, &log));
        ASSERT_OK(ig_eventlog_parse(log, &p, p + loglen[t], err, 128));
        open_agent(&r, wasm, IG_MEMBRANE_REPLAY);
        guest_resume(&r, &pre[t]);
        ASSERT_OK(ig_replay_begin(r.mb, log));
        if (guest_tick(&r) != 0)
            IG_TEST_FAIL("tick %d: %s", t + 1, ig_membrane_last_error(r.mb));
        ASSERT_OK(ig_replay_end(r.mb, err, sizeof(err)));
        guest_capture(&r, &got);
        ASSERT_EQ(
          ig_replay_first_diff(post[t].bytes, post[t].len, got.bytes, got.len),
          -1);
        guest_close(&r);
        ig_eventlog_free(log);
        free(logs[t]);
    }
}

TEST(heartbeat)
{
    live_then_replay(IG_AGENT_HEARTBEAT_WASM);
}

TEST(survivor)
{
    live_then_replay(IG_AGENT_SURVIVOR_WASM);
}

TEST(liquidation)
{
    live_then_replay(IG_AGENT_LIQUIDATION_WASM);
}
