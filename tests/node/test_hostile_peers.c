/* SPDX-License-Identifier: MIT */
/* Hostile peers against a real igord node: each attack must close that
 * connection with a logged reason while the node keeps serving others
 * (checked by a good peer's ping afterwards). docs/hostile-peers.md
 * lists these tests. */
#define IG_TEST_MAIN
#include "test.h"

#include <unistd.h>

#include "hostile.h"
#include "util/err.h"

#define CLOSE_MS 3000

static struct hnode node;
static struct hpeer bad;

/* A log line for the connection with key naming code, by its symbol or
 * its message. */
static int logged(const char *key, int code, int ms)
{
    for (int waited = 0; waited <= ms; waited += 20) {
        if (hnode_log_has(&node, key, ig_err_name(code), 0) ||
            hnode_log_has(&node, key, ig_strerror(code), 0))
            return 1;
        usleep(20000);
    }
    return 0;
}

/* The node closed bad's connection, logged code for it, and still
 * serves a good peer. */
static void expect_dropped(int code)
{
    char key[32];

    hpeer_log_key(&bad, key, sizeof(key));
    ASSERT_TRUE(hpeer_wait_closed(&bad, CLOSE_MS));
    if (!logged(key, code, CLOSE_MS))
        IG_TEST_FAIL("no log line with '%s' and %s in %s",
                     key,
                     ig_err_name(code),
                     node.log);
    hpeer_close(&bad);
    ASSERT_OK(hpeer_good_ping(&node));
    hnode_stop(&node);
}

static void raw_attack(const void *bytes, size_t n, int code)
{
    hnode_start(&node);
    hpeer_connect(&bad, &node);
    hpeer_send_raw(&bad, bytes, n);
    expect_dropped(code);
}

TEST(good_peer_pings)
{
    hnode_start(&node);
    ASSERT_OK(hpeer_good_ping(&node));
    ASSERT_OK(hpeer_good_ping(&node));
    hnode_stop(&node);
}

TEST(multistream_line_without_newline)
{
    static const char m[] = "\x13/multistream/1.0.0\n\x06/noiseX";

    raw_attack(m, sizeof(m) - 1, IG_EMULTISTREAM);
}

TEST(multistream_wrong_header)
{
    static const char m[] = "\x13/multistream/9.9.9\n";

    raw_attack(m, sizeof(m) - 1, IG_EMULTISTREAM);
}

TEST(multistream_overlong_length)
{
    static const char m[] = "\x13/multistream/1.0.0\n\xff\xff\x7f";

    raw_attack(m, sizeof(m) - 1, IG_EMULTISTREAM);
}

TEST(multistream_endless_proposals)
{
    char m[1024];
    size_t n = 0;

    memcpy(m, "\x13/multistream/1.0.0\n", 20);
    n = 20;
    while (n + 4 < sizeof(m)) {
        memcpy(m + n, "\x03/x\n", 4);
        n += 4;
    }
    raw_attack(m, n, IG_ELIMIT);
}

TEST(noise_garbage_first_message)
{
    static const char m[] = "\x13/multistream/1.0.0\n\x07/noise\n"
                            "\x00\x0a"
                            "0123456789";

    raw_attack(m, sizeof(m) - 1, IG_ENOISE);
}

TEST(noise_tampered_third_message)
{
    hnode_start(&node);
    hpeer_connect(&bad, &node);
    ASSERT_OK(hpeer_noise(&bad, &node, 1));
    expect_dropped(IG_ENOISE);
}

TEST(noise_transport_frame_fails_to_decrypt)
{
    static const uint8_t junk[] = "\x00\x20"
                                  "abcdefghijklmnopqrstuvwxyz012345";

    hnode_start(&node);
    hpeer_connect(&bad, &node);
    ASSERT_OK(hpeer_noise(&bad, &node, 0));
    hpeer_send_raw(&bad, junk, sizeof(junk) - 1);
    expect_dropped(IG_EDECRYPT);
}

TEST(noise_largest_frame_of_garbage)
{
    static uint8_t frame[2 + IG_NOISE_MSG_MAX];

    memset(frame, 0xa5, sizeof(frame));
    frame[0] = 0xff;
    frame[1] = 0xff; /* 65535, the most the 2-byte length can say */
    hnode_start(&node);
    hpeer_connect(&bad, &node);
    ASSERT_OK(hpeer_noise(&bad, &node, 0));
    hpeer_send_raw(&bad, frame, sizeof(frame));
    expect_dropped(IG_EDECRYPT);
}

static void yamux_attack(uint8_t type,
                         uint16_t flags,
                         uint32_t id,
                         uint32_t len,
                         uint8_t version,
                         int code)
{
    uint8_t h[12];

    ig_yamux_put_header(h, type, flags, id, len);
    h[0] = version;
    hnode_start(&node);
    hpeer_connect(&bad, &node);
    ASSERT_OK(hpeer_noise(&bad, &node, 0));
    hpeer_send(&bad, h, sizeof(h));
    expect_dropped(code);
}

TEST(yamux_bad_version)
{
    yamux_attack(2, 1, 0, 7, 1, IG_EYAMUX);
}

TEST(yamux_bad_type)
{
    yamux_attack(9, 0, 1, 0, 0, IG_EYAMUX);
}

TEST(yamux_bad_flags)
{
    yamux_attack(1, 0x0100, 1, 0, 0, IG_EYAMUX);
}

