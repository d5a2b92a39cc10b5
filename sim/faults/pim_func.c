/*
 * pim_func.c - PIM partial-sum register faults (pim_func.h): the step
 * decoding in closed form, and the step-by-step reference.
 */
#include "pim_func.h"

#include <stdlib.h>
#include <string.h>

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

void ax_pimf_geom_of(uint32_t channels, uint32_t banks, uint32_t accs, uint32_t row_bytes,
                     uint32_t col_bytes, uint32_t m, uint32_t n, uint32_t k, ax_pimf_geom *g)
{
  memset(g, 0, sizeof *g);
  g->channels = channels; g->banks = banks; g->accs = accs;
  g->epr = row_bytes; g->cpe = col_bytes < row_bytes ? col_bytes : row_bytes;
  g->vectors = m; g->rows = n; g->k = k;
  uint64_t chunks = cdiv(k, g->epr), last = k - (chunks - 1) * g->epr;
  g->chunk_cols = (chunks - 1) * cdiv(g->epr, g->cpe) + cdiv(last, g->cpe);
  /* channel 0 holds the most rows */
  uint64_t rows0 = cdiv(n, channels), groups = cdiv(rows0, banks), per_vec = 0;
  for (uint64_t b0 = 0; b0 < groups; b0 += accs) {
    uint64_t gn = groups - b0 < accs ? groups - b0 : accs;
    per_vec += gn * g->chunk_cols + 1;
  }
  g->steps = per_vec * m;
}

void ax_pimf_geom_cfg(const ax_pimf_cfg *p, uint32_t m, uint32_t n, uint32_t k, ax_pimf_geom *g)
{
  ax_pimf_geom_of(p->channels, p->banks, p->accs, p->row_bytes, p->col_bytes, m, n, k, g);
}

uint64_t ax_pimf_regs(const ax_pimf_geom *g)
{
  return (uint64_t)g->channels * g->banks * g->accs;
}

static int8_t A_(const ax_saf_gemm *gm, uint32_t m, uint32_t k)
{
  uint32_t i = m * gm->k + k;
  return gm->ifmap[gm->aidx ? (uint32_t)gm->aidx[i] : i];
}

/* Sum over k in [k0, k1) of A[v][k] B[k][r], wrapping. */
static uint32_t dot(const ax_saf_gemm *gm, uint32_t v, uint32_t r, uint64_t k0, uint64_t k1)
{
  uint32_t s = 0;
  for (uint64_t k = k0; k < k1 && k < gm->k; k++)
    s += (uint32_t)((int32_t)A_(gm, v, (uint32_t)k) * gm->w[k * gm->n + r]);
  return s;
}

/* Groups (rows per bank) of channel ch. */
static uint64_t groups_of(const ax_pimf_geom *g, uint32_t ch)
{
  if (ch >= g->rows) return 0;
  uint64_t rows = (g->rows - ch + g->channels - 1) / g->channels;
  return cdiv(rows, g->banks);
}

/* Output row of (channel, bank, group), or -1 past N. */
static int64_t row_of(const ax_pimf_geom *g, uint32_t ch, uint32_t b, uint64_t group)
{
  uint64_t r = group * g->channels * g->banks + (uint64_t)b * g->channels + ch;
  return r < g->rows ? (int64_t)r : -1;
}

/* MAC_AB columns of chunk c and where column j of it starts and ends. */
static uint64_t cols_of(const ax_pimf_geom *g, uint64_t c)
{
  uint64_t e0 = c * g->epr, e1 = e0 + g->epr < g->k ? e0 + g->epr : g->k;
  return cdiv(e1 - e0, g->cpe);
}

static uint32_t force(const ax_saf_fault *f, uint32_t v)
{
  return (v & ~f->mask) | (f->value & f->mask);
}

