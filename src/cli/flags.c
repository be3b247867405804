/* SPDX-License-Identifier: MIT */
/* Command-line option parsing: flag tables, values, usage text and
 * durations. Errors go to stderr (or where ig_flags_set_errors says) as
 * one "igord: " line plus the usage. */
#include "cli/flags.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "util/err.h"

static FILE *errout;
static int errout_set;

void ig_flags_set_errors(FILE *f)
{
    errout = f;
    errout_set = 1;
}

static FILE *err_stream(void)
{
    return errout_set ? errout : stderr;
}

__attribute__((format(printf, 1, 0))) static void verror(const char *fmt,
                                                         va_list ap)
{
    FILE *f = err_stream();

    if (!f)
        return;
    fputs("igord: ", f);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
}

static int usage_error(const struct ig_flags_spec *spec, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static int usage_error(const struct ig_flags_spec *spec, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    verror(fmt, ap);
    va_end(ap);
    if (err_stream()) {
        fputc('\n', err_stream());
        ig_flags_usage(spec, err_stream());
    }
    return IG_EUSAGE;
}

void ig_flags_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    verror(fmt, ap);
    va_end(ap);
}

static int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;

    if (!*s)
        return -EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -EINVAL;
        if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return IG_ETOOBIG;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

/* The multiplier of a duration unit, or 0 when unit is none of them. */
static uint64_t unit_ns(const char *unit)
{
    static const struct {
        const char *suffix;
        uint64_t mult;
    } units[] = {
        { "ns", 1ULL },
        { "us", 1000ULL },
        { "ms", 1000000ULL },
        { "s", 1000000000ULL },
        { "", 1000000000ULL },
        { "m", 60000000000ULL },
        { "h", 3600000000000ULL },
    };

    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(unit, units[i].suffix) == 0)
            return units[i].mult;
    }
    return 0;
}

/*
 * The nanoseconds of the fraction digits [p, end) of a unit worth mult
 * ns: digit by digit, each worth a tenth of the one before, so "1.5h"
 * is exact; a non-zero digit finer than 1 ns is refused.
 */
static int parse_fraction(const char *p,
                          const char *end,
                          uint64_t mult,
                          uint64_t *out)
{
    uint64_t frac = 0, m = mult;

    for (; p < end; p++) {
        uint64_t d = (uint64_t)(*p - '0');

        if (m % 10 != 0) {
            if (d != 0)
                return -EINVAL;
            continue;
        }
        m /= 10;
        frac += d * m;
    }
    *out = frac;
    return 0;
}

int ig_flags_parse_duration(const char *s, uint64_t *ns)
{
    char digits[32];
    size_t n = strspn(s, "0123456789"), nf = 0;
    const char *unit = s + n;
    uint64_t v, mult, frac = 0;
    int rc;

    if (n == 0 || n >= sizeof(digits))
        return n == 0 ? -EINVAL : IG_ETOOBIG;
    memcpy(digits, s, n);
    digits[n] = '\0';
    rc = parse_u64(digits, &v);
    if (rc < 0)
        return rc;
    if (*unit == '.') {
        nf = strspn(unit + 1, "0123456789");
        if (nf == 0)
            return -EINVAL;
        unit += 1 + nf;
    }
    mult = unit_ns(unit);
    if (mult == 0)
        return -EINVAL;
    if (nf && parse_fraction(s + n + 1, unit, mult, &frac) < 0)
        return -EINVAL;
    if (v > (UINT64_MAX - frac) / mult)
        return IG_ETOOBIG;
    *ns = v * mult + frac;
    return 0;
}

uint64_t ig_flags_ms(uint64_t ns)
{
    if (ns == IG_FLAG_OFF)
        return IG_FLAG_OFF;
    return ns / 1000000u + (ns % 1000000u != 0);
}

static int parse_bool(const char *s, int *out)
{
    if (!strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "yes"))
        *out = 1;
    else if (!strcmp(s, "false") || !strcmp(s, "0") || !strcmp(s, "no"))
        *out = 0;
    else
        return -EINVAL;
    return 0;
}

/*
 * "--a", "--a and --b", "--a, --b and --c": the flags of spec that fill
 * list, but for skip (NULL: none), into buf. Returns how many.
 */
