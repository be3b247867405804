/* SPDX-License-Identifier: MIT */
/* The igord daemon's network side: the node key in its data directory,
 * a libp2p host listening and dialing, and its logging. */
#ifndef IG_NODE_NODE_H
#define IG_NODE_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "net/host.h"

#define IG_NODE_DEFAULT_DATA_DIR "./igord-data"
#define IG_NODE_MAX_ADDRS 8
#define IG_NODE_TEST_ECHO "/igor/test-echo/1.0.0"

struct ig_node_cfg {
    const char *data_dir;                  /* NULL: the default */
    const char *listen[IG_NODE_MAX_ADDRS]; /* multiaddr text */
    size_t nlisten;
    const char *dial[IG_NODE_MAX_ADDRS]; /* peers to connect at start */
    size_t ndial;
    int test_echo;      /* serve IG_NODE_TEST_ECHO (interop tests) */
    int no_early_muxer; /* negotiate yamux after Noise, not inside it */
    /* Connection and stream negotiation deadlines and the keepalive
     * (interval and answer timeout) in ms; 0 keeps the host's default,
     * IG_NODE_OFF turns that one off (not the handshake's: the node
     * then fails to start with -EINVAL). */
    uint64_t handshake_ms, idle_ms, frame_ms, negotiate_ms;
    uint64_t keepalive_ms, keepalive_timeout_ms;
    /* Caps on unread stream input, host-wide and per connection, in
     * bytes; 0 keeps the host's default. */
    size_t max_buffered, max_conn_buffered;
};

/* A deadline or interval of struct ig_node_cfg that is switched off. */
#define IG_NODE_OFF UINT64_MAX

struct ig_node;

/*
 * Load or create the node key in data_dir (created 0700 if missing; the
 * key file is 0600), then print its peer ID into out. Returns 0 or an
 * error, with detail in err.
 */
int ig_node_load_key(const char *data_dir,
                     struct ig_nodekey *key,
                     int *created,
                     char *err,
                     size_t errlen);

/*
 * Start a node: key, host, listeners, dials. Returns 0 and *out, or an
 * error with detail in err (nothing is left running).
 */
int ig_node_start(const struct ig_node_cfg *cfg,
                  struct ig_node **out,
                  char *err,
                  size_t errlen);

/* The node's host, for protocols to register on. */
struct ig_host *ig_node_host(struct ig_node *n);

/*
 * Run until SIGINT or SIGTERM (installed here), then close every
 * connection. Returns 0 or a loop error.
 */
int ig_node_run(struct ig_node *n);

/* Free the node (after ig_node_run, or instead of it). */
void ig_node_free(struct ig_node *n);

#endif
