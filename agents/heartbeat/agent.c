/* SPDX-License-Identifier: MIT */
/* heartbeat: counts ticks and logs its age; the smallest useful agent.
 * State (28 bytes): tick count u64, birth i64, last i64, message u32. */
#include "igor.h"

static struct {
    uint64_t ticks;
    int64_t birth_ns; /* clock at the first tick, kept across moves */
    int64_t last_ns;
    uint32_t messages;
} st;

void igor_init(void)
{
    memset(&st, 0, sizeof(st));
}

int igor_tick(void)
{
    int64_t now = igor_clock_now();

    if (st.ticks == 0)
        st.birth_ns = now;
    st.ticks++;
    st.last_ns = now;
    st.messages++;
    igor_logf("[heartbeat] tick=%llu age=%llds",
              (unsigned long long)st.ticks,
              (long long)((now - st.birth_ns) / IGOR_NS_PER_SEC));
    if (st.ticks % 10 == 0) {
        st.messages++;
        igor_logf("[heartbeat] milestone: %llu ticks",
                  (unsigned long long)st.ticks);
    }
    return 0;
}

void igor_save(struct igor_enc *e)
{
    igor_enc_u64(e, st.ticks);
    igor_enc_i64(e, st.birth_ns);
    igor_enc_i64(e, st.last_ns);
    igor_enc_u32(e, st.messages);
}

void igor_load(struct igor_dec *d)
{
    st.ticks = igor_dec_u64(d);
    st.birth_ns = igor_dec_i64(d);
    st.last_ns = igor_dec_i64(d);
    st.messages = igor_dec_u32(d);
    if (d->err) {
        igor_log("[heartbeat] saved state too short, starting over");
        igor_init();
    }
}
