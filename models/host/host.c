/*
 * host.c - the host / command processor: walks one or more layer traces
 * (DAGs) and dispatches each op to a unit once its dependencies are done.
 *
 * Ops are read as a stream, at most `window` per trace ahead of the oldest
 * unfinished one. Several traces (trace, trace2..trace4) run at once, as
 * independent DAGs sharing the units; op ids are renumbered so they stay
 * unique (trace s of n: id * n + s) and names get the trace's file name as
 * a prefix ("small_cnn/conv1"). Each unit (a component linked to one of
 * the host's unit* ports) runs one op at a time.
 *
 * Mapping policies (`policy`):
 *  - static: the op's own `unit=` in the trace, else `map` by op name
 *    (@name:unit) or kind (kind:unit), else `*`.
 *  - intensity: ops with MACs go by arithmetic intensity (MACs per byte of
 *    their tensors) to the first unit of `intensity_units` if at or above
 *    `intensity_threshold`, else to the second (Duplex, MICRO 2024, sends
 *    low-intensity attention to PIM and the rest to the xPU); other ops as
 *    static.
 *  - heft: the whole DAG is planned up front by HEFT (Topcuoglu et al.,
 *    IEEE TPDS 2002, heft.c) from cost estimates: work / rate cycles of each
 *    unit's clock (`rates`: MACs and elements per cycle per unit) and
 *    communication of each op's output at `comm_gbps` between different
 *    units; each unit then runs its ops in the planned order, each as soon
 *    as its dependencies are done. Ready ops queue per unit in trace order
 *    under the other policies.
 * Protocol: AX_MSG_OP {op} to the unit; the unit answers AX_MSG_DONE {op}.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../npu/npu_perf.h"
#include "heft.h"
#include "opcost.h"
#include "sim.h"
#include "trace.h"
#include "workload.h"

#define MAX_STREAMS 4

enum { POL_STATIC, POL_INTENSITY, POL_HEFT };

typedef struct unit {
  ax_port *port;
  ax_component *comp;
  ax_op **q; /* ready ops waiting for this unit (heft: its planned ops) */
  size_t qh, qn, qcap;
  const ax_op *busy;
  int sent;  /* busy op has left on the link (else it waits for a credit) */
  uint64_t ops_done;
  ax_time_t busy_ps, started;
  double mac_rate, elt_rate; /* per cycle, for estimates (0: cannot) */
  int is_npu;                /* unit_costs = model: costed by the NPU's own rules */
  ax_npu_arch npu;
} unit;

typedef struct stream {
  ax_workload *wl;
  char label[24];
  ax_op **win;     /* ops read and not yet finished, by local id % wcap */
  uint8_t *state;  /* 0 waiting deps, 1 queued/running */
  uint32_t base, next; /* local ids in [base, next) are read */
  int eof;
} stream;

typedef struct host {
  ax_component *c;
  stream st[MAX_STREAMS];
  int ns;
  unit *units;
  size_t nunits;
  int policy;
  int map[AX_OP_KIND_N]; /* unit index per kind, -1 none */
  int map_default;
  struct { char name[AX_NAME_MAX]; int unit; } *named; /* @name:unit */
  size_t nnamed;
  double thr;
  int hi, lo;
  double comm_gbps;
  double heft_makespan_ps;
  size_t wcap;
  uint64_t *done;      /* bitset of finished ids */
  size_t donecap;
  uint64_t finished;
  ax_time_t dispatch_ps;
  char why[256];
} host;

static int is_done(host *h, uint32_t id) {
  return (size_t)(id >> 6) < h->donecap && (h->done[id >> 6] >> (id & 63)) & 1;
}

static void set_done(host *h, uint32_t id) {
  if ((size_t)(id >> 6) >= h->donecap) {
    size_t n = h->donecap ? h->donecap : 64;
    while (n <= (id >> 6)) n *= 2;
    h->done = ax_xrealloc(h->done, n * sizeof *h->done);
    memset(h->done + h->donecap, 0, (n - h->donecap) * sizeof *h->done);
    h->donecap = n;
  }
  h->done[id >> 6] |= 1ull << (id & 63);
}

static int find_unit(host *h, const char *name) {
  for (size_t i = 0; i < h->nunits; i++)
    if (!strcmp(ax_comp_name(h->units[i].comp), name)) return (int)i;
  return -1;
}

