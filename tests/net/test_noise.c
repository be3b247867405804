/* SPDX-License-Identifier: MIT */
/* Noise XX: both roles against each other in memory, split input, early
 * muxer negotiation, expected peer IDs, tampering and framing limits. */
#define IG_TEST_MAIN
#include "test.h"

#include <errno.h>
#include <sodium.h>

#include "net/noise.h"
#include "util/err.h"

struct side {
    struct ig_nodekey key;
    struct ig_noise *nz;
};

static void make_key(struct ig_nodekey *k, uint8_t fill)
{
    uint8_t seed[32];

    memset(seed, fill, sizeof(seed));
    ig_nodekey_from_seed(seed, k);
}

static int start(struct side *s,
                 int initiator,
                 uint8_t fill,
                 const char *const *mux,
                 size_t nmux,
                 const struct ig_peerid *expected)
{
    struct ig_noise_config cfg = { 0 };

    make_key(&s->key, fill);
    cfg.initiator = initiator;
    cfg.identity_sk = s->key.sk;
    cfg.muxers = mux;
    cfg.nmuxers = nmux;
    cfg.expected = expected;
    return ig_noise_new(&cfg, &s->nz);
}

/* Deliver a's handshake output to b in steps of step bytes. */
static int deliver(struct side *a, struct side *b, size_t step)
{
    size_t len, used, off = 0, n;
    const uint8_t *out = ig_noise_output(a->nz, &len);
    uint8_t copy[4096];
    int rc;

    memcpy(copy, out, len);
    ig_noise_output_consume(a->nz, len);
    while (off < len) {
        n = len - off < step ? len - off : step;
        rc = ig_noise_input(b->nz, copy + off, n, &used, NULL, 0);
        if (rc)
            return rc;
        ASSERT_EQ(used, n);
        off += used;
    }
    return 0;
}

static int handshake(struct side *i, struct side *r, size_t step)
{
    int rc = deliver(i, r, step);

    if (!rc)
        rc = deliver(r, i, step);
    if (!rc)
        rc = deliver(i, r, step);
    return rc;
}

static void pair(struct side *i, struct side *r, size_t step)
{
    ASSERT_OK(start(i, 1, 1, NULL, 0, NULL));
    ASSERT_OK(start(r, 0, 2, NULL, 0, NULL));
    ASSERT_OK(handshake(i, r, step));
    ASSERT_TRUE(ig_noise_done(i->nz));
    ASSERT_TRUE(ig_noise_done(r->nz));
}

static void finish(struct side *i, struct side *r)
{
    ig_noise_free(i->nz);
    ig_noise_free(r->nz);
}

/* Seal msg on a, feed it to b byte-split, and check b reads it back. */
static void transfer(struct side *a,
                     struct side *b,
                     const uint8_t *msg,
                     size_t len,
                     size_t step)
{
    size_t cap = ig_noise_seal_bound(len), off = 0, got = 0, used, plen;
    uint8_t *wire = malloc(cap ? cap : 1), *back = malloc(len ? len : 1);
    const uint8_t *pt;
    int n = ig_noise_seal(a->nz, msg, len, wire, cap);

    ASSERT_EQ(n, (long long)cap);
    while (off < cap) {
        size_t chunk = cap - off < step ? cap - off : step;
        ASSERT_OK(ig_noise_input(b->nz, wire + off, chunk, &used, NULL, 0));
        off += used;
        pt = ig_noise_plaintext(b->nz, &plen);
        memcpy(back + got, pt, plen);
        got += plen;
        ig_noise_plaintext_consume(b->nz, plen);
    }
    ASSERT_EQ(got, len);
    ASSERT_MEM_EQ(back, msg, len);
    free(wire);
    free(back);
}

TEST(noise_handshake_and_transport_both_ways)
{
    struct side i, r;
    char a[IG_PEERID_STRMAX], b[IG_PEERID_STRMAX];

    pair(&i, &r, 4096);
    ASSERT_TRUE(ig_peerid_equal(ig_noise_remote_peer(i.nz), &r.key.id));
    ASSERT_TRUE(ig_peerid_equal(ig_noise_remote_peer(r.nz), &i.key.id));
    ASSERT_MEM_EQ(ig_noise_remote_pubkey(r.nz), i.key.pk, 32);
    ig_peerid_format(ig_noise_remote_peer(i.nz), a, sizeof(a));
    ig_peerid_format(&r.key.id, b, sizeof(b));
    ASSERT_STR_EQ(a, b);
    ASSERT_TRUE(ig_noise_muxer(i.nz) == NULL);
    transfer(&i, &r, (const uint8_t *)"hello", 5, 4096);
    transfer(&r, &i, (const uint8_t *)"world!", 6, 1);
    finish(&i, &r);
}

