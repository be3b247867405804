/* SPDX-License-Identifier: MIT */
/* One agent instance: load and link its module, check its ABI, start or
 * resume it, tick and meter it, and commit its signed checkpoints. */
#include "agent/agent.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/meter.h"
#include "membrane/link.h"
#include "membrane/manifest.h"
#include "membrane/membrane.h"
#include "store/agentid.h"
#include "store/ckpt.h"
#include "util/err.h"
#include "util/log.h"

/* Guest output longer than this is cut in the node log. */
#define LOG_LINE_MAX 2048

struct ig_agent {
    char id[IG_AGENT_ID_MAX + 1];
    char comp[IG_AGENT_ID_MAX + 8]; /* "agent:<id>" */
    struct ig_store *store;
    struct ig_manifest man;
    ig_wasm_module_t *mod;
    ig_wasm_store_t *ws;
    ig_membrane_t *mb;
    struct ig_wasm_extern *imports;
    ig_wasm_instance_t *inst;
    ig_wasm_memory_t *mem;
    ig_wasm_func_t *f_init, *f_tick, *f_ckpt, *f_ckpt_ptr, *f_resume;
    ig_wasm_func_t *f_malloc; /* optional */
    int tick_returns;         /* agent_tick has an i32 result */
    uint8_t wasm_hash[IG_CKPT_HASH_LEN];
    struct ig_identity ident;
    uint64_t timeout_ns;
    int started;
    int poisoned; /* a tick trapped: the state may be half updated */
    int64_t budget;
    int64_t price;
    uint64_t tick;
    uint8_t prev_hash[IG_CKPT_HASH_LEN];
    int has_committed;
    uint64_t committed_tick;
    int save_ident; /* write the identity file with the next commit */
    /* Guest output reaching the node log per guest call ("tick"): the
     * limits, what was written and what was counted but not written. */
    uint64_t log_max_lines, log_max_bytes;
    uint64_t log_lines, log_bytes, log_dropped;
};

/* One required or optional export and the type it must have. */
struct abi_export {
    const char *name;
    uint32_t nparams;
    uint32_t nresults; /* agent_tick: 0 or 1 */
    int required;
    size_t slot; /* offset of its ig_wasm_func_t * in struct ig_agent */
};

static const struct abi_export abi[] = {
    { "agent_init", 0, 0, 1, offsetof(struct ig_agent, f_init) },
    { "agent_tick", 0, 0, 1, offsetof(struct ig_agent, f_tick) },
    { "agent_checkpoint", 0, 1, 1, offsetof(struct ig_agent, f_ckpt) },
    { "agent_checkpoint_ptr", 0, 1, 1, offsetof(struct ig_agent, f_ckpt_ptr) },
    { "agent_resume", 2, 0, 1, offsetof(struct ig_agent, f_resume) },
    { "malloc", 1, 1, 0, offsetof(struct ig_agent, f_malloc) },
};

static uint64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------ membrane glue */

static const char *stream_tag(int stream)
{
    switch (stream) {
        case IG_LOG_STDOUT:
            return "stdout";
        case IG_LOG_STDERR:
            return "stderr";
        case IG_LOG_NOTICE:
            return "notice";
        default:
            return "log";
    }
}

/* Guest text goes to the node log with control bytes replaced, so an
 * agent cannot forge log lines or send terminal escapes. */
static void on_log(void *user, int stream, const char *msg, size_t len)
{
    struct ig_agent *a = user;
    char line[LOG_LINE_MAX + 1];
    size_t n = len < LOG_LINE_MAX ? len : LOG_LINE_MAX;

    /* Over the per-tick budget: counted, not written (the event log has
     * recorded the call already, so replay is unaffected). */
    if (a->log_lines >= a->log_max_lines ||
        a->log_bytes + n > a->log_max_bytes) {
        a->log_dropped++;
        return;
    }
    a->log_lines++;
    a->log_bytes += n;

    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)msg[i];

        line[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    line[n] = '\0';
    if (stream == IG_LOG_STDERR || stream == IG_LOG_NOTICE)
        ig_warn(a->comp,
                "[%s] %s%s",
                stream_tag(stream),
                line,
                n < len ? " [cut]" : "");
    else
        ig_info(a->comp,
                "[%s] %s%s",
                stream_tag(stream),
                line,
                n < len ? " [cut]" : "");
}

