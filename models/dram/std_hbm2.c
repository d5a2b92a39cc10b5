/*
 * std_hbm2.c - HBM2 (JEDEC JESD235B) as data: its timing rules.
 *
 * HBM splits the activate-to-column delay into tRCDRD and tRCDWR and has
 * separate row and column command buses, so a row and a column command can
 * issue in the same cycle (dual_cmd), as DRAMsim3 models it.
 */
#include "dram_std.h"

const ax_dram_std ax_dram_std_hbm2 = {
  .name = "HBM2",
  /* the shared rows (std_common.c) */
  .tables = {&ax_dram_rows_column, &ax_dram_rows_rcd_split, &ax_dram_rows_row_refresh, NULL},
  .burst_div = 2,        /* BL4 on a double-data-rate bus: 2 tCK (JESD235B) */
  .split_rcd = 1, .dual_cmd = 1,
  .ini_col_scale = 2,    /* DRAMsim3 .ini counts HBM columns per 2n prefetch */
};
