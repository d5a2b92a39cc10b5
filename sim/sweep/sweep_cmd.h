/*
 * sweep_cmd.h - the `axsim sweep` driver shared by the local command and
 * the MPI executable (axsim-mpi): arguments, then load, generate, run
 * (through a batch runner), summarise.
 */
#ifndef AX_SWEEP_CMD_H
#define AX_SWEEP_CMD_H

#include "sweep_run.h"

typedef struct ax_sweep_args {
  const char *file, *out;
  int jobs, quiet, list, mpi;
  unsigned shard_i, shard_n; /* shard_n == 0: no sharding */
} ax_sweep_args;

/* Parse `sweep` arguments: 0 ok, 1 --help printed, 2 bad usage (printed). */
int ax_sweep_parse_args(int argc, char **argv, ax_sweep_args *a);
/* Load, generate and run the sweep with `run` as the batch runner, then
 * write the summary. Prints progress and errors; returns the exit code. */
int ax_sweep_drive(const ax_sweep_args *a, ax_batch_fn run, void *ctx, ax_sweep_exec *ex);
/* Default summary name: SWEEP's base name with .h5, in the current folder (caller frees). */
char *ax_sweep_default_out(const char *file);
/* Print point i as an `axsim run` command line. */
void ax_sweep_print_point(const ax_sweep *sw, size_t i, FILE *f);

#endif
