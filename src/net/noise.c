/* SPDX-License-Identifier: MIT */
/* Noise XX for libp2p. The symmetric state (ck, h, k, n) follows the
 * Noise specification; payloads carry the libp2p identity proof. */
#include "net/noise.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/buf.h"
#include "net/pb.h"
#include "util/err.h"

#define PROTOCOL_NAME "Noise_XX_25519_ChaChaPoly_SHA256"
#define SIG_PREFIX "noise-libp2p-static-key:"
#define HS_OUT_MAX 2048
#define DH_LEN 32

struct cipher {
    uint8_t k[32];
    uint64_t n;
    int has_k;
};

struct ig_noise {
    int initiator;
    int step; /* handshake messages processed or written so far */
    int done;
    int error; /* sticky failure */
    uint8_t ck[32], h[32];
    struct cipher cs, tx, rx;
    uint8_t e_sk[32], e_pk[32], s_sk[32], s_pk[32], re[32], rs[32];
    uint8_t id_sk[64], id_pk[32];
    int has_expected;
    struct ig_peerid expected, remote;
    uint8_t remote_pk[32];
    char mine[IG_NOISE_MAX_MUXERS][IG_NOISE_MUXER_MAX + 1];
    size_t nmine;
    char theirs[IG_NOISE_MAX_MUXERS][IG_NOISE_MUXER_MAX + 1];
    size_t ntheirs;
    int muxer; /* index into mine, -1 for none */
    uint8_t out[HS_OUT_MAX];
    size_t outlen;
    /* Undelivered plaintext at pt_base + pt_off: inside frame, or inside
     * the caller's buffer after ig_noise_input_inplace. */
    const uint8_t *pt_base;
    size_t pt_off, pt_len;
    size_t flen; /* bytes of the frame being assembled */
    uint8_t frame[2 + IG_NOISE_MSG_MAX];
};

/* ---- symmetric state ---- */

static void mix_hash(struct ig_noise *nz, const uint8_t *d, size_t len)
{
    crypto_hash_sha256_state st;

    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, nz->h, 32);
    crypto_hash_sha256_update(&st, d, len);
    crypto_hash_sha256_final(&st, nz->h);
}

static void hmac(const uint8_t key[32],
                 const uint8_t *a,
                 size_t alen,
                 const uint8_t *b,
                 size_t blen,
                 uint8_t out[32])
{
    crypto_auth_hmacsha256_state st;

    crypto_auth_hmacsha256_init(&st, key, 32);
    crypto_auth_hmacsha256_update(&st, a, alen);
    crypto_auth_hmacsha256_update(&st, b, blen);
    crypto_auth_hmacsha256_final(&st, out);
}

/* HKDF with two outputs, as Noise defines it over HMAC-SHA256. */
static void hkdf2(const uint8_t ck[32],
                  const uint8_t *ikm,
                  size_t len,
                  uint8_t o1[32],
                  uint8_t o2[32])
{
    uint8_t prk[32], one = 1, two = 2, t[32];

    hmac(ck, ikm, len, NULL, 0, prk);
    hmac(prk, &one, 1, NULL, 0, t);
    hmac(prk, t, 32, &two, 1, o2);
    memcpy(o1, t, 32);
    sodium_memzero(prk, sizeof(prk));
    sodium_memzero(t, sizeof(t));
}

static void mix_key(struct ig_noise *nz, const uint8_t dh[DH_LEN])
{
    hkdf2(nz->ck, dh, DH_LEN, nz->ck, nz->cs.k);
    nz->cs.n = 0;
    nz->cs.has_k = 1;
}

static void nonce(uint64_t n, uint8_t out[12])
{
    memset(out, 0, 4);
    for (int i = 0; i < 8; i++)
        out[4 + i] = (uint8_t)(n >> (8 * i));
}

