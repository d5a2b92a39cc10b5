/*
 * std_ddr5.c - DDR5 (JEDEC JESD79-5B) as data: its timing rules.
 *
 * Same command-to-command structure as DDR4 (bank groups, tCCD_S/L,
 * tRRD_S/L, tWTR_S/L, tFAW); DDR5 adds tPPD (PRE to PRE, 2 nCK in
 * JESD79-5B table 'Timing Parameters'). Same-bank refresh (REFsb) is
 * modelled by REFPB. One DDR5 DIMM channel is two 32-bit sub-channels: a
 * preset describes one sub-channel as one channel.
 */
#include "dram_std.h"

const ax_dram_std ax_dram_std_ddr5 = {
  .name = "DDR5",
  /* the shared rows (std_common.c) */
  .tables = {&ax_dram_rows_column, &ax_dram_rows_rcd, &ax_dram_rows_row_refresh, &ax_dram_rows_ppd, NULL},
  .burst_div = 2,        /* BL16 on a double-data-rate bus: 8 tCK (JESD79-5B) */
  .split_rcd = 0, .dual_cmd = 0, .ini_col_scale = 1,
};
