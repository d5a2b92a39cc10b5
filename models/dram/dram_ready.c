/*
 * dram_ready.c - the pass of dram_ready.h: every queue's first ready cycle
 * from its local times and its rank's, plain and with AVX-512.
 */
#include <stdlib.h>
#include <string.h>

#include "dram.h"
#include "dram_ready.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define AX_HAVE_AVX512 1
#endif

/* Bits of block b (8 queues) in its mask word. */
static inline unsigned block_bits(const uint64_t *w, int b) { return (unsigned)(w[b >> 3] >> ((b & 7) * 8)) & 0xffu; }

static uint64_t at_plain(const ax_dram_ready *r, uint64_t clk, uint64_t *rmask) {
  uint64_t tmin = AX_DRAM_NEVER;
  for (int w = 0; w < (r->nq + 63) / 64; w++) {
    uint64_t m = 0, v = r->valid[w];
    for (int q = w * 64, e = q + 64 < r->nq ? q + 64 : r->nq; q < e; q++) {
      uint64_t t = r->T[q], bit = 1ull << (q & 63);
      if (!(v & bit)) continue;
      m |= t <= clk ? bit : 0;
      tmin = t < tmin ? t : tmin;
    }
    rmask[w] = m;
  }
  return tmin;
}

static uint64_t all_plain(ax_dram_ready *r, uint64_t clk, uint64_t *rmask) {
  for (int q = 0; q < r->nq; q++) {
    uint64_t t = AX_DRAM_NEVER;
    const uint64_t *R = r->R + r->qrank[q];
    for (int j = 0; j < r->nps; j++) {
      uint64_t l = r->L[(size_t)j * (size_t)r->nqp + (size_t)q], x = R[(size_t)r->ps[j] * (size_t)r->rs];
      l = l > x ? l : x;
      t = l < t ? l : t;
    }
    r->T[q] = t;
  }
  return at_plain(r, clk, rmask);
}

static const ax_dram_ready_ops plain_ops = {all_plain, at_plain};

#ifdef AX_HAVE_AVX512
__attribute__((target("avx512f"))) static uint64_t at_avx512(const ax_dram_ready *r, uint64_t clk, uint64_t *rmask) {
  __m512i vclk = _mm512_set1_epi64((long long)clk), vmin = _mm512_set1_epi64(-1);
  for (int w = 0; w < (r->nq + 63) / 64; w++) rmask[w] = 0;
  for (int b = 0; b < r->nqp / 8; b++) {
    __m512i t = _mm512_loadu_si512(r->T + 8 * b);
    __mmask8 v = (__mmask8)block_bits(r->valid, b);
    vmin = _mm512_mask_min_epu64(vmin, v, vmin, t);
    rmask[b >> 3] |= (uint64_t)_mm512_mask_cmple_epu64_mask(v, t, vclk) << ((b & 7) * 8);
  }
  return _mm512_reduce_min_epu64(vmin);
}

__attribute__((target("avx512f"))) static uint64_t all_avx512(ax_dram_ready *r, uint64_t clk, uint64_t *rmask) {
  __m512i R[AX_DRAM_CMD_STD_N], vclk = _mm512_set1_epi64((long long)clk), vmin = _mm512_set1_epi64(-1);
  int nps = r->nps;
  for (int j = 0; j < nps; j++) R[j] = _mm512_loadu_si512(r->R + (size_t)r->ps[j] * (size_t)r->rs);
  for (int w = 0; w < (r->nq + 63) / 64; w++) rmask[w] = 0;
  for (int b = 0; b < r->nqp / 8; b++) {
    __m512i rk = _mm512_loadu_si512(r->qrank + 8 * b), t = _mm512_set1_epi64(-1);
    const uint64_t *L = r->L + 8 * b;
    for (int j = 0; j < nps; j++, L += r->nqp)
      t = _mm512_min_epu64(t, _mm512_max_epu64(_mm512_loadu_si512(L), _mm512_permutexvar_epi64(rk, R[j])));
    _mm512_storeu_si512(r->T + 8 * b, t);
    __mmask8 v = (__mmask8)block_bits(r->valid, b);
    vmin = _mm512_mask_min_epu64(vmin, v, vmin, t);
    rmask[b >> 3] |= (uint64_t)_mm512_mask_cmple_epu64_mask(v, t, vclk) << ((b & 7) * 8);
  }
  return _mm512_reduce_min_epu64(vmin);
}

static const ax_dram_ready_ops avx512_ops = {all_avx512, at_avx512};
#endif

/* Allocate for nq queues (see dram_ready.h). */
int ax_dram_ready_init(ax_dram_ready *r, int nq, const int *qrank, int nps, const uint8_t *ps, int nranks,
                       const uint64_t *R, int rs, int simd) {
  memset(r, 0, sizeof *r);
  r->nq = nq;
  r->nqp = (nq + 7) / 8 * 8;
  r->nps = nps;
  memcpy(r->ps, ps, (size_t)nps);
  r->R = R;
  r->rs = rs;
  int ncw = (nq + 63) / 64;
  r->L = malloc((size_t)nps * (size_t)r->nqp * sizeof *r->L);
  r->T = malloc((size_t)r->nqp * sizeof *r->T);
  r->valid = malloc((size_t)ncw * sizeof *r->valid);
  r->qrank = calloc((size_t)r->nqp, sizeof *r->qrank);
  if (!r->L || !r->T || !r->valid || !r->qrank) { ax_dram_ready_free(r); return -1; }
  for (size_t i = 0; i < (size_t)nps * (size_t)r->nqp; i++) r->L[i] = AX_DRAM_NEVER;
  for (int q = 0; q < r->nqp; q++) r->T[q] = AX_DRAM_NEVER;
  for (int q = 0; q < nq; q++) r->qrank[q] = qrank[q];
  for (int w = 0; w < ncw; w++) r->valid[w] = w == ncw - 1 && nq % 64 ? (1ull << (nq % 64)) - 1 : ~0ull;
  r->ops = &plain_ops;
#ifdef AX_HAVE_AVX512
  if (simd && nranks <= 8 && __builtin_cpu_supports("avx512f")) r->ops = &avx512_ops;
#else
  (void)simd;
#endif
  return 0;
}

/* Free what init allocated. */
void ax_dram_ready_free(ax_dram_ready *r) {
  free(r->L); free(r->T); free(r->valid); free(r->qrank);
  memset(r, 0, sizeof *r);
}

/* Whether the vector pass is in use. */
int ax_dram_ready_simd(const ax_dram_ready *r) { return r->ops != &plain_ops; }