static int sharers(const struct ig_flags_spec *spec,
                   const void *list,
                   const struct ig_flag *skip,
                   char *buf,
                   size_t len)
{
    int total = 0, k = 0;
    size_t at = 0;

    for (int i = 0; i < spec->nflags; i++)
        total += spec->flags[i].out == list && &spec->flags[i] != skip;
    buf[0] = '\0';
    for (int i = 0; i < spec->nflags && at < len; i++) {
        const struct ig_flag *f = &spec->flags[i];
        int n;

        if (f->out != list || f == skip)
            continue;
        k++;
        n = snprintf(buf + at,
                     len - at,
                     "%s--%s",
                     k == 1       ? ""
                     : k == total ? " and "
                                  : ", ",
                     f->name);
        at += n > 0 ? (size_t)n : 0;
    }
    return total;
}

static int list_append(const struct ig_flags_spec *spec,
                       const struct ig_flag *f,
                       const char *v)
{
    struct ig_flag_list *l = f->out;
    const char *noun = l->noun ? l->noun : "values";
    char names[256];

    if (l->n < l->max) {
        l->v[l->n++] = v;
        return 0;
    }
    if (sharers(spec, l, NULL, names, sizeof(names)) > 1)
        return usage_error(
          spec, "%s together: at most %zu %s", names, l->max, noun);
    return usage_error(spec, "--%s: at most %zu %s", f->name, l->max, noun);
}

/* A duration that may also switch its feature off ("0", "0s", "off"). */
static int parse_duration_off(const char *v, uint64_t *out)
{
    int rc = strcmp(v, "off") ? ig_flags_parse_duration(v, out) : 0;

    if (rc == 0 && (!strcmp(v, "off") || *out == 0))
        *out = IG_FLAG_OFF;
    return rc;
}

static int set_value(const struct ig_flags_spec *spec,
                     const struct ig_flag *f,
                     const char *v)
{
    int rc = 0;

    switch (f->kind) {
        case IG_FLAG_LIST:
            return list_append(spec, f, v);
        case IG_FLAG_STRING:
            *(const char **)f->out = v;
            break;
        case IG_FLAG_BOOL:
            rc = parse_bool(v, (int *)f->out);
            break;
        case IG_FLAG_UINT:
            rc = parse_u64(v, (uint64_t *)f->out);
            break;
        case IG_FLAG_DURATION:
            rc = ig_flags_parse_duration(v, (uint64_t *)f->out);
            break;
        case IG_FLAG_DURATION_OFF:
            rc = parse_duration_off(v, (uint64_t *)f->out);
            break;
        default:
            rc = -EINVAL;
    }
    if (f->kind == IG_FLAG_DURATION && !strcmp(v, "off"))
        return usage_error(
          spec, "--%s cannot be off: give a duration above zero", f->name);
    if (rc == 0 && f->kind == IG_FLAG_DURATION && *(uint64_t *)f->out == 0)
        return usage_error(
          spec, "--%s: duration '%s' must be more than zero", f->name, v);
    if (rc == 0)
        return 0;
    if (rc == IG_ETOOBIG)
        return usage_error(spec,
                           "--%s: %s '%s' is too large",
                           f->name,
                           f->kind == IG_FLAG_UINT ? "value" : "duration",
                           v);
    if (f->kind == IG_FLAG_DURATION || f->kind == IG_FLAG_DURATION_OFF)
        return usage_error(spec,
                           "--%s: bad duration '%s' (%sa number and a unit "
                           "ns, us, ms, s, m or h: 500ms, 1.5s, 2m)",
                           f->name,
                           v,
                           f->kind == IG_FLAG_DURATION_OFF ? "0 or off, or "
                                                           : "");
    return usage_error(spec, "--%s: bad value '%s'", f->name, v);
}

static const struct ig_flag *find_flag(const struct ig_flags_spec *spec,
                                       const char *name,
                                       size_t len)
{
    for (int i = 0; i < spec->nflags; i++) {
        const struct ig_flag *f = &spec->flags[i];

        if (len == 1 && f->shortname && f->shortname == name[0])
            return f;
        if (strlen(f->name) == len && !strncmp(f->name, name, len))
            return f;
    }
    return NULL;
}

static int is_help(const char *name, size_t len)
{
    return (len == 1 && name[0] == 'h') ||
           (len == 4 && !strncmp(name, "help", 4));
}