/* Encrypt in place-safe form: out receives len + 16 bytes. */
static int encrypt(struct cipher *c,
                   const uint8_t *ad,
                   size_t adlen,
                   const uint8_t *pt,
                   size_t len,
                   uint8_t *out)
{
    uint8_t iv[12];

    if (c->n == UINT64_MAX)
        return IG_ELIMIT;
    nonce(c->n++, iv);
    crypto_aead_chacha20poly1305_ietf_encrypt_detached(
      out, out + len, NULL, pt, len, ad, adlen, NULL, iv, c->k);
    return 0;
}

/* Decrypt ct (len >= 16) into out (may equal ct); len - 16 bytes. */
static int decrypt(struct cipher *c,
                   const uint8_t *ad,
                   size_t adlen,
                   const uint8_t *ct,
                   size_t len,
                   uint8_t *out)
{
    uint8_t iv[12];

    if (len < IG_NOISE_TAG)
        return IG_EDECRYPT;
    if (c->n == UINT64_MAX)
        return IG_ELIMIT;
    nonce(c->n, iv);
    if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(out,
                                                           NULL,
                                                           ct,
                                                           len - IG_NOISE_TAG,
                                                           ct + len -
                                                             IG_NOISE_TAG,
                                                           ad,
                                                           adlen,
                                                           iv,
                                                           c->k) != 0)
        return IG_EDECRYPT;
    c->n++;
    return 0;
}

static int encrypt_and_hash(struct ig_noise *nz,
                            const uint8_t *pt,
                            size_t len,
                            uint8_t *out,
                            size_t *outlen)
{
    int rc = 0;

    if (!nz->cs.has_k) {
        memmove(out, pt, len);
        *outlen = len;
    }
    else {
        rc = encrypt(&nz->cs, nz->h, 32, pt, len, out);
        *outlen = len + IG_NOISE_TAG;
    }
    if (!rc)
        mix_hash(nz, out, *outlen);
    return rc;
}

/* Decrypt ct into out (out may equal ct); h is updated with ct first
 * saved, since mixing uses the ciphertext. */
static int decrypt_and_hash(struct ig_noise *nz,
                            uint8_t *ct,
                            size_t len,
                            size_t *ptlen)
{
    uint8_t h[32];
    int rc;

    if (!nz->cs.has_k) {
        mix_hash(nz, ct, len);
        *ptlen = len;
        return 0;
    }
    memcpy(h, nz->h, 32);
    mix_hash(nz, ct, len);
    rc = decrypt(&nz->cs, h, 32, ct, len, ct);
    *ptlen = len - IG_NOISE_TAG;
    return rc == IG_EDECRYPT ? IG_ENOISE : rc;
}

static int dh(const uint8_t sk[32], const uint8_t pk[32], uint8_t out[32])
{
    return crypto_scalarmult(out, sk, pk) == 0 ? 0 : IG_ENOISE;
}

static int mix_dh(struct ig_noise *nz,
                  const uint8_t sk[32],
                  const uint8_t pk[32])
{
    uint8_t shared[DH_LEN];
    int rc = dh(sk, pk, shared);

    if (!rc)
        mix_key(nz, shared);
    sodium_memzero(shared, sizeof(shared));
    return rc;
}

/* ---- libp2p handshake payload ---- */

static int build_extensions(const struct ig_noise *nz, uint8_t *out, size_t cap)
{
    struct ig_pb_writer w;

    ig_pb_writer_init(&w, out, cap);
    for (size_t i = 0; i < nz->nmine; i++)
        ig_pb_put_string(&w, 2, nz->mine[i]);
    return ig_pb_writer_finish(&w);
}

