/*
 * run.c - start a run, run it to the end, and tell a finished run from a
 * deadlock or a runaway.
 */
#include <string.h>

#include "sim.h"

/* The sampler (sim.sample_ns): records every statistic, then comes back
 * one interval later while anything else is still pending; so it never
 * keeps a finished (or deadlocked) run alive. */
static void sample_ev(ax_component *c, uint64_t arg) {
  (void)c;
  ax_sim *s = (ax_sim *)(uintptr_t)arg;
  ax_sim_sample(s);
  if (ax_evq_pending(&s->q))
    ax_evq_push(&s->q, s->q.now + s->sample_ps, AX_PRIO_LATE, sample_ev, NULL, arg);
}

int ax_sim_run(ax_sim *s) {
  ax_links_bind(s);
  if (s->sample_ps) {
    ax_sim_sample(s); /* t = 0 */
    ax_evq_push(&s->q, s->sample_ps, AX_PRIO_LATE, sample_ev, NULL, (uint64_t)(uintptr_t)s);
  }
  for (size_t i = 0; i < s->ncomps; i++) {
    ax_component *c = s->comps[i];
    if (c->model->start) c->model->start(c);
    if (s->failed) return AX_EIO;
  }
  ax_time_t until = s->watchdog ? s->watchdog : AX_TIME_NEVER;
  int more = ax_evq_run(&s->q, until);
  if (s->failed) return AX_EIO;
  if (s->q.livelock) {
    ax_errf(s->err, sizeof s->err,
            "livelock at %.3f us: %llu events scheduled with no delay while simulated time "
            "stands still; a model schedules itself with no delay forever",
            s->q.now / 1e6, (unsigned long long)s->q.same_time);
    return AX_EIO;
  }
  if (more) {
    ax_time_t next = ax_evq_next_time(&s->q);
    ax_errf(s->err, sizeof s->err,
            "watchdog: simulated time reached the limit of %.3f us (sim.max_time_us) with events "
            "still pending (next at %.3f us); a model runs away or the limit is too low",
            s->watchdog / 1e6, next / 1e6);
    return AX_EIO;
  }
  /* The queue is empty: everything must be idle, or it is a deadlock. */
  size_t off = 0, nwait = 0;
  char *e = s->err;
  size_t cap = sizeof s->err;
  for (size_t i = 0; i < s->ncomps; i++) {
    ax_component *c = s->comps[i];
    const char *w = c->model->waiting ? c->model->waiting(c) : NULL;
    if (!w) continue;
    if (!nwait++)
      off += (size_t)snprintf(e + off, cap - off, "deadlock at %.3f us: no event left but",
                              s->q.now / 1e6);
    if (off < cap) off += (size_t)snprintf(e + off, cap - off, "%s %s waits: %s",
                                           nwait > 1 ? ";" : "", c->name, w);
  }
  for (size_t i = 0; i < s->nlinks && nwait; i++)
    for (int d = 0; d < 2; d++) {
      ax_lane *l = &s->links[i]->lane[d];
      if (ax_lane_n(l) && off < cap)
        off += (size_t)snprintf(e + off, cap - off, "; %u message(s) held on %s.%s -> %s.%s%s",
                                ax_lane_n(l), l->src->comp->name, l->src->name, l->dst->comp->name,
                                l->dst->name, l->blocked ? " (receiver refused)" : "");
    }
  return nwait ? AX_EIO : AX_OK;
}
