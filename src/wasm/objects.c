/* SPDX-License-Identifier: MIT */
/* Function, memory, table and global objects: creation, growth and the
 * bounds-checked bulk operations shared by the interpreter and the API. */
#include "wasm/objects.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* n items at i fit in a space of size: computed in 64 bits so that
 * i + n cannot wrap. */
static int fits(uint64_t i, uint64_t n, uint64_t size)
{
    return i + n <= size;
}

void ig_wasm__obj_release(struct ig_wasm_obj *o)
{
    if (o->kind == IG_OBJ_MEMORY)
        free(((struct ig_wasm_memory *)o)->data);
    else if (o->kind == IG_OBJ_TABLE)
        free(((struct ig_wasm_table *)o)->elems);
}

/* ---------------------------------------------------------- functions */

int ig_wasm_func_new_host(ig_wasm_store_t *s,
                          const struct ig_wasm_functype *type,
                          ig_wasm_host_fn fn,
                          void *user,
                          ig_wasm_func_t **out)
{
    struct ig_wasm_func *f;
    int rc;

    *out = NULL;
    if (!fn || !type)
        return -EINVAL;
    if (!(f = calloc(1, sizeof *f)))
        return -ENOMEM;
    rc = ig_wasm__store_intern(s, type, &f->type_id, &f->type);
    if (rc) {
        free(f);
        return rc;
    }
    f->host = fn;
    f->user = user;
    ig_wasm__store_adopt(s, &f->obj, IG_OBJ_FUNC);
    *out = f;
    return 0;
}

const struct ig_wasm_functype *ig_wasm_func_type(const ig_wasm_func_t *f)
{
    return f->type;
}

/* ------------------------------------------------------------ memory */

int ig_wasm_memory_new(ig_wasm_store_t *s,
                       const struct ig_wasm_limits *lim,
                       ig_wasm_memory_t **out)
{
    struct ig_wasm_memory *m;
    uint32_t cap = s->cfg.max_memory_pages;

    *out = NULL;
    if (cap > 65536)
        cap = 65536;
    if (lim->has_max && lim->max < cap)
        cap = lim->max;
    if (lim->min > cap)
        return IG_EWASM_LIMIT;
    if (!(m = calloc(1, sizeof *m)))
        return -ENOMEM;
    m->lim = *lim;
    m->max_pages = cap;
    if (lim->min) {
        m->data = calloc(lim->min, IG_WASM_PAGE);
        if (!m->data) {
            free(m);
            return -ENOMEM;
        }
    }
    m->pages = lim->min;
    m->size = (uint64_t)lim->min * IG_WASM_PAGE;
    ig_wasm__store_adopt(s, &m->obj, IG_OBJ_MEMORY);
    *out = m;
    return 0;
}

uint8_t *ig_wasm_memory_data(ig_wasm_memory_t *m)
{
    return m->data;
}

size_t ig_wasm_memory_size(const ig_wasm_memory_t *m)
{
    return (size_t)m->size;
}

int ig_wasm_memory_read(const ig_wasm_memory_t *m,
                        uint64_t off,
                        void *dst,
                        size_t n)
{
    if (off > m->size || n > m->size - off)
        return IG_ETRAP_MEM_OOB;
    if (n)
        memcpy(dst, m->data + off, n);
    return 0;
}

int ig_wasm_memory_write(ig_wasm_memory_t *m,
                         uint64_t off,
                         const void *src,
                         size_t n)
{
    if (off > m->size || n > m->size - off)
        return IG_ETRAP_MEM_OOB;
    if (n)
        memcpy(m->data + off, src, n);
    return 0;
}

int ig_wasm_memory_grow(ig_wasm_memory_t *m,
                        uint32_t delta,
                        uint32_t *old_pages)
{
    uint64_t pages = (uint64_t)m->pages + delta;
    size_t bytes = (size_t)pages * IG_WASM_PAGE;
    uint8_t *p;

    if (old_pages)
        *old_pages = m->pages;
    if (pages > m->max_pages)
        return IG_EWASM_LIMIT;
    if (delta == 0)
        return 0;
    if (!(p = realloc(m->data, bytes)))
        return -ENOMEM;
    memset(p + m->size, 0, bytes - (size_t)m->size);
    m->data = p;
    m->pages = (uint32_t)pages;
    m->size = bytes;
    return 0;
}

int ig_wasm__memory_init(struct ig_wasm_memory *m,
                         const uint8_t *src,
                         uint32_t len,
                         uint32_t d,
                         uint32_t s,
                         uint32_t n)
{
    if (!fits(s, n, len) || !fits(d, n, m->size))
        return IG_ETRAP_MEM_OOB;
    if (n)
        memcpy(m->data + d, src + s, n);
    return 0;
}

int ig_wasm__memory_copy(struct ig_wasm_memory *m,
                         uint32_t d,
                         uint32_t s,
                         uint32_t n)
{
    if (!fits(s, n, m->size) || !fits(d, n, m->size))
        return IG_ETRAP_MEM_OOB;
    if (n)
        memmove(m->data + d, m->data + s, n);
    return 0;
}