static int build_payload(const struct ig_noise *nz, uint8_t *out, size_t cap)
{
    uint8_t key[IG_PUBKEY_PB_LEN], sig[64], ext[1024];
    uint8_t msg[sizeof(SIG_PREFIX) - 1 + 32];
    struct ig_pb_writer w;
    int extlen = build_extensions(nz, ext, sizeof(ext));

    if (extlen < 0)
        return extlen;
    ig_pubkey_encode(nz->id_pk, key);
    memcpy(msg, SIG_PREFIX, sizeof(SIG_PREFIX) - 1);
    memcpy(msg + sizeof(SIG_PREFIX) - 1, nz->s_pk, 32);
    crypto_sign_detached(sig, NULL, msg, sizeof(msg), nz->id_sk);
    ig_pb_writer_init(&w, out, cap);
    ig_pb_put_bytes(&w, 1, key, sizeof(key));
    ig_pb_put_bytes(&w, 2, sig, sizeof(sig));
    if (nz->nmine)
        ig_pb_put_bytes(&w, 4, ext, (size_t)extlen);
    return ig_pb_writer_finish(&w);
}

static int read_extensions(struct ig_noise *nz, const uint8_t *b, size_t len)
{
    struct ig_pb_reader r;
    struct ig_pb_field f;
    int rc;

    ig_pb_reader_init(&r, b, len);
    while ((rc = ig_pb_next(&r, &f)) > 0) {
        if (f.num != 2 || f.wire != IG_PB_LEN || f.len == 0 ||
            f.len > IG_NOISE_MUXER_MAX || nz->ntheirs == IG_NOISE_MAX_MUXERS)
            continue; /* unknown, or a name we could never match */
        memcpy(nz->theirs[nz->ntheirs], f.data, f.len);
        nz->theirs[nz->ntheirs++][f.len] = '\0';
    }
    return rc;
}

/* Check identity_sig over the remote static key, then the expected ID. */
static int check_identity(struct ig_noise *nz,
                          const uint8_t *key,
                          size_t klen,
                          const uint8_t *sig,
                          size_t slen,
                          char *err,
                          size_t errlen)
{
    uint8_t msg[sizeof(SIG_PREFIX) - 1 + 32];
    int rc = ig_pubkey_decode(key, klen, nz->remote_pk, err, errlen);

    if (rc)
        return IG_ENOISE;
    memcpy(msg, SIG_PREFIX, sizeof(SIG_PREFIX) - 1);
    memcpy(msg + sizeof(SIG_PREFIX) - 1, nz->rs, 32);
    if (slen != 64 || crypto_sign_verify_detached(
                        sig, msg, sizeof(msg), nz->remote_pk) != 0) {
        ig_err_set(err, errlen, "noise: bad identity signature");
        return IG_ENOISE;
    }
    ig_peerid_from_pubkey(nz->remote_pk, &nz->remote);
    if (nz->has_expected && !ig_peerid_matches(&nz->expected, nz->remote_pk)) {
        /* The status says it is not the expected one: say who it is. */
        char who[IG_PEERID_STRMAX];

        if (ig_peerid_format(&nz->remote, who, sizeof(who)) < 0)
            snprintf(who, sizeof(who), "?");
        ig_err_set(err, errlen, "noise: the remote is %s", who);
        return IG_EPEERID;
    }
    return 0;
}

static int read_payload(struct ig_noise *nz,
                        const uint8_t *b,
                        size_t len,
                        char *err,
                        size_t errlen)
{
    const uint8_t *key = NULL, *sig = NULL;
    size_t klen = 0, slen = 0;
    struct ig_pb_reader r;
    struct ig_pb_field f;
    int rc;

    ig_pb_reader_init(&r, b, len);
    while ((rc = ig_pb_next(&r, &f)) > 0) {
        if (f.wire != IG_PB_LEN)
            continue;
        if (f.num == 1)
            key = f.data, klen = f.len;
        else if (f.num == 2)
            sig = f.data, slen = f.len;
        else if (f.num == 4 && nz->ntheirs == 0)
            rc = read_extensions(nz, f.data, f.len);
        if (rc < 0)
            break;
    }
    if (rc < 0 || !key || !sig) {
        ig_err_set(err, errlen, "noise: malformed handshake payload");
        return IG_ENOISE;
    }
    return check_identity(nz, key, klen, sig, slen, err, errlen);
}

