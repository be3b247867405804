/* SPDX-License-Identifier: MIT */
/* `igord node`: run the daemon (listen, optionally dial peers) until
 * SIGINT or SIGTERM, and `igord id`: print the node's peer ID. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/addr.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "net/multiaddr.h"
#include "node/node.h"
#include "util/err.h"
#include "util/log.h"

#define DEFAULT_LISTEN "/ip4/127.0.0.1/tcp/4001"

/* The options of `igord node`, filled by the parser. */
static struct {
    const char *listen_v[IG_NODE_MAX_ADDRS], *dial_v[IG_NODE_MAX_ADDRS];
    struct ig_flag_list listen, dial; /* --dial and --peer share one */
    const char *level, *data_dir;
    uint64_t handshake_ns, idle_ns, frame_ns, negotiate_ns;
    uint64_t keepalive_ns, keepalive_timeout_ns;
    uint64_t max_buffered, max_conn_buffered;
    int echo, late_mux;
} opt = {
    .listen = { opt.listen_v, IG_NODE_MAX_ADDRS, 0, "addresses" },
    .dial = { opt.dial_v, IG_NODE_MAX_ADDRS, 0, "addresses" },
};

static const struct ig_flag node_flags[] = {
    { "listen",
      'l',
      IG_FLAG_LIST,
      &opt.listen,
      "ADDR",
      DEFAULT_LISTEN,
      "multiaddr to listen on; tcp/0 picks a port" },
    { "data-dir",
      'd',
      IG_FLAG_STRING,
      &opt.data_dir,
      "DIR",
      IG_NODE_DEFAULT_DATA_DIR,
      "where the node key is kept" },
    { "dial",
      0,
      IG_FLAG_LIST,
      &opt.dial,
      "ADDR",
      NULL,
      "connect to this multiaddr at start" },
    { "peer", 0, IG_FLAG_LIST, &opt.dial, "ADDR", NULL, "same as --dial" },
    { "test-echo",
      0,
      IG_FLAG_BOOL,
      &opt.echo,
      NULL,
      NULL,
      "serve " IG_NODE_TEST_ECHO " (for interop tests)" },
    { "log-level",
      0,
      IG_FLAG_STRING,
      &opt.level,
      "LEVEL",
      "info",
      "debug, info, warn or error" },
    { "handshake-timeout",
      0,
      IG_FLAG_DURATION,
      &opt.handshake_ns,
      "D",
      "10s",
      "close connections not secured and multiplexed by then; cannot be "
      "off, or a dial to a peer that never answers would wait forever" },
    { "idle-timeout",
      0,
      IG_FLAG_DURATION_OFF,
      &opt.idle_ns,
      "D",
      "5m",
      "close connections without a stream for this long (0 or off: never)" },
    { "frame-timeout",
      0,
      IG_FLAG_DURATION_OFF,
      &opt.frame_ns,
      "D",
      "30s",
      "close connections that stop in the middle of a frame (0 or off: "
      "never)" },
    { "negotiation-timeout",
      0,
      IG_FLAG_DURATION_OFF,
      &opt.negotiate_ns,
      "D",
      "10s",
      "reset streams whose protocol is not agreed by then (0 or off: "
      "never)" },
    { "keepalive",
      0,
      IG_FLAG_DURATION_OFF,
      &opt.keepalive_ns,
      "D",
      "30s",
      "ping a peer that has sent nothing for this long (0 or off: never)" },
    { "keepalive-timeout",
      0,
      IG_FLAG_DURATION_OFF,
      &opt.keepalive_timeout_ns,
      "D",
      "10s",
      "close a connection that sends nothing this long after a ping "
      "(0 or off: never)" },
    { "max-buffered",
      0,
      IG_FLAG_UINT,
      &opt.max_buffered,
      "N",
      "268435456",
      "bytes of unread stream input the node holds in all; a stream that "
      "would pass it is reset" },
    { "max-conn-buffered",
      0,
      IG_FLAG_UINT,
      &opt.max_conn_buffered,
      "N",
      "33554432",
      "the same cap per connection" },
    { "no-early-muxer",
      0,
      IG_FLAG_BOOL,
      &opt.late_mux,
      NULL,
      NULL,
      "agree on yamux after the Noise handshake (for tests)" },
};

