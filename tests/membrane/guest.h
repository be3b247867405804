/* SPDX-License-Identifier: MIT */
/* Test helper: load a guest built for the membrane tests, link it through
 * the membrane under a manifest, and call its exports; capture its log. */
#ifndef IG_TEST_MEMBRANE_GUEST_H
#define IG_TEST_MEMBRANE_GUEST_H

#include "membrane/link.h"
#include "membrane/manifest.h"
#include "membrane/membrane.h"
#include "wasm/wasm.h"

struct guest {
    uint8_t *bytes;
    size_t len;
    ig_wasm_module_t *mod;
    ig_wasm_store_t *store;
    ig_membrane_t *mb;
    ig_wasm_instance_t *inst;
    struct ig_manifest man;
    char err[512];
};

/* Lines the log callback received. */
#define CAPTURE_MAX 64
struct capture {
    int n;
    int stream[CAPTURE_MAX];
    char line[CAPTURE_MAX][256];
};

/* The log callback: user must be a struct capture. */
void capture_log(void *user, int stream, const char *msg, size_t len);

/* Path of the guest called name in the test build. */
const char *guest_path(const char *name);

/* Load, link under manifest_json and instantiate the guest, then run
 * _initialize when it is exported. Returns the first failing step's code,
 * with its detail in g->err. g is always safe to close. */
int guest_open(struct guest *g,
               const char *name,
               const char *manifest_json,
               const struct ig_membrane_config *cfg);
void guest_close(struct guest *g);

/* Like guest_open for the wasm file at path and manifest bytes, with the
 * store's memory capped at max_pages. */
int guest_open_file(struct guest *g,
                    const char *path,
                    const uint8_t *manifest,
                    size_t manifest_len,
                    const struct ig_membrane_config *cfg,
                    uint32_t max_pages);

/* An agent's state as agent_checkpoint reports it. */
struct guest_state {
    uint8_t bytes[4096];
    uint32_t len;
};

/* Capture the state; restore one through malloc + agent_resume. Both fail
 * the test on any error. */
void guest_capture(struct guest *g, struct guest_state *s);
void guest_resume(struct guest *g, const struct guest_state *s);

/* Reset the fuel counter and call agent_tick (void or i32). */
int guest_tick(struct guest *g);

/* Call an exported function. */
int guest_call(struct guest *g,
               const char *fn,
               const ig_wasm_val_t *args,
               uint32_t nargs,
               ig_wasm_val_t *res,
               uint32_t nres);

/* Call fn with nargs (up to three) of a, b, c and one i32 result; a trap
 * fails the test. */
int32_t guest_i32(struct guest *g,
                  const char *fn,
                  uint32_t nargs,
                  ig_wasm_val_t a,
                  ig_wasm_val_t b,
                  ig_wasm_val_t c);

ig_wasm_memory_t *guest_memory(struct guest *g);

#endif
