/* SPDX-License-Identifier: MIT */
/* A bounded cursor over a Wasm binary: LEB128 integers with the exact
 * over-long and trailing-bit rules of the spec, floats, bytes and names. */
#ifndef IG_WASM_READER_H
#define IG_WASM_READER_H

#include <stddef.h>
#include <stdint.h>

/*
 * p moves towards end; start is the first byte of the binary, so p - start
 * is the offset reported in messages. On failure a reader function returns
 * IG_EWASM_MALFORMED, leaves p where the bad item starts and points why at
 * a static text naming the problem (the spec test suite's wording).
 */
struct ig_wasm_reader {
    const uint8_t *p;
    const uint8_t *end;
    const uint8_t *start;
    const char *why;
};

/* Evaluate e (an int error code) and return it from the enclosing
 * function when it is not 0. */
#define IG_WASM_TRY(e)                                                         \
    do {                                                                       \
        int rc_ = (e);                                                         \
        if (rc_)                                                               \
            return rc_;                                                        \
    } while (0)

void ig_wasm__reader_init(struct ig_wasm_reader *r,
                          const uint8_t *bytes,
                          size_t len);

/* Bytes left before end. */
static inline size_t ig_wasm__reader_left(const struct ig_wasm_reader *r)
{
    return (size_t)(r->end - r->p);
}

/* Offset of p from start. */
static inline size_t ig_wasm__reader_off(const struct ig_wasm_reader *r)
{
    return (size_t)(r->p - r->start);
}

/* Record why and return IG_EWASM_MALFORMED. */
int ig_wasm__reader_fail(struct ig_wasm_reader *r, const char *why);

int ig_wasm__read_u8(struct ig_wasm_reader *r, uint8_t *out);

/* The general cases of the readers below, for integers of more than one
 * byte or at the end of input. */
int ig_wasm__read_u32_slow(struct ig_wasm_reader *r, uint32_t *out);
int ig_wasm__read_s32_slow(struct ig_wasm_reader *r, int32_t *out);

/* Most integers in a module fit one byte, so that case is inline. */
static inline int ig_wasm__read_u32(struct ig_wasm_reader *r, uint32_t *out)
{
    if (r->p < r->end && !(*r->p & 0x80)) {
        *out = *r->p++;
        return 0;
    }
    return ig_wasm__read_u32_slow(r, out);
}

static inline int ig_wasm__read_s32(struct ig_wasm_reader *r, int32_t *out)
{
    if (r->p < r->end && !(*r->p & 0x80)) {
        uint8_t b = *r->p++;

        *out = (b & 0x40) ? (int32_t)b - 0x80 : (int32_t)b;
        return 0;
    }
    return ig_wasm__read_s32_slow(r, out);
}

int ig_wasm__read_s33(struct ig_wasm_reader *r, int64_t *out);
int ig_wasm__read_s64(struct ig_wasm_reader *r, int64_t *out);

/* IEEE bit patterns, little-endian in the binary. */
int ig_wasm__read_f32(struct ig_wasm_reader *r, uint32_t *bits);
int ig_wasm__read_f64(struct ig_wasm_reader *r, uint64_t *bits);

/* n raw bytes; *out points into the input. */
int ig_wasm__read_bytes(struct ig_wasm_reader *r,
                        size_t n,
                        const uint8_t **out);

/*
 * A vector length that must be followed by at least min_size bytes per
 * item: a count past what the input can hold is refused before anyone
 * allocates for it.
 */
int ig_wasm__read_count(struct ig_wasm_reader *r,
                        size_t min_size,
                        uint32_t *out);

/* A length-prefixed name that must be valid UTF-8; *out points into the
 * input and is not NUL-terminated. */
int ig_wasm__read_name(struct ig_wasm_reader *r,
                       const uint8_t **out,
                       uint32_t *len);

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, at
 * most U+10FFFF), else 0. */
int ig_wasm__utf8_valid(const uint8_t *s, size_t n);

#endif
