/* SPDX-License-Identifier: MIT */
/* Lower-case hexadecimal encoding and decoding of byte strings. */
#ifndef IG_UTIL_HEX_H
#define IG_UTIL_HEX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Write len bytes as 2*len lower-case hex digits plus a NUL into out.
 * Returns the string length (2*len), or -ENOSPC when outlen < 2*len+1
 * (out then holds an empty string if outlen > 0).
 */
int ig_hex_encode(const uint8_t *in, size_t len, char *out, size_t outlen);

/*
 * Decode exactly len hex characters (either case) into len/2 bytes.
 * Returns the byte count, IG_EFORMAT for an odd length or a non-hex
 * character, or -ENOSPC when outlen < len/2.
 */
int ig_hex_decode(const char *in, size_t len, uint8_t *out, size_t outlen);

#endif
