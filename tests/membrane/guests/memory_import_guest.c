/* SPDX-License-Identifier: MIT */
/* A guest built with --import-memory: its memory would come from the host,
 * which the membrane refuses. */
#define GUEST_EXPORT(name) __attribute__((export_name(#name)))

static int counter;

GUEST_EXPORT(run) int run(void)
{
    return ++counter;
}
