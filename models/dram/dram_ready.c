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

/* The plain passes visit only the queues worth a look (valid and live). */
static uint64_t all_plain(ax_dram_ready *r, uint64_t clk, uint64_t *rmask, uint64_t ranks) {
  return ax_dram_ready_all_plain(r, clk, rmask, ranks);
}

static uint64_t at_plain(const ax_dram_ready *r, uint64_t clk, uint64_t *rmask) {
  return ax_dram_ready_at_plain(r, clk, rmask);
}

static const ax_dram_ready_ops plain_ops = {all_plain, at_plain};

#ifdef AX_HAVE_AVX512
#define AVX512 __attribute__((target("avx512f")))
#if defined(__clang__)
#define UNROLL _Pragma("unroll")
#else
#define UNROLL _Pragma("GCC unroll 8")
#endif

/* The valid live queues with T <= t into rmask (T of the blocks current). */
AVX512 static inline void mask_avx512(const ax_dram_ready *r, uint64_t t, uint64_t *rmask) {
  __m512i vt = _mm512_set1_epi64((long long)t);
  int nb = r->nqp / 8;
  for (int w = 0; w * 8 < nb; w++) {
    uint64_t m = 0, vw = r->valid[w] & r->live[w];
    for (int b = w * 8, e = nb < b + 8 ? nb : b + 8; b < e; b++, vw >>= 8)
      m |= (uint64_t)_mm512_mask_cmple_epu64_mask((__mmask8)vw, _mm512_loadu_si512(r->T + 8 * b), vt) << ((b & 7) * 8);
    rmask[w] = m;
  }
}

/* rmask at clk from block T (m: the blocks' compares), else at the least T. */
AVX512 static inline uint64_t next_avx512(const ax_dram_ready *r, uint64_t clk, uint64_t *rmask, uint64_t any,
                                          __m512i vmin) {
  if (any) return clk;
  uint64_t t = _mm512_reduce_min_epu64(vmin);
  if (t != AX_DRAM_NEVER) mask_avx512(r, t, rmask);
  return t;
}

/* next_avx512 for one mask word (up to 64 queues, vw the valid live
 * ones) without its branch: the least T and the queues at it are found
 * whether or not one is ready now (m), and the answer picked. Whether one
 * is ready follows the last command, a guess the CPU missed often: random
 * reads +1.4 % (docs/dram.md). */
AVX512 static inline uint64_t next64_avx512(const ax_dram_ready *r, uint64_t clk, uint64_t *rmask, uint64_t vw,
                                            uint64_t m, __m512i vmin) {
  /* m2: mask_avx512's answer, flat over one word (calling it measured -0.6 % random) */
  uint64_t tmin = _mm512_reduce_min_epu64(vmin), m2 = 0;
  __m512i vt = _mm512_set1_epi64((long long)tmin);
  for (int b = 0, nb = r->nqp / 8; b < nb; b++)
    m2 |= (uint64_t)_mm512_mask_cmple_epu64_mask((__mmask8)(vw >> (8 * b)), _mm512_loadu_si512(r->T + 8 * b), vt)
          << (8 * b);
  rmask[0] = m ? m : tmin != AX_DRAM_NEVER ? m2 : 0;
  return m ? clk : tmin;
}

AVX512 static uint64_t at_avx512(const ax_dram_ready *r, uint64_t clk, uint64_t *rmask) {
  if (r->nq <= 64) { /* one mask word: the loop below, flat (the nested one here measured -2 % random) */
    __m512i vmin = _mm512_set1_epi64(-1), vclk = _mm512_set1_epi64((long long)clk);
    uint64_t vw = r->valid[0] & r->live[0], m = 0;
    for (int b = 0, nb = r->nqp / 8; b < nb; b++) {
      __m512i t = _mm512_loadu_si512(r->T + 8 * b);
      vmin = _mm512_mask_min_epu64(vmin, (__mmask8)(vw >> (8 * b)), vmin, t);
      m |= (uint64_t)_mm512_mask_cmple_epu64_mask((__mmask8)(vw >> (8 * b)), t, vclk) << (8 * b);
    }
    return next64_avx512(r, clk, rmask, vw, m, vmin);
  }
  __m512i vmin = _mm512_set1_epi64(-1), vclk = _mm512_set1_epi64((long long)clk);
  int nb = r->nqp / 8;
  uint64_t any = 0;
  for (int w = 0; w * 8 < nb; w++) {
    uint64_t m = 0, vw = r->valid[w] & r->live[w];
    for (int b = w * 8, e = nb < b + 8 ? nb : b + 8; b < e; b++, vw >>= 8) {
      __m512i t = _mm512_loadu_si512(r->T + 8 * b);
      vmin = _mm512_mask_min_epu64(vmin, (__mmask8)vw, vmin, t);
      m |= (uint64_t)_mm512_mask_cmple_epu64_mask((__mmask8)vw, t, vclk) << ((b & 7) * 8);
    }
    rmask[w] = m;
    any |= m;
  }
  return next_avx512(r, clk, rmask, any, vmin);
}

