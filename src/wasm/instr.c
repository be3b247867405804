/* SPDX-License-Identifier: MIT */
/* Reading one instruction: its opcode and immediates, checked for binary
 * well-formedness only (typing is the validator's job). */
#include "wasm/instr.h"

#include "util/err.h"
#include "wasm/wasm.h"

/* Immediate kind + 1 for every one-byte opcode; 0 marks an illegal one. */
static const uint8_t imm_of[256] = {
#define IMM_ENTRY(name, byte, imm) [byte] = IG_WASM_IMM_##imm + 1,
    IG_WASM_OPCODES(IMM_ENTRY)
#undef IMM_ENTRY
};

#define FC_COUNT 18
static const uint8_t imm_of_fc[FC_COUNT] = {
#define IMM_ENTRY(name, sub, imm) [sub] = IG_WASM_IMM_##imm + 1,
    IG_WASM_OPCODES_FC(IMM_ENTRY)
#undef IMM_ENTRY
};

int ig_wasm__is_valtype(uint8_t b)
{
    return b == IG_WASM_I32 || b == IG_WASM_I64 || b == IG_WASM_F32 ||
           b == IG_WASM_F64 || b == IG_WASM_FUNCREF || b == IG_WASM_EXTERNREF;
}

int ig_wasm__read_valtype(struct ig_wasm_reader *r, uint8_t *out)
{
    if (r->p >= r->end)
        return ig_wasm__reader_fail(r, "unexpected end");
    if (*r->p == 0x7b)
        return ig_wasm__reader_fail(r, "v128 (SIMD) is not supported");
    if (!ig_wasm__is_valtype(*r->p))
        return ig_wasm__reader_fail(r, "malformed value type");
    *out = *r->p++;
    return 0;
}

int ig_wasm__read_reftype(struct ig_wasm_reader *r, uint8_t *out)
{
    if (r->p >= r->end)
        return ig_wasm__reader_fail(r, "unexpected end");
    if (*r->p != IG_WASM_FUNCREF && *r->p != IG_WASM_EXTERNREF)
        return ig_wasm__reader_fail(r, "malformed reference type");
    *out = *r->p++;
    return 0;
}

const char *ig_wasm_valtype_name(uint8_t t)
{
    switch (t) {
        case IG_WASM_I32:
            return "i32";
        case IG_WASM_I64:
            return "i64";
        case IG_WASM_F32:
            return "f32";
        case IG_WASM_F64:
            return "f64";
        case IG_WASM_FUNCREF:
            return "funcref";
        case IG_WASM_EXTERNREF:
            return "externref";
        default:
            return "?";
    }
}

static int read_zero(struct ig_wasm_reader *r)
{
    uint8_t b;
    int rc = ig_wasm__read_u8(r, &b);

    if (rc == 0 && b != 0) {
        r->p--;
        return ig_wasm__reader_fail(r, "zero byte expected");
    }
    return rc;
}

static int read_blocktype(struct ig_wasm_reader *r, struct ig_wasm_instr *in)
{
    int64_t idx;
    uint8_t t = 0;
    int rc;

    if (r->p >= r->end)
        return ig_wasm__reader_fail(r, "unexpected end");
    if (*r->p == 0x40) {
        r->p++;
        in->bt = IG_WASM_BT_EMPTY;
        return 0;
    }
    if (*r->p == 0x7b || ig_wasm__is_valtype(*r->p)) {
        in->bt = IG_WASM_BT_VALTYPE;
        rc = ig_wasm__read_valtype(r, &t);
        in->a = t;
        return rc;
    }
    rc = ig_wasm__read_s33(r, &idx);
    if (rc)
        return rc;
    if (idx < 0)
        return ig_wasm__reader_fail(r, "malformed block type");
    in->bt = IG_WASM_BT_TYPEIDX;
    in->a = (uint32_t)idx;
    return 0;
}

static int read_br_table(struct ig_wasm_reader *r, struct ig_wasm_instr *in)
{
    uint32_t i, label;
    int rc = ig_wasm__read_count(r, 1, &in->n);

    in->vec = r->p;
    for (i = 0; rc == 0 && i < in->n; i++)
        rc = ig_wasm__read_u32(r, &label);
    if (rc == 0)
        rc = ig_wasm__read_u32(r, &in->a);
    return rc;
}

static int read_select_t(struct ig_wasm_reader *r, struct ig_wasm_instr *in)
{
    uint32_t i;
    uint8_t t;
    int rc = ig_wasm__read_count(r, 1, &in->n);

    in->vec = r->p;
    for (i = 0; rc == 0 && i < in->n; i++)
        rc = ig_wasm__read_valtype(r, &t);
    return rc;
}

