/* SPDX-License-Identifier: MIT */
/* `igord ping` against scripted responders that fail it in one way each:
 * the process must exit 1 and say what happened, not how it shut down. */
#define IG_TEST_MAIN
#include "test.h"

#include <fcntl.h>
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

static struct hpeer peer;

static void exec_ping(const struct pinger *g, int port, const char *timeout)
{
    char addr[64];
    int fd = open(g->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char *argv[] = { "igord", "ping",          "-n", "1", "-i", "100ms",
                     "-t",    (char *)timeout, addr, NULL };

    snprintf(addr, sizeof(addr), "/ip4/127.0.0.1/tcp/%d", port);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(fd, 1);
    dup2(fd, 2);
    execv(IG_BINARY_DIR "/igord", argv);
    _exit(127);
}

/* Run igord ping (giving up after timeout) against our listener. */
static void spawn(struct pinger *g, const char *timeout)
{
    int port;

    snprintf(g->dir, sizeof(g->dir), "/tmp/ig_pingfail_XXXXXX");
    ASSERT_TRUE(mkdtemp(g->dir) != NULL);
    snprintf(g->out, sizeof(g->out), "%s/out", g->dir);
    g->lfd = hlisten(&port);
    g->pid = fork();
    ASSERT_TRUE(g->pid >= 0);
    if (g->pid == 0)
        exec_ping(g, port, timeout);
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

/* igord ping exits 1 within WAIT_MS and its output holds want. */
static void expect_failure(struct pinger *g, const char *want)
{
    static char text[4096];
    long until = hnow_ms() + WAIT_MS;
    int status = 0, fd;
    ssize_t n;

    while (waitpid(g->pid, &status, WNOHANG) == 0) {
        if (hnow_ms() > until) {
            kill(g->pid, SIGKILL);
            waitpid(g->pid, &status, 0);
            IG_TEST_FAIL("igord ping did not exit (output %s)", g->out);
        }
        usleep(20000);
    }
    fd = open(g->out, O_RDONLY);
    ASSERT_TRUE(fd >= 0);
    n = read(fd, text, sizeof(text) - 1);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 1);
    if (!strstr(text, want))
        IG_TEST_FAIL(
          "expected '%s' in the output of igord ping:\n%s", want, text);
    ASSERT_TRUE(strstr(text, "host shutting down") == NULL);
    ASSERT_TRUE(strstr(text, "success") == NULL);
    hpeer_close(&peer);
    close(g->lfd);
    unlink(g->out);
    rmdir(g->dir);
}

TEST(ping_no_echo_times_out)
{
    struct pinger g;

    start_waiting(&g, "2s");
    expect_failure(&g, "ping failed: timed out: no echo within 2100 ms");
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
