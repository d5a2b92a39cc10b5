/*
 * config.c - build a run from a libconfig system file and -s overrides.
 *
 * Root settings: name, seed, plugins, links, sim, output; every other root
 * group is a component (it has `model`) or a namespace of components (it
 * has none; its members are named "ns.member"). Every error names file,
 * line, setting and what was expected; misspelt names get a suggestion.
 */
#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfgutil.h"
#include "config.h"
#include "sim.h"

typedef struct ctx {
  ax_sim *s;
  config_t cfg;
  const char *file;
  char dir[1024];
  char *err;
  size_t errlen;
} ctx;

static const char *root_keys[] = {"name", "seed", "plugins", "links", "sim", "output"};
#define NROOT (sizeof root_keys / sizeof *root_keys)

static const char *src_file(ctx *x, const config_setting_t *st) {
  const char *f = st ? config_setting_source_file(st) : NULL;
  return f ? f : x->file;
}

static int src_line(const config_setting_t *st) {
  return st ? (int)config_setting_source_line(st) : 0;
}

/* Error at a setting: "file:line: setting 'path': message". */
static int fail_at(ctx *x, const config_setting_t *st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int fail_at(ctx *x, const config_setting_t *st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = ax_cfg_verror(x->err, x->errlen, x->file, st, fmt, ap);
  va_end(ap);
  return rc;
}

#define type_name ax_cfg_type_name
#define is_int ax_cfg_is_int
#define is_num ax_cfg_is_num
#define num_of ax_cfg_num

/* Resolve a relative path against the config file's folder. */
static char *resolve(ctx *x, const char *p) {
  if (p[0] == '/' || !x->dir[0]) return ax_strdup(p);
  size_t n = strlen(x->dir) + strlen(p) + 2;
  char *r = ax_xmalloc(n);
  snprintf(r, n, "%s/%s", x->dir, p);
  return r;
}

static void fmt_range(char *b, size_t n, const ax_param_def *d) {
  if (d->min == d->max)
    b[0] = 0;
  else
    snprintf(b, n, " in [%.15g, %.15g]", d->min, d->max);
}

/* Check one value against a parameter definition and store it. */
static int set_param(ctx *x, const config_setting_t *st, const ax_param_def *d, ax_pval *v) {
  char rng[80];
  fmt_range(rng, sizeof rng, d);
  switch (d->type) {
  case AX_P_INT: {
    if (!is_int(st))
      return fail_at(x, st, "expected an integer%s, got %s", rng, type_name(config_setting_type(st)));
    long long i = config_setting_get_int64(st);
    if (d->min != d->max && (i < d->min || i > d->max))
      return fail_at(x, st, "expected an integer%s, got %lld", rng, i);
    v->i = i;
    v->f = (double)i;
    break;
  }
  case AX_P_FLOAT: {
    if (!is_num(st))
      return fail_at(x, st, "expected a number%s, got %s", rng, type_name(config_setting_type(st)));
    double f = num_of(st);
    if (d->min != d->max && (f < d->min || f > d->max))
      return fail_at(x, st, "expected a number%s, got %g", rng, f);
    v->f = f;
    break;
  }
  case AX_P_BOOL:
    if (config_setting_type(st) != CONFIG_TYPE_BOOL)
      return fail_at(x, st, "expected true or false, got %s", type_name(config_setting_type(st)));
    v->i = config_setting_get_bool(st);
    break;
  case AX_P_STRING:
  case AX_P_PATH:
  case AX_P_ENUM: {
    if (config_setting_type(st) != CONFIG_TYPE_STRING)
      return fail_at(x, st, "expected a string%s%s, got %s", d->type == AX_P_ENUM ? " among " : "",
                     d->type == AX_P_ENUM ? d->choices : "", type_name(config_setting_type(st)));
    const char *s = config_setting_get_string(st);
    if (d->type == AX_P_ENUM) {
      char buf[512];
      snprintf(buf, sizeof buf, "%s", d->choices ? d->choices : "");
      const char *cand[32];
      size_t nc = 0;
      int ok = 0;
      for (char *t = strtok(buf, "|"); t && nc < 32; t = strtok(NULL, "|")) {
        cand[nc++] = t;
        if (!strcmp(t, s)) ok = 1;
      }
      if (!ok) {
        const char *sg = ax_suggest(s, cand, nc);
        return fail_at(x, st, "expected one of %s, got \"%s\"%s%s%s", d->choices, s,
                       sg ? " (did you mean \"" : "", sg ? sg : "", sg ? "\"?)" : "");
      }
    }
    free(v->s);
    if (d->type == AX_P_PATH) {
      v->s = resolve(x, s);
      struct stat sb;
      if (stat(v->s, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        int e = errno;
        fail_at(x, st, "file \"%s\" (resolved to %s): %s", s, v->s,
                e && stat(v->s, &sb) != 0 ? strerror(e) : "not a regular file");
        return AX_EINVAL;
      }
    } else {
      v->s = ax_strdup(s);
    }
    break;
  }
  case AX_P_INT_LIST: {
    int t = config_setting_type(st);
    if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
      return fail_at(x, st, "expected a list of integers [a, b, ...], got %s", type_name(t));
    size_t n = (size_t)config_setting_length(st);
    free(v->list);
    v->list = ax_xcalloc(n ? n : 1, sizeof *v->list);
    v->nlist = n;
    for (size_t i = 0; i < n; i++) {
      const config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
      if (!is_int(e)) return fail_at(x, e, "expected an integer%s, got %s", rng, type_name(config_setting_type(e)));
      long long val = config_setting_get_int64(e);
      if (d->min != d->max && (val < d->min || val > d->max))
        return fail_at(x, e, "expected an integer%s, got %lld", rng, val);
      v->list[i] = val;
    }
    break;
  }
  }
  v->set = 1;
  return AX_OK;
}

/* Parse a default string of a parameter definition into v. */
static int set_default(const ax_param_def *d, ax_pval *v, char *err, size_t errlen) {
  if (!d->def) return AX_OK;
  config_t c;
  config_init(&c);
  char buf[600];
  if (d->type == AX_P_STRING || d->type == AX_P_ENUM || d->type == AX_P_PATH)
    snprintf(buf, sizeof buf, "v = \"%s\";", d->def);
  else if (d->type == AX_P_INT_LIST)
    snprintf(buf, sizeof buf, "v = [%s];", d->def);
  else
    snprintf(buf, sizeof buf, "v = %s;", d->def);
  int rc = AX_OK;
  if (!config_read_string(&c, buf)) {
    ax_errf(err, errlen, "default \"%s\" of parameter %s does not parse", d->def, d->name);
    rc = AX_EINVAL;
  } else {
    const config_setting_t *st = config_lookup(&c, "v");
    switch (d->type) {
    case AX_P_INT: v->i = config_setting_get_int64(st); v->f = (double)v->i; break;
    case AX_P_FLOAT: v->f = num_of(st); break;
    case AX_P_BOOL: v->i = config_setting_get_bool(st); break;
    case AX_P_INT_LIST: {
      size_t n = (size_t)config_setting_length(st);
      v->list = ax_xcalloc(n ? n : 1, sizeof *v->list);
      v->nlist = n;
      for (size_t i = 0; i < n; i++) v->list[i] = config_setting_get_int64_elem(st, (int)i);
      break;
    }
    default: v->s = ax_strdup(d->def); break;
    }
  }
  config_destroy(&c);
  return rc;
}

static const char *const comp_keys[] = {"model", "clock_mhz", "period_ps"};

static int build_component(ctx *x, config_setting_t *g, const char *name) {
  config_setting_t *ms = config_setting_get_member(g, "model");
  if (config_setting_type(ms) != CONFIG_TYPE_STRING)
    return fail_at(x, ms, "expected a model name (string), got %s", type_name(config_setting_type(ms)));
  const char *mname = config_setting_get_string(ms);
  const ax_model *m = ax_registry_find(x->s, mname);
  if (!m) {
    const char *names[256];
    size_t n = ax_registry_names(x->s, names, 256);
    const char *sg = ax_suggest(mname, names, n);
    if (sg) return fail_at(x, ms, "unknown model \"%s\" (did you mean \"%s\"?); `axsim models` lists them", mname, sg);
    return fail_at(x, ms, "unknown model \"%s\"; `axsim models` lists the registered models", mname);
  }
  if (ax_sim_find(x->s, name))
    return fail_at(x, g, "a component named '%s' exists already", name);
  ax_time_t period = 1000; /* default clock: 1 GHz */
  config_setting_t *cm = config_setting_get_member(g, "clock_mhz");
  config_setting_t *pp = config_setting_get_member(g, "period_ps");
  if (cm && pp) return fail_at(x, pp, "give clock_mhz or period_ps, not both");
  if (cm) {
    if (!is_num(cm) || num_of(cm) <= 0 || num_of(cm) > 1e6)
      return fail_at(x, cm, "expected a clock frequency in MHz, a number in (0, 1e6]");
    period = (ax_time_t)(1e6 / num_of(cm) + 0.5);
  }
  if (pp) {
    if (!is_int(pp) || config_setting_get_int64(pp) <= 0)
      return fail_at(x, pp, "expected a clock period in ps, a positive integer");
    period = (ax_time_t)config_setting_get_int64(pp);
  }
  ax_component *c = ax_sim_add_component(x->s, name, m, period, src_line(g));
  /* defaults first */
  size_t i = 0;
  for (const ax_param_def *d = m->params; d && d->name; d++, i++)
    if (set_default(d, &c->pv[i], x->err, x->errlen) != AX_OK) return AX_EINVAL;
  /* then every setting of the group */
  int n = config_setting_length(g);
  for (int k = 0; k < n; k++) {
    config_setting_t *st = config_setting_get_elem(g, (unsigned)k);
    const char *key = config_setting_name(st);
    if (!strcmp(key, "model") || !strcmp(key, "clock_mhz") || !strcmp(key, "period_ps")) continue;
    const ax_param_def *d;
    size_t j = 0;
    for (d = m->params; d && d->name; d++, j++)
      if (!strcmp(d->name, key)) break;
    if (!d || !d->name) {
      const char *cand[256];
      size_t nc = 0;
      for (const ax_param_def *e = m->params; e && e->name && nc < 250; e++) cand[nc++] = e->name;
      for (size_t q = 0; q < 3; q++) cand[nc++] = comp_keys[q];
      const char *sg = ax_suggest(key, cand, nc);
      if (sg) return fail_at(x, st, "unknown setting for model %s (did you mean '%s'?)", m->name, sg);
      return fail_at(x, st, "unknown setting for model %s; `axsim models %s` lists its parameters", m->name, m->name);
    }
    if (set_param(x, st, d, &c->pv[j]) != AX_OK) return AX_EINVAL;
  }
  i = 0;
  for (const ax_param_def *d = m->params; d && d->name; d++, i++)
    if (!d->def && !c->pv[i].set)
      return fail_at(x, g, "component '%s' (model %s) needs setting '%s': %s", name, m->name,
                     d->name, d->doc ? d->doc : "");
  return AX_OK;
}

static int build_group(ctx *x, config_setting_t *g, const char *prefix) {
  int n = config_setting_length(g);
  for (int k = 0; k < n; k++) {
    config_setting_t *st = config_setting_get_elem(g, (unsigned)k);
    const char *key = config_setting_name(st);
    if (!prefix) {
      int reserved = 0;
      for (size_t r = 0; r < NROOT; r++) reserved |= !strcmp(key, root_keys[r]);
      if (reserved) continue;
    }
    char name[256];
    snprintf(name, sizeof name, "%s%s%s", prefix ? prefix : "", prefix ? "." : "", key);
    if (config_setting_type(st) != CONFIG_TYPE_GROUP) {
      const char *sg = ax_suggest(key, root_keys, NROOT);
      if (!prefix && sg) return fail_at(x, st, "unknown setting (did you mean '%s'?)", sg);
      return fail_at(x, st, "unknown setting: expected a component group { model = \"...\"; ... }%s",
                     prefix ? "" : " or one of name, seed, plugins, links, sim, output");
    }
    int rc = config_setting_get_member(st, "model") ? build_component(x, st, name)
                                                     : build_group(x, st, name);
    if (rc != AX_OK) return rc;
  }
  return AX_OK;
}

/* "comp.port" (the component name may itself hold dots: split at the last). */
static int find_port(ctx *x, config_setting_t *st, ax_port **out) {
  if (!st) return AX_EINVAL;
  if (config_setting_type(st) != CONFIG_TYPE_STRING)
    return fail_at(x, st, "expected \"component.port\", got %s", type_name(config_setting_type(st)));
  const char *v = config_setting_get_string(st);
  const char *dot = strrchr(v, '.');
  if (!dot || dot == v || !dot[1])
    return fail_at(x, st, "expected \"component.port\", got \"%s\"", v);
  char cname[256];
  snprintf(cname, sizeof cname, "%.*s", (int)(dot - v), v);
  ax_component *c = ax_sim_find(x->s, cname);
  if (!c) {
    const char *sg = ax_sim_suggest_component(x->s, cname);
    return fail_at(x, st, "no component named '%s'%s%s%s", cname, sg ? " (did you mean '" : "",
                   sg ? sg : "", sg ? "'?)" : "");
  }
  ax_port *p = ax_comp_port_get(c, dot + 1, 1);
  if (!p) {
    const char *cand[64];
    size_t nc = 0;
    char list[512] = "";
    size_t off = 0;
    for (const ax_port_def *d = c->model->ports; d && d->name && nc < 64; d++) {
      cand[nc++] = d->name;
      off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", off ? ", " : "", d->name);
    }
    const char *sg = ax_suggest(dot + 1, cand, nc);
    return fail_at(x, st, "component '%s' (model %s) has no port '%s'%s%s%s; its ports: %s", cname,
                   c->model->name, dot + 1, sg ? " (did you mean '" : "", sg ? sg : "",
                   sg ? "'?)" : "", nc ? list : "none");
  }
  *out = p;
  return AX_OK;
}

static const char *const link_keys[] = {"from", "to", "latency_ns", "latency_cycles",
                                        "bandwidth_gbps", "depth"};

static int build_links(ctx *x, config_setting_t *ls) {
  if (!ls) return AX_OK;
  int t = config_setting_type(ls);
  if (t != CONFIG_TYPE_LIST && !(t == CONFIG_TYPE_ARRAY && config_setting_length(ls) == 0))
    return fail_at(x, ls, "expected a list of links ( { from = \"a.p\"; to = \"b.q\"; ... }, ... )");
  int n = config_setting_length(ls);
  for (int k = 0; k < n; k++) {
    config_setting_t *g = config_setting_get_elem(ls, (unsigned)k);
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
      return fail_at(x, g, "expected a link group { from = \"a.p\"; to = \"b.q\"; ... }");
    for (int j = 0; j < config_setting_length(g); j++) {
      config_setting_t *st = config_setting_get_elem(g, (unsigned)j);
      const char *key = config_setting_name(st);
      int ok = 0;
      for (size_t q = 0; q < 6; q++) ok |= !strcmp(key, link_keys[q]);
      if (!ok) {
        const char *sg = ax_suggest(key, link_keys, 6);
        return fail_at(x, st, "unknown link setting%s%s%s; links take from, to, latency_ns or latency_cycles, bandwidth_gbps, depth",
                       sg ? " (did you mean '" : "", sg ? sg : "", sg ? "'?)" : "");
      }
    }
    config_setting_t *fs = config_setting_get_member(g, "from");
    config_setting_t *ts = config_setting_get_member(g, "to");
    if (!fs) return fail_at(x, g, "link needs 'from = \"component.port\"'");
    if (!ts) return fail_at(x, g, "link needs 'to = \"component.port\"'");
    ax_port *a, *b;
    if (find_port(x, fs, &a) != AX_OK || find_port(x, ts, &b) != AX_OK) return AX_EINVAL;
    ax_time_t lat = 0;
    config_setting_t *ln = config_setting_get_member(g, "latency_ns");
    config_setting_t *lc = config_setting_get_member(g, "latency_cycles");
    if (ln && lc) return fail_at(x, lc, "give latency_ns or latency_cycles, not both");
    if (ln) {
      if (!is_num(ln) || num_of(ln) < 0) return fail_at(x, ln, "expected a latency in ns, a number >= 0");
      lat = (ax_time_t)(num_of(ln) * 1000.0 + 0.5);
    }
    if (lc) {
      if (!is_int(lc) || config_setting_get_int64(lc) < 0)
        return fail_at(x, lc, "expected a latency in cycles of the 'from' component's clock, an integer >= 0");
      lat = (ax_time_t)config_setting_get_int64(lc) * a->comp->period;
    }
    double bw = 0;
    config_setting_t *bs = config_setting_get_member(g, "bandwidth_gbps");
    if (bs) {
      if (!is_num(bs) || num_of(bs) < 0)
        return fail_at(x, bs, "expected a bandwidth in GB/s, a number >= 0 (0 = unlimited)");
      bw = num_of(bs);
    }
    uint32_t depth = 16; /* credits per direction: a common NoC/AXI outstanding-transaction depth */
    config_setting_t *ds = config_setting_get_member(g, "depth");
    if (ds) {
      if (!is_int(ds) || config_setting_get_int64(ds) < 1 || config_setting_get_int64(ds) > 1 << 20)
        return fail_at(x, ds, "expected the number of messages in flight, an integer in [1, 1048576]");
      depth = (uint32_t)config_setting_get_int64(ds);
    }
    char e[512];
    if (ax_link_join(x->s, a, b, lat, bw, depth, src_line(g), e, sizeof e) != AX_OK)
      return fail_at(x, g, "%s", e);
  }
  return AX_OK;
}

static int build_root(ctx *x) {
  config_setting_t *root = config_root_setting(&x->cfg);
  config_setting_t *st;
  if ((st = config_setting_get_member(root, "name"))) {
    if (config_setting_type(st) != CONFIG_TYPE_STRING) return fail_at(x, st, "expected a string");
    x->s->name = ax_strdup(config_setting_get_string(st));
  }
  if ((st = config_setting_get_member(root, "seed"))) {
    if (!is_int(st) || config_setting_get_int64(st) < 0)
      return fail_at(x, st, "expected a seed, an integer >= 0");
    x->s->seed = (uint64_t)config_setting_get_int64(st);
  }
  if ((st = config_setting_get_member(root, "plugins"))) {
    int t = config_setting_type(st);
    if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
      return fail_at(x, st, "expected a list of shared-object paths [\"./libmine.so\", ...]");
    for (int i = 0; i < config_setting_length(st); i++) {
      config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
      if (config_setting_type(e) != CONFIG_TYPE_STRING) return fail_at(x, e, "expected a path (string)");
      char *p = resolve(x, config_setting_get_string(e));
      char msg[700];
      int rc = ax_plugin_load(x->s, p, msg, sizeof msg);
      free(p);
      if (rc != AX_OK) return fail_at(x, e, "%s", msg);
    }
  }
  if ((st = config_setting_get_member(root, "sim"))) {
    if (config_setting_type(st) != CONFIG_TYPE_GROUP) return fail_at(x, st, "expected a group { max_time_us = ...; }");
    for (int i = 0; i < config_setting_length(st); i++) {
      config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
      static const char *const k[] = {"max_time_us", "sample_ns"};
      const char *name = config_setting_name(e);
      if (strcmp(name, k[0]) && strcmp(name, k[1])) {
        const char *sg = ax_suggest(name, k, 2);
        return fail_at(x, e, "unknown setting%s%s%s; sim takes max_time_us, sample_ns",
                       sg ? " (did you mean '" : "", sg ? sg : "", sg ? "'?)" : "");
      }
      if (!strcmp(name, "max_time_us")) {
        if (!is_num(e) || num_of(e) <= 0) return fail_at(x, e, "expected a time in us, a number > 0");
        x->s->watchdog = (ax_time_t)(num_of(e) * 1e6);
      } else {
        if (!is_num(e) || num_of(e) < 0.001)
          return fail_at(x, e, "expected a sampling interval in ns, a number >= 0.001 (1 ps)");
        x->s->sample_ps = (ax_time_t)(num_of(e) * 1e3 + 0.5);
      }
    }
  }
  if ((st = config_setting_get_member(root, "output"))) {
    if (config_setting_type(st) != CONFIG_TYPE_GROUP) return fail_at(x, st, "expected a group { file = \"out.h5\"; }");
    for (int i = 0; i < config_setting_length(st); i++) {
      config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
      if (strcmp(config_setting_name(e), "file")) {
        static const char *const k[] = {"file"};
        const char *sg = ax_suggest(config_setting_name(e), k, 1);
        return fail_at(x, e, "unknown setting%s; output takes file", sg ? " (did you mean 'file'?)" : "");
      }
      if (config_setting_type(e) != CONFIG_TYPE_STRING) return fail_at(x, e, "expected a file name (string)");
      x->s->out_file = ax_strdup(config_setting_get_string(e));
    }
  }
  if (build_group(x, root, NULL) != AX_OK) return AX_EINVAL;
  if (!x->s->ncomps) {
    ax_errf(x->err, x->errlen, "%s: no component: a system needs at least one group { model = \"...\"; }", x->file);
    return AX_EINVAL;
  }
  return build_links(x, config_setting_get_member(root, "links"));
}

/* ---- -s overrides ---- */

/* Set or add `path` = `val` in the config. */
static int apply_override(ctx *x, const char *ov) {
  const char *eq = strchr(ov, '=');
  if (!eq || eq == ov) {
    ax_errf(x->err, x->errlen, "-s %s: expected key=value (e.g. -s sa0.rows=64)", ov);
    return AX_EINVAL;
  }
  char path[256];
  snprintf(path, sizeof path, "%.*s", (int)(eq - ov), ov);
  const char *val = eq + 1;
  /* Parse the value with libconfig itself: a number, true/false, "string",
   * [list]; a bare word is taken as a string. */
  config_t vc;
  config_init(&vc);
  char buf[1200];
  snprintf(buf, sizeof buf, "v = %s;", val);
  if (!config_read_string(&vc, buf)) {
    snprintf(buf, sizeof buf, "v = \"%s\";", val);
    if (strchr(val, '"') || !config_read_string(&vc, buf)) {
      config_destroy(&vc);
      ax_errf(x->err, x->errlen, "-s %s: cannot read the value \"%s\"", ov, val);
      return AX_EINVAL;
    }
  }
  config_setting_t *v = config_lookup(&vc, "v");
  config_setting_t *dst = config_lookup(&x->cfg, path);
  int rc = AX_OK;
  if (!dst) {
    /* A new setting in an existing group (a parameter left at its default). */
    char parent[256];
    const char *dot = strrchr(path, '.');
    snprintf(parent, sizeof parent, "%.*s", dot ? (int)(dot - path) : 0, path);
    config_setting_t *pg = dot ? config_lookup(&x->cfg, parent) : config_root_setting(&x->cfg);
    /* The run's own groups (sim, output) may be absent from a file: make them. */
    if (!pg && (!strcmp(parent, "sim") || !strcmp(parent, "output")))
      pg = config_setting_add(config_root_setting(&x->cfg), parent, CONFIG_TYPE_GROUP);
    if (!pg || config_setting_type(pg) != CONFIG_TYPE_GROUP) {
      ax_errf(x->err, x->errlen, "-s %s: there is no group '%s' in %s to set '%s' in", ov,
              dot ? parent : "(root)", x->file, dot ? dot + 1 : path);
      rc = AX_EINVAL;
    } else {
      int t = config_setting_type(v);
      dst = config_setting_add(pg, dot ? dot + 1 : path, t);
      if (!dst) {
        ax_errf(x->err, x->errlen, "-s %s: '%s' is not a valid setting name", ov, dot ? dot + 1 : path);
        rc = AX_EINVAL;
      }
    }
    if (rc == AX_OK) {
      switch (config_setting_type(v)) {
      case CONFIG_TYPE_INT:
      case CONFIG_TYPE_INT64: config_setting_set_int64(dst, config_setting_get_int64(v)); break;
      case CONFIG_TYPE_FLOAT: config_setting_set_float(dst, config_setting_get_float(v)); break;
      case CONFIG_TYPE_BOOL: config_setting_set_bool(dst, config_setting_get_bool(v)); break;
      case CONFIG_TYPE_STRING: config_setting_set_string(dst, config_setting_get_string(v)); break;
      default:
        for (int i = 0; i < config_setting_length(v); i++) {
          config_setting_t *e = config_setting_get_elem(v, (unsigned)i);
          config_setting_t *ne = config_setting_add(dst, NULL, config_setting_type(e));
          if (ne && is_int(e)) config_setting_set_int64(ne, config_setting_get_int64(e));
          else if (ne && config_setting_type(e) == CONFIG_TYPE_FLOAT) config_setting_set_float(ne, config_setting_get_float(e));
          else if (ne && config_setting_type(e) == CONFIG_TYPE_STRING) config_setting_set_string(ne, config_setting_get_string(e));
        }
      }
    }
  } else {
    /* Replace the existing setting, keeping its place (and source line). */
    int dt = config_setting_type(dst), vt = config_setting_type(v);
    if (dt == CONFIG_TYPE_GROUP || dt == CONFIG_TYPE_LIST) {
      ax_errf(x->err, x->errlen, "-s %s: '%s' is %s; -s sets single values and arrays", ov, path, type_name(dt));
      rc = AX_EINVAL;
    } else if ((dt == CONFIG_TYPE_INT || dt == CONFIG_TYPE_INT64) && (vt == CONFIG_TYPE_INT || vt == CONFIG_TYPE_INT64)) {
      config_setting_set_int64(dst, config_setting_get_int64(v));
    } else if (dt == CONFIG_TYPE_FLOAT && is_num(v)) {
      config_setting_set_float(dst, num_of(v));
    } else if (dt == CONFIG_TYPE_BOOL && vt == CONFIG_TYPE_BOOL) {
      config_setting_set_bool(dst, config_setting_get_bool(v));
    } else if (dt == CONFIG_TYPE_STRING && vt == CONFIG_TYPE_STRING) {
      config_setting_set_string(dst, config_setting_get_string(v));
    } else if (dt == CONFIG_TYPE_ARRAY && (vt == CONFIG_TYPE_ARRAY || vt == CONFIG_TYPE_LIST)) {
      while (config_setting_length(dst)) config_setting_remove_elem(dst, 0);
      for (int i = 0; i < config_setting_length(v); i++) {
        config_setting_t *e = config_setting_get_elem(v, (unsigned)i);
        config_setting_t *ne = config_setting_add(dst, NULL, config_setting_type(e));
        if (!ne) {
          ax_errf(x->err, x->errlen, "-s %s: array elements must all have one scalar type", ov);
          rc = AX_EINVAL;
          break;
        }
        if (is_int(e)) config_setting_set_int64(ne, config_setting_get_int64(e));
        else if (config_setting_type(e) == CONFIG_TYPE_FLOAT) config_setting_set_float(ne, config_setting_get_float(e));
        else if (config_setting_type(e) == CONFIG_TYPE_STRING) config_setting_set_string(ne, config_setting_get_string(e));
        else if (config_setting_type(e) == CONFIG_TYPE_BOOL) config_setting_set_bool(ne, config_setting_get_bool(e));
      }
    } else {
      ax_errf(x->err, x->errlen, "-s %s: '%s' (%s:%d) is %s, the value given is %s", ov, path,
              src_file(x, dst), src_line(dst), type_name(dt), type_name(vt));
      rc = AX_EINVAL;
    }
  }
  config_destroy(&vc);
  return rc;
}


int ax_config_load(const char *file, char *const *ov, size_t nov, uint64_t seed_override,
                   int has_seed, ax_sim **out, char *err, size_t errlen) {
  *out = NULL;
  ctx x;
  memset(&x, 0, sizeof x);
  x.file = file;
  x.err = err;
  x.errlen = errlen;
  const char *slash = strrchr(file, '/');
  if (slash) snprintf(x.dir, sizeof x.dir, "%.*s", (int)(slash - file), file);
  if (ax_cfg_read(&x.cfg, file, "config", err, errlen) != AX_OK) return AX_EINVAL;
  for (size_t i = 0; i < nov; i++)
    if (apply_override(&x, ov[i]) != AX_OK) {
      config_destroy(&x.cfg);
      return AX_EINVAL;
    }
  x.s = ax_sim_new(0);
  x.s->watchdog = 100000000000000ull; /* 1e14 ps = 100 s simulated, unless sim.max_time_us */
  x.s->config_file = ax_strdup(file);
  x.s->config_text = ax_slurp(file);
  size_t olen = 1;
  for (size_t i = 0; i < nov; i++) olen += strlen(ov[i]) + 1;
  x.s->overrides = ax_xcalloc(1, olen);
  for (size_t i = 0; i < nov; i++) {
    strcat(x.s->overrides, ov[i]);
    strcat(x.s->overrides, "\n");
  }
  int rc = build_root(&x);
  if (rc == AX_OK && has_seed) x.s->seed = seed_override;
  if (rc == AX_OK) {
    /* Seeds of components depend on the final seed. */
    for (size_t i = 0; i < x.s->ncomps; i++)
      x.s->comps[i]->seed = ax_seed_mix(x.s->seed, x.s->comps[i]->name);
  }
  config_destroy(&x.cfg);
  if (rc != AX_OK) {
    ax_sim_free(x.s);
    return rc;
  }
  *out = x.s;
  return AX_OK;
}
