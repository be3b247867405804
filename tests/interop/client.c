/* SPDX-License-Identifier: MIT */
/* A libp2p client built on the igord host, for the interop tests: dial a
 * peer, print what identify said, and push data through the test echo
 * protocol on many streams at once, checking every byte. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/host.h"
#include "net/identify_svc.h"
#include "util/err.h"

#define ECHO_PROTO "/igor/test-echo/1.0.0"
#define MAX_STREAMS 256

struct job {
    struct client *cl;
    struct ig_stream *s;
    size_t sent, got;
    unsigned seed;
    int done;
};

struct client {
    struct ig_host *h;
    int want_identify, identified, id_sent;
    size_t echo_size;
    int nstreams, finished, failed, stopping;
    double t_dial, t_up, t_echo0, t_echo1; /* seconds */
    struct job jobs[MAX_STREAMS];
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint8_t pattern(const struct job *j, size_t i)
{
    return (uint8_t)(i * 31 + j->seed);
}

static void check_done(struct client *cl)
{
    if (cl->failed ||
        ((!cl->want_identify || (cl->identified && cl->id_sent)) &&
         cl->finished == cl->nstreams))
        ig_host_stop(cl->h);
}

static void job_fail(struct job *j, const char *why)
{
    fprintf(stderr, "FAIL stream %u: %s\n", j->seed, why);
    j->cl->failed = 1;
    check_done(j->cl);
}

/* Write as much of the pattern as the stream takes; FIN at the end. */
static void push(struct ig_stream *s)
{
    struct job *j = ig_stream_ud(s);
    uint8_t buf[16384];

    while (j->sent < j->cl->echo_size) {
        size_t n = j->cl->echo_size - j->sent;
        long k;

        if (n > sizeof(buf))
            n = sizeof(buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = pattern(j, j->sent + i);
        k = ig_stream_write(s, buf, n);
        if (k < 0) {
            job_fail(j, ig_strerror((int)k));
            return;
        }
        j->sent += (size_t)k;
        if ((size_t)k < n)
            return; /* on_writable brings us back */
    }
    if (ig_stream_close(s) < 0)
        job_fail(j, "close failed");
}

static void e_open(struct ig_stream *s, int status)
{
    struct job *j = ig_stream_ud(s);

    if (status < 0) {
        job_fail(j, ig_strerror(status));
        return;
    }
    push(s);
}

static long e_data(struct ig_stream *s, const uint8_t *p, size_t n)
{
    struct job *j = ig_stream_ud(s);

    for (size_t i = 0; i < n; i++) {
        if (j->got + i >= j->cl->echo_size || p[i] != pattern(j, j->got + i)) {
            job_fail(j, "echo differs");
            return IG_EFORMAT;
        }
    }
    j->got += n;
    return (long)n;
}

static void e_eof(struct ig_stream *s)
{
    struct job *j = ig_stream_ud(s);

    if (j->got != j->cl->echo_size) {
        job_fail(j, "echo came back short");
        return;
    }
    j->done = 1;
    if (++j->cl->finished == j->cl->nstreams)
        j->cl->t_echo1 = now_s();
    check_done(j->cl);
}

static void e_close(struct ig_stream *s, int status)
{
    struct job *j = ig_stream_ud(s);

    if (!j->done && !j->cl->failed)
        job_fail(j, status ? ig_strerror(status) : "closed early");
}

static const struct ig_stream_handler echo_handler = {
    .on_open = e_open,
    .on_data = e_data,
    .on_writable = push,
    .on_eof = e_eof,
    .on_close = e_close,
};

static void print_identify(struct ig_conn *c)
{
    const struct ig_identify *id = ig_conn_identify(c);
    char text[IG_MULTIADDR_STRMAX];

    if (!id)
        return;
    printf("agent: %s\n", id->agent_version);
    printf("protocol-version: %s\n", id->protocol_version);
    printf("pubkey: %s\n", id->has_pubkey ? "yes" : "no");
    for (size_t i = 0; i < id->nprotocols; i++)
        printf("protocol: %s\n", id->protocols[i]);
    for (size_t i = 0; i < id->nlisten; i++)
        if (ig_multiaddr_format(&id->listen[i], text, sizeof(text)) >= 0)
            printf("listen: %s\n", text);
    if (id->has_observed &&
        ig_multiaddr_format(&id->observed, text, sizeof(text)) >= 0)
        printf("observed: %s\n", text);
    fflush(stdout);
}

static void start_echo(struct client *cl, struct ig_conn *c)
{
    cl->t_echo0 = now_s();
    for (int i = 0; i < cl->nstreams; i++) {
        struct job *j = &cl->jobs[i];
        int rc;

        j->cl = cl;
        j->seed = (unsigned)i;
        rc = ig_stream_open(c, ECHO_PROTO, &echo_handler, j, &j->s);
        if (rc < 0) {
            job_fail(j, ig_strerror(rc));
            return;
        }
    }
}

static void on_event(void *ud,
                     struct ig_conn *c,
                     enum ig_conn_event ev,
                     int status,
                     const char *reason)
{
    struct client *cl = ud;
    char peer[IG_PEERID_STRMAX] = "?";

    if (ev == IG_CONN_UP) {
        cl->t_up = now_s();
        ig_peerid_format(ig_conn_peer(c), peer, sizeof(peer));
        printf("connected: %s early-muxer=%d\n", peer, ig_conn_early_muxer(c));
        fflush(stdout);
        /* All streams at once: the host holds back those js-libp2p
         * would count as too many early streams. */
        start_echo(cl, c);
    }
    else if (ev == IG_CONN_IDENTIFIED) {
        if (status < 0)
            fprintf(stderr, "FAIL identify: %s\n", reason);
        cl->failed |= status < 0;
        cl->identified = 1;
        if (cl->want_identify)
            print_identify(c);
    }
    else if (ev == IG_CONN_ID_SENT) {
        cl->id_sent = 1;
    }
    else if (!cl->stopping) {
        fprintf(
          stderr, "connection down: %s (%s)\n", reason, ig_strerror(status));
        cl->failed = 1;
    }
    check_done(cl);
}

static void on_timeout(void *ud)
{
    struct client *cl = ud;

    fprintf(stderr, "FAIL timed out\n");
    cl->failed = 1;
    ig_host_stop(cl->h);
}

static int parse_args(struct client *cl,
                      int argc,
                      char **argv,
                      const char **addr,
                      unsigned long *timeout_s)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--identify"))
            cl->want_identify = 1;
        else if (!strcmp(argv[i], "--echo") && i + 1 < argc)
            cl->echo_size = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--streams") && i + 1 < argc)
            cl->nstreams = (int)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
            *timeout_s = strtoul(argv[++i], NULL, 10);
        else if (argv[i][0] != '-' && !*addr)
            *addr = argv[i];
        else
            return -1;
    }
    if (!cl->echo_size)
        cl->nstreams = 0;
    return *addr && cl->nstreams <= MAX_STREAMS ? 0 : -1;
}

