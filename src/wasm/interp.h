/* SPDX-License-Identifier: MIT */
/* The internal instruction set (register form over frame slots) and the
 * interpreter loop that runs it. Internal to the engine. */
#ifndef IG_WASM_INTERP_H
#define IG_WASM_INTERP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every instruction is a sequence of 32-bit words: the internal opcode,
 * then operands. Operands named d, a, b, c are slot indices relative to
 * the frame base fp (locals first, then the operand stack); k is an
 * immediate; t is a code index (branch target); f is the fuel charged at
 * that point for the straight-line run that ends there.
 */

/* clang-format off */
/* Control and data movement. */
#define IG_IOPS_MISC(X)                                                      \
    X(UNREACHABLE)                                                           \
    X(FUEL)         /* f */                                                  \
    X(JMP)          /* t */                                                  \
    X(BR)           /* t f */                                                \
    X(BR_IF)        /* a t f */                                              \
    X(BR_UNLESS)    /* a t f */                                              \
    X(BR_TABLE)     /* a f n t0..tn-1 tdefault */                            \
    X(CALL)         /* funcidx base f */                                     \
    X(CALL_INDIRECT) /* typeidx table base a f */                           \
    X(RET0)         /* f */                                                  \
    X(RET1)         /* a f */                                                \
    X(RETN)         /* f n base */                                           \
    X(COPY)         /* d a */                                                \
    X(COPY2)        /* d a d2 a2: two copies, in order */                    \
    X(CONST32)      /* d k */                                                \
    X(CONST64)      /* d klo khi */                                          \
    X(SELECT)       /* d a b c: d = c ? a : b */                             \
    X(GLOBAL_GET)   /* d g */                                                \
    X(GLOBAL_SET)   /* g a */                                                \
    X(MEMORY_SIZE)  /* d */                                                  \
    X(MEMORY_GROW)  /* d a */                                                \
    X(REF_FUNC)     /* d funcidx */                                          \
    X(TABLE_GET)    /* d table a */                                          \
    X(TABLE_SET)    /* table a b */                                          \
    X(TABLE_SIZE)   /* d table */                                            \
    X(TABLE_GROW)   /* d table a(init) b(n) */                               \
    X(TABLE_FILL)   /* table a(i) b(v) c(n) */                               \
    X(TABLE_COPY)   /* dst src a b c */                                      \
    X(TABLE_INIT)   /* seg table a b c */                                    \
    X(ELEM_DROP)    /* seg */                                                \
    X(MEMORY_INIT)  /* seg a b c */                                          \
    X(DATA_DROP)    /* seg */                                                \
    X(MEMORY_COPY)  /* a b c */                                              \
    X(MEMORY_FILL)  /* a b c */                                              \
    X(I32_LOAD_AK)  /* d a k off: load at (u32)(a + k) + off */              \
    X(I64_LOAD_AK)  /* d a k off */                                          \
    X(F64_LOAD_AK)  /* d a k off */

/* d = op(a): named after the Wasm opcode they implement. */
#define IG_IOPS_UNARY(X)                                                     \
    X(I32_EQZ) X(I64_EQZ) X(I32_CLZ) X(I32_CTZ) X(I32_POPCNT) X(I64_CLZ)     \
    X(I64_CTZ) X(I64_POPCNT) X(F32_ABS) X(F32_NEG) X(F32_CEIL) X(F32_FLOOR)  \
    X(F32_TRUNC) X(F32_NEAREST) X(F32_SQRT) X(F64_ABS) X(F64_NEG)            \
    X(F64_CEIL) X(F64_FLOOR) X(F64_TRUNC) X(F64_NEAREST) X(F64_SQRT)         \
    X(I32_WRAP_I64) X(I32_TRUNC_F32_S) X(I32_TRUNC_F32_U)                    \
    X(I32_TRUNC_F64_S) X(I32_TRUNC_F64_U) X(I64_EXTEND_I32_S)                \
    X(I64_EXTEND_I32_U) X(I64_TRUNC_F32_S) X(I64_TRUNC_F32_U)                \
    X(I64_TRUNC_F64_S) X(I64_TRUNC_F64_U) X(F32_CONVERT_I32_S)               \
    X(F32_CONVERT_I32_U) X(F32_CONVERT_I64_S) X(F32_CONVERT_I64_U)           \
    X(F32_DEMOTE_F64) X(F64_CONVERT_I32_S) X(F64_CONVERT_I32_U)              \
    X(F64_CONVERT_I64_S) X(F64_CONVERT_I64_U) X(F64_PROMOTE_F32)             \
    X(I32_EXTEND8_S) X(I32_EXTEND16_S) X(I64_EXTEND8_S) X(I64_EXTEND16_S)    \
    X(I64_EXTEND32_S)

/* The saturating truncations (0xfc 0..7), also d = op(a), in sub-opcode
 * order. */
#define IG_IOPS_SAT(X)                                                       \
    X(I32_TRUNC_SAT_F32_S) X(I32_TRUNC_SAT_F32_U) X(I32_TRUNC_SAT_F64_S)     \
    X(I32_TRUNC_SAT_F64_U) X(I64_TRUNC_SAT_F32_S) X(I64_TRUNC_SAT_F32_U)     \
    X(I64_TRUNC_SAT_F64_S) X(I64_TRUNC_SAT_F64_U)

