/* SPDX-License-Identifier: MIT */
/* did:key identifiers for Ed25519 agent keys:
 * "did:key:z" + base58btc(0xed 0x01 || pubkey). */
#ifndef IG_STORE_DID_H
#define IG_STORE_DID_H

#include <stddef.h>
#include <stdint.h>

/* Room for any Ed25519 did:key string plus its NUL (56 + 1). */
#define IG_DID_MAX 64

/* Encode pubkey as a DID into out. Returns the length or -ENOSPC. */
int ig_did_encode(const uint8_t pubkey[32], char *out, size_t outlen);

/*
 * Parse a did:key string back to its 32-byte Ed25519 key. Errors
 * (IG_EFORMAT, detail in err): too short, no "did:key:z" prefix, a
 * character outside base58btc, multicodec prefix not 0xed01, key length
 * not 32.
 */
int ig_did_parse(const char *did, uint8_t pubkey[32], char *err, size_t errlen);

/* Shorten a DID for display as its first 16 chars + "..." + last 4
 * (unchanged when 24 chars or fewer). Returns the length or -ENOSPC. */
int ig_did_short(const char *did, char *out, size_t outlen);

#endif