static int read_const(struct ig_wasm_reader *r, struct ig_wasm_instr *in)
{
    int32_t i32;
    int64_t i64;
    uint32_t f32;
    int rc;

    switch (in->imm) {
        case IG_WASM_IMM_I32:
            rc = ig_wasm__read_s32(r, &i32);
            in->bits = (uint64_t)(int64_t)i32;
            return rc;
        case IG_WASM_IMM_I64:
            rc = ig_wasm__read_s64(r, &i64);
            in->bits = (uint64_t)i64;
            return rc;
        case IG_WASM_IMM_F32:
            rc = ig_wasm__read_f32(r, &f32);
            in->bits = f32;
            return rc;
        default:
            return ig_wasm__read_f64(r, &in->bits);
    }
}

static int read_two(struct ig_wasm_reader *r, struct ig_wasm_instr *in)
{
    int rc = ig_wasm__read_u32(r, &in->a);

    return rc ? rc : ig_wasm__read_u32(r, &in->b);
}

static int read_imm(struct ig_wasm_reader *r, struct ig_wasm_instr *in)
{
    uint8_t t = 0;
    int rc;

    switch (in->imm) {
        case IG_WASM_IMM_NONE:
            return 0;
        case IG_WASM_IMM_BLOCKTYPE:
            return read_blocktype(r, in);
        case IG_WASM_IMM_BR_TABLE:
            return read_br_table(r, in);
        case IG_WASM_IMM_CALL_INDIRECT:
        case IG_WASM_IMM_MEMARG:
        case IG_WASM_IMM_ELEM_TABLE:
        case IG_WASM_IMM_TABLE_TABLE:
            return read_two(r, in);
        case IG_WASM_IMM_MEMIDX:
            in->a = 0;
            return read_zero(r);
        case IG_WASM_IMM_I32:
        case IG_WASM_IMM_I64:
        case IG_WASM_IMM_F32:
        case IG_WASM_IMM_F64:
            return read_const(r, in);
        case IG_WASM_IMM_SELECT_T:
            return read_select_t(r, in);
        case IG_WASM_IMM_REFTYPE:
            rc = ig_wasm__read_reftype(r, &t);
            in->a = t;
            return rc;
        case IG_WASM_IMM_DATA_MEM:
            rc = ig_wasm__read_u32(r, &in->a);
            return rc ? rc : read_zero(r);
        case IG_WASM_IMM_MEM_MEM:
            rc = read_zero(r);
            return rc ? rc : read_zero(r);
        default: /* one index */
            return ig_wasm__read_u32(r, &in->a);
    }
}

/* The 0xfc prefix, SIMD and illegal opcodes. */
static int read_unusual(struct ig_wasm_reader *r, struct ig_wasm_instr *in)
{
    const uint8_t *begin = r->p;
    int rc;

    in->op = *r->p++;
    if (in->op == 0xfd) {
        r->p = begin;
        return ig_wasm__reader_fail(r, "SIMD instructions are not supported");
    }
    if (in->op != IG_OP_PREFIX_FC) {
        r->p = begin;
        return ig_wasm__reader_fail(r, "illegal opcode");
    }
    rc = ig_wasm__read_u32(r, &in->sub);
    if (rc)
        return rc;
    if (in->sub >= FC_COUNT || !imm_of_fc[in->sub]) {
        r->p = begin;
        return ig_wasm__reader_fail(r, "illegal opcode");
    }
    in->imm = (uint8_t)(imm_of_fc[in->sub] - 1);
    return read_imm(r, in);
}

/* Immediate kinds that are one index. */
#define ONE_INDEX                                                              \
    ((1u << IG_WASM_IMM_LABEL) | (1u << IG_WASM_IMM_FUNC) |                    \
     (1u << IG_WASM_IMM_LOCAL) | (1u << IG_WASM_IMM_GLOBAL) |                  \
     (1u << IG_WASM_IMM_TABLE) | (1u << IG_WASM_IMM_DATA) |                    \
     (1u << IG_WASM_IMM_ELEM))

int ig_wasm__read_instr(struct ig_wasm_reader *r, struct ig_wasm_instr *in)
{
    uint8_t k;

    if (r->p >= r->end)
        return ig_wasm__reader_fail(r, "unexpected end");
    in->op = *r->p;
    k = imm_of[in->op];
    if (k == 0)
        return read_unusual(r, in);
    r->p++;
    in->imm = (uint8_t)(k - 1);
    /* Most instructions have no immediate or one small index: decide
     * those with plain branches before the general switch. */
    if (in->imm == IG_WASM_IMM_NONE)
        return 0;
    if (((1u << in->imm) & ONE_INDEX) && r->p < r->end && !(*r->p & 0x80)) {
        in->a = *r->p++;
        return 0;
    }
    return read_imm(r, in);
}
