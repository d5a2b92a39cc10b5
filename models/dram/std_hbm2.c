/*
 * std_hbm2.c - HBM2 (JEDEC JESD235B) as data: its timing rules.
 *
 * HBM splits the activate-to-column delay into tRCDRD and tRCDWR and has
 * separate row and column command buses, so a row and a column command can
 * issue in the same cycle (dual_cmd), as DRAMsim3 models it.
 */
#include "dram_std.h"

#define C AX_DRAM_C
#define P AX_P
#define M AX_M

static const ax_dram_rule rules[] = {
  /* ---- column to column ---------------------------------------------- */
  {.name = "tCCD_S", .scope = AX_DRAM_SC_RANK, .prev = AX_DRAM_COLRD, .next = AX_DRAM_COLRD, .lat = {P(tCCD_S)}},
  {.name = "tCCD_L", .scope = AX_DRAM_SC_BANKGROUP, .prev = AX_DRAM_COLRD, .next = AX_DRAM_COLRD, .lat = {P(tCCD_L)}},
  {.name = "tBURST", .scope = AX_DRAM_SC_RANK, .prev = AX_DRAM_COLRD, .next = AX_DRAM_COLRD, .lat = {P(BURST)}},
  {.name = "tRTRS", .scope = AX_DRAM_SC_OTHER_RANKS, .prev = AX_DRAM_COLRD, .next = AX_DRAM_COLRD, .lat = {P(BURST), P(tRTRS)}},
  {.name = "tRTW", .scope = AX_DRAM_SC_CHANNEL, .prev = AX_DRAM_COLRD, .next = AX_DRAM_COLWR, .lat = {P(RL), P(BURST), M(WL), P(tRTRS)}},
  {.name = "tCCD_S", .scope = AX_DRAM_SC_RANK, .prev = AX_DRAM_COLWR, .next = AX_DRAM_COLWR, .lat = {P(tCCD_S)}},
  {.name = "tCCD_L", .scope = AX_DRAM_SC_BANKGROUP, .prev = AX_DRAM_COLWR, .next = AX_DRAM_COLWR, .lat = {P(tCCD_L)}},
  {.name = "tBURST", .scope = AX_DRAM_SC_RANK, .prev = AX_DRAM_COLWR, .next = AX_DRAM_COLWR, .lat = {P(BURST)}},
  /* DRAMsim3 lets writes to two ranks follow at one burst; the bus needs the
   * rank-switch bubble for them too (docs/dram.md, "Where we differ") */
  {.name = "tRTRS", .scope = AX_DRAM_SC_OTHER_RANKS, .prev = AX_DRAM_COLWR, .next = AX_DRAM_COLWR, .lat = {P(BURST), P(tRTRS)}},
  {.name = "tWTR_S", .scope = AX_DRAM_SC_RANK, .prev = AX_DRAM_COLWR, .next = AX_DRAM_COLRD, .lat = {P(WL), P(BURST), P(tWTR_S)}},
  {.name = "tWTR_L", .scope = AX_DRAM_SC_BANKGROUP, .prev = AX_DRAM_COLWR, .next = AX_DRAM_COLRD, .lat = {P(WL), P(BURST), P(tWTR_L)}},
  {.name = "tRTRS", .scope = AX_DRAM_SC_OTHER_RANKS, .prev = AX_DRAM_COLWR, .next = AX_DRAM_COLRD, .lat = {P(WL), P(BURST), P(tRTRS), M(RL)}},
  /* ---- column to row -------------------------------------------------- */
  {.name = "tRTP", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_RD), .next = C(AX_DRAM_PRE), .lat = {P(AL), P(tRTP)}},
  {.name = "tWR", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_WR), .next = C(AX_DRAM_PRE), .lat = {P(WL), P(BURST), P(tWR)}},
  {.name = "tRTP+tRP", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_RDA), .next = C(AX_DRAM_ACT), .lat = {P(AL), P(BURST), P(tRTP), P(tRP)}},
  {.name = "tRTP+tRP", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_RDA), .next = C(AX_DRAM_REFAB) | C(AX_DRAM_REFPB), .lat = {P(AL), P(tRTP), P(tRP)}},
  {.name = "tWR+tRP", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_WRA), .next = C(AX_DRAM_ACT) | C(AX_DRAM_REFAB) | C(AX_DRAM_REFPB), .lat = {P(WL), P(BURST), P(tWR), P(tRP)}},
  /* ---- row commands --------------------------------------------------- */
  {.name = "tRCDRD", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_ACT), .next = AX_DRAM_COLRD, .lat = {P(tRCDRD)}},
  {.name = "tRCDWR", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_ACT), .next = AX_DRAM_COLWR, .lat = {P(tRCDWR)}},
  {.name = "tRAS", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_ACT), .next = C(AX_DRAM_PRE), .lat = {P(tRAS)}},
  {.name = "tRC", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_ACT), .next = C(AX_DRAM_ACT), .lat = {P(tRC)}},
  {.name = "tRRD_L", .scope = AX_DRAM_SC_BANKGROUP, .prev = C(AX_DRAM_ACT), .next = C(AX_DRAM_ACT), .lat = {P(tRRD_L)}},
  {.name = "tRRD_S", .scope = AX_DRAM_SC_RANK, .prev = C(AX_DRAM_ACT), .next = C(AX_DRAM_ACT), .lat = {P(tRRD_S)}},
  {.name = "tFAW", .scope = AX_DRAM_SC_RANK, .prev = C(AX_DRAM_ACT), .next = C(AX_DRAM_ACT), .lat = {P(tFAW)}, .window = 4},
  {.name = "tRC", .scope = AX_DRAM_SC_RANK, .prev = C(AX_DRAM_ACT), .next = C(AX_DRAM_REFPB), .lat = {P(tRC)}},
  {.name = "tRP", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_PRE), .next = C(AX_DRAM_ACT) | C(AX_DRAM_REFAB) | C(AX_DRAM_REFPB), .lat = {P(tRP)}},
  /* ---- refresh -------------------------------------------------------- */
  {.name = "tRFC", .scope = AX_DRAM_SC_RANK, .prev = C(AX_DRAM_REFAB), .next = C(AX_DRAM_ACT) | C(AX_DRAM_REFAB) | C(AX_DRAM_REFPB), .lat = {P(tRFC)}},
  {.name = "tRFCb", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_REFPB), .next = C(AX_DRAM_ACT) | C(AX_DRAM_REFPB), .lat = {P(tRFCb)}},
  {.name = "tRFCb", .scope = AX_DRAM_SC_RANK, .prev = C(AX_DRAM_REFPB), .next = C(AX_DRAM_REFAB), .lat = {P(tRFCb)}},
  {.name = "tRRD_S", .scope = AX_DRAM_SC_RANK, .prev = C(AX_DRAM_REFPB), .next = C(AX_DRAM_ACT) | C(AX_DRAM_REFPB), .lat = {P(tRRD_S)}},
};

const ax_dram_std ax_dram_std_hbm2 = {
  .name = "HBM2", .rules = rules, .nrules = sizeof rules / sizeof rules[0],
  .burst_div = 2,        /* BL4 on a double-data-rate bus: 2 tCK (JESD235B) */
  .split_rcd = 1, .dual_cmd = 1,
  .ini_col_scale = 2,    /* DRAMsim3 .ini counts HBM columns per 2n prefetch */
};
