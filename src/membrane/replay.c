/* SPDX-License-Identifier: MIT */
/* Replay of one tick: point the membrane at a sealed tick log, check that
 * the guest consumed all of it, and compare the states. */
#include "membrane/replay.h"

#include "util/err.h"

int ig_replay_begin(ig_membrane_t *mb, const ig_eventlog_t *log)
{
    if (ig_membrane_mode(mb) != IG_MEMBRANE_REPLAY || !log ||
        ig_eventlog_is_open(log) || ig_membrane__replay_log(mb))
        return IG_ESTATE;
    ig_membrane__replay_set(mb, log);
    return 0;
}

int ig_replay_end(ig_membrane_t *mb, char *err, size_t errlen)
{
    const ig_eventlog_t *log = ig_membrane__replay_log(mb);
    size_t used = ig_membrane__replay_pos(mb), total;

    if (!log)
        return IG_ESTATE;
    total = ig_eventlog_count(log);
    ig_membrane__replay_set(mb, NULL);
    if (used < total) {
        ig_err_set(err,
                   errlen,
                   "replay of tick %llu: %zu of %zu event log entries unused",
                   (unsigned long long)ig_eventlog_tick(log),
                   total - used,
                   total);
        return IG_EREPLAY_LEFTOVER;
    }
    return 0;
}

size_t ig_replay_position(const ig_membrane_t *mb)
{
    return ig_membrane__replay_log(mb) ? ig_membrane__replay_pos(mb) : 0;
}

int64_t ig_replay_first_diff(const uint8_t *a,
                             size_t alen,
                             const uint8_t *b,
                             size_t blen)
{
    size_t n = alen < blen ? alen : blen;

    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return (int64_t)i;
    }
    return alen == blen ? -1 : (int64_t)n;
}
