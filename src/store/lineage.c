/* SPDX-License-Identifier: MIT */
/* Checkpoint lineage verification over one or several history
 * directories, and the verifier's report. */
#include "store/lineage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/atomic.h"
#include "util/err.h"
#include "util/hex.h"

/* Errors past this many are counted but not kept, so a hostile history
 * of a million broken files cannot exhaust memory. */
#define MAX_KEPT_ERRORS 1000

/* One *.ckpt file found in some directory. */
struct entry {
    char *name;
    char *path;
};

void ig_lineage_begin(struct ig_lineage_report *r)
{
    memset(r, 0, sizeof(*r));
}

void ig_lineage_report_free(struct ig_lineage_report *r)
{
    size_t kept = r->nerrors < MAX_KEPT_ERRORS ? r->nerrors : MAX_KEPT_ERRORS;

    for (size_t i = 0; i < kept; i++)
        free(r->errors[i]);
    free(r->errors);
    free(r->segments);
    free(r->prev_name);
    memset(r, 0, sizeof(*r));
}

static int add_error(struct ig_lineage_report *r, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static int add_error(struct ig_lineage_report *r, const char *fmt, ...)
{
    char buf[512], **ne;
    va_list ap;

    r->nerrors++;
    if (r->nerrors > MAX_KEPT_ERRORS)
        return 0;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    ne = realloc(r->errors, r->nerrors * sizeof(*ne));
    if (!ne)
        goto oom;
    r->errors = ne;
    ne[r->nerrors - 1] = strdup(buf);
    if (!ne[r->nerrors - 1])
        goto oom;
    return 0;
oom:
    r->nerrors--;
    return -ENOMEM;
}

static int extend_segments(struct ig_lineage_report *r, const struct ig_ckpt *c)
{
    struct ig_lineage_segment *seg =
      r->nsegments ? &r->segments[r->nsegments - 1] : NULL;

    if (seg && memcmp(seg->wasm_hash, c->wasm_hash, IG_CKPT_HASH_LEN) == 0) {
        seg->last_tick = c->tick;
        seg->count++;
        return 0;
    }
    seg = realloc(r->segments, (r->nsegments + 1) * sizeof(*seg));
    if (!seg)
        return -ENOMEM;
    r->segments = seg;
    seg += r->nsegments++;
    memcpy(seg->wasm_hash, c->wasm_hash, IG_CKPT_HASH_LEN);
    seg->first_tick = seg->last_tick = c->tick;
    seg->count = 1;
    return 0;
}

static void short_hex(const uint8_t *p, char out[17])
{
    ig_hex_encode(p, 8, out, 17);
}

/*
 * Ticks may jump (a checkpoint per interval, not per tick), so a gap is
 * no error by itself; but when the link across one is broken, an entry
 * in it may have been lost: name the ticks.
 */
static void gap_note(uint64_t from, uint64_t to, char *out, size_t outlen)
{
    out[0] = '\0';
    if (to <= from + 1)
        return;
    if (to == from + 2)
        snprintf(out,
                 outlen,
                 "; no entry for tick %llu: one may be missing",
                 (unsigned long long)from + 1);
    else
        snprintf(out,
                 outlen,
                 "; no entry for ticks %llu..%llu: one may be missing",
                 (unsigned long long)from + 1,
                 (unsigned long long)to - 1);
}

/* The v4 checks: signature, chaining to the previous file, same key. */
static int check_v4(struct ig_lineage_report *r,
                    const char *name,
                    const struct ig_ckpt *c,
                    const uint8_t *blob,
                    size_t len)
{
    char want[17], got[17], gap[96];
    int rc = ig_ckpt_verify(blob, len, NULL, 0);

    if (rc == -ENOMEM)
        return rc;
    if (rc == 0)
        r->signatures++;
    else if (add_error(r,
                       "tick %llu: INVALID signature",
                       (unsigned long long)c->tick) < 0)
        return -ENOMEM;
    if (r->have_prev &&
        memcmp(c->prev_hash, r->prev_hash, IG_CKPT_HASH_LEN) != 0) {
        short_hex(r->prev_hash, want);
        short_hex(c->prev_hash, got);
        gap_note(r->prev_tick, c->tick, gap, sizeof(gap));
        if (add_error(r,
                      "tick %llu: prevHash mismatch (expected %s..., "
                      "got %s...): %s does not match tick %llu's entry %s%s",
                      (unsigned long long)c->tick,
                      want,
                      got,
                      name,
                      (unsigned long long)r->prev_tick,
                      r->prev_name ? r->prev_name : "",
                      gap) < 0)
            return -ENOMEM;
    }
    if (!r->have_key) {
        r->have_key = 1;
        memcpy(r->pubkey, c->pubkey, IG_CKPT_PUBKEY_LEN);
        ig_did_encode(c->pubkey, r->did, sizeof(r->did));
    }
    else if (memcmp(r->pubkey, c->pubkey, IG_CKPT_PUBKEY_LEN) != 0 &&
             add_error(r,
                       "tick %llu: agent identity changed",
                       (unsigned long long)c->tick) < 0)
        return -ENOMEM;
    return 0;
}

static int check_order(struct ig_lineage_report *r, const struct ig_ckpt *c)
{
    if (!r->have_prev)
        return 0;
    if (c->tick <= r->prev_tick &&
        add_error(r,
                  "tick %llu: non-monotonic (prev was %llu)",
                  (unsigned long long)c->tick,
                  (unsigned long long)r->prev_tick) < 0)
        return -ENOMEM;
    return 0;
}

/* An unsigned entry, first or not, leaves the lineage unverifiable. */
static int check_signed(struct ig_lineage_report *r, const struct ig_ckpt *c)
{
    if (c->version == IG_CKPT_V4)
        return 0;
    r->unsigned_count++;
    return add_error(r,
                     "tick %llu: unsigned v%u checkpoint (no signature, "
                     "no lineage)",
                     (unsigned long long)c->tick,
                     c->version);
}

static int is_zero(const uint8_t h[IG_CKPT_HASH_LEN])
{
    uint8_t acc = 0;

    for (size_t i = 0; i < IG_CKPT_HASH_LEN; i++)
        acc |= h[i];
    return acc == 0;
}

int ig_lineage_add(struct ig_lineage_report *r,
                   const char *name,
                   const uint8_t *blob,
                   size_t len)
{
    char detail[256];
    struct ig_ckpt c;
    int rc;

    r->files++;
    if (ig_ckpt_parse(blob, len, &c, detail, sizeof(detail)) < 0)
        return add_error(r, "failed to parse %s: %s", name, detail);
    if (r->checkpoints++ == 0) {
        r->first_tick = c.tick;
        r->after_genesis = c.version == IG_CKPT_V4 && !is_zero(c.prev_hash);
    }
    rc = check_order(r, &c);
    if (rc == 0)
        rc = check_signed(r, &c);
    if (rc == 0 && c.version == IG_CKPT_V4)
        rc = check_v4(r, name, &c, blob, len);
    if (rc == 0)
        rc = extend_segments(r, &c);
    if (rc < 0)
        return rc;
    free(r->prev_name);
    r->prev_name = strdup(name);
    if (!r->prev_name)
        return -ENOMEM;
    r->last_tick = c.tick;
    r->prev_tick = c.tick;
    r->have_prev = 1;
    ig_ckpt_content_hash(blob, len, r->prev_hash);
    return 0;
}

int ig_lineage_end(struct ig_lineage_report *r)
{
    r->valid = r->nerrors == 0 && r->checkpoints > 0;
    return r->valid ? 0 : IG_ECHAIN;
}

static int is_ckpt_name(const char *n)
{
    size_t len = strlen(n);

    return len > 5 && strcmp(n + len - 5, ".ckpt") == 0;
}

static int push_entry(struct entry **v,
                      size_t *n,
                      const char *dir,
                      const char *name)
{
    struct entry *nv = realloc(*v, (*n + 1) * sizeof(**v));
    size_t plen = strlen(dir) + strlen(name) + 2;

    if (!nv)
        return -ENOMEM;
    *v = nv;
    nv[*n].name = strdup(name);
    nv[*n].path = malloc(plen);
    if (!nv[*n].name || !nv[*n].path) {
        free(nv[*n].name);
        free(nv[*n].path);
        return -ENOMEM;
    }
    snprintf(nv[*n].path, plen, "%s/%s", dir, name);
    (*n)++;
    return 0;
}

static const char *file_kind(mode_t m)
{
    if (S_ISLNK(m))
        return "a symlink";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISDIR(m))
        return "a directory";
    return "not a regular file";
}

