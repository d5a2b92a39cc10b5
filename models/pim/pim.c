/*
 * pim.c - the `pim` component: DRAM channels with a MAC unit per bank
 * (AiM / HBM-PIM / PIM-GPT style) running GEMV, small-batch GEMM and
 * attention ops by all-bank PIM commands.
 *
 * An op is timed by pim_gemv.c in one go when it arrives (one event per
 * op, nothing ticks): gemv [m x k] is one GEMV of `batch` vectors; gemm
 * [m x k][k x n] is W = [n x k] with m x batch vectors; attention is, per
 * sequence and KV head, a score GEMV over K [kv_len x head_dim] and a
 * context GEMV over V^T [head_dim x kv_len], each with the heads sharing
 * that KV head (GQA) x q_len vectors. The refresh phase carries from op to
 * op. Energy per action from the DRAM standard's IDD currents (activation,
 * column read) plus a MAC energy; the partitioning (rows per bank, DRAM
 * rows per output row, channels used) is reported per op in the stats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axsim/axsim.h"
#include "pim_gemv.h"
#include "sim.h"

typedef struct pim {
  ax_component *c;
  ax_dram_cfg cfg;
  ax_pim_timing t;
  ax_pim_geom g;
  ax_port *ctl;
  const ax_op *op;
  int reply_pending;
  uint64_t ref_due;     /* cycle the next refresh is due */
  uint64_t bank_free;   /* cycle the banks are precharged and past tRP */
  double pj_act, pj_col, pj_mac, pj_burst;
  ax_pim_result tot;
  uint64_t ops, busy_cycles;
  uint64_t last_rows_per_bank, last_chunks, max_rows_per_bank;
  char why[160];
} pim;

static int pim_init(ax_component *c, char *err, size_t errlen) {
  pim *p = ax_xcalloc(1, sizeof *p);
  p->c = c;
  ax_comp_set_priv(c, p);
  char e[400];
  if (ax_dram_preset(&p->cfg, ax_param_str(c, "preset"), e, sizeof e) != AX_OK ||
      ax_dram_cfg_finish(&p->cfg, e, sizeof e) != AX_OK) {
    ax_errf(err, errlen, "preset: %s", e);
    return AX_EINVAL;
  }
  /* every command spacing from the PIM standard's table (models/dram/std_pim.c) */
  if (ax_pim_timing_from_dram(&p->t, &p->cfg, (int)ax_param_int(c, "mac_latency"), e, sizeof e) != AX_OK) {
    ax_errf(err, errlen, "preset: %s", e);
    return AX_EINVAL;
  }
  ax_pim_geom *g = &p->g;
  g->channels = (int)ax_param_int(c, "channels");
  g->banks = ax_param_is_set(c, "banks") ? (int)ax_param_int(c, "banks") : p->cfg.banks;
  g->bankgroups = ax_param_is_set(c, "banks") ? 1 : p->cfg.bankgroups;
  g->row_bytes = (int)ax_param_int(c, "row_bytes");
  g->col_bytes = (int)ax_param_int(c, "col_bytes");
  g->burst_bytes = (int)ax_param_int(c, "burst_bytes");
  g->gb_bytes = (int)ax_param_int(c, "gb_bytes");
  g->accs = (int)ax_param_int(c, "accs");
  g->stagger = ax_param_bool(c, "stagger");
  g->refresh = ax_param_bool(c, "refresh");
  if (ax_pim_geom_check(g, err, errlen) != AX_OK) return AX_EINVAL;
  ax_comp_set_period(c, (ax_time_t)(p->cfg.tCK_ns * 1000.0 + 0.5));
  p->ref_due = (uint64_t)p->t.tREFI;
  /* DRAMPower-style energies per device (mA x V x ns = pJ):
   * ACT+PRE: (IDD0 tRC - IDD3N tRAS - IDD2N (tRC - tRAS)) VDD tCK;
   * one column read: (IDD4R - IDD3N) VDD BURST tCK */
  const ax_dram_cfg *d = &p->cfg;
  double tck = d->tCK_ns;
  double tRC = d->t[AX_DRAM_TP_tRC], tRAS = d->t[AX_DRAM_TP_tRAS];
  p->pj_act = (d->IDD0 * tRC - d->IDD3N * tRAS - d->IDD2N * (tRC - tRAS)) * d->VDD * tck;
  p->pj_col = (d->IDD4R - d->IDD3N) * d->VDD * (d->t[AX_DRAM_TP_BURST] > 0 ? d->t[AX_DRAM_TP_BURST] : 1) * tck;
  p->pj_burst = p->pj_col;
  p->pj_mac = ax_param_float(c, "pj_per_mac");
  p->ctl = ax_comp_port(c, "ctl");
  return AX_OK;
}

static void reply(pim *p) {
  ax_msg m = {.kind = AX_MSG_DONE, .op = p->op};
  if (ax_port_send(p->ctl, &m) == AX_EAGAIN) {
    p->reply_pending = 1;
    return;
  }
  p->reply_pending = 0;
  p->op = NULL;
}

static void done_ev(ax_component *c, uint64_t arg) {
  (void)arg;
  reply(ax_comp_priv(c));
}

