/*
 * scalesim_cfg.h - read a SCALE-Sim .cfg file unchanged.
 *
 * INI as Python's configparser reads it: [sections], `key = value` or
 * `key : value`, keys case-insensitive, values stripped, full-line comments
 * starting with '#' or ';'. Recognised (SCALE-Sim v2):
 *   [general]              run_name
 *   [architecture_presets] ArrayHeight ArrayWidth IfmapSramSzkB FilterSramSzkB
 *                          OfmapSramSzkB IfmapOffset FilterOffset OfmapOffset
 *                          Bandwidth Dataflow MemoryBanks
 *   [run_presets]          InterfaceBandwidth (CALC or USER)
 * Keys SCALE-Sim versions added later (sparsity, layouts, ...) are listed in
 * `ignored` so the caller can say they have no effect here.
 */
#ifndef AX_SCALESIM_CFG_H
#define AX_SCALESIM_CFG_H

#include <stddef.h>
#include <stdint.h>

#include "systolic_map.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ax_scalesim_cfg {
  char run_name[256];
  ax_sa_array array;          /* rows, cols, dataflow, SRAM bytes, word 1 */
  uint64_t ifmap_offset, filter_offset, ofmap_offset;
  int user_bandwidth;         /* InterfaceBandwidth: USER (1) or CALC (0)  */
  uint64_t bandwidth;         /* first Bandwidth value (words/cycle), 0 if none */
  char ignored[512];          /* comma-separated keys read but not used    */
} ax_scalesim_cfg;

/* Parse a SCALE-Sim config. Returns 0, or -1 with "file:line: key: what
 * was expected" in err. */
int ax_scalesim_cfg_read(const char *path, ax_scalesim_cfg *cfg, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
