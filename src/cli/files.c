/* SPDX-License-Identifier: MIT */
/* Bounded whole-file reads for the commands, with their error line. */
#include "cli/files.h"

#include "cli/flags.h"
#include "store/atomic.h"
#include "util/err.h"

int ig_cli_read_file(const char *what,
                     const char *path,
                     size_t max,
                     uint8_t **out,
                     size_t *len)
{
    char err[256] = "";
    int rc = ig_atomic_read(path, max, out, len, err, sizeof(err));

    if (rc == IG_ENOTFOUND)
        ig_flags_error("%s %s: no such file", what, path);
    else if (rc == IG_ETOOBIG)
        ig_flags_error("%s %s: larger than %zu bytes", what, path, max);
    else if (rc < 0)
        ig_flags_error("%s %s: %s", what, path, err[0] ? err : ig_strerror(rc));
    return rc;
}
