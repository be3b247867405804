/* SPDX-License-Identifier: MIT */
/* The agent manifest (agent.manifest.json): which capabilities an agent is
 * granted, its resource limits and its migration policy. Deny by default. */
#ifndef IG_MEMBRANE_MANIFEST_H
#define IG_MEMBRANE_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* Capability names known to igord, as spelled in the manifest. */
enum ig_cap {
    IG_CAP_CLOCK = 0,   /* "clock": igor.clock_now */
    IG_CAP_RAND = 1,    /* "rand": igor.rand_bytes */
    IG_CAP_LOG = 2,     /* "log": igor.log_emit */
    IG_CAP_WALLET = 3,  /* "wallet": wallet_balance, wallet_receipt[_count] */
    IG_CAP_PRICING = 4, /* "pricing": igor.node_price */
    IG_CAP_HTTP = 5,    /* "http": igor.http_request */
    IG_CAP_X402 = 6,    /* "x402": igor.wallet_pay */
    IG_CAP_KV = 7,      /* "kv": igor.kv_get, kv_put, kv_delete */
    IG_CAP_COUNT = 8,
};

#define IG_CAP_BIT(cap) (1u << (cap))

/* Capabilities whose hostcalls this build implements; a node grants at
 * most these (see ig_manifest_check_node). */
#define IG_CAP_IMPLEMENTED                                                     \
    (IG_CAP_BIT(IG_CAP_CLOCK) | IG_CAP_BIT(IG_CAP_RAND) |                      \
     IG_CAP_BIT(IG_CAP_LOG) | IG_CAP_BIT(IG_CAP_WALLET) |                      \
     IG_CAP_BIT(IG_CAP_PRICING))

/* Largest manifest accepted, in bytes, from a file or a peer. */
#define IG_MANIFEST_MAX_BYTES (1u << 20)

/* Deepest nesting of objects and arrays a manifest may have. */
#define IG_MANIFEST_MAX_DEPTH 64u

/* Memory an agent gets when its manifest asks for none, and the most a
 * node gives by default: 1024 pages of 64 KiB = 64 MiB (SPEC §2). */
#define IG_MANIFEST_DEFAULT_PAGES 1024u
#define IG_WASM_PAGE_BYTES 65536u

/* JSON numbers are doubles: integers above 2^53 are not exact, so they
 * are refused rather than silently rounded. */
#define IG_MANIFEST_MAX_INT 9007199254740992.0

struct ig_manifest {
    uint32_t granted;               /* IG_CAP_BIT()s of declared caps */
    uint32_t version[IG_CAP_COUNT]; /* >= 1 where granted, else 0 */
    /* The capability's "options" object (owned; NULL when absent). Read
     * it with ig_manifest_option_int / _strings or cJSON directly. */
    cJSON *options[IG_CAP_COUNT];

    /* resource_limits; 0 = not given */
    uint64_t max_memory_bytes;
    uint64_t max_cpu_millis;    /* parsed, not enforced */
    uint64_t max_storage_bytes; /* parsed, not enforced */

    /* migration_policy; has_policy 0 means absent: migration allowed */
    int has_policy;
    int migration_enabled;
    int64_t max_price_per_second; /* 0 = no ceiling */
    char **preferred_regions;     /* owned, NUL-terminated strings */
    size_t npreferred_regions;
};

/*
 * Parse a manifest from data[0, len) (no NUL needed). len 0 is the empty
 * manifest: nothing granted, no limits, no policy. On success *m owns its
 * allocations; release with ig_manifest_free. On failure *m is left empty
 * (safe to free) and err names the problem:
 *   IG_ETOOBIG       len > IG_MANIFEST_MAX_BYTES
 *   IG_EMANIFEST     bad JSON (with the byte offset), a field of the wrong
 *                    type, a negative or non-integral number, version < 1
 *                    (each names the field); a key given twice in one
 *                    object (case-insensitively: a capability listed
 *                    twice too); a NUL byte, raw or as \u0000, anywhere;
 *                    nesting over IG_MANIFEST_MAX_DEPTH; max_memory_bytes
 *                    given but under one page
 *   IG_ECAP_UNKNOWN  a capability igord does not know (names it)
 *   -ENOMEM
 * Field names match case-insensitively and unknown fields are ignored, as
 * Go's encoding/json does; capability names match exactly; null is the
 * same as an absent field.
 */
