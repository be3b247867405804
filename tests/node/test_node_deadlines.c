/* SPDX-License-Identifier: MIT */
/* Deadlines of a real node: a peer that stops in the middle of a yamux
 * frame, or of a Noise transport frame, is closed once the frame
 * deadline passes, a stream left in multistream-select is reset at the
 * negotiation deadline, and a peer that answers no keepalive ping is
 * closed; the reason is logged, others are served. */
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

/* The frame deadline wakes the loop itself: with idle checks and
 * keepalive off nothing else would, and the stall is still closed at
 * the deadline rather than at some later event. */
TEST(frame_stall_closed_without_idle_checks)
{
    static const char *const args[] = {
        "--idle-timeout",  "0",     "--keepalive", "off",
        "--frame-timeout", "300ms", NULL
    };
    struct hnode node;
    struct hpeer bad;
    uint8_t h[12];
    char key[32];
    long t0;

    hnode_start_args(&node, args);
    hpeer_connect(&bad, &node);
    hpeer_log_key(&bad, key, sizeof(key));
    ASSERT_OK(hpeer_noise(&bad, &node, 0));
    ig_yamux_put_header(h, 0, 1, 1, 100);
    hpeer_send(&bad, h, 7);
    t0 = hnow_ms();
    /* Loose: the next thing that would wake the node is the 10 s
     * negotiation deadline of its identify stream. */
    ASSERT_TRUE(hpeer_wait_closed(&bad, 3000));
    ASSERT_TRUE(hnow_ms() - t0 >= 250);
    ASSERT_TRUE(hnode_log_has(&node, key, "frame stalled", 2000));
    ASSERT_OK(hpeer_good_ping(&node));
    hpeer_close(&bad);
    hnode_stop(&node);
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

/* Deadlines switched off are off: the node starts with "off" and "0",
 * serves peers, and leaves a stream in negotiation alone. */
TEST(deadlines_switched_off)
{
    static const char ms[] = "\x13/multistream/1.0.0\n\x11/ipfs/ping/1.0.0\n";
    static const char *const args[] = { "--negotiation-timeout",
                                        "off",
                                        "--frame-timeout",
                                        "0",
                                        "--idle-timeout",
                                        "off",
                                        NULL };
    static const uint32_t stalled[] = { 1 };
    struct hnode node;
    struct hpeer bad;

    hnode_start_args(&node, args);
    hpeer_connect(&bad, &node);
    ASSERT_OK(hpeer_noise(&bad, &node, 0));
    stall_stream(&bad, 1, ms, 20);
    ASSERT_OK(hpeer_good_ping(&node));
    ASSERT_TRUE(!hpeer_wait_resets(&bad, stalled, 1, 700));
    ASSERT_OK(hpeer_ping(&bad, 3));
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

/* A peer whose host vanished keeps its streams open and sends nothing:
 * after a keepalive interval of silence the node pings it, and when
 * nothing comes back within the keepalive timeout it closes the
 * connection, logs why, and goes on serving the others. */
TEST(keepalive_closes_silent_peer)
{
    static const char *const args[] = {
        "--keepalive", "400ms", "--keepalive-timeout", "400ms", NULL
    };
    struct hnode node;
    struct hpeer silent;
    char key[32];
    long t0;

    hnode_start_args(&node, args);
    hpeer_connect(&silent, &node);
    hpeer_log_key(&silent, key, sizeof(key));
    ASSERT_OK(hpeer_noise(&silent, &node, 0));
    ASSERT_OK(hpeer_ping(&silent, 1)); /* stream 1 stays open */
    t0 = hnow_ms();
    /* The first ping, at connection start, measures the round trip;
     * leaving it unanswered closes nothing. */
    ASSERT_EQ(silent.pings, 1);
    ASSERT_TRUE(silent.pings > 1 || hpeer_wait_ping(&silent, 5000));
    ASSERT_TRUE(hnow_ms() - t0 >= 200);
    ASSERT_OK(hpeer_good_ping(&node));
    /* Bytes are read but never answered; the stream alone would keep
     * the connection past the idle timeout. */
    ASSERT_TRUE(hpeer_wait_closed(&silent, 8000));
    ASSERT_TRUE(hnow_ms() - t0 >= 600);
    ASSERT_TRUE(hnode_log_has(
      &node, key, "keepalive: no answer in 400 ms (timed out)", 2000));
    ASSERT_OK(hpeer_good_ping(&node));
    hpeer_close(&silent);
    hnode_stop(&node);
}

/* Without a keepalive timeout the pings still go out, as NATs want
 * traffic, but a peer that answers none of them is not closed. */
TEST(keepalive_without_timeout_only_pings)
{
    static const char *const args[] = {
        "--keepalive", "200ms", "--keepalive-timeout", "off", NULL
    };
    struct hnode node;
    struct hpeer silent;
    uint32_t seen;

    hnode_start_args(&node, args);
    hpeer_connect(&silent, &node);
    ASSERT_OK(hpeer_noise(&silent, &node, 0));
    ASSERT_OK(hpeer_ping(&silent, 1));
    ASSERT_EQ(silent.pings, 1); /* the round-trip ping at start */
    ASSERT_TRUE(silent.pings > 1 || hpeer_wait_ping(&silent, 5000));
    ASSERT_TRUE(!hpeer_wait_closed(&silent, 1200));
    seen = silent.pings;
    ASSERT_OK(hpeer_ping(&silent, 3)); /* bytes again, so a ping again */
    ASSERT_TRUE(silent.pings > seen || hpeer_wait_ping(&silent, 5000));
    ASSERT_EQ(hnode_log_count(&node, "keepalive"), 0);
    hpeer_close(&silent);
    hnode_stop(&node);
}

/* A peer that answers every ping keeps its connection and its stream
 * through several keepalive rounds, and nothing is logged about it. */
TEST(keepalive_answered_keeps_connection)
{
    static const char *const args[] = {
        "--keepalive", "300ms", "--keepalive-timeout", "2s", NULL
    };
    struct hnode node;
    struct hpeer alive;
    uint32_t answered = 0;
    long t0;

    hnode_start_args(&node, args);
    hpeer_connect(&alive, &node);
    ASSERT_OK(hpeer_noise(&alive, &node, 0));
    ASSERT_OK(hpeer_ping(&alive, 1));
    t0 = hnow_ms();
    while (hnow_ms() - t0 < 2500) {
        if (alive.pings == answered)
            ASSERT_TRUE(hpeer_wait_ping(&alive, 3000));
        answered = alive.pings;
        hpeer_pong(&alive, alive.ping_last);
    }
    ASSERT_TRUE(alive.pings >= 3);
    ASSERT_OK(hpeer_ping(&alive, 3));
    ASSERT_EQ(hnode_log_count(&node, "keepalive"), 0);
    hpeer_close(&alive);
    hnode_stop(&node);
}

/* Keepalive traffic is not use: a peer without a stream that answers
 * every ping is still closed once the idle timeout has passed since its
 * last stream (here the node's identify stream, reset unanswered). */
TEST(idle_counts_from_last_stream_despite_keepalive)
{
    static const char *const args[] = {
        "--idle-timeout",
        "1s",
        "--keepalive",
        "200ms",
        "--keepalive-timeout",
        "2s",
        "--negotiation-timeout",
        "300ms",
        NULL,
    };
    struct hnode node;
    struct hpeer p;
    char key[32];
    long t0;

    hnode_start_args(&node, args);
    hpeer_connect(&p, &node);
    hpeer_log_key(&p, key, sizeof(key));
    ASSERT_OK(hpeer_noise(&p, &node, 0));
    t0 = hnow_ms();
    while (hnow_ms() - t0 < 8000 && hpeer_wait_ping(&p, 3000))
        hpeer_pong(&p, p.ping_last);
    ASSERT_TRUE(hpeer_wait_closed(&p, 100));
    ASSERT_TRUE(p.pings >= 2);
    ASSERT_TRUE(hnow_ms() - t0 >= 1200);
    ASSERT_TRUE(hnode_log_has(&node, key, "closed: idle", 2000));
    hpeer_close(&p);
    hnode_stop(&node);
}
