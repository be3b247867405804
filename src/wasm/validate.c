/* SPDX-License-Identifier: MIT */
/* The validator: module-level rules, constant expressions, and the type
 * checking of every function body in one pass each. */
#include "wasm/validate.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "wasm/instr.h"

/* The operand type of unreachable code: matches anything. */
#define T_ANY 0
#define I32 IG_WASM_I32
#define I64 IG_WASM_I64
#define F32 IG_WASM_F32
#define F64 IG_WASM_F64
#define FUNCREF IG_WASM_FUNCREF
#define EXTERNREF IG_WASM_EXTERNREF

struct ctl {
    const uint8_t *params;
    const uint8_t *results;
    uint32_t nparams;
    uint32_t nresults;
    uint32_t height; /* operand stack height at entry */
    uint8_t op;      /* block, loop, if, else; block for the function */
    uint8_t unreachable;
};

struct val {
    struct ig_wasm_module *m;
    struct ig_wasm_diag *d;
    struct ig_wasm_reader r;
    uint8_t *vals;
    uint32_t nvals, capvals, max_height;
    struct ctl *ctls;
    uint32_t nctls, capctls;
    const struct ig_wasm_functype *ft;
    const struct ig_wasm_funcdef *f;
    uint32_t nlocals; /* params + declared locals */
    uint8_t *ltypes;  /* their types, nlocals of them */
    uint32_t capltypes;
    uint32_t func_idx; /* in the function index space */
    size_t at;         /* offset of the instruction being checked */
};

/* Single-result block types point at one of these. */
static const uint8_t one_type[] = { I32, I64, F32, F64, FUNCREF, EXTERNREF };

static const uint8_t *one_type_ptr(uint8_t t)
{
    size_t i;

    for (i = 0; i < sizeof one_type; i++)
        if (one_type[i] == t)
            return &one_type[i];
    return NULL;
}

static int is_ref(uint8_t t)
{
    return t == FUNCREF || t == EXTERNREF;
}

static const char *tname(uint8_t t)
{
    return t == T_ANY ? "any" : ig_wasm_valtype_name(t);
}

/* --------------------------------------------------------------- errors */

/* Record an invalidity in the body being checked; the caller stops type
 * checking and only decodes the rest. */
static int invalid(struct val *v, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static int invalid(struct val *v, const char *fmt, ...)
{
    char msg[160];
    va_list ap;

    va_start(ap, fmt);
    if (vsnprintf(msg, sizeof msg, fmt, ap) < 0)
        msg[0] = '\0';
    va_end(ap);
    ig_wasm__diag_invalid(v->d, v->at, "%s (function %u)", msg, v->func_idx);
    return IG_EWASM_INVALID;
}

static int malformed(struct val *v, const char *why)
{
    return ig_wasm__diag_fail(v->d,
                              IG_EWASM_MALFORMED,
                              ig_wasm__reader_off(&v->r),
                              "%s (function %u)",
                              why,
                              v->func_idx);
}

/* ------------------------------------------------------- operand stack */

static int grow(void **p,
                uint32_t *cap,
                uint32_t need,
                size_t size,
                uint32_t limit)
{
    uint32_t ncap = *cap ? *cap : 64;
    void *np;

    if (need > limit)
        return IG_EWASM_LIMIT;
    while (ncap < need)
        ncap = ncap > limit / 2 ? limit : ncap * 2;
    np = realloc(*p, (size_t)ncap * size);
    if (!np)
        return -ENOMEM;
    *p = np;
    *cap = ncap;
    return 0;
}

static int push_grow(struct val *v, uint8_t t)
{
    int rc = grow(
      (void **)&v->vals, &v->capvals, v->nvals + 1, 1, IG_WASM_MAX_OPERANDS);

    if (rc == IG_EWASM_LIMIT)
        return ig_wasm__diag_fail(v->d,
                                  rc,
                                  v->at,
                                  "operand stack deeper than %u",
                                  IG_WASM_MAX_OPERANDS);
    if (rc)
        return rc;
    v->vals[v->nvals++] = t;
    v->max_height = v->nvals;
    return 0;
}

static inline int push(struct val *v, uint8_t t)
{
    if (v->nvals == v->capvals)
        return push_grow(v, t);
    v->vals[v->nvals++] = t;
    if (v->nvals > v->max_height)
        v->max_height = v->nvals;
    return 0;
}

static int push_n(struct val *v, const uint8_t *types, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++)
        IG_WASM_TRY(push(v, types[i]));
    return 0;
}

/* The cases of pop() off its fast path: an empty frame, a mismatch. */
static int pop_slow(struct val *v, uint8_t expect, uint8_t *got)
{
    struct ctl *c = &v->ctls[v->nctls - 1];
    uint8_t t;

    if (v->nvals == c->height) {
        if (!c->unreachable)
            return invalid(
              v, "type mismatch: expected %s, stack empty", tname(expect));
        t = T_ANY;
    }
    else {
        t = v->vals[--v->nvals];
    }
    if (expect != T_ANY && t != T_ANY && t != expect)
        return invalid(
          v, "type mismatch: expected %s, got %s", tname(expect), tname(t));
    if (got)
        *got = t;
    return 0;
}

/* Pop one operand that must have type expect (T_ANY: any type); *got
 * receives it (T_ANY when popped from unreachable code). */
static inline int pop(struct val *v, uint8_t expect, uint8_t *got)
{
    uint8_t t;

    if (v->nvals > v->ctls[v->nctls - 1].height) {
        t = v->vals[v->nvals - 1];
        if (t == expect || expect == T_ANY || t == T_ANY) {
            v->nvals--;
            if (got)
                *got = t;
            return 0;
        }
    }
    return pop_slow(v, expect, got);
}

static int pop_n(struct val *v, const uint8_t *types, uint32_t n)
{
    while (n > 0) {
        n--;
        IG_WASM_TRY(pop(v, types[n], NULL));
    }
    return 0;
}

/*
 * Check that the top of the stack matches types without popping: the same
 * as popping and pushing back what was popped, which is what br_table
 * does for every target but the last.
 */
static int peek_n(struct val *v, const uint8_t *types, uint32_t n)
{
    const struct ctl *c = &v->ctls[v->nctls - 1];
    uint32_t avail = v->nvals - c->height, i;
    uint8_t t;

    for (i = 0; i < n; i++) {
        uint8_t want = types[n - 1 - i];

        if (i >= avail) {
            if (c->unreachable)
                return 0;
            return invalid(
              v, "type mismatch: expected %s, stack empty", tname(want));
        }
        t = v->vals[v->nvals - 1 - i];
        if (t != T_ANY && t != want)
            return invalid(
              v, "type mismatch: expected %s, got %s", tname(want), tname(t));
    }
    return 0;
}

