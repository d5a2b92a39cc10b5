/*
 * std_lpddr4.c - LPDDR4 (JEDEC JESD209-4B) as data: its timing rules.
 *
 * LPDDR4 has no bank groups (a preset gives bankgroups = 1, so the _L and
 * _S rules coincide); it adds tPPD (precharge to precharge, JESD209-4B
 * table 'Core AC timing'), which DRAMsim3 also applies to LPDDR4.
 */
#include "dram_std.h"

const ax_dram_std ax_dram_std_lpddr4 = {
  .name = "LPDDR4",
  /* the shared rows (std_common.c) */
  .tables = {&ax_dram_rows_column, &ax_dram_rows_rcd, &ax_dram_rows_row_refresh, &ax_dram_rows_ppd, NULL},
  .burst_div = 2,        /* BL16 on a double-data-rate bus: 8 tCK (JESD209-4B) */
  .split_rcd = 0, .dual_cmd = 0, .ini_col_scale = 1,
};
