/*
 * sa_func.h - the systolic array computing real values, and soft errors in
 * it: a fault in an SRAM word or a PE register at a cycle, mapped through
 * the dataflow schedule to the GEMM outputs it changes.
 *
 * A layer is a GEMM Z[M][N] = sum_k A[m][k] * B[k][n], int8 operands,
 * int32 accumulation wrapping modulo 2^32. A is read from the ifmap SRAM
 * (pixels; an index map gives the pixel behind A[m][k], which is what makes
 * im2col windows share words), B from the filter SRAM (word k*N + n), Z is
 * written to the ofmap SRAM (int32 word m*N + n). Folds follow
 * systolic_map.h (column fold outer, fold i starts at cycle i*F).
 *
 * Cycle semantics (one definition shared by the fast mapping and the slow
 * per-PE reference, ax_saf_ref_run): S_u is the state (SRAM words and PE
 * registers) during cycle u. A fault at cycle u changes S_u before anything
 * reads it: a transient flip XORs the mask into S_u once; a stuck-at forces
 * the masked bits in every S_v, v >= u. Cycle u then reads S_u and the
 * clock edge at its end makes S_{u+1}. SRAM reads have one cycle latency
 * (the value read in cycle u sits in the edge PE's register in S_{u+1}).
 * Fold-local cycle u = cycle - i*F, R x C array, ru x cu of it used:
 *
 *   os  PE(r,c) holds output (m0+r, n0+c); F = K + R + C - 2.
 *       A[m0+r][t] read at u = t + r, in h(r,c) at S_{t+r+c+1};
 *       B[t][n0+c] read at u = t + c, in v(r,c) at S_{t+r+c+1};
 *       MAC in cycle t+r+c+1: acc = (t == 0 ? 0 : acc) + h*v;
 *       drain: ofmap word written with acc of S_{K+r+c+1} in that cycle.
 *   ws / is  streamed X [T x Kd], stationary Y [Kd x S]; ws: X = A, Y = B
 *       (T = M, S = N); is: X = B^T, Y = A^T (T = N, S = M), Z' = Z^T.
 *       F = 2R + C + T - 2. Preload: Y[k0+j][s0+c] read at u = R-1-j,
 *       shifted down v(r) <- v(r-1) in cycles 0..R-1, in v(j,c) from S_R.
 *       X[t][k0+r] read at u = R + t + r, in h(r,c) at S_{R+t+r+c+1};
 *       MAC in cycle R+t+r+c+1: p(r,c) = p(r-1,c) + h*v (p(-1) = 0);
 *       drain in cycle 2R+t+c+1 of p(R-1,c): the first row fold writes the
 *       ofmap word, later row folds read-modify-write it.
 *   The layer lasts D = folds*F + 3 cycles; the post-processing reads the
 *   ofmap SRAM in cycle D-1. Unused rows / columns are fed zeros; a value
 *   that reaches no drained output is masked.
 *
 * Physical PE registers: h (moves right), v (moves down; stationary in ws /
 * is) and acc (os accumulator; ws / is partial sum moving down). Which
 * operand each holds depends on the dataflow (ax_saf_site_reg).
 *
 * Control state (sa_ctrl.c): the sequencer's fold counter, a 16-bit
 * register (sized for up to 65535 folds). In cycle s*F (slot s) the
 * sequencer reads it: equal to the layer's fold count -> done (the layer
 * then lasts D' = s*F + 3 cycles, the post-processing reads S_{D'-1});
 * otherwise slot s runs fold `counter` (its base addresses and write /
 * accumulate mode latched then) and the counter becomes counter + 1 mod
 * 2^16 at the end of the cycle. A fold index >= the fold count addresses no
 * tensor element (the address generator's bounds check gates its reads to
 * zero and its writes off). A watchdog stops a layer still running at 2 D
 * cycles: `hang`. Ofmap words that no fold writes read as 0 (the buffer
 * is cleared for each layer, as the reference always assumed).
 */
#ifndef AX_SA_FUNC_H
#define AX_SA_FUNC_H

#include <stddef.h>
#include <stdint.h>

#include "systolic_map.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fault sites of the array, each a structure with words of a fixed width. */
typedef enum ax_saf_site {
  AX_SAF_IFMAP_SRAM = 0, /* int8 words: input activations */
  AX_SAF_FILTER_SRAM,    /* int8 words: weights */
  AX_SAF_OFMAP_SRAM,     /* int32 words: outputs / partial sums */
  AX_SAF_PE_IFMAP,       /* 8-bit PE register holding an input activation */
  AX_SAF_PE_WEIGHT,      /* 8-bit PE register holding a weight */
  AX_SAF_PE_ACC,         /* 32-bit PE accumulator / partial-sum register */
  AX_SAF_CTRL_FOLD,      /* 16-bit fold counter of the sequencer (one word) */
  AX_SAF_DRAM_WEIGHT,    /* not in the array: a 72-bit ECC word of the weight memory in
                          * DRAM (the campaign handles it; ax_saf_apply ignores it) */
  AX_SAF_NPU_ACC,        /* not in the array: a 32-bit accumulator of the NPU's MAC
                          * engine (sim/faults/npu_func.h; ax_saf_apply ignores it) */
  AX_SAF_PIM_ACC,        /* not in the array: a 32-bit partial-sum register of a PIM
                          * bank's MAC unit (sim/faults/pim_func.h; ignored here) */
  AX_SAF_NSITES
} ax_saf_site;
/* The sites inside the array (ax_saf_apply / ax_saf_ref_run model them). */
#define AX_SAF_ARRAY_NSITES AX_SAF_DRAM_WEIGHT

