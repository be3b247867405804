/* SPDX-License-Identifier: MIT */
/* Opcode tables of the Wasm 2.0 core (no SIMD), as X-macros shared by
 * the validator and the compiler. */
#ifndef IG_WASM_OPCODES_H
#define IG_WASM_OPCODES_H

/* Immediate kinds: how the bytes after an opcode are read. */
enum ig_wasm_imm {
    IG_WASM_IMM_NONE,
    IG_WASM_IMM_BLOCKTYPE,
    IG_WASM_IMM_LABEL,
    IG_WASM_IMM_BR_TABLE,
    IG_WASM_IMM_FUNC,
    IG_WASM_IMM_CALL_INDIRECT,
    IG_WASM_IMM_LOCAL,
    IG_WASM_IMM_GLOBAL,
    IG_WASM_IMM_TABLE,
    IG_WASM_IMM_MEMARG,
    IG_WASM_IMM_MEMIDX,
    IG_WASM_IMM_I32,
    IG_WASM_IMM_I64,
    IG_WASM_IMM_F32,
    IG_WASM_IMM_F64,
    IG_WASM_IMM_SELECT_T,
    IG_WASM_IMM_REFTYPE,
    IG_WASM_IMM_DATA_MEM,
    IG_WASM_IMM_DATA,
    IG_WASM_IMM_MEM_MEM,
    IG_WASM_IMM_ELEM_TABLE,
    IG_WASM_IMM_ELEM,
    IG_WASM_IMM_TABLE_TABLE,
};