static void set_unreachable(struct val *v)
{
    struct ctl *c = &v->ctls[v->nctls - 1];

    v->nvals = c->height;
    c->unreachable = 1;
}

/* ------------------------------------------------------- control stack */

static int push_ctl(struct val *v,
                    uint8_t op,
                    const uint8_t *params,
                    uint32_t np,
                    const uint8_t *results,
                    uint32_t nr)
{
    struct ctl *c;

    if (v->nctls == v->capctls) {
        int rc = grow((void **)&v->ctls,
                      &v->capctls,
                      v->nctls + 1,
                      sizeof *v->ctls,
                      IG_WASM_MAX_BLOCK_DEPTH);

        if (rc == IG_EWASM_LIMIT)
            return ig_wasm__diag_fail(v->d,
                                      rc,
                                      v->at,
                                      "blocks nested deeper than %u",
                                      IG_WASM_MAX_BLOCK_DEPTH);
        if (rc)
            return rc;
    }
    c = &v->ctls[v->nctls++];
    c->op = op;
    c->params = params;
    c->nparams = np;
    c->results = results;
    c->nresults = nr;
    c->height = v->nvals;
    c->unreachable = 0;
    return push_n(v, params, np);
}

/* The results of the innermost frame must be exactly what is left. */
static int check_frame_end(struct val *v)
{
    const struct ctl *c = &v->ctls[v->nctls - 1];

    IG_WASM_TRY(pop_n(v, c->results, c->nresults));
    if (v->nvals != c->height)
        return invalid(v,
                       "type mismatch: %u value(s) left at end of block",
                       v->nvals - c->height);
    return 0;
}

static void label_types(const struct ctl *c, const uint8_t **types, uint32_t *n)
{
    if (c->op == IG_OP_LOOP) {
        *types = c->params;
        *n = c->nparams;
    }
    else {
        *types = c->results;
        *n = c->nresults;
    }
}

static int get_label(struct val *v, uint32_t depth, const struct ctl **out)
{
    if (depth >= v->nctls)
        return invalid(v, "unknown label %u", depth);
    *out = &v->ctls[v->nctls - 1 - depth];
    return 0;
}

/* ------------------------------------------------------------- controls */

static int block_type(struct val *v,
                      const struct ig_wasm_instr *in,
                      const uint8_t **params,
                      uint32_t *np,
                      const uint8_t **results,
                      uint32_t *nr)
{
    const struct ig_wasm_functype *ft;

    *params = *results = NULL;
    *np = *nr = 0;
    if (in->bt == IG_WASM_BT_VALTYPE) {
        *results = one_type_ptr((uint8_t)in->a);
        *nr = 1;
    }
    else if (in->bt == IG_WASM_BT_TYPEIDX) {
        if (in->a >= v->m->ntypes)
            return invalid(v, "unknown type %u", in->a);
        ft = &v->m->types[in->a];
        *params = ft->params;
        *np = ft->nparams;
        *results = ft->results;
        *nr = ft->nresults;
    }
    return 0;
}

static int op_block(struct val *v, const struct ig_wasm_instr *in)
{
    const uint8_t *params, *results;
    uint32_t np, nr;

    IG_WASM_TRY(block_type(v, in, &params, &np, &results, &nr));
    if (in->op == IG_OP_IF)
        IG_WASM_TRY(pop(v, I32, NULL));
    IG_WASM_TRY(pop_n(v, params, np));
    return push_ctl(v, in->op, params, np, results, nr);
}

static int op_else(struct val *v)
{
    struct ctl *c = &v->ctls[v->nctls - 1];

    IG_WASM_TRY(check_frame_end(v));
    c->op = IG_OP_ELSE;
    c->unreachable = 0;
    return push_n(v, c->params, c->nparams);
}

static int op_end(struct val *v)
{
    struct ctl c = v->ctls[v->nctls - 1];

    IG_WASM_TRY(check_frame_end(v));
    /* Without an else the false branch passes the parameters through. */
    if (c.op == IG_OP_IF &&
        (c.nparams != c.nresults ||
         (c.nparams && memcmp(c.params, c.results, c.nparams) != 0)))
        return invalid(v,
                       "type mismatch: if without else must leave its "
                       "parameters unchanged");
    v->nctls--;
    return push_n(v, c.results, c.nresults);
}

static int op_br(struct val *v, const struct ig_wasm_instr *in)
{
    const struct ctl *c = NULL;
    const uint8_t *types;
    uint32_t n;

    IG_WASM_TRY(get_label(v, in->a, &c));
    label_types(c, &types, &n);
    if (in->op == IG_OP_BR_IF) {
        IG_WASM_TRY(pop(v, I32, NULL));
        IG_WASM_TRY(pop_n(v, types, n));
        return push_n(v, types, n);
    }
    IG_WASM_TRY(pop_n(v, types, n));
    set_unreachable(v);
    return 0;
}

static int op_br_table(struct val *v, const struct ig_wasm_instr *in)
{
    struct ig_wasm_reader lr = v->r;
    const struct ctl *c = NULL;
    const uint8_t *types, *dtypes;
    uint32_t i, depth, n, arity;

    IG_WASM_TRY(pop(v, I32, NULL));
    IG_WASM_TRY(get_label(v, in->a, &c));
    label_types(c, &dtypes, &arity);
    /* The labels were read once already, so they are well-formed. */
    lr.p = in->vec;
    for (i = 0; i < in->n; i++) {
        if (ig_wasm__read_u32(&lr, &depth))
            return malformed(v, "bad br_table label");
        IG_WASM_TRY(get_label(v, depth, &c));
        label_types(c, &types, &n);
        if (n != arity)
            return invalid(v,
                           "type mismatch: br_table targets have %u "
                           "and %u values",
                           n,
                           arity);
        IG_WASM_TRY(peek_n(v, types, n));
    }
    IG_WASM_TRY(pop_n(v, dtypes, arity));
    set_unreachable(v);
    return 0;
}

static int op_return(struct val *v)
{
    IG_WASM_TRY(pop_n(v, v->ft->results, v->ft->nresults));
    set_unreachable(v);
    return 0;
}

/* An index into a space of count entries; what names the space in the
 * spec's words ("function", "elem segment"). */
static int check_idx(struct val *v,
                     uint32_t idx,
                     uint32_t count,
                     const char *what)
{
    if (idx >= count)
        return invalid(v, "unknown %s %u", what, idx);
    return 0;
}

