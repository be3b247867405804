/* SPDX-License-Identifier: MIT */
/* The per-tick event log: entries in one growable arena under a byte cap,
 * and the tick log's serialized form and its parser. */
#include "membrane/eventlog.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

struct entry {
    uint16_t id;
    size_t off; /* into data */
    size_t len;
};

struct ig_eventlog {
    size_t max_bytes;
    uint64_t tick;
    int open;
    size_t used; /* payload bytes + IG_EVENTLOG_ENTRY_COST per entry */

    struct entry *entries;
    size_t count, entries_cap;
    uint8_t *data;
    size_t data_len, data_cap;
};

int ig_eventlog_new(size_t max_bytes, ig_eventlog_t **out)
{
    struct ig_eventlog *log = calloc(1, sizeof(*log));

    *out = NULL;
    if (!log)
        return -ENOMEM;
    log->max_bytes = max_bytes ? max_bytes : IG_EVENTLOG_DEFAULT_MAX;
    *out = log;
    return 0;
}

void ig_eventlog_free(ig_eventlog_t *log)
{
    if (!log)
        return;
    free(log->entries);
    free(log->data);
    free(log);
}

static void clear(struct ig_eventlog *log, uint64_t tick, int open)
{
    log->tick = tick;
    log->open = open;
    log->used = 0;
    log->count = 0;
    log->data_len = 0;
}

void ig_eventlog_begin(ig_eventlog_t *log, uint64_t tick)
{
    clear(log, tick, 1);
}

void ig_eventlog_seal(ig_eventlog_t *log)
{
    log->open = 0;
}

/* Grow an array to hold need elements of size sz, doubling. */
static int reserve(void **buf, size_t *cap, size_t need, size_t sz)
{
    size_t ncap = *cap ? *cap : 16;
    void *p;

    if (need <= *cap)
        return 0;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / sz)
            return -ENOMEM;
        ncap *= 2;
    }
    p = realloc(*buf, ncap * sz);
    if (!p)
        return -ENOMEM;
    *buf = p;
    *cap = ncap;
    return 0;
}

/* Append without checking open; the cap is checked here. */
static int append(struct ig_eventlog *log,
                  uint16_t id,
                  const void *payload,
                  size_t len)
{
    int rc;

    if (len > log->max_bytes || log->max_bytes - len < IG_EVENTLOG_ENTRY_COST ||
        log->used > log->max_bytes - len - IG_EVENTLOG_ENTRY_COST)
        return IG_EEVENTLOG_FULL;
    rc = reserve((void **)&log->entries,
                 &log->entries_cap,
                 log->count + 1,
                 sizeof(struct entry));
    if (rc == 0)
        rc =
          reserve((void **)&log->data, &log->data_cap, log->data_len + len, 1);
    if (rc < 0)
        return rc;
    if (len)
        memcpy(log->data + log->data_len, payload, len);
    log->entries[log->count++] =
      (struct entry){ .id = id, .off = log->data_len, .len = len };
    log->data_len += len;
    log->used += len + IG_EVENTLOG_ENTRY_COST;
    return 0;
}

int ig_eventlog_record(ig_eventlog_t *log,
                       uint16_t id,
                       const void *payload,
                       size_t len)
{
    if (!log->open)
        return IG_ESTATE;
    return append(log, id, payload, len);
}

int ig_eventlog_is_open(const ig_eventlog_t *log)
{
    return log->open;
}

uint64_t ig_eventlog_tick(const ig_eventlog_t *log)
{
    return log->tick;
}

size_t ig_eventlog_count(const ig_eventlog_t *log)
{
    return log->count;
}

size_t ig_eventlog_used(const ig_eventlog_t *log)
{
    return log->used;
}

int ig_eventlog_entry(const ig_eventlog_t *log, size_t i, struct ig_event *out)
{
    const struct entry *e;

    if (i >= log->count)
        return IG_ENOTFOUND;
    e = &log->entries[i];
    out->id = e->id;
    out->len = e->len;
    out->payload = e->len ? log->data + e->off : NULL;
    return 0;
}

int ig_eventlog_copy(ig_eventlog_t *log, const ig_eventlog_t *src)
{
    struct ig_event ev;
    int rc;

    if (log == src)
        return 0;
    clear(log, src->tick, 0);
    for (size_t i = 0; i < src->count; i++) {
        ig_eventlog_entry(src, i, &ev);
        rc = append(log, ev.id, ev.payload, ev.len);
        if (rc < 0) {
            clear(log, 0, 0);
            return rc;
        }
    }
    log->open = src->open;
    return 0;
}

