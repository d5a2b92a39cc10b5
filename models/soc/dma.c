/*
 * dma.c - the `dma` model: a DMA engine that copies a descriptor's bytes
 * from one memory to another.
 *
 * A trace `move` op (AX_MSG_OP of kind AX_OP_MOVE on `ctl`) is one
 * descriptor: `bytes` from a source address range to a destination range.
 * The ranges come from `place` (per op name) or else from bump allocation
 * in the `src_base` / `dst_base` regions. The engine cuts the copy into
 * bursts of `burst_bytes` and
 *  - reads them on `rd`: at most `outstanding` reads in flight, and only
 *    while the data buffer (`buffer_bytes`, reserved from a read's issue
 *    until its data leaves as a write) has room;
 *  - writes each burst on `wr` as soon as its read data is back: at most
 *    `outstanding` writes in flight (AXI keeps separate read and write
 *    channels, each with its own outstanding-transaction limit);
 *  - answers DONE on `ctl` when the last write is acknowledged.
 * A send that returns AX_EAGAIN (link out of credits because the memory
 * refuses) stops issuing on that port until ready() says so. Nothing
 * ticks: the engine acts only on arrivals and credits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axsim/axsim.h"

#define MAX_PLACE 32

typedef struct dplace {
  char name[AX_NAME_MAX];
  uint64_t src, dst;
} dplace;

typedef struct dma {
  ax_component *c;
  ax_port *ctl, *rd, *wr;
  uint64_t burst, outstanding, buffer;
  uint64_t src_base, src_size, dst_base, dst_size, src_next, dst_next;
  ax_level src_lvl, dst_lvl;
  dplace pl[MAX_PLACE];
  int npl;
  /* the descriptor in progress */
  const ax_op *op;
  uint64_t src, dst, total;
  uint64_t rd_req;    /* bytes whose read has been issued */
  uint64_t rd_fly, wr_fly; /* requests in flight */
  uint64_t held;      /* buffer bytes reserved (read issued, write not yet sent) */
  uint64_t wr_acked;  /* bytes whose write is acknowledged */
  /* read data back and not yet written, FIFO of (offset, bytes) */
  struct { uint64_t off, bytes; } *wq;
  size_t wqh, wqn, wqcap;
  int rd_blocked, wr_blocked, reply_pending;
  ax_time_t op_start;
  /* statistics */
  uint64_t ops, bytes_rd, bytes_wr, rd_eagain, wr_eagain;
  ax_time_t busy_ps;
  char why[200];
} dma;

