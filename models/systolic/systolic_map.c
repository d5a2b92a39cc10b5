/*
 * systolic_map.c - GEMM mapping, folds, cycles, utilization and access
 * counts of a systolic array, in closed form (see systolic_map.h).
 *
 * Per-fold layout of the three SRAM streams, rows = cycles within the fold,
 * which gives the first / last cycle each SRAM is touched (SCALE-Sim's
 * "demand matrices"; R rows x C columns, ru / cu the rows / columns used):
 *
 *   os  fold = T + R + C - 2 cycles
 *       ifmap  lane r<ru, element (m0+r, t), t<K : cycle t + r        (+1 read latency)
 *       filter lane c<cu, element (t, n0+c)      : cycle t + c        (+1)
 *       ofmap  (r<ru, c<cu)                      : cycle T-1 + R-1-r + c
 *   ws  fold = 2R + C + T - 2 cycles (weights loaded first, R cycles)
 *       ifmap  lane r<ru, element (t, k0+r), t<M : cycle R + t + r    (+1)
 *       filter (r<ru, c<cu)                      : cycle R-1-r        (+1)
 *       ofmap  (t<M, c<cu)                       : cycle 2R-1 + t + c
 *   is  fold = 2R + C + T - 2 cycles (inputs loaded first)
 *       ifmap  (r<ru, c<cu), element (m0+c, k0+r): cycle R-1-r        (+1)
 *       filter lane r<ru, t<N                    : cycle R + t + r    (+1)
 *       ofmap  (t<N, c<cu)                       : cycle 2R-1 + t + c
 */
#include "systolic_map.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
static uint64_t umin(uint64_t a, uint64_t b) { return a < b ? a : b; }

const char *ax_sa_dataflow_name(ax_sa_dataflow df)
{
  switch (df) {
  case AX_SA_OS: return "os";
  case AX_SA_WS: return "ws";
  case AX_SA_IS: return "is";
  }
  return "?";
}

int ax_sa_dataflow_parse(const char *s)
{
  static const char *names[] = {"os", "ws", "is"};
  for (int i = 0; i < 3; i++)
    if (s && tolower((unsigned char)s[0]) == names[i][0] &&
        tolower((unsigned char)s[1]) == names[i][1] && s[2] == '\0')
      return i;
  return -1;
}

int ax_sa_layer_check(const ax_sa_layer *l, char *err, size_t errlen)
{
  const char *what = NULL;
  if (l->ifmap_h == 0) what = "IFMAP Height must be > 0";
  else if (l->ifmap_w == 0) what = "IFMAP Width must be > 0";
  else if (l->filt_h == 0) what = "Filter Height must be > 0";
  else if (l->filt_w == 0) what = "Filter Width must be > 0";
  else if (l->channels == 0) what = "Channels must be > 0";
  else if (l->filters == 0) what = "Num Filter must be > 0";
  else if (l->stride_h == 0) what = "stride (height) must be > 0";
  else if (l->stride_w == 0) what = "stride (width) must be > 0";
  else if (l->filt_h > l->ifmap_h) what = "Filter Height is larger than IFMAP Height";
  else if (l->filt_w > l->ifmap_w) what = "Filter Width is larger than IFMAP Width";
  if (what) {
    snprintf(err, errlen, "%s", what);
    return -1;
  }
  return 0;
}

/* Lay M, N, K on the array for the dataflow and derive folds and cycles. */
static void geom_finish(const ax_sa_array *a, ax_sa_geom *g)
{
  uint64_t R = a->rows, C = a->cols;
  switch (a->df) {
  case AX_SA_OS: g->sr = g->m; g->sc = g->n; g->t = g->k; break;
  case AX_SA_WS: g->sr = g->k; g->sc = g->n; g->t = g->m; break;
  case AX_SA_IS: g->sr = g->k; g->sc = g->m; g->t = g->n; break;
  }
  g->row_folds = ceil_div(g->sr, R);
  g->col_folds = ceil_div(g->sc, C);
  g->folds = g->row_folds * g->col_folds;
  if (a->df == AX_SA_OS) {
    g->fold_cycles = g->t + R + C - 2;
    g->util_cycles = g->fold_cycles;
  } else {
    g->fold_cycles = 2 * R + C + g->t - 2;
    g->util_cycles = 2 * R + 2 * C + g->t - 3;
  }
}