/* A fault: which word, which bits, when, transient or stuck. */
typedef struct ax_saf_fault {
  ax_saf_site site;
  uint32_t word;   /* SRAM word, or PE index r*C + c */
  uint32_t mask;   /* bits flipped / forced within the word */
  uint32_t value;  /* stuck-at: forced bit values (under mask) */
  int stuck;       /* 0: flip once in S_cycle; 1: forced in every S_v, v >= cycle */
  int64_t cycle;   /* layer-relative cycle */
} ax_saf_fault;

/* One layer's operands as the array sees them. */
typedef struct ax_saf_gemm {
  uint32_t m, n, k;
  const int8_t *ifmap;     /* ifmap SRAM content */
  uint32_t ifmap_words;
  const int32_t *aidx;     /* A[m][k] = ifmap[aidx[m*K + k]]; NULL: identity */
  const int8_t *w;         /* B[k][n], filter SRAM content (K*N words) */
  /* inverse of aidx (CSR): uses of ifmap word x are use[use_at[x] .. use_at[x+1]) */
  const uint32_t *use_at, *use;
} ax_saf_gemm;

/* ax_saf_apply's answer when the fault makes the layer hang (watchdog). */
#define AX_SAF_HANG ((size_t)-1)
/* Bits of the sequencer's fold counter. */
#define AX_SAF_FOLD_BITS 16

/* Name of a site ("ifmap_sram", ...). */
const char *ax_saf_site_name(ax_saf_site s);
/* Parse a site name; -1 if unknown. */
int ax_saf_site_parse(const char *s);
/* Bits per word of a site. */
unsigned ax_saf_site_bits(ax_saf_site s);
/* Physical PE register ('h', 'v' or 'a') holding a PE site under a dataflow. */
char ax_saf_site_reg(ax_sa_dataflow df, ax_saf_site s);

/* Cycles the layer occupies (D above). */
uint64_t ax_saf_cycles(const ax_sa_array *a, const ax_saf_gemm *g);
/* The fault-free outputs Z (M*N int32). */
void ax_saf_golden(const ax_saf_gemm *g, int32_t *z);
/* Apply a fault to Z, which holds the fault-free outputs on entry: the fast
 * mapping (closed-form inversion of the schedule, recomputing only outputs
 * the fault reaches). The index of every output it changed is appended to
 * touched (may repeat; at most tcap are stored) when touched is not NULL.
 * Returns how many changes there were: more than tcap means the list is
 * incomplete (treat every output as touched); 0 means Z is unchanged;
 * AX_SAF_HANG means the layer never finishes (the watchdog stops it; Z is
 * then left as it was). */
size_t ax_saf_apply(const ax_sa_array *a, const ax_saf_gemm *g, const ax_saf_fault *f,
                    int32_t *z, uint32_t *touched, size_t tcap);
/* The slow reference: simulate every cycle and every PE holding real values,
 * and the sequencer's fold counter, inject f (NULL: none) and return the
 * outputs the post-processing reads. Returns 1 (z untouched) when the
 * watchdog stops the layer, else 0. */
int ax_saf_ref_run(const ax_sa_array *a, const ax_saf_gemm *g, const ax_saf_fault *f,
                   int32_t *z);
/* The folds the sequencer runs under fault f (a ctrl_fold fault, or NULL):
 * slot s runs fold seq[s] (at most cap stored; an index >= the fold count
 * is gated). *nslots gets the slots before done. Returns 1 if the watchdog
 * stops the layer (slots * F + 3 > 2 D), else 0. */
int ax_saf_fold_seq(const ax_sa_array *a, const ax_saf_gemm *g, const ax_saf_fault *f,
                    uint32_t *seq, size_t cap, size_t *nslots);
/* The fold-counter fault applied to Z (the fault-free outputs): the GEMM
 * redone fold by fold in the sequence the counter produces (used by
 * ax_saf_apply; arguments and answer as there). */
size_t ax_saf_ctrl_apply(const ax_sa_array *a, const ax_saf_gemm *g, const ax_saf_fault *f,
                         int32_t *z, uint32_t *touched, size_t tcap);

/* Build the inverse index (use_at: words+1 entries, use: M*K entries) of
 * aidx; both caller-allocated. */
void ax_saf_build_uses(const int32_t *aidx, uint32_t m, uint32_t k, uint32_t words,
                       uint32_t *use_at, uint32_t *use);

#ifdef __cplusplus
}
#endif
#endif
