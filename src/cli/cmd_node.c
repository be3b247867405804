/* SPDX-License-Identifier: MIT */
/* `igord node`: run the daemon (listen, optionally dial a peer) until
 * SIGINT or SIGTERM, and `igord id`: print the node's peer ID. */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/flags.h"
#include "node/node.h"
#include "util/err.h"
#include "util/log.h"

int ig_cmd_node(int argc, char **argv)
{
    struct ig_node_cfg cfg = { 0 };
    const char *listen = "/ip4/127.0.0.1/tcp/4001", *dial = NULL;
    const char *peer = NULL, *level = NULL;
    uint64_t hs_ns = 0, idle_ns = 0, frame_ns = 0;
    int echo = 0, late_mux = 0, npos, rc;
    char err[256] = "";
    struct ig_node *n;
    const struct ig_flag flags[] = {
        { "listen",
          'l',
          IG_FLAG_STRING,
          &listen,
          "ADDR",
          "/ip4/127.0.0.1/tcp/4001",
          "multiaddr to listen on (tcp/0: any port)" },
        { "data-dir",
          'd',
          IG_FLAG_STRING,
          &cfg.data_dir,
          "DIR",
          IG_NODE_DEFAULT_DATA_DIR,
          "where the node key is kept" },
        { "dial",
          0,
          IG_FLAG_STRING,
          &dial,
          "ADDR",
          NULL,
          "connect to this multiaddr at start" },
        { "peer", 0, IG_FLAG_STRING, &peer, "ADDR", NULL, "same as --dial" },
        { "test-echo",
          0,
          IG_FLAG_BOOL,
          &echo,
          NULL,
          NULL,
          "serve " IG_NODE_TEST_ECHO " (for interop tests)" },
        { "log-level",
          0,
          IG_FLAG_STRING,
          &level,
          "LEVEL",
          "info",
          "debug, info, warn or error" },
        { "handshake-timeout",
          0,
          IG_FLAG_DURATION,
          &hs_ns,
          "D",
          "10s",
          "close connections not secured and multiplexed by then" },
        { "idle-timeout",
          0,
          IG_FLAG_DURATION,
          &idle_ns,
          "D",
          "5m",
          "close connections without streams or traffic for this long" },
        { "frame-timeout",
          0,
          IG_FLAG_DURATION,
          &frame_ns,
          "D",
          "30s",
          "close connections that stop in the middle of a frame" },
        { "no-early-muxer",
          0,
          IG_FLAG_BOOL,
          &late_mux,
          NULL,
          NULL,
          "agree on yamux after the Noise handshake (for tests)" },
    };
    const struct ig_flags_spec spec = {
        "igord node [options]",
        "Run an igord node: a libp2p host (TCP, Noise, yamux) that logs its\n"
        "listen addresses as <addr>/p2p/<peer ID> and runs until SIGINT or\n"
        "SIGTERM.",
        flags,
        (int)(sizeof(flags) / sizeof(flags[0])),
        0,
        0
    };

    rc = ig_flags_parse(&spec, argc, argv, &npos);
    if (rc != 0)
        return rc > 0 ? IG_EXIT_OK : IG_EXIT_USAGE;
    if (level && ig_log_set_level_name(level) < 0) {
        ig_flags_error("unknown log level '%s'", level);
        return IG_EXIT_USAGE;
    }
    cfg.listen[cfg.nlisten++] = listen;
    if (dial)
        cfg.dial[cfg.ndial++] = dial;
    if (peer)
        cfg.dial[cfg.ndial++] = peer;
    cfg.test_echo = echo;
    cfg.no_early_muxer = late_mux;
    /* Durations come in ns; a nonzero value below 1 ms still counts. */
    cfg.handshake_ms = hs_ns ? (hs_ns + 999999) / 1000000 : 0;
    cfg.idle_ms = idle_ns ? (idle_ns + 999999) / 1000000 : 0;
    cfg.frame_ms = frame_ns ? (frame_ns + 999999) / 1000000 : 0;
    rc = ig_node_start(&cfg, &n, err, sizeof(err));
    if (rc < 0) {
        ig_error("node", "cannot start: %s", err[0] ? err : ig_strerror(rc));
        return IG_EXIT_FAIL;
    }
    rc = ig_node_run(n);
    ig_node_free(n);
    return rc < 0 ? IG_EXIT_FAIL : IG_EXIT_OK;
}

int ig_cmd_id(int argc, char **argv)
{
    const char *dir = NULL;
    struct ig_nodekey key;
    char err[256] = "", text[IG_PEERID_STRMAX];
    int npos, rc;
    const struct ig_flag flags[] = {
        { "data-dir",
          'd',
          IG_FLAG_STRING,
          &dir,
          "DIR",
          IG_NODE_DEFAULT_DATA_DIR,
          "where the node key is kept" },
    };
    const struct ig_flags_spec spec = {
        "igord id [--data-dir DIR]",
        "Print the node's peer ID, creating its key on first use.",
        flags,
        1,
        0,
        0
    };

    rc = ig_flags_parse(&spec, argc, argv, &npos);
    if (rc != 0)
        return rc > 0 ? IG_EXIT_OK : IG_EXIT_USAGE;
    rc = ig_node_load_key(dir, &key, NULL, err, sizeof(err));
    if (rc == 0)
        rc = ig_peerid_format(&key.id, text, sizeof(text));
    if (rc < 0) {
        ig_flags_error("node key: %s", err[0] ? err : ig_strerror(rc));
        return IG_EXIT_FAIL;
    }
    printf("%s\n", text);
    return IG_EXIT_OK;
}
