/*
 * sweep_collect.c - a sweep's summary file, rebuilt from its point files:
 * one row per point, sorted by point index, the same whichever way the
 * points were run (docs/sweeps.md gives the layout). Wall-clock seconds,
 * the one figure that differs between identical runs, live apart in /wall.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "config.h"
#include "h5.h"
#include "sim.h"
#include "sweep_run.h"

#define SW_VAL 64 /* bytes of a swept value's text in the summary */

typedef struct stat_in {
  char component[64];
  char stat[48];
  double value;
} stat_in;

/* What an expression of point i may read. */
typedef struct look {
  const ax_sweep_exec *ex;
  size_t i;
  ax_sweep_result *r;
  size_t nmetrics_done;
  stat_in *st;
  size_t nst;
  ax_sim *cfg;   /* the point's system, loaded on first use of comp.setting */
  int cfg_tried;
} look;

static int config_value(look *L, const char *name, double *v) {
  if (!L->cfg_tried) {
    L->cfg_tried = 1;
    const ax_sweep *sw = L->ex->sw;
    char **ov = ax_sweep_overrides(sw, L->i);
    char e[AX_ERR_MAX];
    if (ax_config_load(sw->base, ov, sw->nparams, sw->pts[L->i].seed, sw->pts[L->i].has_seed, &L->cfg, e, sizeof e))
      L->cfg = NULL;
    ax_sweep_overrides_free(sw, ov);
  }
  if (!L->cfg) return -1;
  const char *dot = strrchr(name, '.');
  if (!dot) return -1;
  char comp[256];
  snprintf(comp, sizeof comp, "%.*s", (int)(dot - name), name);
  ax_component *c = ax_sim_find(L->cfg, comp);
  if (!c) return -1;
  if (!strcmp(dot + 1, "period_ps")) return *v = (double)c->period, 0;
  if (!strcmp(dot + 1, "clock_mhz")) return *v = 1e6 / (double)c->period, 0;
  size_t j = 0;
  for (const ax_param_def *d = c->model->params; d && d->name; d++, j++) {
    if (strcmp(d->name, dot + 1)) continue;
    switch (d->type) {
    case AX_P_INT:
    case AX_P_BOOL: *v = (double)c->pv[j].i; return 0;
    case AX_P_FLOAT: *v = c->pv[j].f; return 0;
    default: return -1; /* strings and lists are not numbers */
    }
  }
  return -1;
}

static int lookup(void *ctx, const char *name, double *v) {
  look *L = ctx;
  const ax_sweep *sw = L->ex->sw;
  ax_sweep_result *r = L->r;
  if (!strcmp(name, "sim_time_ps")) return *v = (double)r->sim_time_ps, 0;
  if (!strcmp(name, "energy_pj")) return *v = r->energy_pj, 0;
  if (!strcmp(name, "ops")) return *v = (double)r->ops, 0;
  if (!strcmp(name, "macs")) return *v = (double)r->macs, 0;
  if (!strcmp(name, "events")) return *v = (double)r->events, 0;
  for (size_t k = 0; k < L->nmetrics_done; k++)
    if (!strcmp(name, sw->metrics[k].name)) return *v = r->metric[k], 0;
  for (size_t k = 0; k < sw->nparams; k++)
    if (!strcmp(name, sw->params[k].set)) {
      *v = sw->pts[L->i].num[k];
      return *v == *v ? 0 : -1;
    }
  size_t nl = strlen(name);
  for (size_t k = 0; k < L->nst; k++) {
    size_t cl = strlen(L->st[k].component);
    if (nl > cl && !strncmp(name, L->st[k].component, cl) && name[cl] == '.' && !strcmp(name + cl + 1, L->st[k].stat))
      return *v = L->st[k].value, 0;
  }
  return config_value(L, name, v);
}

static int64_t attr_i64(hid_t f, const char *name) {
  int64_t v = 0;
  if (H5Aexists(f, name) > 0) {
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_INT64, &v);
    H5Aclose(a);
  }
  return v;
}

static double attr_f64(hid_t f, const char *name) {
  double v = 0;
  if (H5Aexists(f, name) > 0) {
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_DOUBLE, &v);
    H5Aclose(a);
  }
  return v;
}

