/*
 * sweep_file.c - read and check a sweep file (libconfig), see sweep.h and
 * docs/sweeps.md. Every error names file, line, setting and what was
 * expected; misspelt names get the closest valid one.
 */
#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cfgutil.h"
#include "config.h"
#include "sim.h"
#include "sweep.h"

typedef struct ctx {
  ax_sweep *sw;
  config_t cfg;
  char dir[1024];
  ax_sim *base;   /* the base system, loaded once to check settings */
  char *err;
  size_t errlen;
} ctx;

static const char *const root_keys[] = {"base", "mode", "params", "points", "seed", "seeds",
                                        "metrics", "objectives", "constraints", "algorithm",
                                        "budget", "population"};
#define NROOT (sizeof root_keys / sizeof *root_keys)
static const char *const param_keys[] = {"set", "values", "min", "max", "log", "integer"};
#define NPARAM (sizeof param_keys / sizeof *param_keys)
static const char *const modes[] = {"grid", "list", "zip", "random", "lhs", "search"};
/* Headline figures every point has (see sweep_collect.c). */
static const char *const headline[] = {"sim_time_ps", "energy_pj", "ops", "macs", "events"};

const char *ax_sweep_mode_name(ax_sweep_mode m) { return modes[m]; }

/* "file:line: setting 'path': message" */
static int fail_at(ctx *x, const config_setting_t *st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int fail_at(ctx *x, const config_setting_t *st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = ax_cfg_verror(x->err, x->errlen, x->sw->file, st, fmt, ap);
  va_end(ap);
  return rc;
}

#define type_name ax_cfg_type_name
#define is_int ax_cfg_is_int
#define is_num ax_cfg_is_num
#define num_of ax_cfg_num
#define path_of ax_cfg_path

/* Shortest decimal text that reads back as exactly v. */
static void fmt_double(char *b, size_t n, double v) {
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(b, n, "%.*g", prec, v);
    if (strtod(b, NULL) == v) break;
  }
  /* libconfig needs a '.' or an exponent to read a float */
  if (!strpbrk(b, ".eEn")) {
    size_t l = strlen(b);
    if (l + 3 < n) memcpy(b + l, ".0", 3);
  }
}

/* Display text, libconfig literal and number of one scalar setting. */
static int scalar_value(ctx *x, const config_setting_t *e, char **disp, char **lit, double *num) {
  char b[64];
  switch (config_setting_type(e)) {
  case CONFIG_TYPE_INT:
  case CONFIG_TYPE_INT64:
    snprintf(b, sizeof b, "%lld", config_setting_get_int64(e));
    *disp = ax_strdup(b);
    *lit = ax_strdup(b);
    *num = (double)config_setting_get_int64(e);
    return AX_OK;
  case CONFIG_TYPE_FLOAT:
    fmt_double(b, sizeof b, config_setting_get_float(e));
    *disp = ax_strdup(b);
    *lit = ax_strdup(b);
    *num = config_setting_get_float(e);
    return AX_OK;
  case CONFIG_TYPE_BOOL:
    *disp = ax_strdup(config_setting_get_bool(e) ? "true" : "false");
    *lit = ax_strdup(*disp);
    *num = config_setting_get_bool(e);
    return AX_OK;
  case CONFIG_TYPE_STRING: {
    const char *s = config_setting_get_string(e);
    if (strchr(s, '"') || strchr(s, '\\') || strchr(s, '\n'))
      return fail_at(x, e, "a swept string may not hold '\"', '\\' or a newline");
    *disp = ax_strdup(s);
    size_t n = strlen(s) + 3;
    *lit = ax_xmalloc(n);
    snprintf(*lit, n, "\"%s\"", s);
    *num = NAN;
    return AX_OK;
  }
  }
  return fail_at(x, e, "expected a number, a string or a boolean, got %s", type_name(config_setting_type(e)));
}

