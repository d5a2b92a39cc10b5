/*
 * runner.c - one whole run as a library call (see runner.h).
 */
#include <string.h>
#include <time.h>

#include "config.h"
#include "output.h"
#include "runner.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void ax_run_summarize(ax_sim *s, double wall_s, ax_run_summary *sum) {
  memset(sum, 0, sizeof *sum);
  for (size_t i = 0; i < s->nlayers; i++)
    if (s->layers[i].done) {
      sum->ops++;
      sum->macs += s->layers[i].macs;
    }
  sum->sim_time_ps = s->q.now;
  sum->events = ax_evq_dispatched(&s->q);
  sum->energy_pj = ax_sim_total_energy(s);
  sum->wall_s = wall_s;
}

int ax_run(const ax_run_opts *o, ax_run_summary *sum, ax_sim **keep, char *err, size_t errlen) {
  double t0 = now_s();
  ax_sim *s;
  if (keep) *keep = NULL;
  if (ax_config_load(o->config, o->ov, o->nov, o->seed, o->has_seed, &s, err, errlen) != AX_OK)
    return 2;
  if (ax_sim_init_components(s, err, errlen) != AX_OK) {
    ax_sim_free(s);
    return 2;
  }
  const char *out = o->out ? o->out : s->out_file ? s->out_file : "out.h5";
  if (ax_sim_run(s) != AX_OK) {
    ax_errf(err, errlen, "%s: %s", o->config, s->err);
    ax_sim_free(s);
    return 1;
  }
  ax_sim_collect_stats(s);
  double wall = now_s() - t0;
  if (ax_sim_write(s, out, wall, err, errlen) != AX_OK) {
    ax_sim_free(s);
    return 1;
  }
  if (sum) ax_run_summarize(s, wall, sum);
  if (keep) *keep = s;
  else ax_sim_free(s);
  return 0;
}
