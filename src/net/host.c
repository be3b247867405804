/* SPDX-License-Identifier: MIT */
/* The host's event loop: epoll over listeners, connections and a wake
 * eventfd; timers; the protocol registry; dialing and accepting. */
#include "net/host.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/conn.h"
#include "net/identify_svc.h"
#include "net/ping.h"
#include "util/err.h"

/* epoll data: listeners are tagged by index, the wake fd by WAKE_TAG. */
#define WAKE_TAG ((uint64_t)1)
#define LISTEN_TAG ((uint64_t)2)

void ig_host_cfg_default(struct ig_host_cfg *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->agent_version = "igord/0.1.0";
    cfg->max_conns = 256;
    cfg->max_handshakes = 128;
    cfg->max_streams = 256;
    cfg->window = IG_YAMUX_INITIAL_WINDOW;
    cfg->window_max = 16u * 1024u * 1024u;
    cfg->conn_window = 32u * 1024u * 1024u;
    cfg->handshake_ms = 10000;
    cfg->idle_ms = 300000;
    cfg->frame_ms = 30000;
    cfg->negotiate_ms = 10000;
    cfg->keepalive_ms = 30000;
    cfg->keepalive_timeout_ms = 10000;
    cfg->max_msg = 64u * 1024u;
    cfg->max_buffered = (size_t)256u * 1024u * 1024u;
    cfg->max_conn_buffered = (size_t)32u * 1024u * 1024u;
}

uint64_t ig_host_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int ig_host_new(struct ig_host **out,
                const struct ig_host_cfg *cfg,
                ig_conn_event_fn on_event,
                void *ud)
{
    struct ig_host *h = calloc(1, sizeof(*h));
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = WAKE_TAG };
    int rc = 0;

    *out = NULL;
    /* Every connection needs a handshake deadline: without one a peer
     * that never answers would hold its slot, and the eviction of the
     * oldest handshake orders connections by it. */
    if (!cfg->handshake_ms) {
        free(h);
        return -EINVAL;
    }
    if (!h)
        return -ENOMEM;
    h->cfg = *cfg;
    h->on_event = on_event;
    h->ud = ud;
    h->wakefd = -1;
    h->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (h->epfd < 0)
        goto fail_errno;
    h->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (h->wakefd < 0 || epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->wakefd, &ev))
        goto fail_errno;
    h->self = cfg->key->id;
    rc = ig_ping_register(h);
    if (rc == 0)
        rc = ig_identify_register(h);
    if (rc < 0)
        goto fail;
    *out = h;
    return 0;
fail_errno:
    rc = -errno;
fail:
    ig_host_free(h);
    return rc;
}

static void free_timers(struct ig_host *h)
{
    while (h->timers) {
        struct ig_timer *t = h->timers;

        h->timers = t->next;
        free(t);
    }
}

void ig_host_free(struct ig_host *h)
{
    if (!h)
        return;
    while (h->conns)
        ig__conn_destroy(h->conns, 0);
    for (size_t i = 0; i < h->nlisteners; i++)
        close(h->listeners[i].fd);
    for (size_t i = 0; i < h->nprotos; i++)
        free(h->protos[i].name);
    free_timers(h);
    if (h->wakefd >= 0)
        close(h->wakefd);
    if (h->epfd >= 0)
        close(h->epfd);
    free(h);
}

const struct ig_peerid *ig_host_peer_id(const struct ig_host *h)
{
    return &h->self;
}

/* ---- registry ---- */

int ig_host_handle(struct ig_host *h,
                   const char *proto,
                   const struct ig_stream_handler *handler,
                   void *ud)
{
    return ig_host_handle_max(h, proto, handler, ud, IG_HOST_INBOUND_DEFAULT);
}

