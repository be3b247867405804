/* SPDX-License-Identifier: MIT */
/* A small test harness: TEST(name) bodies, typed assertions that print both
 * values, and a main() that runs each test in its own process with a
 * timeout. Include it in exactly one .c per test binary after defining
 * IG_TEST_MAIN, or in several with only one defining it. */
#ifndef IG_TEST_H
#define IG_TEST_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ig_test {
    const char *name;
    void (*fn)(void);
    struct ig_test *next;
};

void ig_test_register(struct ig_test *t);
extern const char *ig_test_current;

#define TEST(name)                                                           \
    static void test_##name(void);                                           \
    static struct ig_test test_rec_##name = {#name, test_##name, NULL};      \
    __attribute__((constructor)) static void test_reg_##name(void)           \
    {                                                                        \
        ig_test_register(&test_rec_##name);                                  \
    }                                                                        \
    static void test_##name(void)

#define IG_TEST_FAIL(...)                                                    \
    do {                                                                     \
        fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, ig_test_current); \
        fprintf(stderr, __VA_ARGS__);                                        \
        fputc('\n', stderr);                                                 \
        exit(1);                                                             \
    } while (0)

#define ASSERT_TRUE(c)                                                       \
    do {                                                                     \
        if (!(c))                                                            \
            IG_TEST_FAIL("expected true: %s", #c);                           \
    } while (0)

#define ASSERT_EQ(a, b)                                                      \
    do {                                                                     \
        long long a_ = (long long)(a), b_ = (long long)(b);                  \
        if (a_ != b_)                                                        \
            IG_TEST_FAIL("%s == %s: %lld != %lld", #a, #b, a_, b_);          \
    } while (0)

#define ASSERT_NE(a, b)                                                      \
    do {                                                                     \
        long long a_ = (long long)(a), b_ = (long long)(b);                  \
        if (a_ == b_)                                                        \
            IG_TEST_FAIL("%s != %s: both %lld", #a, #b, a_);                 \
    } while (0)

#define ASSERT_U64_EQ(a, b)                                                  \
    do {                                                                     \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                     \
        if (a_ != b_)                                                        \
            IG_TEST_FAIL("%s == %s: 0x%" PRIx64 " != 0x%" PRIx64, #a, #b,    \
                         a_, b_);                                            \
    } while (0)

#define ASSERT_OK(e)                                                         \
    do {                                                                     \
        long long r_ = (long long)(e);                                       \
        if (r_ != 0)                                                         \
            IG_TEST_FAIL("%s failed: %lld", #e, r_);                         \
    } while (0)

#define ASSERT_STR_EQ(a, b)                                                  \
    do {                                                                     \
        const char *a_ = (a), *b_ = (b);                                     \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                               \
            IG_TEST_FAIL("%s == %s: \"%s\" != \"%s\"", #a, #b,               \
                         a_ ? a_ : "(null)", b_ ? b_ : "(null)");            \
    } while (0)

#define ASSERT_STR_CONTAINS(hay, needle)                                     \
    do {                                                                     \
        const char *h_ = (hay), *n_ = (needle);                              \
        if (!h_ || !strstr(h_, n_))                                          \
            IG_TEST_FAIL("\"%s\" does not contain \"%s\"",                   \
                         h_ ? h_ : "(null)", n_);                            \
    } while (0)

#define ASSERT_MEM_EQ(a, b, n)                                               \
    do {                                                                     \
        if (memcmp((a), (b), (n)) != 0)                                      \
            IG_TEST_FAIL("%s and %s differ in %zu bytes", #a, #b,            \
                         (size_t)(n));                                       \
    } while (0)

#ifdef IG_TEST_MAIN
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static struct ig_test *ig_tests;
const char *ig_test_current = "";

void ig_test_register(struct ig_test *t)
{
    struct ig_test **p = &ig_tests;

    while (*p)
        p = &(*p)->next;
    *p = t;
}

/* Runs one test in a child so a crash or hang fails only that test. */
static int ig_test_run_one(struct ig_test *t, unsigned timeout)
{
    pid_t pid;
    int status;

    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        ig_test_current = t->name;
        alarm(timeout);
        t->fn();
        fflush(NULL);
        _exit(0);
    }
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "%s: killed by signal %d%s\n", t->name,
                WTERMSIG(status),
                WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
        return -1;
    }
    return WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    unsigned timeout = 60, passed = 0, failed = 0;
    const char *env = getenv("IG_TEST_TIMEOUT");

    if (env)
        timeout = (unsigned)strtoul(env, NULL, 10);
    for (struct ig_test *t = ig_tests; t; t = t->next) {
        if (argc > 1 && strcmp(argv[1], t->name) != 0)
            continue;
        if (ig_test_run_one(t, timeout) == 0) {
            printf("ok   %s\n", t->name);
            passed++;
        }
        else {
            printf("FAIL %s\n", t->name);
            failed++;
        }
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
#endif

#endif
