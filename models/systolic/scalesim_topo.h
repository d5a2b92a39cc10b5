/*
 * scalesim_topo.h - read SCALE-Sim topology CSV files unchanged.
 *
 * Conv form (header line, then one layer per row):
 *   Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width,
 *   Channels, Num Filter, Strides, [Stride width,]
 * GEMM form (`-i gemm`): Layer name, M, N, K,
 *
 * SCALE-Sim's conventions are kept: the first line is a header; blank lines
 * are skipped; every row ends with a comma (SCALE-Sim drops the last field,
 * so a row without one is an error here rather than a silently lost
 * stride); a 9th conv field is the width stride; a layer whose name
 * contains "DP" is expanded into `Channels` single-channel layers named
 * <name>Channel_<i>. Malformed rows get an error naming file, line, field
 * and what was expected.
 */
#ifndef AX_SCALESIM_TOPO_H
#define AX_SCALESIM_TOPO_H

#include <stddef.h>

#include "axsim/axsim.h"
#include "systolic_map.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AX_SCALESIM_NAME_MAX 128

/* One layer as SCALE-Sim sees it (after DP expansion). */
typedef struct ax_scalesim_layer {
  char name[AX_SCALESIM_NAME_MAX];
  unsigned line;       /* line in the topology file it came from */
  int gemm;            /* 1 if read from the M,N,K form            */
  uint64_t m, n, k;    /* the GEMM form's numbers (gemm == 1)      */
  ax_sa_layer l;       /* conv form (a GEMM row as SCALE-Sim maps it) */
} ax_scalesim_layer;

/* Read a topology file into an array of layers (free() it). Returns 0, or
 * -1 with a message "file:line: ..." in err. */
int ax_scalesim_topo_load(const char *path, int gemm_form, ax_scalesim_layer **layers,
                          size_t *nlayers, char *err, size_t errlen);

/* Read a topology file as trace ops (free() the array): AX_OP_CONV2D or
 * AX_OP_GEMM, int8, named from the file, each depending on the one before
 * (SCALE-Sim runs layers one after another). SCALE-Sim's output size
 * ceil((H - R + s) / s) is kept by giving a conv whose stride does not
 * divide (H - R) the symmetric padding ceil((s - (H - R) % s) / 2), so
 * ax_op_out_hw() gives the same size. Returns 0 or -1 with err. */
int ax_scalesim_topo_read(const char *path, int gemm_form, ax_op **ops, size_t *nops,
                          char *err, size_t errlen);

/* Convert one SCALE-Sim layer to a trace op with id `id`. */
void ax_scalesim_layer_to_op(const ax_scalesim_layer *sl, uint32_t id, ax_op *op);

#ifdef __cplusplus
}
#endif
#endif
