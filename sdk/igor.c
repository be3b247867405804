/* SPDX-License-Identifier: MIT */
/* The igord agent SDK runtime: the exported ABI (agent_init, agent_tick,
 * agent_checkpoint, agent_checkpoint_ptr, agent_resume, malloc) mapped
 * onto the igor_* lifecycle an agent defines, plus the log helpers. */
#include "igor.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IGOR_EXPORT(name) __attribute__((export_name(#name)))

/* The last checkpoint image; igord reads it right after
 * agent_checkpoint returns its size. */
static struct igor_enc ckpt = IGOR_ENC_INIT;

IGOR_EXPORT(agent_init) void igor__agent_init(void);
IGOR_EXPORT(agent_tick) int32_t igor__agent_tick(void);
IGOR_EXPORT(agent_checkpoint) uint32_t igor__agent_checkpoint(void);
IGOR_EXPORT(agent_checkpoint_ptr) uint8_t *igor__agent_checkpoint_ptr(void);
IGOR_EXPORT(agent_resume) void igor__agent_resume(uint8_t *p, uint32_t n);
IGOR_EXPORT(malloc) void *igor__malloc(size_t n);

void igor__agent_init(void)
{
    igor_init();
}

int32_t igor__agent_tick(void)
{
    return igor_tick() ? 1 : 0;
}

uint32_t igor__agent_checkpoint(void)
{
    igor_enc_reset(&ckpt);
    igor_save(&ckpt);
    /* Reporting an empty state here would make igord commit a
     * checkpoint that loses everything; trapping keeps the last good
     * one. */
    if (ckpt.err || ckpt.len > UINT32_MAX)
        __builtin_trap();
    return (uint32_t)ckpt.len;
}

uint8_t *igor__agent_checkpoint_ptr(void)
{
    return ckpt.buf;
}

/* p was placed by the host through the exported malloc and is never
 * freed, so pointers igor_dec_bytes returned stay valid. */
void igor__agent_resume(uint8_t *p, uint32_t n)
{
    struct igor_dec d;

    igor_dec_init(&d, p, n);
    igor_load(&d);
}

void *igor__malloc(size_t n)
{
    return malloc(n);
}

void igor_log(const char *msg)
{
    igor_log_emit(msg, (uint32_t)strlen(msg));
}

void igor_logf(const char *fmt, ...)
{
    char buf[IGOR_LOG_MAX];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf))
        n = (int)sizeof(buf) - 1;
    igor_log_emit(buf, (uint32_t)n);
}

uint32_t igor_rand_u32(void)
{
    uint8_t b[4];

    if (igor_rand_bytes(b, sizeof(b)) != 0)
        return 0;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}
