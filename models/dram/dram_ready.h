/*
 * dram_ready.h - when each command queue of a controller can next issue,
 * for all queues at once (the controller's inner loop, dram_ctrl.c).
 *
 * A command's earliest issue cycle is the max of its bank's, its bank
 * group's and its rank's times for that command (dram_ctrl.c). The first
 * two change only when a command goes to that bank group, so the
 * controller keeps them folded per queue and planned command slot: the
 * queue's "local" time L[j][q] (NEVER: nothing of slot j planned). The
 * rank's times R change on almost every command, so they are applied
 * here, to the queues of the ranks a command touched, in one pass:
 *     T[q] = min over j of max(L[j][q], R[slot ps[j]][rank of q])
 * is the exact first cycle queue q has a command ready. The pass answers
 * the first cycle >= now at which a queue is ready and which ones are. It
 * is a few vector instructions per 16 queues where the CPU has AVX-512,
 * plain loops elsewhere or when at most 4 queues are worth a look; both
 * give the same answers (AXSIM_DRAM_NO_SIMD=1 in the environment forces
 * the plain loops, for tests).
 *
 * L and T are kept in 32 bits, counted from a base cycle (ax_dram_ready_rel):
 * a vector holds 16 of them instead of 8, and their min and max take a
 * cycle where the 64-bit ones take three (the pass was ~26 % of a random
 * read, docs/dram.md). A time before the base counts as the base (it is
 * past: only whether it is <= the current cycle matters), NEVER as
 * UINT32_MAX. The caller moves the base up (ax_dram_ready_rebase) before
 * the cycle gets AX_DRAM_READY_SPAN past it, so that every time it stores
 * (the current cycle plus a command's latency at most) fits.
 */
#ifndef AX_DRAM_READY_H
#define AX_DRAM_READY_H

#include <stdint.h>

typedef struct ax_dram_ready ax_dram_ready;

typedef struct ax_dram_ready_ops {
  /* T again for every valid live queue of a rank in `ranks` (bit r & 63;
   * the others' T are current, the dead queues' go stale); returns the
   * first cycle >= clk at which a valid live queue is ready (its least T,
   * NEVER if none) and sets rmask to the queues ready then. */
  uint64_t (*all)(ax_dram_ready *r, uint64_t clk, uint64_t *rmask, uint64_t ranks);
  /* The same from the current T, none computed again. */
  uint64_t (*at)(ax_dram_ready *r, uint64_t clk, uint64_t *rmask);
} ax_dram_ready_ops;

struct ax_dram_ready {
  int nq, nqp;                 /* queues, and rounded up to a multiple of 16 (padding: L = NEVER, not valid) */
  int nps, rs;                 /* planned slots; row stride of R (>= 8, >= ranks) */
  uint32_t psr[8];             /* ps[j] * rs: where L's row j (slot ps[j]) finds its rank times in R */
  uint64_t base;               /* the cycle L and T count from */
  uint32_t *L;                 /* [nps][nqp], from base (AX_DRAM_CMD_STD_N rows allocated: the caller may write them all) */
  const uint32_t *R;           /* rank times, the caller's, from the same base: slot k of rank r at R[k * rs + r] */
  uint32_t *T;                 /* [nqp], from base */
  uint64_t *valid;             /* [(nq + 63) / 64]: queues that may be looked at, set through set_valid (`at` trusts their T:
                                * run `all` for every rank after making one valid) */
  uint64_t *live;              /* [(nq + 63) / 64]: queues with something planned, the caller's to
                                * keep through set_live (the passes skip the others; their T goes stale) */
  int nwl;                     /* valid live queues: kept by set_live / set_valid (recount after
                                * writing the masks directly) */
  uint64_t next;               /* with next_ok: the valid live queues whose T is the last answer + 1 (the
                                * queues that join rmask one cycle later; the vector pass for one mask word
                                * finds them, the others clear next_ok) */
  int next_ok;
  int32_t *qrank;              /* [nqp]: rank of each queue (0 for padding) */
  uint64_t *brank;             /* [nqp / 16]: per block of 16, bit r & 63 for each rank in it */
  int *brank1;                 /* [nqp / 16]: a block's one rank, -1 if it has several */
  const ax_dram_ready_ops *ops;
};

/* How far the cycle may run ahead of the base before a rebase: 2^30, so
 * that a stored time (the cycle plus a command's latency: sums of a few
 * timing values, each at most 10^7 cycles by dram_cfg.c) stays far below
 * UINT32_MAX. */
#define AX_DRAM_READY_SPAN (1ull << 30)

/* Time x (a cycle, or NEVER) counted from r's base, in 32 bits. */
static inline uint32_t ax_dram_ready_rel(const ax_dram_ready *r, uint64_t x) {
  uint64_t d = x > r->base ? x - r->base : 0;
  return d < 0xffffffffull ? (uint32_t)d : 0xffffffffu;
}

/* The cycle of a time t counted from r's base (UINT32_MAX: NEVER). */
static inline uint64_t ax_dram_ready_abs(const ax_dram_ready *r, uint32_t t) {
  return t == 0xffffffffu ? UINT64_MAX : r->base + t;
}

/* L[j][q] = time x (a cycle). */
static inline void ax_dram_ready_set_l(ax_dram_ready *r, int j, int q, uint64_t x) {
  r->L[(size_t)j * (size_t)r->nqp + (size_t)q] = ax_dram_ready_rel(r, x);
}

/* T[q] as a cycle. */
static inline uint64_t ax_dram_ready_t(const ax_dram_ready *r, int q) { return ax_dram_ready_abs(r, r->T[q]); }

/* Count L and T from cycle clk (>= the base) from now on (the caller
 * shifts its R, and its other times, with ax_dram_ready_shift). */
