/* SPDX-License-Identifier: MIT */
/* Identity files, DIDs and agent IDs. */
#include "test.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/agentid.h"
#include "store/did.h"
#include "store/identity.h"
#include "store_test.h"
#include "util/base58.h"
#include "util/err.h"

#define SEED_DID "did:key:z6MkehRgf7yJbgaGfYsdoAsKdBPE3dj2CYhowQdcjqSJgvVd"

TEST(identity_file_layout)
{
    struct ig_identity id, back;
    uint8_t img[IG_IDENTITY_FILE_LEN + 3];

    st_seed_identity(&id);
    ig_identity_encode(&id, img);
    ASSERT_EQ(img[0], 64);
    ASSERT_EQ(img[1] | img[2] | img[3], 0);
    for (int i = 0; i < 32; i++)
        ASSERT_EQ(img[4 + i], i);
    ASSERT_EQ(img[36], 0x03);
    ASSERT_EQ(img[67], 0xb8);
    /* Trailing bytes are refused (the reference ignores them): a file
     * with more is not one igord or the reference wrote. */
    memset(img + 68, 0x55, 3);
    {
        char err[128] = "";

        ASSERT_EQ(ig_identity_parse(img, sizeof(img), &back, err, 128),
                  IG_EIDENTITY);
        ASSERT_STR_CONTAINS(err, "identity file has 3 trailing bytes");
    }
    ASSERT_OK(ig_identity_parse(img, IG_IDENTITY_FILE_LEN, &back, NULL, 0));
    ASSERT_MEM_EQ(back.secret, id.secret, 64);
    ASSERT_MEM_EQ(back.pubkey, id.pubkey, 32);
}

TEST(identity_parse_errors)
{
    struct ig_identity id, out;
    uint8_t img[IG_IDENTITY_FILE_LEN];
    char err[128];

    st_seed_identity(&id);
    ig_identity_encode(&id, img);
    for (size_t n = 0; n < sizeof(img); n++)
        ASSERT_EQ(ig_identity_parse(img, n, &out, err, sizeof(err)),
                  IG_EIDENTITY);
    ASSERT_EQ(ig_identity_parse(img, 3, &out, err, sizeof(err)), IG_EIDENTITY);
    ASSERT_STR_CONTAINS(err, "too short");
    ASSERT_EQ(ig_identity_parse(img, 40, &out, err, sizeof(err)), IG_EIDENTITY);
    ASSERT_STR_CONTAINS(err, "truncated");
    img[0] = 32;
    ASSERT_EQ(ig_identity_parse(img, sizeof(img), &out, err, sizeof(err)),
              IG_EIDENTITY);
    ASSERT_STR_CONTAINS(err, "key length is 32");
    img[0] = 64;
    img[60] ^= 1; /* public half no longer matches the seed */
    ASSERT_EQ(ig_identity_parse(img, sizeof(img), &out, err, sizeof(err)),
              IG_EIDENTITY);
    ASSERT_STR_CONTAINS(err, "does not match");
}

TEST(identity_generate_differs)
{
    struct ig_identity a, b, c;
    uint8_t img[IG_IDENTITY_FILE_LEN];

    ASSERT_OK(ig_identity_generate(&a));
    ASSERT_OK(ig_identity_generate(&b));
    ASSERT_TRUE(memcmp(a.pubkey, b.pubkey, 32) != 0);
    ig_identity_encode(&a, img);
    ASSERT_OK(ig_identity_parse(img, sizeof(img), &c, NULL, 0));
    ASSERT_MEM_EQ(c.pubkey, a.pubkey, 32);
}

TEST(identity_save_mode_0600)
{
    char *dir = st_tmpdir(), path[256];
    struct ig_identity id, back;
    struct stat st;
    size_t len;
    uint8_t *b;

    snprintf(path, sizeof(path), "%s/a.identity", dir);
    st_seed_identity(&id);
    umask(0);
    ASSERT_OK(ig_identity_save(path, &id, NULL, 0));
    ASSERT_OK(stat(path, &st));
    ASSERT_EQ(st.st_mode & 0777, 0600);
    b = st_read(path, &len);
    ASSERT_EQ(len, 68);
    free(b);
    ASSERT_OK(ig_identity_load(path, &back, NULL, 0));
    ASSERT_MEM_EQ(back.pubkey, id.pubkey, 32);
    /* Replacing a world-readable file yields 0600 again. */
    ASSERT_OK(chmod(path, 0644));
    ASSERT_OK(ig_identity_save(path, &id, NULL, 0));
    ASSERT_OK(stat(path, &st));
    ASSERT_EQ(st.st_mode & 0777, 0600);
    snprintf(path, sizeof(path), "%s/missing.identity", dir);
    ASSERT_EQ(ig_identity_load(path, &back, NULL, 0), IG_ENOTFOUND);
    st_done();
}

