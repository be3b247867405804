/* SPDX-License-Identifier: MIT */
/* Feeds arbitrary bytes, in arbitrary splits, to both multistream roles. */
#include <stddef.h>
#include <stdint.h>

#include "net/multistream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(int initiator, const uint8_t *data, size_t size)
{
    const char *protos[] = { "/noise", "/yamux/1.0.0" };
    struct ig_ms ms;
    size_t off = 0, used, len, step;
    char err[128];

    if (initiator)
        ig_ms_init_initiator(&ms, protos, 2);
    else
        ig_ms_init_responder(&ms, protos, 2);
    while (off < size) {
        step = 1 + data[off] % 17; /* the input also picks the splits */
        if (step > size - off)
            step = size - off;
        if (ig_ms_input(&ms, data + off, step, &used, err, sizeof(err)))
            return;
        ig_ms_output(&ms, &len);
        ig_ms_output_consume(&ms, len);
        if (ig_ms_selected(&ms) || (used == 0 && step > 0))
            return;
        off += used;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(0, data, size);
    run(1, data, size);
    return 0;
}
