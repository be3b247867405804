/* SPDX-License-Identifier: MIT */
/* Exact decimal <-> microcent conversion for budgets and prices. */
#include "store/budget.h"

#include <errno.h>
#include <stdio.h>

#include "util/err.h"

/* Accumulate digits of s into *v (v*10 + d), refusing overflow. */
static int add_digit(uint64_t *v, char c)
{
    uint64_t d = (uint64_t)(c - '0');

    if (*v > (UINT64_MAX - d) / 10)
        return IG_ETOOBIG;
    *v = *v * 10 + d;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Whole part digits, then an optional '.' and up to 6 decimals. */
static int scan(const char *s,
                uint64_t *whole,
                uint64_t *frac,
                int *ndigits,
                char *err,
                size_t errlen)
{
    const char *p = s;
    int decimals = 0;

    for (; is_digit(*p); p++, (*ndigits)++)
        if (add_digit(whole, *p) < 0)
            return IG_ETOOBIG;
    if (*p == '.') {
        for (p++; is_digit(*p); p++, decimals++, (*ndigits)++) {
            if (decimals == IG_BUDGET_DECIMALS) {
                ig_err_set(err,
                           errlen,
                           "amount \"%s\" has more than %d "
                           "decimals (the unit is a microcent)",
                           s,
                           IG_BUDGET_DECIMALS);
                return IG_EFORMAT;
            }
            *frac = *frac * 10 + (uint64_t)(*p - '0');
        }
    }
    if (*p != '\0') {
        ig_err_set(err,
                   errlen,
                   "amount \"%s\" is not a decimal number "
                   "(unexpected '%c')",
                   s,
                   *p);
        return IG_EFORMAT;
    }
    for (; decimals < IG_BUDGET_DECIMALS; decimals++)
        *frac *= 10;
    return 0;
}

int ig_budget_parse(const char *s, int64_t *out, char *err, size_t errlen)
{
    uint64_t whole = 0, frac = 0;
    int ndigits = 0, rc;

    *out = 0;
    if (s[0] == '-' || s[0] == '+') {
        ig_err_set(err,
                   errlen,
                   "amount \"%s\" may not carry a sign%s",
                   s,
                   s[0] == '-' ? " (it cannot be negative)" : "");
        return IG_EFORMAT;
    }
    rc = scan(s, &whole, &frac, &ndigits, err, errlen);
    if (rc == IG_ETOOBIG || (rc == 0 && whole > INT64_MAX / IG_BUDGET_SCALE))
        goto too_big;
    if (rc < 0)
        return rc;
    if (ndigits == 0) {
        ig_err_set(err, errlen, "amount \"%s\" has no digits", s);
        return IG_EFORMAT;
    }
    whole *= IG_BUDGET_SCALE;
    if (whole > (uint64_t)INT64_MAX - frac)
        goto too_big;
    *out = (int64_t)(whole + frac);
    return 0;
too_big:
    ig_err_set(err, errlen, "amount \"%s\" is too large", s);
    return IG_ETOOBIG;
}

int ig_budget_format(int64_t v, char *out, size_t outlen)
{
    /* The magnitude as unsigned, so INT64_MIN does not overflow. */
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    int n = snprintf(out,
                     outlen,
                     "%s%llu.%06llu",
                     v < 0 ? "-" : "",
                     (unsigned long long)(mag / IG_BUDGET_SCALE),
                     (unsigned long long)(mag % IG_BUDGET_SCALE));

    if (n < 0 || (size_t)n >= outlen) {
        if (outlen > 0)
            out[0] = '\0';
        return -ENOSPC;
    }
    return n;
}
