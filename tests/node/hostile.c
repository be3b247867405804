/* SPDX-License-Identifier: MIT */
/* The scripted peer of hostile.h; blocking I/O with poll timeouts so a
 * node that stops answering fails the test instead of hanging it. */
#include "hostile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <sodium.h>
#include <unistd.h>

#include "net/buf.h"
#include "net/multiaddr.h"
#include "net/multistream.h"
#include "test.h"
#include "util/err.h"

#define IO_MS 5000

long hnow_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read the log into buf (NUL-terminated); returns its length. */
static size_t read_log(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    ssize_t r;
    size_t n = 0;

    if (fd < 0)
        return 0;
    while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0)
        n += (size_t)r;
    close(fd);
    buf[n] = '\0';
    return n;
}

static int line_has(const char *log, const char *a, const char *b)
{
    for (const char *l = log; l && *l;) {
        const char *end = strchr(l, '\n');
        size_t len = end ? (size_t)(end - l) : strlen(l);
        const char *pa = memmem(l, len, a, strlen(a));
        if (pa && (!b || memmem(l, len, b, strlen(b))))
            return 1;
        l = end ? end + 1 : NULL;
    }
    return 0;
}

long hnode_log_count(const struct hnode *n, const char *needle)
{
    static char log[1 << 20];
    long count = 0;

    read_log(n->log, log, sizeof(log));
    for (const char *l = log; *l;) {
        const char *end = strchr(l, '\n');
        size_t len = end ? (size_t)(end - l) : strlen(l);

        count += memmem(l, len, needle, strlen(needle)) != NULL;
        l += len + (end != NULL);
    }
    return count;
}

int hnode_log_has(const struct hnode *n, const char *a, const char *b, int ms)
{
    static char log[1 << 20];
    long until = hnow_ms() + ms;

    do {
        read_log(n->log, log, sizeof(log));
        if (line_has(log, a, b))
            return 1;
        usleep(20000);
    } while (hnow_ms() < until);
    return 0;
}

