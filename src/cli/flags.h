/* SPDX-License-Identifier: MIT */
/* Command-line option parsing shared by every igord command: a table of
 * flags per command, usage text, and duration values such as "500ms". */
#ifndef IG_CLI_FLAGS_H
#define IG_CLI_FLAGS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ig_flag_kind {
    IG_FLAG_STRING = 0,       /* out: const char ** (points into argv) */
    IG_FLAG_BOOL = 1,         /* out: int *, set to 1 (or --x=false -> 0) */
    IG_FLAG_UINT = 2,         /* out: uint64_t *, decimal */
    IG_FLAG_DURATION = 3,     /* out: uint64_t * in nanoseconds */
    IG_FLAG_LIST = 4,         /* out: struct ig_flag_list *; repeatable */
    IG_FLAG_DURATION_OFF = 5, /* as DURATION; "0" or "off" give IG_FLAG_OFF */
    /* IG_FLAG_DURATION refuses "0" and "off" with a usage error. */
};

/* What an IG_FLAG_DURATION_OFF option holds when turned off. */
#define IG_FLAG_OFF UINT64_MAX

/*
 * The values of a repeatable string option, in the order given, pointing
 * into argv. Each use appends one; a use past max is a usage error.
 * Several flags may share one list ("--dial" and its alias "--peer"),
 * and then its max: the usage error and the help name them together.
 * The caller sets n to 0 before parsing (and applies any default when
 * it is still 0 afterwards).
 */
struct ig_flag_list {
    const char **v; /* room for max values */
    size_t max;
    size_t n;
    const char *noun; /* what it holds, plural ("addresses"); NULL: values */
};

/*
 * One option. name is the long name without dashes ("budget"); shortname
 * is a single letter for "-b", or 0. metavar names the value in the help
 * text ("B"); defval, when not NULL, is shown as "(default: ...)". The
 * parser leaves *out alone when the flag is absent, so the caller sets
 * the default before parsing.
 */
struct ig_flag {
    const char *name;
    char shortname;
    int kind;
    void *out;
    const char *metavar;
    const char *defval;
    const char *help;
};

/*
 * A command's options. usage is the synopsis after "usage: " ("igord run
 * [options] <agent.wasm>"); about is one or more lines describing it.
 * Positional arguments must number min_pos..max_pos.
 */
struct ig_flags_spec {
    const char *usage;
    const char *about;
    const struct ig_flag *flags;
    int nflags;
    int min_pos;
    int max_pos;
};

/*
 * Parse argv[1..argc) (argv[0] is the command name). "--x v", "--x=v",
 * "-x v" and the single-dash long form "-name v" all work; flags may
 * follow positional arguments; "--" ends the options; "-" alone is a
 * positional argument. The positional arguments are moved, in order, to
 * argv[1..1+*npos).
 *
 * Returns 0 on success; 1 when -h/--help was given (usage printed on
 * stdout; the command should exit 0); IG_EUSAGE for an unknown flag, a
 * missing or bad value or a wrong number of positional arguments (one
 * "igord: ..." line and the usage printed on stderr; exit 2).
 */
int ig_flags_parse(const struct ig_flags_spec *spec,
                   int argc,
                   char **argv,
                   int *npos);

/* Print "usage: ..." and the option table to f. */
void ig_flags_usage(const struct ig_flags_spec *spec, FILE *f);

/*
 * Parse a duration: a decimal number, with an optional fraction,
 * followed by ns, us, ms, s, m or h ("500ms", "1.5s", "0.25m"); a bare
 * number means seconds. Returns 0, or -EINVAL when malformed or finer
 * than a nanosecond ("1.5ns"), or IG_ETOOBIG when it overflows 64-bit
 * ns. Zero parses here; a flag of kind IG_FLAG_DURATION refuses it
 * (every duration option is a positive interval or timeout).
 */
int ig_flags_parse_duration(const char *s, uint64_t *ns);

/* A duration in ns as whole milliseconds, rounded up (a nonzero one
 * below 1 ms still counts); IG_FLAG_OFF stays IG_FLAG_OFF. */
uint64_t ig_flags_ms(uint64_t ns);

/* Where errors (and the usage after a usage error) are written: stderr
 * by default; NULL discards them (fuzzing). Help still goes to stdout. */
void ig_flags_set_errors(FILE *f);

/* Print "igord: <message>" and a newline on the error stream. */
void ig_flags_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Exit code for bad usage, as the commands return it. */
#define IG_EXIT_USAGE 2

#endif
