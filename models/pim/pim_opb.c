/*
 * pim_opb.c - bytes moved and Op/B of trace ops (pim_opb.h).
 *
 * gemv [m x k]:      weights m k, input k, output m
 * gemm [m x k][k x n]: weights k n, input m k, output m n
 * attention:         K and V caches batch x kv_heads x kv_len x head_dim
 *                    each, q and output batch x heads x q_len x head_dim
 * moe:               top_k experts' weights k n each, inputs m k, outputs m n
 * others:            elements in and out (two inputs for add / mul)
 * With these, decode GEMV has Op/B ~ 2 / elem_bytes, a GQA attention with
 * g query heads per KV head ~ g times that, as Duplex (Yun et al., MICRO
 * 2024) describes.
 */
#include "pim_opb.h"

/* Bytes an op must move from memory at least once. */
uint64_t ax_pim_op_bytes(const ax_op *op) {
  uint64_t e = ax_dtype_bytes(op->dtype), b = op->batch ? op->batch : 1;
  switch (op->kind) {
  case AX_OP_GEMV: return b * (op->m * op->k + op->k + op->m) * e;
  case AX_OP_GEMM: return (op->k * op->n + b * (op->m * op->k + op->m * op->n)) * e;
  case AX_OP_ATTENTION: {
    uint64_t kvh = op->kv_heads ? op->kv_heads : op->heads;
    return b * (2ull * kvh * op->kv_len * op->head_dim + 2ull * op->heads * op->q_len * op->head_dim) * e;
  }
  case AX_OP_MOE: return ((uint64_t)op->top_k * op->k * op->n + b * op->m * (op->k + op->n)) * e;
  case AX_OP_ELTWISE:
    return op->elems * e * (op->sub == AX_ELT_ADD || op->sub == AX_ELT_MUL ? 3 : 2);
  case AX_OP_SOFTMAX:
  case AX_OP_NORM: return 2 * op->elems * e;
  case AX_OP_EMBED: return 2 * op->m * op->n * e;
  case AX_OP_MOVE: return op->bytes;
  default: return 0;
  }
}

/* Operations per byte moved. */
double ax_pim_op_opb(const ax_op *op) {
  uint64_t by = ax_pim_op_bytes(op);
  if (!by) return 0;
  uint64_t macs = ax_op_macs(op);
  double ops = macs ? 2.0 * (double)macs : (double)(op->elems ? op->elems : 0);
  return ops / (double)by;
}
