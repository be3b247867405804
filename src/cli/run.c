/* SPDX-License-Identifier: MIT */
/* `igord run` and `igord resume`: load one agent, start or resume it
 * with its identity, print the banner and drive its tick loop. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/loop.h"
#include "cli/commands.h"
#include "cli/files.h"
#include "cli/flags.h"
#include "membrane/manifest.h"
#include "store/agentid.h"
#include "store/agentlock.h"
#include "store/atomic.h"
#include "store/budget.h"
#include "store/ckpt.h"
#include "store/did.h"
#include "store/storage.h"
#include "util/atomic_file.h"
#include "util/err.h"
#include "util/log.h"

/* Everything the two commands take from the command line. */
struct run_args {
    const char *wasm_path;
    const char *ckpt_path; /* resume only */
    const char *budget;
    const char *price;
    const char *manifest;
    const char *dir;
    const char *agent_id;
    const char *log_level;
    struct ig_loop_opts loop;
    uint64_t tick_timeout;
    uint64_t log_lines, log_bytes;
    uint64_t history_keep; /* 0 = keep every history entry */
    int import_unsigned;   /* resume only: adopt a v2/v3 checkpoint */
};

/* What a run holds while it sets up; freed in one place. */
struct run_ctx {
    struct run_args args;
    char id[IG_AGENT_ID_MAX + 1];
    uint8_t *wasm;
    size_t wasm_len;
    uint8_t *manifest;
    size_t manifest_len;
    uint8_t *ckpt;
    size_t ckpt_len;
    struct ig_store *store;
    int lock_fd;   /* the agent's run lock, held until the run ends */
    int made_dir;  /* the checkpoint directory was made by this run */
    int made_lock; /* so was <id>.lock */
    struct ig_agent *agent;
    struct ig_identity ident;
    int ident_new;          /* generated now: save once the agent started */
    int ident_copy;         /* found beside --checkpoint: copy into the dir */
    char no_manifest[4096]; /* the sidecar looked for and missing, or "" */
    int64_t budget;
    int64_t price;
};

/* The flags run and resume share (a table excerpt; a is the run_args). */
/* clang-format off */
#define COMMON_FLAGS(a)                                                      \
    {"manifest", 0, IG_FLAG_STRING, &(a)->manifest, "FILE",                  \
     "<stem>.manifest.json beside the wasm",                                 \
     "capability manifest"},                                                 \
    {"checkpoint-dir", 0, IG_FLAG_STRING, &(a)->dir, "DIR",                  \
     IG_STORE_DEFAULT_DIR, "where checkpoints and identities live"},         \
    {"agent-id", 0, IG_FLAG_STRING, &(a)->agent_id, "ID",                    \
     "from the wasm file name", "agent ID ([A-Za-z0-9._-], 1-128)"},         \
    {"price", 0, IG_FLAG_STRING, &(a)->price, "P",                           \
     "1.0; a checkpointed agent keeps its own",                              \
     "price per second of tick time (replaces the checkpoint's)"},           \
    {"tick-interval", 0, IG_FLAG_DURATION, &(a)->loop.tick_ns, "D", "1s",    \
     "time between ticks"},                                                  \
    {"fast-interval", 0, IG_FLAG_DURATION, &(a)->loop.fast_ns, "D", "10ms",  \
     "time after a tick that reported more work"},                           \
    {"checkpoint-interval", 0, IG_FLAG_DURATION, &(a)->loop.checkpoint_ns,   \
     "D", "5s", "time between periodic checkpoints"},                        \
    {"tick-timeout", 0, IG_FLAG_DURATION, &(a)->tick_timeout, "D", "15s",    \
     "longest a tick may run before it is stopped"},                         \
    {"ticks", 0, IG_FLAG_UINT, &(a)->loop.max_ticks, "N", "0 = no limit",    \
     "stop after N ticks (with a final checkpoint)"},                        \
    {"tick-log-lines", 0, IG_FLAG_UINT, &(a)->log_lines, "N", "1000",        \
     "guest log lines written per tick; more are counted, not written"},     \
    {"tick-log-bytes", 0, IG_FLAG_UINT, &(a)->log_bytes, "N", "1048576",     \
     "guest log bytes written per tick"},                                    \
    {"history-keep", 0, IG_FLAG_UINT, &(a)->history_keep, "N",              \
     "0 = keep all", "keep the newest N history entries, deleting older "     \
     "ones after each commit"},                                              \
    {"log-level", 0, IG_FLAG_STRING, &(a)->log_level, "L", "info",           \
     "debug, info, warn or error"}
