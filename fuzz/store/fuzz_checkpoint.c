/* SPDX-License-Identifier: MIT */
/* libFuzzer target: checkpoint parsing, signature verification, the
 * inspector report and lineage over arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/inspect.h"
#include "store/lineage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *devnull;
    struct ig_lineage_report r;
    struct ig_inspect in;
    struct ig_ckpt c;
    char err[256];

    if (!devnull)
        devnull = fopen("/dev/null", "w");
    if (ig_ckpt_parse(data, size, &c, err, sizeof(err)) == 0) {
        ig_ckpt_verify(data, size, err, sizeof(err));
        if (ig_inspect(
              data, size, data, size / 2, "fuzz.wasm", &in, err, sizeof(err)) ==
              0 &&
            devnull)
            ig_inspect_print(devnull, &in);
    }
    /* The same bytes twice: a chain of two (always a tick conflict). */
    ig_lineage_begin(&r);
    ig_lineage_add(&r, "a", data, size);
    ig_lineage_add(&r, "b", data, size);
    ig_lineage_end(&r);
    if (devnull)
        ig_lineage_print(devnull, &r);
    ig_lineage_report_free(&r);
    return 0;
}
