/* SPDX-License-Identifier: MIT */
/* Formats and writes daemon log lines with one write(2) each, so lines
 * from several threads never interleave. */
#include "util/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

int ig_log_min_level = IG_LOG_INFO;
static int log_fd = 2;

static const char *const level_names[] = { "DEBUG", "INFO", "WARN", "ERROR" };

void ig_log_set_fd(int fd)
{
    log_fd = fd;
}

int ig_log_set_level_name(const char *name)
{
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(name, level_names[i]) == 0) {
            ig_log_min_level = i;
            return 0;
        }
    }
    return -EINVAL;
}

void ig_log_write(int level, const char *component, const char *fmt, ...)
{
    char line[4096];
    struct timespec ts;
    struct tm tm;
    size_t n;
    int m;
    va_list ap;

    if (level < 0 || level > IG_LOG_ERROR)
        level = IG_LOG_ERROR;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
    m = snprintf(line + n,
                 sizeof(line) - n,
                 ".%03ldZ [%ld] %s %s: ",
                 ts.tv_nsec / 1000000,
                 (long)getpid(),
                 level_names[level],
                 component);
    if (m > 0)
        n += (size_t)m;
    va_start(ap, fmt);
    m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
    va_end(ap);
    /* vsnprintf reports the untruncated length; keep what fitted. */
    if (m > 0)
        n +=
          (size_t)m < sizeof(line) - n - 1 ? (size_t)m : sizeof(line) - n - 2;
    line[n++] = '\n';
    while (n > 0) {
        ssize_t w = write(log_fd, line, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        memmove(line, line + w, n - (size_t)w);
        n -= (size_t)w;
    }
}

/* Append v in decimal, zero-padded to width digits. */
static size_t put_num(char *p, unsigned long long v, int width)
{
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < (int)sizeof(tmp));
    while (n < width && n < (int)sizeof(tmp))
        tmp[n++] = '0';
    for (int i = 0; i < n; i++)
        p[i] = tmp[n - 1 - i];
    return (size_t)n;
}

static size_t put_str(char *p, size_t room, const char *s)
{
    size_t n = 0;

    while (s[n] && n < room)
        p[n] = s[n], n++;
    return n;
}

/* Days since 1970-01-01 to year, month, day (proleptic Gregorian; the
 * usual era arithmetic, shifted so the year starts in March). */
static void civil(long long z, long long *y, unsigned *m, unsigned *d)
{
    long long era, yoe, doy, doe, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

void ig_log_write_signal_safe(int level, const char *component, const char *msg)
{
    char line[512];
    struct timespec ts;
    long long y, secs;
    unsigned mo, d;
    size_t n = 0, room = sizeof(line) - 1;

    if (level < 0 || level > IG_LOG_ERROR)
        level = IG_LOG_ERROR;
    if (level < ig_log_min_level)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    secs = (long long)ts.tv_sec;
    civil(secs / 86400, &y, &mo, &d);
    n += put_num(line + n, (unsigned long long)y, 4);
    line[n++] = '-';
    n += put_num(line + n, mo, 2);
    line[n++] = '-';
    n += put_num(line + n, d, 2);
    line[n++] = 'T';
    n += put_num(line + n, (unsigned long long)(secs % 86400 / 3600), 2);
    line[n++] = ':';
    n += put_num(line + n, (unsigned long long)(secs % 3600 / 60), 2);
    line[n++] = ':';
    n += put_num(line + n, (unsigned long long)(secs % 60), 2);
    line[n++] = '.';
    n += put_num(line + n, (unsigned long long)(ts.tv_nsec / 1000000), 3);
    n += put_str(line + n, room - n, "Z [");
    n += put_num(line + n, (unsigned long long)getpid(), 1);
    n += put_str(line + n, room - n, "] ");
    n += put_str(line + n, room - n, level_names[level]);
    n += put_str(line + n, room - n, " ");
    n += put_str(line + n, room - n, component);
    n += put_str(line + n, room - n, ": ");
    n += put_str(line + n, room - n, msg);
    line[n++] = '\n';
    if (write(log_fd, line, n) < 0)
        return; /* nothing to do about it in a handler */
}
