/* SPDX-License-Identifier: MIT */
/* The option parser: value forms, positions, "--", bools, durations,
 * repeatable options, help and usage errors. */
#define IG_TEST_MAIN
#include "test.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli/flags.h"
#include "util/err.h"

static const char *budget, *dir;
static int verbose;
static uint64_t ticks, interval, idle;

static const struct ig_flag flags[] = {
    { "budget", 'b', IG_FLAG_STRING, &budget, "B", "1.0", "budget" },
    { "checkpoint-dir", 0, IG_FLAG_STRING, &dir, "DIR", NULL, "dir" },
    { "verbose", 'v', IG_FLAG_BOOL, &verbose, NULL, NULL, "talk" },
    { "ticks", 0, IG_FLAG_UINT, &ticks, "N", NULL, "ticks" },
    { "tick-interval", 0, IG_FLAG_DURATION, &interval, "D", "1s", "every" },
    { "idle", 0, IG_FLAG_DURATION_OFF, &idle, "D", "5m", "idle" },
};
static const struct ig_flags_spec spec = {
    "t [options] <x>", "About.", flags, 6, 1, 2
};

static void reset(void)
{
    budget = dir = NULL;
    verbose = 0;
    ticks = interval = idle = 0;
}

/* Run the parser on sp with stderr and stdout sent to /dev/null. */
static int parse_spec(const struct ig_flags_spec *sp,
                      int argc,
                      char **argv,
                      int *npos)
{
    int saved_out = dup(1), saved_err = dup(2), rc;
    FILE *null = fopen("/dev/null", "w");

    fflush(NULL);
    dup2(fileno(null), 1);
    dup2(fileno(null), 2);
    rc = ig_flags_parse(sp, argc, argv, npos);
    fflush(NULL);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    fclose(null);
    return rc;
}

/* Parse on sp, with the error lines caught in msg (cap bytes). */
static int parse_caught(const struct ig_flags_spec *sp,
                        int argc,
                        char **argv,
                        char *msg,
                        size_t cap)
{
    FILE *f = fmemopen(msg, cap - 1, "w");
    int npos, rc;

    memset(msg, 0, cap);
    ASSERT_TRUE(f != NULL);
    ig_flags_set_errors(f);
    rc = parse_spec(sp, argc, argv, &npos);
    fclose(f);
    ig_flags_set_errors(stderr);
    return rc;
}

static int parse(int argc, char **argv, int *npos)
{
    return parse_spec(&spec, argc, argv, npos);
}

TEST(space_and_equals_forms)
{
    char *argv[] = { "t", "--budget", "2.5", "--checkpoint-dir=d", "x" };
    int npos = -1;

    reset();
    ASSERT_OK(parse(5, argv, &npos));
    ASSERT_STR_EQ(budget, "2.5");
    ASSERT_STR_EQ(dir, "d");
    ASSERT_EQ(npos, 1);
    ASSERT_STR_EQ(argv[1], "x");
}

TEST(flags_after_positional_and_short_forms)
{
    char *argv[] = { "t", "a.wasm", "-b", "3", "-v", "-ticks", "7", "y" };
    int npos = -1;

    reset();
    ASSERT_OK(parse(8, argv, &npos));
    ASSERT_STR_EQ(budget, "3");
    ASSERT_EQ(verbose, 1);
    ASSERT_U64_EQ(ticks, 7);
    ASSERT_EQ(npos, 2);
    ASSERT_STR_EQ(argv[1], "a.wasm");
    ASSERT_STR_EQ(argv[2], "y");
}

TEST(double_dash_ends_options)
{
    char *argv[] = { "t", "--", "--budget" };
    int npos = -1;

    reset();
    ASSERT_OK(parse(3, argv, &npos));
    ASSERT_EQ(npos, 1);
    ASSERT_STR_EQ(argv[1], "--budget");
    ASSERT_TRUE(budget == NULL);
}

TEST(bool_explicit_values)
{
    char *argv[] = { "t", "--verbose=false", "x" };
    char *bad[] = { "t", "--verbose=maybe", "x" };
    int npos;

    reset();
    verbose = 1;
    ASSERT_OK(parse(3, argv, &npos));
    ASSERT_EQ(verbose, 0);
    ASSERT_EQ(parse(3, bad, &npos), IG_EUSAGE);
}