static int unit_or_err(host *h, const char *name, const char *setting, char *err, size_t errlen) {
  int u = find_unit(h, name);
  if (u < 0)
    ax_errf(err, errlen, "%s: '%s' is not a unit linked to this host (link host.unitN -> %s.ctl)", setting,
            name, name);
  return u;
}

static int parse_map(host *h, const char *map, char *err, size_t errlen) {
  for (int k = 0; k < AX_OP_KIND_N; k++) h->map[k] = -1;
  h->map_default = -1;
  char buf[2048];
  snprintf(buf, sizeof buf, "%s", map);
  char *save = NULL;
  for (char *e = strtok_r(buf, ", ", &save); e; e = strtok_r(NULL, ", ", &save)) {
    char *colon = strrchr(e, ':');
    if (!colon) {
      ax_errf(err, errlen, "map: expected kind:unit pairs (e.g. \"conv2d:sa0,gemm:sa0,*:vec0\"), got '%s'", e);
      return AX_EINVAL;
    }
    *colon = 0;
    int u = unit_or_err(h, colon + 1, "map", err, errlen);
    if (u < 0) return AX_EINVAL;
    if (!strcmp(e, "*")) {
      h->map_default = u;
      continue;
    }
    if (e[0] == '@') { /* an op by name */
      h->named = ax_xrealloc(h->named, (h->nnamed + 1) * sizeof *h->named);
      snprintf(h->named[h->nnamed].name, AX_NAME_MAX, "%s", e + 1);
      h->named[h->nnamed++].unit = u;
      continue;
    }
    int k;
    for (k = 0; k < AX_OP_KIND_N; k++)
      if (!strcmp(e, ax_op_kind_name((ax_op_kind)k))) break;
    if (k == AX_OP_KIND_N) {
      ax_errf(err, errlen, "map: unknown op kind '%s' (conv2d, gemm, gemv, attention, softmax, norm, eltwise, pool, embed, moe, move or *)", e);
      return AX_EINVAL;
    }
    h->map[k] = u;
  }
  return AX_OK;
}

/* rates = "unit:macs_per_cycle:elems_per_cycle,..." */
static int parse_rates(host *h, const char *s, char *err, size_t errlen) {
  char buf[2048];
  snprintf(buf, sizeof buf, "%s", s);
  char *save = NULL;
  for (char *e = strtok_r(buf, ", ", &save); e; e = strtok_r(NULL, ", ", &save)) {
    char name[AX_NAME_MAX];
    double mr, er;
    int used = 0;
    char *c1 = strchr(e, ':');
    if (!c1 || sscanf(c1, ":%lf:%lf%n", &mr, &er, &used) != 2 || c1[used] || mr < 0 || er < 0) {
      ax_errf(err, errlen, "rates: expected unit:macs_per_cycle:elems_per_cycle (e.g. \"sa0:1024:0\"), got '%s'", e);
      return AX_EINVAL;
    }
    snprintf(name, sizeof name, "%.*s", (int)(c1 - e), e);
    int u = unit_or_err(h, name, "rates", err, errlen);
    if (u < 0) return AX_EINVAL;
    h->units[u].mac_rate = mr;
    h->units[u].elt_rate = er;
  }
  return AX_OK;
}

/* unit_costs = model: each unit of model `npu` gets its MAC-engine
 * configuration from its own parameters (read through the public
 * ax_param_* getters), so est_ps() can use the NPU's cycle rules. */
static int npu_units(host *h, char *err, size_t errlen) {
  for (size_t i = 0; i < h->nunits; i++) {
    unit *u = &h->units[i];
    const ax_component *x = u->comp;
    if (strcmp(ax_comp_model(x)->name, "npu")) continue;
    char e[256];
    if (ax_npu_arch_init(&u->npu, (uint32_t)ax_param_int(x, "macs_per_cycle"), (uint32_t)ax_param_int(x, "block_w"),
                         (uint32_t)ax_param_int(x, "block_h"), (uint32_t)ax_param_int(x, "block_d"),
                         (uint32_t)ax_param_int(x, "wd_weights_per_cycle"), e, sizeof e) != 0) {
      ax_errf(err, errlen, "unit_costs: unit '%s': %s", ax_comp_name(x), e);
      return AX_EINVAL;
    }
    u->is_npu = 1;
  }
  return AX_OK;
}

