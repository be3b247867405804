/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the SDK's effect log loader and the liquidation
 * agent's state decoder over arbitrary bytes; what loads must save and
 * load back to the same log. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "igor_effects.h"
#include "logic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void null_log(void *ctx, const char *line)
{
    (void)ctx;
    (void)line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct igor_effects e = IGOR_EFFECTS_INIT, back = IGOR_EFFECTS_INIT;
    struct igor_enc enc = IGOR_ENC_INIT;
    struct liq_state st;
    struct igor_dec d;

    igor_dec_init(&d, data, size);
    if (igor_effects_load(&e, &d) == 0) {
        igor_effects_save(&e, &enc);
        igor_dec_init(&d, enc.buf, enc.len);
        if (!enc.err &&
            (igor_effects_load(&back, &d) != 0 || d.err || back.n != e.n))
            abort();
    }
    igor_dec_init(&d, data, size);
    /* One second after the last tick, computed without signed overflow
     * (a decoded state may hold any last_ns). */
    if (liq_decode(&st, &d) == 0)
        liq_tick(&st, (int64_t)((uint64_t)st.last_ns + 1000000000u),
                 null_log, NULL);
    igor_effects_free(&e);
    igor_effects_free(&back);
    igor_enc_free(&enc);
    return 0;
}
