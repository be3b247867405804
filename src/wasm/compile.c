/* SPDX-License-Identifier: MIT */
/* The compiler: one pass per validated body from Wasm's stack code to
 * register-form code over frame slots, with branch targets resolved. */
#include "wasm/compile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wasm/instr.h"
#include "wasm/interp.h"
#include "wasm/opcodes.h"

/*
 * The compiler keeps a virtual operand stack. An entry is a value already
 * in its home slot (nlocals + position), a local not yet copied (local.get
 * emits nothing), or a constant not yet written. Entries are written to
 * their homes ("materialized") when control flow joins or a call needs
 * them, and a local's pending readers are materialized before it is
 * overwritten. Validation already proved the types, so only heights and
 * arities matter here.
 */
enum { VK_SLOT, VK_LOCAL, VK_CONST };

struct vent {
    uint8_t kind;
    uint32_t idx; /* slot for VK_SLOT and VK_LOCAL */
    uint64_t k;   /* VK_CONST */
};

enum { CK_FUNC, CK_BLOCK, CK_LOOP, CK_IF, CK_ELSE };

#define NO_PATCH UINT32_MAX
#define NONE SIZE_MAX

/* Compiled code is a few words per instruction, but branches carrying
 * many values emit copies per branch: cap what a hostile body can cost. */
#define MAX_FUNC_WORDS (16u * 1024 * 1024)
#define MAX_MODULE_WORDS (64u * 1024 * 1024)

/* Longest straight-line run charged at once. */
#define MAX_RUN 1024u

struct ctl {
    uint8_t kind;
    uint8_t dead;    /* opened in unreachable code: emits nothing */
    uint8_t live_in; /* reachable at entry */
    uint32_t np, nr;
    uint32_t height;     /* operand height below the block's params */
    uint32_t target;     /* loop: code index of its start */
    uint32_t patch;      /* chain of words waiting for the end label */
    uint32_t else_patch; /* if: the word waiting for the else arm */
};

/* The last compare, kept so a following br_if or if can fuse with it. */
struct cmp {
    uint8_t op; /* Wasm opcode, IG_OP_I32_EQZ included */
    int is_k;
    uint32_t a, b;
};

struct cc {
    const struct ig_wasm_module *m;
    uint32_t *code; /* scratch for the current function, reused */
    size_t len, cap;
    size_t lim;      /* words emittable without a check: cap and the limits */
    uint32_t *words; /* every finished function's code and offset map */
    size_t nwords, wcap;
    size_t total; /* words of the functions compiled before this one */
    uint32_t *offmap;
    size_t noff, offcap;
    struct vent *vs;
    uint32_t vh, vcap;
    uint32_t clean; /* entries below this position are all in their homes */
    struct ctl *cs;
    uint32_t ch, ccap;
    uint32_t *lrefs; /* pending VK_LOCAL entries per local */
    uint32_t lcap;
    uint32_t nlocals, nresults, maxh, pending;
    const uint8_t *body_end;
    int dead;
    size_t last_dst;   /* d word of the op that made the top entry */
    size_t cmp_start;  /* start of that op when it is a fusable compare */
    size_t copy_start; /* start of the last op when it is a lone COPY */
    struct cmp cmp;
    int rc;
};

/* ------------------------------------------------------------ tables */

#define MAP_PLAIN(n) [IG_OP_##n] = IG_I_##n,
#define MAP_IMM(n) [IG_OP_##n] = IG_I_##n##_K,
#define MAP_BR(n) [IG_OP_##n] = IG_I_BR_##n,

static const uint16_t unary_map[256] = { IG_IOPS_UNARY(MAP_PLAIN) };
static const uint16_t binary_map[256] = { IG_IOPS_BINARY(MAP_PLAIN) };
static const uint16_t binimm_map[256] = { IG_IOPS_BINIMM(MAP_IMM) };
static const uint16_t brcmp_map[256] = { IG_IOPS_BRCMP(MAP_BR) };
static const uint16_t load_map[256] = { IG_IOPS_LOAD(MAP_PLAIN) };
static const uint16_t store_map[256] = { IG_IOPS_STORE(MAP_PLAIN) };
static const uint16_t sat_map[8] = { IG_IOPS_SAT(IG_IOP_PLAIN) };

/* The compare that is true exactly when op is false. */
static uint8_t negate_cmp(uint8_t op)
{
    switch (op) {
        case IG_OP_I32_EQ:
            return IG_OP_I32_NE;
        case IG_OP_I32_NE:
            return IG_OP_I32_EQ;
        case IG_OP_I32_LT_S:
            return IG_OP_I32_GE_S;
        case IG_OP_I32_GE_S:
            return IG_OP_I32_LT_S;
        case IG_OP_I32_LT_U:
            return IG_OP_I32_GE_U;
        case IG_OP_I32_GE_U:
            return IG_OP_I32_LT_U;
        case IG_OP_I32_GT_S:
            return IG_OP_I32_LE_S;
        case IG_OP_I32_LE_S:
            return IG_OP_I32_GT_S;
        case IG_OP_I32_GT_U:
            return IG_OP_I32_LE_U;
        default:
            return IG_OP_I32_GT_U; /* IG_OP_I32_LE_U */
    }
}

