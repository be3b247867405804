/* SPDX-License-Identifier: MIT */
/* Protobuf wire format: each field is a varint key (number << 3 | wire
 * type) followed by a varint, 8 or 4 fixed bytes, or a length and bytes. */
#include "net/pb.h"

#include <errno.h>
#include <string.h>

#include "net/varint.h"
#include "util/err.h"

#define PB_MAX_FIELD ((1u << 29) - 1)

void ig_pb_reader_init(struct ig_pb_reader *r, const uint8_t *buf, size_t len)
{
    r->cur = buf;
    r->end = buf + len;
}

static int read_fixed(struct ig_pb_reader *r, size_t n, uint64_t *v)
{
    uint64_t x = 0;

    if ((size_t)(r->end - r->cur) < n)
        return IG_EPROTOBUF;
    for (size_t i = 0; i < n; i++)
        x |= (uint64_t)r->cur[i] << (8 * i);
    r->cur += n;
    *v = x;
    return 0;
}

static int read_len(struct ig_pb_reader *r, struct ig_pb_field *f)
{
    uint64_t n;

    if (ig_varint_decode_pb(&r->cur, r->end, &n) < 0)
        return IG_EPROTOBUF;
    if (n > (uint64_t)(r->end - r->cur))
        return IG_EPROTOBUF;
    f->data = r->cur;
    f->len = (size_t)n;
    r->cur += n;
    return 0;
}

int ig_pb_next(struct ig_pb_reader *r, struct ig_pb_field *f)
{
    uint64_t key;
    int rc;

    if (r->cur >= r->end)
        return 0;
    if (ig_varint_decode_pb(&r->cur, r->end, &key) < 0)
        return IG_EPROTOBUF;
    if ((key >> 3) == 0 || (key >> 3) > PB_MAX_FIELD)
        return IG_EPROTOBUF;
    memset(f, 0, sizeof(*f));
    f->num = (uint32_t)(key >> 3);
    f->wire = (enum ig_pb_wire)(key & 7);
    switch (key & 7) {
        case IG_PB_VARINT:
            rc = ig_varint_decode_pb(&r->cur, r->end, &f->v);
            return rc < 0 ? IG_EPROTOBUF : 1;
        case IG_PB_I64:
            rc = read_fixed(r, 8, &f->v);
            return rc < 0 ? rc : 1;
        case IG_PB_I32:
            rc = read_fixed(r, 4, &f->v);
            return rc < 0 ? rc : 1;
        case IG_PB_LEN:
            rc = read_len(r, f);
            return rc < 0 ? rc : 1;
        default:
            return IG_EPROTOBUF;
    }
}

void ig_pb_writer_init(struct ig_pb_writer *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->err = 0;
}

static void put_raw_varint(struct ig_pb_writer *w, uint64_t v)
{
    if (w->err)
        return;
    if (w->cap - w->len < ig_varint_len(v)) {
        w->err = -ENOSPC;
        return;
    }
    w->len += ig_varint_encode(v, w->buf + w->len);
}

void ig_pb_put_varint(struct ig_pb_writer *w, uint32_t num, uint64_t v)
{
    put_raw_varint(w, (uint64_t)num << 3 | IG_PB_VARINT);
    put_raw_varint(w, v);
}

void ig_pb_put_bytes(struct ig_pb_writer *w,
                     uint32_t num,
                     const uint8_t *data,
                     size_t len)
{
    put_raw_varint(w, (uint64_t)num << 3 | IG_PB_LEN);
    put_raw_varint(w, len);
    if (w->err)
        return;
    if (w->cap - w->len < len) {
        w->err = -ENOSPC;
        return;
    }
    if (len)
        memcpy(w->buf + w->len, data, len);
    w->len += len;
}

void ig_pb_put_string(struct ig_pb_writer *w, uint32_t num, const char *s)
{
    ig_pb_put_bytes(w, num, (const uint8_t *)s, strlen(s));
}

int ig_pb_writer_finish(const struct ig_pb_writer *w)
{
    return w->err ? w->err : (int)w->len;
}
