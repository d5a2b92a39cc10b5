/*
 * dram_std.h - a DRAM standard as data (after Ramulator 2's idea).
 *
 * A standard is its commands and a table of timing rules. Each rule says:
 * after a command in `prev` was issued to some node, a command in `next`
 * sent to a node within `scope` of it must wait `lat` cycles (a sum of named
 * timing parameters), or, with `window` = n, must wait `lat` cycles after
 * the n-th most recent `prev` command (tFAW is window 4).
 *
 * Where a timing rule lives:
 *   std_common.c   the rows every standard here shares (tCCD, tWTR, tRTP,
 *                  tRAS, tRRD, tFAW, tRFC, ...), in small named tables
 *   std_<name>.c   one standard: which shared tables it takes, its own rows
 *   std_pim.c      the all-bank PIM commands' rows, and the PIM standards
 *                  (GDDR6-AiM, HBM2-PIM, ...): a base standard plus them
 * Rows are named after the JEDEC parameter ("tRCD", "tCCD_L", ...). The
 * numbers come from a preset (dram_presets.c) or a DRAMsim3 .ini
 * (dram_ini.c) and are evaluated into cycles once, at config time
 * (dram_timing.c), for the controller and the `pim` model alike.
 */
#ifndef AX_DRAM_STD_H
#define AX_DRAM_STD_H

#include <stddef.h>
#include <stdint.h>

/* Commands a controller issues. Order is the column order of the tables. */
typedef enum ax_dram_cmd {
  AX_DRAM_ACT,    /* activate a row                                         */
  AX_DRAM_PRE,    /* precharge one bank                                     */
  AX_DRAM_RD,     /* column read                                            */
  AX_DRAM_WR,     /* column write                                           */
  AX_DRAM_RDA,    /* read with auto-precharge                               */
  AX_DRAM_WRA,    /* write with auto-precharge                              */
  AX_DRAM_REFAB,  /* all-bank refresh of a rank                             */
  AX_DRAM_REFPB,  /* per-bank refresh                                       */
  /* all-bank PIM commands (std_pim.c; AiM: Lee et al. ISSCC 2022, Kwon et al.
   * Hot Chips 2022; HBM-PIM: Lee et al. ISCA 2021, Kwon et al. ISSCC 2021).
   * An all-bank command acts as that command on every bank of the rank. */
  AX_DRAM_ACT_AB, /* activate one row in every bank (AiM ACT16, HBM-PIM AB-mode ACT) */
  AX_DRAM_MAC_AB, /* every bank reads one column into its MAC unit (AiM MACAB) */
  AX_DRAM_PRE_AB, /* precharge every bank (PREab / PREA)                    */
  AX_DRAM_WRGB,   /* one burst on the data bus into the global buffer (AiM WRGB) */
  AX_DRAM_RDMAC,  /* one burst of MAC results out on the data bus (AiM RDMAC) */
  AX_DRAM_CMD_N
} ax_dram_cmd;

/* The commands a plain controller issues are those before the PIM ones. */
enum { AX_DRAM_CMD_STD_N = AX_DRAM_ACT_AB };

#define AX_DRAM_C(c) (1u << (c))
#define AX_DRAM_COLRD (AX_DRAM_C(AX_DRAM_RD) | AX_DRAM_C(AX_DRAM_RDA))
#define AX_DRAM_COLWR (AX_DRAM_C(AX_DRAM_WR) | AX_DRAM_C(AX_DRAM_WRA))
#define AX_DRAM_COL (AX_DRAM_COLRD | AX_DRAM_COLWR)
/* A command and its all-bank form, for PIM rows: ACT or ACT_AB, ... */
#define AX_DRAM_ACTS (AX_DRAM_C(AX_DRAM_ACT) | AX_DRAM_C(AX_DRAM_ACT_AB))
#define AX_DRAM_PRES (AX_DRAM_C(AX_DRAM_PRE) | AX_DRAM_C(AX_DRAM_PRE_AB))

/* Which nodes a rule reaches, seen from the node the `prev` command hit.
 * Scopes are inclusive (RANK covers every bank of the rank, the same bank
 * too); OTHER_RANKS is every bank of the other ranks of the channel. Since
 * every rule is a lower bound, a bank obeys the largest rule reaching it. */
typedef enum ax_dram_scope {
  AX_DRAM_SC_BANK,
  AX_DRAM_SC_BANKGROUP,
  AX_DRAM_SC_RANK,
  AX_DRAM_SC_OTHER_RANKS,
  AX_DRAM_SC_CHANNEL,
  AX_DRAM_SC_N
} ax_dram_scope;

/* Named timing parameters, in cycles of tCK (names as JEDEC / DRAMsim3). */
#define AX_DRAM_TIMINGS(X)                                                   \
  X(AL) X(CL) X(CWL) X(RL) X(WL) X(BURST)                                    \
  X(tRCD) X(tRCDRD) X(tRCDWR) X(tRP) X(tRAS) X(tRC)                          \
  X(tRFC) X(tRFCb) X(tREFI) X(tREFIb)                                        \
  X(tRRD_S) X(tRRD_L) X(tWTR_S) X(tWTR_L) X(tFAW) X(t32AW)                   \
  X(tWR) X(tRTP) X(tCCD_S) X(tCCD_L) X(tRTRS) X(tPPD)                        \
  X(tCKE) X(tCKESR) X(tXP) X(tXS) X(tRPRE) X(tWPRE)                        \
  X(tMACRD)
