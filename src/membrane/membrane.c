/* SPDX-License-Identifier: MIT */
/* The membrane context and the one recorded path every observation takes:
 * live calls record into the tick's event log, replayed calls consume it. */
#include "membrane/membrane.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "membrane/wasi.h"
#include "util/err.h"

struct linebuf {
    char buf[IG_WASI_LINE_MAX];
    size_t len;
};

struct ig_membrane {
    struct ig_membrane_config cfg;
    char **argv; /* owned copies; cfg.argv points here */
    uint32_t argc;

    ig_eventlog_t *log; /* the live tick's log */

    const ig_eventlog_t *replay; /* borrowed while a replay is open */
    size_t replay_pos;

    /* Default randomness, drawn from libsodium a block at a time: one
     * getrandom() per small request costs more than a microsecond. */
    uint8_t pool[4096];
    size_t pool_left;

    struct linebuf out[2]; /* fd 1, fd 2 */
    int exited;
    uint32_t exit_code;
    char error[256];
};

static int copy_argv(struct ig_membrane *mb, const struct ig_membrane_config *c)
{
    if (c->argc == 0)
        return 0;
    if (!c->argv)
        return IG_EUSAGE;
    mb->argv = calloc(c->argc, sizeof(char *));
    if (!mb->argv)
        return -ENOMEM;
    for (uint32_t i = 0; i < c->argc; i++) {
        mb->argv[i] = strdup(c->argv[i] ? c->argv[i] : "");
        if (!mb->argv[i])
            return -ENOMEM;
        mb->argc++;
    }
    return 0;
}

int ig_membrane_new(const struct ig_membrane_config *cfg, ig_membrane_t **out)
{
    struct ig_membrane *mb = NULL;
    int rc;

    *out = NULL;
    if (cfg->mode != IG_MEMBRANE_LIVE && cfg->mode != IG_MEMBRANE_REPLAY)
        return IG_EUSAGE;
    if (sodium_init() < 0)
        return IG_ECRYPTO;
    mb = calloc(1, sizeof(*mb));
    if (!mb)
        return -ENOMEM;
    mb->cfg = *cfg;
    rc = copy_argv(mb, cfg);
    if (rc == 0)
        rc = ig_eventlog_new(cfg->eventlog_max_bytes, &mb->log);
    if (rc < 0) {
        ig_membrane_free(mb);
        return rc;
    }
    mb->cfg.argv = NULL;
    *out = mb;
    return 0;
}

void ig_membrane_free(ig_membrane_t *mb)
{
    if (!mb)
        return;
    ig_membrane_flush(mb);
    for (uint32_t i = 0; i < mb->argc; i++)
        free(mb->argv[i]);
    free(mb->argv);
    ig_eventlog_free(mb->log);
    sodium_memzero(mb->pool, sizeof(mb->pool));
    free(mb);
}

int ig_membrane_mode(const ig_membrane_t *mb)
{
    return mb->cfg.mode;
}

int ig_membrane_tick_begin(ig_membrane_t *mb, uint64_t tick)
{
    if (mb->cfg.mode != IG_MEMBRANE_LIVE)
        return IG_ESTATE;
    ig_eventlog_begin(mb->log, tick);
    mb->error[0] = 0;
    return 0;
}

void ig_membrane_tick_end(ig_membrane_t *mb)
{
    ig_eventlog_seal(mb->log);
}

const ig_eventlog_t *ig_membrane_eventlog(const ig_membrane_t *mb)
{
    return mb->log;
}

int ig_membrane_exit_code(const ig_membrane_t *mb, uint32_t *code)
{
    if (mb->exited)
        *code = mb->exit_code;
    return mb->exited;
}

const char *ig_membrane_last_error(const ig_membrane_t *mb)
{
    return mb->error;
}

const struct ig_membrane_config *ig_membrane__config(const ig_membrane_t *mb)
{
    return &mb->cfg;
}

int ig_membrane__replaying(const ig_membrane_t *mb)
{
    return mb->replay != NULL;
}

int ig_membrane__charge(ig_wasm_caller_t *c)
{
    return ig_wasm_caller_charge(c, IG_HOSTCALL_FUEL);
}

int ig_membrane__fail(ig_membrane_t *mb, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(mb->error, sizeof(mb->error), fmt, ap);
    va_end(ap);
    return code;
}

