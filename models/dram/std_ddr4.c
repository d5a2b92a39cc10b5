/*
 * std_ddr4.c - DDR4 (JEDEC JESD79-4B) as data: its timing rules.
 *
 * The rules are the command-to-command constraints of JESD79-4B section 4
 * ("Timing Parameters"), written the way DRAMsim3's timing.cc derives them,
 * so that a DDR4 .ini gives the same minimum spacings as DRAMsim3:
 * read-to-write uses RL + BURST - WL + tRTRS, write-to-read WL + BURST +
 * tWTR, rank-to-rank switches add tRTRS to the data-bus occupancy.
 */
#include "dram_std.h"

const ax_dram_std ax_dram_std_ddr4 = {
  .name = "DDR4",
  /* the shared rows (std_common.c) */
  .tables = {&ax_dram_rows_column, &ax_dram_rows_rcd, &ax_dram_rows_row_refresh, NULL},
  .burst_div = 2,        /* double data rate: BL8 takes 4 tCK (JESD79-4B) */
  .split_rcd = 0, .dual_cmd = 0, .ini_col_scale = 1,
};
