/*
 * sa_ctrl.c - soft errors in the array's control state: the sequencer's
 * fold counter (semantics in sa_func.h). A flip makes the schedule skip
 * folds, repeat them, run folds past the last (gated), or run until the
 * watchdog stops the layer. The fast answer runs the counter slot by slot
 * (a handful of steps: at most 2 D / F) and redoes the GEMM fold by fold;
 * the per-PE reference (sa_peref.c) simulates the same counter cycle by
 * cycle, and the tests require both to agree.
 */
#include <stdlib.h>
#include <string.h>

#include "sa_func.h"

#define FOLD_MASK ((1u << AX_SAF_FOLD_BITS) - 1)

/* The counter as the read in cycle cyc sees it. reg is its fault-free
 * next value; a transient hits the read of the first slot at or after its
 * cycle (the register is read only at slot starts). */
static uint32_t fold_read(const ax_saf_fault *f, uint32_t reg, int64_t prev_read, int64_t cyc)
{
  if (!f) return reg;
  if (f->stuck) return cyc >= f->cycle ? (reg & ~f->mask) | (f->value & f->mask) : reg;
  if (f->cycle > prev_read && f->cycle <= cyc) return (reg ^ f->mask) & FOLD_MASK;
  return reg;
}

int ax_saf_fold_seq(const ax_sa_array *a, const ax_saf_gemm *g, const ax_saf_fault *f,
                    uint32_t *seq, size_t cap, size_t *nslots)
{
  ax_sa_geom geo;
  ax_sa_geom_gemm(a, g->m, g->n, g->k, &geo);
  const int64_t F = (int64_t)geo.fold_cycles, folds = (int64_t)geo.folds;
  const int64_t D = folds * F + 3;
  if (f && f->site != AX_SAF_CTRL_FOLD) f = NULL;
  uint32_t reg = 0;
  int64_t prev = -1;
  /* slot s is allowed while the layer can still end by 2 D: s*F + 3 <= 2 D */
  for (int64_t s = 0; s * F + 3 <= 2 * D; s++) {
    int64_t cyc = s * F;
    uint32_t v = fold_read(f, reg, prev, cyc);
    prev = cyc;
    if (v == (uint32_t)folds) {
      *nslots = (size_t)s;
      return 0;
    }
    if ((size_t)s < cap) seq[s] = v;
    reg = (v + 1) & FOLD_MASK;
  }
  *nslots = 0;
  return 1;
}

static int8_t A_(const ax_saf_gemm *g, uint64_t m, uint64_t k)
{
  uint64_t i = m * g->k + k;
  return g->ifmap[g->aidx ? (uint32_t)g->aidx[i] : i];
}

/* What fold i writes (first row fold / os) or adds (later row folds). */
static void fold_effect(const ax_sa_array *a, const ax_sa_geom *geo, const ax_saf_gemm *g,
                        uint64_t i, uint32_t *z)
{
  ax_sa_fold fo;
  ax_sa_fold_at(a, geo, i, &fo);
  const uint64_t R = a->rows, C = a->cols, N = g->n;
  uint64_t o0 = fo.fr * R, s0 = fo.fc * C;
  if (a->df == AX_SA_OS) {
    for (uint64_t r = 0; r < fo.rows_used; r++)
      for (uint64_t c = 0; c < fo.cols_used; c++) {
        uint32_t acc = 0;
        for (uint64_t k = 0; k < g->k; k++)
          acc += (uint32_t)((int32_t)A_(g, o0 + r, k) * g->w[k * N + s0 + c]);
        z[(o0 + r) * N + s0 + c] = acc;
      }
    return;
  }
  for (uint64_t t = 0; t < geo->t; t++)
    for (uint64_t c = 0; c < fo.cols_used; c++) {
      uint32_t p = 0;
      uint64_t o;
      for (uint64_t r = 0; r < fo.rows_used; r++) {
        uint64_t kk = o0 + r;
        int32_t x = a->df == AX_SA_WS ? A_(g, t, kk) : g->w[kk * N + t];
        int32_t y = a->df == AX_SA_WS ? g->w[kk * N + s0 + c] : A_(g, s0 + c, kk);
        p += (uint32_t)(x * y);
      }
      o = a->df == AX_SA_WS ? t * N + s0 + c : (s0 + c) * N + t;
      z[o] = fo.fr == 0 ? p : z[o] + p;
    }
}

size_t ax_saf_ctrl_apply(const ax_sa_array *a, const ax_saf_gemm *g, const ax_saf_fault *f,
                         int32_t *z, uint32_t *touched, size_t tcap)
{
  ax_sa_geom geo;
  ax_sa_geom_gemm(a, g->m, g->n, g->k, &geo);
  size_t cap = (size_t)(2 * (geo.folds + 1) + 4), n = 0;
  uint32_t *seq = malloc(sizeof *seq * cap);
  if (!seq) abort();
  if (ax_saf_fold_seq(a, g, f, seq, cap, &n)) {
    free(seq);
    return AX_SAF_HANG;
  }
  /* the fault-free sequence 0, 1, ..., folds-1 changes nothing */
  size_t s = 0;
  while (s < n && seq[s] == s) s++;
  if (s == n && n == geo.folds) {
    free(seq);
    return 0;
  }
  size_t nz = (size_t)g->m * g->n;
  uint32_t *y = calloc(nz ? nz : 1, sizeof *y);
  if (!y) abort();
  for (size_t k = 0; k < n; k++)
    if (seq[k] < geo.folds) fold_effect(a, &geo, g, seq[k], y);
  size_t nt = 0;
  for (size_t o = 0; o < nz; o++) {
    if ((uint32_t)z[o] == y[o]) continue;
    z[o] = (int32_t)y[o];
    if (touched && nt < tcap) touched[nt] = (uint32_t)o;
    nt++;
  }
  free(y);
  free(seq);
  return nt;
}
