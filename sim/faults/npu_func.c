/*
 * npu_func.c - the NPU MAC engine's functional model and its accumulator
 * faults (npu_func.h): the closed-form mapping and the slow per-cycle
 * reference it is tested against.
 */
#include "npu_func.h"

#include <stdlib.h>
#include <string.h>

static uint32_t cdiv32(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

void ax_npuf_geom_of(const ax_npu_arch *a, uint32_t oh, uint32_t ow, uint32_t oc, uint32_t k,
                     ax_npuf_geom *g)
{
  memset(g, 0, sizeof *g);
  g->oh = oh; g->ow = ow; g->oc = oc; g->k = k;
  g->uw = a->ub_w; g->uh = a->ub_h; g->ud = a->ub_d;
  g->bw = a->blk_w < ow ? a->blk_w : ow;
  g->bh = a->blk_h < oh ? a->blk_h : oh;
  g->bd = a->blk_d < oc ? a->blk_d : oc;
  uint64_t per_block = (uint64_t)cdiv32(g->bw, g->uw) * cdiv32(g->bh, g->uh) * cdiv32(g->bd, g->ud);
  uint64_t blocks = (uint64_t)cdiv32(oh, g->bh) * cdiv32(ow, g->bw) * cdiv32(oc, g->bd);
  g->nmb = blocks * per_block;
  g->nc = cdiv32(k, 8);
  g->cycles = g->nmb * g->nc + 1;
}

uint32_t ax_npuf_accs(const ax_npu_arch *a)
{
  return a->ub_w * a->ub_h * a->ub_d;
}

int ax_npuf_output(const ax_npuf_geom *g, uint64_t i, uint32_t acc, uint32_t *m, uint32_t *n)
{
  uint64_t mbx = cdiv32(g->bw, g->uw), mby = cdiv32(g->bh, g->uh), mbd = cdiv32(g->bd, g->ud);
  uint64_t per_block = mbx * mby * mbd;
  uint64_t b = i / per_block, r = i % per_block;
  uint64_t nbx = cdiv32(g->ow, g->bw), nbd = cdiv32(g->oc, g->bd);
  uint64_t byi = b / (nbx * nbd), bxi = b / nbd % nbx, bdi = b % nbd;
  uint64_t myi = r / (mbx * mbd), mxi = r / mbd % mbx, mdi = r % mbd;
  uint32_t uz = acc % g->ud, ux = acc / g->ud % g->uw, uy = acc / g->ud / g->uw;
  /* position inside the block, which must stay inside the (clipped) block */
  uint64_t yb = myi * g->uh + uy, xb = mxi * g->uw + ux, db = mdi * g->ud + uz;
  if (yb >= g->bh || xb >= g->bw || db >= g->bd) return 0;
  uint64_t y = byi * g->bh + yb, x = bxi * g->bw + xb, d = bdi * g->bd + db;
  if (y >= g->oh || x >= g->ow || d >= g->oc) return 0;
  *m = (uint32_t)(y * g->ow + x);
  *n = (uint32_t)d;
  return 1;
}

static int8_t A_(const ax_saf_gemm *gm, uint32_t m, uint32_t k)
{
  uint32_t i = m * gm->k + k;
  return gm->ifmap[gm->aidx ? (uint32_t)gm->aidx[i] : i];
}

/* Sum of A[m][k] B[k][n] over k in [k0, k1), wrapping. */
static uint32_t dot(const ax_saf_gemm *gm, uint32_t m, uint32_t n, uint32_t k0, uint32_t k1)
{
  uint32_t s = 0;
  for (uint32_t k = k0; k < k1 && k < gm->k; k++)
    s += (uint32_t)((int32_t)A_(gm, m, k) * gm->w[(size_t)k * gm->n + n]);
  return s;
}

static uint32_t force(const ax_saf_fault *f, uint32_t v)
{
  return (v & ~f->mask) | (f->value & f->mask);
}

size_t ax_npuf_apply(const ax_npuf_geom *g, const ax_saf_gemm *gm, const ax_saf_fault *f,
                     int32_t *z)
{
  uint32_t naccs = g->uw * g->uh * g->ud;
  if (f->site != AX_SAF_NPU_ACC || f->word >= naccs || !f->mask) return 0;
  if (f->cycle < 0 || (uint64_t)f->cycle >= g->cycles) return 0;
  uint32_t m, n;
  size_t changed = 0;
  if (f->stuck) {
    /* forced in every state from f->cycle: replay this accumulator */
    for (uint64_t i = 0; i < g->nmb; i++) {
      if (!ax_npuf_output(g, i, f->word, &m, &n)) continue;
      uint64_t u0 = i * g->nc;
      if (u0 + g->nc < (uint64_t)f->cycle) continue; /* read before the fault */
      uint32_t acc = 0;
      for (uint64_t j = 0; j < g->nc; j++) {
        uint32_t in = j == 0 ? 0 : acc;
        if (j > 0 && u0 + j >= (uint64_t)f->cycle) in = force(f, acc);
        acc = in + dot(gm, m, n, (uint32_t)(8 * j), (uint32_t)(8 * j + 8));
      }
      if (u0 + g->nc >= (uint64_t)f->cycle) acc = force(f, acc);
      if ((uint32_t)z[(size_t)m * gm->n + n] != acc) {
        z[(size_t)m * gm->n + n] = (int32_t)acc;
        changed++;
      }
    }
    return changed;
  }
  uint64_t u = (uint64_t)f->cycle, i = u / g->nc, j = u % g->nc;
  if (j == 0) {
    /* the output unit reads micro-block i-1's sum in this cycle */
    if (i == 0 || !ax_npuf_output(g, i - 1, f->word, &m, &n)) return 0;
  } else {
    if (i >= g->nmb || !ax_npuf_output(g, i, f->word, &m, &n)) return 0;
  }
  size_t o = (size_t)m * gm->n + n;
  uint32_t p = j == 0 ? (uint32_t)z[o] : dot(gm, m, n, 0, (uint32_t)(8 * j));
  uint32_t nv = (uint32_t)z[o] + ((p ^ f->mask) - p);
  if (nv == (uint32_t)z[o]) return 0;
  z[o] = (int32_t)nv;
  return 1;
}

void ax_npuf_ref_run(const ax_npuf_geom *g, const ax_saf_gemm *gm, const ax_saf_fault *f,
                     int32_t *z)
{
  uint32_t naccs = g->uw * g->uh * g->ud;
  uint32_t *acc = calloc(naccs, sizeof *acc);
  if (!acc) abort();
  memset(z, 0, sizeof *z * (size_t)gm->m * gm->n);
  for (uint64_t u = 0; u < g->cycles; u++) {
    /* the fault changes S_u before anything reads it */
    if (f && f->site == AX_SAF_NPU_ACC && f->word < naccs && (int64_t)u >= f->cycle) {
      if (f->stuck) acc[f->word] = force(f, acc[f->word]);
      else if ((int64_t)u == f->cycle) acc[f->word] ^= f->mask;
    }
    uint64_t i = u / g->nc, j = u % g->nc;
    /* output unit: micro-block i-1's accumulators, read in S_u */
    if (j == 0 && i > 0)
      for (uint32_t a = 0; a < naccs; a++) {
        uint32_t m, n;
        if (ax_npuf_output(g, i - 1, a, &m, &n)) z[(size_t)m * gm->n + n] = (int32_t)acc[a];
      }
    if (i >= g->nmb) break;
    /* MAC cycle j of micro-block i: every accumulator at once */
    for (uint32_t a = 0; a < naccs; a++) {
      uint32_t m, n, s = 0;
      if (ax_npuf_output(g, i, a, &m, &n)) s = dot(gm, m, n, (uint32_t)(8 * j), (uint32_t)(8 * j + 8));
      acc[a] = (j == 0 ? 0 : acc[a]) + s;
    }
  }
  free(acc);
}
