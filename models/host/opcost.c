/*
 * opcost.c - op sizes and intensity for the host's mapping policies.
 */
#include "opcost.h"

void ax_host_op_bytes(const ax_op *op, uint64_t *in, uint64_t *w, uint64_t *out)
{
  uint64_t eb = ax_dtype_bytes(op->dtype), b = op->batch ? op->batch : 1;
  uint32_t oh = 0, ow = 0;
  *in = *w = *out = 0;
  switch (op->kind) {
  case AX_OP_CONV2D: {
    uint64_t g = op->groups ? op->groups : 1;
    ax_op_out_hw(op, &oh, &ow);
    *in = b * op->in_c * op->in_h * op->in_w * eb;
    *w = (uint64_t)op->k_h * op->k_w * (op->in_c / g) * op->out_c * eb;
    *out = b * op->out_c * oh * ow * eb;
    break;
  }
  case AX_OP_GEMM: *in = b * op->m * op->k * eb, *w = op->k * op->n * eb, *out = b * op->m * op->n * eb; break;
  case AX_OP_GEMV: *in = b * op->k * eb, *w = op->m * op->k * eb, *out = b * op->m * eb; break;
  case AX_OP_MOE: {
    uint64_t used = (uint64_t)op->m * op->top_k < op->experts ? (uint64_t)op->m * op->top_k : op->experts;
    *in = b * op->m * op->k * eb, *w = used * op->k * op->n * eb, *out = b * op->m * op->n * eb;
    break;
  }
  case AX_OP_ATTENTION: {
    uint32_t kvh = op->kv_heads ? op->kv_heads : op->heads;
    *in = b * op->heads * op->q_len * op->head_dim * eb;
    *w = 2ull * b * kvh * op->kv_len * op->head_dim * eb; /* K and V */
    *out = *in;
    break;
  }
  case AX_OP_POOL:
    ax_op_out_hw(op, &oh, &ow);
    *in = b * op->in_c * op->in_h * op->in_w * eb, *out = b * op->in_c * oh * ow * eb;
    break;
  case AX_OP_ELTWISE:
    *in = op->elems * eb * (op->sub == AX_ELT_ADD || op->sub == AX_ELT_MUL ? 2 : 1), *out = op->elems * eb;
    break;
  case AX_OP_SOFTMAX:
  case AX_OP_NORM: *in = *out = op->elems * eb; break;
  case AX_OP_EMBED: *in = *out = op->m * op->n * eb; break;
  case AX_OP_MOVE: *in = *out = op->bytes; break;
  default: break;
  }
}

double ax_host_op_intensity(const ax_op *op)
{
  uint64_t in, w, out, macs = ax_op_macs(op);
  ax_host_op_bytes(op, &in, &w, &out);
  return macs && in + w + out ? (double)macs / (double)(in + w + out) : 0.0;
}

uint64_t ax_host_op_work(const ax_op *op, int *is_mac)
{
  uint64_t macs = ax_op_macs(op);
  *is_mac = macs > 0;
  if (macs) return macs;
  uint64_t in, w, out;
  ax_host_op_bytes(op, &in, &w, &out);
  uint64_t eb = ax_dtype_bytes(op->dtype);
  if (op->kind == AX_OP_POOL) return out / eb * op->k_h * op->k_w;
  if (op->kind == AX_OP_MOVE) return (op->bytes + eb - 1) / eb;
  return out / eb;
}
