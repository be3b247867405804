/* SPDX-License-Identifier: MIT */
/* A guest that opens a file: wasi-libc imports path_open for it, which
 * igord does not provide, so the load must fail naming that import. */
#include <stdio.h>

__attribute__((export_name("run"))) int run(void)
{
    FILE *f = fopen("/etc/passwd", "r");

    return f ? 1 : 0;
}
