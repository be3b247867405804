/* SPDX-License-Identifier: MIT */
/* The igord WebAssembly engine: decode, validate and run Wasm 2.0 modules
 * (no SIMD) with per-store limits, fuel and deadlines. No I/O, no logging. */
#ifndef IG_WASM_H
#define IG_WASM_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/*
 * Objects and ownership
 *
 * A module is decoded, validated and compiled once; it owns a private copy
 * of the bytes and must outlive every instance made from it.
 *
 * A store owns every runtime object made in it (instances, host functions,
 * memories, tables, globals) and frees them all in ig_wasm_store_free().
 * Objects of one store may be linked to each other only. A store is used
 * by one thread at a time; only ig_wasm_store_interrupt() may be called
 * from another thread or a signal handler.
 *
 * Errors are 0 or a negative code of util/err.h: IG_EWASM_* for loading
 * and linking, IG_ETRAP_* for traps, -ENOMEM for allocation failure.
 * A trap never leaves the store unusable: later calls may follow.
 */

/* Value types, spelled as in the binary format. */
enum ig_wasm_valtype {
    IG_WASM_I32 = 0x7f,
    IG_WASM_I64 = 0x7e,
    IG_WASM_F32 = 0x7d,
    IG_WASM_F64 = 0x7c,
    IG_WASM_FUNCREF = 0x70,
    IG_WASM_EXTERNREF = 0x6f,
};

/* The text-format name of a value type ("i32", "funcref"), or "?" for a
 * byte that is none. The string is static. */
const char *ig_wasm_valtype_name(uint8_t t);

/*
 * Every value travels as 64 bits: i32 zero-extended, f32/f64 as their IEEE
 * bit patterns, references as opaque 64-bit handles where 0 is null. A
 * funcref is (uintptr_t) of its ig_wasm_func_t; an externref is whatever
 * the embedder passed in.
 */
typedef uint64_t ig_wasm_val_t;

struct ig_wasm_functype {
    uint32_t nparams;
    uint32_t nresults;
    const uint8_t *params;  /* nparams valtypes */
    const uint8_t *results; /* nresults valtypes */
};

struct ig_wasm_limits {
    uint32_t min;
    uint32_t max;
    int has_max;
};

enum ig_wasm_extern_kind {
    IG_WASM_EXTERN_FUNC = 0,
    IG_WASM_EXTERN_TABLE = 1,
    IG_WASM_EXTERN_MEMORY = 2,
    IG_WASM_EXTERN_GLOBAL = 3,
};

typedef struct ig_wasm_module ig_wasm_module_t;
typedef struct ig_wasm_store ig_wasm_store_t;
typedef struct ig_wasm_instance ig_wasm_instance_t;
typedef struct ig_wasm_func ig_wasm_func_t;
typedef struct ig_wasm_table ig_wasm_table_t;
typedef struct ig_wasm_memory ig_wasm_memory_t;
typedef struct ig_wasm_global ig_wasm_global_t;
typedef struct ig_wasm_caller ig_wasm_caller_t;

/* A runtime object of one of the four kinds, as imported or exported. */
struct ig_wasm_extern {
    int kind; /* enum ig_wasm_extern_kind */
    union {
        ig_wasm_func_t *func;
        ig_wasm_table_t *table;
        ig_wasm_memory_t *memory;
        ig_wasm_global_t *global;
    } u;
};

/* ------------------------------------------------------------ modules */

/*
 * Decode, validate and compile a binary module. Borrows bytes for the call
 * only. On failure returns IG_EWASM_MALFORMED (binary format),
 * IG_EWASM_INVALID (validation) or IG_EWASM_LIMIT and writes a one-line
 * reason with the byte offset into err.
 */
int ig_wasm_module_load(const uint8_t *bytes, size_t len,
                        ig_wasm_module_t **out, char *err, size_t errlen);

void ig_wasm_module_free(ig_wasm_module_t *m);

/* What an import asks for. Strings point into the module and are
 * NUL-terminated; the lengths count bytes, which may include NULs. */
