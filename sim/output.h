/* output.h - writing a run's results (HDF5 schema v1). */
#ifndef AX_OUTPUT_H
#define AX_OUTPUT_H

#include "sim.h"

#define AX_SCHEMA_VERSION 1

/* Write run s to `path` (via path.tmp, renamed when complete). */
int ax_sim_write(ax_sim *s, const char *path, double wall_s, char *err, size_t errlen);
/* Sum of all energy a run accounted, pJ. */
double ax_sim_total_energy(const ax_sim *s);

#endif
