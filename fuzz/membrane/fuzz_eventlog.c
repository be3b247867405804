/* SPDX-License-Identifier: MIT */
/* Fuzz the tick log parser: any input is parsed or refused without a
 * crash, and whatever parses serializes back to the bytes it came from. */
#include <stdlib.h>
#include <string.h>

#include "membrane/eventlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ig_eventlog_t *log = NULL;
    const uint8_t *pos = data;
    uint8_t *out = NULL;
    size_t n, used;
    char err[128];

    if (ig_eventlog_new(1u << 16, &log) < 0)
        return 0;
    if (ig_eventlog_parse(log, &pos, data + size, err, sizeof(err)) == 0) {
        used = (size_t)(pos - data);
        n = ig_eventlog_serialized_size(log);
        out = malloc(n ? n : 1);
        if (n != used || !out || ig_eventlog_serialize(log, out, n) != 0 ||
            memcmp(out, data, n) != 0)
            abort();
    }
    free(out);
    ig_eventlog_free(log);
    return 0;
}
