/* SPDX-License-Identifier: MIT */
/* Hexadecimal encoding for hashes, keys and dumps. */
#include "util/hex.h"

#include <errno.h>
#include <limits.h>

#include "util/err.h"

int ig_hex_encode(const uint8_t *in, size_t len, char *out, size_t outlen)
{
    static const char digits[] = "0123456789abcdef";

    if (len > (SIZE_MAX - 1) / 2 || outlen < 2 * len + 1 || len > INT_MAX / 2) {
        if (outlen > 0)
            out[0] = '\0';
        return -ENOSPC;
    }
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = '\0';
    return (int)(2 * len);
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int ig_hex_decode(const char *in, size_t len, uint8_t *out, size_t outlen)
{
    if (len % 2 != 0)
        return IG_EFORMAT;
    if (outlen < len / 2 || len / 2 > INT_MAX)
        return -ENOSPC;
    for (size_t i = 0; i < len; i += 2) {
        int hi = nibble(in[i]), lo = nibble(in[i + 1]);

        if (hi < 0 || lo < 0)
            return IG_EFORMAT;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return (int)(len / 2);
}
