/* SPDX-License-Identifier: MIT */
/* Conformance runner: executes the commands of wast2json output (a JSON
 * script plus .wasm files) against the engine and counts the outcomes. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasm/wasm.h"
#include "wast_spectest.h"
#include "wast_value.h"

/* Wall-clock guard per guest call, so an engine bug cannot hang a run. */
#define WAST_CALL_SECONDS 30
#define WAST_MAX_FILE (64u * 1024 * 1024)
/* How an escaped NUL travels through cJSON (see protect_nuls). */
#define WAST_NUL_ESC "\\udbff\\udffd"
#define WAST_NUL_UTF8 "\xf4\x8f\xbf\xbd"

enum wast_outcome {
    WAST_PASS = 0,
    WAST_FAIL = 1,
    WAST_SKIP = 2,
};

/* A name bound to an instance: "$M" from the script, or a registration. */
struct wast_name {
    char *name;
    ig_wasm_instance_t *inst;
    struct wast_name *next;
};

struct wast_run {
    char file[256]; /* script name in messages, without ".json" */
    char *dir;      /* where the .wasm files are */
    int verbose;
    int line;
    ig_wasm_store_t *store;
    struct wast_spectest spectest;
    ig_wasm_module_t **mods; /* every loaded module, freed at the end */
    size_t nmods, capmods;
    struct wast_name *named, *registered;
    ig_wasm_instance_t *current;
    unsigned counts[3];
};

/* Results of an action, typed by the function or global. */
struct wast_result {
    uint32_t n;
    const uint8_t *types;
    ig_wasm_val_t *vals;
    uint8_t gtype;
    ig_wasm_val_t gval;
};