static int64_t on_balance(void *user)
{
    return ((struct ig_agent *)user)->budget;
}

static int64_t on_price(void *user)
{
    return ((struct ig_agent *)user)->price;
}

static int new_membrane(struct ig_agent *a)
{
    struct ig_membrane_config cfg = {
        .mode = IG_MEMBRANE_LIVE,
        .user = a,
        .log = on_log,
        .wallet_balance = on_balance,
        .node_price = on_price,
    };

    return ig_membrane_new(&cfg, &a->mb);
}

/* ------------------------------------------------------------- calls */

/* Call a guest export under the tick deadline; err names the export. */
static int guest_call(struct ig_agent *a,
                      ig_wasm_func_t *f,
                      const char *name,
                      const ig_wasm_val_t *args,
                      uint32_t nargs,
                      ig_wasm_val_t *res,
                      uint32_t nres,
                      char *err,
                      size_t errlen)
{
    int rc;

    a->log_lines = a->log_bytes = a->log_dropped = 0;
    ig_wasm_store_set_deadline(a->ws, mono_ns() + a->timeout_ns);
    rc = ig_wasm_call(a->ws, f, args, nargs, res, nres);
    ig_wasm_store_set_deadline(a->ws, 0);
    if (a->log_dropped)
        ig_warn(a->comp,
                "agent %s: %" PRIu64 " log lines suppressed this tick "
                "(budget %" PRIu64 " lines, %" PRIu64 " bytes)",
                a->id,
                a->log_dropped,
                a->log_max_lines,
                a->log_max_bytes);
    if (rc == 0)
        return 0;
    if (rc == IG_ETRAP_DEADLINE)
        ig_err_set(err,
                   errlen,
                   "%s ran past its %" PRIu64 " ms limit "
                   "and was stopped (%s)",
                   name,
                   a->timeout_ns / 1000000,
                   ig_strerror(rc));
    else if (rc == IG_ETRAP_HOST && ig_membrane_last_error(a->mb)[0])
        ig_err_set(err,
                   errlen,
                   "%s: %s: %s",
                   name,
                   ig_strerror(rc),
                   ig_membrane_last_error(a->mb));
    else if (ig_wasm_store_last_error(a->ws)[0]) /* names the trap */
        ig_err_set(
          err, errlen, "%s: %s", name, ig_wasm_store_last_error(a->ws));
    else
        ig_err_set(err, errlen, "%s: %s", name, ig_strerror(rc));
    return rc;
}

/* ---------------------------------------------------------- loading */

static int check_export(const ig_wasm_module_t *m,
                        const struct abi_export *e,
                        char *err,
                        size_t errlen)
{
    struct ig_wasm_functype t;
    int ok;

    if (ig_wasm_module_export_functype(m, e->name, &t) < 0) {
        if (!e->required)
            return 0;
        ig_err_set(err,
                   errlen,
                   "the module does not export function %s "
                   "(igord ABI)",
                   e->name);
        return IG_EABI;
    }
    ok = t.nparams == e->nparams;
    for (uint32_t i = 0; ok && i < t.nparams; i++)
        ok = t.params[i] == IG_WASM_I32;
    if (!strcmp(e->name, "agent_tick"))
        ok = ok && (t.nresults == 0 ||
                    (t.nresults == 1 && t.results[0] == IG_WASM_I32));
    else
        ok = ok && t.nresults == e->nresults &&
             (t.nresults == 0 || t.results[0] == IG_WASM_I32);
    if (!ok) {
        ig_err_set(err,
                   errlen,
                   "export %s has the wrong signature "
                   "(igord ABI: %u i32 parameter(s), %u i32 result(s)%s)",
                   e->name,
                   e->nparams,
                   e->nresults,
                   !strcmp(e->name, "agent_tick") ? " or one" : "");
        return IG_EABI;
    }
    return 0;
}