/* clang-format on */

/* When --manifest is not given and no sidecar manifest exists, say in
 * c->no_manifest where igord looked (foo.wasm -> foo.manifest.json),
 * so that a denied capability can name it ("" when one was read). */
static void note_missing_manifest(struct run_ctx *c)
{
    const char *w = c->args.wasm_path;
    size_t n = strlen(w);

    c->no_manifest[0] = '\0';
    if (c->args.manifest)
        return;
    if (n < 5 || strcmp(w + n - 5, ".wasm") != 0) {
        snprintf(c->no_manifest,
                 sizeof(c->no_manifest),
                 "none is looked for beside %s, whose name does not end "
                 "in .wasm; --manifest names one",
                 w);
        return;
    }
    snprintf(c->no_manifest,
             sizeof(c->no_manifest),
             "looked for %.*s.manifest.json",
             (int)(n - 5),
             w);
    if (access(c->no_manifest + strlen("looked for "), F_OK) == 0)
        c->no_manifest[0] = '\0';
}

/* The manifest named by --manifest, else the sidecar beside the wasm
 * (agent.wasm -> agent.manifest.json), else none: every capability is
 * denied. */
static int load_manifest(struct run_ctx *c)
{
    char err[256] = "";
    int rc = ig_manifest_read(c->args.wasm_path,
                              c->args.manifest,
                              &c->manifest,
                              &c->manifest_len,
                              err,
                              sizeof(err));

    if (rc < 0) /* err names the manifest file */
        ig_flags_error("%s", err[0] ? err : ig_strerror(rc));
    else
        note_missing_manifest(c);
    return rc;
}

static int parse_amount(const char *flag, const char *s, int64_t *out)
{
    char err[128] = "";
    int rc = ig_budget_parse(s, out, err, sizeof(err));

    if (rc < 0)
        ig_flags_error("--%s %s: %s", flag, s, err[0] ? err : ig_strerror(rc));
    return rc;
}

static int setup_basics(struct run_ctx *c)
{
    char err[256] = "";
    int rc;

    if (c->args.log_level && ig_log_set_level_name(c->args.log_level) < 0) {
        ig_flags_error("--log-level %s: not debug, info, warn or error",
                       c->args.log_level);
        return IG_EUSAGE;
    }
    if (!c->args.dir[0] || (c->args.manifest && !c->args.manifest[0])) {
        ig_flags_error("--%s: empty; give a path",
                       c->args.dir[0] ? "manifest" : "checkpoint-dir");
        return IG_EUSAGE;
    }
    c->budget = IG_BUDGET_SCALE;
    c->price = IG_AGENT_DEFAULT_PRICE;
    if (c->args.budget && parse_amount("budget", c->args.budget, &c->budget))
        return IG_EUSAGE;
    if (c->args.log_lines == 0 || c->args.log_bytes == 0) {
        ig_flags_error("--tick-log-lines and --tick-log-bytes must be at "
                       "least 1");
        return IG_EUSAGE;
    }
    /* No tick may start with nothing left: refuse before any file. */
    if (c->args.budget && c->budget == 0) {
        ig_flags_error("--budget %s: a run needs a budget above zero",
                       c->args.budget);
        return IG_EUSAGE;
    }
    if (c->args.price && parse_amount("price", c->args.price, &c->price))
        return IG_EUSAGE;
    if (c->args.agent_id) {
        rc = ig_agentid_validate(c->args.agent_id, err, sizeof(err));
        if (rc == 0)
            snprintf(c->id, sizeof(c->id), "%s", c->args.agent_id);
        else
            rc = IG_EUSAGE; /* a bad flag value: exit 2 */
    }
    else {
        rc = ig_agentid_from_path(
          c->args.wasm_path, c->id, sizeof(c->id), err, sizeof(err));
    }
    if (rc < 0) {
        ig_flags_error("%s", err[0] ? err : ig_strerror(rc));
        return rc;
    }
    rc = ig_cli_read_file(
      "wasm", c->args.wasm_path, IG_CLI_MAX_WASM, &c->wasm, &c->wasm_len);
    if (rc < 0)
        return rc;
    return load_manifest(c);
}

