/* SPDX-License-Identifier: MIT */
/* Multiaddr codec. Binary form: per component a varint protocol code,
 * then a fixed-size value or a varint length and bytes. */
#include "net/multiaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "net/varint.h"
#include "util/err.h"

#define DNS_MAX 253

enum kind { K_IP4, K_IP6, K_PORT, K_DNS, K_P2P, K_NONE };

struct proto {
    uint64_t code;
    const char *name;
    enum kind kind;
};

static const struct proto protos[] = {
    { IG_MA_IP4, "ip4", K_IP4 },
    { IG_MA_TCP, "tcp", K_PORT },
    { IG_MA_IP6, "ip6", K_IP6 },
    { IG_MA_DNS, "dns", K_DNS },
    { IG_MA_DNS4, "dns4", K_DNS },
    { IG_MA_DNS6, "dns6", K_DNS },
    { IG_MA_UDP, "udp", K_PORT },
    { IG_MA_P2P_CIRCUIT, "p2p-circuit", K_NONE },
    { IG_MA_P2P, "p2p", K_P2P },
    { IG_MA_P2P, "ipfs", K_P2P }, /* old name, parsed but never printed */
    { IG_MA_QUIC_V1, "quic-v1", K_NONE },
    { IG_MA_WS, "ws", K_NONE },
    { IG_MA_WSS, "wss", K_NONE },
};

#define NPROTOS (sizeof(protos) / sizeof(protos[0]))

static const struct proto *by_code(uint64_t code)
{
    for (size_t i = 0; i < NPROTOS; i++)
        if (protos[i].code == code)
            return &protos[i];
    return NULL;
}

static const struct proto *by_name(const char *s, size_t len)
{
    for (size_t i = 0; i < NPROTOS; i++)
        if (strlen(protos[i].name) == len &&
            memcmp(protos[i].name, s, len) == 0)
            return &protos[i];
    return NULL;
}

/* Fixed value size of a kind, or -1 for length-prefixed values. */
static int fixed_size(enum kind k)
{
    switch (k) {
        case K_IP4:
            return 4;
        case K_IP6:
            return 16;
        case K_PORT:
            return 2;
        case K_NONE:
            return 0;
        default:
            return -1;
    }
}

static int dns_ok(const uint8_t *s, size_t len)
{
    if (len == 0 || len > DNS_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '/')
            return 0;
    return 1;
}

static int check_value(const struct proto *p,
                       const uint8_t *v,
                       size_t len,
                       char *err,
                       size_t errlen)
{
    struct ig_peerid id;

    if (p->kind == K_DNS && !dns_ok(v, len)) {
        ig_err_set(err, errlen, "multiaddr: bad /%s name", p->name);
        return IG_EMULTIADDR;
    }
    if (p->kind == K_P2P && ig_peerid_from_bytes(v, len, &id, NULL, 0)) {
        ig_err_set(err, errlen, "multiaddr: bad /p2p multihash");
        return IG_EMULTIADDR;
    }
    return 0;
}

/* Decode the component at *off of buf[0, len); validates sizes. */
static int read_part(const uint8_t *buf,
                     size_t len,
                     size_t *off,
                     struct ig_ma_part *part,
                     const struct proto **pp,
                     char *err,
                     size_t errlen)
{
    const uint8_t *p = buf + *off, *end = buf + len;
    uint64_t vlen;
    int size;

    if (ig_varint_decode(&p, end, &part->code) < 0) {
        ig_err_set(err, errlen, "multiaddr: bad code at byte %zu", *off);
        return IG_EMULTIADDR;
    }
    *pp = by_code(part->code);
    if (!*pp) {
        ig_err_set(err,
                   errlen,
                   "multiaddr: unknown protocol code %llu",
                   (unsigned long long)part->code);
        return IG_EMULTIADDR;
    }
    size = fixed_size((*pp)->kind);
    if (size >= 0)
        vlen = (uint64_t)size;
    else if (ig_varint_decode(&p, end, &vlen) < 0)
        vlen = UINT64_MAX;
    if (vlen > (uint64_t)(end - p)) {
        ig_err_set(err, errlen, "multiaddr: /%s value truncated", (*pp)->name);
        return IG_EMULTIADDR;
    }
    part->value = p;
    part->len = (size_t)vlen;
    *off = (size_t)(p + vlen - buf);
    return 0;
}

int ig_multiaddr_from_bytes(const uint8_t *buf,
                            size_t len,
                            struct ig_multiaddr *ma,
                            char *err,
                            size_t errlen)
{
    const struct proto *p;
    struct ig_ma_part part;
    size_t off = 0;
    int rc;

    if (len == 0 || len > IG_MULTIADDR_MAX) {
        ig_err_set(err, errlen, "multiaddr: length %zu out of range", len);
        return IG_EMULTIADDR;
    }
    while (off < len) {
        rc = read_part(buf, len, &off, &part, &p, err, errlen);
        if (!rc)
            rc = check_value(p, part.value, part.len, err, errlen);
        if (rc)
            return rc;
    }
    memcpy(ma->bytes, buf, len);
    ma->len = len;
    return 0;
}