static void exec_node(const struct hnode *n)
{
    int fd = open(n->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const char *bin = getenv("IGORD_BIN"); /* to try another build */
    char *argv[6 + HNODE_MAX_ARGS + 1] = {
        "igord", "node", "--listen", "/ip4/127.0.0.1/tcp/0", "--data-dir",
    };
    size_t k = 5;

    argv[k++] = (char *)n->dir;
    for (size_t i = 0; n->xargs[i]; i++)
        argv[k++] = (char *)n->xargs[i];
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* a failed test takes it along */
    dup2(fd, 1);
    dup2(fd, 2);
    execv(bin ? bin : IG_BINARY_DIR "/igord", argv);
    _exit(127);
}

/* Find "listening on <multiaddr>" and take the port and peer ID. */
static int parse_listen(struct hnode *n)
{
    static char log[1 << 16];
    struct ig_multiaddr ma;
    struct sockaddr_storage ss;
    socklen_t sl;
    char addr[IG_MULTIADDR_STRMAX];
    const char *p;

    read_log(n->log, log, sizeof(log));
    p = strstr(log, "listening on ");
    if (!p || sscanf(p + 13, "%1000s", addr) != 1)
        return -1;
    if (ig_multiaddr_parse(addr, &ma, NULL, 0) ||
        ig_multiaddr_to_sockaddr(&ma, &ss, &sl) ||
        ig_multiaddr_peer(&ma, &n->id))
        return -1;
    n->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return 0;
}

void hnode_start(struct hnode *n)
{
    hnode_start_with(n, NULL, NULL);
}

void hnode_start_with(struct hnode *n, const char *flag, const char *value)
{
    const char *args[] = { flag, value, NULL };

    hnode_start_args(n, flag ? args : args + 2);
}

void hnode_start_args(struct hnode *n, const char *const *args)
{
    long until = hnow_ms() + IO_MS;
    size_t i;

    memset(n, 0, sizeof(*n));
    for (i = 0; args[i]; i++) {
        ASSERT_TRUE(i < HNODE_MAX_ARGS);
        n->xargs[i] = args[i];
    }
    snprintf(n->dir, sizeof(n->dir), "/tmp/ig_hostile_XXXXXX");
    ASSERT_TRUE(mkdtemp(n->dir) != NULL);
    snprintf(n->log, sizeof(n->log), "%s/node.log", n->dir);
    n->pid = fork();
    ASSERT_TRUE(n->pid >= 0);
    if (n->pid == 0)
        exec_node(n);
    while (parse_listen(n) != 0) {
        if (hnow_ms() > until)
            IG_TEST_FAIL("igord node did not start (log %s)", n->log);
        usleep(20000);
    }
}

void hnode_stop(struct hnode *n)
{
    int status = 0;
    char path[256];

    ASSERT_EQ(waitpid(n->pid, &status, WNOHANG), 0); /* still running */
    kill(n->pid, SIGTERM);
    ASSERT_EQ(waitpid(n->pid, &status, 0), n->pid);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
    snprintf(path, sizeof(path), "%s/%s", n->dir, IG_NODEKEY_FILE);
    unlink(path);
    unlink(n->log);
    rmdir(n->dir);
}

/* A TCP connection to the node; rcvbuf > 0 sets the receive buffer
 * first (it must precede connect to shape the window). */
static int connect_buf(const struct hnode *n, int rcvbuf)
{
    struct sockaddr_in sin = { 0 };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ASSERT_TRUE(fd >= 0);
    if (rcvbuf > 0)
        ASSERT_OK(
          setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)n->port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_OK(connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
    return fd;
}

int hconnect_raw(const struct hnode *n)
{
    return connect_buf(n, 0);
}

long hnode_mem_kib(const struct hnode *n, const char *field)
{
    char path[64], line[256];
    size_t flen = strlen(field);
    long kib = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)n->pid);
    f = fopen(path, "r");
    if (!f)
        return -1;
    while (kib < 0 && fgets(line, sizeof(line), f))
        if (!strncmp(line, field, flen) && line[flen] == ':')
            kib = strtol(line + flen + 1, NULL, 10);
    fclose(f);
    return kib;
}

void hpeer_connect_rcvbuf(struct hpeer *p, const struct hnode *n, int rcvbuf)
{
    int one = 1;

    memset(p, 0, sizeof(*p));
    ig_nodekey_generate(&p->key);
    p->fd = connect_buf(n, rcvbuf);
    setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

void hpeer_connect(struct hpeer *p, const struct hnode *n)
{
    hpeer_connect_rcvbuf(p, n, 0);
}

void hpeer_close(struct hpeer *p)
{
    if (p->fd >= 0)
        close(p->fd);
    p->fd = -1;
    ig_noise_free(p->nz);
    p->nz = NULL;
}

void hpeer_log_key(const struct hpeer *p, char *out, size_t outlen)
{
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);

    getsockname(p->fd, (struct sockaddr *)&sin, &sl);
    snprintf(out, outlen, "/tcp/%d ", ntohs(sin.sin_port));
}

