/* SPDX-License-Identifier: MIT */
/* Peer IDs and node keys. A key protobuf of 42 bytes or less is inlined
 * with the identity multihash, which is why Ed25519 IDs start 12D3KooW. */
#include "net/peerid.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/pb.h"
#include "net/varint.h"
#include "util/atomic_file.h"
#include "util/base58.h"
#include "util/err.h"

#define MH_IDENTITY 0x00
#define MH_SHA256 0x12
#define NODEKEY_FILE_LEN 68

void ig_pubkey_encode(const uint8_t pk[32], uint8_t out[IG_PUBKEY_PB_LEN])
{
    out[0] = 0x08; /* field 1 (Type), varint */
    out[1] = IG_KEYTYPE_ED25519;
    out[2] = 0x12; /* field 2 (Data), length-delimited */
    out[3] = 32;
    memcpy(out + 4, pk, 32);
}

int ig_pubkey_decode(const uint8_t *buf,
                     size_t len,
                     uint8_t pk[32],
                     char *err,
                     size_t errlen)
{
    struct ig_pb_reader r;
    struct ig_pb_field f;
    const uint8_t *data = NULL;
    size_t dlen = 0;
    uint64_t type = UINT64_MAX;
    int rc;

    ig_pb_reader_init(&r, buf, len);
    while ((rc = ig_pb_next(&r, &f)) > 0) {
        if (f.num == 1 && f.wire == IG_PB_VARINT)
            type = f.v;
        else if (f.num == 2 && f.wire == IG_PB_LEN)
            data = f.data, dlen = f.len;
    }
    if (rc < 0) {
        ig_err_set(err, errlen, "public key: malformed protobuf");
        return rc;
    }
    if (type != IG_KEYTYPE_ED25519) {
        ig_err_set(err,
                   errlen,
                   "public key: key type %llu not supported",
                   (unsigned long long)type);
        return IG_EUNSUPPORTED;
    }
    if (!data || dlen != 32) {
        ig_err_set(err, errlen, "public key: Ed25519 data is %zu bytes", dlen);
        return IG_EFORMAT;
    }
    memcpy(pk, data, 32);
    return 0;
}

void ig_peerid_from_pubkey(const uint8_t pk[32], struct ig_peerid *id)
{
    id->bytes[0] = MH_IDENTITY;
    id->bytes[1] = IG_PUBKEY_PB_LEN;
    ig_pubkey_encode(pk, id->bytes + 2);
    id->len = 2 + IG_PUBKEY_PB_LEN;
}

int ig_peerid_from_bytes(const uint8_t *buf,
                         size_t len,
                         struct ig_peerid *id,
                         char *err,
                         size_t errlen)
{
    const uint8_t *p = buf, *end = buf + len;
    uint64_t code, dlen;

    if (len > IG_PEERID_MAX || ig_varint_decode(&p, end, &code) < 0 ||
        ig_varint_decode(&p, end, &dlen) < 0) {
        ig_err_set(err, errlen, "peer ID: bad multihash header");
        return IG_EFORMAT;
    }
    if (dlen != (uint64_t)(end - p)) {
        ig_err_set(err, errlen, "peer ID: digest length mismatch");
        return IG_EFORMAT;
    }
    if (code != MH_IDENTITY && !(code == MH_SHA256 && dlen == 32)) {
        ig_err_set(err,
                   errlen,
                   "peer ID: unsupported multihash 0x%llx",
                   (unsigned long long)code);
        return IG_EFORMAT;
    }
    memcpy(id->bytes, buf, len);
    id->len = len;
    return 0;
}

int ig_peerid_parse(const char *s,
                    size_t len,
                    struct ig_peerid *id,
                    char *err,
                    size_t errlen)
{
    uint8_t buf[IG_PEERID_MAX];
    int n;

    if (len == 0 || len >= IG_PEERID_STRMAX) {
        ig_err_set(err, errlen, "peer ID: bad length %zu", len);
        return IG_EFORMAT;
    }
    n = ig_base58_decode(s, len, buf, sizeof(buf));
    if (n < 0) {
        ig_err_set(err, errlen, "peer ID: not base58btc");
        return IG_EFORMAT;
    }
    return ig_peerid_from_bytes(buf, (size_t)n, id, err, errlen);
}

int ig_peerid_format(const struct ig_peerid *id, char *out, size_t outlen)
{
    return ig_base58_encode(id->bytes, id->len, out, outlen);
}

int ig_peerid_equal(const struct ig_peerid *a, const struct ig_peerid *b)
{
    return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

int ig_peerid_matches(const struct ig_peerid *id, const uint8_t pk[32])
{
    struct ig_peerid mine;
    uint8_t hash[32];

    ig_peerid_from_pubkey(pk, &mine);
    if (ig_peerid_equal(id, &mine))
        return 1;
    if (id->len != 34 || id->bytes[0] != MH_SHA256 || id->bytes[1] != 32)
        return 0;
    crypto_hash_sha256(hash, mine.bytes + 2, IG_PUBKEY_PB_LEN);
    return memcmp(hash, id->bytes + 2, 32) == 0;
}

int ig_peerid_pubkey(const struct ig_peerid *id, uint8_t pk[32])
{
    if (id->len < 2 || id->bytes[0] != MH_IDENTITY)
        return IG_EUNSUPPORTED;
    return ig_pubkey_decode(id->bytes + 2, id->len - 2, pk, NULL, 0);
}

void ig_nodekey_from_seed(const uint8_t seed[32], struct ig_nodekey *k)
{
    crypto_sign_seed_keypair(k->pk, k->sk, seed);
    ig_peerid_from_pubkey(k->pk, &k->id);
}

int ig_nodekey_generate(struct ig_nodekey *k)
{
    uint8_t seed[32];

    if (sodium_init() < 0)
        return IG_ECRYPTO;
    randombytes_buf(seed, sizeof(seed));
    ig_nodekey_from_seed(seed, k);
    sodium_memzero(seed, sizeof(seed));
    return 0;
}

/* Read up to cap bytes of path into buf; *len < cap means the whole
 * file was read, so callers pass one byte more than they accept. With
 * keep, a file read whole stays open there (else it is -1). */
static int read_small(const char *path,
                      uint8_t *buf,
                      size_t cap,
                      size_t *len,
                      int *keep)
{
    size_t n = 0;
    ssize_t r;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

    if (keep)
        *keep = -1;
    if (fd < 0)
        return -errno;
    while (n < cap) {
        r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = r < 0 ? -errno : 0;
            break;
        }
        n += (size_t)r;
    }
    if (rc == 0 && keep)
        *keep = fd;
    else
        close(fd);
    *len = n;
    return rc;
}

