/*
 * bench_faults: injections per second on one core, per structure and
 * overall, of the bundled campaigns: the digits CNN and the tiny
 * transformer (int8) on a 16x16 weight-stationary array, and the
 * transformer's bf16 weight memory; for the CNN also the expensive
 * injections alone, stuck-at, and the slow per-PE reference for scale.
 * Prints figures; asserts nothing.
 *   build/bench/faults/bench_faults [INJECTIONS_PER_STRUCTURE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "campaign.h"

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Per-structure injection rates of one campaign file. */
static int bench_file(const char *file, const char *label, uint64_t per)
{
  ax_campaign c;
  char err[1024] = "";
  if (ax_campaign_load(file, &c, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  void *scr = ax_campaign_scratch(&c);
  printf("\n%s, %s, %s, one core, %llu injections per structure\n", label,
         c.npu ? "U55-128" : c.pim ? "PIM 8x16x16" : "16x16 ws", ax_fmodel_name(c.fmodel),
         (unsigned long long)per);
  printf("%-12s %12s %10s %10s\n", "structure", "inj/s", "not masked", "hang");
  double tall = 0;
  uint64_t nall = 0;
  for (int s = 0; s < c.nsites; s++) {
    uint64_t ace = 0, hang = 0;
    double t0 = now_s();
    for (uint64_t i = 0; i < per; i++) {
      ax_fi_row r;
      ax_campaign_sample(&c, i * (uint64_t)c.nsites + (uint64_t)s, &r);
      ax_campaign_inject(&c, &r, scr);
      ace += r.raw_outcome != AX_FO_MASKED;
      hang += r.raw_outcome == AX_FO_HANG;
    }
    double dt = now_s() - t0;
    tall += dt;
    nall += per;
    printf("%-12s %12.0f %10.4f %10.4f\n", ax_saf_site_name(c.sites[s]), per / dt,
           (double)ace / per, (double)hang / per);
  }
  printf("all          %12.0f\n", nall / tall);
  ax_campaign_scratch_free(scr);
  ax_campaign_free(&c);
  return 0;
}

int main(int argc, char **argv)
{
  uint64_t per = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000;
  if (bench_file(AX_SRC_DIR "/configs/faults/tinylm-16x16.cfg", "tinylm (int8)", per) ||
      bench_file(AX_SRC_DIR "/configs/faults/tinylm-bf16-dram.cfg", "tinylm (bf16)", per) ||
      bench_file(AX_SRC_DIR "/configs/faults/digits-cnn-npu.cfg", "digits CNN on the NPU", per) ||
      bench_file(AX_SRC_DIR "/configs/faults/digits-mlp-pim.cfg", "digits MLP in PIM", per))
    return 1;
  ax_campaign c;
  char err[1024] = "";
  if (ax_campaign_load(AX_SRC_DIR "/configs/faults/digits-cnn-16x16.cfg", &c, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  void *scr = ax_campaign_scratch(&c);
  printf("\ndigits CNN, 16x16 %s, single-bit flips, one core, %llu injections per structure\n",
         ax_sa_dataflow_name(c.arr.df), (unsigned long long)per);
  printf("%-12s %12s %10s\n", "structure", "inj/s", "not masked");
  double tall = 0;
  uint64_t nall = 0;
  for (int s = 0; s < c.nsites; s++) {
    uint64_t ace = 0;
    double t0 = now_s();
    for (uint64_t i = 0; i < per; i++) {
      ax_fi_row r;
      ax_campaign_sample(&c, i * (uint64_t)c.nsites + (uint64_t)s, &r);
      ax_campaign_inject(&c, &r, scr);
      ace += r.raw_outcome != AX_FO_MASKED;
    }
    double dt = now_s() - t0;
    tall += dt;
    nall += per;
    printf("%-12s %12.0f %10.4f\n", ax_saf_site_name(c.sites[s]), per / dt, (double)ace / per);
  }
  printf("all          %12.0f\n", nall / tall);
  /* only injections that reach a live value (the expensive ones) */
  {
    uint64_t n = 0, id = 0;
    double t = 0;
    while (n < per && id < per * 50) {
      ax_fi_row r;
      ax_campaign_sample(&c, id++, &r);
      double t0 = now_s();
      ax_campaign_inject(&c, &r, scr);
      double dt = now_s() - t0;
      if (r.raw_outcome != AX_FO_MASKED || r.changed) {
        t += dt;
        n++;
      }
    }
    printf("live only    %12.0f (%llu injections that changed a layer output)\n", n / t,
           (unsigned long long)n);
  }
  /* stuck-at: every layer recomputed */
  {
    c.fmodel = AX_FM_SA1;
    uint64_t n = per / 4;
    double t0 = now_s();
    for (uint64_t i = 0; i < n; i++) {
      ax_fi_row r;
      ax_campaign_sample(&c, i, &r);
      ax_campaign_inject(&c, &r, scr);
    }
    printf("stuck-at-1   %12.0f\n", n / (now_s() - t0));
    c.fmodel = AX_FM_FLIP;
  }
  /* the per-PE reference on the largest layer, for scale */
  {
    const ax_qlayer *L = &c.net.l[1];
    ax_saf_gemm g = {.m = L->m, .n = L->n, .k = L->k, .ifmap = c.gold[0].in[1],
                     .ifmap_words = (uint32_t)ax_qlayer_in_elems(L), .aidx = L->aidx,
                     .use_at = L->use_at, .use = L->use, .w = L->w};
    int32_t *z = malloc(sizeof *z * L->m * L->n);
    int n = 200;
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
      ax_saf_fault f = {.site = AX_SAF_PE_ACC, .word = (uint32_t)(i % 256), .mask = 1u << (i % 32),
                        .cycle = i};
      ax_saf_ref_run(&c.arr, &g, &f, z);
    }
    printf("per-PE reference, layer %s alone: %.0f inj/s\n", L->name, n / (now_s() - t0));
    free(z);
  }
  ax_campaign_scratch_free(scr);
  ax_campaign_free(&c);
  return 0;
}