void hpeer_send_raw(struct hpeer *p, const void *d, size_t n)
{
    const uint8_t *b = d;

    while (n > 0) {
        ssize_t w = send(p->fd, b, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* the node may already have closed on us */
        b += w;
        n -= (size_t)w;
    }
}

/* Wait up to ms for bytes; appends to rx. 1 read, 0 EOF, -1 timeout. */
static int fill(struct hpeer *p, int ms)
{
    struct pollfd pfd = { p->fd, POLLIN, 0 };
    ssize_t r;

    if (p->rxlen == sizeof(p->rx))
        return -1;
    if (poll(&pfd, 1, ms) <= 0)
        return -1;
    r = recv(p->fd, p->rx + p->rxlen, sizeof(p->rx) - p->rxlen, 0);
    if (r <= 0)
        return 0;
    p->rxlen += (size_t)r;
    return 1;
}

static void eat(struct hpeer *p, size_t n)
{
    memmove(p->rx, p->rx + n, p->rxlen - n);
    p->rxlen -= n;
}

int hpeer_wait_closed(struct hpeer *p, int ms)
{
    long until = hnow_ms() + ms;
    int rc;

    while (hnow_ms() < until) {
        rc = fill(p, (int)(until - hnow_ms()));
        if (rc == 0)
            return 1;
        p->rxlen = 0; /* whatever it said last does not matter */
    }
    return 0;
}

int hpeer_select(struct hpeer *p, const char *proto)
{
    const char *protos[] = { proto };
    struct ig_ms ms;
    size_t len, used;
    const uint8_t *out;
    int rc = ig_ms_init_initiator(&ms, protos, 1);

    while (!rc && !ig_ms_selected(&ms)) {
        out = ig_ms_output(&ms, &len);
        hpeer_send_raw(p, out, len);
        ig_ms_output_consume(&ms, len);
        if (p->rxlen == 0 && fill(p, IO_MS) <= 0)
            return IG_ECLOSED;
        rc = ig_ms_input(&ms, p->rx, p->rxlen, &used, NULL, 0);
        eat(p, used);
    }
    return rc;
}

/* Send pending handshake output, flipping one bit when asked. */
static void flush_noise(struct hpeer *p, int corrupt)
{
    uint8_t copy[4096];
    size_t len;
    const uint8_t *out = ig_noise_output(p->nz, &len);

    memcpy(copy, out, len);
    if (corrupt && len > 40)
        copy[40] ^= 0x01;
    hpeer_send_raw(p, copy, len);
    ig_noise_output_consume(p->nz, len);
}

int hpeer_noise(struct hpeer *p, const struct hnode *n, int corrupt_msg3)
{
    static const char *mux[] = { "/yamux/1.0.0" };
    struct ig_noise_config cfg = { 1, p->key.sk, &n->id, mux, 1 };
    size_t used;
    int rc = hpeer_select(p, IG_NOISE_PROTOCOL);

    if (!rc)
        rc = ig_noise_new(&cfg, &p->nz);
    while (!rc && !ig_noise_done(p->nz)) {
        flush_noise(p, 0);
        if (p->rxlen == 0 && fill(p, IO_MS) <= 0)
            return IG_ECLOSED;
        rc = ig_noise_input(p->nz, p->rx, p->rxlen, &used, NULL, 0);
        eat(p, used);
    }
    if (!rc)
        flush_noise(p, corrupt_msg3);
    return rc;
}

void hpeer_send(struct hpeer *p, const void *d, size_t n)
{
    size_t cap = ig_noise_seal_bound(n);
    uint8_t *wire = malloc(cap ? cap : 1);
    int w;

    ASSERT_TRUE(wire != NULL);
    w = ig_noise_seal(p->nz, d, n, wire, cap);
    ASSERT_EQ(w, (long long)cap);
    hpeer_send_raw(p, wire, cap);
    free(wire);
}

/* Decrypt what has arrived into pt; -1 on timeout, EOF or error. */
static int read_plain(struct hpeer *p, int ms)
{
    size_t used, len;
    const uint8_t *pt;

    for (;;) {
        if (ig_noise_input(p->nz, p->rx, p->rxlen, &used, NULL, 0) < 0)
            return -1;
        eat(p, used);
        pt = ig_noise_plaintext(p->nz, &len);
        if (len > sizeof(p->pt) - p->ptlen)
            return -1;
        memcpy(p->pt + p->ptlen, pt, len);
        p->ptlen += len;
        ig_noise_plaintext_consume(p->nz, len);
        if (len)
            return 0;
        if (fill(p, ms) <= 0)
            return -1;
    }
}

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
           b[3];
}

/* Note a reset of stream id (the first 64 are kept). */
static void note_reset(struct hpeer *p, uint32_t id)
{
    if (p->nresets < sizeof(p->resets) / sizeof(p->resets[0]))
        p->resets[p->nresets++] = id;
}

/* Take whole yamux frames from pt: data on stream id goes to s (id 0:
 * none does), and every reset is noted. */
