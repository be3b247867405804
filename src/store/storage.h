/* SPDX-License-Identifier: MIT */
/* The checkpoint directory: <dir>/<id>.checkpoint, <id>.identity (0600),
 * <id>.receipts and history/<id>/<tick %010d>.ckpt, all written
 * atomically, every path built from a validated agent ID. */
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
 * Commit blob as the agent's current checkpoint (atomic replace), then
 * archive the same bytes as history/<id>/<tick>.ckpt (atomic too). The
 * blob must parse as a checkpoint (its tick names the archive file).
 * If the archive already holds a file for that tick with the same
 * bytes, nothing more is done; with different bytes it is left alone
 * and IG_EEXISTS is returned *after* the current checkpoint has been
 * committed (callers should not re-sign a checkpoint for a tick that
 * did not advance; save the same blob again instead). Other errors:
 * IG_EAGENT_ID, checkpoint parse errors (nothing written), -errno
 * with the failed step in err.
 */
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

/* Load <id>.identity, tightening its mode to 0600 when it was wider.
 * Missing -> IG_ENOTFOUND; bad -> IG_EIDENTITY; chmod failure -errno. */
int ig_store_load_identity(struct ig_store *s,
                           const char *id,
                           struct ig_identity *out,
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
 * would change the agent's identity. An existing file with a mode wider
 * than 0600 is tightened to 0600.
 */
int ig_store_identity(struct ig_store *s,
                      const char *id,
                      struct ig_identity *out,
                      int *created,
                      char *err,
                      size_t errlen);

/*
 * Remove file f of agent id (for IG_STORE_HISTORY: nothing, history is
 * kept forever, returns IG_EUNSUPPORTED; IG_STORE_LOCK likewise, as a
 * lock file must never be unlinked while someone may hold it). A missing file
 * is not an error.
 */
int ig_store_remove(struct ig_store *s,
                    const char *id,
                    enum ig_store_file f,
                    char *err,
                    size_t errlen);

#endif
