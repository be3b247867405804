/* SPDX-License-Identifier: MIT */
/* The decoded form of a module, shared by the decoder and validator (which
 * fill it) and the compiler and instantiator (which read it). Internal. */
#ifndef IG_WASM_MODULE_H
#define IG_WASM_MODULE_H

#include <stdint.h>

#include "wasm/wasm.h"

/* Sanity limits, in the spirit of the JS embedding's implementation
 * limits: past these a module is refused with IG_EWASM_LIMIT. */
#define IG_WASM_MAX_TYPES 1000000u
#define IG_WASM_MAX_FUNCS 1000000u
#define IG_WASM_MAX_IMPORTS 100000u
#define IG_WASM_MAX_EXPORTS 100000u
#define IG_WASM_MAX_GLOBALS 1000000u
#define IG_WASM_MAX_SEGMENTS 100000u
#define IG_WASM_MAX_TABLES 100000u
#define IG_WASM_MAX_PARAMS 1000u
#define IG_WASM_MAX_RESULTS 1000u
#define IG_WASM_MAX_LOCALS 50000u
#define IG_WASM_MAX_FUNC_SIZE (7u * 1024 * 1024)
#define IG_WASM_MAX_NAME 100000u
#define IG_WASM_MAX_PAGES 65536u
#define IG_WASM_MAX_TABLE_SIZE 10000000u
/* Declared locals of all functions together: a few bytes of input can
 * declare many locals, so the sum needs its own bound. */
#define IG_WASM_MAX_TOTAL_LOCALS (4u * 1024 * 1024)
/* Operand stack height and block nesting depth within one function. */
#define IG_WASM_MAX_OPERANDS 1000000u
#define IG_WASM_MAX_BLOCK_DEPTH 100000u

/* A constant expression. Wasm 2.0 allows exactly one instruction. */
struct ig_wasm_constexpr {
    uint8_t op;     /* 0x41 i32.const, 0x42, 0x43, 0x44, 0xd0 ref.null,
                     * 0xd2 ref.func, 0x23 global.get */
    uint64_t value; /* immediate bits, or the function/global index, or
                     * the reference type for ref.null */
};

struct ig_wasm_tabletype {
    uint8_t elemtype; /* IG_WASM_FUNCREF or IG_WASM_EXTERNREF */
    struct ig_wasm_limits lim;
};

struct ig_wasm_globaltype {
    uint8_t valtype;
    uint8_t mutable_;
};

struct ig_wasm_import {
    char *module; /* NUL-terminated copy */
    uint32_t module_len;
    char *name;
    uint32_t name_len;
    uint8_t kind;                     /* enum ig_wasm_extern_kind */
    uint32_t type_idx;                /* FUNC */
    struct ig_wasm_tabletype table;   /* TABLE */
    struct ig_wasm_limits mem;        /* MEMORY */
    struct ig_wasm_globaltype global; /* GLOBAL */
    uint32_t at; /* offset of the entry in the binary, for messages */
};

struct ig_wasm_funcdef {
    uint32_t type_idx;
    uint32_t nlocals;     /* declared locals, not counting params */
    uint8_t *local_types; /* nlocals entries, expanded */
    const uint8_t *code;  /* first instruction, into module->bytes */
    uint32_t code_len;    /* up to and including the final end */
    uint32_t code_offset; /* of code within the binary, for messages */
    uint32_t max_stack;   /* most operands on the stack at once, as
                           * found by the validator */
    void *compiled;       /* owned by the compiler (compile.h) */
};

struct ig_wasm_globaldef {
    struct ig_wasm_globaltype type;
    struct ig_wasm_constexpr init;
    uint32_t at; /* offset of the entry in the binary, for messages */
};

enum ig_wasm_segmode {
    IG_WASM_SEG_ACTIVE = 0,
    IG_WASM_SEG_PASSIVE = 1,
    IG_WASM_SEG_DECLARATIVE = 2,
};

struct ig_wasm_elem {
    uint8_t mode;                    /* enum ig_wasm_segmode */
    uint8_t elemtype;                /* reference type */
    uint32_t table;                  /* active only */
    struct ig_wasm_constexpr offset; /* active only */
    uint32_t count;
    struct ig_wasm_constexpr *items; /* ref.func, ref.null or global.get */
    uint32_t at; /* offset of the segment in the binary, for messages */
};

struct ig_wasm_data {
    uint8_t mode; /* ACTIVE or PASSIVE */
    uint32_t memory;
    struct ig_wasm_constexpr offset;
    const uint8_t *bytes; /* into module->bytes */
    uint32_t len;
    uint32_t at; /* offset of the segment in the binary, for messages */
};

struct ig_wasm_export {
    char *name; /* NUL-terminated copy */
    uint32_t name_len;
    uint8_t kind;
    uint32_t index;
    uint32_t at; /* offset of the entry in the binary, for messages */
};

struct ig_wasm_module {
    uint8_t *bytes; /* private copy of the binary */
    size_t len;

    struct ig_wasm_functype *types; /* params/results point into typebuf */
    uint32_t ntypes;
    uint8_t *typebuf;

    struct ig_wasm_import *imports;
    uint32_t nimports;
    uint32_t nfunc_imports, ntable_imports, nmem_imports, nglobal_imports;

    /* Index spaces: imports of a kind come first, then definitions. */
    uint32_t nfuncs_total;         /* imported + defined */
    uint32_t *func_types;          /* type index of every function */
    struct ig_wasm_funcdef *funcs; /* defined only */
    uint32_t nfuncs;

    uint32_t ntables_total;
    struct ig_wasm_tabletype *tables; /* whole index space */

    uint32_t nmems_total;
    struct ig_wasm_limits *mems; /* whole index space */

    uint32_t nglobals_total;
    struct ig_wasm_globaltype *global_types; /* whole index space */
    struct ig_wasm_globaldef *globals;       /* defined only */
    uint32_t nglobals;

    struct ig_wasm_export *exports;
    uint32_t nexports;

    int has_start;
    uint32_t start;

    struct ig_wasm_elem *elems;
    uint32_t nelems;
    struct ig_wasm_data *datas;
    uint32_t ndatas;
    int has_datacount;
    uint32_t datacount;

    /* Functions that may be named by ref.func in code: those referenced in
     * element segments, exports and global initialisers. One bit each. */
    uint8_t *declared_funcs;

    /* Offset of each section's contents in bytes, by section id (0 when
     * absent), so that later checks can say where they looked. */
    uint32_t section_offset[13];

    /* Storage behind the pointers above, owned by the module: import and
     * export names, and the expanded local types of all functions. */
    char *strbuf;
    uint8_t *localbuf;

    /* Owned by the compiler: every function's code and offset map in one
     * block, and the code descriptors that funcdef.compiled point at. */
    void *code_words;
    void *code_descs;
};

/* Compiler hooks, implemented by compile.c: turn every validated body
 * into internal code (kept in funcdef.compiled) and free it again. */
int ig_wasm__compile_module(struct ig_wasm_module *m, char *err, size_t errlen);
void ig_wasm__free_compiled(struct ig_wasm_module *m);

/* Decode and validate a module as ig_wasm_module_load() does, without
 * compiling it, and keep nothing: for measuring the two stages apart.
 * Same errors as ig_wasm_module_load(). Implemented by module.c. */
int ig_wasm__module_check(const uint8_t *bytes,
                          size_t len,
                          char *err,
                          size_t errlen);

#endif