/* First of the initiator's list that both sides offered. */
static int choose_muxer(struct ig_noise *nz, char *err, size_t errlen)
{
    nz->muxer = -1;
    if (nz->nmine == 0 || nz->ntheirs == 0)
        return 0;
    for (size_t a = 0; a < (nz->initiator ? nz->nmine : nz->ntheirs); a++) {
        for (size_t b = 0; b < (nz->initiator ? nz->ntheirs : nz->nmine); b++) {
            size_t m = nz->initiator ? a : b, t = nz->initiator ? b : a;
            if (strcmp(nz->mine[m], nz->theirs[t]) == 0) {
                nz->muxer = (int)m;
                return 0;
            }
        }
    }
    ig_err_set(err, errlen, "noise: no stream muxer in common");
    return IG_ENOISE;
}

/* ---- handshake messages ---- */

/* Reserve a frame in the output buffer; returns its body pointer. */
static uint8_t *frame_begin(struct ig_noise *nz)
{
    return nz->out + nz->outlen + 2;
}

static void frame_end(struct ig_noise *nz, size_t len)
{
    nz->out[nz->outlen] = (uint8_t)(len >> 8);
    nz->out[nz->outlen + 1] = (uint8_t)len;
    nz->outlen += 2 + len;
}

static size_t out_room(const struct ig_noise *nz)
{
    return sizeof(nz->out) - nz->outlen - 2;
}

/* -> e (empty payload) */
static int write_msg1(struct ig_noise *nz)
{
    uint8_t *m = frame_begin(nz);

    crypto_box_keypair(nz->e_pk, nz->e_sk);
    memcpy(m, nz->e_pk, 32);
    mix_hash(nz, nz->e_pk, 32);
    mix_hash(nz, NULL, 0); /* EncryptAndHash of the empty payload */
    frame_end(nz, 32);
    return 0;
}

/* Shared tail of messages 2 and 3: encrypted s, a DH, the payload. */
static int write_s_payload(struct ig_noise *nz,
                           uint8_t *m,
                           size_t *off,
                           const uint8_t *dh_sk,
                           const uint8_t *dh_pk)
{
    uint8_t payload[1200];
    size_t n;
    int plen = build_payload(nz, payload, sizeof(payload)), rc;

    if (plen < 0 || (size_t)plen + 128 > out_room(nz))
        return IG_ENOISE;
    rc = encrypt_and_hash(nz, nz->s_pk, 32, m + *off, &n);
    if (!rc)
        rc = mix_dh(nz, dh_sk, dh_pk);
    *off += n;
    if (!rc)
        rc = encrypt_and_hash(nz, payload, (size_t)plen, m + *off, &n);
    *off += n;
    return rc;
}

/* <- e, ee, s, es */
static int write_msg2(struct ig_noise *nz)
{
    uint8_t *m = frame_begin(nz);
    size_t off = 32;
    int rc;

    crypto_box_keypair(nz->e_pk, nz->e_sk);
    memcpy(m, nz->e_pk, 32);
    mix_hash(nz, nz->e_pk, 32);
    rc = mix_dh(nz, nz->e_sk, nz->re);
    if (!rc)
        rc = write_s_payload(nz, m, &off, nz->s_sk, nz->re);
    if (!rc)
        frame_end(nz, off);
    return rc;
}

/* -> s, se */
static int write_msg3(struct ig_noise *nz)
{
    uint8_t *m = frame_begin(nz);
    size_t off = 0;
    int rc = write_s_payload(nz, m, &off, nz->s_sk, nz->re);

    if (!rc)
        frame_end(nz, off);
    return rc;
}