static int check_func_idx(struct val *v, uint32_t idx)
{
    return check_idx(v, idx, v->m->nfuncs_total, "function");
}

static int call_type(struct val *v, const struct ig_wasm_functype *ft)
{
    IG_WASM_TRY(pop_n(v, ft->params, ft->nparams));
    return push_n(v, ft->results, ft->nresults);
}

static int op_call(struct val *v, const struct ig_wasm_instr *in)
{
    IG_WASM_TRY(check_func_idx(v, in->a));
    return call_type(v, &v->m->types[v->m->func_types[in->a]]);
}

static int check_table(struct val *v, uint32_t idx)
{
    return check_idx(v, idx, v->m->ntables_total, "table");
}

static int op_call_indirect(struct val *v, const struct ig_wasm_instr *in)
{
    IG_WASM_TRY(check_table(v, in->b));
    if (v->m->tables[in->b].elemtype != FUNCREF)
        return invalid(v,
                       "type mismatch: call_indirect through a table "
                       "of externref");
    if (in->a >= v->m->ntypes)
        return invalid(v, "unknown type %u", in->a);
    IG_WASM_TRY(pop(v, I32, NULL));
    return call_type(v, &v->m->types[in->a]);
}

/* ------------------------------------------------------------ variables */

static int local_type(struct val *v, uint32_t idx, uint8_t *t)
{
    IG_WASM_TRY(check_idx(v, idx, v->nlocals, "local"));
    *t = v->ltypes[idx];
    return 0;
}

static int op_local(struct val *v, const struct ig_wasm_instr *in)
{
    uint8_t t = 0;

    IG_WASM_TRY(local_type(v, in->a, &t));
    if (in->op == IG_OP_LOCAL_GET)
        return push(v, t);
    IG_WASM_TRY(pop(v, t, NULL));
    return in->op == IG_OP_LOCAL_TEE ? push(v, t) : 0;
}

static int op_global(struct val *v, const struct ig_wasm_instr *in)
{
    const struct ig_wasm_globaltype *g;

    IG_WASM_TRY(check_idx(v, in->a, v->m->nglobals_total, "global"));
    g = &v->m->global_types[in->a];
    if (in->op == IG_OP_GLOBAL_GET)
        return push(v, g->valtype);
    if (!g->mutable_)
        return invalid(v, "global is immutable: global %u", in->a);
    return pop(v, g->valtype, NULL);
}

static int op_select(struct val *v, const struct ig_wasm_instr *in)
{
    uint8_t t1, t2;

    if (in->op == IG_OP_SELECT_T) {
        if (in->n != 1)
            return invalid(
              v, "invalid result arity: select with %u types", in->n);
        IG_WASM_TRY(pop(v, I32, NULL));
        IG_WASM_TRY(pop(v, in->vec[0], NULL));
        IG_WASM_TRY(pop(v, in->vec[0], NULL));
        return push(v, in->vec[0]);
    }
    IG_WASM_TRY(pop(v, I32, NULL));
    IG_WASM_TRY(pop(v, T_ANY, &t1));
    IG_WASM_TRY(pop(v, T_ANY, &t2));
    if (is_ref(t1) || is_ref(t2))
        return invalid(v,
                       "type mismatch: select without a type needs "
                       "numeric operands");
    if (t1 != t2 && t1 != T_ANY && t2 != T_ANY)
        return invalid(
          v, "type mismatch: select of %s and %s", tname(t1), tname(t2));
    return push(v, t1 != T_ANY ? t1 : t2);
}

/* --------------------------------------------------------------- memory */

static int check_mem(struct val *v)
{
    if (v->m->nmems_total == 0)
        return invalid(v, "unknown memory 0");
    return 0;
}

/* Value type and natural alignment (log2) of each load and store, from
 * i32.load (0x28) to i64.store32 (0x3e). */
static const struct {
    uint8_t type;
    uint8_t align;
} mem_ops[] = {
    { I32, 2 }, { I64, 3 }, { F32, 2 }, { F64, 3 }, { I32, 0 }, { I32, 0 },
    { I32, 1 }, { I32, 1 }, { I64, 0 }, { I64, 0 }, { I64, 1 }, { I64, 1 },
    { I64, 2 }, { I64, 2 }, { I32, 2 }, { I64, 3 }, { F32, 2 }, { F64, 3 },
    { I32, 0 }, { I32, 1 }, { I64, 0 }, { I64, 1 }, { I64, 2 },
};

static int op_load_store(struct val *v, const struct ig_wasm_instr *in)
{
    uint8_t t = mem_ops[in->op - IG_OP_I32_LOAD].type;

    IG_WASM_TRY(check_mem(v));
    if (in->a > mem_ops[in->op - IG_OP_I32_LOAD].align)
        return invalid(v, "alignment must not be larger than natural");
    if (in->op < IG_OP_I32_STORE) {
        IG_WASM_TRY(pop(v, I32, NULL));
        return push(v, t);
    }
    IG_WASM_TRY(pop(v, t, NULL));
    return pop(v, I32, NULL);
}

static int pop3_i32(struct val *v)
{
    IG_WASM_TRY(pop(v, I32, NULL));
    IG_WASM_TRY(pop(v, I32, NULL));
    return pop(v, I32, NULL);
}

/* ------------------------------------------------------------- numerics */

/* Operand and result types of the plain numeric opcodes: each names one
 * of a few signatures, so the check is two table lookups. */
enum num_sig {
    S_NONE,
    S_I32_I32,
    S_I32I32_I32,
    S_I64_I32,
    S_I64I64_I32,
    S_F32F32_I32,
    S_F64F64_I32,
    S_I64_I64,
    S_I64I64_I64,
    S_F32_F32,
    S_F32F32_F32,
    S_F64_F64,
    S_F64F64_F64,
    S_F32_I32,
    S_F64_I32,
    S_I32_I64,
    S_F32_I64,
    S_F64_I64,
    S_I32_F32,
    S_I64_F32,
    S_F64_F32,
    S_I32_F64,
    S_I64_F64,
    S_F32_F64,
};

