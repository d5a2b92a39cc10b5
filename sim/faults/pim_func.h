/*
 * pim_func.h - bank-level PIM (models/pim: AiM / HBM-PIM / PIM-GPT style)
 * computing real values, and soft errors in its banks' partial-sum
 * registers: a functional mirror of models/pim's partitioning and command
 * order for fault injection; timing stays with models/pim.
 *
 * A layer Z[M][N] = sum_k A[m][k] B[k][n] runs as M GEMVs (pim_gemv.h's
 * `vectors`, one after another) of W = B^T (N rows of K) with x = A[m].
 * Partitioning and order are pim_gemv.c's: output row r goes to channel
 * r % C, bank (r / C) % B, group r / (C B); each bank has `accs` partial-sum
 * registers, so a block of accs groups is computed at once; a block walks
 * the chunks c of K (a DRAM row, epr = row_bytes elements each), and for
 * each chunk the block's groups i = 0, 1, ... (one tile each: ACT_AB, then
 * its MAC_AB columns j, each adding the dot product of cpe = col_bytes
 * elements into register i of every bank, then PRE_AB); then the block's
 * registers are read out. Elements are int8, partial sums 32 bits, wrapping
 * (the digits and tinylm models are int8; AiM's MAC unit is bf16).
 *
 * Time: a fault's `cycle` counts MAC_AB commands of its channel, plus one
 * step per block readout (all banks of a channel act in lockstep). The
 * first MAC of a register in a block overwrites it; the readout reads S of
 * its step. The layer lasts the busiest channel's steps. (Sampling is
 * uniform over steps, not DRAM cycles: the spacing of MAC_AB commands is
 * tCCD_L, the row commands take longer, see docs/faults.md.)
 */
#ifndef AX_PIM_FUNC_H
#define AX_PIM_FUNC_H

#include <stddef.h>
#include <stdint.h>

#include "sa_func.h"

/* A PIM memory's resources (models/pim's parameters of the same names). */
typedef struct ax_pimf_cfg {
  uint32_t channels, banks, accs, row_bytes, col_bytes;
} ax_pimf_cfg;

typedef struct ax_pimf_geom {
  uint32_t channels, banks, accs;
  uint32_t epr, cpe;           /* elements per DRAM row, per MAC_AB */
  uint32_t vectors, rows, k;   /* GEMM M, N, K */
  uint64_t chunk_cols;         /* MAC_AB columns of one group over all chunks */
  uint64_t steps;              /* steps of the busiest channel: the layer's length */
} ax_pimf_geom;

/* Geometry of a layer (M x K times K x N) on channels x banks MAC units with
 * accs registers, row_bytes pages and col_bytes per MAC_AB (int8). */
void ax_pimf_geom_of(uint32_t channels, uint32_t banks, uint32_t accs, uint32_t row_bytes,
                     uint32_t col_bytes, uint32_t m, uint32_t n, uint32_t k, ax_pimf_geom *g);
/* ax_pimf_geom_of with the resources of p. */
void ax_pimf_geom_cfg(const ax_pimf_cfg *p, uint32_t m, uint32_t n, uint32_t k, ax_pimf_geom *g);
/* Partial-sum registers in all (channels x banks x accs). */
uint64_t ax_pimf_regs(const ax_pimf_geom *g);
/* A fault in register f->word (site AX_SAF_PIM_ACC; word = (channel banks +
 * bank) accs + register) at step f->cycle applied to Z (the fault-free
 * outputs): closed form. Returns how many outputs changed. */
size_t ax_pimf_apply(const ax_pimf_geom *g, const ax_saf_gemm *gm, const ax_saf_fault *f,
                     int32_t *z);
/* The slow reference: every channel's command stream step by step, every
 * register of every bank, with the fault (NULL: none). */
void ax_pimf_ref_run(const ax_pimf_geom *g, const ax_saf_gemm *gm, const ax_saf_fault *f,
                     int32_t *z);

#endif