/*
 * Regular *.ckpt files of dir appended to *v. Any other *.ckpt entry (a
 * symlink, FIFO, directory, ...) is a report error: history is written
 * as regular files only, so one of those is tampering or damage.
 */
static int list_dir(struct ig_lineage_report *r,
                    const char *dir,
                    struct entry **v,
                    size_t *n,
                    char *err,
                    size_t errlen)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;

    if (!d) {
        rc = -errno;
        ig_err_set(err, errlen, "%s: %s", dir, strerror(errno));
        return rc;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        struct stat st;

        if (!is_ckpt_name(e->d_name) ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISREG(st.st_mode))
            rc = push_entry(v, n, dir, e->d_name);
        else if (add_error(r,
                           "%s/%s: %s, not a checkpoint file (not read)",
                           dir,
                           e->d_name,
                           file_kind(st.st_mode)) < 0)
            rc = -ENOMEM;
    }
    closedir(d);
    return rc;
}

/* Tick file names are zero-padded; ordering by length first keeps the
 * order numeric even past ten digits. */
static int cmp_entry(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    size_t lx = strlen(x->name), ly = strlen(y->name);

    if (lx != ly)
        return lx < ly ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void free_entries(struct entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].path);
    }
    free(v);
}

/* A file missing or unreadable becomes a report error, not a failure. */
static int read_entry(struct ig_lineage_report *r,
                      const struct entry *e,
                      uint8_t **blob,
                      size_t *len)
{
    char detail[PATH_MAX + 64];
    int rc = ig_atomic_read(
      e->path, IG_CKPT_MAX_FILE, blob, len, detail, sizeof(detail));

    if (rc == -ENOMEM)
        return rc;
    if (rc < 0) {
        r->files++;
        return add_error(r, "failed to read %s", detail) < 0 ? -ENOMEM : 1;
    }
    return 0;
}

