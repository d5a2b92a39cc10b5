/*
 * dram_run.c - feed a request stream to a memory system and measure it.
 *
 * The driver of `axsim dramtrace`, the tests and the benchmark: one
 * request offered per cycle at most, when its channel's queue has room;
 * a request the trace issues at cycle T is in the queue from cycle T + 1
 * at the earliest (the CPU side issues it during cycle T, as in DRAMsim3's
 * driver, so a request at trace cycle 0 can activate at cycle 2). When its
 * channel's queue is full, it holds back the requests behind it (head of
 * line, as DRAMsim3's trace driver does). Between offers the
 * system jumps to its next interesting cycle.
 */
#include <stdlib.h>
#include <string.h>

#include "dram.h"

typedef struct run_ctx { uint64_t last_done; } run_ctx;

static void on_done(void *ctx, uint64_t tag, int is_write, uint64_t done, uint64_t added) {
  run_ctx *r = ctx;
  (void)tag; (void)is_write; (void)added;
  if (done > r->last_done) r->last_done = done;
}

/* The message of a run that stopped with AX_EIO in channel c (a bug, not bad input). */
static int stuck(ax_dram_ctrl *c, char *err, size_t errlen) {
  if (ax_dram_ctrl_next(c) == AX_DRAM_NEVER)
    snprintf(err, errlen, "DRAM model stalled at cycle %llu with requests pending",
             (unsigned long long)ax_dram_ctrl_now(c));
  else
    snprintf(err, errlen, "DRAM model made no progress for %llu cycles (cycle %llu, requests pending): "
             "a livelock in the controller", (unsigned long long)AX_DRAM_NO_PROGRESS,
             (unsigned long long)ax_dram_ctrl_now(c));
  return AX_EIO;
}

/* Offer the stream's requests to s and run until every one is answered.
 * Channels are independent between requests, so each runs on its own up
 * to the cycle its next request is offered (the request the trace issues
 * at cycle T at T + 1 at the earliest, one offer per cycle; a full queue
 * holds back the requests behind it, as DRAMsim3's driver does); at the
 * end every channel runs through the cycle of the last completion. */
int ax_dram_run(ax_dram_sys *s, ax_dram_src_fn src, void *ctx, ax_dram_result *out, char *err, size_t errlen) {
  run_ctx rc = {0};
  uint64_t addr = 0, cyc = 0, at = s->now, requests = 0; /* at: the earliest cycle of the next offer */
  int wr = 0, have;
  /* Completions are handed back every 32 offers to their channel, not
   * after each: only the last one's cycle is kept, and whether one was due
   * after an offer was a guess the CPU missed often (random reads +2 %).
   * 32 (not tuned): a few completions held per channel, the check's
   * outcome a steady pattern; the drain below hands back the rest. */
  unsigned *since = calloc((size_t)s->cfg.channels, sizeof *since);
  if (!since) {
    snprintf(err, errlen, "out of memory");
    return AX_ENOMEM;
  }
  while ((have = src(ctx, &addr, &wr, &cyc, err, errlen)) > 0) {
    int ch = ax_dram_sys_channel(s, addr);
    ax_dram_ctrl *c = s->ch[ch];
    uint64_t t = cyc + 1 > at ? cyc + 1 : at; /* issued at cycle cyc, in the queue from cyc + 1 */
    if (ax_dram_ctrl_offer(c, addr, wr, requests++, &t) != AX_OK) {
      free(since);
      return stuck(c, err, errlen);
    }
    if (!(++since[ch] & 31)) ax_dram_ctrl_deliver(c, t, on_done, &rc);
    at = t + 1;
  }
  free(since);
  if (have < 0) return AX_EINVAL;
  for (int i = 0; i < s->cfg.channels; i++) { /* drain */
    ax_dram_ctrl *c = s->ch[i];
    while (ax_dram_ctrl_pending(c)) {
      uint64_t t = ax_dram_ctrl_next_done(c);
      if (t == AX_DRAM_NEVER && (t = ax_dram_ctrl_next(c)) == AX_DRAM_NEVER) return stuck(c, err, errlen);
      if (ax_dram_ctrl_run_to(c, t + 1) != AX_OK) return stuck(c, err, errlen);
      ax_dram_ctrl_deliver(c, t, on_done, &rc);
    }
  }
  if (requests) { /* every channel (refresh, buffered writes) through the last completion */
    for (int i = 0; i < s->cfg.channels; i++)
      if (ax_dram_ctrl_run_to(s->ch[i], rc.last_done + 1) != AX_OK) return stuck(s->ch[i], err, errlen);
    s->now = rc.last_done;
  }
  ax_dram_sys_result(s, -1, rc.last_done + 1, requests, out);
  return AX_OK;
}