int ig_host_handle_max(struct ig_host *h,
                       const char *proto,
                       const struct ig_stream_handler *handler,
                       void *ud,
                       uint32_t max_inbound)
{
    struct ig_proto *p;

    if (ig__host_proto(h, proto))
        return IG_EEXISTS;
    if (h->nprotos >= IG_HOST_MAX_PROTOS)
        return IG_ELIMIT;
    p = &h->protos[h->nprotos];
    p->name = strdup(proto);
    if (!p->name)
        return -ENOMEM;
    p->handler = handler;
    p->ud = ud;
    p->max_inbound = max_inbound ? max_inbound : IG_HOST_INBOUND_DEFAULT;
    h->proto_names[h->nprotos++] = p->name;
    return 0;
}

size_t ig_host_buffered(const struct ig_host *h)
{
    return h->buffered;
}

const struct ig_proto *ig__host_proto(const struct ig_host *h, const char *name)
{
    for (size_t i = 0; name && i < h->nprotos; i++)
        if (!strcmp(h->protos[i].name, name))
            return &h->protos[i];
    return NULL;
}

size_t ig_host_protocols(const struct ig_host *h, const char **out, size_t max)
{
    size_t n = h->nprotos < max ? h->nprotos : max;

    for (size_t i = 0; i < n; i++)
        out[i] = h->protos[i].name;
    return n;
}

/* ---- sockets ---- */