TEST(durations)
{
    uint64_t ns = 0;

    ASSERT_OK(ig_flags_parse_duration("500ms", &ns));
    ASSERT_U64_EQ(ns, 500000000ULL);
    ASSERT_OK(ig_flags_parse_duration("2s", &ns));
    ASSERT_U64_EQ(ns, 2000000000ULL);
    ASSERT_OK(ig_flags_parse_duration("3", &ns));
    ASSERT_U64_EQ(ns, 3000000000ULL);
    ASSERT_OK(ig_flags_parse_duration("10us", &ns));
    ASSERT_U64_EQ(ns, 10000ULL);
    ASSERT_OK(ig_flags_parse_duration("1m", &ns));
    ASSERT_U64_EQ(ns, 60000000000ULL);
    ASSERT_EQ(ig_flags_parse_duration("", &ns), -EINVAL);
    ASSERT_EQ(ig_flags_parse_duration("ms", &ns), -EINVAL);
    ASSERT_EQ(ig_flags_parse_duration("5 s", &ns), -EINVAL);
    ASSERT_OK(ig_flags_parse_duration("1.5s", &ns));
    ASSERT_U64_EQ(ns, 1500000000ULL);
    ASSERT_OK(ig_flags_parse_duration("0.25ms", &ns));
    ASSERT_U64_EQ(ns, 250000ULL);
    ASSERT_OK(ig_flags_parse_duration("1.5h", &ns));
    ASSERT_U64_EQ(ns, 5400000000000ULL);
    ASSERT_OK(ig_flags_parse_duration("2.0000000000s", &ns));
    ASSERT_U64_EQ(ns, 2000000000ULL);
    ASSERT_EQ(ig_flags_parse_duration("1.5ns", &ns), -EINVAL);
    ASSERT_EQ(ig_flags_parse_duration("1.s", &ns), -EINVAL);
    ASSERT_EQ(ig_flags_parse_duration(".5s", &ns), -EINVAL);
    ASSERT_EQ(ig_flags_parse_duration("1.5.5s", &ns), -EINVAL);
    ASSERT_EQ(ig_flags_parse_duration("1e3s", &ns), -EINVAL);
    ASSERT_EQ(ig_flags_parse_duration("1.5sec", &ns), -EINVAL);
    ASSERT_EQ(ig_flags_parse_duration("-1s", &ns), -EINVAL);
    ASSERT_EQ(ig_flags_parse_duration("99999999999h", &ns), IG_ETOOBIG);
}

TEST(duration_flag)
{
    char *argv[] = { "t", "--tick-interval", "250ms", "x" };
    char *bad[] = { "t", "--tick-interval=soon", "x" };
    char *zero[] = { "t", "--tick-interval=0", "x" };
    char *zero_ms[] = { "t", "--tick-interval", "0.0ms", "x" };
    int npos;

    reset();
    ASSERT_OK(parse(4, argv, &npos));
    ASSERT_U64_EQ(interval, 250000000ULL);
    ASSERT_EQ(parse(3, bad, &npos), IG_EUSAGE);
    ASSERT_EQ(parse(3, zero, &npos), IG_EUSAGE);
    ASSERT_EQ(parse(4, zero_ms, &npos), IG_EUSAGE);
}

/* A duration that can be switched off takes 0 or "off" for that. */
TEST(duration_off_flag)
{
    char *some[] = { "t", "--idle", "2m", "x" };
    char *zero[] = { "t", "--idle=0", "x" };
    char *zero_s[] = { "t", "--idle", "0s", "x" };
    char *off[] = { "t", "--idle", "off", "x" };
    char *bad[] = { "t", "--idle", "offf", "x" };
    int npos;

    reset();
    ASSERT_OK(parse(4, some, &npos));
    ASSERT_U64_EQ(idle, 120000000000ULL);
    ASSERT_OK(parse(3, zero, &npos));
    ASSERT_U64_EQ(idle, IG_FLAG_OFF);
    idle = 0;
    ASSERT_OK(parse(4, zero_s, &npos));
    ASSERT_U64_EQ(idle, IG_FLAG_OFF);
    idle = 0;
    ASSERT_OK(parse(4, off, &npos));
    ASSERT_U64_EQ(idle, IG_FLAG_OFF);
    ASSERT_EQ(parse(4, bad, &npos), IG_EUSAGE);
}

