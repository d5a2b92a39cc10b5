/*
 * component.c - a run and its components: creation, clocks, events,
 * parameters as models read them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

ax_sim *ax_sim_new(uint64_t seed) {
  ax_sim *s = ax_xcalloc(1, sizeof *s);
  if (ax_evq_init(&s->q) != AX_OK) {
    free(s);
    return NULL;
  }
  s->seed = seed;
  return s;
}

static void pv_free(ax_component *c) {
  for (size_t i = 0; i < c->nparams; i++) {
    free(c->pv[i].s);
    free(c->pv[i].list);
  }
  free(c->pv);
}

void ax_sim_free(ax_sim *s) {
  if (!s) return;
  for (size_t i = 0; i < s->ncomps; i++) {
    ax_component *c = s->comps[i];
    if (c->initialised && c->model->destroy) c->model->destroy(c);
    for (size_t j = 0; j < c->nports; j++) {
      free(c->ports[j]->name);
      free(c->ports[j]);
    }
    free(c->ports);
    pv_free(c);
    free(c->name);
    free(c);
  }
  for (size_t i = 0; i < s->nlinks; i++) {
    free(s->links[i]->lane[0].ring);
    free(s->links[i]->lane[1].ring);
    free(s->links[i]->name);
    free(s->links[i]);
  }
  free(s->comps);
  free(s->links);
  free(s->layers);
  free(s->energy);
  free(s->ehash);
  free(s->stats);
  free(s->series);
  free(s->traffic);
  free(s->thash);
  free(s->config_text);
  free(s->config_file);
  free(s->overrides);
  free(s->name);
  free(s->out_file);
  ax_evq_free(&s->q);
  ax_plugins_close(s);
  free(s);
}

/* FNV-1a over a string, folded into a seed: a per-component stream. */
uint64_t ax_seed_mix(uint64_t seed, const char *name) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (const char *p = name; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
  /* splitmix64 finaliser */
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

ax_component *ax_sim_add_component(ax_sim *s, const char *name, const ax_model *m,
                                   ax_time_t period, int line) {
  ax_component *c = ax_xcalloc(1, sizeof *c);
  c->name = ax_strdup(name);
  c->model = m;
  c->sim = s;
  c->period = period;
  c->line = line;
  c->seed = ax_seed_mix(s->seed, name);
  c->index = (int)s->ncomps;
  for (const ax_param_def *d = m->params; d && d->name; d++) c->nparams++;
  c->pv = ax_xcalloc(c->nparams ? c->nparams : 1, sizeof *c->pv);
  for (const ax_port_def *d = m->ports; d && d->name; d++)
    if (d->name[strlen(d->name) - 1] != '*') ax_comp_port_get(c, d->name, 1);
  s->comps = ax_xrealloc(s->comps, (s->ncomps + 1) * sizeof *s->comps);
  s->comps[s->ncomps++] = c;
  return c;
}

ax_component *ax_sim_find(ax_sim *s, const char *name) {
  for (size_t i = 0; i < s->ncomps; i++)
    if (!strcmp(s->comps[i]->name, name)) return s->comps[i];
  return NULL;
}

const char *ax_sim_suggest_component(ax_sim *s, const char *name) {
  const char *cand[512];
  size_t nc = 0;
  for (size_t i = 0; i < s->ncomps && nc < 512; i++) cand[nc++] = s->comps[i]->name;
  return ax_suggest(name, cand, nc);
}

ax_port *ax_comp_port_get(ax_component *c, const char *pname, int create) {
  for (size_t i = 0; i < c->nports; i++)
    if (!strcmp(c->ports[i]->name, pname)) return c->ports[i];
  if (!create) return NULL;
  int ok = 0;
  for (const ax_port_def *d = c->model->ports; d && d->name; d++) {
    size_t n = strlen(d->name);
    if (d->name[n - 1] == '*' ? !strncmp(d->name, pname, n - 1) && pname[n - 1]
                              : !strcmp(d->name, pname))
      ok = 1;
  }
  if (!ok) return NULL;
  ax_port *p = ax_xcalloc(1, sizeof *p);
  p->name = ax_strdup(pname);
  p->comp = c;
  c->ports = ax_xrealloc(c->ports, (c->nports + 1) * sizeof *c->ports);
  c->ports[c->nports++] = p;
  return p;
}

int ax_sim_init_components(ax_sim *s, char *err, size_t errlen) {
  for (size_t i = 0; i < s->ncomps; i++) {
    ax_component *c = s->comps[i];
    char merr[512] = "";
    if (c->model->init && c->model->init(c, merr, sizeof merr) != AX_OK) {
      /* A failed init may have set priv part-way: destroy releases it. */
      if (c->priv && c->model->destroy) c->model->destroy(c);
      c->priv = NULL;
      ax_errf(err, errlen, "%s:%d: component '%s' (model %s): %s",
              s->config_file ? s->config_file : "(config)", c->line, c->name, c->model->name,
              merr[0] ? merr : "init failed");
      return AX_EINVAL;
    }
    c->initialised = 1;
  }
  return AX_OK;
}

ax_layer *ax_sim_layer(ax_sim *s, uint32_t id) {
  if (id >= s->caplayers) {
    size_t cap = s->caplayers ? s->caplayers : 64;
    while (cap <= id) cap *= 2;
    s->layers = ax_xrealloc(s->layers, cap * sizeof *s->layers);
    memset(s->layers + s->caplayers, 0, (cap - s->caplayers) * sizeof *s->layers);
    s->caplayers = cap;
  }
  if (id >= s->nlayers) s->nlayers = id + 1;
  return &s->layers[id];
}

/* ---- axsim.h: components ---- */

const char *ax_comp_name(const ax_component *c) { return c->name; }
const ax_model *ax_comp_model(const ax_component *c) { return c->model; }
void *ax_comp_priv(const ax_component *c) { return c->priv; }
void ax_comp_set_priv(ax_component *c, void *priv) { c->priv = priv; }
ax_sim *ax_comp_sim(const ax_component *c) { return c->sim; }
ax_time_t ax_comp_period(const ax_component *c) { return c->period; }
void ax_comp_set_period(ax_component *c, ax_time_t ps) { c->period = ps ? ps : 1; }
ax_time_t ax_now(const ax_sim *s) { return s->q.now; }
uint64_t ax_comp_cycle(const ax_component *c) { return c->sim->q.now / c->period; }
uint64_t ax_comp_seed(const ax_component *c) { return c->seed; }
ax_port *ax_comp_port(ax_component *c, const char *name) { return ax_comp_port_get(c, name, 0); }
size_t ax_comp_nports(const ax_component *c) { return c->nports; }
ax_port *ax_comp_port_at(ax_component *c, size_t i) { return i < c->nports ? c->ports[i] : NULL; }
const char *ax_port_name(const ax_port *p) { return p->name; }
int ax_port_connected(const ax_port *p) { return p->out != NULL; }
ax_component *ax_port_peer(const ax_port *p) { return p->out ? p->out->dst->comp : NULL; }

ax_time_t ax_comp_next_edge(const ax_component *c) {
  ax_time_t now = c->sim->q.now, r = now % c->period;
  return r ? now + (c->period - r) : now;
}

/* ---- axsim.h: events ---- */

/* An event without a handler is a model's bug: the run fails naming it,
 * rather than crashing when the event comes due. */
static int no_handler(ax_component *c) {
  ax_fail(c->sim, "%s: scheduled an event with no handler (fn = NULL)", c->name);
  return 1;
}

ax_event_h(ax_schedule)(ax_component *c, ax_time_t delay, ax_event_fn fn, uint64_t arg) {
  if (!fn && no_handler(c)) return (ax_event_h){0, 0};
  return ax_schedule_inline(c, delay, fn, arg);
}

ax_event_h ax_schedule_cycles(ax_component *c, uint64_t cycles, ax_event_fn fn, uint64_t arg) {
  if (!fn && no_handler(c)) return (ax_event_h){0, 0};
  return ax_evq_push(&c->sim->q, ax_comp_next_edge(c) + cycles * c->period, AX_PRIO_NORMAL, fn,
                     c, arg);
}

ax_event_h ax_schedule_at(ax_component *c, ax_time_t t, int prio, ax_event_fn fn, uint64_t arg) {
  if (prio < 0) prio = 0;
  if (prio >= AX_PRIO_N) prio = AX_PRIO_N - 1;
  if (!fn && no_handler(c)) return (ax_event_h){0, 0};
  return ax_evq_push(&c->sim->q, t, prio, fn, c, arg);
}

int ax_cancel(ax_sim *s, ax_event_h h) { return ax_evq_cancel(&s->q, h); }

void ax_fail(ax_sim *s, const char *fmt, ...) {
  if (s->failed) return; /* keep the first error */
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->err, sizeof s->err, fmt, ap);
  va_end(ap);
  s->failed = 1;
  ax_evq_stop(&s->q);
}