size_t ig_eventlog_serialized_size(const ig_eventlog_t *log)
{
    return IG_EVENTLOG_HEADER_BYTES + log->count * IG_EVENTLOG_ENTRY_HEADER +
           log->data_len;
}

static uint8_t *put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
    return p + n;
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

int ig_eventlog_serialize(const ig_eventlog_t *log, uint8_t *buf, size_t cap)
{
    uint8_t *p = buf;

    if (cap < ig_eventlog_serialized_size(log))
        return IG_ETOOBIG;
    *p++ = IG_EVENTLOG_FORMAT;
    p = put_le(p, log->tick, 8);
    p = put_le(p, log->count, 4);
    for (size_t i = 0; i < log->count; i++) {
        const struct entry *e = &log->entries[i];

        p = put_le(p, e->id, 2);
        p = put_le(p, e->len, 4);
        if (e->len)
            memcpy(p, log->data + e->off, e->len);
        p += e->len;
    }
    return 0;
}

/* Parse the entries after the header; p..end is the rest of the input. */
static int parse_entries(struct ig_eventlog *log,
                         const uint8_t *start,
                         const uint8_t **pp,
                         const uint8_t *end,
                         uint32_t count,
                         char *err,
                         size_t errlen)
{
    const uint8_t *p = *pp;
    uint32_t len;
    uint32_t i;
    uint16_t id;
    int rc;

    for (i = 0; i < count; i++) {
        if ((size_t)(end - p) < IG_EVENTLOG_ENTRY_HEADER)
            goto trunc;
        id = (uint16_t)get_le(p, 2);
        len = (uint32_t)get_le(p + 2, 4);
        p += IG_EVENTLOG_ENTRY_HEADER;
        if ((size_t)(end - p) < len)
            goto trunc;
        rc = append(log, id, p, len);
        if (rc < 0) {
            ig_err_set(err,
                       errlen,
                       "event log: entry %u at byte %zu: %s",
                       i,
                       (size_t)(p - start),
                       ig_strerror(rc));
            return rc;
        }
        p += len;
    }
    *pp = p;
    return 0;
trunc:
    ig_err_set(err,
               errlen,
               "event log: entry %u truncated at byte %zu",
               i,
               (size_t)(p - start));
    return IG_ETRUNC;
}

int ig_eventlog_parse(ig_eventlog_t *log,
                      const uint8_t **pos,
                      const uint8_t *end,
                      char *err,
                      size_t errlen)
{
    const uint8_t *p = *pos;
    uint32_t count;
    int rc;

    clear(log, 0, 0);
    if (p > end || (size_t)(end - p) < IG_EVENTLOG_HEADER_BYTES) {
        ig_err_set(err, errlen, "event log: header truncated");
        return IG_ETRUNC;
    }
    if (p[0] != IG_EVENTLOG_FORMAT) {
        ig_err_set(err, errlen, "event log: unknown format %u", p[0]);
        return IG_EUNSUPPORTED;
    }
    log->tick = get_le(p + 1, 8);
    count = (uint32_t)get_le(p + 9, 4);
    p += IG_EVENTLOG_HEADER_BYTES;
    rc = parse_entries(log, *pos, &p, end, count, err, errlen);
    if (rc < 0) {
        clear(log, 0, 0);
        return rc;
    }
    *pos = p;
    return 0;
}

const char *ig_event_name(uint16_t id)
{
    static const char *const names[] = {
        [IG_EV_CLOCK] = "clock_now",
        [IG_EV_RAND] = "rand_bytes",
        [IG_EV_LOG] = "log_emit",
        [IG_EV_WALLET_BALANCE] = "wallet_balance",
        [IG_EV_RECEIPT_COUNT] = "wallet_receipt_count",
        [IG_EV_RECEIPT] = "wallet_receipt",
        [IG_EV_NODE_PRICE] = "node_price",
        [IG_EV_HTTP] = "http_request",
        [IG_EV_WALLET_PAY] = "wallet_pay",
        [IG_EV_WASI_CLOCK] = "wasi.clock_time_get",
        [IG_EV_WASI_RANDOM] = "wasi.random_get",
    };

    if (id >= sizeof(names) / sizeof(names[0]) || !names[id])
        return "?";
    return names[id];
}
