/*
 * dram.h - the DRAM model: configuration, address mapping, and a
 * cycle-level memory controller that jumps over idle cycles.
 *
 * Plain C, no event-kernel dependency: `axsim dramtrace` runs it alone and
 * the `dram` component (dram_comp.c) wraps it. Layout of the folder:
 *   dram_std.h, std_*.c    standards as data (commands, timing rules)
 *   dram_cfg.c             organisation / timing / power settings, derived values
 *   dram_presets.c         DDR4-3200 ... GDDR6 presets, each number sourced
 *   dram_ini.c             DRAMsim3 .ini files (libinih)
 *   dram_timing.c          rules -> per-command latency lists, in cycles
 *   dram_ctrl.c            one channel's controller (queues, FR-FCFS, refresh)
 *   dram_sys.c             channels together, address -> channel
 *   dram_trace.c           `axsim dramtrace`
 *   dram_comp.c            the `dram` component
 */
#ifndef AX_DRAM_H
#define AX_DRAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "axsim/axsim.h"
#include "dram_std.h"

#define AX_DRAM_NEVER UINT64_MAX

enum { AX_DRAM_OPEN_PAGE = 0, AX_DRAM_CLOSE_PAGE = 1 };
enum { AX_DRAM_QUEUE_PER_BANK = 0, AX_DRAM_QUEUE_PER_RANK = 1 };
enum {
  AX_DRAM_REF_RANK_STAGGERED = 0, /* one rank every tREFI / ranks      */
  AX_DRAM_REF_RANK_SIMULTANEOUS,  /* every rank, every tREFI           */
  AX_DRAM_REF_BANK_STAGGERED,     /* one bank every tREFIb (REFPB)     */
  AX_DRAM_REF_NONE
};

/* Address fields, in the order DRAMsim3's mapping strings name them. */
enum { AX_DRAM_F_CH, AX_DRAM_F_RA, AX_DRAM_F_BG, AX_DRAM_F_BA, AX_DRAM_F_RO, AX_DRAM_F_CO, AX_DRAM_F_N };

/* Everything that describes one memory system. Timing in cycles of tCK. */
typedef struct ax_dram_cfg {
  char name[64];               /* preset or .ini file name              */
  const ax_dram_std *std;
  /* organisation */
  int channels, ranks, bankgroups, banks_per_group, banks;
  int rows, columns;           /* columns: device-width columns per row */
  int device_width, bus_width, BL;
  int devices_per_rank;
  uint64_t channel_mb;         /* capacity of one channel, MiB          */
  /* timing */
  double tCK_ns;
  int t[AX_DRAM_TP_N];         /* cycles, by ax_dram_tp                 */
  /* power (DRAMPower-style IDD currents, mA per device; VDD volts) */
  double VDD, IDD0, IDD2P, IDD2N, IDD3P, IDD3N, IDD4R, IDD4W, IDD5AB, IDD5PB, IDD6x;
  /* controller */
  char mapping[16];            /* e.g. "rochrababgco", most significant first */
  int page_policy, queue_structure, refresh_policy;
  int cmd_queue_size, trans_queue_size, write_buf_size, unified_queue;
  int dual_cmd;                /* issue a row and a column command per cycle */
  /* derived by ax_dram_cfg_finish */
  int request_bytes;           /* bytes one burst moves on the channel  */
  int read_delay, write_delay; /* column command to last data beat      */
  int shift_bits;
  int pos[AX_DRAM_F_N], width[AX_DRAM_F_N];
} ax_dram_cfg;

/* A decoded address. */
typedef struct ax_dram_addr {
  int ch, ra, bg, ba, ro, co;
} ax_dram_addr;

/* Fill cfg with a preset by name ("DDR4-3200", ...). AX_OK or AX_EINVAL
 * with a message listing the presets. */
