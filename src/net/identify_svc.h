/* SPDX-License-Identifier: MIT */
/* The identify protocol (/ipfs/id/1.0.0) on a host: the service that
 * tells peers who we are, and the client that asks each new peer. */
#ifndef IG_NET_IDENTIFY_SVC_H
#define IG_NET_IDENTIFY_SVC_H

#include "net/host.h"
#include "net/identify.h"

#define IG_IDENTIFY_PROTOCOL_VERSION "ipfs/0.1.0"

/* Serve identify on h (done by ig_host_new). Returns 0 or an error. */
int ig_identify_register(struct ig_host *h);

/* Ask the peer of c (done when c comes up); IG_CONN_IDENTIFIED follows. */
void ig_identify_start(struct ig_conn *c);

/* What the peer of c said about itself, or NULL before it answered. */
const struct ig_identify *ig_conn_identify(const struct ig_conn *c);

#endif
