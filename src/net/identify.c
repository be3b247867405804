/* SPDX-License-Identifier: MIT */
/* Identify fields: publicKey 1, listenAddrs 2, protocols 3, observedAddr
 * 4, protocolVersion 5, agentVersion 6; everything else is skipped. */
#include "net/identify.h"

#include <errno.h>
#include <string.h>

#include "net/pb.h"
#include "net/peerid.h"
#include "net/varint.h"
#include "util/err.h"

int ig_identify_encode(const struct ig_identify *id,
                       uint8_t *out,
                       size_t outlen)
{
    struct ig_pb_writer w;
    uint8_t key[IG_PUBKEY_PB_LEN];

    if (outlen > IG_IDENTIFY_MSG_MAX)
        outlen = IG_IDENTIFY_MSG_MAX;
    ig_pb_writer_init(&w, out, outlen);
    if (id->protocol_version[0])
        ig_pb_put_string(&w, 5, id->protocol_version);
    if (id->agent_version[0])
        ig_pb_put_string(&w, 6, id->agent_version);
    if (id->has_pubkey) {
        ig_pubkey_encode(id->pubkey, key);
        ig_pb_put_bytes(&w, 1, key, sizeof(key));
    }
    for (size_t i = 0; i < id->nlisten && i < IG_IDENTIFY_MAX_ADDRS; i++)
        ig_pb_put_bytes(&w, 2, id->listen[i].bytes, id->listen[i].len);
    if (id->has_observed)
        ig_pb_put_bytes(&w, 4, id->observed.bytes, id->observed.len);
    for (size_t i = 0; i < id->nprotocols && i < IG_IDENTIFY_MAX_PROTOS; i++)
        ig_pb_put_string(&w, 3, id->protocols[i]);
    return ig_pb_writer_finish(&w);
}

/* Copy a string field into dst (cap + 1 bytes); 0 if it cannot be kept. */
static int take_string(char *dst, const struct ig_pb_field *f)
{
    if (f->len > IG_IDENTIFY_STR_MAX || memchr(f->data, 0, f->len))
        return 0;
    memcpy(dst, f->data, f->len);
    dst[f->len] = '\0';
    return 1;
}

static int take_field(struct ig_identify *id, const struct ig_pb_field *f)
{
    switch (f->num) {
        case 1:
            id->has_pubkey =
              ig_pubkey_decode(f->data, f->len, id->pubkey, NULL, 0) == 0;
            return id->has_pubkey;
        case 2:
            if (id->nlisten == IG_IDENTIFY_MAX_ADDRS ||
                ig_multiaddr_from_bytes(
                  f->data, f->len, &id->listen[id->nlisten], NULL, 0))
                return 0;
            id->nlisten++;
            return 1;
        case 3:
            if (id->nprotocols == IG_IDENTIFY_MAX_PROTOS ||
                !take_string(id->protocols[id->nprotocols], f))
                return 0;
            id->nprotocols++;
            return 1;
        case 4:
            id->has_observed = ig_multiaddr_from_bytes(
                                 f->data, f->len, &id->observed, NULL, 0) == 0;
            return id->has_observed;
        case 5:
            return take_string(id->protocol_version, f);
        case 6:
            return take_string(id->agent_version, f);
        default:
            return 1; /* unknown: skipped, not counted */
    }
}

int ig_identify_decode(const uint8_t *buf,
                       size_t len,
                       struct ig_identify *id,
                       char *err,
                       size_t errlen)
{
    struct ig_pb_reader r;
    struct ig_pb_field f;
    int rc;

    memset(id, 0, sizeof(*id));
    if (len > IG_IDENTIFY_MSG_MAX) {
        ig_err_set(err,
                   errlen,
                   "identify: %zu bytes, over %d",
                   len,
                   IG_IDENTIFY_MSG_MAX);
        return IG_ETOOBIG;
    }
    ig_pb_reader_init(&r, buf, len);
    while ((rc = ig_pb_next(&r, &f)) > 0) {
        if (f.num >= 1 && f.num <= 6 && f.wire != IG_PB_LEN)
            rc = IG_EPROTOBUF; /* a known field with the wrong type */
        if (rc < 0)
            break;
        if (!take_field(id, &f))
            id->dropped++;
    }
    if (rc < 0)
        ig_err_set(err, errlen, "identify: malformed protobuf");
    return rc < 0 ? IG_EPROTOBUF : 0;
}

int ig_identify_unframe(const uint8_t *buf,
                        size_t len,
                        size_t max,
                        const uint8_t **body,
                        size_t *blen,
                        size_t *consumed)
{
    const uint8_t *p = buf;
    uint64_t n;
    int rc = ig_varint_decode(&p, buf + len, &n);

    if (rc == IG_ETRUNC)
        return IG_ETRUNC;
    if (rc < 0 || n > max)
        return IG_ETOOBIG;
    if (n > (uint64_t)(buf + len - p))
        return IG_ETRUNC;
    *body = p;
    *blen = (size_t)n;
    *consumed = (size_t)(p - buf) + (size_t)n;
    return 0;
}

int ig_identify_write(const struct ig_identify *id, uint8_t *out, size_t outlen)
{
    uint8_t body[IG_IDENTIFY_MSG_MAX];
    int n = ig_identify_encode(id, body, sizeof(body));
    size_t h;

    if (n < 0)
        return n;
    h = ig_varint_len((uint64_t)n);
    if (outlen < h + (size_t)n)
        return -ENOSPC;
    ig_varint_encode((uint64_t)n, out);
    memcpy(out + h, body, (size_t)n);
    return (int)(h + (size_t)n);
}