static void split(struct ig_noise *nz)
{
    uint8_t k1[32], k2[32];

    hkdf2(nz->ck, NULL, 0, k1, k2);
    memcpy(nz->initiator ? nz->tx.k : nz->rx.k, k1, 32);
    memcpy(nz->initiator ? nz->rx.k : nz->tx.k, k2, 32);
    nz->tx.has_k = nz->rx.has_k = 1;
    sodium_memzero(k1, sizeof(k1));
    sodium_memzero(k2, sizeof(k2));
    sodium_memzero(&nz->cs, sizeof(nz->cs));
    sodium_memzero(nz->e_sk, sizeof(nz->e_sk));
    sodium_memzero(nz->s_sk, sizeof(nz->s_sk));
    nz->done = 1;
}

/* -> e, as the responder reads it. Any payload is hashed and ignored. */
static int read_msg1(struct ig_noise *nz, uint8_t *m, size_t len)
{
    if (len < 32)
        return IG_ENOISE;
    memcpy(nz->re, m, 32);
    mix_hash(nz, nz->re, 32);
    mix_hash(nz, m + 32, len - 32);
    return write_msg2(nz);
}

/* Read encrypted s, mix one DH, decrypt and check the payload. */
static int read_s_payload(struct ig_noise *nz,
                          uint8_t *m,
                          size_t len,
                          const uint8_t *dh_sk,
                          char *err,
                          size_t errlen)
{
    size_t n;
    int rc;

    if (len < 48 + IG_NOISE_TAG)
        return IG_ENOISE;
    rc = decrypt_and_hash(nz, m, 48, &n);
    if (!rc) {
        memcpy(nz->rs, m, 32);
        rc = mix_dh(nz, dh_sk, nz->rs);
    }
    if (!rc)
        rc = decrypt_and_hash(nz, m + 48, len - 48, &n);
    if (!rc)
        rc = read_payload(nz, m + 48, n, err, errlen);
    if (!rc)
        rc = choose_muxer(nz, err, errlen);
    return rc;
}

/* <- e, ee, s, es, as the initiator reads it; then reply and split. */
static int read_msg2(struct ig_noise *nz,
                     uint8_t *m,
                     size_t len,
                     char *err,
                     size_t errlen)
{
    int rc;

    if (len < 32)
        return IG_ENOISE;
    memcpy(nz->re, m, 32);
    mix_hash(nz, nz->re, 32);
    rc = mix_dh(nz, nz->e_sk, nz->re);
    if (!rc)
        rc = read_s_payload(nz, m + 32, len - 32, nz->e_sk, err, errlen);
    if (!rc)
        rc = write_msg3(nz);
    if (!rc)
        split(nz);
    return rc;
}

/* -> s, se, as the responder reads it. */
static int read_msg3(struct ig_noise *nz,
                     uint8_t *m,
                     size_t len,
                     char *err,
                     size_t errlen)
{
    int rc = read_s_payload(nz, m, len, nz->e_sk, err, errlen);

    if (!rc)
        split(nz);
    return rc;
}

static int on_handshake(struct ig_noise *nz,
                        uint8_t *m,
                        size_t len,
                        char *err,
                        size_t errlen)
{
    int rc;

    if (nz->initiator)
        rc = read_msg2(nz, m, len, err, errlen);
    else if (nz->step == 0)
        rc = read_msg1(nz, m, len);
    else
        rc = read_msg3(nz, m, len, err, errlen);
    nz->step++;
    if (rc && err && !err[0])
        ig_err_set(err,
                   errlen,
                   "noise: bad handshake message %d",
                   nz->step + (nz->initiator ? 1 : 0));
    return rc;
}

/* ---- frames in, frames out ---- */

/* Move bytes into nz->frame until one frame is whole; returns 1 then,
 * 0 when the input ran out. */