void ax_sa_geom_of(const ax_sa_array *a, const ax_sa_layer *l, ax_sa_geom *g)
{
  memset(g, 0, sizeof *g);
  /* SCALE-Sim: E = ceil((H - R + s) / s), no padding. */
  g->ofmap_h = ceil_div(l->ifmap_h - l->filt_h + l->stride_h, l->stride_h);
  g->ofmap_w = ceil_div(l->ifmap_w - l->filt_w + l->stride_w, l->stride_w);
  g->m = g->ofmap_h * g->ofmap_w;
  g->n = l->filters;
  g->k = l->filt_h * l->filt_w * l->channels;
  geom_finish(a, g);
}

void ax_sa_geom_gemm(const ax_sa_array *a, uint64_t m, uint64_t n, uint64_t k, ax_sa_geom *g)
{
  memset(g, 0, sizeof *g);
  g->ofmap_h = m;
  g->ofmap_w = 1;
  g->m = m;
  g->n = n;
  g->k = k;
  geom_finish(a, g);
}

void ax_sa_fold_at(const ax_sa_array *a, const ax_sa_geom *g, uint64_t i, ax_sa_fold *f)
{
  uint64_t R = a->rows, C = a->cols;
  f->index = i;
  f->fc = i / g->row_folds;
  f->fr = i % g->row_folds;
  f->rows_used = umin(R, g->sr - f->fr * R);
  f->cols_used = umin(C, g->sc - f->fc * C);
  uint64_t ru = f->rows_used, cu = f->cols_used, T = g->t;
  switch (a->df) {
  case AX_SA_OS:
    f->ifmap_words = ru * T;
    f->filter_words = cu * T;
    /* SCALE-Sim counts R + C extra ofmap writes per os fold (its drain
     * bookkeeping); kept so the reports agree. */
    f->ofmap_words = ru * cu + R + C;
    break;
  case AX_SA_WS:
    f->ifmap_words = ru * T;
    f->filter_words = ru * cu;
    f->ofmap_words = cu * T;
    break;
  case AX_SA_IS:
    f->ifmap_words = ru * cu;
    f->filter_words = ru * T;
    f->ofmap_words = cu * T;
    break;
  }
}

int ax_sa_ifmap_valid(const ax_sa_layer *l, uint64_t ofmap_w, uint64_t m, uint64_t k)
{
  if (!l) return 1;
  uint64_t oh = m / ofmap_w, ow = m % ofmap_w;
  uint64_t sc = l->filt_w * l->channels;
  uint64_t cr = k / sc, cc = (k % sc) / l->channels;
  return oh * l->stride_h + cr < l->ifmap_h && ow * l->stride_w + cc < l->ifmap_w;
}

/* ---- first / last ifmap SRAM access (only ifmap can hold holes) ---------- */

/* Earliest (want_last = 0) or latest cycle within fold f holding a valid
 * ifmap element, or -1 if the fold has none. */
