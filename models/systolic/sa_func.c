/*
 * sa_func.c - functional GEMM on the systolic array and the fast fault
 * mapping: a fault (site, word, bits, cycle) is turned, by inverting the
 * schedule of sa_func.h in closed form, into the operand values or partial
 * sums it corrupts, and only the outputs those reach are recomputed. The
 * per-PE reference in sa_peref.c must agree bit for bit (tests/faults).
 */
#include "sa_func.h"

#include <string.h>

static const struct {
  const char *name;
  unsigned bits;
} site_tab[AX_SAF_NSITES] = {
  {"ifmap_sram", 8}, {"filter_sram", 8}, {"ofmap_sram", 32},
  {"pe_ifmap", 8},   {"pe_weight", 8},   {"pe_acc", 32},
  {"ctrl_fold", AX_SAF_FOLD_BITS},
  /* 64 data + 8 SECDED check bits: one beat of a DDR4 ECC DIMM (JESD79-4B
   * x8 devices, 8 data devices + 1 ECC device on a 72-bit bus) */
  {"dram_weight", 72},
  {"npu_acc", 32},
  {"pim_acc", 32},
};

const char *ax_saf_site_name(ax_saf_site s)
{
  return (unsigned)s < AX_SAF_NSITES ? site_tab[s].name : "?";
}

int ax_saf_site_parse(const char *s)
{
  for (int i = 0; i < AX_SAF_NSITES; i++)
    if (s && strcmp(s, site_tab[i].name) == 0) return i;
  return -1;
}

unsigned ax_saf_site_bits(ax_saf_site s)
{
  return (unsigned)s < AX_SAF_NSITES ? site_tab[s].bits : 0;
}

char ax_saf_site_reg(ax_sa_dataflow df, ax_saf_site s)
{
  if (s == AX_SAF_PE_ACC) return 'a';
  if (s == AX_SAF_PE_IFMAP) return df == AX_SA_IS ? 'v' : 'h';
  if (s == AX_SAF_PE_WEIGHT) return df == AX_SA_IS ? 'h' : 'v';
  return 0;
}

uint64_t ax_saf_cycles(const ax_sa_array *a, const ax_saf_gemm *g)
{
  ax_sa_geom geo;
  ax_sa_geom_gemm(a, g->m, g->n, g->k, &geo);
  return geo.folds * geo.fold_cycles + 3;
}

void ax_saf_golden(const ax_saf_gemm *g, int32_t *z)
{
  uint32_t M = g->m, N = g->n, K = g->k;
  for (uint32_t i = 0; i < M * N; i++) z[i] = 0;
  for (uint32_t m = 0; m < M; m++) {
    uint32_t *zr = (uint32_t *)z + (size_t)m * N;
    for (uint32_t k = 0; k < K; k++) {
      uint32_t ai = m * K + k;
      int32_t av = g->ifmap[g->aidx ? (uint32_t)g->aidx[ai] : ai];
      if (!av) continue;
      const int8_t *br = g->w + (size_t)k * N;
      for (uint32_t n = 0; n < N; n++) zr[n] += (uint32_t)(av * (int32_t)br[n]);
    }
  }
}

void ax_saf_build_uses(const int32_t *aidx, uint32_t m, uint32_t k, uint32_t words,
                       uint32_t *use_at, uint32_t *use)
{
  memset(use_at, 0, (words + 1) * sizeof *use_at);
  for (uint32_t i = 0; i < m * k; i++)
    if (aidx[i] >= 0 && (uint32_t)aidx[i] < words) use_at[aidx[i] + 1]++;
  for (uint32_t x = 0; x < words; x++) use_at[x + 1] += use_at[x];
  /* fill in order, then restore the starts */
  for (uint32_t i = 0; i < m * k; i++)
    if (aidx[i] >= 0 && (uint32_t)aidx[i] < words) use[use_at[aidx[i]]++] = i;
  for (uint32_t x = words; x > 0; x--) use_at[x] = use_at[x - 1];
  use_at[0] = 0;
}

/* ---- the mapping ---------------------------------------------------------- */

