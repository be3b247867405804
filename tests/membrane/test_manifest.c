/* SPDX-License-Identifier: MIT */
/* The manifest parser: good and bad manifests, the memory cap, node
 * capability checks, options and the sidecar lookup rule. */
#define IG_TEST_MAIN
#include "test.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "membrane/manifest.h"
#include "util/err.h"

static int parse(const char *json, struct ig_manifest *m, char *err)
{
    return ig_manifest_parse((const uint8_t *)json, strlen(json), m, err, 256);
}

TEST(full_manifest)
{
    struct ig_manifest m;
    char err[256] = "";
    const char *json =
      "{\"capabilities\":{\"clock\":{\"version\":1},"
      "\"rand\":{\"version\":2},\"log\":{\"version\":1},"
      "\"http\":{\"version\":1,\"options\":{\"allowed_hosts\":"
      "[\"api.example.com\",7,\"localhost\"],\"timeout_ms\":5000.9}}},"
      "\"resource_limits\":{\"max_memory_bytes\":33554432,"
      "\"max_cpu_millis\":50,\"max_storage_bytes\":1048576},"
      "\"migration_policy\":{\"enabled\":true,\"max_price_per_second\":"
      "5000,\"preferred_regions\":[\"eu\",\"us\"]}}";
    const char *hosts[4];

    ASSERT_OK(parse(json, &m, err));
    ASSERT_TRUE(ig_manifest_grants(&m, IG_CAP_CLOCK));
    ASSERT_TRUE(ig_manifest_grants(&m, IG_CAP_RAND));
    ASSERT_TRUE(ig_manifest_grants(&m, IG_CAP_LOG));
    ASSERT_TRUE(ig_manifest_grants(&m, IG_CAP_HTTP));
    ASSERT_TRUE(!ig_manifest_grants(&m, IG_CAP_WALLET));
    ASSERT_EQ(m.version[IG_CAP_RAND], 2);
    ASSERT_U64_EQ(m.max_memory_bytes, 33554432);
    ASSERT_U64_EQ(m.max_cpu_millis, 50);
    ASSERT_U64_EQ(m.max_storage_bytes, 1048576);
    ASSERT_TRUE(m.has_policy);
    ASSERT_TRUE(m.migration_enabled);
    ASSERT_EQ(m.max_price_per_second, 5000);
    ASSERT_EQ(m.npreferred_regions, 2);
    ASSERT_STR_EQ(m.preferred_regions[1], "us");
    ASSERT_EQ(
      ig_manifest_option_strings(&m, IG_CAP_HTTP, "allowed_hosts", hosts, 4),
      2);
    ASSERT_STR_EQ(hosts[0], "api.example.com");
    ASSERT_STR_EQ(hosts[1], "localhost");
    ASSERT_EQ(ig_manifest_option_int(&m, IG_CAP_HTTP, "timeout_ms", 10000),
              5000);
    ASSERT_EQ(
      ig_manifest_option_int(&m, IG_CAP_HTTP, "max_response_bytes", 1048576),
      1048576);
    ASSERT_EQ(ig_manifest_option_int(&m, IG_CAP_CLOCK, "timeout_ms", 7), 7);
    ig_manifest_free(&m);
    ASSERT_EQ(m.granted, 0);
}

TEST(empty_inputs_grant_nothing)
{
    struct ig_manifest m;
    char err[256];

    ASSERT_OK(ig_manifest_parse(NULL, 0, &m, err, sizeof(err)));
    ASSERT_EQ(m.granted, 0);
    ASSERT_TRUE(!m.has_policy);
    ASSERT_OK(parse("{}", &m, err));
    ASSERT_EQ(m.granted, 0);
    ASSERT_OK(
      parse(" {\"capabilities\":{},\"migration_policy\":null} \n", &m, err));
    ASSERT_EQ(m.granted, 0);
    ASSERT_TRUE(!m.has_policy);
    ig_manifest_free(&m);
}

