/* SPDX-License-Identifier: MIT */
/* Feeds arbitrary bytes to a yamux session in arbitrary splits, with an
 * owner that echoes, consumes, closes and frees streams as they come,
 * and receive windows that grow on a clock that ticks per reading. */
#include <stddef.h>
#include <stdint.h>

#include "net/yamux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t ticks;

/* Deterministic time: every reading is 100 us after the last, so a pong
 * measures a short round trip and fast updates grow windows. */
static uint64_t fuzz_now_us(void)
{
    return ticks += 100;
}

static void on_data(void *ctx,
                    struct ig_yamux_stream *s,
                    const uint8_t *p,
                    size_t n)
{
    (void)ig_yamux_stream_write(s, p, n);
    (void)ig_yamux_stream_consumed(s, n);
    if (n && p[0] == 'C')
        (void)ig_yamux_stream_close(s);
    /* As if the owner had processed much more: the windows fill and grow
     * without inputs of hundreds of KiB. */
    if (n && p[0] == 'G')
        (void)ig_yamux_stream_consumed(s, 128u * 1024u);
    if (n && p[0] == 'F')
        ig_yamux_stream_free(s);
}

static void on_close(void *ctx, struct ig_yamux_stream *s, int status)
{
    ig_yamux_stream_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ig_yamux_cfg cfg;
    struct ig_yamux_cb cb = { 0 };
    struct ig_yamux *y;
    size_t off = 1, len;

    if (size < 1)
        return 0;
    ig_yamux_cfg_default(&cfg, data[0] & 1);
    cfg.max_streams = 8;
    cfg.out_max = 64 * 1024;
    cfg.out_soft = 16 * 1024;
    /* Growth up to 4 MiB per stream, 5 MiB per session: the caps bind. */
    cfg.max_window = 4u * 1024u * 1024u;
    cfg.conn_window = 5u * 1024u * 1024u;
    cfg.now_us = fuzz_now_us;
    ticks = 0;
    cb.on_data = on_data;
    cb.on_close = on_close;
    if (ig_yamux_new(&y, &cfg, &cb) < 0)
        return 0;
    /* Opaque 1: an input answering it with a ping ACK measures a round
     * trip, which turns the tuning on. */
    (void)ig_yamux_ping(y, 1);
    /* The first byte also picks the split size, down to byte by byte. */
    while (off < size) {
        size_t k = (size_t)(data[0] >> 1) + 1;

        if (k > size - off)
            k = size - off;
        if (ig_yamux_input(y, data + off, k, NULL, 0) < 0)
            break;
        off += k;
        /* Drain half of the output now and then, like a slow socket. */
        (void)ig_yamux_out(y, &len);
        ig_yamux_out_consume(y, len / 2);
        ig_yamux_kick(y);
    }
    ig_yamux_free(y);
    return 0;
}
