/* SPDX-License-Identifier: MIT */
/* igord's entry point: the command table, dispatch, help and version. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/flags.h"

#ifndef IGORD_VERSION
#define IGORD_VERSION "0.1.0"
#endif

const struct ig_command ig_commands[] = {
    { "run", "Run a wasm agent (fresh, or from its checkpoint)", ig_cmd_run },
    { "resume", "Resume an agent from a checkpoint file", ig_cmd_resume },
    { "inspect", "Display every field of a checkpoint", ig_cmd_inspect },
    { "verify",
      "Verify a checkpoint lineage (history directories)",
      ig_cmd_verify },
    { "node", "Run a node: listen and connect over libp2p", ig_cmd_node },
    { "id", "Print the node's peer ID", ig_cmd_id },
    { "ping", "Ping a libp2p peer", ig_cmd_ping },
    { "help", "Show the commands, or one command's options", ig_cmd_help },
    { "version", "Print the igord version", ig_cmd_version },
    { NULL, NULL, NULL },
};

static const struct ig_command *find_command(const char *name)
{
    for (const struct ig_command *c = ig_commands; c->name; c++) {
        if (!strcmp(c->name, name))
            return c;
    }
    return NULL;
}

static void print_usage(FILE *f)
{
    fputs("usage: igord <command> [options] [arguments]\n\ncommands:\n", f);
    for (const struct ig_command *c = ig_commands; c->name; c++)
        fprintf(f, "  %-10s %s\n", c->name, c->summary);
    fputs("\nRun 'igord <command> --help' for a command's options.\n", f);
}

int ig_cmd_version(int argc, char **argv)
{
    static const struct ig_flags_spec spec = {
        "igord version", "Print the igord version.", NULL, 0, 0, 0
    };
    int npos, rc = ig_flags_parse(&spec, argc, argv, &npos);

    if (rc != 0)
        return rc > 0 ? IG_EXIT_OK : IG_EXIT_USAGE;
    printf("igord %s\n", IGORD_VERSION);
    return IG_EXIT_OK;
}

int ig_cmd_help(int argc, char **argv)
{
    static const struct ig_flags_spec spec = {
        "igord help [command]",
        "Show the commands, or one command's help.",
        NULL,
        0,
        0,
        1
    };
    const struct ig_command *c;
    char *sub[] = { NULL, "--help", NULL };
    int npos, rc = ig_flags_parse(&spec, argc, argv, &npos);

    if (rc != 0)
        return rc > 0 ? IG_EXIT_OK : IG_EXIT_USAGE;
    if (npos == 0) {
        print_usage(stdout);
        return IG_EXIT_OK;
    }
    /* Every command, help itself too, prints its help for --help. */
    c = find_command(argv[1]);
    if (!c) {
        fprintf(stderr, "igord: unknown command '%s'\n", argv[1]);
        return IG_EXIT_USAGE;
    }
    sub[0] = argv[1];
    return c->fn(2, sub);
}

int main(int argc, char **argv)
{
    const struct ig_command *c;

    /* A closed pipe on stdout or stderr (igord ... | head) must not kill
     * an agent before its final checkpoint: writes fail with EPIPE
     * instead, which the logger ignores. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        print_usage(stderr);
        return IG_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        print_usage(stdout);
        return IG_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version"))
        return ig_cmd_version(1, argv + 1);
    c = find_command(argv[1]);
    if (!c) {
        fprintf(stderr, "igord: unknown command '%s'\n\n", argv[1]);
        print_usage(stderr);
        return IG_EXIT_USAGE;
    }
    return c->fn(argc - 1, argv + 1);
}
