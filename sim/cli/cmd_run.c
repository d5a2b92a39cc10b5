/*
 * cmd_run.c - `axsim run` and `axsim check`: one system, from its config.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "output.h"
#include "runner.h"
#include "sim.h"

static const char run_help[] =
    "usage: axsim run CONFIG [-s key=value]... [-o OUT.h5] [--seed N] [-q]\n"
    "\n"
    "Simulate the system described by CONFIG (libconfig) and write its\n"
    "results to OUT.h5 (default: output.file of the config, else out.h5).\n"
    "  -s key=value   override a setting (e.g. -s sa0.rows=64); repeatable\n"
    "  -o FILE        HDF5 results file\n"
    "  --seed N       replace the config's seed\n"
    "  -q             print only the key=value lines\n"
    "The summary ends with key=value lines: sim_time_ps=, energy_pj=, wall_s=, ...\n";

static const char check_help[] =
    "usage: axsim check CONFIG [-s key=value]...\n"
    "\n"
    "Validate CONFIG (syntax, settings, models, links, parameters) and\n"
    "initialise every component, without running. Exit 0 if valid.\n";

typedef struct args {
  const char *config, *out;
  char **ov;
  size_t nov;
  uint64_t seed;
  int has_seed, quiet;
} args;

static int parse(int argc, char **argv, args *a, const char *help, int allow_out) {
  memset(a, 0, sizeof *a);
  a->ov = calloc((size_t)argc, sizeof *a->ov);
  for (int i = 1; i < argc; i++) {
    const char *x = argv[i];
    if (!strcmp(x, "--help") || !strcmp(x, "-h")) {
      fputs(help, stdout);
      return 1;
    } else if (!strcmp(x, "-s") || !strcmp(x, "--set")) {
      if (i + 1 >= argc) goto missing;
      a->ov[a->nov++] = argv[++i];
    } else if (!strncmp(x, "-s", 2) && x[2]) {
      a->ov[a->nov++] = (char *)x + 2;
    } else if (allow_out && !strcmp(x, "-o")) {
      if (i + 1 >= argc) goto missing;
      a->out = argv[++i];
    } else if (allow_out && !strcmp(x, "--seed")) {
      if (i + 1 >= argc) goto missing;
      char *end;
      a->seed = strtoull(argv[++i], &end, 10);
      if (*end || !*argv[i] || argv[i][0] == '-') {
        fprintf(stderr, "axsim %s: --seed expects a non-negative integer, got '%s'\n", argv[0], argv[i]);
        return 2;
      }
      a->has_seed = 1;
    } else if (allow_out && !strcmp(x, "-q")) {
      a->quiet = 1;
    } else if (x[0] == '-') {
      fprintf(stderr, "axsim %s: unknown option '%s'\n%s", argv[0], x, help);
      return 2;
    } else if (!a->config) {
      a->config = x;
    } else {
      fprintf(stderr, "axsim %s: one CONFIG only (got '%s' and '%s')\n", argv[0], a->config, x);
      return 2;
    }
    continue;
  missing:
    fprintf(stderr, "axsim %s: option %s needs a value\n", argv[0], x);
    return 2;
  }
  if (!a->config) {
    fprintf(stderr, "axsim %s: missing CONFIG\n%s", argv[0], help);
    return 2;
  }
  return 0;
}

/* Load and initialise: the shared front half of run and check. */
static int build(args *a, const char *cmd, ax_sim **out) {
  char err[AX_ERR_MAX];
  ax_sim *s;
  if (ax_config_load(a->config, a->ov, a->nov, a->seed, a->has_seed, &s, err, sizeof err) != AX_OK) {
    fprintf(stderr, "axsim %s: %s\n", cmd, err);
    return 2;
  }
  if (ax_sim_init_components(s, err, sizeof err) != AX_OK) {
    fprintf(stderr, "axsim %s: %s\n", cmd, err);
    ax_sim_free(s);
    return 2;
  }
  *out = s;
  return 0;
}

int ax_cmd_check(int argc, char **argv) {
  args a;
  int rc = parse(argc, argv, &a, check_help, 0);
  if (rc) {
    free(a.ov);
    return rc == 1 ? 0 : rc;
  }
  ax_sim *s;
  rc = build(&a, "check", &s);
  if (!rc) {
    printf("%s: ok (%zu components, %zu links)\n", a.config, s->ncomps, s->nlinks);
    ax_sim_free(s);
  }
  free(a.ov);
  return rc;
}

/* Print the headline summary of a finished run. */
static void summary(ax_sim *s, const char *out, const ax_run_summary *sum) {
  printf("axsim %s: %s%s%s\n", AX_VERSION_STRING, s->config_file, s->name ? " - " : "",
         s->name ? s->name : "");
  printf("  %zu components, %zu links, %llu ops done, %llu events\n", s->ncomps, s->nlinks,
         (unsigned long long)sum->ops, (unsigned long long)sum->events);
  printf("  %-14s %12s %14s %12s %8s\n", "op", "unit", "cycles", "energy_nJ", "util");
  size_t shown = 0;
  for (size_t i = 0; i < s->nlayers && shown < 12; i++) {
    const ax_layer *l = &s->layers[i];
    if (!l->done) continue;
    shown++;
    printf("  %-14.14s %12.12s %14llu %12.3f %7.1f%%\n", l->name, l->unit,
           (unsigned long long)(l->unit_period ? (l->end - l->start) / l->unit_period : 0),
           l->energy_pj / 1e3, l->total_pe ? 100.0 * (double)l->used_pe / (double)l->total_pe : 0.0);
  }
  if (sum->ops > shown) printf("  ... %llu more ops in %s\n", (unsigned long long)(sum->ops - shown), out);
  printf("  results: %s\n", out);
  printf("sim_time_ps=%llu\n", (unsigned long long)sum->sim_time_ps);
  printf("ops=%llu\n", (unsigned long long)sum->ops);
  printf("macs=%llu\n", (unsigned long long)sum->macs);
  printf("energy_pj=%.6g\n", sum->energy_pj);
  printf("events=%llu\n", (unsigned long long)sum->events);
  printf("wall_s=%.6f\n", sum->wall_s);
}

int ax_cmd_run(int argc, char **argv) {
  args a;
  int rc = parse(argc, argv, &a, run_help, 1);
  if (rc) {
    free(a.ov);
    return rc == 1 ? 0 : rc;
  }
  ax_run_opts o = {a.config, a.ov, a.nov, a.seed, a.has_seed, a.out};
  ax_run_summary sum;
  ax_sim *s;
  char err[AX_ERR_MAX];
  rc = ax_run(&o, &sum, &s, err, sizeof err);
  if (rc) {
    fprintf(stderr, "axsim run: %s\n", err);
    free(a.ov);
    return rc;
  }
  const char *out = a.out ? a.out : s->out_file ? s->out_file : "out.h5";
  if (!a.quiet) summary(s, out, &sum);
  else
    printf("sim_time_ps=%llu\nenergy_pj=%.6g\nwall_s=%.6f\n", (unsigned long long)sum.sim_time_ps,
           sum.energy_pj, sum.wall_s);
  ax_sim_free(s);
  free(a.ov);
  return 0;
}
