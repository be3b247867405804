/* SPDX-License-Identifier: MIT */
/* Instantiation in the specification's order: link and type-check the
 * imports, build functions, tables, memories and globals, apply element
 * and data segments, run the start function; then export lookup. */
#include "wasm/instance.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_name(int kind)
{
    static const char *const names[] = {
        "function", "table", "memory", "global"
    };
    return kind >= 0 && kind <= 3 ? names[kind] : "unknown";
}

void ig_wasm__instance_release(struct ig_wasm_instance *inst)
{
    uint32_t i;

    for (i = 0; inst->elems && i < inst->m->nelems; i++)
        free(inst->elems[i]);
    free(inst->elems);
    free(inst->elem_len);
    free(inst->data_dropped);
    free(inst->funcs);
    free(inst->tables);
    free(inst->mems);
    free(inst->globals);
    free(inst->type_ids);
    free(inst->own_funcs);
    free(inst->own_globals);
}

uint32_t ig_wasm__data_len(const struct ig_wasm_instance *inst, uint32_t i)
{
    return inst->data_dropped[i] ? 0 : inst->m->datas[i].len;
}

/* calloc that treats zero items as a valid empty array. */
static void *alloc_n(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

static int alloc_arrays(struct ig_wasm_instance *inst)
{
    const struct ig_wasm_module *m = inst->m;

    inst->funcs = alloc_n(m->nfuncs_total, sizeof *inst->funcs);
    inst->tables = alloc_n(m->ntables_total, sizeof *inst->tables);
    inst->mems = alloc_n(m->nmems_total, sizeof *inst->mems);
    inst->globals = alloc_n(m->nglobals_total, sizeof *inst->globals);
    inst->type_ids = alloc_n(m->ntypes, sizeof *inst->type_ids);
    inst->elems = alloc_n(m->nelems, sizeof *inst->elems);
    inst->elem_len = alloc_n(m->nelems, sizeof *inst->elem_len);
    inst->data_dropped = alloc_n(m->ndatas, 1);
    inst->own_funcs = alloc_n(m->nfuncs, sizeof *inst->own_funcs);
    inst->own_globals = alloc_n(m->nglobals, sizeof *inst->own_globals);
    if (!inst->funcs || !inst->tables || !inst->mems || !inst->globals ||
        !inst->type_ids || !inst->elems || !inst->elem_len ||
        !inst->data_dropped || !inst->own_funcs || !inst->own_globals)
        return -ENOMEM;
    return 0;
}

static int intern_types(struct ig_wasm_store *s, struct ig_wasm_instance *inst)
{
    const struct ig_wasm_functype *canon;
    uint32_t i;
    int rc;

    for (i = 0; i < inst->m->ntypes; i++) {
        rc = ig_wasm__store_intern(
          s, &inst->m->types[i], &inst->type_ids[i], &canon);
        if (rc)
            return rc;
    }
    return 0;
}

/* Limits a of a provided object match limits b asked for by an import. */
static int limits_match(uint32_t cur,
                        const struct ig_wasm_limits *a,
                        const struct ig_wasm_limits *b)
{
    if (cur < b->min)
        return 0;
    return !b->has_max || (a->has_max && a->max <= b->max);
}

static int import_matches(const struct ig_wasm_instance *inst,
                          const struct ig_wasm_import *imp,
                          const struct ig_wasm_extern *ex)
{
    switch (imp->kind) {
        case IG_WASM_EXTERN_FUNC:
            return ex->u.func->type_id == inst->type_ids[imp->type_idx];
        case IG_WASM_EXTERN_TABLE:
            return ex->u.table->elemtype == imp->table.elemtype &&
                   limits_match(
                     ex->u.table->size, &ex->u.table->lim, &imp->table.lim);
        case IG_WASM_EXTERN_MEMORY:
            return limits_match(
              ex->u.memory->pages, &ex->u.memory->lim, &imp->mem);
        default:
            return ex->u.global->valtype == imp->global.valtype &&
                   ex->u.global->mutable_ == imp->global.mutable_;
    }
}

static void place_import(struct ig_wasm_instance *inst,
                         const struct ig_wasm_extern *ex,
                         uint32_t *n)
{
    switch (ex->kind) {
        case IG_WASM_EXTERN_FUNC:
            inst->funcs[n[0]++] = ex->u.func;
            break;
        case IG_WASM_EXTERN_TABLE:
            inst->tables[n[1]++] = ex->u.table;
            break;
        case IG_WASM_EXTERN_MEMORY:
            inst->mems[n[2]++] = ex->u.memory;
            break;
        default:
            inst->globals[n[3]++] = ex->u.global;
            break;
    }
}

static int link_imports(struct ig_wasm_instance *inst,
                        const struct ig_wasm_extern *imports,
                        uint32_t nimports,
                        char *err,
                        size_t errlen)
{
    const struct ig_wasm_module *m = inst->m;
    uint32_t i, n[4] = { 0, 0, 0, 0 };

    if (nimports != m->nimports) {
        ig_err_set(err,
                   errlen,
                   "module has %u imports, %u provided",
                   m->nimports,
                   nimports);
        return IG_EWASM_UNLINKABLE;
    }
    for (i = 0; i < nimports; i++) {
        const struct ig_wasm_import *imp = &m->imports[i];
        const struct ig_wasm_extern *ex = &imports[i];
        if (ex->kind != imp->kind || !ex->u.func) {
            ig_err_set(err,
                       errlen,
                       "import \"%s\".\"%s\": expected a %s, got a %s",
                       imp->module,
                       imp->name,
                       kind_name(imp->kind),
                       kind_name(ex->kind));
            return IG_EWASM_UNLINKABLE;
        }
        if (!import_matches(inst, imp, ex)) {
            ig_err_set(err,
                       errlen,
                       "import \"%s\".\"%s\": incompatible import type",
                       imp->module,
                       imp->name);
            return IG_EWASM_UNLINKABLE;
        }
        place_import(inst, ex, n);
    }
    return 0;
}

static void make_funcs(struct ig_wasm_store *s, struct ig_wasm_instance *inst)
{
    const struct ig_wasm_module *m = inst->m;
    uint32_t i;

    for (i = 0; i < m->nfuncs; i++) {
        struct ig_wasm_func *f = &inst->own_funcs[i];
        uint32_t t = m->funcs[i].type_idx;
        f->obj.kind = IG_OBJ_FUNC;
        f->type_id = inst->type_ids[t];
        f->type = &s->types[f->type_id]->ft;
        f->inst = inst;
        f->code = m->funcs[i].compiled;
        inst->funcs[m->nfunc_imports + i] = f;
    }
}

static int make_tables_mems(struct ig_wasm_store *s,
                            struct ig_wasm_instance *inst,
                            char *err,
                            size_t errlen)
{
    const struct ig_wasm_module *m = inst->m;
    uint32_t i;
    int rc;

    for (i = m->ntable_imports; i < m->ntables_total; i++) {
        rc = ig_wasm_table_new(
          s, m->tables[i].elemtype, &m->tables[i].lim, 0, &inst->tables[i]);
        if (rc) {
            ig_err_set(err, errlen, "table %u: %s", i, ig_strerror(rc));
            return rc;
        }
    }
    for (i = m->nmem_imports; i < m->nmems_total; i++) {
        rc = ig_wasm_memory_new(s, &m->mems[i], &inst->mems[i]);
        if (rc) {
            ig_err_set(err,
                       errlen,
                       "memory %u of %u pages: %s",
                       i,
                       m->mems[i].min,
                       ig_strerror(rc));
            return rc;
        }
    }
    inst->mem0 = m->nmems_total ? inst->mems[0] : NULL;
    return 0;
}

static ig_wasm_val_t eval_const(const struct ig_wasm_instance *inst,
                                const struct ig_wasm_constexpr *e)
{
    switch (e->op) {
        case 0x41: /* i32.const */
        case 0x43: /* f32.const */
            return (uint32_t)e->value;
        case 0x23: /* global.get */
            return inst->globals[e->value]->val;
        case 0xd2: /* ref.func */
            return (uint64_t)(uintptr_t)inst->funcs[e->value];
        case 0xd0: /* ref.null */
            return 0;
        default: /* i64.const, f64.const */
            return e->value;
    }
}

static void make_globals(struct ig_wasm_instance *inst)
{
    const struct ig_wasm_module *m = inst->m;
    uint32_t i;

    for (i = 0; i < m->nglobals; i++) {
        struct ig_wasm_global *g = &inst->own_globals[i];
        g->obj.kind = IG_OBJ_GLOBAL;
        g->valtype = m->globals[i].type.valtype;
        g->mutable_ = m->globals[i].type.mutable_;
        g->val = eval_const(inst, &m->globals[i].init);
        inst->globals[m->nglobal_imports + i] = g;
    }
}

static int eval_elems(struct ig_wasm_instance *inst)
{
    const struct ig_wasm_module *m = inst->m;
    uint32_t i, k;

    for (i = 0; i < m->nelems; i++) {
        const struct ig_wasm_elem *e = &m->elems[i];
        if (!(inst->elems[i] = alloc_n(e->count, sizeof(ig_wasm_val_t))))
            return -ENOMEM;
        for (k = 0; k < e->count; k++)
            inst->elems[i][k] = eval_const(inst, &e->items[k]);
        inst->elem_len[i] = e->count;
    }
    return 0;
}

/* Active segments are table.init / memory.init plus a drop; declarative
 * element segments are dropped at once. */
static int apply_segments(struct ig_wasm_instance *inst,
                          char *err,
                          size_t errlen)
{
    const struct ig_wasm_module *m = inst->m;
    uint32_t i;
    int rc;

    for (i = 0; i < m->nelems; i++) {
        const struct ig_wasm_elem *e = &m->elems[i];
        if (e->mode == IG_WASM_SEG_ACTIVE) {
            uint32_t off = (uint32_t)eval_const(inst, &e->offset);
            rc = ig_wasm__table_init(inst->tables[e->table],
                                     inst->elems[i],
                                     e->count,
                                     off,
                                     0,
                                     e->count);
            if (rc) {
                ig_err_set(
                  err, errlen, "element segment %u: %s", i, ig_strerror(rc));
                return rc;
            }
        }
        if (e->mode != IG_WASM_SEG_PASSIVE)
            inst->elem_len[i] = 0;
    }
    for (i = 0; i < m->ndatas; i++) {
        const struct ig_wasm_data *d = &m->datas[i];
        if (d->mode != IG_WASM_SEG_ACTIVE)
            continue;
        rc = ig_wasm__memory_init(inst->mems[d->memory],
                                  d->bytes,
                                  d->len,
                                  (uint32_t)eval_const(inst, &d->offset),
                                  0,
                                  d->len);
        if (rc) {
            ig_err_set(err, errlen, "data segment %u: %s", i, ig_strerror(rc));
            return rc;
        }
        inst->data_dropped[i] = 1;
    }
    return 0;
}

static int build(struct ig_wasm_store *s,
                 struct ig_wasm_instance *inst,
                 const struct ig_wasm_extern *imports,
                 uint32_t nimports,
                 char *err,
                 size_t errlen)
{
    int rc = alloc_arrays(inst);

    if (!rc)
        rc = intern_types(s, inst);
    if (!rc)
        rc = link_imports(inst, imports, nimports, err, errlen);
    if (rc)
        return rc;
    make_funcs(s, inst);
    rc = make_tables_mems(s, inst, err, errlen);
    if (rc)
        return rc;
    make_globals(inst);
    rc = eval_elems(inst);
    if (!rc)
        rc = apply_segments(inst, err, errlen);
    if (!rc && inst->m->has_start) {
        rc = ig_wasm_call(s, inst->funcs[inst->m->start], NULL, 0, NULL, 0);
        if (rc)
            ig_err_set(
              err, errlen, "start function: %s", ig_wasm_store_last_error(s));
    }
    return rc;
}

int ig_wasm_instance_new(ig_wasm_store_t *s,
                         const ig_wasm_module_t *m,
                         const struct ig_wasm_extern *imports,
                         uint32_t nimports,
                         ig_wasm_instance_t **out,
                         char *err,
                         size_t errlen)
{
    struct ig_wasm_instance *inst;
    int rc;

    *out = NULL;
    if (!(inst = calloc(1, sizeof *inst)))
        return -ENOMEM;
    inst->m = m;
    /* Owned by the store from here on: a failed instance may still be
     * referenced by tables it wrote to before a trap. */
    ig_wasm__store_adopt(s, &inst->obj, IG_OBJ_INSTANCE);
    rc = build(s, inst, imports, nimports, err, errlen);
    if (rc == -ENOMEM)
        ig_err_set(err, errlen, "out of memory while instantiating");
    if (!rc)
        *out = inst;
    return rc;
}

int ig_wasm_instance_export_n(ig_wasm_instance_t *inst,
                              const char *name,
                              size_t len,
                              struct ig_wasm_extern *out)
{
    const struct ig_wasm_module *m = inst->m;
    uint32_t i;

    for (i = 0; i < m->nexports; i++) {
        const struct ig_wasm_export *e = &m->exports[i];
        if (e->name_len != len || memcmp(e->name, name, len) != 0)
            continue;
        out->kind = e->kind;
        if (e->kind == IG_WASM_EXTERN_FUNC)
            out->u.func = inst->funcs[e->index];
        else if (e->kind == IG_WASM_EXTERN_TABLE)
            out->u.table = inst->tables[e->index];
        else if (e->kind == IG_WASM_EXTERN_MEMORY)
            out->u.memory = inst->mems[e->index];
        else
            out->u.global = inst->globals[e->index];
        return 0;
    }
    return IG_EWASM_NOEXPORT;
}

int ig_wasm_instance_export(ig_wasm_instance_t *inst,
                            const char *name,
                            struct ig_wasm_extern *out)
{
    return ig_wasm_instance_export_n(inst, name, strlen(name), out);
}