TEST(field_names_case_insensitive_unknown_ignored)
{
    struct ig_manifest m;
    char err[256];

    ASSERT_OK(parse("{\"Capabilities\":{\"kv\":{\"Version\":1}},"
                    "\"extra\":[1,2],\"Resource_Limits\":"
                    "{\"MAX_MEMORY_BYTES\":65536}}",
                    &m,
                    err));
    ASSERT_TRUE(ig_manifest_grants(&m, IG_CAP_KV));
    ASSERT_U64_EQ(m.max_memory_bytes, 65536);
    ig_manifest_free(&m);
}

TEST(unknown_capability_named)
{
    struct ig_manifest m;
    char err[256];

    ASSERT_EQ(parse("{\"capabilities\":{\"clock\":{\"version\":1},"
                    "\"net\":{\"version\":1}}}",
                    &m,
                    err),
              IG_ECAP_UNKNOWN);
    ASSERT_STR_CONTAINS(err, "\"net\"");
    ASSERT_EQ(m.granted, 0);
    /* Capability names are exact, unlike field names. */
    ASSERT_EQ(parse("{\"capabilities\":{\"Clock\":{\"version\":1}}}", &m, err),
              IG_ECAP_UNKNOWN);
    ASSERT_STR_CONTAINS(err, "\"Clock\"");
}

TEST(bad_json_reports_offset)
{
    struct ig_manifest m;
    char err[256];

    ASSERT_EQ(parse("{\"capabilities\": {\"clock\": }", &m, err), IG_EMANIFEST);
    ASSERT_STR_CONTAINS(err, "invalid JSON at byte 27");
    ASSERT_EQ(parse("{} {}", &m, err), IG_EMANIFEST);
    ASSERT_STR_CONTAINS(err, "invalid JSON");
    ASSERT_EQ(parse("[1]", &m, err), IG_EMANIFEST);
    ASSERT_STR_CONTAINS(err, "top level");
    ASSERT_EQ(ig_manifest_parse((const uint8_t *)"{}\0", 3, &m, err, 256),
              IG_EMANIFEST);
}

TEST(bad_fields_named)
{
    static const struct {
        const char *json, *needle;
    } cases[] = {
        { "{\"capabilities\":{\"clock\":{}}}",
          "version must be an integer >= 1" },
        { "{\"capabilities\":{\"clock\":{\"version\":0}}}", "got 0" },
        { "{\"capabilities\":{\"clock\":{\"version\":1.5}}}", "\"clock\"" },
        { "{\"capabilities\":{\"clock\":{\"version\":\"1\"}}}", "version" },
        { "{\"capabilities\":{\"rand\":{\"version\":1,\"options\":3}}}",
          "options must be an object" },
        { "{\"capabilities\":{\"log\":true}}", "\"log\" must be an object" },
        { "{\"capabilities\":[]}", "capabilities must be an object" },
        { "{\"capabilities\":{\"log\":{\"version\":1},\"log\":{\"version\":1}"
          "}}",
          "key \"log\" appears twice" },
        { "{\"resource_limits\":{\"max_memory_bytes\":-1}}",
          "resource_limits.max_memory_bytes" },
        { "{\"resource_limits\":{\"max_cpu_millis\":\"50\"}}",
          "resource_limits.max_cpu_millis" },
        { "{\"resource_limits\":{\"max_storage_bytes\":1e300}}",
          "resource_limits.max_storage_bytes" },
        { "{\"resource_limits\":5}", "resource_limits must be an object" },
        { "{\"migration_policy\":{\"enabled\":1}}",
          "migration_policy.enabled" },
        { "{\"migration_policy\":{\"max_price_per_second\":-5}}",
          "migration_policy.max_price_per_second" },
        { "{\"migration_policy\":{\"preferred_regions\":[\"eu\",1]}}",
          "preferred_regions" },
        { "{\"migration_policy\":{\"preferred_regions\":\"eu\"}}",
          "preferred_regions" },
    };
    struct ig_manifest m;
    char err[256];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        err[0] = 0;
        ASSERT_EQ(parse(cases[i].json, &m, err), IG_EMANIFEST);
        ASSERT_STR_CONTAINS(err, cases[i].needle);
        ASSERT_EQ(m.granted, 0);
        ASSERT_TRUE(m.preferred_regions == NULL);
    }
}