/* Open (creating) the checkpoint directory and take the agent's lock. */
static int open_store(struct run_ctx *c)
{
    char err[256] = "", lock[4096];
    struct stat st;
    int rc;

    c->made_dir = lstat(c->args.dir, &st) < 0 && errno == ENOENT;
    rc = ig_store_open(c->args.dir, 0, &c->store, err, sizeof(err));

    if (rc < 0) {
        ig_flags_error("checkpoint directory %s: %s",
                       c->args.dir,
                       err[0] ? err : ig_strerror(rc));
        return rc;
    }
    ig_store_set_history_keep(c->store, c->args.history_keep);
    /* Before any of the agent's files is read: one process per agent. */
    rc = ig_store_path(
      c->store, c->id, IG_STORE_LOCK, lock, sizeof(lock), err, sizeof(err));
    c->made_lock = rc == 0 && lstat(lock, &st) < 0 && errno == ENOENT;
    if (rc == 0)
        rc = ig_agentlock_take(c->store, c->id, &c->lock_fd, err, sizeof(err));
    c->made_lock = c->made_lock && rc == 0;
    if (rc < 0)
        ig_flags_error("%s", err[0] ? err : ig_strerror(rc));
    return rc;
}

/* A checkpoint without an identity file: name every path looked at. */
static int no_identity(struct run_ctx *c, const char *beside)
{
    char own[4096], target[4096];
    const char *link = NULL;

    snprintf(own, sizeof(own), "%s/%s.identity", c->args.dir, c->id);
    if (ig_atomic_file_dangling(own, target, sizeof(target)))
        link = own;
    else if (beside && ig_atomic_file_dangling(beside, target, sizeof(target)))
        link = beside;
    if (link) {
        ig_flags_error("agent %s has a checkpoint but its identity file %s "
                       "is a symlink to %s, which does not exist; restore "
                       "the target (no new key can continue the agent)",
                       c->id,
                       link,
                       target);
        return IG_EEXISTS;
    }
    ig_flags_error("agent %s has a checkpoint but no identity file: "
                   "none at %s%s%s; copy it beside the checkpoint",
                   c->id,
                   beside ? beside : own,
                   beside ? " nor at " : "",
                   beside ? own : "");
    return IG_ENOTFOUND;
}

/* The store tightened a loose identity file it loaded; say that it
 * was loose, as others could have read the key until now. */
static void warn_loose_identity(struct run_ctx *c, unsigned was)
{
    char path[4096];

    if (!was ||
        ig_store_path(
          c->store, c->id, IG_STORE_IDENTITY, path, sizeof(path), NULL, 0))
        return;
    ig_warn("cli",
            "identity file %s had mode %04o, wider than 0600 (others may "
            "have read the agent's key); tightened to 0600",
            path,
            was);
}

/*
 * The identity file given beside a checkpoint. It is the user's copy
 * and is left as it is (the one resume keeps is written at 0600), but a
 * copy others may read is named: the key in it signs as the agent.
 */
