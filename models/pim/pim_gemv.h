/*
 * pim_gemv.h - bank-level PIM (AiM / HBM-PIM / PIM-GPT style): a GEMV
 * partitioned over channels and banks and timed as the all-bank command
 * stream a PIM controller issues, under the DRAM timing rules.
 *
 * Partitioning: output row r of W [m x k] goes to channel r % C, bank
 * (r / C) % B, so every bank of every channel holds whole output rows
 * (PIM-GPT's row-to-bank mapping). A bank's share of a row spans `chunks`
 * DRAM rows of row_bytes; one "tile" is one DRAM row of every bank at once:
 *   ACT_AB, then one MAC_AB per column (each bank reads col_bytes into its
 *   MAC unit and multiplies them with the global buffer's copy of the
 *   input), then PRE_AB.
 * The input vector is written into each channel's global buffer (WRGB
 * bursts on the channel bus, gb_bytes at a time); each bank keeps `accs`
 * partial sums, read out (RDMAC bursts) after each block of accs rows.
 *
 * Timing is in cycles of tCK. Every command-to-command spacing comes from
 * the timing table of the PIM standard (models/dram/std_pim.c: the DRAM
 * standard's rules plus the all-bank rows), evaluated by dram_timing.c as
 * for the DRAM controller: tRCD ACT->MAC, tCCD_L MAC->MAC, tRAS ACT->PRE,
 * tRTP MAC->PRE, tRP PRE->ACT, tRC ACT->ACT, tRRD_L ACT_AB->ACT_AB, tRFC
 * after an all-bank refresh due every tREFI (taken at the next tile
 * boundary), the data-bus rules between WRGB and RDMAC bursts. With
 * `stagger`, ACT_AB is issued as B ACTs under tRRD_S/tRRD_L/tFAW and PRE_AB
 * as B PREs tPPD apart, so the row commands are legal on standard power
 * delivery too.
 *
 * The fast path (ax_pim_gemv_time) is exact: see pim_gemv.c for why a run
 * of identical tiles can be jumped; ax_pim_gemv_slow walks every command
 * (and can log them for the DRAM timing checker), and tests compare both.
 */
#ifndef AX_PIM_GEMV_H
#define AX_PIM_GEMV_H

#include <stdint.h>
#include <stdio.h>

#include "dram/dram.h"

#define AX_PIM_MAX_BANKS 64

/* The spacings a PIM channel obeys, in cycles of tCK, each the largest
 * latency of the PIM standard's rules from one command to the next
 * (ax_dram_timing_gap); "AB" forms and per-bank forms agree by the table. */
typedef struct ax_pim_timing {
  int act_mac;       /* ACT(_AB) -> MAC_AB, same bank: tRCD / tRCDRD          */
  int mac_mac;       /* MAC_AB -> MAC_AB: tCCD_L                              */
  int mac_pre;       /* MAC_AB -> PRE(_AB), same bank: AL + tRTP              */
  int act_pre;       /* ACT(_AB) -> PRE(_AB), same bank: tRAS                 */
  int pre_act;       /* PRE(_AB) -> ACT(_AB), same bank: tRP                  */
  int act_act;       /* ACT(_AB) -> ACT(_AB), same bank: tRC                  */
  int ab_ab;         /* ACT_AB -> ACT_AB in the rank: tRRD_L                  */
  int rrd_s, rrd_l, faw; /* ACT -> ACT (stagger): rank, bank group, 4-window  */
  int ppd;           /* PRE(_AB) -> PRE(_AB) in the rank: tPPD                */
  int pre_ref;       /* PRE(_AB) -> REFAB: tRP                                */
  int ref_act;       /* REFAB -> ACT_AB: tRFC                                 */
  int gb_gb, res_res;/* WRGB -> WRGB, RDMAC -> RDMAC: tCCD_S / burst          */
  int res_gb, gb_res;/* RDMAC -> WRGB, WRGB -> RDMAC: bus turnarounds         */
  int gb_mac;        /* WRGB -> MAC_AB: the buffer holds the data, WL + burst */
  int mac_res;       /* MAC_AB -> RDMAC: tMACRD, the MAC pipeline             */
  int tREFI;         /* refresh interval                                      */
  int rd_data;       /* RDMAC to its last data beat: RL + burst               */
} ax_pim_timing;

/* A PIM memory: organisation and PIM resources. */
typedef struct ax_pim_geom {
  int channels, banks, bankgroups;
  int row_bytes;     /* DRAM page per bank                                   */
  int col_bytes;     /* bytes a bank reads into its MAC unit per MAC_AB      */
  int burst_bytes;   /* bytes one WRGB / RDMAC burst moves on the bus        */
  int gb_bytes;      /* global buffer per channel                            */
  int accs;          /* partial-sum registers per bank MAC unit              */
  int stagger;       /* ACT_AB / PRE_AB as per-bank commands (see above)     */
  int refresh;       /* model all-bank refresh                               */
} ax_pim_geom;

/* One GEMV: W [m x k] (elem_bytes each) times x [k]; out_bytes per result;
 * `vectors` independent input vectors through the same W, one after another
 * (a small-batch GEMM: the MAC units hold one vector at a time). */
typedef struct ax_pim_gemv {
  uint64_t m, k, vectors;
  int elem_bytes, out_bytes;
} ax_pim_gemv;

/* How a GEMV was laid out and what it cost. */
typedef struct ax_pim_result {
  uint64_t cycles;            /* start to last result on the bus            */
  uint64_t rows_per_bank;     /* most output rows any bank holds            */
  uint64_t chunks;            /* DRAM rows per output row per bank          */
  uint64_t tiles;             /* ACT_AB..PRE_AB per channel (busiest)       */
  uint64_t act_ab, mac_ab, pre_ab, wrgb, rdres, refs; /* commands, all channels */
  uint64_t bank_acts, bank_cols;                       /* per-bank equivalents  */
  uint64_t macs;              /* useful multiply-accumulates (m x k x vectors) */
  uint64_t mac_slots;         /* MAC lanes x MAC_AB issued (utilisation = macs / slots) */
  int active_channels;
  uint64_t jumped_tiles;      /* tiles the fast path did not walk           */
} ax_pim_result;

/* Fill t from the timing table of the PIM standard extending cfg's
 * (ax_dram_std_pim), with cfg's numbers and tMACRD = mac_latency. AX_OK, or
 * AX_EINVAL / AX_ENOMEM with a message. */
int ax_pim_timing_from_dram(ax_pim_timing *t, const ax_dram_cfg *cfg, int mac_latency, char *err, size_t errlen);
/* Check g against t; AX_OK or AX_EINVAL with the setting that is wrong. */
int ax_pim_geom_check(const ax_pim_geom *g, char *err, size_t errlen);
/* Time a GEMV starting at cycle `start` with the refresh phase `ref_due`
 * (cycle the next refresh falls due; updated). Exact fast path. */
void ax_pim_gemv_time(const ax_pim_timing *t, const ax_pim_geom *g, const ax_pim_gemv *op, uint64_t start,
                      uint64_t *ref_due, ax_pim_result *out);
/* The same, walking every command; if log is not NULL, write every
 * command of channel 0 (all-bank ones, per-bank ones with stagger, WRGB,
 * RDMAC, refresh) in cycle order in DRAMsim3's cmdtrace format ("cycle cmd
 * ch ra bg ba row col"; all-bank commands with bg = ba = -1). */
void ax_pim_gemv_slow(const ax_pim_timing *t, const ax_pim_geom *g, const ax_pim_gemv *op, uint64_t start,
                      uint64_t *ref_due, ax_pim_result *out, FILE *log);

#endif
