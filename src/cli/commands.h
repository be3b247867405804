/* SPDX-License-Identifier: MIT */
/* The igord commands: one entry point per command, each taking the
 * command's own argv (argv[0] = the command name) and returning the
 * process exit status. */
#ifndef IG_CLI_COMMANDS_H
#define IG_CLI_COMMANDS_H

struct ig_command {
    const char *name;
    const char *summary;
    int (*fn)(int argc, char **argv);
};

/* Exit statuses shared by the commands. */
enum ig_exit {
    IG_EXIT_OK = 0,
    IG_EXIT_FAIL = 1, /* the command failed (bad file, bad agent) */
    /* 2 is IG_EXIT_USAGE (cli/flags.h) */
    IG_EXIT_BUDGET = 3, /* the agent's budget ran out */
    IG_EXIT_TRAP = 4,   /* the agent trapped or broke the ABI in a tick */
};

int ig_cmd_run(int argc, char **argv);     /* run.c */
int ig_cmd_resume(int argc, char **argv);  /* run.c */
int ig_cmd_inspect(int argc, char **argv); /* inspect.c */
int ig_cmd_verify(int argc, char **argv);  /* inspect.c */
int ig_cmd_node(int argc, char **argv);    /* cmd_node.c */
int ig_cmd_id(int argc, char **argv);      /* cmd_node.c */
int ig_cmd_ping(int argc, char **argv);    /* cmd_ping.c */
int ig_cmd_version(int argc, char **argv);
int ig_cmd_help(int argc, char **argv);

/* The table main() dispatches on, ending with a NULL name. */
extern const struct ig_command ig_commands[];

#endif