/* Latency matters more than packet count for handshakes and pings. */
static void tune_socket(int fd)
{
    int one = 1;

    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

void ig__host_watch(struct ig_host *h, struct ig_conn *c, int out)
{
    struct epoll_event ev = { .events = EPOLLIN | (out ? EPOLLOUT : 0u),
                              .data.ptr = c };

    if (epoll_ctl(h->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
        ig__conn_fail(c, -errno, "epoll: %s", strerror(errno));
}

static int watch_new(struct ig_host *h, struct ig_conn *c, int out)
{
    struct epoll_event ev = { .events = EPOLLIN | (out ? EPOLLOUT : 0u),
                              .data.ptr = c };

    c->want_out = out;
    if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
        return -errno;
    return 0;
}

/* "listen on <addr>: <why>": with several --listen, which one failed. */
static void listen_error(const struct ig_multiaddr *ma,
                         int rc,
                         char *err,
                         size_t errlen)
{
    char text[IG_MULTIADDR_STRMAX];

    if (ig_multiaddr_format(ma, text, sizeof(text)) < 0)
        snprintf(text, sizeof(text), "?");
    ig_err_set(err, errlen, "listen on %s: %s", text, strerror(-rc));
}

int ig_host_listen(struct ig_host *h,
                   const struct ig_multiaddr *ma,
                   char *err,
                   size_t errlen)
{
    struct sockaddr_storage ss;
    socklen_t len;
    struct ig_listener *l;
    struct epoll_event ev = { .events = EPOLLIN };
    int fd = -1, one = 1, rc;

    if (h->nlisteners >= IG_HOST_MAX_LISTEN)
        return IG_ELIMIT;
    rc = ig_multiaddr_to_sockaddr(ma, &ss, &len);
    if (rc < 0) {
        ig_err_set(err, errlen, "only /ip4 or /ip6 with /tcp can listen");
        return rc;
    }
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        goto fail_errno;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 128) < 0)
        goto fail_errno;
    len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        goto fail_errno;
    l = &h->listeners[h->nlisteners];
    rc = ig_multiaddr_from_sockaddr((struct sockaddr *)&ss, &l->addr);
    if (rc < 0)
        goto fail;
    ev.data.u64 = LISTEN_TAG + h->nlisteners;
    if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
        goto fail_errno;
    l->fd = fd;
    h->nlisteners++;
    return 0;
fail_errno:
    rc = -errno;
    listen_error(ma, rc, err, errlen);
fail:
    if (fd >= 0)
        close(fd);
    return rc;
}

int ig_host_listen_addr(const struct ig_host *h,
                        size_t n,
                        struct ig_multiaddr *out)
{
    if (n >= h->nlisteners)
        return IG_ENOTFOUND;
    *out = h->listeners[n].addr;
    return 0;
}

/*
 * Room for one more inbound connection. Silent connections cost a peer
 * nothing, so when the slots (or the share of them for handshakes) are
 * full, the oldest inbound connection still in handshake makes room;
 * connections through their handshake and our own dials are never
 * evicted. Returns 0, or IG_ELIMIT when only those hold the slots.
 */
static int make_room(struct ig_host *h)
{
    struct ig_conn *victim = NULL;
    uint32_t live = 0, shaking = 0;

    for (struct ig_conn *c = h->conns; c; c = c->next) {
        if (c->state == C_CLOSING)
            continue; /* its slot frees at the end of this pass */
        live++;
        if (c->dialer || c->state == C_MUX)
            continue;
        shaking++;
        if (!victim || c->deadline < victim->deadline)
            victim = c;
    }
    if (live < h->cfg.max_conns && shaking < h->cfg.max_handshakes)
        return 0;
    if (!victim)
        return IG_ELIMIT;
    ig__conn_fail(victim,
                  IG_EEVICTED,
                  "evicted: connection slots full of unauthenticated "
                  "connections");
    return 0;
}

static void refuse(struct ig_host *h, int fd)
{
    close(fd);
    if (h->on_event)
        h->on_event(h->ud,
                    NULL,
                    IG_CONN_REFUSED,
                    IG_ELIMIT,
                    "refused: every connection slot holds a peer past its "
                    "handshake or a dial of ours");
}

/* Evicted connections free their slots only when the loop services them,
 * so one pass accepts a bounded batch and the rest wait for the next. */
#define ACCEPT_BATCH 64

static void accept_all(struct ig_host *h, struct ig_listener *l)
{
    for (int i = 0; i < ACCEPT_BATCH; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        struct ig_multiaddr remote;
        struct ig_conn *c;
        int fd = accept4(
          l->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (fd < 0)
            return; /* EAGAIN, or a transient error: try on next event */
        if (make_room(h) < 0) {
            refuse(h, fd);
            continue;
        }
        if (ig_multiaddr_from_sockaddr((struct sockaddr *)&ss, &remote)) {
            close(fd);
            continue;
        }
        tune_socket(fd);
        if (ig__conn_new(h, fd, 0, 0, &remote, NULL, &c) < 0)
            continue;
        if (watch_new(h, c, 0) < 0)
            ig__conn_fail(c, -errno, "epoll: %s", strerror(errno));
    }
}

int ig_host_dial(struct ig_host *h,
                 const struct ig_multiaddr *ma,
                 struct ig_conn **out,
                 char *err,
                 size_t errlen)
{
    struct sockaddr_storage ss;
    socklen_t len;
    struct ig_peerid want;
    struct ig_conn *c;
    int fd, rc, have_want;

    if (out)
        *out = NULL;
    if (h->nconns >= h->cfg.max_conns)
        return IG_ELIMIT;
    rc = ig_multiaddr_to_sockaddr(ma, &ss, &len);
    if (rc < 0) {
        ig_err_set(err, errlen, "only /ip4 or /ip6 with /tcp can be dialed");
        return rc;
    }
    have_want = ig_multiaddr_peer(ma, &want) == 0;
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    tune_socket(fd);
    if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
        rc = -errno;
        ig_err_set(err, errlen, "connect: %s", strerror(errno));
        close(fd);
        return rc;
    }
    rc = ig__conn_new(h, fd, 1, 1, ma, have_want ? &want : NULL, &c);
    if (rc < 0)
        return rc;
    rc = watch_new(h, c, 1);
    if (rc < 0)
        ig__conn_fail(c, rc, "epoll: %s", ig_strerror(rc));
    if (out)
        *out = c;
    return 0;
}

/* ---- timers ---- */

long ig_host_timer(struct ig_host *h,
                   uint64_t ms,
                   void (*fn)(void *ud),
                   void *ud)
{
    struct ig_timer *t = calloc(1, sizeof(*t)), **p = &h->timers;

    if (!t)
        return -ENOMEM;
    t->id = ++h->next_timer;
    t->due = ig_host_now_ms() + ms;
    t->fn = fn;
    t->ud = ud;
    while (*p && (*p)->due <= t->due)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    return t->id;
}

void ig_host_timer_cancel(struct ig_host *h, long id)
{
    for (struct ig_timer **p = &h->timers; *p; p = &(*p)->next) {
        if ((*p)->id == id) {
            struct ig_timer *t = *p;

            *p = t->next;
            free(t);
            return;
        }
    }
}

static void run_timers(struct ig_host *h, uint64_t now)
{
    while (h->timers && h->timers->due <= now) {
        struct ig_timer *t = h->timers;

        h->timers = t->next;
        t->fn(t->ud);
        free(t);
    }
}

/* Wait no longer than the next timer or connection deadline. */
static int next_timeout(struct ig_host *h, int timeout_ms, uint64_t now)
{
    uint64_t due = UINT64_MAX;

    if (h->timers)
        due = h->timers->due;
    for (struct ig_conn *c = h->conns; c; c = c->next) {
        uint64_t t = ig__conn_next_due(c);

        if (t < due)
            due = t;
    }
    if (due == UINT64_MAX)
        return timeout_ms;
    due = due > now ? due - now : 0;
    if (timeout_ms >= 0 && (uint64_t)timeout_ms < due)
        return timeout_ms;
    return due > 60000 ? 60000 : (int)due;
}

/* ---- loop ---- */

static void service_dirty(struct ig_host *h)
{
    /* Service can dirty connections again; a few rounds settle it. */
    for (int round = 0; round < 8 && h->dirty; round++) {
        struct ig_conn *list = h->dirty;

        h->dirty = NULL;
        while (list) {
            struct ig_conn *c = list;

            list = c->dirty_next;
            ig__conn_service(c);
        }
    }
}

static void dispatch(struct ig_host *h, struct epoll_event *ev)
{
    uint64_t tag = ev->data.u64;
    struct ig_conn *c;

    if (tag == WAKE_TAG) {
        uint64_t v;

        (void)read(h->wakefd, &v, sizeof(v));
        return;
    }
    if (tag >= LISTEN_TAG && tag < LISTEN_TAG + h->nlisteners) {
        accept_all(h, &h->listeners[tag - LISTEN_TAG]);
        return;
    }
    c = ev->data.ptr;
    if (c->state == C_CLOSING)
        return;
    if (ev->events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
        ig__conn_writable(c);
    if (c->state != C_CLOSING && (ev->events & (EPOLLIN | EPOLLHUP)))
        ig__conn_readable(c);
}

int ig_host_poll(struct ig_host *h, int timeout_ms)
{
    struct epoll_event evs[64];
    uint64_t now = ig_host_now_ms();
    int n;

    service_dirty(h);
    if (h->dirty)
        timeout_ms = 0;
    n = epoll_wait(h->epfd, evs, 64, next_timeout(h, timeout_ms, now));
    if (n < 0 && errno != EINTR)
        return -errno;
    for (int i = 0; i < n; i++)
        dispatch(h, &evs[i]);
    now = ig_host_now_ms();
    run_timers(h, now);
    for (struct ig_conn *c = h->conns; c; c = c->next)
        ig__conn_check_time(c, now);
    service_dirty(h);
    return 0;
}

int ig_host_run(struct ig_host *h)
{
    int rc = 0;

    while (!h->stop && rc == 0)
        rc = ig_host_poll(h, -1);
    h->stop = 0;
    return rc;
}

void ig_host_stop(struct ig_host *h)
{
    uint64_t one = 1;

    h->stop = 1;
    (void)!write(h->wakefd, &one, sizeof(one));
}

void ig_host_close_all(struct ig_host *h)
{
    for (struct ig_conn *c = h->conns; c; c = c->next)
        ig__conn_fail(c, 0, "host shutting down");
    service_dirty(h);
}

void ig__host_conn_up(struct ig_host *h, struct ig_conn *c)
{
    ig_identify_start(c);
}