static int gather(struct ig_noise *nz, const uint8_t **p, const uint8_t *end)
{
    size_t want, body;

    while (nz->flen < 2 && *p < end)
        nz->frame[nz->flen++] = *(*p)++;
    if (nz->flen < 2)
        return 0;
    body = (size_t)nz->frame[0] << 8 | nz->frame[1];
    want = 2 + body - nz->flen;
    if (want > (size_t)(end - *p))
        want = (size_t)(end - *p);
    memcpy(nz->frame + nz->flen, *p, want);
    nz->flen += want;
    *p += want;
    return nz->flen == 2 + body;
}

/* Authenticate and decrypt the transport frame at base (length prefix,
 * then body bytes) where it lies; its plaintext becomes the pending one. */
static int open_frame(struct ig_noise *nz,
                      uint8_t *base,
                      size_t body,
                      char *err,
                      size_t errlen)
{
    int rc = decrypt(&nz->rx, NULL, 0, base + 2, body, base + 2);

    if (rc == IG_EDECRYPT)
        ig_err_set(err,
                   errlen,
                   "noise: frame of %zu bytes failed to "
                   "decrypt",
                   body);
    if (rc)
        return rc;
    nz->pt_base = base;
    nz->pt_off = 2;
    nz->pt_len = body - IG_NOISE_TAG;
    return 0;
}

int ig_noise_input(struct ig_noise *nz,
                   const uint8_t *in,
                   size_t len,
                   size_t *used,
                   char *err,
                   size_t errlen)
{
    const uint8_t *p = in, *end = in + len;
    int rc = nz->error;

    if (err && errlen)
        err[0] = '\0';
    while (!rc && p < end && nz->pt_len == 0) {
        if (gather(nz, &p, end) == 0)
            break;
        if (nz->done)
            rc = open_frame(nz, nz->frame, nz->flen - 2, err, errlen);
        else
            rc = on_handshake(nz, nz->frame + 2, nz->flen - 2, err, errlen);
        nz->flen = 0;
    }
    if (rc)
        nz->error = rc;
    *used = (size_t)(p - in);
    return rc;
}

int ig_noise_input_inplace(struct ig_noise *nz,
                           uint8_t *in,
                           size_t len,
                           size_t *used,
                           char *err,
                           size_t errlen)
{
    size_t body;
    int rc;

    /* The handshake, an error, or state left by ig_noise_input take the
     * copying path. */
    if (nz->error || !nz->done || nz->flen || nz->pt_len)
        return ig_noise_input(nz, in, len, used, err, errlen);
    if (err && errlen)
        err[0] = '\0';
    *used = 0;
    /* A frame cut short stays with the caller until it is whole. */
    if (len < 2 || len - 2 < ((size_t)in[0] << 8 | in[1]))
        return 0;
    body = (size_t)in[0] << 8 | in[1];
    rc = open_frame(nz, in, body, err, errlen);
    if (rc) {
        nz->error = rc;
        return rc;
    }
    *used = 2 + body;
    return 0;
}

size_t ig_noise_partial(const struct ig_noise *nz)
{
    return nz->flen;
}

const uint8_t *ig_noise_output(const struct ig_noise *nz, size_t *len)
{
    *len = nz->outlen;
    return nz->out;
}

void ig_noise_output_consume(struct ig_noise *nz, size_t n)
{
    ig_buf_shift(nz->out, &nz->outlen, n);
}

int ig_noise_done(const struct ig_noise *nz)
{
    return nz->done && !nz->error;
}

const uint8_t *ig_noise_plaintext(const struct ig_noise *nz, size_t *len)
{
    *len = nz->pt_len;
    return nz->pt_base + nz->pt_off;
}

void ig_noise_plaintext_consume(struct ig_noise *nz, size_t n)
{
    if (n > nz->pt_len)
        n = nz->pt_len;
    nz->pt_off += n;
    nz->pt_len -= n;
}