static const struct ig_flags_spec node_spec = {
    "igord node [options]",
    "Run an igord node: a libp2p host (TCP, Noise, yamux) that logs its\n"
    "listen addresses as <addr>/p2p/<peer ID> and runs until SIGINT or\n"
    "SIGTERM. --listen and --dial may be repeated (--peer counts as\n"
    "--dial); a node listens on and dials every address given.\n"
    "\n"
    "Exit status: 0 when stopped by SIGINT or SIGTERM, 1 when it cannot\n"
    "start (or its loop fails), 2 on bad usage.",
    node_flags,
    (int)(sizeof(node_flags) / sizeof(node_flags[0])),
    0,
    0
};

/* A duration option as a node setting: 0 (unset) keeps the default. */
static uint64_t ns_to_ms(uint64_t ns)
{
    return ns == IG_FLAG_OFF ? IG_NODE_OFF : ig_flags_ms(ns);
}

/* A byte count for a size_t field; past its range means no cap. */
static size_t clamp_size(uint64_t v)
{
    return v > SIZE_MAX ? SIZE_MAX : (size_t)v;
}

static void node_cfg(struct ig_node_cfg *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->data_dir = opt.data_dir;
    for (size_t i = 0; i < opt.listen.n; i++)
        cfg->listen[cfg->nlisten++] = opt.listen_v[i];
    if (!cfg->nlisten)
        cfg->listen[cfg->nlisten++] = DEFAULT_LISTEN;
    for (size_t i = 0; i < opt.dial.n; i++)
        cfg->dial[cfg->ndial++] = opt.dial_v[i];
    cfg->test_echo = opt.echo;
    cfg->no_early_muxer = opt.late_mux;
    cfg->handshake_ms = ns_to_ms(opt.handshake_ns);
    cfg->idle_ms = ns_to_ms(opt.idle_ns);
    cfg->frame_ms = ns_to_ms(opt.frame_ns);
    cfg->negotiate_ms = ns_to_ms(opt.negotiate_ns);
    cfg->keepalive_ms = ns_to_ms(opt.keepalive_ns);
    cfg->keepalive_timeout_ms = ns_to_ms(opt.keepalive_timeout_ns);
    cfg->max_buffered = clamp_size(opt.max_buffered);
    cfg->max_conn_buffered = clamp_size(opt.max_conn_buffered);
}

/* A listen address ending in /p2p must name this node: its key is read,
 * never made (a new key could not be the one named). */
static int check_own_id(const char *addr, const struct ig_peerid *want)
{
    const char *dir = opt.data_dir ? opt.data_dir : IG_NODE_DEFAULT_DATA_DIR;
    char path[PATH_MAX], err[256] = "", text[IG_PEERID_STRMAX] = "?";
    struct ig_nodekey key;
    int rc;

    snprintf(path, sizeof(path), "%s/%s", dir, IG_NODEKEY_FILE);
    rc = ig_nodekey_load(path, &key, err, sizeof(err));
    if (rc == -ENOENT) {
        ig_flags_error("--listen %s: names a peer, but %s has no node key "
                       "yet (a new key would not be that peer)",
                       addr,
                       dir);
        return IG_EUSAGE;
    }
    if (rc < 0) {
        ig_flags_error("node key: %s", err[0] ? err : ig_strerror(rc));
        return rc;
    }
    if (!ig_peerid_matches(want, key.pk)) {
        (void)ig_peerid_format(&key.id, text, sizeof(text));
        ig_flags_error(
          "--listen %s: names another peer; this node is %s", addr, text);
        rc = IG_EUSAGE;
    }
    return rc;
}

static int check_addrs(void)
{
    struct ig_multiaddr ma;
    struct ig_peerid want;
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < opt.dial.n; i++)
        rc = ig_cli_tcp_addr("--dial", opt.dial_v[i], &ma);
    for (size_t i = 0; rc == 0 && i < opt.listen.n; i++) {
        rc = ig_cli_tcp_addr("--listen", opt.listen_v[i], &ma);
        if (rc == 0 && ig_multiaddr_peer(&ma, &want) == 0)
            rc = check_own_id(opt.listen_v[i], &want);
    }
    return rc;
}

int ig_cmd_node(int argc, char **argv)
{
    struct ig_node_cfg cfg;
    char err[256] = "";
    struct ig_node *n;
    int npos, rc = ig_flags_parse(&node_spec, argc, argv, &npos);

    if (rc != 0)
        return rc > 0 ? IG_EXIT_OK : IG_EXIT_USAGE;
    if (opt.level && ig_log_set_level_name(opt.level) < 0) {
        ig_flags_error("unknown log level '%s'", opt.level);
        return IG_EXIT_USAGE;
    }
    rc = check_addrs();
    if (rc == IG_EUSAGE)
        return IG_EXIT_USAGE;
    if (rc < 0)
        return IG_EXIT_FAIL;
    node_cfg(&cfg);
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
