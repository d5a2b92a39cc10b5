/*
 * systolic.c - the `systolic` model: a rows x cols PE array with output-,
 * weight- or input-stationary dataflow and double-buffered ifmap / filter /
 * ofmap SRAMs.
 *
 * An op (conv2d, gemm, gemv, attention) becomes one or more GEMMs, each
 * cut into folds (systolic_map.c). Nothing ticks:
 *  - `mem` not linked (ideal memory): the op costs one event; its cycles
 *    are SCALE-Sim v2's (sum over its GEMMs of folds * fold_cycles - 1).
 *  - `mem` linked: folds are events. Fold i's operand tiles are read from
 *    memory as AX_MSG_MEM_REQ of burst_bytes while fold i-1 computes (the
 *    other half of each double buffer), at most `outstanding` in flight;
 *    fold i starts when its data is in and fold i-1 is done; its outputs
 *    are written back after it ends. Stalls come from the memory's timing.
 *    Which tiles a fold reads is axsim's reuse model (ax_sa_fold_dram).
 * Energy per action, per op: MACs by data type, SRAM reads / writes per
 * byte scaled with SRAM size, DRAM bytes (ideal memory only: a linked
 * memory charges its own), leakage per cycle.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axsim/axsim.h"
#include "systolic_map.h"

#define MAX_GEMMS 4

/* One GEMM shape an op runs `count` times back to back. */
typedef struct sa_gemm {
  uint64_t count, m, n, k;
  ax_sa_layer layer;    /* conv geometry (padded input), for ifmap reuse */
  int has_layer;
  ax_sa_geom g;
  ax_sa_layer_report r; /* per instance */
} sa_gemm;

typedef struct sa_slot {   /* one half of the double buffers */
  uint64_t fold;           /* global fold index it holds or loads */
  uint64_t rd_left;        /* bytes not yet requested */
  uint64_t rd_pending;     /* requests not yet answered */
  int active;
} sa_slot;

typedef struct sa {
  ax_component *c;
  ax_sa_array a;
  ax_port *ctl, *mem;
  uint64_t burst, outstanding;
  double pj_mac[AX_DTYPE_N], pj_sram[3], pj_dram, leak_pj_cycle;
  /* the op in progress */
  const ax_op *op;
  sa_gemm gm[MAX_GEMMS];
  int ngm;
  uint64_t nfolds;         /* all folds of the op, all GEMMs, all counts */
  uint64_t cur;            /* fold computing or next to compute */
  uint64_t prefetched;     /* folds [0, prefetched) have had loads set up */
  int computing, reply_pending;
  sa_slot slot[2];
  uint64_t wr_left, inflight;
  uint64_t addr_rd, addr_wr;
  ax_time_t op_start;
  uint64_t ideal_cycles, op_macs;
  /* statistics */
  uint64_t ops, folds_run, busy_cycles, stall_cycles, macs;
  uint64_t sram_rd[2], sram_wr, dram_rd_bytes, dram_wr_bytes;
  ax_time_t first_busy, last_busy;
  int ever_busy;
  char why[200];
} sa;

/* ---- parameters --------------------------------------------------------- */

