/* SPDX-License-Identifier: MIT */
/* One agent instance: its wasm module in a store of its own, linked
 * through the capability membrane, started fresh or resumed from a
 * checkpoint, ticked, metered and committed as signed checkpoints. */
#ifndef IG_AGENT_AGENT_H
#define IG_AGENT_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "store/ckpt.h"
#include "store/identity.h"
#include "store/storage.h"

/* Defaults of SPEC §2 and the reference igord. */
#define IG_AGENT_TICK_TIMEOUT_NS (15ULL * 1000000000ULL)
#define IG_AGENT_DEFAULT_PRICE 1000000 /* microcents/s: 1.0 per second */
#define IG_AGENT_MAX_MEMORY (64u * 1024 * 1024)
/* Elements per table: 8 bytes each host-side, so at most 8 MB a table.
 * Tables sit outside the linear memory cap; a module declaring more
 * fails to load, and table.grow past it fails (returns -1). */
#define IG_AGENT_MAX_TABLE_ELEMS 1000000u
/* Guest output (log_emit, stdout, stderr, notices) written to the node
 * log per guest call; lines past either budget are counted, not
 * written, and one warning gives their number. */
#define IG_AGENT_LOG_LINES 1000u
#define IG_AGENT_LOG_BYTES (1024u * 1024)

struct ig_agent;

/*
 * What an agent is made of. Everything is borrowed for the call to
 * ig_agent_new only, except store, which must outlive the agent.
 */
struct ig_agent_opts {
    const char *id;         /* a valid agent ID (checked again) */
    struct ig_store *store; /* where checkpoints are committed */
    const uint8_t *wasm;    /* the module bytes */
    size_t wasm_len;
    const char *manifest; /* manifest JSON text; NULL means "{}" */
    size_t manifest_len;
    int64_t budget;           /* microcents, for a fresh start */
    int64_t price;            /* microcents per second, for a fresh start */
    uint64_t tick_timeout_ns; /* 0 means IG_AGENT_TICK_TIMEOUT_NS */
    uint64_t log_lines;       /* per tick; 0 means IG_AGENT_LOG_LINES */
    uint64_t log_bytes;       /* per tick; 0 means IG_AGENT_LOG_BYTES */
};

/* What one tick did. */
struct ig_agent_tick_report {
    uint64_t tick;         /* the tick's number (first tick is 1) */
    uint64_t ns;           /* wall time of agent_tick, hostcalls included */
    int64_t cost;          /* microcents charged */
    int64_t budget;        /* microcents left */
    uint64_t fuel;         /* instructions plus hostcall charges */
    uint32_t observations; /* event log entries recorded */
    int more_work;         /* agent_tick returned non-zero */
    int trap;              /* 0, or the trap code of a failed tick */
};

/*
 * Load the module, parse the manifest (deny by default: an import it
 * does not grant fails here naming the import), check the memory cap
 * (a manifest may ask for less than 64 MiB, never more), instantiate in
 * a store of the agent's own, call _initialize when exported (never
 * _start) and check the required exports and their signatures. Nothing
 * is written to disk. On success *out is owned by the caller (free with
 * ig_agent_free). Errors, each with one line in err: IG_EWASM_*,
 * IG_EMANIFEST, IG_ECAP_DENIED, IG_EAGENT_MEMORY, IG_EABI (naming the
 * export), IG_EAGENT_ID, a trap code from _initialize, -ENOMEM.
 */
int ig_agent_new(const struct ig_agent_opts *o,
                 struct ig_agent **out,
                 char *err,
                 size_t errlen);

/*
 * Start the agent. With ckpt NULL: a fresh start (agent_init runs;
 * tick 0, the budget and price of the options). With a checkpoint blob:
 * verify it before anything runs (format; wasm hash ->
 * IG_ECKPT_WASM_HASH; v4 signature -> IG_ECKPT_SIGNATURE; its key must
 * be ident's -> IG_EKEY_MISMATCH), place the state with the guest's
 * malloc (0 -> IG_EAGENT_MALLOC) and call agent_resume(ptr, len), or
 * agent_resume(0, 0) for an empty state. The checkpoint's budget, price
 * and tick are taken over and the blob becomes the lineage parent of
 * the next checkpoint. ident is copied. Nothing is written to disk.
 */
int ig_agent_start(struct ig_agent *a,
                   const struct ig_identity *ident,
                   const uint8_t *ckpt,
                   size_t ckpt_len,
                   char *err,
                   size_t errlen);

/*
 * Write the identity given to ig_agent_start as <id>.identity (0600)
 * just before the next checkpoint is committed, so a new agent that
 * never commits anything leaves no file behind.
 */
void ig_agent_save_identity_on_commit(struct ig_agent *a);

/*
 * The checks ig_agent_start makes on a checkpoint, for a caller that
 * wants them before loading anything: the format, that the wasm whose
 * SHA-256 is wasm_hash made it (IG_ECKPT_WASM_HASH), and for v4 its
 * signature (IG_ECKPT_SIGNATURE) and that pubkey signed it
 * (IG_EKEY_MISMATCH; NULL skips this). *out gets the header; its state
 * borrows blob.
 */
int ig_agent_check_checkpoint(const uint8_t *wasm_hash,
                              const uint8_t *pubkey,
                              const uint8_t *blob,
                              size_t len,
                              struct ig_ckpt *out,
                              char *err,
                              size_t errlen);

/* Override the budget or price taken from a checkpoint (e.g. by a
 * command-line flag). Negative values are refused with -EINVAL. */
int ig_agent_set_budget(struct ig_agent *a, int64_t budget);
int ig_agent_set_price(struct ig_agent *a, int64_t price);

/*
 * Run one tick: refuse with IG_EBUDGET when the budget is <= 0; set the
 * tick deadline and reset fuel; call agent_tick; charge the wall time
 * (clamped to what is left, so the budget never goes negative). A trap
 * is returned as its code with r->trap set; the agent must then not be
 * checkpointed again (its state may be half updated). r is filled in
 * either case.
 */
int ig_agent_tick(struct ig_agent *a,
                  struct ig_agent_tick_report *r,
                  char *err,
                  size_t errlen);

/*
 * Capture the state (agent_checkpoint, agent_checkpoint_ptr,
 * bounds-checked: IG_EABI when out of linear memory), build a signed v4
 * checkpoint chained to the previous one, and commit it through the
 * store (atomic write plus history archive). Nothing is committed on
 * any error. When no tick ran since the last commit there is nothing
 * new and 0 is returned without writing (*wrote = 0). Refused with
 * IG_ESTATE after a trapped tick.
 */
int ig_agent_checkpoint(struct ig_agent *a,
                        int *wrote,
                        char *err,
                        size_t errlen);

/* Accessors. */
const char *ig_agent_id(const struct ig_agent *a);
int64_t ig_agent_budget(const struct ig_agent *a);
int64_t ig_agent_price(const struct ig_agent *a);
uint64_t ig_agent_tick_number(const struct ig_agent *a);
const uint8_t *ig_agent_pubkey(const struct ig_agent *a);
/* Tick of the last committed (or resumed) checkpoint; 0 if none. */
uint64_t ig_agent_committed_tick(const struct ig_agent *a);
int ig_agent_has_committed(const struct ig_agent *a);

/* Free a and everything its store holds (NULL is fine). */
void ig_agent_free(struct ig_agent *a);

#endif
