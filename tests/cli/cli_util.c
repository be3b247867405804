/* SPDX-License-Identifier: MIT */
/* Child processes, temporary directories and directory fingerprints for
 * the command-line tests. */
#include "cli_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

const char *cli_igord(void)
{
    return IG_BINARY_DIR "/igord";
}

const char *cli_probe(const char *variant)
{
    static char path[8][512];
    static int next;
    char *p = path[next++ % 8];

    snprintf(
      p, 512, "%s/tests/cli/agents/%s/agent.wasm", IG_BINARY_DIR, variant);
    return p;
}

char *cli_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *p = malloc(512);

    if (!p)
        IG_TEST_FAIL("out of memory");
    snprintf(p, 512, "%s/igord-cli-XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(p))
        IG_TEST_FAIL("mkdtemp: %s", strerror(errno));
    return p;
}

static void rm_entry(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char sub[1024];

    if (lstat(path, &st) < 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    d = opendir(path);
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        rm_entry(sub);
    }
    if (d)
        closedir(d);
    rmdir(path);
}

void cli_rmrf(const char *dir)
{
    if (dir && !getenv("IG_TEST_KEEP"))
        rm_entry(dir);
}

void cli_spawn(struct cli_proc *p, const char *const *args)
{
    const char *argv[64];
    int n = 0, fd;
    char tmpl[] = "/tmp/igord-out-XXXXXX";

    argv[n++] = cli_igord();
    while (args[n - 1] && n < 63) {
        argv[n] = args[n - 1];
        n++;
    }
    argv[n] = NULL;
    fd = mkstemp(tmpl);
    close(fd);
    snprintf(p->out, sizeof(p->out), "%s.out", tmpl);
    snprintf(p->err, sizeof(p->err), "%s.err", tmpl);
    unlink(tmpl);
    fflush(NULL);
    p->pid = fork();
    if (p->pid < 0)
        IG_TEST_FAIL("fork: %s", strerror(errno));
    if (p->pid == 0) {
        int o = open(p->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(p->err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        dup2(o, 1);
        dup2(e, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void cli_wait(struct cli_proc *p, int timeout_ms, struct cli_result *r)
{
    uint64_t end = now_ms() + (uint64_t)timeout_ms;
    int status = 0;
    pid_t w;

    memset(r, 0, sizeof(*r));
    while ((w = waitpid(p->pid, &status, WNOHANG)) == 0) {
        if (now_ms() > end) {
            kill(p->pid, SIGKILL);
            waitpid(p->pid, &status, 0);
            fprintf(stderr, "--- stderr:\n%s\n", cli_read(p->err, NULL));
            IG_TEST_FAIL("igord did not end within %d ms", timeout_ms);
        }
        usleep(5000);
    }
    r->code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r->signo = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    r->out = cli_read(p->out, NULL);
    r->err = cli_read(p->err, NULL);
    unlink(p->out);
    unlink(p->err);
}

/* The child has exited (it stays a zombie for cli_wait to reap). */
static int ended(pid_t pid)
{
    siginfo_t si;

    memset(&si, 0, sizeof(si));
    return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           si.si_pid == pid;
}

int cli_wait_for(struct cli_proc *p, const char *needle, int timeout_ms)
{
    uint64_t end = now_ms() + (uint64_t)timeout_ms;

    while (now_ms() <= end) {
        char *o = cli_read(p->out, NULL), *e = cli_read(p->err, NULL);
        int found = strstr(o, needle) || strstr(e, needle);

        free(o);
        free(e);
        if (found)
            return 0;
        if (ended(p->pid))
            return -1;
        usleep(10000);
    }
    return -1;
}

void cli_run(struct cli_result *r, int timeout_ms, const char *const *args)
{
    struct cli_proc p;

    cli_spawn(&p, args);
    cli_wait(&p, timeout_ms, r);
}

void cli_result_free(struct cli_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *cli_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int c;

    if (f) {
        while ((c = fgetc(f)) != EOF) {
            if (n + 1 >= cap) {
                cap = cap ? cap * 2 : 4096;
                buf = realloc(buf, cap);
                if (!buf)
                    IG_TEST_FAIL("out of memory");
            }
            buf[n++] = (char)c;
        }
        fclose(f);
    }
    if (!buf)
        buf = calloc(1, 1);
    else
        buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

void cli_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(data, 1, len, f) != len)
        IG_TEST_FAIL("cannot write %s", path);
    fclose(f);
}

int cli_exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

/* FNV-1a over the file's bytes. */
static uint64_t hash_file(const char *path)
{
    size_t n;
    char *d = cli_read(path, &n);
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)d[i]) * 1099511628211ULL;
    free(d);
    return h;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An agent's run lock (<id>.lock, empty): made by any run that got as
 * far as the checkpoint directory, and not part of what it commits. */
static int is_run_lock(const char *name, const struct stat *st)
{
    size_t len = strlen(name);

    return S_ISREG(st->st_mode) && st->st_size == 0 && len > 5 &&
           !strcmp(name + len - 5, ".lock");
}

static void list(const char *root, const char *rel, char ***lines, size_t *n)
{
    char path[1024], sub[1024], line[1400];
    struct dirent *e;
    struct stat st;
    DIR *d;

    snprintf(path, sizeof(path), "%s%s", root, rel);
    d = opendir(path);
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", rel, e->d_name);
        snprintf(path, sizeof(path), "%s%s", root, sub);
        if (lstat(path, &st) < 0 || is_run_lock(e->d_name, &st))
            continue;
        snprintf(line,
                 sizeof(line),
                 "%s %o %lld %lld.%09ld %016llx",
                 sub,
                 (unsigned)st.st_mode,
                 (long long)st.st_size,
                 (long long)st.st_mtim.tv_sec,
                 st.st_mtim.tv_nsec,
                 S_ISDIR(st.st_mode) ? 0ULL
                                     : (unsigned long long)hash_file(path));
        *lines = realloc(*lines, (*n + 1) * sizeof(char *));
        (*lines)[(*n)++] = strdup(line);
        if (S_ISDIR(st.st_mode))
            list(root, sub, lines, n);
    }
    if (d)
        closedir(d);
}

char *cli_snapshot(const char *dir)
{
    char **lines = NULL, *out;
    size_t n = 0, total = 1;

    list(dir, "", &lines, &n);
    if (n > 1)
        qsort(lines, n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < n; i++)
        total += strlen(lines[i]) + 1;
    out = calloc(1, total);
    for (size_t i = 0; i < n; i++) {
        strcat(out, lines[i]);
        strcat(out, "\n");
        free(lines[i]);
    }
    free(lines);
    return out;
}

int cli_count(const char *text, const char *needle)
{
    int n = 0;
    size_t len = strlen(needle);

    for (const char *p = text; (p = strstr(p, needle)); p += len)
        n++;
    return n;
}

/* The tick number inspect reports for a checkpoint file. */
long cli_inspect_tick(const char *file)
{
    const char *args[] = { "inspect", file, NULL };
    struct cli_result r;
    const char *t;
    long tick;

    cli_run(&r, 20000, args);
    ASSERT_EQ(r.code, 0);
    t = strstr(r.out, "Tick Number:");
    ASSERT_TRUE(t != NULL);
    tick = strtol(t + strlen("Tick Number:"), NULL, 10);
    cli_result_free(&r);
    return tick;
}

const char *cli_path(int slot, const char *dir, const char *rel)
{
    static char buf[CLI_PATH_SLOTS][1024];

    if (slot < 0 || slot >= CLI_PATH_SLOTS)
        IG_TEST_FAIL("path slot %d out of range", slot);
    if ((size_t)snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", dir, rel) >=
        sizeof(buf[slot]))
        IG_TEST_FAIL("path too long: %s/%s", dir, rel);
    return buf[slot];
}
