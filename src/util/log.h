/* SPDX-License-Identifier: MIT */
/* Daemon logging: one line per event, "time pid LEVEL component: text".
 * Only the agent, node and cli layers log; libraries return codes. */
#ifndef IG_UTIL_LOG_H
#define IG_UTIL_LOG_H

enum ig_log_level {
    IG_LOG_DEBUG = 0,
    IG_LOG_INFO = 1,
    IG_LOG_WARN = 2,
    IG_LOG_ERROR = 3,
};

/* The least level written; messages below it are not even formatted. */
extern int ig_log_min_level;

/* Send log lines to fd (default 2, stderr). */
void ig_log_set_fd(int fd);

/* Set the level from a name: "debug", "info", "warn", "error".
 * Returns 0, or -EINVAL for an unknown name. */
int ig_log_set_level_name(const char *name);

void ig_log_write(int level, const char *component, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/*
 * The same line as ig_log_write(level, component, "%s", msg), made with
 * async-signal-safe calls only (clock_gettime, getpid, one write), for
 * a signal handler. Lines are cut at 511 bytes; a failed write is
 * ignored. Times before 1970 are not supported.
 */
void ig_log_write_signal_safe(int level,
                              const char *component,
                              const char *msg);

/* Check the level before evaluating the arguments. */
#define ig_log(level, component, ...)                                          \
    do {                                                                       \
        if ((level) >= ig_log_min_level)                                       \
            ig_log_write((level), (component), __VA_ARGS__);                   \
    } while (0)

#define ig_debug(comp, ...) ig_log(IG_LOG_DEBUG, comp, __VA_ARGS__)
#define ig_info(comp, ...) ig_log(IG_LOG_INFO, comp, __VA_ARGS__)
#define ig_warn(comp, ...) ig_log(IG_LOG_WARN, comp, __VA_ARGS__)
#define ig_error(comp, ...) ig_log(IG_LOG_ERROR, comp, __VA_ARGS__)

#endif
