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
    struct ig_wasm_extern ex;
    int rc = ig_link_instantiate(
      g->mb, g->store, g->mod, &g->man, &g->inst, g->err, sizeof(g->err));

    if (rc == 0 && ig_wasm_instance_export(g->inst, "_initialize", &ex) == 0)
        rc = ig_wasm_call(g->store, ex.u.func, NULL, 0, NULL, 0);
    return rc;
}

int guest_open_file(struct guest *g,
                    const char *path,
                    const uint8_t *manifest,
                    size_t manifest_len,
                    const struct ig_membrane_config *cfg,
                    uint32_t max_pages)
{
    struct ig_wasm_config wc;
    int rc;

    memset(g, 0, sizeof(*g));
    rc = ig_atomic_read(
      path, 16u << 20, &g->bytes, &g->len, g->err, sizeof(g->err));
    if (rc == 0)
        rc = ig_manifest_parse(
          manifest, manifest_len, &g->man, g->err, sizeof(g->err));
    if (rc == 0)
        rc = ig_wasm_module_load(
          g->bytes, g->len, &g->mod, g->err, sizeof(g->err));
    ig_wasm_config_default(&wc);
    wc.max_memory_pages = max_pages;
    if (rc == 0)
        rc = ig_wasm_store_new(&wc, &g->store);
    if (rc == 0)
        rc = ig_membrane_new(cfg, &g->mb);
    if (rc == 0)
        rc = instantiate(g);
    return rc;
}

int guest_open(struct guest *g,
               const char *name,
               const char *manifest_json,
               const struct ig_membrane_config *cfg)
{
    return guest_open_file(g,
                           guest_path(name),
                           (const uint8_t *)manifest_json,
                           strlen(manifest_json),
                           cfg,
                           IG_MANIFEST_DEFAULT_PAGES);
}

void guest_capture(struct guest *g, struct guest_state *s)
{
    ig_wasm_val_t n = 0, p = 0;

    ASSERT_OK(guest_call(g, "agent_checkpoint", NULL, 0, &n, 1));
    s->len = 0;
    if (n == 0)
        return;
    ASSERT_OK(guest_call(g, "agent_checkpoint_ptr", NULL, 0, &p, 1));
    ASSERT_TRUE(n <= sizeof(s->bytes));
    s->len = (uint32_t)n;
    ASSERT_OK(ig_wasm_memory_read(guest_memory(g), p, s->bytes, s->len));
}

void guest_resume(struct guest *g, const struct guest_state *s)
{
    ig_wasm_val_t n = s->len, p = 0, args[2];

    if (s->len) {
        ASSERT_OK(guest_call(g, "malloc", &n, 1, &p, 1));
        ASSERT_TRUE(p != 0);
        ASSERT_OK(ig_wasm_memory_write(guest_memory(g), p, s->bytes, s->len));
    }
    args[0] = p;
    args[1] = n;
    ASSERT_OK(guest_call(g, "agent_resume", args, 2, NULL, 0));
}

int guest_tick(struct guest *g)
{
    struct ig_wasm_extern ex;
    ig_wasm_val_t r = 0;

    ASSERT_OK(ig_wasm_instance_export(g->inst, "agent_tick", &ex));
    ig_wasm_store_reset_fuel(g->store);
    return ig_wasm_call(
      g->store, ex.u.func, NULL, 0, &r, ig_wasm_func_type(ex.u.func)->nresults);
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
