/* SPDX-License-Identifier: MIT */
/* Feeds arbitrary bytes to Noise: as handshake messages to either role,
 * or as transport frames after a real in-memory handshake. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/noise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ig_noise *make(int initiator, uint8_t fill)
{
    static const char *mux[] = { "/yamux/1.0.0" };
    struct ig_noise_config cfg = { 0 };
    struct ig_nodekey k;
    struct ig_noise *nz = NULL;
    uint8_t seed[32];

    memset(seed, fill, sizeof(seed));
    ig_nodekey_from_seed(seed, &k);
    cfg.initiator = initiator;
    cfg.identity_sk = k.sk;
    cfg.muxers = mux;
    cfg.nmuxers = 1;
    ig_noise_new(&cfg, &nz);
    return nz;
}

/* Hand a's pending handshake output to b. */
static int relay(struct ig_noise *a, struct ig_noise *b)
{
    size_t len, used;
    const uint8_t *out = ig_noise_output(a, &len);
    uint8_t copy[2048];

    memcpy(copy, out, len);
    ig_noise_output_consume(a, len);
    return ig_noise_input(b, copy, len, &used, NULL, 0);
}

/* The input goes through a writable copy, as the connection's receive
 * buffer does: whole frames decrypt in place, the rest is gathered. */
static void feed(struct ig_noise *nz, const uint8_t *data, size_t size)
{
    size_t off = 0, used, len;
    uint8_t *buf = malloc(size);

    if (!buf)
        return;
    memcpy(buf, data, size);
    while (off < size) {
        if (ig_noise_input_inplace(nz, buf + off, size - off, &used, NULL, 0))
            break;
        ig_noise_output(nz, &len);
        ig_noise_output_consume(nz, len);
        ig_noise_plaintext(nz, &len);
        ig_noise_plaintext_consume(nz, len);
        if (used == 0 && len == 0)
            break;
        off += used;
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ig_noise *i = make(1, 1), *r = make(0, 2);

    if (!i || !r || size == 0)
        goto out;
    if (data[0] % 3 == 0) {
        feed(r, data + 1, size - 1);
    }
    else if (data[0] % 3 == 1) {
        feed(i, data + 1, size - 1);
    }
    else if (!relay(i, r) && !relay(r, i) && !relay(i, r)) {
        feed(r, data + 1, size - 1);
    }
out:
    ig_noise_free(i);
    ig_noise_free(r);
    return 0;
}
