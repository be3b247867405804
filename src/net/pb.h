/* SPDX-License-Identifier: MIT */
/* Minimal protobuf: a bounded field reader that hands unknown fields back
 * for skipping, and a writer into a fixed caller buffer. */
#ifndef IG_NET_PB_H
#define IG_NET_PB_H

#include <stddef.h>
#include <stdint.h>

enum ig_pb_wire {
    IG_PB_VARINT = 0,
    IG_PB_I64 = 1,
    IG_PB_LEN = 2,
    IG_PB_I32 = 5,
};

/* Cursor over one message; the bytes are borrowed, not copied. */
struct ig_pb_reader {
    const uint8_t *cur;
    const uint8_t *end;
};

/* One field: num and wire always; v for VARINT/I64/I32; data+len for LEN
 * (pointing into the reader's input). */
struct ig_pb_field {
    uint32_t num;
    enum ig_pb_wire wire;
    uint64_t v;
    const uint8_t *data;
    size_t len;
};

/* Start reading len bytes at buf. */
void ig_pb_reader_init(struct ig_pb_reader *r, const uint8_t *buf, size_t len);

/*
 * Read the next field. Returns 1 with *f filled, 0 at the end of the
 * message, or IG_EPROTOBUF for a truncated field, a length past the end,
 * field number 0 or above 2^29-1, or a group wire type (3, 4, 6, 7).
 * Callers ignore fields they do not know, which skips them.
 */
int ig_pb_next(struct ig_pb_reader *r, struct ig_pb_field *f);

/* Writer over a fixed buffer; the first overflow sticks in err. */
struct ig_pb_writer {
    uint8_t *buf;
    size_t cap;
    size_t len;
    int err;
};

void ig_pb_writer_init(struct ig_pb_writer *w, uint8_t *buf, size_t cap);

/* Append a varint field. */
void ig_pb_put_varint(struct ig_pb_writer *w, uint32_t num, uint64_t v);

/* Append a length-delimited field (bytes, string or sub-message). */
void ig_pb_put_bytes(struct ig_pb_writer *w,
                     uint32_t num,
                     const uint8_t *data,
                     size_t len);

/* Append a string field (strlen(s) bytes, no NUL). */
void ig_pb_put_string(struct ig_pb_writer *w, uint32_t num, const char *s);

/* The message length, or -ENOSPC when some field did not fit. */
int ig_pb_writer_finish(const struct ig_pb_writer *w);

#endif