/* A duration that cannot be off says so for "off" as for 0. */
TEST(duration_flag_refuses_off)
{
    char *off[] = { "t", "--tick-interval", "off", "x" };
    char msg[1024];

    reset();
    ASSERT_EQ(parse_caught(&spec, 4, off, msg, sizeof(msg)), IG_EUSAGE);
    ASSERT_STR_CONTAINS(msg, "igord: --tick-interval cannot be off");
    ASSERT_U64_EQ(interval, 0);
}

TEST(errors)
{
    char *unknown[] = { "t", "--nope", "x" };
    char *novalue[] = { "t", "x", "--budget" };
    char *missing[] = { "t", "--budget", "1" };
    char *extra[] = { "t", "a", "b", "c" };
    char *badnum[] = { "t", "--ticks", "12x", "a" };
    int npos;

    ASSERT_EQ(parse(3, unknown, &npos), IG_EUSAGE);
    ASSERT_EQ(parse(3, novalue, &npos), IG_EUSAGE);
    ASSERT_EQ(parse(3, missing, &npos), IG_EUSAGE);
    ASSERT_EQ(parse(4, extra, &npos), IG_EUSAGE);
    ASSERT_EQ(parse(4, badnum, &npos), IG_EUSAGE);
}

TEST(help)
{
    char *h[] = { "t", "-h" };
    char *help[] = { "t", "x", "--help" };
    int npos;

    ASSERT_EQ(parse(2, h, &npos), 1);
    ASSERT_EQ(parse(3, help, &npos), 1);
}

/* The usage text of sp, NUL-terminated in buf. */
static void usage_of(const struct ig_flags_spec *sp, char *buf, size_t n)
{
    FILE *f = fmemopen(buf, n - 1, "w");

    memset(buf, 0, n);
    ASSERT_TRUE(f != NULL);
    ig_flags_usage(sp, f);
    fclose(f);
}

TEST(usage_text_lists_flags)
{
    char buf[2048];

    usage_of(&spec, buf, sizeof(buf));
    ASSERT_STR_CONTAINS(buf, "usage: t [options] <x>");
    ASSERT_STR_CONTAINS(buf, "-b, --budget B");
    ASSERT_STR_CONTAINS(buf, "(default: 1.0)");
    ASSERT_STR_CONTAINS(buf, "--tick-interval D");
    ASSERT_STR_CONTAINS(buf, "-h, --help");
}

/* Repeatable options: "--dial" and "--peer" fill one list of two. */
static const char *listen_v[3], *dial_v[2];
static struct ig_flag_list listens = { listen_v, 3, 0, NULL },
                           dials = { dial_v, 2, 0, "addresses" };
static const struct ig_flag list_flags[] = {
    { "listen", 'l', IG_FLAG_LIST, &listens, "ADDR", NULL, "where" },
    { "dial", 0, IG_FLAG_LIST, &dials, "ADDR", NULL, "whom" },
    { "peer", 0, IG_FLAG_LIST, &dials, "ADDR", NULL, "same as --dial" },
};
static const struct ig_flags_spec list_spec = {
    "l [options]", NULL, list_flags, 3, 0, 0
};

TEST(list_flag_collects_every_use_in_order)
{
    char *argv[] = { "l",        "--listen", "a", "-l",     "b",
                     "--dial=c", "--listen", "c", "--peer", "d" };
    int npos = -1;

    listens.n = dials.n = 0;
    ASSERT_OK(parse_spec(&list_spec, 10, argv, &npos));
    ASSERT_EQ(npos, 0);
    ASSERT_EQ(listens.n, 3);
    ASSERT_STR_EQ(listen_v[0], "a");
    ASSERT_STR_EQ(listen_v[1], "b");
    ASSERT_STR_EQ(listen_v[2], "c");
    ASSERT_EQ(dials.n, 2);
    ASSERT_STR_EQ(dial_v[0], "c");
    ASSERT_STR_EQ(dial_v[1], "d");
}

