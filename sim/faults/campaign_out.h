/*
 * campaign_out.h - what a campaign's rows add up to: per-structure AVF,
 * SDC rates and FIT with intervals, protection what-ifs and the cheapest
 * set meeting a FIT target, the weight-memory BER curves, the HDF5 file.
 */
#ifndef AX_CAMPAIGN_OUT_H
#define AX_CAMPAIGN_OUT_H

#include "campaign.h"

/* Summary of one structure (a row of /faults/structures). */
typedef struct ax_fi_sum {
  char structure[16];
  char protection[12];
  uint64_t words, bits_per_word, bits;
  uint64_t injections;
  uint64_t n[AX_FO_N];          /* outcomes with the campaign's protection */
  uint64_t raw_ace;             /* not masked without protection */
  double avf, avf_lo, avf_hi;   /* unprotected: fraction not masked */
  double sdc_rate, sdc_lo, sdc_hi;       /* sdc + critical, with protection */
  double critical_rate, critical_lo, critical_hi;
  double due_rate;              /* detected or hang (the watchdog detects a hang) */
  double hang_rate;             /* hang */
  double fit_raw;               /* FIT of the structure's raw upsets */
  double fit, fit_lo, fit_hi;   /* FIT of failures (fit_of), with protection */
  double fit_due;
} ax_fi_sum;

/* One protection option of one structure (a row of /faults/protection). */
typedef struct ax_fi_prot {
  char structure[16];
  char scheme[12];
  double area_bits;             /* extra storage-bit equivalents */
  double fit, fit_due;
  int chosen;                   /* in the cheapest set meeting the target */
} ax_fi_prot;

/* One point of the BER curve (a row of /faults/ber). */
typedef struct ax_fi_ber {
  double ber;
  int32_t clip;
  uint32_t trials, images;
  double accuracy, acc_lo, acc_hi, acc_min, acc_max;
  double flipped_bits;          /* mean weight bits flipped per trial */
} ax_fi_ber;

typedef struct ax_fi_report {
  ax_fi_sum sum[AX_SAF_NSITES];
  int nsum;
  double sdc_rate, critical_rate, avf, fit, fit_due; /* bit-weighted totals */
  ax_fi_prot *prot;
  size_t nprot;
  int feasible;
  double best_area, best_fit;
  ax_fi_ber *ber;
  size_t nber;
} ax_fi_report;

/* Summaries and the protection search from the rows. */
void ax_fi_summarize(const ax_campaign *c, const ax_fi_row *rows, uint64_t n, ax_fi_report *r);
/* Accuracy vs weight-memory BER with and without clipped activations. */
void ax_fi_ber_sweep(const ax_campaign *c, ax_fi_report *r);
/* Write OUT.h5 (through a temporary file). */
int ax_fi_write_h5(const ax_campaign *c, const ax_fi_row *rows, uint64_t n, const ax_fi_report *r,
                   double inj_per_s, double wall_s, const char *path, char *err, size_t errlen);
/* Free what the report owns. */
void ax_fi_report_free(ax_fi_report *r);

#endif
