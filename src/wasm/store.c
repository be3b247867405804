/* SPDX-License-Identifier: MIT */
/* The store: configuration, object ownership, fuel accounting, deadline
 * and interrupt polling, interned function types and the last error. */
#include "wasm/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasm/instance.h"
#include "wasm/objects.h"

void ig_wasm_config_default(struct ig_wasm_config *cfg)
{
    cfg->max_memory_pages = 65536;
    cfg->max_table_elems = 10000000;
    cfg->max_call_depth = 10000;
    cfg->max_stack_slots = 1u << 20;
}

int ig_wasm_store_new(const struct ig_wasm_config *cfg, ig_wasm_store_t **out)
{
    struct ig_wasm_store *s = calloc(1, sizeof *s);

    *out = NULL;
    if (!s)
        return -ENOMEM;
    if (cfg)
        s->cfg = *cfg;
    else
        ig_wasm_config_default(&s->cfg);
    /* Room for at least a call's arguments and results. */
    if (s->cfg.max_stack_slots < 64)
        s->cfg.max_stack_slots = 64;
    s->stack = calloc(s->cfg.max_stack_slots, sizeof *s->stack);
    s->frames = calloc((size_t)s->cfg.max_call_depth + 1, sizeof *s->frames);
    if (!s->stack || !s->frames) {
        ig_wasm_store_free(s);
        return -ENOMEM;
    }
    s->fuel_limit = UINT64_MAX;
    atomic_init(&s->interrupt, 0);
    *out = s;
    return 0;
}

static void free_obj(struct ig_wasm_obj *o)
{
    if (o->kind == IG_OBJ_INSTANCE)
        ig_wasm__instance_release((struct ig_wasm_instance *)o);
    else
        ig_wasm__obj_release(o);
    free(o);
}

void ig_wasm_store_free(ig_wasm_store_t *s)
{
    struct ig_wasm_obj *o, *next;
    uint32_t i;

    if (!s)
        return;
    for (o = s->objs; o; o = next) {
        next = o->next;
        free_obj(o);
    }
    for (i = 0; i < s->ntypes; i++)
        free(s->types[i]);
    free(s->types);
    free(s->stack);
    free(s->frames);
    free(s);
}

void ig_wasm__store_adopt(struct ig_wasm_store *s,
                          struct ig_wasm_obj *obj,
                          uint8_t kind)
{
    obj->kind = kind;
    obj->next = s->objs;
    s->objs = obj;
}

/* ------------------------------------------------------------- types */

int ig_wasm__functype_eq(const struct ig_wasm_functype *a,
                         const struct ig_wasm_functype *b)
{
    return a->nparams == b->nparams && a->nresults == b->nresults &&
           (a->nparams == 0 || !memcmp(a->params, b->params, a->nparams)) &&
           (a->nresults == 0 || !memcmp(a->results, b->results, a->nresults));
}

static uint32_t hash_type(const struct ig_wasm_functype *ft)
{
    uint32_t h = 2166136261u ^ ft->nparams, i;

    for (i = 0; i < ft->nparams; i++)
        h = (h ^ ft->params[i]) * 16777619u;
    h = (h ^ 0xffu ^ ft->nresults) * 16777619u;
    for (i = 0; i < ft->nresults; i++)
        h = (h ^ ft->results[i]) * 16777619u;
    return h;
}

static struct ig_wasm_ftype *new_ftype(const struct ig_wasm_functype *ft,
                                       uint32_t hash)
{
    size_t n = (size_t)ft->nparams + ft->nresults;
    struct ig_wasm_ftype *t = malloc(sizeof *t + n + 1);

    if (!t)
        return NULL;
    if (ft->nparams)
        memcpy(t->bytes, ft->params, ft->nparams);
    if (ft->nresults)
        memcpy(t->bytes + ft->nparams, ft->results, ft->nresults);
    t->ft.nparams = ft->nparams;
    t->ft.nresults = ft->nresults;
    t->ft.params = t->bytes;
    t->ft.results = t->bytes + ft->nparams;
    t->hash = hash;
    return t;
}

