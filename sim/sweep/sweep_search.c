/*
 * sweep_search.c - search a sweep's space for the point that minimises
 * the first objective under the constraints, within a budget of runs (the
 * ArchGym use). Two model-free algorithms:
 *   random     - independent uniform samples (the baseline every
 *                ArchGym agent is compared with);
 *   evolution  - a (mu + lambda) genetic algorithm: generation 0 random,
 *                then children of binary-tournament parents from the best
 *                `population` points so far, uniform crossover and
 *                per-gene mutation (Eiben & Smith, Introduction to
 *                Evolutionary Computing, 2nd ed., ch. 4-5).
 * Constraints by Deb's feasibility rules (CMAME 186, 2000): feasible beats
 * infeasible, two infeasible compare by total violation.
 * Points are made a generation at a time and run as a batch; given the
 * results of earlier generations the next is deterministic, so a killed
 * search resumes exactly where it stopped.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sweep_run.h"

typedef struct cand {
  double obj, viol;
  int ok;
} cand;

/* a before b? (Deb's rules; failed runs last; ties by index) */
static int better(const cand *c, size_t a, size_t b) {
  if (c[a].ok != c[b].ok) return c[a].ok;
  if (c[a].viol != c[b].viol) return c[a].viol < c[b].viol;
  double x = c[a].obj == c[a].obj ? c[a].obj : INFINITY, y = c[b].obj == c[b].obj ? c[b].obj : INFINITY;
  if (x != y) return x < y;
  return a < b;
}

/* Sort idx[0..n) best first (merge sort: qsort has no context argument). */
static void rank_sort(const cand *c, size_t *idx, size_t *tmp, size_t n) {
  for (size_t w = 1; w < n; w *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * w) {
      size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = better(c, idx[j], idx[i]) ? idx[j++] : idx[i++];
      while (i < mid) tmp[k++] = idx[i++];
      while (j < hi) tmp[k++] = idx[j++];
    }
    memcpy(idx, tmp, n * sizeof *idx);
  }
}

/* Key of a point's settings, for not running one twice. */
static char *key_of(const ax_sweep *sw, size_t np, double *g) {
  char **l = ax_xcalloc(np, sizeof *l);
  size_t len = 1;
  for (size_t j = 0; j < np; j++) {
    char *v;
    double n;
    ax_sweep_param_at(&sw->params[j], g[j], &v, &l[j], &n);
    free(v);
    len += strlen(l[j]) + 1;
  }
  char *k = ax_xcalloc(1, len);
  for (size_t j = 0; j < np; j++) {
    strcat(strcat(k, l[j]), "\x1f");
    free(l[j]);
  }
  free(l);
  return k;
}

static double gauss(uint64_t *st) { /* Box-Muller */
  double u1 = ax_rng_unit(st), u2 = ax_rng_unit(st);
  return sqrt(-2.0 * log(1.0 - u1)) * cos(6.283185307179586 * u2);
}

static void mutate(const ax_sweep_param *p, double *g, uint64_t *st) {
  if (p->nvalues) {
    if (p->nvalues < 2) return;
    if (ax_rng_unit(st) < 0.8) { /* mostly a neighbour: ordered lists move by one */
      double d = ax_rng_unit(st) < 0.5 ? -1 : 1;
      double k = *g + d;
      if (k < 0 || k >= (double)p->nvalues) k = *g - d;
      *g = k;
    } else { /* any other value */
      uint64_t k = ax_rng_below(st, p->nvalues - 1);
      *g = (double)k >= *g ? (double)k + 1 : (double)k;
    }
    return;
  }
  /* a step of 10 % of the range (in log space for log ranges) */
  double v = *g;
  if (p->logscale) v = exp(log(v) + 0.1 * (log(p->max) - log(p->min)) * gauss(st));
  else v = v + 0.1 * (p->max - p->min) * gauss(st);
  if (v < p->min) v = p->min;
  if (v > p->max) v = p->max;
  if (p->integer) {
    v = floor(v + 0.5);
    if (v == *g) v = *g + (ax_rng_unit(st) < 0.5 ? -1 : 1);
    if (v < p->min) v = p->min + 1;
    if (v > p->max) v = p->max - 1;
  }
  *g = v;
}

