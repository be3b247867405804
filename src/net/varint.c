/* SPDX-License-Identifier: MIT */
/* Unsigned LEB128 varints, seven bits per byte, least significant first;
 * the high bit of each byte says another byte follows. */
#include "net/varint.h"

#include "util/err.h"

size_t ig_varint_len(uint64_t v)
{
    size_t n = 1;

    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

size_t ig_varint_encode(uint64_t v, uint8_t *out)
{
    size_t n = 0;

    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

/* Shared reader: maxlen bounds the byte count, minimal rejects a final
 * zero byte after the first (a padded encoding). */
static int decode(const uint8_t **cur,
                  const uint8_t *end,
                  uint64_t *out,
                  size_t maxlen,
                  int minimal)
{
    const uint8_t *p = *cur;
    uint64_t v = 0;
    size_t i;

    for (i = 0; i < maxlen; i++) {
        if (p + i >= end)
            return IG_ETRUNC;
        uint8_t b = p[i];
        if (i == 9 && b > 1)
            return IG_EFORMAT; /* bits beyond 64 */
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            if (minimal && i > 0 && b == 0)
                return IG_EFORMAT;
            *cur = p + i + 1;
            *out = v;
            return 0;
        }
    }
    return IG_EFORMAT;
}

int ig_varint_decode(const uint8_t **cur, const uint8_t *end, uint64_t *out)
{
    return decode(cur, end, out, IG_VARINT_MAX, 1);
}

int ig_varint_decode_pb(const uint8_t **cur, const uint8_t *end, uint64_t *out)
{
    return decode(cur, end, out, IG_VARINT_MAX_U64, 0);
}
