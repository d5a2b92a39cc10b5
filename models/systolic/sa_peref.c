/*
 * sa_peref.c - the slow reference for fault injection: a cycle-by-cycle,
 * PE-by-PE simulation of the array holding real values in its SRAMs and
 * registers (semantics in sa_func.h). It ticks every cycle on purpose: it
 * exists to prove the closed-form fault mapping in sa_func.c right, on
 * small arrays and layers, and is never used in a campaign. The sequencer's
 * fold counter is a register here too: each slot's fold comes from it.
 */
#include "sa_func.h"

#include <stdlib.h>
#include <string.h>

typedef struct ref_state {
  int8_t *ifs, *fls;   /* ifmap / filter SRAM */
  int32_t *ofs;        /* ofmap SRAM */
  int8_t *h, *v;       /* PE registers */
  int32_t *acc;
  int8_t *h2, *v2;     /* next state */
  int32_t *acc2, *ofs2;
} ref_state;

static uint32_t fault_apply_word(const ax_saf_fault *f, uint32_t x, int64_t cyc)
{
  if (f->stuck) {
    if (cyc >= f->cycle) x = (x & ~f->mask) | (f->value & f->mask);
  } else if (cyc == f->cycle) {
    x ^= f->mask;
  }
  return x;
}

/* Apply the fault to the state of cycle cyc. */
static void inject(const ax_sa_array *a, const ax_saf_gemm *g, const ax_saf_fault *f,
                   ref_state *s, int64_t cyc)
{
  if (!f) return;
  if (f->stuck ? cyc < f->cycle : cyc != f->cycle) return;
  uint32_t w = f->word;
  uint32_t npe = a->rows * a->cols;
  switch (f->site) {
  case AX_SAF_IFMAP_SRAM:
    if (w < g->ifmap_words) s->ifs[w] = (int8_t)(uint8_t)fault_apply_word(f, (uint8_t)s->ifs[w], cyc);
    break;
  case AX_SAF_FILTER_SRAM:
    if (w < g->k * g->n) s->fls[w] = (int8_t)(uint8_t)fault_apply_word(f, (uint8_t)s->fls[w], cyc);
    break;
  case AX_SAF_OFMAP_SRAM:
    if (w < g->m * g->n) s->ofs[w] = (int32_t)fault_apply_word(f, (uint32_t)s->ofs[w], cyc);
    break;
  case AX_SAF_PE_IFMAP:
  case AX_SAF_PE_WEIGHT:
  case AX_SAF_PE_ACC:
    if (w >= npe) break;
    switch (ax_saf_site_reg(a->df, f->site)) {
    case 'h': s->h[w] = (int8_t)(uint8_t)fault_apply_word(f, (uint8_t)s->h[w], cyc); break;
    case 'v': s->v[w] = (int8_t)(uint8_t)fault_apply_word(f, (uint8_t)s->v[w], cyc); break;
    default: s->acc[w] = (int32_t)fault_apply_word(f, (uint32_t)s->acc[w], cyc); break;
    }
    break;
  default: break;
  }
}

static int8_t rd_a(const ax_saf_gemm *g, const ref_state *s, uint32_t m, uint32_t k)
{
  uint32_t i = m * g->k + k;
  return s->ifs[g->aidx ? (uint32_t)g->aidx[i] : i];
}

static int8_t rd_b(const ax_saf_gemm *g, const ref_state *s, uint32_t k, uint32_t n)
{
  return s->fls[k * g->n + n];
}

