/* SPDX-License-Identifier: MIT */
/* Runs the six benchmark kernels natively (gcc -O2) and under igord's
 * engine (clang-14 wasm32-wasi -O2) in one run, checks that both print the
 * same checksum line, and reports each slowdown (wall time, and CPU time,
 * which a loaded machine disturbs less) and their geometric means.
 * Usage: bench_wasm_kernels [-r runs] [--node] [kernel ...]; --node adds
 * V8 through node and the shared wasi-run.mjs as a JIT reference. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "util/err.h"
#include "wasi_cmd.h"

#define KERNEL_DIR IG_BINARY_DIR "/bench/kernels"
#define MAX_RUNS 15
#define MAX_ARGS 8
#define MAX_OUT 4096

struct kernel {
    const char *name;
    const char *args[4];
};

/* The arguments of the shared README. */
static const struct kernel kernels[] = {
    { "fib", { "40" } },
    { "sieve", { "20000000", "10" } },
    { "matmul", { "500", "4" } },
    { "sha256", { "1048576", "64" } },
    { "qsort", { "2000000", "5" } },
    { "hashmap", { "4000000", "1000000", "3" } },
};

/* One run: wall time, and CPU time, which a loaded machine disturbs less. */
struct sample {
    uint64_t wall, cpu;
};

struct timing {
    uint64_t ns;     /* median wall time */
    uint64_t cpu_ns; /* median CPU time (user + system) */
    char out[MAX_OUT];
};

/* argv for a kernel run: prefix (program and leading args), then the
 * kernel's own arguments, NULL-terminated. */
static int build_argv(const char **argv,
                      const char *const *prefix,
                      int nprefix,
                      const struct kernel *k)
{
    int n = 0;

    for (int i = 0; i < nprefix; i++)
        argv[n++] = prefix[i];
    for (int i = 0; i < 4 && k->args[i] && n < MAX_ARGS - 1; i++)
        argv[n++] = k->args[i];
    argv[n] = NULL;
    return n;
}

/* Read the child's stdout to its end into out (truncated to MAX_OUT). */
static void read_all(int fd, char *out)
{
    size_t len = 0;
    ssize_t r;
    char junk[512];

    while ((r = read(fd,
                     len < MAX_OUT - 1 ? out + len : junk,
                     len < MAX_OUT - 1 ? MAX_OUT - 1 - len : sizeof(junk))) !=
           0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        if (len < MAX_OUT - 1)
            len += (size_t)r;
    }
    out[len] = 0;
}

static uint64_t tv_ns(const struct timeval *tv)
{
    return (uint64_t)tv->tv_sec * 1000000000ull + (uint64_t)tv->tv_usec * 1000;
}