static const ax_param_def dma_params[] = {
    {"burst_bytes", AX_P_INT, "64", 1, 1 << 20, NULL,
     "bytes per read / write request (64: an AXI burst of 8 x 64-bit beats, as the npu's DMA)"},
    {"outstanding", AX_P_INT, "8", 1, 1 << 16, NULL,
     "reads in flight at most, and writes in flight at most (assumption: 8 per channel; Arm's PL330 "
     "DMAC's read and write issuing capabilities are configurable up to 16, PL330 TRM)"},
    {"buffer_bytes", AX_P_INT, "0", 0, 1 << 30, NULL,
     "data buffer, bytes reserved from a read's issue until its write is sent; 0 = outstanding x "
     "burst_bytes (enough to keep every read slot busy)"},
    {"src_base", AX_P_STRING, "0x0", 0, 0, NULL,
     "source region base address for moves without a `place` entry (each move takes the next bytes)"},
    {"src_size", AX_P_STRING, "0", 0, 0, NULL, "source region size in bytes; allocation wraps in it (0: no wrap)"},
    {"dst_base", AX_P_STRING, "0x0", 0, 0, NULL,
     "destination region base address for moves without a `place` entry"},
    {"dst_size", AX_P_STRING, "0", 0, 0, NULL, "destination region size in bytes (0: no wrap)"},
    {"place", AX_P_STRING, "", 0, 0, NULL,
     "per move op name:src:dst addresses (\"load_w:0x200000000:0x0,store:0x0:0x100000000\"); the name "
     "may carry the host's trace prefix or not"},
    {"src_level", AX_P_ENUM, "dram", 0, 0, "sram|dram|noc",
     "memory level the reads count as in the per-layer bytes columns"},
    {"dst_level", AX_P_ENUM, "sram", 0, 0, "sram|dram|noc",
     "memory level the writes count as in the per-layer bytes columns"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def dma_ports[] = {{"ctl", "AX_MSG_OP (move) in, AX_MSG_DONE out"},
                                        {"rd", "read requests to the source memory"},
                                        {"wr", "write requests to the destination memory"},
                                        {NULL, NULL}};

static int parse_addr(const char *setting, const char *s, uint64_t *out, char *err, size_t errlen)
{
  char *end = NULL;
  unsigned long long v = strtoull(s, &end, 0);
  if (!*s || *end || *s == '-') {
    snprintf(err, errlen, "%s: expected an address or size (e.g. \"0x100000000\"), got '%s'", setting, s);
    return -1;
  }
  *out = v;
  return 0;
}

static int parse_place(dma *d, const char *s, char *err, size_t errlen)
{
  char buf[2048];
  if (strlen(s) >= sizeof buf) {
    snprintf(err, errlen, "place: longer than %zu characters", sizeof buf - 1);
    return -1;
  }
  snprintf(buf, sizeof buf, "%s", s);
  char *save = NULL;
  for (char *e = strtok_r(buf, ", ", &save); e; e = strtok_r(NULL, ", ", &save)) {
    char *c1 = strchr(e, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2 || c1 == e || strchr(c2 + 1, ':')) {
      snprintf(err, errlen, "place: expected name:src:dst (e.g. \"load_w:0x200000000:0x0\"), got '%s'", e);
      return -1;
    }
    *c1 = *c2 = 0;
    if (d->npl == MAX_PLACE) {
      snprintf(err, errlen, "place: at most %d entries", MAX_PLACE);
      return -1;
    }
    dplace *p = &d->pl[d->npl];
    char what[AX_NAME_MAX + 16];
    snprintf(what, sizeof what, "place: %.40s src", e);
    if (parse_addr(what, c1 + 1, &p->src, err, errlen)) return -1;
    snprintf(what, sizeof what, "place: %.40s dst", e);
    if (parse_addr(what, c2 + 1, &p->dst, err, errlen)) return -1;
    snprintf(p->name, sizeof p->name, "%s", e);
    d->npl++;
  }
  return 0;
}

static ax_level level_of(const char *s) { return !strcmp(s, "sram") ? AX_LVL_SRAM : !strcmp(s, "noc") ? AX_LVL_NOC : AX_LVL_DRAM; }

static int dma_init(ax_component *c, char *err, size_t errlen)
{
  dma *d = calloc(1, sizeof *d);
  if (!d) return AX_ENOMEM;
  d->c = c;
  ax_comp_set_priv(c, d);
  d->burst = (uint64_t)ax_param_int(c, "burst_bytes");
  d->outstanding = (uint64_t)ax_param_int(c, "outstanding");
  d->buffer = (uint64_t)ax_param_int(c, "buffer_bytes");
  if (!d->buffer) d->buffer = d->outstanding * d->burst;
  if (d->buffer < d->burst) {
    snprintf(err, errlen, "buffer_bytes = %llu: must hold at least one burst (burst_bytes = %llu)",
             (unsigned long long)d->buffer, (unsigned long long)d->burst);
    return AX_EINVAL;
  }
  if (parse_addr("src_base", ax_param_str(c, "src_base"), &d->src_base, err, errlen) ||
      parse_addr("src_size", ax_param_str(c, "src_size"), &d->src_size, err, errlen) ||
      parse_addr("dst_base", ax_param_str(c, "dst_base"), &d->dst_base, err, errlen) ||
      parse_addr("dst_size", ax_param_str(c, "dst_size"), &d->dst_size, err, errlen) ||
      parse_place(d, ax_param_str(c, "place"), err, errlen))
    return AX_EINVAL;
  d->src_lvl = level_of(ax_param_str(c, "src_level"));
  d->dst_lvl = level_of(ax_param_str(c, "dst_level"));
  d->wqcap = d->buffer / d->burst + 1;
  d->wq = calloc(d->wqcap, sizeof *d->wq);
  if (!d->wq) return AX_ENOMEM;
  d->ctl = ax_comp_port(c, "ctl");
  d->rd = ax_comp_port(c, "rd");
  d->wr = ax_comp_port(c, "wr");
  return AX_OK;
}

/* Next `bytes` of a region (base, size), wrapping when it would run past the end. */
static uint64_t region_alloc(uint64_t base, uint64_t size, uint64_t *next, uint64_t bytes)
{
  if (size && *next + bytes > size) *next = 0;
  uint64_t a = base + *next;
  *next += (bytes + 63) & ~63ull;
  return a;
}

static void reply(dma *d)
{
  ax_msg m = {.kind = AX_MSG_DONE, .op = d->op};
  if (ax_port_send(d->ctl, &m) == AX_EAGAIN) {
    d->reply_pending = 1;
    return;
  }
  d->reply_pending = 0;
  d->busy_ps += ax_now(ax_comp_sim(d->c)) - d->op_start;
  d->op = NULL;
}

/* Writes first (they free the buffer), then reads while slots and buffer allow. */
static void issue(dma *d)
{
  while (d->op && !d->wr_blocked && d->wqn && d->wr_fly < d->outstanding) {
    uint64_t off = d->wq[d->wqh].off, b = d->wq[d->wqh].bytes;
    ax_msg m = {.kind = AX_MSG_MEM_REQ, .flags = AX_MSG_WRITE, .addr = d->dst + off, .bytes = b, .tag = off,
                .op = d->op};
    if (ax_port_send(d->wr, &m) != AX_OK) {
      d->wr_blocked = 1, d->wr_eagain++;
      break;
    }
    d->wqh = (d->wqh + 1) % d->wqcap;
    d->wqn--;
    d->wr_fly++;
    d->held -= b;
    ax_op_account(d->c, d->op->id, 0, d->dst_lvl, b);
  }
  while (d->op && !d->rd_blocked && d->rd_req < d->total && d->rd_fly < d->outstanding) {
    uint64_t b = d->total - d->rd_req < d->burst ? d->total - d->rd_req : d->burst;
    if (d->held + b > d->buffer) break;
    ax_msg m = {.kind = AX_MSG_MEM_REQ, .addr = d->src + d->rd_req, .bytes = b, .tag = d->rd_req,
                .op = d->op};
    if (ax_port_send(d->rd, &m) != AX_OK) {
      d->rd_blocked = 1, d->rd_eagain++;
      break;
    }
    d->rd_req += b;
    d->rd_fly++;
    d->held += b;
    ax_op_account(d->c, d->op->id, 0, d->src_lvl, b);
  }
}

static void start_move(dma *d, const ax_op *op)
{
  d->op = op;
  d->op_start = ax_now(ax_comp_sim(d->c));
  d->ops++;
  d->total = op->bytes;
  d->rd_req = d->rd_fly = d->wr_fly = d->held = d->wr_acked = 0;
  d->wqh = d->wqn = 0;
  const char *slash = strrchr(op->name, '/');
  int p = -1;
  for (int i = 0; i < d->npl && p < 0; i++)
    if (!strcmp(d->pl[i].name, op->name) || (slash && !strcmp(d->pl[i].name, slash + 1))) p = i;
  if (p >= 0) {
    d->src = d->pl[p].src;
    d->dst = d->pl[p].dst;
  } else {
    if ((d->src_size && d->total > d->src_size) || (d->dst_size && d->total > d->dst_size)) {
      ax_fail(ax_comp_sim(d->c), "%s: move '%s' of %llu bytes does not fit its region (src_size = %llu, dst_size = %llu)",
              ax_comp_name(d->c), op->name, (unsigned long long)d->total, (unsigned long long)d->src_size,
              (unsigned long long)d->dst_size);
      return;
    }
    d->src = region_alloc(d->src_base, d->src_size, &d->src_next, d->total);
    d->dst = region_alloc(d->dst_base, d->dst_size, &d->dst_next, d->total);
  }
  if (!d->total) {
    reply(d);
    return;
  }
  issue(d);
}

static int dma_recv(ax_component *c, ax_port *p, const ax_msg *m)
{
  dma *d = ax_comp_priv(c);
  ax_sim *s = ax_comp_sim(c);
  if (p == d->rd || p == d->wr) {
    int w = p == d->wr;
    if (m->kind != AX_MSG_MEM_RESP || !d->op || !(w ? d->wr_fly : d->rd_fly) ||
        !(m->flags & AX_MSG_WRITE) != !w) {
      ax_fail(s, "%s: unexpected message kind %d on port %s (no such request in flight)", ax_comp_name(c), m->kind,
              ax_port_name(p));
      return AX_OK;
    }
    if (w) {
      d->wr_fly--;
      d->wr_acked += m->bytes;
      d->bytes_wr += m->bytes;
    } else {
      d->rd_fly--;
      d->bytes_rd += m->bytes;
      /* the data of this response (by its tag: responses may come out of order) */
      d->wq[(d->wqh + d->wqn++) % d->wqcap].off = m->tag;
      d->wq[(d->wqh + d->wqn - 1) % d->wqcap].bytes = m->bytes;
    }
    issue(d);
    if (d->wr_acked == d->total && !d->reply_pending) reply(d);
    return AX_OK;
  }
  if (m->kind != AX_MSG_OP || !m->op) {
    ax_fail(s, "%s: unexpected message kind %d on port %s", ax_comp_name(c), m->kind, ax_port_name(p));
    return AX_OK;
  }
  if (m->op->kind != AX_OP_MOVE) {
    ax_fail(s, "%s: op '%s' is a %s; a dma runs move ops only, map it to another unit", ax_comp_name(c),
            m->op->name, ax_op_kind_name(m->op->kind));
    return AX_OK;
  }
  if (d->op) {
    ax_fail(s, "%s: got op '%s' while running '%s' (one descriptor at a time)", ax_comp_name(c), m->op->name,
            d->op->name);
    return AX_OK;
  }
  if (!ax_port_connected(d->rd) || !ax_port_connected(d->wr)) {
    ax_fail(s, "%s: move '%s' needs both ports linked: rd to the source memory, wr to the destination (%s is not)",
            ax_comp_name(c), m->op->name, ax_port_connected(d->rd) ? "wr" : "rd");
    return AX_OK;
  }
  start_move(d, m->op);
  return AX_OK;
}

static void dma_ready(ax_component *c, ax_port *p)
{
  dma *d = ax_comp_priv(c);
  if (p == d->ctl) {
    if (d->reply_pending) reply(d);
    return;
  }
  if (p == d->rd) d->rd_blocked = 0;
  if (p == d->wr) d->wr_blocked = 0;
  issue(d);
}

static const char *dma_waiting(ax_component *c)
{
  dma *d = ax_comp_priv(c);
  if (!d->op) return NULL;
  snprintf(d->why, sizeof d->why,
           "move '%s': %llu of %llu bytes written, %llu read(s) and %llu write(s) in flight%s", d->op->name,
           (unsigned long long)d->wr_acked, (unsigned long long)d->total, (unsigned long long)d->rd_fly,
           (unsigned long long)d->wr_fly, d->reply_pending ? ", DONE not accepted" : "");
  return d->why;
}

static void dma_stats(ax_component *c, ax_stats *s)
{
  dma *d = ax_comp_priv(c);
  ax_stat_u64(s, "ops", d->ops, "ops");
  ax_stat_u64(s, "bytes_read", d->bytes_rd, "bytes");
  ax_stat_u64(s, "bytes_written", d->bytes_wr, "bytes");
  ax_stat_u64(s, "busy_ps", d->busy_ps, "ps");
  ax_stat_u64(s, "rd_refused", d->rd_eagain, "sends");
  ax_stat_u64(s, "wr_refused", d->wr_eagain, "sends");
}

static void dma_destroy(ax_component *c)
{
  dma *d = ax_comp_priv(c);
  if (d) free(d->wq);
  free(d);
}

const ax_model ax_model_dma = {
    .abi = AX_ABI_VERSION,
    .name = "dma",
    .doc = "DMA engine: copies a move op's bytes from one memory port to another, bursts with outstanding limits",
    .params = dma_params,
    .ports = dma_ports,
    .init = dma_init,
    .recv = dma_recv,
    .ready = dma_ready,
    .waiting = dma_waiting,
    .stats = dma_stats,
    .destroy = dma_destroy,
};