int ig_wasm__memory_fill(struct ig_wasm_memory *m,
                         uint32_t d,
                         uint8_t v,
                         uint32_t n)
{
    if (!fits(d, n, m->size))
        return IG_ETRAP_MEM_OOB;
    if (n)
        memset(m->data + d, v, n);
    return 0;
}

/* ------------------------------------------------------------ tables */

int ig_wasm_table_new(ig_wasm_store_t *s,
                      uint8_t elemtype,
                      const struct ig_wasm_limits *lim,
                      ig_wasm_val_t init,
                      ig_wasm_table_t **out)
{
    struct ig_wasm_table *t;
    uint32_t cap = s->cfg.max_table_elems, i;

    *out = NULL;
    if (lim->has_max && lim->max < cap)
        cap = lim->max;
    if (lim->min > cap)
        return IG_EWASM_LIMIT;
    if (!(t = calloc(1, sizeof *t)))
        return -ENOMEM;
    if (lim->min && !(t->elems = malloc((size_t)lim->min * 8))) {
        free(t);
        return -ENOMEM;
    }
    for (i = 0; i < lim->min; i++)
        t->elems[i] = init;
    t->size = lim->min;
    t->max = cap;
    t->elemtype = elemtype;
    t->lim = *lim;
    ig_wasm__store_adopt(s, &t->obj, IG_OBJ_TABLE);
    *out = t;
    return 0;
}

uint32_t ig_wasm_table_size(const ig_wasm_table_t *t)
{
    return t->size;
}

int ig_wasm_table_get(const ig_wasm_table_t *t, uint32_t i, ig_wasm_val_t *out)
{
    if (i >= t->size)
        return IG_ETRAP_TABLE_OOB;
    *out = t->elems[i];
    return 0;
}

int ig_wasm_table_set(ig_wasm_table_t *t, uint32_t i, ig_wasm_val_t v)
{
    if (i >= t->size)
        return IG_ETRAP_TABLE_OOB;
    t->elems[i] = v;
    return 0;
}

int ig_wasm__table_grow(struct ig_wasm_table *t,
                        uint32_t delta,
                        ig_wasm_val_t init,
                        uint32_t *old)
{
    uint64_t size = (uint64_t)t->size + delta;
    ig_wasm_val_t *p;
    uint32_t i;

    *old = t->size;
    if (size > t->max)
        return IG_EWASM_LIMIT;
    if (delta == 0)
        return 0;
    if (!(p = realloc(t->elems, (size_t)size * 8)))
        return -ENOMEM;
    for (i = t->size; i < size; i++)
        p[i] = init;
    t->elems = p;
    t->size = (uint32_t)size;
    return 0;
}

int ig_wasm__table_fill(struct ig_wasm_table *t,
                        uint32_t i,
                        ig_wasm_val_t v,
                        uint32_t n)
{
    uint32_t k;

    if (!fits(i, n, t->size))
        return IG_ETRAP_TABLE_OOB;
    for (k = 0; k < n; k++)
        t->elems[i + k] = v;
    return 0;
}

int ig_wasm__table_copy(struct ig_wasm_table *dst,
                        struct ig_wasm_table *src,
                        uint32_t d,
                        uint32_t s,
                        uint32_t n)
{
    if (!fits(s, n, src->size) || !fits(d, n, dst->size))
        return IG_ETRAP_TABLE_OOB;
    if (n)
        memmove(dst->elems + d, src->elems + s, (size_t)n * 8);
    return 0;
}

int ig_wasm__table_init(struct ig_wasm_table *t,
                        const ig_wasm_val_t *src,
                        uint32_t len,
                        uint32_t d,
                        uint32_t s,
                        uint32_t n)
{
    if (!fits(s, n, len) || !fits(d, n, t->size))
        return IG_ETRAP_TABLE_OOB;
    if (n)
        memcpy(t->elems + d, src + s, (size_t)n * 8);
    return 0;
}

/* ----------------------------------------------------------- globals */

int ig_wasm_global_new(ig_wasm_store_t *s,
                       uint8_t valtype,
                       int mutable_,
                       ig_wasm_val_t v,
                       ig_wasm_global_t **out)
{
    struct ig_wasm_global *g = calloc(1, sizeof *g);

    *out = NULL;
    if (!g)
        return -ENOMEM;
    g->valtype = valtype;
    g->mutable_ = (uint8_t)(mutable_ != 0);
    g->val = v;
    ig_wasm__store_adopt(s, &g->obj, IG_OBJ_GLOBAL);
    *out = g;
    return 0;
}

ig_wasm_val_t ig_wasm_global_get(const ig_wasm_global_t *g)
{
    return g->val;
}

int ig_wasm_global_set(ig_wasm_global_t *g, ig_wasm_val_t v)
{
    if (!g->mutable_)
        return IG_ESTATE;
    g->val = v;
    return 0;
}

uint8_t ig_wasm_global_valtype(const ig_wasm_global_t *g)
{
    return g->valtype;
}

int ig_wasm_global_is_mutable(const ig_wasm_global_t *g)
{
    return g->mutable_;
}