/* X(name, byte, immediate kind) for one-byte opcodes. */
#define IG_WASM_OPCODES(X)                                                   \
    X(UNREACHABLE, 0x00, NONE)                                               \
    X(NOP, 0x01, NONE)                                                       \
    X(BLOCK, 0x02, BLOCKTYPE)                                                \
    X(LOOP, 0x03, BLOCKTYPE)                                                 \
    X(IF, 0x04, BLOCKTYPE)                                                   \
    X(ELSE, 0x05, NONE)                                                      \
    X(END, 0x0b, NONE)                                                       \
    X(BR, 0x0c, LABEL)                                                       \
    X(BR_IF, 0x0d, LABEL)                                                    \
    X(BR_TABLE, 0x0e, BR_TABLE)                                              \
    X(RETURN, 0x0f, NONE)                                                    \
    X(CALL, 0x10, FUNC)                                                      \
    X(CALL_INDIRECT, 0x11, CALL_INDIRECT)                                    \
    X(DROP, 0x1a, NONE)                                                      \
    X(SELECT, 0x1b, NONE)                                                    \
    X(SELECT_T, 0x1c, SELECT_T)                                              \
    X(LOCAL_GET, 0x20, LOCAL)                                                \
    X(LOCAL_SET, 0x21, LOCAL)                                                \
    X(LOCAL_TEE, 0x22, LOCAL)                                                \
    X(GLOBAL_GET, 0x23, GLOBAL)                                              \
    X(GLOBAL_SET, 0x24, GLOBAL)                                              \
    X(TABLE_GET, 0x25, TABLE)                                                \
    X(TABLE_SET, 0x26, TABLE)                                                \
    X(I32_LOAD, 0x28, MEMARG)                                                \
    X(I64_LOAD, 0x29, MEMARG)                                                \
    X(F32_LOAD, 0x2a, MEMARG)                                                \
    X(F64_LOAD, 0x2b, MEMARG)                                                \
    X(I32_LOAD8_S, 0x2c, MEMARG)                                             \
    X(I32_LOAD8_U, 0x2d, MEMARG)                                             \
    X(I32_LOAD16_S, 0x2e, MEMARG)                                            \
    X(I32_LOAD16_U, 0x2f, MEMARG)                                            \
    X(I64_LOAD8_S, 0x30, MEMARG)                                             \
    X(I64_LOAD8_U, 0x31, MEMARG)                                             \
    X(I64_LOAD16_S, 0x32, MEMARG)                                            \
    X(I64_LOAD16_U, 0x33, MEMARG)                                            \
    X(I64_LOAD32_S, 0x34, MEMARG)                                            \
    X(I64_LOAD32_U, 0x35, MEMARG)                                            \
    X(I32_STORE, 0x36, MEMARG)                                               \
    X(I64_STORE, 0x37, MEMARG)                                               \
    X(F32_STORE, 0x38, MEMARG)                                               \
    X(F64_STORE, 0x39, MEMARG)                                               \
    X(I32_STORE8, 0x3a, MEMARG)                                              \
    X(I32_STORE16, 0x3b, MEMARG)                                             \
    X(I64_STORE8, 0x3c, MEMARG)                                              \
    X(I64_STORE16, 0x3d, MEMARG)                                             \
    X(I64_STORE32, 0x3e, MEMARG)                                             \
    X(MEMORY_SIZE, 0x3f, MEMIDX)                                             \
    X(MEMORY_GROW, 0x40, MEMIDX)                                             \
    X(I32_CONST, 0x41, I32)                                                  \
    X(I64_CONST, 0x42, I64)                                                  \
    X(F32_CONST, 0x43, F32)                                                  \
    X(F64_CONST, 0x44, F64)                                                  \
    X(I32_EQZ, 0x45, NONE)                                                   \
    X(I32_EQ, 0x46, NONE)                                                    \
    X(I32_NE, 0x47, NONE)                                                    \
    X(I32_LT_S, 0x48, NONE)                                                  \
    X(I32_LT_U, 0x49, NONE)                                                  \
    X(I32_GT_S, 0x4a, NONE)                                                  \
    X(I32_GT_U, 0x4b, NONE)                                                  \
    X(I32_LE_S, 0x4c, NONE)                                                  \
    X(I32_LE_U, 0x4d, NONE)                                                  \
    X(I32_GE_S, 0x4e, NONE)                                                  \
    X(I32_GE_U, 0x4f, NONE)                                                  \
    X(I64_EQZ, 0x50, NONE)                                                   \
    X(I64_EQ, 0x51, NONE)                                                    \
    X(I64_NE, 0x52, NONE)                                                    \
    X(I64_LT_S, 0x53, NONE)                                                  \
    X(I64_LT_U, 0x54, NONE)                                                  \
    X(I64_GT_S, 0x55, NONE)                                                  \
    X(I64_GT_U, 0x56, NONE)                                                  \
    X(I64_LE_S, 0x57, NONE)                                                  \
    X(I64_LE_U, 0x58, NONE)                                                  \
    X(I64_GE_S, 0x59, NONE)                                                  \
    X(I64_GE_U, 0x5a, NONE)                                                  \
    X(F32_EQ, 0x5b, NONE)                                                    \
    X(F32_NE, 0x5c, NONE)                                                    \
    X(F32_LT, 0x5d, NONE)                                                    \
    X(F32_GT, 0x5e, NONE)                                                    \
    X(F32_LE, 0x5f, NONE)                                                    \
    X(F32_GE, 0x60, NONE)                                                    \
    X(F64_EQ, 0x61, NONE)                                                    \
    X(F64_NE, 0x62, NONE)                                                    \
    X(F64_LT, 0x63, NONE)                                                    \
    X(F64_GT, 0x64, NONE)                                                    \
    X(F64_LE, 0x65, NONE)                                                    \
    X(F64_GE, 0x66, NONE)                                                    \
    X(I32_CLZ, 0x67, NONE)                                                   \
    X(I32_CTZ, 0x68, NONE)                                                   \
    X(I32_POPCNT, 0x69, NONE)                                                \
    X(I32_ADD, 0x6a, NONE)                                                   \
    X(I32_SUB, 0x6b, NONE)                                                   \
    X(I32_MUL, 0x6c, NONE)                                                   \
    X(I32_DIV_S, 0x6d, NONE)                                                 \
    X(I32_DIV_U, 0x6e, NONE)                                                 \
    X(I32_REM_S, 0x6f, NONE)                                                 \
    X(I32_REM_U, 0x70, NONE)                                                 \
    X(I32_AND, 0x71, NONE)                                                   \
    X(I32_OR, 0x72, NONE)                                                    \
    X(I32_XOR, 0x73, NONE)                                                   \
    X(I32_SHL, 0x74, NONE)                                                   \
    X(I32_SHR_S, 0x75, NONE)                                                 \
    X(I32_SHR_U, 0x76, NONE)                                                 \
    X(I32_ROTL, 0x77, NONE)                                                  \
    X(I32_ROTR, 0x78, NONE)                                                  \
    X(I64_CLZ, 0x79, NONE)                                                   \
    X(I64_CTZ, 0x7a, NONE)                                                   \
    X(I64_POPCNT, 0x7b, NONE)                                                \
    X(I64_ADD, 0x7c, NONE)                                                   \
    X(I64_SUB, 0x7d, NONE)                                                   \
    X(I64_MUL, 0x7e, NONE)                                                   \
    X(I64_DIV_S, 0x7f, NONE)                                                 \
    X(I64_DIV_U, 0x80, NONE)                                                 \
    X(I64_REM_S, 0x81, NONE)                                                 \
    X(I64_REM_U, 0x82, NONE)                                                 \
    X(I64_AND, 0x83, NONE)                                                   \
    X(I64_OR, 0x84, NONE)                                                    \
    X(I64_XOR, 0x85, NONE)                                                   \
    X(I64_SHL, 0x86, NONE)                                                   \
    X(I64_SHR_S, 0x87, NONE)                                                 \
    X(I64_SHR_U, 0x88, NONE)                                                 \
    X(I64_ROTL, 0x89, NONE)                                                  \
    X(I64_ROTR, 0x8a, NONE)                                                  \
    X(F32_ABS, 0x8b, NONE)                                                   \
    X(F32_NEG, 0x8c, NONE)                                                   \
    X(F32_CEIL, 0x8d, NONE)                                                  \
    X(F32_FLOOR, 0x8e, NONE)                                                 \
    X(F32_TRUNC, 0x8f, NONE)                                                 \
    X(F32_NEAREST, 0x90, NONE)                                               \
    X(F32_SQRT, 0x91, NONE)                                                  \
    X(F32_ADD, 0x92, NONE)                                                   \
    X(F32_SUB, 0x93, NONE)                                                   \
    X(F32_MUL, 0x94, NONE)                                                   \
    X(F32_DIV, 0x95, NONE)                                                   \
    X(F32_MIN, 0x96, NONE)                                                   \
    X(F32_MAX, 0x97, NONE)                                                   \
    X(F32_COPYSIGN, 0x98, NONE)                                              \
    X(F64_ABS, 0x99, NONE)                                                   \
    X(F64_NEG, 0x9a, NONE)                                                   \
    X(F64_CEIL, 0x9b, NONE)                                                  \
    X(F64_FLOOR, 0x9c, NONE)                                                 \
    X(F64_TRUNC, 0x9d, NONE)                                                 \
    X(F64_NEAREST, 0x9e, NONE)                                               \
    X(F64_SQRT, 0x9f, NONE)                                                  \
    X(F64_ADD, 0xa0, NONE)                                                   \
    X(F64_SUB, 0xa1, NONE)                                                   \
    X(F64_MUL, 0xa2, NONE)                                                   \
    X(F64_DIV, 0xa3, NONE)                                                   \
    X(F64_MIN, 0xa4, NONE)                                                   \
    X(F64_MAX, 0xa5, NONE)                                                   \
    X(F64_COPYSIGN, 0xa6, NONE)                                              \
    X(I32_WRAP_I64, 0xa7, NONE)                                              \
    X(I32_TRUNC_F32_S, 0xa8, NONE)                                           \
    X(I32_TRUNC_F32_U, 0xa9, NONE)                                           \
    X(I32_TRUNC_F64_S, 0xaa, NONE)                                           \
    X(I32_TRUNC_F64_U, 0xab, NONE)                                           \
    X(I64_EXTEND_I32_S, 0xac, NONE)                                          \
    X(I64_EXTEND_I32_U, 0xad, NONE)                                          \
    X(I64_TRUNC_F32_S, 0xae, NONE)                                           \
    X(I64_TRUNC_F32_U, 0xaf, NONE)                                           \
    X(I64_TRUNC_F64_S, 0xb0, NONE)                                           \
    X(I64_TRUNC_F64_U, 0xb1, NONE)                                           \
    X(F32_CONVERT_I32_S, 0xb2, NONE)                                         \
    X(F32_CONVERT_I32_U, 0xb3, NONE)                                         \
    X(F32_CONVERT_I64_S, 0xb4, NONE)                                         \
    X(F32_CONVERT_I64_U, 0xb5, NONE)                                         \
    X(F32_DEMOTE_F64, 0xb6, NONE)                                            \
    X(F64_CONVERT_I32_S, 0xb7, NONE)                                         \
    X(F64_CONVERT_I32_U, 0xb8, NONE)                                         \
    X(F64_CONVERT_I64_S, 0xb9, NONE)                                         \
    X(F64_CONVERT_I64_U, 0xba, NONE)                                         \
    X(F64_PROMOTE_F32, 0xbb, NONE)                                           \
    X(I32_REINTERPRET_F32, 0xbc, NONE)                                       \
    X(I64_REINTERPRET_F64, 0xbd, NONE)                                       \
    X(F32_REINTERPRET_I32, 0xbe, NONE)                                       \
    X(F64_REINTERPRET_I64, 0xbf, NONE)                                       \
    X(I32_EXTEND8_S, 0xc0, NONE)                                             \
    X(I32_EXTEND16_S, 0xc1, NONE)                                            \
    X(I64_EXTEND8_S, 0xc2, NONE)                                             \
    X(I64_EXTEND16_S, 0xc3, NONE)                                            \
    X(I64_EXTEND32_S, 0xc4, NONE)                                            \
    X(REF_NULL, 0xd0, REFTYPE)                                               \
    X(REF_IS_NULL, 0xd1, NONE)                                               \
    X(REF_FUNC, 0xd2, FUNC)