static int decode_key(const char *path,
                      struct ig_nodekey *k,
                      int *fd,
                      char *err,
                      size_t errlen)
{
    uint8_t buf[NODEKEY_FILE_LEN + 1];
    size_t n = 0;
    int rc = read_small(path, buf, sizeof(buf), &n, fd);

    if (rc < 0) {
        ig_err_set(err, errlen, "%s: %s", path, ig_strerror(rc));
        return rc;
    }
    if (n != NODEKEY_FILE_LEN) {
        ig_err_set(err,
                   errlen,
                   "%s: not a 68-byte node key (%s%zu bytes)",
                   path,
                   n > NODEKEY_FILE_LEN ? "over " : "",
                   n > NODEKEY_FILE_LEN ? (size_t)NODEKEY_FILE_LEN : n);
        sodium_memzero(buf, sizeof(buf));
        return IG_EIDENTITY;
    }
    if (buf[0] != 64 || buf[1] || buf[2] || buf[3]) {
        ig_err_set(err,
                   errlen,
                   "%s: bad length prefix (%u, expected 64)",
                   path,
                   (unsigned)(buf[0] | buf[1] << 8 | buf[2] << 16 |
                              (uint32_t)buf[3] << 24));
        sodium_memzero(buf, sizeof(buf));
        return IG_EIDENTITY;
    }
    ig_nodekey_from_seed(buf + 4, k);
    rc = memcmp(k->pk, buf + 36, 32) ? IG_EIDENTITY : 0;
    if (rc) {
        ig_err_set(err, errlen, "%s: public key does not match seed", path);
        sodium_memzero(k, sizeof(*k));
    }
    sodium_memzero(buf, sizeof(buf));
    return rc;
}

/* ig_nodekey_load; with keep, the file stays open there once the key
 * decoded (else it is -1). */
static int load_key(const char *path,
                    struct ig_nodekey *k,
                    int *keep,
                    char *err,
                    size_t errlen)
{
    int fd = -1, rc = decode_key(path, k, keep ? &fd : NULL, err, errlen);

    if (rc < 0 && fd >= 0) {
        close(fd);
        fd = -1;
    }
    if (keep)
        *keep = fd;
    return rc;
}

int ig_nodekey_load(const char *path,
                    struct ig_nodekey *k,
                    char *err,
                    size_t errlen)
{
    return load_key(path, k, NULL, err, errlen);
}

int ig_nodekey_save(const char *path, const struct ig_nodekey *k)
{
    uint8_t buf[NODEKEY_FILE_LEN] = { 64, 0, 0, 0 };
    int rc;

    memcpy(buf + 4, k->sk, 64);
    rc = ig_atomic_file_replace(
      path, buf, sizeof(buf), 0600, IG_ATOMIC_NOREPLACE, NULL, 0);
    sodium_memzero(buf, sizeof(buf));
    return rc;
}

/* A key that is missing behind a symlink (its volume not mounted, say)
 * must not be replaced by a new one: the node would change identity. */
static int refuse_dangling(const char *path, char *err, size_t errlen)
{
    char target[PATH_MAX];

    if (!ig_atomic_file_dangling(path, target, sizeof(target)))
        return 0;
    ig_err_set(err,
               errlen,
               "%s is a symlink to a missing file (%s): not making a new "
               "node key through it (the node's identity would change)",
               path,
               target);
    return IG_EEXISTS;
}

int ig_nodekey_load_or_create(const char *dir,
                              struct ig_nodekey *k,
                              int *created,
                              unsigned *was_mode,
                              char *err,
                              size_t errlen)
{
    char path[PATH_MAX];
    int rc, fd = -1,
            n = snprintf(path, sizeof(path), "%s/%s", dir, IG_NODEKEY_FILE);

    if (created)
        *created = 0;
    if (was_mode)
        *was_mode = 0;
    if (n < 0 || (size_t)n >= sizeof(path))
        return -ENAMETOOLONG;
    rc = load_key(path, k, &fd, err, errlen);
    if (rc == 0) {
        /* A key others can read is closed, as an agent's identity is. */
        rc = ig_atomic_file_restrict(fd, path, was_mode, err, errlen);
        close(fd);
        return rc;
    }
    if (rc != -ENOENT || (rc = refuse_dangling(path, err, errlen)) < 0)
        return rc;
    rc = ig_nodekey_generate(k);
    if (!rc)
        rc = ig_nodekey_save(path, k);
    if (rc) {
        ig_err_set(err, errlen, "%s: %s", path, ig_strerror(rc));
        return rc;
    }
    if (created)
        *created = 1;
    return 0;
}
