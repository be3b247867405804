/* SPDX-License-Identifier: MIT */
/* The ceiling for one stream on this machine: one loopback TCP
 * connection between two processes carrying Noise-sized frames, sealed
 * with libsodium's ChaCha20-Poly1305 or left plain, and nothing else. */
#ifndef IG_BENCH_TCP_BASELINE_H
#define IG_BENCH_TCP_BASELINE_H

#include <stddef.h>

struct tcp_baseline {
    double secs;   /* wall time from the first send to the receiver's end */
    double tx_cpu; /* sender's CPU seconds */
    double rx_cpu; /* receiver's CPU seconds */
};

/* Send `total` payload bytes from this process to a forked receiver in
 * frames of up to 65519 bytes, each with a 2-byte length and a 16-byte
 * tag as in libp2p's Noise transport. With `seal` the sender encrypts
 * every frame and the receiver decrypts and checks it in place; without,
 * the tag bytes travel as they are. Returns 0, or -1 when a socket, the
 * fork or a tag failed. */
int tcp_baseline_run(size_t total, int seal, struct tcp_baseline *out);

#endif