/* Check `set` against the base system: a component and one of its settings. */
static int check_set(ctx *x, const config_setting_t *st, const char *set) {
  const char *dot = strrchr(set, '.');
  static const char *const sys_roots[] = {"seed", "sim", "output", "links", "name"};
  for (size_t i = 0; i < 5; i++) {
    size_t l = strlen(sys_roots[i]);
    if (!strncmp(set, sys_roots[i], l) && (set[l] == '.' || !set[l])) return AX_OK;
  }
  if (!dot || dot == set || !dot[1])
    return fail_at(x, st, "expected \"component.setting\" (e.g. \"sa0.rows\"), got \"%s\"", set);
  char comp[256];
  snprintf(comp, sizeof comp, "%.*s", (int)(dot - set), set);
  ax_component *c = ax_sim_find(x->base, comp);
  if (!c) {
    const char *sg = ax_sim_suggest_component(x->base, comp);
    return fail_at(x, st, "the base system %s has no component '%s'%s%s%s", x->sw->base, comp,
                   sg ? " (did you mean '" : "", sg ? sg : "", sg ? "'?)" : "");
  }
  const char *cand[260];
  size_t nc = 0;
  for (const ax_param_def *d = c->model->params; d && d->name && nc < 256; d++) {
    if (!strcmp(d->name, dot + 1)) return AX_OK;
    cand[nc++] = d->name;
  }
  cand[nc++] = "clock_mhz";
  cand[nc++] = "period_ps";
  if (!strcmp(dot + 1, "clock_mhz") || !strcmp(dot + 1, "period_ps")) return AX_OK;
  const char *sg = ax_suggest(dot + 1, cand, nc);
  return fail_at(x, st, "component '%s' (model %s) has no setting '%s'%s%s%s; `axsim models %s` lists them",
                 comp, c->model->name, dot + 1, sg ? " (did you mean '" : "", sg ? sg : "",
                 sg ? "'?)" : "", c->model->name);
}

/* Check one value of a setting by loading the base with it as -s. */
static int check_value(ctx *x, const config_setting_t *st, const char *set, const char *lit) {
  size_t n = strlen(set) + strlen(lit) + 2;
  char *ov = ax_xmalloc(n);
  snprintf(ov, n, "%s=%s", set, lit);
  char e[AX_ERR_MAX];
  ax_sim *s;
  int rc = ax_config_load(x->sw->base, &ov, 1, 0, 0, &s, e, sizeof e);
  free(ov);
  if (rc != AX_OK) return fail_at(x, st, "the base system rejects %s=%s: %s", set, lit, e);
  ax_sim_free(s);
  return AX_OK;
}

static int unknown_key(ctx *x, config_setting_t *st, const char *const *keys, size_t n, const char *where) {
  const char *sg = ax_suggest(config_setting_name(st), keys, n);
  char list[400] = "";
  size_t off = 0;
  for (size_t i = 0; i < n; i++) off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "", keys[i]);
  if (sg) return fail_at(x, st, "unknown setting (did you mean '%s'?); %s takes %s", sg, where, list);
  return fail_at(x, st, "unknown setting; %s takes %s", where, list);
}