int ig_multiaddr_next(const struct ig_multiaddr *ma,
                      size_t *off,
                      struct ig_ma_part *part)
{
    const struct proto *p;

    if (*off >= ma->len)
        return 0;
    return read_part(ma->bytes, ma->len, off, part, &p, NULL, 0) ? 0 : 1;
}

static int parse_port(const char *s, size_t len, uint8_t *out)
{
    unsigned v = 0;

    if (len == 0 || len > 5)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > 65535)
        return -1;
    out[0] = (uint8_t)(v >> 8);
    out[1] = (uint8_t)v;
    return 2;
}

static int parse_ip(int af, const char *s, size_t len, uint8_t *out)
{
    char tmp[INET6_ADDRSTRLEN];

    if (len == 0 || len >= sizeof(tmp))
        return -1;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    if (inet_pton(af, tmp, out) != 1)
        return -1;
    return af == AF_INET ? 4 : 16;
}

/* Text value to binary value bytes (without any length prefix). */
static int parse_value(const struct proto *p,
                       const char *s,
                       size_t len,
                       uint8_t *out)
{
    struct ig_peerid id;

    switch (p->kind) {
        case K_IP4:
            return parse_ip(AF_INET, s, len, out);
        case K_IP6:
            return parse_ip(AF_INET6, s, len, out);
        case K_PORT:
            return parse_port(s, len, out);
        case K_DNS:
            if (!dns_ok((const uint8_t *)s, len))
                return -1;
            memcpy(out, s, len);
            return (int)len;
        case K_P2P:
            if (ig_peerid_parse(s, len, &id, NULL, 0))
                return -1;
            memcpy(out, id.bytes, id.len);
            return (int)id.len;
        default:
            return 0;
    }
}

static int append(struct ig_multiaddr *ma,
                  const struct proto *p,
                  const uint8_t *v,
                  size_t vlen)
{
    uint8_t hdr[2 * IG_VARINT_MAX_U64];
    size_t h = ig_varint_encode(p->code, hdr);

    if (fixed_size(p->kind) < 0)
        h += ig_varint_encode(vlen, hdr + h);
    if (IG_MULTIADDR_MAX - ma->len < h + vlen)
        return IG_ETOOBIG;
    memcpy(ma->bytes + ma->len, hdr, h);
    memcpy(ma->bytes + ma->len + h, v, vlen);
    ma->len += h + vlen;
    return 0;
}

/* Length of the '/'-free token at s, stopping at end. */
static size_t token(const char *s, const char *end)
{
    const char *p = s;

    while (p < end && *p != '/')
        p++;
    return (size_t)(p - s);
}

static int parse_part(const char **sp,
                      const char *end,
                      struct ig_multiaddr *ma,
                      char *err,
                      size_t errlen)
{
    const char *s = *sp + 1;
    size_t n = token(s, end), vn;
    const struct proto *p = by_name(s, n);
    uint8_t val[DNS_MAX];
    int vlen = 0;

    if (!p) {
        ig_err_set(err,
                   errlen,
                   "multiaddr: unknown protocol '%.*s'",
                   (int)(n > 32 ? 32 : n),
                   s);
        return IG_EMULTIADDR;
    }
    s += n;
    if (p->kind != K_NONE) {
        vn = s < end ? token(s + 1, end) : 0;
        vlen = s < end ? parse_value(p, s + 1, vn, val) : -1;
        if (vlen < 0) {
            ig_err_set(err, errlen, "multiaddr: bad value for /%s", p->name);
            return IG_EMULTIADDR;
        }
        s += 1 + vn;
    }
    *sp = s;
    if (append(ma, p, val, (size_t)vlen)) {
        ig_err_set(err, errlen, "multiaddr: too long");
        return IG_EMULTIADDR;
    }
    return 0;
}

int ig_multiaddr_parse(const char *s,
                       struct ig_multiaddr *ma,
                       char *err,
                       size_t errlen)
{
    size_t len = strnlen(s, IG_MULTIADDR_STRMAX);
    const char *end = s + len;
    int rc;

    if (len >= IG_MULTIADDR_STRMAX || len == 0 || s[0] != '/') {
        ig_err_set(err,
                   errlen,
                   "multiaddr: must start with '/' and be "
                   "under %d characters",
                   IG_MULTIADDR_STRMAX);
        return IG_EMULTIADDR;
    }
    if (len > 1 && end[-1] == '/')
        end--; /* one trailing slash is tolerated */
    ma->len = 0;
    while (s < end) {
        if (s[0] != '/' || s + 1 >= end || s[1] == '/') {
            ig_err_set(err, errlen, "multiaddr: empty component");
            return IG_EMULTIADDR;
        }
        rc = parse_part(&s, end, ma, err, errlen);
        if (rc)
            return rc;
    }
    if (ma->len == 0) {
        ig_err_set(err, errlen, "multiaddr: no components");
        return IG_EMULTIADDR;
    }
    return 0;
}

