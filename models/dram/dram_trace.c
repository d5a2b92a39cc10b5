/*
 * dram_trace.c - `axsim dramtrace -c CONFIG TRACE [-o OUT.h5] [--log FILE]`
 *
 * Runs a DRAMsim3-format trace through the DRAM model and prints key=value
 * lines, DRAMsim3's stat names where it has them. CONFIG is a DRAMsim3 .ini
 * file or a preset name (DDR4-3200, ...). What each number measures:
 *   num_cycles            cycle of the last completion + 1 (cycles of tCK)
 *   average_read_latency  cycles from a read entering the controller (at or
 *                         after its trace cycle, once its queue had room) to
 *                         its last data beat (RD issue + CL + BL/2)
 *   average_bandwidth     GB/s: requests x burst bytes / (num_cycles x tCK)
 *   total_energy          pJ for all ranks, every device of a rank counted
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dram.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: axsim dramtrace -c CONFIG TRACE [-o OUT.h5] [--log CMDLOG]\n"
          "  CONFIG  a DRAMsim3 .ini file, or a preset:");
  for (int i = 0; ax_dram_preset_names[i]; i++) fprintf(f, " %s", ax_dram_preset_names[i]);
  fprintf(f,
          "\n  TRACE   lines '0xADDR READ|WRITE CYCLE' (plain or gzip)\n"
          "  --log   write every issued command (DRAMsim3 cmdtrace format)\n"
          "  -o      HDF5 output (not available yet: see docs/dram.md)\n");
}

/* Load CONFIG: an .ini path, or a preset name. */
static int load_cfg(ax_dram_cfg *cfg, const char *name, char *err, size_t errlen) {
  size_t n = strlen(name);
  if (n > 4 && strcmp(name + n - 4, ".ini") == 0) return ax_dram_ini_load(cfg, name, err, errlen);
  int r = ax_dram_preset(cfg, name, err, errlen);
  if (r != AX_OK) return r;
  return ax_dram_cfg_finish(cfg, err, errlen);
}

/* Print a run's results as key=value lines. */
static void print_result(FILE *f, const ax_dram_cfg *cfg, const ax_dram_result *r, double wall) {
  fprintf(f, "config=%s\nprotocol=%s\nchannels=%d\nranks=%d\n", cfg->name, cfg->std->name, cfg->channels, cfg->ranks);
  fprintf(f, "tCK_ns=%.4f\nrequest_bytes=%d\n", cfg->tCK_ns, cfg->request_bytes);
  ax_dram_stat_row rows[AX_DRAM_STAT_ROWS];
  int n = ax_dram_result_rows(cfg, r, rows);
  for (int i = 0; i < n; i++) {
    if (rows[i].decimals) fprintf(f, "%s=%.*f\n", rows[i].name, rows[i].decimals, rows[i].value);
    else fprintf(f, "%s=%.0f\n", rows[i].name, rows[i].value);
  }
  fprintf(f, "sim_wall_s=%.3f\nrequests_per_wall_s=%.0f\n", wall, wall > 0 ? r->requests / wall : 0.0);
}

/* `axsim dramtrace`: run a DRAMsim3-format trace through the DRAM model. */
int ax_cmd_dramtrace(int argc, char **argv) {
  const char *cfgname = NULL, *trace = NULL, *out = NULL, *logpath = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) { usage(stdout); return 0; }
    if (!strcmp(argv[i], "-c") && i + 1 < argc) cfgname = argv[++i];
    else if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
    else if (!strcmp(argv[i], "--log") && i + 1 < argc) logpath = argv[++i];
    else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "dramtrace: unknown option '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    } else if (!trace) trace = argv[i];
    else { fprintf(stderr, "dramtrace: more than one trace ('%s')\n", argv[i]); return 2; }
  }
  if (!cfgname || !trace) { usage(stderr); return 2; }
  if (out) {
    fprintf(stderr, "dramtrace: -o %s: HDF5 output is not available in this build yet\n", out);
    return 2;
  }
  char err[512];
  ax_dram_cfg cfg;
  if (load_cfg(&cfg, cfgname, err, sizeof err) != AX_OK) { fprintf(stderr, "dramtrace: %s\n", err); return 2; }
  ax_dram_trace *t = ax_dram_trace_open(trace, err, sizeof err);
  if (!t) { fprintf(stderr, "dramtrace: %s\n", err); return 2; }
  ax_dram_sys sys;
  if (ax_dram_sys_init(&sys, &cfg) != AX_OK) { ax_dram_trace_close(t); fprintf(stderr, "dramtrace: out of memory\n"); return 1; }
  FILE *log = NULL;
  if (logpath) {
    log = fopen(logpath, "w");
    if (!log) { fprintf(stderr, "dramtrace: %s: cannot write\n", logpath); ax_dram_sys_free(&sys); ax_dram_trace_close(t); return 2; }
    for (int i = 0; i < cfg.channels; i++) ax_dram_ctrl_set_log(sys.ch[i], log);
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  ax_dram_result r;
  int rc = ax_dram_run(&sys, ax_dram_trace_next, t, &r, err, sizeof err);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  ax_dram_trace_close(t);
  if (log) fclose(log);
  if (rc != AX_OK) {
    fprintf(stderr, "dramtrace: %s\n", err);
    ax_dram_sys_free(&sys);
    return rc == AX_EINVAL ? 2 : 1;
  }
  print_result(stdout, &sys.cfg, &r, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
  ax_dram_sys_free(&sys);
  return 0;
}