static const struct {
    uint8_t a, b, r; /* b is 0 for unary operators */
} num_sigs[] = {
    [S_NONE] = { 0, 0, 0 },
    [S_I32_I32] = { I32, 0, I32 },
    [S_I32I32_I32] = { I32, I32, I32 },
    [S_I64_I32] = { I64, 0, I32 },
    [S_I64I64_I32] = { I64, I64, I32 },
    [S_F32F32_I32] = { F32, F32, I32 },
    [S_F64F64_I32] = { F64, F64, I32 },
    [S_I64_I64] = { I64, 0, I64 },
    [S_I64I64_I64] = { I64, I64, I64 },
    [S_F32_F32] = { F32, 0, F32 },
    [S_F32F32_F32] = { F32, F32, F32 },
    [S_F64_F64] = { F64, 0, F64 },
    [S_F64F64_F64] = { F64, F64, F64 },
    [S_F32_I32] = { F32, 0, I32 },
    [S_F64_I32] = { F64, 0, I32 },
    [S_I32_I64] = { I32, 0, I64 },
    [S_F32_I64] = { F32, 0, I64 },
    [S_F64_I64] = { F64, 0, I64 },
    [S_I32_F32] = { I32, 0, F32 },
    [S_I64_F32] = { I64, 0, F32 },
    [S_F64_F32] = { F64, 0, F32 },
    [S_I32_F64] = { I32, 0, F64 },
    [S_I64_F64] = { I64, 0, F64 },
    [S_F32_F64] = { F32, 0, F64 },
};

/* The signature of every plain numeric opcode, S_NONE for the others. */
static const uint8_t num_sig_of[256] = {
    [0x45] = S_I32_I32,    [0x46] = S_I32I32_I32, [0x47] = S_I32I32_I32,
    [0x48] = S_I32I32_I32, [0x49] = S_I32I32_I32, [0x4a] = S_I32I32_I32,
    [0x4b] = S_I32I32_I32, [0x4c] = S_I32I32_I32, [0x4d] = S_I32I32_I32,
    [0x4e] = S_I32I32_I32, [0x4f] = S_I32I32_I32, [0x50] = S_I64_I32,
    [0x51] = S_I64I64_I32, [0x52] = S_I64I64_I32, [0x53] = S_I64I64_I32,
    [0x54] = S_I64I64_I32, [0x55] = S_I64I64_I32, [0x56] = S_I64I64_I32,
    [0x57] = S_I64I64_I32, [0x58] = S_I64I64_I32, [0x59] = S_I64I64_I32,
    [0x5a] = S_I64I64_I32, [0x5b] = S_F32F32_I32, [0x5c] = S_F32F32_I32,
    [0x5d] = S_F32F32_I32, [0x5e] = S_F32F32_I32, [0x5f] = S_F32F32_I32,
    [0x60] = S_F32F32_I32, [0x61] = S_F64F64_I32, [0x62] = S_F64F64_I32,
    [0x63] = S_F64F64_I32, [0x64] = S_F64F64_I32, [0x65] = S_F64F64_I32,
    [0x66] = S_F64F64_I32, [0x67] = S_I32_I32,    [0x68] = S_I32_I32,
    [0x69] = S_I32_I32,    [0x6a] = S_I32I32_I32, [0x6b] = S_I32I32_I32,
    [0x6c] = S_I32I32_I32, [0x6d] = S_I32I32_I32, [0x6e] = S_I32I32_I32,
    [0x6f] = S_I32I32_I32, [0x70] = S_I32I32_I32, [0x71] = S_I32I32_I32,
    [0x72] = S_I32I32_I32, [0x73] = S_I32I32_I32, [0x74] = S_I32I32_I32,
    [0x75] = S_I32I32_I32, [0x76] = S_I32I32_I32, [0x77] = S_I32I32_I32,
    [0x78] = S_I32I32_I32, [0x79] = S_I64_I64,    [0x7a] = S_I64_I64,
    [0x7b] = S_I64_I64,    [0x7c] = S_I64I64_I64, [0x7d] = S_I64I64_I64,
    [0x7e] = S_I64I64_I64, [0x7f] = S_I64I64_I64, [0x80] = S_I64I64_I64,
    [0x81] = S_I64I64_I64, [0x82] = S_I64I64_I64, [0x83] = S_I64I64_I64,
    [0x84] = S_I64I64_I64, [0x85] = S_I64I64_I64, [0x86] = S_I64I64_I64,
    [0x87] = S_I64I64_I64, [0x88] = S_I64I64_I64, [0x89] = S_I64I64_I64,
    [0x8a] = S_I64I64_I64, [0x8b] = S_F32_F32,    [0x8c] = S_F32_F32,
    [0x8d] = S_F32_F32,    [0x8e] = S_F32_F32,    [0x8f] = S_F32_F32,
    [0x90] = S_F32_F32,    [0x91] = S_F32_F32,    [0x92] = S_F32F32_F32,
    [0x93] = S_F32F32_F32, [0x94] = S_F32F32_F32, [0x95] = S_F32F32_F32,
    [0x96] = S_F32F32_F32, [0x97] = S_F32F32_F32, [0x98] = S_F32F32_F32,
    [0x99] = S_F64_F64,    [0x9a] = S_F64_F64,    [0x9b] = S_F64_F64,
    [0x9c] = S_F64_F64,    [0x9d] = S_F64_F64,    [0x9e] = S_F64_F64,
    [0x9f] = S_F64_F64,    [0xa0] = S_F64F64_F64, [0xa1] = S_F64F64_F64,
    [0xa2] = S_F64F64_F64, [0xa3] = S_F64F64_F64, [0xa4] = S_F64F64_F64,
    [0xa5] = S_F64F64_F64, [0xa6] = S_F64F64_F64, [0xa7] = S_I64_I32,
    [0xa8] = S_F32_I32,    [0xa9] = S_F32_I32,    [0xaa] = S_F64_I32,
    [0xab] = S_F64_I32,    [0xac] = S_I32_I64,    [0xad] = S_I32_I64,
    [0xae] = S_F32_I64,    [0xaf] = S_F32_I64,    [0xb0] = S_F64_I64,
    [0xb1] = S_F64_I64,    [0xb2] = S_I32_F32,    [0xb3] = S_I32_F32,
    [0xb4] = S_I64_F32,    [0xb5] = S_I64_F32,    [0xb6] = S_F64_F32,
    [0xb7] = S_I32_F64,    [0xb8] = S_I32_F64,    [0xb9] = S_I64_F64,
    [0xba] = S_I64_F64,    [0xbb] = S_F32_F64,    [0xbc] = S_F32_I32,
    [0xbd] = S_F64_I64,    [0xbe] = S_I32_F32,    [0xbf] = S_I64_F64,
    [0xc0] = S_I32_I32,    [0xc1] = S_I32_I32,    [0xc2] = S_I64_I64,
    [0xc3] = S_I64_I64,    [0xc4] = S_I64_I64,
};

