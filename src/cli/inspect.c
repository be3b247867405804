/* SPDX-License-Identifier: MIT */
/* `igord inspect` (one checkpoint file, every field) and `igord verify`
 * (the lineage of one or more history directories). */
#include <stdio.h>
#include <stdlib.h>

#include "cli/commands.h"
#include "cli/files.h"
#include "cli/flags.h"
#include "store/atomic.h"
#include "store/ckpt.h"
#include "store/inspect.h"
#include "store/lineage.h"
#include "util/err.h"

static int inspect_file(const char *path, const char *wasm_path)
{
    uint8_t *blob = NULL, *wasm = NULL;
    size_t len = 0, wlen = 0;
    struct ig_inspect in;
    char err[256] = "";
    int rc, status = IG_EXIT_FAIL;

    rc = ig_cli_read_file("checkpoint", path, IG_CKPT_MAX_FILE, &blob, &len);
    if (rc == 0 && wasm_path)
        rc = ig_cli_read_file("wasm", wasm_path, IG_CLI_MAX_WASM, &wasm, &wlen);
    if (rc < 0)
        goto out;
    rc = ig_inspect(blob, len, wasm, wlen, wasm_path, &in, err, sizeof(err));
    if (rc < 0) {
        ig_flags_error(
          "%s: not a checkpoint: %s", path, err[0] ? err : ig_strerror(rc));
        goto out;
    }
    ig_inspect_print(stdout, &in);
    status = IG_EXIT_OK;
    if (in.ck.version < IG_CKPT_V4)
        ig_flags_error("%s: unsigned v%u checkpoint: no signature vouches "
                       "for its contents",
                       path,
                       in.ck.version);
    if (in.ck.version >= IG_CKPT_V4 && !in.sig_valid) {
        ig_flags_error("%s: signature INVALID", path);
        status = IG_EXIT_FAIL;
    }
    if (in.wasm_checked && !in.wasm_match) {
        ig_flags_error("%s: made by a different wasm than %s", path, wasm_path);
        status = IG_EXIT_FAIL;
    }
out:
    free(blob);
    free(wasm);
    return status;
}

int ig_cmd_inspect(int argc, char **argv)
{
    const char *wasm = NULL;
    const struct ig_flag flags[] = {
        { "wasm",
          0,
          IG_FLAG_STRING,
          &wasm,
          "FILE",
          NULL,
          "check that the checkpoint was made by this wasm" },
    };
    const struct ig_flags_spec spec = {
        "igord inspect [--wasm FILE] <checkpoint-file>",
        "Print every field of a checkpoint, its DID, whether its signature "
        "is VALID,\nand a hex dump of its state. Exits 1 when the signature "
        "or the wasm check\nfails.",
        flags,
        1,
        1,
        1
    };
    int npos, rc = ig_flags_parse(&spec, argc, argv, &npos);

    if (rc != 0)
        return rc > 0 ? IG_EXIT_OK : IG_EXIT_USAGE;
    return inspect_file(argv[1], wasm);
}

int ig_cmd_verify(int argc, char **argv)
{
    const struct ig_flags_spec spec = {
        "igord verify <history-dir> [<history-dir>...]",
        "Verify a checkpoint lineage: ticks rise, every signature holds, "
        "each\ncheckpoint names the hash of the one before, and the agent "
        "key never\nchanges. Several directories (one per machine) are "
        "merged by tick.\nExits 1 when anything is wrong.",
        NULL,
        0,
        1,
        -1
    };
    struct ig_lineage_report r = { 0 };
    char err[256] = "";
    int npos, rc = ig_flags_parse(&spec, argc, argv, &npos);

    if (rc != 0)
        return rc > 0 ? IG_EXIT_OK : IG_EXIT_USAGE;
    rc = ig_lineage_verify_dirs(
      (const char *const *)argv + 1, (size_t)npos, &r, err, sizeof(err));
    if (rc == IG_ENOTFOUND) {
        ig_flags_error("no checkpoint files (*.ckpt) found in %s%s",
                       argv[1],
                       npos > 1 ? " and the others" : "");
    }
    else if (rc == 0 || rc == IG_ECHAIN) {
        ig_lineage_print(stdout, &r);
    }
    else {
        ig_flags_error("%s", err[0] ? err : ig_strerror(rc));
    }
    ig_lineage_report_free(&r);
    return rc == 0 ? IG_EXIT_OK : IG_EXIT_FAIL;
}
