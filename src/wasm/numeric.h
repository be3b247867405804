/* SPDX-License-Identifier: MIT */
/* Exact Wasm numeric semantics as inline helpers: IEEE min/max, rounding,
 * bit-exact sign operations and checked float-to-integer conversions. */
#ifndef IG_WASM_NUMERIC_H
#define IG_WASM_NUMERIC_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "util/err.h"

static inline float ig_f32(uint64_t v)
{
    uint32_t b = (uint32_t)v;
    float f;
    memcpy(&f, &b, 4);
    return f;
}

static inline double ig_f64(uint64_t v)
{
    double d;
    memcpy(&d, &v, 8);
    return d;
}

static inline uint64_t ig_bits32(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

static inline uint64_t ig_bits64(double d)
{
    uint64_t b;
    memcpy(&b, &d, 8);
    return b;
}

/* min/max: NaN wins (quieted by the addition), and -0 < +0. */
static inline float ig_fminf(float a, float b)
{
    if (isnan(a) || isnan(b))
        return a + b;
    if (a == b)
        return ig_f32(ig_bits32(a) | ig_bits32(b));
    return a < b ? a : b;
}

static inline float ig_fmaxf(float a, float b)
{
    if (isnan(a) || isnan(b))
        return a + b;
    if (a == b)
        return ig_f32(ig_bits32(a) & ig_bits32(b));
    return a > b ? a : b;
}

static inline double ig_fmin(double a, double b)
{
    if (isnan(a) || isnan(b))
        return a + b;
    if (a == b)
        return ig_f64(ig_bits64(a) | ig_bits64(b));
    return a < b ? a : b;
}

static inline double ig_fmax(double a, double b)
{
    if (isnan(a) || isnan(b))
        return a + b;
    if (a == b)
        return ig_f64(ig_bits64(a) & ig_bits64(b));
    return a > b ? a : b;
}

/* Rounding keeps NaN quiet: libm may hand a signalling NaN back. */
static inline float ig_roundf(float a, int mode)
{
    if (isnan(a))
        return a + a;
    switch (mode) {
        case 0:
            return ceilf(a);
        case 1:
            return floorf(a);
        case 2:
            return truncf(a);
        default:
            return nearbyintf(a); /* round half to even in the default mode */
    }
}

static inline double ig_round(double a, int mode)
{
    if (isnan(a))
        return a + a;
    switch (mode) {
        case 0:
            return ceil(a);
        case 1:
            return floor(a);
        case 2:
            return trunc(a);
        default:
            return nearbyint(a);
    }
}

static inline uint32_t ig_clz32(uint32_t x)
{
    return x ? (uint32_t)__builtin_clz(x) : 32;
}

static inline uint32_t ig_ctz32(uint32_t x)
{
    return x ? (uint32_t)__builtin_ctz(x) : 32;
}

static inline uint64_t ig_clz64(uint64_t x)
{
    return x ? (uint64_t)__builtin_clzll(x) : 64;
}

static inline uint64_t ig_ctz64(uint64_t x)
{
    return x ? (uint64_t)__builtin_ctzll(x) : 64;
}

static inline uint32_t ig_rotl32(uint32_t x, uint32_t n)
{
    n &= 31;
    return n ? (x << n) | (x >> (32 - n)) : x;
}

static inline uint32_t ig_rotr32(uint32_t x, uint32_t n)
{
    n &= 31;
    return n ? (x >> n) | (x << (32 - n)) : x;
}

static inline uint64_t ig_rotl64(uint64_t x, uint64_t n)
{
    n &= 63;
    return n ? (x << n) | (x >> (64 - n)) : x;
}

static inline uint64_t ig_rotr64(uint64_t x, uint64_t n)
{
    n &= 63;
    return n ? (x >> n) | (x << (64 - n)) : x;
}

/*
 * Checked truncation. Each range test is written so that NaN fails it;
 * the bounds are exactly representable powers of two.
 */
static inline int ig_trunc_check(double x, double lo, double hi)
{
    if (isnan(x))
        return IG_ETRAP_CONVERSION;
    if (!(x > lo && x < hi))
        return IG_ETRAP_INT_OVERFLOW;
    return 0;
}

#define IG_TRUNC_LO_S32 (-2147483649.0)
#define IG_TRUNC_HI_S32 2147483648.0
#define IG_TRUNC_LO_U32 (-1.0)
#define IG_TRUNC_HI_U32 4294967296.0
#define IG_TRUNC_LO_S64 (-9223372036854777856.0) /* next below -2^63 */
#define IG_TRUNC_HI_S64 9223372036854775808.0
#define IG_TRUNC_LO_U64 (-1.0)
#define IG_TRUNC_HI_U64 18446744073709551616.0

/* f32 inputs: -2^31 - 1 is not representable, so compare in double. */
static inline uint64_t ig_sat_s32(double x)
{
    if (isnan(x))
        return 0;
    if (x <= -2147483648.0)
        return (uint32_t)INT32_MIN;
    if (x >= 2147483647.0)
        return (uint32_t)INT32_MAX;
    return (uint32_t)(int32_t)x;
}

static inline uint64_t ig_sat_u32(double x)
{
    if (isnan(x) || x <= 0.0)
        return 0;
    if (x >= 4294967295.0)
        return UINT32_MAX;
    return (uint32_t)x;
}

static inline uint64_t ig_sat_s64(double x)
{
    if (isnan(x))
        return 0;
    if (x <= -9223372036854775808.0)
        return (uint64_t)INT64_MIN;
    if (x >= 9223372036854775808.0)
        return (uint64_t)INT64_MAX;
    return (uint64_t)(int64_t)x;
}

static inline uint64_t ig_sat_u64(double x)
{
    if (isnan(x) || x <= 0.0)
        return 0;
    if (x >= 18446744073709551616.0)
        return UINT64_MAX;
    return (uint64_t)x;
}

#endif