static int op_numeric(struct val *v, uint8_t op)
{
    uint8_t s = num_sig_of[op];

    if (s == S_NONE)
        return invalid(v, "illegal opcode 0x%02x", op);
    if (num_sigs[s].b)
        IG_WASM_TRY(pop(v, num_sigs[s].b, NULL));
    IG_WASM_TRY(pop(v, num_sigs[s].a, NULL));
    return push(v, num_sigs[s].r);
}

/* ------------------------------------------------------------ references */

static int is_declared(const struct ig_wasm_module *m, uint32_t idx)
{
    return (m->declared_funcs[idx / 8] >> (idx % 8)) & 1;
}

static int op_ref(struct val *v, const struct ig_wasm_instr *in)
{
    uint8_t t;

    switch (in->op) {
        case IG_OP_REF_NULL:
            return push(v, (uint8_t)in->a);
        case IG_OP_REF_IS_NULL:
            IG_WASM_TRY(pop(v, T_ANY, &t));
            if (t != T_ANY && !is_ref(t))
                return invalid(v, "type mismatch: ref.is_null of %s", tname(t));
            return push(v, I32);
        default:
            IG_WASM_TRY(check_func_idx(v, in->a));
            if (!is_declared(v->m, in->a))
                return invalid(v, "undeclared function reference %u", in->a);
            return push(v, FUNCREF);
    }
}

static int op_table(struct val *v, const struct ig_wasm_instr *in)
{
    uint8_t et;

    IG_WASM_TRY(check_table(v, in->a));
    et = v->m->tables[in->a].elemtype;
    if (in->op == IG_OP_TABLE_GET) {
        IG_WASM_TRY(pop(v, I32, NULL));
        return push(v, et);
    }
    IG_WASM_TRY(pop(v, et, NULL));
    return pop(v, I32, NULL);
}

/* ----------------------------------------------------- the 0xfc prefix */

static const uint8_t trunc_sat[8][2] = {
    { F32, I32 }, { F32, I32 }, { F64, I32 }, { F64, I32 },
    { F32, I64 }, { F32, I64 }, { F64, I64 }, { F64, I64 },
};

static int check_data(struct val *v, uint32_t idx)
{
    /* Without a data count section there may be no data segments either
     * (else read_one has refused the body), and every index is unknown. */
    return check_idx(v, idx, v->m->datacount, "data segment");
}

static int check_elem(struct val *v, uint32_t idx)
{
    return check_idx(v, idx, v->m->nelems, "elem segment");
}

static int op_table_fc(struct val *v, const struct ig_wasm_instr *in)
{
    uint8_t et;

    IG_WASM_TRY(check_table(v, in->a));
    et = v->m->tables[in->a].elemtype;
    switch (in->sub) {
        case IG_OPFC_TABLE_GROW:
            IG_WASM_TRY(pop(v, I32, NULL));
            IG_WASM_TRY(pop(v, et, NULL));
            return push(v, I32);
        case IG_OPFC_TABLE_SIZE:
            return push(v, I32);
        default: /* table.fill */
            IG_WASM_TRY(pop(v, I32, NULL));
            IG_WASM_TRY(pop(v, et, NULL));
            return pop(v, I32, NULL);
    }
}

static int op_table_init_copy(struct val *v, const struct ig_wasm_instr *in)
{
    uint8_t src;

    if (in->sub == IG_OPFC_TABLE_INIT) {
        IG_WASM_TRY(check_table(v, in->b));
        IG_WASM_TRY(check_elem(v, in->a));
        src = v->m->elems[in->a].elemtype;
        if (src != v->m->tables[in->b].elemtype)
            return invalid(v,
                           "type mismatch: table.init of %s into %s",
                           tname(src),
                           tname(v->m->tables[in->b].elemtype));
    }
    else {
        IG_WASM_TRY(check_table(v, in->a));
        IG_WASM_TRY(check_table(v, in->b));
        src = v->m->tables[in->b].elemtype;
        if (src != v->m->tables[in->a].elemtype)
            return invalid(v,
                           "type mismatch: table.copy of %s into %s",
                           tname(src),
                           tname(v->m->tables[in->a].elemtype));
    }
    return pop3_i32(v);
}

static int op_fc(struct val *v, const struct ig_wasm_instr *in)
{
    switch (in->sub) {
        case IG_OPFC_MEMORY_INIT:
            IG_WASM_TRY(check_mem(v));
            IG_WASM_TRY(check_data(v, in->a));
            return pop3_i32(v);
        case IG_OPFC_DATA_DROP:
            return check_data(v, in->a);
        case IG_OPFC_MEMORY_COPY:
        case IG_OPFC_MEMORY_FILL:
            IG_WASM_TRY(check_mem(v));
            return pop3_i32(v);
        case IG_OPFC_TABLE_INIT:
        case IG_OPFC_TABLE_COPY:
            return op_table_init_copy(v, in);
        case IG_OPFC_ELEM_DROP:
            return check_elem(v, in->a);
        case IG_OPFC_TABLE_GROW:
        case IG_OPFC_TABLE_SIZE:
        case IG_OPFC_TABLE_FILL:
            return op_table_fc(v, in);
        default:
            IG_WASM_TRY(pop(v, trunc_sat[in->sub][0], NULL));
            return push(v, trunc_sat[in->sub][1]);
    }
}

/* ------------------------------------------------------- one instruction */

static int op_const(struct val *v, uint8_t op)
{
    static const uint8_t types[4] = { I32, I64, F32, F64 };

    return push(v, types[op - IG_OP_I32_CONST]);
}

static int op_memory_size_grow(struct val *v, uint8_t op)
{
    IG_WASM_TRY(check_mem(v));
    if (op == IG_OP_MEMORY_GROW)
        IG_WASM_TRY(pop(v, I32, NULL));
    return push(v, I32);
}

