/* SPDX-License-Identifier: MIT */
/* The checkpoint codec against the reference's golden files, the worked
 * v4 example, truncation at every offset and tampered signatures. */
#define IG_TEST_MAIN
#include "test.h"

#include <errno.h>
#include <ftw.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/ckpt.h"
#include "store_test.h"
#include "util/err.h"
#include "util/hex.h"

#define GOLDEN_WASM "known-wasm-binary-for-golden-test"

void st_seed_identity(struct ig_identity *id)
{
    uint8_t seed[32];

    for (int i = 0; i < 32; i++)
        seed[i] = (uint8_t)i;
    if (ig_identity_from_seed(seed, id) != 0)
        IG_TEST_FAIL("ig_identity_from_seed failed");
}

void st_example_ckpt(struct ig_ckpt *c, uint8_t state_buf[8])
{
    memset(c, 0, sizeof(*c));
    memset(state_buf, 0, 8);
    state_buf[0] = 3;
    c->budget = 1000000;
    c->price = 1000;
    c->tick = 5;
    ig_ckpt_wasm_hash(
      (const uint8_t *)GOLDEN_WASM, strlen(GOLDEN_WASM), c->wasm_hash);
    c->state = state_buf;
    c->state_len = 8;
}

static char *tmpdirs[16];
static int ntmpdirs;

static int remove_one(const char *path,
                      const struct stat *st,
                      int type,
                      struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path);
}

void st_done(void)
{
    while (ntmpdirs > 0) {
        char *d = tmpdirs[--ntmpdirs];

        chmod(d, 0755);
        nftw(d, remove_one, 16, FTW_DEPTH | FTW_PHYS);
        free(d);
    }
}

char *st_tmpdir(void)
{
    char tmpl[] = "/tmp/igord-store-XXXXXX";
    char *d = mkdtemp(tmpl);

    if (!d)
        IG_TEST_FAIL("mkdtemp: %s", strerror(errno));
    if (ntmpdirs == (int)(sizeof(tmpdirs) / sizeof(tmpdirs[0])))
        IG_TEST_FAIL("too many temporary directories in one test");
    if (ntmpdirs == 0)
        atexit(st_done);
    tmpdirs[ntmpdirs++] = strdup(d);
    return tmpdirs[ntmpdirs - 1];
}

uint8_t *st_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;

    if (!f)
        IG_TEST_FAIL("open %s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        IG_TEST_FAIL("read %s", path);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

void st_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        IG_TEST_FAIL("write %s", path);
}