static int is_i64_binop(uint8_t op)
{
    return (op >= IG_OP_I64_EQ && op <= IG_OP_I64_GE_U) ||
           (op >= IG_OP_I64_ADD && op <= IG_OP_I64_ROTR);
}

/* ---------------------------------------------------------- emission */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t n = *cap ? *cap : 64;
    void *q;

    if (need <= *cap)
        return 0;
    while (n < need)
        n *= 2;
    q = realloc(*p, n * size);
    if (!q)
        return -ENOMEM;
    *p = q;
    *cap = n;
    return 0;
}

/* The most words the current function may reach before emission has to
 * check again: the buffer's capacity, capped by both code limits. */
static void set_lim(struct cc *c)
{
    size_t lim = c->cap < MAX_FUNC_WORDS ? c->cap : MAX_FUNC_WORDS;

    if (c->total > MAX_MODULE_WORDS)
        lim = 0;
    else if (lim > MAX_MODULE_WORDS - c->total)
        lim = MAX_MODULE_WORDS - c->total;
    c->lim = lim;
}

/* The slow path of emission: room for n more words, or c->rc set. */
static int reserve(struct cc *c, size_t n)
{
    if (c->len + n > MAX_FUNC_WORDS ||
        c->total + c->len + n > MAX_MODULE_WORDS) {
        c->rc = IG_EWASM_LIMIT;
        return c->rc;
    }
    if (grow((void **)&c->code, &c->cap, c->len + n, 4)) {
        c->rc = -ENOMEM;
        return c->rc;
    }
    set_lim(c);
    return 0;
}

/* Append n words. Any emission ends the peephole window; an allocation
 * failure sticks in c->rc and later emissions do nothing. The buffer is
 * reused across functions, so the common case is one compare. */
static inline void emit_words(struct cc *c, size_t n, const uint32_t *w)
{
    c->last_dst = NONE;
    c->cmp_start = NONE;
    c->copy_start = NONE;
    if (c->rc || (c->len + n > c->lim && reserve(c, n)))
        return;
    for (size_t i = 0; i < n; i++)
        c->code[c->len + i] = w[i];
    c->len += n;
}

#define emitv(c, n, ...) emit_words((c), (n), (const uint32_t[]){ __VA_ARGS__ })

/* fp[d] = fp[a]. Two copies in a row share one dispatch: shuffles of
 * locals between loop iterations are common. */
static void emit_copy(struct cc *c, uint32_t d, uint32_t a)
{
    size_t at = c->copy_start;

    if (at != NONE) {
        emitv(c, 2, d, a);
        if (!c->rc)
            c->code[at] = IG_I_COPY2;
        return;
    }
    at = c->len;
    emitv(c, 3, IG_I_COPY, d, a);
    if (!c->rc)
        c->copy_start = at;
}

static void emit_const(struct cc *c, uint32_t d, uint64_t k)
{
    if (k >> 32)
        emitv(c, 4, IG_I_CONST64, d, (uint32_t)k, (uint32_t)(k >> 32));
    else
        emitv(c, 3, IG_I_CONST32, d, (uint32_t)k);
}

static void note_offset(struct cc *c, uint32_t off)
{
    if (c->noff && c->offmap[2 * (c->noff - 1)] == c->len) {
        c->offmap[2 * (c->noff - 1) + 1] = off;
        return;
    }
    if (2 * (c->noff + 1) > c->offcap &&
        grow((void **)&c->offmap, &c->offcap, 2 * (c->noff + 1), 4)) {
        c->rc = -ENOMEM;
        return;
    }
    c->offmap[2 * c->noff] = (uint32_t)c->len;
    c->offmap[2 * c->noff + 1] = off;
    c->noff++;
}

/* A point other code may jump to: peephole state must not cross it. */
static void label_here(struct cc *c)
{
    c->last_dst = NONE;
    c->cmp_start = NONE;
    c->copy_start = NONE;
}

static void resolve(struct cc *c, uint32_t chain, uint32_t target)
{
    while (chain != NO_PATCH && !c->rc) {
        uint32_t next = c->code[chain];
        c->code[chain] = target;
        chain = next;
    }
}

/* Charge the instructions of a run that falls into a label. */
static void flush_fuel(struct cc *c)
{
    if (c->pending && !c->dead)
        emitv(c, 2, IG_I_FUEL, c->pending);
    c->pending = 0;
}

static uint32_t take_fuel(struct cc *c)
{
    uint32_t f = c->pending;
    c->pending = 0;
    return f;
}

/* ---------------------------------------------------- virtual stack */

static uint32_t home(const struct cc *c, uint32_t pos)
{
    return c->nlocals + pos;
}

static struct vent *push(struct cc *c)
{
    size_t cap = c->vcap;

    if (c->vh >= c->vcap) {
        if (grow((void **)&c->vs, &cap, (size_t)c->vh + 1, sizeof *c->vs)) {
            c->rc = -ENOMEM;
            return NULL;
        }
        c->vcap = (uint32_t)cap;
    }
    c->vh++;
    if (c->vh > c->maxh)
        c->maxh = c->vh;
    return &c->vs[c->vh - 1];
}

static void push_slot(struct cc *c)
{
    struct vent *e = push(c);
    if (e) {
        e->kind = VK_SLOT;
        e->idx = home(c, c->vh - 1);
    }
}

