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
 * partial sums, read out (RDRES bursts) after each block of accs rows.
 *
 * Timing is in cycles of tCK and obeys, for every bank, the rules of a
 * plain DRAM: tRCD ACT->MAC, tCCD_L MAC->MAC, tRAS ACT->PRE, tRTP
 * MAC->PRE, tRP PRE->ACT, tRC ACT->ACT, tRFC after an all-bank refresh due
 * every tREFI (taken at the next tile boundary). With `stagger`, ACT_AB is
 * issued as B ACTs obeying tRRD_S/tRRD_L/tFAW and PRE_AB as B PREs tPPD
 * apart, so the row commands are legal on standard power delivery too.
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

/* The DRAM timing a PIM channel obeys, in cycles of tCK. */
typedef struct ax_pim_timing {
  int tRCD, tRAS, tRP, tRC, tRTP, tCCD_L, tCCD_S, tRRD_S, tRRD_L, tFAW, tPPD;
  int tRFC, tREFI, RL, WL, BURST, AL;
} ax_pim_timing;

/* A PIM memory: organisation and PIM resources. */
typedef struct ax_pim_geom {
  int channels, banks, bankgroups;
  int row_bytes;     /* DRAM page per bank                                   */
  int col_bytes;     /* bytes a bank reads into its MAC unit per MAC_AB      */
  int burst_bytes;   /* bytes one WRGB / RDRES burst moves on the bus        */
  int gb_bytes;      /* global buffer per channel                            */
  int accs;          /* partial-sum registers per bank MAC unit              */
  int mac_latency;   /* cycles from the last MAC_AB to a readable result     */
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

/* Fill t from a finished DRAM config (its t[] in cycles). */
void ax_pim_timing_from_dram(ax_pim_timing *t, const ax_dram_cfg *cfg);
/* Check g against t; AX_OK or AX_EINVAL with the setting that is wrong. */
int ax_pim_geom_check(const ax_pim_geom *g, char *err, size_t errlen);
/* Time a GEMV starting at cycle `start` with the refresh phase `ref_due`
 * (cycle the next refresh falls due; updated). Exact fast path. */
void ax_pim_gemv_time(const ax_pim_timing *t, const ax_pim_geom *g, const ax_pim_gemv *op, uint64_t start,
                      uint64_t *ref_due, ax_pim_result *out);
/* The same, walking every command; if log is not NULL, write bank 0's
 * commands of channel 0 in DRAMsim3's cmdtrace format ("cycle cmd ch ra bg
 * ba row col"), and if rowlog is not NULL every bank's row commands
 * (activate / precharge / refresh) of channel 0. */
void ax_pim_gemv_slow(const ax_pim_timing *t, const ax_pim_geom *g, const ax_pim_gemv *op, uint64_t start,
                      uint64_t *ref_due, ax_pim_result *out, FILE *log, FILE *rowlog);

#endif
