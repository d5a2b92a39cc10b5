/*
 * npu_func.h - the Ethos-U55-like NPU's MAC engine (models/npu, whose
 * arch table gives the micro-block) computing real values, and soft errors
 * in its accumulators: a functional mirror of the engine's block shape for
 * fault injection; timing stays with models/npu.
 *
 * A conv / fc layer is the GEMM Z[M][N] = sum_k A[m][k] B[k][n] of
 * sa_func.h (m = y*OW + x, n = output channel, int8 x int8 -> int32
 * wrapping). The engine makes a micro-block of ub_w x ub_h x ub_d outputs at
 * once, each a dot product 8 deep per cycle (MACs = ub_w ub_h ub_d 8,
 * architecture_features.py in Arm's Vela). Schedule (an assumption of this
 * model; Vela gives counts, not the order):
 *   OFM blocks of blk_w x blk_h x blk_d (clipped at the OFM's edges), in the
 *   order y-block, x-block, depth-block (depth innermost); inside a block,
 *   micro-blocks in the order y, x, depth; micro-block i takes nc =
 *   ceil(K / 8) cycles starting at cycle i*nc.
 *   MAC cycle j of a micro-block: acc = (j == 0 ? 0 : acc) + sum of
 *   A[m][k] B[k][n] over k in [8j, 8j + 8); it reads S_{i nc + j} and
 *   writes S_{i nc + j + 1} (S_u: the state in cycle u, as in sa_func.h).
 *   The output unit reads the accumulators in cycle (i+1) nc, the first
 *   cycle of the next micro-block (before its first MAC overwrites them);
 *   the layer lasts D = micro-blocks * nc + 1 cycles.
 * Accumulator (ux, uy, uz) of the micro-block, index (uy ub_w + ux) ub_d +
 * uz, is 32 bits wide (Ethos-U55 accumulates int8 in 32 bits). One outside
 * the OFM (an edge micro-block) holds no live value.
 */
#ifndef AX_NPU_FUNC_H
#define AX_NPU_FUNC_H

#include <stddef.h>
#include <stdint.h>

#include "npu/npu_perf.h"
#include "sa_func.h"

/* The engine's geometry for one layer. */
typedef struct ax_npuf_geom {
  uint32_t oh, ow, oc, k;      /* OFM, reduction depth */
  uint32_t uw, uh, ud;         /* micro-block */
  uint32_t bw, bh, bd;         /* OFM block (clipped) */
  uint64_t nmb, nc, cycles;    /* micro-blocks, cycles each, layer cycles D */
} ax_npuf_geom;

/* Geometry of a layer with OFM oh x ow x oc and reduction depth k. */
void ax_npuf_geom_of(const ax_npu_arch *a, uint32_t oh, uint32_t ow, uint32_t oc, uint32_t k,
                     ax_npuf_geom *g);
/* Accumulators of the engine (ub_w ub_h ub_d). */
uint32_t ax_npuf_accs(const ax_npu_arch *a);
/* Output (m, n) accumulator acc holds in micro-block i; 0 if none (edge). */
int ax_npuf_output(const ax_npuf_geom *g, uint64_t i, uint32_t acc, uint32_t *m, uint32_t *n);
/* A fault in accumulator f->word (site AX_SAF_NPU_ACC) applied to Z, the
 * fault-free outputs: closed form from the schedule. Returns how many
 * outputs changed. */
size_t ax_npuf_apply(const ax_npuf_geom *g, const ax_saf_gemm *gm, const ax_saf_fault *f,
                     int32_t *z);
/* The slow reference: every cycle, every accumulator, with the fault
 * (NULL: none); the outputs the output unit reads. */
void ax_npuf_ref_run(const ax_npuf_geom *g, const ax_saf_gemm *gm, const ax_saf_fault *f,
                     int32_t *z);

#endif