int ig_membrane__record(ig_membrane_t *mb,
                        uint16_t id,
                        const void *payload,
                        size_t len)
{
    int rc;

    if (mb->cfg.mode != IG_MEMBRANE_LIVE || !ig_eventlog_is_open(mb->log))
        return 0;
    rc = ig_eventlog_record(mb->log, id, payload, len);
    if (rc < 0)
        return ig_membrane__fail(mb,
                                 rc,
                                 "%s: recording %zu bytes in tick %llu: %s",
                                 ig_event_name(id),
                                 len,
                                 (unsigned long long)ig_eventlog_tick(mb->log),
                                 ig_strerror(rc));
    return 0;
}

int ig_membrane__next(ig_membrane_t *mb,
                      uint16_t id,
                      const uint8_t **payload,
                      size_t *len)
{
    struct ig_event ev;

    if (ig_eventlog_entry(mb->replay, mb->replay_pos, &ev) < 0)
        return ig_membrane__fail(mb,
                                 IG_EREPLAY_EXHAUSTED,
                                 "replay: event log exhausted at entry %zu, "
                                 "guest called %s",
                                 mb->replay_pos,
                                 ig_event_name(id));
    if (ev.id != id)
        return ig_membrane__fail(mb,
                                 IG_EREPLAY_DIVERGED,
                                 "replay: entry %zu is %s (%u), guest called "
                                 "%s (%u)",
                                 mb->replay_pos,
                                 ig_event_name(ev.id),
                                 ev.id,
                                 ig_event_name(id),
                                 id);
    mb->replay_pos++;
    *payload = ev.payload;
    *len = ev.len;
    return 0;
}

