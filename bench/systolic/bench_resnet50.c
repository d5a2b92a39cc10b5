/*
 * bench_resnet50.c - ResNet-50 (54 layers, SCALE-Sim form, derived from
 * torchvision by workloads/scalesim/resnet50_topo.py) on SCALE-Sim's 32x32
 * os / ws / is configs: read config and topology, run every layer, write
 * the three reports, as `axsim scalesim` does. Prints wall time, peak RSS
 * and total cycles next to SCALE-Sim v2's (tests/reference/scalesim/
 * README.md: os 4,434,168 / ws 5,753,486 / is 5,608,356 cycles in
 * 583 / 536 / 751 s and 9.2-12.1 GB).
 *
 * usage: bench_systolic_resnet50 [TOPO.csv] [REPEAT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "scalesim_cfg.h"
#include "scalesim_report.h"
#include "scalesim_topo.h"

static double now_s(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
  const char *topo = argc > 1 ? argv[1] : AX_SRC_DIR "/traces/scalesim/resnet50_v1.csv";
  int repeat = argc > 2 ? atoi(argv[2]) : 1;
  if (repeat < 1) repeat = 1;
  static const char *dfs[] = {"os", "ws", "is"};
  static const unsigned long long scalesim[] = {4434168ull, 5753486ull, 5608356ull};
  static const double scalesim_s[] = {583, 536, 751};
  char err[1024], out[256];
  snprintf(out, sizeof out, "/tmp/ax_bench_systolic_%ld", (long)getpid());
  double t_all = now_s();
  printf("ResNet-50 %s, 32x32 array, ideal memory (%d repeat(s))\n", topo, repeat);
  printf("%-4s %12s %12s %6s %10s %12s\n", "df", "cycles", "SCALE-Sim", "same", "ms/run",
         "SCALE-Sim s");
  for (int d = 0; d < 3; d++) {
    char cfgp[512];
    snprintf(cfgp, sizeof cfgp, AX_SRC_DIR "/tests/reference/scalesim/configs/%s_32x32.cfg",
             dfs[d]);
    unsigned long long total = 0;
    double t0 = now_s();
    for (int r = 0; r < repeat; r++) {
      ax_scalesim_cfg cfg;
      ax_scalesim_layer *ls;
      size_t n;
      if (ax_scalesim_cfg_read(cfgp, &cfg, err, sizeof err) ||
          ax_scalesim_topo_load(topo, 0, &ls, &n, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
      }
      ax_sa_layer_report *rep = calloc(n, sizeof *rep);
      ax_scalesim_run(&cfg, ls, n, rep);
      char dir[512];
      snprintf(dir, sizeof dir, "%s/%s", out, cfg.run_name);
      if (ax_scalesim_write_reports(dir, rep, n, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
      }
      total = 0;
      for (size_t i = 0; i < n; i++) total += rep[i].total_cycles;
      free(rep);
      free(ls);
    }
    double ms = (now_s() - t0) * 1e3 / repeat;
    printf("%-4s %12llu %12llu %6s %10.3f %12.0f\n", dfs[d], total, scalesim[d],
           total == scalesim[d] ? "yes" : "NO", ms, scalesim_s[d]);
  }
  double wall = now_s() - t_all;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("all three: %.3f ms per set of three runs, wall %.3f s total; peak RSS %.1f MB "
         "(SCALE-Sim: 1870 s, 9.2-12.1 GB)\n",
         wall * 1e3 / repeat, wall, (double)ru.ru_maxrss / 1024.0);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", out);
  return system(cmd) == 0 ? 0 : 1;
}