TEST(did_vectors)
{
    struct ig_identity id;
    uint8_t zero[32] = { 0 }, back[32];
    char did[IG_DID_MAX], s[32];

    st_seed_identity(&id);
    ASSERT_EQ(ig_did_encode(id.pubkey, did, sizeof(did)),
              (int)strlen(SEED_DID));
    ASSERT_STR_EQ(did, SEED_DID);
    ASSERT_OK(ig_did_parse(did, back, NULL, 0));
    ASSERT_MEM_EQ(back, id.pubkey, 32);
    ig_did_encode(zero, did, sizeof(did));
    ASSERT_STR_EQ(did,
                  "did:key:z6MkeTG3bFFSLYVU7VqhgZxqr6YzpaGrQtFMh1uvqGy1vDnP");
    ASSERT_EQ(ig_did_encode(zero, did, 20), -ENOSPC);
    ASSERT_EQ(ig_did_short(SEED_DID, s, sizeof(s)), 23);
    ASSERT_STR_EQ(s, "did:key:z6MkehRg...gvVd");
}

TEST(did_parse_errors)
{
    uint8_t k[32], mc[34];
    char err[128], did[IG_DID_MAX];

    ASSERT_EQ(ig_did_parse("did:key:", k, err, sizeof(err)), IG_EFORMAT);
    ASSERT_EQ(ig_did_parse("did:web:z6Mkeh", k, err, sizeof(err)), IG_EFORMAT);
    ASSERT_EQ(ig_did_parse("did:key:z0OIl", k, err, sizeof(err)), IG_EFORMAT);
    ASSERT_STR_CONTAINS(err, "base58");
    /* Valid base58 but a secp256k1 multicodec (0xe7 0x01). */
    ASSERT_EQ(ig_did_parse("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwek"
                           "UDPQiYBme",
                           k,
                           err,
                           sizeof(err)),
              IG_EFORMAT);
    ASSERT_STR_CONTAINS(err, "0xed01");
    /* The Ed25519 multicodec with a 31-byte key. */
    memset(mc, 7, sizeof(mc));
    mc[0] = 0xed;
    mc[1] = 0x01;
    memcpy(did, "did:key:z", 9);
    ASSERT_TRUE(ig_base58_encode(mc, 33, did + 9, sizeof(did) - 9) > 0);
    ASSERT_EQ(ig_did_parse(did, k, err, sizeof(err)), IG_EFORMAT);
    ASSERT_STR_CONTAINS(err, "31 bytes, not 32");
}

TEST(agentid_accepts)
{
    char long_id[IG_AGENT_ID_MAX + 1];

    memset(long_id, 'a', IG_AGENT_ID_MAX);
    long_id[IG_AGENT_ID_MAX] = '\0';
    ASSERT_OK(ig_agentid_validate("heartbeat", NULL, 0));
    ASSERT_OK(ig_agentid_validate("a.b_c-D9", NULL, 0));
    ASSERT_OK(ig_agentid_validate("x", NULL, 0));
    ASSERT_OK(ig_agentid_validate("a..b", NULL, 0));
    ASSERT_OK(ig_agentid_validate(long_id, NULL, 0));
}

TEST(agentid_rejects)
{
    static const char *const bad[] = {
        "../x", "a/b",  "",  ".hidden", ".",    "..",
        "a b",  "a\\b", "é", "x\n",     "/abs", "a:b",
    };
    char long_id[301], err[128];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        ASSERT_EQ(ig_agentid_validate(bad[i], err, sizeof(err)), IG_EAGENT_ID);
        ASSERT_TRUE(err[0] != '\0');
    }
    ASSERT_EQ(ig_agentid_validate(NULL, err, sizeof(err)), IG_EAGENT_ID);
    memset(long_id, 'a', 300);
    long_id[300] = '\0';
    ASSERT_EQ(ig_agentid_validate(long_id, err, sizeof(err)), IG_EAGENT_ID);
    ASSERT_STR_CONTAINS(err, "128");
    long_id[129] = '\0';
    ASSERT_EQ(ig_agentid_validate(long_id, err, sizeof(err)), IG_EAGENT_ID);
    ASSERT_EQ(ig_agentid_validate(".hidden", err, sizeof(err)), IG_EAGENT_ID);
    ASSERT_STR_CONTAINS(err, "'.'");
}

static void expect_from_path(const char *path, const char *want)
{
    char out[IG_AGENT_ID_MAX + 1], err[128];

    err[0] = '\0';
    if (ig_agentid_from_path(path, out, sizeof(out), err, sizeof(err)) != 0)
        IG_TEST_FAIL("%s: %s", path, err);
    ASSERT_STR_EQ(out, want);
}

TEST(agentid_from_path)
{
    char out[IG_AGENT_ID_MAX + 1];

    expect_from_path("agents/liquidation/agent.wasm", "liquidation");
    expect_from_path("/x/y/heartbeat.wasm", "heartbeat");
    expect_from_path("agent.wasm", "agent");
    expect_from_path("./agent.wasm", "agent");
    expect_from_path("foo", "foo");
    expect_from_path("dir/my.agent.wasm", "my.agent");
    expect_from_path("sub/.wasm", "sub");
    ASSERT_EQ(ig_agentid_from_path("../agent.wasm", out, sizeof(out), NULL, 0),
              IG_EAGENT_ID);
    ASSERT_EQ(ig_agentid_from_path("a b/agent.wasm", out, sizeof(out), NULL, 0),
              IG_EAGENT_ID);
    ASSERT_EQ(ig_agentid_from_path("x/heartbeat.wasm", out, 4, NULL, 0),
              -ENOSPC);
}
