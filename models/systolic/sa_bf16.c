/*
 * sa_bf16.c - bf16 multiply, fp32 accumulate (sa_bf16.h).
 */
#include "sa_bf16.h"

#include <math.h>
#include <string.h>

uint16_t ax_bf16_from_f32(float f)
{
  uint32_t u;
  memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40); /* quiet NaN */
  uint32_t lsb = (u >> 16) & 1;
  u += 0x7fffu + lsb; /* ties to even */
  return (uint16_t)(u >> 16);
}

float ax_bf16_to_f32(uint16_t h)
{
  uint32_t u = (uint32_t)h << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

int32_t ax_f32_to_i32_sat(float f)
{
  if (isnan(f)) return 0;
  if (f >= 2147483648.0f) return INT32_MAX;
  if (f < -2147483648.0f) return INT32_MIN;
  return (int32_t)rintf(f); /* the default rounding mode: to nearest even */
}

void ax_sab_gemm(const ax_sa_array *a, uint32_t m, uint32_t n, uint32_t k, const uint16_t *A,
                 const uint16_t *B, float *z)
{
  uint32_t R = a->df == AX_SA_OS ? k : a->rows;
  if (R == 0) R = 1;
  for (uint32_t i = 0; i < m; i++)
    for (uint32_t j = 0; j < n; j++) {
      float acc = 0.0f;
      for (uint32_t k0 = 0; k0 < k; k0 += R) {
        float p = 0.0f;
        uint32_t k1 = k0 + R < k ? k0 + R : k;
        for (uint32_t kk = k0; kk < k1; kk++) {
          float prod = ax_bf16_to_f32(A[(size_t)i * k + kk]) * ax_bf16_to_f32(B[(size_t)kk * n + j]);
          p = p + prod;
        }
        acc = k0 == 0 ? p : acc + p;
      }
      z[(size_t)i * n + j] = acc;
    }
}