int ax_sweep_search(ax_sweep_exec *ex, ax_batch_fn run, void *ctx, char *err, size_t errlen) {
  ax_sweep *sw = ex->sw;
  size_t np = sw->nparams, B = sw->budget, P = sw->population;
  double *genes = ax_xcalloc(B * np, sizeof *genes);
  cand *c = ax_xcalloc(B, sizeof *c);
  char **keys = ax_xcalloc(B, sizeof *keys);
  size_t *rank = ax_xcalloc(B, sizeof *rank), *tmp = ax_xcalloc(B, sizeof *tmp);
  size_t *batch = ax_xcalloc(P, sizeof *batch);
  char **val = ax_xcalloc(np, sizeof *val), **lit = ax_xcalloc(np, sizeof *lit);
  double *num = ax_xcalloc(np, sizeof *num);
  uint64_t st = ax_seed_mix(sw->seed, "search");
  uint64_t seed = sw->nseeds ? sw->seeds[0] : 0;
  int rc = AX_OK;
  uint32_t gen = 0;
  (void)err;
  (void)errlen;
  while (sw->npts < B && rc == AX_OK) {
    size_t n = B - sw->npts < P ? B - sw->npts : P, base = sw->npts;
    size_t pool = 0;
    if (gen && sw->algo == AX_SA_EVOLUTION) { /* parents: the best P so far */
      for (size_t i = 0; i < base; i++) rank[i] = i;
      rank_sort(c, rank, tmp, base);
      pool = base < P ? base : P;
    }
    for (size_t b = 0; b < n; b++) {
      size_t i = base + b;
      double *g = genes + i * np;
      for (int tries = 0;; tries++) {
        if (!pool) {
          for (size_t j = 0; j < np; j++) g[j] = ax_sweep_param_gene(&sw->params[j], ax_rng_unit(&st));
        } else {
          size_t pa[2];
          for (int t = 0; t < 2; t++) { /* binary tournament */
            size_t x = rank[ax_rng_below(&st, pool)], y = rank[ax_rng_below(&st, pool)];
            pa[t] = better(c, x, y) ? x : y;
          }
          for (size_t j = 0; j < np; j++) g[j] = genes[pa[ax_rng_unit(&st) < 0.5] * np + j];
          size_t forced = (size_t)ax_rng_below(&st, np);
          for (size_t j = 0; j < np; j++)
            if (j == forced || ax_rng_unit(&st) < 1.0 / (double)np) mutate(&sw->params[j], &g[j], &st);
        }
        keys[i] = key_of(sw, np, g);
        int dup = 0;
        for (size_t q = 0; q < i && !dup; q++) dup = !strcmp(keys[q], keys[i]);
        if (!dup || tries >= 50) break; /* a small space may hold no unseen point: run a repeat */
        free(keys[i]);
        keys[i] = NULL;
      }
      for (size_t j = 0; j < np; j++) ax_sweep_param_at(&sw->params[j], g[j], &val[j], &lit[j], &num[j]);
      ax_sweep_add_point(sw, val, lit, num, seed, sw->nseeds > 0, gen);
      for (size_t j = 0; j < np; j++) {
        free(val[j]);
        free(lit[j]);
      }
      batch[b] = i;
    }
    if (run(ctx, batch, n)) {
      rc = 1; /* interrupted */
      break;
    }
    for (size_t b = 0; b < n; b++) {
      ax_sweep_result r;
      ax_sweep_result_read(ex, batch[b], &r);
      c[batch[b]].ok = r.status == AX_PT_OK;
      c[batch[b]].obj = r.obj[0];
      c[batch[b]].viol = r.feasible ? 0 : r.violation;
      ax_sweep_result_free(&r);
    }
    gen++;
  }
  for (size_t i = 0; i < B; i++) free(keys[i]);
  free(keys);
  free(genes);
  free(c);
  free(rank);
  free(tmp);
  free(batch);
  free(val);
  free(lit);
  free(num);
  return rc;
}
