/*
 * pim_opb.h - bytes an op moves and its arithmetic intensity (Op/B), the
 * quantity Duplex places ops by.
 */
#ifndef AX_PIM_OPB_H
#define AX_PIM_OPB_H

#include "axsim/axsim.h"

/* Bytes an op must move from memory at least once: weights (or the KV
 * cache for attention) plus its inputs and outputs. */
uint64_t ax_pim_op_bytes(const ax_op *op);
/* Operations (2 per MAC; 1 per element for the others) per byte moved. */
double ax_pim_op_opb(const ax_op *op);

#endif