static int read_param(ctx *x, config_setting_t *g, ax_sweep_param *p) {
  ax_sweep *sw = x->sw;
  if (config_setting_type(g) != CONFIG_TYPE_GROUP)
    return fail_at(x, g, "expected a group { set = \"comp.setting\"; values = [...]; } or { set = ...; min = ...; max = ...; }");
  p->line = (int)config_setting_source_line(g);
  for (int i = 0; i < config_setting_length(g); i++) {
    config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
    int ok = 0;
    for (size_t k = 0; k < NPARAM; k++) ok |= !strcmp(config_setting_name(e), param_keys[k]);
    if (!ok) return unknown_key(x, e, param_keys, NPARAM, "a parameter");
  }
  config_setting_t *st = config_setting_get_member(g, "set");
  if (!st) return fail_at(x, g, "a parameter needs set = \"component.setting\"");
  if (config_setting_type(st) != CONFIG_TYPE_STRING)
    return fail_at(x, st, "expected \"component.setting\", got %s", type_name(config_setting_type(st)));
  p->set = ax_strdup(config_setting_get_string(st));
  if (check_set(x, st, p->set)) return AX_EINVAL;
  config_setting_t *vs = config_setting_get_member(g, "values");
  config_setting_t *mn = config_setting_get_member(g, "min"), *mx = config_setting_get_member(g, "max");
  config_setting_t *lg = config_setting_get_member(g, "log"), *it = config_setting_get_member(g, "integer");
  if (sw->mode == AX_SW_LIST) {
    if (vs || mn || mx) return fail_at(x, vs ? vs : mn ? mn : mx, "in mode \"list\" the values are in `points`, one list per point; a parameter has only `set`");
    return AX_OK;
  }
  if (vs && (mn || mx)) return fail_at(x, mn ? mn : mx, "give values = [...] or min/max, not both");
  if (vs) {
    int t = config_setting_type(vs);
    if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
      return fail_at(x, vs, "expected a list of values [a, b, ...], got %s", type_name(t));
    size_t n = (size_t)config_setting_length(vs);
    if (!n) return fail_at(x, vs, "expected at least one value");
    p->nvalues = n;
    p->values = ax_xcalloc(n, sizeof *p->values);
    p->lits = ax_xcalloc(n, sizeof *p->lits);
    p->nums = ax_xcalloc(n, sizeof *p->nums);
    for (size_t i = 0; i < n; i++) {
      config_setting_t *e = config_setting_get_elem(vs, (unsigned)i);
      if (scalar_value(x, e, &p->values[i], &p->lits[i], &p->nums[i])) return AX_EINVAL;
      for (size_t j = 0; j < i; j++)
        if (!strcmp(p->lits[j], p->lits[i])) return fail_at(x, e, "value %s appears twice", p->values[i]);
      if (check_value(x, e, p->set, p->lits[i])) return AX_EINVAL;
    }
    if (lg || it) return fail_at(x, lg ? lg : it, "log and integer apply to min/max ranges, not to values lists");
    return AX_OK;
  }
  if (!mn && !mx)
    return fail_at(x, g, "parameter '%s' needs values = [...] or a range min = ...; max = ...;", p->set);
  if (!mn || !mx) return fail_at(x, g, "parameter '%s' needs both min and max", p->set);
  if (sw->mode == AX_SW_GRID || sw->mode == AX_SW_ZIP)
    return fail_at(x, mn, "a min/max range needs mode \"random\", \"lhs\" or \"search\"; mode \"%s\" takes values = [...]", modes[sw->mode]);
  if (!is_num(mn)) return fail_at(x, mn, "expected a number, got %s", type_name(config_setting_type(mn)));
  if (!is_num(mx)) return fail_at(x, mx, "expected a number, got %s", type_name(config_setting_type(mx)));
  p->min = num_of(mn);
  p->max = num_of(mx);
  if (!(p->min < p->max)) return fail_at(x, mx, "expected max > min (%g), got %g", p->min, p->max);
  p->integer = is_int(mn) && is_int(mx);
  if (it) {
    if (config_setting_type(it) != CONFIG_TYPE_BOOL) return fail_at(x, it, "expected true or false");
    p->integer = config_setting_get_bool(it);
    if (p->integer && (p->min != floor(p->min) || p->max != floor(p->max)))
      return fail_at(x, it, "an integer range needs integer min and max");
  }
  if (lg) {
    if (config_setting_type(lg) != CONFIG_TYPE_BOOL) return fail_at(x, lg, "expected true or false");
    p->logscale = config_setting_get_bool(lg);
    if (p->logscale && p->min <= 0) return fail_at(x, mn, "a log range needs min > 0, got %g", p->min);
  }
  char lit[64];
  if (p->integer) snprintf(lit, sizeof lit, "%lld", (long long)p->min);
  else fmt_double(lit, sizeof lit, p->min);
  if (check_value(x, mn, p->set, lit)) return AX_EINVAL;
  if (p->integer) snprintf(lit, sizeof lit, "%lld", (long long)p->max);
  else fmt_double(lit, sizeof lit, p->max);
  return check_value(x, mx, p->set, lit);
}

