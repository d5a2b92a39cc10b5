/*
 * bench_npu.c - speed of the ethos-u55 system (configs/ethos-u55.cfg: a
 * 128-MAC NPU at 500 MHz, DMA to LPDDR4-3200 through the `dram` model) on
 * MobileNet v1 (traces/scalesim/mobilenet_v1.csv, SCALE-Sim form, turned
 * into an axtrace here: `_DP` rows are depthwise convolutions, 3x3 layers
 * get pad 1 as in the network, the last row is the FC layer as a GEMM).
 * `frames` copies of the network run back to back, each frame after the
 * one before. Prints simulated time, NPU cycles, events, wall time and
 * simulated NPU cycles per wall second; asserts nothing.
 *
 * usage: bench_npu [FRAMES] [REPEAT]     (defaults 20 frames, best of 3)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "sim.h"

/* Write `frames` chained copies of the SCALE-Sim MobileNet topology as an axtrace. */
static int write_trace(const char *csv, const char *out, int frames)
{
  FILE *in = fopen(csv, "r"), *o = fopen(out, "w");
  if (!in || !o) {
    fprintf(stderr, "cannot open %s or %s\n", csv, out);
    return -1;
  }
  struct { char name[64]; unsigned h, w, r, s, c, m, st; } l[64];
  int n = 0;
  char line[512];
  if (!fgets(line, sizeof line, in)) return -1; /* header */
  while (n < 64 && fgets(line, sizeof line, in)) {
    if (sscanf(line, " %63[^,], %u, %u, %u, %u, %u, %u, %u", l[n].name, &l[n].h, &l[n].w, &l[n].r, &l[n].s,
               &l[n].c, &l[n].m, &l[n].st) == 8)
      n++;
  }
  fclose(in);
  fprintf(o, "axtrace 1\n# MobileNet v1 from %s, %d frame(s)\n", csv, frames);
  char prev[96] = "";
  for (int f = 0; f < frames; f++)
    for (int i = 0; i < n; i++) {
      char nm[96], deps[112] = "";
      snprintf(nm, sizeof nm, "f%d_%.63s", f, l[i].name);
      if (*prev) snprintf(deps, sizeof deps, " deps=%s", prev);
      if (l[i].h == 1 && l[i].w == 1)
        fprintf(o, "gemm name=%s m=1 n=%u k=%u dtype=int8%s\n", nm, l[i].m, l[i].c, deps);
      else if (strstr(l[i].name, "DP"))
        fprintf(o, "conv2d name=%s in=%ux%ux%u out_c=%u groups=%u kernel=%u stride=%u pad=%u dtype=int8%s\n", nm,
                l[i].c, l[i].h, l[i].w, l[i].c, l[i].c, l[i].r, l[i].st, (l[i].r - 1) / 2, deps);
      else
        fprintf(o, "conv2d name=%s in=%ux%ux%u out_c=%u kernel=%u stride=%u pad=%u dtype=int8%s\n", nm, l[i].c,
                l[i].h, l[i].w, l[i].m, l[i].r, l[i].st, (l[i].r - 1) / 2, deps);
      snprintf(prev, sizeof prev, "%s", nm);
    }
  fclose(o);
  return n;
}

int main(int argc, char **argv)
{
  int frames = argc > 1 ? atoi(argv[1]) : 20, repeat = argc > 2 ? atoi(argv[2]) : 3;
  if (frames < 1 || repeat < 1) {
    fprintf(stderr, "usage: bench_npu [FRAMES] [REPEAT]\n");
    return 2;
  }
  const char *tr = AX_BIN_DIR "/bench_npu_mobilenet.axt";
  int layers = write_trace(AX_SRC_DIR "/traces/scalesim/mobilenet_v1.csv", tr, frames);
  if (layers <= 0) return 1;
  char ov[600];
  snprintf(ov, sizeof ov, "host.trace=%s", tr);
  char *o[] = {ov};
  ax_run_opts opts = {.config = AX_SRC_DIR "/configs/ethos-u55.cfg", .ov = o, .nov = 1,
                      .out = AX_BIN_DIR "/bench_npu.h5"};
  double best = 0;
  ax_run_summary sum = {0};
  ax_time_t period = 0;
  for (int r = 0; r < repeat; r++) {
    ax_sim *s = NULL;
    char err[2048];
    if (ax_run(&opts, &sum, &s, err, sizeof err)) {
      fprintf(stderr, "%s\n", err);
      return 1;
    }
    period = ax_comp_period(ax_sim_find(s, "npu"));
    ax_sim_free(s);
    if (r == 0 || sum.wall_s < best) best = sum.wall_s;
  }
  double cycles = (double)sum.sim_time_ps / (double)period;
  printf("ethos-u55.cfg, MobileNet v1 (%d layers) x %d frames: %llu ops, %.3f GMACs\n", layers, frames,
         (unsigned long long)sum.ops, (double)sum.macs / 1e9);
  printf("simulated %.3f ms = %.0f NPU cycles (%.3f ms/frame), %llu events\n", (double)sum.sim_time_ps / 1e9, cycles,
         (double)sum.sim_time_ps / 1e9 / frames, (unsigned long long)sum.events);
  printf("wall %.3f s (best of %d, incl. config load and HDF5 output): %.3g simulated cycles/s, %.3g events/s\n",
         best, repeat, cycles / best, (double)sum.events / best);
  return 0;
}
