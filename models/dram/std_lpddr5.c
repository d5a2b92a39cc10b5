/*
 * std_lpddr5.c - LPDDR5 (JEDEC JESD209-5B) as data: its timing rules.
 *
 * Timing counts cycles of CK; data moves on WCK at 4:1, so a BL16 burst
 * takes 2 tCK. Bank-group mode (4 groups of 4 banks) uses the _L/_S rules
 * like DDR4; tPPD as LPDDR4 (JESD209-5B table 'Core AC timing').
 */
#include "dram_std.h"

const ax_dram_std ax_dram_std_lpddr5 = {
  .name = "LPDDR5",
  /* the shared rows (std_common.c) */
  .tables = {&ax_dram_rows_column, &ax_dram_rows_rcd, &ax_dram_rows_row_refresh, &ax_dram_rows_ppd, NULL},
  .burst_div = 8,        /* BL16 at WCK:CK = 4:1, double data rate: 2 tCK (JESD209-5B) */
  .split_rcd = 0, .dual_cmd = 0, .ini_col_scale = 1,
};