static int fail(struct wast_run *r, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
static void note(struct wast_run *r, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static void report(struct wast_run *r,
                   const char *prefix,
                   const char *fmt,
                   va_list ap) __attribute__((format(printf, 3, 0)));

static void report(struct wast_run *r,
                   const char *prefix,
                   const char *fmt,
                   va_list ap)
{
    fprintf(stderr, "%s:%d: %s", r->file, r->line, prefix);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

/* A failed command: printed with its line in verbose mode. */
static int fail(struct wast_run *r, const char *fmt, ...)
{
    va_list ap;

    if (r->verbose) {
        va_start(ap, fmt);
        report(r, "", fmt, ap);
        va_end(ap);
    }
    return WAST_FAIL;
}

/* A diagnostic that does not change the outcome, verbose mode only. */
static void note(struct wast_run *r, const char *fmt, ...)
{
    va_list ap;

    if (r->verbose) {
        va_start(ap, fmt);
        report(r, "note: ", fmt, ap);
        va_end(ap);
    }
}

static const char *str_item(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int read_file(const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long size;
    int rc = 0;

    if (!f)
        return -errno;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        rc = -EIO;
        goto out;
    }
    if ((unsigned long)size > WAST_MAX_FILE) {
        rc = IG_ETOOBIG;
        goto out;
    }
    buf = malloc((size_t)size + 1);
    if (!buf) {
        rc = -ENOMEM;
        goto out;
    }
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        rc = -EIO;
        goto out;
    }
    buf[size] = 0;
    *out = buf;
    *len = (size_t)size;
    buf = NULL;
out:
    free(buf);
    fclose(f);
    return rc;
}

/* ------------------------------------------------------------ names */

static int bind_name(struct wast_name **list,
                     const char *name,
                     ig_wasm_instance_t *inst)
{
    struct wast_name *n = malloc(sizeof(*n));

    if (!n)
        return -ENOMEM;
    n->name = strdup(name);
    if (!n->name) {
        free(n);
        return -ENOMEM;
    }
    n->inst = inst;
    n->next = *list; /* newest first: a later binding shadows */
    *list = n;
    return 0;
}

static ig_wasm_instance_t *find_name(const struct wast_name *list,
                                     const char *name,
                                     size_t len)
{
    for (; list; list = list->next) {
        if (strlen(list->name) == len && memcmp(list->name, name, len) == 0)
            return list->inst;
    }
    return NULL;
}

static void free_names(struct wast_name *list)
{
    while (list) {
        struct wast_name *next = list->next;

        free(list->name);
        free(list);
        list = next;
    }
}

/* The instance an action or register names, or the latest one. */
static ig_wasm_instance_t *target(struct wast_run *r, const char *name)
{
    if (!name)
        return r->current;
    return find_name(r->named, name, strlen(name));
}

/* ---------------------------------------------------------- modules */

static int keep_module(struct wast_run *r, ig_wasm_module_t *m)
{
    if (r->nmods == r->capmods) {
        size_t cap = r->capmods ? r->capmods * 2 : 16;
        ig_wasm_module_t **p = realloc(r->mods, cap * sizeof(*p));

        if (!p)
            return -ENOMEM;
        r->mods = p;
        r->capmods = cap;
    }
    r->mods[r->nmods++] = m;
    return 0;
}

/* Load the named .wasm file; the run keeps the module. */
static int load_module(struct wast_run *r,
                       const char *filename,
                       ig_wasm_module_t **out,
                       char *err,
                       size_t errlen)
{
    char path[4096];
    uint8_t *bytes = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    snprintf(path, sizeof(path), "%s/%s", r->dir, filename);
    rc = read_file(path, &bytes, &len);
    if (rc < 0) {
        ig_err_set(
          err, errlen, "cannot read %s: %s", filename, ig_strerror(rc));
        return rc;
    }
    rc = ig_wasm_module_load(bytes, len, out, err, errlen);
    free(bytes);
    if (rc == 0 && (rc = keep_module(r, *out)) < 0) {
        ig_wasm_module_free(*out);
        *out = NULL;
    }
    return rc;
}

static int resolve_import(struct wast_run *r,
                          const struct ig_wasm_import_info *ii,
                          struct ig_wasm_extern *out,
                          char *err,
                          size_t errlen)
{
    ig_wasm_instance_t *inst;

    if (ii->module_len == 8 && memcmp(ii->module, "spectest", 8) == 0) {
        if (wast_spectest_find(&r->spectest, ii->name, ii->name_len, out) == 0)
            return 0;
    }
    else if ((inst = find_name(r->registered, ii->module, ii->module_len))) {
        if (ig_wasm_instance_export_n(inst, ii->name, ii->name_len, out) == 0)
            return 0;
    }
    ig_err_set(err, errlen, "unknown import %s.%s", ii->module, ii->name);
    return IG_EWASM_UNLINKABLE;
}

static int link_imports(struct wast_run *r,
                        const ig_wasm_module_t *m,
                        struct ig_wasm_extern **out,
                        char *err,
                        size_t errlen)
{
    uint32_t n = ig_wasm_module_import_count(m);
    struct ig_wasm_extern *ext = calloc(n ? n : 1, sizeof(*ext));
    int rc = 0;

    if (!ext)
        return -ENOMEM;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        struct ig_wasm_import_info ii;

        rc = ig_wasm_module_import(m, i, &ii);
        if (rc == 0)
            rc = resolve_import(r, &ii, &ext[i], err, errlen);
    }
    if (rc < 0) {
        free(ext);
        return rc;
    }
    *out = ext;
    return 0;
}

static void set_deadline(struct wast_run *r)
{
    struct timespec ts;
    uint64_t now;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    ig_wasm_store_set_deadline(r->store,
                               now + WAST_CALL_SECONDS * 1000000000ull);
}

static int instantiate(struct wast_run *r,
                       const ig_wasm_module_t *m,
                       ig_wasm_instance_t **out,
                       char *err,
                       size_t errlen)
{
    struct ig_wasm_extern *imports = NULL;
    int rc = link_imports(r, m, &imports, err, errlen);

    *out = NULL;
    if (rc < 0)
        return rc;
    set_deadline(r);
    rc = ig_wasm_instance_new(
      r->store, m, imports, ig_wasm_module_import_count(m), out, err, errlen);
    free(imports);
    return rc;
}

/* ---------------------------------------------------------- actions */

static int parse_args(const cJSON *args,
                      const struct ig_wasm_functype *ft,
                      ig_wasm_val_t *vals)
{
    uint32_t i = 0;
    const cJSON *a;

    if (cJSON_GetArraySize(args) != (int)ft->nparams)
        return IG_EWASM_TYPE;
    cJSON_ArrayForEach(a, args)
    {
        uint8_t type;
        int rc = wast_value_parse_arg(a, &type, &vals[i]);

        if (rc < 0)
            return rc;
        if (type != ft->params[i])
            return IG_EWASM_TYPE;
        i++;
    }
    return 0;
}

/* An export by a name that may hold NULs (see protect_nuls). */
static int find_export(ig_wasm_instance_t *inst,
                       const char *field,
                       struct ig_wasm_extern *ext)
{
    size_t n = strlen(field), len = 0;
    char *name = malloc(n + 1);
    int rc;

    if (!name)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (n - i >= 4 && memcmp(field + i, WAST_NUL_UTF8, 4) == 0) {
            name[len++] = 0;
            i += 3;
        }
        else
            name[len++] = field[i];
    }
    rc = ig_wasm_instance_export_n(inst, name, len, ext);
    free(name);
    return rc;
}

