/*
 * scalesim_cmd.c - `axsim scalesim -c CFG -t TOPO [-i gemm] [-p OUTDIR]`:
 * SCALE-Sim's own config and topology files in, SCALE-Sim's three reports
 * out (OUTDIR/<run_name>/), computed by the closed-form systolic model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output.h"
#include "scalesim_cfg.h"
#include "scalesim_report.h"
#include "scalesim_topo.h"
#include "sim.h"

static void usage(FILE *fp)
{
  fputs("usage: axsim scalesim -c CFG -t TOPO [-i conv|gemm] [-p OUTDIR] [-o OUT.h5] [-q]\n"
        "  Run a SCALE-Sim v2 config and topology unchanged (ideal memory, CALC mode)\n"
        "  and write COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and\n"
        "  DETAILED_ACCESS_REPORT.csv into OUTDIR/<run_name>/ (OUTDIR default '.').\n"
        "  -i gemm  topology rows are 'name, M, N, K,'\n"
        "  -o FILE  also write axsim's results file (HDF5 schema v1, docs/hdf5-schema.md):\n"
        "           one /layers row per layer, layers back to back at 1 cycle = 1 ns\n"
        "  -q       print nothing but errors\n", fp);
}

/* The reports as an axsim results file: layers back to back (SCALE-Sim
 * runs them one after another), 1 cycle = 1 ns (SCALE-Sim has no clock),
 * util = overall utilisation, bytes = SRAM and DRAM words x word size. */
static int write_h5(const char *path, const char *cfg_path, const ax_scalesim_cfg *cfg,
                    const ax_scalesim_layer *layers,
                    const ax_sa_layer_report *rep, size_t n, double wall, char *err, size_t errlen)
{
  ax_sim *s = ax_sim_new(0);
  const ax_model *m = ax_registry_find(NULL, "systolic");
  if (!s || !m) {
    ax_errf(err, errlen, "cannot build the results (no systolic model registered)");
    ax_sim_free(s);
    return AX_EIO;
  }
  ax_component *c = ax_sim_add_component(s, "sa", m, 1000, 0);
  char name[400];
  snprintf(name, sizeof name, "axsim scalesim: %s, %ux%u %s", cfg->run_name, cfg->array.rows,
           cfg->array.cols, ax_sa_dataflow_name(cfg->array.df));
  s->name = ax_strdup(name);
  s->config_file = ax_strdup(cfg_path);
  s->config_text = ax_slurp(cfg_path);
  ax_time_t t = 0;
  uint64_t pes = (uint64_t)cfg->array.rows * cfg->array.cols;
  for (size_t i = 0; i < n; i++) {
    ax_layer *l = ax_sim_layer(s, (uint32_t)i);
    l->id = (uint32_t)i;
    snprintf(l->name, sizeof l->name, "%.63s", layers[i].name);
    l->kind = layers[i].gemm ? AX_OP_GEMM : AX_OP_CONV2D;
    snprintf(l->unit, sizeof l->unit, "%s", ax_comp_name(c));
    l->unit_period = 1000;
    l->start = t;
    t += rep[i].total_cycles * 1000;
    l->end = t;
    l->macs = rep[i].macs;
    l->used_pe = rep[i].macs;
    l->total_pe = rep[i].total_cycles * pes;
    uint64_t w = cfg->array.word_bytes;
    l->bytes[AX_LVL_SRAM] = (rep[i].ifmap_sram_reads + rep[i].filter_sram_reads + rep[i].ofmap_sram_writes) * w;
    l->bytes[AX_LVL_DRAM] = (rep[i].ifmap_dram_reads + rep[i].filter_dram_reads + rep[i].ofmap_dram_writes) * w;
    l->started = l->done = 1;
  }
  s->q.now = t;
  int rc = ax_sim_write(s, path, wall, err, errlen);
  ax_sim_free(s);
  return rc;
}

/* Entry point of the `scalesim` subcommand. */
int ax_cmd_scalesim(int argc, char **argv);