/* Names an expression may read: headline figures, metrics defined before,
 * swept settings, and component.X of the base (a setting or a statistic). */
static int check_names(ctx *x, config_setting_t *st, const ax_expr *e, size_t nmetrics) {
  const char *names[64];
  size_t n = ax_expr_names(e, names, 64);
  for (size_t i = 0; i < n; i++) {
    const char *nm = names[i];
    int ok = 0;
    for (size_t k = 0; k < 5; k++) ok |= !strcmp(nm, headline[k]);
    for (size_t k = 0; k < nmetrics; k++) ok |= !strcmp(nm, x->sw->metrics[k].name);
    for (size_t k = 0; k < x->sw->nparams; k++) ok |= !strcmp(nm, x->sw->params[k].set);
    if (ok) continue;
    const char *dot = strchr(nm, '.');
    if (dot) {
      /* component names may hold dots: any prefix that names a component */
      for (const char *d = dot; d && !ok; d = strchr(d + 1, '.')) {
        char comp[256];
        snprintf(comp, sizeof comp, "%.*s", (int)(d - nm), nm);
        ok = ax_sim_find(x->base, comp) != NULL;
      }
      if (ok) continue;
    }
    const char *cand[600];
    size_t nc = 0;
    for (size_t k = 0; k < 5; k++) cand[nc++] = headline[k];
    for (size_t k = 0; k < nmetrics && nc < 300; k++) cand[nc++] = x->sw->metrics[k].name;
    for (size_t k = 0; k < x->sw->nparams && nc < 400; k++) cand[nc++] = x->sw->params[k].set;
    const char *sg = ax_suggest(nm, cand, nc);
    return fail_at(x, st, "unknown name '%s'%s%s%s: expressions read sim_time_ps, energy_pj, ops, macs, events, metrics defined above, swept settings and component.setting / component.statistic of the base system",
                   nm, sg ? " (did you mean '" : "", sg ? sg : "", sg ? "'?)" : "");
  }
  return AX_OK;
}

static int parse_expr(ctx *x, config_setting_t *st, const char *text, ax_expr **out, size_t nmetrics) {
  char e[600];
  if (ax_expr_parse(text, out, e, sizeof e)) return fail_at(x, st, "%s", e);
  return check_names(x, st, *out, nmetrics);
}

static int read_strings(ctx *x, config_setting_t *st, const char *what) {
  int t = config_setting_type(st);
  if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
    return fail_at(x, st, "expected a list of %s [\"...\", ...], got %s", what, type_name(t));
  for (int i = 0; i < config_setting_length(st); i++) {
    config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
    if (config_setting_type(e) != CONFIG_TYPE_STRING)
      return fail_at(x, e, "expected %s as a string, got %s", what, type_name(config_setting_type(e)));
  }
  return AX_OK;
}

static int read_cons(ctx *x, config_setting_t *e, ax_sweep_cons *c) {
  const char *t = config_setting_get_string(e);
  static const char *const ops[] = {"<=", ">=", "==", "!=", "<", ">"};
  static const ax_cmp codes[] = {AX_LE, AX_GE, AX_EQ, AX_NE, AX_LT, AX_GT};
  const char *at = NULL;
  size_t k;
  for (k = 0; k < 6 && !at; k++) at = strstr(t, ops[k]);
  if (!at) return fail_at(x, e, "expected a comparison \"expr OP expr\" with OP among < <= > >= == !=, got \"%s\"", t);
  k--;
  c->text = ax_strdup(t);
  c->op = codes[k];
  size_t ol = strlen(ops[k]);
  char *l = ax_strdup(t);
  l[at - t] = 0;
  int rc = parse_expr(x, e, l, &c->lhs, x->sw->nmetrics);
  free(l);
  if (rc) return rc;
  return parse_expr(x, e, at + ol, &c->rhs, x->sw->nmetrics);
}

