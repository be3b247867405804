/* SPDX-License-Identifier: MIT */
/* The libp2p ping protocol (/ipfs/ping/1.0.0): the echo service every
 * host runs, and a client that measures round trips. */
#ifndef IG_NET_PING_H
#define IG_NET_PING_H

#include <stdint.h>

#include "net/host.h"

#define IG_PING_PROTOCOL "/ipfs/ping/1.0.0"
#define IG_PING_LEN 32

struct ig_ping;

/* Echoes every byte back and closes after the peer does: the ping
 * service, and any echo protocol a test wants. */
extern const struct ig_stream_handler ig_ping_echo_handler;

/* Serve ping on h (done by ig_host_new). Returns 0 or a registry error. */
int ig_ping_register(struct ig_host *h);

/*
 * Called once per round trip with status 0 and its time in nanoseconds,
 * or once with a negative status when the stream fails or the echo is
 * wrong (IG_EFORMAT); after a failure, or after the last round, the
 * client is gone.
 */
typedef void (*ig_ping_fn)(void *ud, int status, uint64_t rtt_ns);

/*
 * Ping the peer of c count times (0: until ig_ping_stop), interval_ms
 * apart, on one stream. Returns 0 and *out (may be NULL; valid until the
 * last callback), or an error from ig_stream_open / -ENOMEM.
 */
int ig_ping_start(struct ig_conn *c,
                  uint32_t count,
                  uint64_t interval_ms,
                  ig_ping_fn fn,
                  void *ud,
                  struct ig_ping **out);

/* Stop pinging and close the stream; no callback follows. */
void ig_ping_stop(struct ig_ping *p);

#endif