TEST(noise_handshake_byte_by_byte)
{
    struct side i, r;

    pair(&i, &r, 1);
    transfer(&i, &r, (const uint8_t *)"x", 1, 1);
    finish(&i, &r);
}

TEST(noise_large_message_is_chunked)
{
    struct side i, r;
    size_t len = 3 * IG_NOISE_PLAIN_MAX + 100;
    uint8_t *msg = malloc(len);

    for (size_t k = 0; k < len; k++)
        msg[k] = (uint8_t)(k * 7);
    pair(&i, &r, 4096);
    ASSERT_EQ(ig_noise_seal_bound(len), len + 4 * 18);
    transfer(&i, &r, msg, len, 70000);
    transfer(&r, &i, msg, len, 1000);
    ASSERT_EQ(ig_noise_seal_bound(IG_NOISE_PLAIN_MAX), IG_NOISE_MSG_MAX + 2);
    free(msg);
    finish(&i, &r);
}

TEST(noise_early_muxer_negotiation)
{
    const char *imux[] = { "/yamux/1.0.0", "/mplex/6.7.0" };
    const char *rmux[] = { "/mplex/6.7.0", "/yamux/1.0.0" };
    const char *other[] = { "/other/1" };
    struct side i, r;

    ASSERT_OK(start(&i, 1, 1, imux, 2, NULL));
    ASSERT_OK(start(&r, 0, 2, rmux, 2, NULL));
    ASSERT_OK(handshake(&i, &r, 4096));
    ASSERT_STR_EQ(ig_noise_muxer(i.nz), "/yamux/1.0.0");
    ASSERT_STR_EQ(ig_noise_muxer(r.nz), "/yamux/1.0.0");
    ASSERT_EQ(ig_noise_remote_muxer_count(i.nz), 2);
    ASSERT_STR_EQ(ig_noise_remote_muxer(i.nz, 0), "/mplex/6.7.0");
    finish(&i, &r);

    /* Only one side offers: fall back to multistream, no failure. */
    ASSERT_OK(start(&i, 1, 1, imux, 2, NULL));
    ASSERT_OK(start(&r, 0, 2, NULL, 0, NULL));
    ASSERT_OK(handshake(&i, &r, 4096));
    ASSERT_TRUE(ig_noise_muxer(i.nz) == NULL);
    ASSERT_TRUE(ig_noise_muxer(r.nz) == NULL);
    ASSERT_EQ(ig_noise_remote_muxer_count(r.nz), 2);
    finish(&i, &r);

    /* Both offer, nothing in common: the handshake fails. */
    ASSERT_OK(start(&i, 1, 1, imux, 2, NULL));
    ASSERT_OK(start(&r, 0, 2, other, 1, NULL));
    ASSERT_EQ(handshake(&i, &r, 4096), IG_ENOISE);
    finish(&i, &r);
}

TEST(noise_expected_peer)
{
    struct side i, r;
    struct ig_nodekey want;

    make_key(&want, 2);
    ASSERT_OK(start(&i, 1, 1, NULL, 0, &want.id));
    ASSERT_OK(start(&r, 0, 2, NULL, 0, NULL));
    ASSERT_OK(handshake(&i, &r, 4096));
    finish(&i, &r);

    make_key(&want, 9);
    ASSERT_OK(start(&i, 1, 1, NULL, 0, &want.id));
    ASSERT_OK(start(&r, 0, 2, NULL, 0, NULL));
    ASSERT_EQ(handshake(&i, &r, 4096), IG_EPEERID);
    ASSERT_TRUE(!ig_noise_done(i.nz));
    finish(&i, &r);

    /* The responder can pin the initiator too. */
    make_key(&want, 9);
    ASSERT_OK(start(&i, 1, 1, NULL, 0, NULL));
    ASSERT_OK(start(&r, 0, 2, NULL, 0, &want.id));
    ASSERT_EQ(handshake(&i, &r, 4096), IG_EPEERID);
    finish(&i, &r);
}