static int load_beside(const char *path,
                       struct ig_identity *out,
                       char *err,
                       size_t errlen)
{
    struct stat st;
    int fd = -1, rc;

    rc = ig_identity_load_keep(path, out, &fd, err, errlen);
    if (rc == 0 && fstat(fd, &st) == 0 && (st.st_mode & 077))
        ig_warn("cli",
                "identity file %s has mode %04o: others may read the "
                "agent's key (left as it is; the copy kept is 0600)",
                path,
                (unsigned)(st.st_mode & 07777));
    if (fd >= 0)
        close(fd);
    return rc;
}

/*
 * The identity for a fresh start: the one in the directory, or a new
 * one that is saved only once the agent has started. A checkpoint was
 * found without identity: refuse (a new key could not continue it).
 */
static int find_identity(struct run_ctx *c, const char *beside)
{
    char err[256] = "";
    unsigned was = 0;
    int rc;

    rc = ig_store_load_identity(
      c->store, c->id, &c->ident, &was, err, sizeof(err));
    warn_loose_identity(c, was);
    if (rc == IG_EEXISTS && c->ckpt)
        return no_identity(c, beside);

    if (rc != IG_ENOTFOUND)
        goto out;
    if (beside) {
        rc = load_beside(beside, &c->ident, err, sizeof(err));
        c->ident_copy = rc == 0;
        if (rc != IG_ENOTFOUND)
            goto out;
    }
    if (c->ckpt)
        return no_identity(c, beside);
    rc = ig_identity_generate(&c->ident);
    c->ident_new = rc == 0;
out:
    if (rc < 0)
        ig_flags_error(
          "identity of %s: %s", c->id, err[0] ? err : ig_strerror(rc));
    return rc;
}

/* The identity file expected beside a checkpoint file given to resume:
 * x/<stem>.checkpoint -> x/<stem>.identity. */
static void identity_beside(const char *ckpt, char *out, size_t outlen)
{
    size_t n = strlen(ckpt);
    const char *ext = ".checkpoint";
    size_t e = strlen(ext);

    if (n > e && strcmp(ckpt + n - e, ext) == 0)
        snprintf(out, outlen, "%.*s.identity", (int)(n - e), ckpt);
    else
        snprintf(out, outlen, "%s.identity", ckpt);
}

static int load_checkpoint(struct run_ctx *c, int resume)
{
    char err[256] = "";
    int rc;

    if (resume)
        return ig_cli_read_file("checkpoint",
                                c->args.ckpt_path,
                                IG_CKPT_MAX_FILE,
                                &c->ckpt,
                                &c->ckpt_len);
    rc = ig_store_load_checkpoint(
      c->store, c->id, &c->ckpt, &c->ckpt_len, err, sizeof(err));
    if (rc == IG_ENOTFOUND)
        return 0;
    if (rc < 0)
        ig_flags_error(
          "checkpoint of %s: %s", c->id, err[0] ? err : ig_strerror(rc));
    return rc;
}

/* An unsigned checkpoint without --import-unsigned: IG_ECKPT_UNSIGNED. */
static int refuse_unsigned(struct run_ctx *c, const struct ig_ckpt *ck)
{
    if (c->args.import_unsigned)
        return 0;
    ig_flags_error("cannot start agent %s: its checkpoint is an unsigned "
                   "v%u checkpoint (tick %" PRIu64 "): nothing vouches "
                   "for its budget or state; if you trust it, resume it "
                   "with --import-unsigned",
                   c->id,
                   ck->version,
                   ck->tick);
    return IG_ECKPT_UNSIGNED;
}

/*
 * An unsigned v2/v3 checkpoint carries no signature and no lineage:
 * nothing vouches for its budget or state. It is refused unless the
 * user imports it, which re-signs its contents with the agent's key as
 * the genesis of a new chain (prev hash zero).
 */
