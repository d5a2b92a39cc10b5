/*
 * scalesim_cmd.c - `axsim scalesim -c CFG -t TOPO [-i gemm] [-p OUTDIR]`:
 * SCALE-Sim's own config and topology files in, SCALE-Sim's three reports
 * out (OUTDIR/<run_name>/), computed by the closed-form systolic model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scalesim_cfg.h"
#include "scalesim_report.h"
#include "scalesim_topo.h"

static void usage(FILE *fp)
{
  fputs("usage: axsim scalesim -c CFG -t TOPO [-i conv|gemm] [-p OUTDIR] [-q]\n"
        "  Run a SCALE-Sim v2 config and topology unchanged (ideal memory, CALC mode)\n"
        "  and write COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and\n"
        "  DETAILED_ACCESS_REPORT.csv into OUTDIR/<run_name>/ (OUTDIR default '.').\n"
        "  -i gemm  topology rows are 'name, M, N, K,'\n"
        "  -q       print nothing but errors\n", fp);
}

/* Entry point of the `scalesim` subcommand. */
int ax_cmd_scalesim(int argc, char **argv);

int ax_cmd_scalesim(int argc, char **argv)
{
  const char *cfg_path = NULL, *topo_path = NULL, *outdir = ".";
  int gemm = 0, quiet = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      return 0;
    }
    if (strcmp(a, "-q") == 0) { quiet = 1; continue; }
    if ((strcmp(a, "-c") == 0 || strcmp(a, "-t") == 0 || strcmp(a, "-p") == 0 ||
         strcmp(a, "-i") == 0)) {
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
