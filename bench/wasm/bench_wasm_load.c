/* SPDX-License-Identifier: MIT */
/* Measures module load (decode + validate + compile) and instantiation
 * (import linking through the membrane + instance creation) of the
 * heartbeat agent and the benchmark kernels. Usage:
 * bench_wasm_load [-n iterations] [file.wasm ...]. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "membrane/link.h"
#include "membrane/manifest.h"
#include "membrane/membrane.h"
#include "wasm/wasm.h"

#define MAX_ITERS 1000

static const char *const default_files[] = {
    IG_BINARY_DIR "/agents/heartbeat/agent.wasm",
    IG_BINARY_DIR "/bench/kernels/sha256.wasm",
    IG_BINARY_DIR "/bench/kernels/fib.wasm",
};

/* The manifest beside an agent.wasm, or the empty one. */
static int load_manifest(const char *wasm_path, struct ig_manifest *man)
{
    char path[4096];
    const char *slash = strrchr(wasm_path, '/');
    uint8_t *text = NULL;
    size_t len = 0;
    int rc;

    ig_manifest_init(man);
    snprintf(path,
             sizeof(path),
             "%.*s/agent.manifest.json",
             slash ? (int)(slash - wasm_path) : 1,
             slash ? wasm_path : ".");
    if (!bench_file_exists(path))
        return 0;
    rc = bench_read_file(path, &text, &len);
    if (rc == 0)
        rc = ig_manifest_parse(text, len, man, NULL, 0);
    free(text);
    return rc;
}

static int time_load(const uint8_t *wasm,
                     size_t len,
                     int iters,
                     uint64_t *median)
{
    static uint64_t t[MAX_ITERS];
    char err[256] = "";

    for (int i = 0; i < iters; i++) {
        ig_wasm_module_t *m = NULL;
        uint64_t t0 = bench_now_ns();
        int rc = ig_wasm_module_load(wasm, len, &m, err, sizeof(err));

        t[i] = bench_now_ns() - t0;
        if (rc < 0) {
            fprintf(stderr, "load: %s: %s\n", ig_err_name(rc), err);
            return rc;
        }
        ig_wasm_module_free(m);
    }
    *median = bench_median(t, (size_t)iters);
    return 0;
}

/* One store and membrane per instantiation, as a node does per agent. */
static int instantiate_once(const ig_wasm_module_t *m,
                            const struct ig_manifest *man,
                            uint64_t *ns)
{
    struct ig_membrane_config mc;
    struct ig_wasm_extern *imports = NULL;
    ig_wasm_instance_t *inst = NULL;
    ig_wasm_store_t *s = NULL;
    ig_membrane_t *mb = NULL;
    uint32_t n = 0;
    char err[256] = "";
    uint64_t t0;
    int rc;

    memset(&mc, 0, sizeof(mc));
    rc = ig_wasm_store_new(NULL, &s);
    if (rc == 0)
        rc = ig_membrane_new(&mc, &mb);
    if (rc < 0)
        goto out;
    t0 = bench_now_ns();
    rc = ig_link_imports(mb, s, m, man, &imports, &n, err, sizeof(err));
    if (rc == 0)
        rc = ig_wasm_instance_new(s, m, imports, n, &inst, err, sizeof(err));
    *ns = bench_now_ns() - t0;
    if (rc < 0)
        fprintf(stderr, "instantiate: %s: %s\n", ig_err_name(rc), err);
out:
    free(imports);
    if (s)
        ig_wasm_store_free(s);
    if (mb)
        ig_membrane_free(mb);
    return rc;
}

static int time_instantiate(const uint8_t *wasm,
                            size_t len,
                            const struct ig_manifest *man,
                            int iters,
                            uint64_t *median)
{
    static uint64_t t[MAX_ITERS];
    ig_wasm_module_t *m = NULL;
    int rc = ig_wasm_module_load(wasm, len, &m, NULL, 0);

    for (int i = 0; rc == 0 && i < iters; i++)
        rc = instantiate_once(m, man, &t[i]);
    if (m)
        ig_wasm_module_free(m);
    *median = bench_median(t, (size_t)iters);
    return rc;
}

/* Paths inside the build tree are shown relative to it. */
static const char *short_name(const char *path)
{
    size_t n = strlen(IG_BINARY_DIR);

    if (strncmp(path, IG_BINARY_DIR, n) == 0 && path[n] == '/')
        return path + n + 1;
    return path;
}

static int bench_file(const char *path, int iters)
{
    struct ig_manifest man;
    uint8_t *wasm = NULL;
    size_t len = 0;
    uint64_t load = 0, inst = 0;
    int rc = bench_read_file(path, &wasm, &len);

    ig_manifest_init(&man);
    if (rc == 0)
        rc = load_manifest(path, &man);
    if (rc == 0)
        rc = time_load(wasm, len, iters, &load);
    if (rc == 0)
        rc = time_instantiate(wasm, len, &man, iters, &inst);
    if (rc == 0)
        printf("%7.1f KB  load %7.3f ms %7.1f MB/s  instantiate %7.3f ms  %s\n",
               (double)len / 1024,
               (double)load / 1e6,
               (double)len / ((double)load / 1e9) / 1e6,
               (double)inst / 1e6,
               short_name(path));
    else
        printf("%s: %s\n", path, ig_strerror(rc));
    ig_manifest_free(&man);
    free(wasm);
    return rc;
}

int main(int argc, char **argv)
{
    int iters = 20, first = 1, failed = 0, ran = 0;

    if (argc > 2 && strcmp(argv[1], "-n") == 0) {
        iters = atoi(argv[2]);
        first = 3;
    }
    if (iters < 1 || iters > MAX_ITERS) {
        fprintf(stderr,
                "usage: bench_wasm_load [-n 1..%d] [file.wasm ...]\n",
                MAX_ITERS);
        return 2;
    }
    printf("wasm load (decode, validate, compile) and instantiate "
           "(link through the membrane, create), median of %d\n",
           iters);
    for (int i = first; i < argc; i++, ran++)
        failed |= bench_file(argv[i], iters) < 0;
    for (size_t i = 0;
         first == argc && i < sizeof(default_files) / sizeof(default_files[0]);
         i++) {
        if (!bench_file_exists(default_files[i])) {
            printf("%s: not built, skipped\n", default_files[i]);
            continue;
        }
        failed |= bench_file(default_files[i], iters) < 0;
        ran++;
    }
    return failed || !ran;
}
