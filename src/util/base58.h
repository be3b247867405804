/* SPDX-License-Identifier: MIT */
/* Base58btc (the Bitcoin alphabet) encoding, used by DIDs and peer IDs. */
#ifndef IG_UTIL_BASE58_H
#define IG_UTIL_BASE58_H

#include <stddef.h>
#include <stdint.h>

/* Longest input either function accepts, in bytes or characters. */
#define IG_BASE58_MAX_INPUT 256

/*
 * Encode len bytes into out as a NUL-terminated string. Each leading zero
 * byte becomes '1'. Returns the string length, IG_ETOOBIG when len is over
 * IG_BASE58_MAX_INPUT, or -ENOSPC when outlen is too small.
 */
int ig_base58_encode(const uint8_t *in, size_t len, char *out,
                     size_t outlen);

/*
 * Decode the first len characters of in. Returns the byte count, IG_EFORMAT
 * for a character outside the alphabet, IG_ETOOBIG for a long input, or
 * -ENOSPC when outlen is too small.
 */
int ig_base58_decode(const char *in, size_t len, uint8_t *out,
                     size_t outlen);

#endif
