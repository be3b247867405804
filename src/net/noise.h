/* SPDX-License-Identifier: MIT */
/* libp2p Noise (Noise_XX_25519_ChaChaPoly_SHA256) as a sans-IO state
 * machine: the handshake with signed identity payloads and early muxer
 * negotiation, then framed transport encryption in both directions. */
#ifndef IG_NET_NOISE_H
#define IG_NET_NOISE_H

#include <stddef.h>
#include <stdint.h>

#include "net/peerid.h"

/* The multistream protocol ID of this security transport. */
#define IG_NOISE_PROTOCOL "/noise"
/* Largest Noise message (a frame body after its 2-byte length). */
#define IG_NOISE_MSG_MAX 65535
/* Poly1305 tag length. */
#define IG_NOISE_TAG 16
/* Largest plaintext in one transport frame. */
#define IG_NOISE_PLAIN_MAX (IG_NOISE_MSG_MAX - IG_NOISE_TAG)
/* Early muxer names: how many and how long each, either direction. */
#define IG_NOISE_MAX_MUXERS 8
#define IG_NOISE_MUXER_MAX 64

struct ig_noise;

struct ig_noise_config {
    int initiator;              /* 1 for the dialer, 0 for the listener */
    const uint8_t *identity_sk; /* 64-byte Ed25519 secret; copied */
    /* Refuse the handshake unless the remote is this peer (NULL: any). */
    const struct ig_peerid *expected;
    /* Muxers offered in the handshake, best first (may be empty). */
    const char *const *muxers;
    size_t nmuxers;
};

/*
 * Start a handshake. *out owns about 66 KiB (one full frame of receive
 * buffer); free it with ig_noise_free. The initiator's first message is
 * queued for output at once. Returns 0, -ENOMEM, IG_ECRYPTO (libsodium
 * could not start) or IG_EUSAGE for a bad config (no key, too many or
 * too long muxer names).
 */
int ig_noise_new(const struct ig_noise_config *cfg, struct ig_noise **out);

/* Wipe the keys and free nz; NULL is fine. */
void ig_noise_free(struct ig_noise *nz);

/*
 * Consume bytes from the peer, in any split. During the handshake this
 * reads handshake messages and queues the replies; afterwards it
 * decrypts transport frames. It stops after each decrypted frame until
 * its plaintext is consumed, so *used may be less than len. Returns 0 or,
 * fatally for the connection: IG_ENOISE (bad handshake message, bad
 * payload signature, unsupported key type, no common muxer), IG_EPEERID
 * (remote is not the expected peer), IG_EDECRYPT (a frame failed
 * authentication), IG_ELIMIT (nonce space exhausted). Errors stick.
 */
int ig_noise_input(struct ig_noise *nz,
                   const uint8_t *in,
                   size_t len,
                   size_t *used,
                   char *err,
                   size_t errlen);

/*
 * ig_noise_input for a caller that owns a writable input buffer: once
 * the handshake is done and no frame or plaintext is pending, a whole
 * transport frame at the start of in is decrypted where it lies, and
 * the plaintext pointer then points into in. The caller keeps those
 * bytes unchanged until it consumed the plaintext. A transport frame
 * cut short is not taken (*used 0): the caller presents it again with
 * more bytes. During the handshake, and after an error, it behaves as
 * ig_noise_input.
 */
int ig_noise_input_inplace(struct ig_noise *nz,
                           uint8_t *in,
                           size_t len,
                           size_t *used,
                           char *err,
                           size_t errlen);

/*
 * Bytes of an incomplete frame held inside nz (0 between frames). A
 * caller can time how long this stays non-zero to drop a peer that
 * stalls in the middle of a frame.
 */
size_t ig_noise_partial(const struct ig_noise *nz);

/* Handshake bytes waiting to be sent (pointer into nz). The initiator's
 * last message is queued when the handshake completes: send it before
 * any sealed transport bytes. */
const uint8_t *ig_noise_output(const struct ig_noise *nz, size_t *len);

/* Drop the first n output bytes once they were written. */
void ig_noise_output_consume(struct ig_noise *nz, size_t n);

/* 1 once the handshake is complete (transport keys are ready). */
int ig_noise_done(const struct ig_noise *nz);

/* Decrypted bytes waiting for the caller (pointer into nz, or into the
 * buffer given to ig_noise_input_inplace). */
const uint8_t *ig_noise_plaintext(const struct ig_noise *nz, size_t *len);

/* Mark n plaintext bytes as read. */
void ig_noise_plaintext_consume(struct ig_noise *nz, size_t n);

/* Bytes ig_noise_seal writes for len plaintext bytes. */
size_t ig_noise_seal_bound(size_t len);

/*
 * Encrypt len bytes into out as one or more transport frames (length,
 * ciphertext, tag; at most IG_NOISE_PLAIN_MAX plaintext each). Returns
 * the byte count written (ig_noise_seal_bound(len)), -ENOSPC when outlen
 * is short, IG_ESTATE before the handshake is done, or IG_ELIMIT when the
 * nonce space is exhausted. len 0 writes nothing.
 */
int ig_noise_seal(struct ig_noise *nz,
                  const uint8_t *pt,
                  size_t len,
                  uint8_t *out,
                  size_t outlen);

/* The authenticated remote identity; valid once ig_noise_done. */
const struct ig_peerid *ig_noise_remote_peer(const struct ig_noise *nz);
const uint8_t *ig_noise_remote_pubkey(const struct ig_noise *nz);

/*
 * The muxer chosen in the handshake (first of the initiator's list that
 * both offered), or NULL when either side offered none, in which case
 * the muxer is negotiated with multistream-select after the handshake.
 */
const char *ig_noise_muxer(const struct ig_noise *nz);

/* Muxer names the remote offered (up to IG_NOISE_MAX_MUXERS). */
size_t ig_noise_remote_muxer_count(const struct ig_noise *nz);
const char *ig_noise_remote_muxer(const struct ig_noise *nz, size_t i);

#endif
