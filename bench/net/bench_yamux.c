/* SPDX-License-Identifier: MIT */
/* The whole libp2p stack C<->C over 127.0.0.1 against a forked igord
 * host: dial-to-ready latency (TCP, multistream, Noise, yamux), then
 * one-stream throughput into a sink and through an echo. Usage:
 * bench_net_yamux [MiB] [dials] [rounds]. Each round also runs the
 * bare TCP baselines of tcp_baseline.h, the ceiling of one stream. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/host.h"
#include "net/ping.h"
#include "tcp_baseline.h"

#define SINK_PROTO "/igor/bench-sink/1.0.0"
#define ECHO_PROTO "/igor/bench-echo/1.0.0"
/* The window both sides grant per stream: wide enough for loopback. */
#define WINDOW (16u * 1024u * 1024u)

static uint64_t cpu_us(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
           (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* ---- the listening side (child process) ---- */

static long sink_data(struct ig_stream *s, const uint8_t *p, size_t n)
{
    uint64_t *count = ig_stream_ud(s);

    *count += n;
    return (long)n;
}

/* Report the byte count and our CPU time so far, big-endian, then
 * close: the machine may be shared, so CPU time tells what the stack
 * costs when wall time cannot. */
static void sink_eof(struct ig_stream *s)
{
    uint64_t *count = ig_stream_ud(s), cpu = cpu_us();
    uint8_t b[16];

    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)(*count >> (56 - 8 * i));
        b[8 + i] = (uint8_t)(cpu >> (56 - 8 * i));
    }
    (void)ig_stream_write(s, b, sizeof(b));
    (void)ig_stream_close(s);
}

static void sink_open(struct ig_stream *s, int status)
{
    ig_stream_set_ud(s, calloc(1, sizeof(uint64_t)));
    if (!ig_stream_ud(s))
        ig_stream_reset(s);
}

static void sink_close(struct ig_stream *s, int status)
{
    free(ig_stream_ud(s));
}

static const struct ig_stream_handler sink_handler = {
    .on_open = sink_open,
    .on_data = sink_data,
    .on_eof = sink_eof,
    .on_close = sink_close,
};

static void serve(int ready_fd)
{
    struct ig_nodekey key;
    struct ig_host_cfg hc;
    struct ig_host *h;
    struct ig_multiaddr ma;

    ig_host_cfg_default(&hc);
    hc.key = &key;
    hc.window = WINDOW;
    if (ig_nodekey_generate(&key) < 0 || ig_host_new(&h, &hc, NULL, NULL) ||
        ig_host_handle(h, SINK_PROTO, &sink_handler, NULL) ||
        ig_host_handle(h, ECHO_PROTO, &ig_ping_echo_handler, NULL) ||
        ig_multiaddr_parse("/ip4/127.0.0.1/tcp/0", &ma, NULL, 0) ||
        ig_host_listen(h, &ma, NULL, 0) || ig_host_listen_addr(h, 0, &ma))
        _exit(1);
    if (write(ready_fd, &ma, sizeof(ma)) != (ssize_t)sizeof(ma))
        _exit(1);
    close(ready_fd);
    ig_host_run(h);
    _exit(0);
}

/* ---- the dialing side ---- */