size_t ig_noise_seal_bound(size_t len)
{
    size_t frames = (len + IG_NOISE_PLAIN_MAX - 1) / IG_NOISE_PLAIN_MAX;

    return len + frames * (2 + IG_NOISE_TAG);
}

int ig_noise_seal(struct ig_noise *nz,
                  const uint8_t *pt,
                  size_t len,
                  uint8_t *out,
                  size_t outlen)
{
    size_t off = 0, n;
    int rc;

    if (!ig_noise_done(nz))
        return IG_ESTATE;
    if (outlen < ig_noise_seal_bound(len))
        return -ENOSPC;
    if (ig_noise_seal_bound(len) > INT32_MAX)
        return IG_ETOOBIG;
    while (len > 0) {
        n = len < IG_NOISE_PLAIN_MAX ? len : IG_NOISE_PLAIN_MAX;
        out[off] = (uint8_t)((n + IG_NOISE_TAG) >> 8);
        out[off + 1] = (uint8_t)(n + IG_NOISE_TAG);
        rc = encrypt(&nz->tx, NULL, 0, pt, n, out + off + 2);
        if (rc)
            return rc;
        off += 2 + n + IG_NOISE_TAG;
        pt += n;
        len -= n;
    }
    return (int)off;
}

const struct ig_peerid *ig_noise_remote_peer(const struct ig_noise *nz)
{
    return &nz->remote;
}

const uint8_t *ig_noise_remote_pubkey(const struct ig_noise *nz)
{
    return nz->remote_pk;
}

const char *ig_noise_muxer(const struct ig_noise *nz)
{
    return nz->muxer < 0 ? NULL : nz->mine[nz->muxer];
}

size_t ig_noise_remote_muxer_count(const struct ig_noise *nz)
{
    return nz->ntheirs;
}

const char *ig_noise_remote_muxer(const struct ig_noise *nz, size_t i)
{
    return i < nz->ntheirs ? nz->theirs[i] : NULL;
}

static int copy_config(struct ig_noise *nz, const struct ig_noise_config *c)
{
    if (!c->identity_sk || c->nmuxers > IG_NOISE_MAX_MUXERS)
        return IG_EUSAGE;
    for (size_t i = 0; i < c->nmuxers; i++) {
        size_t n = strlen(c->muxers[i]);
        if (n == 0 || n > IG_NOISE_MUXER_MAX)
            return IG_EUSAGE;
        memcpy(nz->mine[i], c->muxers[i], n + 1);
    }
    nz->nmine = c->nmuxers;
    nz->initiator = c->initiator ? 1 : 0;
    memcpy(nz->id_sk, c->identity_sk, 64);
    crypto_sign_ed25519_sk_to_pk(nz->id_pk, nz->id_sk);
    if (c->expected) {
        nz->expected = *c->expected;
        nz->has_expected = 1;
    }
    return 0;
}

int ig_noise_new(const struct ig_noise_config *cfg, struct ig_noise **out)
{
    struct ig_noise *nz = NULL;
    int rc;

    *out = NULL;
    if (sodium_init() < 0)
        return IG_ECRYPTO;
    nz = calloc(1, sizeof(*nz));
    if (!nz)
        return -ENOMEM;
    nz->muxer = -1;
    nz->pt_base = nz->frame;
    rc = copy_config(nz, cfg);
    if (rc)
        goto out;
    memcpy(nz->h, PROTOCOL_NAME, 32); /* the name is exactly HASHLEN */
    memcpy(nz->ck, nz->h, 32);
    mix_hash(nz, NULL, 0); /* empty prologue */
    crypto_box_keypair(nz->s_pk, nz->s_sk);
    if (nz->initiator)
        rc = write_msg1(nz);
out:
    if (rc) {
        ig_noise_free(nz);
        return rc;
    }
    *out = nz;
    return 0;
}

void ig_noise_free(struct ig_noise *nz)
{
    if (!nz)
        return;
    sodium_memzero(nz, sizeof(*nz));
    free(nz);
}
