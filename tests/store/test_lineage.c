/* SPDX-License-Identifier: MIT */
/* Lineage verification over real history directories. */
#include "test.h"

#include <errno.h>
#include <sys/stat.h>

#include "store/lineage.h"
#include "store_test.h"
#include "util/err.h"

/* A chain of n signed checkpoints, ticks start, start+step, ... */
struct chain {
    uint8_t *blob[8];
    size_t len[8];
    uint64_t tick[8];
    size_t n;
};

static void make_chain(struct chain *ch,
                       size_t n,
                       uint64_t start,
                       uint64_t step,
                       const struct ig_identity *id)
{
    uint8_t prev[32] = { 0 };

    ch->n = n;
    for (size_t i = 0; i < n; i++) {
        struct ig_ckpt c;
        uint8_t st[8];

        st_example_ckpt(&c, st);
        st[1] = (uint8_t)i;
        c.tick = start + i * step;
        memcpy(c.prev_hash, prev, 32);
        if (ig_ckpt_build_v4(&c, id->secret, &ch->blob[i], &ch->len[i]))
            IG_TEST_FAIL("build");
        ch->tick[i] = c.tick;
        ig_ckpt_content_hash(ch->blob[i], ch->len[i], prev);
    }
}

static void write_tick(const char *dir,
                       uint64_t tick,
                       const uint8_t *b,
                       size_t len)
{
    char p[512];

    snprintf(p, sizeof(p), "%s/%010llu.ckpt", dir, (unsigned long long)tick);
    st_write(p, b, len);
}

static void write_chain(const char *dir,
                        const struct chain *ch,
                        size_t from,
                        size_t to)
{
    for (size_t i = from; i < to; i++)
        write_tick(dir, ch->tick[i], ch->blob[i], ch->len[i]);
}

static char *print_report(const struct ig_lineage_report *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ig_lineage_print(f, r);
    fclose(f);
    return buf;
}

static int has_error(const struct ig_lineage_report *r, const char *needle)
{
    for (size_t i = 0; i < r->nerrors; i++)
        if (strstr(r->errors[i], needle))
            return 1;
    return 0;
}

TEST(lineage_valid_chain)
{
    struct ig_identity id;
    struct ig_lineage_report r;
    struct chain ch;
    char *dir = st_tmpdir(), *out;

    st_seed_identity(&id);
    make_chain(&ch, 4, 5, 5, &id);
    write_chain(dir, &ch, 0, 4);
    ASSERT_OK(ig_lineage_verify(dir, &r, NULL, 0));
    ASSERT_EQ(r.valid, 1);
    ASSERT_EQ(r.checkpoints, 4);
    ASSERT_EQ(r.signatures, 4);
    ASSERT_U64_EQ(r.first_tick, 5);
    ASSERT_U64_EQ(r.last_tick, 20);
    ASSERT_EQ(r.nsegments, 1);
    ASSERT_EQ(r.segments[0].count, 4);
    out = print_report(&r);
    ASSERT_STR_CONTAINS(out,
                        "Checkpoint Lineage Verifier\n"
                        "===========================\n");
    ASSERT_STR_CONTAINS(out,
                        "Agent:          did:key:z6MkehRgf7yJbgaGfYsdo"
                        "AsKdBPE3dj2CYhowQdcjqSJgvVd\n");
    ASSERT_STR_CONTAINS(out, "Public Key:     03a107bff3ce10be");
    ASSERT_STR_CONTAINS(out, "Checkpoints:    4\n");
    ASSERT_STR_CONTAINS(out, "Tick Range:     5 \xe2\x86\x92 20\n");
    ASSERT_STR_CONTAINS(out, "\n\nExecution Segments:\n  [1] WASM ");
    ASSERT_STR_CONTAINS(out,
                        "...  ticks 5\xe2\x86\x92"
                        "20 (4 checkpoints)\n");
    ASSERT_STR_CONTAINS(out,
                        "Lineage:        VALID (all 4 signatures "
                        "verified, chain unbroken)\n");
    free(out);
    ig_lineage_report_free(&r);
    st_done();
}

