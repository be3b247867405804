/* SPDX-License-Identifier: MIT */
/* A bounded cursor over a Wasm binary: LEB128 integers with the exact
 * over-long and trailing-bit rules of the spec, floats, bytes and names. */
#include "wasm/reader.h"

#include "util/err.h"

void ig_wasm__reader_init(struct ig_wasm_reader *r,
                          const uint8_t *bytes,
                          size_t len)
{
    r->p = bytes;
    r->start = bytes;
    r->end = bytes + len;
    r->why = NULL;
}

int ig_wasm__reader_fail(struct ig_wasm_reader *r, const char *why)
{
    r->why = why;
    return IG_EWASM_MALFORMED;
}

int ig_wasm__read_u8(struct ig_wasm_reader *r, uint8_t *out)
{
    if (r->p >= r->end)
        return ig_wasm__reader_fail(r, "unexpected end");
    *out = *r->p++;
    return 0;
}

/*
 * The last byte a bits-wide LEB128 may use holds `used` value bits; the
 * bits above them must be zero (unsigned) or copies of the sign bit
 * (signed), and its continuation bit must be clear.
 */
static int check_last_byte(struct ig_wasm_reader *r,
                           uint8_t b,
                           unsigned used,
                           int is_signed)
{
    uint8_t high = (uint8_t)(0x7f & ~((1u << used) - 1));

    if (b & 0x80)
        return ig_wasm__reader_fail(r, "integer representation too long");
    if (!is_signed || !(b & (1u << (used - 1))))
        return (b & high) ? ig_wasm__reader_fail(r, "integer too large") : 0;
    return (b & high) != high ? ig_wasm__reader_fail(r, "integer too large")
                              : 0;
}

/* The common case of read_leb: all the bytes are there and the value
 * ends before the last byte a bits-wide number may use, so no byte needs
 * the end or the last-byte check. Returns 0 when the case does not hold,
 * leaving the reader untouched. */
static int read_leb_short(struct ig_wasm_reader *r,
                          unsigned maxbytes,
                          int is_signed,
                          uint64_t *out)
{
    const uint8_t *p = r->p;
    unsigned shift = 0, i;
    uint64_t v = 0;

    if ((size_t)(r->end - p) < maxbytes)
        return 0;
    for (i = 0; i + 1 < maxbytes; i++) {
        uint8_t b = p[i];

        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            if (is_signed && (b & 0x40))
                v |= ~(uint64_t)0 << shift;
            *out = v;
            r->p = p + i + 1;
            return 1;
        }
    }
    return 0;
}

