/* SPDX-License-Identifier: MIT */
/* Measures a full checkpoint commit (build + sign + atomic save + history
 * archive) with and without fsync, as medians, and prints the ratio. Usage:
 * bench_store_commit [count] [state bytes] [dir]. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/ckpt.h"
#include "store/storage.h"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Build, sign and save one checkpoint of tick; its seconds or < 0. */
static double commit_one(struct ig_store *s,
                         struct ig_ckpt *c,
                         uint64_t tick,
                         const struct ig_identity *id)
{
    uint8_t *blob = NULL;
    size_t len = 0;
    char err[512] = "";
    double t0 = now_s();
    int rc;

    c->tick = tick;
    rc = ig_ckpt_build_v4(c, id->secret, &blob, &len);
    if (rc == 0) {
        ig_ckpt_content_hash(blob, len, c->prev_hash);
        rc = ig_store_save_checkpoint(s, "bench", blob, len, err, sizeof(err));
    }
    free(blob);
    if (rc < 0) {
        fprintf(stderr, "commit failed: %s\n", err);
        return -1;
    }
    return now_s() - t0;
}

/* Commit count checkpoints with rising ticks; the median seconds of one
 * commit, or < 0. */
static double run(const char *dir,
                  unsigned flags,
                  int count,
                  size_t state_len,
                  const struct ig_identity *id)
{
    struct ig_store *s = NULL;
    struct ig_ckpt c;
    uint8_t *state = calloc(1, state_len + 1);
    double *t = calloc((size_t)count, sizeof(*t)), med = -1;
    char err[512];
    int i = 0;

    if (!state || !t || ig_store_open(dir, flags, &s, err, sizeof(err)) < 0)
        goto out;
    memset(&c, 0, sizeof(c));
    c.budget = 1000000;
    c.state = state;
    c.state_len = state_len;
    for (; i < count; i++) {
        state[0] = (uint8_t)i;
        t[i] = commit_one(s, &c, (uint64_t)i + 1, id);
        if (t[i] < 0)
            goto out;
    }
    qsort(t, (size_t)count, sizeof(*t), cmp_double);
    med = t[count / 2];
out:
    ig_store_close(s);
    free(state);
    free(t);
    return med;
}

static int remove_one(const char *path,
                      const struct stat *st,
                      int type,
                      struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path);
}

int main(int argc, char **argv)
{
    int count = argc > 1 ? atoi(argv[1]) : 200;
    size_t state_len = argc > 2 ? (size_t)atol(argv[2]) : 4096;
    char tmpl[] = "/tmp/igord-bench-XXXXXX", a[300], b[300];
    const char *base = argc > 3 ? argv[3] : mkdtemp(tmpl);
    struct ig_identity id;
    double ts, tn;

    if (!base || count <= 0 || ig_identity_generate(&id) < 0) {
        fprintf(stderr, "setup failed: %s\n", strerror(errno));
        return 1;
    }
    snprintf(a, sizeof(a), "%s/sync", base);
    snprintf(b, sizeof(b), "%s/nosync", base);
    ts = run(a, 0, count, state_len, &id);
    tn = run(b, IG_STORE_NOSYNC, count, state_len, &id);
    if (ts < 0 || tn < 0)
        return 1;
    printf("checkpoint commit (build + sign + atomic save + history), "
           "%d x %zu-byte state, median (in %s)\n",
           count,
           state_len,
           base);
    printf("  with fsync:    %8.1f us/commit\n", ts * 1e6);
    printf("  without fsync: %8.1f us/commit\n", tn * 1e6);
    printf("  fsync cost ratio: %.1fx\n", ts / tn);
    printf("result: checkpoint commit with fsync | %.1f us | "
           "without fsync %.1f us | %.1fx | -\n",
           ts * 1e6,
           tn * 1e6,
           ts / tn);
    if (argc <= 3)
        nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}