static const ax_param_def sa_params[] = {
    {"rows", AX_P_INT, "32", 1, 65536, NULL,
     "PE rows (32: SCALE-Sim v2's default configs/scale.cfg array)"},
    {"cols", AX_P_INT, "32", 1, 65536, NULL, "PE columns (32: SCALE-Sim v2 default)"},
    {"dataflow", AX_P_ENUM, "os", 0, 0, "os|ws|is",
     "output, weight or input stationary (os: SCALE-Sim v2 default)"},
    {"ifmap_sram_kb", AX_P_INT, "64", 1, 1 << 30, NULL,
     "ifmap SRAM, KiB, both halves of the double buffer (64: SCALE-Sim v2 reference configs)"},
    {"filter_sram_kb", AX_P_INT, "64", 1, 1 << 30, NULL, "filter SRAM, KiB (64: as above)"},
    {"ofmap_sram_kb", AX_P_INT, "64", 1, 1 << 30, NULL, "ofmap SRAM, KiB (64: as above)"},
    {"word_bytes", AX_P_INT, "1", 1, 8, NULL,
     "bytes per SRAM word / operand element (1: int8, SCALE-Sim v2's fixed word size)"},
    {"burst_bytes", AX_P_INT, "64", 1, 1 << 20, NULL,
     "bytes per memory request (64: one DDR4 BL8 x 64-bit burst, JESD79-4)"},
    {"outstanding", AX_P_INT, "32", 1, 1 << 16, NULL, "memory requests in flight at most"},
    {"pj_mac_int8", AX_P_FLOAT, "0.23", 0, 1e6, NULL,
     "int8 MAC energy, pJ: 8-bit mult 0.2 + 8-bit add 0.03 (Horowitz, ISSCC 2014, 45 nm)"},
    {"pj_mac_int16", AX_P_FLOAT, "0.5", 0, 1e6, NULL,
     "int16 MAC, pJ: between 8-bit (0.23) and 32-bit (3.1+0.1) multiply-add, Horowitz ISSCC 2014 "
     "(multiplier energy ~ bits^2: 0.2 x 4 = 0.8 is the upper bound; 0.5 chosen mid-way)"},
    {"pj_mac_int32", AX_P_FLOAT, "3.2", 0, 1e6, NULL,
     "int32 MAC, pJ: 32-bit mult 3.1 + add 0.1 (Horowitz, ISSCC 2014, 45 nm)"},
    {"pj_mac_fp16", AX_P_FLOAT, "1.5", 0, 1e6, NULL,
     "fp16 MAC, pJ: fp16 mult 1.1 + add 0.4 (Horowitz, ISSCC 2014, 45 nm)"},
    {"pj_mac_bf16", AX_P_FLOAT, "1.5", 0, 1e6, NULL,
     "bf16 MAC, pJ: taken equal to fp16 (Horowitz, ISSCC 2014 gives no bf16 figure)"},
    {"pj_mac_fp32", AX_P_FLOAT, "4.6", 0, 1e6, NULL,
     "fp32 MAC, pJ: fp32 mult 3.7 + add 0.9 (Horowitz, ISSCC 2014, 45 nm)"},
    {"pj_sram_byte", AX_P_FLOAT, "0", 0, 1e6, NULL,
     "SRAM energy per byte read or written, pJ; 0 = from each SRAM's size: 1.25 x sqrt(KiB / 8) "
     "pJ/B, the fit of Horowitz ISSCC 2014's 64-bit accesses: 8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ"},
    {"pj_dram_byte", AX_P_FLOAT, "120", 0, 1e6, NULL,
     "DRAM energy per byte when `mem` is not linked (120 pJ/B = 15 pJ/bit, DDR4 order per "
     "O'Connor et al., MICRO 2017); a linked memory charges its own"},
    {"leakage_mw", AX_P_FLOAT, "0", 0, 1e9, NULL,
     "static power while an op runs, mW (0: no public figure fits every node; set it from your "
     "technology library)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def sa_ports[] = {
    {"ctl", "AX_MSG_OP in (conv2d, gemm, gemv, attention), AX_MSG_DONE out"},
    {"mem", "operand reads / output writes (optional: unlinked = ideal memory)"},
    {NULL, NULL}};

static double sram_pj(double pj_param, uint64_t bytes)
{
  if (pj_param > 0) return pj_param;
  return 1.25 * sqrt((double)bytes / 8192.0);
}

static int sa_init(ax_component *c, char *err, size_t errlen)
{
  sa *s = calloc(1, sizeof *s);
  if (!s) return AX_ENOMEM;
  s->c = c;
  s->a.rows = (uint32_t)ax_param_int(c, "rows");
  s->a.cols = (uint32_t)ax_param_int(c, "cols");
  s->a.df = (ax_sa_dataflow)ax_sa_dataflow_parse(ax_param_str(c, "dataflow"));
  s->a.ifmap_sram_bytes = (uint64_t)ax_param_int(c, "ifmap_sram_kb") * 1024;
  s->a.filter_sram_bytes = (uint64_t)ax_param_int(c, "filter_sram_kb") * 1024;
  s->a.ofmap_sram_bytes = (uint64_t)ax_param_int(c, "ofmap_sram_kb") * 1024;
  s->a.word_bytes = (uint32_t)ax_param_int(c, "word_bytes");
  s->burst = (uint64_t)ax_param_int(c, "burst_bytes");
  s->outstanding = (uint64_t)ax_param_int(c, "outstanding");
  if ((int)s->a.df < 0) {
    snprintf(err, errlen, "dataflow: expected os, ws or is");
    free(s);
    return AX_EINVAL;
  }
  s->pj_mac[AX_INT8] = ax_param_float(c, "pj_mac_int8");
  s->pj_mac[AX_INT16] = ax_param_float(c, "pj_mac_int16");
  s->pj_mac[AX_INT32] = ax_param_float(c, "pj_mac_int32");
  s->pj_mac[AX_FP16] = ax_param_float(c, "pj_mac_fp16");
  s->pj_mac[AX_BF16] = ax_param_float(c, "pj_mac_bf16");
  s->pj_mac[AX_FP32] = ax_param_float(c, "pj_mac_fp32");
  double p = ax_param_float(c, "pj_sram_byte");
  s->pj_sram[0] = sram_pj(p, s->a.ifmap_sram_bytes);
  s->pj_sram[1] = sram_pj(p, s->a.filter_sram_bytes);
  s->pj_sram[2] = sram_pj(p, s->a.ofmap_sram_bytes);
  s->pj_dram = ax_param_float(c, "pj_dram_byte");
  /* mW x ps = 1e-3 pJ */
  s->leak_pj_cycle = ax_param_float(c, "leakage_mw") * (double)ax_comp_period(c) * 1e-3;
  s->ctl = ax_comp_port(c, "ctl");
  s->mem = ax_comp_port(c, "mem");
  ax_comp_set_priv(c, s);
  return AX_OK;
}

/* ---- ops as GEMMs ------------------------------------------------------- */

static int add_gemm(sa *s, uint64_t count, uint64_t m, uint64_t n, uint64_t k)
{
  if (count == 0 || m == 0 || n == 0 || k == 0) return 0;
  if (s->ngm == MAX_GEMMS) return -1;
  sa_gemm *g = &s->gm[s->ngm++];
  g->count = count, g->m = m, g->n = n, g->k = k;
  g->has_layer = 0;
  ax_sa_geom_gemm(&s->a, m, n, k, &g->g);
  return 0;
}

/* The GEMMs an op runs; -1 if the array cannot run it. A conv uses the
 * layer form so SCALE-Sim's ifmap holes are known (reports only). */
static int op_gemms(sa *s, const ax_op *op)
{
  s->ngm = 0;
  switch (op->kind) {
  case AX_OP_CONV2D: {
    uint32_t oh, ow;
    ax_op_out_hw(op, &oh, &ow);
    uint64_t g = op->groups ? op->groups : 1, b = op->batch ? op->batch : 1;
    if (op->in_c % g || op->out_c % g) return -1;
    /* groups run one after another, as SCALE-Sim's DP expansion does */
    if (add_gemm(s, g, b * oh * ow, op->out_c / g, (uint64_t)op->k_h * op->k_w * (op->in_c / g)))
      return -1;
    if (s->ngm) {
      /* the input window geometry, so an ifmap tile is fetched as pixels */
      sa_gemm *x = &s->gm[s->ngm - 1];
      x->layer = (ax_sa_layer){(uint64_t)op->in_h + 2 * op->pad_h, (uint64_t)op->in_w + 2 * op->pad_w,
                               op->k_h, op->k_w, op->in_c / g, op->out_c / g,
                               op->stride_h ? op->stride_h : 1, op->stride_w ? op->stride_w : 1};
      x->has_layer = 1;
      x->g.ofmap_h = b * oh;
      x->g.ofmap_w = ow;
    }
    return 0;
  }
  case AX_OP_GEMM:
  case AX_OP_GEMV:
    return add_gemm(s, op->batch ? op->batch : 1, op->m, op->kind == AX_OP_GEMV ? 1 : op->n, op->k);
  case AX_OP_ATTENTION: {
    /* per head: S = Q K^T (q_len x head_dim x kv_len), O = S V */
    uint64_t h = (uint64_t)op->heads * (op->batch ? op->batch : 1);
    if (add_gemm(s, h, op->q_len, op->kv_len, op->head_dim)) return -1;
    return add_gemm(s, h, op->q_len, op->head_dim, op->kv_len);
  }
  default:
    return -1;
  }
}

/* Which GEMM, and which fold of it, global fold index i is. */
static const sa_gemm *fold_of(const sa *s, uint64_t i, uint64_t *local)
{
  for (int j = 0; j < s->ngm; j++) {
    uint64_t n = s->gm[j].count * s->gm[j].g.folds;
    if (i < n) {
      *local = i % s->gm[j].g.folds;
      return &s->gm[j];
    }
    i -= n;
  }
  *local = 0;
  return NULL;
}

/* Bytes fold i reads (ifmap + filter tiles) and writes. */
static void fold_bytes(const sa *s, uint64_t i, uint64_t *rd, uint64_t *wr, uint64_t *cycles,
                       int *last_of_gemm)
{
  uint64_t li;
  const sa_gemm *g = fold_of(s, i, &li);
  ax_sa_fold f;
  ax_sa_fold_at(&s->a, &g->g, li, &f);
  uint64_t fi, ff, fo;
  ax_sa_fold_dram(&s->a, g->has_layer ? &g->layer : NULL, &g->g, &f, &fi, &ff, &fo);
  *rd = (fi + ff) * s->a.word_bytes;
  *wr = fo * s->a.word_bytes;
  *cycles = g->g.fold_cycles;
  *last_of_gemm = li == g->g.folds - 1;
}

/* ---- running an op ------------------------------------------------------ */

static void issue(sa *s);
static void try_start(sa *s);

/* Answer DONE on ctl (or wait for ready()) and close the op's books. */
static void reply(sa *s)
{
  ax_msg m = {.kind = AX_MSG_DONE, .op = s->op};
  if (ax_port_send(s->ctl, &m) == AX_EAGAIN) {
    s->reply_pending = 1;
    return;
  }
  s->reply_pending = 0;
  ax_time_t now = ax_now(ax_comp_sim(s->c));
  uint64_t cyc = (now - s->op_start) / ax_comp_period(s->c);
  s->busy_cycles += cyc;
  if (cyc > s->ideal_cycles) s->stall_cycles += cyc - s->ideal_cycles;
  s->last_busy = now;
  ax_energy(s->c, s->op->id, "leakage", cyc, s->leak_pj_cycle);
  ax_op_util(s->c, s->op->id, s->op_macs, cyc * s->a.rows * s->a.cols);
  s->op = NULL;
}

static void ideal_done(ax_component *c, uint64_t arg)
{
  (void)arg;
  reply(ax_comp_priv(c));
}

static void maybe_finish(sa *s)
{
  if (s->op && !s->reply_pending && s->cur == s->nfolds && !s->computing && !s->wr_left &&
      !s->inflight)
    reply(s);
}

/* Set up the loads of fold i in its half of the buffers. */
static void prefetch(sa *s, uint64_t i)
{
  if (i >= s->nfolds) return;
  uint64_t rd, wr, cyc;
  int last;
  fold_bytes(s, i, &rd, &wr, &cyc, &last);
  sa_slot *sl = &s->slot[i & 1];
  sl->fold = i;
  sl->rd_left = rd;
  sl->rd_pending = 0;
  sl->active = 1;
  s->prefetched = i + 1;
}

static int slot_loaded(const sa *s, uint64_t i)
{
  const sa_slot *sl = &s->slot[i & 1];
  return sl->active && sl->fold == i && !sl->rd_left && !sl->rd_pending;
}

static int send_req(sa *s, int write, uint64_t bytes, uint64_t tag)
{
  ax_msg m = {.kind = AX_MSG_MEM_REQ, .flags = write ? AX_MSG_WRITE : 0, .bytes = bytes, .tag = tag,
              .op = s->op};
  /* operands and outputs in SCALE-Sim's regions (offsets 0 / 10M / 20M words) */
  m.addr = write ? 20000000ull * s->a.word_bytes + s->addr_wr : s->addr_rd;
  if (ax_port_send(s->mem, &m) != AX_OK) return -1; /* ready() resumes */
  if (write) s->addr_wr += bytes;
  else s->addr_rd += bytes;
  s->inflight++;
  ax_op_account(s->c, s->op->id, 0, AX_LVL_DRAM, bytes);
  ax_op_traffic(s->c, s->op->id, ax_comp_name(ax_port_peer(s->mem)), write ? 0 : bytes, write ? bytes : 0);
  return 0;
}

/* Requests in order of need: the computing-next fold's reads, finished
 * outputs, then the fold after's reads. Tag: fold index << 1 | write. */
static void issue(sa *s)
{
  while (s->op && s->inflight < s->outstanding) {
    sa_slot *now = &s->slot[s->cur & 1], *next = &s->slot[(s->cur + 1) & 1];
    sa_slot *sl = NULL;
    if (s->cur < s->nfolds && now->active && now->fold == s->cur && now->rd_left) {
      sl = now;
    } else if (s->wr_left) {
      uint64_t n = s->wr_left < s->burst ? s->wr_left : s->burst;
      if (send_req(s, 1, n, (s->cur << 1) | 1)) return;
      s->wr_left -= n;
      continue;
    } else if (next->active && next->fold == s->cur + 1 && next->rd_left) {
      sl = next;
    } else {
      return;
    }
    uint64_t n = sl->rd_left < s->burst ? sl->rd_left : s->burst;
    if (send_req(s, 0, n, sl->fold << 1)) return;
    sl->rd_left -= n;
    sl->rd_pending++;
  }
}

static void fold_end(ax_component *c, uint64_t arg)
{
  sa *s = ax_comp_priv(c);
  uint64_t rd, wr, cyc;
  int last;
  fold_bytes(s, arg, &rd, &wr, &cyc, &last);
  s->computing = 0;
  s->slot[arg & 1].active = 0;
  s->wr_left += wr;
  s->cur = arg + 1;
  s->folds_run++;
  /* fold arg's half of the buffers is free: fold cur+1 may load into it */
  if (s->cur + 1 >= s->prefetched) prefetch(s, s->cur + 1);
  issue(s);
  try_start(s);
  maybe_finish(s);
}

/* Start the next fold if its data is in and the array is free. */
static void try_start(sa *s)
{
  if (!s->op || s->computing || s->cur >= s->nfolds || !slot_loaded(s, s->cur)) return;
  uint64_t rd, wr, cyc;
  int last;
  fold_bytes(s, s->cur, &rd, &wr, &cyc, &last);
  s->computing = 1;
  /* a GEMM's last fold ends on its last cycle (SCALE-Sim's "- 1") */
  ax_schedule_cycles(s->c, last ? cyc - 1 : cyc, fold_end, s->cur);
}

/* Closed-form books of an op: SRAM traffic, energy, bytes, ideal cycles. */
static void account(sa *s, const ax_op *op)
{
  uint64_t cycles = 0, macs = 0, srd[2] = {0, 0}, swr = 0, drd = 0, dwr = 0;
  for (int j = 0; j < s->ngm; j++) {
    sa_gemm *g = &s->gm[j];
    ax_sa_layer_run(&s->a, g->has_layer ? &g->layer : NULL, &g->g, &g->r);
    cycles += g->count * g->r.total_cycles;
    macs += g->count * g->r.macs;
    srd[0] += g->count * g->r.ifmap_sram_reads;
    srd[1] += g->count * g->r.filter_sram_reads;
    swr += g->count * g->r.ofmap_sram_writes;
    drd += g->count * (g->r.ifmap_dram_reads + g->r.filter_dram_reads);
    dwr += g->count * g->r.ofmap_dram_writes;
    s->nfolds += g->count * g->g.folds;
  }
  uint64_t wb = s->a.word_bytes;
  s->ideal_cycles = cycles;
  s->op_macs = macs;
  s->macs += macs;
  s->sram_rd[0] += srd[0], s->sram_rd[1] += srd[1], s->sram_wr += swr;
  ax_energy(s->c, op->id, "mac", macs, s->pj_mac[op->dtype < AX_DTYPE_N ? op->dtype : AX_INT8]);
  ax_energy(s->c, op->id, "ifmap_sram_read", srd[0] * wb, s->pj_sram[0]);
  ax_energy(s->c, op->id, "filter_sram_read", srd[1] * wb, s->pj_sram[1]);
  ax_energy(s->c, op->id, "ofmap_sram_write", swr * wb, s->pj_sram[2]);
  /* DRAM traffic passes through the SRAMs: fills written, outputs read */
  ax_energy(s->c, op->id, "sram_fill_write", drd * wb, (s->pj_sram[0] + s->pj_sram[1]) / 2);
  ax_energy(s->c, op->id, "ofmap_drain_read", dwr * wb, s->pj_sram[2]);
  ax_op_account(s->c, op->id, macs, AX_LVL_SRAM, (srd[0] + srd[1] + swr + drd + dwr) * wb);
  if (!s->mem) {
    ax_energy(s->c, op->id, "dram_byte", (drd + dwr) * wb, s->pj_dram);
    ax_op_account(s->c, op->id, 0, AX_LVL_DRAM, (drd + dwr) * wb);
    s->dram_rd_bytes += drd * wb;
    s->dram_wr_bytes += dwr * wb;
  }
}

static int sa_recv(ax_component *c, ax_port *p, const ax_msg *m)
{
  sa *s = ax_comp_priv(c);
  if (p == s->mem) {
    if (m->kind != AX_MSG_MEM_RESP || !s->op) goto bad;
    s->inflight--;
    if (m->flags & AX_MSG_WRITE) {
      s->dram_wr_bytes += m->bytes;
    } else {
      s->dram_rd_bytes += m->bytes;
      sa_slot *sl = &s->slot[(m->tag >> 1) & 1];
      if (!sl->active || sl->fold != m->tag >> 1 || !sl->rd_pending) {
        ax_fail(ax_comp_sim(c), "%s: memory answer with unknown tag %llu", ax_comp_name(c),
                (unsigned long long)m->tag);
        return AX_OK;
      }
      sl->rd_pending--;
    }
    issue(s);
    try_start(s);
    maybe_finish(s);
    return AX_OK;
  }
  if (m->kind != AX_MSG_OP || !m->op) goto bad;
  if (s->op) {
    ax_fail(ax_comp_sim(c), "%s: got op '%s' while running '%s' (one op at a time)",
            ax_comp_name(c), m->op->name, s->op->name);
    return AX_OK;
  }
  if (op_gemms(s, m->op) != 0 || s->ngm == 0) {
    ax_fail(ax_comp_sim(c), "%s: a systolic array cannot run %s op '%s' (it runs conv2d, gemm, "
            "gemv, attention with non-zero sizes); map it to another unit",
            ax_comp_name(c), ax_op_kind_name(m->op->kind), m->op->name);
    return AX_OK;
  }
  ax_time_t now = ax_now(ax_comp_sim(c));
  s->op = m->op;
  s->op_start = now;
  s->nfolds = 0;
  s->ops++;
  if (!s->ever_busy) s->first_busy = now, s->ever_busy = 1;
  if (s->mem && !ax_port_connected(s->mem)) s->mem = NULL; /* ideal memory */
  account(s, m->op);
  if (!s->mem) {
    /* ideal memory: one event for the whole op */
    s->folds_run += s->nfolds;
    ax_schedule_cycles(c, s->ideal_cycles, ideal_done, 0);
    return AX_OK;
  }
  s->cur = 0;
  s->computing = 0;
  s->wr_left = 0;
  s->slot[0].active = s->slot[1].active = 0;
  prefetch(s, 0);
  prefetch(s, 1); /* both halves are free at the start */
  issue(s);
  try_start(s);
  return AX_OK;
bad:
  ax_fail(ax_comp_sim(c), "%s: unexpected message kind %d on port %s", ax_comp_name(c), m->kind,
          ax_port_name(p));
  return AX_OK;
}

static void sa_ready(ax_component *c, ax_port *p)
{
  sa *s = ax_comp_priv(c);
  if (p == s->ctl && s->reply_pending) reply(s);
  else if (s->op) {
    issue(s);
    maybe_finish(s);
  }
}

static const char *sa_waiting(ax_component *c)
{
  sa *s = ax_comp_priv(c);
  if (!s->op) return NULL;
  snprintf(s->why, sizeof s->why,
           "op '%s': fold %llu of %llu, %llu memory answer(s) outstanding%s", s->op->name,
           (unsigned long long)s->cur, (unsigned long long)s->nfolds,
           (unsigned long long)s->inflight, s->reply_pending ? ", DONE not accepted" : "");
  return s->why;
}

static void sa_stats(ax_component *c, ax_stats *st)
{
  sa *s = ax_comp_priv(c);
  ax_stat_u64(st, "ops", s->ops, "ops");
  ax_stat_u64(st, "folds", s->folds_run, "folds");
  ax_stat_u64(st, "busy_cycles", s->busy_cycles, "cycles");
  ax_stat_u64(st, "stall_cycles", s->stall_cycles, "cycles");
  ax_stat_u64(st, "macs", s->macs, "macs");
  ax_stat_u64(st, "ifmap_sram_reads", s->sram_rd[0], "words");
  ax_stat_u64(st, "filter_sram_reads", s->sram_rd[1], "words");
  ax_stat_u64(st, "ofmap_sram_writes", s->sram_wr, "words");
  ax_stat_u64(st, "dram_bytes_read", s->dram_rd_bytes, "bytes");
  ax_stat_u64(st, "dram_bytes_written", s->dram_wr_bytes, "bytes");
  double peak = (double)s->busy_cycles * s->a.rows * s->a.cols;
  ax_stat_f64(st, "utilization", peak > 0 ? (double)s->macs / peak : 0.0, "fraction");
}

/* SRAMs and PE registers, live from the first op's start to the last
 * op's end (approximate: the fault issue refines intervals per fold). */
static int sa_fault_sites(ax_component *c, ax_fault_site *out, int max)
{
  sa *s = ax_comp_priv(c);
  uint64_t pes = (uint64_t)s->a.rows * s->a.cols, wbits = 8ull * s->a.word_bytes;
  struct { const char *name; uint64_t bits; } site[] = {
    {"ifmap_sram", s->a.ifmap_sram_bytes * 8},
    {"filter_sram", s->a.filter_sram_bytes * 8},
    {"ofmap_sram", s->a.ofmap_sram_bytes * 8},
    {"pe_operand_regs", pes * 2 * wbits}, /* the two operands passing through */
    {"pe_acc", pes * 4 * wbits},          /* 4x-wide accumulators (int8 -> int32) */
  };
  int n = (int)(sizeof site / sizeof site[0]);
  ax_time_t to = s->op ? ax_now(ax_comp_sim(c)) : s->last_busy;
  for (int i = 0; i < n && i < max; i++) {
    snprintf(out[i].name, sizeof out[i].name, "%s", site[i].name);
    out[i].bits = site[i].bits;
    out[i].live_from = s->ever_busy ? s->first_busy : 0;
    out[i].live_to = s->ever_busy ? to : 0;
  }
  return n;
}

static void sa_destroy(ax_component *c) { free(ax_comp_priv(c)); }

const ax_model ax_model_systolic = {
    .abi = AX_ABI_VERSION,
    .name = "systolic",
    .doc = "systolic PE array (os/ws/is), double-buffered SRAMs; SCALE-Sim v2 cycles with ideal memory",
    .params = sa_params,
    .ports = sa_ports,
    .init = sa_init,
    .recv = sa_recv,
    .ready = sa_ready,
    .waiting = sa_waiting,
    .stats = sa_stats,
    .fault_sites = sa_fault_sites,
    .destroy = sa_destroy,
};
