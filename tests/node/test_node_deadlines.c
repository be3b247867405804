/* SPDX-License-Identifier: MIT */
/* Connection deadlines of a real node: a peer that stops in the middle
 * of a yamux frame, or of a Noise transport frame, is closed once the
 * frame deadline passes, with the reason logged, while others are
 * served. */
#define IG_TEST_MAIN
#include "test.h"

#include "hostile.h"
#include "util/err.h"

static void stall_after(const uint8_t *part, size_t n, int sealed)
{
    struct hnode node;
    struct hpeer bad;
    char key[32];

    hnode_start_with(&node, "--frame-timeout", "300ms");
    hpeer_connect(&bad, &node);
    ASSERT_OK(hpeer_noise(&bad, &node, 0));
    if (sealed)
        hpeer_send(&bad, part, n);
    else
        hpeer_send_raw(&bad, part, n);
    hpeer_log_key(&bad, key, sizeof(key));
    ASSERT_OK(hpeer_good_ping(&node));
    ASSERT_TRUE(hpeer_wait_closed(&bad, 5000));
    ASSERT_TRUE(hnode_log_has(&node, key, "frame stalled", 2000));
    hpeer_close(&bad);
    hnode_stop(&node);
}

TEST(yamux_header_stalled_midway)
{
    uint8_t h[12];

    ig_yamux_put_header(h, 0, 1, 1, 100);
    stall_after(h, 7, 1);
}

TEST(yamux_payload_stalled_midway)
{
    uint8_t f[12 + 40] = { 0 };

    ig_yamux_put_header(f, 0, 1, 1, 100);
    stall_after(f, sizeof(f), 1);
}

TEST(noise_frame_stalled_midway)
{
    /* A transport frame that announces 1000 bytes and brings 10. */
    uint8_t f[12] = { 0x03, 0xe8 };

    stall_after(f, sizeof(f), 0);
}

/* A quiet but complete connection is not a stalled one. */
TEST(idle_but_whole_is_kept)
{
    struct hnode node;
    struct hpeer quiet;

    hnode_start_with(&node, "--frame-timeout", "200ms");
    hpeer_connect(&quiet, &node);
    ASSERT_OK(hpeer_noise(&quiet, &node, 0));
    ASSERT_TRUE(!hpeer_wait_closed(&quiet, 800));
    hpeer_close(&quiet);
    hnode_stop(&node);
}