struct ig_wasm_import_info {
    const char *module;
    size_t module_len;
    const char *name;
    size_t name_len;
    int kind;                      /* enum ig_wasm_extern_kind */
    struct ig_wasm_functype type;  /* FUNC */
    struct ig_wasm_limits limits;  /* TABLE, MEMORY */
    uint8_t valtype;               /* GLOBAL value type, TABLE element */
    int mutable_;                  /* GLOBAL */
};

struct ig_wasm_export_info {
    const char *name;
    size_t name_len;
    int kind;       /* enum ig_wasm_extern_kind */
    uint32_t index; /* in the module's index space of that kind */
};

uint32_t ig_wasm_module_import_count(const ig_wasm_module_t *m);
int ig_wasm_module_import(const ig_wasm_module_t *m, uint32_t i,
                          struct ig_wasm_import_info *out);
uint32_t ig_wasm_module_export_count(const ig_wasm_module_t *m);
int ig_wasm_module_export(const ig_wasm_module_t *m, uint32_t i,
                          struct ig_wasm_export_info *out);

/* Find an export's type before instantiating: 0 and *out set when name is
 * a function export, else IG_EWASM_NOEXPORT. */
int ig_wasm_module_export_functype(const ig_wasm_module_t *m,
                                   const char *name,
                                   struct ig_wasm_functype *out);

/* ------------------------------------------------------------- stores */

struct ig_wasm_config {
    uint32_t max_memory_pages; /* cap on every memory (64 KiB pages) */
    uint32_t max_table_elems;  /* cap on every table */
    uint32_t max_call_depth;   /* wasm frames on the call stack */
    uint32_t max_stack_slots;  /* operand and local slots in all frames */
};

/* Defaults: 65536 pages, 10,000,000 elements, depth 10,000, 1M slots. */
void ig_wasm_config_default(struct ig_wasm_config *cfg);

/* Copies cfg (NULL means the defaults). */
int ig_wasm_store_new(const struct ig_wasm_config *cfg,
                      ig_wasm_store_t **out);
void ig_wasm_store_free(ig_wasm_store_t *s);

/*
 * Fuel counts executed Wasm instructions (plus what host functions charge
 * through ig_wasm_caller_charge). It is deterministic: the same call on
 * the same state consumes the same fuel on every machine. When the limit
 * is reached the call traps with IG_ETRAP_FUEL. UINT64_MAX means no limit.
 */
void ig_wasm_store_set_fuel_limit(ig_wasm_store_t *s, uint64_t limit);
uint64_t ig_wasm_store_fuel_consumed(const ig_wasm_store_t *s);
void ig_wasm_store_reset_fuel(ig_wasm_store_t *s);

/*
 * A CLOCK_MONOTONIC deadline in nanoseconds (0 = none). Guest code running
 * past it traps with IG_ETRAP_DEADLINE within 10 ms of it, even in a loop
 * with no calls.
 */
void ig_wasm_store_set_deadline(ig_wasm_store_t *s, uint64_t mono_ns);

/* Ask running guest code to trap with IG_ETRAP_INTERRUPT soon. Safe from
 * any thread and from a signal handler. Cleared when the next
 * ig_wasm_call() starts. */
void ig_wasm_store_interrupt(ig_wasm_store_t *s);

/* A one-line description of the last trap or error in this store, with
 * the function index and code offset where known; "" if none. */
const char *ig_wasm_store_last_error(const ig_wasm_store_t *s);

/* ------------------------------------------------------ host functions */

/*
 * A host function reads args (one per parameter) and writes results (one
 * per result). It returns 0, or a negative code that ends the guest call:
 * the code becomes ig_wasm_call()'s return value (use IG_ETRAP_EXIT for
 * proc_exit, IG_ETRAP_HOST for a generic failure).
 */
typedef int (*ig_wasm_host_fn)(ig_wasm_caller_t *caller, void *user,
                               const ig_wasm_val_t *args,
                               ig_wasm_val_t *results);

/* Copies type. user is borrowed and must outlive the store. */
int ig_wasm_func_new_host(ig_wasm_store_t *s,
                          const struct ig_wasm_functype *type,
                          ig_wasm_host_fn fn, void *user,
                          ig_wasm_func_t **out);

/* Memory 0 of the instance whose code called the host function, or NULL
 * when it has none. */