/* Read one table's rows into a struct of the given member layout. */
static void *read_table(hid_t f, const char *name, hid_t mt, size_t rowsize, size_t *n) {
  *n = 0;
  if (H5Lexists(f, name, H5P_DEFAULT) <= 0) return NULL;
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  if (d < 0) return NULL;
  hid_t sp = H5Dget_space(d);
  hssize_t m = H5Sget_simple_extent_npoints(sp);
  void *rows = ax_xcalloc(m > 0 ? (size_t)m : 1, rowsize);
  if (m > 0 && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0) m = 0;
  H5Sclose(sp);
  H5Dclose(d);
  *n = m > 0 ? (size_t)m : 0;
  return rows;
}

static void eval_all(const ax_sweep_exec *ex, size_t i, ax_sweep_result *r, stat_in *st, size_t nst) {
  const ax_sweep *sw = ex->sw;
  look L = {ex, i, r, 0, st, nst, NULL, 0};
  char e[160];
  for (size_t k = 0; k < sw->nmetrics; k++, L.nmetrics_done++)
    if (ax_expr_eval(sw->metrics[k].e, lookup, &L, &r->metric[k], e, sizeof e)) {
      r->metric[k] = NAN;
      if (!r->err[0]) snprintf(r->err, sizeof r->err, "metric %s: %s", sw->metrics[k].name, e);
    }
  for (size_t k = 0; k < sw->nobj; k++)
    if (ax_expr_eval(sw->obj[k], lookup, &L, &r->obj[k], e, sizeof e)) {
      r->obj[k] = NAN;
      if (!r->err[0]) snprintf(r->err, sizeof r->err, "objective %s: %s", sw->objectives[k], e);
    }
  r->feasible = 1;
  r->violation = 0;
  for (size_t k = 0; k < sw->ncons; k++) {
    double a, b;
    if (ax_expr_eval(sw->cons[k].lhs, lookup, &L, &a, e, sizeof e) ||
        ax_expr_eval(sw->cons[k].rhs, lookup, &L, &b, e, sizeof e)) {
      if (!r->err[0]) snprintf(r->err, sizeof r->err, "constraint %s: %s", sw->cons[k].text, e);
      r->feasible = 0;
      r->violation = INFINITY;
      continue;
    }
    int ok;
    switch (sw->cons[k].op) {
    case AX_LT: ok = a < b; break;
    case AX_LE: ok = a <= b; break;
    case AX_GT: ok = a > b; break;
    case AX_GE: ok = a >= b; break;
    case AX_EQ: ok = a == b; break;
    default: ok = a != b; break;
    }
    if (!ok) {
      r->feasible = 0;
      double scale = fabs(b) > 1 ? fabs(b) : 1;
      r->violation += a == b ? 1e-12 : fabs(a - b) / scale;
    }
  }
  if (L.cfg) ax_sim_free(L.cfg);
}

void ax_sweep_result_read(const ax_sweep_exec *ex, size_t i, ax_sweep_result *r) {
  const ax_sweep *sw = ex->sw;
  memset(r, 0, sizeof *r);
  r->metric = ax_xcalloc(sw->nmetrics + 1, sizeof *r->metric);
  r->obj = ax_xcalloc(sw->nobj + 1, sizeof *r->obj);
  for (size_t k = 0; k < sw->nmetrics; k++) r->metric[k] = NAN;
  for (size_t k = 0; k < sw->nobj; k++) r->obj[k] = NAN;
  r->seed = sw->pts[i].has_seed ? sw->pts[i].seed : 0;
  r->violation = INFINITY;
  int st = 0;
  hid_t f = (hid_t)ax_sweep_point_open(ex, i);
  int k = f >= 0 ? 1 : ax_sweep_point_kind(ex, i, &st, r->err, sizeof r->err);
  if (k == 0) {
    r->status = AX_PT_MISSING;
    snprintf(r->err, sizeof r->err, "not run");
    return;
  }
  if (k == 2) {
    r->status = st;
    return;
  }
  r->err[0] = 0;
  r->seed = (uint64_t)attr_i64(f, "seed");
  r->sim_time_ps = (uint64_t)attr_i64(f, "sim_time_ps");
  r->events = (uint64_t)attr_i64(f, "events");
  r->energy_pj = attr_f64(f, "energy_pj");
  r->wall_s = attr_f64(f, "wall_s");
  hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof(uint64_t));
  H5Tinsert(mt, "macs", 0, H5T_NATIVE_UINT64);
  size_t nl;
  uint64_t *macs = read_table(f, "layers", mt, sizeof(uint64_t), &nl);
  H5Tclose(mt);
  r->ops = nl;
  for (size_t q = 0; q < nl; q++) r->macs += macs[q];
  free(macs);
  stat_in *stv = NULL;
  size_t nst = 0;
  if (sw->nmetrics || sw->nobj || sw->ncons) {
    hid_t s64 = H5Tcopy(H5T_C_S1), s48 = H5Tcopy(H5T_C_S1);
    H5Tset_size(s64, 64);
    H5Tset_size(s48, 48);
    hid_t st_t = H5Tcreate(H5T_COMPOUND, sizeof(stat_in));
    H5Tinsert(st_t, "component", offsetof(stat_in, component), s64);
    H5Tinsert(st_t, "stat", offsetof(stat_in, stat), s48);
    H5Tinsert(st_t, "value", offsetof(stat_in, value), H5T_NATIVE_DOUBLE);
    stv = read_table(f, "stats", st_t, sizeof(stat_in), &nst);
    H5Tclose(st_t);
    H5Tclose(s64);
    H5Tclose(s48);
  }
  H5Fclose(f);
  r->status = AX_PT_OK;
  eval_all(ex, i, r, stv, nst);
  free(stv);
}