static int check_instr(struct val *v, const struct ig_wasm_instr *in)
{
    switch (in->op) {
        case IG_OP_UNREACHABLE:
            set_unreachable(v);
            return 0;
        case IG_OP_NOP:
            return 0;
        case IG_OP_BLOCK:
        case IG_OP_LOOP:
        case IG_OP_IF:
            return op_block(v, in);
        case IG_OP_ELSE:
            return op_else(v);
        case IG_OP_END:
            return op_end(v);
        case IG_OP_BR:
        case IG_OP_BR_IF:
            return op_br(v, in);
        case IG_OP_BR_TABLE:
            return op_br_table(v, in);
        case IG_OP_RETURN:
            return op_return(v);
        case IG_OP_CALL:
            return op_call(v, in);
        case IG_OP_CALL_INDIRECT:
            return op_call_indirect(v, in);
        case IG_OP_DROP:
            return pop(v, T_ANY, NULL);
        case IG_OP_SELECT:
        case IG_OP_SELECT_T:
            return op_select(v, in);
        case IG_OP_LOCAL_GET:
        case IG_OP_LOCAL_SET:
        case IG_OP_LOCAL_TEE:
            return op_local(v, in);
        case IG_OP_GLOBAL_GET:
        case IG_OP_GLOBAL_SET:
            return op_global(v, in);
        case IG_OP_TABLE_GET:
        case IG_OP_TABLE_SET:
            return op_table(v, in);
        case IG_OP_MEMORY_SIZE:
        case IG_OP_MEMORY_GROW:
            return op_memory_size_grow(v, in->op);
        case IG_OP_I32_CONST:
        case IG_OP_I64_CONST:
        case IG_OP_F32_CONST:
        case IG_OP_F64_CONST:
            return op_const(v, in->op);
        case IG_OP_REF_NULL:
        case IG_OP_REF_IS_NULL:
        case IG_OP_REF_FUNC:
            return op_ref(v, in);
        case IG_OP_PREFIX_FC:
            return op_fc(v, in);
        default:
            if (in->op >= IG_OP_I32_LOAD && in->op <= IG_OP_I64_STORE32)
                return op_load_store(v, in);
            return op_numeric(v, in->op);
    }
}

/* ---------------------------------------------------------------- bodies */

/*
 * Structure only, for the rest of a body after an invalidity (and for
 * every body after one): blocks must still nest and else may only follow
 * if, or the binary is malformed.
 */
static int skip_instr(struct val *v, const struct ig_wasm_instr *in)
{
    switch (in->op) {
        case IG_OP_BLOCK:
        case IG_OP_LOOP:
        case IG_OP_IF:
            return push_ctl(v, in->op, NULL, 0, NULL, 0);
        case IG_OP_ELSE:
            v->ctls[v->nctls - 1].op = IG_OP_ELSE;
            return 0;
        case IG_OP_END:
            v->nctls--;
            return 0;
        default:
            return 0;
    }
}

/* A reader failure inside a body. */
static int read_failed(struct val *v)
{
    if (v->r.why && strcmp(v->r.why, "unexpected end") == 0)
        v->r.why = "unexpected end of section or function";
    return malformed(v, v->r.why ? v->r.why : "malformed instruction");
}

static int read_one(struct val *v, struct ig_wasm_instr *in)
{
    if (ig_wasm__read_instr(&v->r, in))
        return read_failed(v);
    if (in->op == IG_OP_PREFIX_FC &&
        (in->sub == IG_OPFC_MEMORY_INIT || in->sub == IG_OPFC_DATA_DROP) &&
        !v->m->has_datacount && v->m->ndatas > 0) {
        v->r.p = v->r.start + v->at;
        return malformed(v, "data count section required");
    }
    if (in->op == IG_OP_ELSE && v->ctls[v->nctls - 1].op != IG_OP_IF) {
        v->r.p = v->r.start + v->at;
        return malformed(v, "END opcode expected (else without if)");
    }
    return 0;
}

/*
 * The most frequent instructions (none of which opens or closes a block),
 * read and checked with one dispatch instead of two: returns 1 when the
 * instruction at r.p is not one of them.
 */
static int check_fast(struct val *v)
{
    struct ig_wasm_reader *r = &v->r;
    struct ig_wasm_instr in;
    int32_t c;

    in.op = *r->p;
    if (num_sig_of[in.op] != S_NONE) {
        r->p++;
        return op_numeric(v, in.op);
    }
    switch (in.op) {
        case IG_OP_LOCAL_GET:
            r->p++;
            if (ig_wasm__read_u32(r, &in.a))
                return read_failed(v);
            return in.a < v->nlocals ? push(v, v->ltypes[in.a])
                                     : op_local(v, &in);
        case IG_OP_LOCAL_SET:
        case IG_OP_LOCAL_TEE:
            r->p++;
            return ig_wasm__read_u32(r, &in.a) ? read_failed(v)
                                               : op_local(v, &in);
        case IG_OP_I32_CONST:
            r->p++;
            return ig_wasm__read_s32(r, &c) ? read_failed(v) : push(v, I32);
        case IG_OP_BR:
        case IG_OP_BR_IF:
            r->p++;
            return ig_wasm__read_u32(r, &in.a) ? read_failed(v) : op_br(v, &in);
        case IG_OP_CALL:
            r->p++;
            return ig_wasm__read_u32(r, &in.a) ? read_failed(v)
                                               : op_call(v, &in);
        default:
            if (in.op < IG_OP_I32_LOAD || in.op > IG_OP_I64_STORE32)
                return 1;
            r->p++;
            if (ig_wasm__read_u32(r, &in.a) || ig_wasm__read_u32(r, &in.b))
                return read_failed(v);
            return op_load_store(v, &in);
    }
}

/* One instruction in checking mode; an invalidity switches *checking off
 * and is not returned. */
static int check_next(struct val *v, int *checking)
{
    struct ig_wasm_instr in;
    int rc;

    if (v->r.p >= v->r.end) {
        v->r.why = "unexpected end";
        return read_failed(v);
    }
    rc = check_fast(v);
    if (rc == 1) {
        IG_WASM_TRY(read_one(v, &in));
        rc = check_instr(v, &in);
        if (rc == IG_EWASM_INVALID) {
            /* The failed instruction still opens or closes its block: no
             * checked frame change happens before an invalidity is
             * found. */
            *checking = 0;
            return skip_instr(v, &in);
        }
        return rc;
    }
    if (rc == IG_EWASM_INVALID) {
        *checking = 0;
        return 0;
    }
    return rc;
}

static int check_body(struct val *v)
{
    struct ig_wasm_instr in;
    int checking = !v->d->invalid;

    while (v->nctls > 0) {
        v->at = ig_wasm__reader_off(&v->r);
        if (checking) {
            IG_WASM_TRY(check_next(v, &checking));
            continue;
        }
        IG_WASM_TRY(read_one(v, &in));
        IG_WASM_TRY(skip_instr(v, &in));
    }
    if (v->r.p != v->r.end)
        return malformed(v,
                         "section size mismatch (code after the final "
                         "end)");
    return 0;
}

