/*
 * vector.c - a SIMD vector unit for the ops a MAC array does not run:
 * elementwise / activation, softmax, layer and RMS norm, pooling,
 * embedding lookup and data movement.
 *
 * Compute time: ceil(elements x passes / lanes) cycles plus a pipeline
 * latency, where `passes` is how many times the op walks its data (softmax:
 * max, exp-and-sum, scale = 3; norm: statistics, scale = 2; pool: k_h x k_w
 * reads per output). With `mem` linked, inputs are read and outputs written
 * as requests of `burst_bytes`, at most `outstanding` in flight; the op
 * ends when both its compute and its last write are done, so memory stalls
 * come from the memory model's timing, not from a constant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axsim/axsim.h"

typedef struct vec {
  ax_component *c;
  uint64_t lanes, latency, burst, outstanding;
  double pj_op, pj_byte;
  ax_port *ctl, *mem;
  /* the op in progress */
  const ax_op *op;
  uint64_t rd_left, wr_left;     /* bytes not yet requested */
  uint64_t inflight;             /* requests not yet answered */
  uint64_t rd_pending;           /* reads not yet answered */
  int compute_done, writing, reply_pending;
  uint64_t next_addr;
  uint64_t lane_ops;             /* lane operations of the op in progress */
  ax_time_t started;
  uint64_t ops, busy_cycles, elems_total;
  char why[160];
} vec;

static int vec_init(ax_component *c, char *err, size_t errlen) {
  (void)err, (void)errlen;
  vec *v = calloc(1, sizeof *v);
  if (!v) return AX_ENOMEM;
  v->c = c;
  v->lanes = (uint64_t)ax_param_int(c, "lanes");
  v->latency = (uint64_t)ax_param_int(c, "latency_cycles");
  v->burst = (uint64_t)ax_param_int(c, "burst_bytes");
  v->outstanding = (uint64_t)ax_param_int(c, "outstanding");
  v->pj_op = ax_param_float(c, "pj_per_op");
  v->ctl = ax_comp_port(c, "ctl");
  v->mem = ax_comp_port(c, "mem");
  ax_comp_set_priv(c, v);
  return AX_OK;
}

/* Elements an op touches, passes over them, and bytes in / out. */
static int shape(const ax_op *op, uint64_t *elems, uint64_t *passes, uint64_t *in_b, uint64_t *out_b) {
  uint64_t eb = ax_dtype_bytes(op->dtype), b = op->batch ? op->batch : 1;
  switch (op->kind) {
  case AX_OP_ELTWISE:
    *elems = op->elems, *passes = 1;
    *in_b = op->elems * eb * (op->sub == AX_ELT_ADD || op->sub == AX_ELT_MUL ? 2 : 1);
    *out_b = op->elems * eb;
    return 0;
  case AX_OP_SOFTMAX:
    *elems = op->elems, *passes = 3, *in_b = *out_b = op->elems * eb;
    return 0;
  case AX_OP_NORM:
    *elems = op->elems, *passes = 2, *in_b = *out_b = op->elems * eb;
    return 0;
  case AX_OP_POOL: {
    uint32_t oh, ow;
    ax_op_out_hw(op, &oh, &ow);
    *elems = b * op->in_c * oh * ow, *passes = (uint64_t)op->k_h * op->k_w;
    *in_b = b * op->in_c * op->in_h * op->in_w * eb;
    *out_b = *elems * eb;
    return 0;
  }
  case AX_OP_EMBED:
    *elems = op->m * op->n, *passes = 1, *in_b = *out_b = op->m * op->n * eb;
    return 0;
  case AX_OP_MOVE:
    *elems = (op->bytes + eb - 1) / eb, *passes = 1, *in_b = *out_b = op->bytes;
    return 0;
  default:
    return -1;
  }
}

static void maybe_finish(vec *v);

static void issue(vec *v) {
  while (v->inflight < v->outstanding && (v->rd_left || (v->writing && v->wr_left))) {
    int wr = !v->rd_left;
    uint64_t *left = wr ? &v->wr_left : &v->rd_left;
    uint64_t n = *left < v->burst ? *left : v->burst;
    ax_msg m = {.kind = AX_MSG_MEM_REQ, .flags = wr ? AX_MSG_WRITE : 0, .addr = v->next_addr,
                .bytes = n, .tag = v->op->id, .op = v->op};
    if (ax_port_send(v->mem, &m) != AX_OK) return; /* ready() resumes */
    v->next_addr += n;
    *left -= n;
    v->inflight++;
    if (!wr) v->rd_pending++;
    ax_op_account(v->c, v->op->id, 0, AX_LVL_DRAM, n);
    ax_op_traffic(v->c, v->op->id, ax_comp_name(ax_port_peer(v->mem)), wr ? 0 : n, wr ? n : 0);
  }
}

static void compute_done(ax_component *c, uint64_t arg) {
  (void)arg;
  vec *v = ax_comp_priv(c);
  v->compute_done = 1;
  maybe_finish(v);
}

static void reply(vec *v) {
  ax_msg m = {.kind = AX_MSG_DONE, .op = v->op};
  if (ax_port_send(v->ctl, &m) == AX_EAGAIN) {
    v->reply_pending = 1;
    return;
  }
  /* Utilisation over the op's whole time here, memory waits included. */
  uint64_t cycles = (ax_now(ax_comp_sim(v->c)) - v->started) / ax_comp_period(v->c);
  ax_op_util(v->c, v->op->id, v->lane_ops, cycles * v->lanes);
  v->reply_pending = 0;
  v->op = NULL;
}

