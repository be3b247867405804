/* SPDX-License-Identifier: MIT */
/* Identify decoder on arbitrary bytes; what decodes must re-encode and
 * decode again to the same field counts. */
#include <stdint.h>
#include <stdlib.h>

#include "net/identify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_identify a, b;
    static uint8_t out[IG_IDENTIFY_MSG_MAX];
    const uint8_t *body;
    size_t blen, used;
    int n;

    if (ig_identify_unframe(
          data, size, IG_IDENTIFY_MSG_MAX, &body, &blen, &used) == 0)
        ig_identify_decode(body, blen, &a, NULL, 0);
    if (ig_identify_decode(data, size, &a, NULL, 0) != 0)
        return 0;
    n = ig_identify_encode(&a, out, sizeof(out));
    if (n < 0)
        return 0;
    if (ig_identify_decode(out, (size_t)n, &b, NULL, 0) != 0 ||
        b.nlisten != a.nlisten || b.nprotocols != a.nprotocols ||
        b.has_pubkey != a.has_pubkey || b.dropped != 0)
        abort();
    return 0;
}
