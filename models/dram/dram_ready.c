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

static uint64_t at_plain(ax_dram_ready *r, uint64_t clk, uint64_t *rmask) {
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

/* Block b's (16 queues') rank times of the slot whose row starts at
 * R + psr, from the base: one broadcast when the block is of one rank,
 * else the row's ranks (8 at most) picked per queue. */
__attribute__((always_inline)) AVX512 static inline __m512i rank_row(const ax_dram_ready *r, int b, uint32_t psr) {
  int rb = r->brank1[b];
  if (rb >= 0) return _mm512_set1_epi32((int)r->R[psr + (uint32_t)rb]);
  __m256i row = _mm256_loadu_si256((const __m256i *)(r->R + psr)); /* 8 ranks (rs >= 8) */
  return _mm512_permutexvar_epi32(_mm512_loadu_si512(r->qrank + 16 * b), _mm512_castsi256_si512(row));
}

/* The valid live queues with T <= t (from the base) into rmask. */
AVX512 static inline void mask_avx512(const ax_dram_ready *r, uint32_t t, uint64_t *rmask) {
  __m512i vt = _mm512_set1_epi32((int)t);
  int nb = r->nqp / 16;
  for (int w = 0; w * 4 < nb; w++) {
    uint64_t m = 0, vw = r->valid[w] & r->live[w];
    for (int b = w * 4, e = nb < b + 4 ? nb : b + 4; b < e; b++, vw >>= 16)
      m |= (uint64_t)_mm512_mask_cmple_epu32_mask((__mmask16)vw, _mm512_loadu_si512(r->T + 16 * b), vt) << ((b & 3) * 16);
    rmask[w] = m;
  }
}

/* rmask at clk from the blocks' compares (any: some queue ready), else
 * at the least T (vmin: the blocks' minima). */
AVX512 static inline uint64_t next_avx512(ax_dram_ready *r, uint64_t clk, uint64_t *rmask, uint64_t any,
                                          __m512i vmin) {
  r->next_ok = 0;
  if (any) return clk;
  uint32_t t = _mm512_reduce_min_epu32(vmin);
  if (t != 0xffffffffu) mask_avx512(r, t, rmask);
  return ax_dram_ready_abs(r, t);
}

/* The answer for one mask word (up to 64 queues, vw the valid live ones)
 * from the blocks' T, t[0 .. nb) in registers, without a branch: the
 * queues ready at clk (m) if any, else the least T and the queues at it.
 * Whether one is ready follows the last command, a guess the CPU missed
 * often (docs/dram.md). The least T spread to every lane by a butterfly. */
__attribute__((always_inline)) AVX512 static inline uint64_t pick64_avx512(ax_dram_ready *r, uint64_t clk,
                                                                          uint64_t *rmask, uint64_t vw,
                                                                          const __m512i *t, int nb) {
  __m512i never = _mm512_set1_epi32(-1), vclk = _mm512_set1_epi32((int)ax_dram_ready_rel(r, clk)), y = never;
  uint64_t m = 0, m2 = 0;
  UNROLL for (int b = 0; b < nb; b++) {
    __mmask16 v = (__mmask16)(vw >> (16 * b));
    m |= (uint64_t)_mm512_mask_cmple_epu32_mask(v, t[b], vclk) << (16 * b);
    y = _mm512_mask_min_epu32(y, v, y, t[b]);
  }
  y = _mm512_min_epu32(y, _mm512_shuffle_i64x2(y, y, 0x4e));
  y = _mm512_min_epu32(y, _mm512_shuffle_i64x2(y, y, 0xb1));
  y = _mm512_min_epu32(y, _mm512_shuffle_epi32(y, (_MM_PERM_ENUM)0x4e));
  y = _mm512_min_epu32(y, _mm512_shuffle_epi32(y, (_MM_PERM_ENUM)0xb1));
  uint32_t tmin = (uint32_t)_mm_cvtsi128_si32(_mm512_castsi512_si128(y));
  /* the answer + 1 in every lane: the queues joining one cycle later */
  __m512i y1 = _mm512_add_epi32(_mm512_mask_blend_epi32((__mmask16)(m ? 0xffff : 0), y, vclk), _mm512_set1_epi32(1));
  uint64_t n1 = 0;
  UNROLL for (int b = 0; b < nb; b++) {
    __mmask16 v = (__mmask16)(vw >> (16 * b));
    m2 |= (uint64_t)_mm512_mask_cmple_epu32_mask(v, t[b], y) << (16 * b);
    n1 |= (uint64_t)_mm512_mask_cmpeq_epu32_mask(v, t[b], y1) << (16 * b);
  }
  rmask[0] = m ? m : tmin != 0xffffffffu ? m2 : 0;
  r->next = n1;
  r->next_ok = 1;
  return m ? clk : ax_dram_ready_abs(r, tmin);
}

/* T again for block b (its rank times from the slot rows psr). */
__attribute__((always_inline)) AVX512 static inline __m512i block_t(ax_dram_ready *r, int b, int nps) {
  const uint32_t *Lb = r->L + 16 * (size_t)b;
  size_t nqp = (size_t)r->nqp;
  __m512i t = _mm512_set1_epi32(-1);
  if (nps == 4) { /* the common shape: the slot minima as a tree */
    __m512i a = _mm512_max_epu32(_mm512_loadu_si512(Lb), rank_row(r, b, r->psr[0]));
    __m512i c = _mm512_max_epu32(_mm512_loadu_si512(Lb + nqp), rank_row(r, b, r->psr[1]));
    __m512i d = _mm512_max_epu32(_mm512_loadu_si512(Lb + 2 * nqp), rank_row(r, b, r->psr[2]));
    __m512i e = _mm512_max_epu32(_mm512_loadu_si512(Lb + 3 * nqp), rank_row(r, b, r->psr[3]));
    t = _mm512_min_epu32(_mm512_min_epu32(a, c), _mm512_min_epu32(d, e));
  } else {
    for (int j = 0; j < nps; j++)
      t = _mm512_min_epu32(t, _mm512_max_epu32(_mm512_loadu_si512(Lb + j * nqp), rank_row(r, b, r->psr[j])));
  }
  _mm512_storeu_si512(r->T + 16 * b, t);
  return t;
}

/* at and all for one mask word in nb blocks (a constant where inlined:
 * the loops unroll, every block's T stays in a register). */
__attribute__((always_inline)) AVX512 static inline uint64_t at64_avx512(ax_dram_ready *r, uint64_t clk,
                                                                        uint64_t *rmask, int nb) {
  __m512i t[4];
  UNROLL for (int b = 0; b < nb; b++) t[b] = _mm512_loadu_si512(r->T + 16 * b);
  return pick64_avx512(r, clk, rmask, r->valid[0] & r->live[0], t, nb);
}

__attribute__((always_inline)) AVX512 static inline uint64_t all64_avx512(ax_dram_ready *r, uint64_t clk,
                                                                         uint64_t *rmask, uint64_t ranks, int nb) {
  __m512i t[4];
  int nps = r->nps;
  UNROLL for (int b = 0; b < nb; b++)
    t[b] = r->brank[b] & ranks ? (nps == 4 ? block_t(r, b, 4) : block_t(r, b, nps))
                               : _mm512_loadu_si512(r->T + 16 * b);
  return pick64_avx512(r, clk, rmask, r->valid[0] & r->live[0], t, nb);
}

/* ops->at with AVX-512, for more than one mask word (the one-word shapes
 * have their own functions, below). */
AVX512 static uint64_t at_avx512(ax_dram_ready *r, uint64_t clk, uint64_t *rmask) {
  int nb = r->nqp / 16;
  __m512i vmin = _mm512_set1_epi32(-1), vclk = _mm512_set1_epi32((int)ax_dram_ready_rel(r, clk));
  uint64_t any = 0;
  for (int w = 0; w * 4 < nb; w++) {
    uint64_t m = 0, vw = r->valid[w] & r->live[w];
    for (int b = w * 4, e = nb < b + 4 ? nb : b + 4; b < e; b++, vw >>= 16) {
      __m512i t = _mm512_loadu_si512(r->T + 16 * b);
      vmin = _mm512_mask_min_epu32(vmin, (__mmask16)vw, vmin, t);
      m |= (uint64_t)_mm512_mask_cmple_epu32_mask((__mmask16)vw, t, vclk) << ((b & 3) * 16);
    }
    rmask[w] = m;
    any |= m;
  }
  return next_avx512(r, clk, rmask, any, vmin);
}

/* ops->all with AVX-512: T again for the blocks of a rank in `ranks`;
 * for more than one mask word, as at_avx512. */
AVX512 static uint64_t all_avx512(ax_dram_ready *r, uint64_t clk, uint64_t *rmask, uint64_t ranks) {
  int nb = r->nqp / 16, nps = r->nps;
  __m512i vmin = _mm512_set1_epi32(-1), vclk = _mm512_set1_epi32((int)ax_dram_ready_rel(r, clk));
  uint64_t any = 0;
  for (int w = 0; w * 4 < nb; w++) {
    uint64_t m = 0, vw = r->valid[w] & r->live[w];
    for (int b = w * 4, e = nb < b + 4 ? nb : b + 4; b < e; b++, vw >>= 16) {
      __mmask16 v = (__mmask16)vw;
      if (!v) continue;
      __m512i t = r->brank[b] & ranks ? block_t(r, b, nps) : _mm512_loadu_si512(r->T + 16 * b);
      vmin = _mm512_mask_min_epu32(vmin, v, vmin, t);
      m |= (uint64_t)_mm512_mask_cmple_epu32_mask(v, t, vclk) << ((b & 3) * 16);
    }
    rmask[w] = m;
    any |= m;
  }
  return next_avx512(r, clk, rmask, any, vmin);
}

/* The one-word shapes (up to 4 blocks of 16 queues) as their own
 * functions, chosen at init: no dispatch on the block count in the pass
 * (random reads 1.013, profile-guided 1.018: docs/dram.md). */
#define AX_ONE_WORD(nb)                                                                                    \
  AVX512 static uint64_t all_avx512_##nb(ax_dram_ready *r, uint64_t clk, uint64_t *rmask, uint64_t ranks) { \
    return all64_avx512(r, clk, rmask, ranks, nb);                                                         \
  }                                                                                                        \
  AVX512 static uint64_t at_avx512_##nb(ax_dram_ready *r, uint64_t clk, uint64_t *rmask) {                 \
    return at64_avx512(r, clk, rmask, nb);                                                                 \
  }
