/* SPDX-License-Identifier: MIT */
/* Allocation failure torture for module loading: the allocator is wrapped
 * at link time, and each allocation a load makes is failed in turn; every
 * load must then return -ENOMEM (or succeed) and leak nothing. */
#define IG_TEST_MAIN
#include "test.h"

#include <errno.h>

#include "sample_module.h"
#include "wasm/wasm.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

/* Allocations left before the one that fails; negative: none fails. */
static long countdown = -1;
static long calls;

static int fail_now(void)
{
    calls++;
    if (countdown < 0)
        return 0;
    return countdown-- == 0;
}

void *__wrap_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __real_realloc(p, n);
}

static int load_failing(long k)
{
    ig_wasm_module_t *m = NULL;
    char err[256];
    int rc;

    countdown = k;
    rc = ig_wasm_module_load(
      ig_sample_module, sizeof ig_sample_module - 1, &m, err, sizeof err);
    countdown = -1;
    if (rc == 0 && !m)
        IG_TEST_FAIL("success without a module");
    if (rc != 0 && m)
        IG_TEST_FAIL("failure with a module");
    ig_wasm_module_free(m);
    return rc;
}

TEST(every_allocation_failure_is_reported)
{
    long k, total;

    calls = 0;
    ASSERT_OK(load_failing(-1));
    total = calls;
    ASSERT_TRUE(total > 5);
    for (k = 0; k < total; k++)
        ASSERT_EQ(load_failing(k), -ENOMEM);
    /* Past the last allocation nothing fails. */
    ASSERT_OK(load_failing(total));
}