/* History may start after genesis (older entries pruned, or on another
 * machine): the first prev_hash is not checked, and the report says
 * where the history starts. */
TEST(lineage_first_prev_unchecked)
{
    struct ig_identity id;
    struct ig_lineage_report r;
    struct chain ch;
    char *dir = st_tmpdir(), *out;

    st_seed_identity(&id);
    make_chain(&ch, 4, 1, 1, &id);
    write_chain(dir, &ch, 1, 4);
    ASSERT_OK(ig_lineage_verify(dir, &r, NULL, 0));
    ASSERT_U64_EQ(r.first_tick, 2);
    ASSERT_TRUE(r.after_genesis);
    out = print_report(&r);
    ASSERT_STR_CONTAINS(out, "starts at tick 2 (older entries pruned");
    ASSERT_STR_CONTAINS(out, "Lineage:        VALID");
    free(out);
    ig_lineage_report_free(&r);
    /* From genesis: no such line. */
    write_chain(dir, &ch, 0, 1);
    ASSERT_OK(ig_lineage_verify(dir, &r, NULL, 0));
    ASSERT_TRUE(!r.after_genesis);
    out = print_report(&r);
    ASSERT_TRUE(strstr(out, "older entries") == NULL);
    free(out);
    ig_lineage_report_free(&r);
    st_done();
}

/* Counts take the singular for one: "1 error", "1 checkpoint". */
TEST(lineage_error_count_wording)
{
    struct ig_identity id;
    struct ig_lineage_report r;
    struct chain ch;
    char *dir = st_tmpdir(), *out;

    st_seed_identity(&id);
    make_chain(&ch, 4, 1, 1, &id);
    write_chain(dir, &ch, 0, 2);
    write_chain(dir, &ch, 3, 4);
    ASSERT_EQ(ig_lineage_verify(dir, &r, NULL, 0), IG_ECHAIN);
    ASSERT_EQ(r.nerrors, 1);
    out = print_report(&r);
    ASSERT_STR_CONTAINS(out, "INVALID (1 error)\n");
    ASSERT_STR_CONTAINS(out, "(3 checkpoints)\n");
    free(out);
    ig_lineage_report_free(&r);
    write_tick(dir, 9, (const uint8_t *)"junk", 4);
    ASSERT_EQ(ig_lineage_verify(dir, &r, NULL, 0), IG_ECHAIN);
    ASSERT_EQ(r.nerrors, 2);
    out = print_report(&r);
    ASSERT_STR_CONTAINS(out, "INVALID (2 errors)\n");
    free(out);
    ig_lineage_report_free(&r);
    dir = st_tmpdir();
    write_chain(dir, &ch, 0, 1);
    ASSERT_OK(ig_lineage_verify(dir, &r, NULL, 0));
    out = print_report(&r);
    ASSERT_STR_CONTAINS(out, "(1 checkpoint)\n");
    free(out);
    ig_lineage_report_free(&r);
    st_done();
}

TEST(lineage_tampered_state)
{
    struct ig_identity id;
    struct ig_lineage_report r;
    struct chain ch;
    char *dir = st_tmpdir(), *out;

    st_seed_identity(&id);
    make_chain(&ch, 3, 1, 1, &id);
    ch.blob[1][ch.len[1] - 1] ^= 0x40;
    write_chain(dir, &ch, 0, 3);
    ASSERT_EQ(ig_lineage_verify(dir, &r, NULL, 0), IG_ECHAIN);
    ASSERT_EQ(r.valid, 0);
    ASSERT_TRUE(has_error(&r, "tick 2: INVALID signature"));
    ASSERT_TRUE(has_error(&r, "tick 3: prevHash mismatch (expected "));
    ASSERT_EQ(r.nerrors, 2);
    out = print_report(&r);
    ASSERT_STR_CONTAINS(out,
                        "Lineage:        INVALID (2 errors)\n"
                        "  - tick 2: INVALID signature\n"
                        "  - tick 3: prevHash mismatch");
    free(out);
    ig_lineage_report_free(&r);
    st_done();
}

