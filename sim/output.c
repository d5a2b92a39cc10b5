/*
 * output.c - a finished run as an HDF5 file, schema v1 (docs/hdf5-schema.md).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "h5.h"
#include "output.h"

#define STR 64

typedef struct layer_row {
  uint32_t id;
  char name[STR], kind[16], unit[STR];
  uint64_t start_ps, end_ps, cycles, macs;
  double util;
  uint64_t bytes_sram, bytes_dram, bytes_noc;
  double energy_pj;
} layer_row;

static const ax_h5col layer_cols[] = {
    {"id", AX_H5_U32, offsetof(layer_row, id), 0},
    {"name", AX_H5_STR, offsetof(layer_row, name), STR},
    {"kind", AX_H5_STR, offsetof(layer_row, kind), 16},
    {"unit", AX_H5_STR, offsetof(layer_row, unit), STR},
    {"start_ps", AX_H5_U64, offsetof(layer_row, start_ps), 0},
    {"end_ps", AX_H5_U64, offsetof(layer_row, end_ps), 0},
    {"cycles", AX_H5_U64, offsetof(layer_row, cycles), 0},
    {"macs", AX_H5_U64, offsetof(layer_row, macs), 0},
    {"util", AX_H5_F64, offsetof(layer_row, util), 0},
    {"bytes_sram", AX_H5_U64, offsetof(layer_row, bytes_sram), 0},
    {"bytes_dram", AX_H5_U64, offsetof(layer_row, bytes_dram), 0},
    {"bytes_noc", AX_H5_U64, offsetof(layer_row, bytes_noc), 0},
    {"energy_pj", AX_H5_F64, offsetof(layer_row, energy_pj), 0},
};

typedef struct comp_row {
  char name[STR], model[32];
  uint64_t period_ps;
} comp_row;

static const ax_h5col comp_cols[] = {
    {"name", AX_H5_STR, offsetof(comp_row, name), STR},
    {"model", AX_H5_STR, offsetof(comp_row, model), 32},
    {"period_ps", AX_H5_U64, offsetof(comp_row, period_ps), 0},
};

typedef struct stat_row {
  char component[STR], stat[48], unit[16];
  double value;
} stat_row;

static const ax_h5col stat_cols[] = {
    {"component", AX_H5_STR, offsetof(stat_row, component), STR},
    {"stat", AX_H5_STR, offsetof(stat_row, stat), 48},
    {"value", AX_H5_F64, offsetof(stat_row, value), 0},
    {"unit", AX_H5_STR, offsetof(stat_row, unit), 16},
};

typedef struct energy_row {
  char component[STR], action[48];
  uint64_t count;
  double pj;
} energy_row;

static const ax_h5col energy_cols[] = {
    {"component", AX_H5_STR, offsetof(energy_row, component), STR},
    {"action", AX_H5_STR, offsetof(energy_row, action), 48},
    {"count", AX_H5_U64, offsetof(energy_row, count), 0},
    {"pj", AX_H5_F64, offsetof(energy_row, pj), 0},
};

typedef struct series_row {
  uint64_t time_ps;
  char component[STR], stat[48];
  double value;
} series_row;

static const ax_h5col series_cols[] = {
    {"time_ps", AX_H5_U64, offsetof(series_row, time_ps), 0},
    {"component", AX_H5_STR, offsetof(series_row, component), STR},
    {"stat", AX_H5_STR, offsetof(series_row, stat), 48},
    {"value", AX_H5_F64, offsetof(series_row, value), 0},
};

typedef struct traffic_row {
  uint32_t id;
  char name[STR], target[48];
  uint64_t bytes_read, bytes_written;
} traffic_row;

static const ax_h5col traffic_cols[] = {
    {"id", AX_H5_U32, offsetof(traffic_row, id), 0},
    {"name", AX_H5_STR, offsetof(traffic_row, name), STR},
    {"target", AX_H5_STR, offsetof(traffic_row, target), 48},
    {"bytes_read", AX_H5_U64, offsetof(traffic_row, bytes_read), 0},
    {"bytes_written", AX_H5_U64, offsetof(traffic_row, bytes_written), 0},
};

static int traffic_cmp(const void *a, const void *b) {
  const traffic_row *x = a, *y = b;
  if (x->id != y->id) return x->id < y->id ? -1 : 1;
  return strcmp(x->target, y->target);
}

typedef struct site_row {
  char component[STR], site[AX_NAME_MAX];
  uint64_t bits, live_from_ps, live_to_ps;
  double bit_seconds;
} site_row;

static const ax_h5col site_cols[] = {
    {"component", AX_H5_STR, offsetof(site_row, component), STR},
    {"site", AX_H5_STR, offsetof(site_row, site), AX_NAME_MAX},
    {"bits", AX_H5_U64, offsetof(site_row, bits), 0},
    {"live_from_ps", AX_H5_U64, offsetof(site_row, live_from_ps), 0},
    {"live_to_ps", AX_H5_U64, offsetof(site_row, live_to_ps), 0},
    {"bit_seconds", AX_H5_F64, offsetof(site_row, bit_seconds), 0},
};

/* Every component's fault sites (ops->fault_sites) as rows; n set. */
static site_row *collect_sites(ax_sim *s, size_t *n) {
  size_t cap = 16, k = 0;
  site_row *rows = ax_xcalloc(cap, sizeof *rows);
  ax_fault_site buf[64];
  for (size_t i = 0; i < s->ncomps; i++) {
    ax_component *c = s->comps[i];
    if (!c->model->fault_sites || !c->initialised) continue; /* priv exists only after init */
    int m = c->model->fault_sites(c, buf, 64);
    if (m > 64) m = 64;
    for (int j = 0; j < m; j++) {
      if (k == cap) rows = ax_xrealloc(rows, (cap *= 2) * sizeof *rows);
      site_row *r = &rows[k++];
      memset(r, 0, sizeof *r);
      snprintf(r->component, STR, "%.63s", c->name);
      snprintf(r->site, AX_NAME_MAX, "%.63s", buf[j].name);
      r->bits = buf[j].bits;
      r->live_from_ps = buf[j].live_from;
      r->live_to_ps = buf[j].live_to;
      uint64_t live = buf[j].live_to > buf[j].live_from ? buf[j].live_to - buf[j].live_from : 0;
      r->bit_seconds = (double)buf[j].bits * (double)live * 1e-12;
    }
  }
  *n = k;
  return rows;
}