TEST(oversized_input_refused)
{
    size_t n = IG_MANIFEST_MAX_BYTES + 1;
    uint8_t *buf = malloc(n);
    struct ig_manifest m;
    char err[256];

    ASSERT_TRUE(buf != NULL);
    memset(buf, ' ', n);
    buf[0] = '{';
    buf[n - 1] = '}';
    ASSERT_EQ(ig_manifest_parse(buf, n, &m, err, sizeof(err)), IG_ETOOBIG);
    ASSERT_EQ(ig_manifest_parse(buf + 1, n - 1, &m, err, sizeof(err)),
              IG_EMANIFEST);
    buf[1] = '{';
    ASSERT_OK(ig_manifest_parse(buf + 1, n - 1, &m, err, sizeof(err)));
    free(buf);
}

TEST(memory_pages)
{
    struct ig_manifest m;
    uint32_t pages = 0;
    char err[256];

    ig_manifest_init(&m);
    ASSERT_OK(ig_manifest_memory_pages(&m, 0, &pages, err, sizeof(err)));
    ASSERT_EQ(pages, 1024);
    ASSERT_OK(ig_manifest_memory_pages(&m, 16, &pages, err, sizeof(err)));
    ASSERT_EQ(pages, 16);
    m.max_memory_bytes = 33554432;
    ASSERT_OK(ig_manifest_memory_pages(&m, 0, &pages, err, sizeof(err)));
    ASSERT_EQ(pages, 512);
    m.max_memory_bytes = 100; /* rounds up: the agent asked for bytes */
    ASSERT_OK(ig_manifest_memory_pages(&m, 0, &pages, err, sizeof(err)));
    ASSERT_EQ(pages, 1);
    m.max_memory_bytes = 65537;
    ASSERT_OK(ig_manifest_memory_pages(&m, 0, &pages, err, sizeof(err)));
    ASSERT_EQ(pages, 2);
    m.max_memory_bytes = 67108864;
    ASSERT_OK(ig_manifest_memory_pages(&m, 0, &pages, err, sizeof(err)));
    ASSERT_EQ(pages, 1024);
    m.max_memory_bytes = 67108865;
    pages = 7;
    ASSERT_EQ(ig_manifest_memory_pages(&m, 0, &pages, err, sizeof(err)),
              IG_EAGENT_MEMORY);
    ASSERT_STR_CONTAINS(err, "67108865");
    ASSERT_STR_CONTAINS(err, "67108864");
    ASSERT_EQ(pages, 7);
}

TEST(node_capability_check)
{
    struct ig_manifest m;
    char err[256];

    ASSERT_OK(parse("{\"capabilities\":{\"kv\":{\"version\":1},"
                    "\"clock\":{\"version\":1},\"http\":{\"version\":1}}}",
                    &m,
                    err));
    ASSERT_EQ(ig_manifest_check_node(&m, IG_CAP_IMPLEMENTED, err, 256),
              IG_ECAP_DENIED);
    ASSERT_STR_CONTAINS(err, "[http kv]");
    ASSERT_OK(ig_manifest_check_node(&m, 0xff, err, sizeof(err)));
    ig_manifest_free(&m);
    ASSERT_OK(ig_manifest_check_node(&m, 0, err, sizeof(err)));
}

