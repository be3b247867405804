/* SPDX-License-Identifier: MIT */
/* A bounded byte queue: producers append at the tail, consumers take from
 * the head. Every queue between the socket and a stream is one of these. */
#ifndef IG_NET_BUF_H
#define IG_NET_BUF_H

#include <stddef.h>
#include <stdint.h>

struct ig_buf {
    uint8_t *data; /* owned allocation of cap bytes, or NULL */
    size_t head;   /* first unread byte */
    size_t tail;   /* one past the last byte */
    size_t cap;    /* allocated size */
    size_t max;    /* hard limit on unread bytes */
};

/* Start an empty queue that may hold at most max unread bytes. */
void ig_buf_init(struct ig_buf *b, size_t max);

/* Release the storage; the queue is empty and usable again afterwards. */
void ig_buf_free(struct ig_buf *b);

/* Unread bytes. */
static inline size_t ig_buf_len(const struct ig_buf *b)
{
    return b->tail - b->head;
}

/* The first unread byte; valid until the next call that changes b. An
 * empty queue that never held data still gives a valid pointer, so callers
 * may pass it to memcpy with a length of 0. */
static inline uint8_t *ig_buf_data(const struct ig_buf *b)
{
    static uint8_t none;

    return b->data ? b->data + b->head : &none;
}

/*
 * Make room for n more bytes at the tail and return where to write them;
 * ig_buf_commit() then makes them readable. Returns NULL when the queue
 * would hold more than max bytes or memory ran out (errno-less: the caller
 * reports IG_ELIMIT or -ENOMEM through ig_buf_reserve_err()).
 */
uint8_t *ig_buf_reserve(struct ig_buf *b, size_t n);

/* Why the last ig_buf_reserve() on b failed: IG_ELIMIT or -ENOMEM. */
int ig_buf_reserve_err(const struct ig_buf *b, size_t n);

/* Publish n bytes written at the pointer ig_buf_reserve() returned. */
static inline void ig_buf_commit(struct ig_buf *b, size_t n)
{
    b->tail += n;
}

/* Append n bytes. Returns 0, IG_ELIMIT or -ENOMEM. */
int ig_buf_append(struct ig_buf *b, const void *p, size_t n);

/* Drop n (<= ig_buf_len) bytes from the head. */
void ig_buf_consume(struct ig_buf *b, size_t n);

/*
 * For a plain array p holding *len bytes (not an ig_buf): drop the first
 * n of them, or all when n is larger, and slide the rest to the front.
 */
void ig_buf_shift(uint8_t *p, size_t *len, size_t n);

/* Bytes that may still be appended before max is reached. */
static inline size_t ig_buf_room(const struct ig_buf *b)
{
    size_t len = ig_buf_len(b);

    return len >= b->max ? 0 : b->max - len;
}

#endif