static void take_frames(struct hpeer *p,
                        uint32_t id,
                        uint8_t *s,
                        size_t *slen,
                        size_t scap)
{
    size_t k = p->skip < p->ptlen ? p->skip : p->ptlen;

    /* The rest of a data frame nobody collects (echoes can be larger
     * than pt). */
    ig_buf_shift(p->pt, &p->ptlen, k);
    p->skip -= (uint32_t)k;
    if (p->skip)
        return;
    while (p->ptlen >= 12) {
        uint32_t fid = be32(p->pt + 4), len = be32(p->pt + 8);
        size_t whole = 12 + (p->pt[1] == 0 ? len : 0);
        if (p->pt[1] == 0 && (!id || fid != id) && p->ptlen < whole) {
            if (((uint32_t)p->pt[2] << 8 | p->pt[3]) & IG_YAMUX_RST)
                note_reset(p, fid);
            p->skip = (uint32_t)(whole - p->ptlen);
            p->ptlen = 0;
            return;
        }
        if (p->ptlen < whole)
            return;
        if (((uint32_t)p->pt[2] << 8 | p->pt[3]) & IG_YAMUX_RST)
            note_reset(p, fid);
        if (p->pt[1] == IG_YAMUX_PING && p->pt[3] == IG_YAMUX_SYN) {
            p->pings++;
            p->ping_last = len;
        }
        if (p->pt[1] == 0 && id && fid == id && *slen + len <= scap) {
            memcpy(s + *slen, p->pt + 12, len);
            *slen += len;
        }
        memmove(p->pt, p->pt + whole, p->ptlen - whole);
        p->ptlen -= whole;
    }
}

/* Open stream id with the ping proposal and 32 bytes in one frame, then
 * wait for the negotiation answer and the same 32 bytes back. */
int hpeer_ping(struct hpeer *p, uint32_t id)
{
    const char *protos[] = { "/ipfs/ping/1.0.0" };
    uint8_t frame[256], got[4096], payload[32];
    size_t len, glen = 0, used;
    struct ig_ms ms;
    const uint8_t *out;

    randombytes_buf(payload, sizeof(payload));
    ig_ms_init_initiator(&ms, protos, 1);
    out = ig_ms_output(&ms, &len);
    memcpy(frame + 12, out, len);
    memcpy(frame + 12 + len, payload, 32);
    ig_yamux_put_header(frame, 0, 1, id, (uint32_t)(len + 32)); /* + SYN */
    hpeer_send(p, frame, 12 + len + 32);
    while (!ig_ms_selected(&ms) || glen < 32) {
        if (read_plain(p, IO_MS) < 0)
            return -1;
        take_frames(p, id, got, &glen, sizeof(got));
        if (!ig_ms_selected(&ms)) {
            if (ig_ms_input(&ms, got, glen, &used, NULL, 0))
                return -1;
            memmove(got, got + used, glen - used);
            glen -= used;
        }
    }
    return memcmp(got, payload, 32) == 0 ? 0 : -1;
}

void hpeer_open_stream(struct hpeer *p,
                       uint32_t id,
                       const char *proto,
                       size_t total)
{
    static uint8_t frame[12 + 65536];
    const char *protos[] = { proto };
    size_t len, left;
    struct ig_ms ms;
    const uint8_t *out;

    ASSERT_OK(ig_ms_init_initiator(&ms, protos, 1));
    out = ig_ms_output(&ms, &len);
    ASSERT_TRUE(len <= total && total <= IG_YAMUX_INITIAL_WINDOW);
    memcpy(frame + 12, out, len);
    ig_yamux_put_header(frame, 0, IG_YAMUX_SYN, id, (uint32_t)len);
    hpeer_send(p, frame, 12 + len);
    left = total - len;
    memset(frame + 12, 0x5a, sizeof(frame) - 12);
    while (left) {
        len = left < sizeof(frame) - 12 ? left : sizeof(frame) - 12;
        ig_yamux_put_header(frame, 0, 0, id, (uint32_t)len);
        hpeer_send(p, frame, 12 + len);
        left -= len;
    }
}