TEST(lineage_missing_link)
{
    struct ig_identity id;
    struct ig_lineage_report r;
    struct chain ch;
    char *dir = st_tmpdir();

    st_seed_identity(&id);
    make_chain(&ch, 4, 1, 1, &id);
    write_chain(dir, &ch, 0, 2);
    write_chain(dir, &ch, 3, 4);
    ASSERT_EQ(ig_lineage_verify(dir, &r, NULL, 0), IG_ECHAIN);
    ASSERT_EQ(r.nerrors, 1);
    ASSERT_TRUE(has_error(&r, "tick 4: prevHash mismatch"));
    /* Ticks may jump (one checkpoint per interval), so a gap alone is no
     * error; with a broken link it says which entries, and what may be
     * missing between them. */
    ASSERT_TRUE(has_error(&r, "does not match tick 2's entry"));
    ASSERT_TRUE(has_error(&r,
                          "0000000004.ckpt does not match tick 2's entry "
                          "0000000002.ckpt"));
    ASSERT_TRUE(has_error(&r, "no entry for tick 3: one may be missing"));
    ig_lineage_report_free(&r);
    st_done();
}

/* Entries one tick apart that do not link name both files and claim
 * nothing is missing; a wider gap names the whole range. */
TEST(lineage_broken_link_names_both_files)
{
    struct ig_identity id;
    struct ig_lineage_report r;
    struct chain ch;
    char *dir = st_tmpdir(), *other = st_tmpdir();

    st_seed_identity(&id);
    make_chain(&ch, 3, 1, 1, &id);
    ch.blob[1][ch.len[1] - 1] ^= 0x40;
    write_chain(dir, &ch, 0, 3);
    ASSERT_EQ(ig_lineage_verify(dir, &r, NULL, 0), IG_ECHAIN);
    ASSERT_TRUE(has_error(&r, "tick 3: prevHash mismatch"));
    ASSERT_TRUE(has_error(&r, "does not match tick 2's entry"));
    ASSERT_TRUE(has_error(&r,
                          "0000000003.ckpt does not match tick 2's entry "
                          "0000000002.ckpt"));
    ASSERT_TRUE(!has_error(&r, "missing"));
    ig_lineage_report_free(&r);
    for (size_t i = 0; i < ch.n; i++)
        free(ch.blob[i]);
    make_chain(&ch, 6, 1, 1, &id);
    write_chain(other, &ch, 0, 1);
    write_chain(other, &ch, 4, 6);
    ASSERT_EQ(ig_lineage_verify(other, &r, NULL, 0), IG_ECHAIN);
    ASSERT_TRUE(has_error(&r, "no entry for ticks 2..4: one may be missing"));
    ig_lineage_report_free(&r);
    for (size_t i = 0; i < ch.n; i++)
        free(ch.blob[i]);
    st_done();
}

TEST(lineage_identity_changed)
{
    struct ig_identity id, other;
    struct ig_lineage_report r;
    struct chain a;
    char *dir = st_tmpdir();
    struct ig_ckpt c;
    uint8_t st[8], *blob;
    size_t len;

    st_seed_identity(&id);
    ASSERT_OK(ig_identity_generate(&other));
    make_chain(&a, 2, 1, 1, &id);
    write_chain(dir, &a, 0, 2);
    /* Tick 3 chains correctly but is signed by another key. */
    st_example_ckpt(&c, st);
    c.tick = 3;
    ig_ckpt_content_hash(a.blob[1], a.len[1], c.prev_hash);
    ASSERT_OK(ig_ckpt_build_v4(&c, other.secret, &blob, &len));
    write_tick(dir, 3, blob, len);
    ASSERT_EQ(ig_lineage_verify(dir, &r, NULL, 0), IG_ECHAIN);
    ASSERT_EQ(r.nerrors, 1);
    ASSERT_TRUE(has_error(&r, "tick 3: agent identity changed"));
    ig_lineage_report_free(&r);
    free(blob);
    st_done();
}