static void golden_hash(uint8_t h[32])
{
    ig_ckpt_wasm_hash((const uint8_t *)GOLDEN_WASM, strlen(GOLDEN_WASM), h);
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

TEST(golden_v2)
{
    struct ig_ckpt c;
    uint8_t h[32];
    size_t len;
    uint8_t *b = st_read(FIXTURES "/checkpoint.bin", &len);

    ASSERT_OK(ig_ckpt_parse(b, len, &c, NULL, 0));
    golden_hash(h);
    ASSERT_EQ(c.version, 2);
    ASSERT_EQ(c.budget, 1000000);
    ASSERT_EQ(c.price, 1000);
    ASSERT_U64_EQ(c.tick, 5);
    ASSERT_MEM_EQ(c.wasm_hash, h, 32);
    ASSERT_EQ(len, 65);
    ASSERT_EQ(c.state_len, 8);
    ASSERT_TRUE(c.state == b + 57);
    ASSERT_U64_EQ(le64(c.state), 3);
    ASSERT_EQ(c.major, 0);
    free(b);
}

TEST(golden_v2_empty_state)
{
    struct ig_ckpt c;
    uint8_t h[32];
    size_t len;
    uint8_t *b = st_read(FIXTURES "/checkpoint_empty_state.bin", &len);

    ASSERT_OK(ig_ckpt_parse(b, len, &c, NULL, 0));
    golden_hash(h);
    ASSERT_EQ(c.version, 2);
    ASSERT_EQ(c.budget, 500000);
    ASSERT_EQ(c.price, 2000);
    ASSERT_U64_EQ(c.tick, 0);
    ASSERT_MEM_EQ(c.wasm_hash, h, 32);
    ASSERT_EQ(c.state_len, 0);
    free(b);
}

TEST(golden_v3)
{
    struct ig_ckpt c;
    uint8_t h[32];
    size_t len;
    uint8_t *b = st_read(FIXTURES "/checkpoint_v3.bin", &len);

    ASSERT_OK(ig_ckpt_parse(b, len, &c, NULL, 0));
    golden_hash(h);
    ASSERT_EQ(c.version, 3);
    ASSERT_EQ(c.budget, 2000000);
    ASSERT_EQ(c.price, 1500);
    ASSERT_U64_EQ(c.tick, 10);
    ASSERT_MEM_EQ(c.wasm_hash, h, 32);
    ASSERT_U64_EQ(c.major, 3);
    ASSERT_U64_EQ(c.lease_gen, 7);
    ASSERT_EQ(c.lease_expiry, 1700000000000000000LL);
    ASSERT_EQ(c.state_len, 8);
    ASSERT_U64_EQ(le64(c.state), 5);
    free(b);
}

/* Re-encoding each golden file gives back its exact bytes. */
TEST(golden_reencode)
{
    static const char *const files[] = { FIXTURES "/checkpoint.bin",
                                         FIXTURES "/checkpoint_empty_state.bin",
                                         FIXTURES "/checkpoint_v3.bin" };

    for (size_t i = 0; i < 3; i++) {
        struct ig_ckpt c;
        size_t len, n;
        uint8_t *b = st_read(files[i], &len), out[128];

        ASSERT_OK(ig_ckpt_parse(b, len, &c, NULL, 0));
        ASSERT_EQ(ig_ckpt_encoded_len(&c), len);
        ASSERT_OK(ig_ckpt_encode(&c, out, sizeof(out), &n));
        ASSERT_EQ(n, len);
        ASSERT_MEM_EQ(out, b, len);
        free(b);
    }
}

TEST(seed_vector_pubkey)
{
    struct ig_identity id;
    char hex[65];

    st_seed_identity(&id);
    ig_hex_encode(id.pubkey, 32, hex, sizeof(hex));
    ASSERT_STR_EQ(hex,
                  "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1dd"
                  "c8664125531b8");
    ASSERT_MEM_EQ(id.secret + 32, id.pubkey, 32);
}

TEST(worked_v4_example)
{
    struct ig_identity id;
    struct ig_ckpt c, p;
    uint8_t st[8], *blob = NULL, h[32];
    size_t len = 0;
    char hex[129];

    st_seed_identity(&id);
    st_example_ckpt(&c, st);
    ASSERT_OK(ig_ckpt_build_v4(&c, id.secret, &blob, &len));
    ASSERT_EQ(len, 217);
    ig_hex_encode(c.signature, 64, hex, sizeof(hex));
    ASSERT_STR_EQ(hex,
                  "e83a40e7bd8c603ac6f2cc5393607a6bec7807c7ceed5af4dda0"
                  "ab5dcd76bcec23151aa5122d6779b1f1ae322ad929649bbef0f4"
                  "cbedbccca4fac4b3c8501105");
    ASSERT_MEM_EQ(blob + 145, c.signature, 64);
    ig_ckpt_content_hash(blob, len, h);
    ig_hex_encode(h, 32, hex, sizeof(hex));
    ASSERT_STR_EQ(hex,
                  "d490086f43f0325c5cf6f49ac745404ecec64d7d1ae6faffe43a"
                  "a6f3160299c4");
    ASSERT_OK(ig_ckpt_verify(blob, len, NULL, 0));
    ASSERT_OK(ig_ckpt_parse(blob, len, &p, NULL, 0));
    ASSERT_EQ(p.version, 4);
    ASSERT_MEM_EQ(p.pubkey, id.pubkey, 32);
    ASSERT_U64_EQ(le64(p.state), 3);
    free(blob);
}

/* Signing twice gives the same bytes (RFC 8032 is deterministic). */
TEST(v4_deterministic)
{
    struct ig_identity id;
    struct ig_ckpt c;
    uint8_t st[8], *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;

    st_seed_identity(&id);
    st_example_ckpt(&c, st);
    c.major = 2;
    c.lease_gen = 9;
    c.lease_expiry = -5;
    memset(c.prev_hash, 0xab, 32);
    ASSERT_OK(ig_ckpt_build_v4(&c, id.secret, &a, &alen));
    ASSERT_OK(ig_ckpt_build_v4(&c, id.secret, &b, &blen));
    ASSERT_EQ(alen, blen);
    ASSERT_MEM_EQ(a, b, alen);
    ASSERT_OK(ig_ckpt_verify(a, alen, NULL, 0));
    free(a);
    free(b);
}

TEST(truncation_every_offset)
{
    struct ig_identity id;
    struct ig_ckpt c, p;
    uint8_t st[8], *blob = NULL;
    size_t len = 0;
    char err[128];

    st_seed_identity(&id);
    st_example_ckpt(&c, st);
    ASSERT_OK(ig_ckpt_build_v4(&c, id.secret, &blob, &len));
    for (size_t n = 0; n < IG_CKPT_HDR_V4; n++) {
        /* A fresh copy of exactly n bytes lets ASan catch overreads. */
        uint8_t *cut = malloc(n ? n : 1);
        int rc;

        memcpy(cut, blob, n);
        err[0] = '\0';
        rc = ig_ckpt_parse(cut, n, &p, err, sizeof(err));
        ASSERT_EQ(rc, IG_ECKPT_SHORT);
        if (n > 0) {
            char want[64];

            snprintf(want, sizeof(want), "need 209 bytes, have %zu", n);
            ASSERT_STR_CONTAINS(err, want);
        }
        ASSERT_EQ(ig_ckpt_verify(cut, n, NULL, 0), IG_ECKPT_SHORT);
        free(cut);
    }
    /* Past the header a cut is a shorter state, which the signature
     * catches. */
    for (size_t n = IG_CKPT_HDR_V4; n < len; n++) {
        ASSERT_OK(ig_ckpt_parse(blob, n, &p, NULL, 0));
        ASSERT_EQ(p.state_len, n - IG_CKPT_HDR_V4);
        ASSERT_EQ(ig_ckpt_verify(blob, n, NULL, 0), IG_ECKPT_SIGNATURE);
    }
    free(blob);
}

TEST(truncated_v2_v3_headers)
{
    uint8_t b[81] = { 0 };
    struct ig_ckpt p;
    char err[128];

    b[0] = 2;
    ASSERT_EQ(ig_ckpt_parse(b, 56, &p, err, sizeof(err)), IG_ECKPT_SHORT);
    ASSERT_STR_CONTAINS(err, "need 57 bytes, have 56");
    ASSERT_OK(ig_ckpt_parse(b, 57, &p, NULL, 0));
    b[0] = 3;
    ASSERT_EQ(ig_ckpt_parse(b, 80, &p, err, sizeof(err)), IG_ECKPT_SHORT);
    ASSERT_STR_CONTAINS(err, "need 81 bytes, have 80");
    ASSERT_OK(ig_ckpt_parse(b, 81, &p, NULL, 0));
    ASSERT_EQ(ig_ckpt_parse(b, 0, &p, err, sizeof(err)), IG_ECKPT_SHORT);
}

TEST(every_flipped_byte_breaks_signature)
{
    struct ig_identity id;
    struct ig_ckpt c;
    uint8_t st[8], *blob = NULL;
    size_t len = 0;

    st_seed_identity(&id);
    st_example_ckpt(&c, st);
    ASSERT_OK(ig_ckpt_build_v4(&c, id.secret, &blob, &len));
    /* Byte 0 is the version; every other byte is covered (the
     * signature bytes through the signature itself). */
    for (size_t i = 1; i < len; i++) {
        blob[i] ^= 0x01;
        ASSERT_EQ(ig_ckpt_verify(blob, len, NULL, 0), IG_ECKPT_SIGNATURE);
        blob[i] ^= 0x01;
    }
    blob[145] ^= 0x80;
    ASSERT_EQ(ig_ckpt_verify(blob, len, NULL, 0), IG_ECKPT_SIGNATURE);
    blob[145] ^= 0x80;
    ASSERT_OK(ig_ckpt_verify(blob, len, NULL, 0));
    free(blob);
}

TEST(bad_version_and_negative)
{
    uint8_t b[209] = { 0 };
    struct ig_ckpt p;
    char err[128];

    for (unsigned v = 0; v < 256; v++) {
        b[0] = (uint8_t)v;
        if (v >= 2 && v <= 4)
            continue;
        ASSERT_EQ(ig_ckpt_parse(b, sizeof(b), &p, err, sizeof(err)),
                  IG_ECKPT_VERSION);
    }
    b[0] = 4;
    b[8] = 0x80; /* budget's top byte: negative */
    ASSERT_EQ(ig_ckpt_parse(b, sizeof(b), &p, err, sizeof(err)),
              IG_ECKPT_NEGATIVE);
    ASSERT_STR_CONTAINS(err, "negative budget");
    b[8] = 0;
    b[16] = 0xff; /* price */
    ASSERT_EQ(ig_ckpt_parse(b, sizeof(b), &p, err, sizeof(err)),
              IG_ECKPT_NEGATIVE);
    ASSERT_STR_CONTAINS(err, "negative price");
}

TEST(verify_refuses_unsigned_versions)
{
    size_t len;
    uint8_t *b = st_read(FIXTURES "/checkpoint_v3.bin", &len);

    ASSERT_EQ(ig_ckpt_verify(b, len, NULL, 0), IG_EUNSUPPORTED);
    free(b);
}

TEST(encode_rejects)
{
    struct ig_ckpt c;
    uint8_t out[300], st[8];
    size_t n = 1;

    st_example_ckpt(&c, st);
    c.version = 4;
    ASSERT_EQ(ig_ckpt_encode(&c, out, 216, &n), -ENOSPC);
    ASSERT_EQ(n, 0);
    c.version = 5;
    ASSERT_EQ(ig_ckpt_encode(&c, out, sizeof(out), &n), IG_ECKPT_VERSION);
    ASSERT_EQ(ig_ckpt_encoded_len(&c), 0);
    c.version = 4;
    c.budget = -1;
    ASSERT_EQ(ig_ckpt_encode(&c, out, sizeof(out), &n), IG_ECKPT_NEGATIVE);
    c.budget = 0;
    c.state_len = IG_CKPT_MAX_STATE + 1u;
    ASSERT_EQ(ig_ckpt_encode(&c, out, sizeof(out), &n), IG_ETOOBIG);
}