size_t ax_pimf_apply(const ax_pimf_geom *g, const ax_saf_gemm *gm, const ax_saf_fault *f,
                     int32_t *z)
{
  if (f->site != AX_SAF_PIM_ACC || f->word >= ax_pimf_regs(g) || !f->mask || f->cycle < 0)
    return 0;
  uint32_t a = f->word % g->accs, b = f->word / g->accs % g->banks;
  uint32_t ch = f->word / g->accs / g->banks;
  uint64_t groups = groups_of(g, ch), per_vec = 0;
  for (uint64_t b0 = 0; b0 < groups; b0 += g->accs) {
    uint64_t gn = groups - b0 < g->accs ? groups - b0 : g->accs;
    per_vec += gn * g->chunk_cols + 1;
  }
  if (!per_vec) return 0;
  if (f->stuck) {
    /* replay this register through the channel's steps with the bits forced */
    size_t changed = 0;
    uint64_t s = 0;
    uint32_t acc = 0;
    for (uint32_t v = 0; v < g->vectors; v++)
      for (uint64_t b0 = 0; b0 < groups; b0 += g->accs) {
        uint64_t gn = groups - b0 < g->accs ? groups - b0 : g->accs;
        int64_t r = a < gn ? row_of(g, ch, b, b0 + a) : -1;
        for (uint64_t c = 0; c * g->epr < g->k; c++)
          for (uint64_t i = 0; i < gn; i++)
            for (uint64_t j = 0; j < cols_of(g, c); j++, s++) {
              if ((int64_t)s >= f->cycle) acc = force(f, acc);
              if (i != a) continue;
              uint64_t e0 = c * g->epr + j * g->cpe, e1 = e0 + g->cpe;
              if (e1 > (c + 1) * g->epr) e1 = (c + 1) * g->epr;
              uint32_t d = r >= 0 ? dot(gm, v, (uint32_t)r, e0, e1) : 0;
              acc = (c == 0 && j == 0 ? 0 : acc) + d;
            }
        if ((int64_t)s >= f->cycle) acc = force(f, acc);
        s++; /* the readout step */
        if (r < 0) continue;
        size_t o = (size_t)v * gm->n + (size_t)r;
        if ((uint32_t)z[o] != acc) {
          z[o] = (int32_t)acc;
          changed++;
        }
      }
    return changed;
  }
  uint64_t s = (uint64_t)f->cycle;
  uint64_t v = s / per_vec, rem = s % per_vec;
  if (v >= g->vectors) return 0;
  uint64_t b0 = 0, gn = 0;
  for (b0 = 0; b0 < groups; b0 += g->accs) {
    gn = groups - b0 < g->accs ? groups - b0 : g->accs;
    if (rem < gn * g->chunk_cols + 1) break;
    rem -= gn * g->chunk_cols + 1;
  }
  if (a >= gn) return 0;
  int64_t r = row_of(g, ch, b, b0 + a);
  if (r < 0) return 0;
  uint64_t e_done;
  if (rem == gn * g->chunk_cols) {
    e_done = g->k; /* the readout: the finished sum */
  } else {
    /* find chunk c, group i, column j of step rem */
    uint64_t c = 0, i = 0, j = 0;
    for (c = 0;; c++) {
      uint64_t nc = cols_of(g, c);
      if (rem < gn * nc) {
        i = rem / nc;
        j = rem % nc;
        break;
      }
      rem -= gn * nc;
    }
    e_done = c * g->epr;
    if (a < i) e_done = (c + 1) * g->epr < g->k ? (c + 1) * g->epr : g->k;
    else if (a == i) e_done += j * g->cpe;
    if (e_done == 0) return 0; /* stale: the register's first MAC overwrites it */
  }
  size_t o = (size_t)v * gm->n + (size_t)r;
  uint32_t p = dot(gm, (uint32_t)v, (uint32_t)r, 0, e_done);
  uint32_t nv = (uint32_t)z[o] + ((p ^ f->mask) - p);
  if (nv == (uint32_t)z[o]) return 0;
  z[o] = (int32_t)nv;
  return 1;
}

void ax_pimf_ref_run(const ax_pimf_geom *g, const ax_saf_gemm *gm, const ax_saf_fault *f,
                     int32_t *z)
{
  uint32_t *reg = calloc(ax_pimf_regs(g), sizeof *reg);
  if (!reg) abort();
  memset(z, 0, sizeof *z * (size_t)gm->m * gm->n);
  int hit = f && f->site == AX_SAF_PIM_ACC && f->word < ax_pimf_regs(g);
  for (uint32_t ch = 0; ch < g->channels; ch++) {
    uint32_t *R = reg + (size_t)ch * g->banks * g->accs;
    uint64_t groups = groups_of(g, ch), s = 0;
    uint32_t fch = hit ? f->word / g->accs / g->banks : 0;
    uint32_t *fr = hit && fch == ch ? &reg[f->word] : NULL;
    for (uint32_t v = 0; v < g->vectors; v++)
      for (uint64_t b0 = 0; b0 < groups; b0 += g->accs) {
        uint64_t gn = groups - b0 < g->accs ? groups - b0 : g->accs;
        for (uint64_t c = 0; c * g->epr < g->k; c++)
          for (uint64_t i = 0; i < gn; i++)
            for (uint64_t j = 0; j < cols_of(g, c); j++, s++) {
              /* the fault changes S_s before the step reads it */
              if (fr && (f->stuck ? (int64_t)s >= f->cycle : (int64_t)s == f->cycle))
                *fr = f->stuck ? force(f, *fr) : *fr ^ f->mask;
              /* MAC_AB: register i of every bank */
              for (uint32_t b = 0; b < g->banks; b++) {
                int64_t r = row_of(g, ch, b, b0 + i);
                uint64_t e0 = c * g->epr + j * g->cpe;
                uint64_t e1 = e0 + g->cpe;
                if (e1 > (c + 1) * g->epr) e1 = (c + 1) * g->epr;
                uint32_t d = r >= 0 ? dot(gm, v, (uint32_t)r, e0, e1) : 0;
                uint32_t *x = &R[(size_t)b * g->accs + i];
                *x = (c == 0 && j == 0 ? 0 : *x) + d;
              }
            }
        if (fr && (f->stuck ? (int64_t)s >= f->cycle : (int64_t)s == f->cycle))
          *fr = f->stuck ? force(f, *fr) : *fr ^ f->mask;
        s++;
        /* readout of the block */
        for (uint32_t b = 0; b < g->banks; b++)
          for (uint64_t i = 0; i < gn; i++) {
            int64_t r = row_of(g, ch, b, b0 + i);
            if (r >= 0) z[(size_t)v * gm->n + (size_t)r] = (int32_t)R[(size_t)b * g->accs + i];
          }
      }
  }
  free(reg);
}