static int invoke(struct wast_run *r,
                  ig_wasm_instance_t *inst,
                  const cJSON *act,
                  struct wast_result *res)
{
    const char *field = str_item(act, "field");
    const struct ig_wasm_functype *ft;
    struct ig_wasm_extern ext;
    ig_wasm_val_t *args = NULL;
    int rc;

    if (!field || find_export(inst, field, &ext) < 0 ||
        ext.kind != IG_WASM_EXTERN_FUNC)
        return IG_EWASM_NOEXPORT;
    ft = ig_wasm_func_type(ext.u.func);
    args = calloc(ft->nparams + 1, sizeof(*args));
    res->vals = calloc(ft->nresults + 1, sizeof(*res->vals));
    if (!args || !res->vals) {
        rc = -ENOMEM;
        goto out;
    }
    rc = parse_args(cJSON_GetObjectItemCaseSensitive(act, "args"), ft, args);
    if (rc < 0)
        goto out;
    res->n = ft->nresults;
    res->types = ft->results;
    set_deadline(r);
    rc = ig_wasm_call(
      r->store, ext.u.func, args, ft->nparams, res->vals, ft->nresults);
out:
    free(args);
    return rc;
}

static int get_global(ig_wasm_instance_t *inst,
                      const cJSON *act,
                      struct wast_result *res)
{
    const char *field = str_item(act, "field");
    struct ig_wasm_extern ext;

    if (!field || find_export(inst, field, &ext) < 0 ||
        ext.kind != IG_WASM_EXTERN_GLOBAL)
        return IG_EWASM_NOEXPORT;
    res->gtype = ig_wasm_global_valtype(ext.u.global);
    res->gval = ig_wasm_global_get(ext.u.global);
    res->n = 1;
    res->types = &res->gtype;
    res->vals = &res->gval;
    return 0;
}

/* Run an action: 0, a trap or host code, or a setup error (no export,
 * bad arguments: IG_EWASM_*, IG_EUNSUPPORTED for v128). */
static int do_action(struct wast_run *r,
                     const cJSON *act,
                     struct wast_result *res)
{
    const char *type = str_item(act, "type");
    ig_wasm_instance_t *inst = target(r, str_item(act, "module"));

    memset(res, 0, sizeof(*res));
    if (!inst || !type)
        return IG_ENOTFOUND;
    if (strcmp(type, "invoke") == 0)
        return invoke(r, inst, act, res);
    if (strcmp(type, "get") == 0)
        return get_global(inst, act, res);
    return IG_EFORMAT;
}

