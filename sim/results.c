/*
 * results.c - what models report: statistics, energy by action and op,
 * work per trace op. The HDF5 writer turns these into tables.
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

void ax_stat_f64(ax_stats *st, const char *name, double v, const char *unit) {
  ax_sim *s = st->sim;
  if (st->series) {
    if (s->nseries == s->capseries) {
      s->capseries = s->capseries ? 2 * s->capseries : 256;
      s->series = ax_xrealloc(s->series, s->capseries * sizeof *s->series);
    }
    ax_series_row *r = &s->series[s->nseries++];
    memset(r, 0, sizeof *r);
    r->t = s->q.now;
    r->comp = st->comp;
    snprintf(r->name, sizeof r->name, "%s", name);
    r->v = v;
    return;
  }
  if (s->nstats == s->capstats) {
    s->capstats = s->capstats ? 2 * s->capstats : 64;
    s->stats = ax_xrealloc(s->stats, s->capstats * sizeof *s->stats);
  }
  ax_stat_row *r = &s->stats[s->nstats++];
  memset(r, 0, sizeof *r);
  r->comp = st->comp;
  snprintf(r->name, sizeof r->name, "%s", name);
  snprintf(r->unit, sizeof r->unit, "%s", unit ? unit : "");
  r->v = v;
}

void ax_stat_u64(ax_stats *st, const char *name, uint64_t v, const char *unit) {
  ax_stat_f64(st, name, (double)v, unit);
}

void ax_sim_sample(ax_sim *s) {
  for (size_t i = 0; i < s->ncomps; i++) {
    ax_component *c = s->comps[i];
    ax_stats st = {s, (int)i, 1};
    if (c->model->stats) c->model->stats(c, &st);
  }
}

void ax_sim_collect_stats(ax_sim *s) {
  s->nstats = 0;
  for (size_t i = 0; i < s->ncomps; i++) {
    ax_component *c = s->comps[i];
    ax_stats st = {s, (int)i, 0};
    if (c->model->stats) c->model->stats(c, &st);
  }
  /* Link traffic is a statistic of the sending component's port. */
  for (size_t i = 0; i < s->nlinks; i++)
    for (int d = 0; d < 2; d++) {
      ax_lane *l = &s->links[i]->lane[d];
      if (!l->msgs) continue;
      ax_stats st = {s, l->src->comp->index, 0};
      char n[48];
      snprintf(n, sizeof n, "port.%s.msgs", l->src->name);
      ax_stat_u64(&st, n, l->msgs, "msgs");
      snprintf(n, sizeof n, "port.%s.bytes", l->src->name);
      ax_stat_u64(&st, n, l->bytes, "bytes");
    }
}

