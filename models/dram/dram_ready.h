/*
 * dram_ready.h - when each command queue of a controller can next issue,
 * for all queues at once (the controller's inner loop, dram_ctrl.c).
 *
 * A command's earliest issue cycle is the max of its bank's, its bank
 * group's and its rank's times for that command (dram_ctrl.c). The first
 * two change only when a command goes to that bank group, so the
 * controller keeps them folded per queue and planned command slot: the
 * queue's "local" time L[j][q] (NEVER: nothing of slot j planned). The
 * rank's times R[j][r] change on almost every command, so they are applied
 * here, for every queue in one pass:
 *     T[q] = min over j of max(L[j][q], R[j][rank of q])
 * is the exact first cycle queue q has a command ready. The pass is a few
 * vector instructions per 8 queues where the CPU has AVX-512, plain loops
 * elsewhere; both give the same numbers.
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
  uint64_t (*at)(const ax_dram_ready *r, uint64_t clk, uint64_t *rmask);
} ax_dram_ready_ops;

struct ax_dram_ready {
  int nq, nqp;                 /* queues, and rounded up to a multiple of 8 (padding: L = NEVER, not valid) */
  int nps, rs;                 /* planned slots; row stride of R (>= 8, >= ranks) */
  uint8_t ps[8];               /* the planned slots: L's row j is slot ps[j] */
  uint32_t psr[8];             /* ps[j] * rs: where slot j's rank times start in R */
  uint64_t *L;                 /* [nps][nqp] (AX_DRAM_CMD_STD_N rows allocated: the caller may write them all) */
  const uint64_t *R;           /* rank times, the caller's: slot k of rank r at R[k * rs + r] */
  uint64_t *T;                 /* [nqp] */
  uint64_t *valid;             /* [(nq + 63) / 64]: queues that may be looked at (`at` trusts their T:
                                * run `all` after making one valid) */
  uint64_t *live;              /* [(nq + 63) / 64]: queues with something planned, the caller's to
                                * keep (the passes skip the others; their T goes stale) */
  int64_t *qrank;              /* [nqp]: rank of each queue (0 for padding) */
  uint64_t *brank;             /* [nqp / 8]: per block of 8, bit r & 63 for each rank in it */
  int *brank1;                 /* [nqp / 8]: a block's one rank, -1 if it has several */
  const ax_dram_ready_ops *ops;
};

/* Allocate for nq queues of ranks qrank[], nps planned slots ps[] and
 * nranks ranks whose times R has (stride rs, >= 8 and >= nranks); every
 * L NEVER, every queue valid, none live. simd = 0 forces the plain loops. -1 on no
 * memory. */
int ax_dram_ready_init(ax_dram_ready *r, int nq, const int *qrank, int nps, const uint8_t *ps, int nranks,
                       const uint64_t *R, int rs, int simd);

/* Free what init allocated. */
void ax_dram_ready_free(ax_dram_ready *r);

/* Whether the vector pass is in use (the CPU has it and it was not turned off). */
int ax_dram_ready_simd(const ax_dram_ready *r);

#endif
