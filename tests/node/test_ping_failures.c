/* SPDX-License-Identifier: MIT */
/* `igord ping` against scripted responders that fail it in one way each:
 * the process must exit 1 and say what happened, not how it shut down. */
#define IG_TEST_MAIN
#include "test.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "hostile.h"

#define WAIT_MS 8000

struct pinger {
    pid_t pid;
    int lfd;
    char dir[64];
    char out[128];
};

static struct hpeer peer = { .fd = -1 };

#define PING_MAX_ARGS 8

/* igord ping with opts (NULL-ended, at most PING_MAX_ARGS) and the
 * address of our listener on port. */
static void exec_ping(const struct pinger *g, int port, const char *const *opts)
{
    char addr[64];
    int fd = open(g->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char *argv[2 + PING_MAX_ARGS + 2] = { "igord", "ping" };
    size_t k = 2;

    for (size_t i = 0; opts[i] && i < PING_MAX_ARGS; i++)
        argv[k++] = (char *)opts[i];
    snprintf(addr, sizeof(addr), "/ip4/127.0.0.1/tcp/%d", port);
    argv[k] = addr;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(fd, 1);
    dup2(fd, 2);
    execv(IG_BINARY_DIR "/igord", argv);
    _exit(127);
}

/* Run igord ping with opts against port (our listener lfd, or -1). */
static void spawn_opts(struct pinger *g,
                       int lfd,
                       int port,
                       const char *const *opts)
{
    snprintf(g->dir, sizeof(g->dir), "/tmp/ig_pingfail_XXXXXX");
    ASSERT_TRUE(mkdtemp(g->dir) != NULL);
    snprintf(g->out, sizeof(g->out), "%s/out", g->dir);
    g->lfd = lfd;
    g->pid = fork();
    ASSERT_TRUE(g->pid >= 0);
    if (g->pid == 0)
        exec_ping(g, port, opts);
}

/* Run igord ping once (giving up after timeout) against our listener. */
static void spawn(struct pinger *g, const char *timeout)
{
    const char *opts[] = { "-n", "1", "-i", "100ms", "-t", timeout, NULL };
    int port, lfd = hlisten(&port);

    spawn_opts(g, lfd, port, opts);
}

/* igord ping dials; we take it through Noise (yamux agreed early) and
 * agree on its ping stream, whose id is returned. */
static uint32_t start_waiting(struct pinger *g, const char *timeout)
{
    static const char *mux[] = { "/yamux/1.0.0" };
    long id;

    spawn(g, timeout);
    ASSERT_OK(hpeer_accept(&peer, g->lfd, mux, 1));
    id = hpeer_accept_stream(&peer, "/ipfs/ping/1.0.0");
    ASSERT_TRUE(id > 0);
    return (uint32_t)id;
}

/* A deadline a loaded machine does not reach before the failure. */
static uint32_t start(struct pinger *g)
{
    return start_waiting(g, "5s");
}

/* Wait up to ms for igord ping to exit; its output goes to text. */
static int wait_ping(struct pinger *g, long ms, char *text, size_t cap)
{
    long until = hnow_ms() + ms;
    int status = 0, fd;
    ssize_t n;

    while (waitpid(g->pid, &status, WNOHANG) == 0) {
        if (hnow_ms() > until) {
            kill(g->pid, SIGKILL);
            waitpid(g->pid, &status, 0);
            IG_TEST_FAIL(
              "igord ping did not exit within %ld ms (output %s)", ms, g->out);
        }
        usleep(20000);
    }
    fd = open(g->out, O_RDONLY);
    ASSERT_TRUE(fd >= 0);
    n = read(fd, text, cap - 1);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    ASSERT_TRUE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void cleanup(struct pinger *g)
{
    hpeer_close(&peer);
    if (g->lfd >= 0)
        close(g->lfd);
    unlink(g->out);
    rmdir(g->dir);
}

/* igord ping exits 1 within ms and its output holds want. */
static void expect_failure_in(struct pinger *g, long ms, const char *want)
{
    static char text[4096];

    ASSERT_EQ(wait_ping(g, ms, text, sizeof(text)), 1);
    if (!strstr(text, want))
        IG_TEST_FAIL(
          "expected '%s' in the output of igord ping:\n%s", want, text);
    ASSERT_TRUE(strstr(text, "host shutting down") == NULL);
    ASSERT_TRUE(strstr(text, "success") == NULL);
    cleanup(g);
}

static void expect_failure(struct pinger *g, const char *want)
{
    expect_failure_in(g, WAIT_MS, want);
}

TEST(ping_no_echo_times_out)
{
    struct pinger g;

    start_waiting(&g, "2s");
    expect_failure(&g, "ping failed: timed out: no echo within 2000 ms");
}

/* A listener that accepts and never answers stalls the handshake: -t
 * bounds it alone (not the pings' intervals too) and says so. */
TEST(ping_handshake_stall_named)
{
    const char *opts[] = { "-n", "3", "-i", "2s", "-t", "1s", NULL };
    struct pinger g;
    int port, lfd = hlisten(&port);

    spawn_opts(&g, lfd, port, opts);
    peer.fd = accept(lfd, NULL, NULL);
    ASSERT_TRUE(peer.fd >= 0);
    expect_failure_in(
      &g,
      4000,
      "ping failed: timed out: handshake not finished within 1000 ms");
}

/* A listener whose accept queue is full drops the SYN: the TCP connect
 * itself stalls, and the message names that stage. */
TEST(ping_tcp_stall_named)
{
    const char *opts[] = { "-n", "2", "-i", "2s", "-t", "700ms", NULL };
    struct sockaddr_in sin = { 0 };
    socklen_t sl = sizeof(sin);
    int lfd = socket(AF_INET, SOCK_STREAM, 0), fill[4];
    struct pinger g;

    ASSERT_TRUE(lfd >= 0);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_OK(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
    ASSERT_OK(listen(lfd, 0));
    ASSERT_OK(getsockname(lfd, (struct sockaddr *)&sin, &sl));
    for (int i = 0; i < 4; i++) {
        fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        ASSERT_TRUE(fill[i] >= 0);
        (void)connect(fill[i], (struct sockaddr *)&sin, sizeof(sin));
    }
    usleep(100000);
    peer.fd = -1;
    spawn_opts(&g, lfd, ntohs(sin.sin_port), opts);
    expect_failure_in(
      &g, 3500, "ping failed: timed out: no TCP connection within 700 ms");
    for (int i = 0; i < 4; i++)
        close(fill[i]);
}

/* The summary of a ping that never learned the peer ID names the
 * address dialed, not a placeholder. */
TEST(ping_summary_names_the_address)
{
    const char *opts[] = { "-n", "1", "-t", "300ms", NULL };
    char want[96];
    struct pinger g;
    int port, lfd = hlisten(&port);

    spawn_opts(&g, lfd, port, opts);
    snprintf(want,
             sizeof(want),
             "--- /ip4/127.0.0.1/tcp/%d ping statistics ---",
             port);
    peer.fd = -1; /* the kernel takes the connection; nobody reads it */
    expect_failure_in(&g, 3000, want);
}

/* 1 when the output of g gains needle within ms. */
static int output_has(const struct pinger *g, const char *needle, long ms)
{
    static char text[4096];
    long until = hnow_ms() + ms;

    do {
        int fd = open(g->out, O_RDONLY);
        ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;

        if (fd >= 0)
            close(fd);
        text[n > 0 ? n : 0] = '\0';
        if (strstr(text, needle))
            return 1;
        usleep(10000);
    } while (hnow_ms() < until);
    return 0;
}

/* A peer that answers the first ping and then freezes (a real node,
 * stopped): the second echo fails after -t, not -t plus the intervals. */
TEST(ping_later_echo_gets_the_timeout)
{
    const char *opts[] = { "-n", "2", "-i", "600ms", "-t", "1s", NULL };
    struct hnode n = { 0 };
    struct pinger g;

    hnode_start(&n);
    peer.fd = -1;
    spawn_opts(&g, -1, n.port, opts);
    ASSERT_TRUE(output_has(&g, "PONG from", WAIT_MS));
    ASSERT_OK(kill(n.pid, SIGSTOP));
    expect_failure_in(
      &g, 4000, "ping failed: timed out: no echo within 1000 ms");
    ASSERT_OK(kill(n.pid, SIGCONT));
    hnode_stop(&n);
}

/* Each echo gets the whole -t: pings spaced wider than it, that the
 * total run outlasts, all come back. */
TEST(ping_deadline_is_per_echo)
{
    static char text[4096];
    const char *opts[] = { "-n", "3", "-i", "400ms", "-t", "500ms", NULL };
    struct hnode n = { 0 };
    struct pinger g;

    hnode_start(&n);
    spawn_opts(&g, -1, n.port, opts);
    ASSERT_EQ(wait_ping(&g, WAIT_MS, text, sizeof(text)), 0);
    ASSERT_STR_CONTAINS(text, "3 pings, 3 received, 0% loss");
    unlink(g.out);
    rmdir(g.dir);
    hnode_stop(&n);
}

/* The responder answers the ping stream with one bare flag. */
static void flag_fails(uint16_t flag, const char *want)
{
    struct pinger g;
    uint32_t id = start(&g);

    hpeer_frame(&peer, IG_YAMUX_WINDOW_UPDATE, flag, id, 0, NULL, 0);
    expect_failure(&g, want);
}

TEST(ping_stream_reset)
{
    flag_fails(IG_YAMUX_RST,
               "stream reset by peer: the peer reset the ping stream");
}

TEST(ping_wrong_echo)
{
    struct pinger g;
    uint32_t id = start(&g);
    uint8_t junk[32];

    randombytes_buf(junk, sizeof(junk));
    hpeer_frame(&peer, IG_YAMUX_DATA, 0, id, 32, junk, 32);
    expect_failure(&g, "the echo differs from the bytes sent");
}

TEST(ping_fin_before_echo)
{
    flag_fails(IG_YAMUX_FIN, "the peer closed the ping stream before the echo");
}

TEST(ping_goaway_then_close)
{
    struct pinger g;

    start(&g);
    hpeer_frame(&peer, IG_YAMUX_GO_AWAY, 0, 0, 0, NULL, 0);
    /* A FIN, not the RST a close with unread bytes would send. */
    shutdown(peer.fd, SHUT_WR);
    ASSERT_TRUE(hpeer_wait_closed(&peer, WAIT_MS));
    expect_failure(&g, "peer closed the connection after its GoAway (normal)");
}

TEST(ping_window_overrun)
{
    struct pinger g;
    uint32_t id = start(&g);

    hpeer_frame(&peer, IG_YAMUX_DATA, 0, id, 16u << 20, NULL, 0);
    expect_failure(&g, "peer overran its flow-control window");
}

/* A responder whose early muxers are not ours fails the handshake (the
 * spec's MUST); igord ping says so rather than falling back. */
TEST(ping_no_common_muxer)
{
    static const char *mplex[] = { "/mplex/6.7.0" };
    struct pinger g;

    spawn(&g, "5s");
    ASSERT_TRUE(hpeer_accept(&peer, g.lfd, mplex, 1) != 0);
    expect_failure(&g, "noise: no stream muxer in common");
}