static int adopt_unsigned(struct run_ctx *c)
{
    char b[IG_BUDGET_STR_MAX] = "";
    uint8_t *blob = NULL;
    struct ig_ckpt ck;
    size_t len = 0;
    unsigned version;
    int rc;

    if (!c->ckpt || ig_ckpt_parse(c->ckpt, c->ckpt_len, &ck, NULL, 0) < 0 ||
        ck.version >= IG_CKPT_V4)
        return 0;
    rc = refuse_unsigned(c, &ck);
    if (rc < 0)
        return rc;
    version = ck.version; /* the build below makes it 4 */
    memset(ck.prev_hash, 0, sizeof(ck.prev_hash));
    rc = ig_ckpt_build_v4(&ck, c->ident.secret, &blob, &len);
    if (rc < 0) {
        ig_flags_error("cannot import the checkpoint: %s", ig_strerror(rc));
        return rc;
    }
    ig_budget_format(ck.budget, b, sizeof(b));
    ig_warn("cli",
            "agent %s: imported an unsigned v%u checkpoint (tick %" PRIu64
            ", budget %s) as the genesis of a new signed chain",
            c->id,
            version,
            ck.tick,
            b);
    free(c->ckpt);
    c->ckpt = blob;
    c->ckpt_len = len;
    return 0;
}

static void refuse_over(struct run_ctx *c, const char *what, uint64_t tick)
{
    struct ig_ckpt ck;

    ig_ckpt_parse(c->ckpt, c->ckpt_len, &ck, NULL, 0);
    ig_flags_error("%s already holds agent %s %s %" PRIu64 "; resuming %s "
                   "(tick %" PRIu64 ") there would roll it back or fork its "
                   "history. Continue it with `igord run`, or resume into "
                   "another --checkpoint-dir, or move %s's files and "
                   "history/%s out of %s first",
                   c->args.dir,
                   c->id,
                   what,
                   tick,
                   c->args.ckpt_path,
                   ck.tick,
                   c->id,
                   c->id,
                   c->args.dir);
}

/*
 * Resume must not replace what the directory already holds for the
 * agent: a current checkpoint other than this very file, or history
 * newer than it, means resuming would roll back or fork the agent.
 */
static int check_target(struct run_ctx *c)
{
    uint8_t *cur = NULL;
    struct ig_ckpt ck, in;
    uint64_t newest = 0;
    size_t len = 0;
    int rc;

    ig_ckpt_parse(c->ckpt, c->ckpt_len, &in, NULL, 0);
    rc = ig_store_load_checkpoint(c->store, c->id, &cur, &len, NULL, 0);
    if (rc == 0 && (len != c->ckpt_len || memcmp(cur, c->ckpt, len))) {
        rc = ig_ckpt_parse(cur, len, &ck, NULL, 0);
        refuse_over(c, "at tick", rc == 0 ? ck.tick : 0);
        free(cur);
        return IG_EEXISTS;
    }
    free(cur);
    if (ig_store_history_newest(c->store, c->id, &newest, NULL, 0) == 0 &&
        newest > in.tick) {
        refuse_over(c, "in its history up to tick", newest);
        return IG_EEXISTS;
    }
    return 0;
}

/* Finish what a crash left half saved, before anything is read. */
static int recover(struct run_ctx *c)
{
    char what[512] = "", err[512] = "";
    int rc =
      ig_store_recover(c->store, c->id, what, sizeof(what), err, sizeof(err));

    if (rc >= 0 && what[0])
        ig_warn("cli", "agent %s: %s", c->id, what);
    if (rc < 0)
        ig_flags_error(
          "cannot repair agent %s: %s", c->id, err[0] ? err : ig_strerror(rc));
    return rc < 0 ? rc : 0;
}

/* Refuse a bad checkpoint before any guest code runs. */
static int precheck(struct run_ctx *c)
{
    uint8_t hash[IG_CKPT_HASH_LEN];
    struct ig_ckpt ck;
    char err[512] = "";
    int rc;

    if (!c->ckpt)
        return 0;
    ig_ckpt_wasm_hash(c->wasm, c->wasm_len, hash);
    rc = ig_agent_check_checkpoint(
      hash, c->ident.pubkey, c->ckpt, c->ckpt_len, &ck, err, sizeof(err));
    if (rc < 0)
        ig_flags_error("cannot start agent %s: %s", c->id, err);
    return rc;
}

