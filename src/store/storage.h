/* SPDX-License-Identifier: MIT */
/* The checkpoint directory: <dir>/<id>.checkpoint, <id>.identity (0600),
 * <id>.receipts and history/<id>/<tick %010d>.ckpt (every committed
 * checkpoint, or the newest N), all written atomically, every path built
 * from a validated agent ID. */
#ifndef IG_STORE_STORAGE_H
#define IG_STORE_STORAGE_H

#include <stddef.h>
#include <stdint.h>

#include "store/identity.h"

/* Skip fsync in every write (benchmarks only). */
#define IG_STORE_NOSYNC 1u

/* Default checkpoint directory of the CLI. */
#define IG_STORE_DEFAULT_DIR "checkpoints"

/* An open checkpoint directory (opaque). */
struct ig_store;

/* The files kept per agent; IG_STORE_HISTORY names a directory. */
enum ig_store_file {
    IG_STORE_CHECKPOINT,
    IG_STORE_IDENTITY,
    IG_STORE_RECEIPTS,
    IG_STORE_HISTORY,
    IG_STORE_LOCK, /* <id>.lock: see store/agentlock.h */
};

/*
 * Open (creating, mode 0755, with parents) the checkpoint directory dir
 * and remove stale temp files that crashed writers left in it and in
 * its history directories. *out is owned by the caller; free it with
 * ig_store_close. Errors: -errno (detail in err), -ENOMEM.
 */
int ig_store_open(const char *dir,
                  unsigned flags,
                  struct ig_store **out,
                  char *err,
                  size_t errlen);

/* Free s (NULL is fine). Files are not touched. */
void ig_store_close(struct ig_store *s);

/* The directory s was opened on (owned by s). */
const char *ig_store_dir(const struct ig_store *s);

/*
 * Build the path of file f for agent id into out. The ID is validated
 * first (IG_EAGENT_ID); -ENAMETOOLONG when out is too small.
 */
int ig_store_path(const struct ig_store *s,
                  const char *id,
                  enum ig_store_file f,
                  char *out,
                  size_t outlen,
                  char *err,
                  size_t errlen);

/*
 * Commit blob as the agent's checkpoint: archive it as
 * history/<id>/<tick>.ckpt first, then replace <id>.checkpoint, both
 * atomically, so a crash between the two leaves a history entry that
 * chains to the current checkpoint (ig_store_recover completes it).
 * The blob must parse (its tick names the archive file). An archive
 * file already present with the same bytes is kept. One with other
 * bytes that is a save of this agent at that tick (same prev hash,
 * validly signed by blob's key) is a fork: nothing is written and
 * IG_EEXISTS is returned, err saying so. Anything else there (junk,
 * another key, a bad signature, another chain) is renamed
 * <entry>.rejected (.rejected.N when taken) and the commit goes on;
 * what (may be NULL) gets one line naming both files ("" when nothing
 * was moved; callers should show it whenever it is not empty). When
 * replacing the current file fails, the archive entry this call wrote
 * is removed again, so on any error nothing is committed. Other
 * errors: IG_EAGENT_ID, checkpoint parse errors, -errno with the
 * failed step in err.
 */
int ig_store_commit(struct ig_store *s,
                    const char *id,
                    const uint8_t *blob,
                    size_t len,
                    char *what,
                    size_t whatlen,
                    char *err,
                    size_t errlen);

/* ig_store_commit without the note of what was moved aside. */
int ig_store_save_checkpoint(struct ig_store *s,
                             const char *id,
                             const uint8_t *blob,
                             size_t len,
                             char *err,
                             size_t errlen);

/*
 * Read the current checkpoint of id into a malloc'd buffer owned by
 * the caller. The bytes are not parsed. Missing -> IG_ENOTFOUND;
 * larger than IG_CKPT_MAX_FILE -> IG_ETOOBIG; -errno.
 */
int ig_store_load_checkpoint(struct ig_store *s,
                             const char *id,
                             uint8_t **blob,
                             size_t *len,
                             char *err,
                             size_t errlen);

/* Replace the receipts file of id atomically (mode 0644). */
int ig_store_save_receipts(struct ig_store *s,
                           const char *id,
                           const uint8_t *data,
                           size_t len,
                           char *err,
                           size_t errlen);

/* Read the receipts file of id (malloc'd, caller owns). Missing ->
 * IG_ENOTFOUND. */
int ig_store_load_receipts(struct ig_store *s,
                           const char *id,
                           uint8_t **data,
                           size_t *len,
                           char *err,
                           size_t errlen);

