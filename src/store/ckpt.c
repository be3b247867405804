/* SPDX-License-Identifier: MIT */
/* Checkpoint header codec, v4 signing (Ed25519 via libsodium) and the
 * SHA-256 content hash that chains checkpoints into a lineage. */
#include "store/ckpt.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

int ig_ckpt__sodium_init(void)
{
    /* sodium_init is idempotent and thread-safe; 1 means "already". */
    return sodium_init() < 0 ? IG_ECRYPTO : 0;
}

int ig_ckpt_header_len(unsigned v)
{
    switch (v) {
        case IG_CKPT_V2:
            return IG_CKPT_HDR_V2;
        case IG_CKPT_V3:
            return IG_CKPT_HDR_V3;
        case IG_CKPT_V4:
            return IG_CKPT_HDR_V4;
        default:
            return IG_ECKPT_VERSION;
    }
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Two's-complement reinterpretation without implementation-defined
 * conversion of out-of-range values. */
static int64_t get_i64(const uint8_t *p)
{
    uint64_t u = get_u64(p);
    int64_t v;

    memcpy(&v, &u, sizeof(v));
    return v;
}

static void put_i64(uint8_t *p, int64_t v)
{
    uint64_t u;

    memcpy(&u, &v, sizeof(u));
    put_u64(p, u);
}

static void parse_fields(const uint8_t *b, unsigned v, struct ig_ckpt *c)
{
    c->version = (uint8_t)v;
    c->budget = get_i64(b + 1);
    c->price = get_i64(b + 9);
    c->tick = get_u64(b + 17);
    memcpy(c->wasm_hash, b + 25, IG_CKPT_HASH_LEN);
    if (v >= IG_CKPT_V3) {
        c->major = get_u64(b + 57);
        c->lease_gen = get_u64(b + 65);
        c->lease_expiry = get_i64(b + 73);
    }
    if (v >= IG_CKPT_V4) {
        memcpy(c->prev_hash, b + 81, IG_CKPT_HASH_LEN);
        memcpy(c->pubkey, b + IG_CKPT_PUBKEY_OFF, IG_CKPT_PUBKEY_LEN);
        memcpy(c->signature, b + IG_CKPT_SIG_OFF, IG_CKPT_SIG_LEN);
    }
}

int ig_ckpt_parse(const uint8_t *buf,
                  size_t len,
                  struct ig_ckpt *out,
                  char *err,
                  size_t errlen)
{
    int hdr;

    memset(out, 0, sizeof(*out));
    if (len < 1) {
        ig_err_set(err, errlen, "checkpoint is empty (need at least 1 byte)");
        return IG_ECKPT_SHORT;
    }
    hdr = ig_ckpt_header_len(buf[0]);
    if (hdr < 0) {
        ig_err_set(
          err, errlen, "unsupported checkpoint version %u", (unsigned)buf[0]);
        return IG_ECKPT_VERSION;
    }
    if (len < (size_t)hdr) {
        ig_err_set(err,
                   errlen,
                   "checkpoint v%u too short: need %d bytes, have %zu",
                   (unsigned)buf[0],
                   hdr,
                   len);
        return IG_ECKPT_SHORT;
    }
    parse_fields(buf, buf[0], out);
    if (out->budget < 0 || out->price < 0) {
        int neg_budget = out->budget < 0;

        ig_err_set(err,
                   errlen,
                   "checkpoint holds a negative %s: %lld",
                   neg_budget ? "budget" : "price",
                   (long long)(neg_budget ? out->budget : out->price));
        memset(out, 0, sizeof(*out));
        return IG_ECKPT_NEGATIVE;
    }
    out->state = buf + hdr;
    out->state_len = len - (size_t)hdr;
    return 0;
}

size_t ig_ckpt_encoded_len(const struct ig_ckpt *c)
{
    int hdr = ig_ckpt_header_len(c->version);

    if (hdr < 0 || c->state_len > IG_CKPT_MAX_STATE)
        return 0;
    return (size_t)hdr + c->state_len;
}

static void put_fields(const struct ig_ckpt *c, uint8_t *b)
{
    b[0] = c->version;
    put_i64(b + 1, c->budget);
    put_i64(b + 9, c->price);
    put_u64(b + 17, c->tick);
    memcpy(b + 25, c->wasm_hash, IG_CKPT_HASH_LEN);
    if (c->version >= IG_CKPT_V3) {
        put_u64(b + 57, c->major);
        put_u64(b + 65, c->lease_gen);
        put_i64(b + 73, c->lease_expiry);
    }
    if (c->version >= IG_CKPT_V4) {
        memcpy(b + 81, c->prev_hash, IG_CKPT_HASH_LEN);
        memcpy(b + IG_CKPT_PUBKEY_OFF, c->pubkey, IG_CKPT_PUBKEY_LEN);
        memcpy(b + IG_CKPT_SIG_OFF, c->signature, IG_CKPT_SIG_LEN);
    }
}

int ig_ckpt_encode(const struct ig_ckpt *c,
                   uint8_t *out,
                   size_t outlen,
                   size_t *written)
{
    int hdr = ig_ckpt_header_len(c->version);
    size_t total;

    *written = 0;
    if (hdr < 0)
        return IG_ECKPT_VERSION;
    if (c->budget < 0 || c->price < 0)
        return IG_ECKPT_NEGATIVE;
    if (c->state_len > IG_CKPT_MAX_STATE)
        return IG_ETOOBIG;
    total = (size_t)hdr + c->state_len;
    if (outlen < total)
        return -ENOSPC;
    put_fields(c, out);
    if (c->state_len > 0)
        memcpy(out + hdr, c->state, c->state_len);
    *written = total;
    return 0;
}

/*
 * The signed message is the blob without its signature slot: bytes
 * [0,145) then the state. Ed25519 has no streaming form in libsodium,
 * so the message is assembled in a fresh buffer.
 */
static uint8_t *signing_domain(const uint8_t *blob, size_t len, size_t *mlen)
{
    size_t state_len = len - IG_CKPT_HDR_V4;
    uint8_t *m = malloc(IG_CKPT_SIG_OFF + state_len + 1);

    if (!m)
        return NULL;
    memcpy(m, blob, IG_CKPT_SIG_OFF);
    if (state_len > 0)
        memcpy(m + IG_CKPT_SIG_OFF, blob + IG_CKPT_HDR_V4, state_len);
    *mlen = IG_CKPT_SIG_OFF + state_len;
    return m;
}

static int sign_blob(uint8_t *blob, size_t len, const uint8_t *secret)
{
    size_t mlen = 0;
    uint8_t *m = signing_domain(blob, len, &mlen);
    int rc = 0;

    if (!m)
        return -ENOMEM;
    if (crypto_sign_detached(blob + IG_CKPT_SIG_OFF, NULL, m, mlen, secret) !=
        0)
        rc = IG_ECRYPTO;
    free(m);
    return rc;
}

int ig_ckpt_build_v4(struct ig_ckpt *c,
                     const uint8_t *secret,
                     uint8_t **out,
                     size_t *outlen)
{
    uint8_t *blob = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    *outlen = 0;
    rc = ig_ckpt__sodium_init();
    if (rc < 0)
        return rc;
    c->version = IG_CKPT_V4;
    memcpy(c->pubkey, secret + 32, IG_CKPT_PUBKEY_LEN);
    memset(c->signature, 0, IG_CKPT_SIG_LEN);
    len = ig_ckpt_encoded_len(c);
    if (len == 0)
        return IG_ETOOBIG;
    blob = malloc(len);
    if (!blob)
        return -ENOMEM;
    rc = ig_ckpt_encode(c, blob, len, &len);
    if (rc == 0)
        rc = sign_blob(blob, len, secret);
    if (rc < 0) {
        free(blob);
        return rc;
    }
    memcpy(c->signature, blob + IG_CKPT_SIG_OFF, IG_CKPT_SIG_LEN);
    *out = blob;
    *outlen = len;
    return 0;
}

int ig_ckpt_verify(const uint8_t *blob, size_t len, char *err, size_t errlen)
{
    struct ig_ckpt c;
    uint8_t *m = NULL;
    size_t mlen = 0;
    int rc = ig_ckpt_parse(blob, len, &c, err, errlen);

    if (rc < 0)
        return rc;
    if (c.version != IG_CKPT_V4) {
        ig_err_set(err,
                   errlen,
                   "checkpoint v%u carries no signature",
                   (unsigned)c.version);
        return IG_EUNSUPPORTED;
    }
    rc = ig_ckpt__sodium_init();
    if (rc < 0)
        return rc;
    m = signing_domain(blob, len, &mlen);
    if (!m)
        return -ENOMEM;
    if (crypto_sign_verify_detached(c.signature, m, mlen, c.pubkey) != 0) {
        ig_err_set(err,
                   errlen,
                   "checkpoint signature does not verify "
                   "against its embedded key");
        rc = IG_ECKPT_SIGNATURE;
    }
    free(m);
    return rc;
}

void ig_ckpt_content_hash(const uint8_t *blob,
                          size_t len,
                          uint8_t out[IG_CKPT_HASH_LEN])
{
    crypto_hash_sha256(out, blob, len);
}

void ig_ckpt_wasm_hash(const uint8_t *wasm,
                       size_t len,
                       uint8_t out[IG_CKPT_HASH_LEN])
{
    crypto_hash_sha256(out, wasm, len);
}
