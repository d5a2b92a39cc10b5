/*
 * example_unit.c - a plug-in model, built as a shared object against the
 * public header alone (include/axsim/axsim.h), loaded by a config with
 *
 *   plugins = ["libax_example_unit.so"];
 *   u = { model = "example_unit"; latency_cycles = 40; };
 *
 * It takes an op on `ctl`, holds it for latency_cycles + macs / macs_per_cycle
 * cycles of its own clock, and answers DONE. Nothing ticks while it waits:
 * one event per op.
 */
#include <stdlib.h>

#include "axsim/axsim.h"

typedef struct unit {
  uint64_t latency, macs_per_cycle;
  const ax_op *op;
  uint64_t ops;
} unit;

static int u_init(ax_component *c, char *err, size_t errlen) {
  (void)err, (void)errlen;
  unit *u = calloc(1, sizeof *u);
  if (!u) return AX_ENOMEM;
  u->latency = (uint64_t)ax_param_int(c, "latency_cycles");
  u->macs_per_cycle = (uint64_t)ax_param_int(c, "macs_per_cycle");
  ax_comp_set_priv(c, u);
  return AX_OK;
}

static void u_done(ax_component *c, uint64_t arg) {
  (void)arg;
  unit *u = ax_comp_priv(c);
  ax_msg m = {.kind = AX_MSG_DONE, .op = u->op};
  ax_port_send(ax_comp_port(c, "ctl"), &m);
  u->op = NULL;
}

static int u_recv(ax_component *c, ax_port *p, const ax_msg *m) {
  (void)p;
  unit *u = ax_comp_priv(c);
  if (m->kind != AX_MSG_OP || u->op) return AX_EAGAIN;
  u->op = m->op;
  u->ops++;
  uint64_t macs = ax_op_macs(m->op);
  uint64_t cycles = u->latency + (macs + u->macs_per_cycle - 1) / u->macs_per_cycle;
  ax_op_account(c, m->op->id, macs, AX_LVL_SRAM, 0);
  ax_energy(c, m->op->id, "mac", macs, 0.2);
  ax_schedule_cycles(c, cycles, u_done, 0);
  return AX_OK;
}

static const char *u_waiting(ax_component *c) {
  unit *u = ax_comp_priv(c);
  return u->op ? "an op in progress" : NULL;
}

static void u_stats(ax_component *c, ax_stats *s) {
  unit *u = ax_comp_priv(c);
  ax_stat_u64(s, "ops", u->ops, "ops");
}

static void u_destroy(ax_component *c) { free(ax_comp_priv(c)); }

static const ax_param_def u_params[] = {
    {"latency_cycles", AX_P_INT, "10", 0, 1e9, NULL, "fixed cycles per op (an example number)"},
    {"macs_per_cycle", AX_P_INT, "64", 1, 1e9, NULL, "MAC throughput (an example number)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def u_ports[] = {{"ctl", "OP in, DONE out"}, {NULL, NULL}};

static const ax_model example_unit = {
    .abi = AX_ABI_VERSION,
    .name = "example_unit",
    .doc = "example plug-in: fixed latency plus MACs at a fixed rate",
    .params = u_params,
    .ports = u_ports,
    .init = u_init,
    .recv = u_recv,
    .waiting = u_waiting,
    .stats = u_stats,
    .destroy = u_destroy,
};

static const ax_model *const models[] = {&example_unit, NULL};

/* The plug-in's one exported symbol: its models, for the ABI asked. */
const ax_model *const *ax_plugin_models(uint32_t abi) {
  return abi == AX_ABI_VERSION ? models : NULL;
}
