/*
 * std_pim.c - bank-level PIM as data: the rows of the all-bank commands
 * (ACT_AB, MAC_AB, PRE_AB, WRGB, RDMAC; dram_std.h) and the PIM standards,
 * each a base standard plus these rows.
 *
 * Sources: SK hynix GDDR6-AiM (Lee et al., ISSCC 2022; Kwon et al., Hot
 * Chips 2022) and Samsung HBM-PIM (Kwon et al., ISSCC 2021; Lee et al.,
 * ISCA 2021). Both drive the banks with the DRAM's own commands broadcast
 * to every bank, so the bank-level rules (tRCD, tRAS, tRP, tRC, tRTP, tWR,
 * tCCD) hold for each bank as for a plain command. What differs:
 *  - an all-bank activate is one command whose power delivery is built for
 *    it: it is not counted in, nor held by, the tFAW window (AiM's ACT16;
 *    the AiM simulator of Khadem et al. drops tFAW for it "because of the
 *    paper", AttAcc's HBM3-PIM model has no tFAW on ACTAB either). It does
 *    keep an activate-to-activate spacing: it opens a row in every bank
 *    group, so against any other activate of the rank it is a same-group
 *    activate, tRRD_L (AiM simulator: ACT16 after or before any ACT).
 *  - MAC_AB is a column read in every bank at once, data staying inside
 *    the device: tCCD_L from and to any read of the rank (every bank group
 *    is hit), no data-bus rule.
 *  - WRGB and RDMAC move one burst on the channel's data bus to the global
 *    buffer / from the MAC result registers, outside the bank groups: the
 *    rank-wide rules of writes and reads (tCCD_S, burst, tRTRS, tWTR_S,
 *    read-to-write turnaround); a MAC_AB uses the buffer WL + burst after
 *    the WRGB that filled it; a result is readable tMACRD (the MAC pipeline)
 *    after the last MAC_AB.
 * An all-bank command acts on every bank of the rank: as `prev`, a bank-
 * scope row reaches every bank; as `next`, every bank's bound holds.
 */
#include <stddef.h>

#include "dram_std.h"

#define C AX_DRAM_C
#define P AX_P
#define M AX_M
#define TABLE(name, what, rows) const ax_dram_rules name = {what, rows, (int)(sizeof rows / sizeof rows[0])}

/* writes and reads on the data bus, PIM bursts included */
#define WRS (AX_DRAM_COLWR | C(AX_DRAM_WRGB))
#define RDS (AX_DRAM_COLRD | C(AX_DRAM_RDMAC))