/* A capability was denied because there is no manifest at all: say so
 * and where igord looked, rather than blame a manifest (err holds the
 * link error "igor.x needs capability "y", which the manifest ..."). */
static void denied_without_manifest(struct run_ctx *c, char *err, size_t len)
{
    char *which = strstr(err, ", which the manifest does not grant");
    size_t n = which ? (size_t)(which - err) : strlen(err);

    snprintf(
      err + n, len - n, ", and no manifest was found (%s)", c->no_manifest);
}

static int start_agent(struct run_ctx *c)
{
    struct ig_agent_opts o = {
        .id = c->id,
        .store = c->store,
        .wasm = c->wasm,
        .wasm_len = c->wasm_len,
        .manifest = (const char *)c->manifest,
        .manifest_len = c->manifest_len,
        .budget = c->budget,
        .price = c->price,
        .tick_timeout_ns = c->args.tick_timeout,
        .log_lines = c->args.log_lines,
        .log_bytes = c->args.log_bytes,
    };
    char err[512] = "";
    int rc = ig_agent_new(&o, &c->agent, err, sizeof(err));

    if (rc == IG_ECAP_DENIED && c->no_manifest[0])
        denied_without_manifest(c, err, sizeof(err));
    if (rc < 0) {
        ig_flags_error(
          "%s: %s", c->args.wasm_path, err[0] ? err : ig_strerror(rc));
        return rc;
    }
    rc = ig_agent_start(
      c->agent, &c->ident, c->ckpt, c->ckpt_len, err, sizeof(err));
    if (rc < 0)
        ig_flags_error(
          "cannot start agent %s: %s", c->id, err[0] ? err : ig_strerror(rc));
    return rc;
}

/* Flags given explicitly win over the checkpoint's budget and price. */
static void apply_overrides(struct run_ctx *c)
{
    if (!c->ckpt)
        return;
    if (c->args.budget)
        ig_agent_set_budget(c->agent, c->budget);
    if (c->args.price)
        ig_agent_set_price(c->agent, c->price);
}

/* Write what the start made durable: a copied identity and the resumed
 * checkpoint now; a new identity with the agent's first checkpoint. */
static int commit_start(struct run_ctx *c, int resume)
{
    char err[256] = "", what[2 * PATH_MAX] = "";
    int rc = 0;

    if (c->ident_new)
        ig_agent_save_identity_on_commit(c->agent);
    if (c->ident_copy)
        rc =
          ig_store_save_identity(c->store, c->id, &c->ident, err, sizeof(err));
    if (rc == 0 && resume)
        rc = ig_store_commit(c->store,
                             c->id,
                             c->ckpt,
                             c->ckpt_len,
                             what,
                             sizeof(what),
                             err,
                             sizeof(err));
    if (what[0])
        ig_warn("cli", "agent %s: %s", c->id, what);
    if (rc < 0)
        ig_flags_error(
          "cannot commit agent %s: %s", c->id, err[0] ? err : ig_strerror(rc));
    return rc;
}

static void print_banner(struct run_ctx *c)
{
    char did[IG_DID_MAX] = "", b[IG_BUDGET_STR_MAX] = "";

    ig_did_encode(ig_agent_pubkey(c->agent), did, sizeof(did));
    ig_budget_format(ig_agent_budget(c->agent), b, sizeof(b));
    printf("\n  Agent:    %s\n  DID:      %s\n  Budget:   %s\n", c->id, did, b);
    if (c->ckpt)
        printf("  Start:    resumed from checkpoint at tick %" PRIu64 "\n\n",
               ig_agent_tick_number(c->agent));
    else
        printf("  Start:    fresh (no checkpoint for this agent in %s)\n\n",
               c->args.dir);
    fflush(stdout);
}

