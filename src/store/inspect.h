/* SPDX-License-Identifier: MIT */
/* The checkpoint inspector (`igord inspect`): decode one checkpoint,
 * check its signature and optionally its wasm, and print a report. */
#ifndef IG_STORE_INSPECT_H
#define IG_STORE_INSPECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/ckpt.h"

/* Bytes of state shown in the hex dump. */
#define IG_INSPECT_DUMP_MAX 256

/* What ig_inspect found; ck.state borrows from the inspected blob. */
struct ig_inspect {
    struct ig_ckpt ck;
    size_t total_len;
    int sig_valid;         /* v4 only: 1 valid, 0 invalid */
    int wasm_checked;      /* a wasm binary was given */
    int wasm_match;        /* its SHA-256 equals ck.wasm_hash */
    const char *wasm_path; /* borrowed, for the report */
};

/*
 * Decode blob[0, len) into *out and verify its signature (v4). When
 * wasm is non-NULL, compare SHA-256(wasm[0, wasm_len)) with the
 * header's hash (wasm_path is only used in the report). blob and
 * wasm_path must outlive *out. A bad signature or wasm mismatch is not
 * an error (the report shows it). Errors: the checkpoint parse errors
 * (detail in err), -ENOMEM.
 */
int ig_inspect(const uint8_t *blob,
               size_t len,
               const uint8_t *wasm,
               size_t wasm_len,
               const char *wasm_path,
               struct ig_inspect *out,
               char *err,
               size_t errlen);

/*
 * Print the report: version, budget, price, tick, wasm hash, epoch and
 * lease (v3+), identity, previous hash, signature, DID (v4), sizes, the
 * wasm check when done, and a hex dump of the first 256 state bytes.
 */
void ig_inspect_print(FILE *f, const struct ig_inspect *in);

#endif