void ax_sweep_result_free(ax_sweep_result *r) {
  free(r->metric);
  free(r->obj);
  r->metric = r->obj = NULL;
}

/* ---- the summary table: columns follow the sweep's definition ---- */

typedef struct layout {
  ax_h5col *cols;
  char **names;
  size_t ncols, rowsize;
  size_t o_point, o_gen, o_seed, o_status, *o_val, *o_num, o_time, o_energy, o_ops, o_macs,
      o_events, *o_metric, *o_obj, o_feas, o_viol, o_err;
} layout;

static size_t col(layout *L, const char *name, ax_h5t t, size_t size) {
  size_t align = t == AX_H5_STR ? 1 : t == AX_H5_U32 || t == AX_H5_I32 ? 4 : 8;
  size_t bytes = t == AX_H5_STR ? size : align;
  size_t off = (L->rowsize + align - 1) / align * align;
  L->cols = ax_xrealloc(L->cols, (L->ncols + 1) * sizeof *L->cols);
  L->names = ax_xrealloc(L->names, (L->ncols + 1) * sizeof *L->names);
  L->names[L->ncols] = ax_strdup(name);
  L->cols[L->ncols] = (ax_h5col){L->names[L->ncols], t, off, t == AX_H5_STR ? size : 0};
  L->ncols++;
  L->rowsize = off + bytes;
  return off;
}

static void layout_make(layout *L, const ax_sweep *sw) {
  memset(L, 0, sizeof *L);
  L->o_point = col(L, "point", AX_H5_U64, 0);
  L->o_gen = sw->mode == AX_SW_SEARCH ? col(L, "generation", AX_H5_U32, 0) : (size_t)-1;
  L->o_seed = col(L, "seed", AX_H5_U64, 0);
  L->o_status = col(L, "status", AX_H5_I32, 0);
  L->o_val = ax_xcalloc(sw->nparams + 1, sizeof *L->o_val);
  L->o_num = ax_xcalloc(sw->nparams + 1, sizeof *L->o_num);
  char b[300];
  for (size_t j = 0; j < sw->nparams; j++) {
    L->o_val[j] = col(L, sw->params[j].set, AX_H5_STR, SW_VAL);
    snprintf(b, sizeof b, "%s.num", sw->params[j].set);
    L->o_num[j] = col(L, b, AX_H5_F64, 0);
  }
  L->o_time = col(L, "sim_time_ps", AX_H5_U64, 0);
  L->o_energy = col(L, "energy_pj", AX_H5_F64, 0);
  L->o_ops = col(L, "ops", AX_H5_U64, 0);
  L->o_macs = col(L, "macs", AX_H5_U64, 0);
  L->o_events = col(L, "events", AX_H5_U64, 0);
  L->o_metric = ax_xcalloc(sw->nmetrics + 1, sizeof *L->o_metric);
  for (size_t k = 0; k < sw->nmetrics; k++) L->o_metric[k] = col(L, sw->metrics[k].name, AX_H5_F64, 0);
  L->o_obj = ax_xcalloc(sw->nobj + 1, sizeof *L->o_obj);
  for (size_t k = 0; k < sw->nobj; k++) {
    snprintf(b, sizeof b, "obj%zu", k);
    L->o_obj[k] = col(L, b, AX_H5_F64, 0);
  }
  L->o_feas = col(L, "feasible", AX_H5_I32, 0);
  L->o_viol = col(L, "violation", AX_H5_F64, 0);
  L->o_err = col(L, "error", AX_H5_STR, AX_SW_ERR);
  L->rowsize = (L->rowsize + 7) / 8 * 8;
}

