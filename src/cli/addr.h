/* SPDX-License-Identifier: MIT */
/* Multiaddr arguments of the network commands, checked one way for all:
 * a mistake is a usage error found before a key is made or a port bound. */
#ifndef IG_CLI_ADDR_H
#define IG_CLI_ADDR_H

#include "net/multiaddr.h"

/*
 * Parse addr into *ma and check that it names a TCP endpoint over /ip4
 * or /ip6 (a /p2p part may follow). On failure prints "igord: <label>
 * <addr>: <reason>" (just "<addr>: " when label is NULL) and returns
 * IG_EUSAGE.
 */
int ig_cli_tcp_addr(const char *label,
                    const char *addr,
                    struct ig_multiaddr *ma);

#endif