int ax_dram_preset(ax_dram_cfg *cfg, const char *name, char *err, size_t errlen);
/* Names of the presets, NULL-terminated. */
extern const char *const ax_dram_preset_names[];
/* Read a DRAMsim3 .ini file into cfg (libinih); AX_OK or AX_EINVAL with
 * file, line, setting and what was expected. Calls ax_dram_cfg_finish. */
int ax_dram_ini_load(ax_dram_cfg *cfg, const char *path, char *err, size_t errlen);
/* Set one setting by its .ini name ("tRCD", "channels", "address_mapping",
 * ...) from text; AX_OK or AX_EINVAL with what was expected. */
int ax_dram_cfg_set(ax_dram_cfg *cfg, const char *key, const char *val, char *err, size_t errlen);
/* Check cfg and compute the derived fields (ranks from capacity when
 * ranks == 0, mapping positions, delays). AX_OK or AX_EINVAL. */
int ax_dram_cfg_finish(ax_dram_cfg *cfg, char *err, size_t errlen);
/* Decode a byte address with cfg's mapping. */
ax_dram_addr ax_dram_map(const ax_dram_cfg *cfg, uint64_t addr);
/* Timing parameter index by name ("tRCD"), -1 if none. */
int ax_dram_tp_find(const char *name);

/* ---- compiled timing ------------------------------------------------------ */

/* One (next command, cycles) pair of a compiled rule. */
typedef struct ax_dram_lat {
  uint8_t next;     /* ax_dram_cmd */
  uint8_t window;   /* 0 or the window length */
  uint16_t rule;    /* ax_dram_std_rule(std, rule) */
  int32_t cycles;
} ax_dram_lat;

/* For each preceding command and scope: the latencies it imposes. */
typedef struct ax_dram_timing {
  ax_dram_lat *lat[AX_DRAM_CMD_N][AX_DRAM_SC_N];
  int n[AX_DRAM_CMD_N][AX_DRAM_SC_N];
  ax_dram_lat *store;
} ax_dram_timing;

/* Evaluate cfg->std's rules with cfg's numbers. AX_OK or AX_ENOMEM. */
int ax_dram_timing_build(ax_dram_timing *t, const ax_dram_cfg *cfg);
/* Free what ax_dram_timing_build allocated. */
void ax_dram_timing_free(ax_dram_timing *t);
/* The largest latency in cycles from `prev` to `next` at `scope` among
 * rules with that window (0: plain rules); 0 if none binds. */
int ax_dram_timing_gap(const ax_dram_timing *t, ax_dram_cmd prev, ax_dram_scope scope, ax_dram_cmd next, int window);

/* ---- statistics ------------------------------------------------------------ */

/* Counters of one channel (DRAMsim3's names where it has them). */
typedef struct ax_dram_stats {
  uint64_t num_reads_done, num_writes_done;
  uint64_t num_read_cmds, num_write_cmds, num_act_cmds, num_pre_cmds;
  uint64_t num_read_row_hits, num_write_row_hits;
  uint64_t num_ref_cmds, num_refb_cmds, num_ondemand_pres, hbm_dual_cmds;
  uint64_t num_write_buf_hits;
  uint64_t read_latency_sum, read_latency_max;   /* cycles, arrival to data */
  uint64_t write_latency_sum;                     /* arrival to WR command + write_delay */
  uint64_t *rank_active_cycles;                   /* per rank: a bank open  */
} ax_dram_stats;

/* Energy of one channel in pJ, every device of each rank included. */
typedef struct ax_dram_energy {
  double act, read, write, ref, refb, act_stb, pre_stb, total;
} ax_dram_energy;

/* ---- the controller --------------------------------------------------------- */

typedef struct ax_dram_ctrl ax_dram_ctrl;

/* Called when a request finishes: its tag, the cycle its data is done,
 * and the cycle it entered the controller. */
typedef void (*ax_dram_done_fn)(void *ctx, uint64_t tag, int is_write,
                                uint64_t done_cycle, uint64_t added_cycle);

