/*
 * sweep_run.h - running the points of a sweep (forked workers, resume,
 * progress) and collecting their results into the summary file.
 */
#ifndef AX_SWEEP_RUN_H
#define AX_SWEEP_RUN_H

#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "sweep.h"

#define AX_SW_ERR 256 /* bytes of a point's error message in the summary */

/* Point status in the summary table. */
enum { AX_PT_OK = 0, AX_PT_FAILED = 1, AX_PT_BADINPUT = 2, AX_PT_CRASHED = 3, AX_PT_MISSING = -1 };

/* Progress of a batch of points: a bar on a tty, a line per step otherwise. */
typedef struct ax_progress {
  size_t total, done, failed, skipped;
  double t0, last;
  int tty, quiet;
  size_t step;     /* plain mode: one line every `step` points */
  FILE *f;
} ax_progress;

/* Where a sweep's results go. */
typedef struct ax_sweep_exec {
  ax_sweep *sw;
  char *out;       /* merged summary file */
  char *pdir;      /* OUT without .h5, plus .points: one file per point */
  char *pdir_rel;  /* pdir relative to the summary file's folder */
  int jobs;
  ax_progress prog;
} ax_sweep_exec;

/* One point's results as the summary table holds them. */
typedef struct ax_sweep_result {
  int status;
  char err[AX_SW_ERR];
  uint64_t seed, sim_time_ps, ops, macs, events;
  double energy_pj, wall_s;
  double *metric, *obj; /* nmetrics, nobj values (NAN when not computable) */
  int feasible;
  double violation;     /* sum over broken constraints of |lhs - rhs| / max(|rhs|, 1) */
} ax_sweep_result;

/* Fill paths from the output name (OUT.h5 -> OUT.points/) and make the folder. */
int ax_sweep_exec_init(ax_sweep_exec *ex, ax_sweep *sw, const char *out, int jobs, int quiet,
                       char *err, size_t errlen);
void ax_sweep_exec_free(ax_sweep_exec *ex);
/* Path of point i's file with extension ext (".h5", ".fail"); caller frees. */
char *ax_sweep_point_file(const ax_sweep_exec *ex, size_t i, const char *ext);
/* Whether point i is done (its .h5 or .fail exists and is for these
 * settings and seed). A stale file from another sweep is removed. */
int ax_sweep_point_done(const ax_sweep_exec *ex, size_t i);
/* Open point i's results file read-only if it matches the point's settings
 * and seed (an hid_t), else -1. */
int64_t ax_sweep_point_open(const ax_sweep_exec *ex, size_t i);
/* Start point i in a forked child; returns its pid (-1: fork failed). */
pid_t ax_sweep_spawn(ax_sweep_exec *ex, size_t i);
/* Record how the child of point i ended (writes the .fail of a crash);
 * returns 1 if the point has results, 0 if it failed. */
int ax_sweep_reaped(ax_sweep_exec *ex, size_t i, int wstatus);
/* What point i has: 1 a results file, 2 a failure record (status, message
 * out), 0 neither (both checked against the point's settings and seed). */
int ax_sweep_point_kind(const ax_sweep_exec *ex, size_t i, int *status, char *msg, size_t len);
/* Run points idx[0..n) with ex->jobs workers; returns 0, or 1 if interrupted. */
int ax_sweep_exec_points(ax_sweep_exec *ex, const size_t *idx, size_t n);
/* Points among idx[0..n) not yet done, into *todo (caller frees); returns how many. */
size_t ax_sweep_todo(ax_sweep_exec *ex, const size_t *idx, size_t n, size_t **todo);

/* Read point i's files into r (allocates r->metric, r->obj). */
void ax_sweep_result_read(const ax_sweep_exec *ex, size_t i, ax_sweep_result *r);
void ax_sweep_result_free(ax_sweep_result *r);
/* Write the summary of points idx[0..n) (sorted ascending) to ex->out;
 * *nfailed (if not NULL) counts the points that did not run to the end. */
int ax_sweep_write_summary(const ax_sweep_exec *ex, const size_t *idx, size_t n, const char *shard,
                           size_t *nfailed, char *err, size_t errlen);
/* Merge shard summaries into one file (`axsim merge`). */
int ax_sweep_merge(const char *out, char *const *shards, size_t n, int allow_partial, char *err,
                   size_t errlen);

/* Progress display. */
void ax_progress_start(ax_progress *p, size_t total, size_t skipped, int quiet);
void ax_progress_step(ax_progress *p, int failed);
void ax_progress_end(ax_progress *p);

/* Run a search sweep (mode "search") with a batch runner. */
typedef int (*ax_batch_fn)(void *ctx, const size_t *idx, size_t n);
int ax_sweep_search(ax_sweep_exec *ex, ax_batch_fn run, void *ctx, char *err, size_t errlen);

/* Monotonic seconds. */
double ax_sweep_now(void);

#endif