AX_ONE_WORD(1)
AX_ONE_WORD(2)
AX_ONE_WORD(3)
AX_ONE_WORD(4)

static const ax_dram_ready_ops avx512_ops = {all_avx512, at_avx512},
                               avx512_ops_nb[4] = {{all_avx512_1, at_avx512_1}, {all_avx512_2, at_avx512_2},
                                                   {all_avx512_3, at_avx512_3}, {all_avx512_4, at_avx512_4}};
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
                       const uint32_t *R, int rs, int simd) {
  memset(r, 0, sizeof *r);
  r->nq = nq;
  r->nqp = (nq + 15) / 16 * 16;
  r->nps = nps;
  for (int j = 0; j < nps; j++) r->psr[j] = (uint32_t)ps[j] * (uint32_t)rs;
  r->R = R;
  r->rs = rs;
  int ncw = (nq + 63) / 64, nb = r->nqp / 16;
  r->L = ax_dram_ready_alloc((size_t)AX_DRAM_CMD_STD_N * (size_t)r->nqp * sizeof *r->L);
  r->T = ax_dram_ready_alloc((size_t)r->nqp * sizeof *r->T);
  r->valid = malloc((size_t)ncw * sizeof *r->valid);
  r->live = calloc((size_t)ncw, sizeof *r->live);
  r->qrank = ax_dram_ready_alloc((size_t)r->nqp * sizeof *r->qrank);
  r->brank1 = malloc((size_t)nb * sizeof *r->brank1);
  r->brank = calloc((size_t)nb, sizeof *r->brank);
  if (!r->L || !r->T || !r->valid || !r->live || !r->qrank || !r->brank || !r->brank1) { ax_dram_ready_free(r); return -1; }
  memset(r->L, 0xff, (size_t)AX_DRAM_CMD_STD_N * (size_t)r->nqp * sizeof *r->L); /* NEVER */
  memset(r->T, 0xff, (size_t)r->nqp * sizeof *r->T);
  for (int q = 0; q < nq; q++) {
    r->qrank[q] = qrank[q];
    r->brank[q / 16] |= 1ull << (qrank[q] & 63);
  }
  for (int b = 0; b < nb; b++) { /* a block's one rank, -1 if it has several */
    r->brank1[b] = qrank[16 * b];
    for (int q = 16 * b; q < 16 * b + 16 && q < nq; q++)
      if (qrank[q] != qrank[16 * b]) r->brank1[b] = -1;
  }
  for (int w = 0; w < ncw; w++) r->valid[w] = w == ncw - 1 && nq % 64 ? (1ull << (nq % 64)) - 1 : ~0ull;
  r->ops = &plain_ops;
#ifdef AX_HAVE_AVX512
  if (simd && nranks <= 8 && __builtin_cpu_supports("avx512f")) r->ops = nb <= 4 ? &avx512_ops_nb[nb - 1] : &avx512_ops;
#else
  (void)simd;
#endif
  return 0;
}

/* Times a[0 .. n) counted d cycles later (see dram_ready.h). */
void ax_dram_ready_shift(uint32_t *a, size_t n, uint64_t d) {
  for (size_t i = 0; i < n; i++)
    if (a[i] != 0xffffffffu) a[i] = a[i] > d ? (uint32_t)(a[i] - d) : 0;
}

/* Count L and T from cycle clk (>= the base) from now on. */
void ax_dram_ready_rebase(ax_dram_ready *r, uint64_t clk) {
  uint64_t d = clk - r->base;
  ax_dram_ready_shift(r->L, (size_t)AX_DRAM_CMD_STD_N * (size_t)r->nqp, d);
  ax_dram_ready_shift(r->T, (size_t)r->nqp, d);
  r->base = clk;
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
