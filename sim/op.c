/*
 * op.c - facts about layer-trace ops: sizes, MAC counts, output shapes.
 */
#include "axsim/axsim.h"

static const char *const kind_names[AX_OP_KIND_N] = {
    "conv2d", "gemm", "gemv", "attention", "softmax", "norm",
    "eltwise", "pool", "embed", "moe", "move"};

const char *ax_op_kind_name(ax_op_kind k) { return k < AX_OP_KIND_N ? kind_names[k] : "?"; }

unsigned ax_dtype_bytes(ax_dtype t) {
  switch (t) {
  case AX_INT8: return 1;
  case AX_INT16: case AX_FP16: case AX_BF16: return 2;
  case AX_INT32: case AX_FP32: return 4;
  default: return 1;
  }
}

void ax_op_out_hw(const ax_op *op, uint32_t *oh, uint32_t *ow) {
  /* floor((H + 2p - R) / s) + 1, as PyTorch and ONNX define it */
  uint32_t sh = op->stride_h ? op->stride_h : 1, sw = op->stride_w ? op->stride_w : 1;
  int64_t h = (int64_t)op->in_h + 2 * (int64_t)op->pad_h - op->k_h;
  int64_t w = (int64_t)op->in_w + 2 * (int64_t)op->pad_w - op->k_w;
  *oh = h < 0 ? 0 : (uint32_t)(h / sh + 1);
  *ow = w < 0 ? 0 : (uint32_t)(w / sw + 1);
}

uint64_t ax_op_macs(const ax_op *op) {
  uint64_t b = op->batch ? op->batch : 1;
  switch (op->kind) {
  case AX_OP_CONV2D: {
    uint32_t oh, ow;
    ax_op_out_hw(op, &oh, &ow);
    uint64_t g = op->groups ? op->groups : 1;
    return b * oh * ow * op->out_c * op->k_h * op->k_w * (op->in_c / g);
  }
  case AX_OP_GEMM: return b * op->m * op->n * op->k;
  case AX_OP_GEMV: return b * op->m * op->k;
  case AX_OP_ATTENTION:
    /* QK^T and PV per head: 2 * q_len * kv_len * head_dim */
    return b * op->heads * 2ull * op->q_len * op->kv_len * op->head_dim;
  case AX_OP_MOE:
    /* every token runs top_k experts of [k x n] */
    return b * op->m * op->top_k * op->n * op->k;
  default: return 0;
  }
}
