/* SPDX-License-Identifier: MIT */
/* multistream-select: both roles against each other, split input,
 * refusal, and malformed messages from a hostile peer. */
#define IG_TEST_MAIN
#include "test.h"

#include "net/multistream.h"
#include "util/err.h"

/* Move everything a has queued into b, step bytes at a time. */
static int pump(struct ig_ms *a, struct ig_ms *b, size_t step)
{
    size_t len, used, n;
    const uint8_t *out = ig_ms_output(a, &len);
    uint8_t copy[IG_MS_OUT_MAX];
    size_t off = 0;
    int rc;

    memcpy(copy, out, len);
    ig_ms_output_consume(a, len);
    while (off < len && ig_ms_selected(b) == NULL) {
        n = len - off < step ? len - off : step;
        rc = ig_ms_input(b, copy + off, n, &used, NULL, 0);
        if (rc)
            return rc;
        off += used;
        if (used < n)
            break;
    }
    return 0;
}

static void negotiate(size_t step)
{
    const char *mine[] = { "/noise" };
    const char *theirs[] = { "/tls/1.0.0", "/noise" };
    struct ig_ms i, r;

    ASSERT_OK(ig_ms_init_initiator(&i, mine, 1));
    ASSERT_OK(ig_ms_init_responder(&r, theirs, 2));
    for (int round = 0; round < 4 && !ig_ms_selected(&i); round++) {
        ASSERT_OK(pump(&i, &r, step));
        ASSERT_OK(pump(&r, &i, step));
    }
    ASSERT_STR_EQ(ig_ms_selected(&i), "/noise");
    ASSERT_STR_EQ(ig_ms_selected(&r), "/noise");
}

TEST(ms_both_roles_whole_and_byte_by_byte)
{
    negotiate(4096);
    negotiate(1);
    negotiate(3);
}

TEST(ms_initiator_falls_back_after_na)
{
    const char *mine[] = { "/mplex/6.7.0", "/yamux/1.0.0" };
    const char *theirs[] = { "/yamux/1.0.0" };
    struct ig_ms i, r;

    ASSERT_OK(ig_ms_init_initiator(&i, mine, 2));
    ASSERT_OK(ig_ms_init_responder(&r, theirs, 1));
    for (int round = 0; round < 4 && !ig_ms_selected(&i); round++) {
        ASSERT_OK(pump(&i, &r, 1));
        ASSERT_OK(pump(&r, &i, 1));
    }
    ASSERT_STR_EQ(ig_ms_selected(&i), "/yamux/1.0.0");
    ASSERT_EQ(r.attempts, 1);
}

TEST(ms_all_refused_is_ena)
{
    const char *mine[] = { "/a" };
    const char *theirs[] = { "/b" };
    struct ig_ms i, r;
    int rc = 0;

    ASSERT_OK(ig_ms_init_initiator(&i, mine, 1));
    ASSERT_OK(ig_ms_init_responder(&r, theirs, 1));
    ASSERT_OK(pump(&i, &r, 100));
    rc = pump(&r, &i, 100);
    ASSERT_EQ(rc, IG_ENA);
    ASSERT_TRUE(ig_ms_selected(&i) == NULL);
}

TEST(ms_exact_wire_bytes)
{
    const char *mine[] = { "/noise" };
    const uint8_t want[] = "\x13/multistream/1.0.0\n\x07/noise\n";
    struct ig_ms i;
    size_t len;
    const uint8_t *out;

    ASSERT_OK(ig_ms_init_initiator(&i, mine, 1));
    out = ig_ms_output(&i, &len);
    ASSERT_EQ(len, sizeof(want) - 1);
    ASSERT_MEM_EQ(out, want, len);
}

TEST(ms_leaves_following_bytes_unconsumed)
{
    const char *theirs[] = { "/noise" };
    const uint8_t in[] = "\x13/multistream/1.0.0\n\x07/noise\nNOISEDATA";
    struct ig_ms r;
    size_t used;

    ASSERT_OK(ig_ms_init_responder(&r, theirs, 1));
    ASSERT_OK(ig_ms_input(&r, in, sizeof(in) - 1, &used, NULL, 0));
    ASSERT_EQ(used, sizeof(in) - 1 - 9);
    ASSERT_STR_EQ(ig_ms_selected(&r), "/noise");
}

TEST(ms_initiator_leaves_pipelined_data)
{
    const char *mine[] = { "/ipfs/ping/1.0.0" };
    const uint8_t in[] = "\x13/multistream/1.0.0\n\x11/ipfs/ping/1.0.0\nPONG";
    struct ig_ms i;
    size_t used;

    ASSERT_OK(ig_ms_init_initiator(&i, mine, 1));
    ASSERT_OK(ig_ms_input(&i, in, sizeof(in) - 1, &used, NULL, 0));
    ASSERT_EQ(used, sizeof(in) - 1 - 4);
    ASSERT_STR_EQ(ig_ms_selected(&i), "/ipfs/ping/1.0.0");
    /* Once done, further input is not consumed at all. */
    ASSERT_OK(ig_ms_input(&i, in + used, 4, &used, NULL, 0));
    ASSERT_EQ(used, 0);
}

TEST(ms_initiator_rejects_unexpected_answer)
{
    const char *mine[] = { "/noise" };
    const uint8_t in[] = "\x13/multistream/1.0.0\n\x05/tls\n";
    struct ig_ms i;
    size_t used;
    char err[128];

    ASSERT_OK(ig_ms_init_initiator(&i, mine, 1));
    ASSERT_EQ(ig_ms_input(&i, in, sizeof(in) - 1, &used, err, sizeof(err)),
              IG_EMULTISTREAM);
    ASSERT_STR_CONTAINS(err, "unexpected");
}