TEST(cap_names)
{
    ASSERT_STR_EQ(ig_cap_name(IG_CAP_X402), "x402");
    ASSERT_TRUE(ig_cap_name(IG_CAP_COUNT) == NULL);
    ASSERT_TRUE(ig_cap_name(-1) == NULL);
    ASSERT_EQ(ig_cap_from_name("pricing", 7), IG_CAP_PRICING);
    ASSERT_EQ(ig_cap_from_name("pric", 4), -1);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    ASSERT_TRUE(f != NULL);
    fputs(text, f);
    fclose(f);
}

TEST(sidecar_lookup)
{
    char dir[] = "/tmp/ig_manifest_XXXXXX";
    char wasm[128], side[128], other[128];
    uint8_t *data = NULL;
    size_t len = 0;
    char err[256];

    ASSERT_TRUE(mkdtemp(dir) != NULL);
    snprintf(wasm, sizeof(wasm), "%s/agent.wasm", dir);
    snprintf(side, sizeof(side), "%s/agent.manifest.json", dir);
    snprintf(other, sizeof(other), "%s/other.json", dir);

    /* No sidecar: the empty manifest. */
    ASSERT_OK(ig_manifest_read(wasm, NULL, &data, &len, err, sizeof(err)));
    ASSERT_EQ(len, 2);
    ASSERT_MEM_EQ(data, "{}", 2);
    free(data);

    write_file(side, "{\"capabilities\":{\"log\":{\"version\":1}}}");
    ASSERT_OK(ig_manifest_read(wasm, NULL, &data, &len, err, sizeof(err)));
    ASSERT_EQ(len, 38);
    ASSERT_MEM_EQ(data, "{\"capabilities\"", 15);
    free(data);

    /* A path without .wasm has no sidecar. */
    ASSERT_OK(ig_manifest_read(side, NULL, &data, &len, err, sizeof(err)));
    ASSERT_EQ(len, 2);
    free(data);

    /* An explicit path wins, and must exist. */
    write_file(other, "{\"x\":1}");
    ASSERT_OK(ig_manifest_read(wasm, other, &data, &len, err, sizeof(err)));
    ASSERT_EQ(len, 7);
    free(data);
    unlink(other);
    ASSERT_EQ(ig_manifest_read(wasm, other, &data, &len, err, sizeof(err)),
              IG_ENOTFOUND);
    ASSERT_STR_CONTAINS(err, "other.json");
    ASSERT_TRUE(data == NULL);

    unlink(side);
    rmdir(dir);
}

TEST(unknown_capability_name_made_printable)
{
    struct ig_manifest m;
    char err[256];

    ASSERT_EQ(
      parse(
        "{\"capabilities\":{\"clo\\nck\\u001b[2J\":{\"version\":1}}}", &m, err),
      IG_ECAP_UNKNOWN);
    ASSERT_STR_CONTAINS(err, "\"clo?ck?[2J\"");
    ASSERT_TRUE(strchr(err, '\n') == NULL);
}

TEST(duplicate_keys_refused)
{
    struct ig_manifest m;
    char err[256] = "";

    ASSERT_EQ(parse("{\"capabilities\":{\"clock\":{\"version\":1}},"
                    "\"capabilities\":{}}",
                    &m,
                    err),
              IG_EMANIFEST);
    ASSERT_STR_CONTAINS(err, "key \"capabilities\" appears twice");
    /* Fields match case-insensitively, so these are the same key too. */
    ASSERT_EQ(parse("{\"resource_limits\":{\"max_memory_bytes\":65536,"
                    "\"MAX_MEMORY_BYTES\":131072}}",
                    &m,
                    err),
              IG_EMANIFEST);
    ASSERT_STR_CONTAINS(err, "appears twice");
    ASSERT_EQ(parse("{\"capabilities\":{\"log\":{\"version\":1,"
                    "\"options\":{\"a\":1,\"a\":2}}}}",
                    &m,
                    err),
              IG_EMANIFEST);
    ASSERT_STR_CONTAINS(err, "key \"a\" appears twice");
    ASSERT_OK(parse("{\"a\":{\"x\":1},\"b\":{\"x\":1}}", &m, err));
    ig_manifest_free(&m);
}