static int read_u64(ctx *x, config_setting_t *st, uint64_t lo, uint64_t hi, uint64_t *v) {
  if (!is_int(st) || config_setting_get_int64(st) < (long long)lo || (uint64_t)config_setting_get_int64(st) > hi)
    return fail_at(x, st, "expected an integer in [%llu, %llu]", (unsigned long long)lo, (unsigned long long)hi);
  *v = (uint64_t)config_setting_get_int64(st);
  return AX_OK;
}

/* list mode: points = ( (v, v, ...), ... ) */
static int read_list_points(ctx *x, config_setting_t *ps) {
  ax_sweep *sw = x->sw;
  int t = config_setting_type(ps);
  if (t != CONFIG_TYPE_LIST)
    return fail_at(x, ps, "mode \"list\" needs points = ( (v1, v2, ...), ... ), one list of %zu values per point, got %s", sw->nparams, type_name(t));
  size_t n = (size_t)config_setting_length(ps);
  if (!n) return fail_at(x, ps, "expected at least one point");
  char **val = ax_xcalloc(sw->nparams, sizeof *val), **lit = ax_xcalloc(sw->nparams, sizeof *lit);
  double *num = ax_xcalloc(sw->nparams, sizeof *num);
  int rc = AX_OK;
  for (size_t i = 0; i < n && !rc; i++) {
    config_setting_t *p = config_setting_get_elem(ps, (unsigned)i);
    int pt = config_setting_type(p);
    if ((pt != CONFIG_TYPE_LIST && pt != CONFIG_TYPE_ARRAY) || (size_t)config_setting_length(p) != sw->nparams) {
      rc = fail_at(x, p, "expected a list of %zu values (one per parameter, in order), got %s%s", sw->nparams,
                   type_name(pt), pt == CONFIG_TYPE_LIST || pt == CONFIG_TYPE_ARRAY ? " of another length" : "");
      break;
    }
    for (size_t j = 0; j < sw->nparams && !rc; j++) {
      config_setting_t *e = config_setting_get_elem(p, (unsigned)j);
      rc = scalar_value(x, e, &val[j], &lit[j], &num[j]);
      if (!rc) rc = check_value(x, e, sw->params[j].set, lit[j]);
    }
    if (!rc) ax_sweep_add_point(sw, val, lit, num, 0, 0, 0);
    for (size_t j = 0; j < sw->nparams; j++) {
      free(val[j]);
      free(lit[j]);
      val[j] = lit[j] = NULL;
    }
  }
  free(val);
  free(lit);
  free(num);
  return rc;
}