static void layout_free(layout *L) {
  for (size_t k = 0; k < L->ncols; k++) free(L->names[k]);
  free(L->names);
  free(L->cols);
  free(L->o_val);
  free(L->o_num);
  free(L->o_metric);
  free(L->o_obj);
}

#define PUT(T, row, off, v) do { T v_ = (v); memcpy((char *)(row) + (off), &v_, sizeof v_); } while (0)

/* Copy a string into a fixed field of n bytes (NUL-terminated, zero-padded). */
static void put_str(char *dst, const char *s, size_t n) {
  size_t l = strlen(s);
  if (l > n - 1) l = n - 1;
  memcpy(dst, s, l);
  memset(dst + l, 0, n - l);
}

static void fill_row(const layout *L, const ax_sweep *sw, size_t i, const ax_sweep_result *r, char *row) {
  PUT(uint64_t, row, L->o_point, (uint64_t)i);
  if (L->o_gen != (size_t)-1) PUT(uint32_t, row, L->o_gen, sw->pts[i].gen);
  PUT(uint64_t, row, L->o_seed, r->seed);
  PUT(int32_t, row, L->o_status, r->status);
  for (size_t j = 0; j < sw->nparams; j++) {
    put_str(row + L->o_val[j], sw->pts[i].val[j], SW_VAL);
    PUT(double, row, L->o_num[j], sw->pts[i].num[j]);
  }
  PUT(uint64_t, row, L->o_time, r->sim_time_ps);
  PUT(double, row, L->o_energy, r->energy_pj);
  PUT(uint64_t, row, L->o_ops, r->ops);
  PUT(uint64_t, row, L->o_macs, r->macs);
  PUT(uint64_t, row, L->o_events, r->events);
  for (size_t k = 0; k < sw->nmetrics; k++) PUT(double, row, L->o_metric[k], r->metric[k]);
  for (size_t k = 0; k < sw->nobj; k++) PUT(double, row, L->o_obj[k], r->obj[k]);
  PUT(int32_t, row, L->o_feas, r->feasible);
  PUT(double, row, L->o_viol, r->violation);
  put_str(row + L->o_err, r->err, AX_SW_ERR);
}

typedef struct wall_row {
  uint64_t point;
  double wall_s;
} wall_row;

static const ax_h5col wall_cols[] = {
    {"point", AX_H5_U64, offsetof(wall_row, point), 0},
    {"wall_s", AX_H5_F64, offsetof(wall_row, wall_s), 0},
};

static int write_attrs(hid_t f, const ax_sweep *sw, const ax_sweep_exec *ex, size_t npoints, const char *shard) {
  char h[32];
  snprintf(h, sizeof h, "%016llx", (unsigned long long)sw->hash);
  int rc = 0;
  rc |= ax_h5_attr_str(f, "axsim_version", AX_VERSION_STRING);
  rc |= ax_h5_attr_i64(f, "sweep_schema_version", 1);
  rc |= ax_h5_attr_str(f, "sweep_file", sw->file);
  rc |= ax_h5_attr_str(f, "sweep_text", sw->text ? sw->text : "");
  rc |= ax_h5_attr_str(f, "sweep_hash", h);
  rc |= ax_h5_attr_str(f, "base", sw->base);
  rc |= ax_h5_attr_str(f, "mode", ax_sweep_mode_name(sw->mode));
  rc |= ax_h5_attr_i64(f, "npoints", (long long)npoints);
  rc |= ax_h5_attr_str(f, "shard", shard ? shard : "");
  rc |= ax_h5_attr_str(f, "points_dir", ex->pdir_rel);
  return rc;
}