/* A controller for channel `ch` of cfg; NULL on no memory. */
ax_dram_ctrl *ax_dram_ctrl_new(const ax_dram_cfg *cfg, const ax_dram_timing *t, int ch);
/* Free a controller. */
void ax_dram_ctrl_free(ax_dram_ctrl *c);
/* Write every issued command to f in DRAMsim3's cmdtrace format (NULL: off). */
void ax_dram_ctrl_set_log(ax_dram_ctrl *c, FILE *f);
/* Whether a request (read or write) would be taken now. */
int ax_dram_ctrl_can_accept(const ax_dram_ctrl *c, int is_write);
/* Free transaction slots for a read (is_write 0) or a write now. */
int ax_dram_ctrl_room(const ax_dram_ctrl *c, int is_write);
/* Take one request at cycle `cycle` (>= the controller's own; call
 * can_accept first). `tag` comes back through the done callback. */
void ax_dram_ctrl_add(ax_dram_ctrl *c, uint64_t addr, int is_write, uint64_t tag, uint64_t cycle);
/* Simulate cycle `cycle` (>= the current one; cycles between are idle by
 * construction): refresh, issue at most one command (two with dual_cmd),
 * move one transaction to the command queues. */
void ax_dram_ctrl_cycle(ax_dram_ctrl *c, uint64_t cycle);
/* The first cycle >= now at which ax_dram_ctrl_cycle could do anything
 * (a command becomes legal, a refresh falls due, a transaction can move);
 * AX_DRAM_NEVER if nothing is queued and refresh is off. */
uint64_t ax_dram_ctrl_next(ax_dram_ctrl *c);
/* Cycles without a request entering or a column command issuing, while
 * requests wait to be served (commands or transactions queued, writes
 * draining; not answered requests whose completion is undelivered, nor
 * writes buffered below the drain mark), after which ax_dram_ctrl_run_to
 * reports a livelock instead of refreshing forever: far above any
 * queueing delay (a full queue of row misses drains in thousands). */
#define AX_DRAM_NO_PROGRESS 10000000ull
/* Simulate every cycle < until in which c can act (ax_dram_ctrl_cycle at
 * each ax_dram_ctrl_next); completions wait for ax_dram_ctrl_deliver.
 * AX_OK, or AX_EIO on a livelock (AX_DRAM_NO_PROGRESS). */
int ax_dram_ctrl_run_to(ax_dram_ctrl *c, uint64_t until);
/* Run c up to cycle *cycle (ax_dram_ctrl_run_to), then add the request at
 * the first cycle >= *cycle at which it has room, written to *cycle; the
 * cycles it waits for room are run too. AX_OK, or AX_EIO on a livelock or
 * when nothing can ever make room (ax_dram_ctrl_next says NEVER). */
int ax_dram_ctrl_offer(ax_dram_ctrl *c, uint64_t addr, int is_write, uint64_t tag, uint64_t *cycle);
/* The cycle of the next request completion, AX_DRAM_NEVER if none. */
uint64_t ax_dram_ctrl_next_done(const ax_dram_ctrl *c);
/* Report completions with done cycle <= cycle through fn, in order. */
void ax_dram_ctrl_deliver(ax_dram_ctrl *c, uint64_t cycle, ax_dram_done_fn fn, void *ctx);
/* Current cycle (the next one to simulate). */
uint64_t ax_dram_ctrl_now(const ax_dram_ctrl *c);
/* Whether the controller has work besides refresh: requests not answered,
 * commands queued, or transactions that can move (a write buffer below its
 * drain threshold with no read waiting is not work). */
int ax_dram_ctrl_busy(const ax_dram_ctrl *c);
/* Requests inside the controller (queued or waiting for data). */
uint64_t ax_dram_ctrl_pending(const ax_dram_ctrl *c);
/* Statistics so far. */
const ax_dram_stats *ax_dram_ctrl_stats(const ax_dram_ctrl *c);
/* Energy over cycles [0, end_cycle) in pJ. */
ax_dram_energy ax_dram_ctrl_energy(const ax_dram_ctrl *c, uint64_t end_cycle);