static int host_init(ax_component *c, char *err, size_t errlen) {
  host *h = ax_xcalloc(1, sizeof *h);
  h->c = c;
  ax_comp_set_priv(c, h);
  for (size_t i = 0; i < ax_comp_nports(c); i++) {
    ax_port *p = ax_comp_port_at(c, i);
    if (!ax_port_connected(p)) continue;
    h->units = ax_xrealloc(h->units, (h->nunits + 1) * sizeof *h->units);
    memset(&h->units[h->nunits], 0, sizeof *h->units);
    h->units[h->nunits].port = p;
    h->units[h->nunits].comp = ax_port_peer(p);
    h->nunits++;
  }
  if (!h->nunits) {
    ax_errf(err, errlen, "the host has no unit: link host.unit0 -> <unit>.ctl");
    return AX_EINVAL;
  }
  if (parse_map(h, ax_param_str(c, "map"), err, errlen) != AX_OK) return AX_EINVAL;
  const char *pol = ax_param_str(c, "policy");
  h->policy = !strcmp(pol, "heft") ? POL_HEFT : !strcmp(pol, "intensity") ? POL_INTENSITY : POL_STATIC;
  if (parse_rates(h, ax_param_str(c, "rates"), err, errlen) != AX_OK) return AX_EINVAL;
  h->comm_gbps = ax_param_float(c, "comm_gbps");
  h->thr = ax_param_float(c, "intensity_threshold");
  h->hi = h->lo = -1;
  if (h->policy == POL_INTENSITY) {
    char buf[2 * AX_NAME_MAX + 2], *colon;
    snprintf(buf, sizeof buf, "%s", ax_param_str(c, "intensity_units"));
    if (!(colon = strchr(buf, ':')) || colon == buf || !colon[1]) {
      ax_errf(err, errlen, "intensity_units: policy intensity needs \"high_unit:low_unit\" (e.g. \"sa0:pim0\"), got \"%s\"", buf);
      return AX_EINVAL;
    }
    *colon = 0;
    if ((h->hi = unit_or_err(h, buf, "intensity_units", err, errlen)) < 0 ||
        (h->lo = unit_or_err(h, colon + 1, "intensity_units", err, errlen)) < 0)
      return AX_EINVAL;
  }
  if (!strcmp(ax_param_str(c, "unit_costs"), "model") && npu_units(h, err, errlen) != AX_OK) return AX_EINVAL;
  if (h->policy == POL_HEFT) {
    int any = 0;
    for (size_t i = 0; i < h->nunits; i++)
      any |= h->units[i].mac_rate > 0 || h->units[i].elt_rate > 0 || h->units[i].is_npu;
    if (!any) {
      ax_errf(err, errlen, "rates: policy heft needs each unit's rates (e.g. \"sa0:1024:0,vec0:0:16\")");
      return AX_EINVAL;
    }
  }
  static const char *const tnames[MAX_STREAMS] = {"trace", "trace2", "trace3", "trace4"};
  for (int s = 0; s < MAX_STREAMS; s++) {
    if (s > 0 && !ax_param_is_set(c, tnames[s])) continue;
    stream *t = &h->st[h->ns++];
    const char *path = ax_param_str(c, tnames[s]);
    t->wl = ax_workload_open(path, ax_param_str(c, "format"), err, errlen);
    if (!t->wl) return AX_EINVAL;
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strcspn(b, ".");
    snprintf(t->label, sizeof t->label, "%.*s", (int)(n < 20 ? n : 20), b);
  }
  h->wcap = (size_t)ax_param_int(c, "window");
  for (int s = 0; s < h->ns; s++) {
    h->st[s].win = ax_xcalloc(h->wcap, sizeof *h->st[s].win);
    h->st[s].state = ax_xcalloc(h->wcap, 1);
  }
  h->dispatch_ps = (ax_time_t)ax_param_int(c, "dispatch_cycles") * ax_comp_period(c);
  return AX_OK;
}

static uint32_t gid(const host *h, int s, uint32_t local) { return local * (uint32_t)h->ns + (uint32_t)s; }

static ax_op *op_at(host *h, uint32_t g) {
  stream *t = &h->st[g % (uint32_t)h->ns];
  uint32_t local = g / (uint32_t)h->ns;
  return local >= t->base && local < t->next ? t->win[local % h->wcap] : NULL;
}