#define NCOL(a) (sizeof a / sizeof *a)

double ax_sim_total_energy(const ax_sim *s) {
  double e = 0;
  for (size_t i = 0; i < s->nenergy; i++) e += s->energy[i].pj;
  return e;
}

int ax_sim_write(ax_sim *s, const char *path, double wall_s, char *err, size_t errlen) {
  ax_h5 h;
  if (ax_h5_create(&h, path, err, errlen) != AX_OK) return AX_EIO;
  hid_t f = h.file;
  int rc = AX_OK;
  rc |= ax_h5_attr_str(f, "axsim_version", AX_VERSION_STRING);
  rc |= ax_h5_attr_i64(f, "schema_version", AX_SCHEMA_VERSION);
  rc |= ax_h5_attr_str(f, "name", s->name ? s->name : "");
  rc |= ax_h5_attr_str(f, "config_file", s->config_file ? s->config_file : "");
  rc |= ax_h5_attr_str(f, "config_text", s->config_text ? s->config_text : "");
  rc |= ax_h5_attr_str(f, "overrides", s->overrides ? s->overrides : "");
  rc |= ax_h5_attr_i64(f, "seed", (long long)s->seed);
  rc |= ax_h5_attr_i64(f, "sim_time_ps", (long long)s->q.now);
  rc |= ax_h5_attr_i64(f, "events", (long long)ax_evq_dispatched(&s->q));
  rc |= ax_h5_attr_f64(f, "energy_pj", ax_sim_total_energy(s));
  double per_op = 0;
  for (size_t i = 0; i < s->nlayers; i++) per_op += s->layers[i].energy_pj;
  rc |= ax_h5_attr_f64(f, "energy_unattributed_pj", ax_sim_total_energy(s) - per_op);
  rc |= ax_h5_attr_f64(f, "wall_s", wall_s);

  /* layers: ops that ran, in id order */
  layer_row *lr = ax_xcalloc(s->nlayers ? s->nlayers : 1, sizeof *lr);
  size_t nl = 0;
  for (size_t i = 0; i < s->nlayers; i++) {
    const ax_layer *l = &s->layers[i];
    if (!l->done) continue;
    layer_row *r = &lr[nl++];
    r->id = l->id;
    snprintf(r->name, STR, "%s", l->name);
    snprintf(r->kind, 16, "%s", ax_op_kind_name(l->kind));
    snprintf(r->unit, STR, "%s", l->unit);
    r->start_ps = l->start;
    r->end_ps = l->end;
    r->cycles = l->unit_period ? (l->end - l->start) / l->unit_period : 0;
    r->macs = l->macs;
    r->util = l->total_pe ? (double)l->used_pe / (double)l->total_pe : 0;
    r->bytes_sram = l->bytes[AX_LVL_SRAM];
    r->bytes_dram = l->bytes[AX_LVL_DRAM];
    r->bytes_noc = l->bytes[AX_LVL_NOC];
    r->energy_pj = l->energy_pj;
  }
  rc |= ax_h5_table(f, "layers", layer_cols, NCOL(layer_cols), sizeof *lr, lr, nl);
  free(lr);

  /* per-op traffic by memory / tier, sorted by op id then target */
  traffic_row *tr = ax_xcalloc(s->ntraffic ? s->ntraffic : 1, sizeof *tr);
  for (size_t i = 0; i < s->ntraffic; i++) {
    const ax_traffic_row *t = &s->traffic[i];
    tr[i].id = t->op;
    snprintf(tr[i].name, STR, "%s", t->op < s->nlayers ? s->layers[t->op].name : "");
    snprintf(tr[i].target, 48, "%s", t->target);
    tr[i].bytes_read = t->rd;
    tr[i].bytes_written = t->wr;
  }
  qsort(tr, s->ntraffic, sizeof *tr, traffic_cmp);
  rc |= ax_h5_table(f, "layer_traffic", traffic_cols, NCOL(traffic_cols), sizeof *tr, tr, s->ntraffic);
  free(tr);

  /* fault sites the models expose: bits x live time, the exposure a raw
   * FIT rate multiplies (campaigns inject into the functional models) */
  size_t nsites;
  site_row *sr0 = collect_sites(s, &nsites);
  if (nsites) rc |= ax_h5_table(f, "fault_sites", site_cols, NCOL(site_cols), sizeof *sr0, sr0, nsites);
  free(sr0);

  comp_row *cr = ax_xcalloc(s->ncomps, sizeof *cr);
  for (size_t i = 0; i < s->ncomps; i++) {
    snprintf(cr[i].name, STR, "%s", s->comps[i]->name);
    snprintf(cr[i].model, 32, "%s", s->comps[i]->model->name);
    cr[i].period_ps = s->comps[i]->period;
  }
  rc |= ax_h5_table(f, "components", comp_cols, NCOL(comp_cols), sizeof *cr, cr, s->ncomps);
  free(cr);

  stat_row *sr = ax_xcalloc(s->nstats ? s->nstats : 1, sizeof *sr);
  for (size_t i = 0; i < s->nstats; i++) {
    snprintf(sr[i].component, STR, "%s", s->comps[s->stats[i].comp]->name);
    snprintf(sr[i].stat, 48, "%s", s->stats[i].name);
    snprintf(sr[i].unit, 16, "%s", s->stats[i].unit);
    sr[i].value = s->stats[i].v;
  }
  rc |= ax_h5_table(f, "stats", stat_cols, NCOL(stat_cols), sizeof *sr, sr, s->nstats);
  free(sr);

  /* energy: summed over ops, one row per (component, action) in first-seen order */
  energy_row *er = ax_xcalloc(s->nenergy ? s->nenergy : 1, sizeof *er);
  size_t ne = 0;
  for (size_t i = 0; i < s->nenergy; i++) {
    const ax_energy_row *e = &s->energy[i];
    size_t j;
    for (j = 0; j < ne; j++)
      if (!strcmp(er[j].action, e->action) && !strcmp(er[j].component, s->comps[e->comp]->name)) break;
    if (j == ne) {
      snprintf(er[ne].component, STR, "%s", s->comps[e->comp]->name);
      snprintf(er[ne].action, 48, "%s", e->action);
      ne++;
    }
    er[j].count += e->count;
    er[j].pj += e->pj;
  }
  rc |= ax_h5_table(f, "energy", energy_cols, NCOL(energy_cols), sizeof *er, er, ne);
  free(er);

  if (s->sample_ps) {
    series_row *tr = ax_xcalloc(s->nseries ? s->nseries : 1, sizeof *tr);
    for (size_t i = 0; i < s->nseries; i++) {
      tr[i].time_ps = s->series[i].t;
      snprintf(tr[i].component, STR, "%s", s->comps[s->series[i].comp]->name);
      snprintf(tr[i].stat, 48, "%s", s->series[i].name);
      tr[i].value = s->series[i].v;
    }
    rc |= ax_h5_table(f, "timeseries", series_cols, NCOL(series_cols), sizeof *tr, tr, s->nseries);
    rc |= ax_h5_attr_i64(f, "sample_ps", (long long)s->sample_ps);
    free(tr);
  }
  if (rc != AX_OK) {
    ax_errf(err, errlen, "%s: writing the results failed", path);
    ax_h5_abandon(&h);
    return AX_EIO;
  }
  return ax_h5_commit(&h, err, errlen);
}
