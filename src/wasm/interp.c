/* SPDX-License-Identifier: MIT */
/* The interpreter: one loop of small cases over register-form code, with
 * explicit frames in the store, and the public entry ig_wasm_call(). */
#include "wasm/interp.h"

#include <errno.h>
#include <string.h>

#include "wasm/compile.h"
#include "wasm/instance.h"
#include "wasm/numeric.h"
#include "wasm/objects.h"
#include "wasm/store.h"

/* Guest memory is read and written in host byte order. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the wasm engine needs a little-endian host"
#endif

/* Computed goto where the compiler has it, a switch elsewhere. */
#if defined(__GNUC__) && !defined(IG_WASM_NO_CGOTO)
#define IG_CGOTO 1
#else
#define IG_CGOTO 0
#endif

/* Call host function f with its arguments at argv; its results replace
 * them. scratch..end is free stack above the caller's frame. */
static int call_host(struct ig_wasm_store *s,
                     struct ig_wasm_func *f,
                     struct ig_wasm_instance *caller,
                     uint64_t *argv,
                     uint64_t *scratch,
                     const uint64_t *end)
{
    uint32_t np = f->type->nparams, nr = f->type->nresults;
    struct ig_wasm_caller c = { s, caller };
    int rc;

    if (scratch > end || (size_t)(end - scratch) < (size_t)np + nr)
        return IG_ETRAP_STACK;
    /* The host sees separate argument and result arrays. */
    memcpy(scratch, argv, (size_t)np * 8);
    ig_wasm__fuel_sync(s);
    rc = f->host(&c, f->user, scratch, scratch + np);
    ig_wasm__fuel_arm(s);
    if (rc == 0)
        memcpy(argv, scratch + np, (size_t)nr * 8);
    return rc;
}

static void note_trap(struct ig_wasm_store *s,
                      int rc,
                      const struct ig_wasm_code *code,
                      const uint32_t *pc)
{
    uint32_t off = ig_wasm__code_offset(code, (size_t)(pc - code->code));
    ig_wasm__store_error(s, rc, code->func_index, off, 1);
}

#define W(i) (pc[i])
#define S(i) (fp[pc[i]])
#define D (fp[pc[1]])

#if IG_CGOTO
#define CASE(n) L_##n:
#define NEXT goto *(const void *)((const char *)&&L_UNREACHABLE + (int32_t)*pc)
#else
#define CASE(n) case IG_I_##n:
#define NEXT goto dispatch
#endif

#define TRAP(code)                                                             \
    do {                                                                       \
        rc = IG_ETRAP_##code;                                                  \
        goto trap;                                                             \
    } while (0)

#define CHECK(expr)                                                            \
    do {                                                                       \
        if ((rc = (expr)) != 0)                                                \
            goto trap;                                                         \
    } while (0)

/* Charge fuel for the run ending here; poll when the counter runs out. */
#define CHARGE(f)                                                              \
    do {                                                                       \
        if ((ctr -= (int64_t)(f)) < 0) {                                       \
            s->ctr = ctr;                                                      \
            rc = ig_wasm__store_poll(s);                                       \
            ctr = s->ctr;                                                      \
            if (rc)                                                            \
                goto trap;                                                     \
        }                                                                      \
    } while (0)

/* The memory of the running instance may move after calls and grows. */
#define REFRESH_MEM()                                                          \
    do {                                                                       \
        mbase = inst->mem0 ? inst->mem0->data : NULL;                          \
        msize = inst->mem0 ? inst->mem0->size : 0;                             \
    } while (0)

#define UN(n, T, get, e, put)                                                  \
    CASE(n)                                                                    \
    {                                                                          \
        T a = get(S(2));                                                       \
        D = put(e);                                                            \
        pc += 3;                                                               \
        NEXT;                                                                  \
    }

#define BIN(n, T, get, e, put)                                                 \
    CASE(n)                                                                    \
    {                                                                          \
        T a = get(S(2)), b = get(S(3));                                        \
        D = put(e);                                                            \
        pc += 4;                                                               \
        NEXT;                                                                  \
    }

