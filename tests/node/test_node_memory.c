/* SPDX-License-Identifier: MIT */
/* Peers that make a real igord node hold their input: many streams
 * filled to the window and never read. The node's memory must stay
 * within its caps, the excess streams reset with a logged reason, and
 * a good peer served meanwhile. docs/hostile-peers.md lists these. */
#define IG_TEST_MAIN
#include "test.h"

#include <unistd.h>

#include "hostile.h"
#include "net/multistream.h"
#include "util/err.h"

#define KIB 1024L
#define MIB (1024L * 1024L)
#define LOG_MS 3000

#define CONNS 4
#define PINGS 32  /* ping streams per connection; 2 are allowed */
#define ECHOES 48 /* test-echo streams per connection, each 256 KiB */
#define CONN_CAP (2 * MIB)
#define HOST_CAP (5 * MIB)
/* The attacker's socket receive buffer: the node's echoes back up into
 * its own queues after a few KiB, as with a peer that never reads. */
#define RCVBUF 16384

static struct hnode node;
static struct hpeer bad[CONNS];

/* Stream ids: ping streams 1, 3, ..., then the echo streams. */
static uint32_t ping_id(int i)
{
    return 1u + 2u * (uint32_t)i;
}

static uint32_t echo_id(int i)
{
    return ping_id(PINGS + i);
}

static void start_node(void)
{
    static char conn_cap[32], host_cap[32];
    const char *args[] = { "--test-echo", "--max-conn-buffered",
                           conn_cap,      "--max-buffered",
                           host_cap,      NULL };

    snprintf(conn_cap, sizeof(conn_cap), "%ld", CONN_CAP);
    snprintf(host_cap, sizeof(host_cap), "%ld", HOST_CAP);
    hnode_start_args(&node, args);
}

/* Connection i: ping and echo streams, each given its whole window. */
static void flood(int i)
{
    hpeer_connect_rcvbuf(&bad[i], &node, RCVBUF);
    ASSERT_OK(hpeer_noise(&bad[i], &node, 0));
    for (int k = 0; k < PINGS; k++)
        hpeer_open_stream(
          &bad[i], ping_id(k), "/ipfs/ping/1.0.0", IG_YAMUX_INITIAL_WINDOW);
    for (int k = 0; k < ECHOES; k++)
        hpeer_open_stream(&bad[i],
                          echo_id(k),
                          "/igor/test-echo/1.0.0",
                          IG_YAMUX_INITIAL_WINDOW);
}

/* A log line for p's connection holding text. */
static int logged(const struct hpeer *p, const char *text)
{
    char key[32];

    hpeer_log_key(p, key, sizeof(key));
    return hnode_log_has(&node, key, text, LOG_MS);
}

/* Wait for the node's memory to stop growing; its peak in KiB. */
static long settled_peak(void)
{
    long last = -1, rss = hnode_mem_kib(&node, "VmRSS");

    for (int i = 0; i < 50 && rss != last; i++) {
        usleep(100000);
        last = rss;
        rss = hnode_mem_kib(&node, "VmRSS");
    }
    return hnode_mem_kib(&node, "VmHWM");
}

/*
 * The bound on what the attack may add to the node's resident memory:
 * the buffered input, at most the host cap, twice over because a
 * stream's queue doubles as it grows; per connection, the output queued
 * for the peer (yamux's 1 MiB soft mark plus the one 256 KiB frame
 * that may pass it, in a queue that doubles: 2 MiB; the socket queue
 * with its 256 KiB soft mark: 512 KiB), the socket read buffer (about
 * 320 KiB) and stream state (80 streams' multistream state, under 500
 * KiB); and 8 MiB for the allocator's slack. Without the caps the same
 * attack keeps about 80 MiB of input.
 */
static long bound_kib(void)
{
    return (2 * HOST_CAP + CONNS * (2 * MIB + 512 * KIB + 320 * KIB) +
            CONNS * 500 * KIB + 8 * MIB) /
           KIB;
}