TEST(yamux_stream_frame_on_session_id)
{
    yamux_attack(0, 1, 0, 0, 0, IG_EYAMUX);
}

TEST(yamux_length_beyond_window)
{
    yamux_attack(0, 1, 1, 16u << 20, 0, IG_EWINDOW);
}

/* Open a ping stream and send far more than the window without reading
 * the echo: once our own window stops the echo, the node stops giving
 * credit and the surplus is an overrun. */
TEST(yamux_window_overrun)
{
    static uint8_t frame[12 + 65536];
    static const char open[] = "\x13/multistream/1.0.0\n\x11/ipfs/ping/1.0.0\n";
    char key[32];

    hnode_start(&node);
    hpeer_connect(&bad, &node);
    ASSERT_OK(hpeer_noise(&bad, &node, 0));
    ig_yamux_put_header(frame, 0, 1, 1, sizeof(open) - 1);
    memcpy(frame + 12, open, sizeof(open) - 1);
    hpeer_send(&bad, frame, 12 + sizeof(open) - 1);
    memset(frame + 12, 0x5a, 65536);
    ig_yamux_put_header(frame, 0, 0, 1, 65536);
    hpeer_log_key(&bad, key, sizeof(key));
    for (int i = 0; i < 32 && !hnode_log_has(&node, key, "failed", 0); i++)
        hpeer_send(&bad, frame, sizeof(frame));
    expect_dropped(IG_EWINDOW);
}

/* Half-open connections and ones stalled inside a frame, all at once:
 * the good peer is served meanwhile, and the stalled ones are closed at
 * the handshake deadline. */
TEST(half_open_flood_and_mid_frame_stall)
{
    enum { FLOOD = 64 };
    static struct hpeer flood[FLOOD], stall_ms, stall_noise;
    static const char half_ms[] = "\x13/multistream/1.0.0\n\x07/noi";
    static const char half_noise[] = "\x13/multistream/1.0.0\n\x07/noise\n"
                                     "\x00\x20"
                                     "0123456789";
    char key[32];

    hnode_start(&node);
    for (int i = 0; i < FLOOD; i++)
        hpeer_connect(&flood[i], &node);
    hpeer_connect(&stall_ms, &node);
    hpeer_send_raw(&stall_ms, half_ms, sizeof(half_ms) - 1);
    hpeer_connect(&stall_noise, &node);
    hpeer_send_raw(&stall_noise, half_noise, sizeof(half_noise) - 1);
    ASSERT_OK(hpeer_good_ping(&node));
    ASSERT_TRUE(hpeer_wait_closed(&stall_noise, 15000));
    ASSERT_TRUE(hpeer_wait_closed(&stall_ms, 2000));
    hpeer_log_key(&stall_noise, key, sizeof(key));
    ASSERT_TRUE(logged(key, IG_ETIMEOUT, CLOSE_MS));
    for (int i = 0; i < FLOOD; i++) {
        ASSERT_TRUE(hpeer_wait_closed(&flood[i], 2000));
        hpeer_close(&flood[i]);
    }
    hpeer_close(&stall_ms);
    hpeer_close(&stall_noise);
    ASSERT_OK(hpeer_good_ping(&node));
    hnode_stop(&node);
}

/* Keep 1,000 silent connections open (far more than the 256 slots):
 * each newcomer evicts the oldest connection still in handshake, so a
 * good peer connects and pings while the flood is still connected, and
 * the evictions are logged at most about once a second. */
TEST(idle_flood_evicts_unauthenticated)
{
    enum { FLOOD = 1000 };
    static int flood[FLOOD];
    long start = hnow_ms(), lines;

    hnode_start(&node);
    for (int i = 0; i < FLOOD; i++)
        flood[i] = hconnect_raw(&node);
    usleep(1100000); /* past the log limit's second */
    ASSERT_OK(hpeer_good_ping(&node));
    ASSERT_TRUE(hnode_log_has(
      &node, "more evicted connections suppressed", NULL, CLOSE_MS));
    lines = hnode_log_count(&node, "evicted: connection slots full");
    ASSERT_TRUE(lines >= 1);
    ASSERT_TRUE(lines <= (hnow_ms() - start) / 1000 + 2);
    for (int i = 0; i < FLOOD; i++)
        close(flood[i]);
    hnode_stop(&node);
}

/* Every slot held by a peer through its handshake: nothing may be
 * evicted, so the newcomer is refused at accept, with a log line. */
TEST(full_of_authenticated_refuses_newcomer)
{
    enum { CAP = 256 };
    static int held[CAP];
    static struct hpeer p;

    hnode_start(&node);
    for (int i = 0; i < CAP; i++) {
        hpeer_connect(&p, &node);
        ASSERT_OK(hpeer_noise(&p, &node, 0));
        held[i] = dup(p.fd); /* keep the session's socket open */
        hpeer_close(&p);
    }
    p.fd = hconnect_raw(&node);
    p.rxlen = 0;
    ASSERT_TRUE(hpeer_wait_closed(&p, CLOSE_MS));
    ASSERT_TRUE(hnode_log_has(
      &node, "inbound connection refused", "past its handshake", CLOSE_MS));
    hpeer_close(&p);
    for (int i = 0; i < CAP; i++)
        close(held[i]);
    usleep(200000);
    ASSERT_OK(hpeer_good_ping(&node));
    hnode_stop(&node);
}
