/* SPDX-License-Identifier: MIT */
/* Multiaddrs: /ip4 /ip6 /tcp /p2p (and a few more names for printing
 * what peers report), in text and binary form, with bounded lengths. */
#ifndef IG_NET_MULTIADDR_H
#define IG_NET_MULTIADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "net/peerid.h"

/* Longest binary multiaddr we hold, and longest text form plus NUL. */
#define IG_MULTIADDR_MAX 160
#define IG_MULTIADDR_STRMAX 1024

/* Protocol codes from the multicodec table. */
enum ig_ma_code {
    IG_MA_IP4 = 4,
    IG_MA_TCP = 6,
    IG_MA_IP6 = 41,
    IG_MA_DNS = 53,
    IG_MA_DNS4 = 54,
    IG_MA_DNS6 = 55,
    IG_MA_UDP = 273,
    IG_MA_P2P_CIRCUIT = 290,
    IG_MA_P2P = 421,
    IG_MA_QUIC_V1 = 461,
    IG_MA_WS = 477,
    IG_MA_WSS = 478,
};

/* A validated multiaddr in binary form (the canonical representation). */
struct ig_multiaddr {
    size_t len;
    uint8_t bytes[IG_MULTIADDR_MAX];
};

/* One component: its code and value bytes (borrowed from the multiaddr;
 * for /p2p and /dns* the value excludes the length prefix). */
struct ig_ma_part {
    uint64_t code;
    const uint8_t *value;
    size_t len;
};

/*
 * Parse the text form ("/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...") of at
 * most IG_MULTIADDR_STRMAX - 1 characters. Returns 0 or IG_EMULTIADDR
 * with the reason in err (unknown protocol, bad address or port, too
 * long, missing value).
 */
int ig_multiaddr_parse(const char *s,
                       struct ig_multiaddr *ma,
                       char *err,
                       size_t errlen);

/* Validate and copy a binary multiaddr. Returns 0 or IG_EMULTIADDR. */
int ig_multiaddr_from_bytes(const uint8_t *buf,
                            size_t len,
                            struct ig_multiaddr *ma,
                            char *err,
                            size_t errlen);

/* Print ma in text form; returns the length, or -ENOSPC. */
int ig_multiaddr_format(const struct ig_multiaddr *ma,
                        char *out,
                        size_t outlen);

/*
 * Iterate components: start with *off = 0. Returns 1 with *part filled,
 * 0 at the end. ma must have been validated (parse or from_bytes).
 */
int ig_multiaddr_next(const struct ig_multiaddr *ma,
                      size_t *off,
                      struct ig_ma_part *part);

/*
 * The TCP endpoint of ma: its leading /ip4 or /ip6 then /tcp, as a
 * sockaddr_in or sockaddr_in6 in *ss. Returns 0 or IG_EUNSUPPORTED.
 */
int ig_multiaddr_to_sockaddr(const struct ig_multiaddr *ma,
                             struct sockaddr_storage *ss,
                             socklen_t *sslen);

/* Build /ip4/A/tcp/P or /ip6/A/tcp/P from an AF_INET or AF_INET6 address.
 * Returns 0 or IG_EUNSUPPORTED. */
int ig_multiaddr_from_sockaddr(const struct sockaddr *sa,
                               struct ig_multiaddr *ma);

/* The peer ID of the last /p2p component. Returns 0 or IG_ENOTFOUND. */
int ig_multiaddr_peer(const struct ig_multiaddr *ma, struct ig_peerid *id);

/* Append /p2p/<id>. Returns 0 or IG_ETOOBIG. */
int ig_multiaddr_append_p2p(struct ig_multiaddr *ma,
                            const struct ig_peerid *id);

#endif
