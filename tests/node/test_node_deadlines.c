/* SPDX-License-Identifier: MIT */
/* Deadlines of a real node: a peer that stops in the middle of a yamux
 * frame, or of a Noise transport frame, is closed once the frame
 * deadline passes, and a stream left in multistream-select is reset at
 * the negotiation deadline; the reason is logged, others are served. */
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

/* Open stream id with a SYN carrying the first n bytes of multistream,
 * then say nothing more on it. */
static void stall_stream(struct hpeer *p, uint32_t id, const char *ms, size_t n)
{
    uint8_t f[12 + 64];

    ig_yamux_put_header(f, n ? 0 : 1, 1, id, n ? (uint32_t)n : 0);
    memcpy(f + 12, ms, n);
    hpeer_send(p, f, 12 + n);
}

/* A peer through its handshake opens streams and stalls inside
 * multistream-select on each: at the deadline the node resets them and
 * logs why, while that connection, its negotiated streams and another
 * peer keep working. */
TEST(stream_stalled_in_negotiation_is_reset)
{
    static const char ms[] = "\x13/multistream/1.0.0\n\x11/ipfs/ping/1.0.0\n";
    static const uint32_t stalled[] = { 1, 3, 5 }, good[] = { 7 };
    struct hnode node;
    struct hpeer bad;
    char key[32];
    long t0;

    hnode_start_with(&node, "--negotiation-timeout", "500ms");
    hpeer_connect(&bad, &node);
    hpeer_log_key(&bad, key, sizeof(key));
    ASSERT_OK(hpeer_noise(&bad, &node, 0));
    t0 = hnow_ms();
    stall_stream(&bad, 1, ms, 0);      /* not a byte of multistream */
    stall_stream(&bad, 3, ms, 20);     /* the header, no proposal */
    stall_stream(&bad, 5, ms, 20 + 9); /* half a proposal */
    ASSERT_OK(hpeer_good_ping(&node));
    ASSERT_TRUE(!hpeer_wait_resets(&bad, stalled, 3, 150));
    ASSERT_TRUE(hpeer_wait_resets(&bad, stalled, 3, 5000));
    ASSERT_TRUE(hnow_ms() - t0 >= 500);
    ASSERT_TRUE(hnode_log_has(&node, key, "negotiation", 2000));
    /* Negotiated in time, then quiet: kept past the deadline. */
    ASSERT_OK(hpeer_ping(&bad, 7));
    ASSERT_TRUE(!hpeer_wait_resets(&bad, good, 1, 800));
    ASSERT_OK(hpeer_ping(&bad, 9));
    ASSERT_OK(hpeer_good_ping(&node));
    hpeer_close(&bad);
    hnode_stop(&node);
}

/* The node's own stream counts too: its identify stream to a peer that
 * never answers is reset at the deadline and identify reports why. */
TEST(own_stream_unanswered_is_reset)
{
    static const uint32_t identify[] = { 2 }; /* the node's first stream */
    struct hnode node;
    struct hpeer quiet;
    char id[IG_PEERID_STRMAX], line[IG_PEERID_STRMAX + 32];
    long t0 = hnow_ms();

    hnode_start_with(&node, "--negotiation-timeout", "300ms");
    hpeer_connect(&quiet, &node);
    ASSERT_OK(hpeer_noise(&quiet, &node, 0));
    ASSERT_TRUE(hpeer_wait_resets(&quiet, identify, 1, 5000));
    ASSERT_TRUE(hnow_ms() - t0 >= 300);
    ASSERT_TRUE(ig_peerid_format(&quiet.key.id, id, sizeof(id)) > 0);
    snprintf(line, sizeof(line), "identify of %s failed", id);
    ASSERT_TRUE(hnode_log_has(&node, line, "timed out", 2000));
    ASSERT_OK(hpeer_ping(&quiet, 1));
    hpeer_close(&quiet);
    hnode_stop(&node);
}
