/* SPDX-License-Identifier: MIT */
/* Peer IDs: the SPEC vector, parse/print, key protobuf, node key file. */
#define IG_TEST_MAIN
#include "test.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/peerid.h"
#include "util/err.h"

#define VECTOR_ID "12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB"

static void vector_key(struct ig_nodekey *k)
{
    uint8_t seed[32];

    for (int i = 0; i < 32; i++)
        seed[i] = (uint8_t)i;
    ig_nodekey_from_seed(seed, k);
}

TEST(peerid_spec_vector)
{
    struct ig_nodekey k;
    char s[IG_PEERID_STRMAX];

    vector_key(&k);
    ASSERT_EQ(k.pk[0], 0x03);
    ASSERT_EQ(k.pk[1], 0xa1);
    ASSERT_EQ(k.pk[31], 0xb8);
    ASSERT_EQ(k.id.len, 38);
    ASSERT_TRUE(ig_peerid_format(&k.id, s, sizeof(s)) > 0);
    ASSERT_STR_EQ(s, VECTOR_ID);
}

TEST(peerid_parse_and_pubkey)
{
    struct ig_nodekey k;
    struct ig_peerid id;
    uint8_t pk[32];

    vector_key(&k);
    ASSERT_OK(ig_peerid_parse(VECTOR_ID, strlen(VECTOR_ID), &id, NULL, 0));
    ASSERT_TRUE(ig_peerid_equal(&id, &k.id));
    ASSERT_OK(ig_peerid_pubkey(&id, pk));
    ASSERT_MEM_EQ(pk, k.pk, 32);
    ASSERT_TRUE(ig_peerid_matches(&id, k.pk));
    pk[0] ^= 1;
    ASSERT_TRUE(!ig_peerid_matches(&id, pk));
}

TEST(peerid_sha256_form_matches)
{
    struct ig_nodekey k;
    struct ig_peerid id;
    uint8_t pb[IG_PUBKEY_PB_LEN], pk[32];

    vector_key(&k);
    ig_pubkey_encode(k.pk, pb);
    id.bytes[0] = 0x12;
    id.bytes[1] = 32;
    crypto_hash_sha256(id.bytes + 2, pb, sizeof(pb));
    id.len = 34;
    ASSERT_TRUE(ig_peerid_matches(&id, k.pk));
    ASSERT_EQ(ig_peerid_pubkey(&id, pk), IG_EUNSUPPORTED);
    {
        struct ig_peerid copy;
        char s[IG_PEERID_STRMAX];
        ASSERT_TRUE(ig_peerid_format(&id, s, sizeof(s)) > 0);
        ASSERT_EQ(s[0], 'Q');
        ASSERT_EQ(s[1], 'm');
        ASSERT_OK(ig_peerid_parse(s, strlen(s), &copy, NULL, 0));
        ASSERT_TRUE(ig_peerid_equal(&copy, &id));
    }
}

TEST(peerid_rejects_bad)
{
    const uint8_t short_sha[] = { 0x12, 0x10, 1, 2 };
    const uint8_t bad_code[] = { 0x11, 0x01, 0x00 };
    const uint8_t len_mismatch[] = { 0x00, 0x05, 1 };
    struct ig_peerid id;
    char err[128];

    ASSERT_EQ(ig_peerid_parse("0OIl", 4, &id, err, sizeof(err)), IG_EFORMAT);
    ASSERT_EQ(ig_peerid_parse("", 0, &id, NULL, 0), IG_EFORMAT);
    ASSERT_EQ(ig_peerid_from_bytes(short_sha, 4, &id, NULL, 0), IG_EFORMAT);
    ASSERT_EQ(ig_peerid_from_bytes(bad_code, 3, &id, NULL, 0), IG_EFORMAT);
    ASSERT_EQ(ig_peerid_from_bytes(len_mismatch, 3, &id, err, sizeof(err)),
              IG_EFORMAT);
    ASSERT_STR_CONTAINS(err, "length");
}