int ig_manifest_parse(const uint8_t *data,
                      size_t len,
                      struct ig_manifest *m,
                      char *err,
                      size_t errlen);

/* Release what *m owns and leave it empty. Safe on an empty manifest. */
void ig_manifest_free(struct ig_manifest *m);

/* Zero *m: the empty manifest, which grants nothing. */
void ig_manifest_init(struct ig_manifest *m);

/* The capability's manifest name ("clock"), or NULL when out of range. */
const char *ig_cap_name(int cap);

/* The enum ig_cap for a name of len bytes, or -1. */
int ig_cap_from_name(const char *name, size_t len);

static inline int ig_manifest_grants(const struct ig_manifest *m, int cap)
{
    return cap >= 0 && cap < IG_CAP_COUNT &&
           (m->granted & IG_CAP_BIT(cap)) != 0;
}

/*
 * The memory cap for the agent, in pages: min(requested, node_max_pages),
 * where requested is max_memory_bytes rounded up to whole pages and 0
 * means "as much as the node gives". A request above the node's cap fails
 * with IG_EAGENT_MEMORY and a message giving both sizes (the reference's
 * admission check). node_max_pages 0 means IG_MANIFEST_DEFAULT_PAGES.
 */
int ig_manifest_memory_pages(const struct ig_manifest *m,
                             uint32_t node_max_pages,
                             uint32_t *pages,
                             char *err,
                             size_t errlen);

/*
 * Check that the node can grant every declared capability: node_caps is
 * a mask of IG_CAP_BIT()s (usually IG_CAP_IMPLEMENTED). Returns 0 or
 * IG_ECAP_DENIED with the missing names, sorted, in err.
 */
int ig_manifest_check_node(const struct ig_manifest *m,
                           uint32_t node_caps,
                           char *err,
                           size_t errlen);

/*
 * An integer option of a capability ("timeout_ms"): its value when the
 * option exists and is a JSON number (truncated toward zero, as the
 * reference does; clamped to the int64 range), else def.
 */
int64_t ig_manifest_option_int(const struct ig_manifest *m,
                               int cap,
                               const char *key,
                               int64_t def);

/*
 * A string-array option ("allowed_hosts"): the number of string elements
 * (non-strings are skipped); when out is non-NULL, out[0, outcap) get
 * borrowed pointers into *m, valid until ig_manifest_free.
 */
size_t ig_manifest_option_strings(const struct ig_manifest *m,
                                  int cap,
                                  const char *key,
                                  const char **out,
                                  size_t outcap);

/*
 * Find and read the manifest of an agent. With explicit non-NULL, read that
 * file (it must exist). Otherwise, when wasm_path ends in ".wasm", read the
 * sidecar with ".manifest.json" in its place (agent.wasm ->
 * agent.manifest.json); a missing sidecar, or a path without ".wasm",
 * yields "{}", the empty manifest. On success *data (malloc'd, caller
 * frees) and *len hold the raw bytes, which are also what a migration
 * sends as ManifestData. A file read is also checked: empty, or not
 * parsing (ig_manifest_parse), or asking for more memory than a default
 * node gives (ig_manifest_memory_pages) is IG_EMANIFEST, _ETOOBIG or
 * IG_EAGENT_MEMORY. Errors, each one line "manifest <path>...": those,
 * IG_ENOTFOUND for a missing explicit file, -errno, -ENOMEM.
 */
int ig_manifest_read(const char *wasm_path,
                     const char *explicit_path,
                     uint8_t **data,
                     size_t *len,
                     char *err,
                     size_t errlen);

/* For messages that quote guest- or file-supplied names (here and in
 * link.c): copy name[0, len) into out, cut at 64 bytes, with every byte
 * outside printable ASCII replaced by '?', so no name can forge lines or
 * terminal escapes in a log. */
void ig_manifest__printable(const char *name,
                            size_t len,
                            char *out,
                            size_t outlen);

#endif