static int check_abi(const ig_wasm_module_t *m,
                     int *tick_returns,
                     char *err,
                     size_t errlen)
{
    struct ig_wasm_functype t;

    for (size_t i = 0; i < sizeof(abi) / sizeof(abi[0]); i++) {
        int rc = check_export(m, &abi[i], err, errlen);

        if (rc < 0)
            return rc;
    }
    ig_wasm_module_export_functype(m, "agent_tick", &t);
    *tick_returns = t.nresults == 1;
    if (ig_wasm_module_export_functype(m, "_initialize", &t) == 0 &&
        (t.nparams || t.nresults)) {
        ig_err_set(err,
                   errlen,
                   "export _initialize must take and return "
                   "nothing");
        return IG_EABI;
    }
    return 0;
}

static int bind_exports(struct ig_agent *a, char *err, size_t errlen)
{
    struct ig_wasm_extern ex;

    for (size_t i = 0; i < sizeof(abi) / sizeof(abi[0]); i++) {
        ig_wasm_func_t **slot = (ig_wasm_func_t **)((char *)a + abi[i].slot);

        if (ig_wasm_instance_export(a->inst, abi[i].name, &ex) == 0 &&
            ex.kind == IG_WASM_EXTERN_FUNC)
            *slot = ex.u.func;
    }
    if (ig_wasm_instance_export(a->inst, "memory", &ex) < 0 ||
        ex.kind != IG_WASM_EXTERN_MEMORY) {
        ig_err_set(err,
                   errlen,
                   "the module exports no memory named "
                   "\"memory\" (igord ABI)");
        return IG_EABI;
    }
    a->mem = ex.u.memory;
    return 0;
}

static int parse_manifest(struct ig_agent *a,
                          const struct ig_agent_opts *o,
                          struct ig_wasm_config *cfg,
                          char *err,
                          size_t errlen)
{
    const char *text = o->manifest ? o->manifest : "{}";
    size_t len = o->manifest ? o->manifest_len : 2;
    char why[256] = "";
    int rc;

    rc =
      ig_manifest_parse((const uint8_t *)text, len, &a->man, why, sizeof(why));
    if (rc == 0)
        rc =
          ig_manifest_check_node(&a->man, IG_CAP_IMPLEMENTED, why, sizeof(why));
    if (rc == 0)
        rc = ig_manifest_memory_pages(&a->man,
                                      IG_MANIFEST_DEFAULT_PAGES,
                                      &cfg->max_memory_pages,
                                      why,
                                      sizeof(why));
    if (rc < 0)
        ig_err_set(err,
                   errlen,
                   "%s%s",
                   strncmp(why, "manifest", 8) ? "manifest: " : "",
                   why[0] ? why : ig_strerror(rc));
    return rc;
}

static int load_module(struct ig_agent *a,
                       const struct ig_agent_opts *o,
                       char *err,
                       size_t errlen)
{
    char why[256] = "";
    int rc =
      ig_wasm_module_load(o->wasm, o->wasm_len, &a->mod, why, sizeof(why));

    if (rc < 0) {
        ig_err_set(err,
                   errlen,
                   "not a loadable wasm module: %s",
                   why[0] ? why : ig_strerror(rc));
        return rc;
    }
    ig_ckpt_wasm_hash(o->wasm, o->wasm_len, a->wasm_hash);
    return check_abi(a->mod, &a->tick_returns, err, errlen);
}

