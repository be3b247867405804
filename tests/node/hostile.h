/* SPDX-License-Identifier: MIT */
/* A scripted libp2p peer for tests: runs a real igord node process and
 * talks to it over TCP with blocking sockets, well-behaved or hostile. */
#ifndef IG_TESTS_HOSTILE_H
#define IG_TESTS_HOSTILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "net/noise.h"
#include "net/peerid.h"
#include "net/yamux.h"

#define HNODE_MAX_ARGS 8

/* A running `igord node` on 127.0.0.1 with its log in a temp dir. */
struct hnode {
    pid_t pid;
    int port;
    char dir[64];
    char log[128];
    struct ig_peerid id;
    const char *xargs[HNODE_MAX_ARGS + 1]; /* extra options, NULL-ended */
};

/* A client connection: the socket, its Noise session once secured,
 * and what arrived but was not used yet. */
struct hpeer {
    int fd;
    struct ig_noise *nz;
    struct ig_nodekey key;
    uint8_t rx[1 << 17];
    size_t rxlen;
    uint8_t pt[1 << 18];
    size_t ptlen;
    uint32_t resets[1024]; /* ids of the streams the node reset */
    size_t nresets;
    uint32_t skip;      /* payload bytes of a data frame still to drop */
    uint32_t pings;     /* yamux pings (SYN) the node sent */
    uint32_t ping_last; /* the opaque value of the last one */
};

/* Start and stop the node; stop fails the test if it crashed. */
void hnode_start(struct hnode *n);
/* Start it with one extra option, such as "--frame-timeout" "300ms". */
void hnode_start_with(struct hnode *n, const char *flag, const char *value);
/* Start it with extra arguments, a NULL-ended list of at most
 * HNODE_MAX_ARGS ("--keepalive", "300ms", NULL). */
void hnode_start_args(struct hnode *n, const char *const *args);
void hnode_stop(struct hnode *n);

/* 1 when the node's log gains a line holding both needles within ms. */
int hnode_log_has(const struct hnode *n, const char *a, const char *b, int ms);

/* How many lines of the node's log hold needle. */
long hnode_log_count(const struct hnode *n, const char *needle);

/* Milliseconds on a monotonic clock. */
long hnow_ms(void);

/* A plain TCP connection to the node that sends nothing; the fd. */
int hconnect_raw(const struct hnode *n);

/* The node's memory figure field ("VmRSS", "VmHWM") in KiB, or -1. */
long hnode_mem_kib(const struct hnode *n, const char *field);

/* Log line key for a connection: "/tcp/<local port of fd> ". */
void hpeer_log_key(const struct hpeer *p, char *out, size_t outlen);

/* Connect to the node; plain TCP. */
void hpeer_connect(struct hpeer *p, const struct hnode *n);

/* Connect with a socket receive buffer of rcvbuf bytes, so that the
 * node's output to a peer that does not read backs up early. */
void hpeer_connect_rcvbuf(struct hpeer *p, const struct hnode *n, int rcvbuf);
void hpeer_close(struct hpeer *p);

/* Send raw bytes (before or instead of Noise). */
void hpeer_send_raw(struct hpeer *p, const void *d, size_t n);

/* 1 when the node closes the connection within ms (data is drained). */
int hpeer_wait_closed(struct hpeer *p, int ms);

/* Agree on proto with multistream-select; 0 or an error. */
int hpeer_select(struct hpeer *p, const char *proto);

/*
 * Run the Noise handshake as initiator (offering yamux early). With
 * corrupt_msg3 set, one bit of message 3 is flipped before it is sent.
 * Returns 0 or an error.
 */
int hpeer_noise(struct hpeer *p, const struct hnode *n, int corrupt_msg3);

/* Seal and send plaintext (after hpeer_noise). */
void hpeer_send(struct hpeer *p, const void *d, size_t n);

/* Open yamux stream id (odd, new) on a secured connection, agree on
 * /ipfs/ping/1.0.0 and get 32 bytes echoed. Returns 0 when served. */
int hpeer_ping(struct hpeer *p, uint32_t id);

/* Open yamux stream id, propose proto and send data after it, total
 * bytes in all (the proposal included; at most the initial window),
 * reading nothing. */
void hpeer_open_stream(struct hpeer *p,
                       uint32_t id,
                       const char *proto,
                       size_t total);

/* Half-close stream id (FIN). */
void hpeer_fin(struct hpeer *p, uint32_t id);

/* 1 when the node has reset every one of the n streams in ids within ms
 * (resets seen earlier on p count; the first 1024 are kept). */
int hpeer_wait_resets(struct hpeer *p, const uint32_t *ids, size_t n, int ms);

/* 1 when the node has reset at least n streams with ids in lo..hi within
 * ms (resets seen earlier on p count). */
int hpeer_wait_resets_in(struct hpeer *p,
                         uint32_t lo,
                         uint32_t hi,
                         size_t n,
                         int ms);

/* 1 when the node sends p a yamux ping within ms (pings seen earlier on
 * p do not count); its value is then in p->ping_last. */
int hpeer_wait_ping(struct hpeer *p, int ms);

/* Answer a ping of the node's: a ping ACK with its opaque value. */
void hpeer_pong(struct hpeer *p, uint32_t opaque);

/* ---- the scripted peer as the listener, for igord as the dialer ---- */

/* A socket listening on 127.0.0.1 at a port the kernel picks; the fd,
 * and the port in *port. */
int hlisten(int *port);

/*
 * Accept one connection on lfd into p (with a fresh key), agree on
 * /noise and run the Noise handshake as the responder, offering the
 * nmux muxers in mux. Returns 0 or an error.
 */
int hpeer_accept(struct hpeer *p, int lfd, const char *const *mux, size_t nmux);

/*
 * Wait for the dialer to open a stream proposing proto and agree on it.
 * Returns the stream id (> 0), or -1 on timeout or EOF. What the dialer
 * sent past the proposal is dropped.
 */
long hpeer_accept_stream(struct hpeer *p, const char *proto);

/* Send one yamux frame: header, then n bytes of d (only for data). */
void hpeer_frame(struct hpeer *p,
                 uint8_t type,
                 uint16_t flags,
                 uint32_t id,
                 uint32_t len,
                 const void *d,
                 size_t n);

/* A whole good session: connect, negotiate, open a ping stream and get
 * 32 bytes echoed. Returns 0 when the node served it. */
int hpeer_good_ping(const struct hnode *n);

#endif