typedef struct ctx {
  const ax_sa_array *a;
  const ax_saf_gemm *g;
  const ax_saf_fault *f;
  ax_sa_geom geo;
  int64_t R, C, F, T, folds, rf;
  uint32_t *z;
  uint32_t *touched;
  size_t nt, tcap;
} ctx;

static int8_t A_(const ctx *x, uint32_t m, uint32_t k)
{
  uint32_t i = m * x->g->k + k;
  return x->g->ifmap[x->g->aidx ? (uint32_t)x->g->aidx[i] : i];
}

static int8_t B_(const ctx *x, uint32_t k, uint32_t n) { return x->g->w[(size_t)k * x->g->n + n]; }

/* Streamed X[t][kk] and stationary Y[kk][s] of ws / is. */
static int8_t X_(const ctx *x, int64_t t, int64_t kk)
{
  return x->a->df == AX_SA_WS ? A_(x, (uint32_t)t, (uint32_t)kk) : B_(x, (uint32_t)kk, (uint32_t)t);
}

static int8_t Y_(const ctx *x, int64_t kk, int64_t s)
{
  return x->a->df == AX_SA_WS ? B_(x, (uint32_t)kk, (uint32_t)s) : A_(x, (uint32_t)s, (uint32_t)kk);
}

/* Output index of Z'[t][s] (ws: Z[t][s]; is: Z[s][t]). */
static uint32_t zidx(const ctx *x, int64_t t, int64_t s)
{
  return x->a->df == AX_SA_WS ? (uint32_t)(t * x->g->n + s) : (uint32_t)(s * x->g->n + t);
}

static void add(ctx *x, uint32_t o, uint32_t d)
{
  if (!d) return;
  x->z[o] += d;
  if (x->touched && x->nt < x->tcap) x->touched[x->nt] = o;
  x->nt++;
}

static void set(ctx *x, uint32_t o, uint32_t v)
{
  if (x->z[o] == v) return;
  x->z[o] = v;
  if (x->touched && x->nt < x->tcap) x->touched[x->nt] = o;
  x->nt++;
}

/* Whether the state of cycle cyc is hit by the fault. */
static int hits(const ax_saf_fault *f, int64_t cyc)
{
  return f->stuck ? cyc >= f->cycle : cyc == f->cycle;
}

/* The faulty value of a word (stuck: forced; transient: flipped). */
static uint32_t corrupt(const ax_saf_fault *f, uint32_t v)
{
  return f->stuck ? (v & ~f->mask) | (f->value & f->mask) : v ^ f->mask;
}

static int8_t corrupt8(const ax_saf_fault *f, int8_t v)
{
  return (int8_t)(uint8_t)corrupt(f, (uint8_t)v);
}

static void fold_of(const ctx *x, int64_t i, ax_sa_fold *fo)
{
  ax_sa_fold_at(x->a, &x->geo, (uint64_t)i, fo);
}

/* Folds whose local cycle window [0, F+1] contains cyc (transient), or all
 * folds (stuck: the fault lasts). */
static void fold_range(const ctx *x, int64_t *lo, int64_t *hi)
{
  if (x->f->stuck) {
    *lo = 0;
    *hi = x->folds - 1;
    return;
  }
  int64_t c = x->f->cycle;
  *lo = c / x->F - 1;
  *hi = c / x->F;
  if (*lo < 0) *lo = 0;
  if (*hi > x->folds - 1) *hi = x->folds - 1;
}

/* Fold i as the register mappers below see it. */
typedef struct fold_dim {
  int64_t ru, cu; /* array rows and columns in use */
  int64_t k0, s0; /* first row of the fold's operand (A for os, K for ws/is), first output column */
} fold_dim;

static void fold_dim_of(const ctx *x, int64_t i, fold_dim *d)
{
  ax_sa_fold fo;
  fold_of(x, i, &fo);
  d->ru = (int64_t)fo.rows_used, d->cu = (int64_t)fo.cols_used;
  d->k0 = (int64_t)fo.fr * x->R, d->s0 = (int64_t)fo.fc * x->C;
}

/* A register that holds stream entry t in state base + t sees the fault on
 * entries [*t0, *t1): the one in the fault's cycle (transient), or all
 * from it on (stuck). 0 if none. */
