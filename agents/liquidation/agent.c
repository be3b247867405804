/* SPDX-License-Identifier: MIT */
/* liquidation: watches a price that is a pure function of time and
 * notices, after any downtime, what it missed (see logic.h). */
#include "igor.h"
#include "logic.h"

static struct liq_state st;

static void emit(void *ctx, const char *line)
{
    (void)ctx;
    igor_log(line);
}

void igor_init(void)
{
    memset(&st, 0, sizeof(st));
}

int igor_tick(void)
{
    liq_tick(&st, igor_clock_now(), emit, NULL);
    return 0;
}

void igor_save(struct igor_enc *e)
{
    liq_encode(&st, e);
}

void igor_load(struct igor_dec *d)
{
    if (liq_decode(&st, d) < 0)
        igor_log("[liquidation] saved state too short, starting over");
}