/* Flip one bit of message 2 or 3 in flight: the handshake must fail. */
static void tamper(int msg, size_t at)
{
    struct side i, r;
    struct side *from, *to;
    uint8_t copy[4096];
    size_t len, used;
    const uint8_t *out;

    ASSERT_OK(start(&i, 1, 1, NULL, 0, NULL));
    ASSERT_OK(start(&r, 0, 2, NULL, 0, NULL));
    ASSERT_OK(deliver(&i, &r, 4096));
    if (msg == 3)
        ASSERT_OK(deliver(&r, &i, 4096));
    from = msg == 2 ? &r : &i;
    to = msg == 2 ? &i : &r;
    out = ig_noise_output(from->nz, &len);
    ASSERT_TRUE(at < len);
    memcpy(copy, out, len);
    copy[at] ^= 0x01;
    ASSERT_EQ(ig_noise_input(to->nz, copy, len, &used, NULL, 0), IG_ENOISE);
    ASSERT_TRUE(!ig_noise_done(to->nz));
    finish(&i, &r);
}

TEST(noise_tampered_handshake_fails)
{
    tamper(2, 2 + 5);   /* responder ephemeral key */
    tamper(2, 2 + 40);  /* encrypted static key */
    tamper(2, 2 + 100); /* payload */
    tamper(3, 2 + 10);
    tamper(3, 2 + 60);
}

TEST(noise_bad_transport_frames)
{
    struct side i, r;
    uint8_t wire[64];
    size_t used;
    char err[128];
    int n;

    pair(&i, &r, 4096);
    n = ig_noise_seal(i.nz, (const uint8_t *)"abc", 3, wire, sizeof(wire));
    ASSERT_EQ(n, 3 + 18);
    wire[4] ^= 0x80;
    ASSERT_EQ(ig_noise_input(r.nz, wire, (size_t)n, &used, err, sizeof(err)),
              IG_EDECRYPT);
    ASSERT_STR_CONTAINS(err, "decrypt");
    /* Errors stick: a good frame afterwards is still refused. */
    n = ig_noise_seal(i.nz, (const uint8_t *)"abc", 3, wire, sizeof(wire));
    ASSERT_EQ(ig_noise_input(r.nz, wire, (size_t)n, &used, NULL, 0),
              IG_EDECRYPT);
    finish(&i, &r);

    /* A frame shorter than the tag. */
    pair(&i, &r, 4096);
    wire[0] = 0;
    wire[1] = 5;
    ASSERT_EQ(ig_noise_input(r.nz, wire, 7, &used, NULL, 0), IG_EDECRYPT);
    finish(&i, &r);

    /* A replayed frame fails: the nonce moved on. */
    pair(&i, &r, 4096);
    n = ig_noise_seal(i.nz, (const uint8_t *)"abc", 3, wire, sizeof(wire));
    ASSERT_OK(ig_noise_input(r.nz, wire, (size_t)n, &used, NULL, 0));
    ig_noise_plaintext_consume(r.nz, 3);
    ASSERT_EQ(ig_noise_input(r.nz, wire, (size_t)n, &used, NULL, 0),
              IG_EDECRYPT);
    finish(&i, &r);
}

TEST(noise_garbage_handshake)
{
    struct side i, r;
    uint8_t junk[200];
    size_t used;

    ASSERT_OK(start(&r, 0, 2, NULL, 0, NULL));
    junk[0] = 0;
    junk[1] = 10; /* shorter than an ephemeral key */
    ASSERT_EQ(ig_noise_input(r.nz, junk, 12, &used, NULL, 0), IG_ENOISE);
    ig_noise_free(r.nz);

    ASSERT_OK(start(&i, 1, 1, NULL, 0, NULL));
    memset(junk, 0x41, sizeof(junk));
    junk[0] = 0;
    junk[1] = 150;
    ASSERT_EQ(ig_noise_input(i.nz, junk, 152, &used, NULL, 0), IG_ENOISE);
    ig_noise_free(i.nz);
}

TEST(noise_backpressure_and_state)
{
    struct side i, r;
    uint8_t wire[128];
    size_t used, plen;
    int n1, n2;

    ASSERT_OK(start(&i, 1, 1, NULL, 0, NULL));
    ASSERT_EQ(ig_noise_seal(i.nz, (const uint8_t *)"a", 1, wire, 128),
              IG_ESTATE);
    ig_noise_free(i.nz);
    pair(&i, &r, 4096);
    ASSERT_EQ(ig_noise_partial(r.nz), 0);
    n1 = ig_noise_seal(i.nz, (const uint8_t *)"one", 3, wire, 128);
    ASSERT_OK(ig_noise_input(r.nz, wire, 5, &used, NULL, 0));
    ASSERT_EQ(ig_noise_partial(r.nz), 5); /* a frame cut short */
    ASSERT_OK(ig_noise_input(r.nz, wire + 5, (size_t)n1 - 5, &used, NULL, 0));
    ASSERT_EQ(ig_noise_partial(r.nz), 0);
    ig_noise_plaintext_consume(r.nz, 3);
    n1 = ig_noise_seal(i.nz, (const uint8_t *)"one", 3, wire, 128);
    n2 = ig_noise_seal(i.nz, (const uint8_t *)"two", 3, wire + n1, 64);
    ASSERT_EQ(ig_noise_seal(i.nz, (const uint8_t *)"x", 1, wire, 5), -ENOSPC);
    ASSERT_OK(ig_noise_input(r.nz, wire, (size_t)(n1 + n2), &used, NULL, 0));
    ASSERT_EQ(used, (size_t)n1); /* stops until the plaintext is read */
    ASSERT_MEM_EQ(ig_noise_plaintext(r.nz, &plen), "one", 3);
    ig_noise_plaintext_consume(r.nz, 3);
    ASSERT_OK(ig_noise_input(r.nz, wire + n1, (size_t)n2, &used, NULL, 0));
    ASSERT_MEM_EQ(ig_noise_plaintext(r.nz, &plen), "two", 3);
    ASSERT_EQ(plen, 3);
    finish(&i, &r);
}

