/* SPDX-License-Identifier: MIT */
/* Test helper: guest loading, linking and calls for the membrane tests. */
#include "guest.h"

#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/atomic.h"
#include "util/err.h"

void capture_log(void *user, int stream, const char *msg, size_t len)
{
    struct capture *c = user;

    if (c->n >= CAPTURE_MAX)
        return;
    c->stream[c->n] = stream;
    snprintf(c->line[c->n], sizeof(c->line[0]), "%.*s", (int)len, msg);
    c->n++;
}

const char *guest_path(const char *name)
{
    static char path[512];

    snprintf(path, sizeof(path), "%s/%s/agent.wasm", IG_MEMBRANE_GUESTS, name);
    return path;
}

static int instantiate(struct guest *g)
{
    struct ig_wasm_extern *imports = NULL;
    struct ig_wasm_extern ex;
    uint32_t n = 0;
    int rc;

    rc = ig_link_imports(
      g->mb, g->store, g->mod, &g->man, &imports, &n, g->err, sizeof(g->err));
    if (rc == 0)
        rc = ig_wasm_instance_new(
          g->store, g->mod, imports, n, &g->inst, g->err, sizeof(g->err));
    free(imports);
    if (rc == 0 && ig_wasm_instance_export(g->inst, "_initialize", &ex) == 0)
        rc = ig_wasm_call(g->store, ex.u.func, NULL, 0, NULL, 0);
    return rc;
}

int guest_open(struct guest *g,
               const char *name,
               const char *manifest_json,
               const struct ig_membrane_config *cfg)
{
    struct ig_wasm_config wc;
    int rc;

    memset(g, 0, sizeof(*g));
    rc = ig_atomic_read(
      guest_path(name), 16u << 20, &g->bytes, &g->len, g->err, sizeof(g->err));
    if (rc == 0)
        rc = ig_manifest_parse((const uint8_t *)manifest_json,
                               strlen(manifest_json),
                               &g->man,
                               g->err,
                               sizeof(g->err));
    if (rc == 0)
        rc = ig_wasm_module_load(
          g->bytes, g->len, &g->mod, g->err, sizeof(g->err));
    ig_wasm_config_default(&wc);
    wc.max_memory_pages = IG_MANIFEST_DEFAULT_PAGES;
    if (rc == 0)
        rc = ig_wasm_store_new(&wc, &g->store);
    if (rc == 0)
        rc = ig_membrane_new(cfg, &g->mb);
    if (rc == 0)
        rc = instantiate(g);
    return rc;
}

void guest_close(struct guest *g)
{
    ig_wasm_store_free(g->store);
    ig_membrane_free(g->mb);
    ig_wasm_module_free(g->mod);
    ig_manifest_free(&g->man);
    free(g->bytes);
    memset(g, 0, sizeof(*g));
}

int guest_call(struct guest *g,
               const char *fn,
               const ig_wasm_val_t *args,
               uint32_t nargs,
               ig_wasm_val_t *res,
               uint32_t nres)
{
    struct ig_wasm_extern ex;
    int rc = ig_wasm_instance_export(g->inst, fn, &ex);

    if (rc < 0)
        return rc;
    return ig_wasm_call(g->store, ex.u.func, args, nargs, res, nres);
}

int32_t guest_i32(struct guest *g,
                  const char *fn,
                  uint32_t nargs,
                  ig_wasm_val_t a,
                  ig_wasm_val_t b,
                  ig_wasm_val_t c)
{
    ig_wasm_val_t args[3] = { a, b, c }, res = 0;

    ASSERT_OK(guest_call(g, fn, args, nargs, &res, 1));
    return (int32_t)(uint32_t)res;
}

ig_wasm_memory_t *guest_memory(struct guest *g)
{
    struct ig_wasm_extern ex;

    if (ig_wasm_instance_export(g->inst, "memory", &ex) < 0)
        return NULL;
    return ex.u.memory;
}
