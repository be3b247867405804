/* SPDX-License-Identifier: MIT */
/* survivor: mixes four random bytes into its luck every tick, so a
 * resumed copy shows whether its state really survived the move.
 * State (28 bytes): tick u64, birth i64, last i64, luck u32. */
#include "igor.h"

static struct {
    uint64_t ticks;
    int64_t birth_ns;
    int64_t last_ns;
    uint32_t luck;
} st;

void igor_init(void)
{
    memset(&st, 0, sizeof(st));
}

int igor_tick(void)
{
    int64_t now = igor_clock_now();
    uint8_t r[4];

    if (st.ticks == 0)
        st.birth_ns = now;
    st.ticks++;
    st.last_ns = now;
    if (igor_rand_bytes(r, sizeof(r)) == 0)
        st.luck ^= (uint32_t)r[0] | (uint32_t)r[1] << 8 | (uint32_t)r[2] << 16 |
                   (uint32_t)r[3] << 24;
    igor_logf("[survivor] tick=%llu age=%llds luck=0x%08x",
              (unsigned long long)st.ticks,
              (long long)((now - st.birth_ns) / IGOR_NS_PER_SEC),
              (unsigned)st.luck);
    return 0;
}

void igor_save(struct igor_enc *e)
{
    igor_enc_u64(e, st.ticks);
    igor_enc_i64(e, st.birth_ns);
    igor_enc_i64(e, st.last_ns);
    igor_enc_u32(e, st.luck);
}

void igor_load(struct igor_dec *d)
{
    st.ticks = igor_dec_u64(d);
    st.birth_ns = igor_dec_i64(d);
    st.last_ns = igor_dec_i64(d);
    st.luck = igor_dec_u32(d);
    if (d->err) {
        igor_log("[survivor] saved state too short, starting over");
        igor_init();
    }
}