/* The unit an op goes to under static / intensity, -1 if none. */
static int unit_of(host *h, const ax_op *op) {
  if (op->unit[0]) return find_unit(h, op->unit);
  const char *nm = op->name;
  if (h->ns > 1 && strchr(nm, '/')) nm = strchr(nm, '/') + 1;
  for (size_t i = 0; i < h->nnamed; i++)
    if (!strcmp(h->named[i].name, nm) || !strcmp(h->named[i].name, op->name)) return h->named[i].unit;
  if (h->policy == POL_INTENSITY && ax_op_macs(op) > 0)
    return ax_host_op_intensity(op) >= h->thr ? h->hi : h->lo;
  return h->map[op->kind] >= 0 ? h->map[op->kind] : h->map_default;
}

static void send_next(host *h, unit *u);

static void push(unit *u, ax_op *op) {
  if (u->qn == u->qcap) {
    size_t cap = u->qcap ? 2 * u->qcap : 16;
    ax_op **q = ax_xmalloc(cap * sizeof *q);
    for (size_t i = 0; i < u->qn; i++) q[i] = u->q[(u->qh + i) % u->qcap];
    free(u->q);
    u->q = q;
    u->qh = 0;
    u->qcap = cap;
  }
  u->q[(u->qh + u->qn++) % u->qcap] = op;
}

static void enqueue(host *h, ax_op *op) {
  unit *u = &h->units[unit_of(h, op)];
  push(u, op);
  if (!u->busy) send_next(h, u);
}

static void send_ev(ax_component *c, uint64_t arg) {
  host *h = ax_comp_priv(c);
  unit *u = &h->units[arg];
  ax_msg m = {.kind = AX_MSG_OP, .op = u->busy, .bytes = 0};
  if (ax_port_send(u->port, &m) == AX_EAGAIN) return; /* ready() resends */
  u->sent = 1;
  u->started = ax_now(ax_comp_sim(c));
  ax_op_started(u->comp, u->busy);
}

static int deps_done(host *h, const ax_op *op) {
  for (uint32_t i = 0; i < op->ndeps; i++)
    if (!is_done(h, op->deps[i])) return 0;
  return 1;
}

static void send_next(host *h, unit *u) {
  if (u->busy || !u->qn) return;
  /* heft: the unit's planned order, its head only once its deps are done */
  if (h->policy == POL_HEFT && !deps_done(h, u->q[u->qh])) return;
  u->busy = u->q[u->qh];
  u->sent = 0;
  u->qh = (u->qh + 1) % u->qcap;
  u->qn--;
  ax_schedule(h->c, h->dispatch_ps, send_ev, (uint64_t)(u - h->units));
}

/* Read ops of stream s while its window has room; queue those ready. */
static int fill_stream(host *h, int s) {
  stream *t = &h->st[s];
  while (!t->eof && t->next - t->base < h->wcap) {
    ax_op *op = ax_xmalloc(sizeof *op);
    char err[600];
    int rc = ax_workload_next(t->wl, op, err, sizeof err);
    if (rc <= 0) {
      free(op);
      t->eof = 1;
      if (rc < 0) ax_fail(ax_comp_sim(h->c), "%s: %s", ax_comp_name(h->c), err);
      return rc < 0 ? -1 : 0;
    }
    if (op->id != t->next) {
      ax_fail(ax_comp_sim(h->c), "%s: trace op ids must be dense and in order", ax_comp_name(h->c));
      free(op);
      t->eof = 1;
      return -1;
    }
    /* unique ids (and names) over all traces */
    op->id = gid(h, s, op->id);
    for (uint32_t i = 0; i < op->ndeps; i++) op->deps[i] = gid(h, s, op->deps[i]);
    if (h->ns > 1) {
      char nm[AX_NAME_MAX];
      snprintf(nm, sizeof nm, "%s/%.*s", t->label, (int)(AX_NAME_MAX - 2 - strlen(t->label)), op->name);
      memcpy(op->name, nm, sizeof nm);
    }
    int ui = h->policy == POL_HEFT ? (op->unit[0] ? find_unit(h, op->unit) : 0) : unit_of(h, op);
    if (ui < 0) {
      ax_fail(ax_comp_sim(h->c), "%s: op '%s' (%s) %s", ax_comp_name(h->c), op->name,
              ax_op_kind_name(op->kind),
              op->unit[0] ? "names a unit that is not linked to the host"
                          : "has no unit: add kind:unit (or *:unit) to the host's map");
      free(op);
      t->eof = 1;
      return -1;
    }
    size_t slot = t->next % h->wcap;
    t->win[slot] = op;
    t->state[slot] = 0;
    t->next++;
    if (h->policy != POL_HEFT && deps_done(h, op)) {
      t->state[slot] = 1;
      enqueue(h, op);
    }
  }
  return 0;
}

