/*
 * pim_logic.c - the `roofline` component: a compute unit behind a memory
 * interface of fixed bandwidth, timed by the roofline of each op:
 *   time = latency + max(bytes / bandwidth, ops / peak)
 * with bytes and ops from pim_opb.c (each weight or KV byte read once).
 * As Duplex's logic-die PIM: compute units on the HBM logic die reading
 * the DRAM dies over the TSVs at `bandwidth_gbps` (several times the
 * external bus), modest peak. As the xPU (GPU / NPU) of a baseline: the
 * external memory bandwidth and a high peak. One event per op.
 *
 * With `mem` linked (e.g. to a `dram` component), the op's bytes are not
 * timed by `bandwidth_gbps` but read through the memory as requests of
 * `request_bytes`, at most `outstanding` in flight, from sequential
 * addresses (weights streamed in order). To keep long traces affordable
 * only the first `sample_bytes` of each op are simulated and the measured
 * memory time is scaled by bytes / sampled: weight streaming is a steady
 * state, so the rate of a few hundred KB is the rate of the whole matrix.
 * The op ends at max(memory time, latency + compute time).
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#include "axsim/axsim.h"
#include "pim_opb.h"

typedef struct roof {
  double ps_per_byte, ps_per_op, pj_byte, pj_op;
  ax_time_t latency;
  ax_port *ctl, *mem;
  const ax_op *op;
  int reply_pending;
  uint64_t req_bytes, outstanding, sample;   /* memory path (mem linked) */
  uint64_t left, inflight, sampled, op_bytes, next_addr;
  ax_time_t started, compute_end, half_at;
  uint64_t answered, half_bytes;
  int compute_done, mem_done;
  uint64_t ops, bytes, flops, mem_bound;
  ax_time_t busy;
  char why[128];
} roof;

static int roof_init(ax_component *c, char *err, size_t errlen) {
  (void)err, (void)errlen;
  roof *r = calloc(1, sizeof *r);
  if (!r) return AX_ENOMEM;
  r->ps_per_byte = 1000.0 / ax_param_float(c, "bandwidth_gbps");
  r->ps_per_op = 1000.0 / ax_param_float(c, "peak_gops");
  r->latency = (ax_time_t)(ax_param_float(c, "latency_ns") * 1000.0 + 0.5);
  r->pj_byte = ax_param_float(c, "pj_per_byte");
  r->pj_op = ax_param_float(c, "pj_per_op");
  r->ctl = ax_comp_port(c, "ctl");
  r->mem = ax_comp_port(c, "mem");
  if (!ax_port_connected(r->mem)) r->mem = NULL;
  r->req_bytes = (uint64_t)ax_param_int(c, "request_bytes");
  r->outstanding = (uint64_t)ax_param_int(c, "outstanding");
  r->sample = (uint64_t)ax_param_int(c, "sample_bytes");
  ax_comp_set_priv(c, r);
  return AX_OK;
}

static void reply(ax_component *c, uint64_t arg) {
  (void)arg;
  roof *r = ax_comp_priv(c);
  ax_msg m = {.kind = AX_MSG_DONE, .op = r->op};
  if (ax_port_send(r->ctl, &m) == AX_EAGAIN) {
    r->reply_pending = 1;
    return;
  }
  r->reply_pending = 0;
  r->op = NULL;
}

static void finish(ax_component *c, uint64_t arg);

/* Issue read requests of the sampled part until `outstanding` are in flight. */
static void issue(ax_component *c, roof *r) {
  while (r->left && r->inflight < r->outstanding) {
    uint64_t n = r->left < r->req_bytes ? r->left : r->req_bytes;
    ax_msg m = {.kind = AX_MSG_MEM_REQ, .addr = r->next_addr, .bytes = n, .tag = r->op->id, .op = r->op};
    if (ax_port_send(r->mem, &m) != AX_OK) return; /* ready() resumes */
    r->next_addr += n, r->left -= n, r->inflight++;
    ax_op_traffic(c, r->op->id, ax_comp_name(ax_port_peer(r->mem)), n, 0);
  }
}

/* Sampled reads answered: the time up to half the sample's answers (the
 * pipeline fill and half the stream) counts once; the second half gives
 * the steady rate, which times the rest of the op's bytes. (The first
 * answer would not do: the controller reorders, so it can come late.) */
static void mem_sampled(ax_component *c, roof *r) {
  ax_time_t now = ax_now(ax_comp_sim(c));
  double t = (double)(now - r->started) * (double)r->op_bytes / (double)r->sampled; /* one-request sample */
  if (r->sampled > r->half_bytes)
    t = (double)(r->half_at - r->started) +
        (double)(now - r->half_at) * (double)(r->op_bytes - r->half_bytes) / (double)(r->sampled - r->half_bytes);
  ax_time_t end = r->started + (ax_time_t)(t + 0.5);
  if (end > r->compute_end) r->mem_bound++;
  if (end < r->compute_end) end = r->compute_end;
  r->busy += end - r->started;
  ax_schedule(c, end - now, finish, 0);
}

static void finish(ax_component *c, uint64_t arg) { reply(c, arg); }