/*
 * Load <id>.identity and, once it has decoded, tighten its mode to 0600
 * (fchmod on the descriptor it was read from) when it was wider; then
 * *was_mode (may be NULL) gets the old mode, else 0. A file that does
 * not load keeps its mode. Missing -> IG_ENOTFOUND, but a symlink to
 * a missing file -> IG_EEXISTS (err names link and target); bad ->
 * IG_EIDENTITY; not a regular file -> -EINVAL; fchmod failure -errno.
 */
int ig_store_load_identity(struct ig_store *s,
                           const char *id,
                           struct ig_identity *out,
                           unsigned *was_mode,
                           char *err,
                           size_t errlen);

/* Save <id>.identity atomically with mode 0600. */
int ig_store_save_identity(struct ig_store *s,
                           const char *id,
                           const struct ig_identity *ident,
                           char *err,
                           size_t errlen);

/*
 * Load the identity of id, or generate and save a new one when there is
 * none (*created = 1). Unlike the reference, a corrupt identity file is
 * not silently replaced: it returns IG_EIDENTITY, since replacing it
 * would change the agent's identity, nor is a symlink to a missing file
 * (IG_EEXISTS). An existing file with a mode wider
 * than 0600 is tightened to 0600.
 */
int ig_store_identity(struct ig_store *s,
                      const char *id,
                      struct ig_identity *out,
                      int *created,
                      char *err,
                      size_t errlen);

/*
 * The highest tick among the history entries of id (by file name).
 * None -> IG_ENOTFOUND; IG_EAGENT_ID; -errno.
 */
int ig_store_history_newest(struct ig_store *s,
                            const char *id,
                            uint64_t *tick,
                            char *err,
                            size_t errlen);

/*
 * Keep only the newest keep history entries of each agent saved through
 * s: after every successful ig_store_save_checkpoint the older entries
 * are removed (ig_store_prune_history; a failed removal does not fail
 * the save and is retried by the next one). 0, the default, keeps every
 * entry, as the reference does.
 */
void ig_store_set_history_keep(struct ig_store *s, uint64_t keep);

/*
 * Remove the history entries of id but the newest keep ones and the
 * entry of tick current (the current checkpoint's, never removed).
 * Entries named for a tick after current are no save of this history:
 * they are neither counted nor removed.
 * keep 0 removes nothing. Errors: IG_EAGENT_ID, -ENOMEM, -errno of the
 * first removal that failed (the others are still tried).
 */
int ig_store_prune_history(struct ig_store *s,
                           const char *id,
                           uint64_t keep,
                           uint64_t current,
                           char *err,
                           size_t errlen);

/*
 * Repair what an interrupted save left for agent id, so its history
 * verifies and its next save does not collide: when the newest history
 * entry is newer than <id>.checkpoint, is signed, and its prev hash is
 * the SHA-256 of the current file (zero when there is none), the save
 * died between its writes and the entry becomes current, provided its
 * key is the current checkpoint's and, when <id>.identity loads, the
 * identity's (with neither, nothing vouches for it). An entry signed by
 * another key is a forgery: it is renamed <entry>.rejected, the current
 * checkpoint is left as it is, and what says so naming the file. Then,
 * when the current checkpoint has no history entry for its tick, it is
 * written from the current file. what gets one line saying what was
 * done or refused ("" if nothing; callers should show it whenever it is
 * not empty). Returns 1 after a repair, 0 when none was made, or an
 * error (-errno, IG_EAGENT_ID, -ENOMEM).
 */
int ig_store_recover(struct ig_store *s,
                     const char *id,
                     char *what,
                     size_t whatlen,
                     char *err,
                     size_t errlen);

/* Test hook: make every save fail (-EIO) or kill the process (SIGKILL)
 * after its history archive and before the current checkpoint. */
enum ig_store_hook {
    IG_STORE_HOOK_NONE,
    IG_STORE_HOOK_FAIL,
    IG_STORE_HOOK_CRASH,
};
void ig_store__hook_between(enum ig_store_hook h);

/*
 * Remove file f of agent id (for IG_STORE_HISTORY: nothing, history is
 * only ever pruned entry by entry (ig_store_prune_history), returns
 * IG_EUNSUPPORTED; IG_STORE_LOCK likewise, as a lock file must never be
 * unlinked while someone may hold it). A missing file is not an error.
 */
int ig_store_remove(struct ig_store *s,
                    const char *id,
                    enum ig_store_file f,
                    char *err,
                    size_t errlen);

#endif
