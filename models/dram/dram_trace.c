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
#include "h5.h"
#include "output.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: axsim dramtrace -c CONFIG TRACE [-o OUT.h5] [--log CMDLOG]\n"
          "  CONFIG  a DRAMsim3 .ini file, or a preset:");
  for (int i = 0; ax_dram_preset_names[i]; i++) fprintf(f, " %s", ax_dram_preset_names[i]);
  fprintf(f,
          "\n  TRACE   lines '0xADDR READ|WRITE CYCLE' (plain or gzip)\n"
          "  --log   write every issued command (DRAMsim3 cmdtrace format)\n"
          "  -o      also write the statistics to an HDF5 file (root attributes and a\n"
          "          /stats table component/stat/value/unit, docs/dram.md)\n");
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

typedef struct stat_row {
  char component[64], stat[48], unit[16];
  double value;
} stat_row;

static const ax_h5col stat_cols[] = {
  {"component", AX_H5_STR, offsetof(stat_row, component), 64},
  {"stat", AX_H5_STR, offsetof(stat_row, stat), 48},
  {"value", AX_H5_F64, offsetof(stat_row, value), 0},
  {"unit", AX_H5_STR, offsetof(stat_row, unit), 16},
};

/* Append the rows of one result under component name comp. */
static size_t add_rows(stat_row *out, size_t n, const char *comp, const ax_dram_cfg *cfg, const ax_dram_result *r) {
  ax_dram_stat_row rows[AX_DRAM_STAT_ROWS];
  int k = ax_dram_result_rows(cfg, r, rows);
  for (int i = 0; i < k; i++, n++) {
    snprintf(out[n].component, sizeof out[n].component, "%s", comp);
    snprintf(out[n].stat, sizeof out[n].stat, "%s", rows[i].name);
    snprintf(out[n].unit, sizeof out[n].unit, "%s", rows[i].unit);
    out[n].value = rows[i].value;
  }
  return n;
}

/* Write a run's statistics to path (docs/hdf5-schema.md's style): root
 * attributes, and /stats with component "dram" for the whole system plus
 * "dram.chN" per channel when there are several. Written to path.tmp and
 * renamed when complete. */
static int write_h5(const char *path, const ax_dram_sys *s, const ax_dram_result *r, const char *cfgname,
                    const char *trace, double wall, char *err, size_t errlen) {
  const ax_dram_cfg *cfg = &s->cfg;
  ax_h5 h;
  if (ax_h5_create(&h, path, err, errlen) != AX_OK) return AX_EIO;
  hid_t f = h.file;
  int rc = AX_OK;
  rc |= ax_h5_attr_i64(f, "schema_version", AX_SCHEMA_VERSION);
  rc |= ax_h5_attr_str(f, "axsim_version", AX_VERSION_STRING);
  rc |= ax_h5_attr_str(f, "command", "dramtrace");
  rc |= ax_h5_attr_str(f, "config", cfgname);
  rc |= ax_h5_attr_str(f, "trace", trace);
  rc |= ax_h5_attr_str(f, "protocol", cfg->std->name);
  rc |= ax_h5_attr_f64(f, "tCK_ns", cfg->tCK_ns);
  rc |= ax_h5_attr_i64(f, "channels", cfg->channels);
  rc |= ax_h5_attr_i64(f, "ranks", cfg->ranks);
  rc |= ax_h5_attr_i64(f, "request_bytes", cfg->request_bytes);
  rc |= ax_h5_attr_i64(f, "requests", (long long)r->requests);
  rc |= ax_h5_attr_f64(f, "wall_s", wall);
  size_t cap = (size_t)(cfg->channels + 1) * AX_DRAM_STAT_ROWS, n = 0;
  stat_row *rows = calloc(cap, sizeof *rows);
  if (!rows) { ax_h5_abandon(&h); snprintf(err, errlen, "out of memory"); return AX_ENOMEM; }
  n = add_rows(rows, n, "dram", cfg, r);
  for (int c = 0; c < cfg->channels && cfg->channels > 1; c++) {
    ax_dram_result rc1;
    char name[32];
    ax_dram_sys_result(s, c, r->num_cycles, 0, &rc1);
    snprintf(name, sizeof name, "dram.ch%d", c);
    n = add_rows(rows, n, name, cfg, &rc1);
  }
  rc |= ax_h5_table(f, "stats", stat_cols, sizeof stat_cols / sizeof stat_cols[0], sizeof *rows, rows, n);
  free(rows);
  if (rc != AX_OK) {
    ax_h5_abandon(&h);
    snprintf(err, errlen, "%s: cannot write the HDF5 tables", path);
    return AX_EIO;
  }
  return ax_h5_commit(&h, err, errlen);
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
      fprintf(stderr, "axsim dramtrace: unknown option '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    } else if (!trace) trace = argv[i];
    else { fprintf(stderr, "axsim dramtrace: more than one trace ('%s')\n", argv[i]); return 2; }
  }
  if (!cfgname || !trace) { usage(stderr); return 2; }
  char err[512];
  ax_dram_cfg cfg;
  if (load_cfg(&cfg, cfgname, err, sizeof err) != AX_OK) { fprintf(stderr, "axsim dramtrace: %s\n", err); return 2; }
  ax_dram_trace *t = ax_dram_trace_open(trace, err, sizeof err);
  if (!t) { fprintf(stderr, "axsim dramtrace: %s\n", err); return 2; }
  ax_dram_sys sys;
  if (ax_dram_sys_init(&sys, &cfg) != AX_OK) { ax_dram_trace_close(t); fprintf(stderr, "axsim dramtrace: out of memory\n"); return 1; }
  FILE *log = NULL;
  if (logpath) {
    log = fopen(logpath, "w");
    if (!log) { fprintf(stderr, "axsim dramtrace: %s: cannot write\n", logpath); ax_dram_sys_free(&sys); ax_dram_trace_close(t); return 2; }
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
    fprintf(stderr, "axsim dramtrace: %s\n", err);
    ax_dram_sys_free(&sys);
    return rc == AX_EINVAL ? 2 : 1;
  }
  double wall = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
  print_result(stdout, &sys.cfg, &r, wall);
  if (out) {
    if (write_h5(out, &sys, &r, cfgname, trace, wall, err, sizeof err) != AX_OK) {
      fprintf(stderr, "axsim dramtrace: %s\n", err);
      ax_dram_sys_free(&sys);
      return 1;
    }
    printf("results=%s\n", out);
  }
  ax_dram_sys_free(&sys);
  return 0;
}
