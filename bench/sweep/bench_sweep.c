/*
 * bench_sweep.c - the 1,000-point sweep of configs/sweeps/systolic-resnet50.cfg
 * (ResNet-50 on systolic arrays from 32x32 to 128x128, three dataflows,
 * three SRAM sizes) through `axsim sweep -j N`, then where a point's time
 * goes: load + initialise, simulate, write its HDF5 file (timed in this
 * process over the first points), and the resume scan + summary rebuild
 * (a second run that finds every point done). Prints figures; asserts nothing.
 *
 * usage: bench_sweep [SWEEP.cfg] [JOBS] [SAMPLE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "output.h"
#include "sim.h"
#include "sweep_run.h"

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double run_cmd(const char *cmd) {
  double t0 = now_s();
  int rc = system(cmd);
  double t = now_s() - t0;
  if (rc != 0) {
    fprintf(stderr, "bench_sweep: '%s' failed (%d)\n", cmd, rc);
    exit(1);
  }
  return t;
}

int main(int argc, char **argv) {
  const char *sweep = argc > 1 ? argv[1] : AX_SRC_DIR "/configs/sweeps/systolic-resnet50.cfg";
  int jobs = argc > 2 ? atoi(argv[2]) : 2;
  int sample = argc > 3 ? atoi(argv[3]) : 100;
  char dir[128], cmd[2048], out[256];
  snprintf(dir, sizeof dir, "/tmp/ax_bench_sweep_%ld", (long)getpid());
  snprintf(out, sizeof out, "%s/r50.h5", dir);
  snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", dir, dir);
  run_cmd(cmd);

  char err[AX_ERR_MAX];
  ax_sweep *sw;
  double t0 = now_s();
  if (ax_sweep_load(sweep, &sw, err, sizeof err) || ax_sweep_generate(sw, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  double t_load = now_s() - t0;
  size_t n = sw->npts;
  printf("sweep %s: %zu points (%s), %d workers, %ld cores online\n", sweep, n,
         ax_sweep_mode_name(sw->mode), jobs, sysconf(_SC_NPROCESSORS_ONLN));
  printf("  read + check the sweep file, generate points: %.3f s\n", t_load);

  snprintf(cmd, sizeof cmd, "%s/axsim sweep %s -j %d -o %s -q", AX_BIN_DIR, sweep, jobs, out);
  double t_full = run_cmd(cmd);
  printf("  full sweep:                 %8.2f s  (%.0f points/s, %.2f ms per point per worker)\n", t_full,
         (double)n / t_full, t_full * 1e3 * jobs / (double)n);
  double t_again = run_cmd(cmd);
  printf("  re-run, every point done:   %8.2f s  (resume scan of %zu point files + summary rebuild)\n", t_again, n);

  /* in-process, one worker: where a point's time goes */
  if ((size_t)sample > n) sample = (int)n;
  double t_cfg = 0, t_sim = 0, t_h5 = 0;
  for (int i = 0; i < sample; i++) {
    char **ov = ax_sweep_overrides(sw, (size_t)i);
    double a = now_s();
    ax_sim *s;
    if (ax_config_load(sw->base, ov, sw->nparams, 0, 0, &s, err, sizeof err) ||
        ax_sim_init_components(s, err, sizeof err)) {
      fprintf(stderr, "%s\n", err);
      return 1;
    }
    double b = now_s();
    if (ax_sim_run(s) != AX_OK) {
      fprintf(stderr, "point %d: %s\n", i, s->err);
      return 1;
    }
    ax_sim_collect_stats(s);
    double c = now_s();
    char path[300];
    snprintf(path, sizeof path, "%s/inproc.h5", dir);
    if (ax_sim_write(s, path, c - a, err, sizeof err)) {
      fprintf(stderr, "%s\n", err);
      return 1;
    }
    double d = now_s();
    t_cfg += b - a;
    t_sim += c - b;
    t_h5 += d - c;
    ax_sim_free(s);
    ax_sweep_overrides_free(sw, ov);
  }
  double per = (t_cfg + t_sim + t_h5) / sample;
  printf("  per point, in-process over the first %d points (one worker):\n", sample);
  printf("    load + init config  %7.3f ms  (%4.1f%%)\n", t_cfg * 1e3 / sample, 100 * t_cfg / sample / per);
  printf("    simulate ResNet-50  %7.3f ms  (%4.1f%%)\n", t_sim * 1e3 / sample, 100 * t_sim / sample / per);
  printf("    write point HDF5    %7.3f ms  (%4.1f%%)\n", t_h5 * 1e3 / sample, 100 * t_h5 / sample / per);
  printf("    sum                 %7.3f ms; the sweep spends %.3f ms per point per worker: the rest is\n"
         "    fork + exit of the worker, the resume check and the summary rebuild\n",
         per * 1e3, t_full * 1e3 * jobs / (double)n);
  ax_sweep_free(sw);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  run_cmd(cmd);
  return 0;
}
