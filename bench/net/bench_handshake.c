/* SPDX-License-Identifier: MIT */
/* Handshake latency C<->C: Noise XX in memory (pure CPU), then full
 * security setup (multistream-select + Noise) over 127.0.0.1 TCP against
 * a forked listener, and transport seal+open throughput. Usage:
 * bench_net_handshake [handshakes] */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/multistream.h"
#include "net/noise.h"

struct wire {
    int fd;
    uint8_t buf[4096];
    size_t len;
};

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Print the spread of n timings and return their median. */
static double report(const char *what, double *us, int n)
{
    qsort(us, (size_t)n, sizeof(*us), cmp_double);
    printf("%-34s n=%d  median %8.1f us  p90 %8.1f us  min %8.1f us\n",
           what,
           n,
           us[n / 2],
           us[n * 9 / 10],
           us[0]);
    return us[n / 2];
}

static struct ig_noise *new_noise(int initiator, const struct ig_nodekey *k)
{
    static const char *mux[] = { "/yamux/1.0.0" };
    struct ig_noise_config cfg = { initiator, k->sk, NULL, mux, 1 };
    struct ig_noise *nz = NULL;

    return ig_noise_new(&cfg, &nz) == 0 ? nz : NULL;
}

/* Hand a's pending handshake output to b. */
static int relay(struct ig_noise *a, struct ig_noise *b)
{
    size_t len, used;
    const uint8_t *out = ig_noise_output(a, &len);
    uint8_t copy[2048];

    memcpy(copy, out, len);
    ig_noise_output_consume(a, len);
    return ig_noise_input(b, copy, len, &used, NULL, 0);
}

static double bench_memory(int n,
                           const struct ig_nodekey *ki,
                           const struct ig_nodekey *kr)
{
    double *us = calloc((size_t)n, sizeof(*us)), median;

    if (!us)
        exit(1);
    for (int i = 0; i < n; i++) {
        double t0 = now_us();
        struct ig_noise *a = new_noise(1, ki), *b = new_noise(0, kr);
        if (!a || !b || relay(a, b) || relay(b, a) || relay(a, b))
            exit(1);
        us[i] = now_us() - t0;
        ig_noise_free(a);
        ig_noise_free(b);
    }
    median = report("noise XX in memory", us, n);
    free(us);
    return median;
}

static int send_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int fill(struct wire *w)
{
    ssize_t r = read(w->fd, w->buf + w->len, sizeof(w->buf) - w->len);

    if (r <= 0)
        return -1;
    w->len += (size_t)r;
    return 0;
}

static void eat(struct wire *w, size_t n)
{
    memmove(w->buf, w->buf + n, w->len - n);
    w->len -= n;
}

/* multistream-select for /noise in either role, on a blocking socket. */
static int select_noise(struct wire *w, int initiator)
{
    static const char *protos[] = { IG_NOISE_PROTOCOL };
    struct ig_ms ms;
    size_t len, used;
    const uint8_t *out;

    if (initiator)
        ig_ms_init_initiator(&ms, protos, 1);
    else
        ig_ms_init_responder(&ms, protos, 1);
    for (;;) {
        out = ig_ms_output(&ms, &len);
        if (send_all(w->fd, out, len))
            return -1;
        ig_ms_output_consume(&ms, len);
        if (ig_ms_selected(&ms))
            return 0;
        if (w->len == 0 && fill(w))
            return -1;
        if (ig_ms_input(&ms, w->buf, w->len, &used, NULL, 0))
            return -1;
        eat(w, used);
    }
}

static int secure(struct wire *w, int initiator, const struct ig_nodekey *k)
{
    struct ig_noise *nz = new_noise(initiator, k);
    size_t len, used;
    const uint8_t *out;
    int rc = nz && select_noise(w, initiator) == 0 ? 0 : -1;

    while (rc == 0) {
        out = ig_noise_output(nz, &len);
        rc = send_all(w->fd, out, len);
        ig_noise_output_consume(nz, len);
        if (rc || ig_noise_done(nz))
            break;
        if (w->len == 0 && fill(w))
            rc = -1;
        else if (ig_noise_input(nz, w->buf, w->len, &used, NULL, 0))
            rc = -1;
        else
            eat(w, used);
    }
    ig_noise_free(nz);
    return rc;
}

