/* SPDX-License-Identifier: MIT */
/* Values in wast2json command files: parsing arguments and expectations,
 * and matching results bit for bit or against the NaN patterns. */
#include "wast_value.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F32_NAN_CANON 0x7fc00000u
#define F32_EXP_QUIET 0x7fc00000u
#define F64_NAN_CANON 0x7ff8000000000000ull
#define F64_EXP_QUIET 0x7ff8000000000000ull

static const struct {
    const char *name;
    uint8_t type;
} type_names[] = {
    { "i32", IG_WASM_I32 },         { "i64", IG_WASM_I64 },
    { "f32", IG_WASM_F32 },         { "f64", IG_WASM_F64 },
    { "funcref", IG_WASM_FUNCREF }, { "externref", IG_WASM_EXTERNREF },
};

static int parse_type(const cJSON *v, uint8_t *out)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, "type");

    if (!cJSON_IsString(t))
        return IG_EFORMAT;
    for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
        if (strcmp(t->valuestring, type_names[i].name) == 0) {
            *out = type_names[i].type;
            return 0;
        }
    }
    /* v128 and anything newer: the engine has no such values. */
    return IG_EUNSUPPORTED;
}

/* Decimal text of an unsigned value, at most max. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    unsigned long long x;

    if (*s < '0' || *s > '9')
        return IG_EFORMAT;
    errno = 0;
    x = strtoull(s, &end, 10);
    if (errno || *end || x > max)
        return IG_EFORMAT;
    *out = x;
    return 0;
}

static uint64_t type_max(uint8_t type)
{
    return type == IG_WASM_I32 || type == IG_WASM_F32 ? UINT32_MAX : UINT64_MAX;
}

/* A reference: "null" is 0, externref N is N + 1, no value is "any". */
static int parse_ref(uint8_t type,
                     const cJSON *val,
                     int *match,
                     ig_wasm_val_t *out)
{
    uint64_t n;

    *match = WAST_MATCH_EXACT;
    if (!val) {
        *match = WAST_MATCH_NONNULL;
        *out = 0;
        return 0;
    }
    if (strcmp(val->valuestring, "null") == 0) {
        *out = 0;
        return 0;
    }
    if (type != IG_WASM_EXTERNREF)
        return IG_EFORMAT; /* a funcref has no literal but null */
    if (parse_u64(val->valuestring, UINT64_MAX - 1, &n) < 0)
        return IG_EFORMAT;
    *out = n + 1;
    return 0;
}

static int parse_common(const cJSON *v,
                        uint8_t *type,
                        int *match,
                        ig_wasm_val_t *out)
{
    const cJSON *val = cJSON_GetObjectItemCaseSensitive(v, "value");
    int rc = parse_type(v, type);
    uint64_t n;

    if (rc < 0)
        return rc;
    if (val && !cJSON_IsString(val))
        return IG_EFORMAT;
    if (*type == IG_WASM_FUNCREF || *type == IG_WASM_EXTERNREF)
        return parse_ref(*type, val, match, out);
    if (!val)
        return IG_EFORMAT;
    *match = WAST_MATCH_EXACT;
    if (strcmp(val->valuestring, "nan:canonical") == 0)
        *match = WAST_MATCH_NAN_CANON;
    else if (strcmp(val->valuestring, "nan:arithmetic") == 0)
        *match = WAST_MATCH_NAN_ARITH;
    if (*match != WAST_MATCH_EXACT)
        return *type == IG_WASM_F32 || *type == IG_WASM_F64 ? 0 : IG_EFORMAT;
    rc = parse_u64(val->valuestring, type_max(*type), &n);
    *out = n;
    return rc;
}

int wast_value_parse_arg(const cJSON *v, uint8_t *type, ig_wasm_val_t *out)
{
    int match = WAST_MATCH_EXACT;
    int rc = parse_common(v, type, &match, out);

    if (rc < 0)
        return rc;
    return match == WAST_MATCH_EXACT ? 0 : IG_EFORMAT;
}

int wast_value_parse_expect(const cJSON *v, struct wast_expect *out)
{
    memset(out, 0, sizeof(*out));
    return parse_common(v, &out->type, &out->match, &out->bits);
}

static int nan_matches(int match, uint8_t type, ig_wasm_val_t got)
{
    if (type == IG_WASM_F32) {
        uint32_t b = (uint32_t)got & 0x7fffffffu;

        if (match == WAST_MATCH_NAN_CANON)
            return b == F32_NAN_CANON;
        return (b & F32_EXP_QUIET) == F32_EXP_QUIET;
    }
    if (match == WAST_MATCH_NAN_CANON)
        return (got & 0x7fffffffffffffffull) == F64_NAN_CANON;
    return (got & F64_EXP_QUIET) == F64_EXP_QUIET;
}

int wast_value_matches(const struct wast_expect *e,
                       uint8_t type,
                       ig_wasm_val_t got)
{
    if (e->type != type)
        return 0;
    if (type == IG_WASM_I32 || type == IG_WASM_F32) {
        /* Only the low 32 bits carry the value; the engine zero-extends. */
        if (got > UINT32_MAX)
            return 0;
    }
    switch (e->match) {
        case WAST_MATCH_NAN_CANON:
        case WAST_MATCH_NAN_ARITH:
            return nan_matches(e->match, type, got);
        case WAST_MATCH_NONNULL:
            return got != 0;
        default:
            return got == e->bits;
    }
}

static const char *type_name(uint8_t type)
{
    for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
        if (type_names[i].type == type)
            return type_names[i].name;
    }
    return "?";
}

void wast_value_format(uint8_t type, ig_wasm_val_t v, char *buf, size_t len)
{
    snprintf(buf, len, "%s:0x%" PRIx64, type_name(type), v);
}

void wast_value_format_expect(const struct wast_expect *e,
                              char *buf,
                              size_t len)
{
    static const char *const pattern[] = {
        "", "nan:canonical", "nan:arithmetic", "non-null"
    };

    if (e->match == WAST_MATCH_EXACT)
        wast_value_format(e->type, e->bits, buf, len);
    else
        snprintf(buf, len, "%s:%s", type_name(e->type), pattern[e->match]);
}
