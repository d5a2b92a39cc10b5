/*
 * host.c - the host / command processor: walks a layer trace (a DAG) and
 * dispatches each op to a unit once its dependencies are done.
 *
 * Ops are read as a stream, at most `window` ahead of the oldest unfinished
 * one. Each unit (a component linked to one of the host's unit* ports) runs
 * one op at a time; ready ops queue per unit in trace order. Mapping is
 * static: the op's own `unit=` in the trace, else `map` by op kind.
 * Protocol: AX_MSG_OP {op} to the unit; the unit answers AX_MSG_DONE {op}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "trace.h"
#include "workload.h"

typedef struct unit {
  ax_port *port;
  ax_component *comp;
  ax_op **q; /* ready ops waiting for this unit */
  size_t qh, qn, qcap;
  const ax_op *busy;
  int sent;  /* busy op has left on the link (else it waits for a credit) */
  uint64_t ops_done;
  ax_time_t busy_ps;
} unit;

typedef struct host {
  ax_component *c;
  ax_workload *wl;
  unit *units;
  size_t nunits;
  int map[AX_OP_KIND_N]; /* unit index per kind, -1 none */
  int map_default;
  /* ops read and not yet finished, by id - base (a sliding window) */
  ax_op **win;
  uint8_t *state; /* 0 waiting deps, 1 queued/running */
  size_t wcap;
  uint32_t base, next; /* ids in [base, next) are read */
  uint64_t *done;      /* bitset of finished ids */
  size_t donecap;
  int eof;
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

static int parse_map(host *h, const char *map, char *err, size_t errlen) {
  for (int k = 0; k < AX_OP_KIND_N; k++) h->map[k] = -1;
  h->map_default = -1;
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", map);
  char *save = NULL;
  for (char *e = strtok_r(buf, ", ", &save); e; e = strtok_r(NULL, ", ", &save)) {
    char *colon = strchr(e, ':');
    if (!colon) {
      ax_errf(err, errlen, "map: expected kind:unit pairs (e.g. \"conv2d:sa0,gemm:sa0,*:vec0\"), got '%s'", e);
      return AX_EINVAL;
    }
    *colon = 0;
    int u = find_unit(h, colon + 1);
    if (u < 0) {
      ax_errf(err, errlen, "map: '%s' is not a unit linked to this host (link host.unitN -> %s.ctl)",
              colon + 1, colon + 1);
      return AX_EINVAL;
    }
    if (!strcmp(e, "*")) {
      h->map_default = u;
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
  h->wl = ax_workload_open(ax_param_str(c, "trace"), ax_param_str(c, "format"), err, errlen);
  if (!h->wl) return AX_EINVAL;
  h->wcap = (size_t)ax_param_int(c, "window");
  h->win = ax_xcalloc(h->wcap, sizeof *h->win);
  h->state = ax_xcalloc(h->wcap, 1);
  h->dispatch_ps = (ax_time_t)ax_param_int(c, "dispatch_cycles") * ax_comp_period(c);
  return AX_OK;
}

static int unit_of(host *h, const ax_op *op) {
  if (op->unit[0]) return find_unit(h, op->unit);
  return h->map[op->kind] >= 0 ? h->map[op->kind] : h->map_default;
}

static void send_next(host *h, unit *u);

static void enqueue(host *h, ax_op *op) {
  int ui = unit_of(h, op);
  unit *u = &h->units[ui];
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
  if (!u->busy) send_next(h, u);
}

static void send_ev(ax_component *c, uint64_t arg) {
  host *h = ax_comp_priv(c);
  unit *u = &h->units[arg];
  ax_msg m = {.kind = AX_MSG_OP, .op = u->busy, .bytes = 0};
  if (ax_port_send(u->port, &m) == AX_EAGAIN) return; /* ready() resends */
  u->sent = 1;
  ax_op_started(u->comp, u->busy);
}

static void send_next(host *h, unit *u) {
  if (u->busy || !u->qn) return;
  u->busy = u->q[u->qh];
  u->sent = 0;
  u->qh = (u->qh + 1) % u->qcap;
  u->qn--;
  ax_schedule(h->c, h->dispatch_ps, send_ev, (uint64_t)(u - h->units));
}

static int deps_done(host *h, const ax_op *op) {
  for (uint32_t i = 0; i < op->ndeps; i++)
    if (!is_done(h, op->deps[i])) return 0;
  return 1;
}

/* Read ops while the window has room; queue those whose deps are done. */
static void fill(host *h) {
  while (!h->eof && h->next - h->base < h->wcap) {
    ax_op *op = ax_xmalloc(sizeof *op);
    char err[600];
    int rc = ax_workload_next(h->wl, op, err, sizeof err);
    if (rc <= 0) {
      free(op);
      h->eof = 1;
      if (rc < 0) ax_fail(ax_comp_sim(h->c), "%s: %s", ax_comp_name(h->c), err);
      return;
    }
    if (op->id != h->next) {
      ax_fail(ax_comp_sim(h->c), "%s: trace op ids must be dense and in order", ax_comp_name(h->c));
      free(op);
      h->eof = 1;
      return;
    }
    int ui = unit_of(h, op);
    if (ui < 0) {
      ax_fail(ax_comp_sim(h->c), "%s: op '%s' (%s) %s", ax_comp_name(h->c), op->name,
              ax_op_kind_name(op->kind),
              op->unit[0] ? "names a unit that is not linked to the host"
                          : "has no unit: add kind:unit (or *:unit) to the host's map");
      free(op);
      h->eof = 1;
      return;
    }
    size_t slot = op->id % h->wcap;
    h->win[slot] = op;
    h->state[slot] = 0;
    h->next++;
    if (deps_done(h, op)) {
      h->state[slot] = 1;
      enqueue(h, op);
    }
  }
}

static void host_start(ax_component *c) { fill(ax_comp_priv(c)); }

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
  h->finished++;
  free(h->win[id % h->wcap]);
  h->win[id % h->wcap] = NULL;
  /* Slide the window past finished ops, then wake dependants. */
  while (h->base < h->next && is_done(h, h->base)) h->base++;
  for (uint32_t i = h->base; i < h->next; i++) {
    size_t slot = i % h->wcap;
    ax_op *op = h->win[slot];
    if (op && !h->state[slot] && deps_done(h, op)) {
      h->state[slot] = 1;
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
  if (h->eof && h->base == h->next) return NULL;
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
             h->next - h->base, running, first->name, uname);
  else
    snprintf(h->why, sizeof h->why, "%u op(s) unfinished, none can start (dependencies never finished)",
             h->next - h->base);
  return h->why;
}

static void host_stats(ax_component *c, ax_stats *s) {
  host *h = ax_comp_priv(c);
  ax_stat_u64(s, "ops_done", h->finished, "ops");
  for (size_t i = 0; i < h->nunits; i++) {
    char n[48];
    snprintf(n, sizeof n, "ops_on.%s", ax_comp_name(h->units[i].comp));
    ax_stat_u64(s, n, h->units[i].ops_done, "ops");
  }
}

static void host_destroy(ax_component *c) {
  host *h = ax_comp_priv(c);
  if (!h) return;
  for (size_t i = 0; i < h->wcap; i++) free(h->win ? h->win[i] : NULL);
  for (size_t i = 0; i < h->nunits; i++) free(h->units[i].q);
  free(h->units);
  free(h->win);
  free(h->state);
  free(h->done);
  ax_workload_close(h->wl);
  free(h);
}

static const ax_param_def host_params[] = {
    {"trace", AX_P_PATH, NULL, 0, 0, NULL, "layer trace to run (axtrace v1 or a SCALE-Sim topology .csv)"},
    {"format", AX_P_ENUM, "auto", 0, 0, "auto|axtrace|scalesim|scalesim-gemm",
     "trace format; auto: .csv is a SCALE-Sim conv topology, else axtrace"},
    {"map", AX_P_STRING, "", 0, 0, NULL,
     "static mapping kind:unit,... (\"conv2d:sa0,gemm:sa0,*:vec0\"); an op's own unit= wins"},
    {"window", AX_P_INT, "4096", 1, 1 << 24, NULL,
     "ops read ahead of the oldest unfinished one (bounds memory on long traces)"},
    {"dispatch_cycles", AX_P_INT, "0", 0, 1 << 30, NULL,
     "host cycles to issue one op (0: an ideal command processor)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def host_ports[] = {{"unit*", "one per unit: sends OP, receives DONE"},
                                         {NULL, NULL}};

const ax_model ax_model_host = {
    .abi = AX_ABI_VERSION,
    .name = "host",
    .doc = "host / command processor: walks the trace DAG, dispatches ops to units by a static map",
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