int ig_wasm__store_intern(struct ig_wasm_store *s,
                          const struct ig_wasm_functype *ft,
                          uint32_t *id,
                          const struct ig_wasm_functype **canon)
{
    uint32_t h = hash_type(ft), i;
    struct ig_wasm_ftype *t;

    for (i = 0; i < s->ntypes; i++) {
        if (s->types[i]->hash == h &&
            ig_wasm__functype_eq(&s->types[i]->ft, ft)) {
            *id = i;
            *canon = &s->types[i]->ft;
            return 0;
        }
    }
    if (s->ntypes == s->typecap) {
        uint32_t cap = s->typecap ? 2 * s->typecap : 16;
        void *p = realloc(s->types, (size_t)cap * sizeof *s->types);
        if (!p)
            return -ENOMEM;
        s->types = p;
        s->typecap = cap;
    }
    if (!(t = new_ftype(ft, h)))
        return -ENOMEM;
    s->types[s->ntypes] = t;
    *id = s->ntypes++;
    *canon = &t->ft;
    return 0;
}

/* -------------------------------------------------------------- fuel */

void ig_wasm_store_set_fuel_limit(ig_wasm_store_t *s, uint64_t limit)
{
    s->fuel_limit = limit;
}

uint64_t ig_wasm_store_fuel_consumed(const ig_wasm_store_t *s)
{
    return s->fuel_used;
}

void ig_wasm_store_reset_fuel(ig_wasm_store_t *s)
{
    s->fuel_used = 0;
}

void ig_wasm__fuel_sync(struct ig_wasm_store *s)
{
    s->fuel_used += (uint64_t)(s->ctr_arm - s->ctr);
    s->ctr_arm = s->ctr;
}

void ig_wasm__fuel_arm(struct ig_wasm_store *s)
{
    uint64_t left =
      s->fuel_used >= s->fuel_limit ? 0 : s->fuel_limit - s->fuel_used;
    int64_t n =
      left < IG_WASM_POLL_INTERVAL ? (int64_t)left : IG_WASM_POLL_INTERVAL;

    s->ctr = n;
    s->ctr_arm = n;
}

static uint64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int ig_wasm__store_poll(struct ig_wasm_store *s)
{
    ig_wasm__fuel_sync(s);
    if (s->fuel_used > s->fuel_limit)
        return IG_ETRAP_FUEL;
    if (atomic_load_explicit(&s->interrupt, memory_order_relaxed))
        return IG_ETRAP_INTERRUPT;
    if (s->deadline && mono_ns() >= s->deadline)
        return IG_ETRAP_DEADLINE;
    ig_wasm__fuel_arm(s);
    return 0;
}

int ig_wasm_caller_charge(ig_wasm_caller_t *c, uint64_t fuel)
{
    struct ig_wasm_store *s = c->store;

    s->fuel_used =
      fuel > UINT64_MAX - s->fuel_used ? UINT64_MAX : s->fuel_used + fuel;
    return s->fuel_used > s->fuel_limit ? IG_ETRAP_FUEL : 0;
}

/* ---------------------------------------------- deadline, interrupt */

void ig_wasm_store_set_deadline(ig_wasm_store_t *s, uint64_t mono_ns_at)
{
    s->deadline = mono_ns_at;
}

void ig_wasm_store_interrupt(ig_wasm_store_t *s)
{
    atomic_store(&s->interrupt, 1);
}

const char *ig_wasm_store_last_error(const ig_wasm_store_t *s)
{
    return s->last_error;
}

void ig_wasm__store_error(struct ig_wasm_store *s,
                          int rc,
                          uint32_t func,
                          uint32_t offset,
                          int where_known)
{
    if (where_known)
        snprintf(s->last_error,
                 sizeof s->last_error,
                 "%s (function %u, offset 0x%x)",
                 ig_strerror(rc),
                 func,
                 offset);
    else
        snprintf(s->last_error, sizeof s->last_error, "%s", ig_strerror(rc));
}

ig_wasm_store_t *ig_wasm_caller_store(ig_wasm_caller_t *c)
{
    return c->store;
}

ig_wasm_memory_t *ig_wasm_caller_memory(ig_wasm_caller_t *c)
{
    return c->inst ? c->inst->mem0 : NULL;
}