static void add(ax_pim_result *a, const ax_pim_result *b) {
  a->act_ab += b->act_ab, a->mac_ab += b->mac_ab, a->pre_ab += b->pre_ab, a->wrgb += b->wrgb;
  a->rdres += b->rdres, a->refs += b->refs, a->bank_acts += b->bank_acts, a->bank_cols += b->bank_cols;
  a->macs += b->macs, a->mac_slots += b->mac_slots, a->jumped_tiles += b->jumped_tiles;
}

/* Time op from cycle `start`; returns its end cycle and sums into r. */
static uint64_t run_op(pim *p, const ax_op *op, uint64_t start, ax_pim_result *r) {
  int eb = (int)ax_dtype_bytes(op->dtype);
  uint64_t b = op->batch ? op->batch : 1, t = start;
  ax_pim_result x;
  memset(r, 0, sizeof *r);
  if (op->kind == AX_OP_GEMV || op->kind == AX_OP_GEMM) {
    ax_pim_gemv gv = {.m = op->kind == AX_OP_GEMV ? op->m : op->n, .k = op->k,
                      .vectors = op->kind == AX_OP_GEMV ? b : op->m * b, .elem_bytes = eb, .out_bytes = eb};
    ax_pim_gemv_time(&p->t, &p->g, &gv, t, &p->ref_due, &x);
    add(r, &x);
    p->last_rows_per_bank = x.rows_per_bank, p->last_chunks = x.chunks;
    return t + x.cycles;
  }
  /* attention: per sequence and KV head, QK^T then PV */
  uint64_t kvh = op->kv_heads ? op->kv_heads : op->heads, grp = op->heads / kvh;
  ax_pim_gemv sc = {.m = op->kv_len, .k = op->head_dim, .vectors = grp * op->q_len, .elem_bytes = eb, .out_bytes = eb};
  ax_pim_gemv cx = {.m = op->head_dim, .k = op->kv_len, .vectors = grp * op->q_len, .elem_bytes = eb, .out_bytes = eb};
  for (uint64_t i = 0; i < b * kvh; i++) {
    ax_pim_gemv_time(&p->t, &p->g, &sc, t, &p->ref_due, &x);
    t += x.cycles + (uint64_t)p->t.pre_act;
    add(r, &x);
    ax_pim_gemv_time(&p->t, &p->g, &cx, t, &p->ref_due, &x);
    t += x.cycles + (uint64_t)p->t.pre_act;
    add(r, &x);
  }
  p->last_rows_per_bank = x.rows_per_bank, p->last_chunks = x.chunks;
  return t;
}

static int pim_recv(ax_component *c, ax_port *port, const ax_msg *m) {
  pim *p = ax_comp_priv(c);
  if (m->kind != AX_MSG_OP || !m->op) {
    ax_fail(ax_comp_sim(c), "%s: unexpected message kind %d on port %s", ax_comp_name(c), m->kind, ax_port_name(port));
    return AX_OK;
  }
  const ax_op *op = m->op;
  if (op->kind != AX_OP_GEMV && op->kind != AX_OP_GEMM && op->kind != AX_OP_ATTENTION) {
    ax_fail(ax_comp_sim(c), "%s: PIM banks run gemv, gemm and attention; op '%s' is %s: map it to the controller / vector unit",
            ax_comp_name(c), op->name, ax_op_kind_name(op->kind));
    return AX_OK;
  }
  if (p->op) {
    ax_fail(ax_comp_sim(c), "%s: got op '%s' while running '%s'", ax_comp_name(c), op->name, p->op->name);
    return AX_OK;
  }
  p->op = op;
  uint64_t now = ax_comp_cycle(c);
  if (ax_now(ax_comp_sim(c)) % ax_comp_period(c)) now++;
  uint64_t start = now > p->bank_free ? now : p->bank_free;
  if (p->ref_due < start) { /* refreshes that fell due while idle were taken then */
    uint64_t n = (start - p->ref_due) / (uint64_t)p->t.tREFI + 1;
    p->tot.refs += n * (uint64_t)p->g.channels;
    p->ref_due += n * (uint64_t)p->t.tREFI;
  }
  ax_pim_result r;
  uint64_t end = run_op(p, op, start, &r);
  p->bank_free = end + (uint64_t)p->t.pre_act;
  add(&p->tot, &r);
  p->ops++;
  p->busy_cycles += end - now;
  if (p->last_rows_per_bank > p->max_rows_per_bank) p->max_rows_per_bank = p->last_rows_per_bank;
  /* a PIM channel is one x16 device: the IDD energies count once per bank */
  uint64_t dev = 1;
  ax_energy(c, op->id, "act_bank", r.bank_acts * dev, p->pj_act);
  ax_energy(c, op->id, "col_bank", r.bank_cols * dev, p->pj_col);
  ax_energy(c, op->id, "mac", r.macs, p->pj_mac);
  ax_energy(c, op->id, "bus_burst", (r.wrgb + r.rdres) * dev, p->pj_burst);
  ax_op_account(c, op->id, r.macs, AX_LVL_DRAM, (r.wrgb + r.rdres) * (uint64_t)p->g.burst_bytes);
  ax_op_util(c, op->id, r.macs, r.mac_slots);
  ax_schedule_cycles(c, end - now, done_ev, 0);
  return AX_OK;
}

