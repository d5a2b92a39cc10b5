/*
 * scalesim_report.h - SCALE-Sim's three report files, same columns and
 * number format (Python's repr of a float: shortest round-trip digits).
 */
#ifndef AX_SCALESIM_REPORT_H
#define AX_SCALESIM_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "scalesim_cfg.h"
#include "scalesim_topo.h"
#include "systolic_map.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Format v as Python 3's repr(float) does ("121124.0", "2.5655112364209303",
 * "1e-05"). Returns buf. */
char *ax_pyfloat(double v, char *buf, size_t n);

/* Run every layer on the config's array with ideal memory; reports[i] gets
 * layer i's figures. */
void ax_scalesim_run(const ax_scalesim_cfg *cfg, const ax_scalesim_layer *layers, size_t n,
                     ax_sa_layer_report *reports);

/* Write COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT
 * rows to the given streams (any may be NULL). */
void ax_scalesim_write_compute(FILE *fp, const ax_sa_layer_report *r, size_t n);
void ax_scalesim_write_bandwidth(FILE *fp, const ax_sa_layer_report *r, size_t n);
void ax_scalesim_write_detail(FILE *fp, const ax_sa_layer_report *r, size_t n);

/* Write the three reports into dir (created if missing, parents too).
 * Each file is written under a temporary name and renamed when complete.
 * Returns 0 or -1 with err. */
int ax_scalesim_write_reports(const char *dir, const ax_sa_layer_report *r, size_t n, char *err,
                              size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
