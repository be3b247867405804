/* SPDX-License-Identifier: MIT */
/* Identify: a message encoded by js-libp2p decodes to its values, our
 * encoding round-trips, and caps and malformed input are handled. */
#define IG_TEST_MAIN
#include "test.h"

#include <errno.h>

#include "net/identify.h"
#include "net/pb.h"
#include "util/err.h"

/* Encoded by js-libp2p's own Identify codec: protocolVersion, agent,
 * the key of seed 00..1f, two listen addrs, observed addr, two protocols
 * and a 3-byte signedPeerRecord (field 8, to be skipped). */
static const char js_hex[] =
  "2a0a697066732f302e312e3032186a732d6c69627032702f332e332e3131206e6f64"
  "652f32300a240801122003a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f"
  "1ddc8664125531b81208047f000001060fa11214290000000000000000000000000000"
  "0001060fa22208040a01020306d9031a0e2f697066732f69642f312e302e301a102f"
  "697066732f70696e672f312e302e304203010203";

static size_t unhex(const char *s, uint8_t *out)
{
    size_t n = strlen(s) / 2;

    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    return n;
}

static void addr_is(const struct ig_multiaddr *ma, const char *want)
{
    char s[IG_MULTIADDR_STRMAX];

    ASSERT_TRUE(ig_multiaddr_format(ma, s, sizeof(s)) > 0);
    ASSERT_STR_EQ(s, want);
}

TEST(identify_decodes_js_message)
{
    static struct ig_identify id;
    uint8_t buf[512];
    size_t n = unhex(js_hex, buf);

    ASSERT_OK(ig_identify_decode(buf, n, &id, NULL, 0));
    ASSERT_STR_EQ(id.protocol_version, "ipfs/0.1.0");
    ASSERT_STR_EQ(id.agent_version, "js-libp2p/3.3.11 node/20");
    ASSERT_TRUE(id.has_pubkey);
    ASSERT_EQ(id.pubkey[0], 0x03);
    ASSERT_EQ(id.pubkey[31], 0xb8);
    ASSERT_EQ(id.nlisten, 2);
    addr_is(&id.listen[0], "/ip4/127.0.0.1/tcp/4001");
    addr_is(&id.listen[1], "/ip6/::1/tcp/4002");
    ASSERT_TRUE(id.has_observed);
    addr_is(&id.observed, "/ip4/10.1.2.3/tcp/55555");
    ASSERT_EQ(id.nprotocols, 2);
    ASSERT_STR_EQ(id.protocols[0], "/ipfs/id/1.0.0");
    ASSERT_STR_EQ(id.protocols[1], "/ipfs/ping/1.0.0");
    ASSERT_EQ(id.dropped, 0);
}

TEST(identify_round_trip_framed)
{
    static struct ig_identify a, b;
    uint8_t wire[IG_IDENTIFY_MSG_MAX + 4];
    const uint8_t *body;
    size_t blen, used;
    int n;

    strcpy(a.protocol_version, "ipfs/0.1.0");
    strcpy(a.agent_version, "igord/0.1.0");
    a.has_pubkey = 1;
    memset(a.pubkey, 0x5a, 32);
    ASSERT_OK(ig_multiaddr_parse("/ip4/1.2.3.4/tcp/9", &a.listen[0], NULL, 0));
    a.nlisten = 1;
    strcpy(a.protocols[0], "/igor/migrate/1.0.0");
    a.nprotocols = 1;
    n = ig_identify_write(&a, wire, sizeof(wire));
    ASSERT_TRUE(n > 0);
    ASSERT_EQ(
      ig_identify_unframe(wire, (size_t)n - 1, 8192, &body, &blen, &used),
      IG_ETRUNC);
    ASSERT_EQ(ig_identify_unframe(wire, 0, 8192, &body, &blen, &used),
              IG_ETRUNC);
    ASSERT_OK(ig_identify_unframe(wire, (size_t)n, 8192, &body, &blen, &used));
    ASSERT_EQ(used, (size_t)n);
    ASSERT_EQ(ig_identify_unframe(wire, (size_t)n, 10, &body, &blen, &used),
              IG_ETOOBIG);
    ASSERT_OK(ig_identify_decode(body, blen, &b, NULL, 0));
    ASSERT_STR_EQ(b.agent_version, "igord/0.1.0");
    ASSERT_MEM_EQ(b.pubkey, a.pubkey, 32);
    ASSERT_EQ(b.nlisten, 1);
    ASSERT_EQ(b.listen[0].len, a.listen[0].len);
    ASSERT_STR_EQ(b.protocols[0], "/igor/migrate/1.0.0");
    ASSERT_TRUE(!b.has_observed);
}

TEST(identify_caps_drop_not_fail)
{
    static struct ig_identify id;
    uint8_t buf[4096];
    char longp[200];
    struct ig_pb_writer w;
    int n;

    memset(longp, 'p', sizeof(longp) - 1);
    longp[sizeof(longp) - 1] = '\0';
    ig_pb_writer_init(&w, buf, sizeof(buf));
    for (int i = 0; i < IG_IDENTIFY_MAX_PROTOS + 3; i++)
        ig_pb_put_string(&w, 3, "/x");
    ig_pb_put_string(&w, 6, longp);
    ig_pb_put_bytes(&w, 2, (const uint8_t *)"\x7f\x01", 2);
    ig_pb_put_bytes(&w, 3, (const uint8_t *)"a\0b", 3);
    ig_pb_put_bytes(&w, 1, (const uint8_t *)"\x08\x00", 2);
    n = ig_pb_writer_finish(&w);
    ASSERT_TRUE(n > 0);
    ASSERT_OK(ig_identify_decode(buf, (size_t)n, &id, NULL, 0));
    ASSERT_EQ(id.nprotocols, IG_IDENTIFY_MAX_PROTOS);
    ASSERT_EQ(id.agent_version[0], '\0');
    ASSERT_EQ(id.nlisten, 0);
    ASSERT_TRUE(!id.has_pubkey);
    ASSERT_EQ(id.dropped, 3 + 1 + 1 + 1 + 1);
}

TEST(identify_malformed)
{
    static struct ig_identify id;
    const uint8_t cut[] = { 0x2a, 0x10, 'a' };
    const uint8_t wrong_type[] = { 0x28, 0x01 };
    uint8_t big[IG_IDENTIFY_MSG_MAX + 1] = { 0 };
    char err[128];

    ASSERT_EQ(ig_identify_decode(cut, 3, &id, err, sizeof(err)), IG_EPROTOBUF);
    ASSERT_STR_CONTAINS(err, "identify");
    ASSERT_EQ(ig_identify_decode(wrong_type, 2, &id, NULL, 0), IG_EPROTOBUF);
    ASSERT_EQ(ig_identify_decode(big, sizeof(big), &id, NULL, 0), IG_ETOOBIG);
    ASSERT_OK(ig_identify_decode(big, 0, &id, NULL, 0));
}

TEST(identify_encode_overflow)
{
    static struct ig_identify id;
    uint8_t out[8];

    strcpy(id.agent_version, "a long agent version string");
    ASSERT_EQ(ig_identify_encode(&id, out, sizeof(out)), -ENOSPC);
    ASSERT_EQ(ig_identify_write(&id, out, sizeof(out)), -ENOSPC);
}
