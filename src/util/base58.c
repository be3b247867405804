/* SPDX-License-Identifier: MIT */
/* Base58btc by repeated division of a big-endian byte string; inputs are
 * short (keys and multihashes), so the quadratic loop is fine. */
#include "util/base58.h"

#include <errno.h>
#include <string.h>

#include "util/err.h"

static const char alphabet[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

int ig_base58_encode(const uint8_t *in, size_t len, char *out,
                     size_t outlen)
{
    uint8_t digits[IG_BASE58_MAX_INPUT * 2]; /* base-58 digits, LSB first */
    size_t ndigits = 0, zeros = 0, n;

    if (len > IG_BASE58_MAX_INPUT)
        return IG_ETOOBIG;
    while (zeros < len && in[zeros] == 0)
        zeros++;
    for (size_t i = zeros; i < len; i++) {
        unsigned carry = in[i];
        for (size_t j = 0; j < ndigits; j++) {
            carry += (unsigned)digits[j] << 8;
            digits[j] = (uint8_t)(carry % 58);
            carry /= 58;
        }
        while (carry) {
            digits[ndigits++] = (uint8_t)(carry % 58);
            carry /= 58;
        }
    }
    n = zeros + ndigits;
    if (outlen < n + 1)
        return -ENOSPC;
    memset(out, '1', zeros);
    for (size_t i = 0; i < ndigits; i++)
        out[zeros + i] = alphabet[digits[ndigits - 1 - i]];
    out[n] = '\0';
    return (int)n;
}

static int digit_of(char c)
{
    const char *p = c ? strchr(alphabet, c) : NULL;

    return p ? (int)(p - alphabet) : -1;
}

int ig_base58_decode(const char *in, size_t len, uint8_t *out,
                     size_t outlen)
{
    uint8_t bytes[IG_BASE58_MAX_INPUT]; /* LSB first */
    size_t nbytes = 0, zeros = 0, n;

    if (len > IG_BASE58_MAX_INPUT)
        return IG_ETOOBIG;
    while (zeros < len && in[zeros] == '1')
        zeros++;
    for (size_t i = zeros; i < len; i++) {
        int d = digit_of(in[i]);
        unsigned carry;

        if (d < 0)
            return IG_EFORMAT;
        carry = (unsigned)d;
        for (size_t j = 0; j < nbytes; j++) {
            carry += (unsigned)bytes[j] * 58;
            bytes[j] = (uint8_t)(carry & 0xff);
            carry >>= 8;
        }
        while (carry) {
            if (nbytes == sizeof(bytes))
                return IG_ETOOBIG;
            bytes[nbytes++] = (uint8_t)(carry & 0xff);
            carry >>= 8;
        }
    }
    n = zeros + nbytes;
    if (outlen < n)
        return -ENOSPC;
    memset(out, 0, zeros);
    for (size_t i = 0; i < nbytes; i++)
        out[zeros + i] = bytes[nbytes - 1 - i];
    return (int)n;
}