static void pim_ready(ax_component *c, ax_port *port) {
  pim *p = ax_comp_priv(c);
  if (port == p->ctl && p->reply_pending) reply(p);
}

static const char *pim_waiting(ax_component *c) {
  pim *p = ax_comp_priv(c);
  if (!p->op) return NULL;
  snprintf(p->why, sizeof p->why, "op '%s'%s", p->op->name, p->reply_pending ? ": DONE not accepted" : " running");
  return p->why;
}

static void pim_stats(ax_component *c, ax_stats *s) {
  pim *p = ax_comp_priv(c);
  ax_stat_u64(s, "ops", p->ops, "ops");
  ax_stat_u64(s, "busy_cycles", p->busy_cycles, "cycles");
  ax_stat_u64(s, "act_ab", p->tot.act_ab, "cmds");
  ax_stat_u64(s, "mac_ab", p->tot.mac_ab, "cmds");
  ax_stat_u64(s, "pre_ab", p->tot.pre_ab, "cmds");
  ax_stat_u64(s, "wrgb", p->tot.wrgb, "cmds");
  ax_stat_u64(s, "rdres", p->tot.rdres, "cmds");
  ax_stat_u64(s, "refab", p->tot.refs, "cmds");
  ax_stat_u64(s, "macs", p->tot.macs, "macs");
  ax_stat_f64(s, "mac_utilization", p->tot.mac_slots ? (double)p->tot.macs / (double)p->tot.mac_slots : 0, "ratio");
  ax_stat_u64(s, "max_rows_per_bank", p->max_rows_per_bank, "rows");
  ax_stat_u64(s, "tiles_jumped", p->tot.jumped_tiles, "tiles");
  ax_stat_u64(s, "channels", (uint64_t)p->g.channels, "channels");
  ax_stat_u64(s, "banks_per_channel", (uint64_t)p->g.banks, "banks");
}

static void pim_destroy(ax_component *c) { free(ax_comp_priv(c)); }

static const ax_param_def pim_params[] = {
    {"preset", AX_P_ENUM, "GDDR6", 0, 0, "DDR4-3200|DDR5-4800|LPDDR4-3200|LPDDR5-6400|HBM2|HBM3|GDDR6",
     "DRAM standard and timing (models/dram presets; GDDR6: AiM and PIM-GPT build on GDDR6)"},
    {"channels", AX_P_INT, "8", 1, 4096, NULL, "PIM channels working in lockstep (8: PIM-GPT-like, our reading of Wu et al. 2023)"},
    {"banks", AX_P_INT, "16", 1, AX_PIM_MAX_BANKS, NULL, "banks per channel, each with a MAC unit (default: the preset's, 16 for GDDR6 per JESD250C)"},
    {"row_bytes", AX_P_INT, "2048", 32, 1 << 20, NULL, "DRAM page per bank (2 KB: GDDR6 x16 page, AiM, Lee et al. ISSCC 2022)"},
    {"col_bytes", AX_P_INT, "32", 1, 4096, NULL, "bytes a bank feeds its MAC unit per MAC_AB (32 B = 256 bit: AiM)"},
    {"burst_bytes", AX_P_INT, "32", 1, 4096, NULL, "bytes per global-buffer write / result read burst (32 B: x16 BL16)"},
    {"gb_bytes", AX_P_INT, "2048", 32, 1 << 24, NULL, "global buffer per channel holding the broadcast input (2 KB: AiM)"},
    {"accs", AX_P_INT, "16", 1, 1 << 20, NULL, "partial-sum registers per bank MAC unit (16: our choice; AiM keeps one output per bank)"},
    {"mac_latency", AX_P_INT, "4", 0, 1 << 16, NULL, "cycles from the last MAC_AB to a readable result (4: a MAC pipeline of one tCCD_L)"},
    {"stagger", AX_P_BOOL, "false", 0, 0, NULL, "ACT_AB as per-bank ACTs under tRRD/tFAW (standard power); false: one all-bank command as AiM"},
    {"refresh", AX_P_BOOL, "true", 0, 0, NULL, "all-bank refresh every tREFI, taken at tile boundaries"},
    {"pj_per_mac", AX_P_FLOAT, "1.5", 0, 1e6, NULL, "one fp16 MAC (1.1 pJ mult + 0.4 pJ add at 45 nm: Horowitz ISSCC 2014)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def pim_ports[] = {{"ctl", "OP in, DONE out"}, {NULL, NULL}};

const ax_model ax_model_pim = {
    .abi = AX_ABI_VERSION,
    .name = "pim",
    .doc = "bank-level DRAM-PIM (AiM / PIM-GPT style): GEMV / small GEMM / attention by all-bank PIM commands",
    .params = pim_params,
    .ports = pim_ports,
    .init = pim_init,
    .recv = pim_recv,
    .ready = pim_ready,
    .waiting = pim_waiting,
    .stats = pim_stats,
    .destroy = pim_destroy,
};