static void free_result(struct wast_result *res)
{
    if (res->vals != &res->gval)
        free(res->vals);
    res->vals = NULL;
}

/* A real guest trap, not the runner's own guards or a host exit. */
static int is_wasm_trap(int rc)
{
    return ig_err_is_trap(rc) && rc != IG_ETRAP_FUEL &&
           rc != IG_ETRAP_DEADLINE && rc != IG_ETRAP_INTERRUPT &&
           rc != IG_ETRAP_EXIT && rc != IG_ETRAP_HOST;
}

static const char *last_error(struct wast_run *r)
{
    return r->store ? ig_wasm_store_last_error(r->store) : "";
}

/* An action that could not even start says so; a skip stays a skip. */
static int action_failed(struct wast_run *r, int rc, const char *what)
{
    if (rc == IG_EUNSUPPORTED)
        return WAST_SKIP;
    if (!is_wasm_trap(rc) && rc != IG_ETRAP_HOST && rc != IG_ETRAP_EXIT)
        return fail(r, "%s: cannot run: %s", what, ig_err_name(rc));
    return fail(r, "%s: %s (%s)", what, ig_err_name(rc), last_error(r));
}

/* --------------------------------------------------------- commands */

static int cmd_module(struct wast_run *r, const cJSON *cmd)
{
    const char *filename = str_item(cmd, "filename");
    const char *name = str_item(cmd, "name");
    ig_wasm_module_t *m = NULL;
    ig_wasm_instance_t *inst = NULL;
    char err[256] = "";
    int rc;

    r->current = NULL; /* a failed module leaves no current instance */
    if (!filename)
        return fail(r, "module: no filename");
    rc = load_module(r, filename, &m, err, sizeof(err));
    if (rc < 0)
        return fail(
          r, "module %s: load: %s: %s", filename, ig_err_name(rc), err);
    rc = instantiate(r, m, &inst, err, sizeof(err));
    if (rc < 0)
        return fail(
          r, "module %s: instantiate: %s: %s", filename, ig_err_name(rc), err);
    r->current = inst;
    if (name && bind_name(&r->named, name, inst) < 0)
        return fail(r, "out of memory");
    return WAST_PASS;
}

static int cmd_register(struct wast_run *r, const cJSON *cmd)
{
    const char *as = str_item(cmd, "as");
    ig_wasm_instance_t *inst = target(r, str_item(cmd, "name"));

    if (!as)
        return fail(r, "register: no name");
    if (!inst)
        return fail(r, "register %s: no such instance", as);
    if (bind_name(&r->registered, as, inst) < 0)
        return fail(r, "out of memory");
    return WAST_PASS;
}

/* Run the command's action when only its return code matters. */
static int run_action(struct wast_run *r, const cJSON *cmd)
{
    struct wast_result res;
    int rc =
      do_action(r, cJSON_GetObjectItemCaseSensitive(cmd, "action"), &res);

    free_result(&res);
    return rc;
}

static int cmd_action(struct wast_run *r, const cJSON *cmd)
{
    int rc = run_action(r, cmd);

    return rc == 0 ? WAST_PASS : action_failed(r, rc, "action");
}

static int check_results(struct wast_run *r,
                         const cJSON *expected,
                         const struct wast_result *res)
{
    uint32_t i = 0;
    const cJSON *e;

    if (cJSON_GetArraySize(expected) != (int)res->n)
        return fail(r,
                    "assert_return: %u results, expected %d",
                    res->n,
                    cJSON_GetArraySize(expected));
    cJSON_ArrayForEach(e, expected)
    {
        struct wast_expect want;
        char got_s[64], want_s[64];
        int rc = wast_value_parse_expect(e, &want);

        if (rc == IG_EUNSUPPORTED)
            return WAST_SKIP;
        if (rc < 0)
            return fail(r, "assert_return: bad expected value");
        if (!wast_value_matches(&want, res->types[i], res->vals[i])) {
            wast_value_format(
              res->types[i], res->vals[i], got_s, sizeof(got_s));
            wast_value_format_expect(&want, want_s, sizeof(want_s));
            return fail(r,
                        "assert_return: result %u is %s, expected %s",
                        i,
                        got_s,
                        want_s);
        }
        i++;
    }
    return WAST_PASS;
}