struct bench {
    struct ig_host *h;
    struct ig_conn *conn;
    int up, failed;
    size_t total, sent, got;
    uint8_t chunk[256 * 1024];
    uint8_t reply[16];
    double t0, t1;
    uint64_t cpu0, cpu1;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_event(void *ud,
                     struct ig_conn *c,
                     enum ig_conn_event ev,
                     int status,
                     const char *reason)
{
    struct bench *b = ud;

    if (ev == IG_CONN_UP) {
        b->up = 1;
        b->conn = c;
        ig_host_stop(b->h);
    }
    else if (ev == IG_CONN_DOWN && !b->up) {
        fprintf(stderr, "dial failed: %s\n", reason);
        b->failed = 1;
        ig_host_stop(b->h);
    }
}

static void pump(struct ig_stream *s)
{
    struct bench *b = ig_stream_ud(s);

    while (b->sent < b->total) {
        size_t n = b->total - b->sent;
        long k;

        if (n > sizeof(b->chunk))
            n = sizeof(b->chunk);
        k = ig_stream_write(s, b->chunk, n);
        if (k <= 0) {
            if (k < 0)
                b->failed = 1;
            return;
        }
        b->sent += (size_t)k;
    }
    (void)ig_stream_close(s);
}

static void c_open(struct ig_stream *s, int status)
{
    struct bench *b = ig_stream_ud(s);

    b->t0 = now_s();
    b->cpu0 = cpu_us();
    if (status < 0) {
        b->failed = 1;
        ig_host_stop(b->h);
        return;
    }
    pump(s);
}

static long c_data(struct ig_stream *s, const uint8_t *p, size_t n)
{
    struct bench *b = ig_stream_ud(s);

    if (!strcmp(ig_stream_protocol(s), SINK_PROTO)) {
        for (size_t i = 0; i < n && b->got < sizeof(b->reply); i++)
            b->reply[b->got++] = p[i];
    }
    else {
        b->got += n;
    }
    return (long)n;
}

static void c_eof(struct ig_stream *s)
{
    struct bench *b = ig_stream_ud(s);

    b->t1 = now_s();
    b->cpu1 = cpu_us();
    ig_host_stop(b->h);
}

static const struct ig_stream_handler client_handler = {
    .on_open = c_open,
    .on_data = c_data,
    .on_writable = pump,
    .on_eof = c_eof,
};

static int dial(struct bench *b, const struct ig_multiaddr *ma)
{
    b->up = 0;
    if (ig_host_dial(b->h, ma, NULL, NULL, 0) < 0)
        return -1;
    ig_host_run(b->h);
    return b->up ? 0 : -1;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, c = *(const double *)y;

    return a < c ? -1 : a > c;
}

static void bench_dial(struct bench *b, const struct ig_multiaddr *ma, int n)
{
    double *t = calloc((size_t)n, sizeof(double));

    for (int i = 0; t && i < n; i++) {
        double t0 = now_s();

        if (dial(b, ma) < 0)
            break;
        t[i] = (now_s() - t0) * 1e3;
        ig_conn_close(b->conn, 0, "bench");
        ig_host_poll(b->h, 0);
    }
    if (t) {
        qsort(t, (size_t)n, sizeof(double), cmp_double);
        printf("result: dial to muxer ready C<->C, whole stack (median of "
               "%d) | %.2f ms | - | - | -\n",
               n,
               t[n / 2]);
        printf("dial to muxer ready: p90 %.3f ms\n", t[n * 9 / 10]);
    }
    free(t);
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* One stream's figures: wall seconds, and each side's CPU seconds. */
struct run {
    double secs, tx_cpu, rx_cpu;
};

static void print_run(const char *what, size_t bytes, const struct run *r)
{
    printf("%-28s %5zu MiB in %.3f s = %4.0f MB/s; CPU per side "
           "%.0f / %.0f MB per CPU-second\n",
           what,
           bytes >> 20,
           r->secs,
           (double)bytes / r->secs / 1e6,
           (double)bytes / r->tx_cpu / 1e6,
           (double)bytes / r->rx_cpu / 1e6);
}

/* Move `total` bytes over a new stream of `proto`. The sink answers
 * with its byte count and CPU time; an echo's listener CPU is not told,
 * so it is reported as the dialer's. */
static int bench_stream(struct bench *b,
                        const char *proto,
                        size_t total,
                        uint64_t *peer_cpu,
                        struct run *r)
{
    int sink = !strcmp(proto, SINK_PROTO);
    uint64_t pcpu;

    b->total = total;
    b->sent = 0;
    b->got = 0;
    if (ig_stream_open(b->conn, proto, &client_handler, b, NULL) < 0)
        return -1;
    ig_host_run(b->h);
    if (b->failed ||
        (sink && (b->got != sizeof(b->reply) || be64(b->reply) != total)))
        return -1;
    r->secs = b->t1 - b->t0;
    r->tx_cpu = (double)(b->cpu1 - b->cpu0) / 1e6;
    r->rx_cpu = r->tx_cpu;
    if (sink) {
        pcpu = be64(b->reply + 8);
        r->rx_cpu = (double)(pcpu - *peer_cpu) / 1e6;
        *peer_cpu = pcpu;
    }
    return 0;
}

/* Keep the round with the best wall time: on a shared machine the
 * slower rounds measure the neighbours. */
static void keep_best(struct run *best, const struct run *r)
{
    if (!best->secs || r->secs < best->secs)
        *best = *r;
}

static double mbps(size_t bytes, double secs)
{
    return (double)bytes / secs / 1e6;
}

static double per_cpu(size_t bytes, const struct run *r)
{
    double worst = r->tx_cpu > r->rx_cpu ? r->tx_cpu : r->rx_cpu;

    return (double)bytes / worst / 1e6;
}

/* The summary lines: best[0] yamux, best[1] sealed TCP, best[2] plain. */
static void report(size_t bytes, const struct run *best)
{
    double y = mbps(bytes, best[0].secs), t = mbps(bytes, best[1].secs);
    double yc = per_cpu(bytes, &best[0]), tc = per_cpu(bytes, &best[1]);

    printf("result: one stream C<->C, yamux over Noise (wall, best round) "
           "| %.0f MB/s | bare sealed TCP %.0f MB/s | %.2fx | "
           ">= 1000 MB/s: %s\n",
           y,
           t,
           y / t,
           y >= 1000 ? "met" : "not met");
    printf("result: one stream C<->C, busier side's CPU | %.0f MB per "
           "CPU-second | bare sealed TCP %.0f | %.2fx | -\n",
           yc,
           tc,
           yc / tc);
    printf("result: plain TCP on this loopback, no crypto (wall) | "
           "%.0f MB/s | - | - | -\n",
           mbps(bytes, best[2].secs));
}

/* The yamux sink against bare sealed and plain TCP, rounds interleaved
 * so that all three meet the same load. */
static int compare(struct bench *b, size_t bytes, int rounds)
{
    struct run best[3] = { 0 }, r;
    struct tcp_baseline t;
    uint64_t peer_cpu = 0;

    /* A small run first, to read the listener's CPU baseline. */
    if (bench_stream(b, SINK_PROTO, 1u << 20, &peer_cpu, &r) < 0)
        return -1;
    for (int i = 0; i < rounds; i++) {
        if (bench_stream(b, SINK_PROTO, bytes, &peer_cpu, &r) < 0)
            return -1;
        print_run("yamux over Noise, sink", bytes, &r);
        keep_best(&best[0], &r);
        for (int seal = 1; seal >= 0; seal--) {
            if (tcp_baseline_run(bytes, seal, &t) < 0)
                return -1;
            r = (struct run){ t.secs, t.tx_cpu, t.rx_cpu };
            print_run(seal ? "bare sealed TCP" : "bare plain TCP", bytes, &r);
            keep_best(&best[2 - seal], &r);
        }
    }
    report(bytes, best);
    return 0;
}
int main(int argc, char **argv)
{
    static struct bench b;
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 512;
    int ndial = argc > 2 ? atoi(argv[2]) : 200, fds[2], status;
    int rounds = argc > 3 ? atoi(argv[3]) : 3;
    size_t echo = (mib / 4 ? mib / 4 : 1) << 20;
    uint64_t peer_cpu = 0;
    struct run r;
    struct ig_multiaddr ma;
    struct ig_nodekey key;
    struct ig_host_cfg hc;
    pid_t pid;

    signal(SIGPIPE, SIG_IGN);
    if (pipe(fds) < 0 || (pid = fork()) < 0)
        return 1;
    if (pid == 0) {
        close(fds[0]);
        serve(fds[1]);
    }
    close(fds[1]);
    if (read(fds[0], &ma, sizeof(ma)) != (ssize_t)sizeof(ma))
        return 1;
    ig_host_cfg_default(&hc);
    hc.key = &key;
    hc.window = WINDOW;
    if (ig_nodekey_generate(&key) < 0 ||
        ig_host_new(&b.h, &hc, on_event, &b) < 0)
        return 1;
    bench_dial(&b, &ma, ndial > 0 ? ndial : 1);
    if (dial(&b, &ma) < 0 || compare(&b, mib << 20, rounds) < 0 ||
        bench_stream(&b, ECHO_PROTO, echo, &peer_cpu, &r) < 0)
        b.failed = 1;
    else
        print_run("yamux over Noise, echo", 2 * echo, &r);
    ig_host_free(b.h);
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    return b.failed;
}