/* Handle argv[*i], an option; may consume the next argument as value. */
static int parse_one(const struct ig_flags_spec *spec,
                     int argc,
                     char **argv,
                     int *i)
{
    const char *arg = argv[*i];
    const char *name = arg + (arg[1] == '-' ? 2 : 1);
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const struct ig_flag *f;

    if (is_help(name, len) && !eq) {
        ig_flags_usage(spec, stdout);
        return 1;
    }
    f = find_flag(spec, name, len);
    if (!f)
        return usage_error(
          spec, "unknown option '%.*s'", (int)(name - arg + len), arg);
    if (eq)
        return set_value(spec, f, eq + 1);
    if (f->kind == IG_FLAG_BOOL) {
        *(int *)f->out = 1;
        return 0;
    }
    if (*i + 1 >= argc)
        return usage_error(spec, "option '%s' needs a value", arg);
    (*i)++;
    return set_value(spec, f, argv[*i]);
}

int ig_flags_parse(const struct ig_flags_spec *spec,
                   int argc,
                   char **argv,
                   int *npos)
{
    int n = 0, rc, only_pos = 0;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (!only_pos && !strcmp(arg, "--")) {
            only_pos = 1;
        }
        else if (!only_pos && arg[0] == '-' && arg[1] != '\0') {
            rc = parse_one(spec, argc, argv, &i);
            if (rc != 0)
                return rc;
        }
        else {
            /* Never ahead of i: moving left keeps unread args intact. */
            argv[1 + n++] = argv[i];
        }
    }
    *npos = n;
    if (n < spec->min_pos)
        return usage_error(spec, "missing argument");
    if (spec->max_pos >= 0 && n > spec->max_pos)
        return usage_error(spec, "unexpected argument '%s'", argv[1 + n - 1]);
    return 0;
}

#define HELP_COLS 80
#define HELP_INDENT 31 /* "  " + the 28-column flag + " " */

/* Print text from column col on (a line start), wrapped at HELP_COLS
 * between words; continuation lines start at HELP_INDENT. */
static void print_wrapped(const char *text, int col, FILE *out)
{
    int start = 1;

    while (*text) {
        int n = (int)strcspn(text, " ");

        if (!start && col + 1 + n > HELP_COLS) {
            fprintf(out, "\n%*s", HELP_INDENT, "");
            col = HELP_INDENT;
        }
        else if (!start) {
            fputc(' ', out);
            col++;
        }
        fprintf(out, "%.*s", n, text);
        col += n;
        start = 0;
        text += n + (text[n] == ' ');
    }
    fputc('\n', out);
}

/* " (repeatable, up to N)", and with whom a shared list is shared. */
static int print_repeat(const struct ig_flags_spec *spec,
                        const struct ig_flag *f,
                        char *buf,
                        size_t len)
{
    const struct ig_flag_list *l = f->out;
    char names[256];

    if (sharers(spec, l, f, names, sizeof(names)) > 0)
        return snprintf(
          buf, len, " (repeatable, up to %zu together with %s)", l->max, names);
    return snprintf(buf, len, " (repeatable, up to %zu)", l->max);
}

static void print_flag(const struct ig_flags_spec *spec,
                       const struct ig_flag *f,
                       FILE *out)
{
    char left[64], text[768];
    int w, n;

    if (f->shortname)
        w = snprintf(left, sizeof(left), "-%c, --%s", f->shortname, f->name);
    else
        w = snprintf(left, sizeof(left), "    --%s", f->name);
    if (f->kind != IG_FLAG_BOOL && w > 0 && (size_t)w < sizeof(left))
        snprintf(left + w,
                 sizeof(left) - (size_t)w,
                 " %s",
                 f->metavar ? f->metavar : "V");
    n = snprintf(text, sizeof(text), "%s", f->help ? f->help : "");
    if (f->kind == IG_FLAG_LIST && n >= 0 && (size_t)n < sizeof(text))
        n += print_repeat(spec, f, text + n, sizeof(text) - (size_t)n);
    if (f->defval && n >= 0 && (size_t)n < sizeof(text))
        snprintf(
          text + n, sizeof(text) - (size_t)n, " (default: %s)", f->defval);
    w = fprintf(out, "  %-28s ", left);
    print_wrapped(text, w, out);
}

void ig_flags_usage(const struct ig_flags_spec *spec, FILE *f)
{
    fprintf(f, "usage: %s\n", spec->usage);
    if (spec->about)
        fprintf(f, "\n%s\n", spec->about);
    fputs("\noptions:\n", f);
    for (int i = 0; i < spec->nflags; i++)
        print_flag(spec, &spec->flags[i], f);
    fprintf(f, "  %-28s %s\n", "-h, --help", "show this help and exit");
}