int ax_saf_ref_run(const ax_sa_array *a, const ax_saf_gemm *g, const ax_saf_fault *f,
                   int32_t *z)
{
  ax_sa_geom geo;
  ax_sa_geom_gemm(a, g->m, g->n, g->k, &geo);
  const int64_t R = a->rows, C = a->cols, F = (int64_t)geo.fold_cycles;
  const int64_t T = (int64_t)geo.t, folds = (int64_t)geo.folds;
  const int64_t D = (int64_t)ax_saf_cycles(a, g);
  const size_t npe = (size_t)(R * C);
  ref_state s;
  s.ifs = malloc(g->ifmap_words ? g->ifmap_words : 1);
  s.fls = malloc((size_t)g->k * g->n);
  s.ofs = calloc((size_t)g->m * g->n, sizeof *s.ofs);
  s.ofs2 = calloc((size_t)g->m * g->n, sizeof *s.ofs2);
  s.h = calloc(npe, 1); s.v = calloc(npe, 1); s.acc = calloc(npe, sizeof *s.acc);
  s.h2 = calloc(npe, 1); s.v2 = calloc(npe, 1); s.acc2 = calloc(npe, sizeof *s.acc2);
  if (!s.ifs || !s.fls || !s.ofs || !s.ofs2 || !s.h || !s.v || !s.acc || !s.h2 || !s.v2 ||
      !s.acc2)
    abort();
  memcpy(s.ifs, g->ifmap, g->ifmap_words);
  memcpy(s.fls, g->w, (size_t)g->k * g->n);
  const size_t nz = (size_t)g->m * g->n;
  /* the sequencer: fold counter register, the fold each slot runs, the end */
  const uint32_t fmask = (1u << AX_SAF_FOLD_BITS) - 1;
  uint32_t fold_reg = 0;
  const int64_t max_slots = (2 * D - 3) / F + 2;
  int64_t *slot_fold = malloc(sizeof *slot_fold * (size_t)max_slots);
  if (!slot_fold) abort();
  int64_t done_slot = -1, end = -1, hang = 1;

  for (int64_t cyc = 0; cyc < 2 * D; cyc++) {
    inject(a, g, f, &s, cyc);
    if (f && f->site == AX_SAF_CTRL_FOLD && f->word == 0)
      fold_reg = fault_apply_word(f, fold_reg, cyc) & fmask;
    if (done_slot < 0 && cyc % F == 0) {
      int64_t sl = cyc / F;
      if (fold_reg == (uint32_t)folds) {
        done_slot = sl;
        end = sl * F + 3;
      } else {
        slot_fold[sl] = fold_reg;
        fold_reg = (fold_reg + 1) & fmask; /* S_{cyc+1} */
      }
    }
    if (cyc == end - 1) { /* the post-processing reads S_{end-1} */
      hang = 0;
      break;
    }
    memcpy(s.ofs2, s.ofs, nz * sizeof *s.ofs);
    /* defaults: registers shift, edges fed zeros; stationary v holds */
    for (int64_t r = 0; r < R; r++)
      for (int64_t c = 0; c < C; c++) {
        size_t p = (size_t)(r * C + c);
        s.h2[p] = c ? s.h[p - 1] : 0;
        if (a->df == AX_SA_OS) s.v2[p] = r ? s.v[p - C] : 0;
        else s.v2[p] = s.v[p];
      }
    int preload = 0;
    /* slots active in this cycle: local u in [0, F+1] */
    int64_t ilo = cyc / F - 1, ihi = cyc / F;
    if (ilo < 0) ilo = 0;
    if (done_slot >= 0 && ihi > done_slot - 1) ihi = done_slot - 1;
    for (int64_t i = ilo; i <= ihi; i++) {
      int64_t u = cyc - i * F;
      if (slot_fold[i] >= folds) continue; /* past the last fold: gated */
      ax_sa_fold fo;
      ax_sa_fold_at(a, &geo, (uint64_t)slot_fold[i], &fo);
      int64_t ru = (int64_t)fo.rows_used, cu = (int64_t)fo.cols_used;
      int64_t o0 = (int64_t)fo.fr * R, s0 = (int64_t)fo.fc * C;
      if (a->df == AX_SA_OS) {
        for (int64_t r = 0; r < ru; r++) {
          int64_t t = u - r;
          if (t >= 0 && t < T) s.h2[r * C] = rd_a(g, &s, (uint32_t)(o0 + r), (uint32_t)t);
        }
        for (int64_t c = 0; c < cu; c++) {
          int64_t t = u - c;
          if (t >= 0 && t < T) s.v2[c] = rd_b(g, &s, (uint32_t)t, (uint32_t)(s0 + c));
        }
        for (int64_t r = 0; r < ru; r++)
          for (int64_t c = 0; c < cu; c++)
            if (u == T + r + c + 1)
              s.ofs2[(o0 + r) * g->n + s0 + c] = s.acc[r * C + c];
      } else {
        int64_t k0 = o0;
        if (u >= 0 && u < R) {
          preload = 1;
          int64_t j = R - 1 - u;
          for (int64_t c = 0; c < C; c++) {
            int8_t y = 0;
            if (j < ru && c < cu)
              y = a->df == AX_SA_WS ? rd_b(g, &s, (uint32_t)(k0 + j), (uint32_t)(s0 + c))
                                    : rd_a(g, &s, (uint32_t)(s0 + c), (uint32_t)(k0 + j));
            s.v2[c] = y;
          }
        }
        for (int64_t r = 0; r < ru; r++) {
          int64_t t = u - R - r;
          if (t >= 0 && t < T)
            s.h2[r * C] = a->df == AX_SA_WS ? rd_a(g, &s, (uint32_t)t, (uint32_t)(k0 + r))
                                            : rd_b(g, &s, (uint32_t)(k0 + r), (uint32_t)t);
        }
        for (int64_t c = 0; c < cu; c++) {
          int64_t t = u - 2 * R - c - 1;
          if (t < 0 || t >= T) continue;
          size_t o = a->df == AX_SA_WS ? (size_t)(t * g->n + s0 + c) : (size_t)((s0 + c) * g->n + t);
          int32_t val = s.acc[(R - 1) * C + c];
          if (fo.fr == 0) s.ofs2[o] = val;
          else s.ofs2[o] = (int32_t)((uint32_t)s.ofs[o] + (uint32_t)val);
        }
      }
    }
    if (preload)
      for (int64_t r = R - 1; r >= 1; r--)
        for (int64_t c = 0; c < C; c++) s.v2[r * C + c] = s.v[(r - 1) * C + c];
    /* MACs */
    for (int64_t r = 0; r < R; r++)
      for (int64_t c = 0; c < C; c++) {
        size_t p = (size_t)(r * C + c);
        uint32_t prod = (uint32_t)((int32_t)s.h[p] * (int32_t)s.v[p]);
        if (a->df == AX_SA_OS) {
          /* the first MAC of an output overwrites the accumulator */
          int first = 0;
          for (int64_t i = ilo; i <= ihi; i++)
            if (cyc - i * F == r + c + 1) first = 1;
          s.acc2[p] = (int32_t)((first ? 0u : (uint32_t)s.acc[p]) + prod);
        } else {
          uint32_t in = r ? (uint32_t)s.acc[p - C] : 0u;
          s.acc2[p] = (int32_t)(in + prod);
        }
      }
    int8_t *t8;
    int32_t *t32;
    t8 = s.h; s.h = s.h2; s.h2 = t8;
    t8 = s.v; s.v = s.v2; s.v2 = t8;
    t32 = s.acc; s.acc = s.acc2; s.acc2 = t32;
    t32 = s.ofs; s.ofs = s.ofs2; s.ofs2 = t32;
  }
  if (!hang) memcpy(z, s.ofs, nz * sizeof *z);
  free(slot_fold);
  free(s.ifs); free(s.fls); free(s.ofs); free(s.ofs2);
  free(s.h); free(s.v); free(s.acc); free(s.h2); free(s.v2); free(s.acc2);
  return (int)hang;
}
