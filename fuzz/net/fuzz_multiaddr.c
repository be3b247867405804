/* SPDX-License-Identifier: MIT */
/* Multiaddr binary and text parsers; whatever parses must print and
 * parse back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/multiaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_round_trip(const struct ig_multiaddr *ma)
{
    struct ig_multiaddr back;
    char s[IG_MULTIADDR_STRMAX * 2];

    if (ig_multiaddr_format(ma, s, sizeof(s)) < 0)
        return;
    if (ig_multiaddr_parse(s, &back, NULL, 0) == 0 &&
        (back.len != ma->len || memcmp(back.bytes, ma->bytes, ma->len)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ig_multiaddr ma;
    char s[IG_MULTIADDR_STRMAX + 1];
    size_t n = size < IG_MULTIADDR_STRMAX ? size : IG_MULTIADDR_STRMAX;

    if (ig_multiaddr_from_bytes(data, size, &ma, NULL, 0) == 0)
        check_round_trip(&ma);
    memcpy(s, data, n);
    s[n] = '\0';
    if (ig_multiaddr_parse(s, &ma, NULL, 0) == 0)
        check_round_trip(&ma);
    return 0;
}