/* Whole frames decrypt inside the caller's buffer; a cut frame, pending
 * plaintext or a forged tag take or keep the checked path. */
TEST(noise_inplace_input)
{
    struct side i, r;
    uint8_t wire[128];
    size_t used, plen;
    const uint8_t *pt;
    int n1, n2;

    pair(&i, &r, 4096);
    n1 = ig_noise_seal(i.nz, (const uint8_t *)"one", 3, wire, 128);
    n2 = ig_noise_seal(i.nz, (const uint8_t *)"two", 3, wire + n1, 64);
    ASSERT_OK(
      ig_noise_input_inplace(r.nz, wire, (size_t)(n1 + n2), &used, NULL, 0));
    ASSERT_EQ(used, (size_t)n1);
    pt = ig_noise_plaintext(r.nz, &plen);
    ASSERT_EQ(plen, 3);
    ASSERT_TRUE(pt == wire + 2); /* no copy: the plaintext lies in wire */
    ASSERT_MEM_EQ(pt, "one", 3);
    /* Plaintext pending: nothing more is taken. */
    ASSERT_OK(
      ig_noise_input_inplace(r.nz, wire + n1, (size_t)n2, &used, NULL, 0));
    ASSERT_EQ(used, 0);
    ig_noise_plaintext_consume(r.nz, 3);
    /* A frame cut short stays with the caller, then decrypts in place. */
    ASSERT_OK(ig_noise_input_inplace(r.nz, wire + n1, 4, &used, NULL, 0));
    ASSERT_EQ(used, 0);
    ASSERT_EQ(ig_noise_partial(r.nz), 0);
    ASSERT_OK(ig_noise_input_inplace(r.nz, wire + n1, 1, &used, NULL, 0));
    ASSERT_EQ(used, 0);
    ASSERT_OK(
      ig_noise_input_inplace(r.nz, wire + n1, (size_t)n2, &used, NULL, 0));
    ASSERT_EQ(used, (size_t)n2);
    ASSERT_TRUE(ig_noise_plaintext(r.nz, &plen) == wire + n1 + 2);
    ASSERT_MEM_EQ(wire + n1 + 2, "two", 3);
    ig_noise_plaintext_consume(r.nz, 3);
    /* A forged tag fails and the failure sticks. */
    n1 = ig_noise_seal(i.nz, (const uint8_t *)"abc", 3, wire, 128);
    wire[n1 - 1] ^= 1;
    ASSERT_EQ(ig_noise_input_inplace(r.nz, wire, (size_t)n1, &used, NULL, 0),
              IG_EDECRYPT);
    n1 = ig_noise_seal(i.nz, (const uint8_t *)"abc", 3, wire, 128);
    ASSERT_EQ(ig_noise_input_inplace(r.nz, wire, (size_t)n1, &used, NULL, 0),
              IG_EDECRYPT);
    finish(&i, &r);
}

TEST(noise_bad_config)
{
    const char *longmux[] = {
        "/0123456789012345678901234567890123456789012345678901234567890123"
    };
    struct ig_noise_config cfg = { 0 };
    struct ig_noise *nz;
    struct ig_nodekey k;

    ASSERT_EQ(ig_noise_new(&cfg, &nz), IG_EUSAGE);
    make_key(&k, 3);
    cfg.identity_sk = k.sk;
    cfg.muxers = longmux;
    cfg.nmuxers = 1;
    ASSERT_EQ(ig_noise_new(&cfg, &nz), IG_EUSAGE);
    ASSERT_TRUE(nz == NULL);
}
