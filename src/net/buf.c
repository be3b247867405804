/* SPDX-License-Identifier: MIT */
/* Bounded byte queues: one contiguous allocation, compacted on demand so
 * readers always see the unread bytes as a single span. */
#include "net/buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

void ig_buf_init(struct ig_buf *b, size_t max)
{
    b->data = NULL;
    b->head = 0;
    b->tail = 0;
    b->cap = 0;
    b->max = max;
}

void ig_buf_free(struct ig_buf *b)
{
    free(b->data);
    ig_buf_init(b, b->max);
}

/* Grow to hold need bytes in all, doubling to keep appends amortized. */
static int grow(struct ig_buf *b, size_t need)
{
    size_t cap = b->cap ? b->cap : 4096;
    uint8_t *p;

    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = realloc(b->data, cap);
    if (!p)
        return -ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

uint8_t *ig_buf_reserve(struct ig_buf *b, size_t n)
{
    size_t len = ig_buf_len(b);

    if (n > b->max || len > b->max - n)
        return NULL;
    if (b->cap - b->tail >= n)
        return b->data + b->tail;
    /* Slide the unread bytes to the front when that is cheap (no more
     * than was read since) or when growing in place would pass max;
     * otherwise grow, so a busy queue is not copied on every append. The
     * allocation stays below max + n. */
    if (b->head && (b->head >= len || b->tail + n > b->max)) {
        memmove(b->data, b->data + b->head, len);
        b->head = 0;
        b->tail = len;
    }
    if (b->cap - b->tail < n && grow(b, b->tail + n) < 0)
        return NULL;
    return b->data + b->tail;
}

int ig_buf_reserve_err(const struct ig_buf *b, size_t n)
{
    size_t len = ig_buf_len(b);

    return n > b->max || len > b->max - n ? IG_ELIMIT : -ENOMEM;
}

int ig_buf_append(struct ig_buf *b, const void *p, size_t n)
{
    uint8_t *dst;

    if (!n)
        return 0;
    dst = ig_buf_reserve(b, n);
    if (!dst)
        return ig_buf_reserve_err(b, n);
    memcpy(dst, p, n);
    ig_buf_commit(b, n);
    return 0;
}

void ig_buf_consume(struct ig_buf *b, size_t n)
{
    b->head += n;
    if (b->head == b->tail) {
        b->head = 0;
        b->tail = 0;
    }
}

void ig_buf_shift(uint8_t *p, size_t *len, size_t n)
{
    if (n > *len)
        n = *len;
    memmove(p, p + n, *len - n);
    *len -= n;
}
