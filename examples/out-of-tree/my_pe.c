/*
 * my_pe.c - an out-of-tree plug-in: a processing element of `pes` PEs doing
 * one MAC per PE per cycle, with a fault site per PE accumulator. Built
 * with find_package(axsim) against the installed header only.
 */
#include <stdio.h>
#include <stdlib.h>

#include <axsim/axsim.h>

typedef struct pe {
  uint64_t pes;
  const ax_op *op;
  ax_time_t first, last;
} pe;

static int pe_init(ax_component *c, char *err, size_t errlen) {
  pe *p = calloc(1, sizeof *p);
  if (!p) return AX_ENOMEM;
  p->pes = (uint64_t)ax_param_int(c, "pes");
  if (p->pes % 4) {
    snprintf(err, errlen, "pes=%llu: must be a multiple of 4 (the PEs come in quads)",
             (unsigned long long)p->pes);
    free(p);
    return AX_EINVAL;
  }
  ax_comp_set_priv(c, p);
  return AX_OK;
}

static void pe_done(ax_component *c, uint64_t arg) {
  (void)arg;
  pe *p = ax_comp_priv(c);
  ax_msg m = {.kind = AX_MSG_DONE, .op = p->op};
  p->op = NULL;
  p->last = ax_now(ax_comp_sim(c));
  ax_port_send(ax_comp_port(c, "ctl"), &m);
}

static int pe_recv(ax_component *c, ax_port *port, const ax_msg *m) {
  (void)port;
  pe *p = ax_comp_priv(c);
  if (m->kind != AX_MSG_OP || p->op) return AX_EAGAIN;
  p->op = m->op;
  if (!p->first) p->first = ax_now(ax_comp_sim(c));
  uint64_t macs = ax_op_macs(m->op), cycles = (macs + p->pes - 1) / p->pes;
  ax_op_account(c, m->op->id, macs, AX_LVL_SRAM, 0);
  ax_op_util(c, m->op->id, macs, cycles * p->pes);
  ax_schedule_cycles(c, cycles, pe_done, 0);
  return AX_OK;
}

static int pe_sites(ax_component *c, ax_fault_site *out, int max) {
  pe *p = ax_comp_priv(c);
  if (max >= 1) {
    snprintf(out[0].name, sizeof out[0].name, "pe_acc");
    out[0].bits = p->pes * 32; /* one int32 accumulator per PE */
    out[0].live_from = p->first;
    out[0].live_to = p->last;
  }
  return 1;
}

static void pe_destroy(ax_component *c) { free(ax_comp_priv(c)); }

static const ax_param_def pe_params[] = {
    {"pes", AX_P_INT, "64", 4, 1 << 20, NULL, "processing elements, one MAC per cycle each (an example number)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};
static const ax_port_def pe_ports[] = {{"ctl", "OP in, DONE out"}, {NULL, NULL}};

static const ax_model my_pe = {
    .abi = AX_ABI_VERSION, .name = "my_pe", .doc = "out-of-tree example: pes MACs per cycle",
    .params = pe_params, .ports = pe_ports, .init = pe_init, .recv = pe_recv,
    .fault_sites = pe_sites, .destroy = pe_destroy};
static const ax_model *const models[] = {&my_pe, NULL};

/* The plug-in's entry point. */
const ax_model *const *ax_plugin_models(uint32_t abi) { return abi == AX_ABI_VERSION ? models : NULL; }