static int fault_window(const ctx *x, int64_t base, int64_t *t0, int64_t *t1)
{
  const ax_saf_fault *f = x->f;
  *t0 = 0, *t1 = x->T;
  if (!f->stuck) {
    *t0 = f->cycle - base;
    *t1 = *t0 + 1;
    return *t0 >= 0 && *t0 < x->T;
  }
  if (f->cycle > base) *t0 = f->cycle - base;
  return 1;
}

/* A moving operand register of PE(r,c) in fold i: entry t of the stream is
 * there in state base + t (transient: one t; stuck: all t from the fault
 * on). os h: A[m0+r][t] used by columns c..cu-1; os v: B[t][n0+c] used by
 * rows r..ru-1; ws/is h: X[t][k0+r] used by columns c..cu-1. */
static void moving_reg(ctx *x, char reg, int64_t r, int64_t c)
{
  const ax_saf_fault *f = x->f;
  int64_t lo, hi;
  fold_range(x, &lo, &hi);
  int os = x->a->df == AX_SA_OS;
  for (int64_t i = lo; i <= hi; i++) {
    fold_dim fd;
    fold_dim_of(x, i, &fd);
    int64_t ru = fd.ru, cu = fd.cu, o0 = fd.k0, s0 = fd.s0;
    if (reg == 'h' ? r >= ru : c >= cu) continue; /* fed zeros: meets only zeros or undrained sums */
    int64_t t0, t1;
    if (!fault_window(x, i * x->F + r + c + 1 + (os ? 0 : x->R), &t0, &t1)) continue;
    for (int64_t t = t0; t < t1; t++) {
      if (os && reg == 'h') {
        int8_t v0 = A_(x, (uint32_t)(o0 + r), (uint32_t)t), v1 = corrupt8(f, v0);
        if (v0 == v1) continue;
        int32_t d = v1 - v0;
        for (int64_t cc = c; cc < cu; cc++)
          add(x, (uint32_t)((o0 + r) * x->g->n + s0 + cc),
              (uint32_t)(d * B_(x, (uint32_t)t, (uint32_t)(s0 + cc))));
      } else if (os) {
        int8_t v0 = B_(x, (uint32_t)t, (uint32_t)(s0 + c)), v1 = corrupt8(f, v0);
        if (v0 == v1) continue;
        int32_t d = v1 - v0;
        for (int64_t rr = r; rr < ru; rr++)
          add(x, (uint32_t)((o0 + rr) * x->g->n + s0 + c),
              (uint32_t)(d * A_(x, (uint32_t)(o0 + rr), (uint32_t)t)));
      } else {
        int8_t v0 = X_(x, t, o0 + r), v1 = corrupt8(f, v0);
        if (v0 == v1) continue;
        int32_t d = v1 - v0;
        for (int64_t cc = c; cc < cu; cc++)
          add(x, zidx(x, t, s0 + cc), (uint32_t)(d * Y_(x, o0 + r, s0 + cc)));
      }
    }
  }
}

/* The stationary register v of PE(r,c) (ws / is). During preload the value
 * for row j >= r passes it in state R - j + r; row r's value then stays
 * and is used by MAC t in state R + t + r + c + 1. */
static void stationary_reg(ctx *x, int64_t r, int64_t c)
{
  const ax_saf_fault *f = x->f;
  int64_t lo, hi;
  fold_range(x, &lo, &hi);
  for (int64_t i = lo; i <= hi; i++) {
    fold_dim fd;
    fold_dim_of(x, i, &fd);
    int64_t ru = fd.ru, k0 = fd.k0, s0 = fd.s0;
    if (c >= fd.cu) continue;
    int64_t b = i * x->F;
    for (int64_t j = r; j < ru; j++) {
      int8_t y0 = Y_(x, k0 + j, s0 + c), y1 = corrupt8(f, y0);
      if (y0 == y1) continue;
      int32_t d = y1 - y0;
      int64_t tfrom;  /* first MAC using the corrupted value */
      if (j > r) {
        if (!hits(f, b + x->R - j + r)) continue;
        tfrom = 0;
      } else {
        /* in this PE from state R - j + r = R up to the last MAC's state */
        int64_t first = b + x->R, last = b + x->R + x->T + r + c;
        if (f->stuck) {
          if (f->cycle > last) continue;
          tfrom = f->cycle <= first ? 0 : f->cycle - (b + x->R + r + c + 1);
        } else {
          if (f->cycle < first || f->cycle > last) continue;
          tfrom = f->cycle - (b + x->R + r + c + 1);
        }
        if (tfrom < 0) tfrom = 0;
      }
      for (int64_t t = tfrom; t < x->T; t++)
        add(x, zidx(x, t, s0 + c), (uint32_t)(d * X_(x, t, k0 + j)));
    }
  }
}