/* Objectives and constraints as attributes of the summary table. */
static int write_table_attrs(hid_t f, const ax_sweep *sw) {
  hid_t d = H5Dopen2(f, "summary", H5P_DEFAULT);
  if (d < 0) return -1;
  size_t n = 1;
  for (size_t k = 0; k < sw->nobj; k++) n += strlen(sw->objectives[k]) + 1;
  for (size_t k = 0; k < sw->ncons; k++) n += strlen(sw->cons[k].text) + 1;
  for (size_t k = 0; k < sw->nmetrics; k++) n += strlen(sw->metrics[k].name) + strlen(sw->metrics[k].text) + 4;
  char *o = ax_xcalloc(1, n), *c = ax_xcalloc(1, n), *m = ax_xcalloc(1, n);
  for (size_t k = 0; k < sw->nobj; k++) strcat(strcat(o, sw->objectives[k]), "\n");
  for (size_t k = 0; k < sw->ncons; k++) strcat(strcat(c, sw->cons[k].text), "\n");
  for (size_t k = 0; k < sw->nmetrics; k++) strcat(strcat(strcat(strcat(m, sw->metrics[k].name), " = "), sw->metrics[k].text), "\n");
  int rc = ax_h5_attr_str(d, "objectives", o) | ax_h5_attr_str(d, "constraints", c) | ax_h5_attr_str(d, "metrics", m);
  free(o);
  free(c);
  free(m);
  H5Dclose(d);
  return rc;
}

int ax_sweep_write_summary(const ax_sweep_exec *ex, const size_t *idx, size_t n, const char *shard,
                           size_t *nfailed, char *err, size_t errlen) {
  const ax_sweep *sw = ex->sw;
  layout L;
  layout_make(&L, sw);
  char *rows = ax_xcalloc(n ? n : 1, L.rowsize);
  wall_row *wr = ax_xcalloc(n ? n : 1, sizeof *wr);
  int *ok = ax_xcalloc(n ? n : 1, sizeof *ok);
  if (nfailed) *nfailed = 0;
  size_t best = (size_t)-1;
  double bestv = INFINITY, bestviol = INFINITY;
  for (size_t k = 0; k < n; k++) {
    ax_sweep_result r;
    ax_sweep_result_read(ex, idx[k], &r);
    fill_row(&L, sw, idx[k], &r, rows + k * L.rowsize);
    wr[k].point = idx[k];
    wr[k].wall_s = r.wall_s;
    ok[k] = r.status == AX_PT_OK;
    if (nfailed && !ok[k]) ++*nfailed;
    if (sw->nobj && r.status == AX_PT_OK) { /* feasible first, then lowest obj0; ties: lowest index */
      double v = r.obj[0] == r.obj[0] ? r.obj[0] : INFINITY;
      double viol = r.feasible ? 0 : r.violation;
      if (viol < bestviol || (viol == bestviol && v < bestv)) best = idx[k], bestv = v, bestviol = viol;
    }
    ax_sweep_result_free(&r);
  }
  ax_h5 h;
  int rc = ax_h5_create(&h, ex->out, err, errlen);
  if (rc == AX_OK) {
    hid_t f = h.file;
    int e = write_attrs(f, sw, ex, sw->npts, shard);
    e |= ax_h5_table(f, "summary", L.cols, L.ncols, L.rowsize, rows, n);
    e |= write_table_attrs(f, sw);
    e |= ax_h5_table(f, "wall", wall_cols, 2, sizeof *wr, wr, n);
    hid_t g = ax_h5_group(f, "points");
    for (size_t k = 0; k < n && g >= 0; k++) {
      if (!ok[k]) continue;
      char target[1200], name[32];
      snprintf(target, sizeof target, "%s/p%06zu.h5", ex->pdir_rel, idx[k]);
      snprintf(name, sizeof name, "p%06zu", idx[k]);
      if (H5Lcreate_external(target, "/", g, name, H5P_DEFAULT, H5P_DEFAULT) < 0) e = -1;
    }
    if (g >= 0) H5Gclose(g);
    else e = -1;
    if (sw->mode == AX_SW_SEARCH) {
      hid_t s = ax_h5_group(f, "search");
      e |= ax_h5_attr_str(s, "algorithm", sw->algo == AX_SA_RANDOM ? "random" : "evolution");
      e |= ax_h5_attr_i64(s, "budget", (long long)sw->budget);
      e |= ax_h5_attr_i64(s, "population", (long long)sw->population);
      e |= ax_h5_attr_str(s, "objective", sw->objectives[0]);
      e |= ax_h5_attr_i64(s, "best_point", best == (size_t)-1 ? -1 : (long long)best);
      e |= ax_h5_attr_f64(s, "best_objective", bestv);
      e |= ax_h5_attr_i64(s, "best_feasible", bestviol == 0);
      H5Gclose(s);
    }
    if (e) {
      ax_errf(err, errlen, "%s: writing the sweep summary failed", ex->out);
      ax_h5_abandon(&h);
      rc = AX_EIO;
    } else {
      rc = ax_h5_commit(&h, err, errlen);
    }
  }
  free(rows);
  free(wr);
  free(ok);
  layout_free(&L);
  return rc;
}
