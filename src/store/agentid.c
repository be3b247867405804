/* SPDX-License-Identifier: MIT */
/* Agent ID rules: the only way a name from the command line or a peer
 * reaches a file path. */
#include "store/agentid.h"

#include <errno.h>
#include <string.h>

#include "util/err.h"

static int id_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int ig_agentid_validate(const char *id, char *err, size_t errlen)
{
    size_t n;

    if (!id || id[0] == '\0') {
        ig_err_set(err, errlen, "agent ID is empty");
        return IG_EAGENT_ID;
    }
    n = strnlen(id, IG_AGENT_ID_MAX + 1);
    if (n > IG_AGENT_ID_MAX) {
        ig_err_set(err,
                   errlen,
                   "agent ID is longer than %d characters",
                   IG_AGENT_ID_MAX);
        return IG_EAGENT_ID;
    }
    if (id[0] == '.') {
        ig_err_set(err, errlen, "agent ID may not start with '.'");
        return IG_EAGENT_ID;
    }
    for (size_t i = 0; i < n; i++) {
        if (!id_char_ok(id[i])) {
            ig_err_set(err,
                       errlen,
                       "agent ID has a character outside [A-Za-z0-9._-] "
                       "at position %zu (0x%02x)",
                       i,
                       (unsigned)(unsigned char)id[i]);
            return IG_EAGENT_ID;
        }
    }
    return 0;
}

/* The last path component of p[0, len) after dropping trailing '/'. */
static void last_component(const char *p, size_t len, const char **s, size_t *n)
{
    size_t end = len, start;

    while (end > 0 && p[end - 1] == '/')
        end--;
    start = end;
    while (start > 0 && p[start - 1] != '/')
        start--;
    *s = p + start;
    *n = end - start;
}

static int is(const char *s, size_t n, const char *lit)
{
    return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

int ig_agentid_from_path(const char *wasm_path,
                         char *out,
                         size_t outlen,
                         char *err,
                         size_t errlen)
{
    size_t len = strlen(wasm_path), n;
    const char *s, *dot;

    last_component(wasm_path, len, &s, &n);
    dot = n ? memrchr(s, '.', n) : NULL;
    /* Like the reference's filepath.Ext: the extension starts at the
     * last dot, even when that dot is the first character. */
    if (dot)
        n = (size_t)(dot - s);
    if (n == 0 || is(s, n, "agent")) {
        last_component(wasm_path, (size_t)(s - wasm_path), &s, &n);
        if (n == 0 || is(s, n, ".")) {
            s = "agent";
            n = 5;
        }
    }
    if (n > IG_AGENT_ID_MAX) {
        ig_err_set(err,
                   errlen,
                   "agent ID from %s is longer than %d "
                   "characters",
                   wasm_path,
                   IG_AGENT_ID_MAX);
        return IG_EAGENT_ID;
    }
    if (n + 1 > outlen)
        return -ENOSPC;
    memcpy(out, s, n);
    out[n] = '\0';
    return ig_agentid_validate(out, err, errlen);
}