/* The status for how the loop ended, with its one-line reason. */
static int exit_status(int end, const char *why, int committed)
{
    const char *kept = committed ? "the last committed checkpoint is kept"
                                 : "nothing was committed";

    switch (end) {
        case IG_LOOP_SIGNAL:
        case IG_LOOP_MAX_TICKS:
            return IG_EXIT_OK;
        case IG_LOOP_BUDGET:
            ig_flags_error("budget exhausted; final checkpoint committed");
            return IG_EXIT_BUDGET;
        case IG_LOOP_TRAP:
            ig_flags_error("%s; %s", why, kept);
            return IG_EXIT_TRAP;
        case IG_LOOP_TICK_MAX:
            ig_flags_error("%s; the final checkpoint is committed", why);
            return IG_EXIT_FAIL;
        default:
            ig_flags_error("%s; %s", why[0] ? why : "stopped", kept);
            return IG_EXIT_FAIL;
    }
}

static void free_ctx(struct run_ctx *c)
{
    ig_agent_free(c->agent);
    ig_agentlock_release(c->lock_fd);
    ig_store_close(c->store);
    ig_identity_wipe(&c->ident);
    free(c->wasm);
    free(c->manifest);
    free(c->ckpt);
}

/*
 * A start that failed takes back the checkpoint directory it made, if
 * nothing else is in it, with the lock file it made there. A lock file
 * in a directory that was already there stays: another igord may be
 * waiting on it, and would then hold a lock on a file no one else can
 * open, while a third locks a new one of the same name.
 */
static void undo_start(struct run_ctx *c)
{
    char p[4096];

    if (!c->made_dir)
        return;
    if (c->made_lock &&
        ig_store_path(c->store, c->id, IG_STORE_LOCK, p, sizeof(p), NULL, 0) ==
          0)
        unlink(p);
    if (ig_store_path(
          c->store, c->id, IG_STORE_HISTORY, p, sizeof(p), NULL, 0) == 0)
        rmdir(p);
    snprintf(p, sizeof(p), "%s/history", c->args.dir);
    rmdir(p);
    rmdir(c->args.dir);
}

/*
 * resume: refuse a bad --checkpoint, or one without an identity file,
 * before the checkpoint directory is opened (which creates it). The
 * checks are made again, with the key, once the directory is open.
 */
static int check_inputs(struct run_ctx *c, const char *beside)
{
    uint8_t hash[IG_CKPT_HASH_LEN];
    char own[4096], err[512] = "";
    struct ig_ckpt ck;
    int rc = load_checkpoint(c, 1);

    if (rc < 0)
        return rc;
    ig_ckpt_wasm_hash(c->wasm, c->wasm_len, hash);
    rc = ig_agent_check_checkpoint(
      hash, NULL, c->ckpt, c->ckpt_len, &ck, err, sizeof(err));
    if (rc == IG_ECKPT_UNSIGNED)
        return refuse_unsigned(c, &ck);
    if (rc < 0) {
        ig_flags_error("cannot start agent %s: %s", c->id, err);
        return rc;
    }
    snprintf(own, sizeof(own), "%s/%s.identity", c->args.dir, c->id);
    if (access(beside, F_OK) != 0 && access(own, F_OK) != 0)
        return no_identity(c, beside);
    return 0;
}

static int run_agent(struct run_ctx *c, int resume)
{
    char beside[4096], why[512] = "";
    int rc, end, lrc, committed;

    rc = setup_basics(c);
    if (resume)
        identity_beside(c->args.ckpt_path, beside, sizeof(beside));
    if (rc == 0 && resume)
        rc = check_inputs(c, beside);
    if (rc == 0)
        rc = open_store(c);
    if (rc == 0)
        rc = recover(c);
    if (rc == 0 && !resume)
        rc = load_checkpoint(c, 0);
    if (rc == 0)
        rc = find_identity(c, resume ? beside : NULL);
    if (rc == 0)
        rc = adopt_unsigned(c);
    if (rc == 0)
        rc = precheck(c);
    if (rc == 0 && resume)
        rc = check_target(c);
    if (rc == 0)
        rc = start_agent(c);
    if (rc == 0) {
        apply_overrides(c);
        rc = commit_start(c, resume);
    }
    if (rc < 0) {
        if (c->store)
            undo_start(c);
        free_ctx(c);
        return rc == IG_EUSAGE ? IG_EXIT_USAGE : IG_EXIT_FAIL;
    }
    print_banner(c);
    end = ig_loop_run(c->agent, &c->args.loop, &lrc, why, sizeof(why));
    committed = ig_agent_has_committed(c->agent);
    free_ctx(c);
    return exit_status(end, why, committed);
}