static int cmd_assert_return(struct wast_run *r, const cJSON *cmd)
{
    struct wast_result res;
    int out;
    int rc =
      do_action(r, cJSON_GetObjectItemCaseSensitive(cmd, "action"), &res);

    if (rc < 0)
        out = action_failed(r, rc, "assert_return");
    else
        out = check_results(
          r, cJSON_GetObjectItemCaseSensitive(cmd, "expected"), &res);
    free_result(&res);
    return out;
}

/* Which trap the suite's message names, for verbose diagnostics. */
static int trap_for_text(const char *text)
{
    static const struct {
        const char *prefix;
        int code;
    } map[] = {
        { "unreachable", IG_ETRAP_UNREACHABLE },
        { "out of bounds memory access", IG_ETRAP_MEM_OOB },
        { "out of bounds table access", IG_ETRAP_TABLE_OOB },
        { "undefined element", IG_ETRAP_TABLE_OOB },
        { "uninitialized element", IG_ETRAP_NULL_FUNC },
        { "indirect call type mismatch", IG_ETRAP_SIG },
        { "integer divide by zero", IG_ETRAP_DIV_ZERO },
        { "integer overflow", IG_ETRAP_INT_OVERFLOW },
        { "invalid conversion to integer", IG_ETRAP_CONVERSION },
        { "call stack exhausted", IG_ETRAP_STACK },
        { "null", IG_ETRAP_NULL_REF },
    };

    for (size_t i = 0; text && i < sizeof(map) / sizeof(map[0]); i++) {
        if (strncmp(text, map[i].prefix, strlen(map[i].prefix)) == 0)
            return map[i].code;
    }
    return 0;
}

static void check_trap_text(struct wast_run *r, const cJSON *cmd, int rc)
{
    const char *text = str_item(cmd, "text");
    int want = trap_for_text(text);

    if (want != rc)
        note(r,
             "trap \"%s\" expected, got %s (%s)",
             text ? text : "",
             ig_err_name(rc),
             last_error(r));
}

static int cmd_assert_trap(struct wast_run *r, const cJSON *cmd)
{
    int rc = run_action(r, cmd);

    if (rc == IG_EUNSUPPORTED)
        return WAST_SKIP;
    if (rc == 0)
        return fail(r,
                    "assert_trap: returned normally, expected \"%s\"",
                    str_item(cmd, "text"));
    if (!is_wasm_trap(rc))
        return action_failed(r, rc, "assert_trap");
    check_trap_text(r, cmd, rc);
    return WAST_PASS;
}

static int cmd_assert_exhaustion(struct wast_run *r, const cJSON *cmd)
{
    int rc = run_action(r, cmd);

    if (rc == IG_ETRAP_STACK)
        return WAST_PASS;
    if (rc == 0)
        return fail(r, "assert_exhaustion: returned normally");
    return action_failed(r, rc, "assert_exhaustion");
}

/* A module the engine must refuse to load with the given code. */
static int expect_load_error(struct wast_run *r, const cJSON *cmd, int want)
{
    const char *type = str_item(cmd, "module_type");
    const char *filename = str_item(cmd, "filename");
    ig_wasm_module_t *m = NULL;
    char err[256] = "";
    int rc;

    if (type && strcmp(type, "binary") != 0)
        return WAST_SKIP; /* text-format errors are the converter's job */
    if (!filename)
        return fail(r, "no filename");
    rc = load_module(r, filename, &m, err, sizeof(err));
    if (rc == want)
        return WAST_PASS;
    if (rc == 0)
        return fail(r,
                    "%s loaded, expected %s (\"%s\")",
                    filename,
                    ig_err_name(want),
                    str_item(cmd, "text"));
    return fail(r,
                "%s: %s, expected %s (\"%s\"): %s",
                filename,
                ig_err_name(rc),
                ig_err_name(want),
                str_item(cmd, "text"),
                err);
}