static int instantiate(struct ig_agent *a,
                       const struct ig_wasm_config *cfg,
                       char *err,
                       size_t errlen)
{
    uint32_t nimports = 0;
    struct ig_wasm_extern ex;
    char why[256] = "";
    int rc;

    rc = ig_wasm_store_new(cfg, &a->ws);
    if (rc == 0)
        rc = new_membrane(a);
    if (rc < 0)
        return rc;
    ig_wasm_store_set_fuel_limit(a->ws, UINT64_MAX);
    rc = ig_link_imports(
      a->mb, a->ws, a->mod, &a->man, &a->imports, &nimports, err, errlen);
    if (rc < 0)
        return rc;
    ig_wasm_store_set_deadline(a->ws, mono_ns() + a->timeout_ns);
    rc = ig_wasm_instance_new(
      a->ws, a->mod, a->imports, nimports, &a->inst, why, sizeof(why));
    ig_wasm_store_set_deadline(a->ws, 0);
    if (rc < 0) {
        if (rc == IG_EWASM_LIMIT) /* say what the limits are */
            ig_err_set(err,
                       errlen,
                       "cannot instantiate: %s (an agent gets at most %u "
                       "elements a table, and the memory its manifest "
                       "allows, 64 MiB at most)",
                       why[0] ? why : ig_strerror(rc),
                       IG_AGENT_MAX_TABLE_ELEMS);
        else
            ig_err_set(err,
                       errlen,
                       "cannot instantiate: %s",
                       why[0] ? why : ig_strerror(rc));
        return rc;
    }
    rc = bind_exports(a, err, errlen);
    if (rc == 0 && ig_wasm_instance_export(a->inst, "_initialize", &ex) == 0)
        rc = guest_call(
          a, ex.u.func, "_initialize", NULL, 0, NULL, 0, err, errlen);
    return rc;
}

int ig_agent_new(const struct ig_agent_opts *o,
                 struct ig_agent **out,
                 char *err,
                 size_t errlen)
{
    struct ig_wasm_config cfg;
    struct ig_agent *a;
    int rc;

    *out = NULL;
    rc = ig_agentid_validate(o->id, err, errlen);
    if (rc < 0)
        return rc;
    a = calloc(1, sizeof(*a));
    if (!a)
        return -ENOMEM;
    snprintf(a->id, sizeof(a->id), "%s", o->id);
    snprintf(a->comp, sizeof(a->comp), "agent:%s", o->id);
    a->store = o->store;
    a->budget = o->budget;
    a->price = o->price;
    a->timeout_ns =
      o->tick_timeout_ns ? o->tick_timeout_ns : IG_AGENT_TICK_TIMEOUT_NS;
    a->log_max_lines = o->log_lines ? o->log_lines : IG_AGENT_LOG_LINES;
    a->log_max_bytes = o->log_bytes ? o->log_bytes : IG_AGENT_LOG_BYTES;
    ig_manifest_init(&a->man);
    ig_wasm_config_default(&cfg);
    cfg.max_table_elems = IG_AGENT_MAX_TABLE_ELEMS;
    rc = parse_manifest(a, o, &cfg, err, errlen);
    if (rc == 0)
        rc = load_module(a, o, err, errlen);
    if (rc == 0)
        rc = instantiate(a, &cfg, err, errlen);
    if (rc < 0) {
        ig_agent_free(a);
        return rc;
    }
    *out = a;
    return 0;
}

/* ------------------------------------------------------------ start */

