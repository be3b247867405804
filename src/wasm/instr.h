/* SPDX-License-Identifier: MIT */
/* Reading one instruction: its opcode and immediates, checked for binary
 * well-formedness only (typing is the validator's job). */
#ifndef IG_WASM_INSTR_H
#define IG_WASM_INSTR_H

#include <stdint.h>

#include "wasm/opcodes.h"
#include "wasm/reader.h"

/* Block type kinds. */
enum ig_wasm_bt {
    IG_WASM_BT_EMPTY,   /* 0x40 */
    IG_WASM_BT_VALTYPE, /* one result, in instr.a */
    IG_WASM_BT_TYPEIDX, /* type index, in instr.a */
};

/*
 * A decoded instruction. Which fields are set depends on imm:
 * - BLOCKTYPE: bt, a (valtype or type index)
 * - LABEL, FUNC, LOCAL, GLOBAL, TABLE, DATA, ELEM, MEMIDX: a
 * - BR_TABLE: n labels starting at vec (re-read them with a reader), a is
 *   the default label
 * - CALL_INDIRECT: a type index, b table
 * - MEMARG: a align exponent, b offset
 * - I32..F64: bits (i32 sign-extended to 64 bits)
 * - SELECT_T: n valtypes at vec
 * - REFTYPE: a (0x70 or 0x6f)
 * - DATA_MEM: a data index (memory 0); ELEM_TABLE: a elem, b table;
 *   MEM_MEM: none beyond the zero bytes; TABLE_TABLE: a dst, b src
 */
struct ig_wasm_instr {
    uint8_t op;   /* first byte */
    uint8_t imm;  /* enum ig_wasm_imm */
    uint8_t bt;   /* enum ig_wasm_bt */
    uint32_t sub; /* sub-opcode after 0xfc */
    uint32_t a;
    uint32_t b;
    uint32_t n;
    uint64_t bits;
    const uint8_t *vec;
};

/*
 * Read the instruction at r->p. Returns 0, or IG_EWASM_MALFORMED with
 * r->why set: unknown opcodes ("illegal opcode"), SIMD, bad LEB128,
 * non-zero reserved bytes, bad value types.
 */
int ig_wasm__read_instr(struct ig_wasm_reader *r, struct ig_wasm_instr *in);

/* 1 when b is a value type of Wasm 2.0 without SIMD. */
int ig_wasm__is_valtype(uint8_t b);

/* Read a value type or a reference type; SIMD's v128 and anything else
 * unknown is malformed. */
int ig_wasm__read_valtype(struct ig_wasm_reader *r, uint8_t *out);
int ig_wasm__read_reftype(struct ig_wasm_reader *r, uint8_t *out);

#endif