static int64_t ifmap_edge_in_fold(const ax_sa_array *a, const ax_sa_layer *l,
                                  const ax_sa_geom *g, const ax_sa_fold *f, int want_last)
{
  uint64_t R = a->rows, C = a->cols, ru = f->rows_used, cu = f->cols_used;
  int64_t best = -1;
  if (a->df == AX_SA_IS) {
    /* cycle R-1-r: the largest valid r gives the first cycle */
    for (uint64_t j = 0; j < ru; j++) {
      uint64_t r = want_last ? j : ru - 1 - j;
      for (uint64_t c = 0; c < cu; c++)
        if (ax_sa_ifmap_valid(l, g->ofmap_w, f->fc * C + c, f->fr * R + r))
          return (int64_t)(R - 1 - r);
    }
    return -1;
  }
  /* os / ws: lane r streams T elements at cycle base + t + r */
  uint64_t base = a->df == AX_SA_WS ? R : 0;
  for (uint64_t r = 0; r < ru; r++) {
    for (uint64_t j = 0; j < g->t; j++) {
      uint64_t t = want_last ? g->t - 1 - j : j;
      uint64_t m, k;
      if (a->df == AX_SA_OS) { m = f->fr * R + r; k = t; }
      else { m = t; k = f->fr * R + r; }
      if (ax_sa_ifmap_valid(l, g->ofmap_w, m, k)) {
        int64_t cyc = (int64_t)(base + t + r);
        if (best < 0 || (want_last ? cyc > best : cyc < best)) best = cyc;
        break;
      }
      (void)C;
    }
  }
  return best;
}

static void ifmap_sram_bounds(const ax_sa_array *a, const ax_sa_layer *l, const ax_sa_geom *g,
                              int64_t *start, int64_t *stop)
{
  ax_sa_fold f;
  *start = *stop = 0;
  for (uint64_t i = 0; i < g->folds; i++) {
    ax_sa_fold_at(a, g, i, &f);
    int64_t e = ifmap_edge_in_fold(a, l, g, &f, 0);
    if (e >= 0) { *start = (int64_t)(i * g->fold_cycles) + e + 1; break; }
  }
  for (uint64_t j = 0; j < g->folds; j++) {
    uint64_t i = g->folds - 1 - j;
    ax_sa_fold_at(a, g, i, &f);
    int64_t e = ifmap_edge_in_fold(a, l, g, &f, 1);
    if (e >= 0) { *stop = (int64_t)(i * g->fold_cycles) + e + 1; break; }
  }
}

/* ---- DRAM reuse model --------------------------------------------------- */

/* Tile ids: two folds share an operand tile iff their ids are equal. */
static uint64_t ifmap_tile_id(const ax_sa_array *a, const ax_sa_fold *f)
{
  return a->df == AX_SA_IS ? f->index : f->fr;
}
static uint64_t filter_tile_id(const ax_sa_array *a, const ax_sa_fold *f)
{
  switch (a->df) {
  case AX_SA_OS: return f->fc;
  case AX_SA_WS: return f->index;
  default: return f->fr;
  }
}

uint64_t ax_sa_ifmap_unique(const ax_sa_layer *l, const ax_sa_geom *g, uint64_t m0, uint64_t m1,
                            uint64_t k0, uint64_t k1)
{
  uint64_t words = (m1 - m0) * (k1 - k0);
  if (!l || m1 <= m0 || k1 <= k0) return words;
  uint64_t ew = g->ofmap_w, sc = l->filt_w * l->channels;
  /* input rows: output rows oh0..oh1 shifted by filter rows cr0..cr1 */
  uint64_t oh0 = m0 / ew, oh1 = (m1 - 1) / ew, cr0 = k0 / sc, cr1 = (k1 - 1) / sc;
  uint64_t r0 = oh0 * l->stride_h + cr0, r1 = oh1 * l->stride_h + cr1;
  if (r1 >= l->ifmap_h) r1 = l->ifmap_h - 1;
  /* input columns: a tile within one output row spans only its columns */
  uint64_t ow0 = 0, ow1 = ew - 1, cc0 = 0, cc1 = l->filt_w - 1;
  if (oh0 == oh1) ow0 = m0 % ew, ow1 = (m1 - 1) % ew;
  if (cr0 == cr1) cc0 = (k0 % sc) / l->channels, cc1 = ((k1 - 1) % sc) / l->channels;
  uint64_t c0 = ow0 * l->stride_w + cc0, c1 = ow1 * l->stride_w + cc1;
  if (c1 >= l->ifmap_w) c1 = l->ifmap_w - 1;
  if (r0 > r1 || c0 > c1) return 0; /* only holes (ceil-convention overhang) */
  uint64_t ch = k1 - k0 >= l->channels ? l->channels : k1 - k0;
  uint64_t box = (r1 - r0 + 1) * (c1 - c0 + 1) * ch;
  return box < words ? box : words;
}

