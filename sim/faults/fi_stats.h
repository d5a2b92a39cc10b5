/*
 * fi_stats.h - statistics of fault-injection campaigns: the sample size of
 * statistical fault injection (Leveugle, Calvez, Maistri, Vanhauwaert,
 * "Statistical fault injection: quantified error and confidence", DATE
 * 2009), Wilson score intervals for proportions, FIT from a raw rate.
 */
#ifndef AX_FI_STATS_H
#define AX_FI_STATS_H

#include <stdint.h>

/* Leveugle et al. eq. (4): injections for population N, margin e, normal
 * quantile t of the confidence, expected proportion p (0.5 = worst case):
 * n = N / (1 + e^2 (N-1) / (t^2 p (1-p))), rounded up. */
uint64_t ax_fi_leveugle(double N, double e, double t, double p);
/* Two-sided standard normal quantile for a confidence level (0.95 -> 1.95996). */
double ax_fi_z(double confidence);
/* Wilson score interval for k successes in n trials at quantile z. */
void ax_fi_wilson(uint64_t k, uint64_t n, double z, double *lo, double *hi);
/* FIT of a structure: raw rate (FIT per Mbit) x bits x the fraction that fails. */
double ax_fi_fit(double fit_per_mbit, double bits, double fraction);

#endif