int ig_agent_check_checkpoint(const uint8_t *wasm_hash,
                              const uint8_t *pubkey,
                              const uint8_t *blob,
                              size_t len,
                              struct ig_ckpt *ck,
                              char *err,
                              size_t errlen)
{
    char why[256] = "";
    int rc = ig_ckpt_parse(blob, len, ck, why, sizeof(why));

    if (rc < 0) {
        ig_err_set(
          err, errlen, "bad checkpoint: %s", why[0] ? why : ig_strerror(rc));
        return rc;
    }
    if (memcmp(ck->wasm_hash, wasm_hash, IG_CKPT_HASH_LEN) != 0) {
        ig_err_set(err,
                   errlen,
                   "the checkpoint was made by a different "
                   "wasm binary (wasm hash differs)");
        return IG_ECKPT_WASM_HASH;
    }
    if (ck->version < IG_CKPT_V4) {
        ig_err_set(err,
                   errlen,
                   "the checkpoint is an unsigned v%u checkpoint: nothing "
                   "vouches for its budget or state",
                   ck->version);
        return IG_ECKPT_UNSIGNED;
    }
    rc = ig_ckpt_verify(blob, len, why, sizeof(why));
    if (rc < 0) {
        ig_err_set(err,
                   errlen,
                   "%s",
                   why[0] ? why : "checkpoint signature does not verify");
        return rc;
    }
    if (pubkey && memcmp(ck->pubkey, pubkey, IG_CKPT_PUBKEY_LEN) != 0) {
        ig_err_set(err,
                   errlen,
                   "the identity file's key is not the key "
                   "that signed this checkpoint");
        return IG_EKEY_MISMATCH;
    }
    return 0;
}

static int in_memory(struct ig_agent *a, uint64_t ptr, uint64_t len)
{
    uint64_t size = ig_wasm_memory_size(a->mem);

    return ptr <= size && len <= size - ptr;
}

/* Place the state with the guest's malloc and call agent_resume. */
static int resume_state(struct ig_agent *a,
                        const struct ig_ckpt *ck,
                        char *err,
                        size_t errlen)
{
    ig_wasm_val_t args[2] = { 0, 0 }, ptr = 0, n = ck->state_len;
    int rc;

    if (ck->state_len > 0) {
        if (!a->f_malloc) {
            ig_err_set(err,
                       errlen,
                       "the module exports no malloc, needed "
                       "to resume %zu bytes of state (igord ABI)",
                       ck->state_len);
            return IG_EABI;
        }
        rc = guest_call(a, a->f_malloc, "malloc", &n, 1, &ptr, 1, err, errlen);
        if (rc < 0)
            return rc;
        ptr &= 0xffffffffu;
        if (ptr == 0) {
            ig_err_set(err,
                       errlen,
                       "the agent's malloc(%zu) returned 0 "
                       "(out of memory)",
                       ck->state_len);
            return IG_EAGENT_MALLOC;
        }
        if (!in_memory(a, ptr, ck->state_len)) {
            ig_err_set(err,
                       errlen,
                       "the agent's malloc(%zu) returned %" PRIu64
                       ", outside its memory",
                       ck->state_len,
                       ptr);
            return IG_EABI;
        }
        ig_wasm_memory_write(a->mem, ptr, ck->state, ck->state_len);
        args[0] = ptr;
        args[1] = n;
    }
    return guest_call(
      a, a->f_resume, "agent_resume", args, 2, NULL, 0, err, errlen);
}

int ig_agent_start(struct ig_agent *a,
                   const struct ig_identity *ident,
                   const uint8_t *ckpt,
                   size_t ckpt_len,
                   char *err,
                   size_t errlen)
{
    struct ig_ckpt ck;
    int rc;

    if (a->started)
        return IG_ESTATE;
    a->ident = *ident;
    a->started = 1;
    if (!ckpt) {
        rc =
          guest_call(a, a->f_init, "agent_init", NULL, 0, NULL, 0, err, errlen);
        a->poisoned = rc < 0;
        return rc;
    }
    rc = ig_agent_check_checkpoint(
      a->wasm_hash, a->ident.pubkey, ckpt, ckpt_len, &ck, err, errlen);
    if (rc == 0)
        rc = resume_state(a, &ck, err, errlen);
    if (rc < 0) {
        a->poisoned = 1;
        return rc;
    }
    a->budget = ck.budget;
    a->price = ck.price;
    a->tick = ck.tick;
    a->committed_tick = ck.tick;
    a->has_committed = 1;
    ig_ckpt_content_hash(ckpt, ckpt_len, a->prev_hash);
    return 0;
}

void ig_agent_save_identity_on_commit(struct ig_agent *a)
{
    a->save_ident = 1;
}