static int feed_responder(const uint8_t *in,
                          size_t len,
                          char *err,
                          size_t errlen)
{
    const char *theirs[] = { "/noise" };
    struct ig_ms r;
    size_t used;

    ASSERT_OK(ig_ms_init_responder(&r, theirs, 1));
    return ig_ms_input(&r, in, len, &used, err, errlen);
}

TEST(ms_malformed_messages)
{
    char err[128];

    ASSERT_EQ(feed_responder((const uint8_t *)"\x04/foo", 5, err, sizeof(err)),
              IG_EMULTISTREAM);
    ASSERT_STR_CONTAINS(err, "newline");
    ASSERT_EQ(
      feed_responder((const uint8_t *)"\x05/foo\n", 6, err, sizeof(err)),
      IG_EMULTISTREAM);
    ASSERT_STR_CONTAINS(err, "header");
    ASSERT_EQ(feed_responder((const uint8_t *)"\x00", 1, err, sizeof(err)),
              IG_EMULTISTREAM);
    /* 1025 bytes: one over the cap, refused from the length alone. */
    ASSERT_EQ(feed_responder((const uint8_t *)"\x81\x08", 2, err, sizeof(err)),
              IG_EMULTISTREAM);
    ASSERT_STR_CONTAINS(err, "length");
    ASSERT_EQ(feed_responder((const uint8_t *)"\xff\xff\xff", 3, NULL, 0),
              IG_EMULTISTREAM);
}

TEST(ms_error_is_sticky)
{
    const char *theirs[] = { "/noise" };
    const uint8_t good[] = "\x13/multistream/1.0.0\n";
    struct ig_ms r;
    size_t used;

    ASSERT_OK(ig_ms_init_responder(&r, theirs, 1));
    ASSERT_EQ(ig_ms_input(&r, (const uint8_t *)"\x00", 1, &used, NULL, 0),
              IG_EMULTISTREAM);
    ASSERT_EQ(ig_ms_input(&r, good, sizeof(good) - 1, &used, NULL, 0),
              IG_EMULTISTREAM);
}

TEST(ms_max_line_accepted)
{
    const char *theirs[] = { "/noise" };
    uint8_t in[2048];
    char body[IG_MS_LINE_MAX];
    struct ig_ms r;
    size_t used, off;
    int n;

    memset(body, 'x', sizeof(body) - 1);
    body[0] = '/';
    body[sizeof(body) - 1] = '\0';
    ASSERT_OK(ig_ms_init_responder(&r, theirs, 1));
    n = ig_ms_frame(IG_MS_HEADER, in, sizeof(in));
    off = (size_t)n;
    n = ig_ms_frame(body, in + off, sizeof(in) - off);
    ASSERT_EQ(n, 2 + IG_MS_LINE_MAX);
    off += (size_t)n;
    ASSERT_OK(ig_ms_input(&r, in, off, &used, NULL, 0));
    ASSERT_EQ(used, off);
    ASSERT_EQ(r.attempts, 1);
}

TEST(ms_responder_gives_up_after_many_proposals)
{
    const char *theirs[] = { "/noise" };
    struct ig_ms r;
    uint8_t msg[32];
    size_t used, len;
    int rc = 0, n;

    ASSERT_OK(ig_ms_init_responder(&r, theirs, 1));
    n = ig_ms_frame(IG_MS_HEADER, msg, sizeof(msg));
    ASSERT_OK(ig_ms_input(&r, msg, (size_t)n, &used, NULL, 0));
    for (int i = 0; i <= IG_MS_MAX_ATTEMPTS && !rc; i++) {
        n = ig_ms_frame("/x", msg, sizeof(msg));
        rc = ig_ms_input(&r, msg, (size_t)n, &used, NULL, 0);
        ig_ms_output(&r, &len);
        ig_ms_output_consume(&r, len);
    }
    ASSERT_EQ(rc, IG_ELIMIT);
}

TEST(ms_ls_lists_protocols)
{
    const char *theirs[] = { "/a", "/bc" };
    const uint8_t in[] = "\x13/multistream/1.0.0\n\x03ls\n";
    const uint8_t want[] = "\x0a\x03/a\n\x04/bc\n\n";
    struct ig_ms r;
    size_t used, len;
    const uint8_t *out;

    ASSERT_OK(ig_ms_init_responder(&r, theirs, 2));
    ig_ms_output(&r, &len);
    ig_ms_output_consume(&r, len);
    ASSERT_OK(ig_ms_input(&r, in, sizeof(in) - 1, &used, NULL, 0));
    out = ig_ms_output(&r, &len);
    ASSERT_EQ(len, sizeof(want) - 1);
    ASSERT_MEM_EQ(out, want, len);
}

TEST(ms_bad_registrations)
{
    const char *empty[] = { "" };
    const char *nl[] = { "/a\nb" };
    struct ig_ms r;

    ASSERT_EQ(ig_ms_init_responder(&r, empty, 1), IG_EMULTISTREAM);
    ASSERT_EQ(ig_ms_init_initiator(&r, nl, 1), IG_EMULTISTREAM);
    ASSERT_EQ(ig_ms_init_initiator(&r, nl, 0), IG_EMULTISTREAM);
}