/* os accumulator of PE(r,c): MAC t in state b+t+r+c+1 (t = 0 overwrites),
 * the drain reads state b+K+r+c+1. */
static void os_acc(ctx *x, int64_t r, int64_t c)
{
  const ax_saf_fault *f = x->f;
  int64_t lo, hi;
  fold_range(x, &lo, &hi);
  for (int64_t i = lo; i <= hi; i++) {
    ax_sa_fold fo;
    fold_of(x, i, &fo);
    if (r >= (int64_t)fo.rows_used || c >= (int64_t)fo.cols_used) continue;
    int64_t m = (int64_t)fo.fr * x->R + r, n = (int64_t)fo.fc * x->C + c;
    int64_t b = i * x->F + r + c + 1;  /* state of MAC t = 0 */
    uint32_t o = (uint32_t)(m * x->g->n + n);
    if (!f->stuck) {
      /* states b+1 .. b+K hold partial sums of t < state - b */
      int64_t nt = f->cycle - b;
      if (nt < 1 || nt > x->T) continue;
      uint32_t p = 0;
      for (int64_t t = 0; t < nt; t++)
        p += (uint32_t)(A_(x, (uint32_t)m, (uint32_t)t) * B_(x, (uint32_t)t, (uint32_t)n));
      add(x, o, (p ^ f->mask) - p);
    } else {
      if (f->cycle > b + x->T) continue;
      uint32_t acc = 0;
      for (int64_t t = 0; t < x->T; t++) {
        uint32_t prod = (uint32_t)(A_(x, (uint32_t)m, (uint32_t)t) * B_(x, (uint32_t)t, (uint32_t)n));
        uint32_t in = t == 0 ? 0u : (b + t >= f->cycle ? corrupt(f, acc) : acc);
        acc = in + prod;
      }
      if (b + x->T >= f->cycle) acc = corrupt(f, acc);
      set(x, o, acc);
    }
  }
}

/* ws / is partial-sum register of PE(r,c): output t's sum over rows 0..r
 * sits there in state b + R + t + r + c + 2. */
static void psum_reg(ctx *x, int64_t r, int64_t c)
{
  const ax_saf_fault *f = x->f;
  int64_t lo, hi;
  fold_range(x, &lo, &hi);
  for (int64_t i = lo; i <= hi; i++) {
    fold_dim fd;
    fold_dim_of(x, i, &fd);
    int64_t ru = fd.ru, k0 = fd.k0, s0 = fd.s0;
    if (c >= fd.cu) continue;
    int64_t t0, t1;
    if (!fault_window(x, i * x->F + x->R + r + c + 2, &t0, &t1)) continue;
    int64_t rmax = r < ru - 1 ? r : ru - 1;
    for (int64_t t = t0; t < t1; t++) {
      uint32_t p = 0;
      for (int64_t rr = 0; rr <= rmax; rr++)
        p += (uint32_t)(X_(x, t, k0 + rr) * Y_(x, k0 + rr, s0 + c));
      add(x, zidx(x, t, s0 + c), corrupt(f, p) - p);
    }
  }
}

/* A read of an SRAM word in cycle rd sees the faulty value when it comes
 * after the fault (a flipped SRAM bit stays until the word is written;
 * ifmap and filter words are not written during a layer); returns the
 * change of the operand. */
static int32_t read_delta(const ax_saf_fault *f, int64_t rd, int8_t v0)
{
  if (rd < f->cycle) return 0;
  return corrupt8(f, v0) - v0;
}