/* Words of the operand tiles a fold reads from its buffers (ifmap in
 * distinct pixels, each element once). */
static void tile_words(const ax_sa_array *a, const ax_sa_layer *l, const ax_sa_geom *g,
                       const ax_sa_fold *f, uint64_t *ifw, uint64_t *flw)
{
  uint64_t R = a->rows, C = a->cols, ru = f->rows_used, cu = f->cols_used;
  switch (a->df) {
  case AX_SA_OS:
    *ifw = ax_sa_ifmap_unique(l, g, f->fr * R, f->fr * R + ru, 0, g->k);
    *flw = g->k * cu;
    break;
  case AX_SA_WS:
    *ifw = ax_sa_ifmap_unique(l, g, 0, g->m, f->fr * R, f->fr * R + ru);
    *flw = ru * cu;
    break;
  case AX_SA_IS:
    *ifw = ax_sa_ifmap_unique(l, g, f->fc * C, f->fc * C + cu, f->fr * R, f->fr * R + ru);
    *flw = ru * g->n;
    break;
  }
}

void ax_sa_fold_dram(const ax_sa_array *a, const ax_sa_layer *l, const ax_sa_geom *g,
                     const ax_sa_fold *f, uint64_t *ifmap_words, uint64_t *filter_words,
                     uint64_t *ofmap_words)
{
  uint64_t wb = a->word_bytes ? a->word_bytes : 1;
  uint64_t if_half = a->ifmap_sram_bytes / 2 / wb;
  uint64_t fl_half = a->filter_sram_bytes / 2 / wb;
  uint64_t of_half = a->ofmap_sram_bytes / 2 / wb;
  uint64_t ifw = 0, flw = 0;
  tile_words(a, l, g, f, &ifw, &flw);
  uint64_t if_all = ax_sa_ifmap_unique(l, g, 0, g->m, 0, g->k);

  ax_sa_fold prev;
  int has_prev = f->index > 0;
  if (has_prev) ax_sa_fold_at(a, g, f->index - 1, &prev);

  /* ifmap */
  if (if_all <= if_half)
    *ifmap_words = f->index == 0 ? if_all : 0;
  else if (has_prev && ifmap_tile_id(a, &prev) == ifmap_tile_id(a, f) && ifw <= if_half)
    *ifmap_words = 0;
  else
    *ifmap_words = ifw;

  /* filter */
  if (g->k * g->n <= fl_half)
    *filter_words = f->index == 0 ? g->k * g->n : 0;
  else if (has_prev && filter_tile_id(a, &prev) == filter_tile_id(a, f) && flw <= fl_half)
    *filter_words = 0;
  else
    *filter_words = flw;

  /* ofmap: os finishes its outputs in every fold; ws / is accumulate a
   * T x cu block of partial sums over the row folds (inner loop). */
  uint64_t ru = f->rows_used, cu = f->cols_used;
  if (a->df == AX_SA_OS)
    *ofmap_words = ru * cu;
  else if (g->t * cu <= of_half)
    *ofmap_words = f->fr == g->row_folds - 1 ? g->t * cu : 0;
  else
    *ofmap_words = g->t * cu;
}

/* ---- one layer ---------------------------------------------------------- */

