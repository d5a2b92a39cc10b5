/*
 * std_gddr6.c - GDDR6 (JEDEC JESD250C) as data: its timing rules.
 *
 * GDDR6 has tRCDRD / tRCDWR, tPPD, and a 32-activate window t32AW next to
 * tFAW (JESD250C table 'AC timings'); DRAMsim3 counts a BL16 burst as one
 * tCK of its command clock (16n prefetch, quad data rate on WCK).
 */
#include "dram_std.h"

#define C AX_DRAM_C
#define P AX_P

/* GDDR6's own row: at most 32 activates in any t32AW (JESD250C). */
static const ax_dram_rule own_rows[] = {
  {.name = "t32AW", .scope = AX_DRAM_SC_RANK, .prev = C(AX_DRAM_ACT), .next = C(AX_DRAM_ACT), .lat = {P(t32AW)}, .window = 32},
};
static const ax_dram_rules own = {"t32AW", own_rows, (int)(sizeof own_rows / sizeof own_rows[0])};

const ax_dram_std ax_dram_std_gddr6 = {
  .name = "GDDR6",
  /* the shared rows (std_common.c), then its own */
  .tables = {&ax_dram_rows_column, &ax_dram_rows_rcd_split, &ax_dram_rows_row_refresh, &ax_dram_rows_ppd, &own, NULL},
  .burst_div = 16,       /* BL16 per command clock as DRAMsim3 (JESD250C: 16n prefetch) */
  .split_rcd = 1, .dual_cmd = 0,
  .ini_col_scale = 0,    /* DRAMsim3 .ini counts GDDR columns x BL */
};
