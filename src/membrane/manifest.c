/* SPDX-License-Identifier: MIT */
/* Manifest parsing with cJSON, capability names, the memory cap and the
 * sidecar lookup rule. */
#include "membrane/manifest.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/atomic.h"
#include "util/err.h"

static const char *const cap_names[IG_CAP_COUNT] = {
    "clock", "rand", "log", "wallet", "pricing", "http", "x402", "kv",
};

const char *ig_cap_name(int cap)
{
    if (cap < 0 || cap >= IG_CAP_COUNT)
        return NULL;
    return cap_names[cap];
}

int ig_cap_from_name(const char *name, size_t len)
{
    for (int i = 0; i < IG_CAP_COUNT; i++) {
        if (strlen(cap_names[i]) == len && memcmp(cap_names[i], name, len) == 0)
            return i;
    }
    return -1;
}

void ig_manifest__printable(const char *name,
                            size_t len,
                            char *out,
                            size_t outlen)
{
    size_t n = 0;

    if (outlen == 0)
        return;
    for (size_t i = 0; i < len && i < 64 && n + 1 < outlen; i++) {
        unsigned char c = (unsigned char)name[i];

        out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    out[n] = 0;
}

void ig_manifest_init(struct ig_manifest *m)
{
    memset(m, 0, sizeof(*m));
}

void ig_manifest_free(struct ig_manifest *m)
{
    for (int i = 0; i < IG_CAP_COUNT; i++)
        cJSON_Delete(m->options[i]);
    for (size_t i = 0; i < m->npreferred_regions; i++)
        free(m->preferred_regions[i]);
    free(m->preferred_regions);
    ig_manifest_init(m);
}

/* An object member by name, case-insensitively (as Go decodes struct
 * fields); JSON null counts as absent. */
static cJSON *member(const cJSON *obj, const char *name)
{
    cJSON *v = cJSON_GetObjectItem(obj, name);

    return cJSON_IsNull(v) ? NULL : v;
}

/* A non-negative integral number no larger than IG_MANIFEST_MAX_INT. */
static int get_uint(const cJSON *obj,
                    const char *section,
                    const char *name,
                    uint64_t *out,
                    char *err,
                    size_t errlen)
{
    cJSON *v = member(obj, name);
    double d;

    if (!v)
        return 0;
    if (!cJSON_IsNumber(v))
        goto bad;
    d = v->valuedouble;
    if (!isfinite(d) || d < 0 || d != floor(d) || d > IG_MANIFEST_MAX_INT)
        goto bad;
    *out = (uint64_t)d;
    return 0;
bad:
    ig_err_set(err,
               errlen,
               "manifest: %s.%s must be a non-negative integer up to 2^53",
               section,
               name);
    return IG_EMANIFEST;
}

static int type_error(const char *what,
                      const char *type,
                      char *err,
                      size_t errlen)
{
    ig_err_set(err, errlen, "manifest: %s must be %s", what, type);
    return IG_EMANIFEST;
}

static int parse_version(const cJSON *cap,
                         const char *name,
                         uint32_t *out,
                         char *err,
                         size_t errlen)
{
    cJSON *v = member(cap, "version");
    double d = 0;

    if (v && !cJSON_IsNumber(v)) {
        ig_err_set(err,
                   errlen,
                   "manifest: capability \"%s\": version must be "
                   "an integer",
                   name);
        return IG_EMANIFEST;
    }
    if (v)
        d = v->valuedouble;
    if (!(d >= 1) || d != floor(d) || d > INT32_MAX) {
        ig_err_set(err,
                   errlen,
                   "manifest: capability \"%s\": version must "
                   "be an integer >= 1, got %g",
                   name,
                   d);
        return IG_EMANIFEST;
    }
    *out = (uint32_t)d;
    return 0;
}

static int parse_cap(cJSON *item,
                     struct ig_manifest *m,
                     char *err,
                     size_t errlen)
{
    const char *name = item->string;
    int cap = ig_cap_from_name(name, strlen(name));
    cJSON *opts;
    int rc;

    if (cap < 0) {
        char shown[72];

        ig_manifest__printable(name, strlen(name), shown, sizeof(shown));
        ig_err_set(err, errlen, "manifest: unknown capability \"%s\"", shown);
        return IG_ECAP_UNKNOWN;
    }
    if (!cJSON_IsObject(item)) {
        ig_err_set(err,
                   errlen,
                   "manifest: capability \"%s\" must be an "
                   "object",
                   name);
        return IG_EMANIFEST;
    }
    rc = parse_version(item, name, &m->version[cap], err, errlen);
    if (rc < 0)
        return rc;
    opts = member(item, "options");
    if (opts && !cJSON_IsObject(opts)) {
        ig_err_set(err,
                   errlen,
                   "manifest: capability \"%s\": options must "
                   "be an object",
                   name);
        return IG_EMANIFEST;
    }
    if (opts)
        m->options[cap] = cJSON_DetachItemViaPointer(item, opts);
    m->granted |= IG_CAP_BIT(cap);
    return 0;
}

static int parse_caps(const cJSON *root,
                      struct ig_manifest *m,
                      char *err,
                      size_t errlen)
{
    cJSON *caps = member(root, "capabilities");
    cJSON *item;
    int rc;

    if (!caps)
        return 0;
    if (!cJSON_IsObject(caps))
        return type_error("capabilities", "an object", err, errlen);
    cJSON_ArrayForEach(item, caps)
    {
        rc = parse_cap(item, m, err, errlen);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int parse_limits(const cJSON *root,
                        struct ig_manifest *m,
                        char *err,
                        size_t errlen)
{
    const char *sec = "resource_limits";
    cJSON *lim = member(root, sec);
    int rc;

    if (!lim)
        return 0;
    if (!cJSON_IsObject(lim))
        return type_error(sec, "an object", err, errlen);
    rc =
      get_uint(lim, sec, "max_memory_bytes", &m->max_memory_bytes, err, errlen);
    /* Given, it is a cap: 0 would leave no memory at all, not "none". */
    if (rc == 0 && member(lim, "max_memory_bytes") &&
        m->max_memory_bytes < IG_WASM_PAGE_BYTES) {
        ig_err_set(err,
                   errlen,
                   "manifest: resource_limits.max_memory_bytes must be at "
                   "least %u (one page), got %llu",
                   IG_WASM_PAGE_BYTES,
                   (unsigned long long)m->max_memory_bytes);
        rc = IG_EMANIFEST;
    }
    if (rc == 0)
        rc =
          get_uint(lim, sec, "max_cpu_millis", &m->max_cpu_millis, err, errlen);
    if (rc == 0)
        rc = get_uint(
          lim, sec, "max_storage_bytes", &m->max_storage_bytes, err, errlen);
    return rc;
}

static int parse_regions(const cJSON *pol,
                         struct ig_manifest *m,
                         char *err,
                         size_t errlen)
{
    cJSON *arr = member(pol, "preferred_regions");
    cJSON *item;
    int n;

    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr))
        goto bad;
    n = cJSON_GetArraySize(arr);
    m->preferred_regions = calloc((size_t)n + 1, sizeof(char *));
    if (!m->preferred_regions)
        return -ENOMEM;
    cJSON_ArrayForEach(item, arr)
    {
        if (!cJSON_IsString(item))
            goto bad;
        m->preferred_regions[m->npreferred_regions] = strdup(item->valuestring);
        if (!m->preferred_regions[m->npreferred_regions])
            return -ENOMEM;
        m->npreferred_regions++;
    }
    return 0;
bad:
    return type_error(
      "migration_policy.preferred_regions", "an array of strings", err, errlen);
}

static int parse_policy(const cJSON *root,
                        struct ig_manifest *m,
                        char *err,
                        size_t errlen)
{
    const char *sec = "migration_policy";
    cJSON *pol = member(root, sec);
    cJSON *en;
    uint64_t price = 0;
    int rc;

    if (!pol)
        return 0;
    if (!cJSON_IsObject(pol))
        return type_error(sec, "an object", err, errlen);
    m->has_policy = 1;
    en = member(pol, "enabled");
    if (en && !cJSON_IsBool(en))
        return type_error(
          "migration_policy.enabled", "true or false", err, errlen);
    m->migration_enabled = cJSON_IsTrue(en);
    rc = get_uint(pol, sec, "max_price_per_second", &price, err, errlen);
    if (rc < 0)
        return rc;
    m->max_price_per_second = (int64_t)price;
    return parse_regions(pol, m, err, errlen);
}

/* The byte offset cJSON stopped at, for the error message. */
static int json_error(const uint8_t *data,
                      const char *end,
                      char *err,
                      size_t errlen)
{
    size_t off = end ? (size_t)(end - (const char *)data) : 0;

    ig_err_set(err, errlen, "manifest: invalid JSON at byte %zu", off);
    return IG_EMANIFEST;
}

static int trailing_garbage(const uint8_t *data, size_t len, const char *end)
{
    size_t off = (size_t)(end - (const char *)data);

    for (; off < len; off++) {
        uint8_t c = data[off];

        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return 1;
    }
    return 0;
}

/* Whether data[i, len) starts with the escape "\\u0000". */
static int nul_escape(const uint8_t *data, size_t len, size_t i)
{
    return len - i >= 6 && data[i + 1] == 'u' &&
           memcmp(data + i + 2, "0000", 4) == 0;
}

/*
 * What cJSON would let through or report badly: a NUL byte, raw or as
 * \u0000 in a string (a key would be cut at it, "clock\0x" granting
 * clock), and nesting deeper than IG_MANIFEST_MAX_DEPTH (cJSON's own
 * limit shows up only as "invalid JSON" at some byte).
 */
static int prescan(const uint8_t *data, size_t len, char *err, size_t errlen)
{
    unsigned depth = 0;
    int in_str = 0;

    for (size_t i = 0; i < len; i++) {
        uint8_t c = data[i];

        if (c == 0) {
            ig_err_set(err, errlen, "manifest: NUL byte at byte %zu", i);
            return IG_EMANIFEST;
        }
        if (in_str && c == '\\') {
            if (nul_escape(data, len, i)) {
                ig_err_set(
                  err, errlen, "manifest: \\u0000 in a string at byte %zu", i);
                return IG_EMANIFEST;
            }
            i++; /* the escaped character cannot end the string */
        }
        else if (c == '"') {
            in_str = !in_str;
        }
        else if (!in_str && (c == '{' || c == '[') &&
                 ++depth > IG_MANIFEST_MAX_DEPTH) {
            ig_err_set(err,
                       errlen,
                       "manifest: nesting too deep (over %u levels) at "
                       "byte %zu",
                       IG_MANIFEST_MAX_DEPTH,
                       i);
            return IG_EMANIFEST;
        }
        else if (!in_str && (c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/* The members of obj sorted by name: two equal neighbours are a key
 * given twice (case-insensitively, as fields are matched). */
static int unique_keys(const cJSON *obj, char *err, size_t errlen)
{
    const cJSON *item;
    const char **names;
    size_t n = 0, i = 0;
    int rc = 0;

    cJSON_ArrayForEach(item, obj) n++;
    if (n < 2)
        return 0;
    names = malloc(n * sizeof(*names));
    if (!names)
        return -ENOMEM;
    cJSON_ArrayForEach(item, obj) names[i++] = item->string;
    qsort(names, n, sizeof(*names), cmp_name);
    for (i = 1; i < n && rc == 0; i++) {
        char shown[72];

        if (strcasecmp(names[i - 1], names[i]) != 0)
            continue;
        ig_manifest__printable(
          names[i], strlen(names[i]), shown, sizeof(shown));
        ig_err_set(err, errlen, "manifest: key \"%s\" appears twice", shown);
        rc = IG_EMANIFEST;
    }
    free(names);
    return rc;
}

/* Refuse duplicate keys in every object of the tree (its depth is
 * bounded by prescan). */
static int no_duplicates(const cJSON *v, char *err, size_t errlen)
{
    const cJSON *item;
    int rc = 0;

    if (cJSON_IsObject(v))
        rc = unique_keys(v, err, errlen);
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
        return rc;
    for (item = v->child; item && rc == 0; item = item->next)
        rc = no_duplicates(item, err, errlen);
    return rc;
}

int ig_manifest_parse(const uint8_t *data,
                      size_t len,
                      struct ig_manifest *m,
                      char *err,
                      size_t errlen)
{
    cJSON *root = NULL;
    const char *end = NULL;
    int rc = 0;

    ig_manifest_init(m);
    if (len == 0)
        return 0;
    if (len > IG_MANIFEST_MAX_BYTES) {
        ig_err_set(err,
                   errlen,
                   "manifest: %zu bytes, over the %u limit",
                   len,
                   IG_MANIFEST_MAX_BYTES);
        return IG_ETOOBIG;
    }
    rc = prescan(data, len, err, errlen);
    if (rc < 0)
        return rc;
    root = cJSON_ParseWithLengthOpts((const char *)data, len, &end, 0);
    if (!root || trailing_garbage(data, len, end)) {
        rc = json_error(data, end, err, errlen);
        goto out;
    }
    if (!cJSON_IsObject(root)) {
        rc = type_error("the top level", "an object", err, errlen);
        goto out;
    }
    rc = no_duplicates(root, err, errlen);
    if (rc == 0)
        rc = parse_caps(root, m, err, errlen);
    if (rc == 0)
        rc = parse_limits(root, m, err, errlen);
    if (rc == 0)
        rc = parse_policy(root, m, err, errlen);
out:
    cJSON_Delete(root);
    if (rc < 0)
        ig_manifest_free(m);
    return rc;
}

int ig_manifest_memory_pages(const struct ig_manifest *m,
                             uint32_t node_max_pages,
                             uint32_t *pages,
                             char *err,
                             size_t errlen)
{
    uint64_t cap_bytes, want;

    if (node_max_pages == 0)
        node_max_pages = IG_MANIFEST_DEFAULT_PAGES;
    cap_bytes = (uint64_t)node_max_pages * IG_WASM_PAGE_BYTES;
    if (m->max_memory_bytes > cap_bytes) {
        ig_err_set(err,
                   errlen,
                   "agent asks for %llu bytes of memory, this node gives at "
                   "most %llu",
                   (unsigned long long)m->max_memory_bytes,
                   (unsigned long long)cap_bytes);
        return IG_EAGENT_MEMORY;
    }
    want = (m->max_memory_bytes + IG_WASM_PAGE_BYTES - 1) / IG_WASM_PAGE_BYTES;
    *pages = want ? (uint32_t)want : node_max_pages;
    return 0;
}

int ig_manifest_check_node(const struct ig_manifest *m,
                           uint32_t node_caps,
                           char *err,
                           size_t errlen)
{
    const char *missing[IG_CAP_COUNT];
    size_t n = 0;
    char list[128] = "";

    for (int i = 0; i < IG_CAP_COUNT; i++) {
        if ((m->granted & IG_CAP_BIT(i)) && !(node_caps & IG_CAP_BIT(i)))
            missing[n++] = cap_names[i];
    }
    if (n == 0)
        return 0;
    /* Sorted by name, as the reference reports them. */
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0 && strcmp(missing[j - 1], missing[j]) > 0;
             j--) {
            const char *t = missing[j];
            missing[j] = missing[j - 1];
            missing[j - 1] = t;
        }
    }
    for (size_t i = 0; i < n; i++) {
        strcat(list, i ? " " : "");
        strcat(list, missing[i]);
    }
    ig_err_set(err, errlen, "node cannot grant capabilities: [%s]", list);
    return IG_ECAP_DENIED;
}

static const cJSON *option(const struct ig_manifest *m,
                           int cap,
                           const char *key)
{
    if (!ig_manifest_grants(m, cap) || !m->options[cap])
        return NULL;
    return cJSON_GetObjectItemCaseSensitive(m->options[cap], key);
}

int64_t ig_manifest_option_int(const struct ig_manifest *m,
                               int cap,
                               const char *key,
                               int64_t def)
{
    const cJSON *v = option(m, cap, key);
    double d;

    if (!cJSON_IsNumber(v) || isnan(v->valuedouble))
        return def;
    d = trunc(v->valuedouble);
    if (d >= 9223372036854775807.0)
        return INT64_MAX;
    if (d <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)d;
}

size_t ig_manifest_option_strings(const struct ig_manifest *m,
                                  int cap,
                                  const char *key,
                                  const char **out,
                                  size_t outcap)
{
    const cJSON *arr = option(m, cap, key);
    const cJSON *item;
    size_t n = 0;

    if (!cJSON_IsArray(arr))
        return 0;
    cJSON_ArrayForEach(item, arr)
    {
        if (!cJSON_IsString(item))
            continue;
        if (out && n < outcap)
            out[n] = item->valuestring;
        n++;
    }
    return n;
}

static int empty_manifest(uint8_t **data, size_t *len)
{
    *data = malloc(2);
    if (!*data)
        return -ENOMEM;
    memcpy(*data, "{}", 2);
    *len = 2;
    return 0;
}

/*
 * A manifest file must hold a manifest this node could run: not empty,
 * parsing, with a memory cap the default node gives. Errors name path.
 */
static int check_file(const char *path,
                      const uint8_t *data,
                      size_t len,
                      char *err,
                      size_t errlen)
{
    struct ig_manifest m;
    uint32_t pages;
    char why[256] = "";
    const char *p = why;
    int rc;

    if (len == 0) {
        ig_err_set(err, errlen, "manifest %s is empty", path);
        return IG_EMANIFEST;
    }
    rc = ig_manifest_parse(data, len, &m, why, sizeof(why));
    if (rc == 0)
        rc = ig_manifest_memory_pages(&m, 0, &pages, why, sizeof(why));
    ig_manifest_free(&m);
    if (rc < 0) {
        if (strncmp(p, "manifest: ", 10) == 0)
            p += 10;
        ig_err_set(err, errlen, "manifest %s: %s", path, p);
    }
    return rc;
}

/* Read and check the manifest file at path into *data. */
static int read_file(const char *path,
                     uint8_t **data,
                     size_t *len,
                     char *err,
                     size_t errlen)
{
    char why[256] = "";
    int rc = ig_atomic_read(path, IG_MANIFEST_MAX_BYTES, data, len, why, 256);

    if (rc < 0)
        ig_err_set(err, errlen, "manifest %s", why[0] ? why : ig_strerror(rc));
    if (rc == 0)
        rc = check_file(path, *data, *len, err, errlen);
    if (rc < 0 && rc != IG_ENOTFOUND) {
        free(*data);
        *data = NULL;
        *len = 0;
    }
    return rc;
}

int ig_manifest_read(const char *wasm_path,
                     const char *explicit_path,
                     uint8_t **data,
                     size_t *len,
                     char *err,
                     size_t errlen)
{
    static const char ext[] = ".wasm", side[] = ".manifest.json";
    size_t n = wasm_path ? strlen(wasm_path) : 0;
    char *path = NULL;
    int rc;

    *data = NULL;
    *len = 0;
    if (explicit_path)
        return read_file(explicit_path, data, len, err, errlen);
    if (n < sizeof(ext) - 1 || strcmp(wasm_path + n - 5, ext) != 0)
        return empty_manifest(data, len);
    path = malloc(n - 5 + sizeof(side));
    if (!path)
        return -ENOMEM;
    memcpy(path, wasm_path, n - 5);
    memcpy(path + n - 5, side, sizeof(side));
    rc = read_file(path, data, len, err, errlen);
    if (rc == IG_ENOTFOUND) {
        if (err && errlen)
            err[0] = 0;
        rc = empty_manifest(data, len);
    }
    free(path);
    return rc;
}