int ig_cmd_run(int argc, char **argv)
{
    struct run_ctx c = { .args = { .dir = IG_STORE_DEFAULT_DIR,
                                   .log_lines = IG_AGENT_LOG_LINES,
                                   .log_bytes = IG_AGENT_LOG_BYTES },
                         .lock_fd = -1 };
    struct run_args *a = &c.args;
    const struct ig_flag flags[] = {
        { "budget",
          0,
          IG_FLAG_STRING,
          &a->budget,
          "B",
          "1.0; a checkpointed agent keeps its own",
          "budget (exact; replaces a checkpoint's)" },
        COMMON_FLAGS(a),
    };
    const struct ig_flags_spec spec = {
        "igord run [options] <agent.wasm>",
        "Run a wasm agent. Starts fresh, or continues the agent's existing "
        "checkpoint\nin the checkpoint directory. Ctrl-C stops it with a "
        "final checkpoint.",
        flags,
        (int)(sizeof(flags) / sizeof(flags[0])),
        1,
        1
    };
    int npos, rc = ig_flags_parse(&spec, argc, argv, &npos);

    if (rc != 0)
        return rc > 0 ? IG_EXIT_OK : IG_EXIT_USAGE;
    a->wasm_path = argv[1];
    return run_agent(&c, 0);
}

int ig_cmd_resume(int argc, char **argv)
{
    struct run_ctx c = { .args = { .dir = IG_STORE_DEFAULT_DIR,
                                   .log_lines = IG_AGENT_LOG_LINES,
                                   .log_bytes = IG_AGENT_LOG_BYTES },
                         .lock_fd = -1 };
    struct run_args *a = &c.args;
    const struct ig_flag flags[] = {
        { "checkpoint",
          0,
          IG_FLAG_STRING,
          &a->ckpt_path,
          "FILE",
          NULL,
          "checkpoint file to resume (required)" },
        { "wasm",
          0,
          IG_FLAG_STRING,
          &a->wasm_path,
          "FILE",
          NULL,
          "the agent's wasm module (required)" },
        { "budget",
          0,
          IG_FLAG_STRING,
          &a->budget,
          "B",
          "the checkpoint's",
          "replace the checkpoint's budget" },
        { "import-unsigned",
          0,
          IG_FLAG_BOOL,
          &a->import_unsigned,
          NULL,
          "off",
          "accept an unsigned v2/v3 checkpoint: re-sign it as the genesis "
          "of a new chain" },
        COMMON_FLAGS(a),
    };
    const struct ig_flags_spec spec = {
        "igord resume --checkpoint FILE --wasm FILE [options]",
        "Resume an agent from a checkpoint file, with the identity file\n"
        "beside it (<stem>.identity for <stem>.checkpoint), into the\n"
        "checkpoint directory. The directory must not already hold another\n"
        "checkpoint of the agent or newer history (that would roll it\n"
        "back): continue such an agent with `igord run`. Unsigned v2/v3\n"
        "checkpoints are refused unless --import-unsigned is given.",
        flags,
        (int)(sizeof(flags) / sizeof(flags[0])),
        0,
        0
    };
    int npos, rc = ig_flags_parse(&spec, argc, argv, &npos);

    if (rc != 0)
        return rc > 0 ? IG_EXIT_OK : IG_EXIT_USAGE;
    if (!a->ckpt_path || !a->wasm_path) {
        ig_flags_error("resume needs --checkpoint and --wasm");
        ig_flags_usage(&spec, stderr);
        return IG_EXIT_USAGE;
    }
    return run_agent(&c, 1);
}