static const ax_dram_rule pim[] = {
  /* ---- row commands, per bank as ACT / PRE -------------------------------- */
  {.name = "tRAS", .scope = AX_DRAM_SC_BANK, .prev = AX_DRAM_ACTS, .next = AX_DRAM_PRES, .lat = {P(tRAS)}},
  {.name = "tRC", .scope = AX_DRAM_SC_BANK, .prev = AX_DRAM_ACTS, .next = AX_DRAM_ACTS, .lat = {P(tRC)}},
  {.name = "tRP", .scope = AX_DRAM_SC_BANK, .prev = AX_DRAM_PRES, .next = AX_DRAM_ACTS | C(AX_DRAM_REFAB) | C(AX_DRAM_REFPB), .lat = {P(tRP)}},
  {.name = "tRFC", .scope = AX_DRAM_SC_RANK, .prev = C(AX_DRAM_REFAB), .next = C(AX_DRAM_ACT_AB), .lat = {P(tRFC)}},
  {.name = "tRTP+tRP", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_RDA), .next = C(AX_DRAM_ACT_AB), .lat = {P(AL), P(BURST), P(tRTP), P(tRP)}},
  {.name = "tWR+tRP", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_WRA), .next = C(AX_DRAM_ACT_AB), .lat = {P(WL), P(BURST), P(tWR), P(tRP)}},
  /* an all-bank activate hits every bank group: tRRD_L to and from any ACT
   * of the rank; no tFAW (see above) */
  {.name = "tRRD_L", .scope = AX_DRAM_SC_RANK, .prev = AX_DRAM_ACTS, .next = C(AX_DRAM_ACT_AB), .lat = {P(tRRD_L)}},
  {.name = "tRRD_L", .scope = AX_DRAM_SC_RANK, .prev = C(AX_DRAM_ACT_AB), .next = C(AX_DRAM_ACT), .lat = {P(tRRD_L)}},
  {.name = "tPPD", .scope = AX_DRAM_SC_RANK, .prev = AX_DRAM_PRES, .next = AX_DRAM_PRES, .lat = {P(tPPD)}},
  /* ---- MAC_AB: a column read in every bank -------------------------------- */
  {.name = "tCCD_L", .scope = AX_DRAM_SC_RANK, .prev = AX_DRAM_COLRD | C(AX_DRAM_MAC_AB), .next = C(AX_DRAM_MAC_AB), .lat = {P(tCCD_L)}},
  {.name = "tCCD_L", .scope = AX_DRAM_SC_RANK, .prev = C(AX_DRAM_MAC_AB), .next = AX_DRAM_COLRD, .lat = {P(tCCD_L)}},
  {.name = "tWTR_L", .scope = AX_DRAM_SC_RANK, .prev = AX_DRAM_COLWR, .next = C(AX_DRAM_MAC_AB), .lat = {P(WL), P(BURST), P(tWTR_L)}},
  {.name = "tRTP", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_RD) | C(AX_DRAM_MAC_AB), .next = AX_DRAM_PRES, .lat = {P(AL), P(tRTP)}},
  {.name = "tWR", .scope = AX_DRAM_SC_BANK, .prev = C(AX_DRAM_WR), .next = C(AX_DRAM_PRE_AB), .lat = {P(WL), P(BURST), P(tWR)}},
  /* ---- WRGB / RDMAC: bursts on the data bus -------------------------------- */
  {.name = "tCCD_S", .scope = AX_DRAM_SC_RANK, .prev = WRS, .next = WRS, .lat = {P(tCCD_S)}},
  {.name = "tBURST", .scope = AX_DRAM_SC_RANK, .prev = WRS, .next = WRS, .lat = {P(BURST)}},
  {.name = "tRTRS", .scope = AX_DRAM_SC_OTHER_RANKS, .prev = WRS, .next = WRS, .lat = {P(BURST), P(tRTRS)}},
  {.name = "tCCD_S", .scope = AX_DRAM_SC_RANK, .prev = RDS, .next = RDS, .lat = {P(tCCD_S)}},
  {.name = "tBURST", .scope = AX_DRAM_SC_RANK, .prev = RDS, .next = RDS, .lat = {P(BURST)}},
  {.name = "tRTRS", .scope = AX_DRAM_SC_OTHER_RANKS, .prev = RDS, .next = RDS, .lat = {P(BURST), P(tRTRS)}},
  {.name = "tRTW", .scope = AX_DRAM_SC_CHANNEL, .prev = RDS, .next = WRS, .lat = {P(RL), P(BURST), M(WL), P(tRTRS)}},
  {.name = "tWTR_S", .scope = AX_DRAM_SC_RANK, .prev = WRS, .next = RDS, .lat = {P(WL), P(BURST), P(tWTR_S)}},
  {.name = "tWTR_L", .scope = AX_DRAM_SC_RANK, .prev = AX_DRAM_COLWR, .next = C(AX_DRAM_RDMAC), .lat = {P(WL), P(BURST), P(tWTR_L)}},
  {.name = "tRTRS", .scope = AX_DRAM_SC_OTHER_RANKS, .prev = WRS, .next = RDS, .lat = {P(WL), P(BURST), P(tRTRS), M(RL)}},
  /* the global buffer holds a WRGB's data WL + burst after it */
  {.name = "WL+tBURST", .scope = AX_DRAM_SC_RANK, .prev = C(AX_DRAM_WRGB), .next = C(AX_DRAM_MAC_AB), .lat = {P(WL), P(BURST)}},
  {.name = "tMACRD", .scope = AX_DRAM_SC_RANK, .prev = C(AX_DRAM_MAC_AB), .next = C(AX_DRAM_RDMAC), .lat = {P(tMACRD)}},
};
TABLE(ax_dram_rows_pim, "all-bank PIM commands", pim);

