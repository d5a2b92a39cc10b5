/*
 * npu_perf.c - cycle and traffic rules of the Ethos-U55-like NPU.
 *
 * Source of every rule: Arm's Vela compiler (ethos-u-vela, Apache-2.0),
 * ethosu/vela/architecture_features.py (accelerator_configs: MAC counts
 * and OFM micro-blocks; _generate_output_perf_tables: output / activation
 * cycles per element) and ethosu/vela/npu_performance.py
 * (_estimate_conv_cycles, _estimate_output_cycles_per_element). Vela's
 * own per-block memory term (cycles_cmd, from its memory latency table)
 * is left out: here memory time comes from the memory model the NPU's
 * DMA talks to. Assumptions beyond Vela are marked "assumption".
 */
#include <stdio.h>
#include <string.h>

#include "npu_perf.h"

static uint64_t cdiv(uint64_t a, uint64_t b) { return b ? (a + b - 1) / b : 0; }
static uint64_t umin(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t umax(uint64_t a, uint64_t b) { return a > b ? a : b; }

int ax_npu_arch_init(ax_npu_arch *a, uint32_t macs, uint32_t blk_w, uint32_t blk_h, uint32_t blk_d,
                     uint32_t wd_rate, char *err, size_t errlen)
{
  /* architecture_features.py: Block(w, h, d) micro-blocks; MACs =
   * ub_w x ub_h x ub_d x 8 (the 8-deep dot product per output). */
  static const struct {
    uint32_t macs, w, h, d;
    double out[8], act[3];
  } cfg[] = {
      {32, 1, 1, 4, {2.0, 3.0, 3.0, 3.0, 4.0, 6.0, 1.0, 2.0}, {1.0, 1.0, 0.0}},
      {64, 1, 1, 8, {1.0, 1.5, 1.5, 1.5, 2.0, 3.0, 0.5, 1.0}, {1.0, 1.0, 0.0}},
      {128, 2, 1, 8, {0.75, 1.25, 0.75, 0.75, 1.0, 1.5, 0.25, 0.5}, {1.0, 0.5, 0.0}},
      {256, 2, 2, 8, {0.625, 1.125, 0.5, 0.375, 0.5, 0.75, 0.125, 0.25}, {1.0, 0.25, 0.0}},
  };
  memset(a, 0, sizeof *a);
  for (size_t i = 0; i < sizeof cfg / sizeof cfg[0]; i++) {
    if (cfg[i].macs != macs) continue;
    a->macs = macs;
    a->ub_w = cfg[i].w, a->ub_h = cfg[i].h, a->ub_d = cfg[i].d;
    memcpy(a->out_cpe, cfg[i].out, sizeof a->out_cpe);
    memcpy(a->act_cpe, cfg[i].act, sizeof a->act_cpe);
    if (blk_w % a->ub_w || blk_h % a->ub_h || blk_d % a->ub_d) {
      snprintf(err, errlen,
               "block_w x block_h x block_d = %ux%ux%u: each must be a multiple of the %u-MAC "
               "micro-block %ux%ux%u (w x h x d)",
               blk_w, blk_h, blk_d, macs, a->ub_w, a->ub_h, a->ub_d);
      return -1;
    }
    a->blk_w = blk_w, a->blk_h = blk_h, a->blk_d = blk_d;
    a->wd_rate = wd_rate;
    return 0;
  }
  snprintf(err, errlen, "macs_per_cycle: expected 32, 64, 128 or 256 (the Ethos-U55 configurations), got %u",
           macs);
  return -1;
}

/* The OFM block actually used (clipped to the OFM) and the micro-block,
 * with Vela's 4x1 micro-block for 1-high OFMs on 2-high engines. */
static void shapes(const ax_npu_arch *a, const ax_npu_pass *p, uint64_t *bh, uint64_t *bw, uint64_t *bd,
                   uint64_t *uh, uint64_t *uw)
{
  *bh = umin(p->oh, a->blk_h), *bw = umin(p->ow, a->blk_w), *bd = umin(p->oc, a->blk_d);
  *uh = a->ub_h, *uw = a->ub_w;
  if (a->ub_h == 2 && p->type != AX_NPU_POOL && p->oh == 1 && p->ow % 2 == 0 && p->kh == 1) {
    *uh = 1, *uw = 4;
    *bh = 1;
  }
}

uint64_t ax_npu_dpu_block_cycles(const ax_npu_arch *a, const ax_npu_pass *p)
{
  uint64_t bh, bw, bd, uh, uw;
  shapes(a, p, &bh, &bw, &bd, &uh, &uw);
  uint64_t nx = cdiv(bw, uw), ny = cdiv(bh, uh), nxy = nx * ny, nz = cdiv(bd, a->ub_d);
  int acc40 = p->bits == 16; /* Vela: 16-bit IFMs accumulate in 40 bits */
  /* sub-kernels of at most 8x8 (VectorProduct: 1x1, and its kernel is 1x1) */
  uint32_t lim = p->type == AX_NPU_VECPROD ? 1 : 8;
  /* weights for one kernel step of one micro-block column: 32 IFM channels x
   * ub_d, delivered by the weight decoder at wd_rate per cycle (Vela's
   * cycles_wb = 32 * ub_d / 8: 8 weights per cycle) */
  uint64_t cycles_wb = cdiv(32ull * a->ub_d, a->wd_rate ? a->wd_rate : 8);
  uint64_t total = 0;
  for (uint32_t y0 = 0; y0 < p->kh; y0 += lim)
    for (uint32_t x0 = 0; x0 < p->kw; x0 += lim) {
      uint64_t ke = umin(lim, p->kh - y0) * umin(lim, p->kw - x0), steps, cyc;
      switch (p->type) {
      case AX_NPU_POOL:
        steps = 1;
        cyc = umax(4, ke) * nxy * nz;
        if (p->bits == 16 && a->macs != 32) cyc *= 2;
        break;
      case AX_NPU_DEPTHWISE:
        cyc = 4 * nxy * (p->bits == 16 ? 2 : 1);
        steps = cdiv(ke, 4);
        cyc = umax(cycles_wb, cyc) * steps * nz;
        break;
      default: /* ConvolutionMxN (depth-first) and VectorProduct */
        steps = ke;
        cyc = umax(cycles_wb, 4 * nxy) * steps * nz;
        break;
      }
      uint64_t delay = 0, d;
      if (a->macs == 32) {
        d = acc40 ? 7 : 3;
        if (nx == 1 && ny == 1) {
          if (nz == 1) delay = d * steps;
          else if (steps > 1) delay = d * (steps - 1) * nz;
        }
        if ((nx == 1 || ny == 1) && nz > 1 && acc40) delay += d * nz;
      } else {
        d = acc40 && (a->macs == 64 || a->macs == 128) ? 3 : 2;
        if (nx == 1 && ny == 1) {
          if (nz == 1) delay = d * steps;
          else if (steps > 1) delay = d * (steps - 1) * nz;
        }
      }
      total += cyc + delay;
    }
  if (p->type == AX_NPU_CONV || p->type == AX_NPU_VECPROD) {
    /* IFM block depth: 32 channels of 8 bit, 16 of 16 bit (calc_ifm_block_depth) */
    uint64_t ibd = umin(8ull * 32 / (p->bits ? p->bits : 8), cdiv(p->ic, 8) * 8);
    total *= cdiv(p->ic, ibd);
  }
  return total;
}

uint64_t ax_npu_out_block_cycles(const ax_npu_arch *a, const ax_npu_pass *p)
{
  uint64_t bh, bw, bd, uh, uw;
  shapes(a, p, &bh, &bw, &bd, &uh, &uw);
  /* output_perf_index: 3 for 40-bit accumulators, 6 max-pool, else 7;
   * no fused activation (index 2, 0 cycles): activations are their own ops */
  int oi = p->bits == 16 ? 3 : (p->type == AX_NPU_POOL && p->maxpool ? 6 : 7);
  double cpe = a->out_cpe[oi] > a->act_cpe[2] ? a->out_cpe[oi] : a->act_cpe[2];
  double c = cpe * (double)(bh * bw * bd);
  uint64_t r = (uint64_t)c;
  return (double)r < c ? r + 1 : r;
}

uint64_t ax_npu_blocks(const ax_npu_arch *a, const ax_npu_pass *p)
{
  uint64_t bh, bw, bd, uh, uw;
  shapes(a, p, &bh, &bw, &bd, &uh, &uw);
  return cdiv(p->oh, bh) * cdiv(p->ow, bw) * cdiv(p->oc, bd);
}

uint64_t ax_npu_pass_cycles(const ax_npu_arch *a, const ax_npu_pass *p)
{
  if (!p->oh || !p->ow || !p->oc) return 0;
  uint64_t dpu = ax_npu_dpu_block_cycles(a, p), out = ax_npu_out_block_cycles(a, p);
  uint64_t n = ax_npu_blocks(a, p);
  return dpu > out ? dpu * n + out : out * n + dpu;
}

uint64_t ax_npu_elt_cycles(const ax_npu_arch *a, uint32_t sub, uint64_t elems)
{
  /* _estimate_output_cycles_per_element: Add/Sub index 5 (advanced),
   * Mul 3, others 7; activation via LUT (sigmoid, tanh; gelu and silu
   * assumed LUT too) index 0, relu 1, none 2 */
  int oi = sub == AX_ELT_ADD ? 5 : sub == AX_ELT_MUL ? 3 : 7;
  int ai = sub == AX_ELT_RELU ? 1 : (sub == AX_ELT_ADD || sub == AX_ELT_MUL) ? 2 : 0;
  double cpe = a->out_cpe[oi] > a->act_cpe[ai] ? a->out_cpe[oi] : a->act_cpe[ai];
  double c = cpe * (double)elems;
  uint64_t r = (uint64_t)c;
  return (double)r < c ? r + 1 : r;
}

/* Cycles of `n` elements at cycles-per-element cpe, rounded up. */
static uint64_t at(double cpe, uint64_t n)
{
  double c = cpe * (double)n;
  uint64_t r = (uint64_t)c;
  return (double)r < c ? r + 1 : r;
}

int ax_npu_op_cost(const ax_npu_arch *a, const ax_op *op, ax_npu_cost *c, char *err, size_t errlen)
{
  memset(c, 0, sizeof *c);
  uint64_t eb = ax_dtype_bytes(op->dtype), b = op->batch ? op->batch : 1;
  uint32_t bits = (uint32_t)(8 * eb);
  if (bits > 16 && op->kind != AX_OP_MOVE && op->kind != AX_OP_EMBED) {
    snprintf(err, errlen, "the NPU runs 8- and 16-bit data (Ethos-U55 TRM); op '%s' is %u-bit", op->name,
             bits);
    return -1;
  }
  ax_npu_pass p = {.bits = bits, .kh = 1, .kw = 1};
  c->macs = ax_op_macs(op);
  switch (op->kind) {
  case AX_OP_CONV2D: {
    uint32_t oh, ow;
    ax_op_out_hw(op, &oh, &ow);
    uint64_t g = op->groups ? op->groups : 1;
    if (op->in_c % g || op->out_c % g) {
      snprintf(err, errlen, "conv2d '%s': groups %llu does not divide in_c %u and out_c %u", op->name,
               (unsigned long long)g, op->in_c, op->out_c);
      return -1;
    }
    p.oh = oh, p.ow = ow, p.kh = op->k_h, p.kw = op->k_w;
    uint64_t passes = b;
    if (g > 1 && g == op->in_c && op->out_c == op->in_c) {
      p.type = AX_NPU_DEPTHWISE, p.oc = p.ic = op->in_c;
    } else {
      p.type = AX_NPU_CONV, p.oc = op->out_c / g, p.ic = op->in_c / g;
      passes *= g; /* grouped: one convolution per group, in turn */
    }
    c->cycles = passes * ax_npu_pass_cycles(a, &p);
    c->blocks = passes * ax_npu_blocks(a, &p);
    c->ifm_bytes = b * op->in_c * op->in_h * op->in_w * eb;
    c->w_bytes = (uint64_t)op->k_h * op->k_w * (op->in_c / g) * op->out_c * eb;
    c->elems = b * op->out_c * oh * ow;
    c->ofm_bytes = c->elems * eb;
    return 0;
  }
  case AX_OP_GEMM:
  case AX_OP_GEMV:
  case AX_OP_MOE: {
    /* FullyConnected as Vela runs it: a VectorProduct over a 1-high OFM */
    uint64_t m = op->m, n = op->n, k = op->k, wmats = 1;
    if (op->kind == AX_OP_GEMV) n = op->m, m = 1;
    if (op->kind == AX_OP_MOE) {
      m = op->m * op->top_k;
      wmats = op->experts < m ? op->experts : m; /* experts some token uses, at most */
    }
    p.type = AX_NPU_VECPROD, p.oh = 1, p.ow = m, p.oc = n, p.ic = k;
    c->cycles = b * ax_npu_pass_cycles(a, &p);
    c->blocks = b * ax_npu_blocks(a, &p);
    c->ifm_bytes = b * m * k * eb;
    c->w_bytes = wmats * k * n * eb;
    c->elems = b * m * n;
    c->ofm_bytes = c->elems * eb;
    return 0;
  }
  case AX_OP_ATTENTION: {
    uint64_t h = (uint64_t)op->heads * b;
    ax_npu_pass qk = {.type = AX_NPU_VECPROD, .oh = 1, .ow = op->q_len, .oc = op->kv_len,
                      .ic = op->head_dim, .kh = 1, .kw = 1, .bits = bits};
    ax_npu_pass pv = qk;
    pv.oc = op->head_dim, pv.ic = op->kv_len;
    uint64_t s = (uint64_t)op->q_len * op->kv_len;
    /* softmax between the two products: three elementwise passes (assumption, as for softmax) */
    uint64_t sm = at(a->out_cpe[6], s) + at(a->out_cpe[7] > a->act_cpe[0] ? a->out_cpe[7] : a->act_cpe[0], s) +
                  at(a->out_cpe[3], s);
    c->cycles = h * (ax_npu_pass_cycles(a, &qk) + sm + ax_npu_pass_cycles(a, &pv));
    c->blocks = h * (ax_npu_blocks(a, &qk) + ax_npu_blocks(a, &pv));
    uint32_t kvh = op->kv_heads ? op->kv_heads : op->heads;
    c->ifm_bytes = h * op->q_len * op->head_dim * eb;               /* Q */
    c->w_bytes = 2ull * b * kvh * op->kv_len * op->head_dim * eb;   /* K and V caches */
    c->elems = h * op->q_len * op->head_dim;
    c->ofm_bytes = c->elems * eb;
    return 0;
  }
  case AX_OP_POOL: {
    uint32_t oh, ow;
    ax_op_out_hw(op, &oh, &ow);
    p.type = AX_NPU_POOL, p.oh = oh, p.ow = ow, p.oc = p.ic = op->in_c, p.kh = op->k_h, p.kw = op->k_w;
    p.maxpool = op->sub == AX_POOL_MAX;
    c->cycles = b * ax_npu_pass_cycles(a, &p);
    c->blocks = b * ax_npu_blocks(a, &p);
    c->ifm_bytes = b * op->in_c * op->in_h * op->in_w * eb;
    c->elems = b * op->in_c * oh * ow;
    c->ofm_bytes = c->elems * eb;
    return 0;
  }
  case AX_OP_ELTWISE:
    c->cycles = ax_npu_elt_cycles(a, op->sub, op->elems);
    c->ifm_bytes = op->elems * eb * (op->sub == AX_ELT_ADD || op->sub == AX_ELT_MUL ? 2 : 1);
    c->elems = op->elems;
    c->ofm_bytes = op->elems * eb;
    c->blocks = 1;
    return 0;
  case AX_OP_SOFTMAX:
    /* assumption: Vela lowers softmax to elementwise ops; charged as three
     * passes: max (max-pool rate, index 6), exp by LUT (index 7 / LUT 0),
     * scale by the reciprocal sum (Mul, index 3) */
    c->cycles = at(a->out_cpe[6], op->elems) +
                at(a->out_cpe[7] > a->act_cpe[0] ? a->out_cpe[7] : a->act_cpe[0], op->elems) +
                at(a->out_cpe[3], op->elems);
    goto vec;
  case AX_OP_NORM:
    /* assumption: statistics and scaling, two Mul-rate passes (index 3) */
    c->cycles = 2 * at(a->out_cpe[3], op->elems);
  vec:
    c->ifm_bytes = c->ofm_bytes = op->elems * eb;
    c->elems = op->elems;
    c->blocks = 1;
    return 0;
  case AX_OP_EMBED:
    c->ifm_bytes = c->ofm_bytes = op->m * op->n * eb; /* a DMA gather: no compute */
    return 0;
  case AX_OP_MOVE:
    c->ifm_bytes = c->ofm_bytes = op->bytes; /* DMA only */
    return 0;
  default:
    snprintf(err, errlen, "the NPU cannot run %s op '%s'", ax_op_kind_name(op->kind), op->name);
    return -1;
  }
}

void ax_npu_tile(uint64_t sram, uint64_t ifm, uint64_t w, uint64_t ofm, uint64_t resident,
                 ax_npu_traffic *t)
{
  memset(t, 0, sizeof *t);
  t->wr = ofm;
  t->w_chunks = t->i_chunks = 1;
  if (ifm + w + ofm <= sram) {
    /* everything fits: each tensor crosses once; the ofm stays for the next op */
    t->rd_ifm = ifm - umin(resident, ifm);
    t->rd_w = w;
    t->keep = 1;
    return;
  }
  /* Tiled: half the scratchpad holds the stationary tensor's chunk, the
   * other half streams the other one (double-buffered). Either weights
   * stay and the ifm is re-streamed once per weight chunk, or the ifm
   * stays and the weights are re-streamed once per ifm chunk; the cheaper
   * order is taken, as a tiling compiler would. */
  uint64_t half = sram / 2 ? sram / 2 : 1;
  uint64_t nw = w ? cdiv(w, half) : 1, ni = ifm ? cdiv(ifm, half) : 1;
  uint64_t a = nw * ifm + w, bb = ifm + ni * w;
  if (a <= bb) {
    t->rd_ifm = nw * ifm, t->rd_w = w, t->w_chunks = nw;
  } else {
    t->rd_ifm = ifm, t->rd_w = ni * w, t->i_chunks = ni;
  }
}
