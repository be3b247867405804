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

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

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
    m = snprintf(line + n, sizeof(line) - n, ".%03ldZ [%ld] %s %s: ",
                 ts.tv_nsec / 1000000, (long)getpid(), level_names[level],
                 component);
    if (m > 0)
        n += (size_t)m;
    va_start(ap, fmt);
    m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
    va_end(ap);
    /* vsnprintf reports the untruncated length; keep what fitted. */
    if (m > 0)
        n += (size_t)m < sizeof(line) - n - 1 ? (size_t)m
                                              : sizeof(line) - n - 2;
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
