/*
 * npu.c - the `npu` model: an Ethos-U55-like NPU as one component.
 *
 * Its blocks are state, not components: the MAC engine (32/64/128/256
 * MACs per cycle, OFM blocks of block_w x block_h x block_d), the weight
 * decoder (wd_weights_per_cycle; compressed weights of weight_ratio times
 * their size cross the memory port), the output / activation unit
 * (elementwise, pooling, activations at Vela's cycles per element), the
 * DMA (bursts of burst_bytes, at most `outstanding` in flight) and the
 * shared scratchpad SRAM (sram_kb) that the block-based tiling of each op
 * works within. Cycle rules: npu_perf.c; all of them in docs/npu.md.
 *
 * An op received on `ctl` is turned into its command stream: `steps`
 * chunks of OFM blocks (at most one per block). Nothing ticks:
 *  - `mem` not linked: one event per op, its compute cycles.
 *  - `mem` linked: the DMA reads the op's off-chip bytes (ifm, weights;
 *    from the tiling) at most one chunk ahead of the MAC engine (double
 *    buffering), chunk j computes once its share has arrived, its OFM
 *    share is written back after it; DONE when the last write is answered.
 * Each op's tensors go to a memory tier (tiers / place parameters): an
 * address range per tier, so an interconnect routes them to that tier's
 * memory component.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axsim/axsim.h"
#include "npu_perf.h"

#define MAX_TIERS 8
#define MAX_PLACE 32

typedef struct tier {
  char name[32];
  uint64_t base, size; /* size 0: up to the end of the address space */
  uint64_t next;       /* bump offset of the next tensor */
  uint64_t rd, wr;     /* bytes */
} tier;

typedef struct place {
  char sel[AX_NAME_MAX]; /* op name, op kind or "*", optionally ".w" (weights only) */
  int tier;
} place;

typedef struct npu {
  ax_component *c;
  ax_npu_arch a;
  ax_port *ctl, *mem;
  uint64_t sram, burst, outstanding, nsteps;
  double wratio, pj_mac[AX_DTYPE_N], pj_out, pj_sram, pj_dram;
  tier tiers[MAX_TIERS];
  int ntiers;
  place pl[MAX_PLACE];
  int npl;
  /* the op in progress */
  const ax_op *op;
  ax_npu_cost cost;
  ax_npu_traffic tr;
  int ta, tw;                 /* tiers of activations and weights */
  uint64_t a_rd_addr, w_rd_addr, wr_addr;
  uint64_t steps, cur;        /* chunks; chunk computing or next */
  int computing, reply_pending;
  uint64_t rd_total, rd_req, rd_got, rd_w_req; /* bytes */
  uint64_t wr_avail, wr_req, wr_got;
  uint64_t inflight;
  ax_time_t op_start;
  /* what stays in the scratchpad after an op */
  uint32_t last_id;
  uint64_t last_ofm;
  int last_keep, have_last;
  /* statistics */
  uint64_t ops, busy_cycles, compute_cycles, macs, blocks, sram_bytes, rd_bytes, wr_bytes;
  ax_time_t first_busy, last_busy;
  int ever_busy;
  char why[200];
} npu;

/* ---- parameters ------------------------------------------------------------ */