TEST(nul_in_keys_refused)
{
    static const char raw[] =
      "{\"capabilities\":{\"clock\0x\":{\"version\":1}}}";
    struct ig_manifest m;
    char err[256] = "";

    ASSERT_EQ(
      ig_manifest_parse((const uint8_t *)raw, sizeof(raw) - 1, &m, err, 256),
      IG_EMANIFEST);
    ASSERT_STR_CONTAINS(err, "NUL byte at byte 23");
    ASSERT_EQ(m.granted, 0);
    ASSERT_EQ(
      parse("{\"capabilities\":{\"clock\\u0000x\":{\"version\":1}}}", &m, err),
      IG_EMANIFEST);
    ASSERT_STR_CONTAINS(err, "\\u0000");
    ASSERT_EQ(m.granted, 0);
    /* An escaped backslash before u0000 is plain text. */
    ASSERT_OK(parse("{\"x\":\"a\\\\u0000\"}", &m, err));
    ig_manifest_free(&m);
}

TEST(deep_nesting_named)
{
    char deep[4001];
    struct ig_manifest m;
    char err[256] = "";

    for (int i = 0; i < 2000; i++) {
        deep[i] = '[';
        deep[3999 - i] = ']';
    }
    deep[4000] = 0;
    deep[0] = '{';
    ASSERT_EQ(parse(deep, &m, err), IG_EMANIFEST);
    ASSERT_STR_CONTAINS(err, "nesting too deep");
    ASSERT_OK(parse("{\"a\":[[[{\"b\":[1]}]]]}", &m, err));
    ig_manifest_free(&m);
}

TEST(zero_memory_limit_refused)
{
    struct ig_manifest m;
    char err[256] = "";

    ASSERT_EQ(parse("{\"resource_limits\":{\"max_memory_bytes\":0}}", &m, err),
              IG_EMANIFEST);
    ASSERT_STR_CONTAINS(err, "max_memory_bytes must be at least 65536");
    ASSERT_EQ(
      parse("{\"resource_limits\":{\"max_memory_bytes\":65535}}", &m, err),
      IG_EMANIFEST);
    ASSERT_OK(
      parse("{\"resource_limits\":{\"max_memory_bytes\":65536}}", &m, err));
    ASSERT_EQ(m.max_memory_bytes, 65536);
    ig_manifest_free(&m);
}

TEST(read_names_the_manifest_file)
{
    char dir[] = "/tmp/ig_manifest_XXXXXX";
    char wasm[128], side[128];
    uint8_t *data = NULL;
    size_t len = 0;
    char err[256] = "";

    ASSERT_TRUE(mkdtemp(dir) != NULL);
    snprintf(wasm, sizeof(wasm), "%s/agent.wasm", dir);
    snprintf(side, sizeof(side), "%s/agent.manifest.json", dir);
    write_file(side, "");
    ASSERT_EQ(ig_manifest_read(wasm, NULL, &data, &len, err, sizeof(err)),
              IG_EMANIFEST);
    ASSERT_STR_CONTAINS(err, "agent.manifest.json is empty");
    ASSERT_TRUE(data == NULL);
    ASSERT_EQ(ig_manifest_read(wasm, side, &data, &len, err, sizeof(err)),
              IG_EMANIFEST);
    ASSERT_STR_CONTAINS(err, "is empty");
    write_file(side, "{");
    ASSERT_EQ(ig_manifest_read(wasm, NULL, &data, &len, err, sizeof(err)),
              IG_EMANIFEST);
    ASSERT_STR_CONTAINS(err, "agent.manifest.json: invalid JSON at byte");
    ASSERT_TRUE(data == NULL);
    unlink(side);
    rmdir(dir);
}
