/* SPDX-License-Identifier: MIT */
/* Multiaddr text and binary forms, sockaddr conversion and errors. */
#include "test.h"

#include <netinet/in.h>

#include "net/multiaddr.h"
#include "util/err.h"

#define PID "12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB"

static void round_trip(const char *in, const char *want)
{
    struct ig_multiaddr ma, back;
    char out[IG_MULTIADDR_STRMAX], err[128] = "";

    if (ig_multiaddr_parse(in, &ma, err, sizeof(err)))
        IG_TEST_FAIL("parse %s: %s", in, err);
    ASSERT_TRUE(ig_multiaddr_format(&ma, out, sizeof(out)) > 0);
    ASSERT_STR_EQ(out, want);
    ASSERT_OK(ig_multiaddr_from_bytes(ma.bytes, ma.len, &back, NULL, 0));
    ASSERT_EQ(back.len, ma.len);
}

TEST(multiaddr_text_round_trips)
{
    round_trip("/ip4/127.0.0.1/tcp/4001", "/ip4/127.0.0.1/tcp/4001");
    round_trip("/ip6/::1/tcp/0", "/ip6/::1/tcp/0");
    round_trip("/ip4/10.0.0.1/tcp/65535/p2p/" PID,
               "/ip4/10.0.0.1/tcp/65535/p2p/" PID);
    round_trip("/ip4/1.2.3.4/tcp/5/ipfs/" PID "/",
               "/ip4/1.2.3.4/tcp/5/p2p/" PID);
    round_trip("/dns4/example.org/tcp/443/wss",
               "/dns4/example.org/tcp/443/wss");
    round_trip("/ip4/1.2.3.4/udp/9/quic-v1", "/ip4/1.2.3.4/udp/9/quic-v1");
}

TEST(multiaddr_known_binary)
{
    const uint8_t want[] = { 0x04, 0x7f, 0, 0, 1, 0x06, 0x0f, 0xa1 };
    struct ig_multiaddr ma;

    ASSERT_OK(ig_multiaddr_parse("/ip4/127.0.0.1/tcp/4001", &ma, NULL, 0));
    ASSERT_EQ(ma.len, sizeof(want));
    ASSERT_MEM_EQ(ma.bytes, want, sizeof(want));
}

TEST(multiaddr_text_errors)
{
    static const char *bad[] = {
        "",
        "ip4/1.2.3.4",
        "/ip4/1.2.3",
        "/ip4/1.2.3.4/tcp/65536",
        "/ip4/1.2.3.4/tcp/-1",
        "/ip4/1.2.3.4/tcp",
        "/foo/1",
        "//ip4/1.2.3.4",
        "/ip6/1.2.3.4",
        "/p2p/notbase58!",
        "/ip4/1.2.3.4//tcp/1",
        "/",
        "/tcp/123456",
    };
    struct ig_multiaddr ma;
    char err[128];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        if (ig_multiaddr_parse(bad[i], &ma, err, sizeof(err)) != IG_EMULTIADDR)
            IG_TEST_FAIL("accepted '%s'", bad[i]);
        ASSERT_STR_CONTAINS(err, "multiaddr");
    }
}

TEST(multiaddr_too_long_text)
{
    char s[IG_MULTIADDR_STRMAX + 16];
    struct ig_multiaddr ma;
    size_t n = 0;

    while (n + 6 < sizeof(s) - 1) {
        memcpy(s + n, "/tcp/1", 6);
        n += 6;
    }
    s[n] = '\0';
    ASSERT_EQ(ig_multiaddr_parse(s, &ma, NULL, 0), IG_EMULTIADDR);
}

TEST(multiaddr_binary_errors)
{
    const uint8_t cut_ip[] = { 0x04, 0x7f, 0 };
    const uint8_t unknown[] = { 0x7f };
    const uint8_t bad_p2p[] = { 0xa5, 0x03, 0x03, 0x55, 0x01, 0x02 };
    const uint8_t p2p_over[] = { 0xa5, 0x03, 0x7f, 0x00 };
    struct ig_multiaddr ma;
    char err[128];

    ASSERT_EQ(ig_multiaddr_from_bytes(cut_ip, 3, &ma, err, sizeof(err)),
              IG_EMULTIADDR);
    ASSERT_STR_CONTAINS(err, "truncated");
    ASSERT_EQ(ig_multiaddr_from_bytes(unknown, 1, &ma, err, sizeof(err)),
              IG_EMULTIADDR);
    ASSERT_STR_CONTAINS(err, "unknown");
    ASSERT_EQ(ig_multiaddr_from_bytes(bad_p2p, 6, &ma, NULL, 0), IG_EMULTIADDR);
    ASSERT_EQ(ig_multiaddr_from_bytes(p2p_over, 4, &ma, NULL, 0),
              IG_EMULTIADDR);
    ASSERT_EQ(ig_multiaddr_from_bytes(cut_ip, 0, &ma, NULL, 0), IG_EMULTIADDR);
}

TEST(multiaddr_sockaddr_and_peer)
{
    struct ig_multiaddr ma, back;
    struct sockaddr_storage ss;
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    struct ig_peerid id, got;
    socklen_t len;
    char out[IG_MULTIADDR_STRMAX];

    ASSERT_OK(ig_multiaddr_parse("/ip4/127.0.0.1/tcp/4001", &ma, NULL, 0));
    ASSERT_OK(ig_multiaddr_to_sockaddr(&ma, &ss, &len));
    ASSERT_EQ(sin->sin_family, AF_INET);
    ASSERT_EQ(ntohs(sin->sin_port), 4001);
    ASSERT_EQ(ntohl(sin->sin_addr.s_addr), 0x7f000001);
    ASSERT_OK(ig_multiaddr_from_sockaddr((struct sockaddr *)&ss, &back));
    ASSERT_EQ(back.len, ma.len);
    ASSERT_MEM_EQ(back.bytes, ma.bytes, ma.len);
    ASSERT_EQ(ig_multiaddr_peer(&ma, &got), IG_ENOTFOUND);
    ASSERT_OK(ig_peerid_parse(PID, strlen(PID), &id, NULL, 0));
    ASSERT_OK(ig_multiaddr_append_p2p(&ma, &id));
    ASSERT_OK(ig_multiaddr_peer(&ma, &got));
    ASSERT_TRUE(ig_peerid_equal(&id, &got));
    ASSERT_TRUE(ig_multiaddr_format(&ma, out, sizeof(out)) > 0);
    ASSERT_STR_EQ(out, "/ip4/127.0.0.1/tcp/4001/p2p/" PID);
    ASSERT_OK(ig_multiaddr_parse("/ip6/::1/tcp/1", &ma, NULL, 0));
    ASSERT_OK(ig_multiaddr_to_sockaddr(&ma, &ss, &len));
    ASSERT_EQ(len, sizeof(struct sockaddr_in6));
    ASSERT_OK(ig_multiaddr_parse("/dns4/a.b/tcp/1", &ma, NULL, 0));
    ASSERT_EQ(ig_multiaddr_to_sockaddr(&ma, &ss, &len), IG_EUNSUPPORTED);
}

TEST(multiaddr_format_small_buffer)
{
    struct ig_multiaddr ma;
    char out[10];

    ASSERT_OK(ig_multiaddr_parse("/ip4/127.0.0.1/tcp/4001", &ma, NULL, 0));
    ASSERT_TRUE(ig_multiaddr_format(&ma, out, sizeof(out)) < 0);
}