static int load(ctx *x) {
  ax_sweep *sw = x->sw;
  config_setting_t *root = config_root_setting(&x->cfg);
  for (int i = 0; i < config_setting_length(root); i++) {
    config_setting_t *e = config_setting_get_elem(root, (unsigned)i);
    int ok = 0;
    for (size_t k = 0; k < NROOT; k++) ok |= !strcmp(config_setting_name(e), root_keys[k]);
    if (!ok) return unknown_key(x, e, root_keys, NROOT, "a sweep file");
  }
  config_setting_t *st = config_setting_get_member(root, "base");
  if (!st) {
    ax_errf(x->err, x->errlen, "%s: missing setting 'base': the system to sweep, e.g. base = \"../default.cfg\";", sw->file);
    return AX_EINVAL;
  }
  if (config_setting_type(st) != CONFIG_TYPE_STRING) return fail_at(x, st, "expected a config file name (string)");
  const char *b = config_setting_get_string(st);
  size_t bl = strlen(x->dir) + strlen(b) + 2;
  sw->base = ax_xmalloc(bl);
  if (b[0] == '/' || !x->dir[0]) snprintf(sw->base, bl, "%s", b);
  else snprintf(sw->base, bl, "%s/%s", x->dir, b);
  char e[AX_ERR_MAX];
  if (ax_config_load(sw->base, NULL, 0, 0, 0, &x->base, e, sizeof e))
    return fail_at(x, st, "the base system does not load: %s", e);

  if ((st = config_setting_get_member(root, "mode"))) {
    if (config_setting_type(st) != CONFIG_TYPE_STRING)
      return fail_at(x, st, "expected one of grid, list, zip, random, lhs, search");
    const char *m = config_setting_get_string(st);
    size_t k;
    for (k = 0; k < 6; k++)
      if (!strcmp(m, modes[k])) break;
    if (k == 6) {
      const char *sg = ax_suggest(m, modes, 6);
      return fail_at(x, st, "expected one of grid, list, zip, random, lhs, search, got \"%s\"%s%s%s", m,
                     sg ? " (did you mean \"" : "", sg ? sg : "", sg ? "\"?)" : "");
    }
    sw->mode = (ax_sweep_mode)k;
  }
  if ((st = config_setting_get_member(root, "seed")) && read_u64(x, st, 0, INT64_MAX, &sw->seed)) return AX_EINVAL;
  if ((st = config_setting_get_member(root, "seeds"))) {
    int t = config_setting_type(st);
    if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
      return fail_at(x, st, "expected a list of run seeds [1, 2, ...], got %s", type_name(t));
    sw->nseeds = (size_t)config_setting_length(st);
    if (!sw->nseeds) return fail_at(x, st, "expected at least one seed");
    sw->seeds = ax_xcalloc(sw->nseeds, sizeof *sw->seeds);
    for (size_t i = 0; i < sw->nseeds; i++)
      if (read_u64(x, config_setting_get_elem(st, (unsigned)i), 0, INT64_MAX, &sw->seeds[i])) return AX_EINVAL;
  }

  st = config_setting_get_member(root, "params");
  if (!st) {
    ax_errf(x->err, x->errlen, "%s: missing setting 'params': ( { set = \"comp.setting\"; values = [...]; }, ... )", sw->file);
    return AX_EINVAL;
  }
  if (config_setting_type(st) != CONFIG_TYPE_LIST || !config_setting_length(st))
    return fail_at(x, st, "expected a non-empty list ( { set = \"comp.setting\"; values = [...]; }, ... )");
  sw->nparams = (size_t)config_setting_length(st);
  sw->params = ax_xcalloc(sw->nparams, sizeof *sw->params);
  for (size_t i = 0; i < sw->nparams; i++) {
    config_setting_t *g = config_setting_get_elem(st, (unsigned)i);
    if (read_param(x, g, &sw->params[i])) return AX_EINVAL;
    for (size_t j = 0; j < i; j++)
      if (!strcmp(sw->params[j].set, sw->params[i].set))
        return fail_at(x, config_setting_get_member(g, "set"), "'%s' is swept twice (also params.[%zu])", sw->params[i].set, j);
  }

  config_setting_t *pts = config_setting_get_member(root, "points");
  if (sw->mode == AX_SW_LIST) {
    if (!pts) return fail_at(x, st, "mode \"list\" needs points = ( (v1, v2, ...), ... )");
    if (read_list_points(x, pts)) return AX_EINVAL;
  } else if (sw->mode == AX_SW_RANDOM || sw->mode == AX_SW_LHS) {
    if (!pts) return fail_at(x, st, "mode \"%s\" needs points = N, the number of points", modes[sw->mode]);
    uint64_t n;
    if (read_u64(x, pts, 1, 100000000, &n)) return AX_EINVAL;
    sw->npoints_req = (size_t)n;
  } else if (pts) {
    return fail_at(x, pts, "points applies to modes random, lhs (a count) and list (the points); mode \"%s\" makes its own", modes[sw->mode]);
  }
  if (sw->mode == AX_SW_ZIP)
    for (size_t i = 1; i < sw->nparams; i++)
      if (sw->params[i].nvalues != sw->params[0].nvalues)
        return fail_at(x, config_setting_get_member(config_setting_get_elem(st, (unsigned)i), "values"),
                       "mode \"zip\" needs every values list as long as the first (%zu), got %zu",
                       sw->params[0].nvalues, sw->params[i].nvalues);

  if ((st = config_setting_get_member(root, "metrics"))) {
    if (config_setting_type(st) != CONFIG_TYPE_LIST)
      return fail_at(x, st, "expected a list ( { name = \"area_mm2\"; expr = \"...\"; }, ... )");
    sw->nmetrics = 0;
    sw->metrics = ax_xcalloc((size_t)config_setting_length(st) + 1, sizeof *sw->metrics);
    for (int i = 0; i < config_setting_length(st); i++) {
      config_setting_t *g = config_setting_get_elem(st, (unsigned)i);
      config_setting_t *nm = g ? config_setting_get_member(g, "name") : NULL, *ex = g ? config_setting_get_member(g, "expr") : NULL;
      if (config_setting_type(g) != CONFIG_TYPE_GROUP || config_setting_length(g) != 2 || !nm || !ex ||
          config_setting_type(nm) != CONFIG_TYPE_STRING || config_setting_type(ex) != CONFIG_TYPE_STRING)
        return fail_at(x, g, "expected { name = \"...\"; expr = \"...\"; } (two strings)");
      const char *n = config_setting_get_string(nm);
      int good = isalpha((unsigned char)n[0]) || n[0] == '_';
      for (const char *c = n; *c; c++) good &= isalnum((unsigned char)*c) || *c == '_';
      if (!good) return fail_at(x, nm, "a metric name is letters, digits and '_', starting with a letter, got \"%s\"", n);
      ax_sweep_metric *m = &sw->metrics[sw->nmetrics];
      m->name = ax_strdup(n);
      m->text = ax_strdup(config_setting_get_string(ex));
      sw->nmetrics++;
      if (parse_expr(x, ex, m->text, &m->e, sw->nmetrics - 1)) return AX_EINVAL;
    }
  }
  if ((st = config_setting_get_member(root, "objectives"))) {
    if (read_strings(x, st, "objectives")) return AX_EINVAL;
    sw->nobj = (size_t)config_setting_length(st);
    sw->objectives = ax_xcalloc(sw->nobj + 1, sizeof *sw->objectives);
    sw->obj = ax_xcalloc(sw->nobj + 1, sizeof *sw->obj);
    for (size_t i = 0; i < sw->nobj; i++) {
      config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
      sw->objectives[i] = ax_strdup(config_setting_get_string(e));
      if (parse_expr(x, e, sw->objectives[i], &sw->obj[i], sw->nmetrics)) return AX_EINVAL;
    }
  }
  if ((st = config_setting_get_member(root, "constraints"))) {
    if (read_strings(x, st, "constraints")) return AX_EINVAL;
    size_t n = (size_t)config_setting_length(st);
    sw->cons = ax_xcalloc(n + 1, sizeof *sw->cons);
    for (size_t i = 0; i < n; i++, sw->ncons++)
      if (read_cons(x, config_setting_get_elem(st, (unsigned)i), &sw->cons[i])) {
        sw->ncons++;
        return AX_EINVAL;
      }
  }

  config_setting_t *al = config_setting_get_member(root, "algorithm");
  config_setting_t *bu = config_setting_get_member(root, "budget");
  config_setting_t *po = config_setting_get_member(root, "population");
  if (sw->mode != AX_SW_SEARCH) {
    config_setting_t *s2 = al ? al : bu ? bu : po;
    if (s2) return fail_at(x, s2, "applies to mode \"search\" only");
  } else {
    sw->algo = AX_SA_EVOLUTION;
    if (al) {
      static const char *const algos[] = {"random", "evolution"};
      const char *a = config_setting_type(al) == CONFIG_TYPE_STRING ? config_setting_get_string(al) : "";
      if (!strcmp(a, "random")) sw->algo = AX_SA_RANDOM;
      else if (strcmp(a, "evolution")) {
        const char *sg = ax_suggest(a, algos, 2);
        return fail_at(x, al, "expected \"random\" or \"evolution\"%s%s%s", sg ? " (did you mean \"" : "",
                       sg ? sg : "", sg ? "\"?)" : "");
      }
    }
    if (!bu) return fail_at(x, root, "mode \"search\" needs budget = N, the number of runs");
    uint64_t v;
    if (read_u64(x, bu, 1, 100000000, &v)) return AX_EINVAL;
    sw->budget = (size_t)v;
    sw->population = 16; /* a small (mu + lambda) population; Eiben & Smith, Intro. to Evolutionary Computing, ch. 3 */
    if (po) {
      if (read_u64(x, po, 2, 100000, &v)) return AX_EINVAL;
      sw->population = (size_t)v;
    }
    if (!sw->nobj) return fail_at(x, root, "mode \"search\" needs objectives = [\"...\"]: the first is minimised");
    if (sw->nseeds > 1) return fail_at(x, config_setting_get_member(root, "seeds"), "mode \"search\" takes one run seed, got %zu", sw->nseeds);
  }
  return AX_OK;
}

