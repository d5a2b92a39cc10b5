/* cli.h - the table of `axsim` subcommands. Folders add their own with
 * ax_add_command() in CMake (cmake/axsim.cmake); the table is generated. */
#ifndef AX_CLI_H
#define AX_CLI_H

/* One subcommand: argv[0] is its name; returns the process exit code
 * (0 success, 1 failure of the run, 2 bad usage or bad input). */
typedef struct ax_command {
  const char *name;
  int (*fn)(int argc, char **argv);
  const char *help;
} ax_command;

/* NULL-terminated, generated at configure time. */
extern const ax_command ax_builtin_commands[];

#endif