void ax_dram_ready_rebase(ax_dram_ready *r, uint64_t clk);

/* Times a[0 .. n) counted d cycles later (a time before that as 0, NEVER
 * kept). */
void ax_dram_ready_shift(uint32_t *a, size_t n, uint64_t d);

/* Allocate for nq queues of ranks qrank[], nps planned slots ps[] and
 * nranks ranks whose times R has (stride rs, >= 8 and >= nranks); every
 * L NEVER, every queue valid, none live. simd = 0 forces the plain
 * loops. -1 on no memory. */
int ax_dram_ready_init(ax_dram_ready *r, int nq, const int *qrank, int nps, const uint8_t *ps, int nranks,
                       const uint32_t *R, int rs, int simd);

/* Free what init allocated. */
void ax_dram_ready_free(ax_dram_ready *r);

/* n bytes, zeroed, on a 64-byte boundary, for arrays the pass reads as
 * 64-byte rows (its own, and the caller's rank times): each load then
 * reads one cache line (malloc's 16-byte alignment split most of them over
 * two). NULL on no memory; free() frees it. */
void *ax_dram_ready_alloc(size_t n);

/* ---- the plain pass, inline: with a few queues to look at it beats the
 * vector one, and the controller's hot loop inlines it ---- */

/* The valid live queues with T <= t (from the base) into rmask. */
static inline void ax_dram_ready_mask_plain(const ax_dram_ready *r, uint32_t t, uint64_t *rmask) {
  for (int w = 0; w < (r->nq + 63) / 64; w++) {
    uint64_t m = 0;
    for (uint64_t x = r->valid[w] & r->live[w]; x; x &= x - 1)
      m |= r->T[w * 64 + __builtin_ctzll(x)] <= t ? x & -x : 0;
    rmask[w] = m;
  }
}

/* ops->at by plain loops. */
static inline uint64_t ax_dram_ready_at_plain(ax_dram_ready *r, uint64_t clk, uint64_t *rmask) {
  uint32_t tmin = 0xffffffffu, c = ax_dram_ready_rel(r, clk);
  uint64_t any = 0;
  for (int w = 0; w < (r->nq + 63) / 64; w++) {
    uint64_t m = 0;
    for (uint64_t x = r->valid[w] & r->live[w]; x; x &= x - 1) {
      uint32_t t = r->T[w * 64 + __builtin_ctzll(x)];
      m |= t <= c ? x & -x : 0;
      tmin = t < tmin ? t : tmin;
    }
    rmask[w] = m;
    any |= m;
  }
  r->next_ok = 0;
  if (any) return clk;
  if (tmin != 0xffffffffu) ax_dram_ready_mask_plain(r, tmin, rmask);
  return ax_dram_ready_abs(r, tmin);
}

/* T of queue q from its L and its rank's R, from the base. */
static inline uint32_t ax_dram_ready_queue_t32(const ax_dram_ready *r, int q) {
  const uint32_t *L = r->L + q, *R = r->R + r->qrank[q];
  uint32_t t = 0xffffffffu;
  for (int j = 0; j < r->nps; j++, L += r->nqp) {
    uint32_t l = *L, y = R[r->psr[j]];
    l = l > y ? l : y;
    t = l < t ? l : t;
  }
  return t;
}

/* ops->all by plain loops. */
static inline uint64_t ax_dram_ready_all_plain(ax_dram_ready *r, uint64_t clk, uint64_t *rmask, uint64_t ranks) {
  for (int w = 0; w < (r->nq + 63) / 64; w++)
    for (uint64_t x = r->valid[w] & r->live[w]; x; x &= x - 1) {
      int q = w * 64 + __builtin_ctzll(x);
      if (ranks >> (r->qrank[q] & 63) & 1) r->T[q] = ax_dram_ready_queue_t32(r, q);
    }
  return ax_dram_ready_at_plain(r, clk, rmask);
}

/* Queue q live (something planned) or not. */
static inline void ax_dram_ready_set_live(ax_dram_ready *r, int q, int on) {
  uint64_t bit = 1ull << (q & 63), *lw = &r->live[q >> 6];
  if (r->valid[q >> 6] & bit) r->nwl += (on != 0) - ((*lw & bit) != 0);
  *lw = on ? *lw | bit : *lw & ~bit;
}

/* Word w of the valid mask. */
void ax_dram_ready_set_valid(ax_dram_ready *r, int w, uint64_t v);

/* nwl again from the masks, after writing them directly. */
void ax_dram_ready_recount(ax_dram_ready *r);

/* Whether at most 4 queues are worth a look (valid and live). 4: with the
 * vector pass on every call the sequential bench (1-2 queues busy) ran
 * 6.6 M req/s against 7.4 before the pass; 8 measured no different on
 * bench_dram (docs/dram.md). A count kept on each change: counting the
 * mask's bits on each look was 2 % of a random run. */
static inline int ax_dram_ready_few(const ax_dram_ready *r) { return r->nwl <= 4; }

/* ops->all, plain when a few queues are worth a look. */
static inline uint64_t ax_dram_ready_all(ax_dram_ready *r, uint64_t clk, uint64_t *rmask, uint64_t ranks) {
  return ax_dram_ready_few(r) ? ax_dram_ready_all_plain(r, clk, rmask, ranks) : r->ops->all(r, clk, rmask, ranks);
}

/* ops->at, plain when a few queues are worth a look. */
static inline uint64_t ax_dram_ready_at(ax_dram_ready *r, uint64_t clk, uint64_t *rmask) {
  return ax_dram_ready_few(r) ? ax_dram_ready_at_plain(r, clk, rmask) : r->ops->at(r, clk, rmask);
}

#endif