int ax_sweep_load(const char *file, ax_sweep **out, char *err, size_t errlen) {
  *out = NULL;
  ctx x;
  memset(&x, 0, sizeof x);
  x.sw = ax_xcalloc(1, sizeof *x.sw);
  x.sw->file = ax_strdup(file);
  x.sw->text = ax_slurp(file);
  x.sw->seed = 1;
  uint64_t h = 1469598103934665603ull;
  for (const char *p = x.sw->text ? x.sw->text : ""; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
  x.sw->hash = h;
  x.err = err;
  x.errlen = errlen;
  const char *slash = strrchr(file, '/');
  if (slash) snprintf(x.dir, sizeof x.dir, "%.*s", (int)(slash - file), file);
  int rc = ax_cfg_read(&x.cfg, file, "sweep file", err, errlen);
  if (rc == AX_OK) {
    rc = load(&x);
    config_destroy(&x.cfg);
  }
  if (x.base) ax_sim_free(x.base);
  if (rc != AX_OK) {
    ax_sweep_free(x.sw);
    return rc;
  }
  *out = x.sw;
  return AX_OK;
}

void ax_sweep_free(ax_sweep *sw) {
  if (!sw) return;
  for (size_t i = 0; i < sw->nparams; i++) {
    ax_sweep_param *p = &sw->params[i];
    for (size_t j = 0; j < p->nvalues; j++) {
      if (p->values) free(p->values[j]);
      if (p->lits) free(p->lits[j]);
    }
    free(p->values);
    free(p->lits);
    free(p->nums);
    free(p->set);
  }
  for (size_t i = 0; i < sw->npts; i++) {
    for (size_t j = 0; j < sw->nparams; j++) {
      free(sw->pts[i].val[j]);
      free(sw->pts[i].lit[j]);
    }
    free(sw->pts[i].val);
    free(sw->pts[i].lit);
    free(sw->pts[i].num);
  }
  for (size_t i = 0; i < sw->nmetrics; i++) {
    free(sw->metrics[i].name);
    free(sw->metrics[i].text);
    ax_expr_free(sw->metrics[i].e);
  }
  for (size_t i = 0; i < sw->nobj; i++) {
    free(sw->objectives[i]);
    ax_expr_free(sw->obj[i]);
  }
  for (size_t i = 0; i < sw->ncons; i++) {
    free(sw->cons[i].text);
    ax_expr_free(sw->cons[i].lhs);
    ax_expr_free(sw->cons[i].rhs);
  }
  free(sw->metrics);
  free(sw->objectives);
  free(sw->obj);
  free(sw->cons);
  free(sw->pts);
  free(sw->params);
  free(sw->seeds);
  free(sw->base);
  free(sw->text);
  free(sw->file);
  free(sw);
}