int main(int argc, char **argv)
{
    static struct client cl;
    struct ig_nodekey key;
    struct ig_host_cfg hc;
    struct ig_multiaddr ma;
    const char *addr = NULL;
    unsigned long timeout_s = 20;
    char err[256] = "";
    int rc;

    cl.nstreams = 1;
    if (parse_args(&cl, argc, argv, &addr, &timeout_s) < 0) {
        fprintf(stderr,
                "usage: interop_client <multiaddr> [--identify] "
                "[--echo BYTES [--streams K]] [--timeout S]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    ig_host_cfg_default(&hc);
    hc.key = &key;
    rc = ig_nodekey_generate(&key);
    if (rc == 0)
        rc = ig_multiaddr_parse(addr, &ma, err, sizeof(err));
    if (rc == 0)
        rc = ig_host_new(&cl.h, &hc, on_event, &cl);
    if (rc == 0 && ig_host_timer(cl.h, timeout_s * 1000, on_timeout, &cl) < 0)
        rc = -ENOMEM;
    cl.t_dial = now_s();
    if (rc == 0)
        rc = ig_host_dial(cl.h, &ma, NULL, err, sizeof(err));
    if (rc == 0)
        rc = ig_host_run(cl.h);
    if (rc < 0) {
        fprintf(stderr, "FAIL %s\n", err[0] ? err : ig_strerror(rc));
        cl.failed = 1;
    }
    if (!cl.failed && cl.nstreams)
        printf("echo: %d x %zu bytes ok, connect %.3f ms, echo %.3f ms\n",
               cl.nstreams,
               cl.echo_size,
               (cl.t_up - cl.t_dial) * 1e3,
               (cl.t_echo1 - cl.t_echo0) * 1e3);
    cl.stopping = 1;
    if (cl.h)
        ig_host_close_all(cl.h);
    ig_host_free(cl.h);
    return cl.failed ? 1 : 0;
}
