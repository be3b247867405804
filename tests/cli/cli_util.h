/* SPDX-License-Identifier: MIT */
/* Helpers for the command-line tests: run igord as a child process with
 * its output in files, wait with a deadline, make temporary directories,
 * and fingerprint a directory to prove nothing in it changed. */
#ifndef IG_TESTS_CLI_UTIL_H
#define IG_TESTS_CLI_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* A running igord: its pid and the files its stdout and stderr go to. */
struct cli_proc {
    pid_t pid;
    char out[512];
    char err[512];
};

/* How a finished igord ended, and what it printed (malloc'd). */
struct cli_result {
    int code;  /* exit status, or -1 when killed by a signal */
    int signo; /* the signal that killed it, else 0 */
    char *out;
    char *err;
};

/* The igord binary under test, and the probe agent of a variant
 * ("ok", "spin", ...). */
const char *cli_igord(void);
const char *cli_probe(const char *variant);

/* A new empty directory under $TMPDIR (default /tmp); the path is
 * malloc'd. cli_rmrf removes it unless IG_TEST_KEEP is set. */
char *cli_tmpdir(void);
void cli_rmrf(const char *dir);

/* Start igord with args (NULL-terminated, without argv[0]). Aborts the
 * test when the process cannot be started. */
void cli_spawn(struct cli_proc *p, const char *const *args);

/* Wait for p to end within timeout_ms; on timeout kill it and fail the
 * test. A death by signal is returned in r (the test decides). */
void cli_wait(struct cli_proc *p, int timeout_ms, struct cli_result *r);

/* Wait until p's stdout or stderr holds needle; 0, or -1 on timeout or
 * when the process ended first. */
int cli_wait_for(struct cli_proc *p, const char *needle, int timeout_ms);

/* Run igord with args to completion (timeout_ms) and collect r. */
void cli_run(struct cli_result *r, int timeout_ms, const char *const *args);
void cli_result_free(struct cli_result *r);

/* Whole file as a NUL-terminated malloc'd string ("" when missing);
 * *len gets the byte count when len is not NULL. */
char *cli_read(const char *path, size_t *len);
void cli_write(const char *path, const void *data, size_t len);
int cli_exists(const char *path);

/* A listing of every file under dir with its size, mode, mtime and a
 * content hash, sorted; equal listings mean nothing was changed. Empty
 * <id>.lock files (agent run locks, not committed state) are left out. */
char *cli_snapshot(const char *dir);

/* The tick number `igord inspect` reports for a checkpoint file (the
 * test fails when inspect does). */
long cli_inspect_tick(const char *file);

/* dir/rel in one of CLI_PATH_SLOTS static buffers: each path that must
 * stay valid while others are made needs a slot of its own. A path that
 * does not fit fails the test. */
#define CLI_PATH_SLOTS 8
const char *cli_path(int slot, const char *dir, const char *rel);

/* Number of lines of text containing needle. */
int cli_count(const char *text, const char *needle);

#endif
