/* SPDX-License-Identifier: MIT */
/* Fuzz the manifest parser: any input is parsed or refused without a crash
 * or leak, and a refused manifest grants nothing. */
#include <stdlib.h>

#include "membrane/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ig_manifest m;
    uint32_t pages;
    char err[256];

    if (ig_manifest_parse(data, size, &m, err, sizeof(err)) < 0) {
        if (m.granted != 0 || m.preferred_regions != NULL)
            abort();
        return 0;
    }
    (void)ig_manifest_memory_pages(&m, 0, &pages, err, sizeof(err));
    (void)ig_manifest_check_node(&m, IG_CAP_IMPLEMENTED, err, sizeof(err));
    (void)ig_manifest_option_int(&m, IG_CAP_HTTP, "timeout_ms", 0);
    (void)ig_manifest_option_strings(&m, IG_CAP_HTTP, "allowed_hosts", NULL, 0);
    ig_manifest_free(&m);
    return 0;
}
