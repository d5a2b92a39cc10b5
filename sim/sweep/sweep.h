/*
 * sweep.h - design-space sweeps and search (docs/sweeps.md).
 *
 * A sweep file names a base system, the settings to vary and how (grid,
 * list, zip, random, Latin hypercube, search), seeds, named metrics,
 * objectives and constraints. Every point is an ordinary run of the base
 * system with `-s` overrides and a seed, writing its own results file
 * OUT.points/pNNNNNN.h5; a point whose file exists is done (the core writes
 * it via tmp + rename), which is what makes a killed sweep resumable. The
 * summary table is rebuilt from the point files, sorted by point index, so
 * every way of running a sweep (-j N, MPI, shards + merge) gives the same
 * table.
 */
#ifndef AX_SWEEP_H
#define AX_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "sweep_expr.h"

typedef enum ax_sweep_mode {
  AX_SW_GRID, AX_SW_LIST, AX_SW_ZIP, AX_SW_RANDOM, AX_SW_LHS, AX_SW_SEARCH
} ax_sweep_mode;

typedef enum ax_search_algo { AX_SA_RANDOM, AX_SA_EVOLUTION } ax_search_algo;

/* One swept setting: a list of values, or a range (random / lhs / search). */
typedef struct ax_sweep_param {
  char *set;        /* "sa0.rows": the -s path */
  int line;
  char **values;    /* display text of each value ("64", "ws") */
  char **lits;      /* the same as a libconfig literal ("64", "\"ws\"") */
  double *nums;     /* numeric value of each, NAN when not a number */
  size_t nvalues;   /* 0 for a range */
  double min, max;  /* range */
  int integer;      /* range of integers (both bounds written as integers) */
  int logscale;     /* sample log-uniformly */
} ax_sweep_param;

/* A constraint "lhs OP rhs". */
typedef enum ax_cmp { AX_LT, AX_LE, AX_GT, AX_GE, AX_EQ, AX_NE } ax_cmp;
typedef struct ax_sweep_cons {
  char *text;
  ax_expr *lhs, *rhs;
  ax_cmp op;
} ax_sweep_cons;

/* A named metric: a column computed from a point's results. */
typedef struct ax_sweep_metric {
  char *name;
  char *text;
  ax_expr *e;
} ax_sweep_metric;

/* The points of a sweep: value index (or sampled number) per parameter. */
typedef struct ax_sweep_point {
  char **val;       /* nparams display strings */
  char **lit;       /* nparams libconfig literals */
  double *num;      /* nparams numbers (NAN if not numeric) */
  uint64_t seed;
  int has_seed;
  uint32_t gen;     /* generation (search), 0 otherwise */
} ax_sweep_point;

typedef struct ax_sweep {
  char *file;       /* the sweep file as given */
  char *text;       /* its full text */
  uint64_t hash;    /* FNV-1a of the text: identifies the sweep in shards */
  char *base;       /* base system, resolved against the sweep file's folder */
  ax_sweep_mode mode;
  ax_sweep_param *params;
  size_t nparams;
  uint64_t *seeds;  /* run seeds crossed with every point; none: the base's */
  size_t nseeds;
  uint64_t seed;    /* generator seed (random, lhs, search) */
  size_t npoints_req; /* random / lhs: points asked for */
  ax_sweep_metric *metrics;
  size_t nmetrics;
  char **objectives; /* expression texts */
  ax_expr **obj;
  size_t nobj;
  ax_sweep_cons *cons;
  size_t ncons;
  /* search */
  ax_search_algo algo;
  size_t budget, population;
  /* list mode: the points as written */
  ax_sweep_point *pts;
  size_t npts, cappts;
} ax_sweep;

/* Read and check a sweep file; the base system is loaded once to check
 * every swept setting and value. AX_EINVAL with "file:line: setting 'x':
 * what was expected". */
int ax_sweep_load(const char *file, ax_sweep **out, char *err, size_t errlen);
/* Free a sweep and its points. */
void ax_sweep_free(ax_sweep *sw);
/* Generate the points of a non-search sweep into sw->pts (deterministic). */
int ax_sweep_generate(ax_sweep *sw, char *err, size_t errlen);
/* Append a point (copies the strings); returns its index. */
size_t ax_sweep_add_point(ax_sweep *sw, char *const *val, char *const *lit, const double *num,
                          uint64_t seed, int has_seed, uint32_t gen);
/* Set point i (growing the list with empty points below it): how an MPI
 * worker learns a point the master made. */
void ax_sweep_set_point(ax_sweep *sw, size_t i, char *const *val, char *const *lit, const double *num,
                        uint64_t seed, int has_seed, uint32_t gen);
/* The -s overrides of point i ("sa0.rows=64"), nparams strings (caller frees). */
char **ax_sweep_overrides(const ax_sweep *sw, size_t i);
void ax_sweep_overrides_free(const ax_sweep *sw, char **ov);
/* Parameter p at gene g (an index of its values, or a number of its
 * range, clamped): display text, literal, number (caller frees). */
void ax_sweep_param_at(const ax_sweep_param *p, double g, char **val, char **lit, double *num);
/* The gene u in [0, 1) maps to: uniform over values, or over the range
 * (log-uniform with log; integers inclusive of max). */
double ax_sweep_param_gene(const ax_sweep_param *p, double u);
/* Name of a mode ("grid", ...). */
const char *ax_sweep_mode_name(ax_sweep_mode m);

/* ---- random numbers (splitmix64, Steele et al., OOPSLA 2014) ---- */

/* Next 64 random bits of a splitmix64 stream. */
uint64_t ax_rng_next(uint64_t *state);
/* Uniform double in [0, 1) (53 random bits). */
double ax_rng_unit(uint64_t *state);
/* Uniform integer in [0, n). */
uint64_t ax_rng_below(uint64_t *state, uint64_t n);

#endif