static int roof_recv(ax_component *c, ax_port *p, const ax_msg *m) {
  roof *r = ax_comp_priv(c);
  if (r->mem && p == r->mem && m->kind == AX_MSG_MEM_RESP && r->op && r->inflight) {
    r->inflight--;
    r->answered += m->bytes;
    if (!r->half_bytes && 2 * r->answered >= r->sampled) r->half_at = ax_now(ax_comp_sim(c)), r->half_bytes = r->answered;
    if (r->left) issue(c, r);
    else if (!r->inflight) mem_sampled(c, r);
    return AX_OK;
  }
  if (m->kind != AX_MSG_OP || !m->op || r->op || p != r->ctl) {
    ax_fail(ax_comp_sim(c), "%s: unexpected message kind %d on port %s%s", ax_comp_name(c), m->kind, ax_port_name(p),
            r->op ? " while busy" : "");
    return AX_OK;
  }
  const ax_op *op = m->op;
  r->op = op;
  uint64_t by = ax_pim_op_bytes(op), macs = ax_op_macs(op);
  uint64_t ops = macs ? 2 * macs : (op->elems ? op->elems : by);
  double tm = (double)by * r->ps_per_byte, tc = (double)ops * r->ps_per_op;
  r->ops++, r->bytes += by, r->flops += ops;
  ax_energy(c, op->id, "op", ops, r->pj_op);
  ax_op_account(c, op->id, macs, AX_LVL_DRAM, by);
  if (r->mem && by) {
    r->started = ax_now(ax_comp_sim(c));
    r->answered = r->half_bytes = 0;
    r->compute_end = r->started + r->latency + (ax_time_t)(tc + 0.5);
    r->op_bytes = by;
    r->sampled = r->left = r->sample && r->sample < by ? r->sample : by;
    ax_energy(c, op->id, "byte", by - r->sampled, r->pj_byte); /* the memory charges the sampled bytes */
    issue(c, r);
    return AX_OK;
  }
  ax_energy(c, op->id, "byte", by, r->pj_byte);
  ax_time_t d = r->latency + (ax_time_t)((tm > tc ? tm : tc) + 0.5);
  if (tm > tc) r->mem_bound++;
  r->busy += d;
  ax_schedule(c, d, reply, 0);
  return AX_OK;
}

static void roof_ready(ax_component *c, ax_port *p) {
  roof *r = ax_comp_priv(c);
  if (p == r->ctl && r->reply_pending) reply(c, 0);
  if (r->mem && p == r->mem && r->op && r->left) issue(c, r);
}

static const char *roof_waiting(ax_component *c) {
  roof *r = ax_comp_priv(c);
  if (!r->op) return NULL;
  snprintf(r->why, sizeof r->why, "op '%s' running, %llu memory request(s) in flight", r->op->name,
           (unsigned long long)r->inflight);
  return r->why;
}

static void roof_stats(ax_component *c, ax_stats *s) {
  roof *r = ax_comp_priv(c);
  ax_stat_u64(s, "ops", r->ops, "ops");
  ax_stat_u64(s, "bytes", r->bytes, "bytes");
  ax_stat_u64(s, "flops", r->flops, "ops");
  ax_stat_u64(s, "memory_bound_ops", r->mem_bound, "ops");
  ax_stat_f64(s, "busy_ns", (double)r->busy / 1000.0, "ns");
}

static void roof_destroy(ax_component *c) { free(ax_comp_priv(c)); }

static const ax_param_def roof_params[] = {
    {"bandwidth_gbps", AX_P_FLOAT, "819.2", 1e-3, 1e9, NULL,
     "memory bandwidth in GB/s (819.2: one HBM3 stack, 1024 pins x 6.4 Gb/s, JESD238A)"},
    {"peak_gops", AX_P_FLOAT, "4096", 1e-3, 1e12, NULL, "peak operations per ns (2 per MAC)"},
    {"latency_ns", AX_P_FLOAT, "0", 0, 1e9, NULL, "fixed start-up per op (kernel launch, pipeline fill)"},
    {"pj_per_byte", AX_P_FLOAT, "31.2", 0, 1e6, NULL,
     "energy per byte from memory (3.9 pJ/bit: HBM2 access + I/O, O'Connor et al. MICRO 2017); with mem linked, charged only for the bytes beyond sample_bytes (the memory charges the sampled ones)"},
    {"request_bytes", AX_P_INT, "4096", 32, 1 << 24, NULL,
     "bytes per memory request with mem linked (4096: a 4 KB DMA chunk, our choice; the memory splits it into bursts)"},
    {"outstanding", AX_P_INT, "64", 1, 1 << 16, NULL,
     "memory requests in flight at most with mem linked (64: our sizing, 64 x 4 KB spans every bank of 8 GDDR6 channels)"},
    {"sample_bytes", AX_P_INT, "262144", 0, 1e15, NULL,
     "bytes of each op read through mem, the rest timed at the measured rate (0 = all: exact, slow; 262144: ours, within 3 % of 1 MB samples, docs/pim.md)"},
    {"pj_per_op", AX_P_FLOAT, "0.75", 0, 1e6, NULL, "energy per operation (half an fp16 MAC, Horowitz ISSCC 2014)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def roof_ports[] = {{"ctl", "OP in, DONE out"},
                                          {"mem", "memory requests (optional: unlinked = bandwidth_gbps)"},
                                          {NULL, NULL}};

const ax_model ax_model_roofline = {
    .abi = AX_ABI_VERSION,
    .name = "roofline",
    .doc = "compute behind a fixed-bandwidth memory, timed per op by its roofline (logic-die PIM, xPU baselines)",
    .params = roof_params,
    .ports = roof_ports,
    .init = roof_init,
    .recv = roof_recv,
    .ready = roof_ready,
    .waiting = roof_waiting,
    .stats = roof_stats,
    .destroy = roof_destroy,
};
