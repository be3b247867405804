/* SPDX-License-Identifier: MIT */
/* Unsigned LEB128 varints: the multiformats rules (minimal, at most 9
 * bytes) for multiaddrs and multistream, and the protobuf rules. */
#ifndef IG_NET_VARINT_H
#define IG_NET_VARINT_H

#include <stddef.h>
#include <stdint.h>

/* Bytes a multiformats varint may take (values below 2^63). */
#define IG_VARINT_MAX 9
/* Bytes any u64 may take, the size of an encoding buffer. */
#define IG_VARINT_MAX_U64 10

/* Number of bytes ig_varint_encode writes for v (1..10). */
size_t ig_varint_len(uint64_t v);

/* Write v to out (room for ig_varint_len(v) bytes); returns the length. */
size_t ig_varint_encode(uint64_t v, uint8_t *out);

/*
 * Read a multiformats varint at *cur, not past end, and advance *cur.
 * Returns 0, IG_ETRUNC when the input ends inside the varint (nothing is
 * consumed, so the caller may retry with more bytes), or IG_EFORMAT for a
 * varint longer than 9 bytes or not minimally encoded.
 */
int ig_varint_decode(const uint8_t **cur, const uint8_t *end, uint64_t *out);

/*
 * Read a protobuf varint (up to 10 bytes, any u64, non-minimal forms
 * accepted as protobuf allows). Errors as ig_varint_decode.
 */
int ig_varint_decode_pb(const uint8_t **cur, const uint8_t *end, uint64_t *out);

#endif