/* Every read of A[m][k] (an ifmap word) and what it feeds. */
static void ifmap_use(ctx *x, uint32_t m, uint32_t k, int8_t v0)
{
  const ax_saf_fault *f = x->f;
  int64_t R = x->R, C = x->C, F = x->F;
  uint32_t N = x->g->n;
  switch (x->a->df) {
  case AX_SA_OS:
  case AX_SA_WS: { /* read in each column fold; os: row m, state k + r; ws: row k, state R + m + r */
    int os = x->a->df == AX_SA_OS;
    int64_t fr = (os ? m : k) / R, r = (os ? m : k) % R, at = os ? k + r : R + m + r;
    for (int64_t fc = 0; fc < (int64_t)x->geo.col_folds; fc++) {
      int64_t i = fc * x->rf + fr;
      int32_t d = read_delta(f, i * F + at, v0);
      if (!d) continue;
      ax_sa_fold fo;
      fold_of(x, i, &fo);
      for (int64_t c = 0; c < (int64_t)fo.cols_used; c++)
        add(x, (uint32_t)(m * N + fc * C + c), (uint32_t)(d * B_(x, k, (uint32_t)(fc * C + c))));
    }
    break;
  }
  case AX_SA_IS: {
    int64_t fr = k / R, j = k % R, fc = m / C;
    int64_t i = fc * x->rf + fr;
    int32_t d = read_delta(f, i * F + R - 1 - j, v0);
    if (!d) break;
    for (uint32_t n = 0; n < N; n++) add(x, m * N + n, (uint32_t)(d * B_(x, k, n)));
    break;
  }
  }
}

/* Every read of B[k][n] (a filter word) and what it feeds. */
static void filter_use(ctx *x, uint32_t k, uint32_t n, int8_t v0)
{
  const ax_saf_fault *f = x->f;
  int64_t R = x->R, C = x->C, F = x->F;
  uint32_t N = x->g->n, M = x->g->m;
  switch (x->a->df) {
  case AX_SA_OS: {
    int64_t fc = n / C, c = n % C;
    for (int64_t fr = 0; fr < x->rf; fr++) {
      int64_t i = fc * x->rf + fr;
      int32_t d = read_delta(f, i * F + k + c, v0);
      if (!d) continue;
      ax_sa_fold fo;
      fold_of(x, i, &fo);
      for (int64_t r = 0; r < (int64_t)fo.rows_used; r++)
        add(x, (uint32_t)((fr * R + r) * N + n), (uint32_t)(d * A_(x, (uint32_t)(fr * R + r), k)));
    }
    break;
  }
  case AX_SA_WS: {
    int64_t fr = k / R, j = k % R, fc = n / C;
    int64_t i = fc * x->rf + fr;
    int32_t d = read_delta(f, i * F + R - 1 - j, v0);
    if (!d) break;
    for (uint32_t m = 0; m < M; m++) add(x, m * N + n, (uint32_t)(d * A_(x, m, k)));
    break;
  }
  case AX_SA_IS: {
    int64_t fr = k / R, r = k % R;
    for (int64_t fc = 0; fc < (int64_t)x->geo.col_folds; fc++) {
      int64_t i = fc * x->rf + fr;
      int32_t d = read_delta(f, i * F + R + n + r, v0);
      if (!d) continue;
      ax_sa_fold fo;
      fold_of(x, i, &fo);
      for (int64_t c = 0; c < (int64_t)fo.cols_used; c++)
        add(x, (uint32_t)((fc * C + c) * N + n), (uint32_t)(d * A_(x, (uint32_t)(fc * C + c), k)));
    }
    break;
  }
  }
}

/* An ofmap word: written in the drain cycle of each fold that produces it
 * (the first plainly, later row folds read-modify-write), read by the
 * post-processing in cycle D-1. */