TEST(pubkey_protobuf_decode)
{
    const uint8_t rsa[] = { 0x08, 0x00, 0x12, 0x01, 0xaa };
    uint8_t pb[IG_PUBKEY_PB_LEN], pk[32], in[32] = { 7 };
    uint8_t reordered[IG_PUBKEY_PB_LEN];

    ig_pubkey_encode(in, pb);
    ASSERT_OK(ig_pubkey_decode(pb, sizeof(pb), pk, NULL, 0));
    ASSERT_MEM_EQ(pk, in, 32);
    /* Data before Type is still a valid protobuf. */
    memcpy(reordered, pb + 2, 34);
    memcpy(reordered + 34, pb, 2);
    ASSERT_OK(ig_pubkey_decode(reordered, sizeof(reordered), pk, NULL, 0));
    ASSERT_EQ(ig_pubkey_decode(rsa, sizeof(rsa), pk, NULL, 0), IG_EUNSUPPORTED);
    ASSERT_EQ(ig_pubkey_decode(pb, 20, pk, NULL, 0), IG_EPROTOBUF);
    pb[3] = 31;
    ASSERT_EQ(ig_pubkey_decode(pb, 35, pk, NULL, 0), IG_EFORMAT);
}

static void tmpdir(char *dir, size_t len)
{
    snprintf(dir, len, "/tmp/ig_nodekey_XXXXXX");
    ASSERT_TRUE(mkdtemp(dir) != NULL);
}

static void cleanup(const char *dir)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", dir, IG_NODEKEY_FILE);
    unlink(path);
    rmdir(dir);
}

TEST(nodekey_create_then_load_same)
{
    struct ig_nodekey a, b;
    char dir[64], path[512];
    struct stat st;
    int created = 0;

    tmpdir(dir, sizeof(dir));
    ASSERT_OK(ig_nodekey_load_or_create(dir, &a, &created, NULL, NULL, 0));
    ASSERT_EQ(created, 1);
    snprintf(path, sizeof(path), "%s/%s", dir, IG_NODEKEY_FILE);
    ASSERT_OK(stat(path, &st));
    ASSERT_EQ(st.st_mode & 0777, 0600);
    ASSERT_EQ(st.st_size, 68);
    ASSERT_OK(ig_nodekey_load_or_create(dir, &b, &created, NULL, NULL, 0));
    ASSERT_EQ(created, 0);
    ASSERT_TRUE(ig_peerid_equal(&a.id, &b.id));
    ASSERT_MEM_EQ(a.sk, b.sk, 64);
    cleanup(dir);
}

static void write_file(const char *path, const uint8_t *b, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    ASSERT_TRUE(fd >= 0);
    ASSERT_EQ(write(fd, b, n), (ssize_t)n);
    close(fd);
}

TEST(nodekey_corrupt_file_is_refused)
{
    struct ig_nodekey k;
    uint8_t buf[69] = { 64 };
    char dir[64], path[512], err[256];

    tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/%s", dir, IG_NODEKEY_FILE);
    write_file(path, buf, 10);
    ASSERT_EQ(ig_nodekey_load_or_create(dir, &k, NULL, NULL, err, sizeof(err)),
              IG_EIDENTITY);
    write_file(path, buf, 69);
    ASSERT_EQ(ig_nodekey_load(path, &k, NULL, 0), IG_EIDENTITY);
    vector_key(&k);
    memcpy(buf + 4, k.sk, 64);
    buf[40] ^= 1; /* public half no longer matches the seed */
    write_file(path, buf, 68);
    ASSERT_EQ(ig_nodekey_load(path, &k, err, sizeof(err)), IG_EIDENTITY);
    ASSERT_STR_CONTAINS(err, "does not match");
    buf[40] ^= 1;
    write_file(path, buf, 68);
    ASSERT_OK(ig_nodekey_load(path, &k, NULL, 0));
    cleanup(dir);
    ASSERT_EQ(ig_nodekey_load(path, &k, NULL, 0), -ENOENT);
}