/* The listener: secure each connection, then wait for the dialer's EOF
 * so the dialer's clock covers the whole exchange. */
static void serve(int lfd, int n, const struct ig_nodekey *k)
{
    static struct wire w;
    uint8_t b;

    for (int i = 0; i < n; i++) {
        w.fd = accept(lfd, NULL, NULL);
        w.len = 0;
        if (w.fd < 0 || secure(&w, 0, k))
            _exit(1);
        while (read(w.fd, &b, 1) > 0)
            ;
        close(w.fd);
    }
    _exit(0);
}

static int listen_any(struct sockaddr_in *sin)
{
    socklen_t sl = sizeof(*sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(sin, 0, sizeof(*sin));
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)sin, sizeof(*sin)) ||
        listen(fd, 16) || getsockname(fd, (struct sockaddr *)sin, &sl))
        return -1;
    return fd;
}

static double bench_tcp(int n,
                        const struct ig_nodekey *ki,
                        const struct ig_nodekey *kr)
{
    static struct wire w;
    struct sockaddr_in sin;
    double *us = calloc((size_t)n, sizeof(*us)), median;
    int lfd = listen_any(&sin), one = 1, status;
    pid_t pid;

    if (lfd < 0 || !us)
        exit(1);
    pid = fork();
    if (pid == 0)
        serve(lfd, n, kr);
    close(lfd);
    for (int i = 0; i < n; i++) {
        double t0 = now_us();
        w.fd = socket(AF_INET, SOCK_STREAM, 0);
        w.len = 0;
        setsockopt(w.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (connect(w.fd, (struct sockaddr *)&sin, sizeof(sin)) ||
            secure(&w, 1, ki))
            exit(1);
        us[i] = now_us() - t0;
        close(w.fd);
    }
    waitpid(pid, &status, 0);
    median = report("tcp connect + multistream + noise", us, n);
    free(us);
    return median;
}

static void bench_transport(const struct ig_nodekey *ki,
                            const struct ig_nodekey *kr)
{
    enum { CHUNK = 65536, ROUNDS = 2000 };
    static uint8_t pt[CHUNK], wire[CHUNK + 64];
    struct ig_noise *a = new_noise(1, ki), *b = new_noise(0, kr);
    size_t used, len;
    double t0;
    int n;

    if (!a || !b || relay(a, b) || relay(b, a) || relay(a, b))
        exit(1);
    t0 = now_us();
    for (int i = 0; i < ROUNDS; i++) {
        n = ig_noise_seal(a, pt, CHUNK, wire, sizeof(wire));
        for (size_t off = 0; n > 0 && off < (size_t)n; off += used) {
            if (ig_noise_input(b, wire + off, (size_t)n - off, &used, NULL, 0))
                exit(1);
            ig_noise_plaintext(b, &len);
            ig_noise_plaintext_consume(b, len);
        }
    }
    printf("%-34s %.0f MiB/s (64 KiB writes)\n",
           "noise seal + open",
           (double)CHUNK * ROUNDS / (1 << 20) / ((now_us() - t0) / 1e6));
    ig_noise_free(a);
    ig_noise_free(b);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 500;
    struct ig_nodekey ki, kr;
    double mem, tcp;

    if (n < 1)
        n = 1;
    ig_nodekey_generate(&ki);
    ig_nodekey_generate(&kr);
    mem = bench_memory(n, &ki, &kr);
    tcp = bench_tcp(n, &ki, &kr);
    bench_transport(&ki, &kr);
    /* The in-memory handshake is the pure CPU part of the TCP one. */
    printf("result: Noise XX handshake over TCP, with multistream (median) "
           "| %.2f ms | in memory %.2f ms | %.2fx | -\n",
           tcp / 1e3,
           mem / 1e3,
           tcp / mem);
    return 0;
}
