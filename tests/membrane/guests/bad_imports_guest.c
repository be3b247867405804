/* SPDX-License-Identifier: MIT */
/* A guest whose only import is chosen at build time by -D, each one a way
 * the membrane must refuse to link. */
#include <stdint.h>

#define GUEST_EXPORT(name) __attribute__((export_name(#name)))

#if defined(BAD_TYPE)
__attribute__((import_module("igor"), import_name("clock_now")))
int32_t bad(int32_t);
#elif defined(BAD_MODULE)
__attribute__((import_module("env"), import_name("helper")))
int32_t bad(int32_t);
#elif defined(BAD_NAME)
__attribute__((import_module("igor"), import_name("clock_later")))
int32_t bad(int32_t);
#elif defined(NOT_BUILT)
__attribute__((import_module("igor"), import_name("http_request")))
int32_t bad(int32_t,
            int32_t,
            int32_t,
            int32_t,
            int32_t,
            int32_t,
            int32_t,
            int32_t,
            int32_t,
            int32_t);
#define bad(x) bad(x, 0, 0, 0, 0, 0, 0, 0, 0, 0)
#else
__attribute__((import_module("wasi_snapshot_preview1"),
               import_name("path_open"))) int32_t bad(int32_t);
#endif

GUEST_EXPORT(run) int32_t run(int32_t x)
{
    return bad(x);
}