static void fill(host *h) {
  for (int s = 0; s < h->ns; s++)
    if (fill_stream(h, s) < 0) return;
}

/* Estimated cost of op on unit u in ps (-1: u cannot run it). */
static double est_ps(host *h, const ax_op *op, size_t u) {
  unit *x = &h->units[u];
  if (op->unit[0] && strcmp(op->unit, ax_comp_name(x->comp))) return -1;
  if (x->is_npu) { /* the NPU's compute cycles (Vela's rules), memory not counted */
    ax_npu_cost k;
    char e[256];
    if (ax_npu_op_cost(&x->npu, op, &k, e, sizeof e) != 0) return -1;
    return (double)k.cycles * (double)ax_comp_period(x->comp);
  }
  int is_mac;
  uint64_t work = ax_host_op_work(op, &is_mac);
  double rate = is_mac ? x->mac_rate : x->elt_rate;
  if (rate <= 0) return -1;
  return ceil((double)work / rate) * (double)ax_comp_period(x->comp);
}

/* HEFT over every op of every trace (all must be in the window). */
static void heft_plan(host *h) {
  for (int s = 0; s < h->ns; s++)
    if (!h->st[s].eof) {
      ax_fail(ax_comp_sim(h->c), "%s: policy heft plans the whole DAG: trace '%s' has more than window = %zu ops; raise window",
              ax_comp_name(h->c), h->st[s].label, h->wcap);
      return;
    }
  uint32_t n = 0;
  for (int s = 0; s < h->ns; s++)
    if (h->st[s].next && gid(h, s, h->st[s].next - 1) + 1 > n) n = gid(h, s, h->st[s].next - 1) + 1;
  size_t p = h->nunits, ne = 0, cap = 16;
  double *w = ax_xcalloc((size_t)n * p + 1, sizeof *w);
  ax_heft_edge *e = ax_xmalloc(cap * sizeof *e);
  for (uint32_t g = 0; g < n; g++) {
    ax_op *op = op_at(h, g);
    for (size_t u = 0; u < p; u++) w[g * p + u] = op ? est_ps(h, op, u) : 0; /* id gaps: free tasks */
    if (!op) continue;
    int any = 0;
    for (size_t u = 0; u < p; u++) any |= w[g * p + u] >= 0;
    if (!any) {
      ax_fail(ax_comp_sim(h->c), "%s: op '%s' (%s): no unit can run it by `rates` (give a unit a %s rate)",
              ax_comp_name(h->c), op->name, ax_op_kind_name(op->kind), ax_op_macs(op) ? "MAC" : "element");
      free(w), free(e);
      return;
    }
    for (uint32_t i = 0; i < op->ndeps; i++) {
      if (ne == cap) e = ax_xrealloc(e, (cap *= 2) * sizeof *e);
      uint64_t in, wt, out = 0;
      ax_op *src = op_at(h, op->deps[i]);
      if (src) ax_host_op_bytes(src, &in, &wt, &out);
      double c = h->comm_gbps > 0 ? (double)out * 1000.0 / h->comm_gbps : 0;
      e[ne++] = (ax_heft_edge){op->deps[i], g, c};
    }
  }
  double *rank = ax_xcalloc(n + 1, sizeof *rank), *st = ax_xcalloc(n + 1, sizeof *st),
         *fin = ax_xcalloc(n + 1, sizeof *fin);
  uint32_t *order = ax_xcalloc(n + 1, sizeof *order);
  int *un = ax_xcalloc(n + 1, sizeof *un);
  h->heft_makespan_ps = ax_heft_plan(n, p, w, e, ne, rank, order, un, st, fin);
  /* each unit's ops in planned start order */
  uint32_t *byst = ax_xcalloc(n + 1, sizeof *byst);
  for (uint32_t i = 0; i < n; i++) byst[i] = i;
  for (uint32_t i = 1; i < n; i++) {
    uint32_t x = byst[i], j = i;
    while (j > 0 && (st[byst[j - 1]] > st[x] || (st[byst[j - 1]] == st[x] && byst[j - 1] > x))) {
      byst[j] = byst[j - 1];
      j--;
    }
    byst[j] = x;
  }
  for (uint32_t k = 0; k < n; k++) {
    ax_op *op = op_at(h, byst[k]);
    if (!op) continue;
    h->st[byst[k] % (uint32_t)h->ns].state[(byst[k] / (uint32_t)h->ns) % h->wcap] = 1;
    push(&h->units[un[byst[k]]], op);
  }
  free(byst), free(w), free(e), free(rank), free(st), free(fin), free(order), free(un);
  for (size_t u = 0; u < p; u++) send_next(h, &h->units[u]);
}