int ig_agent_set_budget(struct ig_agent *a, int64_t budget)
{
    if (budget < 0)
        return -EINVAL;
    a->budget = budget;
    return 0;
}

int ig_agent_set_price(struct ig_agent *a, int64_t price)
{
    if (price < 0)
        return -EINVAL;
    a->price = price;
    return 0;
}

/* ------------------------------------------------------------- tick */

int ig_agent_tick(struct ig_agent *a,
                  struct ig_agent_tick_report *r,
                  char *err,
                  size_t errlen)
{
    ig_wasm_val_t res = 0;
    uint64_t t0, t1;
    int rc;

    memset(r, 0, sizeof(*r));
    r->tick = a->tick + 1;
    r->budget = a->budget;
    if (!a->started || a->poisoned)
        return IG_ESTATE;
    if (a->tick == UINT64_MAX) {
        r->tick = a->tick; /* the next number does not exist */
        ig_err_set(err,
                   errlen,
                   "the tick number is at its maximum (%" PRIu64 "); "
                   "the agent cannot tick again",
                   a->tick);
        return IG_ETICK_MAX;
    }
    if (!ig_meter_can_tick(a->budget)) {
        ig_err_set(err, errlen, "budget exhausted");
        return IG_EBUDGET;
    }
    a->tick++;
    rc = ig_membrane_tick_begin(a->mb, a->tick);
    if (rc < 0)
        return rc;
    ig_wasm_store_reset_fuel(a->ws);
    t0 = mono_ns();
    rc = guest_call(a,
                    a->f_tick,
                    "agent_tick",
                    NULL,
                    0,
                    &res,
                    a->tick_returns ? 1 : 0,
                    err,
                    errlen);
    t1 = mono_ns();
    ig_membrane_tick_end(a->mb);
    r->ns = t1 - t0;
    r->cost = ig_meter_charge(&a->budget, r->ns, a->price);
    r->budget = a->budget;
    r->fuel = ig_wasm_store_fuel_consumed(a->ws);
    r->observations = (uint32_t)ig_eventlog_count(ig_membrane_eventlog(a->mb));
    r->more_work = a->tick_returns && (uint32_t)res != 0;
    if (rc < 0) {
        a->poisoned = 1;
        r->trap = rc;
    }
    return rc;
}

/* ------------------------------------------------------- checkpoint */

/* Copy the guest's state out: *state is malloc'd (NULL when empty). */
static int capture(struct ig_agent *a,
                   uint8_t **state,
                   size_t *len,
                   char *err,
                   size_t errlen)
{
    ig_wasm_val_t size = 0, ptr = 0;
    int rc;

    *state = NULL;
    *len = 0;
    rc = guest_call(
      a, a->f_ckpt, "agent_checkpoint", NULL, 0, &size, 1, err, errlen);
    if (rc < 0 || (size &= 0xffffffffu) == 0)
        return rc;
    if (size > IG_CKPT_MAX_STATE) {
        ig_err_set(err,
                   errlen,
                   "agent_checkpoint returned %" PRIu64
                   " bytes, over the %u-byte limit",
                   size,
                   IG_CKPT_MAX_STATE);
        return IG_EABI;
    }
    rc = guest_call(
      a, a->f_ckpt_ptr, "agent_checkpoint_ptr", NULL, 0, &ptr, 1, err, errlen);
    if (rc < 0)
        return rc;
    ptr &= 0xffffffffu;
    if (!in_memory(a, ptr, size)) {
        ig_err_set(err,
                   errlen,
                   "agent_checkpoint_ptr returned [%" PRIu64 ", %" PRIu64
                   "), outside the agent's %zu-byte memory",
                   ptr,
                   ptr + size,
                   ig_wasm_memory_size(a->mem));
        return IG_EABI;
    }
    *state = malloc(size);
    if (!*state)
        return -ENOMEM;
    *len = size;
    return ig_wasm_memory_read(a->mem, ptr, *state, size);
}