/* ---- the memory system: channels together --------------------------------------- */

typedef struct ax_dram_sys {
  ax_dram_cfg cfg;
  ax_dram_timing timing;
  ax_dram_ctrl **ch;
  uint64_t now;
} ax_dram_sys;

/* Build a system from a finished cfg. AX_OK or AX_ENOMEM. */
int ax_dram_sys_init(ax_dram_sys *s, const ax_dram_cfg *cfg);
/* Free a system. */
void ax_dram_sys_free(ax_dram_sys *s);
/* Channel of an address. */
int ax_dram_sys_channel(const ax_dram_sys *s, uint64_t addr);
/* Simulate every channel up to (not including) cycle `until`, skipping
 * idle cycles; completions go to fn. */
void ax_dram_sys_run_to(ax_dram_sys *s, uint64_t until, ax_dram_done_fn fn, void *ctx);
/* First cycle >= now at which a channel has work or a completion is due. */
uint64_t ax_dram_sys_next(ax_dram_sys *s);

/* ---- running a request stream (dramtrace, tests, bench) ---------------------------- */

/* Next request of a stream: 1 and the fields, 0 at the end, -1 on an error
 * (message in err). */
typedef int (*ax_dram_src_fn)(void *ctx, uint64_t *addr, int *is_write, uint64_t *cycle, char *err, size_t errlen);

/* What a run measured, summed over channels. */
typedef struct ax_dram_result {
  ax_dram_stats st;            /* rank_active_cycles left NULL */
  ax_dram_energy en;           /* pJ */
  uint64_t requests;           /* requests offered and taken */
  uint64_t num_cycles;         /* cycle of the last completion + 1 */
  uint64_t bytes;              /* requests x request_bytes (a burst each) */
  double average_read_latency; /* cycles from entering the controller to the last data beat */
  double average_bandwidth;    /* GB/s: bytes / (num_cycles x tCK) */
} ax_dram_result;

/* Offer the stream's requests to s, one per cycle at most, each at or
 * after its cycle and when its channel's queue has room; run until every
 * request is answered. AX_OK or AX_EINVAL (err says why). */
int ax_dram_run(ax_dram_sys *s, ax_dram_src_fn src, void *ctx, ax_dram_result *out, char *err, size_t errlen);
/* Sum channel ch of s (-1: every channel) into out for a run whose last
 * completion was at num_cycles - 1 (energy over [0, num_cycles));
 * requests as offered. */
void ax_dram_sys_result(const ax_dram_sys *s, int ch, uint64_t num_cycles, uint64_t requests, ax_dram_result *out);

/* One named statistic of a result: DRAMsim3's name, value, unit, and
 * decimals to print (0: an integer count). */
typedef struct ax_dram_stat_row {
  const char *name;
  double value;
  const char *unit;
  int decimals;
} ax_dram_stat_row;

#define AX_DRAM_STAT_ROWS 32
/* The statistics of a result with DRAMsim3's names (the one list that
 * dramtrace prints, writes to HDF5 and the `dram` component reports).
 * Fills out[AX_DRAM_STAT_ROWS]; returns how many rows. */
int ax_dram_result_rows(const ax_dram_cfg *cfg, const ax_dram_result *r, ax_dram_stat_row *out);

/* A stream reading a DRAMsim3 trace file ("0xADDR READ|WRITE CYCLE" lines,
 * plain or gzip): open with ax_dram_trace_open, read with ax_dram_trace_next. */
typedef struct ax_dram_trace ax_dram_trace;
/* Open a trace file (plain or .gz); NULL with a message on failure. */
ax_dram_trace *ax_dram_trace_open(const char *path, char *err, size_t errlen);
/* ax_dram_src_fn over a trace file. */
int ax_dram_trace_next(void *t, uint64_t *addr, int *is_write, uint64_t *cycle, char *err, size_t errlen);
/* Close a trace file. */
void ax_dram_trace_close(ax_dram_trace *t);

#endif /* AX_DRAM_H */
