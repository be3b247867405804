/* SPDX-License-Identifier: MIT */
/* The inspector report for v2, v3 and v4 checkpoints. */
#include "test.h"

#include "store/inspect.h"
#include "store_test.h"
#include "util/err.h"

/* Run the printer into a memory buffer (caller frees). */
static char *report(const struct ig_inspect *in)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f)
        IG_TEST_FAIL("open_memstream");
    ig_inspect_print(f, in);
    fclose(f);
    return buf;
}

TEST(inspect_v4_report)
{
    static const char golden[] = "known-wasm-binary-for-golden-test";
    struct ig_identity id;
    struct ig_inspect in;
    struct ig_ckpt c;
    uint8_t st[8], *blob = NULL;
    size_t len = 0;
    char *r;

    st_seed_identity(&id);
    st_example_ckpt(&c, st);
    ASSERT_OK(ig_ckpt_build_v4(&c, id.secret, &blob, &len));
    ASSERT_OK(ig_inspect(blob,
                         len,
                         (const uint8_t *)golden,
                         strlen(golden),
                         "agent.wasm",
                         &in,
                         NULL,
                         0));
    ASSERT_EQ(in.sig_valid, 1);
    ASSERT_EQ(in.wasm_match, 1);
    r = report(&in);
    ASSERT_STR_CONTAINS(r, "Checkpoint Inspector\n====================\n\n");
    ASSERT_STR_CONTAINS(r, "Version:          4 (0x04)\n");
    ASSERT_STR_CONTAINS(r,
                        "Budget:           1.000000 (1000000 "
                        "microcents)\n");
    ASSERT_STR_CONTAINS(r, "Price/Second:     0.001000 (1000 microcents)\n");
    ASSERT_STR_CONTAINS(r, "Tick Number:      5\n");
    ASSERT_STR_CONTAINS(r, "Epoch:            (0,0)\n");
    ASSERT_STR_CONTAINS(r, "Lease Expiry:     (none)\n");
    ASSERT_STR_CONTAINS(r,
                        "Agent Identity:   03a107bff3ce10be1d70dd18e74b"
                        "c09967e4d6309ba50d5f1ddc8664125531b8\n");
    ASSERT_STR_CONTAINS(r,
                        "Previous Hash:    0000000000000000000000000000"
                        "000000000000000000000000000000000000\n");
    ASSERT_STR_CONTAINS(r, "Signature:        VALID\n");
    ASSERT_STR_CONTAINS(r, "Header Size:      209 bytes\n");
    ASSERT_STR_CONTAINS(r, "Total Size:       217 bytes\n");
    ASSERT_STR_CONTAINS(r, "State Size:       8 bytes\n");
    ASSERT_STR_CONTAINS(r, "WASM Verified:    YES (matches agent.wasm)\n");
    ASSERT_STR_CONTAINS(r,
                        "\nState Hex Dump:\n  00000000  03 00 00 00 00 "
                        "00 00 00                           "
                        "|........|\n");
    ASSERT_STR_CONTAINS(r,
                        "Agent DID:        did:key:z6MkehRgf7yJbgaGfYsdo"
                        "AsKdBPE3dj2CYhowQdcjqSJgvVd\n");
    free(r);
    blob[len - 1] ^= 1;
    ASSERT_OK(ig_inspect(
      blob, len, (const uint8_t *)"x", 1, "other.wasm", &in, NULL, 0));
    r = report(&in);
    ASSERT_STR_CONTAINS(r, "Signature:        INVALID\n");
    ASSERT_STR_CONTAINS(r,
                        "WASM Verified:    NO (mismatch with "
                        "other.wasm)\n");
    free(r);
    free(blob);
}

TEST(inspect_v3_report)
{
    struct ig_inspect in;
    size_t len;
    uint8_t *b = st_read(FIXTURES "/checkpoint_v3.bin", &len);
    char *r;

    ASSERT_OK(ig_inspect(b, len, NULL, 0, NULL, &in, NULL, 0));
    r = report(&in);
    ASSERT_STR_CONTAINS(r, "Version:          3 (0x03)\n");
    ASSERT_STR_CONTAINS(r, "Epoch:            (3,7)\n");
    ASSERT_STR_CONTAINS(r, "Lease Expiry:     2023-11-14T22:13:20Z\n");
    ASSERT_STR_CONTAINS(r, "Header Size:      81 bytes\n");
    /* Unsigned is said, not left out (a bare v2/v3 must not pass for
     * a signed checkpoint with a missing line). */
    ASSERT_STR_CONTAINS(r,
                        "Lease Expiry:     2023-11-14T22:13:20Z\n"
                        "Signature:        none (unsigned v3 checkpoint)\n"
                        "Header Size:");
    ASSERT_TRUE(strstr(r, "Agent Identity:") == NULL);
    ASSERT_TRUE(strstr(r, "Agent DID:") == NULL);
    ASSERT_TRUE(strstr(r, "WASM Verified:") == NULL);
    free(r);
    free(b);
}

TEST(inspect_long_state_dump)
{
    struct ig_inspect in;
    uint8_t b[57 + 300] = { 2 };
    char *r;

    for (size_t i = 0; i < 300; i++)
        b[57 + i] = (uint8_t)('A' + i % 26);
    ASSERT_OK(ig_inspect(b, sizeof(b), NULL, 0, NULL, &in, NULL, 0));
    r = report(&in);
    ASSERT_STR_CONTAINS(r,
                        "  00000000  41 42 43 44 45 46 47 48  49 4a 4b "
                        "4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|\n");
    ASSERT_STR_CONTAINS(r, "  000000f0  ");
    ASSERT_TRUE(strstr(r, "  00000100  ") == NULL);
    ASSERT_STR_CONTAINS(r, "  ... (44 more bytes)\n");
    free(r);
}

TEST(inspect_rejects_garbage)
{
    struct ig_inspect in;
    uint8_t b[3] = { 4, 0, 0 };
    char err[128];

    ASSERT_EQ(ig_inspect(b, sizeof(b), NULL, 0, NULL, &in, err, sizeof(err)),
              IG_ECKPT_SHORT);
    ASSERT_STR_CONTAINS(err, "need 209");
}
