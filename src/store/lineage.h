/* SPDX-License-Identifier: MIT */
/* Lineage verification of a checkpoint history (`igord verify`): ticks
 * rise, every v4 signature holds, each prev_hash is the SHA-256 of the
 * file before it, and the agent key never changes. */
#ifndef IG_STORE_LINEAGE_H
#define IG_STORE_LINEAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/ckpt.h"
#include "store/did.h"

/* A run of consecutive checkpoints made by the same wasm binary. */
struct ig_lineage_segment {
    uint8_t wasm_hash[IG_CKPT_HASH_LEN];
    uint64_t first_tick;
    uint64_t last_tick;
    size_t count;
};

/*
 * What verification found. checkpoints counts files that parsed;
 * errors are one-line messages naming the file or tick. Free the
 * arrays with ig_lineage_report_free.
 */
struct ig_lineage_report {
    size_t files;          /* *.ckpt files examined */
    size_t checkpoints;    /* of which parsed */
    size_t signatures;     /* v4 signatures verified */
    size_t unsigned_count; /* v2/v3 entries: each one is an error */
    int have_key;          /* pubkey/did come from the first v4 file */
    uint8_t pubkey[IG_CKPT_PUBKEY_LEN];
    char did[IG_DID_MAX];
    uint64_t first_tick;
    uint64_t last_tick;
    struct ig_lineage_segment *segments;
    size_t nsegments;
    char **errors;
    size_t nerrors;
    int valid;         /* no errors and at least one checkpoint */
    int after_genesis; /* the first checkpoint's prev_hash is not zero:
                        * older entries were pruned or live elsewhere */

    /* Progress of an incremental verification (not for callers). */
    int have_prev;
    uint64_t prev_tick;
    uint8_t prev_hash[IG_CKPT_HASH_LEN];
    char *prev_name; /* the previous entry's name, for messages */
};

/*
 * Verify every *.ckpt file of the given directories as one lineage.
 * With two or more directories (the histories of the machines an agent
 * lived on) the files are merged by name; the same tick present in two
 * places with identical bytes counts once, with different bytes it is
 * reported as a fork. Rules, per file in tick order: it parses (else an
 * error, and the file is skipped); its tick is above the previous one;
 * it is v4 (an unsigned v2/v3 entry anywhere, the first included, is
 * counted and reported: nothing vouches for it); its signature
 * verifies; for every file but the first, prev_hash is the SHA-256 of
 * the previous file and the public key is the first file's. The first
 * file's prev_hash is not checked (history may start after genesis). A
 * *.ckpt entry that is not a regular file (symlink, FIFO, directory) is
 * an error, not read.
 *
 * Returns 0 when the lineage is valid, IG_ECHAIN when it is not (the
 * report says why), IG_ENOTFOUND when no *.ckpt entry exists, -errno or
 * -ENOMEM for I/O (err tells which path). r is filled in every case
 * but the last ones and must be freed with ig_lineage_report_free.
 */
int ig_lineage_verify_dirs(const char *const *dirs,
                           size_t ndirs,
                           struct ig_lineage_report *r,
                           char *err,
                           size_t errlen);

/* ig_lineage_verify_dirs on one directory. */
int ig_lineage_verify(const char *dir,
                      struct ig_lineage_report *r,
                      char *err,
                      size_t errlen);

/*
 * Incremental form, for checkpoints that are not in files: begin,
 * add each blob in tick order (name is used in messages; the blob is
 * only borrowed during the call), then end. ig_lineage_add returns 0 or
 * -ENOMEM; ig_lineage_end returns 0 or IG_ECHAIN like verify.
 */
void ig_lineage_begin(struct ig_lineage_report *r);
int ig_lineage_add(struct ig_lineage_report *r,
                   const char *name,
                   const uint8_t *blob,
                   size_t len);
int ig_lineage_end(struct ig_lineage_report *r);

/* Print r in the verifier's report layout (header, agent, key, count,
 * tick range, segments, VALID/INVALID with each error). */
void ig_lineage_print(FILE *f, const struct ig_lineage_report *r);

/* Free the arrays of r and zero it (r itself is the caller's). */
void ig_lineage_report_free(struct ig_lineage_report *r);

#endif