TEST(stream_flood_without_reading_is_capped)
{
    long base, peak;

    start_node();
    base = hnode_mem_kib(&node, "VmRSS");
    ASSERT_TRUE(base > 0);
    /* Two connections reach their own cap, never the host's... */
    flood(0);
    flood(1);
    ASSERT_TRUE(logged(&bad[0], "over the limit of 2"));
    ASSERT_TRUE(
      hnode_log_has(&node, "unread input on this connection", NULL, LOG_MS));
    /* ...then, past the one-a-second log limit, two more find the host
     * nearly full. */
    usleep(1100000);
    flood(2);
    flood(3);
    ASSERT_TRUE(
      hnode_log_has(&node, "unread input on this host", NULL, LOG_MS));
    peak = settled_peak();
    fprintf(stderr,
            "node memory: %ld KiB at start, peak %ld KiB (bound +%ld)\n",
            base,
            peak,
            bound_kib());
#ifndef __SANITIZE_ADDRESS__
    /* ASan keeps freed memory in quarantine: only plain builds measure. */
    ASSERT_TRUE(peak - base < bound_kib());
#endif
    /* The node still serves others while the flood is held. */
    ASSERT_OK(hpeer_good_ping(&node));
    /* Every ping stream past 2 is reset once agreed (which 2 are kept
     * depends on timing: one of the first may meet a full host and be
     * reset for that, freeing its slot for a later one), and so is at
     * least one echo stream per connection. */
    for (int i = 0; i < CONNS; i++) {
        ASSERT_TRUE(hpeer_wait_resets_in(
          &bad[i], ping_id(0), ping_id(PINGS - 1), PINGS - 2, LOG_MS));
        ASSERT_TRUE(hpeer_wait_resets_in(
          &bad[i], echo_id(0), echo_id(ECHOES - 1), 1, LOG_MS));
    }
    for (int i = 0; i < CONNS; i++)
        hpeer_close(&bad[i]);
    ASSERT_OK(hpeer_good_ping(&node));
    hnode_stop(&node);
}

/* Streams of one protocol over its per-connection limit are reset as
 * soon as they are agreed, each one reported; the ones within it are
 * served, and a slot freed is taken again. */
TEST(ping_streams_over_limit_are_reset)
{
    static struct hpeer p;
    const uint32_t over[] = { 5, 7, 9 };

    hnode_start(&node);
    hpeer_connect(&p, &node);
    ASSERT_OK(hpeer_noise(&p, &node, 0));
    ASSERT_OK(hpeer_ping(&p, 1));
    ASSERT_OK(hpeer_ping(&p, 3));
    for (size_t i = 0; i < 3; i++)
        hpeer_open_stream(&p, over[i], "/ipfs/ping/1.0.0", 64);
    ASSERT_TRUE(hpeer_wait_resets(&p, over, 3, LOG_MS));
    ASSERT_TRUE(logged(&p, "inbound stream 5 (/ipfs/ping/1.0.0) over"));
    ASSERT_TRUE(logged(&p, ig_strerror(IG_ELIMIT)));
    /* Stream 1 ends both ways (the echo side closes after our FIN). */
    hpeer_fin(&p, 1);
    ASSERT_OK(hpeer_ping(&p, 11));
    ASSERT_TRUE(!hpeer_wait_resets_in(&p, 1, 3, 1, 0));
    ASSERT_TRUE(!hpeer_wait_resets_in(&p, 11, 11, 1, 0));
    hpeer_close(&p);
    ASSERT_OK(hpeer_good_ping(&node));
    hnode_stop(&node);
}

/* A stream that keeps proposing protocols the node does not serve
 * passes the negotiation input cap before any is agreed: it is reset,
 * and the connection goes on. */
TEST(negotiation_input_over_cap_is_reset)
{
    static struct hpeer p;
    static uint8_t frame[12 + 8192];
    const uint32_t id[] = { 1 };
    char name[1000];
    size_t n = 12;
    int k;

    memset(name, 'x', sizeof(name) - 1);
    name[0] = '/';
    name[sizeof(name) - 1] = '\0';
    k = ig_ms_frame(IG_MS_HEADER, frame + n, sizeof(frame) - n);
    ASSERT_TRUE(k > 0);
    n += (size_t)k;
    for (int i = 0; i < 6; i++) {
        k = ig_ms_frame(name, frame + n, sizeof(frame) - n);
        ASSERT_TRUE(k > 0);
        n += (size_t)k;
    }
    ig_yamux_put_header(frame, 0, IG_YAMUX_SYN, 1, (uint32_t)(n - 12));
    hnode_start(&node);
    hpeer_connect(&p, &node);
    ASSERT_OK(hpeer_noise(&p, &node, 0));
    hpeer_send(&p, frame, n);
    ASSERT_TRUE(hpeer_wait_resets(&p, id, 1, LOG_MS));
    ASSERT_TRUE(logged(&p, "inbound stream 1 sent over 4096 bytes before"));
    ASSERT_OK(hpeer_ping(&p, 3));
    hpeer_close(&p);
    ASSERT_OK(hpeer_good_ping(&node));
    hnode_stop(&node);
}