void ax_sa_layer_run(const ax_sa_array *a, const ax_sa_layer *l, const ax_sa_geom *g,
                     ax_sa_layer_report *r)
{
  uint64_t R = a->rows, C = a->cols, P = g->fold_cycles;
  memset(r, 0, sizeof *r);
  r->g = *g;
  r->macs = g->m * g->n * g->k;
  r->total_cycles = g->folds * P - 1;
  r->stall_cycles = 0;
  r->overall_util = (double)(r->macs * 100) / (double)(r->total_cycles * R * C);

  /* Means over folds, summed in fold order as SCALE-Sim does, so the
   * doubles come out bit-identical. */
  double me = 0, cu_sum = 0;
  int64_t rd_first[2] = {-1, -1}, rd_last[2] = {-1, -1}, wr_first = -1, wr_last = -1;
  ax_sa_fold f;
  for (uint64_t i = 0; i < g->folds; i++) {
    ax_sa_fold_at(a, g, i, &f);
    uint64_t used = f.rows_used * f.cols_used;
    me += (double)used / (double)(R * C);
    cu_sum += (double)(used * g->t) / (double)(R * C * g->util_cycles);
    r->ifmap_sram_reads += f.ifmap_words;
    r->filter_sram_reads += f.filter_words;
    r->ofmap_sram_writes += f.ofmap_words;

    uint64_t di, df, dof;
    ax_sa_fold_dram(a, l, g, &f, &di, &df, &dof);
    r->ifmap_dram_reads += di;
    r->filter_dram_reads += df;
    r->ofmap_dram_writes += dof;
    int64_t fs = (int64_t)(i * P);
    if (di) { if (rd_first[0] < 0) rd_first[0] = (int64_t)i; rd_last[0] = (int64_t)i; }
    if (df) { if (rd_first[1] < 0) rd_first[1] = (int64_t)i; rd_last[1] = (int64_t)i; }
    if (dof) { if (wr_first < 0) wr_first = fs; wr_last = fs; }
  }
  r->mapping_eff = me / (double)g->folds * 100;
  r->compute_util = cu_sum / (double)g->folds * 100;

  /* DRAM windows: reads of fold i during fold i-1, writes during fold i+1. */
  int64_t Pi = (int64_t)P;
  r->ifmap_dram_start = rd_first[0] >= 0 ? (rd_first[0] - 1) * Pi : 0;
  r->ifmap_dram_stop = rd_first[0] >= 0 ? rd_last[0] * Pi - 1 : -1;
  r->filter_dram_start = rd_first[1] >= 0 ? (rd_first[1] - 1) * Pi : 0;
  r->filter_dram_stop = rd_first[1] >= 0 ? rd_last[1] * Pi - 1 : -1;
  r->ofmap_dram_start = wr_first >= 0 ? wr_first + Pi : 0;
  r->ofmap_dram_stop = wr_first >= 0 ? wr_last + 2 * Pi - 1 : -1;

  /* SRAM access bounds (cycle of the first / last row holding a request;
   * reads are served one cycle after they are issued). */
  uint64_t last = g->folds - 1;
  int64_t lb = (int64_t)(last * P);
  ax_sa_fold fl;
  ax_sa_fold_at(a, g, last, &fl);
  uint64_t ru0 = umin(R, g->sr), cul = fl.cols_used, rul = fl.rows_used;
  ifmap_sram_bounds(a, l, g, &r->ifmap_sram_start, &r->ifmap_sram_stop);
  switch (a->df) {
  case AX_SA_OS:
    r->filter_sram_start = 1;
    r->filter_sram_stop = lb + (int64_t)(g->t - 1 + cul - 1) + 1;
    r->ofmap_sram_start = (int64_t)(g->t - 1 + R - ru0);
    r->ofmap_sram_stop = lb + (int64_t)(g->t - 1 + R - 1 + cul - 1);
    break;
  case AX_SA_WS:
    r->filter_sram_start = (int64_t)(R - ru0) + 1;
    r->filter_sram_stop = lb + (int64_t)(R - 1) + 1;
    r->ofmap_sram_start = (int64_t)(2 * R - 1);
    r->ofmap_sram_stop = lb + (int64_t)(2 * R - 1 + g->t - 1 + cul - 1);
    break;
  case AX_SA_IS:
    r->filter_sram_start = (int64_t)R + 1;
    r->filter_sram_stop = lb + (int64_t)(R + g->t - 1 + rul - 1) + 1;
    r->ofmap_sram_start = (int64_t)(2 * R - 1);
    r->ofmap_sram_stop = lb + (int64_t)(2 * R - 1 + g->t - 1 + cul - 1);
    break;
  }
}