void hpeer_fin(struct hpeer *p, uint32_t id)
{
    uint8_t h[IG_YAMUX_HEADER_LEN];

    ig_yamux_put_header(h, IG_YAMUX_WINDOW_UPDATE, IG_YAMUX_FIN, id, 0);
    hpeer_send(p, h, sizeof(h));
}

static int was_reset(const struct hpeer *p, uint32_t id)
{
    for (size_t i = 0; i < p->nresets; i++)
        if (p->resets[i] == id)
            return 1;
    return 0;
}

int hpeer_wait_resets(struct hpeer *p, const uint32_t *ids, size_t n, int ms)
{
    long until = hnow_ms() + ms;
    size_t i = 0;

    for (;;) {
        take_frames(p, 0, NULL, NULL, 0);
        while (i < n && was_reset(p, ids[i]))
            i++;
        if (i == n)
            return 1;
        if (hnow_ms() >= until || read_plain(p, (int)(until - hnow_ms())) < 0)
            return 0;
    }
}

int hpeer_wait_resets_in(struct hpeer *p,
                         uint32_t lo,
                         uint32_t hi,
                         size_t n,
                         int ms)
{
    long until = hnow_ms() + ms;

    for (;;) {
        size_t seen = 0;

        take_frames(p, 0, NULL, NULL, 0);
        for (size_t i = 0; i < p->nresets; i++)
            seen += p->resets[i] >= lo && p->resets[i] <= hi;
        if (seen >= n)
            return 1;
        if (hnow_ms() >= until || read_plain(p, (int)(until - hnow_ms())) < 0)
            return 0;
    }
}

int hpeer_wait_ping(struct hpeer *p, int ms)
{
    long until = hnow_ms() + ms;
    uint32_t seen = p->pings;

    for (;;) {
        take_frames(p, 0, NULL, NULL, 0);
        if (p->pings != seen)
            return 1;
        if (hnow_ms() >= until || read_plain(p, (int)(until - hnow_ms())) < 0)
            return 0;
    }
}

void hpeer_pong(struct hpeer *p, uint32_t opaque)
{
    uint8_t h[IG_YAMUX_HEADER_LEN];

    ig_yamux_put_header(h, IG_YAMUX_PING, IG_YAMUX_ACK, 0, opaque);
    hpeer_send(p, h, sizeof(h));
}

int hpeer_good_ping(const struct hnode *n)
{
    static struct hpeer p;
    int rc;

    hpeer_connect(&p, n);
    rc = hpeer_noise(&p, n, 0);
    if (!rc)
        rc = hpeer_ping(&p, 1);
    hpeer_close(&p);
    return rc;
}

/* ---- the listener's side ---- */

