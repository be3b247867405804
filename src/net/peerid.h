/* SPDX-License-Identifier: MIT */
/* libp2p identities: the PublicKey protobuf, peer IDs (multihash of that
 * protobuf, base58btc text), and the node's Ed25519 key file. */
#ifndef IG_NET_PEERID_H
#define IG_NET_PEERID_H

#include <stddef.h>
#include <stdint.h>

/* Largest peer ID multihash we hold (identity of a 42-byte key + 2). */
#define IG_PEERID_MAX 48
/* Longest peer ID text plus NUL. */
#define IG_PEERID_STRMAX 72
/* Length of the protobuf PublicKey of an Ed25519 key. */
#define IG_PUBKEY_PB_LEN 36
/* libp2p KeyType for Ed25519. */
#define IG_KEYTYPE_ED25519 1
/* File name of the node key inside a data directory. */
#define IG_NODEKEY_FILE "node.key"

/* A peer ID: the raw multihash bytes (identity 0x00 or sha2-256 0x12). */
struct ig_peerid {
    size_t len;
    uint8_t bytes[IG_PEERID_MAX];
};

/* The node's libp2p identity: Ed25519 secret (seed || public key). */
struct ig_nodekey {
    uint8_t sk[64];
    uint8_t pk[32];
    struct ig_peerid id;
};

/* Write the PublicKey protobuf of an Ed25519 key (36 bytes) into out. */
void ig_pubkey_encode(const uint8_t pk[32], uint8_t out[IG_PUBKEY_PB_LEN]);

/*
 * Decode a PublicKey protobuf and return its Ed25519 key in pk. Returns 0,
 * IG_EPROTOBUF for a malformed message, IG_EUNSUPPORTED for another key
 * type (RSA, secp256k1, ECDSA), or IG_EFORMAT when Data is not 32 bytes.
 */
int ig_pubkey_decode(const uint8_t *buf,
                     size_t len,
                     uint8_t pk[32],
                     char *err,
                     size_t errlen);

/* The peer ID of an Ed25519 key: identity multihash of its protobuf. */
void ig_peerid_from_pubkey(const uint8_t pk[32], struct ig_peerid *id);

/*
 * Take a binary peer ID (a multihash). Accepts identity (any length up
 * to IG_PEERID_MAX - 2) and sha2-256 (32 bytes). Returns 0 or IG_EFORMAT.
 */
int ig_peerid_from_bytes(const uint8_t *buf,
                         size_t len,
                         struct ig_peerid *id,
                         char *err,
                         size_t errlen);

/*
 * Parse the base58btc text form ("12D3KooW...", "Qm..."); len bytes of s
 * (no NUL needed). Returns 0 or IG_EFORMAT.
 */
int ig_peerid_parse(const char *s,
                    size_t len,
                    struct ig_peerid *id,
                    char *err,
                    size_t errlen);

/* Print id as base58btc into out; returns the length or -ENOSPC. */
int ig_peerid_format(const struct ig_peerid *id, char *out, size_t outlen);

/* 1 when a and b are the same bytes, else 0. */
int ig_peerid_equal(const struct ig_peerid *a, const struct ig_peerid *b);

/*
 * 1 when id names the Ed25519 key pk, in either the identity or the
 * sha2-256 form, else 0.
 */
int ig_peerid_matches(const struct ig_peerid *id, const uint8_t pk[32]);

/*
 * Recover the Ed25519 key embedded in an identity peer ID. Returns 0,
 * IG_EUNSUPPORTED for a sha2-256 ID or another key type, or an error of
 * ig_pubkey_decode.
 */
int ig_peerid_pubkey(const struct ig_peerid *id, uint8_t pk[32]);

/* Derive a node key from a 32-byte Ed25519 seed (deterministic). */
void ig_nodekey_from_seed(const uint8_t seed[32], struct ig_nodekey *k);

/* Make a fresh random node key. Returns 0, or IG_ECRYPTO when libsodium
 * cannot initialise. */
int ig_nodekey_generate(struct ig_nodekey *k);

/*
 * Read a node key file: u32 LE 64, then the 64-byte Ed25519 secret (the
 * identity-file layout of the project). The public half must match the
 * seed. Returns 0, -ENOENT when absent, -errno, or IG_EIDENTITY.
 */
int ig_nodekey_load(const char *path,
                    struct ig_nodekey *k,
                    char *err,
                    size_t errlen);

/* Create path holding k, mode 0600, crash-safe. It never replaces what
 * is there, a dangling symlink included: -EEXIST. Returns 0 or -errno. */
int ig_nodekey_save(const char *path, const struct ig_nodekey *k);

/*
 * Load dir/node.key, or create it with a fresh key when absent. *created
 * (may be NULL) is set to 1 when a new key was made. A present but
 * malformed file is an error (IG_EIDENTITY), never silently replaced,
 * since that would change the node's identity; so is a node.key that is
 * a dangling symlink (IG_EEXISTS). A loaded key whose mode is not 0600
 * is set to 0600 through the descriptor it was read from, as an agent's
 * identity file is; *was_mode (may be NULL) then gets the old mode, and
 * 0 otherwise, so the caller can warn.
 */
int ig_nodekey_load_or_create(const char *dir,
                              struct ig_nodekey *k,
                              int *created,
                              unsigned *was_mode,
                              char *err,
                              size_t errlen);

#endif
