/* SPDX-License-Identifier: MIT */
/* Runs a wasm32-wasi command module (its _start) under the engine with
 * the membrane's WASI, collecting what it writes to stdout. */
#ifndef IG_BENCH_WASM_WASI_CMD_H
#define IG_BENCH_WASM_WASI_CMD_H

#include <stddef.h>
#include <stdint.h>

struct wasi_cmd_result {
    uint32_t exit_code; /* 0 when _start returned */
    char *out;          /* stdout, one '\n' per line; caller frees */
    size_t outlen;
    uint64_t load_ns; /* decode, validate and compile */
    uint64_t run_ns;  /* link, instantiate and _start */
};

/*
 * Load wasm[0, len) and run its _start with argv (argv[0] is the program
 * name). Returns 0 when the program ran to its end (returned or called
 * proc_exit; see exit_code), else the engine's error or trap code with a
 * message in err. res->out (possibly NULL) is the caller's to free
 * either way.
 */
int wasi_cmd_run(const uint8_t *wasm,
                 size_t len,
                 const char *const *argv,
                 uint32_t argc,
                 struct wasi_cmd_result *res,
                 char *err,
                 size_t errlen);

#endif
