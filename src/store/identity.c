/* SPDX-License-Identifier: MIT */
/* Agent Ed25519 key pairs and their identity file. */
#include "store/identity.h"

#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "store/atomic.h"
#include "store/ckpt.h"
#include "util/err.h"

/* The file is small; anything much larger is not an identity file. */
#define IDENTITY_READ_MAX 4096

int ig_identity_from_seed(const uint8_t seed[IG_IDENTITY_SEED_LEN],
                          struct ig_identity *out)
{
    if (ig_ckpt__sodium_init() < 0)
        return IG_ECRYPTO;
    if (crypto_sign_seed_keypair(out->pubkey, out->secret, seed) != 0)
        return IG_ECRYPTO;
    return 0;
}

int ig_identity_generate(struct ig_identity *out)
{
    if (ig_ckpt__sodium_init() < 0)
        return IG_ECRYPTO;
    if (crypto_sign_keypair(out->pubkey, out->secret) != 0)
        return IG_ECRYPTO;
    return 0;
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

int ig_identity_parse(const uint8_t *buf,
                      size_t len,
                      struct ig_identity *out,
                      char *err,
                      size_t errlen)
{
    struct ig_identity derived;
    uint32_t klen;
    int rc;

    memset(out, 0, sizeof(*out));
    if (len < 4) {
        ig_err_set(err, errlen, "identity file too short: %zu bytes", len);
        return IG_EIDENTITY;
    }
    klen = get_u32(buf);
    if (klen != IG_IDENTITY_SECRET_LEN) {
        ig_err_set(
          err, errlen, "identity key length is %u, not 64", (unsigned)klen);
        return IG_EIDENTITY;
    }
    if (len < IG_IDENTITY_FILE_LEN) {
        ig_err_set(
          err, errlen, "identity file truncated: %zu of 68 bytes", len);
        return IG_EIDENTITY;
    }
    if (len > IG_IDENTITY_FILE_LEN) {
        ig_err_set(err,
                   errlen,
                   "identity file has %zu trailing bytes",
                   len - IG_IDENTITY_FILE_LEN);
        return IG_EIDENTITY;
    }
    rc = ig_identity_from_seed(buf + 4, &derived);
    if (rc < 0)
        return rc;
    if (sodium_memcmp(derived.pubkey, buf + 4 + 32, 32) != 0) {
        ig_identity_wipe(&derived);
        ig_err_set(err,
                   errlen,
                   "identity public key does not match "
                   "the key derived from its seed");
        return IG_EIDENTITY;
    }
    *out = derived;
    ig_identity_wipe(&derived);
    return 0;
}

void ig_identity_encode(const struct ig_identity *id,
                        uint8_t out[IG_IDENTITY_FILE_LEN])
{
    out[0] = IG_IDENTITY_SECRET_LEN;
    out[1] = out[2] = out[3] = 0;
    memcpy(out + 4, id->secret, IG_IDENTITY_SECRET_LEN);
}

int ig_identity_load(const char *path,
                     struct ig_identity *out,
                     char *err,
                     size_t errlen)
{
    int fd = -1, rc = ig_identity_load_keep(path, out, &fd, err, errlen);

    if (fd >= 0)
        close(fd);
    return rc;
}

int ig_identity_load_keep(const char *path,
                          struct ig_identity *out,
                          int *fd,
                          char *err,
                          size_t errlen)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    rc =
      ig_atomic_read_keep(path, IDENTITY_READ_MAX, &buf, &len, fd, err, errlen);
    if (rc == IG_ETOOBIG) {
        ig_err_set(err,
                   errlen,
                   "%s: identity file over %d bytes",
                   path,
                   IDENTITY_READ_MAX);
        rc = IG_EIDENTITY;
    }
    if (rc < 0)
        goto out;
    rc = ig_identity_parse(buf, len, out, err, errlen);
out:
    if (buf) {
        sodium_memzero(buf, len);
        free(buf);
    }
    if (rc < 0 && *fd >= 0) {
        close(*fd);
        *fd = -1;
    }
    return rc;
}

int ig_identity_save(const char *path,
                     const struct ig_identity *id,
                     char *err,
                     size_t errlen)
{
    uint8_t img[IG_IDENTITY_FILE_LEN];
    int rc;

    ig_identity_encode(id, img);
    rc = ig_atomic_file_replace(path, img, sizeof(img), 0600, 0, err, errlen);
    sodium_memzero(img, sizeof(img));
    return rc;
}

void ig_identity_wipe(struct ig_identity *id)
{
    sodium_memzero(id, sizeof(*id));
}
