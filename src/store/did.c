/* SPDX-License-Identifier: MIT */
/* did:key encoding of Ed25519 public keys (multicodec 0xed01, multibase
 * 'z' = base58btc). */
#include "store/did.h"

#include <errno.h>
#include <string.h>

#include "util/base58.h"
#include "util/err.h"

#define DID_PREFIX "did:key:z"
#define DID_PREFIX_LEN 9

int ig_did_encode(const uint8_t pubkey[32], char *out, size_t outlen)
{
    uint8_t mc[34] = { 0xed, 0x01 };
    int n;

    if (outlen < DID_PREFIX_LEN + 1)
        return -ENOSPC;
    memcpy(mc + 2, pubkey, 32);
    memcpy(out, DID_PREFIX, DID_PREFIX_LEN);
    n = ig_base58_encode(
      mc, sizeof(mc), out + DID_PREFIX_LEN, outlen - DID_PREFIX_LEN);
    if (n < 0) {
        out[0] = '\0';
        return n;
    }
    return n + DID_PREFIX_LEN;
}

int ig_did_parse(const char *did, uint8_t pubkey[32], char *err, size_t errlen)
{
    uint8_t buf[64];
    size_t len = strlen(did);
    int n;

    if (len <= DID_PREFIX_LEN) {
        ig_err_set(err, errlen, "DID too short");
        return IG_EFORMAT;
    }
    if (memcmp(did, DID_PREFIX, DID_PREFIX_LEN) != 0) {
        ig_err_set(err, errlen, "DID does not start with " DID_PREFIX);
        return IG_EFORMAT;
    }
    n = ig_base58_decode(
      did + DID_PREFIX_LEN, len - DID_PREFIX_LEN, buf, sizeof(buf));
    if (n < 0) {
        ig_err_set(err, errlen, "DID is not valid base58btc");
        return IG_EFORMAT;
    }
    if (n < 2 || buf[0] != 0xed || buf[1] != 0x01) {
        ig_err_set(err, errlen, "DID is not an Ed25519 key (0xed01)");
        return IG_EFORMAT;
    }
    if (n != 34) {
        ig_err_set(err, errlen, "DID key is %d bytes, not 32", n - 2);
        return IG_EFORMAT;
    }
    memcpy(pubkey, buf + 2, 32);
    return 0;
}

int ig_did_short(const char *did, char *out, size_t outlen)
{
    size_t len = strlen(did);

    if (len <= 24) {
        if (outlen < len + 1)
            return -ENOSPC;
        memcpy(out, did, len + 1);
        return (int)len;
    }
    if (outlen < 16 + 3 + 4 + 1)
        return -ENOSPC;
    memcpy(out, did, 16);
    memcpy(out + 16, "...", 3);
    memcpy(out + 19, did + len - 4, 5);
    return 23;
}
