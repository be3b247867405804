/* SPDX-License-Identifier: MIT */
/* Fuzz the option parser: the input is split at NUL bytes into an argv
 * and parsed against a table of every flag kind; the first piece is
 * also parsed as a duration. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/flags.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    int null = open("/dev/null", O_WRONLY);

    (void)argc;
    (void)argv;
    /* -h prints help on stdout and usage errors are discarded, so the
     * fuzzer's own report on stderr stays readable. */
    dup2(null, 1);
    close(null);
    ig_flags_set_errors(NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = NULL, *lv[3];
    struct ig_flag_list l = { lv, 3, 0, NULL };
    int b = 0, npos = 0, argc = 1;
    uint64_t u = 0, d = 0;
    const struct ig_flag flags[] = {
        { "str", 's', IG_FLAG_STRING, &s, "S", NULL, "a string" },
        { "bool", 'b', IG_FLAG_BOOL, &b, NULL, NULL, "a bool" },
        { "uint", 0, IG_FLAG_UINT, &u, "N", "0", "a number" },
        { "dur", 0, IG_FLAG_DURATION, &d, "D", "1s", "a duration" },
        { "list", 'l', IG_FLAG_LIST, &l, "L", NULL, "repeatable" },
        { "alias", 0, IG_FLAG_LIST, &l, "L", NULL, "same list" },
    };
    const struct ig_flags_spec spec = {
        "fuzz [options] <x>", NULL, flags, 6, 0, 3
    };
    char *text = malloc(size + 1), *argv[66];

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    argv[0] = "fuzz";
    for (size_t i = 0; i < size + 1 && argc < 65;) {
        argv[argc++] = text + i;
        i += strlen(text + i) + 1;
    }
    argv[argc] = NULL;
    ig_flags_parse_duration(text, &d);
    ig_flags_parse(&spec, argc, argv, &npos);
    free(text);
    return 0;
}
