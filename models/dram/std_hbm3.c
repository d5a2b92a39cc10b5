/*
 * std_hbm3.c - HBM3 (JEDEC JESD238A) as data: its timing rules.
 *
 * As HBM2 (tRCDRD / tRCDWR, separate row and column command buses); HBM3
 * pseudo-channels are 64 bits wide with BL8.
 */
#include "dram_std.h"

const ax_dram_std ax_dram_std_hbm3 = {
  .name = "HBM3",
  /* the shared rows (std_common.c) */
  .tables = {&ax_dram_rows_column, &ax_dram_rows_rcd_split, &ax_dram_rows_row_refresh, NULL},
  .burst_div = 2,        /* BL8 on a double-data-rate bus: 4 tCK (JESD238A) */
  .split_rcd = 1, .dual_cmd = 1, .ini_col_scale = 2,
};