/* Text of one value into out; returns chars written or -ENOSPC. */
static int format_value(const struct proto *p,
                        const struct ig_ma_part *part,
                        char *out,
                        size_t outlen)
{
    struct ig_peerid id;
    int af = p->kind == K_IP4 ? AF_INET : AF_INET6;

    switch (p->kind) {
        case K_IP4:
        case K_IP6:
            if (!inet_ntop(af, part->value, out, (socklen_t)outlen))
                return -ENOSPC;
            return (int)strlen(out);
        case K_PORT:
            return snprintf(out,
                            outlen,
                            "%u",
                            (unsigned)part->value[0] << 8 | part->value[1]);
        case K_DNS:
            return snprintf(
              out, outlen, "%.*s", (int)part->len, (const char *)part->value);
        case K_P2P:
            memcpy(id.bytes, part->value, part->len);
            id.len = part->len;
            return ig_peerid_format(&id, out, outlen);
        default:
            return 0;
    }
}

int ig_multiaddr_format(const struct ig_multiaddr *ma, char *out, size_t outlen)
{
    struct ig_ma_part part;
    size_t off = 0, n = 0;
    int w;

    if (outlen == 0)
        return -ENOSPC;
    out[0] = '\0';
    while (ig_multiaddr_next(ma, &off, &part) == 1) {
        const struct proto *p = by_code(part.code);
        w = snprintf(
          out + n, outlen - n, "/%s%s", p->name, p->kind == K_NONE ? "" : "/");
        if (w < 0 || (size_t)w >= outlen - n)
            return -ENOSPC;
        n += (size_t)w;
        w = format_value(p, &part, out + n, outlen - n);
        if (w < 0 || (size_t)w >= outlen - n)
            return -ENOSPC;
        n += (size_t)w;
    }
    return (int)n;
}

int ig_multiaddr_to_sockaddr(const struct ig_multiaddr *ma,
                             struct sockaddr_storage *ss,
                             socklen_t *sslen)
{
    struct ig_ma_part ip, tcp;
    size_t off = 0;
    uint16_t port;

    if (ig_multiaddr_next(ma, &off, &ip) != 1 ||
        ig_multiaddr_next(ma, &off, &tcp) != 1 || tcp.code != IG_MA_TCP)
        return IG_EUNSUPPORTED;
    port = htons((uint16_t)(tcp.value[0] << 8 | tcp.value[1]));
    memset(ss, 0, sizeof(*ss));
    if (ip.code == IG_MA_IP4) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        sin->sin_port = port;
        memcpy(&sin->sin_addr, ip.value, 4);
        *sslen = sizeof(*sin);
        return 0;
    }
    if (ip.code == IG_MA_IP6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = port;
        memcpy(&sin6->sin6_addr, ip.value, 16);
        *sslen = sizeof(*sin6);
        return 0;
    }
    return IG_EUNSUPPORTED;
}

int ig_multiaddr_from_sockaddr(const struct sockaddr *sa,
                               struct ig_multiaddr *ma)
{
    const struct proto *tcp = by_code(IG_MA_TCP);
    uint8_t port[2];

    ma->len = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
        append(ma, by_code(IG_MA_IP4), (const uint8_t *)&sin->sin_addr, 4);
        memcpy(port, &sin->sin_port, 2);
    }
    else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        append(ma, by_code(IG_MA_IP6), (const uint8_t *)&s6->sin6_addr, 16);
        memcpy(port, &s6->sin6_port, 2);
    }
    else {
        return IG_EUNSUPPORTED;
    }
    return append(ma, tcp, port, 2); /* sin_port is big-endian already */
}

int ig_multiaddr_peer(const struct ig_multiaddr *ma, struct ig_peerid *id)
{
    struct ig_ma_part part;
    size_t off = 0;
    int found = 0;

    while (ig_multiaddr_next(ma, &off, &part) == 1) {
        if (part.code != IG_MA_P2P)
            continue;
        memcpy(id->bytes, part.value, part.len);
        id->len = part.len;
        found = 1;
    }
    return found ? 0 : IG_ENOTFOUND;
}

int ig_multiaddr_append_p2p(struct ig_multiaddr *ma, const struct ig_peerid *id)
{
    return append(ma, by_code(IG_MA_P2P), id->bytes, id->len);
}