/* Reads answered and compute done: write the output, then answer DONE. */
static void maybe_finish(vec *v) {
  if (!v->op || !v->compute_done || v->rd_pending) return;
  if (v->mem && !v->writing) {
    v->writing = 1;
    issue(v);
  }
  if (v->mem && (v->wr_left || v->inflight)) return;
  reply(v);
}

static int vec_recv(ax_component *c, ax_port *p, const ax_msg *m) {
  vec *v = ax_comp_priv(c);
  if (p == v->mem) {
    if (m->kind != AX_MSG_MEM_RESP) goto bad;
    v->inflight--;
    if (!(m->flags & AX_MSG_WRITE)) v->rd_pending--;
    issue(v);
    maybe_finish(v);
    return AX_OK;
  }
  if (m->kind != AX_MSG_OP || !m->op) goto bad;
  if (v->op) {
    ax_fail(ax_comp_sim(c), "%s: got op '%s' while running '%s' (one op at a time)", ax_comp_name(c),
            m->op->name, v->op->name);
    return AX_OK;
  }
  uint64_t elems, passes, in_b, out_b;
  if (shape(m->op, &elems, &passes, &in_b, &out_b) != 0) {
    ax_fail(ax_comp_sim(c), "%s: a vector unit cannot run %s op '%s'; map it to a MAC unit",
            ax_comp_name(c), ax_op_kind_name(m->op->kind), m->op->name);
    return AX_OK;
  }
  v->op = m->op;
  v->compute_done = v->writing = 0;
  v->ops++;
  v->elems_total += elems;
  uint64_t cycles = (elems * passes + v->lanes - 1) / v->lanes + v->latency;
  v->busy_cycles += cycles;
  v->lane_ops = elems * passes;
  v->started = ax_now(ax_comp_sim(c));
  ax_energy(c, m->op->id, "lane_op", elems * passes, v->pj_op);
  ax_op_account(c, m->op->id, 0, AX_LVL_SRAM, in_b + out_b);
  ax_schedule_cycles(c, cycles, compute_done, 0);
  if (v->mem && ax_port_connected(v->mem)) {
    v->rd_left = in_b;
    v->wr_left = out_b;
    issue(v);
  } else {
    v->mem = NULL;
  }
  return AX_OK;
bad:
  ax_fail(ax_comp_sim(c), "%s: unexpected message kind %d on port %s", ax_comp_name(c), m->kind,
          ax_port_name(p));
  return AX_OK;
}

static void vec_ready(ax_component *c, ax_port *p) {
  vec *v = ax_comp_priv(c);
  if (p == v->ctl && v->reply_pending) reply(v);
  else if (v->op) issue(v);
}

static const char *vec_waiting(ax_component *c) {
  vec *v = ax_comp_priv(c);
  if (!v->op) return NULL;
  snprintf(v->why, sizeof v->why, "op '%s': %llu memory answer(s) outstanding%s", v->op->name,
           (unsigned long long)v->inflight, v->reply_pending ? ", DONE not accepted" : "");
  return v->why;
}

static void vec_stats(ax_component *c, ax_stats *s) {
  vec *v = ax_comp_priv(c);
  ax_stat_u64(s, "ops", v->ops, "ops");
  ax_stat_u64(s, "busy_cycles", v->busy_cycles, "cycles");
  ax_stat_u64(s, "elements", v->elems_total, "elems");
}

static void vec_destroy(ax_component *c) { free(ax_comp_priv(c)); }

static const ax_param_def vec_params[] = {
    {"lanes", AX_P_INT, "16", 1, 1 << 16, NULL,
     "elements per cycle (16: a 512-bit SIMD datapath on 32-bit values)"},
    {"latency_cycles", AX_P_INT, "8", 0, 1 << 20, NULL, "pipeline fill per op (8: a typical FP pipeline depth)"},
    {"burst_bytes", AX_P_INT, "64", 1, 1 << 20, NULL, "bytes per memory request (64: one DRAM burst, BL8 x 64 bit)"},
    {"outstanding", AX_P_INT, "16", 1, 1 << 16, NULL, "memory requests in flight at most"},
    {"pj_per_op", AX_P_FLOAT, "1.0", 0, 1e6, NULL,
     "energy of one lane operation (1 pJ: order of a 32-bit FP add/mul at 45 nm, Horowitz ISSCC 2014: 0.9 / 3.7 pJ)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def vec_ports[] = {{"ctl", "OP in, DONE out"},
                                        {"mem", "memory requests (optional: unlinked = ideal memory)"},
                                        {NULL, NULL}};

const ax_model ax_model_vector = {
    .abi = AX_ABI_VERSION,
    .name = "vector",
    .doc = "SIMD vector unit: eltwise, softmax, norm, pool, embed, move",
    .params = vec_params,
    .ports = vec_ports,
    .init = vec_init,
    .recv = vec_recv,
    .ready = vec_ready,
    .waiting = vec_waiting,
    .stats = vec_stats,
    .destroy = vec_destroy,
};