TEST(nodekey_bad_length_prefix_is_named)
{
    struct ig_nodekey k;
    uint8_t buf[68] = { 63 };
    char dir[64], path[512], err[256];

    tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/%s", dir, IG_NODEKEY_FILE);
    write_file(path, buf, sizeof(buf));
    ASSERT_EQ(ig_nodekey_load(path, &k, err, sizeof(err)), IG_EIDENTITY);
    ASSERT_STR_CONTAINS(err, "bad length prefix");
    write_file(path, buf, 67);
    ASSERT_EQ(ig_nodekey_load(path, &k, err, sizeof(err)), IG_EIDENTITY);
    ASSERT_STR_CONTAINS(err, "not a 68-byte node key");
    cleanup(dir);
}

/* As for an agent's identity: a key whose mode is not 0600 is set to
 * 0600 on load, and the old mode is reported for the warning; a file
 * that is not a key keeps its mode. */
TEST(nodekey_loose_mode_is_tightened)
{
    struct ig_nodekey a, b;
    char dir[64], path[512];
    uint8_t junk[10] = { 64 };
    struct stat st;
    unsigned was = 1;

    tmpdir(dir, sizeof(dir));
    ASSERT_OK(ig_nodekey_load_or_create(dir, &a, NULL, &was, NULL, 0));
    ASSERT_EQ(was, 0);
    snprintf(path, sizeof(path), "%s/%s", dir, IG_NODEKEY_FILE);
    ASSERT_OK(ig_nodekey_load_or_create(dir, &b, NULL, &was, NULL, 0));
    ASSERT_EQ(was, 0);
    ASSERT_OK(chmod(path, 0644));
    ASSERT_OK(ig_nodekey_load_or_create(dir, &b, NULL, &was, NULL, 0));
    ASSERT_EQ(was, 0644);
    ASSERT_MEM_EQ(a.sk, b.sk, 64);
    ASSERT_OK(stat(path, &st));
    ASSERT_EQ(st.st_mode & 0777, 0600);
    write_file(path, junk, sizeof(junk));
    ASSERT_OK(chmod(path, 0644));
    ASSERT_EQ(ig_nodekey_load_or_create(dir, &b, NULL, &was, NULL, 0),
              IG_EIDENTITY);
    ASSERT_EQ(was, 0);
    ASSERT_OK(stat(path, &st));
    ASSERT_EQ(st.st_mode & 0777, 0644);
    cleanup(dir);
}

/* A key behind a symlink loads; a dangling link (the volume holding the
 * key not mounted) must not become a new identity. */
TEST(nodekey_symlink_followed_dangling_refused)
{
    struct ig_nodekey a, b;
    char dir[64], path[512], real[512], err[256];
    struct stat st;
    int created = 1;

    tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/%s", dir, IG_NODEKEY_FILE);
    snprintf(real, sizeof(real), "%s/real.key", dir);
    vector_key(&a);
    ASSERT_OK(ig_nodekey_save(real, &a));
    ASSERT_OK(symlink(real, path));
    ASSERT_OK(ig_nodekey_load_or_create(dir, &b, &created, NULL, NULL, 0));
    ASSERT_EQ(created, 0);
    ASSERT_MEM_EQ(a.sk, b.sk, 64);
    ASSERT_OK(unlink(real));
    err[0] = '\0';
    ASSERT_EQ(
      ig_nodekey_load_or_create(dir, &b, &created, NULL, err, sizeof(err)),
      IG_EEXISTS);
    ASSERT_EQ(created, 0);
    ASSERT_STR_CONTAINS(err, "symlink");
    ASSERT_OK(lstat(path, &st));
    ASSERT_TRUE(S_ISLNK(st.st_mode));
    ASSERT_EQ(lstat(real, &st), -1); /* nothing made through the link */
    /* Saving never replaces what is there, link or file. */
    ASSERT_EQ(ig_nodekey_save(path, &a), -EEXIST);
    ASSERT_OK(unlink(path));
    ASSERT_OK(ig_nodekey_save(path, &a));
    ASSERT_EQ(ig_nodekey_save(path, &a), -EEXIST);
    cleanup(dir);
}
