/* SPDX-License-Identifier: MIT */
/* The binary decoder: sections, in order, into struct ig_wasm_module;
 * function bodies are located but their instructions are left to the
 * validator, which reads each body exactly once. */
#include "wasm/decode.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "wasm/instr.h"

/* Position of each known section id in the required order: data count
 * sits between element and code although its id is the highest. */
static const uint8_t section_rank[13] = { 0, 1, 2, 3,  4,  5, 6,
                                          7, 8, 9, 11, 12, 10 };

struct dec {
    struct ig_wasm_reader r;
    struct ig_wasm_module *m;
    struct ig_wasm_diag *d;
    char *str;       /* next free byte of m->strbuf */
    int has_funcsec; /* a function section was seen */
    int has_codesec; /* a code section was seen */
    int has_datasec;
    int in_section; /* reading a section's contents */
};

/* ------------------------------------------------------------- messages */

static void vformat(char *buf, size_t len, const char *fmt, va_list ap)
  __attribute__((format(printf, 3, 0)));

static void vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
    if (vsnprintf(buf, len, fmt, ap) < 0)
        buf[0] = '\0';
}

void ig_wasm__diag_invalid(struct ig_wasm_diag *d,
                           size_t off,
                           const char *fmt,
                           ...)
{
    char msg[192];
    va_list ap;

    if (d->invalid)
        return;
    d->invalid = 1;
    va_start(ap, fmt);
    vformat(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ig_err_set(d->err, d->errlen, "%s at offset %zu", msg, off);
}

int ig_wasm__diag_fail(struct ig_wasm_diag *d,
                       int code,
                       size_t off,
                       const char *fmt,
                       ...)
{
    char msg[192];
    va_list ap;

    va_start(ap, fmt);
    vformat(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ig_err_set(d->err, d->errlen, "%s at offset %zu", msg, off);
    return code;
}

int ig_wasm__diag_reader(struct ig_wasm_diag *d,
                         const struct ig_wasm_reader *r,
                         int rc)
{
    const char *why = r->why ? r->why : "malformed binary";

    if (rc == -ENOMEM)
        return rc;
    return ig_wasm__diag_fail(d, rc, ig_wasm__reader_off(r), "%s", why);
}

static int fail(struct dec *x, int code, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static int fail(struct dec *x, int code, const char *fmt, ...)
{
    char msg[192];
    va_list ap;

    va_start(ap, fmt);
    vformat(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ig_wasm__diag_fail(
      x->d, code, ig_wasm__reader_off(&x->r), "%s", msg);
}

/* Turn a reader failure into a message; inside a section, running out of
 * bytes means the section (or body) was cut short. */
static int reader_fail(struct dec *x, int rc)
{
    if (rc == IG_EWASM_MALFORMED && x->r.why &&
        strcmp(x->r.why, "unexpected end") == 0 && x->in_section)
        x->r.why = "unexpected end of section or function";
    return ig_wasm__diag_reader(x->d, &x->r, rc);
}

/* Run a reader call and turn its failure into a message; returns early. */
#define TRY_READ(x, e)                                                         \
    do {                                                                       \
        int rc_ = (e);                                                         \
        if (rc_)                                                               \
            return reader_fail((x), rc_);                                      \
    } while (0)

/* ----------------------------------------------------------- allocation */

static int alloc_array(void **out, size_t n, size_t size)
{
    *out = NULL;
    if (n == 0)
        return 0;
    *out = calloc(n, size);
    return *out ? 0 : -ENOMEM;
}

/*
 * A vector count. Each item takes at least min_size bytes, so a count the
 * bytes left cannot hold is malformed; *cap then says how many items they
 * could hold (plus one), and decoding that many finds the first bad one,
 * whose error says more than the count's. Otherwise a count over limit is
 * refused and *cap is the count.
 */
static int read_vec(struct dec *x,
                    size_t min_size,
                    uint32_t limit,
                    const char *what,
                    uint32_t *n,
                    uint32_t *cap)
{
    size_t fit;

    TRY_READ(x, ig_wasm__read_u32(&x->r, n));
    fit = ig_wasm__reader_left(&x->r) / min_size;
    if (*n > fit) {
        *cap = (uint32_t)fit + 1;
        return 0;
    }
    if (*n > limit)
        return fail(
          x, IG_EWASM_LIMIT, "too many %s: %u (limit %u)", what, *n, limit);
    *cap = *n;
    return 0;
}

/* Item i of a vector with room for cap: past it the input has run out
 * (see read_vec), whatever the count said. */
static int vec_slot(struct dec *x, uint32_t i, uint32_t cap)
{
    if (i >= cap)
        return fail(
          x, IG_EWASM_MALFORMED, "unexpected end of section or function");
    return 0;
}

/* Copy a name into the module's string buffer, NUL-terminated. The buffer
 * has one byte per input byte, enough since every name is preceded by at
 * least one length byte. */
static int read_name_copy(struct dec *x, char **out, uint32_t *len)
{
    const uint8_t *s;

    TRY_READ(x, ig_wasm__read_name(&x->r, &s, len));
    if (*len > IG_WASM_MAX_NAME)
        return fail(x, IG_EWASM_LIMIT, "name too long: %u bytes", *len);
    if (!x->m->strbuf) {
        x->m->strbuf = malloc(x->m->len);
        if (!x->m->strbuf)
            return -ENOMEM;
        x->str = x->m->strbuf;
    }
    memcpy(x->str, s, *len);
    x->str[*len] = '\0';
    *out = x->str;
    x->str += *len + 1;
    return 0;
}

/* ---------------------------------------------------------- small parts */

static int read_limits(struct dec *x, struct ig_wasm_limits *lim)
{
    uint8_t flags;

    TRY_READ(x, ig_wasm__read_u8(&x->r, &flags));
    if (flags > 1) {
        /* The flags are a one-byte LEB128 in the spec's reading. */
        x->r.p--;
        return fail(x,
                    IG_EWASM_MALFORMED,
                    "%s (limits flags 0x%02x)",
                    flags & 0x80 ? "integer representation too long"
                                 : "integer too large",
                    flags);
    }
    lim->has_max = flags;
    TRY_READ(x, ig_wasm__read_u32(&x->r, &lim->min));
    lim->max = 0;
    if (flags)
        TRY_READ(x, ig_wasm__read_u32(&x->r, &lim->max));
    return 0;
}

static int read_tabletype(struct dec *x, struct ig_wasm_tabletype *t)
{
    TRY_READ(x, ig_wasm__read_reftype(&x->r, &t->elemtype));
    return read_limits(x, &t->lim);
}

static int read_globaltype(struct dec *x, struct ig_wasm_globaltype *g)
{
    TRY_READ(x, ig_wasm__read_valtype(&x->r, &g->valtype));
    TRY_READ(x, ig_wasm__read_u8(&x->r, &g->mutable_));
    if (g->mutable_ > 1) {
        x->r.p--;
        return fail(x, IG_EWASM_MALFORMED, "malformed mutability");
    }
    return 0;
}

static int is_const_op(uint8_t op)
{
    return op == IG_OP_I32_CONST || op == IG_OP_I64_CONST ||
           op == IG_OP_F32_CONST || op == IG_OP_F64_CONST ||
           op == IG_OP_REF_NULL || op == IG_OP_REF_FUNC ||
           op == IG_OP_GLOBAL_GET;
}

/* Nesting change of an instruction inside a (non-constant) expression. */
static int nesting(uint8_t op)
{
    if (op == IG_OP_BLOCK || op == IG_OP_LOOP || op == IG_OP_IF)
        return 1;
    return op == IG_OP_END ? -1 : 0;
}

/*
 * A constant expression: exactly one constant instruction, then end.
 * Anything else is still decoded to its end (it may yet be malformed);
 * what makes it invalid is recorded, not returned.
 */
static int read_constexpr(struct dec *x, struct ig_wasm_constexpr *ce)
{
    struct ig_wasm_instr in;
    size_t off = ig_wasm__reader_off(&x->r), bad_off = 0;
    uint32_t count = 0, depth = 0;
    int nonconst = 0;

    ce->op = 0;
    ce->value = 0;
    for (;;) {
        size_t at = ig_wasm__reader_off(&x->r);

        TRY_READ(x, ig_wasm__read_instr(&x->r, &in));
        if (depth == 0 && in.op == IG_OP_END)
            break;
        if (depth == 0 && in.op == IG_OP_ELSE) {
            x->r.p--;
            return fail(x, IG_EWASM_MALFORMED, "END opcode expected");
        }
        if (depth == 0 && is_const_op(in.op)) {
            if (++count == 1) {
                ce->op = in.op;
                ce->value =
                  in.imm >= IG_WASM_IMM_I32 && in.imm <= IG_WASM_IMM_F64
                    ? in.bits
                    : in.a;
            }
            continue;
        }
        if (!nonconst)
            bad_off = at;
        nonconst = 1;
        depth = (uint32_t)((int)depth + nesting(in.op));
    }
    if (nonconst) {
        ig_wasm__diag_invalid(x->d, bad_off, "constant expression required");
        ce->op = 0;
    }
    else if (count != 1) {
        ig_wasm__diag_invalid(x->d,
                              off,
                              "type mismatch: constant expression "
                              "must be one instruction, has %u",
                              count);
        ce->op = 0;
    }
    return 0;
}

/* ------------------------------------------------------------- sections */

/* A vector of value types into out, one byte per input byte: the type
 * buffer holds as many bytes as the type section. */
static int read_valtypes(struct dec *x,
                         uint32_t limit,
                         const char *what,
                         uint32_t *n,
                         uint8_t *out)
{
    uint32_t i, cap;

    IG_WASM_TRY(read_vec(x, 1, limit, what, n, &cap));
    for (i = 0; i < *n; i++) {
        IG_WASM_TRY(vec_slot(x, i, cap));
        TRY_READ(x, ig_wasm__read_valtype(&x->r, &out[i]));
    }
    return 0;
}

static int read_functype(struct dec *x,
                         struct ig_wasm_functype *ft,
                         uint8_t **buf)
{
    uint8_t form, *types = *buf;

    TRY_READ(x, ig_wasm__read_u8(&x->r, &form));
    if (form != 0x60) {
        x->r.p--;
        return fail(
          x, IG_EWASM_MALFORMED, "malformed function type 0x%02x", form);
    }
    IG_WASM_TRY(
      read_valtypes(x, IG_WASM_MAX_PARAMS, "parameters", &ft->nparams, types));
    ft->params = types;
    types += ft->nparams;
    IG_WASM_TRY(
      read_valtypes(x, IG_WASM_MAX_RESULTS, "results", &ft->nresults, types));
    ft->results = types;
    *buf = types + ft->nresults;
    return 0;
}

static int sec_type(struct dec *x)
{
    struct ig_wasm_module *m = x->m;
    uint8_t *buf;
    uint32_t i, n, cap;

    IG_WASM_TRY(read_vec(x, 3, IG_WASM_MAX_TYPES, "types", &n, &cap));
    IG_WASM_TRY(alloc_array((void **)&m->types, cap, sizeof *m->types));
    /* Every value type takes one input byte, so the section's size bounds
     * them all. */
    IG_WASM_TRY(
      alloc_array((void **)&m->typebuf, ig_wasm__reader_left(&x->r), 1));
    buf = m->typebuf;
    for (i = 0; i < n; i++) {
        IG_WASM_TRY(vec_slot(x, i, cap));
        IG_WASM_TRY(read_functype(x, &m->types[i], &buf));
    }
    m->ntypes = n;
    return 0;
}

static int read_import_desc(struct dec *x, struct ig_wasm_import *im)
{
    struct ig_wasm_module *m = x->m;

    TRY_READ(x, ig_wasm__read_u8(&x->r, &im->kind));
    switch (im->kind) {
        case IG_WASM_EXTERN_FUNC:
            m->nfunc_imports++;
            TRY_READ(x, ig_wasm__read_u32(&x->r, &im->type_idx));
            return 0;
        case IG_WASM_EXTERN_TABLE:
            m->ntable_imports++;
            return read_tabletype(x, &im->table);
        case IG_WASM_EXTERN_MEMORY:
            m->nmem_imports++;
            return read_limits(x, &im->mem);
        case IG_WASM_EXTERN_GLOBAL:
            m->nglobal_imports++;
            return read_globaltype(x, &im->global);
        default:
            x->r.p--;
            return fail(
              x, IG_EWASM_MALFORMED, "malformed import kind %u", im->kind);
    }
}

static int sec_import(struct dec *x)
{
    struct ig_wasm_module *m = x->m;
    uint32_t i, n, cap;

    IG_WASM_TRY(read_vec(x, 4, IG_WASM_MAX_IMPORTS, "imports", &n, &cap));
    IG_WASM_TRY(alloc_array((void **)&m->imports, cap, sizeof *m->imports));
    for (i = 0; i < n; i++) {
        struct ig_wasm_import *im = &m->imports[i];

        IG_WASM_TRY(vec_slot(x, i, cap));
        m->nimports = i + 1;
        im->at = (uint32_t)ig_wasm__reader_off(&x->r);
        IG_WASM_TRY(read_name_copy(x, &im->module, &im->module_len));
        IG_WASM_TRY(read_name_copy(x, &im->name, &im->name_len));
        IG_WASM_TRY(read_import_desc(x, im));
    }
    return 0;
}

static int sec_function(struct dec *x)
{
    struct ig_wasm_module *m = x->m;
    uint32_t i, n, cap;

    IG_WASM_TRY(read_vec(
      x, 1, IG_WASM_MAX_FUNCS - m->nfunc_imports, "functions", &n, &cap));
    IG_WASM_TRY(alloc_array((void **)&m->funcs, cap, sizeof *m->funcs));
    for (i = 0; i < n; i++) {
        IG_WASM_TRY(vec_slot(x, i, cap));
        TRY_READ(x, ig_wasm__read_u32(&x->r, &m->funcs[i].type_idx));
    }
    m->nfuncs = n;
    x->has_funcsec = 1;
    return 0;
}

/*
 * An index space of one kind: its imports first (copied from the import
 * field at offset field), then n definitions. Sets *total.
 */
static int alloc_space(struct dec *x,
                       uint8_t kind,
                       uint32_t nimported,
                       uint32_t n,
                       size_t size,
                       size_t field,
                       void **out,
                       uint32_t *total)
{
    struct ig_wasm_module *m = x->m;
    uint32_t i, k = 0;

    *total = nimported + n;
    IG_WASM_TRY(alloc_array(out, *total, size));
    for (i = 0; i < m->nimports; i++)
        if (m->imports[i].kind == kind)
            memcpy((char *)*out + (size_t)k++ * size,
                   (const char *)&m->imports[i] + field,
                   size);
    return 0;
}

static int alloc_tables(struct dec *x, uint32_t n)
{
    struct ig_wasm_module *m = x->m;

    return alloc_space(x,
                       IG_WASM_EXTERN_TABLE,
                       m->ntable_imports,
                       n,
                       sizeof *m->tables,
                       offsetof(struct ig_wasm_import, table),
                       (void **)&m->tables,
                       &m->ntables_total);
}

static int sec_table(struct dec *x)
{
    struct ig_wasm_module *m = x->m;
    uint32_t i, n, cap;

    IG_WASM_TRY(read_vec(
      x, 3, IG_WASM_MAX_TABLES - m->ntable_imports, "tables", &n, &cap));
    IG_WASM_TRY(alloc_tables(x, cap));
    for (i = 0; i < n; i++) {
        IG_WASM_TRY(vec_slot(x, i, cap));
        IG_WASM_TRY(read_tabletype(x, &m->tables[m->ntable_imports + i]));
    }
    return 0;
}

static int alloc_mems(struct dec *x, uint32_t n)
{
    struct ig_wasm_module *m = x->m;

    return alloc_space(x,
                       IG_WASM_EXTERN_MEMORY,
                       m->nmem_imports,
                       n,
                       sizeof *m->mems,
                       offsetof(struct ig_wasm_import, mem),
                       (void **)&m->mems,
                       &m->nmems_total);
}

static int sec_memory(struct dec *x)
{
    struct ig_wasm_module *m = x->m;
    uint32_t i, n, cap;

    IG_WASM_TRY(read_vec(
      x, 2, IG_WASM_MAX_TABLES - m->nmem_imports, "memories", &n, &cap));
    IG_WASM_TRY(alloc_mems(x, cap));
    for (i = 0; i < n; i++) {
        IG_WASM_TRY(vec_slot(x, i, cap));
        IG_WASM_TRY(read_limits(x, &m->mems[m->nmem_imports + i]));
    }
    return 0;
}

static int alloc_globals(struct dec *x, uint32_t n)
{
    struct ig_wasm_module *m = x->m;

    return alloc_space(x,
                       IG_WASM_EXTERN_GLOBAL,
                       m->nglobal_imports,
                       n,
                       sizeof *m->global_types,
                       offsetof(struct ig_wasm_import, global),
                       (void **)&m->global_types,
                       &m->nglobals_total);
}

static int sec_global(struct dec *x)
{
    struct ig_wasm_module *m = x->m;
    uint32_t i, n, cap;

    IG_WASM_TRY(read_vec(
      x, 3, IG_WASM_MAX_GLOBALS - m->nglobal_imports, "globals", &n, &cap));
    IG_WASM_TRY(alloc_globals(x, cap));
    IG_WASM_TRY(alloc_array((void **)&m->globals, cap, sizeof *m->globals));
    for (i = 0; i < n; i++) {
        struct ig_wasm_globaldef *g = &m->globals[i];

        IG_WASM_TRY(vec_slot(x, i, cap));
        g->at = (uint32_t)ig_wasm__reader_off(&x->r);
        IG_WASM_TRY(read_globaltype(x, &g->type));
        m->global_types[m->nglobal_imports + i] = g->type;
        IG_WASM_TRY(read_constexpr(x, &g->init));
    }
    m->nglobals = n;
    return 0;
}

static int sec_export(struct dec *x)
{
    struct ig_wasm_module *m = x->m;
    uint32_t i, n, cap;

    IG_WASM_TRY(read_vec(x, 3, IG_WASM_MAX_EXPORTS, "exports", &n, &cap));
    IG_WASM_TRY(alloc_array((void **)&m->exports, cap, sizeof *m->exports));
    for (i = 0; i < n; i++) {
        struct ig_wasm_export *e = &m->exports[i];

        IG_WASM_TRY(vec_slot(x, i, cap));
        m->nexports = i + 1;
        e->at = (uint32_t)ig_wasm__reader_off(&x->r);
        IG_WASM_TRY(read_name_copy(x, &e->name, &e->name_len));
        TRY_READ(x, ig_wasm__read_u8(&x->r, &e->kind));
        if (e->kind > IG_WASM_EXTERN_GLOBAL) {
            x->r.p--;
            return fail(
              x, IG_EWASM_MALFORMED, "malformed export kind %u", e->kind);
        }
        TRY_READ(x, ig_wasm__read_u32(&x->r, &e->index));
    }
    return 0;
}

static int sec_start(struct dec *x)
{
    TRY_READ(x, ig_wasm__read_u32(&x->r, &x->m->start));
    x->m->has_start = 1;
    return 0;
}

/* The element items: function indices (ref.func) or expressions. */
static int read_elem_items(struct dec *x, struct ig_wasm_elem *e, int exprs)
{
    uint32_t i, idx, n, cap;

    IG_WASM_TRY(read_vec(x, 1, UINT32_MAX, "elements", &n, &cap));
    IG_WASM_TRY(alloc_array((void **)&e->items, cap, sizeof *e->items));
    for (i = 0; i < n; i++) {
        IG_WASM_TRY(vec_slot(x, i, cap));
        if (exprs) {
            IG_WASM_TRY(read_constexpr(x, &e->items[i]));
            continue;
        }
        TRY_READ(x, ig_wasm__read_u32(&x->r, &idx));
        e->items[i].op = IG_OP_REF_FUNC;
        e->items[i].value = idx;
    }
    e->count = n;
    return 0;
}

/* Flags bit 0: passive or declarative; bit 1: explicit table index (when
 * active) or declarative; bit 2: items are expressions. */
static int read_elem(struct dec *x, struct ig_wasm_elem *e)
{
    uint32_t flags;
    uint8_t kind;

    e->at = (uint32_t)ig_wasm__reader_off(&x->r);
    TRY_READ(x, ig_wasm__read_u32(&x->r, &flags));
    if (flags > 7)
        return fail(
          x, IG_EWASM_MALFORMED, "malformed elements segment kind %u", flags);
    e->elemtype = IG_WASM_FUNCREF;
    e->mode = !(flags & 1)  ? IG_WASM_SEG_ACTIVE
              : (flags & 2) ? IG_WASM_SEG_DECLARATIVE
                            : IG_WASM_SEG_PASSIVE;
    if (!(flags & 1)) {
        if (flags & 2)
            TRY_READ(x, ig_wasm__read_u32(&x->r, &e->table));
        IG_WASM_TRY(read_constexpr(x, &e->offset));
    }
    if (flags & 3) {
        if (flags & 4) {
            TRY_READ(x, ig_wasm__read_reftype(&x->r, &e->elemtype));
        }
        else {
            TRY_READ(x, ig_wasm__read_u8(&x->r, &kind));
            if (kind != 0) {
                x->r.p--;
                return fail(
                  x, IG_EWASM_MALFORMED, "malformed element kind 0x%02x", kind);
            }
        }
    }
    return read_elem_items(x, e, (int)(flags & 4));
}

static int sec_element(struct dec *x)
{
    struct ig_wasm_module *m = x->m;
    uint32_t i, n, cap;

    IG_WASM_TRY(
      read_vec(x, 3, IG_WASM_MAX_SEGMENTS, "element segments", &n, &cap));
    IG_WASM_TRY(alloc_array((void **)&m->elems, cap, sizeof *m->elems));
    for (i = 0; i < n; i++) {
        IG_WASM_TRY(vec_slot(x, i, cap));
        m->nelems = i + 1;
        IG_WASM_TRY(read_elem(x, &m->elems[i]));
    }
    return 0;
}

static int sec_datacount(struct dec *x)
{
    TRY_READ(x, ig_wasm__read_u32(&x->r, &x->m->datacount));
    x->m->has_datacount = 1;
    return 0;
}

/*
 * Read one body's local declarations; *total gets their sum. With types
 * set, also expand them there. The sum is checked against u32 (the spec's
 * limit) before the engine's own.
 */
static int read_locals(struct dec *x, uint8_t *types, uint32_t *total)
{
    uint64_t sum = 0;
    uint32_t i, ndecl, count;
    uint8_t t;

    /* No allocation depends on ndecl: a count past the input just runs
     * into the end of the body. */
    TRY_READ(x, ig_wasm__read_u32(&x->r, &ndecl));
    for (i = 0; i < ndecl; i++) {
        TRY_READ(x, ig_wasm__read_u32(&x->r, &count));
        TRY_READ(x, ig_wasm__read_valtype(&x->r, &t));
        sum += count;
        if (sum > UINT32_MAX)
            return fail(x, IG_EWASM_MALFORMED, "too many locals");
        if (types) {
            memset(types, t, count);
            types += count;
        }
    }
    /* The spec's own limit (u32) comes first: past it the body is
     * malformed, below it only too big for this engine. */
    if (sum > IG_WASM_MAX_LOCALS)
        return fail(
          x, IG_EWASM_LIMIT, "too many locals: over %u", IG_WASM_MAX_LOCALS);
    *total = (uint32_t)sum;
    return 0;
}

/* One code entry; with f NULL only count its locals into *nlocals (first
 * pass), else fill f and expand its locals into localbuf. */
static int read_code_entry(struct dec *x,
                           struct ig_wasm_funcdef *f,
                           uint8_t *localbuf,
                           uint32_t *nlocals)
{
    const uint8_t *save_end = x->r.end;
    uint32_t size;

    TRY_READ(x, ig_wasm__read_u32(&x->r, &size));
    if (size > ig_wasm__reader_left(&x->r))
        return fail(x, IG_EWASM_MALFORMED, "length out of bounds");
    if (size > IG_WASM_MAX_FUNC_SIZE)
        return fail(
          x, IG_EWASM_LIMIT, "function body too large: %u bytes", size);
    x->r.end = x->r.p + size;
    IG_WASM_TRY(read_locals(x, f ? localbuf : NULL, nlocals));
    if (f) {
        f->nlocals = *nlocals;
        f->local_types = *nlocals ? localbuf : NULL;
        f->code = x->r.p;
        f->code_len = (uint32_t)ig_wasm__reader_left(&x->r);
        f->code_offset = (uint32_t)ig_wasm__reader_off(&x->r);
    }
    x->r.p = x->r.end;
    x->r.end = save_end;
    return 0;
}

/* Two passes: the first sums the locals of all bodies so that one buffer
 * holds them all, the second fills it and locates the bodies. */
static int sec_code(struct dec *x)
{
    struct ig_wasm_module *m = x->m;
    const uint8_t *begin;
    uint64_t total = 0;
    uint32_t i, n, nl;
    uint8_t *buf;

    TRY_READ(x, ig_wasm__read_u32(&x->r, &n));
    if (n != m->nfuncs)
        return fail(x,
                    IG_EWASM_MALFORMED,
                    "function and code section have inconsistent lengths "
                    "(%u functions, %u bodies)",
                    m->nfuncs,
                    n);
    x->has_codesec = 1;
    begin = x->r.p;
    for (i = 0; i < n; i++) {
        IG_WASM_TRY(read_code_entry(x, NULL, NULL, &nl));
        total += nl;
        if (total > IG_WASM_MAX_TOTAL_LOCALS)
            return fail(x,
                        IG_EWASM_LIMIT,
                        "too many locals in all functions: over %u",
                        IG_WASM_MAX_TOTAL_LOCALS);
    }
    IG_WASM_TRY(alloc_array((void **)&m->localbuf, (size_t)total, 1));
    x->r.p = begin;
    buf = m->localbuf;
    for (i = 0; i < n; i++) {
        IG_WASM_TRY(read_code_entry(x, &m->funcs[i], buf, &nl));
        /* buf is NULL when no function has locals. */
        if (nl)
            buf += nl;
    }
    return 0;
}

static int read_data(struct dec *x, struct ig_wasm_data *s)
{
    uint32_t flags;

    s->at = (uint32_t)ig_wasm__reader_off(&x->r);
    TRY_READ(x, ig_wasm__read_u32(&x->r, &flags));
    if (flags > 2)
        return fail(
          x, IG_EWASM_MALFORMED, "malformed data segment kind %u", flags);
    s->mode = flags == 1 ? IG_WASM_SEG_PASSIVE : IG_WASM_SEG_ACTIVE;
    if (flags == 2)
        TRY_READ(x, ig_wasm__read_u32(&x->r, &s->memory));
    if (flags != 1)
        IG_WASM_TRY(read_constexpr(x, &s->offset));
    TRY_READ(x, ig_wasm__read_u32(&x->r, &s->len));
    if (s->len > ig_wasm__reader_left(&x->r))
        return fail(
          x, IG_EWASM_MALFORMED, "unexpected end of section or function");
    s->bytes = x->r.p;
    x->r.p += s->len;
    return 0;
}

static int sec_data(struct dec *x)
{
    struct ig_wasm_module *m = x->m;
    uint32_t i, n, cap;

    IG_WASM_TRY(
      read_vec(x, 2, IG_WASM_MAX_SEGMENTS, "data segments", &n, &cap));
    if (m->has_datacount && n != m->datacount)
        return fail(x,
                    IG_EWASM_MALFORMED,
                    "data count and data section have inconsistent "
                    "lengths (%u, %u)",
                    m->datacount,
                    n);
    x->has_datasec = 1;
    IG_WASM_TRY(alloc_array((void **)&m->datas, cap, sizeof *m->datas));
    for (i = 0; i < n; i++) {
        IG_WASM_TRY(vec_slot(x, i, cap));
        m->ndatas = i + 1;
        IG_WASM_TRY(read_data(x, &m->datas[i]));
    }
    return 0;
}

static int sec_custom(struct dec *x)
{
    const uint8_t *name;
    uint32_t len;

    TRY_READ(x, ig_wasm__read_name(&x->r, &name, &len));
    x->r.p = x->r.end;
    return 0;
}

static int decode_section(struct dec *x, uint8_t id)
{
    switch (id) {
        case IG_WASM_SEC_CUSTOM:
            return sec_custom(x);
        case IG_WASM_SEC_TYPE:
            return sec_type(x);
        case IG_WASM_SEC_IMPORT:
            return sec_import(x);
        case IG_WASM_SEC_FUNCTION:
            return sec_function(x);
        case IG_WASM_SEC_TABLE:
            return sec_table(x);
        case IG_WASM_SEC_MEMORY:
            return sec_memory(x);
        case IG_WASM_SEC_GLOBAL:
            return sec_global(x);
        case IG_WASM_SEC_EXPORT:
            return sec_export(x);
        case IG_WASM_SEC_START:
            return sec_start(x);
        case IG_WASM_SEC_ELEMENT:
            return sec_element(x);
        case IG_WASM_SEC_CODE:
            return sec_code(x);
        case IG_WASM_SEC_DATA:
            return sec_data(x);
        default:
            return sec_datacount(x);
    }
}

/* One section: id, size, contents that must use exactly size bytes. */
static int next_section(struct dec *x, unsigned *last_rank)
{
    const uint8_t *end = x->r.end;
    uint8_t id;
    uint32_t size;

    TRY_READ(x, ig_wasm__read_u8(&x->r, &id));
    if (id > IG_WASM_SEC_DATACOUNT) {
        x->r.p--;
        return fail(x, IG_EWASM_MALFORMED, "malformed section id %u", id);
    }
    if (id != IG_WASM_SEC_CUSTOM) {
        if (section_rank[id] <= *last_rank) {
            x->r.p--;
            return fail(x,
                        IG_EWASM_MALFORMED,
                        "unexpected content after last section "
                        "(section %u out of order or repeated)",
                        id);
        }
        *last_rank = section_rank[id];
    }
    TRY_READ(x, ig_wasm__read_u32(&x->r, &size));
    if (size > ig_wasm__reader_left(&x->r))
        return fail(x,
                    IG_EWASM_MALFORMED,
                    "length out of bounds: section of %u bytes",
                    size);
    x->r.end = x->r.p + size;
    x->m->section_offset[id] = (uint32_t)ig_wasm__reader_off(&x->r);
    x->in_section = 1;
    IG_WASM_TRY(decode_section(x, id));
    x->in_section = 0;
    if (x->r.p != x->r.end)
        return fail(x, IG_EWASM_MALFORMED, "section size mismatch");
    x->r.end = end;
    return 0;
}

static int read_header(struct dec *x)
{
    static const uint8_t magic[4] = { 0x00, 0x61, 0x73, 0x6d };
    static const uint8_t version[4] = { 0x01, 0x00, 0x00, 0x00 };
    size_t left = ig_wasm__reader_left(&x->r);

    if (left < 4 && memcmp(x->r.p, magic, left) == 0)
        return fail(x, IG_EWASM_MALFORMED, "unexpected end");
    if (left < 4 || memcmp(x->r.p, magic, 4) != 0)
        return fail(x, IG_EWASM_MALFORMED, "magic header not detected");
    x->r.p += 4;
    if (left < 8 && memcmp(x->r.p, version, left - 4) == 0)
        return fail(x, IG_EWASM_MALFORMED, "unexpected end");
    if (left < 8 || memcmp(x->r.p, version, 4) != 0)
        return fail(x, IG_EWASM_MALFORMED, "unknown binary version");
    x->r.p += 4;
    return 0;
}

/* Index spaces whose defining section was absent hold only imports; the
 * function space is built here for every module. */
static int finish(struct dec *x)
{
    struct ig_wasm_module *m = x->m;
    uint32_t i, k = 0;

    if (x->has_funcsec && m->nfuncs && !x->has_codesec)
        return fail(x,
                    IG_EWASM_MALFORMED,
                    "function and code section have inconsistent lengths");
    if (m->has_datacount && m->datacount && !x->has_datasec)
        return fail(x,
                    IG_EWASM_MALFORMED,
                    "data count and data section have inconsistent lengths");
    if (!m->tables)
        IG_WASM_TRY(alloc_tables(x, 0));
    if (!m->mems)
        IG_WASM_TRY(alloc_mems(x, 0));
    if (!m->global_types)
        IG_WASM_TRY(alloc_globals(x, 0));
    m->nfuncs_total = m->nfunc_imports + m->nfuncs;
    IG_WASM_TRY(alloc_array(
      (void **)&m->func_types, m->nfuncs_total, sizeof *m->func_types));
    for (i = 0; i < m->nimports; i++)
        if (m->imports[i].kind == IG_WASM_EXTERN_FUNC)
            m->func_types[k++] = m->imports[i].type_idx;
    for (i = 0; i < m->nfuncs; i++)
        m->func_types[k++] = m->funcs[i].type_idx;
    return 0;
}

int ig_wasm__decode(struct ig_wasm_module *m, struct ig_wasm_diag *d)
{
    struct dec x = { .m = m, .d = d };
    unsigned last_rank = 0;

    ig_wasm__reader_init(&x.r, m->bytes, m->len);
    IG_WASM_TRY(read_header(&x));
    while (ig_wasm__reader_left(&x.r) > 0)
        IG_WASM_TRY(next_section(&x, &last_rank));
    return finish(&x);
}

void ig_wasm__module_clear(struct ig_wasm_module *m)
{
    uint32_t i;

    for (i = 0; i < m->nelems; i++)
        free(m->elems[i].items);
    free(m->elems);
    free(m->types);
    free(m->typebuf);
    free(m->imports);
    free(m->func_types);
    free(m->funcs);
    free(m->tables);
    free(m->mems);
    free(m->global_types);
    free(m->globals);
    free(m->exports);
    free(m->datas);
    free(m->declared_funcs);
    free(m->strbuf);
    free(m->localbuf);
}
