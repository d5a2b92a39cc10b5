/*
 * main.c - the `axsim` command: dispatch to a subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f) {
  fprintf(f, "usage: axsim COMMAND [ARGS...]\n\ncommands:\n");
  for (const ax_command *c = ax_builtin_commands; c->name; c++)
    fprintf(f, "  %-10s %s\n", c->name, c->help);
  fprintf(f, "\n`axsim COMMAND --help` tells more; `axsim --version` prints the version.\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("axsim %s\n", AX_VERSION_STRING);
    return 0;
  }
  for (const ax_command *c = ax_builtin_commands; c->name; c++)
    if (!strcmp(c->name, argv[1])) return c->fn(argc - 1, argv + 1);
  fprintf(stderr, "axsim: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return 2;
}