/* The types of parameters and locals side by side, for local.get. */
static int set_local_types(struct val *v)
{
    uint32_t np = v->ft->nparams;

    v->nlocals = v->f->nlocals + np;
    if (v->nlocals > v->capltypes) {
        uint8_t *p = realloc(v->ltypes, v->nlocals);

        if (!p)
            return -ENOMEM;
        v->ltypes = p;
        v->capltypes = v->nlocals;
    }
    if (np)
        memcpy(v->ltypes, v->ft->params, np);
    if (v->f->nlocals)
        memcpy(v->ltypes + np, v->f->local_types, v->f->nlocals);
    return 0;
}

static int validate_func(struct val *v, uint32_t i)
{
    static const struct ig_wasm_functype no_type;
    struct ig_wasm_funcdef *f = &v->m->funcs[i];

    v->f = f;
    v->func_idx = v->m->nfunc_imports + i;
    /* A bad type index is already recorded; decode the body anyway. */
    v->ft = f->type_idx < v->m->ntypes ? &v->m->types[f->type_idx] : &no_type;
    IG_WASM_TRY(set_local_types(v));
    v->nvals = 0;
    v->nctls = 0;
    v->max_height = 0;
    v->at = f->code_offset;
    v->r.p = f->code;
    v->r.end = f->code + f->code_len;
    IG_WASM_TRY(
      push_ctl(v, IG_OP_BLOCK, NULL, 0, v->ft->results, v->ft->nresults));
    IG_WASM_TRY(check_body(v));
    f->max_stack = v->max_height;
    return 0;
}

static int validate_bodies(struct ig_wasm_module *m, struct ig_wasm_diag *d)
{
    struct val v = { .m = m, .d = d };
    uint32_t i;
    int rc = 0;

    ig_wasm__reader_init(&v.r, m->bytes, m->len);
    for (i = 0; i < m->nfuncs && rc == 0; i++)
        rc = validate_func(&v, i);
    free(v.vals);
    free(v.ctls);
    free(v.ltypes);
    return rc;
}

/* ---------------------------------------------------------- the module */

/* Module-level findings cite the section they come from. */
static size_t sec_off(const struct ig_wasm_module *m, int id)
{
    return m->section_offset[id];
}

static void check_limits(struct ig_wasm_diag *d,
                         size_t off,
                         const struct ig_wasm_limits *lim,
                         uint32_t cap,
                         const char *what)
{
    if (cap && (lim->min > cap || (lim->has_max && lim->max > cap)))
        ig_wasm__diag_invalid(d,
                              off,
                              "memory size must be at most 65536 pages "
                              "(4GiB): %s",
                              what);
    else if (lim->has_max && lim->min > lim->max)
        ig_wasm__diag_invalid(d,
                              off,
                              "size minimum must not be greater than "
                              "maximum: %s %u > %u",
                              what,
                              lim->min,
                              lim->max);
}

/* The type of a constant expression, or T_ANY after recording why it is
 * not valid. Only imported immutable globals may be read (Wasm 2.0). */
static uint8_t constexpr_type(const struct ig_wasm_module *m,
                              struct ig_wasm_diag *d,
                              size_t off,
                              const struct ig_wasm_constexpr *ce)
{
    static const uint8_t num[4] = { I32, I64, F32, F64 };
    const struct ig_wasm_globaltype *g;

    switch (ce->op) {
        case IG_OP_I32_CONST:
        case IG_OP_I64_CONST:
        case IG_OP_F32_CONST:
        case IG_OP_F64_CONST:
            return num[ce->op - IG_OP_I32_CONST];
        case IG_OP_REF_NULL:
            return (uint8_t)ce->value;
        case IG_OP_REF_FUNC:
            if (ce->value >= m->nfuncs_total)
                ig_wasm__diag_invalid(
                  d, off, "unknown function %u", (unsigned)ce->value);
            return FUNCREF;
        case IG_OP_GLOBAL_GET:
            if (ce->value >= m->nglobal_imports) {
                ig_wasm__diag_invalid(d,
                                      off,
                                      "unknown global %u (constant "
                                      "expressions read imported globals "
                                      "only)",
                                      (unsigned)ce->value);
                return T_ANY;
            }
            g = &m->global_types[ce->value];
            if (g->mutable_)
                ig_wasm__diag_invalid(d,
                                      off,
                                      "constant expression required: global "
                                      "%u is mutable",
                                      (unsigned)ce->value);
            return g->valtype;
        default: /* already recorded by the decoder */
            return T_ANY;
    }
}

static void check_constexpr(const struct ig_wasm_module *m,
                            struct ig_wasm_diag *d,
                            size_t off,
                            const struct ig_wasm_constexpr *ce,
                            uint8_t want,
                            const char *what)
{
    uint8_t t = constexpr_type(m, d, off, ce);

    if (t != T_ANY && t != want)
        ig_wasm__diag_invalid(d,
                              off,
                              "type mismatch: %s is %s, must be %s",
                              what,
                              tname(t),
                              tname(want));
}

static void declare(struct ig_wasm_module *m, uint64_t idx)
{
    if (idx < m->nfuncs_total)
        m->declared_funcs[idx / 8] |= (uint8_t)(1u << (idx % 8));
}

/* The functions ref.func may name in code: those in element segments,
 * exports and global initialisers. */
static int collect_declared(struct ig_wasm_module *m)
{
    uint32_t i, k;

    m->declared_funcs = calloc((size_t)m->nfuncs_total / 8 + 1, 1);
    if (!m->declared_funcs)
        return -ENOMEM;
    for (i = 0; i < m->nelems; i++)
        for (k = 0; k < m->elems[i].count; k++)
            if (m->elems[i].items[k].op == IG_OP_REF_FUNC)
                declare(m, m->elems[i].items[k].value);
    for (i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == IG_WASM_EXTERN_FUNC)
            declare(m, m->exports[i].index);
    for (i = 0; i < m->nglobals; i++)
        if (m->globals[i].init.op == IG_OP_REF_FUNC)
            declare(m, m->globals[i].init.value);
    return 0;
}

/* Imports, checked where each is described. */
static void check_imports(struct ig_wasm_module *m, struct ig_wasm_diag *d)
{
    uint32_t i, nmems = 0;

    for (i = 0; i < m->nimports; i++) {
        const struct ig_wasm_import *im = &m->imports[i];

        if (im->kind == IG_WASM_EXTERN_FUNC && im->type_idx >= m->ntypes)
            ig_wasm__diag_invalid(
              d, im->at, "unknown type %u (import %u)", im->type_idx, i);
        if (im->kind == IG_WASM_EXTERN_TABLE)
            check_limits(d, im->at, &im->table.lim, 0, "table");
        if (im->kind != IG_WASM_EXTERN_MEMORY)
            continue;
        check_limits(d, im->at, &im->mem, IG_WASM_MAX_PAGES, "memory");
        if (++nmems == 2)
            ig_wasm__diag_invalid(d, im->at, "multiple memories");
    }
}

