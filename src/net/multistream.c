/* SPDX-License-Identifier: MIT */
/* multistream-select: every message is a varint length and a body that
 * ends in '\n'; both sides send the header, then the initiator proposes
 * and the responder echoes the protocol or answers "na". */
#include "net/multistream.h"

#include <string.h>

#include "net/buf.h"
#include "net/varint.h"
#include "util/err.h"

/* Worst case one message occupies in the output buffer. */
#define MSG_ROOM (IG_MS_LINE_MAX + 2)

int ig_ms_frame(const char *body, uint8_t *out, size_t outlen)
{
    size_t blen = strlen(body), h = ig_varint_len(blen + 1);

    if (blen + 1 > IG_MS_LINE_MAX || outlen < h + blen + 1)
        return IG_ETOOBIG;
    ig_varint_encode(blen + 1, out);
    memcpy(out + h, body, blen);
    out[h + blen] = '\n';
    return (int)(h + blen + 1);
}

static int queue(struct ig_ms *ms, const char *body)
{
    int n =
      ig_ms_frame(body, ms->out + ms->outlen, sizeof(ms->out) - ms->outlen);

    if (n < 0)
        return n;
    ms->outlen += (size_t)n;
    return 0;
}

/* The "ls" answer: one message holding a framed line per protocol and a
 * final '\n'; protocols that would overflow the line cap are left out. */
static int queue_ls(struct ig_ms *ms)
{
    uint8_t body[IG_MS_LINE_MAX];
    size_t n = 0, h;
    int w;

    for (size_t i = 0; i < ms->nprotos; i++) {
        w = ig_ms_frame(ms->protos[i], body + n, sizeof(body) - 1 - n);
        if (w < 0)
            break;
        n += (size_t)w;
    }
    body[n++] = '\n';
    h = ig_varint_len(n);
    if (sizeof(ms->out) - ms->outlen < h + n)
        return IG_ETOOBIG;
    ig_varint_encode(n, ms->out + ms->outlen);
    memcpy(ms->out + ms->outlen + h, body, n);
    ms->outlen += h + n;
    return 0;
}

static int check_protos(const char *const *protos, size_t n)
{
    if (n == 0 || n > IG_MS_MAX_PROTOS)
        return IG_EMULTISTREAM;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(protos[i]);
        if (len == 0 || len + 1 > IG_MS_LINE_MAX || strchr(protos[i], '\n'))
            return IG_EMULTISTREAM;
    }
    return 0;
}

static int init(struct ig_ms *ms,
                const char *const *protos,
                size_t n,
                int initiator)
{
    int rc = check_protos(protos, n);

    memset(ms, 0, sizeof(*ms));
    ms->selected = -1;
    ms->error = rc;
    if (rc)
        return rc;
    ms->initiator = initiator;
    ms->protos = protos;
    ms->nprotos = n;
    rc = queue(ms, IG_MS_HEADER);
    if (!rc && initiator)
        rc = queue(ms, protos[0]);
    return rc;
}

int ig_ms_init_initiator(struct ig_ms *ms,
                         const char *const *protos,
                         size_t nprotos)
{
    return init(ms, protos, nprotos, 1);
}

int ig_ms_init_responder(struct ig_ms *ms,
                         const char *const *protos,
                         size_t nprotos)
{
    return init(ms, protos, nprotos, 0);
}

static int is(const uint8_t *body, size_t len, const char *s)
{
    return strlen(s) == len && memcmp(body, s, len) == 0;
}

static int on_initiator(struct ig_ms *ms,
                        const uint8_t *b,
                        size_t len,
                        char *err,
                        size_t errlen)
{
    if (is(b, len, ms->protos[ms->next])) {
        ms->selected = (int)ms->next;
        ms->status = IG_MS_DONE;
        return 0;
    }
    if (!is(b, len, "na")) {
        ig_err_set(err,
                   errlen,
                   "multistream: unexpected answer to %s",
                   ms->protos[ms->next]);
        return IG_EMULTISTREAM;
    }
    if (++ms->next == ms->nprotos) {
        ig_err_set(
          err, errlen, "multistream: peer refused %zu protocols", ms->nprotos);
        return IG_ENA;
    }
    return queue(ms, ms->protos[ms->next]);
}