static int build(struct ig_agent *a,
                 const uint8_t *state,
                 size_t len,
                 uint8_t **blob,
                 size_t *blen)
{
    struct ig_ckpt ck;

    memset(&ck, 0, sizeof(ck));
    ck.version = IG_CKPT_V4;
    ck.budget = a->budget;
    ck.price = a->price;
    ck.tick = a->tick;
    memcpy(ck.wasm_hash, a->wasm_hash, IG_CKPT_HASH_LEN);
    memcpy(ck.prev_hash, a->prev_hash, IG_CKPT_HASH_LEN);
    ck.state = state;
    ck.state_len = len;
    return ig_ckpt_build_v4(&ck, a->ident.secret, blob, blen);
}

/*
 * The identity file goes first, so no committed checkpoint is ever
 * without its key; if the checkpoint then fails, the identity this
 * call wrote is removed again: nothing is committed.
 */
static int commit(struct ig_agent *a,
                  const uint8_t *blob,
                  size_t len,
                  char *err,
                  size_t errlen)
{
    char what[2 * PATH_MAX] = "";
    int rc = 0, wrote_ident = 0;

    if (a->save_ident) {
        rc = ig_store_save_identity(a->store, a->id, &a->ident, err, errlen);
        wrote_ident = rc == 0;
    }
    if (rc == 0)
        rc = ig_store_commit(
          a->store, a->id, blob, len, what, sizeof(what), err, errlen);
    if (what[0])
        ig_warn(a->comp, "agent %s: %s", a->id, what);
    if (rc == 0)
        a->save_ident = 0;
    else if (wrote_ident)
        ig_store_remove(a->store, a->id, IG_STORE_IDENTITY, NULL, 0);
    return rc;
}

int ig_agent_checkpoint(struct ig_agent *a,
                        int *wrote,
                        char *err,
                        size_t errlen)
{
    uint8_t *state = NULL, *blob = NULL;
    size_t len = 0, blen = 0;
    int rc;

    *wrote = 0;
    if (!a->started || a->poisoned) {
        ig_err_set(err,
                   errlen,
                   "the agent failed; its state is not "
                   "committed");
        return IG_ESTATE;
    }
    if (a->has_committed && a->committed_tick == a->tick)
        return 0;
    rc = capture(a, &state, &len, err, errlen);
    if (rc == 0)
        rc = build(a, state, len, &blob, &blen);
    if (rc == 0)
        rc = commit(a, blob, blen, err, errlen);
    if (rc == 0) {
        ig_ckpt_content_hash(blob, blen, a->prev_hash);
        a->committed_tick = a->tick;
        a->has_committed = 1;
        *wrote = 1;
    }
    free(state);
    free(blob);
    return rc;
}

/* -------------------------------------------------------- accessors */

const char *ig_agent_id(const struct ig_agent *a)
{
    return a->id;
}

int64_t ig_agent_budget(const struct ig_agent *a)
{
    return a->budget;
}

int64_t ig_agent_price(const struct ig_agent *a)
{
    return a->price;
}

uint64_t ig_agent_tick_number(const struct ig_agent *a)
{
    return a->tick;
}

const uint8_t *ig_agent_pubkey(const struct ig_agent *a)
{
    return a->ident.pubkey;
}

uint64_t ig_agent_committed_tick(const struct ig_agent *a)
{
    return a->committed_tick;
}

int ig_agent_has_committed(const struct ig_agent *a)
{
    return a->has_committed;
}

void ig_agent_free(struct ig_agent *a)
{
    if (!a)
        return;
    /* The store holds host functions bound to the membrane: free it
     * first, then the membrane (which flushes pending output). */
    ig_wasm_store_free(a->ws);
    ig_membrane_free(a->mb);
    free(a->imports);
    ig_wasm_module_free(a->mod);
    ig_manifest_free(&a->man);
    ig_identity_wipe(&a->ident);
    free(a);
}