static int read_leb(struct ig_wasm_reader *r,
                    unsigned bits,
                    int is_signed,
                    uint64_t *out)
{
    const uint8_t *begin = r->p;
    unsigned maxbytes = (bits + 6) / 7, shift = 0, i;
    uint64_t v = 0;
    uint8_t b = 0;
    int rc;

    if (read_leb_short(r, maxbytes, is_signed, out))
        return 0;
    for (i = 0; i < maxbytes; i++) {
        if (r->p >= r->end) {
            r->p = begin;
            return ig_wasm__reader_fail(r, "unexpected end");
        }
        b = *r->p++;
        if (i == maxbytes - 1) {
            rc = check_last_byte(r, b, bits - shift, is_signed);
            if (rc) {
                r->p = begin;
                return rc;
            }
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    if (is_signed && shift < 64 && (b & 0x40))
        v |= ~(uint64_t)0 << shift;
    *out = v;
    return 0;
}

int ig_wasm__read_u32_slow(struct ig_wasm_reader *r, uint32_t *out)
{
    uint64_t v;
    int rc;

    /* Two bytes (indices and offsets up to 16383) are common too. */
    if (ig_wasm__reader_left(r) >= 2 && (r->p[0] & 0x80) && !(r->p[1] & 0x80)) {
        *out = (uint32_t)(r->p[0] & 0x7f) | (uint32_t)r->p[1] << 7;
        r->p += 2;
        return 0;
    }
    rc = read_leb(r, 32, 0, &v);

    if (rc == 0)
        *out = (uint32_t)v;
    return rc;
}

int ig_wasm__read_s32_slow(struct ig_wasm_reader *r, int32_t *out)
{
    uint64_t v;
    int rc;

    if (ig_wasm__reader_left(r) >= 2 && (r->p[0] & 0x80) && !(r->p[1] & 0x80)) {
        int32_t x = (int32_t)((r->p[0] & 0x7f) | (r->p[1] & 0x7f) << 7);

        *out = (r->p[1] & 0x40) ? x - (1 << 14) : x;
        r->p += 2;
        return 0;
    }
    rc = read_leb(r, 32, 1, &v);

    if (rc == 0)
        *out = (int32_t)(uint32_t)v;
    return rc;
}

int ig_wasm__read_s33(struct ig_wasm_reader *r, int64_t *out)
{
    uint64_t v;
    int rc = read_leb(r, 33, 1, &v);

    if (rc == 0)
        *out = (int64_t)v;
    return rc;
}

int ig_wasm__read_s64(struct ig_wasm_reader *r, int64_t *out)
{
    uint64_t v;
    int rc = read_leb(r, 64, 1, &v);

    if (rc == 0)
        *out = (int64_t)v;
    return rc;
}

static int read_le(struct ig_wasm_reader *r, unsigned n, uint64_t *out)
{
    uint64_t v = 0;
    unsigned i;

    if (ig_wasm__reader_left(r) < n)
        return ig_wasm__reader_fail(r, "unexpected end");
    for (i = 0; i < n; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += n;
    *out = v;
    return 0;
}

int ig_wasm__read_f32(struct ig_wasm_reader *r, uint32_t *bits)
{
    uint64_t v;
    int rc = read_le(r, 4, &v);

    if (rc == 0)
        *bits = (uint32_t)v;
    return rc;
}

int ig_wasm__read_f64(struct ig_wasm_reader *r, uint64_t *bits)
{
    return read_le(r, 8, bits);
}

int ig_wasm__read_bytes(struct ig_wasm_reader *r, size_t n, const uint8_t **out)
{
    if (ig_wasm__reader_left(r) < n)
        return ig_wasm__reader_fail(r, "unexpected end");
    *out = r->p;
    r->p += n;
    return 0;
}

int ig_wasm__read_count(struct ig_wasm_reader *r,
                        size_t min_size,
                        uint32_t *out)
{
    const uint8_t *begin = r->p;
    uint32_t n;
    int rc = ig_wasm__read_u32(r, &n);

    if (rc)
        return rc;
    if (min_size && n > ig_wasm__reader_left(r) / min_size) {
        r->p = begin;
        return ig_wasm__reader_fail(r, "unexpected end");
    }
    *out = n;
    return 0;
}

int ig_wasm__read_name(struct ig_wasm_reader *r,
                       const uint8_t **out,
                       uint32_t *len)
{
    const uint8_t *begin = r->p;
    uint32_t n;
    int rc = ig_wasm__read_u32(r, &n);

    if (rc)
        return rc;
    if (n > ig_wasm__reader_left(r)) {
        r->p = begin;
        return ig_wasm__reader_fail(r, "length out of bounds");
    }
    if (!ig_wasm__utf8_valid(r->p, n))
        return ig_wasm__reader_fail(r, "malformed UTF-8 encoding");
    *out = r->p;
    *len = n;
    r->p += n;
    return 0;
}

/* Length of the UTF-8 sequence starting at s[0] (1..4), or 0 if invalid;
 * n bytes are available. */
static size_t utf8_seq(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    size_t len, i;
    uint8_t lo = 0x80, hi = 0xbf;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4;
    else
        return 0;
    if (n < len)
        return 0;
    /* The second byte's range rules out overlongs, surrogates and code
     * points past U+10FFFF. */
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

int ig_wasm__utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0, k;

    while (i < n) {
        k = utf8_seq(s + i, n - i);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}
