/*
 * opcost.h - what the host knows about an op without asking a unit: its
 * tensors' sizes, arithmetic intensity and a rate-based cost estimate
 * (the mapping policies' inputs).
 */
#ifndef AX_OPCOST_H
#define AX_OPCOST_H

#include "axsim/axsim.h"

/* Bytes of an op's inputs (activations), weights (or KV cache) and output. */
void ax_host_op_bytes(const ax_op *op, uint64_t *in, uint64_t *w, uint64_t *out);
/* MACs per byte of all the op's tensors (0 for ops without MACs). */
double ax_host_op_intensity(const ax_op *op);
/* Work of an op for a rate estimate: its MACs if it has any (*is_mac = 1),
 * else the elements its vector work touches. */
uint64_t ax_host_op_work(const ax_op *op, int *is_mac);

#endif