static void push_local(struct cc *c, uint32_t x)
{
    struct vent *e = push(c);
    if (e) {
        e->kind = VK_LOCAL;
        e->idx = x;
        c->lrefs[x]++;
    }
}

static void push_const(struct cc *c, uint64_t k)
{
    struct vent *e = push(c);
    if (e) {
        e->kind = VK_CONST;
        e->k = k;
    }
}

static void pop(struct cc *c)
{
    struct vent *e = &c->vs[--c->vh];
    if (e->kind == VK_LOCAL)
        c->lrefs[e->idx]--;
    if (c->clean > c->vh)
        c->clean = c->vh;
}

static void pop_to(struct cc *c, uint32_t h)
{
    while (c->vh > h)
        pop(c);
}

static void materialize(struct cc *c, uint32_t pos)
{
    struct vent *e = &c->vs[pos];
    uint32_t h = home(c, pos);

    if (e->kind == VK_LOCAL) {
        emit_copy(c, h, e->idx);
        c->lrefs[e->idx]--;
    }
    else if (e->kind == VK_CONST) {
        emit_const(c, h, e->k);
    }
    e->kind = VK_SLOT;
    e->idx = h;
}

/* The clean mark keeps block entries from rescanning a deep stack, which
 * would make compile time quadratic. */
static void materialize_from(struct cc *c, uint32_t from)
{
    uint32_t i = from > c->clean ? from : c->clean;

    for (; i < c->vh; i++)
        materialize(c, i);
    if (from <= c->clean)
        c->clean = c->vh;
}

/* From the top down, stopping at the last pending reader of x: each
 * reader is found once, so the scans cost no more than the pushes. */
static void materialize_refs(struct cc *c, uint32_t x)
{
    uint32_t i;
    for (i = c->vh; i > 0 && c->lrefs[x]; i--)
        if (c->vs[i - 1].kind == VK_LOCAL && c->vs[i - 1].idx == x)
            materialize(c, i - 1);
}

/* The slot holding the entry at pos (constants get written first). */
static uint32_t operand(struct cc *c, uint32_t pos)
{
    if (c->vs[pos].kind == VK_CONST)
        materialize(c, pos);
    return c->vs[pos].idx;
}

/* Pop n operands into s[0..n), deepest first. */
static void take(struct cc *c, uint32_t n, uint32_t *s)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        s[i] = operand(c, c->vh - n + i);
    pop_to(c, c->vh - n);
}

/* Emit a value-producing op "iop d a..." whose d is the new top entry. */
static void emit_value(struct cc *c,
                       int n,
                       uint32_t iop,
                       uint32_t a,
                       uint32_t b,
                       uint32_t x)
{
    size_t start = c->len;
    uint32_t d = home(c, c->vh);

    if (n == 2)
        emitv(c, 2, iop, d);
    else if (n == 3)
        emitv(c, 3, iop, d, a);
    else if (n == 4)
        emitv(c, 4, iop, d, a, b);
    else
        emitv(c, 5, iop, d, a, b, x);
    push_slot(c);
    if (!c->rc)
        c->last_dst = start + 1;
}

/* ------------------------------------------------------------- ops */

static void c_unary(struct cc *c, uint8_t op, uint32_t iop)
{
    uint32_t a;
    size_t start;

    take(c, 1, &a);
    start = c->len;
    emit_value(c, 3, iop, a, 0, 0);
    if (op == IG_OP_I32_EQZ && !c->rc) {
        c->cmp_start = start;
        c->cmp = (struct cmp){ op, 0, a, 0 };
    }
}

static void c_binary(struct cc *c, uint8_t op)
{
    struct vent *t = &c->vs[c->vh - 1];
    uint32_t s[2];
    size_t start;
    int is_k = 0;

    if (binimm_map[op] && t->kind == VK_CONST &&
        (!is_i64_binop(op) ||
         (int64_t)t->k == (int64_t)(int32_t)(uint32_t)t->k)) {
        uint32_t k = (uint32_t)t->k;
        pop(c);
        take(c, 1, s);
        s[1] = k;
        is_k = 1;
    }
    else {
        take(c, 2, s);
    }
    start = c->len;
    emit_value(c, 4, is_k ? binimm_map[op] : binary_map[op], s[0], s[1], 0);
    if (brcmp_map[op] && !c->rc) {
        c->cmp_start = start;
        c->cmp = (struct cmp){ op, is_k, s[0], s[1] };
    }
}

static void c_local_set(struct cc *c, uint32_t x, int tee)
{
    struct vent *e;

    if (c->lrefs[x])
        materialize_refs(c, x);
    e = &c->vs[c->vh - 1];
    if (e->kind == VK_SLOT && c->last_dst != NONE &&
        c->code[c->last_dst] == e->idx) {
        /* Retarget the op that computed the value straight into x. */
        c->code[c->last_dst] = x;
        label_here(c);
        if (tee) {
            e->kind = VK_LOCAL;
            e->idx = x;
            c->lrefs[x]++;
            if (c->clean > c->vh - 1)
                c->clean = c->vh - 1;
            return;
        }
    }
    else if (e->kind == VK_CONST) {
        emit_const(c, x, e->k);
    }
    else {
        emit_copy(c, x, e->idx);
    }
    if (!tee)
        pop(c);
}

