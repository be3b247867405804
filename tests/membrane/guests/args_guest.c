/* SPDX-License-Identifier: MIT */
/* A wasi-libc command: prints its arguments, one per line, and exits with
 * their count, as a benchmark program run with arguments would. */
#include <stdio.h>

int main(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        printf("arg %d=%s\n", i, argv[i]);
    return argc;
}