static int cmd_assert_invalid(struct wast_run *r, const cJSON *cmd)
{
    return expect_load_error(r, cmd, IG_EWASM_INVALID);
}

static int cmd_assert_malformed(struct wast_run *r, const cJSON *cmd)
{
    return expect_load_error(r, cmd, IG_EWASM_MALFORMED);
}

/* A module that loads but must fail to instantiate as accept() says. */
static int expect_inst_error(struct wast_run *r,
                             const cJSON *cmd,
                             int (*accept)(int),
                             const char *what)
{
    const char *filename = str_item(cmd, "filename");
    ig_wasm_module_t *m = NULL;
    ig_wasm_instance_t *inst = NULL;
    char err[256] = "";
    int rc;

    if (!filename)
        return fail(r, "no filename");
    rc = load_module(r, filename, &m, err, sizeof(err));
    if (rc < 0)
        return fail(r, "%s: load: %s: %s", filename, ig_err_name(rc), err);
    rc = instantiate(r, m, &inst, err, sizeof(err));
    if (accept(rc))
        return WAST_PASS;
    if (rc == 0)
        return fail(r,
                    "%s instantiated, expected %s (\"%s\")",
                    filename,
                    what,
                    str_item(cmd, "text"));
    return fail(r,
                "%s: %s, expected %s (\"%s\"): %s",
                filename,
                ig_err_name(rc),
                what,
                str_item(cmd, "text"),
                err);
}

static int is_unlinkable(int rc)
{
    return rc == IG_EWASM_UNLINKABLE;
}

static int cmd_assert_unlinkable(struct wast_run *r, const cJSON *cmd)
{
    return expect_inst_error(r, cmd, is_unlinkable, "IG_EWASM_UNLINKABLE");
}

static int cmd_assert_uninstantiable(struct wast_run *r, const cJSON *cmd)
{
    return expect_inst_error(r, cmd, is_wasm_trap, "a trap");
}

static const struct {
    const char *type;
    int (*run)(struct wast_run *r, const cJSON *cmd);
} commands[] = {
    { "module", cmd_module },
    { "register", cmd_register },
    { "action", cmd_action },
    { "assert_return", cmd_assert_return },
    { "assert_trap", cmd_assert_trap },
    { "assert_exhaustion", cmd_assert_exhaustion },
    { "assert_invalid", cmd_assert_invalid },
    { "assert_malformed", cmd_assert_malformed },
    { "assert_unlinkable", cmd_assert_unlinkable },
    { "assert_uninstantiable", cmd_assert_uninstantiable },
};

static int run_command(struct wast_run *r, const cJSON *cmd)
{
    const char *type = str_item(cmd, "type");
    const cJSON *line = cJSON_GetObjectItemCaseSensitive(cmd, "line");

    r->line = cJSON_IsNumber(line) ? line->valueint : 0;
    for (size_t i = 0; type && i < sizeof(commands) / sizeof(commands[0]);
         i++) {
        if (strcmp(type, commands[i].type) == 0)
            return commands[i].run(r, cmd);
    }
    note(r, "unknown command %s skipped", type ? type : "(none)");
    return WAST_SKIP;
}

/* ------------------------------------------------------------ files */

static int run_init(struct wast_run *r, const char *path, int verbose)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t blen = strlen(base);
    int rc = 0;

    memset(r, 0, sizeof(*r));
    r->verbose = verbose;
    if (blen > 5 && strcmp(base + blen - 5, ".json") == 0)
        blen -= 5;
    snprintf(r->file, sizeof(r->file), "%.*s", (int)blen, base);
    r->dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
    if (!r->dir)
        return -ENOMEM;
    rc = ig_wasm_store_new(NULL, &r->store);
    if (rc == 0)
        rc = wast_spectest_new(r->store, &r->spectest);
    return rc;
}