/* ACT (or ACT_AB) to MAC_AB: tRCD where the standard has one ... */
static const ax_dram_rule pim_rcd[] = {
  {.name = "tRCD", .scope = AX_DRAM_SC_BANK, .prev = AX_DRAM_ACTS, .next = C(AX_DRAM_MAC_AB), .lat = {P(tRCD), M(AL)}},
};
TABLE(ax_dram_rows_pim_rcd, "tRCD to MAC_AB", pim_rcd);

/* ... tRCDRD where reads and writes have their own (HBM, GDDR6). */
static const ax_dram_rule pim_rcd_split[] = {
  {.name = "tRCDRD", .scope = AX_DRAM_SC_BANK, .prev = AX_DRAM_ACTS, .next = C(AX_DRAM_MAC_AB), .lat = {P(tRCDRD)}},
};
TABLE(ax_dram_rows_pim_rcd_split, "tRCDRD to MAC_AB", pim_rcd_split);

/* The PIM standards: a base standard, then the rows above. The facts
 * (burst_div, ...) are the base's (tested in dram_unit). */
const ax_dram_std ax_dram_std_gddr6_aim = {
  .name = "GDDR6-AiM", .base = &ax_dram_std_gddr6,
  .tables = {&ax_dram_rows_pim, &ax_dram_rows_pim_rcd_split, NULL},
  .burst_div = 16, .split_rcd = 1, .dual_cmd = 0, .ini_col_scale = 0,
};
const ax_dram_std ax_dram_std_hbm2_pim = {
  .name = "HBM2-PIM", .base = &ax_dram_std_hbm2,
  .tables = {&ax_dram_rows_pim, &ax_dram_rows_pim_rcd_split, NULL},
  .burst_div = 2, .split_rcd = 1, .dual_cmd = 1, .ini_col_scale = 2,
};
const ax_dram_std ax_dram_std_hbm3_pim = {
  .name = "HBM3-PIM", .base = &ax_dram_std_hbm3,
  .tables = {&ax_dram_rows_pim, &ax_dram_rows_pim_rcd_split, NULL},
  .burst_div = 2, .split_rcd = 1, .dual_cmd = 1, .ini_col_scale = 2,
};
const ax_dram_std ax_dram_std_ddr4_pim = {
  .name = "DDR4-PIM", .base = &ax_dram_std_ddr4,
  .tables = {&ax_dram_rows_pim, &ax_dram_rows_pim_rcd, NULL},
  .burst_div = 2, .split_rcd = 0, .dual_cmd = 0, .ini_col_scale = 1,
};
const ax_dram_std ax_dram_std_ddr5_pim = {
  .name = "DDR5-PIM", .base = &ax_dram_std_ddr5,
  .tables = {&ax_dram_rows_pim, &ax_dram_rows_pim_rcd, NULL},
  .burst_div = 2, .split_rcd = 0, .dual_cmd = 0, .ini_col_scale = 1,
};
const ax_dram_std ax_dram_std_lpddr4_pim = {
  .name = "LPDDR4-PIM", .base = &ax_dram_std_lpddr4,
  .tables = {&ax_dram_rows_pim, &ax_dram_rows_pim_rcd, NULL},
  .burst_div = 2, .split_rcd = 0, .dual_cmd = 0, .ini_col_scale = 1,
};
const ax_dram_std ax_dram_std_lpddr5_pim = {
  .name = "LPDDR5-PIM", .base = &ax_dram_std_lpddr5,
  .tables = {&ax_dram_rows_pim, &ax_dram_rows_pim_rcd, NULL},
  .burst_div = 8, .split_rcd = 0, .dual_cmd = 0, .ini_col_scale = 1,
};

/* The PIM standard extending `base`, NULL if none. */
const ax_dram_std *ax_dram_std_pim(const ax_dram_std *base) {
  static const ax_dram_std *const all[] = {&ax_dram_std_gddr6_aim, &ax_dram_std_hbm2_pim, &ax_dram_std_hbm3_pim,
                                           &ax_dram_std_ddr4_pim,  &ax_dram_std_ddr5_pim, &ax_dram_std_lpddr4_pim,
                                           &ax_dram_std_lpddr5_pim};
  if (base && base->base) return base; /* already a PIM standard */
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (all[i]->base == base) return all[i];
  return NULL;
}
