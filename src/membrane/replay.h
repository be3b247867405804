/* SPDX-License-Identifier: MIT */
/* Replay of one tick from its event log (SPEC §3): the membrane answers
 * every recorded hostcall from the log instead of the world. */
#ifndef IG_MEMBRANE_REPLAY_H
#define IG_MEMBRANE_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "membrane/eventlog.h"
#include "membrane/membrane.h"

/*
 * How the agent layer replays tick T:
 *   1. ig_membrane_new with mode IG_MEMBRANE_REPLAY, a fresh store, link
 *      and instantiate the same wasm with the same manifest, run
 *      _initialize, and restore the pre-tick state (malloc + agent_resume;
 *      calls made so far are served live and recorded nowhere).
 *   2. ig_replay_begin(mb, log of tick T).
 *   3. call agent_tick. A hostcall that does not match the next entry ends
 *      the call with IG_EREPLAY_DIVERGED, one past the end with
 *      IG_EREPLAY_EXHAUSTED; ig_membrane_last_error says which entry.
 *   4. ig_replay_end: IG_EREPLAY_LEFTOVER when entries were not consumed.
 *   5. capture the state and compare it with the recorded post-tick state
 *      (ig_replay_first_diff).
 * Fuel is deterministic, so the replayed tick's fuel equals the live one.
 */

/* Answer hostcalls from log (borrowed until ig_replay_end) from its first
 * entry on. IG_ESTATE unless mb is in REPLAY mode or when log is open. */
int ig_replay_begin(ig_membrane_t *mb, const ig_eventlog_t *log);

/* Stop replaying. 0 when every entry was consumed, else
 * IG_EREPLAY_LEFTOVER with the count in err. IG_ESTATE if not begun. */
int ig_replay_end(ig_membrane_t *mb, char *err, size_t errlen);

/* Entries consumed so far by the open replay (0 when none is open). */
size_t ig_replay_position(const ig_membrane_t *mb);

/* Index of the first byte where a and b differ, the shorter length when
 * one is a prefix of the other, -1 when equal (the reference's
 * FirstDiffByte). */
int64_t ig_replay_first_diff(const uint8_t *a,
                             size_t alen,
                             const uint8_t *b,
                             size_t blen);

#endif