/* The pass for nps planned slots (a constant where it is inlined, so the
 * slot loop unrolls and R stays in registers). */
__attribute__((always_inline)) AVX512 static inline uint64_t all_avx512_n(ax_dram_ready *r, uint64_t clk,
                                                                         uint64_t *rmask, uint64_t ranks, int nps) {
  __m512i R[AX_DRAM_CMD_STD_N], vmin = _mm512_set1_epi64(-1), vclk = _mm512_set1_epi64((long long)clk);
  uint64_t any = 0;
  UNROLL for (int j = 0; j < AX_DRAM_CMD_STD_N; j++) /* (all set: no warning for the rows past nps) */
    R[j] = j < nps ? _mm512_loadu_si512(r->R + r->psr[j]) : _mm512_setzero_si512();
  const uint64_t *restrict L = r->L, *valid = r->valid;
  const int64_t *restrict qrank = r->qrank;
  uint64_t *restrict T = r->T;
  size_t nqp = (size_t)r->nqp;
  int nb = r->nqp / 8;
  for (int w = 0; w * 8 < nb; w++) {
    uint64_t m = 0, vw = valid[w] & r->live[w];
    for (int b = w * 8, e = nb < b + 8 ? nb : b + 8; b < e; b++, vw >>= 8) {
      __mmask8 v = (__mmask8)vw;
      if (!v) continue;
      __m512i t;
      if (r->brank[b] & ranks) { /* a rank of this block moved: its T again */
        __m512i rk = _mm512_loadu_si512(qrank + 8 * b);
        t = _mm512_set1_epi64(-1);
        UNROLL for (int j = 0; j < nps; j++)
          t = _mm512_min_epu64(t, _mm512_max_epu64(_mm512_loadu_si512(L + j * nqp + 8 * (size_t)b),
                                                   _mm512_permutexvar_epi64(rk, R[j])));
        _mm512_storeu_si512(T + 8 * b, t);
      } else {
        t = _mm512_loadu_si512(T + 8 * b);
      }
      vmin = _mm512_mask_min_epu64(vmin, v, vmin, t);
      m |= (uint64_t)_mm512_mask_cmple_epu64_mask(v, t, vclk) << ((b & 7) * 8);
    }
    rmask[w] = m;
    any |= m;
  }
  return next_avx512(r, clk, rmask, any, vmin);
}

/* The common shape in one tight body: up to 64 queues (one mask word), 4
 * planned slots; the slot minima as a tree. */
AVX512 static uint64_t all_avx512_64x4(ax_dram_ready *r, uint64_t clk, uint64_t *rmask, uint64_t ranks) {
  const uint64_t *R = r->R, *L = r->L;
  size_t nqp = (size_t)r->nqp;
  __m512i vclk = _mm512_set1_epi64((long long)clk), vmin = _mm512_set1_epi64(-1);
  uint64_t vw = r->valid[0] & r->live[0], m = 0;
  for (int b = 0, nb = r->nqp / 8; b < nb; b++) {
    __mmask8 v = (__mmask8)(vw >> (8 * b));
    __m512i t;
    if (r->brank[b] & ranks) {
      const uint64_t *Lb = L + 8 * b;
      __m512i x0, x1, x2, x3;
      int rb = r->brank1[b];
      if (rb >= 0) { /* a block of one rank: its times broadcast */
        x0 = _mm512_set1_epi64((long long)R[r->psr[0] + (uint32_t)rb]);
        x1 = _mm512_set1_epi64((long long)R[r->psr[1] + (uint32_t)rb]);
        x2 = _mm512_set1_epi64((long long)R[r->psr[2] + (uint32_t)rb]);
        x3 = _mm512_set1_epi64((long long)R[r->psr[3] + (uint32_t)rb]);
      } else {
        __m512i rk = _mm512_loadu_si512(r->qrank + 8 * b);
        x0 = _mm512_permutexvar_epi64(rk, _mm512_loadu_si512(R + r->psr[0]));
        x1 = _mm512_permutexvar_epi64(rk, _mm512_loadu_si512(R + r->psr[1]));
        x2 = _mm512_permutexvar_epi64(rk, _mm512_loadu_si512(R + r->psr[2]));
        x3 = _mm512_permutexvar_epi64(rk, _mm512_loadu_si512(R + r->psr[3]));
      }
      __m512i a = _mm512_max_epu64(_mm512_loadu_si512(Lb), x0);
      __m512i c = _mm512_max_epu64(_mm512_loadu_si512(Lb + nqp), x1);
      __m512i d = _mm512_max_epu64(_mm512_loadu_si512(Lb + 2 * nqp), x2);
      __m512i e = _mm512_max_epu64(_mm512_loadu_si512(Lb + 3 * nqp), x3);
      t = _mm512_min_epu64(_mm512_min_epu64(a, c), _mm512_min_epu64(d, e));
      _mm512_storeu_si512(r->T + 8 * b, t);
    } else {
      t = _mm512_loadu_si512(r->T + 8 * b);
    }
    vmin = _mm512_mask_min_epu64(vmin, v, vmin, t);
    m |= (uint64_t)_mm512_mask_cmple_epu64_mask(v, t, vclk) << (8 * b);
  }
  return next64_avx512(r, clk, rmask, vw, m, vmin);
}

