/*
 * heft.c - HEFT list scheduling (Topcuoglu et al., IEEE TPDS 2002):
 * upward ranks from average costs, tasks by decreasing rank, each onto the
 * unit that gives it the earliest finish time, inserted into an idle gap
 * of that unit when one is long enough (the paper's insertion policy).
 */
#include <stdlib.h>

#include "heft.h"
#include "sim.h"

typedef struct gap_list {
  double *s, *f; /* busy intervals, sorted by start */
  size_t n, cap;
} gap_list;

static int by_rank(const void *a, const void *b, void *ctx);

/* qsort_r is not C11: a small insertion sort by (rank desc, index asc). */
static void sort_order(uint32_t *o, size_t n, const double *rank)
{
  for (size_t i = 1; i < n; i++) {
    uint32_t x = o[i];
    size_t j = i;
    while (j > 0 && by_rank(&x, &o[j - 1], (void *)rank) < 0) {
      o[j] = o[j - 1];
      j--;
    }
    o[j] = x;
  }
}

static int by_rank(const void *a, const void *b, void *ctx)
{
  const double *r = ctx;
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  double d = r[x] - r[y], tol = 1e-9 * (r[x] > r[y] ? r[x] : r[y]);
  if (d > tol) return -1;
  if (d < -tol) return 1;
  return x < y ? -1 : x > y;
}

/* Earliest start >= ready of a `len` slot on a unit with busy intervals g. */
static double slot(const gap_list *g, double ready, double len)
{
  double t = ready;
  for (size_t i = 0; i < g->n; i++) {
    if (t + len <= g->s[i]) return t;
    if (g->f[i] > t) t = g->f[i];
  }
  return t;
}

static void occupy(gap_list *g, double s, double f)
{
  if (g->n == g->cap) {
    g->cap = g->cap ? 2 * g->cap : 16;
    g->s = ax_xrealloc(g->s, g->cap * sizeof *g->s);
    g->f = ax_xrealloc(g->f, g->cap * sizeof *g->f);
  }
  size_t i = g->n++;
  while (i > 0 && g->s[i - 1] > s) {
    g->s[i] = g->s[i - 1], g->f[i] = g->f[i - 1];
    i--;
  }
  g->s[i] = s, g->f[i] = f;
}

double ax_heft_plan(size_t n, size_t p, const double *w, const ax_heft_edge *e, size_t ne, double *rank,
                    uint32_t *order, int *unit, double *start, double *finish)
{
  /* upward rank, last task first (edges go forward in index) */
  double *avg = ax_xcalloc(n ? n : 1, sizeof *avg);
  for (size_t i = 0; i < n; i++) {
    double sum = 0;
    int k = 0;
    for (size_t u = 0; u < p; u++)
      if (w[i * p + u] >= 0) sum += w[i * p + u], k++;
    if (!k) {
      free(avg);
      return -1;
    }
    avg[i] = sum / k;
    rank[i] = avg[i];
  }
  /* edges sorted by from descending would need a sort; sweep tasks from the
   * last and relax each task's out-edges (ranks of successors are final). */
  size_t *first = ax_xcalloc(n + 1, sizeof *first);
  size_t *idx = ax_xcalloc(ne ? ne : 1, sizeof *idx);
  for (size_t k = 0; k < ne; k++) first[e[k].from + 1]++;
  for (size_t i = 0; i < n; i++) first[i + 1] += first[i];
  size_t *fill = ax_xcalloc(n ? n : 1, sizeof *fill);
  for (size_t k = 0; k < ne; k++) idx[first[e[k].from] + fill[e[k].from]++] = k;
  for (size_t i = n; i-- > 0;) {
    double best = 0;
    for (size_t j = first[i]; j < first[i + 1]; j++) {
      const ax_heft_edge *x = &e[idx[j]];
      double v = x->c + rank[x->to];
      if (v > best) best = v;
    }
    rank[i] = avg[i] + best;
  }
  for (size_t i = 0; i < n; i++) order[i] = (uint32_t)i;
  sort_order(order, n, rank);
  /* predecessors of each task: edges grouped by `to` */
  size_t *pfirst = ax_xcalloc(n + 1, sizeof *pfirst), *pidx = ax_xcalloc(ne ? ne : 1, sizeof *pidx);
  for (size_t k = 0; k < ne; k++) pfirst[e[k].to + 1]++;
  for (size_t i = 0; i < n; i++) pfirst[i + 1] += pfirst[i];
  for (size_t i = 0; i < n; i++) fill[i] = 0;
  for (size_t k = 0; k < ne; k++) pidx[pfirst[e[k].to] + fill[e[k].to]++] = k;
  gap_list *g = ax_xcalloc(p ? p : 1, sizeof *g);
  double makespan = 0;
  for (size_t k = 0; k < n; k++) {
    uint32_t i = order[k];
    double best_f = -1, best_s = 0;
    int best_u = -1;
    for (size_t u = 0; u < p; u++) {
      double c = w[i * p + u];
      if (c < 0) continue;
      double ready = 0;
      for (size_t j = pfirst[i]; j < pfirst[i + 1]; j++) {
        const ax_heft_edge *x = &e[pidx[j]];
        double t = finish[x->from] + (unit[x->from] == (int)u ? 0 : x->c);
        if (t > ready) ready = t;
      }
      double s = slot(&g[u], ready, c);
      if (best_u < 0 || s + c < best_f) best_f = s + c, best_s = s, best_u = (int)u;
    }
    unit[i] = best_u;
    start[i] = best_s;
    finish[i] = best_f;
    occupy(&g[best_u], best_s, best_f);
    if (best_f > makespan) makespan = best_f;
  }
  for (size_t u = 0; u < p; u++) free(g[u].s), free(g[u].f);
  free(g);
  free(avg);
  free(first);
  free(idx);
  free(fill);
  free(pfirst);
  free(pidx);
  return makespan;
}
