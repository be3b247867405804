/* SPDX-License-Identifier: MIT */
/* The checkpoint codec: parse v2/v3/v4 headers, build and sign v4
 * checkpoints, verify their signature, and hash them for lineage. */
#ifndef IG_STORE_CKPT_H
#define IG_STORE_CKPT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Layout (all integers little-endian):
 *   0 version u8 | 1 budget i64 | 9 price/s i64 | 17 tick u64 |
 *   25 wasm sha256 [32] | 57 major u64 | 65 lease gen u64 |
 *   73 lease expiry i64 | 81 prev sha256 [32] | 113 pubkey [32] |
 *   145 signature [64] | header end: state.
 * v2 stops at 57, v3 at 81, v4 at 209.
 */
#define IG_CKPT_V2 2
#define IG_CKPT_V3 3
#define IG_CKPT_V4 4
#define IG_CKPT_HDR_V2 57
#define IG_CKPT_HDR_V3 81
#define IG_CKPT_HDR_V4 209
#define IG_CKPT_TICK_OFF 17
#define IG_CKPT_PUBKEY_OFF 113
#define IG_CKPT_SIG_OFF 145
#define IG_CKPT_HASH_LEN 32
#define IG_CKPT_PUBKEY_LEN 32
#define IG_CKPT_SECRET_LEN 64
#define IG_CKPT_SIG_LEN 64

/*
 * Largest state igord writes or reads: the whole 64 MiB linear memory
 * an agent may have. IG_CKPT_MAX_FILE bounds a checkpoint file read.
 */
#define IG_CKPT_MAX_STATE (64u * 1024 * 1024)
#define IG_CKPT_MAX_FILE (IG_CKPT_MAX_STATE + IG_CKPT_HDR_V4)

/*
 * A decoded checkpoint. Fields a version lacks are zero. state borrows
 * from the buffer that was parsed (or that the caller set before
 * building): it is never owned by the struct.
 */
struct ig_ckpt {
    uint8_t version;
    int64_t budget; /* microcents, never negative */
    int64_t price;  /* microcents per second, never negative */
    uint64_t tick;
    uint8_t wasm_hash[IG_CKPT_HASH_LEN];
    uint64_t major;                      /* authority epoch (v3+) */
    uint64_t lease_gen;                  /* (v3+) */
    int64_t lease_expiry;                /* unix ns, 0 = no lease (v3+) */
    uint8_t prev_hash[IG_CKPT_HASH_LEN]; /* zero at genesis (v4) */
    uint8_t pubkey[IG_CKPT_PUBKEY_LEN];  /* agent Ed25519 key (v4) */
    uint8_t signature[IG_CKPT_SIG_LEN];  /* (v4) */
    const uint8_t *state;
    size_t state_len;
};

/* Header length of version v (57, 81, 209), or IG_ECKPT_VERSION. */
int ig_ckpt_header_len(unsigned v);

/*
 * Decode the checkpoint in buf[0, len). On success *out holds every
 * header field and out->state points into buf (so buf must outlive
 * it). Nothing is verified beyond the format; use ig_ckpt_verify for
 * the signature. Errors, with a one-line detail in err:
 *   IG_ECKPT_SHORT     empty, or shorter than the version's header
 *                      ("need N bytes, have M")
 *   IG_ECKPT_VERSION   version byte not 2, 3 or 4
 *   IG_ECKPT_NEGATIVE  budget or price below zero
 */
int ig_ckpt_parse(const uint8_t *buf,
                  size_t len,
                  struct ig_ckpt *out,
                  char *err,
                  size_t errlen);

/* Total encoded size of c (header of c->version plus state), or 0 for
 * an unknown version or a state over IG_CKPT_MAX_STATE. */
size_t ig_ckpt_encoded_len(const struct ig_ckpt *c);

/*
 * Encode c as its version's header followed by c->state into out
 * (outlen >= ig_ckpt_encoded_len(c)). The signature field is written as
 * it is in c; nothing is signed. Returns 0 and the byte count in
 * *written, or IG_ECKPT_VERSION, IG_ECKPT_NEGATIVE, IG_ETOOBIG (state
 * over IG_CKPT_MAX_STATE), -ENOSPC.
 */
int ig_ckpt_encode(const struct ig_ckpt *c,
                   uint8_t *out,
                   size_t outlen,
                   size_t *written);

/*
 * Build a signed v4 checkpoint from c and the agent's 64-byte Ed25519
 * secret key (seed || public key, the identity file's layout). Sets
 * c->version = 4, c->pubkey = secret[32..64] and c->signature. The
 * signature is Ed25519 over bytes [0,145) followed by the state, so it
 * is deterministic. *out is allocated with malloc and owned by the
 * caller; *outlen is its size. Errors: IG_ECKPT_NEGATIVE, IG_ETOOBIG,
 * -ENOMEM, IG_ECRYPTO.
 */
int ig_ckpt_build_v4(struct ig_ckpt *c,
                     const uint8_t *secret,
                     uint8_t **out,
                     size_t *outlen);

/*
 * Verify the Ed25519 signature of the v4 checkpoint blob[0, len)
 * against the public key it embeds. Returns 0 when valid,
 * IG_ECKPT_SIGNATURE when not, IG_EUNSUPPORTED for a v2/v3 blob (they
 * carry no signature), a parse error for a malformed blob, or -ENOMEM.
 */
int ig_ckpt_verify(const uint8_t *blob, size_t len, char *err, size_t errlen);

/* SHA-256 of the complete checkpoint blob: the value the next
 * checkpoint carries as prev_hash. */
void ig_ckpt_content_hash(const uint8_t *blob,
                          size_t len,
                          uint8_t out[IG_CKPT_HASH_LEN]);

/* SHA-256 of a wasm binary, as stored in wasm_hash. */
void ig_ckpt_wasm_hash(const uint8_t *wasm,
                       size_t len,
                       uint8_t out[IG_CKPT_HASH_LEN]);

/* Internal: sodium_init() once; 0 or IG_ECRYPTO. Every store function
 * that calls libsodium goes through it. */
int ig_ckpt__sodium_init(void);

#endif
