/*
 * runner.h - one whole run as a library call: load, initialise, run,
 * write results. `axsim run`, sweeps and campaigns all go through it.
 */
#ifndef AX_RUNNER_H
#define AX_RUNNER_H

#include "sim.h"

/* Headline figures of a finished run. */
typedef struct ax_run_summary {
  uint64_t sim_time_ps;
  uint64_t ops, macs, events;
  double energy_pj;
  double wall_s;
} ax_run_summary;

typedef struct ax_run_opts {
  const char *config;   /* system file */
  char *const *ov;      /* -s overrides */
  size_t nov;
  uint64_t seed;        /* used when has_seed */
  int has_seed;
  const char *out;      /* results file; NULL: the config's output.file or out.h5 */
} ax_run_opts;

/* Run a system from its config and write its results file.
 * Returns 0 ok, 2 bad input (config/trace), 1 the run failed (deadlock,
 * watchdog, model error) or its results could not be written; err says why.
 * If keep is not NULL the finished run is handed back (caller frees). */
int ax_run(const ax_run_opts *o, ax_run_summary *sum, ax_sim **keep, char *err, size_t errlen);

/* Fill a summary from a finished run. */
void ax_run_summarize(ax_sim *s, double wall_s, ax_run_summary *sum);

#endif