int hlisten(int *port)
{
    struct sockaddr_in sin = { 0 };
    socklen_t sl = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ASSERT_TRUE(fd >= 0);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_OK(bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
    ASSERT_OK(listen(fd, 4));
    ASSERT_OK(getsockname(fd, (struct sockaddr *)&sin, &sl));
    *port = ntohs(sin.sin_port);
    return fd;
}

/* Answer a multistream proposal of proto on the raw socket. */
static int respond_select(struct hpeer *p, const char *proto)
{
    const char *protos[] = { proto };
    struct ig_ms ms;
    size_t len, used;
    const uint8_t *out;
    int rc = ig_ms_init_responder(&ms, protos, 1);

    while (!rc && !ig_ms_selected(&ms)) {
        if (p->rxlen == 0 && fill(p, IO_MS) <= 0)
            return IG_ECLOSED;
        rc = ig_ms_input(&ms, p->rx, p->rxlen, &used, NULL, 0);
        eat(p, used);
        out = ig_ms_output(&ms, &len);
        hpeer_send_raw(p, out, len);
        ig_ms_output_consume(&ms, len);
        if (!rc && !used && !ig_ms_selected(&ms) && fill(p, IO_MS) <= 0)
            return IG_ECLOSED;
    }
    return rc;
}

int hpeer_accept(struct hpeer *p, int lfd, const char *const *mux, size_t nmux)
{
    struct ig_noise_config cfg = { 0, NULL, NULL, mux, nmux };
    struct pollfd pfd = { lfd, POLLIN, 0 };
    size_t used;
    int one = 1, rc;

    memset(p, 0, sizeof(*p));
    ig_nodekey_generate(&p->key);
    cfg.identity_sk = p->key.sk;
    p->fd = -1;
    if (poll(&pfd, 1, IO_MS) <= 0)
        return IG_ETIMEOUT;
    p->fd = accept(lfd, NULL, NULL);
    ASSERT_TRUE(p->fd >= 0);
    setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    rc = respond_select(p, IG_NOISE_PROTOCOL);
    if (!rc)
        rc = ig_noise_new(&cfg, &p->nz);
    while (!rc && !ig_noise_done(p->nz)) {
        if (p->rxlen == 0 && fill(p, IO_MS) <= 0)
            return IG_ECLOSED;
        rc = ig_noise_input(p->nz, p->rx, p->rxlen, &used, NULL, 0);
        eat(p, used);
        flush_noise(p, 0);
    }
    return rc;
}

void hpeer_frame(struct hpeer *p,
                 uint8_t type,
                 uint16_t flags,
                 uint32_t id,
                 uint32_t len,
                 const void *d,
                 size_t n)
{
    uint8_t *f = malloc(IG_YAMUX_HEADER_LEN + n);

    ASSERT_TRUE(f != NULL);
    ig_yamux_put_header(f, type, flags, id, len);
    if (n)
        memcpy(f + IG_YAMUX_HEADER_LEN, d, n);
    hpeer_send(p, f, IG_YAMUX_HEADER_LEN + n);
    free(f);
}

/* The streams the dialer opened, with what each has sent so far. */
struct opened {
    uint32_t id[8];
    uint8_t data[8][512];
    size_t len[8], n;
};

/* Take one whole frame off pt into o; 0 when none is whole. */
static int take_opened(struct hpeer *p, struct opened *o)
{
    uint32_t id, len;
    size_t whole, i;

    if (p->ptlen < 12)
        return 0;
    id = be32(p->pt + 4), len = be32(p->pt + 8);
    whole = 12 + (p->pt[1] == 0 ? len : 0);
    if (p->ptlen < whole)
        return 0;
    for (i = 0; i < o->n && o->id[i] != id; i++)
        ;
    if (i == o->n && o->n < 8 && id && (p->pt[3] & IG_YAMUX_SYN))
        o->id[o->n++] = id;
    if (i < o->n && p->pt[1] == 0 && o->len[i] + len <= sizeof(o->data[i])) {
        memcpy(o->data[i] + o->len[i], p->pt + 12, len);
        o->len[i] += len;
    }
    memmove(p->pt, p->pt + whole, p->ptlen - whole);
    p->ptlen -= whole;
    return 1;
}

/* Agree on proto on stream i of o when it was proposed there. */
static long agree(struct hpeer *p,
                  struct opened *o,
                  size_t i,
                  const char *proto)
{
    const char *protos[] = { proto };
    struct ig_ms ms;
    size_t used, len;
    const uint8_t *out;

    /* Bytes past the proposal (the ping payload) are not needed. */
    ig_ms_init_responder(&ms, protos, 1);
    if (ig_ms_input(&ms, o->data[i], o->len[i], &used, NULL, 0) ||
        !ig_ms_selected(&ms))
        return 0;
    out = ig_ms_output(&ms, &len);
    hpeer_frame(p, 0, IG_YAMUX_ACK, o->id[i], (uint32_t)len, out, len);
    return o->id[i];
}

long hpeer_accept_stream(struct hpeer *p, const char *proto)
{
    static struct opened o;
    long until = hnow_ms() + IO_MS, id;

    memset(&o, 0, sizeof(o));
    for (;;) {
        while (take_opened(p, &o))
            ;
        for (size_t i = 0; i < o.n; i++)
            if ((id = agree(p, &o, i, proto)) > 0)
                return id;
        if (hnow_ms() >= until || read_plain(p, (int)(until - hnow_ms())) < 0)
            return -1;
    }
}