static void blocktype(const struct cc *c,
                      const struct ig_wasm_instr *in,
                      uint32_t *np,
                      uint32_t *nr)
{
    *np = 0;
    *nr = in->bt == IG_WASM_BT_VALTYPE ? 1 : 0;
    if (in->bt == IG_WASM_BT_TYPEIDX && in->a < c->m->ntypes) {
        *np = c->m->types[in->a].nparams;
        *nr = c->m->types[in->a].nresults;
    }
}

static struct ctl *push_ctl(struct cc *c,
                            uint8_t kind,
                            uint32_t np,
                            uint32_t nr)
{
    size_t cap = c->ccap;
    struct ctl *f;

    if (grow((void **)&c->cs, &cap, (size_t)c->ch + 1, sizeof *c->cs)) {
        c->rc = -ENOMEM;
        return NULL;
    }
    c->ccap = (uint32_t)cap;
    f = &c->cs[c->ch++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->dead = (uint8_t)c->dead;
    f->live_in = (uint8_t)!c->dead;
    f->np = np;
    f->nr = nr;
    f->height = c->vh >= np ? c->vh - np : 0;
    f->patch = NO_PATCH;
    f->else_patch = NO_PATCH;
    return f;
}

/* If the condition on top was computed by the op just emitted, take the
 * compare back so the branch can do it itself. */
static int take_cmp(struct cc *c, struct cmp *out)
{
    struct vent *e = &c->vs[c->vh - 1];

    if (c->cmp_start == NONE || e->kind != VK_SLOT ||
        c->code[c->last_dst] != e->idx)
        return 0;
    *out = c->cmp;
    c->len = c->cmp_start;
    while (c->noff && c->offmap[2 * (c->noff - 1)] > c->len)
        c->noff--;
    label_here(c);
    pop(c);
    return 1;
}

/*
 * Emit a branch taken when the condition (a fused compare, or slot a) is
 * true, or false when negate is set. The target word is linked into
 * *chain (forward) or set to target (backward, chain NULL).
 */
static void emit_cond(struct cc *c,
                      const struct cmp *cmp,
                      uint32_t a,
                      int negate,
                      uint32_t *chain,
                      uint32_t target)
{
    uint32_t t = chain ? *chain : target;
    uint32_t f = take_fuel(c);
    size_t tw;

    if (!cmp) {
        emitv(c, 4, negate ? IG_I_BR_UNLESS : IG_I_BR_IF, a, t, f);
        tw = c->len - 2;
    }
    else if (cmp->op == IG_OP_I32_EQZ) {
        emitv(c, 4, negate ? IG_I_BR_IF : IG_I_BR_UNLESS, cmp->a, t, f);
        tw = c->len - 2;
    }
    else {
        uint8_t op = negate ? negate_cmp(cmp->op) : cmp->op;
        uint32_t iop = brcmp_map[op] + (uint32_t)cmp->is_k;
        emitv(c, 5, iop, cmp->a, cmp->b, t, f);
        tw = c->len - 2;
    }
    if (chain && !c->rc)
        *chain = (uint32_t)tw;
}

/* Branch to an existing or future label: the word links into chain. */
static void emit_jump(struct cc *c, uint32_t iop, struct ctl *t)
{
    if (t->kind == CK_LOOP) {
        if (iop == IG_I_BR)
            emitv(c, 3, iop, t->target, take_fuel(c));
        else
            emitv(c, 2, iop, t->target);
        return;
    }
    if (iop == IG_I_BR)
        emitv(c, 3, iop, t->patch, take_fuel(c));
    else
        emitv(c, 2, iop, t->patch);
    if (!c->rc)
        t->patch = (uint32_t)(c->len - (iop == IG_I_BR ? 2 : 1));
}

static uint32_t arity(const struct ctl *t)
{
    return t->kind == CK_LOOP ? t->np : t->nr;
}

/* Would a branch to t have to move values? */
static int needs_moves(const struct cc *c, const struct ctl *t)
{
    uint32_t n = arity(t), i;

    if (t->kind == CK_FUNC)
        return 1;
    for (i = 0; i < n; i++) {
        const struct vent *e = &c->vs[c->vh - n + i];
        if (e->kind != VK_SLOT || e->idx != home(c, t->height + i))
            return 1;
    }
    return 0;
}

/* Write entry e to slot d without changing the virtual stack: used on
 * paths that leave, so the fall-through state stays as it was. */
static void emit_store(struct cc *c, uint32_t d, const struct vent *e)
{
    if (e->kind == VK_CONST)
        emit_const(c, d, e->k);
    else if (e->idx != d)
        emit_copy(c, d, e->idx);
}

/* Copy the top values to t's result slots. Sources sit at or above their
 * destinations, so copying upwards never clobbers a later source. */
static void emit_moves(struct cc *c, const struct ctl *t)
{
    uint32_t n = arity(t), i;

    for (i = 0; i < n; i++)
        emit_store(c, home(c, t->height + i), &c->vs[c->vh - n + i]);
}

static void emit_return(struct cc *c)
{
    uint32_t n = c->nresults, i;
    const struct vent *e;

    if (n == 0) {
        emitv(c, 2, IG_I_RET0, take_fuel(c));
    }
    else if (n == 1) {
        e = &c->vs[c->vh - 1];
        if (e->kind == VK_CONST)
            emit_const(c, home(c, c->vh - 1), e->k);
        emitv(c,
              3,
              IG_I_RET1,
              e->kind == VK_CONST ? home(c, c->vh - 1) : e->idx,
              take_fuel(c));
    }
    else {
        for (i = c->vh - n; i < c->vh; i++)
            emit_store(c, home(c, i), &c->vs[i]);
        emitv(c, 4, IG_I_RETN, take_fuel(c), n, home(c, c->vh - n));
    }
}

/* An unconditional branch to t, values moved first. */
static void emit_br_to(struct cc *c, struct ctl *t, uint32_t iop)
{
    if (t->kind == CK_FUNC) {
        emit_return(c);
        return;
    }
    emit_moves(c, t);
    emit_jump(c, iop, t);
}

static void c_br(struct cc *c, uint32_t depth)
{
    emit_br_to(c, &c->cs[c->ch - 1 - depth], IG_I_BR);
    c->dead = 1;
}

static void c_br_if(struct cc *c, uint32_t depth)
{
    struct ctl *t = &c->cs[c->ch - 1 - depth];
    struct cmp cmp;
    int fused = take_cmp(c, &cmp);
    uint32_t a = 0, skip = NO_PATCH;

    if (!fused)
        take(c, 1, &a);
    if (!needs_moves(c, t)) {
        if (t->kind == CK_LOOP)
            emit_cond(c, fused ? &cmp : NULL, a, 0, NULL, t->target);
        else
            emit_cond(c, fused ? &cmp : NULL, a, 0, &t->patch, 0);
        return;
    }
    emit_cond(c, fused ? &cmp : NULL, a, 1, &skip, 0);
    emit_br_to(c, t, IG_I_JMP);
    label_here(c);
    resolve(c, skip, (uint32_t)c->len);
}

static void c_br_table(struct cc *c, const struct ig_wasm_instr *in)
{
    struct ig_wasm_reader r = { in->vec, c->body_end, c->m->bytes, NULL };
    uint32_t a, i, n = in->n, depth;
    size_t tab;

    take(c, 1, &a);
    emitv(c, 4, IG_I_BR_TABLE, a, take_fuel(c), n + 1);
    tab = c->len;
    for (i = 0; i <= n && !c->rc; i++) {
        if (i == n)
            depth = in->a;
        else if (ig_wasm__read_u32(&r, &depth))
            depth = 0; /* cannot happen: the validator read it */
        emitv(c, 1, depth);
    }
    /* Each target that needs moves gets a stub after the table. */
    for (i = 0; i <= n && !c->rc; i++) {
        struct ctl *t = &c->cs[c->ch - 1 - c->code[tab + i]];
        if (needs_moves(c, t)) {
            c->code[tab + i] = (uint32_t)c->len;
            emit_br_to(c, t, IG_I_JMP);
        }
        else if (t->kind == CK_LOOP) {
            c->code[tab + i] = t->target;
        }
        else {
            c->code[tab + i] = t->patch;
            t->patch = (uint32_t)(tab + i);
        }
    }
    c->dead = 1;
}

static void c_call(struct cc *c, uint32_t fidx)
{
    const struct ig_wasm_functype *ft = &c->m->types[c->m->func_types[fidx]];
    uint32_t base = c->vh - ft->nparams, i;

    materialize_from(c, base);
    emitv(c, 4, IG_I_CALL, fidx, home(c, base), take_fuel(c));
    pop_to(c, base);
    for (i = 0; i < ft->nresults; i++)
        push_slot(c);
}

static void c_call_indirect(struct cc *c, uint32_t type, uint32_t table)
{
    const struct ig_wasm_functype *ft = &c->m->types[type];
    uint32_t a, base, i;

    take(c, 1, &a);
    base = c->vh - ft->nparams;
    materialize_from(c, base);
    emitv(
      c, 6, IG_I_CALL_INDIRECT, type, table, home(c, base), a, take_fuel(c));
    pop_to(c, base);
    for (i = 0; i < ft->nresults; i++)
        push_slot(c);
}

/* --------------------------------------------------------- control */

static void c_block(struct cc *c, const struct ig_wasm_instr *in)
{
    uint32_t np, nr;
    struct ctl *f;

    blocktype(c, in, &np, &nr);
    if (c->dead) {
        push_ctl(c, CK_BLOCK, 0, 0);
        return;
    }
    materialize_from(c, 0);
    if (in->op == IG_OP_LOOP) {
        flush_fuel(c);
        label_here(c);
    }
    f = push_ctl(c, in->op == IG_OP_LOOP ? CK_LOOP : CK_BLOCK, np, nr);
    if (f)
        f->target = (uint32_t)c->len;
}

static void c_if(struct cc *c, const struct ig_wasm_instr *in)
{
    uint32_t np, nr, a = 0, chain = NO_PATCH;
    struct cmp cmp;
    int fused;
    struct ctl *f;

    blocktype(c, in, &np, &nr);
    if (c->dead) {
        push_ctl(c, CK_IF, 0, 0);
        return;
    }
    fused = take_cmp(c, &cmp);
    if (!fused)
        take(c, 1, &a);
    materialize_from(c, 0);
    emit_cond(c, fused ? &cmp : NULL, a, 1, &chain, 0);
    f = push_ctl(c, CK_IF, np, nr);
    if (f)
        f->else_patch = chain;
}

/* Drop everything the block pushed and leave n values in its homes. */
static void reset_stack(struct cc *c, const struct ctl *f, uint32_t n)
{
    uint32_t i;

    pop_to(c, f->height);
    for (i = 0; i < n; i++)
        push_slot(c);
}

static void c_else(struct cc *c)
{
    struct ctl *f = &c->cs[c->ch - 1];

    if (f->dead)
        return;
    if (!c->dead) {
        materialize_from(c, 0);
        emit_jump(c, IG_I_BR, f);
    }
    label_here(c);
    resolve(c, f->else_patch, (uint32_t)c->len);
    f->else_patch = NO_PATCH;
    f->kind = CK_ELSE;
    reset_stack(c, f, f->np);
    c->dead = !f->live_in;
    c->pending = 0;
}

static void c_end(struct cc *c)
{
    struct ctl *f = &c->cs[c->ch - 1];
    int has_in;

    if (f->dead) {
        c->ch--;
        return;
    }
    if (f->kind == CK_FUNC) {
        if (!c->dead)
            emit_return(c);
        c->ch--;
        return;
    }
    if (!c->dead)
        materialize_from(c, 0);
    if (f->kind != CK_LOOP) {
        has_in = f->patch != NO_PATCH || f->else_patch != NO_PATCH;
        /* No branch arrives here: the run simply goes on. */
        if (has_in)
            flush_fuel(c);
        label_here(c);
        resolve(c, f->patch, (uint32_t)c->len);
        resolve(c, f->else_patch, (uint32_t)c->len);
        c->dead = c->dead && !has_in;
    }
    reset_stack(c, f, f->nr);
    c->ch--;
}

/* ------------------------------------------------------------ bodies */

static void c_misc(struct cc *c, const struct ig_wasm_instr *in)
{
    uint32_t s[3];

    switch (in->sub) {
        case IG_OPFC_MEMORY_INIT:
            take(c, 3, s);
            emitv(c, 5, IG_I_MEMORY_INIT, in->a, s[0], s[1], s[2]);
            break;
        case IG_OPFC_DATA_DROP:
            emitv(c, 2, IG_I_DATA_DROP, in->a);
            break;
        case IG_OPFC_MEMORY_COPY:
            take(c, 3, s);
            emitv(c, 4, IG_I_MEMORY_COPY, s[0], s[1], s[2]);
            break;
        case IG_OPFC_MEMORY_FILL:
            take(c, 3, s);
            emitv(c, 4, IG_I_MEMORY_FILL, s[0], s[1], s[2]);
            break;
        case IG_OPFC_TABLE_INIT:
            take(c, 3, s);
            emitv(c, 6, IG_I_TABLE_INIT, in->a, in->b, s[0], s[1], s[2]);
            break;
        case IG_OPFC_ELEM_DROP:
            emitv(c, 2, IG_I_ELEM_DROP, in->a);
            break;
        case IG_OPFC_TABLE_COPY:
            take(c, 3, s);
            emitv(c, 6, IG_I_TABLE_COPY, in->a, in->b, s[0], s[1], s[2]);
            break;
        case IG_OPFC_TABLE_GROW:
            take(c, 2, s);
            emit_value(c, 5, IG_I_TABLE_GROW, in->a, s[0], s[1]);
            break;
        case IG_OPFC_TABLE_SIZE:
            emit_value(c, 3, IG_I_TABLE_SIZE, in->a, 0, 0);
            break;
        case IG_OPFC_TABLE_FILL:
            take(c, 3, s);
            emitv(c, 5, IG_I_TABLE_FILL, in->a, s[0], s[1], s[2]);
            break;
        default:
            if (in->sub < 8)
                c_unary(c, 0, sat_map[in->sub]);
            break;
    }
}

/* The fused form of a load, or 0. */
static uint32_t load_ak(uint8_t op)
{
    switch (op) {
        case IG_OP_I32_LOAD:
        case IG_OP_F32_LOAD:
            return IG_I_I32_LOAD_AK;
        case IG_OP_I64_LOAD:
            return IG_I_I64_LOAD_AK;
        case IG_OP_F64_LOAD:
            return IG_I_F64_LOAD_AK;
        default:
            return 0;
    }
}

/* A load of an address just computed by "i32.add k": take the add back
 * and let the load do it. */
static int fuse_load(struct cc *c, const struct ig_wasm_instr *in)
{
    struct vent *e = &c->vs[c->vh - 1];
    size_t at = c->last_dst;
    uint32_t iop = load_ak(in->op), a, k;

    if (!iop || at == NONE || e->kind != VK_SLOT || c->code[at] != e->idx ||
        c->code[at - 1] != IG_I_I32_ADD_K)
        return 0;
    a = c->code[at + 1];
    k = c->code[at + 2];
    c->len = at - 1;
    while (c->noff && c->offmap[2 * (c->noff - 1)] > c->len)
        c->noff--;
    label_here(c);
    pop(c);
    emit_value(c, 5, iop, a, k, in->b);
    return 1;
}

static void c_memory(struct cc *c, const struct ig_wasm_instr *in)
{
    uint32_t s[2];

    if (fuse_load(c, in))
        return;
    if (load_map[in->op]) {
        take(c, 1, s);
        emit_value(c, 4, load_map[in->op], s[0], in->b, 0);
    }
    else {
        take(c, 2, s);
        emitv(c, 4, store_map[in->op], s[0], s[1], in->b);
    }
}

static void c_variable(struct cc *c, const struct ig_wasm_instr *in)
{
    uint32_t s[2];

    switch (in->op) {
        case IG_OP_LOCAL_GET:
            push_local(c, in->a);
            break;
        case IG_OP_LOCAL_SET:
            c_local_set(c, in->a, 0);
            break;
        case IG_OP_LOCAL_TEE:
            c_local_set(c, in->a, 1);
            break;
        case IG_OP_GLOBAL_GET:
            emit_value(c, 3, IG_I_GLOBAL_GET, in->a, 0, 0);
            break;
        case IG_OP_GLOBAL_SET:
            take(c, 1, s);
            emitv(c, 3, IG_I_GLOBAL_SET, in->a, s[0]);
            break;
        case IG_OP_TABLE_GET:
            take(c, 1, s);
            emit_value(c, 4, IG_I_TABLE_GET, in->a, s[0], 0);
            break;
        default: /* TABLE_SET */
            take(c, 2, s);
            emitv(c, 4, IG_I_TABLE_SET, in->a, s[0], s[1]);
            break;
    }
}

static void c_parametric(struct cc *c, const struct ig_wasm_instr *in)
{
    uint32_t s[3];

    switch (in->op) {
        case IG_OP_DROP:
            pop(c);
            break;
        case IG_OP_SELECT:
        case IG_OP_SELECT_T:
            take(c, 3, s);
            emit_value(c, 5, IG_I_SELECT, s[0], s[1], s[2]);
            break;
        case IG_OP_MEMORY_SIZE:
            emit_value(c, 2, IG_I_MEMORY_SIZE, 0, 0, 0);
            break;
        case IG_OP_MEMORY_GROW:
            take(c, 1, s);
            emit_value(c, 3, IG_I_MEMORY_GROW, s[0], 0, 0);
            break;
        case IG_OP_REF_NULL:
            push_const(c, 0);
            break;
        case IG_OP_REF_IS_NULL:
            c_unary(c, 0, IG_I_I64_EQZ);
            break;
        case IG_OP_REF_FUNC:
            emit_value(c, 3, IG_I_REF_FUNC, in->a, 0, 0);
            break;
        case IG_OP_I32_CONST:
        case IG_OP_F32_CONST:
            push_const(c, (uint32_t)in->bits);
            break;
        case IG_OP_I64_CONST:
        case IG_OP_F64_CONST:
            push_const(c, in->bits);
            break;
        default:
            break;
    }
}

static void c_control(struct cc *c, const struct ig_wasm_instr *in)
{
    switch (in->op) {
        case IG_OP_UNREACHABLE:
            emitv(c, 1, IG_I_UNREACHABLE);
            c->dead = 1;
            break;
        case IG_OP_NOP:
            break;
        case IG_OP_BLOCK:
        case IG_OP_LOOP:
            c_block(c, in);
            break;
        case IG_OP_IF:
            c_if(c, in);
            break;
        case IG_OP_ELSE:
            c_else(c);
            break;
        case IG_OP_END:
            c_end(c);
            break;
        case IG_OP_BR:
            c_br(c, in->a);
            break;
        case IG_OP_BR_IF:
            c_br_if(c, in->a);
            break;
        case IG_OP_BR_TABLE:
            c_br_table(c, in);
            break;
        case IG_OP_RETURN:
            emit_return(c);
            c->dead = 1;
            break;
        case IG_OP_CALL:
            c_call(c, in->a);
            break;
        default: /* CALL_INDIRECT */
            c_call_indirect(c, in->a, in->b);
            break;
    }
}

static void c_instr(struct cc *c, const struct ig_wasm_instr *in)
{
    uint8_t op = in->op;

    if (op <= IG_OP_CALL_INDIRECT)
        c_control(c, in);
    else if (op >= IG_OP_LOCAL_GET && op <= IG_OP_TABLE_SET)
        c_variable(c, in);
    else if (op >= IG_OP_I32_LOAD && op <= IG_OP_I64_STORE32)
        c_memory(c, in);
    else if (op == IG_OP_PREFIX_FC)
        c_misc(c, in);
    else if (unary_map[op])
        c_unary(c, op, unary_map[op]);
    else if (binary_map[op])
        c_binary(c, op);
    else
        c_parametric(c, in);
}

/* In unreachable code only the nesting matters. */
static void c_dead(struct cc *c, const struct ig_wasm_instr *in)
{
    switch (in->op) {
        case IG_OP_BLOCK:
        case IG_OP_LOOP:
        case IG_OP_IF:
            push_ctl(c, CK_BLOCK, 0, 0);
            break;
        case IG_OP_ELSE:
            c_else(c);
            break;
        case IG_OP_END:
            c_end(c);
            break;
        default:
            break;
    }
}

static int setup_func(struct cc *c,
                      const struct ig_wasm_funcdef *fd,
                      const struct ig_wasm_functype *ft)
{
    size_t cap = c->lcap;

    c->nlocals = ft->nparams + fd->nlocals;
    c->nresults = ft->nresults;
    if (grow((void **)&c->lrefs, &cap, (size_t)c->nlocals + 1, 4))
        return -ENOMEM;
    c->lcap = (uint32_t)cap;
    memset(c->lrefs, 0, ((size_t)c->nlocals + 1) * 4);
    c->len = 0;
    c->noff = 0;
    set_lim(c);
    c->vh = c->ch = c->maxh = c->pending = c->clean = 0;
    c->dead = 0;
    c->last_dst = c->cmp_start = c->copy_start = NONE;
    push_ctl(c, CK_FUNC, 0, ft->nresults);
    return c->rc;
}

static int run_body(struct cc *c, const struct ig_wasm_funcdef *fd)
{
    struct ig_wasm_reader r;
    struct ig_wasm_instr in;

    r.p = fd->code;
    r.end = fd->code + fd->code_len;
    r.start = c->m->bytes;
    r.why = NULL;
    c->body_end = r.end;
    while (c->ch > 0 && !c->rc) {
        uint32_t off = (uint32_t)(r.p - c->m->bytes);
        if (ig_wasm__read_instr(&r, &in))
            return IG_EWASM_MALFORMED;
        if (c->dead) {
            c_dead(c, &in);
            continue;
        }
        note_offset(c, off);
        /* Fuel counts executed instructions; end and else only mark
         * structure, and counting them would add charges at labels. */
        if (in.op != IG_OP_END && in.op != IG_OP_ELSE)
            c->pending++;
        c_instr(c, &in);
        /* A very long straight-line run is charged (and polled) in
         * parts, so the deadline holds even there. */
        if (c->pending >= MAX_RUN)
            flush_fuel(c);
    }
    return c->rc;
}

/* Move the finished function from the scratch buffers to the end of the
 * module's block; its pointers are set once the block stops moving. */
static int keep_func(struct cc *c)
{
    size_t n = c->len + 2 * c->noff;

    if (grow((void **)&c->words, &c->wcap, c->nwords + n, 4))
        return -ENOMEM;
    ig_wasm__interp_thread(c->code, c->len);
    if (c->len)
        memcpy(c->words + c->nwords, c->code, c->len * 4);
    if (c->noff)
        memcpy(c->words + c->nwords + c->len, c->offmap, c->noff * 8);
    c->nwords += n;
    return 0;
}

static int compile_func(struct cc *c, uint32_t i, char *err, size_t errlen)
{
    struct ig_wasm_funcdef *fd = &c->m->funcs[i];
    uint32_t fidx = c->m->nfunc_imports + i;
    const struct ig_wasm_functype *ft = &c->m->types[fd->type_idx];
    struct ig_wasm_code *code = &((struct ig_wasm_code *)c->m->code_descs)[i];
    int rc = setup_func(c, fd, ft);

    if (!rc)
        rc = run_body(c, fd);
    if (!rc)
        rc = keep_func(c);
    if (rc) {
        ig_err_set(
          err, errlen, "cannot compile function %u: %s", fidx, ig_strerror(rc));
        return rc;
    }
    code->len = c->len;
    code->func_index = fidx;
    code->nparams = ft->nparams;
    code->nresults = ft->nresults;
    code->nlocals = c->nlocals;
    code->frame_slots = c->nlocals + c->maxh + 1;
    code->noffmap = c->noff;
    fd->compiled = code;
    c->total += c->len;
    return 0;
}

/* Hand the block to the module and point every function into it, in the
 * order keep_func laid them out. The block is not trimmed: it grew by
 * doubling, so at most half of it is slack, and a shrinking realloc
 * would be one more allocation that can fail. */
static void place_funcs(struct ig_wasm_module *m, struct cc *c)
{
    struct ig_wasm_code *codes = m->code_descs;
    size_t at = 0;
    uint32_t i;

    m->code_words = c->words;
    c->words = NULL;
    for (i = 0; i < m->nfuncs; i++) {
        codes[i].code = (uint32_t *)m->code_words + at;
        codes[i].offmap = codes[i].code + codes[i].len;
        at += codes[i].len + 2 * codes[i].noffmap;
    }
}

int ig_wasm__compile_module(struct ig_wasm_module *m, char *err, size_t errlen)
{
    struct cc c;
    uint32_t i;
    int rc = 0;

    memset(&c, 0, sizeof c);
    c.m = m;
    m->code_descs =
      calloc(m->nfuncs ? m->nfuncs : 1, sizeof(struct ig_wasm_code));
    if (!m->code_descs)
        rc = -ENOMEM;
    for (i = 0; i < m->nfuncs && !rc; i++)
        rc = compile_func(&c, i, err, errlen);
    if (!rc)
        place_funcs(m, &c);
    free(c.words);
    free(c.code);
    free(c.offmap);
    free(c.vs);
    free(c.cs);
    free(c.lrefs);
    if (rc)
        ig_wasm__free_compiled(m);
    return rc;
}

void ig_wasm__free_compiled(struct ig_wasm_module *m)
{
    uint32_t i;

    for (i = 0; m->funcs && i < m->nfuncs; i++)
        m->funcs[i].compiled = NULL;
    free(m->code_words);
    free(m->code_descs);
    m->code_words = NULL;
    m->code_descs = NULL;
}

uint32_t ig_wasm__code_offset(const struct ig_wasm_code *c, size_t pc)
{
    size_t lo = 0, hi = c->noffmap;

    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->offmap[2 * mid] <= pc)
            lo = mid;
        else
            hi = mid;
    }
    return c->noffmap ? c->offmap[2 * lo + 1] : 0;
}
