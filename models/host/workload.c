/*
 * workload.c - op sources behind the host: the streamed axtrace reader, or
 * a SCALE-Sim topology (small: read whole, then handed out in order).
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "systolic/scalesim_topo.h"
#include "trace.h"
#include "workload.h"

struct ax_workload {
  ax_trace *t;
  ax_op *ops; /* SCALE-Sim topology, read whole */
  size_t nops, pos;
};

ax_workload *ax_workload_open(const char *path, const char *format, char *err, size_t errlen) {
  const char *dot = strrchr(path, '.');
  int csv = dot && !strcmp(dot, ".csv");
  if (!strcmp(format, "auto")) format = csv ? "scalesim" : "axtrace";
  ax_workload *w = ax_xcalloc(1, sizeof *w);
  if (!strcmp(format, "axtrace")) {
    w->t = ax_trace_open(path, err, errlen);
    if (!w->t) {
      free(w);
      return NULL;
    }
    return w;
  }
  if (ax_scalesim_topo_read(path, !strcmp(format, "scalesim-gemm"), &w->ops, &w->nops, err, errlen) != 0) {
    free(w);
    return NULL;
  }
  return w;
}

int ax_workload_next(ax_workload *w, ax_op *op, char *err, size_t errlen) {
  if (w->t) return ax_trace_next(w->t, op, err, errlen);
  if (w->pos == w->nops) return 0;
  *op = w->ops[w->pos++];
  return 1;
}

void ax_workload_close(ax_workload *w) {
  if (!w) return;
  ax_trace_close(w->t);
  free(w->ops);
  free(w);
}