int ig_membrane__diverged(ig_membrane_t *mb, uint16_t id, const char *fmt, ...)
{
    char what[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    /* replay_pos already moved past the entry that did not fit. */
    return ig_membrane__fail(mb,
                             IG_EREPLAY_DIVERGED,
                             "replay: entry %zu (%s): %s",
                             mb->replay_pos ? mb->replay_pos - 1 : 0,
                             ig_event_name(id),
                             what);
}

void ig_membrane__emit(ig_membrane_t *mb,
                       int stream,
                       const char *msg,
                       size_t len)
{
    if (mb->cfg.mode == IG_MEMBRANE_REPLAY || !mb->cfg.log)
        return;
    mb->cfg.log(mb->cfg.user, stream, msg, len);
}

static uint64_t live_clock(const struct ig_membrane *mb)
{
    struct timespec ts;

    if (mb->cfg.clock_now)
        return (uint64_t)mb->cfg.clock_now(mb->cfg.user);
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void put_le(uint8_t *p, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;

    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

int ig_membrane__observe_uint(ig_membrane_t *mb,
                              uint16_t id,
                              size_t width,
                              uint64_t live,
                              uint64_t *out)
{
    const uint8_t *p;
    uint8_t buf[8];
    size_t n;
    int rc;

    if (ig_membrane__replaying(mb)) {
        rc = ig_membrane__next(mb, id, &p, &n);
        if (rc < 0)
            return rc;
        if (n != width)
            return ig_membrane__diverged(mb,
                                         id,
                                         "payload is %zu bytes, not "
                                         "%zu",
                                         n,
                                         width);
        *out = get_le(p, width);
        return 0;
    }
    put_le(buf, live, width);
    *out = live;
    return ig_membrane__record(mb, id, buf, width);
}

int ig_membrane__clock(ig_membrane_t *mb, uint16_t id, uint64_t *ns)
{
    uint64_t live = ig_membrane__replaying(mb) ? 0 : live_clock(mb);

    return ig_membrane__observe_uint(mb, id, 8, live, ns);
}

int ig_membrane__in_bounds(const ig_wasm_memory_t *mem,
                           uint64_t ptr,
                           uint64_t len)
{
    uint64_t size = mem ? ig_wasm_memory_size(mem) : 0;

    return ptr <= size && len <= size - ptr;
}

static int live_random(struct ig_membrane *mb, uint8_t *buf, size_t len)
{
    size_t n;

    if (mb->cfg.random)
        return mb->cfg.random(mb->cfg.user, buf, len);
    if (len >= sizeof(mb->pool) / 4) {
        randombytes_buf(buf, len);
        return 0;
    }
    while (len > 0) {
        if (mb->pool_left == 0) {
            randombytes_buf(mb->pool, sizeof(mb->pool));
            mb->pool_left = sizeof(mb->pool);
        }
        n = len < mb->pool_left ? len : mb->pool_left;
        /* Take from the end and wipe what was handed out. */
        memcpy(buf, mb->pool + mb->pool_left - n, n);
        sodium_memzero(mb->pool + mb->pool_left - n, n);
        mb->pool_left -= n;
        buf += n;
        len -= n;
    }
    return 0;
}

static int replay_random(struct ig_membrane *mb,
                         uint16_t id,
                         ig_wasm_memory_t *mem,
                         uint32_t ptr,
                         uint32_t len,
                         int *failed)
{
    const uint8_t *p;
    size_t n;
    int rc = ig_membrane__next(mb, id, &p, &n);

    if (rc < 0)
        return rc;
    if (n == 0 && len > 0) {
        /* The live source failed: the guest saw zeros, as below. */
        memset(ig_wasm_memory_data(mem) + ptr, 0, len);
        *failed = 1;
        return 0;
    }
    if (n != len)
        return ig_membrane__diverged(
          mb, id, "%zu bytes recorded, %u asked", n, len);
    return n ? ig_wasm_memory_write(mem, ptr, p, n) : 0;
}

int ig_membrane__random(ig_membrane_t *mb,
                        uint16_t id,
                        ig_wasm_memory_t *mem,
                        uint32_t ptr,
                        uint32_t len,
                        int *failed)
{
    uint8_t *dst;

    *failed = 0;
    if (ig_membrane__replaying(mb))
        return replay_random(mb, id, mem, ptr, len, failed);
    if (len == 0)
        return ig_membrane__record(mb, id, NULL, 0);
    /* Fill guest memory in place, then record what landed there. */
    dst = ig_wasm_memory_data(mem) + ptr;
    if (live_random(mb, dst, len) < 0) {
        /* A failing source may have written part of the buffer; zero it so
         * the guest sees the same bytes when the tick is replayed. */
        memset(dst, 0, len);
        *failed = 1;
        return ig_membrane__record(mb, id, NULL, 0);
    }
    return ig_membrane__record(mb, id, dst, len);
}

int ig_membrane__observe_error(ig_membrane_t *mb, uint16_t id)
{
    const uint8_t *p;
    size_t n;
    int rc;

    if (!ig_membrane__replaying(mb))
        return ig_membrane__record(mb, id, NULL, 0);
    rc = ig_membrane__next(mb, id, &p, &n);
    if (rc == 0 && n != 0)
        rc = ig_membrane__diverged(mb,
                                   id,
                                   "call fails, but %zu bytes were "
                                   "recorded",
                                   n);
    return rc;
}

static void emit_line(struct ig_membrane *mb, int fd)
{
    struct linebuf *lb = &mb->out[fd - 1];

    ig_membrane__emit(
      mb, fd == 1 ? IG_LOG_STDOUT : IG_LOG_STDERR, lb->buf, lb->len);
    lb->len = 0;
}

void ig_membrane__write_stdio(ig_membrane_t *mb,
                              int fd,
                              const uint8_t *p,
                              size_t n)
{
    struct linebuf *lb = &mb->out[fd - 1];

    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            emit_line(mb, fd);
            continue;
        }
        lb->buf[lb->len++] = (char)p[i];
        if (lb->len == sizeof(lb->buf))
            emit_line(mb, fd);
    }
}

void ig_membrane_flush(ig_membrane_t *mb)
{
    for (int fd = 1; fd <= 2; fd++) {
        if (mb->out[fd - 1].len)
            emit_line(mb, fd);
    }
}

void ig_membrane__replay_set(ig_membrane_t *mb, const ig_eventlog_t *log)
{
    mb->replay = log;
    mb->replay_pos = 0;
    if (log)
        mb->error[0] = 0;
}

size_t ig_membrane__replay_pos(const ig_membrane_t *mb)
{
    return mb->replay_pos;
}

const ig_eventlog_t *ig_membrane__replay_log(const ig_membrane_t *mb)
{
    return mb->replay;
}

void ig_membrane__set_exit(ig_membrane_t *mb, uint32_t code)
{
    mb->exited = 1;
    mb->exit_code = code;
}

uint32_t ig_membrane__argc(const ig_membrane_t *mb)
{
    return mb->argc;
}

const char *ig_membrane__argv(const ig_membrane_t *mb, uint32_t i)
{
    return i < mb->argc ? mb->argv[i] : NULL;
}
