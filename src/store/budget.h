/* SPDX-License-Identifier: MIT */
/* Budget amounts: i64 microcents (1 unit = 1,000,000), parsed from and
 * formatted as exact decimal strings, never through floating point. */
#ifndef IG_STORE_BUDGET_H
#define IG_STORE_BUDGET_H

#include <stddef.h>
#include <stdint.h>

#define IG_BUDGET_SCALE 1000000
#define IG_BUDGET_DECIMALS 6

/* Room for any formatted amount: "-9223372036854.775808" + NUL. */
#define IG_BUDGET_STR_MAX 32

/*
 * Parse a decimal amount ("1.5", "100", "0.000001", ".5", "2.") into
 * microcents. Refused with IG_EFORMAT and a reason in err: empty
 * string, a sign ('-' or '+'), more than 6 decimals (they would be
 * lost), anything but digits and one '.', no digit at all; IG_ETOOBIG
 * when the amount does not fit an i64 of microcents.
 */
int ig_budget_parse(const char *s, int64_t *out, char *err, size_t errlen);

/* Format v as "<whole>.<6 digits>" ("-" first when negative) into out.
 * Returns the length or -ENOSPC. */
int ig_budget_format(int64_t v, char *out, size_t outlen);

#endif