/* tMACRD: PIM only, the MAC unit's pipeline from the last MAC_AB to a
 * readable result (set by the `pim` model's mac_latency; 0 elsewhere). */

typedef enum ax_dram_tp {
#define AX_DRAM_TP_ENUM(n) AX_DRAM_TP_##n,
  AX_DRAM_TIMINGS(AX_DRAM_TP_ENUM)
#undef AX_DRAM_TP_ENUM
  AX_DRAM_TP_N
} ax_dram_tp;

/* One term of a latency: coef * parameter. */
typedef struct ax_dram_term {
  int8_t coef;   /* +1, -1, ...; 0 ends the list */
  uint8_t tp;    /* ax_dram_tp */
} ax_dram_term;

#define AX_DRAM_MAX_TERMS 6

/* One timing rule. */
typedef struct ax_dram_rule {
  const char *name;          /* the JEDEC name: what to grep for          */
  ax_dram_scope scope;
  uint32_t prev, next;       /* AX_DRAM_C() bit sets of commands          */
  ax_dram_term lat[AX_DRAM_MAX_TERMS];
  int window;                /* 0: every prev; n: the n-th latest prev    */
} ax_dram_rule;

/* Terms for a rule's .lat: P(tRCD) adds a parameter, M(CWL) subtracts one. */
#define AX_P(n) {+1, AX_DRAM_TP_##n}
#define AX_M(n) {-1, AX_DRAM_TP_##n}

/* A named table of rules (std_common.c, std_pim.c, or a standard's own). */
typedef struct ax_dram_rules {
  const char *what;             /* "column commands", "tPPD", ...          */
  const ax_dram_rule *rows;
  int n;
} ax_dram_rules;

#define AX_DRAM_MAX_TABLES 6

/* A standard: its name, its rules and the few facts the controller and the
 * .ini reader need about it. Its rules are its base standard's (if any),
 * then the rows of its tables in order. */
typedef struct ax_dram_std {
  const char *name;             /* "DDR4" */
  const struct ax_dram_std *base; /* a PIM standard: the plain one it extends */
  const ax_dram_rules *tables[AX_DRAM_MAX_TABLES]; /* NULL-terminated      */
  int burst_div;                /* data-bus cycles per burst = BL / burst_div */
  int split_rcd;                /* uses tRCDRD / tRCDWR instead of tRCD       */
  int dual_cmd;                 /* row and column command in one cycle (HBM)  */
  int ini_col_scale;            /* DRAMsim3 .ini counts columns x this (0: BL) */
} ax_dram_std;

/* The tables the standards share (std_common.c) and the PIM rows (std_pim.c). */
extern const ax_dram_rules ax_dram_rows_column, ax_dram_rows_rcd, ax_dram_rows_rcd_split,
    ax_dram_rows_row_refresh, ax_dram_rows_ppd, ax_dram_rows_pim, ax_dram_rows_pim_rcd,
    ax_dram_rows_pim_rcd_split;

/* Number of rules of a standard, its base's included. */
int ax_dram_std_nrules(const ax_dram_std *s);
/* Rule i (0 .. nrules-1) of a standard: its base's first, then its tables'. */
const ax_dram_rule *ax_dram_std_rule(const ax_dram_std *s, int i);

/* The standards (one file each: std_ddr4.c, ...). */
extern const ax_dram_std ax_dram_std_ddr4, ax_dram_std_ddr5, ax_dram_std_lpddr4,
    ax_dram_std_lpddr5, ax_dram_std_hbm2, ax_dram_std_hbm3, ax_dram_std_gddr6;
/* The PIM standards (std_pim.c): a base standard plus the all-bank rows. */
extern const ax_dram_std ax_dram_std_ddr4_pim, ax_dram_std_ddr5_pim, ax_dram_std_lpddr4_pim,
    ax_dram_std_lpddr5_pim, ax_dram_std_hbm2_pim, ax_dram_std_hbm3_pim, ax_dram_std_gddr6_aim;
/* The PIM standard extending `base` (GDDR6 -> GDDR6-AiM), NULL if none. */
const ax_dram_std *ax_dram_std_pim(const ax_dram_std *base);

/* Standard by name ("DDR4", "HBM2", "GDDR6-AiM", ...; DRAMsim3's "HBM" is HBM2), NULL if none. */
const ax_dram_std *ax_dram_std_find(const char *name);
/* Name of a command as the command log writes it ("activate", "read", ...). */
const char *ax_dram_cmd_name(ax_dram_cmd c);
/* Name of a timing parameter ("tRCD"). */
const char *ax_dram_tp_name(ax_dram_tp t);

#endif /* AX_DRAM_STD_H */
