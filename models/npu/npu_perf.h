/*
 * npu_perf.h - the cycle and traffic rules of the Ethos-U55-like NPU, as
 * pure functions so tests can check them by hand (docs/npu.md).
 *
 * Cycle rules follow Arm's Vela compiler performance model
 * (ethos-u-vela, ethosu/vela/npu_performance.py, _estimate_conv_cycles and
 * _estimate_output_cycles_per_element; architecture_features.py for the
 * MAC-engine shapes and output-unit rates), re-implemented here.
 */
#ifndef AX_NPU_PERF_H
#define AX_NPU_PERF_H

#include <stdint.h>

#include "axsim/axsim.h"

/* One MAC-engine configuration (Ethos-U55-32/64/128/256). */
typedef struct ax_npu_arch {
  uint32_t macs;            /* MACs per cycle                                  */
  uint32_t ub_w, ub_h, ub_d;/* OFM micro-block: outputs the engine makes at once */
  double out_cpe[8];        /* output unit cycles per element, Vela's index    */
  double act_cpe[3];        /* activation cycles per element (LUT, relu, none) */
  uint32_t blk_w, blk_h, blk_d; /* OFM block the op is cut into              */
  uint32_t wd_rate;         /* decoded weights per cycle from the weight decoder */
} ax_npu_arch;

/* Fill a for `macs` (32, 64, 128 or 256) with the block shape blk_*
 * (each a multiple of the micro-block) and weight-decode rate wd_rate.
 * -1 with a message if macs is not one of the four configurations. */
int ax_npu_arch_init(ax_npu_arch *a, uint32_t macs, uint32_t blk_w, uint32_t blk_h, uint32_t blk_d,
                     uint32_t wd_rate, char *err, size_t errlen);

/* Kinds of work in Vela's terms. */
typedef enum { AX_NPU_CONV, AX_NPU_DEPTHWISE, AX_NPU_VECPROD, AX_NPU_POOL } ax_npu_blk;

/* One MAC-engine pass: an OFM of oh x ow x oc from an IFM of depth ic
 * through a kh x kw kernel, at `bits` per IFM element. */
typedef struct ax_npu_pass {
  ax_npu_blk type;
  uint64_t oh, ow, oc, ic;
  uint32_t kh, kw, bits;
  int maxpool;              /* pool: max (else average) */
} ax_npu_pass;

/* Cycles of one OFM block on the MAC engine (Vela's cycles_dpu_blk). */
uint64_t ax_npu_dpu_block_cycles(const ax_npu_arch *a, const ax_npu_pass *p);
/* Cycles the output unit needs per OFM block (Vela's cycles_output_blk). */
uint64_t ax_npu_out_block_cycles(const ax_npu_arch *a, const ax_npu_pass *p);
/* Number of OFM blocks of a pass. */
uint64_t ax_npu_blocks(const ax_npu_arch *a, const ax_npu_pass *p);
/* Cycles of a whole pass: blocks pipelined between MAC engine and output
 * unit, the slower stage times blocks plus one block of the other. */
uint64_t ax_npu_pass_cycles(const ax_npu_arch *a, const ax_npu_pass *p);
/* Cycles of an elementwise / activation op over `elems` outputs. */
uint64_t ax_npu_elt_cycles(const ax_npu_arch *a, uint32_t sub, uint64_t elems);

/* What an op costs on the NPU: compute cycles, MACs, OFM blocks, and its
 * tensors' sizes in bytes (ifm = all inputs, weights before compression). */
typedef struct ax_npu_cost {
  uint64_t cycles, macs, blocks;
  uint64_t ifm_bytes, w_bytes, ofm_bytes;
  uint64_t elems;           /* output elements through the output unit */
} ax_npu_cost;

/* Cost of a trace op; -1 if the NPU cannot run it (message in err). */
int ax_npu_op_cost(const ax_npu_arch *a, const ax_op *op, ax_npu_cost *c, char *err, size_t errlen);

/* Off-chip traffic of one op with a scratchpad of `sram` bytes
 * (block-based tiling, docs/npu.md): ifm (minus `resident` bytes already
 * on chip), weights of `w` bytes (compressed), ofm. *keep says whether
 * the whole ofm stays in the scratchpad for the next op. */
typedef struct ax_npu_traffic {
  uint64_t rd_ifm, rd_w, wr;
  uint64_t w_chunks, i_chunks; /* how often ifm / weights were re-read */
  int keep;
} ax_npu_traffic;

/* Compute the off-chip traffic of an op (see ax_npu_traffic). */
void ax_npu_tile(uint64_t sram, uint64_t ifm, uint64_t w, uint64_t ofm, uint64_t resident,
                 ax_npu_traffic *t);

#endif
