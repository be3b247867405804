/* SPDX-License-Identifier: MIT */
/* The igord agent SDK: a little-endian state encoder and decoder, the
 * format agents use for agent_checkpoint / agent_resume. Header-only and
 * plain C, so the same code builds for wasm32 and natively for tests. */
#ifndef IGOR_STATE_H
#define IGOR_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Encoder: append fields to a growable buffer. Every write is checked;
 * after an allocation failure the encoder stays failed (err = 1) and
 * further writes do nothing, so a caller checks err once at the end.
 * Start from IGOR_ENC_INIT (or zeroes); igor_enc_reset keeps the buffer
 * for reuse; igor_enc_free releases it.
 */
struct igor_enc {
    uint8_t *buf;
    size_t len;
    size_t cap;
    int err;
};

#define IGOR_ENC_INIT                                                          \
    {                                                                          \
        NULL, 0, 0, 0                                                          \
    }

/*
 * Decoder: read fields from a borrowed byte range. A read past the end
 * sets err and returns zeroes from then on (sticky), so a short or
 * truncated state can be checked once after all fields are read.
 */
struct igor_dec {
    const uint8_t *p;
    size_t len;
    size_t off;
    int err;
};

static inline int igor_enc__grow(struct igor_enc *e, size_t n)
{
    size_t cap;
    uint8_t *nb;

    if (e->err)
        return -1;
    if (n <= e->cap - e->len)
        return 0;
    if (n > SIZE_MAX / 2 - e->len) {
        e->err = 1;
        return -1;
    }
    cap = e->cap ? e->cap : 64;
    while (cap - e->len < n)
        cap *= 2;
    nb = (uint8_t *)realloc(e->buf, cap);
    if (!nb) {
        e->err = 1;
        return -1;
    }
    e->buf = nb;
    e->cap = cap;
    return 0;
}

/* Append n bytes as they are (no length prefix). */
static inline void igor_enc_raw(struct igor_enc *e, const void *p, size_t n)
{
    if (n == 0 || igor_enc__grow(e, n) < 0)
        return;
    memcpy(e->buf + e->len, p, n);
    e->len += n;
}

static inline void igor_enc_uint(struct igor_enc *e, uint64_t v, int bytes)
{
    uint8_t b[8];

    for (int i = 0; i < bytes; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    igor_enc_raw(e, b, (size_t)bytes);
}

static inline void igor_enc_u8(struct igor_enc *e, uint8_t v)
{
    igor_enc_uint(e, v, 1);
}

static inline void igor_enc_u32(struct igor_enc *e, uint32_t v)
{
    igor_enc_uint(e, v, 4);
}

static inline void igor_enc_u64(struct igor_enc *e, uint64_t v)
{
    igor_enc_uint(e, v, 8);
}

static inline void igor_enc_i64(struct igor_enc *e, int64_t v)
{
    igor_enc_uint(e, (uint64_t)v, 8);
}

/* Append [u32 length][bytes] (the reference SDK's Bytes/String). */
static inline void igor_enc_bytes(struct igor_enc *e, const void *p, uint32_t n)
{
    igor_enc_u32(e, n);
    igor_enc_raw(e, p, n);
}

static inline void igor_enc_reset(struct igor_enc *e)
{
    e->len = 0;
    e->err = 0;
}

static inline void igor_enc_free(struct igor_enc *e)
{
    free(e->buf);
    e->buf = NULL;
    e->len = e->cap = 0;
    e->err = 0;
}

static inline void igor_dec_init(struct igor_dec *d, const void *p, size_t len)
{
    d->p = (const uint8_t *)p;
    d->len = p ? len : 0;
    d->off = 0;
    d->err = 0;
}

/* The next n bytes, or NULL (and err set) when fewer remain. */
static inline const uint8_t *igor_dec_take(struct igor_dec *d, size_t n)
{
    const uint8_t *p;

    if (d->err || n > d->len - d->off) {
        d->err = 1;
        return NULL;
    }
    p = d->p + d->off;
    d->off += n;
    return p;
}

static inline uint64_t igor_dec_uint(struct igor_dec *d, int bytes)
{
    const uint8_t *p = igor_dec_take(d, (size_t)bytes);
    uint64_t v = 0;

    if (!p)
        return 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static inline uint8_t igor_dec_u8(struct igor_dec *d)
{
    return (uint8_t)igor_dec_uint(d, 1);
}

static inline uint32_t igor_dec_u32(struct igor_dec *d)
{
    return (uint32_t)igor_dec_uint(d, 4);
}

static inline uint64_t igor_dec_u64(struct igor_dec *d)
{
    return igor_dec_uint(d, 8);
}

static inline int64_t igor_dec_i64(struct igor_dec *d)
{
    uint64_t u = igor_dec_uint(d, 8);
    int64_t v;

    memcpy(&v, &u, sizeof(v));
    return v;
}

/* Copy n raw bytes into out (zeroed on a short read). */
static inline void igor_dec_raw(struct igor_dec *d, void *out, size_t n)
{
    const uint8_t *p = igor_dec_take(d, n);

    if (p)
        memcpy(out, p, n);
    else if (n)
        memset(out, 0, n);
}

/*
 * Read [u32 length][bytes]: returns a pointer into the decoded buffer
 * (borrowed) and the length in *n, or NULL with *n = 0 on a short read.
 */
static inline const uint8_t *igor_dec_bytes(struct igor_dec *d, uint32_t *n)
{
    uint32_t len = igor_dec_u32(d);
    const uint8_t *p = igor_dec_take(d, len);

    *n = p ? len : 0;
    return p;
}

/* Bytes not yet read. */
static inline size_t igor_dec_remaining(const struct igor_dec *d)
{
    return d->err ? 0 : d->len - d->off;
}

#endif