static const ax_param_def npu_params[] = {
    {"macs_per_cycle", AX_P_INT, "128", 32, 256, NULL,
     "MAC engine: 32, 64, 128 or 256 MACs/cycle, the four Ethos-U55 configurations (Arm Ethos-U55 "
     "TRM; Vela architecture_features.py); 128 is the default of this model"},
    {"block_w", AX_P_INT, "8", 1, 64, NULL,
     "OFM block width (assumption: 8; Vela searches a block per op that fits SHRAM, at most 64 wide)"},
    {"block_h", AX_P_INT, "8", 1, 32, NULL, "OFM block height (assumption: 8; Vela's maximum is 32)"},
    {"block_d", AX_P_INT, "16", 4, 128, NULL,
     "OFM block depth (assumption: 16 = Vela's OFMSplitDepth; maximum 128)"},
    {"wd_weights_per_cycle", AX_P_INT, "8", 1, 256, NULL,
     "weight decoder output, weights per cycle (8: Vela's cycles_wb = 32 x ublock depth / 8)"},
    {"weight_ratio", AX_P_FLOAT, "1.0", 0.01, 1.0, NULL,
     "compressed / raw weight size (1.0: no compression assumed; take Vela's encoded/original weight "
     "size for a real network)"},
    {"sram_kb", AX_P_INT, "384", 1, 1 << 22, NULL,
     "shared scratchpad SRAM for tiling, KiB (384: Vela's default arena cache size, "
     "architecture_features.py)"},
    {"steps", AX_P_INT, "16", 1, 1 << 20, NULL,
     "chunks of OFM blocks an op's command stream is cut into with memory linked (event granularity)"},
    {"burst_bytes", AX_P_INT, "64", 1, 1 << 20, NULL,
     "bytes per DMA request (64: an AXI burst of 8 x 64-bit beats, the U55's 64-bit AXI port per Vela)"},
    {"outstanding", AX_P_INT, "16", 1, 1 << 16, NULL,
     "DMA requests in flight at most (assumption: 16 AXI transactions)"},
    {"tiers", AX_P_STRING, "", 0, 0, NULL,
     "memory tiers as name@base,... (\"sram@0x0,hbm@0x100000000,ddr@0x200000000\"); each tier's "
     "range runs to the next base. \"\": one tier at address 0"},
    {"place", AX_P_STRING, "", 0, 0, NULL,
     "tensor placement sel:tier,... where sel is an op name, an op kind or *, with .w for weights only "
     "(\"*.w:ddr,*:hbm,conv1:sram\"); unplaced tensors go to the first tier"},
    {"pj_mac_int8", AX_P_FLOAT, "0.23", 0, 1e6, NULL,
     "int8 MAC, pJ: 8-bit mult 0.2 + add 0.03 (Horowitz, ISSCC 2014, 45 nm)"},
    {"pj_mac_int16", AX_P_FLOAT, "0.5", 0, 1e6, NULL,
     "int16 MAC, pJ: between Horowitz's 8- and 32-bit multiply-add (ISSCC 2014), as the systolic model"},
    {"pj_out_elem", AX_P_FLOAT, "3.2", 0, 1e6, NULL,
     "output unit per element, pJ: requantisation = a 32-bit multiply 3.1 + add 0.1 (Horowitz, ISSCC 2014)"},
    {"pj_sram_byte", AX_P_FLOAT, "0", 0, 1e6, NULL,
     "scratchpad energy per byte; 0 = 1.25 x sqrt(KiB / 8) pJ/B, the fit of Horowitz ISSCC 2014's "
     "SRAM figures (8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ per 64 bit)"},
    {"pj_dram_byte", AX_P_FLOAT, "120", 0, 1e6, NULL,
     "off-chip energy per byte when `mem` is not linked (120 pJ/B: DDR4 order, O'Connor et al., MICRO "
     "2017); a linked memory charges its own"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def npu_ports[] = {
    {"ctl", "AX_MSG_OP in, AX_MSG_DONE out"},
    {"mem", "DMA reads / writes (optional: unlinked = ideal memory)"},
    {NULL, NULL}};

static int parse_tiers(npu *n, const char *s, char *err, size_t errlen)
{
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", s);
  char *save = NULL;
  for (char *e = strtok_r(buf, ", ", &save); e; e = strtok_r(NULL, ", ", &save)) {
    char *at = strchr(e, '@'), *end = NULL;
    if (!at || at == e) {
      snprintf(err, errlen, "tiers: expected name@base (e.g. \"hbm@0x100000000\"), got '%s'", e);
      return -1;
    }
    *at = 0;
    unsigned long long base = strtoull(at + 1, &end, 0);
    if (!*(at + 1) || *end) {
      snprintf(err, errlen, "tiers: '%s': base '%s' is not a number", e, at + 1);
      return -1;
    }
    if (n->ntiers == MAX_TIERS) {
      snprintf(err, errlen, "tiers: at most %d tiers", MAX_TIERS);
      return -1;
    }
    tier *t = &n->tiers[n->ntiers++];
    if (strlen(e) > 20) {
      snprintf(err, errlen, "tiers: name '%s' is longer than 20 characters", e);
      return -1;
    }
    snprintf(t->name, sizeof t->name, "%s", e);
    t->base = base;
  }
  if (!n->ntiers) {
    snprintf(n->tiers[0].name, sizeof n->tiers[0].name, "mem");
    n->ntiers = 1;
  }
  for (int i = 0; i < n->ntiers; i++) {
    uint64_t next = 0;
    for (int j = 0; j < n->ntiers; j++)
      if (n->tiers[j].base > n->tiers[i].base && (!next || n->tiers[j].base < next)) next = n->tiers[j].base;
    n->tiers[i].size = next ? next - n->tiers[i].base : 0;
    for (int j = 0; j < i; j++)
      if (n->tiers[j].base == n->tiers[i].base || !strcmp(n->tiers[j].name, n->tiers[i].name)) {
        snprintf(err, errlen, "tiers: '%s' and '%s' share a name or a base", n->tiers[j].name,
                 n->tiers[i].name);
        return -1;
      }
  }
  return 0;
}

static int tier_index(npu *n, const char *name)
{
  for (int i = 0; i < n->ntiers; i++)
    if (!strcmp(n->tiers[i].name, name)) return i;
  return -1;
}

static int parse_place(npu *n, const char *s, char *err, size_t errlen)
{
  char buf[2048];
  snprintf(buf, sizeof buf, "%s", s);
  char *save = NULL;
  for (char *e = strtok_r(buf, ", ", &save); e; e = strtok_r(NULL, ", ", &save)) {
    char *colon = strrchr(e, ':');
    if (!colon || colon == e) {
      snprintf(err, errlen, "place: expected sel:tier (e.g. \"*.w:ddr\"), got '%s'", e);
      return -1;
    }
    *colon = 0;
    int t = tier_index(n, colon + 1);
    if (t < 0) {
      size_t k = 0;
      char names[256] = "";
      for (int i = 0; i < n->ntiers; i++)
        k += (size_t)snprintf(names + k, sizeof names - k > 0 ? sizeof names - k : 0, "%s%s", i ? ", " : "",
                              n->tiers[i].name);
      snprintf(err, errlen, "place: '%s' is not a tier (tiers: %s)", colon + 1, names);
      return -1;
    }
    if (n->npl == MAX_PLACE) {
      snprintf(err, errlen, "place: at most %d entries", MAX_PLACE);
      return -1;
    }
    snprintf(n->pl[n->npl].sel, sizeof n->pl[n->npl].sel, "%s", e);
    n->pl[n->npl++].tier = t;
  }
  return 0;
}

/* Tier of an op's weights (w) or activations: by name (with or without the
 * trace prefix), then kind, then *;
 * a ".w" entry wins for weights at each level. */
static int tier_of(npu *n, const ax_op *op, int w)
{
  /* with several traces the host prefixes names ("net/conv1"): try both */
  const char *slash = strrchr(op->name, '/');
  const char *keys[4] = {op->name, slash ? slash + 1 : op->name, ax_op_kind_name(op->kind), "*"};
  for (int k = 0; k < 4; k++) {
    char wk[AX_NAME_MAX + 4];
    snprintf(wk, sizeof wk, "%s.w", keys[k]);
    if (w)
      for (int i = 0; i < n->npl; i++)
        if (!strcmp(n->pl[i].sel, wk)) return n->pl[i].tier;
    for (int i = 0; i < n->npl; i++)
      if (!strcmp(n->pl[i].sel, keys[k])) return n->pl[i].tier;
  }
  return 0;
}

static double sram_pj(double p, uint64_t bytes) { return p > 0 ? p : 1.25 * sqrt((double)bytes / 8192.0); }

static int npu_init(ax_component *c, char *err, size_t errlen)
{
  npu *n = calloc(1, sizeof *n);
  if (!n) return AX_ENOMEM;
  n->c = c;
  ax_comp_set_priv(c, n);
  if (ax_npu_arch_init(&n->a, (uint32_t)ax_param_int(c, "macs_per_cycle"), (uint32_t)ax_param_int(c, "block_w"),
                       (uint32_t)ax_param_int(c, "block_h"), (uint32_t)ax_param_int(c, "block_d"),
                       (uint32_t)ax_param_int(c, "wd_weights_per_cycle"), err, errlen) != 0)
    return AX_EINVAL;
  n->sram = (uint64_t)ax_param_int(c, "sram_kb") * 1024;
  n->burst = (uint64_t)ax_param_int(c, "burst_bytes");
  n->outstanding = (uint64_t)ax_param_int(c, "outstanding");
  n->nsteps = (uint64_t)ax_param_int(c, "steps");
  n->wratio = ax_param_float(c, "weight_ratio");
  for (int i = 0; i < AX_DTYPE_N; i++) n->pj_mac[i] = ax_param_float(c, "pj_mac_int16");
  n->pj_mac[AX_INT8] = ax_param_float(c, "pj_mac_int8");
  n->pj_out = ax_param_float(c, "pj_out_elem");
  n->pj_sram = sram_pj(ax_param_float(c, "pj_sram_byte"), n->sram);
  n->pj_dram = ax_param_float(c, "pj_dram_byte");
  if (parse_tiers(n, ax_param_str(c, "tiers"), err, errlen) || parse_place(n, ax_param_str(c, "place"), err, errlen))
    return AX_EINVAL;
  n->ctl = ax_comp_port(c, "ctl");
  n->mem = ax_comp_port(c, "mem");
  return AX_OK;
}

/* ---- running an op ---------------------------------------------------------- */

static uint64_t share(uint64_t total, uint64_t j, uint64_t steps) { return total * j / steps; }
/* Read bytes chunks [0, j) need. */
static uint64_t rd_need(const npu *n, uint64_t j) { return share(n->rd_total, j, n->steps); }
static uint64_t chunk_cycles(const npu *n, uint64_t j)
{
  return share(n->cost.cycles, j + 1, n->steps) - share(n->cost.cycles, j, n->steps);
}

/* An address in tier t for `bytes` of a new tensor, wrapping in the tier's range. */
static uint64_t tier_alloc(npu *n, int t, uint64_t bytes)
{
  tier *x = &n->tiers[t];
  if (x->size && x->next + bytes > x->size) x->next = 0;
  uint64_t a = x->base + x->next;
  x->next += (bytes + 63) & ~63ull;
  return a;
}

static void reply(npu *n)
{
  ax_msg m = {.kind = AX_MSG_DONE, .op = n->op};
  if (ax_port_send(n->ctl, &m) == AX_EAGAIN) {
    n->reply_pending = 1;
    return;
  }
  n->reply_pending = 0;
  ax_time_t now = ax_now(ax_comp_sim(n->c));
  uint64_t cyc = (now - n->op_start) / ax_comp_period(n->c);
  n->busy_cycles += cyc;
  n->last_busy = now;
  ax_op_util(n->c, n->op->id, n->cost.macs, cyc * n->a.macs);
  n->op = NULL;
}

static void maybe_finish(npu *n)
{
  if (n->op && !n->reply_pending && n->cur == n->steps && !n->computing && n->wr_got == n->tr.wr &&
      !n->inflight)
    reply(n);
}

static int send_req(npu *n, int write, int t, uint64_t addr, uint64_t bytes)
{
  ax_msg m = {.kind = AX_MSG_MEM_REQ, .flags = write ? AX_MSG_WRITE : 0, .addr = addr, .bytes = bytes,
              .op = n->op,
              .tag = (uint64_t)t << 1 | (uint64_t)write};
  if (ax_port_send(n->mem, &m) != AX_OK) return -1; /* ready() resumes */
  n->inflight++;
  tier *x = &n->tiers[t];
  if (write) x->wr += bytes;
  else x->rd += bytes;
  ax_op_account(n->c, n->op->id, 0, strncmp(x->name, "sram", 4) ? AX_LVL_DRAM : AX_LVL_SRAM, bytes);
  ax_op_traffic(n->c, n->op->id, x->name, write ? 0 : bytes, write ? bytes : 0);
  return 0;
}

/* DMA: finished outputs first, then reads up to one chunk ahead of compute.
 * Reads of a chunk take weights and ifm in proportion. */
static void issue(npu *n)
{
  while (n->op && n->inflight < n->outstanding) {
    if (n->wr_req < n->wr_avail) {
      uint64_t b = n->wr_avail - n->wr_req < n->burst ? n->wr_avail - n->wr_req : n->burst;
      if (send_req(n, 1, n->ta, n->wr_addr + n->wr_req, b)) return;
      n->wr_req += b;
      continue;
    }
    uint64_t lim = rd_need(n, n->cur + 2 < n->steps ? n->cur + 2 : n->steps);
    if (n->rd_req >= lim) return;
    uint64_t b = lim - n->rd_req < n->burst ? lim - n->rd_req : n->burst;
    /* weights' share of what has been read so far, by the weights' fraction */
    uint64_t w_target = n->rd_total ? (n->rd_req + b) * n->tr.rd_w / n->rd_total : 0;
    int w = w_target > n->rd_w_req;
    if (w && w_target - n->rd_w_req < b) b = w_target - n->rd_w_req;
    uint64_t addr = w ? n->w_rd_addr + n->rd_w_req : n->a_rd_addr + (n->rd_req - n->rd_w_req);
    if (send_req(n, 0, w ? n->tw : n->ta, addr, b)) return;
    n->rd_req += b;
    if (w) n->rd_w_req += b;
  }
}

static void try_start(npu *n);

static void chunk_end(ax_component *c, uint64_t j)
{
  npu *n = ax_comp_priv(c);
  n->computing = 0;
  n->cur = j + 1;
  n->wr_avail = share(n->tr.wr, n->cur, n->steps);
  issue(n);
  try_start(n);
  maybe_finish(n);
}

static void try_start(npu *n)
{
  if (!n->op || n->computing || n->cur >= n->steps || n->rd_got < rd_need(n, n->cur + 1)) return;
  n->computing = 1;
  ax_schedule_cycles(n->c, chunk_cycles(n, n->cur), chunk_end, n->cur);
}

static void ideal_done(ax_component *c, uint64_t arg)
{
  (void)arg;
  reply(ax_comp_priv(c));
}

/* Whether op depends on the op that ran before it on this NPU. */
static int follows_last(const npu *n, const ax_op *op)
{
  if (!n->have_last) return 0;
  for (uint32_t i = 0; i < op->ndeps; i++)
    if (op->deps[i] == n->last_id) return 1;
  return 0;
}

static void start_op(npu *n, const ax_op *op)
{
  ax_time_t now = ax_now(ax_comp_sim(n->c));
  n->op = op;
  n->op_start = now;
  n->ops++;
  if (!n->ever_busy) n->first_busy = now, n->ever_busy = 1;
  uint64_t w = (uint64_t)ceil((double)n->cost.w_bytes * n->wratio);
  uint64_t resident = n->last_keep && follows_last(n, op) ? n->last_ofm : 0;
  ax_npu_tile(n->sram, n->cost.ifm_bytes, w, n->cost.ofm_bytes, resident, &n->tr);
  n->have_last = 1, n->last_id = op->id, n->last_ofm = n->cost.ofm_bytes, n->last_keep = n->tr.keep;
  n->macs += n->cost.macs;
  n->blocks += n->cost.blocks;
  n->compute_cycles += n->cost.cycles;
  uint64_t off = n->tr.rd_ifm + n->tr.rd_w + n->tr.wr;
  /* scratchpad: every off-chip byte is written or read there once, and the
   * engine reads ifm and weights and writes the ofm once (assumption: a
   * lower bound; SHRAM-level re-reads are inside the MAC engine) */
  uint64_t sb = off + n->cost.ifm_bytes + w + n->cost.ofm_bytes;
  n->sram_bytes += sb;
  ax_energy(n->c, op->id, "mac", n->cost.macs, n->pj_mac[op->dtype < AX_DTYPE_N ? op->dtype : AX_INT8]);
  ax_energy(n->c, op->id, "out_elem", n->cost.elems, n->pj_out);
  ax_energy(n->c, op->id, "sram_byte", sb, n->pj_sram);
  ax_op_account(n->c, op->id, n->cost.macs, AX_LVL_SRAM, sb);
  if (n->mem && !ax_port_connected(n->mem)) n->mem = NULL;
  if (!n->mem) {
    ax_energy(n->c, op->id, "dram_byte", off, n->pj_dram);
    ax_op_account(n->c, op->id, 0, AX_LVL_DRAM, off);
    n->rd_bytes += n->tr.rd_ifm + n->tr.rd_w;
    n->wr_bytes += n->tr.wr;
    ax_schedule_cycles(n->c, n->cost.cycles, ideal_done, 0);
    return;
  }
  n->ta = tier_of(n, op, 0);
  n->tw = tier_of(n, op, 1);
  n->a_rd_addr = tier_alloc(n, n->ta, n->tr.rd_ifm);
  n->w_rd_addr = tier_alloc(n, n->tw, n->tr.rd_w);
  n->wr_addr = tier_alloc(n, n->ta, n->tr.wr);
  n->steps = n->cost.blocks < n->nsteps ? (n->cost.blocks ? n->cost.blocks : 1) : n->nsteps;
  n->cur = 0;
  n->computing = 0;
  n->rd_total = n->tr.rd_ifm + n->tr.rd_w;
  n->rd_req = n->rd_got = n->rd_w_req = 0;
  n->wr_avail = n->wr_req = n->wr_got = 0;
  issue(n);
  try_start(n);
}

static int npu_recv(ax_component *c, ax_port *p, const ax_msg *m)
{
  npu *n = ax_comp_priv(c);
  if (p == n->mem) {
    if (m->kind != AX_MSG_MEM_RESP || !n->op || !n->inflight) goto bad;
    n->inflight--;
    if (m->flags & AX_MSG_WRITE) n->wr_got += m->bytes, n->wr_bytes += m->bytes;
    else n->rd_got += m->bytes, n->rd_bytes += m->bytes;
    issue(n);
    try_start(n);
    maybe_finish(n);
    return AX_OK;
  }
  if (m->kind != AX_MSG_OP || !m->op) goto bad;
  if (n->op) {
    ax_fail(ax_comp_sim(c), "%s: got op '%s' while running '%s' (one op at a time)", ax_comp_name(c),
            m->op->name, n->op->name);
    return AX_OK;
  }
  char err[256];
  if (ax_npu_op_cost(&n->a, m->op, &n->cost, err, sizeof err) != 0) {
    ax_fail(ax_comp_sim(c), "%s: %s; map it to another unit", ax_comp_name(c), err);
    return AX_OK;
  }
  start_op(n, m->op);
  return AX_OK;
bad:
  ax_fail(ax_comp_sim(c), "%s: unexpected message kind %d on port %s", ax_comp_name(c), m->kind,
          ax_port_name(p));
  return AX_OK;
}

static void npu_ready(ax_component *c, ax_port *p)
{
  npu *n = ax_comp_priv(c);
  if (p == n->ctl && n->reply_pending) reply(n);
  else if (n->op) {
    issue(n);
    maybe_finish(n);
  }
}

static const char *npu_waiting(ax_component *c)
{
  npu *n = ax_comp_priv(c);
  if (!n->op) return NULL;
  snprintf(n->why, sizeof n->why, "op '%s': chunk %llu of %llu, %llu DMA answer(s) outstanding%s", n->op->name,
           (unsigned long long)n->cur, (unsigned long long)n->steps, (unsigned long long)n->inflight,
           n->reply_pending ? ", DONE not accepted" : "");
  return n->why;
}

static void npu_stats(ax_component *c, ax_stats *s)
{
  npu *n = ax_comp_priv(c);
  ax_stat_u64(s, "ops", n->ops, "ops");
  ax_stat_u64(s, "macs", n->macs, "macs");
  ax_stat_u64(s, "ofm_blocks", n->blocks, "blocks");
  ax_stat_u64(s, "compute_cycles", n->compute_cycles, "cycles");
  ax_stat_u64(s, "busy_cycles", n->busy_cycles, "cycles");
  ax_stat_u64(s, "stall_cycles", n->busy_cycles > n->compute_cycles ? n->busy_cycles - n->compute_cycles : 0,
              "cycles");
  ax_stat_u64(s, "sram_bytes", n->sram_bytes, "bytes");
  ax_stat_u64(s, "offchip_bytes_read", n->rd_bytes, "bytes");
  ax_stat_u64(s, "offchip_bytes_written", n->wr_bytes, "bytes");
  double peak = (double)n->busy_cycles * n->a.macs;
  ax_stat_f64(s, "utilization", peak > 0 ? (double)n->macs / peak : 0.0, "fraction");
  if (n->mem)
    for (int i = 0; i < n->ntiers; i++) {
      char nm[48];
      snprintf(nm, sizeof nm, "tier.%.20s.bytes_read", n->tiers[i].name);
      ax_stat_u64(s, nm, n->tiers[i].rd, "bytes");
      snprintf(nm, sizeof nm, "tier.%.20s.bytes_written", n->tiers[i].name);
      ax_stat_u64(s, nm, n->tiers[i].wr, "bytes");
    }
}

/* Scratchpad and accumulators, live from the first op to the last. */
static int npu_fault_sites(ax_component *c, ax_fault_site *out, int max)
{
  npu *n = ax_comp_priv(c);
  struct { const char *name; uint64_t bits; } site[] = {
      {"scratch_sram", n->sram * 8},
      /* one OFM block of 32-bit accumulators (int8 in, int32 acc), double buffered */
      {"acc", 2ull * n->a.blk_w * n->a.blk_h * n->a.blk_d * 32},
  };
  int k = (int)(sizeof site / sizeof site[0]);
  ax_time_t to = n->op ? ax_now(ax_comp_sim(c)) : n->last_busy;
  for (int i = 0; i < k && i < max; i++) {
    snprintf(out[i].name, sizeof out[i].name, "%s", site[i].name);
    out[i].bits = site[i].bits;
    out[i].live_from = n->ever_busy ? n->first_busy : 0;
    out[i].live_to = n->ever_busy ? to : 0;
  }
  return k;
}

static void npu_destroy(ax_component *c) { free(ax_comp_priv(c)); }

const ax_model ax_model_npu = {
    .abi = AX_ABI_VERSION,
    .name = "npu",
    .doc = "Ethos-U55-like NPU: 32-256 MAC engine, weight decoder, output unit, DMA, tiled scratchpad",
    .params = npu_params,
    .ports = npu_ports,
    .init = npu_init,
    .recv = npu_recv,
    .ready = npu_ready,
    .waiting = npu_waiting,
    .stats = npu_stats,
    .fault_sites = npu_fault_sites,
    .destroy = npu_destroy,
};