static void host_start(ax_component *c) {
  host *h = ax_comp_priv(c);
  fill(h);
  if (h->policy == POL_HEFT && !ax_comp_sim(c)->failed) heft_plan(h);
}

static int host_recv(ax_component *c, ax_port *p, const ax_msg *m) {
  host *h = ax_comp_priv(c);
  if (m->kind != AX_MSG_DONE || !m->op) {
    ax_fail(ax_comp_sim(c), "%s: unexpected message kind %d on port %s", ax_comp_name(c), m->kind,
            ax_port_name(p));
    return AX_OK;
  }
  unit *u = NULL;
  for (size_t i = 0; i < h->nunits; i++)
    if (h->units[i].port == p) u = &h->units[i];
  if (!u || u->busy != m->op) {
    ax_fail(ax_comp_sim(c), "%s: DONE for op '%s' that unit on port %s was not running",
            ax_comp_name(c), m->op->name, ax_port_name(p));
    return AX_OK;
  }
  ax_op_finished(u->comp, m->op);
  uint32_t id = m->op->id;
  set_done(h, id);
  u->busy = NULL;
  u->ops_done++;
  u->busy_ps += ax_now(ax_comp_sim(c)) - u->started;
  h->finished++;
  int s = (int)(id % (uint32_t)h->ns);
  stream *t = &h->st[s];
  uint32_t local = id / (uint32_t)h->ns;
  free(t->win[local % h->wcap]);
  t->win[local % h->wcap] = NULL;
  /* Slide the window past finished ops, then wake dependants. */
  while (t->base < t->next && is_done(h, gid(h, s, t->base))) t->base++;
  if (h->policy == POL_HEFT) {
    for (size_t i = 0; i < h->nunits; i++) send_next(h, &h->units[i]);
    return AX_OK;
  }
  for (uint32_t i = t->base; i < t->next; i++) {
    size_t slot = i % h->wcap;
    ax_op *op = t->win[slot];
    if (op && !t->state[slot] && deps_done(h, op)) {
      t->state[slot] = 1;
      enqueue(h, op);
    }
  }
  send_next(h, u);
  fill(h);
  return AX_OK;
}

static void host_ready(ax_component *c, ax_port *p) {
  host *h = ax_comp_priv(c);
  for (size_t i = 0; i < h->nunits; i++)
    if (h->units[i].port == p && h->units[i].busy && !h->units[i].sent) send_ev(c, i);
}

static const char *host_waiting(ax_component *c) {
  host *h = ax_comp_priv(c);
  uint32_t left = 0;
  int all_eof = 1;
  for (int s = 0; s < h->ns; s++) {
    left += h->st[s].next - h->st[s].base;
    all_eof &= h->st[s].eof;
  }
  if (all_eof && !left) return NULL;
  size_t running = 0;
  const ax_op *first = NULL;
  const char *uname = "";
  for (size_t i = 0; i < h->nunits; i++)
    if (h->units[i].busy) {
      running++;
      if (!first) first = h->units[i].busy, uname = ax_comp_name(h->units[i].comp);
    }
  if (first)
    snprintf(h->why, sizeof h->why, "%u op(s) unfinished, %zu running (e.g. '%s' on %s, no DONE came back)",
             left, running, first->name, uname);
  else
    snprintf(h->why, sizeof h->why, "%u op(s) unfinished, none can start (dependencies never finished)", left);
  return h->why;
}