static int on_responder(struct ig_ms *ms,
                        const uint8_t *b,
                        size_t len,
                        char *err,
                        size_t errlen)
{
    if (is(b, len, "ls"))
        return queue_ls(ms);
    for (size_t i = 0; i < ms->nprotos; i++) {
        if (is(b, len, ms->protos[i])) {
            ms->selected = (int)i;
            ms->status = IG_MS_DONE;
            return queue(ms, ms->protos[i]);
        }
    }
    if (++ms->attempts > IG_MS_MAX_ATTEMPTS) {
        ig_err_set(err,
                   errlen,
                   "multistream: over %d refused proposals",
                   IG_MS_MAX_ATTEMPTS);
        return IG_ELIMIT;
    }
    return queue(ms, "na");
}

/* Handle one complete body (its final '\n' already removed). */
static int on_message(struct ig_ms *ms,
                      const uint8_t *b,
                      size_t len,
                      char *err,
                      size_t errlen)
{
    if (!ms->got_header) {
        if (!is(b, len, IG_MS_HEADER)) {
            ig_err_set(err,
                       errlen,
                       "multistream: bad header '%.*s'",
                       (int)(len > 40 ? 40 : len),
                       (const char *)b);
            return IG_EMULTISTREAM;
        }
        ms->got_header = 1;
        return 0;
    }
    if (ms->initiator)
        return on_initiator(ms, b, len, err, errlen);
    return on_responder(ms, b, len, err, errlen);
}

/* Read the length prefix held in ms->in. Returns 1 with *hdr and *blen,
 * 0 when more bytes are needed, or an error. */
static int read_length(struct ig_ms *ms,
                       size_t *hdr,
                       size_t *blen,
                       char *err,
                       size_t errlen)
{
    const uint8_t *p = ms->in;
    uint64_t v;
    int rc = ig_varint_decode(&p, ms->in + ms->inlen, &v);

    if (rc == IG_ETRUNC && ms->inlen < 2)
        return 0; /* a varint below 1025 takes at most two bytes */
    if (rc < 0 || v == 0 || v > IG_MS_LINE_MAX) {
        ig_err_set(err, errlen, "multistream: bad message length");
        return IG_EMULTISTREAM;
    }
    *hdr = (size_t)(p - ms->in);
    *blen = (size_t)v;
    return 1;
}

/* Move bytes from *p into ms->in until one message is whole. Returns 1
 * when it is, 0 when the input ran out, or an error. */
static int gather(struct ig_ms *ms,
                  const uint8_t **p,
                  const uint8_t *end,
                  size_t *blen,
                  char *err,
                  size_t errlen)
{
    size_t hdr = 0, want;
    int rc = 0;

    while (*p < end && (rc = read_length(ms, &hdr, blen, err, errlen)) == 0)
        ms->in[ms->inlen++] = *(*p)++;
    if (rc == 0)
        rc = read_length(ms, &hdr, blen, err, errlen);
    if (rc <= 0)
        return rc;
    want = hdr + *blen - ms->inlen;
    if (want > (size_t)(end - *p))
        want = (size_t)(end - *p);
    memcpy(ms->in + ms->inlen, *p, want);
    ms->inlen += want;
    *p += want;
    if (ms->inlen < hdr + *blen)
        return 0;
    if (ms->in[hdr + *blen - 1] != '\n') {
        ig_err_set(err, errlen, "multistream: message lacks final newline");
        return IG_EMULTISTREAM;
    }
    memmove(ms->in, ms->in + hdr, *blen);
    return 1;
}

int ig_ms_input(struct ig_ms *ms,
                const uint8_t *in,
                size_t len,
                size_t *used,
                char *err,
                size_t errlen)
{
    const uint8_t *p = in, *end = in + len;
    size_t blen;
    int rc = ms->error;

    while (!rc && ms->status == IG_MS_RUNNING && p < end &&
           sizeof(ms->out) - ms->outlen >= MSG_ROOM) {
        rc = gather(ms, &p, end, &blen, err, errlen);
        if (rc <= 0)
            break;
        ms->inlen = 0;
        rc = on_message(ms, ms->in, blen - 1, err, errlen);
    }
    if (rc < 0)
        ms->error = rc;
    *used = (size_t)(p - in);
    return rc < 0 ? rc : 0;
}

const uint8_t *ig_ms_output(const struct ig_ms *ms, size_t *len)
{
    *len = ms->outlen;
    return ms->out;
}

void ig_ms_output_consume(struct ig_ms *ms, size_t n)
{
    ig_buf_shift(ms->out, &ms->outlen, n);
}

const char *ig_ms_selected(const struct ig_ms *ms)
{
    return ms->selected < 0 ? NULL : ms->protos[ms->selected];
}