TEST(list_flag_past_its_room_is_a_usage_error)
{
    char *four[] = { "l", "-l", "a", "-l", "b", "-l", "c", "-l", "d" };
    char *three[] = { "l", "--dial", "a", "--peer", "b", "--dial", "c" };
    char *novalue[] = { "l", "--listen" };
    char msg[512];
    int npos;

    listens.n = dials.n = 0;
    ASSERT_EQ(parse_caught(&list_spec, 9, four, msg, sizeof(msg)), IG_EUSAGE);
    ASSERT_STR_CONTAINS(msg, "igord: --listen: at most 3 values");
    ASSERT_EQ(listens.n, 3); /* the first three are kept */
    ASSERT_EQ(parse_spec(&list_spec, 7, three, &npos), IG_EUSAGE);
    ASSERT_EQ(parse_spec(&list_spec, 2, novalue, &npos), IG_EUSAGE);
}

/* Past the room of a list two flags share, the error names both and
 * what the list holds. */
TEST(shared_list_past_its_room_names_every_flag)
{
    char *three[] = { "l", "--peer", "a", "--dial", "b", "--peer", "c" };
    char msg[1024];

    listens.n = dials.n = 0;
    ASSERT_EQ(parse_caught(&list_spec, 7, three, msg, sizeof(msg)), IG_EUSAGE);
    ASSERT_STR_CONTAINS(msg,
                        "igord: --dial and --peer together: at most 2 "
                        "addresses\n");
    ASSERT_TRUE(strstr(msg, "--peer: at most") == NULL);
}

/* Each flag of a shared list says whom it shares the limit with. */
TEST(shared_list_usage_names_the_other_flag)
{
    char buf[1024];

    usage_of(&list_spec, buf, sizeof(buf));
    ASSERT_STR_CONTAINS(buf, "whom (repeatable, up to 2 together with --peer)");
    /* The line wraps before the last name. */
    ASSERT_STR_CONTAINS(buf,
                        "same as --dial (repeatable, up to 2 together with");
    ASSERT_STR_CONTAINS(buf, " --dial)\n");
}

TEST(list_flag_usage_says_repeatable)
{
    char buf[1024];

    usage_of(&list_spec, buf, sizeof(buf));
    ASSERT_STR_CONTAINS(buf, "-l, --listen ADDR");
    ASSERT_STR_CONTAINS(buf, "where (repeatable, up to 3)");
}

/* Long help text wraps between words at 80 columns, continuing under
 * the help column; a flag name longer than its column still gets a
 * space before its help. */
static const struct ig_flag wrap_flags[] = {
    { "wordy",
      0,
      IG_FLAG_STRING,
      NULL,
      "W",
      "a default value that is long as well",
      "one two three four five six seven eight nine ten eleven twelve "
      "thirteen fourteen fifteen sixteen" },
    { "a-very-long-flag-name-here", 0, IG_FLAG_BOOL, NULL, NULL, NULL, "x" },
};
static const struct ig_flags_spec wrap_spec = {
    "w [options]", NULL, wrap_flags, 2, 0, 0
};

TEST(usage_text_wraps_at_80_columns)
{
    char buf[2048];
    const char *p;

    usage_of(&wrap_spec, buf, sizeof(buf));
    for (p = buf; *p;) {
        size_t n = strcspn(p, "\n");

        if (n > 80)
            IG_TEST_FAIL("%zu-column line in:\n%s", n, buf);
        p += n + (p[n] == '\n');
    }
    ASSERT_STR_CONTAINS(buf,
                        "      --wordy W                one two three four "
                        "five six seven eight nine ten\n"
                        "                               eleven twelve");
    ASSERT_STR_CONTAINS(buf,
                        "sixteen\n                               (default: "
                        "a default value that is long as well)\n");
    ASSERT_STR_CONTAINS(buf, "--a-very-long-flag-name-here x\n");
}

TEST(too_large_values_say_so)
{
    uint64_t ns = 0;

    ASSERT_EQ(ig_flags_parse_duration("99999999999h", &ns), IG_ETOOBIG);
    ASSERT_EQ(ig_flags_parse_duration("18446744073709551616ns", &ns),
              IG_ETOOBIG);
    ASSERT_OK(ig_flags_parse_duration("5124095h", &ns));
    ASSERT_U64_EQ(ns, 5124095ULL * 3600000000000ULL);
}
