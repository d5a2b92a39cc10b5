/*
 * cmd_faults.c - `axsim faults CAMPAIGN [-j N] [-o OUT.h5]`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "campaign.h"
#include "campaign_out.h"
#include "campaign_run.h"
#include "sim.h"

static const char help[] =
    "usage: axsim faults CAMPAIGN [-j N] [-o OUT.h5] [-q]\n"
    "\n"
    "Run the soft-error fault-injection campaign CAMPAIGN (libconfig; see\n"
    "docs/faults.md): sample injections over the chosen structures' bits and\n"
    "cycles, run each through the int8 model on the systolic array, classify\n"
    "masked / sdc / critical / detected / corrected / hang, and write the\n"
    "per-injection table, per-structure AVF, SDC rates and FIT with 95%\n"
    "intervals, protection what-ifs and BER curves to OUT.h5.\n"
    "  -j N     worker processes (default 1)\n"
    "  -o FILE  results (default: NAME.h5, NAME from the campaign)\n"
    "  -q       print only the key=value lines\n"
    "Killed campaigns resume: run the same command again. Finished chunks\n"
    "are kept in OUT.h5.parts/ until the results file is written.\n"
    "Ends with key=value lines: injections=, injections_per_s=,\n"
    "clean_accuracy=, sdc_rate=, critical_sdc_rate=, avf=, fit=, ...\n";

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *v)
{
  char *end;
  long x = strtol(s, &end, 10);
  if (!*s || *end || x < lo || x > hi) {
    fprintf(stderr, "axsim %s: %s expects an integer in [%ld, %ld], got '%s'\n", cmd, opt, lo, hi, s);
    return -1;
  }
  *v = x;
  return 0;
}

int ax_cmd_faults(int argc, char **argv)
{
  const char *file = NULL, *out = NULL;
  long jobs = 1, stop_after = 0;
  int quiet = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      fputs(help, stdout);
      return 0;
    } else if (!strcmp(a, "-j")) {
      if (i + 1 >= argc || parse_long(argv[0], "-j", argv[++i], 1, 1024, &jobs)) return 2;
    } else if (!strncmp(a, "-j", 2) && a[2]) {
      if (parse_long(argv[0], "-j", a + 2, 1, 1024, &jobs)) return 2;
    } else if (!strcmp(a, "-o")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "axsim %s: -o needs a file name\n", argv[0]);
        return 2;
      }
      out = argv[++i];
    } else if (!strcmp(a, "-q")) {
      quiet = 1;
    } else if (!strcmp(a, "--stop-after-chunks")) {
      /* test aid: each worker dies after N chunks, as if killed */
      if (i + 1 >= argc || parse_long(argv[0], a, argv[++i], 1, 1L << 30, &stop_after)) return 2;
    } else if (a[0] == '-') {
      fprintf(stderr, "axsim %s: unknown option '%s' (see axsim %s --help)\n", argv[0], a, argv[0]);
      return 2;
    } else if (file) {
      fprintf(stderr, "axsim %s: one campaign file expected, got '%s' and '%s'\n", argv[0], file, a);
      return 2;
    } else {
      file = a;
    }
  }
  if (!file) {
    fputs(help, stderr);
    return 2;
  }
  double t0 = now_s();
  char err[AX_ERR_MAX] = "";
  ax_campaign c;
  if (ax_campaign_load(file, &c, err, sizeof err)) {
    fprintf(stderr, "axsim %s: %s\n", argv[0], err);
    ax_campaign_free(&c);
    return 2;
  }
  char outbuf[1100], parts[1200];
  if (!out) {
    snprintf(outbuf, sizeof outbuf, "%s.h5", c.name);
    out = outbuf;
  }
  snprintf(parts, sizeof parts, "%s.parts", out);
  uint64_t total = ax_campaign_total(&c);
  if (!quiet) {
    char unit[64];
    if (c.npu)
      snprintf(unit, sizeof unit, "the NPU (%u MACs/cycle, blocks %ux%ux%u)", c.npu_arch.macs,
               c.npu_arch.blk_w, c.npu_arch.blk_h, c.npu_arch.blk_d);
    else if (c.pim)
      snprintf(unit, sizeof unit, "PIM (%u channels x %u banks, %u registers each)",
               c.pim_cfg.channels, c.pim_cfg.banks, c.pim_cfg.accs);
    else
      snprintf(unit, sizeof unit, "%ux%u %s%s", c.arr.rows, c.arr.cols,
               ax_sa_dataflow_name(c.arr.df), c.bf16 ? " bf16" : "");
    printf("campaign %s: %s on %s, %d structures x %llu injections (%s), %u images, "
           "clean accuracy %.4f\n",
           c.name, ax_campaign_model_name(&c), unit, c.nsites, (unsigned long long)c.per_site,
           ax_fmodel_name(c.fmodel), c.images, c.clean_accuracy);
  }
  fflush(stdout);
  ax_fi_row *rows = NULL;
  double ips = 0;
  uint64_t ran = 0;
  int rc = ax_campaign_run(&c, parts, (int)jobs, stop_after, &rows, &ips, &ran, err, sizeof err);
  if (rc) {
    fprintf(stderr, "axsim %s: %s\n", argv[0], err);
    ax_campaign_free(&c);
    return rc == AX_EINVAL ? 2 : 1;
  }
  ax_fi_report r;
  ax_fi_summarize(&c, rows, total, &r);
  ax_fi_ber_sweep(&c, &r);
  double wall = now_s() - t0;
  if (ax_fi_write_h5(&c, rows, total, &r, ips, wall, out, err, sizeof err)) {
    fprintf(stderr, "axsim %s: %s\n", argv[0], err);
    free(rows);
    ax_fi_report_free(&r);
    ax_campaign_free(&c);
    return 1;
  }
  ax_campaign_parts_remove(parts);
  if (!quiet) {
    printf("%-12s %8s %8s %7s %7s %7s %7s %7s %7s  %-22s %-22s %10s\n", "structure", "bits", "inj",
           "masked", "sdc", "crit", "det", "corr", "hang", "AVF [95% CI]", "SDC rate [95% CI]",
           "FIT");
    for (int i = 0; i < r.nsum; i++) {
      const ax_fi_sum *m = &r.sum[i];
      printf("%-12s %8llu %8llu %7llu %7llu %7llu %7llu %7llu %7llu  %.4f [%.4f,%.4f]  %.4f [%.4f,%.4f]  %10.4f\n",
             m->structure, (unsigned long long)m->bits, (unsigned long long)m->injections,
             (unsigned long long)m->n[AX_FO_MASKED], (unsigned long long)m->n[AX_FO_SDC],
             (unsigned long long)m->n[AX_FO_CRITICAL], (unsigned long long)m->n[AX_FO_DETECTED],
             (unsigned long long)m->n[AX_FO_CORRECTED], (unsigned long long)m->n[AX_FO_HANG], m->avf, m->avf_lo, m->avf_hi, m->sdc_rate,
             m->sdc_lo, m->sdc_hi, m->fit);
    }
    if (r.feasible) {
      printf("cheapest protection meeting %.3g FIT (%s): ", c.fit_target,
             c.fit_critical ? "critical SDC" : "SDC");
      for (size_t i = 0; i < r.nprot; i++)
        if (r.prot[i].chosen) printf("%s=%s ", r.prot[i].structure, r.prot[i].scheme);
      printf("(+%.0f bit-equivalents, %.4f FIT)\n", r.best_area, r.best_fit);
    } else {
      printf("no protection set reaches %.3g FIT\n", c.fit_target);
    }
    for (size_t i = 0; i < r.nber; i++)
      printf("ber %.3g %s: accuracy %.4f [%.4f, %.4f] over %u trials\n", r.ber[i].ber,
             r.ber[i].clip ? "clipped" : "plain  ", r.ber[i].accuracy, r.ber[i].acc_lo,
             r.ber[i].acc_hi, r.ber[i].trials);
  }
  printf("injections=%llu\n", (unsigned long long)total);
  printf("injections_run=%llu\n", (unsigned long long)ran);
  printf("injections_per_s=%.1f\n", ips);
  printf("clean_accuracy=%.6f\n", c.clean_accuracy);
  printf("sdc_rate=%.6f\n", r.sdc_rate);
  printf("critical_sdc_rate=%.6f\n", r.critical_rate);
  printf("avf=%.6f\n", r.avf);
  printf("fit=%.6f\n", r.fit);
  printf("fit_target=%g\n", c.fit_target);
  printf("protection_feasible=%d\n", r.feasible);
  printf("protection_area_bits=%.0f\n", r.best_area);
  printf("wall_s=%.3f\n", wall);
  printf("out=%s\n", out);
  free(rows);
  ax_fi_report_free(&r);
  ax_campaign_free(&c);
  return 0;
}
