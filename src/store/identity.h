/* SPDX-License-Identifier: MIT */
/* The agent identity: an Ed25519 key pair and its 68-byte file format
 * (u32 LE 64, then the 64-byte secret seed || public key). */
#ifndef IG_STORE_IDENTITY_H
#define IG_STORE_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#define IG_IDENTITY_FILE_LEN 68
#define IG_IDENTITY_SECRET_LEN 64
#define IG_IDENTITY_PUBKEY_LEN 32
#define IG_IDENTITY_SEED_LEN 32

/*
 * secret is libsodium's (and Go's) Ed25519 private key layout, seed ||
 * public key; pubkey repeats its last 32 bytes. Wipe with
 * ig_identity_wipe when done.
 */
struct ig_identity {
    uint8_t secret[IG_IDENTITY_SECRET_LEN];
    uint8_t pubkey[IG_IDENTITY_PUBKEY_LEN];
};

/*
 * Decode an identity file image buf[0, len), exactly 68 bytes: trailing
 * bytes are refused ("identity file has N trailing bytes"), where the
 * reference ignores them. The public key (bytes 36..68 of
 * the file) must equal the key derived from the seed; a file where they
 * differ is refused, since it would sign checkpoints nobody can verify.
 * Errors: IG_EIDENTITY with the reason in err, IG_ECRYPTO.
 */
int ig_identity_parse(const uint8_t *buf,
                      size_t len,
                      struct ig_identity *out,
                      char *err,
                      size_t errlen);

/* Encode id as the 68-byte file image. */
void ig_identity_encode(const struct ig_identity *id,
                        uint8_t out[IG_IDENTITY_FILE_LEN]);

/* Fresh random key pair from libsodium. 0 or IG_ECRYPTO. */
int ig_identity_generate(struct ig_identity *out);

/* Key pair from a 32-byte seed (deterministic). 0 or IG_ECRYPTO. */
int ig_identity_from_seed(const uint8_t seed[IG_IDENTITY_SEED_LEN],
                          struct ig_identity *out);

/*
 * Read and decode the identity file at path. Missing file ->
 * IG_ENOTFOUND; read errors -> -errno; bad contents -> IG_EIDENTITY.
 */
int ig_identity_load(const char *path,
                     struct ig_identity *out,
                     char *err,
                     size_t errlen);

/* ig_identity_load that keeps the file open when it decodes: *fd (the
 * caller closes it; -1 on any error) is the file the key came from. */
int ig_identity_load_keep(const char *path,
                          struct ig_identity *out,
                          int *fd,
                          char *err,
                          size_t errlen);

/*
 * Write id to path atomically with mode 0600 (an existing file is
 * replaced, so a wider mode does not survive). Errors as
 * ig_atomic_file_replace.
 */
int ig_identity_save(const char *path,
                     const struct ig_identity *id,
                     char *err,
                     size_t errlen);

/* Zero the key material in id. */
void ig_identity_wipe(struct ig_identity *id);

#endif