TEST(lineage_non_monotonic_and_garbage)
{
    struct ig_identity id;
    struct ig_lineage_report r;
    struct chain ch;
    char *dir = st_tmpdir(), p[512];

    st_seed_identity(&id);
    make_chain(&ch, 3, 10, 1, &id);
    /* File names disagree with the ticks inside: 12 comes before 11. */
    write_tick(dir, 1, ch.blob[0], ch.len[0]);
    write_tick(dir, 2, ch.blob[2], ch.len[2]);
    write_tick(dir, 3, ch.blob[1], ch.len[1]);
    snprintf(p, sizeof(p), "%s/0000000004.ckpt", dir);
    st_write(p, "\x04short", 6);
    snprintf(p, sizeof(p), "%s/notes.txt", dir);
    st_write(p, "ignored", 7);
    ASSERT_EQ(ig_lineage_verify(dir, &r, NULL, 0), IG_ECHAIN);
    ASSERT_EQ(r.files, 4);
    ASSERT_EQ(r.checkpoints, 3);
    ASSERT_TRUE(has_error(&r, "tick 11: non-monotonic (prev was 12)"));
    ASSERT_TRUE(has_error(
      &r, "failed to parse 0000000004.ckpt: checkpoint v4 too short"));
    ig_lineage_report_free(&r);
    st_done();
}

/* Unsigned entries, the first one included, make the lineage INVALID:
 * nothing vouches for them (the reference let a v2 first file pass). */
TEST(lineage_unsigned_entries)
{
    struct ig_lineage_report r;
    char *dir = st_tmpdir();
    size_t l2, l3;
    uint8_t *v2 = st_read(FIXTURES "/checkpoint.bin", &l2);
    uint8_t *v3 = st_read(FIXTURES "/checkpoint_v3.bin", &l3);

    write_tick(dir, 5, v2, l2);
    write_tick(dir, 10, v3, l3);
    ASSERT_EQ(ig_lineage_verify(dir, &r, NULL, 0), IG_ECHAIN);
    ASSERT_EQ(r.nerrors, 2);
    ASSERT_EQ(r.unsigned_count, 2);
    ASSERT_TRUE(has_error(
      &r, "tick 5: unsigned v2 checkpoint (no signature, no lineage)"));
    ASSERT_TRUE(has_error(&r, "tick 10: unsigned v3 checkpoint"));
    ASSERT_EQ(r.have_key, 0);
    {
        char *out = print_report(&r);

        ASSERT_TRUE(strstr(out, "Agent:") == NULL);
        ASSERT_STR_CONTAINS(out, "=\n\nCheckpoints:    2\nUnsigned:       2\n");
        ASSERT_STR_CONTAINS(out, "  [1] WASM ");
        ASSERT_STR_CONTAINS(out,
                            "(2 checkpoints)\n\nLineage:        "
                            "INVALID (2 errors)\n");
        free(out);
    }
    ig_lineage_report_free(&r);
    free(v3);
    /* The reference fixture alone is not a valid lineage either. */
    dir = st_tmpdir();
    write_tick(dir, 5, v2, l2);
    ASSERT_EQ(ig_lineage_verify(dir, &r, NULL, 0), IG_ECHAIN);
    ASSERT_EQ(r.unsigned_count, 1);
    ASSERT_EQ(r.valid, 0);
    ig_lineage_report_free(&r);
    free(v2);
    st_done();
}

/* An unsigned genesis followed by signed checkpoints chained to it:
 * every signature holds, yet the chain is not VALID. */
