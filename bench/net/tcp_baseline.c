/* SPDX-License-Identifier: MIT */
/* Bare framed TCP over loopback, sealed or plain: what one stream costs
 * without multistream, yamux or an event loop (see tcp_baseline.h). */
#include "tcp_baseline.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX 65535u
#define TAG 16u
#define PLAIN_MAX (FRAME_MAX - TAG)
/* Frames per send(): the batch our host hands the socket, 256 KiB. */
#define BATCH 4u

static const uint8_t key[crypto_aead_chacha20poly1305_ietf_KEYBYTES] = { 7 };

static double cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The Noise transport nonce: 4 zero bytes, then the counter. */
static void nonce(uint64_t n, uint8_t iv[12])
{
    memset(iv, 0, 4);
    for (int i = 0; i < 8; i++)
        iv[4 + i] = (uint8_t)(n >> (8 * i));
}

static int send_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Open every whole frame in b[0..*have); keep the partial one. */
static int open_frames(uint8_t *b, size_t *have, int seal, uint64_t *ctr)
{
    size_t off = 0, len;
    uint8_t iv[12];

    while (*have - off >= 2) {
        len = (size_t)b[off] << 8 | b[off + 1];
        if (len < TAG || *have - off - 2 < len)
            break;
        nonce((*ctr)++, iv);
        if (seal &&
            crypto_aead_chacha20poly1305_ietf_decrypt(
              b + off + 2, NULL, NULL, b + off + 2, len, NULL, 0, iv, key))
            return -1;
        off += 2 + len;
    }
    memmove(b, b + off, *have - off);
    *have -= off;
    return 0;
}

/* The child: take frames until EOF, then answer with its CPU time. */
static void receive(int lfd, int seal)
{
    static uint8_t b[1u << 20];
    size_t have = 0;
    uint64_t ctr = 0;
    double c0 = cpu_s(), cpu;
    int fd = accept(lfd, NULL, NULL);
    ssize_t n;

    if (fd < 0)
        _exit(1);
    while ((n = recv(fd, b + have, sizeof(b) - have, 0)) > 0) {
        have += (size_t)n;
        if (open_frames(b, &have, seal, &ctr) < 0)
            _exit(2);
    }
    cpu = cpu_s() - c0;
    if (n < 0 || have || send_all(fd, (uint8_t *)&cpu, sizeof(cpu)) < 0)
        _exit(3);
    close(fd);
    _exit(0);
}

/* Build up to BATCH frames of the next `left` payload bytes into out;
 * returns the wire bytes and adds the payload taken to *sent. */
static size_t build(uint8_t *out,
                    size_t left,
                    int seal,
                    uint64_t *ctr,
                    size_t *sent)
{
    static const uint8_t plain[PLAIN_MAX];
    uint8_t iv[12];
    size_t o = 0;

    for (unsigned i = 0; i < BATCH && left; i++) {
        size_t len = left < PLAIN_MAX ? left : PLAIN_MAX;

        out[o] = (uint8_t)((len + TAG) >> 8);
        out[o + 1] = (uint8_t)(len + TAG);
        nonce((*ctr)++, iv);
        if (seal)
            crypto_aead_chacha20poly1305_ietf_encrypt(
              out + o + 2, NULL, plain, len, NULL, 0, NULL, iv, key);
        else
            memcpy(out + o + 2, plain, len + TAG);
        o += 2 + len + TAG;
        left -= len;
        *sent += len;
    }
    return o;
}

static int transmit(int fd, size_t total, int seal, struct tcp_baseline *r)
{
    static uint8_t out[BATCH * (FRAME_MAX + 2)];
    uint64_t ctr = 0;
    double t0 = now_s(), c0 = cpu_s();
    size_t sent = 0, n;

    while (sent < total) {
        n = build(out, total - sent, seal, &ctr, &sent);
        if (send_all(fd, out, n) < 0)
            return -1;
    }
    if (shutdown(fd, SHUT_WR) < 0 ||
        recv(fd, &r->rx_cpu, sizeof(r->rx_cpu), MSG_WAITALL) !=
          (ssize_t)sizeof(r->rx_cpu))
        return -1;
    r->secs = now_s() - t0;
    r->tx_cpu = cpu_s() - c0;
    return 0;
}

static int listen_loopback(struct sockaddr_in *a)
{
    socklen_t len = sizeof(*a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(a, 0, sizeof(*a));
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)a, sizeof(*a)) < 0 ||
        listen(fd, 1) < 0 || getsockname(fd, (struct sockaddr *)a, &len)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

int tcp_baseline_run(size_t total, int seal, struct tcp_baseline *out)
{
    struct sockaddr_in a;
    int lfd, fd = -1, one = 1, status = 1, rc = -1;
    pid_t pid;

    if (sodium_init() < 0 || (lfd = listen_loopback(&a)) < 0)
        return -1;
    pid = fork();
    if (pid == 0)
        receive(lfd, seal);
    if (pid < 0)
        goto out;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
        goto out;
    /* As our host does: no Nagle delay on the last partial batch. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    rc = transmit(fd, total, seal, out);
out:
    if (fd >= 0)
        close(fd);
    close(lfd);
    if (pid > 0 && (waitpid(pid, &status, 0) < 0 || status != 0))
        rc = -1;
    return rc;
}