/* X(name, sub-opcode, immediate kind) for the 0xfc prefix. */
#define IG_WASM_OPCODES_FC(X)                                                \
    X(I32_TRUNC_SAT_F32_S, 0, NONE)                                          \
    X(I32_TRUNC_SAT_F32_U, 1, NONE)                                          \
    X(I32_TRUNC_SAT_F64_S, 2, NONE)                                          \
    X(I32_TRUNC_SAT_F64_U, 3, NONE)                                          \
    X(I64_TRUNC_SAT_F32_S, 4, NONE)                                          \
    X(I64_TRUNC_SAT_F32_U, 5, NONE)                                          \
    X(I64_TRUNC_SAT_F64_S, 6, NONE)                                          \
    X(I64_TRUNC_SAT_F64_U, 7, NONE)                                          \
    X(MEMORY_INIT, 8, DATA_MEM)                                              \
    X(DATA_DROP, 9, DATA)                                                    \
    X(MEMORY_COPY, 10, MEM_MEM)                                              \
    X(MEMORY_FILL, 11, MEMIDX)                                               \
    X(TABLE_INIT, 12, ELEM_TABLE)                                            \
    X(ELEM_DROP, 13, ELEM)                                                   \
    X(TABLE_COPY, 14, TABLE_TABLE)                                           \
    X(TABLE_GROW, 15, TABLE)                                                 \
    X(TABLE_SIZE, 16, TABLE)                                                 \
    X(TABLE_FILL, 17, TABLE)

enum ig_wasm_opcode {
#define IG_WASM_OP_ENUM(name, byte, imm) IG_OP_##name = (byte),
    IG_WASM_OPCODES(IG_WASM_OP_ENUM)
#undef IG_WASM_OP_ENUM
    IG_OP_PREFIX_FC = 0xfc,
};

enum ig_wasm_opcode_fc {
#define IG_WASM_OP_ENUM(name, sub, imm) IG_OPFC_##name = (sub),
    IG_WASM_OPCODES_FC(IG_WASM_OP_ENUM)
#undef IG_WASM_OP_ENUM
};

#endif
