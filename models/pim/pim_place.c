/*
 * pim_place.c - the `place` component: the host-side placement policy of a
 * PIM system. The host sends it every op; it forwards each to one of its
 * units and returns DONE when the unit does.
 *   opb:     MAC ops (gemv, gemm, attention, moe) with Op/B < threshold go
 *            to `pim`, the others to `xpu` (Duplex, Yun et al. MICRO 2024,
 *            places by arithmetic intensity); the rest to `vec`.
 *   static:  by op kind with `map` ("gemv:pim,attention:xpu,*:vec").
 *   all_pim / all_xpu: every MAC op to one side (the baselines).
 * Ops without MACs go to `vec` (the PIM-GPT ASIC / vector unit), or to
 * `xpu` when no vector unit is linked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axsim/axsim.h"
#include "pim_opb.h"
#include "sim.h"

enum { P_OPB, P_STATIC, P_ALL_PIM, P_ALL_XPU };
enum { U_PIM, U_XPU, U_VEC, U_N };
static const char *const unames[U_N] = {"pim", "xpu", "vec"};

typedef struct place {
  ax_port *ctl, *u[U_N];
  int policy;
  double threshold;
  int map[AX_OP_KIND_N];
  const ax_op *op;
  int target, send_pending, reply_pending;
  uint64_t n[U_N];
  char why[160];
} place;

static int parse_map(place *p, const char *map, char *err, size_t errlen) {
  for (int k = 0; k < AX_OP_KIND_N; k++) p->map[k] = -1;
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", map);
  char *save = NULL;
  for (char *e = strtok_r(buf, ", ", &save); e; e = strtok_r(NULL, ", ", &save)) {
    char *colon = strchr(e, ':');
    int u = -1;
    if (colon) {
      *colon = 0;
      for (int i = 0; i < U_N; i++)
        if (!strcmp(colon + 1, unames[i])) u = i;
    }
    if (u < 0) {
      ax_errf(err, errlen, "map: expected kind:pim|xpu|vec pairs (e.g. \"gemv:pim,*:xpu\"), got '%s%s%s'", e,
              colon ? ":" : "", colon ? colon + 1 : "");
      return AX_EINVAL;
    }
    int any = !strcmp(e, "*");
    for (int k = 0; k < AX_OP_KIND_N; k++)
      if (any ? p->map[k] < 0 : !strcmp(e, ax_op_kind_name((ax_op_kind)k))) p->map[k] = u;
  }
  return AX_OK;
}

static int place_init(ax_component *c, char *err, size_t errlen) {
  place *p = ax_xcalloc(1, sizeof *p);
  ax_comp_set_priv(c, p);
  p->ctl = ax_comp_port(c, "ctl");
  for (int i = 0; i < U_N; i++) {
    p->u[i] = ax_comp_port(c, unames[i]);
    if (!ax_port_connected(p->u[i])) p->u[i] = NULL;
  }
  const char *pol = ax_param_str(c, "policy");
  p->policy = !strcmp(pol, "opb") ? P_OPB : !strcmp(pol, "static") ? P_STATIC : !strcmp(pol, "all_pim") ? P_ALL_PIM : P_ALL_XPU;
  p->threshold = ax_param_float(c, "threshold");
  if (parse_map(p, ax_param_str(c, "map"), err, errlen) != AX_OK) return AX_EINVAL;
  if (p->policy == P_STATIC)
    for (int k = 0; k < AX_OP_KIND_N; k++)
      if (p->map[k] >= 0 && !p->u[p->map[k]]) {
        ax_errf(err, errlen, "map: sends %s to '%s', which is not linked (link %s.%s -> <unit>.ctl)",
                ax_op_kind_name((ax_op_kind)k), unames[p->map[k]], ax_comp_name(c), unames[p->map[k]]);
        return AX_EINVAL;
      }
  if (!p->u[U_PIM] && !p->u[U_XPU]) {
    ax_errf(err, errlen, "link at least one of %s.pim and %s.xpu to a unit", ax_comp_name(c), ax_comp_name(c));
    return AX_EINVAL;
  }
  return AX_OK;
}

static int target_of(place *p, const ax_op *op) {
  int u;
  if (p->policy == P_STATIC && p->map[op->kind] >= 0) u = p->map[op->kind];
  else if (!ax_op_macs(op)) u = U_VEC;
  else if (p->policy == P_ALL_PIM) u = U_PIM;
  else if (p->policy == P_ALL_XPU) u = U_XPU;
  else u = ax_pim_op_opb(op) < p->threshold ? U_PIM : U_XPU;
  if (u == U_VEC && !p->u[U_VEC]) u = p->u[U_XPU] ? U_XPU : U_PIM;
  if (!p->u[u]) u = u == U_PIM ? U_XPU : U_PIM;
  return u;
}

static void forward(ax_component *c, place *p) {
  ax_msg m = {.kind = AX_MSG_OP, .op = p->op};
  if (ax_port_send(p->u[p->target], &m) == AX_EAGAIN) {
    p->send_pending = 1;
    return;
  }
  p->send_pending = 0;
  ax_op_started(ax_port_peer(p->u[p->target]), p->op);
  (void)c;
}

static void reply(place *p) {
  ax_msg m = {.kind = AX_MSG_DONE, .op = p->op};
  if (ax_port_send(p->ctl, &m) == AX_EAGAIN) {
    p->reply_pending = 1;
    return;
  }
  p->reply_pending = 0;
  p->op = NULL;
}

static int place_recv(ax_component *c, ax_port *port, const ax_msg *m) {
  place *p = ax_comp_priv(c);
  if (port == p->ctl && m->kind == AX_MSG_OP && m->op && !p->op) {
    p->op = m->op;
    p->target = target_of(p, m->op);
    p->n[p->target]++;
    forward(c, p);
    return AX_OK;
  }
  if (port != p->ctl && m->kind == AX_MSG_DONE && p->op && m->op == p->op) {
    reply(p);
    return AX_OK;
  }
  ax_fail(ax_comp_sim(c), "%s: unexpected message kind %d on port %s", ax_comp_name(c), m->kind, ax_port_name(port));
  return AX_OK;
}

static void place_ready(ax_component *c, ax_port *port) {
  place *p = ax_comp_priv(c);
  if (port == p->ctl && p->reply_pending) reply(p);
  else if (p->op && p->send_pending && port == p->u[p->target]) forward(c, p);
}

static const char *place_waiting(ax_component *c) {
  place *p = ax_comp_priv(c);
  if (!p->op) return NULL;
  snprintf(p->why, sizeof p->why, "op '%s' on %s", p->op->name, unames[p->target]);
  return p->why;
}

static void place_stats(ax_component *c, ax_stats *s) {
  place *p = ax_comp_priv(c);
  ax_stat_u64(s, "ops_to_pim", p->n[U_PIM], "ops");
  ax_stat_u64(s, "ops_to_xpu", p->n[U_XPU], "ops");
  ax_stat_u64(s, "ops_to_vec", p->n[U_VEC], "ops");
}

static void place_destroy(ax_component *c) { free(ax_comp_priv(c)); }

static const ax_param_def place_params[] = {
    {"policy", AX_P_ENUM, "opb", 0, 0, "opb|static|all_pim|all_xpu",
     "opb: MAC ops below `threshold` Op/B to pim, others to xpu (Duplex); static: by `map`; all_*: baselines"},
    {"threshold", AX_P_FLOAT, "8", 0, 1e9, NULL,
     "Op/B below which a MAC op runs in memory (8: between decode GEMV's ~1 and the xPU's ridge point; Duplex "
     "targets ops of a few to a few dozen Op/B)"},
    {"map", AX_P_STRING, "", 0, 0, NULL, "static policy: kind:pim|xpu|vec,... (\"gemv:pim,*:xpu\")"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def place_ports[] = {{"ctl", "from the host: OP in, DONE out"},
                                          {"pim", "to the PIM unit"},
                                          {"xpu", "to the xPU / host-side compute"},
                                          {"vec", "to the controller / vector unit (non-linear ops)"},
                                          {NULL, NULL}};

const ax_model ax_model_place = {
    .abi = AX_ABI_VERSION,
    .name = "place",
    .doc = "placement of ops on PIM / xPU / vector unit by arithmetic intensity (Duplex) or statically",
    .params = place_params,
    .ports = place_ports,
    .init = place_init,
    .recv = place_recv,
    .ready = place_ready,
    .waiting = place_waiting,
    .stats = place_stats,
    .destroy = place_destroy,
};
