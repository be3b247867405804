/* SPDX-License-Identifier: MIT */
/* libFuzzer target: identity files, DIDs, agent IDs and budgets. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/agentid.h"
#include "store/budget.h"
#include "store/did.h"
#include "store/identity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ig_identity id;
    char err[256], out[IG_AGENT_ID_MAX + 1], *s;
    uint8_t key[32];
    int64_t v;

    ig_identity_parse(data, size, &id, err, sizeof(err));
    s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    ig_did_parse(s, key, err, sizeof(err));
    ig_agentid_validate(s, err, sizeof(err));
    ig_agentid_from_path(s, out, sizeof(out), err, sizeof(err));
    if (ig_budget_parse(s, &v, err, sizeof(err)) == 0) {
        char f[IG_BUDGET_STR_MAX];
        int64_t back;

        ig_budget_format(v, f, sizeof(f));
        if (ig_budget_parse(f, &back, err, sizeof(err)) != 0 || back != v)
            abort();
    }
    free(s);
    return 0;
}