/* d = a op b. */
#define IG_IOPS_BINARY(X)                                                    \
    X(I32_EQ) X(I32_NE) X(I32_LT_S) X(I32_LT_U) X(I32_GT_S) X(I32_GT_U)      \
    X(I32_LE_S) X(I32_LE_U) X(I32_GE_S) X(I32_GE_U) X(I64_EQ) X(I64_NE)      \
    X(I64_LT_S) X(I64_LT_U) X(I64_GT_S) X(I64_GT_U) X(I64_LE_S) X(I64_LE_U)  \
    X(I64_GE_S) X(I64_GE_U) X(F32_EQ) X(F32_NE) X(F32_LT) X(F32_GT)          \
    X(F32_LE) X(F32_GE) X(F64_EQ) X(F64_NE) X(F64_LT) X(F64_GT) X(F64_LE)    \
    X(F64_GE) X(I32_ADD) X(I32_SUB) X(I32_MUL) X(I32_DIV_S) X(I32_DIV_U)     \
    X(I32_REM_S) X(I32_REM_U) X(I32_AND) X(I32_OR) X(I32_XOR) X(I32_SHL)     \
    X(I32_SHR_S) X(I32_SHR_U) X(I32_ROTL) X(I32_ROTR) X(I64_ADD) X(I64_SUB)  \
    X(I64_MUL) X(I64_DIV_S) X(I64_DIV_U) X(I64_REM_S) X(I64_REM_U)           \
    X(I64_AND) X(I64_OR) X(I64_XOR) X(I64_SHL) X(I64_SHR_S) X(I64_SHR_U)     \
    X(I64_ROTL) X(I64_ROTR) X(F32_ADD) X(F32_SUB) X(F32_MUL) X(F32_DIV)      \
    X(F32_MIN) X(F32_MAX) X(F32_COPYSIGN) X(F64_ADD) X(F64_SUB) X(F64_MUL)   \
    X(F64_DIV) X(F64_MIN) X(F64_MAX) X(F64_COPYSIGN)

/* d = a op k, k a 32-bit immediate (sign-extended for i64): the hot
 * binary operations whose right operand is so often a constant. */
#define IG_IOPS_BINIMM(X)                                                    \
    X(I32_EQ) X(I32_NE) X(I32_LT_S) X(I32_LT_U) X(I32_GT_S) X(I32_GT_U)      \
    X(I32_LE_S) X(I32_LE_U) X(I32_GE_S) X(I32_GE_U) X(I32_ADD) X(I32_SUB)    \
    X(I32_MUL) X(I32_AND) X(I32_OR) X(I32_XOR) X(I32_SHL) X(I32_SHR_S)       \
    X(I32_SHR_U) X(I32_ROTL) X(I64_ADD) X(I64_SUB) X(I64_MUL) X(I64_AND)     \
    X(I64_OR) X(I64_XOR) X(I64_SHL) X(I64_SHR_S) X(I64_SHR_U) X(I64_EQ)      \
    X(I64_NE) X(I64_LT_S) X(I64_LT_U) X(I64_GT_S) X(I64_GT_U) X(I64_LE_S)    \
    X(I64_LE_U) X(I64_GE_S) X(I64_GE_U)

/* Fused compare-and-branch on i32: "a t f" becomes "a b t f" (register
 * form) or "a k t f" (immediate form). */
#define IG_IOPS_BRCMP(X)                                                     \
    X(I32_EQ) X(I32_NE) X(I32_LT_S) X(I32_LT_U) X(I32_GT_S) X(I32_GT_U)      \
    X(I32_LE_S) X(I32_LE_U) X(I32_GE_S) X(I32_GE_U)

/* Loads "d a off", stores "a(addr) b(value) off". */
#define IG_IOPS_LOAD(X)                                                      \
    X(I32_LOAD) X(I64_LOAD) X(F32_LOAD) X(F64_LOAD) X(I32_LOAD8_S)           \
    X(I32_LOAD8_U) X(I32_LOAD16_S) X(I32_LOAD16_U) X(I64_LOAD8_S)            \
    X(I64_LOAD8_U) X(I64_LOAD16_S) X(I64_LOAD16_U) X(I64_LOAD32_S)           \
    X(I64_LOAD32_U)

#define IG_IOPS_STORE(X)                                                     \
    X(I32_STORE) X(I64_STORE) X(F32_STORE) X(F64_STORE) X(I32_STORE8)        \
    X(I32_STORE16) X(I64_STORE8) X(I64_STORE16) X(I64_STORE32)

/* clang-format on */

/* The whole set, in enum order. */
#define IG_IOP_PLAIN(n) IG_I_##n,
#define IG_IOP_IMM(n) IG_I_##n##_K,
#define IG_IOP_BR(n) IG_I_BR_##n, IG_I_BR_##n##_K,

enum ig_iop {
    IG_IOPS_MISC(IG_IOP_PLAIN) IG_IOPS_UNARY(IG_IOP_PLAIN)
      IG_IOPS_SAT(IG_IOP_PLAIN) IG_IOPS_BINARY(IG_IOP_PLAIN)
        IG_IOPS_BINIMM(IG_IOP_IMM) IG_IOPS_BRCMP(IG_IOP_BR)
          IG_IOPS_LOAD(IG_IOP_PLAIN) IG_IOPS_STORE(IG_IOP_PLAIN) IG_I_COUNT
};

struct ig_wasm_store;
struct ig_wasm_func;

/*
 * Run wasm function f (not a host function) whose arguments are already
 * in s's value stack at fp, until it returns (results at fp[0..]) or
 * traps. Returns 0, a trap code, or a host function's error code; on a
 * trap s->last_error describes it. Needs s's fuel counter armed.
 */
int ig_wasm__interp_run(struct ig_wasm_store *s,
                        struct ig_wasm_func *f,
                        uint64_t *fp);

/* Make compiled code ready to run (its final form depends on the
 * dispatch method); called once per function after compiling it. */
void ig_wasm__interp_thread(uint32_t *code, size_t len);

#endif