TEST(lineage_unsigned_genesis_then_signed)
{
    struct ig_lineage_report r;
    struct ig_identity id;
    char *dir = st_tmpdir();
    uint8_t *v2, *b4, st[8];
    size_t l2, l4;
    struct ig_ckpt c;

    v2 = st_read(FIXTURES "/checkpoint.bin", &l2);
    st_seed_identity(&id);
    st_example_ckpt(&c, st);
    c.tick = 6;
    ig_ckpt_content_hash(v2, l2, c.prev_hash);
    ASSERT_OK(ig_ckpt_build_v4(&c, id.secret, &b4, &l4));
    write_tick(dir, 5, v2, l2);
    write_tick(dir, 6, b4, l4);
    ASSERT_EQ(ig_lineage_verify(dir, &r, NULL, 0), IG_ECHAIN);
    ASSERT_EQ(r.signatures, 1);
    ASSERT_EQ(r.unsigned_count, 1);
    ASSERT_EQ(r.nerrors, 1);
    ASSERT_TRUE(has_error(&r, "tick 5: unsigned v2 checkpoint"));
    ig_lineage_report_free(&r);
    free(v2);
    free(b4);
    st_done();
}

TEST(lineage_empty_dir)
{
    struct ig_lineage_report r;
    char *dir = st_tmpdir(), err[256];

    ASSERT_EQ(ig_lineage_verify(dir, &r, err, sizeof(err)), IG_ENOTFOUND);
    ASSERT_STR_CONTAINS(err, "no checkpoint files found in");
    ASSERT_EQ(ig_lineage_verify("/nonexistent/igord", &r, err, sizeof(err)),
              -ENOENT);
    st_done();
}

/* Two machines: A ran ticks 1-3, B resumed from A's tick 3 (so both
 * hold that file) and went on to 5. */
TEST(lineage_merged_machines)
{
    struct ig_identity id;
    struct ig_lineage_report r;
    struct chain ch;
    char *a = st_tmpdir(), *b = st_tmpdir();
    const char *dirs[2] = { a, b };

    st_seed_identity(&id);
    make_chain(&ch, 5, 1, 1, &id);
    write_chain(a, &ch, 0, 3);
    write_chain(b, &ch, 2, 5);
    ASSERT_OK(ig_lineage_verify_dirs(dirs, 2, &r, NULL, 0));
    ASSERT_EQ(r.checkpoints, 5);
    ASSERT_U64_EQ(r.last_tick, 5);
    ig_lineage_report_free(&r);
    /* B only alone still verifies (history after genesis). */
    ASSERT_OK(ig_lineage_verify(b, &r, NULL, 0));
    ig_lineage_report_free(&r);
    st_done();
}

/* Both machines ran tick 3 on their own: a fork. */
TEST(lineage_merged_fork)
{
    struct ig_identity id;
    struct ig_lineage_report r;
    struct chain ch, alt;
    char *a = st_tmpdir(), *b = st_tmpdir();
    const char *dirs[2] = { a, b };

    st_seed_identity(&id);
    make_chain(&ch, 3, 1, 1, &id);
    make_chain(&alt, 3, 1, 1, &id);
    alt.blob[2][alt.len[2] - 8] ^= 1; /* different state at tick 3 */
    write_chain(a, &ch, 0, 3);
    write_chain(b, &alt, 2, 3);
    ASSERT_EQ(ig_lineage_verify_dirs(dirs, 2, &r, NULL, 0), IG_ECHAIN);
    ASSERT_TRUE(has_error(&r, "0000000003.ckpt: fork: "));
    ig_lineage_report_free(&r);
    st_done();
}

/* The incremental form works on blobs in memory. */
TEST(lineage_incremental)
{
    struct ig_identity id;
    struct ig_lineage_report r;
    struct chain ch;

    st_seed_identity(&id);
    make_chain(&ch, 3, 1, 2, &id);
    ig_lineage_begin(&r);
    for (size_t i = 0; i < 3; i++)
        ASSERT_OK(ig_lineage_add(&r, "mem", ch.blob[i], ch.len[i]));
    ASSERT_OK(ig_lineage_end(&r));
    ig_lineage_report_free(&r);
    ig_lineage_begin(&r);
    ASSERT_EQ(ig_lineage_end(&r), IG_ECHAIN);
    ig_lineage_report_free(&r);
}