ig_wasm_memory_t *ig_wasm_caller_memory(ig_wasm_caller_t *c);
ig_wasm_store_t *ig_wasm_caller_store(ig_wasm_caller_t *c);

/* Charge extra fuel for host work; IG_ETRAP_FUEL when over the limit. */
int ig_wasm_caller_charge(ig_wasm_caller_t *c, uint64_t fuel);

/* ---------------------------------------------------- runtime objects */

const struct ig_wasm_functype *ig_wasm_func_type(const ig_wasm_func_t *f);

/*
 * Memory data moves when memory grows: fetch the pointer again after any
 * guest call. read/write check bounds and return IG_ETRAP_MEM_OOB.
 */
uint8_t *ig_wasm_memory_data(ig_wasm_memory_t *m);
size_t ig_wasm_memory_size(const ig_wasm_memory_t *m); /* in bytes */
int ig_wasm_memory_read(const ig_wasm_memory_t *m, uint64_t off, void *dst,
                        size_t n);
int ig_wasm_memory_write(ig_wasm_memory_t *m, uint64_t off, const void *src,
                         size_t n);
int ig_wasm_memory_new(ig_wasm_store_t *s, const struct ig_wasm_limits *lim,
                       ig_wasm_memory_t **out);
/* Grow by delta pages; *old_pages gets the old size. -ENOMEM or
 * IG_EWASM_LIMIT when it cannot grow (the guest would see -1). */
int ig_wasm_memory_grow(ig_wasm_memory_t *m, uint32_t delta,
                        uint32_t *old_pages);

int ig_wasm_table_new(ig_wasm_store_t *s, uint8_t elemtype,
                      const struct ig_wasm_limits *lim, ig_wasm_val_t init,
                      ig_wasm_table_t **out);
uint32_t ig_wasm_table_size(const ig_wasm_table_t *t);
int ig_wasm_table_get(const ig_wasm_table_t *t, uint32_t i,
                      ig_wasm_val_t *out);
int ig_wasm_table_set(ig_wasm_table_t *t, uint32_t i, ig_wasm_val_t v);

int ig_wasm_global_new(ig_wasm_store_t *s, uint8_t valtype, int mutable_,
                       ig_wasm_val_t v, ig_wasm_global_t **out);
ig_wasm_val_t ig_wasm_global_get(const ig_wasm_global_t *g);
/* IG_ESTATE for an immutable global. */
int ig_wasm_global_set(ig_wasm_global_t *g, ig_wasm_val_t v);
uint8_t ig_wasm_global_valtype(const ig_wasm_global_t *g);
int ig_wasm_global_is_mutable(const ig_wasm_global_t *g);

/* ----------------------------------------------------------- instances */

/*
 * Instantiate m in s. imports[i] answers the module's import i, in order.
 * Checks each import's kind and type (IG_EWASM_UNLINKABLE with the import's
 * name in err), builds memories, tables and globals, applies element and
 * data segments, then runs the start function. A trap there is returned
 * and *out is left NULL, but writes already made to imported memories and
 * tables stay, as the specification requires.
 */
int ig_wasm_instance_new(ig_wasm_store_t *s, const ig_wasm_module_t *m,
                         const struct ig_wasm_extern *imports,
                         uint32_t nimports, ig_wasm_instance_t **out,
                         char *err, size_t errlen);

/* Look an export up by NUL-terminated name, or by bytes and length. */
int ig_wasm_instance_export(ig_wasm_instance_t *inst, const char *name,
                            struct ig_wasm_extern *out);
int ig_wasm_instance_export_n(ig_wasm_instance_t *inst, const char *name,
                              size_t len, struct ig_wasm_extern *out);

/* ---------------------------------------------------------------- calls */

/*
 * Call f with nargs arguments and room for nresults results; both counts
 * must match its type (else IG_EWASM_TYPE). Returns 0, a trap code, or a
 * host function's code. Guest recursion never uses the C stack, so a deep
 * guest cannot crash the host: it traps with IG_ETRAP_STACK. Calling back
 * into a store from its own host function returns IG_ESTATE.
 */
int ig_wasm_call(ig_wasm_store_t *s, ig_wasm_func_t *f,
                 const ig_wasm_val_t *args, uint32_t nargs,
                 ig_wasm_val_t *results, uint32_t nresults);

#endif