static void run_free(struct wast_run *r)
{
    if (r->store)
        ig_wasm_store_free(r->store); /* first: instances use modules */
    for (size_t i = 0; i < r->nmods; i++)
        ig_wasm_module_free(r->mods[i]);
    free(r->mods);
    free_names(r->named);
    free_names(r->registered);
    free(r->dir);
}

static int run_commands(struct wast_run *r, const cJSON *root)
{
    const cJSON *cmds = cJSON_GetObjectItemCaseSensitive(root, "commands");
    const cJSON *cmd;

    if (!cJSON_IsArray(cmds))
        return IG_EFORMAT;
    cJSON_ArrayForEach(cmd, cmds)
    {
        r->counts[run_command(r, cmd)]++;
    }
    return 0;
}

/*
 * cJSON ends a string at its first NUL, but export names may hold NULs.
 * Before parsing, each escaped NUL becomes U+10FFFD, which no test name
 * uses, and find_export turns it back. Escaped backslashes are copied as
 * pairs so that "\\u0000" (a backslash, then "u0000") stays text.
 */
static char *protect_nuls(const char *text, size_t len, size_t *outlen)
{
    char *out = malloc(len * 2 + 1); /* 6 bytes grow to 12 at most */
    size_t o = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\\' && len - i >= 6 &&
            memcmp(text + i, "\\u0000", 6) == 0) {
            memcpy(out + o, WAST_NUL_ESC, 12);
            o += 12;
            i += 5;
            continue;
        }
        out[o++] = text[i];
        if (text[i] == '\\' && i + 1 < len)
            out[o++] = text[++i];
    }
    out[o] = 0;
    *outlen = o;
    return out;
}

static cJSON *parse_script(const char *path)
{
    uint8_t *text = NULL;
    char *safe = NULL;
    size_t len = 0;
    cJSON *root = NULL;

    if (read_file(path, &text, &len) < 0)
        return NULL;
    safe = protect_nuls((const char *)text, len, &len);
    if (safe)
        root = cJSON_ParseWithLength(safe, len);
    free(safe);
    free(text);
    return root;
}

/* Run one script; adds its counts to totals. A script that cannot be
 * read or parsed counts as one failure. */
static void run_file(const char *path, int verbose, unsigned *totals)
{
    struct wast_run r;
    cJSON *root = parse_script(path);
    int rc = run_init(&r, path, verbose);

    if (rc == 0 && root)
        rc = run_commands(&r, root);
    if (rc < 0 || !root) {
        fprintf(stderr,
                "%s: cannot run: %s\n",
                r.file,
                root ? ig_err_name(rc) : "unreadable JSON");
        r.counts[WAST_FAIL]++;
    }
    printf("%s: %u passed, %u failed, %u skipped\n",
           r.file,
           r.counts[WAST_PASS],
           r.counts[WAST_FAIL],
           r.counts[WAST_SKIP]);
    fflush(stdout);
    for (int i = 0; i < 3; i++)
        totals[i] += r.counts[i];
    run_free(&r);
    cJSON_Delete(root);
}

int main(int argc, char **argv)
{
    unsigned totals[3] = { 0, 0, 0 };
    int verbose = 0, nfiles = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) {
            verbose = 1;
            continue;
        }
        run_file(argv[i], verbose, totals);
        nfiles++;
    }
    if (nfiles == 0) {
        fprintf(stderr, "usage: wast_runner [-v] FILE.json...\n");
        return 2;
    }
    printf("%u passed, %u failed, %u skipped\n",
           totals[WAST_PASS],
           totals[WAST_FAIL],
           totals[WAST_SKIP]);
    return totals[WAST_FAIL] ? 1 : 0;
}
