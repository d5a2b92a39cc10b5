/* workload.h - where a host's ops come from: an axtrace file, or a
 * SCALE-Sim topology read as it is. */
#ifndef AX_WORKLOAD_H
#define AX_WORKLOAD_H

#include "axsim/axsim.h"

typedef struct ax_workload ax_workload;

/* Open `path` in `format` (auto|axtrace|scalesim|scalesim-gemm). */
ax_workload *ax_workload_open(const char *path, const char *format, char *err, size_t errlen);
/* Next op: 1 got one, 0 end, <0 error (err says where). */
int ax_workload_next(ax_workload *w, ax_op *op, char *err, size_t errlen);
/* Close a workload. */
void ax_workload_close(ax_workload *w);

#endif
