/*
 * fi_stats.c - sample sizes, intervals and FIT (fi_stats.h).
 */
#include "fi_stats.h"

#include <math.h>

uint64_t ax_fi_leveugle(double N, double e, double t, double p)
{
  if (N <= 0) return 0;
  double n = N / (1.0 + e * e * (N - 1.0) / (t * t * p * (1.0 - p)));
  double c = ceil(n - 1e-9);
  return c < 1 ? 1 : (uint64_t)c;
}

double ax_fi_z(double confidence)
{
  /* solve erfc(z / sqrt 2) = 1 - confidence by bisection */
  double target = 1.0 - confidence, lo = 0.0, hi = 40.0;
  for (int i = 0; i < 200; i++) {
    double mid = 0.5 * (lo + hi);
    if (erfc(mid / sqrt(2.0)) > target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

void ax_fi_wilson(uint64_t k, uint64_t n, double z, double *lo, double *hi)
{
  if (n == 0) {
    *lo = 0;
    *hi = 1;
    return;
  }
  double p = (double)k / (double)n, nn = (double)n, z2 = z * z;
  double den = 1.0 + z2 / nn;
  double mid = (p + z2 / (2 * nn)) / den;
  double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / den;
  *lo = mid - half < 0 ? 0 : mid - half;
  *hi = mid + half > 1 ? 1 : mid + half;
  if (k == 0) *lo = 0;
  if (k == n) *hi = 1;
}

double ax_fi_fit(double fit_per_mbit, double bits, double fraction)
{
  return fit_per_mbit * bits / 1048576.0 * fraction;
}
