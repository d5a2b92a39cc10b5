/*
 * std_common.c - the timing rules the standards share, as small named
 * tables (a standard lists the tables it takes, std_<name>.c).
 *
 * The rules are the command-to-command constraints of the JEDEC standards
 * (JESD79-4B section 4 for DDR4; the same rows hold in JESD79-5B,
 * JESD209-4B/-5B, JESD235B, JESD238A and JESD250C, with the parameters'
 * values from the preset), written the way DRAMsim3's timing.cc derives
 * them, so that a DRAMsim3 .ini gives DRAMsim3's minimum spacings:
 * read-to-write uses RL + BURST - WL + tRTRS, write-to-read WL + BURST +
 * tWTR, rank-to-rank switches add tRTRS to the data-bus occupancy.
 */
#include "dram_std.h"

#define C AX_DRAM_C
#define P AX_P
#define M AX_M
#define TABLE(name, what, rows) const ax_dram_rules name = {what, rows, (int)(sizeof rows / sizeof rows[0])}

/* Column commands: to each other (data bus, bank groups) and to the row
 * commands of their bank (every standard). */
static const ax_dram_rule column[] = {
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
};
TABLE(ax_dram_rows_column, "column commands", column);

/* ACT to a column command: one tRCD (DDR4/5, LPDDR4/5). */
static const ax_dram_rule rcd[] = {
  {.name = "tRCD", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_ACT), .next = AX_DRAM_COL, .lat = {P(tRCD), M(AL)}},
};
TABLE(ax_dram_rows_rcd, "tRCD", rcd);

/* ACT to a column command: tRCDRD for reads, tRCDWR for writes (HBM2/3, GDDR6). */
static const ax_dram_rule rcd_split[] = {
  {.name = "tRCDRD", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_ACT), .next = AX_DRAM_COLRD, .lat = {P(tRCDRD)}},
  {.name = "tRCDWR", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_ACT), .next = AX_DRAM_COLWR, .lat = {P(tRCDWR)}},
};
TABLE(ax_dram_rows_rcd_split, "tRCDRD / tRCDWR", rcd_split);

/* Row commands and refresh (every standard). */
static const ax_dram_rule row_refresh[] = {
  /* ---- row commands --------------------------------------------------- */
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
TABLE(ax_dram_rows_row_refresh, "row commands and refresh", row_refresh);

/* PRE to PRE in a rank (DDR5, LPDDR4/5, GDDR6; DRAMsim3 applies it to LPDDR4 too). */
static const ax_dram_rule ppd[] = {
  {.name = "tPPD", .scope = AX_DRAM_SC_RANK, .prev = C(AX_DRAM_PRE), .next = C(AX_DRAM_PRE), .lat = {P(tPPD)}},
};
TABLE(ax_dram_rows_ppd, "tPPD", ppd);