static uint64_t cpu_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Run argv as a process; its stdout goes to out. */
static int run_process(const char *const *argv, char *out, struct sample *t)
{
    int fds[2], status = 0;
    uint64_t t0 = bench_now_ns();
    struct rusage ru;
    pid_t pid;

    if (pipe(fds) < 0)
        return -errno;
    pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    read_all(fds[0], out);
    close(fds[0]);
    memset(&ru, 0, sizeof(ru));
    wait4(pid, &status, 0, &ru);
    t->wall = bench_now_ns() - t0;
    t->cpu = tv_ns(&ru.ru_utime) + tv_ns(&ru.ru_stime);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

static int run_engine(const uint8_t *wasm,
                      size_t len,
                      const char *const *argv,
                      int argc,
                      char *out,
                      struct sample *t)
{
    struct wasi_cmd_result res;
    char err[256] = "";
    uint64_t cpu0 = cpu_now_ns();
    int rc =
      wasi_cmd_run(wasm, len, argv, (uint32_t)argc, &res, err, sizeof(err));

    t->cpu = cpu_now_ns() - cpu0;
    if (rc == 0 && res.exit_code != 0)
        rc = -ECHILD;
    if (rc < 0)
        fprintf(stderr, "%s: %s %s\n", argv[0], ig_err_name(rc), err);
    snprintf(out, MAX_OUT, "%s", res.out ? res.out : "");
    t->wall = res.load_ns + res.run_ns;
    free(res.out);
    return rc;
}

/* Which way a kernel runs. */
enum runner { RUN_NATIVE, RUN_IGORD, RUN_NODE };

static int run_once(int how,
                    const struct kernel *k,
                    const uint8_t *wasm,
                    size_t len,
                    char *out,
                    struct sample *t)
{
    char native[4096], wasm_path[4096];
    const char *argv[MAX_ARGS];
    const char *prefix[3];
    int argc;

    snprintf(native, sizeof(native), KERNEL_DIR "/%s.native", k->name);
    snprintf(wasm_path, sizeof(wasm_path), KERNEL_DIR "/%s.wasm", k->name);
    prefix[0] = how == RUN_NODE ? "node" : native;
    prefix[1] = IG_SHARED_DIR "/bench/wasi-run.mjs";
    prefix[2] = wasm_path;
    if (how == RUN_NODE)
        argc = build_argv(argv, prefix, 3, k);
    else if (how == RUN_IGORD)
        argc = build_argv(argv, (const char *const[]){ k->name }, 1, k);
    else
        argc = build_argv(argv, prefix, 1, k);
    if (how == RUN_IGORD)
        return run_engine(wasm, len, argv, argc, out, t);
    return run_process(argv, out, t);
}

static int measure(int how,
                   const struct kernel *k,
                   const uint8_t *wasm,
                   size_t len,
                   int runs,
                   struct timing *t)
{
    uint64_t wall[MAX_RUNS], cpu[MAX_RUNS];

    for (int i = 0; i < runs; i++) {
        struct sample one;
        int rc = run_once(how, k, wasm, len, t->out, &one);

        if (rc < 0)
            return rc;
        wall[i] = one.wall;
        cpu[i] = one.cpu;
    }
    t->ns = bench_median(wall, (size_t)runs);
    t->cpu_ns = bench_median(cpu, (size_t)runs);
    return 0;
}

static void chomp(char *s)
{
    size_t n = strlen(s);

    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = 0;
}

struct totals {
    double log_sum, log_cpu_sum;
    int n, failed;
};

static void report(const struct kernel *k,
                   struct timing *nat,
                   struct timing *ig,
                   const struct timing *v8,
                   struct totals *tot)
{
    double ratio = (double)ig->ns / (double)nat->ns;
    double cpu_ratio = (double)ig->cpu_ns / (double)(nat->cpu_ns + 1);
    int same = strcmp(nat->out, ig->out) == 0;
    int v8_same = !v8 || strcmp(nat->out, v8->out) == 0;

    chomp(nat->out);
    chomp(ig->out);
    printf("%-8s native %7.3f s  igord %7.3f s  %6.2fx (cpu %6.2fx)",
           k->name,
           (double)nat->ns / 1e9,
           (double)ig->ns / 1e9,
           ratio,
           cpu_ratio);
    if (v8)
        printf("  v8 %7.3f s %5.2fx%s",
               (double)v8->ns / 1e9,
               (double)v8->ns / (double)nat->ns,
               v8_same ? "" : " (v8 checksum differs)");
    if (same)
        printf("  checksum same: %s\n", nat->out);
    else
        printf("  checksum DIFFERS: native \"%s\", igord \"%s\"\n",
               nat->out,
               ig->out);
    tot->log_sum += log(ratio);
    tot->log_cpu_sum += log(cpu_ratio);
    tot->n++;
    tot->failed |= !same || !v8_same;
}

static int bench_kernel(const struct kernel *k,
                        int runs,
                        int with_node,
                        struct totals *tot)
{
    static struct timing nat, ig, v8;
    char path[4096];
    uint8_t *wasm = NULL;
    size_t len = 0;
    int rc;

    snprintf(path, sizeof(path), KERNEL_DIR "/%s.wasm", k->name);
    rc = bench_read_file(path, &wasm, &len);
    if (rc < 0) {
        printf("%-8s not built (%s): build with -DIGORD_BENCH_KERNELS=ON\n",
               k->name,
               path);
        return rc;
    }
    if (rc == 0)
        rc = measure(RUN_NATIVE, k, NULL, 0, runs, &nat);
    if (rc == 0)
        rc = measure(RUN_IGORD, k, wasm, len, runs, &ig);
    if (rc == 0 && with_node)
        rc = measure(RUN_NODE, k, NULL, 0, runs, &v8);
    if (rc == 0)
        report(k, &nat, &ig, with_node ? &v8 : NULL, tot);
    else
        printf("%-8s failed: %s\n", k->name, ig_strerror(rc));
    free(wasm);
    return rc;
}

static int wanted(const struct kernel *k, int argc, char **argv, int first)
{
    if (first >= argc)
        return 1;
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], k->name) == 0)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct totals tot = { 0, 0, 0, 0 };
    int runs = 1, with_node = 0, i = 1;

    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--node") == 0)
            with_node = 1;
        else
            runs = 0;
    }
    if (runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr,
                "usage: bench_wasm_kernels [-r 1..%d] [--node] "
                "[kernel ...]\n",
                MAX_RUNS);
        return 2;
    }
    printf("kernels: native gcc -O2 vs igord (wasm32-wasi clang-14 -O2), "
           "median of %d\n",
           runs);
    for (size_t k = 0; k < sizeof(kernels) / sizeof(kernels[0]); k++) {
        if (wanted(&kernels[k], argc, argv, i) &&
            bench_kernel(&kernels[k], runs, with_node, &tot) < 0)
            tot.failed = 1;
    }
    if (tot.n) {
        double g = exp(tot.log_sum / tot.n), gc = exp(tot.log_cpu_sum / tot.n);

        printf("geometric mean slowdown over %d kernels: %.2fx wall, "
               "%.2fx cpu\n",
               tot.n,
               g,
               gc);
        printf("result: kernels under igord, geometric mean of %d (wall) | "
               "%.2fx | native gcc -O2 (cpu: %.2fx) | %.2fx | -\n",
               tot.n,
               g,
               gc,
               g);
    }
    return tot.failed || !tot.n;
}