/* Same name in two directories: identical copies count once. */
static int same_tick(struct ig_lineage_report *r,
                     const struct entry *a,
                     const struct entry *b,
                     const uint8_t *ablob,
                     size_t alen)
{
    uint8_t *bblob = NULL;
    size_t blen = 0;
    int rc = read_entry(r, b, &bblob, &blen);

    if (rc != 0)
        return rc < 0 ? rc : 0;
    if (blen != alen || memcmp(ablob, bblob, alen) != 0)
        rc =
          add_error(r, "%s: fork: %s and %s differ", a->name, a->path, b->path);
    free(bblob);
    return rc;
}

static int verify_entries(struct ig_lineage_report *r,
                          struct entry *v,
                          size_t n)
{
    int rc = 0;

    for (size_t i = 0; i < n && rc >= 0; i++) {
        uint8_t *blob = NULL;
        size_t len = 0, j;

        rc = read_entry(r, &v[i], &blob, &len);
        if (rc != 0) {
            rc = rc < 0 ? rc : 0;
            continue;
        }
        rc = ig_lineage_add(r, v[i].name, blob, len);
        for (j = i + 1; rc == 0 && j < n && !cmp_entry(&v[i], &v[j]); j++)
            rc = same_tick(r, &v[i], &v[j], blob, len);
        i = j - 1;
        free(blob);
    }
    return rc;
}

