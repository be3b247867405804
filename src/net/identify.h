/* SPDX-License-Identifier: MIT */
/* The libp2p Identify message: encode and decode, with fixed caps on
 * every repeated field and string so a peer cannot make us allocate. */
#ifndef IG_NET_IDENTIFY_H
#define IG_NET_IDENTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "net/multiaddr.h"

#define IG_IDENTIFY_PROTOCOL "/ipfs/id/1.0.0"
#define IG_IDENTIFY_PUSH_PROTOCOL "/ipfs/id/push/1.0.0"
/* Largest message body accepted or produced (js-libp2p uses 8 KiB). */
#define IG_IDENTIFY_MSG_MAX 8192
#define IG_IDENTIFY_MAX_ADDRS 16
#define IG_IDENTIFY_MAX_PROTOS 32
/* Longest version string or protocol name kept, without the NUL. */
#define IG_IDENTIFY_STR_MAX 128

/* A decoded (or to-be-encoded) Identify message. Strings are
 * NUL-terminated; an empty string means the field is absent. */
struct ig_identify {
    char protocol_version[IG_IDENTIFY_STR_MAX + 1];
    char agent_version[IG_IDENTIFY_STR_MAX + 1];
    int has_pubkey;
    uint8_t pubkey[32]; /* Ed25519; the field is a PublicKey protobuf */
    struct ig_multiaddr listen[IG_IDENTIFY_MAX_ADDRS];
    size_t nlisten;
    int has_observed;
    struct ig_multiaddr observed;
    char protocols[IG_IDENTIFY_MAX_PROTOS][IG_IDENTIFY_STR_MAX + 1];
    size_t nprotocols;
    /* Decode only: entries left out (over a cap, too long, a multiaddr
     * we cannot parse, a non-Ed25519 key, a string holding NUL). */
    size_t dropped;
};

/*
 * Encode id as an Identify protobuf body into out. Returns the length,
 * or -ENOSPC when out (or IG_IDENTIFY_MSG_MAX) is too small.
 */
int ig_identify_encode(const struct ig_identify *id,
                       uint8_t *out,
                       size_t outlen);

/*
 * Decode an Identify protobuf body of len <= IG_IDENTIFY_MSG_MAX bytes.
 * Unknown fields (signedPeerRecord and newer ones) are skipped; entries
 * that do not fit are counted in dropped rather than failing the whole
 * message. Returns 0, IG_ETOOBIG, or IG_EPROTOBUF for malformed bytes.
 */
int ig_identify_decode(const uint8_t *buf,
                       size_t len,
                       struct ig_identify *id,
                       char *err,
                       size_t errlen);

/*
 * Find one varint-length-prefixed message (the framing of Identify on
 * its stream) at the start of buf. Returns 0 with *body, *blen and
 * *consumed set, IG_ETRUNC when more bytes are needed, or IG_ETOOBIG
 * when the prefix is malformed or says more than max bytes.
 */
int ig_identify_unframe(const uint8_t *buf,
                        size_t len,
                        size_t max,
                        const uint8_t **body,
                        size_t *blen,
                        size_t *consumed);

/* Write the varint prefix and body of id into out; returns the total
 * length or -ENOSPC. */
int ig_identify_write(const struct ig_identify *id,
                      uint8_t *out,
                      size_t outlen);

#endif