int ax_cmd_scalesim(int argc, char **argv)
{
  const char *cfg_path = NULL, *topo_path = NULL, *outdir = ".", *h5 = NULL;
  int gemm = 0, quiet = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      return 0;
    }
    if (strcmp(a, "-q") == 0) { quiet = 1; continue; }
    if ((strcmp(a, "-c") == 0 || strcmp(a, "-t") == 0 || strcmp(a, "-p") == 0 ||
         strcmp(a, "-i") == 0 || strcmp(a, "-o") == 0)) {
      if (i + 1 >= argc || (argv[i + 1][0] == '-' && argv[i + 1][1] != '\0')) {
        fprintf(stderr, "axsim scalesim: option %s needs a value\n", a);
        usage(stderr);
        return 2;
      }
      const char *v = argv[++i];
      switch (a[1]) {
      case 'c': cfg_path = v; break;
      case 't': topo_path = v; break;
      case 'p': outdir = v; break;
      case 'o': h5 = v; break;
      case 'i':
        if (strcmp(v, "gemm") == 0) gemm = 1;
        else if (strcmp(v, "conv") == 0) gemm = 0;
        else {
          fprintf(stderr, "axsim scalesim: -i '%s': expected conv or gemm\n", v);
          return 2;
        }
        break;
      }
      continue;
    }
    fprintf(stderr, "axsim scalesim: unknown argument '%s'\n", a);
    usage(stderr);
    return 2;
  }
  if (!cfg_path || !topo_path) {
    fprintf(stderr, "axsim scalesim: %s is required\n", !cfg_path ? "-c CFG" : "-t TOPO");
    usage(stderr);
    return 2;
  }

  char err[1024];
  ax_scalesim_cfg cfg;
  if (ax_scalesim_cfg_read(cfg_path, &cfg, err, sizeof err) != 0) {
    fprintf(stderr, "axsim scalesim: %s\n", err);
    return 2;
  }
  ax_scalesim_layer *layers;
  size_t n;
  if (ax_scalesim_topo_load(topo_path, gemm, &layers, &n, err, sizeof err) != 0) {
    fprintf(stderr, "axsim scalesim: %s\n", err);
    return 2;
  }
  if (!quiet) {
    if (cfg.ignored[0])
      fprintf(stderr, "axsim scalesim: note: settings without effect here: %s\n", cfg.ignored);
    if (cfg.user_bandwidth)
      fprintf(stderr,
              "axsim scalesim: note: InterfaceBandwidth = USER: SCALE-Sim's bandwidth-mode "
              "stall model is not reproduced (see docs/systolic.md); cycles are for ideal "
              "memory. Put the array behind the DRAM model with `axsim run` for real stalls.\n");
  }
  ax_sa_layer_report *rep = calloc(n, sizeof *rep);
  if (!rep) {
    fprintf(stderr, "axsim scalesim: out of memory\n");
    free(layers);
    return 1;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  ax_scalesim_run(&cfg, layers, n, rep);
  clock_gettime(CLOCK_MONOTONIC, &t1);

  char dir[4096];
  if (snprintf(dir, sizeof dir, "%s/%s", outdir, cfg.run_name) >= (int)sizeof dir) {
    fprintf(stderr, "axsim scalesim: output path too long\n");
    free(rep);
    free(layers);
    return 2;
  }
  int rc = ax_scalesim_write_reports(dir, rep, n, err, sizeof err);
  double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  if (rc == 0 && h5) rc = write_h5(h5, cfg_path, &cfg, layers, rep, n, wall, err, sizeof err);
  if (rc != 0) {
    fprintf(stderr, "axsim scalesim: %s\n", err);
  } else if (!quiet) {
    unsigned long long total = 0;
    for (size_t i = 0; i < n; i++) total += rep[i].total_cycles;
    printf("axsim scalesim: %s, %ux%u %s, %zu layers, %llu cycles (sum of layers), "
           "%.3f ms; reports in %s/\n",
           cfg.run_name, cfg.array.rows, cfg.array.cols, ax_sa_dataflow_name(cfg.array.df), n,
           total, (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
           dir);
  }
  free(rep);
  free(layers);
  return rc == 0 ? 0 : 1;
}