int ig_lineage_verify_dirs(const char *const *dirs,
                           size_t ndirs,
                           struct ig_lineage_report *r,
                           char *err,
                           size_t errlen)
{
    struct entry *v = NULL;
    size_t n = 0;
    int rc = 0;

    ig_lineage_begin(r);
    for (size_t i = 0; i < ndirs && rc == 0; i++)
        rc = list_dir(r, dirs[i], &v, &n, err, errlen);
    if (rc == 0 && n == 0 && r->nerrors == 0) {
        ig_err_set(err,
                   errlen,
                   "no checkpoint files found in %s%s",
                   ndirs ? dirs[0] : "(no directory)",
                   ndirs > 1 ? " and the other directories" : "");
        rc = IG_ENOTFOUND;
    }
    if (rc == 0) {
        qsort(v, n, sizeof(*v), cmp_entry);
        rc = verify_entries(r, v, n);
    }
    free_entries(v, n);
    if (rc < 0) {
        if (rc == -ENOMEM)
            ig_err_set(err, errlen, "out of memory verifying lineage");
        ig_lineage_report_free(r);
        return rc;
    }
    return ig_lineage_end(r);
}

int ig_lineage_verify(const char *dir,
                      struct ig_lineage_report *r,
                      char *err,
                      size_t errlen)
{
    return ig_lineage_verify_dirs(&dir, 1, r, err, errlen);
}

void ig_lineage_print(FILE *f, const struct ig_lineage_report *r)
{
    char hex[2 * IG_CKPT_PUBKEY_LEN + 1], seg[17];
    size_t kept = r->nerrors < MAX_KEPT_ERRORS ? r->nerrors : MAX_KEPT_ERRORS;

    fputs("Checkpoint Lineage Verifier\n===========================\n\n", f);
    ig_hex_encode(r->pubkey, IG_CKPT_PUBKEY_LEN, hex, sizeof(hex));
    /* Without a v4 file there is no key to show: the lines are left out,
     * as the reference does. */
    if (r->have_key) {
        fprintf(f, "Agent:          %s\n", r->did);
        fprintf(f, "Public Key:     %s\n", hex);
    }
    fprintf(f, "Checkpoints:    %zu\n", r->checkpoints);
    if (r->unsigned_count)
        fprintf(f, "Unsigned:       %zu\n", r->unsigned_count);
    fprintf(f,
            "Tick Range:     %llu \xe2\x86\x92 %llu\n",
            (unsigned long long)r->first_tick,
            (unsigned long long)r->last_tick);
    if (r->after_genesis)
        fprintf(f,
                "History:        starts at tick %llu (older entries pruned "
                "or kept elsewhere)\n",
                (unsigned long long)r->first_tick);
    if (r->nsegments > 0)
        fputs("\nExecution Segments:\n", f);
    for (size_t i = 0; i < r->nsegments; i++) {
        const struct ig_lineage_segment *s = &r->segments[i];

        short_hex(s->wasm_hash, seg);
        fprintf(f,
                "  [%zu] WASM %s...  ticks %llu\xe2\x86\x92%llu (%zu "
                "checkpoint%s)\n",
                i + 1,
                seg,
                (unsigned long long)s->first_tick,
                (unsigned long long)s->last_tick,
                s->count,
                s->count == 1 ? "" : "s");
    }
    fputc('\n', f);
    if (r->valid) {
        fprintf(f,
                "Lineage:        VALID (all %zu signatures verified, "
                "chain unbroken)\n",
                r->signatures);
        return;
    }
    fprintf(f,
            "Lineage:        INVALID (%zu error%s)\n",
            r->nerrors,
            r->nerrors == 1 ? "" : "s");
    for (size_t i = 0; i < kept; i++)
        fprintf(f, "  - %s\n", r->errors[i]);
    if (r->nerrors > kept)
        fprintf(f, "  - ... and %zu more\n", r->nerrors - kept);
}