static uint64_t ehash_key(int comp, const char *action, uint32_t op) {
  uint64_t h = 1469598103934665603ull ^ (uint64_t)comp * 0x9e3779b97f4a7c15ull ^ op;
  for (const char *p = action; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
  return h;
}

static void ehash_rebuild(ax_sim *s) {
  s->ehcap = s->ehcap ? 2 * s->ehcap : 256;
  free(s->ehash);
  s->ehash = ax_xcalloc(s->ehcap, sizeof *s->ehash);
  for (size_t i = 0; i < s->nenergy; i++) {
    ax_energy_row *r = &s->energy[i];
    size_t j = ehash_key(r->comp, r->action, r->op) & (s->ehcap - 1);
    while (s->ehash[j]) j = (j + 1) & (s->ehcap - 1);
    s->ehash[j] = (uint32_t)i + 1;
  }
}

void ax_energy(ax_component *c, uint32_t op, const char *action, uint64_t count, double pj_each) {
  ax_sim *s = c->sim;
  if (!count) return;
  if (2 * (s->nenergy + 1) > s->ehcap) ehash_rebuild(s);
  size_t j = ehash_key(c->index, action, op) & (s->ehcap - 1);
  for (; s->ehash[j]; j = (j + 1) & (s->ehcap - 1)) {
    ax_energy_row *r = &s->energy[s->ehash[j] - 1];
    if (r->comp == c->index && r->op == op && !strcmp(r->action, action)) {
      r->count += count;
      r->pj += (double)count * pj_each;
      goto layer;
    }
  }
  if (s->nenergy == s->capenergy) {
    s->capenergy = s->capenergy ? 2 * s->capenergy : 64;
    s->energy = ax_xrealloc(s->energy, s->capenergy * sizeof *s->energy);
  }
  ax_energy_row *r = &s->energy[s->nenergy];
  memset(r, 0, sizeof *r);
  r->comp = c->index;
  snprintf(r->action, sizeof r->action, "%s", action);
  r->op = op;
  r->count = count;
  r->pj = (double)count * pj_each;
  s->ehash[j] = (uint32_t)++s->nenergy;
layer:
  if (op != AX_NO_OP) ax_sim_layer(s, op)->energy_pj += (double)count * pj_each;
}

void ax_op_account(ax_component *c, uint32_t op, uint64_t macs, ax_level lvl, uint64_t bytes) {
  if (op == AX_NO_OP) return;
  ax_layer *l = ax_sim_layer(c->sim, op);
  l->macs += macs;
  if (lvl < AX_LVL_N) l->bytes[lvl] += bytes;
}

void ax_op_util(ax_component *c, uint32_t op, uint64_t used, uint64_t total) {
  if (op == AX_NO_OP) return;
  ax_layer *l = ax_sim_layer(c->sim, op);
  l->used_pe += used;
  l->total_pe += total;
}

void ax_op_started(ax_component *unit, const ax_op *op) {
  ax_layer *l = ax_sim_layer(unit->sim, op->id);
  l->id = op->id;
  l->kind = op->kind;
  snprintf(l->name, sizeof l->name, "%s", op->name);
  snprintf(l->unit, sizeof l->unit, "%s", unit->name);
  l->unit_period = unit->period;
  l->start = unit->sim->q.now;
  l->started = 1;
}

void ax_op_finished(ax_component *unit, const ax_op *op) {
  ax_layer *l = ax_sim_layer(unit->sim, op->id);
  l->end = unit->sim->q.now;
  l->done = 1;
}

static uint64_t thash_key(uint32_t op, const char *target) {
  uint64_t h = 1469598103934665603ull ^ (uint64_t)op * 0x9e3779b97f4a7c15ull;
  for (const char *p = target; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
  return h;
}

static void thash_rebuild(ax_sim *s) {
  s->thcap = s->thcap ? 2 * s->thcap : 256;
  free(s->thash);
  s->thash = ax_xcalloc(s->thcap, sizeof *s->thash);
  for (size_t i = 0; i < s->ntraffic; i++) {
    size_t j = thash_key(s->traffic[i].op, s->traffic[i].target) & (s->thcap - 1);
    while (s->thash[j]) j = (j + 1) & (s->thcap - 1);
    s->thash[j] = (uint32_t)i + 1;
  }
}

void ax_op_traffic(ax_component *c, uint32_t op, const char *target, uint64_t rd, uint64_t wr) {
  ax_sim *s = c->sim;
  if (op == AX_NO_OP || (!rd && !wr)) return;
  if (2 * (s->ntraffic + 1) > s->thcap) thash_rebuild(s);
  size_t j = thash_key(op, target) & (s->thcap - 1);
  for (; s->thash[j]; j = (j + 1) & (s->thcap - 1)) {
    ax_traffic_row *r = &s->traffic[s->thash[j] - 1];
    if (r->op == op && !strncmp(r->target, target, sizeof r->target - 1)) {
      r->rd += rd;
      r->wr += wr;
      return;
    }
  }
  if (s->ntraffic == s->captraffic) {
    s->captraffic = s->captraffic ? 2 * s->captraffic : 64;
    s->traffic = ax_xrealloc(s->traffic, s->captraffic * sizeof *s->traffic);
  }
  ax_traffic_row *r = &s->traffic[s->ntraffic];
  memset(r, 0, sizeof *r);
  r->op = op;
  snprintf(r->target, sizeof r->target, "%s", target);
  r->rd = rd;
  r->wr = wr;
  s->thash[j] = (uint32_t)++s->ntraffic;
}