/* Sum channel ch of s (-1: all) into out for a run ending at num_cycles. */
void ax_dram_sys_result(const ax_dram_sys *s, int ch, uint64_t num_cycles, uint64_t requests, ax_dram_result *out) {
  int lo = ch < 0 ? 0 : ch, nch = ch < 0 ? s->cfg.channels : ch + 1;
  memset(out, 0, sizeof *out);
  out->requests = requests;
  out->num_cycles = num_cycles;
  for (int i = lo; i < nch; i++) {
    const ax_dram_stats *st = ax_dram_ctrl_stats(s->ch[i]);
    uint64_t *a = &out->st.num_reads_done;
    const uint64_t *b = &st->num_reads_done;
    size_t n = offsetof(ax_dram_stats, rank_active_cycles) / sizeof(uint64_t);
    for (size_t k = 0; k < n; k++) a[k] += b[k];
    ax_dram_energy e = ax_dram_ctrl_energy(s->ch[i], out->num_cycles);
    out->en.act += e.act; out->en.read += e.read; out->en.write += e.write; out->en.ref += e.ref;
    out->en.refb += e.refb; out->en.act_stb += e.act_stb; out->en.pre_stb += e.pre_stb; out->en.total += e.total;
  }
  out->st.read_latency_max = 0;
  for (int i = lo; i < nch; i++)
    if (ax_dram_ctrl_stats(s->ch[i])->read_latency_max > out->st.read_latency_max)
      out->st.read_latency_max = ax_dram_ctrl_stats(s->ch[i])->read_latency_max;
  out->bytes = (out->st.num_reads_done + out->st.num_writes_done) * (uint64_t)s->cfg.request_bytes;
  out->average_read_latency = out->st.num_reads_done ? (double)out->st.read_latency_sum / out->st.num_reads_done : 0;
  out->average_bandwidth = out->num_cycles ? (double)out->bytes / (out->num_cycles * s->cfg.tCK_ns) : 0;
}

/* The statistics of a result with DRAMsim3's names. */
int ax_dram_result_rows(const ax_dram_cfg *cfg, const ax_dram_result *r, ax_dram_stat_row *out) {
  const ax_dram_stats *s = &r->st;
  int n = 0;
#define ROW(nm, v, u, d) out[n++] = (ax_dram_stat_row){nm, (double)(v), u, d}
  ROW("num_cycles", r->num_cycles, "cycles", 0);
  ROW("num_reads_done", s->num_reads_done, "reqs", 0);
  ROW("num_writes_done", s->num_writes_done, "reqs", 0);
  ROW("average_read_latency", r->average_read_latency, "cycles", 3);
  ROW("max_read_latency", s->read_latency_max, "cycles", 0);
  ROW("num_act_cmds", s->num_act_cmds, "cmds", 0);
  ROW("num_pre_cmds", s->num_pre_cmds, "cmds", 0);
  ROW("num_read_cmds", s->num_read_cmds, "cmds", 0);
  ROW("num_write_cmds", s->num_write_cmds, "cmds", 0);
  ROW("num_read_row_hits", s->num_read_row_hits, "cmds", 0);
  ROW("num_write_row_hits", s->num_write_row_hits, "cmds", 0);
  ROW("num_ondemand_pres", s->num_ondemand_pres, "cmds", 0);
  ROW("num_ref_cmds", s->num_ref_cmds, "cmds", 0);
  ROW("num_refb_cmds", s->num_refb_cmds, "cmds", 0);
  ROW("hbm_dual_cmds", s->hbm_dual_cmds, "cmds", 0);
  ROW("num_write_buf_hits", s->num_write_buf_hits, "reqs", 0);
  ROW("act_energy", r->en.act, "pJ", 1);
  ROW("read_energy", r->en.read, "pJ", 1);
  ROW("write_energy", r->en.write, "pJ", 1);
  ROW("ref_energy", r->en.ref, "pJ", 1);
  ROW("refb_energy", r->en.refb, "pJ", 1);
  ROW("act_stb_energy", r->en.act_stb, "pJ", 1);
  ROW("pre_stb_energy", r->en.pre_stb, "pJ", 1);
  ROW("total_energy", r->en.total, "pJ", 1);
  ROW("average_power", r->num_cycles ? r->en.total / (r->num_cycles * cfg->tCK_ns) : 0.0, "mW", 3);
  ROW("average_bandwidth", r->average_bandwidth, "GB/s", 4);
#undef ROW
  return n;
}