/* Definitions; those without an entry offset of their own cite their
 * section. */
static void check_definitions(struct ig_wasm_module *m, struct ig_wasm_diag *d)
{
    size_t off;
    uint32_t i;

    off = sec_off(m, IG_WASM_SEC_FUNCTION);
    for (i = 0; i < m->nfuncs; i++)
        if (m->funcs[i].type_idx >= m->ntypes)
            ig_wasm__diag_invalid(d,
                                  off,
                                  "unknown type %u (function %u)",
                                  m->funcs[i].type_idx,
                                  m->nfunc_imports + i);
    off = sec_off(m, IG_WASM_SEC_TABLE);
    for (i = m->ntable_imports; i < m->ntables_total; i++)
        check_limits(d, off, &m->tables[i].lim, 0, "table");
    off = sec_off(m, IG_WASM_SEC_MEMORY);
    if (m->nmems_total > 1 && m->nmems_total > m->nmem_imports)
        ig_wasm__diag_invalid(d, off, "multiple memories: %u", m->nmems_total);
    for (i = m->nmem_imports; i < m->nmems_total; i++)
        check_limits(d, off, &m->mems[i], IG_WASM_MAX_PAGES, "memory");
    for (i = 0; i < m->nglobals; i++)
        check_constexpr(m,
                        d,
                        m->globals[i].at,
                        &m->globals[i].init,
                        m->globals[i].type.valtype,
                        "global initialiser");
}

static int export_cmp(const void *a, const void *b)
{
    const struct ig_wasm_export *x = *(const struct ig_wasm_export *const *)a;
    const struct ig_wasm_export *y = *(const struct ig_wasm_export *const *)b;

    if (x->name_len != y->name_len)
        return x->name_len < y->name_len ? -1 : 1;
    return memcmp(x->name, y->name, x->name_len);
}

/* Export names must be unique: sort pointers and compare neighbours. */
static int check_export_names(struct ig_wasm_module *m, struct ig_wasm_diag *d)
{
    const struct ig_wasm_export **sorted;
    uint32_t i;

    if (m->nexports < 2)
        return 0;
    sorted = malloc(m->nexports * sizeof *sorted);
    if (!sorted)
        return -ENOMEM;
    for (i = 0; i < m->nexports; i++)
        sorted[i] = &m->exports[i];
    qsort(sorted, m->nexports, sizeof *sorted, export_cmp);
    for (i = 1; i < m->nexports; i++)
        if (export_cmp(&sorted[i - 1], &sorted[i]) == 0)
            ig_wasm__diag_invalid(d,
                                  sorted[i]->at,
                                  "duplicate export name \"%s\"",
                                  sorted[i]->name);
    free(sorted);
    return 0;
}

static int check_exports(struct ig_wasm_module *m, struct ig_wasm_diag *d)
{
    static const char *const kinds[] = {
        "function", "table", "memory", "global"
    };
    uint32_t i, count[4];

    count[0] = m->nfuncs_total;
    count[1] = m->ntables_total;
    count[2] = m->nmems_total;
    count[3] = m->nglobals_total;
    for (i = 0; i < m->nexports; i++) {
        const struct ig_wasm_export *e = &m->exports[i];

        if (e->index >= count[e->kind])
            ig_wasm__diag_invalid(d,
                                  e->at,
                                  "unknown %s %u (export \"%s\")",
                                  kinds[e->kind],
                                  e->index,
                                  e->name);
    }
    return check_export_names(m, d);
}

static void check_start(const struct ig_wasm_module *m, struct ig_wasm_diag *d)
{
    const struct ig_wasm_functype *ft;

    if (!m->has_start)
        return;
    if (m->start >= m->nfuncs_total) {
        ig_wasm__diag_invalid(d,
                              sec_off(m, IG_WASM_SEC_START),
                              "unknown function %u (start)",
                              m->start);
        return;
    }
    if (m->func_types[m->start] >= m->ntypes)
        return;
    ft = &m->types[m->func_types[m->start]];
    if (ft->nparams || ft->nresults)
        ig_wasm__diag_invalid(d,
                              sec_off(m, IG_WASM_SEC_START),
                              "start function %u must take and return "
                              "nothing",
                              m->start);
}

static void check_elem_segment(const struct ig_wasm_module *m,
                               struct ig_wasm_diag *d,
                               uint32_t i)
{
    const struct ig_wasm_elem *e = &m->elems[i];
    size_t off = e->at;
    uint32_t k;

    if (e->mode == IG_WASM_SEG_ACTIVE) {
        if (e->table >= m->ntables_total)
            ig_wasm__diag_invalid(
              d, off, "unknown table %u (element segment %u)", e->table, i);
        else if (m->tables[e->table].elemtype != e->elemtype)
            ig_wasm__diag_invalid(d,
                                  off,
                                  "type mismatch: element segment %u does "
                                  "not fit its table",
                                  i);
        check_constexpr(m, d, off, &e->offset, I32, "element offset");
    }
    for (k = 0; k < e->count; k++)
        check_constexpr(m, d, off, &e->items[k], e->elemtype, "element item");
}

static void check_datas(const struct ig_wasm_module *m, struct ig_wasm_diag *d)
{
    uint32_t i;

    for (i = 0; i < m->ndatas; i++) {
        const struct ig_wasm_data *s = &m->datas[i];
        size_t off = s->at;

        if (s->mode != IG_WASM_SEG_ACTIVE)
            continue;
        if (s->memory >= m->nmems_total)
            ig_wasm__diag_invalid(
              d, off, "unknown memory %u (data segment %u)", s->memory, i);
        check_constexpr(m, d, off, &s->offset, I32, "data offset");
    }
}

int ig_wasm__validate(struct ig_wasm_module *m, struct ig_wasm_diag *d)
{
    uint32_t i;

    IG_WASM_TRY(collect_declared(m));
    check_imports(m, d);
    check_definitions(m, d);
    IG_WASM_TRY(check_exports(m, d));
    check_start(m, d);
    for (i = 0; i < m->nelems; i++)
        check_elem_segment(m, d, i);
    check_datas(m, d);
    IG_WASM_TRY(validate_bodies(m, d));
    return d->invalid ? IG_EWASM_INVALID : 0;
}