#define BINK(n, T, get, kget, e, put)                                          \
    CASE(n##_K)                                                                \
    {                                                                          \
        T a = get(S(2)), b = kget(W(3));                                       \
        D = put(e);                                                            \
        pc += 4;                                                               \
        NEXT;                                                                  \
    }

#define U32(x) ((uint32_t)(x))
#define U64(x) ((uint64_t)(x))
#define S32(x) ((int32_t)(uint32_t)(x))
#define S64(x) ((int64_t)(x))
#define KS64(x) ((uint64_t)(int64_t)(int32_t)(x))
#define F32(x) ig_f32(x)
#define F64(x) ig_f64(x)
#define B32(x) ig_bits32(x)
#define B64(x) ig_bits64(x)

#define I32_BIN(n, e) BIN(n, uint32_t, U32, e, U32)
#define I32_BOTH(n, e)                                                         \
    I32_BIN(n, e)                                                              \
    BINK(n, uint32_t, U32, U32, e, U32)
#define I64_BIN(n, e) BIN(n, uint64_t, U64, e, U64)
#define I64_BOTH(n, e)                                                         \
    I64_BIN(n, e)                                                              \
    BINK(n, uint64_t, U64, KS64, e, U64)

#define BRCMP(n, e)                                                            \
    CASE(BR_##n)                                                               \
    {                                                                          \
        uint32_t a = U32(S(1)), b = U32(S(2));                                 \
        CHARGE(W(4));                                                          \
        pc = (e) ? cbase + W(3) : pc + 5;                                      \
        NEXT;                                                                  \
    }                                                                          \
    CASE(BR_##n##_K)                                                           \
    {                                                                          \
        uint32_t a = U32(S(1)), b = W(2);                                      \
        CHARGE(W(4));                                                          \
        pc = (e) ? cbase + W(3) : pc + 5;                                      \
        NEXT;                                                                  \
    }

#define LOAD(n, T, conv)                                                       \
    CASE(n)                                                                    \
    {                                                                          \
        uint64_t ea = (uint64_t)U32(S(2)) + W(3);                              \
        T v;                                                                   \
        if (ea + sizeof v > msize)                                             \
            TRAP(MEM_OOB);                                                     \
        memcpy(&v, mbase + ea, sizeof v);                                      \
        D = (conv);                                                            \
        pc += 4;                                                               \
        NEXT;                                                                  \
    }

/* A load whose address is an i32.add of a constant, kept 32-bit. */
#define LOAD_AK(n, T)                                                          \
    CASE(n)                                                                    \
    {                                                                          \
        uint64_t ea = (uint64_t)U32(S(2) + W(3)) + W(4);                       \
        T v;                                                                   \
        if (ea + sizeof v > msize)                                             \
            TRAP(MEM_OOB);                                                     \
        memcpy(&v, mbase + ea, sizeof v);                                      \
        D = v;                                                                 \
        pc += 5;                                                               \
        NEXT;                                                                  \
    }

#define STORE(n, T)                                                            \
    CASE(n)                                                                    \
    {                                                                          \
        uint64_t ea = (uint64_t)U32(S(1)) + W(3);                              \
        T v = (T)S(2);                                                         \
        if (ea + sizeof v > msize)                                             \
            TRAP(MEM_OOB);                                                     \
        memcpy(mbase + ea, &v, sizeof v);                                      \
        pc += 4;                                                               \
        NEXT;                                                                  \
    }

#define TRUNC(n, T, get, lo, hi, conv)                                         \
    CASE(n)                                                                    \
    {                                                                          \
        double x = (double)get(S(2));                                          \
        CHECK(ig_trunc_check(x, lo, hi));                                      \
        D = conv((T)x);                                                        \
        pc += 3;                                                               \
        NEXT;                                                                  \
    }

#define SIGN32 0x80000000u
#define SIGN64 0x8000000000000000u

#if IG_CGOTO
/* Words per instruction, for threading a compiled function. */
static uint32_t op_len(const uint32_t *pc)
{
    static const uint8_t misc[] = {
        1, 2, 2, 3, 4, 4, 0, 4, 6, 2, 3, 4, 3, 5, 3, 4, 5, 3, 3,
        2, 3, 3, 4, 4, 3, 5, 5, 6, 6, 2, 5, 2, 4, 4, 5, 5, 5,
    };
    uint32_t op = *pc;

    if (op == IG_I_BR_TABLE)
        return 4 + pc[3];
    if (op < IG_I_I32_EQZ)
        return misc[op];
    if (op < IG_I_I32_EQ)
        return 3; /* unary */
    if (op >= IG_I_BR_I32_EQ && op < IG_I_I32_LOAD)
        return 5; /* fused compare-branch */
    return 4;     /* binary, immediate, load, store */
}
#endif

/*
 * The interpreter proper. With thread set it only rewrites that code's
 * opcodes into offsets of their cases from the first one (direct
 * threading: dispatch needs no table load), which only this function can
 * compute.
 */
static int interp(struct ig_wasm_store *s,
                  struct ig_wasm_func *f,
                  uint64_t *fp,
                  uint32_t *thread,
                  size_t tlen)
{
#if IG_CGOTO
#define LBL_DIFF(l) (int32_t)((const char *)&&l - (const char *)&&L_UNREACHABLE)
#define LBL_OFF(n) LBL_DIFF(L_##n),
#define LBL_IMM(n) LBL_DIFF(L_##n##_K),
#define LBL_BR(n) LBL_DIFF(L_BR_##n), LBL_DIFF(L_BR_##n##_K),
    static const int32_t offs[IG_I_COUNT] = {
        IG_IOPS_MISC(LBL_OFF) IG_IOPS_UNARY(LBL_OFF) IG_IOPS_SAT(LBL_OFF)
          IG_IOPS_BINARY(LBL_OFF) IG_IOPS_BINIMM(LBL_IMM) IG_IOPS_BRCMP(LBL_BR)
            IG_IOPS_LOAD(LBL_OFF) IG_IOPS_STORE(LBL_OFF)
    };
#endif
    struct ig_wasm_func *func, *callee;
    struct ig_wasm_instance *inst;
    const struct ig_wasm_code *code;
    const uint32_t *cbase, *pc;
    const uint64_t *stack_end;
    uint32_t depth = 0, max_depth;
    uint64_t *nfp;
    uint8_t *mbase;
    uint64_t msize;
    int64_t ctr;
    int rc = 0;

    if (thread) {
#if IG_CGOTO
        size_t i = 0;
        while (i < tlen) {
            uint32_t n = op_len(thread + i);
            thread[i] = (uint32_t)offs[thread[i]];
            i += n;
        }
#endif
        (void)tlen;
        return 0;
    }
    func = f;
    inst = f->inst;
    code = f->code;
    cbase = pc = code->code;
    stack_end = s->stack + s->cfg.max_stack_slots;
    max_depth = s->cfg.max_call_depth;
    ctr = s->ctr;

    if (max_depth == 0 || fp + code->frame_slots > stack_end) {
        rc = IG_ETRAP_STACK;
        goto trap;
    }
    memset(fp + code->nparams, 0, (size_t)(code->nlocals - code->nparams) * 8);
    REFRESH_MEM();

#if IG_CGOTO
    NEXT;
#else
dispatch:
    switch (*pc) {
#endif

    /* ------------------------------------------------------ control */
    CASE(UNREACHABLE)
    TRAP(UNREACHABLE);
    CASE(FUEL)
    {
        CHARGE(W(1));
        pc += 2;
        NEXT;
    }
    CASE(JMP)
    {
        pc = cbase + W(1);
        NEXT;
    }
    CASE(BR)
    {
        CHARGE(W(2));
        pc = cbase + W(1);
        NEXT;
    }
    CASE(BR_IF)
    {
        CHARGE(W(3));
        pc = U32(S(1)) ? cbase + W(2) : pc + 4;
        NEXT;
    }
    CASE(BR_UNLESS)
    {
        CHARGE(W(3));
        pc = U32(S(1)) ? pc + 4 : cbase + W(2);
        NEXT;
    }
    CASE(BR_TABLE)
    {
        uint32_t i = U32(S(1)), n = W(3);
        CHARGE(W(2));
        if (i >= n - 1)
            i = n - 1;
        pc = cbase + pc[4 + i];
        NEXT;
    }
    CASE(CALL)
    {
        CHARGE(W(3));
        callee = inst->funcs[W(1)];
        nfp = fp + W(2);
        pc += 4;
        goto do_call;
    }
    CASE(CALL_INDIRECT)
    {
        const struct ig_wasm_table *t = inst->tables[W(2)];
        uint32_t i = U32(S(4));
        CHARGE(W(5));
        if (i >= t->size)
            TRAP(TABLE_OOB);
        callee = (struct ig_wasm_func *)(uintptr_t)t->elems[i];
        if (!callee)
            TRAP(NULL_FUNC);
        if (callee->type_id != inst->type_ids[W(1)])
            TRAP(SIG);
        nfp = fp + W(3);
        pc += 6;
        goto do_call;
    }
    CASE(RET0)
    {
        CHARGE(W(1));
        goto do_return;
    }
    CASE(RET1)
    {
        CHARGE(W(2));
        fp[0] = S(1);
        goto do_return;
    }
    CASE(RETN)
    {
        uint32_t i, n = W(2), b = W(3);
        CHARGE(W(1));
        for (i = 0; i < n; i++)
            fp[i] = fp[b + i];
        goto do_return;
    }
    CASE(COPY)
    {
        D = S(2);
        pc += 3;
        NEXT;
    }
    CASE(COPY2)
    {
        D = S(2);
        S(3) = S(4);
        pc += 5;
        NEXT;
    }
    CASE(CONST32)
    {
        D = W(2);
        pc += 3;
        NEXT;
    }
    CASE(CONST64)
    {
        D = (uint64_t)W(2) | (uint64_t)W(3) << 32;
        pc += 4;
        NEXT;
    }
    CASE(SELECT)
    {
        D = U32(S(4)) ? S(2) : S(3);
        pc += 5;
        NEXT;
    }

    /* ---------------------------------------------- variables, refs */
    CASE(GLOBAL_GET)
    {
        D = inst->globals[W(2)]->val;
        pc += 3;
        NEXT;
    }
    CASE(GLOBAL_SET)
    {
        inst->globals[W(1)]->val = S(2);
        pc += 3;
        NEXT;
    }
    CASE(REF_FUNC)
    {
        D = (uint64_t)(uintptr_t)inst->funcs[W(2)];
        pc += 3;
        NEXT;
    }
    CASE(TABLE_GET)
    {
        const struct ig_wasm_table *t = inst->tables[W(2)];
        uint32_t i = U32(S(3));
        if (i >= t->size)
            TRAP(TABLE_OOB);
        D = t->elems[i];
        pc += 4;
        NEXT;
    }
    CASE(TABLE_SET)
    {
        struct ig_wasm_table *t = inst->tables[W(1)];
        uint32_t i = U32(S(2));
        if (i >= t->size)
            TRAP(TABLE_OOB);
        t->elems[i] = S(3);
        pc += 4;
        NEXT;
    }
    CASE(TABLE_SIZE)
    {
        D = inst->tables[W(2)]->size;
        pc += 3;
        NEXT;
    }
    CASE(TABLE_GROW)
    {
        uint32_t old;
        int r = ig_wasm__table_grow(inst->tables[W(2)], U32(S(4)), S(3), &old);
        D = r ? UINT32_MAX : old;
        pc += 5;
        NEXT;
    }
    CASE(TABLE_FILL)
    {
        CHECK(
          ig_wasm__table_fill(inst->tables[W(1)], U32(S(2)), S(3), U32(S(4))));
        pc += 5;
        NEXT;
    }
    CASE(TABLE_COPY)
    {
        CHECK(ig_wasm__table_copy(inst->tables[W(1)],
                                  inst->tables[W(2)],
                                  U32(S(3)),
                                  U32(S(4)),
                                  U32(S(5))));
        pc += 6;
        NEXT;
    }
    CASE(TABLE_INIT)
    {
        uint32_t seg = W(1);
        CHECK(ig_wasm__table_init(inst->tables[W(2)],
                                  inst->elems[seg],
                                  inst->elem_len[seg],
                                  U32(S(3)),
                                  U32(S(4)),
                                  U32(S(5))));
        pc += 6;
        NEXT;
    }
    CASE(ELEM_DROP)
    {
        inst->elem_len[W(1)] = 0;
        pc += 2;
        NEXT;
    }

    /* ------------------------------------------------------- memory */
    CASE(MEMORY_SIZE)
    {
        D = inst->mem0->pages;
        pc += 2;
        NEXT;
    }
    CASE(MEMORY_GROW)
    {
        uint32_t old;
        int r = ig_wasm_memory_grow(inst->mem0, U32(S(2)), &old);
        D = r ? UINT32_MAX : old;
        REFRESH_MEM();
        pc += 3;
        NEXT;
    }
    CASE(MEMORY_INIT)
    {
        uint32_t seg = W(1);
        CHECK(ig_wasm__memory_init(inst->mem0,
                                   inst->m->datas[seg].bytes,
                                   ig_wasm__data_len(inst, seg),
                                   U32(S(2)),
                                   U32(S(3)),
                                   U32(S(4))));
        pc += 5;
        NEXT;
    }
    CASE(DATA_DROP)
    {
        inst->data_dropped[W(1)] = 1;
        pc += 2;
        NEXT;
    }
    CASE(MEMORY_COPY)
    {
        CHECK(
          ig_wasm__memory_copy(inst->mem0, U32(S(1)), U32(S(2)), U32(S(3))));
        pc += 4;
        NEXT;
    }
    CASE(MEMORY_FILL)
    {
        CHECK(ig_wasm__memory_fill(
          inst->mem0, U32(S(1)), (uint8_t)S(2), U32(S(3))));
        pc += 4;
        NEXT;
    }
    LOAD(I32_LOAD, uint32_t, v)
    LOAD(I64_LOAD, uint64_t, v)
    LOAD(F32_LOAD, uint32_t, v)
    LOAD(F64_LOAD, uint64_t, v)
    LOAD(I32_LOAD8_S, int8_t, U32((int32_t)v))
    LOAD(I32_LOAD8_U, uint8_t, v)
    LOAD(I32_LOAD16_S, int16_t, U32((int32_t)v))
    LOAD(I32_LOAD16_U, uint16_t, v)
    LOAD(I64_LOAD8_S, int8_t, U64((int64_t)v))
    LOAD(I64_LOAD8_U, uint8_t, v)
    LOAD(I64_LOAD16_S, int16_t, U64((int64_t)v))
    LOAD(I64_LOAD16_U, uint16_t, v)
    LOAD(I64_LOAD32_S, int32_t, U64((int64_t)v))
    LOAD(I64_LOAD32_U, uint32_t, v)
    LOAD_AK(I32_LOAD_AK, uint32_t)
    LOAD_AK(I64_LOAD_AK, uint64_t)
    LOAD_AK(F64_LOAD_AK, uint64_t)
    STORE(I32_STORE, uint32_t)
    STORE(I64_STORE, uint64_t)
    STORE(F32_STORE, uint32_t)
    STORE(F64_STORE, uint64_t)
    STORE(I32_STORE8, uint8_t)
    STORE(I32_STORE16, uint16_t)
    STORE(I64_STORE8, uint8_t)
    STORE(I64_STORE16, uint16_t)
    STORE(I64_STORE32, uint32_t)

    /* ------------------------------------------------- unary numeric */
    UN(I32_EQZ, uint32_t, U32, a == 0, U32)
    UN(I64_EQZ, uint64_t, U64, a == 0, U64)
    UN(I32_CLZ, uint32_t, U32, ig_clz32(a), U32)
    UN(I32_CTZ, uint32_t, U32, ig_ctz32(a), U32)
    UN(I32_POPCNT, uint32_t, U32, __builtin_popcount(a), U32)
    UN(I64_CLZ, uint64_t, U64, ig_clz64(a), U64)
    UN(I64_CTZ, uint64_t, U64, ig_ctz64(a), U64)
    UN(I64_POPCNT, uint64_t, U64, __builtin_popcountll(a), U64)
    UN(F32_ABS, uint64_t, U64, a & ~(uint64_t)SIGN32, U64)
    UN(F32_NEG, uint64_t, U64, a ^ SIGN32, U64)
    UN(F32_CEIL, float, F32, ig_roundf(a, 0), B32)
    UN(F32_FLOOR, float, F32, ig_roundf(a, 1), B32)
    UN(F32_TRUNC, float, F32, ig_roundf(a, 2), B32)
    UN(F32_NEAREST, float, F32, ig_roundf(a, 3), B32)
    UN(F32_SQRT, float, F32, sqrtf(a), B32)
    UN(F64_ABS, uint64_t, U64, a & ~SIGN64, U64)
    UN(F64_NEG, uint64_t, U64, a ^ SIGN64, U64)
    UN(F64_CEIL, double, F64, ig_round(a, 0), B64)
    UN(F64_FLOOR, double, F64, ig_round(a, 1), B64)
    UN(F64_TRUNC, double, F64, ig_round(a, 2), B64)
    UN(F64_NEAREST, double, F64, ig_round(a, 3), B64)
    UN(F64_SQRT, double, F64, sqrt(a), B64)
    UN(I32_WRAP_I64, uint64_t, U64, a, U32)
    TRUNC(I32_TRUNC_F32_S, int32_t, F32, IG_TRUNC_LO_S32, IG_TRUNC_HI_S32, U32)
    TRUNC(I32_TRUNC_F32_U, uint32_t, F32, IG_TRUNC_LO_U32, IG_TRUNC_HI_U32, U32)
    TRUNC(I32_TRUNC_F64_S, int32_t, F64, IG_TRUNC_LO_S32, IG_TRUNC_HI_S32, U32)
    TRUNC(I32_TRUNC_F64_U, uint32_t, F64, IG_TRUNC_LO_U32, IG_TRUNC_HI_U32, U32)
    UN(I64_EXTEND_I32_S, uint64_t, U64, (int64_t)S32(a), U64)
    UN(I64_EXTEND_I32_U, uint64_t, U64, U32(a), U64)
    TRUNC(I64_TRUNC_F32_S, int64_t, F32, IG_TRUNC_LO_S64, IG_TRUNC_HI_S64, U64)
    TRUNC(I64_TRUNC_F32_U, uint64_t, F32, IG_TRUNC_LO_U64, IG_TRUNC_HI_U64, U64)
    TRUNC(I64_TRUNC_F64_S, int64_t, F64, IG_TRUNC_LO_S64, IG_TRUNC_HI_S64, U64)
    TRUNC(I64_TRUNC_F64_U, uint64_t, F64, IG_TRUNC_LO_U64, IG_TRUNC_HI_U64, U64)
    UN(F32_CONVERT_I32_S, uint64_t, U64, (float)S32(a), B32)
    UN(F32_CONVERT_I32_U, uint64_t, U64, (float)U32(a), B32)
    UN(F32_CONVERT_I64_S, uint64_t, U64, (float)S64(a), B32)
    UN(F32_CONVERT_I64_U, uint64_t, U64, (float)a, B32)
    UN(F32_DEMOTE_F64, double, F64, (float)a, B32)
    UN(F64_CONVERT_I32_S, uint64_t, U64, (double)S32(a), B64)
    UN(F64_CONVERT_I32_U, uint64_t, U64, (double)U32(a), B64)
    UN(F64_CONVERT_I64_S, uint64_t, U64, (double)S64(a), B64)
    UN(F64_CONVERT_I64_U, uint64_t, U64, (double)a, B64)
    UN(F64_PROMOTE_F32, float, F32, (double)a, B64)
    UN(I32_EXTEND8_S, uint64_t, U64, (int32_t)(int8_t)a, U32)
    UN(I32_EXTEND16_S, uint64_t, U64, (int32_t)(int16_t)a, U32)
    UN(I64_EXTEND8_S, uint64_t, U64, (int64_t)(int8_t)a, U64)
    UN(I64_EXTEND16_S, uint64_t, U64, (int64_t)(int16_t)a, U64)
    UN(I64_EXTEND32_S, uint64_t, U64, (int64_t)(int32_t)a, U64)
    UN(I32_TRUNC_SAT_F32_S, float, F32, ig_sat_s32(a), U64)
    UN(I32_TRUNC_SAT_F32_U, float, F32, ig_sat_u32(a), U64)
    UN(I32_TRUNC_SAT_F64_S, double, F64, ig_sat_s32(a), U64)
    UN(I32_TRUNC_SAT_F64_U, double, F64, ig_sat_u32(a), U64)
    UN(I64_TRUNC_SAT_F32_S, float, F32, ig_sat_s64(a), U64)
    UN(I64_TRUNC_SAT_F32_U, float, F32, ig_sat_u64(a), U64)
    UN(I64_TRUNC_SAT_F64_S, double, F64, ig_sat_s64(a), U64)
    UN(I64_TRUNC_SAT_F64_U, double, F64, ig_sat_u64(a), U64)

    /* ------------------------------------------------ binary numeric */
    I32_BOTH(I32_EQ, a == b)
    I32_BOTH(I32_NE, a != b)
    I32_BOTH(I32_LT_S, S32(a) < S32(b))
    I32_BOTH(I32_LT_U, a < b)
    I32_BOTH(I32_GT_S, S32(a) > S32(b))
    I32_BOTH(I32_GT_U, a > b)
    I32_BOTH(I32_LE_S, S32(a) <= S32(b))
    I32_BOTH(I32_LE_U, a <= b)
    I32_BOTH(I32_GE_S, S32(a) >= S32(b))
    I32_BOTH(I32_GE_U, a >= b)
    I64_BOTH(I64_EQ, a == b)
    I64_BOTH(I64_NE, a != b)
    I64_BOTH(I64_LT_S, S64(a) < S64(b))
    I64_BOTH(I64_LT_U, a < b)
    I64_BOTH(I64_GT_S, S64(a) > S64(b))
    I64_BOTH(I64_GT_U, a > b)
    I64_BOTH(I64_LE_S, S64(a) <= S64(b))
    I64_BOTH(I64_LE_U, a <= b)
    I64_BOTH(I64_GE_S, S64(a) >= S64(b))
    I64_BOTH(I64_GE_U, a >= b)
    BIN(F32_EQ, float, F32, a == b, U64)
    BIN(F32_NE, float, F32, a != b, U64)
    BIN(F32_LT, float, F32, a < b, U64)
    BIN(F32_GT, float, F32, a > b, U64)
    BIN(F32_LE, float, F32, a <= b, U64)
    BIN(F32_GE, float, F32, a >= b, U64)
    BIN(F64_EQ, double, F64, a == b, U64)
    BIN(F64_NE, double, F64, a != b, U64)
    BIN(F64_LT, double, F64, a < b, U64)
    BIN(F64_GT, double, F64, a > b, U64)
    BIN(F64_LE, double, F64, a <= b, U64)
    BIN(F64_GE, double, F64, a >= b, U64)
    I32_BOTH(I32_ADD, a + b)
    I32_BOTH(I32_SUB, a - b)
    I32_BOTH(I32_MUL, a * b)
    CASE(I32_DIV_S)
    {
        int32_t a = S32(S(2)), b = S32(S(3));
        if (b == 0)
            TRAP(DIV_ZERO);
        if (a == INT32_MIN && b == -1)
            TRAP(INT_OVERFLOW);
        D = U32(a / b);
        pc += 4;
        NEXT;
    }
    CASE(I32_DIV_U)
    {
        uint32_t a = U32(S(2)), b = U32(S(3));
        if (b == 0)
            TRAP(DIV_ZERO);
        D = a / b;
        pc += 4;
        NEXT;
    }
    CASE(I32_REM_S)
    {
        int32_t a = S32(S(2)), b = S32(S(3));
        if (b == 0)
            TRAP(DIV_ZERO);
        D = b == -1 ? 0 : U32(a % b);
        pc += 4;
        NEXT;
    }
    CASE(I32_REM_U)
    {
        uint32_t a = U32(S(2)), b = U32(S(3));
        if (b == 0)
            TRAP(DIV_ZERO);
        D = a % b;
        pc += 4;
        NEXT;
    }
    I32_BOTH(I32_AND, a & b)
    I32_BOTH(I32_OR, a | b)
    I32_BOTH(I32_XOR, a ^ b)
    I32_BOTH(I32_SHL, a << (b & 31))
    I32_BOTH(I32_SHR_S, S32(a) >> (b & 31))
    I32_BOTH(I32_SHR_U, a >> (b & 31))
    I32_BOTH(I32_ROTL, ig_rotl32(a, b))
    I32_BIN(I32_ROTR, ig_rotr32(a, b))
    I64_BOTH(I64_ADD, a + b)
    I64_BOTH(I64_SUB, a - b)
    I64_BOTH(I64_MUL, a * b)
    CASE(I64_DIV_S)
    {
        int64_t a = S64(S(2)), b = S64(S(3));
        if (b == 0)
            TRAP(DIV_ZERO);
        if (a == INT64_MIN && b == -1)
            TRAP(INT_OVERFLOW);
        D = U64(a / b);
        pc += 4;
        NEXT;
    }
    CASE(I64_DIV_U)
    {
        uint64_t a = S(2), b = S(3);
        if (b == 0)
            TRAP(DIV_ZERO);
        D = a / b;
        pc += 4;
        NEXT;
    }
    CASE(I64_REM_S)
    {
        int64_t a = S64(S(2)), b = S64(S(3));
        if (b == 0)
            TRAP(DIV_ZERO);
        D = b == -1 ? 0 : U64(a % b);
        pc += 4;
        NEXT;
    }
    CASE(I64_REM_U)
    {
        uint64_t a = S(2), b = S(3);
        if (b == 0)
            TRAP(DIV_ZERO);
        D = a % b;
        pc += 4;
        NEXT;
    }
    I64_BOTH(I64_AND, a & b)
    I64_BOTH(I64_OR, a | b)
    I64_BOTH(I64_XOR, a ^ b)
    I64_BOTH(I64_SHL, a << (b & 63))
    I64_BOTH(I64_SHR_S, S64(a) >> (b & 63))
    I64_BOTH(I64_SHR_U, a >> (b & 63))
    I64_BIN(I64_ROTL, ig_rotl64(a, b))
    I64_BIN(I64_ROTR, ig_rotr64(a, b))
    BIN(F32_ADD, float, F32, a + b, B32)
    BIN(F32_SUB, float, F32, a - b, B32)
    BIN(F32_MUL, float, F32, a *b, B32)
    BIN(F32_DIV, float, F32, a / b, B32)
    BIN(F32_MIN, float, F32, ig_fminf(a, b), B32)
    BIN(F32_MAX, float, F32, ig_fmaxf(a, b), B32)
    BIN(
      F32_COPYSIGN, uint64_t, U64, (a & ~(uint64_t)SIGN32) | (b & SIGN32), U64)
    BIN(F64_ADD, double, F64, a + b, B64)
    BIN(F64_SUB, double, F64, a - b, B64)
    BIN(F64_MUL, double, F64, a *b, B64)
    BIN(F64_DIV, double, F64, a / b, B64)
    BIN(F64_MIN, double, F64, ig_fmin(a, b), B64)
    BIN(F64_MAX, double, F64, ig_fmax(a, b), B64)
    BIN(F64_COPYSIGN, uint64_t, U64, (a & ~SIGN64) | (b & SIGN64), U64)

    /* ------------------------------------------ fused compare-branch */
    BRCMP(I32_EQ, a == b)
    BRCMP(I32_NE, a != b)
    BRCMP(I32_LT_S, S32(a) < S32(b))
    BRCMP(I32_LT_U, a < b)
    BRCMP(I32_GT_S, S32(a) > S32(b))
    BRCMP(I32_GT_U, a > b)
    BRCMP(I32_LE_S, S32(a) <= S32(b))
    BRCMP(I32_LE_U, a <= b)
    BRCMP(I32_GE_S, S32(a) >= S32(b))
    BRCMP(I32_GE_U, a >= b)

#if !IG_CGOTO
    default:
        TRAP(UNREACHABLE);
}
#endif

do_call : if (callee->host)
{
    s->ctr = ctr;
    rc = call_host(s, callee, inst, nfp, fp + code->frame_slots, stack_end);
    ctr = s->ctr;
    if (rc) {
        pc--;
        goto trap;
    }
    REFRESH_MEM();
    NEXT;
}
if (depth + 1 >= max_depth ||
    (size_t)(stack_end - nfp) < callee->code->frame_slots) {
    pc--;
    TRAP(STACK);
}
s->frames[depth++] = (struct ig_wasm_frame){ pc, fp, func };
fp = nfp;
func = callee;
code = callee->code;
memset(fp + code->nparams, 0, (size_t)(code->nlocals - code->nparams) * 8);
cbase = pc = code->code;
if (callee->inst != inst) {
    inst = callee->inst;
    REFRESH_MEM();
}
NEXT;

do_return : if (depth == 0)
{
    s->ctr = ctr;
    return 0;
}
depth--;
pc = s->frames[depth].pc;
fp = s->frames[depth].fp;
func = s->frames[depth].func;
code = func->code;
cbase = code->code;
inst = func->inst;
REFRESH_MEM();
NEXT;

trap : s->ctr = ctr;
note_trap(s, rc, code, pc);
return rc;
}

int ig_wasm__interp_run(struct ig_wasm_store *s,
                        struct ig_wasm_func *f,
                        uint64_t *fp)
{
    return interp(s, f, fp, NULL, 0);
}

void ig_wasm__interp_thread(uint32_t *code, size_t len)
{
    interp(NULL, NULL, NULL, code, len);
}

int ig_wasm_call(ig_wasm_store_t *s,
                 ig_wasm_func_t *f,
                 const ig_wasm_val_t *args,
                 uint32_t nargs,
                 ig_wasm_val_t *results,
                 uint32_t nresults)
{
    size_t need;
    int rc;

    if (!s || !f)
        return -EINVAL;
    if (s->running)
        return IG_ESTATE;
    if (nargs != f->type->nparams || nresults != f->type->nresults)
        return IG_EWASM_TYPE;
    need = 2 * ((size_t)nargs + nresults);
    if (need > s->cfg.max_stack_slots)
        return IG_ETRAP_STACK;
    s->last_error[0] = '\0';
    atomic_store(&s->interrupt, 0);
    s->running = 1;
    if (nargs)
        memcpy(s->stack, args, (size_t)nargs * 8);
    ig_wasm__fuel_arm(s);
    if (f->host)
        rc = call_host(s,
                       f,
                       NULL,
                       s->stack,
                       s->stack + nargs,
                       s->stack + s->cfg.max_stack_slots);
    else
        rc = ig_wasm__interp_run(s, f, s->stack);
    ig_wasm__fuel_sync(s);
    s->running = 0;
    if (rc == 0 && nresults)
        memcpy(results, s->stack, (size_t)nresults * 8);
    else if (rc && !s->last_error[0])
        ig_wasm__store_error(s, rc, 0, 0, 0);
    return rc;
}