static void host_stats(ax_component *c, ax_stats *s) {
  host *h = ax_comp_priv(c);
  ax_time_t now = ax_now(ax_comp_sim(c));
  ax_stat_u64(s, "ops_done", h->finished, "ops");
  for (size_t i = 0; i < h->nunits; i++) {
    char n[48];
    const char *un = ax_comp_name(h->units[i].comp);
    snprintf(n, sizeof n, "ops_on.%s", un);
    ax_stat_u64(s, n, h->units[i].ops_done, "ops");
    snprintf(n, sizeof n, "busy_ps.%s", un);
    ax_stat_u64(s, n, h->units[i].busy_ps, "ps");
    snprintf(n, sizeof n, "util.%s", un);
    ax_stat_f64(s, n, now ? (double)h->units[i].busy_ps / (double)now : 0.0, "fraction");
  }
  if (h->policy == POL_HEFT) ax_stat_f64(s, "heft_makespan_ps", h->heft_makespan_ps, "ps");
}

static void host_destroy(ax_component *c) {
  host *h = ax_comp_priv(c);
  if (!h) return;
  for (int s = 0; s < h->ns; s++) {
    for (size_t i = 0; i < h->wcap; i++) free(h->st[s].win ? h->st[s].win[i] : NULL);
    free(h->st[s].win);
    free(h->st[s].state);
    ax_workload_close(h->st[s].wl);
  }
  for (size_t i = 0; i < h->nunits; i++) free(h->units[i].q);
  free(h->units);
  free(h->named);
  free(h->done);
  free(h);
}

static const ax_param_def host_params[] = {
    {"trace", AX_P_PATH, NULL, 0, 0, NULL, "layer trace to run (axtrace v1 or a SCALE-Sim topology .csv)"},
    {"trace2", AX_P_PATH, "", 0, 0, NULL, "a second trace run at the same time (its own DAG, sharing the units)"},
    {"trace3", AX_P_PATH, "", 0, 0, NULL, "a third concurrent trace"},
    {"trace4", AX_P_PATH, "", 0, 0, NULL, "a fourth concurrent trace"},
    {"format", AX_P_ENUM, "auto", 0, 0, "auto|axtrace|scalesim|scalesim-gemm",
     "trace format; auto: .csv is a SCALE-Sim conv topology, else axtrace"},
    {"policy", AX_P_ENUM, "static", 0, 0, "static|intensity|heft",
     "mapping policy: static (map), intensity (Duplex-style by MACs per byte), heft (Topcuoglu et al. 2002)"},
    {"map", AX_P_STRING, "", 0, 0, NULL,
     "static mapping kind:unit or @opname:unit,... (\"conv2d:sa0,@fc1:npu0,*:vec0\"); an op's own unit= wins"},
    {"intensity_units", AX_P_STRING, "", 0, 0, NULL,
     "policy intensity: \"high_unit:low_unit\" for ops at / below intensity_threshold"},
    {"intensity_threshold", AX_P_FLOAT, "8", 0, 1e12, NULL,
     "MACs per byte splitting the two (8: assumption, between decode attention/GEMV at ~1 and batched "
     "GEMM/conv at tens, the split Duplex (MICRO 2024) draws)"},
    {"rates", AX_P_STRING, "", 0, 0, NULL,
     "policy heft: unit:macs_per_cycle:elems_per_cycle,... cost estimates (0: the unit cannot run that class)"},
    {"unit_costs", AX_P_ENUM, "rates", 0, 0, "rates|model",
     "policy heft: where op costs come from. rates: `rates` for every unit; model: units of model npu "
     "by the NPU's own cycle rules (models/npu/npu_perf.c, compute only) from their parameters, the "
     "others by `rates`"},
    {"comm_gbps", AX_P_FLOAT, "0", 0, 1e9, NULL,
     "policy heft: GB/s for an op's output between different units (0: communication free)"},
    {"window", AX_P_INT, "4096", 1, 1 << 24, NULL,
     "ops read ahead of the oldest unfinished one, per trace (bounds memory on long traces)"},
    {"dispatch_cycles", AX_P_INT, "0", 0, 1 << 30, NULL,
     "host cycles to issue one op (0: an ideal command processor)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def host_ports[] = {{"unit*", "one per unit: sends OP, receives DONE"},
                                         {NULL, NULL}};

const ax_model ax_model_host = {
    .abi = AX_ABI_VERSION,
    .name = "host",
    .doc = "host / command processor: walks trace DAGs, dispatches ops to units (static, intensity or HEFT)",
    .params = host_params,
    .ports = host_ports,
    .init = host_init,
    .start = host_start,
    .recv = host_recv,
    .ready = host_ready,
    .waiting = host_waiting,
    .stats = host_stats,
    .destroy = host_destroy,
};
