/*
 * sa_bf16.h - the bf16 datapath option of the functional array: bf16
 * operands (1 sign, 8 exponent, 7 mantissa bits: the top half of an IEEE
 * binary32), products exact in fp32 (8 x 8 significand bits), fp32
 * accumulation in the order the array adds (below), and the conversion of
 * an fp32 result to int32 as a saturating round-to-nearest-even (Arm A64
 * FCVTNS semantics: NaN -> 0, out of range -> INT32_MIN / INT32_MAX).
 *
 * Order of the fp32 additions (not associative, so part of the model):
 *   os: one accumulator per output, k = 0, 1, ..., K-1.
 *   ws / is: K is cut into row folds of R rows; within a fold the partial
 *   sum moves down the column, p = ((0 + x_0 y_0) + x_1 y_1) + ...; the
 *   first row fold writes the ofmap word, each later fold adds its partial
 *   sum to it, in fold order.
 * The build is ISO C11 (no FP contraction), so no product is fused into an
 * add, as in a unit with a separate multiplier and fp32 adder.
 */
#ifndef AX_SA_BF16_H
#define AX_SA_BF16_H

#include <stdint.h>

#include "systolic_map.h"

#ifdef __cplusplus
extern "C" {
#endif

/* fp32 -> bf16, round to nearest even (NaN stays a quiet NaN). */
uint16_t ax_bf16_from_f32(float f);
/* bf16 -> fp32 (exact). */
float ax_bf16_to_f32(uint16_t h);
/* fp32 -> int32, round to nearest even, saturating, NaN -> 0. */
int32_t ax_f32_to_i32_sat(float f);
/* Z (M x N, fp32) = A (M x K, bf16) x B (K x N, bf16) on array a, with the
 * addition order above. */
void ax_sab_gemm(const ax_sa_array *a, uint32_t m, uint32_t n, uint32_t k, const uint16_t *A,
                 const uint16_t *B, float *z);

#ifdef __cplusplus
}
#endif
#endif
