/* SPDX-License-Identifier: MIT */
/* A guest that imports only igor.clock_now. */
#include "igor.h"

#define GUEST_EXPORT(name) __attribute__((export_name(#name)))

GUEST_EXPORT(call_clock) int64_t call_clock(void)
{
    return igor_clock_now();
}