static void ofmap_word(ctx *x, uint32_t o)
{
  const ax_saf_fault *f = x->f;
  uint32_t N = x->g->n;
  uint32_t m = o / N, n = o % N;
  int64_t R = x->R, C = x->C, F = x->F;
  if (x->a->df == AX_SA_OS) {
    int64_t i = (n / C) * x->rf + m / R;
    int64_t w = i * F + x->T + (m % R) + (n % C) + 1;
    /* stuck: forced from the write on whatever the fault cycle; transient:
     * overwritten unless after the write */
    if (!f->stuck && f->cycle <= w) return;
    set(x, o, corrupt(f, x->z[o]));
    return;
  }
  int64_t t, s;
  if (x->a->df == AX_SA_WS) { t = m; s = n; }
  else { t = n; s = m; }
  int64_t fc = s / C, c = s % C;
  uint32_t v = 0, p_before = 0;
  int any_before = 0;
  for (int64_t fr = 0; fr < x->rf; fr++) {
    int64_t i = fc * x->rf + fr;
    int64_t w = i * F + 2 * R + t + c + 1;
    ax_sa_fold fo;
    fold_of(x, i, &fo);
    uint32_t contrib = 0;
    for (int64_t r = 0; r < (int64_t)fo.rows_used; r++)
      contrib += (uint32_t)(X_(x, t, fr * R + r) * Y_(x, fr * R + r, s));
    if (f->stuck) {
      v = fr == 0 ? contrib : (w >= f->cycle ? corrupt(f, v) : v) + contrib;
    } else if (w < f->cycle) {
      p_before += contrib;
      any_before = 1;
    }
  }
  if (f->stuck) {
    set(x, o, corrupt(f, v));
  } else if (any_before) {
    add(x, o, (p_before ^ f->mask) - p_before);
  }
}

size_t ax_saf_apply(const ax_sa_array *a, const ax_saf_gemm *g, const ax_saf_fault *f,
                    int32_t *z, uint32_t *touched, size_t tcap)
{
  ctx x;
  memset(&x, 0, sizeof x);
  x.a = a; x.g = g; x.f = f;
  x.z = (uint32_t *)z;
  x.touched = touched;
  x.tcap = tcap;
  ax_sa_geom_gemm(a, g->m, g->n, g->k, &x.geo);
  x.R = a->rows; x.C = a->cols;
  x.F = (int64_t)x.geo.fold_cycles;
  x.T = (int64_t)x.geo.t;
  x.folds = (int64_t)x.geo.folds;
  x.rf = (int64_t)x.geo.row_folds;
  if (f->cycle < 0 || f->cycle >= (int64_t)ax_saf_cycles(a, g)) return 0;
  if (!f->mask) return 0;
  uint32_t w = f->word;
  switch (f->site) {
  case AX_SAF_IFMAP_SRAM: {
    if (w >= g->ifmap_words) break;
    int8_t v0 = g->ifmap[w];
    if (!g->aidx) {
      ifmap_use(&x, w / g->k, w % g->k, v0);
    } else {
      for (uint32_t u = g->use_at[w]; u < g->use_at[w + 1]; u++)
        ifmap_use(&x, g->use[u] / g->k, g->use[u] % g->k, v0);
    }
    break;
  }
  case AX_SAF_FILTER_SRAM:
    if (w >= g->k * g->n) break;
    filter_use(&x, w / g->n, w % g->n, g->w[w]);
    break;
  case AX_SAF_OFMAP_SRAM:
    if (w >= g->m * g->n) break;
    ofmap_word(&x, w);
    break;
  case AX_SAF_PE_IFMAP:
  case AX_SAF_PE_WEIGHT:
  case AX_SAF_PE_ACC: {
    if (w >= a->rows * a->cols) break;
    int64_t r = w / a->cols, c = w % a->cols;
    char reg = ax_saf_site_reg(a->df, f->site);
    if (reg == 'a') {
      if (a->df == AX_SA_OS) os_acc(&x, r, c);
      else psum_reg(&x, r, c);
    } else if (reg == 'v' && a->df != AX_SA_OS) {
      stationary_reg(&x, r, c);
    } else {
      moving_reg(&x, reg, r, c);
    }
    break;
  }
  case AX_SAF_CTRL_FOLD:
    if (w) break;
    return ax_saf_ctrl_apply(a, g, f, z, touched, tcap);
  default: break;
  }
  return x.nt;
}