AVX512 static uint64_t all_avx512(ax_dram_ready *r, uint64_t clk, uint64_t *rmask, uint64_t ranks) {
  if (r->nq <= 64 && r->nps == 4) return all_avx512_64x4(r, clk, rmask, ranks);
  switch (r->nps) { /* ACT, PRE, RD, WR: 4 when RDA / WRA share RD's / WR's times (every standard here) */
  case 4: return all_avx512_n(r, clk, rmask, ranks, 4);
  default: return all_avx512_n(r, clk, rmask, ranks, r->nps);
  }
}

static const ax_dram_ready_ops avx512_ops = {all_avx512, at_avx512};
#endif

/* n bytes, zeroed, on a 64-byte boundary (see dram_ready.h). */
void *ax_dram_ready_alloc(size_t n) {
  n = (n + 63) / 64 * 64;
  void *p = aligned_alloc(64, n ? n : 64);
  if (p) memset(p, 0, n);
  return p;
}

/* Allocate for nq queues (see dram_ready.h). */
int ax_dram_ready_init(ax_dram_ready *r, int nq, const int *qrank, int nps, const uint8_t *ps, int nranks,
                       const uint64_t *R, int rs, int simd) {
  memset(r, 0, sizeof *r);
  r->nq = nq;
  r->nqp = (nq + 7) / 8 * 8;
  r->nps = nps;
  for (int j = 0; j < nps; j++) r->psr[j] = (uint32_t)ps[j] * (uint32_t)rs;
  r->R = R;
  r->rs = rs;
  int ncw = (nq + 63) / 64;
  r->L = ax_dram_ready_alloc((size_t)AX_DRAM_CMD_STD_N * (size_t)r->nqp * sizeof *r->L);
  r->T = ax_dram_ready_alloc((size_t)r->nqp * sizeof *r->T);
  r->valid = malloc((size_t)ncw * sizeof *r->valid);
  r->live = calloc((size_t)ncw, sizeof *r->live);
  r->qrank = ax_dram_ready_alloc((size_t)r->nqp * sizeof *r->qrank);
  r->brank1 = malloc((size_t)r->nqp / 8 * sizeof *r->brank1);
  r->brank = calloc((size_t)r->nqp / 8, sizeof *r->brank);
  if (!r->L || !r->T || !r->valid || !r->live || !r->qrank || !r->brank || !r->brank1) { ax_dram_ready_free(r); return -1; }
  for (size_t i = 0; i < (size_t)AX_DRAM_CMD_STD_N * (size_t)r->nqp; i++) r->L[i] = AX_DRAM_NEVER;
  for (int q = 0; q < r->nqp; q++) r->T[q] = AX_DRAM_NEVER;
  for (int q = 0; q < nq; q++) {
    r->qrank[q] = qrank[q];
    r->brank[q / 8] |= 1ull << (qrank[q] & 63);
  }
  for (int b = 0; b < r->nqp / 8; b++) { /* a block's one rank, -1 if it has several */
    r->brank1[b] = qrank[8 * b];
    for (int q = 8 * b; q < 8 * b + 8 && q < nq; q++)
      if (qrank[q] != qrank[8 * b]) r->brank1[b] = -1;
  }
  for (int w = 0; w < ncw; w++) r->valid[w] = w == ncw - 1 && nq % 64 ? (1ull << (nq % 64)) - 1 : ~0ull;
  r->ops = &plain_ops;
#ifdef AX_HAVE_AVX512
  if (simd && nranks <= 8 && __builtin_cpu_supports("avx512f")) r->ops = &avx512_ops;
#else
  (void)simd;
#endif
  return 0;
}

/* Set bits of x, by shifts and adds (a baseline x86-64 build has no
 * popcnt instruction: __builtin_popcountll would call libgcc). */
static int popcount64(uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555ull;
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return (int)((x * 0x0101010101010101ull) >> 56);
}

/* Word w of the valid mask. */
void ax_dram_ready_set_valid(ax_dram_ready *r, int w, uint64_t v) {
  r->nwl += popcount64(v & r->live[w]) - popcount64(r->valid[w] & r->live[w]);
  r->valid[w] = v;
}

/* nwl again from the masks, after writing them directly. */
void ax_dram_ready_recount(ax_dram_ready *r) {
  r->nwl = 0;
  for (int w = 0; w < (r->nq + 63) / 64; w++) r->nwl += popcount64(r->valid[w] & r->live[w]);
}

/* Free what init allocated. */
void ax_dram_ready_free(ax_dram_ready *r) {
  free(r->L); free(r->T); free(r->valid); free(r->live); free(r->qrank); free(r->brank); free(r->brank1);
  memset(r, 0, sizeof *r);
}