/* ---- axsim.h: parameters ---- */

static const ax_pval *pv_find(const ax_component *c, const char *name, const ax_param_def **def) {
  size_t i = 0;
  for (const ax_param_def *d = c->model->params; d && d->name; d++, i++)
    if (!strcmp(d->name, name)) {
      if (def) *def = d;
      return &c->pv[i];
    }
  fprintf(stderr, "axsim: model %s asked for undeclared parameter '%s'\n", c->model->name, name);
  abort();
}

int64_t ax_param_int(const ax_component *c, const char *name) { return pv_find(c, name, NULL)->i; }
double ax_param_float(const ax_component *c, const char *name) { return pv_find(c, name, NULL)->f; }
int ax_param_bool(const ax_component *c, const char *name) { return pv_find(c, name, NULL)->i != 0; }
int ax_param_is_set(const ax_component *c, const char *name) { return pv_find(c, name, NULL)->set; }
size_t ax_param_list_len(const ax_component *c, const char *name) {
  return pv_find(c, name, NULL)->nlist;
}
int64_t ax_param_list_at(const ax_component *c, const char *name, size_t i) {
  const ax_pval *v = pv_find(c, name, NULL);
  return i < v->nlist ? v->list[i] : 0;
}
const char *ax_param_str(const ax_component *c, const char *name) {
  const ax_pval *v = pv_find(c, name, NULL);
  return v->s ? v->s : "";
}
