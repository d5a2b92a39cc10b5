/*
 * sweep_points.c - the points of a sweep: grid, zip, random and Latin
 * hypercube generation, and each point's -s overrides.
 *
 * Order (docs/sweeps.md): grid varies the last parameter fastest, like
 * nested loops in the order the parameters are written; run seeds are the
 * innermost loop of every mode, so replicas of a setting are adjacent.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sweep.h"

/* splitmix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014; constants as in Vigna's reference code). */
uint64_t ax_rng_next(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

double ax_rng_unit(uint64_t *state) { return (double)(ax_rng_next(state) >> 11) * 0x1.0p-53; }

uint64_t ax_rng_below(uint64_t *state, uint64_t n) {
  /* rejection: no modulo bias */
  uint64_t lim = UINT64_MAX - UINT64_MAX % n;
  uint64_t r;
  do r = ax_rng_next(state);
  while (r >= lim);
  return r % n;
}

size_t ax_sweep_add_point(ax_sweep *sw, char *const *val, char *const *lit, const double *num,
                          uint64_t seed, int has_seed, uint32_t gen) {
  if (sw->npts == sw->cappts) {
    sw->cappts = sw->cappts ? sw->cappts * 2 : 64;
    sw->pts = ax_xrealloc(sw->pts, sw->cappts * sizeof *sw->pts);
  }
  ax_sweep_point *p = &sw->pts[sw->npts];
  p->val = ax_xcalloc(sw->nparams, sizeof *p->val);
  p->lit = ax_xcalloc(sw->nparams, sizeof *p->lit);
  p->num = ax_xcalloc(sw->nparams, sizeof *p->num);
  for (size_t j = 0; j < sw->nparams; j++) {
    p->val[j] = ax_strdup(val[j]);
    p->lit[j] = ax_strdup(lit[j]);
    p->num[j] = num[j];
  }
  p->seed = seed;
  p->has_seed = has_seed;
  p->gen = gen;
  return sw->npts++;
}

void ax_sweep_set_point(ax_sweep *sw, size_t i, char *const *val, char *const *lit, const double *num,
                        uint64_t seed, int has_seed, uint32_t gen) {
  char **e = ax_xcalloc(sw->nparams + 1, sizeof *e);
  double *z = ax_xcalloc(sw->nparams + 1, sizeof *z);
  for (size_t j = 0; j < sw->nparams; j++) e[j] = "";
  while (sw->npts <= i) ax_sweep_add_point(sw, e, e, z, 0, 0, 0);
  ax_sweep_point *p = &sw->pts[i];
  for (size_t j = 0; j < sw->nparams; j++) {
    free(p->val[j]);
    free(p->lit[j]);
    p->val[j] = ax_strdup(val[j]);
    p->lit[j] = ax_strdup(lit[j]);
    p->num[j] = num[j];
  }
  p->seed = seed;
  p->has_seed = has_seed;
  p->gen = gen;
  free(e);
  free(z);
}

/* Add one point per run seed (or one with the base's seed). */
static void add_seeded(ax_sweep *sw, char **val, char **lit, double *num) {
  if (!sw->nseeds) {
    ax_sweep_add_point(sw, val, lit, num, 0, 0, 0);
    return;
  }
  for (size_t s = 0; s < sw->nseeds; s++) ax_sweep_add_point(sw, val, lit, num, sw->seeds[s], 1, 0);
}

void ax_sweep_param_at(const ax_sweep_param *p, double g, char **val, char **lit, double *num) {
  char b[64];
  if (p->nvalues) {
    size_t k = g < 0 ? 0 : (size_t)g;
    if (k >= p->nvalues) k = p->nvalues - 1;
    *val = ax_strdup(p->values[k]);
    *lit = ax_strdup(p->lits[k]);
    *num = p->nums[k];
    return;
  }
  double v = g < p->min ? p->min : g > p->max ? p->max : g;
  if (p->integer) {
    v = floor(v);
    snprintf(b, sizeof b, "%lld", (long long)v);
  } else {
    for (int prec = 15; prec <= 17; prec++) {
      snprintf(b, sizeof b, "%.*g", prec, v);
      if (strtod(b, NULL) == v) break;
    }
    if (!strpbrk(b, ".eEn")) strcat(b, ".0");
  }
  *val = ax_strdup(b);
  *lit = ax_strdup(b);
  *num = v;
}

double ax_sweep_param_gene(const ax_sweep_param *p, double u) {
  if (p->nvalues) {
    double k = floor(u * (double)p->nvalues);
    return k >= (double)p->nvalues ? (double)p->nvalues - 1 : k;
  }
  if (p->integer) { /* [min, max + 1): floor is inclusive of max */
    double lo = p->min, hi = p->max + 1;
    double v = p->logscale ? floor(exp(log(lo) + u * (log(hi) - log(lo)))) : floor(lo + u * (hi - lo));
    return v > p->max ? p->max : v;
  }
  return p->logscale ? exp(log(p->min) + u * (log(p->max) - log(p->min))) : p->min + u * (p->max - p->min);
}

/* A sampled number u in [0, 1) mapped onto parameter p: a value of its
 * list, or a point of its range (integer ranges inclusive). */
static void pick(const ax_sweep_param *p, double u, char **val, char **lit, double *num) {
  ax_sweep_param_at(p, ax_sweep_param_gene(p, u), val, lit, num);
}

static void free_row(ax_sweep *sw, char **val, char **lit) {
  for (size_t j = 0; j < sw->nparams; j++) {
    free(val[j]);
    free(lit[j]);
    val[j] = lit[j] = NULL;
  }
}

int ax_sweep_generate(ax_sweep *sw, char *err, size_t errlen) {
  size_t np = sw->nparams;
  char **val = ax_xcalloc(np, sizeof *val), **lit = ax_xcalloc(np, sizeof *lit);
  double *num = ax_xcalloc(np, sizeof *num);
  int rc = AX_OK;
  switch (sw->mode) {
  case AX_SW_LIST: {
    /* the points were read from the file; cross them with the seeds */
    if (!sw->nseeds) break;
    size_t n = sw->npts;
    ax_sweep_point *old = sw->pts;
    sw->pts = NULL;
    sw->npts = sw->cappts = 0;
    for (size_t i = 0; i < n; i++) {
      add_seeded(sw, old[i].val, old[i].lit, old[i].num);
      for (size_t j = 0; j < np; j++) {
        free(old[i].val[j]);
        free(old[i].lit[j]);
      }
      free(old[i].val);
      free(old[i].lit);
      free(old[i].num);
    }
    free(old);
    break;
  }
  case AX_SW_GRID: {
    size_t total = 1;
    for (size_t j = 0; j < np; j++) {
      if (total > 100000000 / sw->params[j].nvalues) {
        ax_errf(err, errlen, "%s: the grid has more than 100,000,000 points; use mode \"random\" or \"lhs\"", sw->file);
        rc = AX_EINVAL;
        break;
      }
      total *= sw->params[j].nvalues;
    }
    for (size_t i = 0; i < total && !rc; i++) {
      size_t r = i;
      for (size_t j = np; j-- > 0;) { /* last parameter fastest */
        const ax_sweep_param *p = &sw->params[j];
        size_t k = r % p->nvalues;
        r /= p->nvalues;
        val[j] = ax_strdup(p->values[k]);
        lit[j] = ax_strdup(p->lits[k]);
        num[j] = p->nums[k];
      }
      add_seeded(sw, val, lit, num);
      free_row(sw, val, lit);
    }
    break;
  }
  case AX_SW_ZIP:
    for (size_t i = 0; i < sw->params[0].nvalues; i++) {
      for (size_t j = 0; j < np; j++) {
        val[j] = ax_strdup(sw->params[j].values[i]);
        lit[j] = ax_strdup(sw->params[j].lits[i]);
        num[j] = sw->params[j].nums[i];
      }
      add_seeded(sw, val, lit, num);
      free_row(sw, val, lit);
    }
    break;
  case AX_SW_RANDOM:
    /* point i draws from its own stream: the first k points of an n-point
     * sweep are the k points of the same sweep with points = k */
    for (size_t i = 0; i < sw->npoints_req; i++) {
      uint64_t st = ax_seed_mix(sw->seed, "random") ^ (0x9e3779b97f4a7c15ull * (i + 1));
      for (size_t j = 0; j < np; j++) pick(&sw->params[j], ax_rng_unit(&st), &val[j], &lit[j], &num[j]);
      add_seeded(sw, val, lit, num);
      free_row(sw, val, lit);
    }
    break;
  case AX_SW_LHS: {
    /* McKay, Beckman, Conover (Technometrics 1979): each parameter's range
     * cut into n equal strata, each stratum sampled once, strata paired
     * across parameters by independent random permutations. */
    size_t n = sw->npoints_req;
    size_t *perm = ax_xcalloc(n * np, sizeof *perm);
    double *u = ax_xcalloc(n * np, sizeof *u);
    uint64_t st = ax_seed_mix(sw->seed, "lhs");
    for (size_t j = 0; j < np; j++) {
      size_t *pj = perm + j * n;
      for (size_t i = 0; i < n; i++) pj[i] = i;
      for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
        size_t k = (size_t)ax_rng_below(&st, i);
        size_t t = pj[i - 1];
        pj[i - 1] = pj[k];
        pj[k] = t;
      }
      for (size_t i = 0; i < n; i++) u[j * n + i] = ((double)pj[i] + ax_rng_unit(&st)) / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
      for (size_t j = 0; j < np; j++) pick(&sw->params[j], u[j * n + i], &val[j], &lit[j], &num[j]);
      add_seeded(sw, val, lit, num);
      free_row(sw, val, lit);
    }
    free(perm);
    free(u);
    break;
  }
  case AX_SW_SEARCH:
    break; /* points come from sweep_search.c, generation by generation */
  }
  free(val);
  free(lit);
  free(num);
  return rc;
}

char **ax_sweep_overrides(const ax_sweep *sw, size_t i) {
  char **ov = ax_xcalloc(sw->nparams ? sw->nparams : 1, sizeof *ov);
  for (size_t j = 0; j < sw->nparams; j++) {
    size_t n = strlen(sw->params[j].set) + strlen(sw->pts[i].lit[j]) + 2;
    ov[j] = ax_xmalloc(n);
    snprintf(ov[j], n, "%s=%s", sw->params[j].set, sw->pts[i].lit[j]);
  }
  return ov;
}

void ax_sweep_overrides_free(const ax_sweep *sw, char **ov) {
  for (size_t j = 0; j < sw->nparams; j++) free(ov[j]);
  free(ov);
}
