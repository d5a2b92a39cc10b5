/*
 * sram.c - the `sram` model: a shared, banked on-chip SRAM / scratchpad.
 *
 * The array holds `capacity_kb` KiB at addresses [base, base + capacity),
 * cut into `banks` banks interleaved by words of `width_bytes`: word
 * w = (addr - base) / width_bytes lives in bank w % banks. Each bank does
 * one word access per cycle. A request of b bytes touches the words
 * covering [addr, addr + b); each word is granted its bank at the first
 * cycle at or after the request's arrival edge when that bank is free, so
 * two requests to one bank in one cycle serialise, and requests to
 * different banks proceed side by side. The answer leaves `latency_cycles`
 * after the last word's grant cycle began (1: a synchronous SRAM macro
 * returns data the cycle after the address is clocked in).
 *
 * Grants are computed when a request arrives (arrival order; nothing
 * ticks): one event per answer. An address outside the array is a run
 * error naming the request. At most `queue` requests wait for their
 * answers; beyond that the sender is refused until one leaves.
 * Energy: one read or write access per word touched, at pJ per access
 * from Horowitz (ISSCC 2014) scaled by the bank's size (see the params).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axsim/axsim.h"

typedef struct answer {
  ax_msg m;
  ax_port *port;
  ax_time_t due;
  int live;
} answer;

typedef struct sram {
  ax_component *c;
  uint64_t base, cap, width, banks, latency, queue;
  double pj_rd, pj_wr;
  uint64_t *bank_free; /* first cycle each bank is free */
  answer *q;           /* answers not yet sent (slots; live marks use) */
  size_t nq;
  ax_port *refused[64];
  size_t nrefused;
  uint64_t reads, writes, bytes_r, bytes_w, words_r, words_w, conflict_cycles, max_wait;
  char why[160];
} sram;

static const ax_param_def sram_params[] = {
    {"capacity_kb", AX_P_INT, "256", 1, 1 << 24, NULL,
     "capacity in KiB (256: assumption, the order of an edge NPU's shared SRAM; Vela's default arena "
     "cache for the Ethos-U55 is 384 KiB)"},
    {"base", AX_P_STRING, "0x0", 0, 0, NULL,
     "first address of the array (its address range behind an interconnect's routes)"},
    {"banks", AX_P_INT, "8", 1, 1024, NULL, "banks, word-interleaved (8: assumption)"},
    {"width_bytes", AX_P_INT, "8", 1, 1024, NULL,
     "word width of a bank in bytes, one word per bank per cycle (8: a 64-bit word, the access "
     "Horowitz ISSCC 2014 quotes SRAM energy for)"},
    {"latency_cycles", AX_P_INT, "1", 1, 1000, NULL,
     "cycles from a word's grant to its data (1: a synchronous single-cycle SRAM macro)"},
    {"queue", AX_P_INT, "64", 1, 1 << 20, NULL, "requests accepted and not yet answered, at most"},
    {"pj_read", AX_P_FLOAT, "0", 0, 1e6, NULL,
     "energy per word read, pJ; 0 = 10 x sqrt(bank KiB / 8) x width_bytes / 8, the fit of Horowitz "
     "ISSCC 2014's 64-bit SRAM reads (8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ; 45 nm)"},
    {"pj_write", AX_P_FLOAT, "0", 0, 1e6, NULL,
     "energy per word written, pJ; 0 = as pj_read (assumption: Horowitz gives reads only; a write "
     "drives the same bit lines)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def sram_ports[] = {{"in*", "requesters: MEM_REQ in, MEM_RESP out"}, {NULL, NULL}};

static int sram_init(ax_component *c, char *err, size_t errlen)
{
  sram *s = calloc(1, sizeof *s);
  if (!s) return AX_ENOMEM;
  s->c = c;
  ax_comp_set_priv(c, s);
  const char *b = ax_param_str(c, "base");
  char *end = NULL;
  s->base = strtoull(b, &end, 0);
  if (!*b || *end || *b == '-') {
    snprintf(err, errlen, "base: expected an address (e.g. \"0x80000000\"), got '%s'", b);
    return AX_EINVAL;
  }
  s->cap = (uint64_t)ax_param_int(c, "capacity_kb") * 1024;
  s->banks = (uint64_t)ax_param_int(c, "banks");
  s->width = (uint64_t)ax_param_int(c, "width_bytes");
  s->latency = (uint64_t)ax_param_int(c, "latency_cycles");
  s->queue = (uint64_t)ax_param_int(c, "queue");
  if (s->cap % (s->banks * s->width)) {
    snprintf(err, errlen, "capacity_kb = %lld: not a whole number of rows of banks x width_bytes = %llu x %llu bytes",
             (long long)ax_param_int(c, "capacity_kb"), (unsigned long long)s->banks,
             (unsigned long long)s->width);
    return AX_EINVAL;
  }
  double bank_kib = (double)s->cap / 1024.0 / (double)s->banks;
  double fit = 10.0 * sqrt(bank_kib / 8.0) * (double)s->width / 8.0;
  s->pj_rd = ax_param_float(c, "pj_read") > 0 ? ax_param_float(c, "pj_read") : fit;
  s->pj_wr = ax_param_float(c, "pj_write") > 0 ? ax_param_float(c, "pj_write") : s->pj_rd;
  s->bank_free = calloc(s->banks, sizeof *s->bank_free);
  s->q = calloc(s->queue, sizeof *s->q);
  if (!s->bank_free || !s->q) return AX_ENOMEM;
  return AX_OK;
}

/* Send every due answer; a port that pushes back keeps its answers for ready(). */
static void send_due(ax_component *c, uint64_t arg)
{
  (void)arg;
  sram *s = ax_comp_priv(c);
  ax_time_t now = ax_now(ax_comp_sim(c));
  int freed = 0;
  for (;;) {
    /* the earliest due live answer (ties: slot order, which is arrival order
     * unless slots were reused; answers of one port keep their due order) */
    answer *best = NULL;
    for (size_t i = 0; i < s->queue; i++) {
      answer *a = &s->q[i];
      if (a->live && a->due <= now && (!best || a->due < best->due)) {
        if (!ax_port_can_send(a->port)) continue;
        best = a;
      }
    }
    if (!best) break;
    ax_msg r = best->m;
    r.kind = AX_MSG_MEM_RESP;
    if (ax_port_send(best->port, &r) != AX_OK) break;
    best->live = 0;
    s->nq--;
    freed = 1;
  }
  /* a due answer whose port had no credit: ask for ready() */
  for (size_t i = 0; i < s->queue; i++)
    if (s->q[i].live && s->q[i].due <= now && !ax_port_can_send(s->q[i].port)) {
      ax_msg r = s->q[i].m;
      r.kind = AX_MSG_MEM_RESP;
      ax_port_send(s->q[i].port, &r); /* AX_EAGAIN: registers for ready() */
    }
  if (!freed) return;
  for (size_t i = 0; i < s->nrefused; i++) ax_port_unblock(s->refused[i]);
  s->nrefused = 0;
}

static int sram_recv(ax_component *c, ax_port *p, const ax_msg *m)
{
  sram *s = ax_comp_priv(c);
  ax_sim *sim = ax_comp_sim(c);
  if (m->kind != AX_MSG_MEM_REQ) {
    ax_fail(sim, "%s: expected MEM_REQ on port %s, got message kind %d", ax_comp_name(c), ax_port_name(p), m->kind);
    return AX_OK;
  }
  if (m->addr < s->base || m->bytes > s->cap || m->addr - s->base > s->cap - m->bytes) {
    ax_fail(sim,
            "%s: %s of %llu bytes at 0x%llx from port %s is outside the SRAM (0x%llx..0x%llx, capacity_kb = %llu)",
            ax_comp_name(c), m->flags & AX_MSG_WRITE ? "write" : "read", (unsigned long long)m->bytes,
            (unsigned long long)m->addr, ax_port_name(p), (unsigned long long)s->base,
            (unsigned long long)(s->base + s->cap - 1), (unsigned long long)(s->cap / 1024));
    return AX_OK;
  }
  if (s->nq == s->queue) {
    size_t i;
    for (i = 0; i < s->nrefused; i++)
      if (s->refused[i] == p) break;
    if (i == s->nrefused && s->nrefused < 64) s->refused[s->nrefused++] = p;
    return AX_EAGAIN;
  }
  ax_time_t period = ax_comp_period(c), edge = ax_comp_next_edge(c);
  uint64_t cyc = edge / period, last = cyc;
  uint64_t off = m->addr - s->base;
  uint64_t w0 = off / s->width, w1 = m->bytes ? (off + m->bytes - 1) / s->width : w0;
  uint64_t words = m->bytes ? w1 - w0 + 1 : 0;
  for (uint64_t w = w0; w < w0 + words; w++) {
    uint64_t b = w % s->banks;
    uint64_t g = s->bank_free[b] > cyc ? s->bank_free[b] : cyc;
    s->conflict_cycles += g - cyc;
    s->bank_free[b] = g + 1;
    if (g > last) last = g;
  }
  if (last - cyc > s->max_wait) s->max_wait = last - cyc;
  int wr = (m->flags & AX_MSG_WRITE) != 0;
  if (wr) s->writes++, s->bytes_w += m->bytes, s->words_w += words;
  else s->reads++, s->bytes_r += m->bytes, s->words_r += words;
  ax_energy(c, m->op ? m->op->id : AX_NO_OP, wr ? "write_access" : "read_access", words,
            wr ? s->pj_wr : s->pj_rd);
  size_t i = 0;
  while (s->q[i].live) i++;
  answer *a = &s->q[i];
  a->m = *m;
  a->port = p;
  a->due = (last + s->latency) * period;
  a->live = 1;
  s->nq++;
  ax_schedule_at(c, a->due, AX_PRIO_NORMAL, send_due, 0);
  return AX_OK;
}

static void sram_ready(ax_component *c, ax_port *p)
{
  (void)p;
  send_due(c, 0);
}

static const char *sram_waiting(ax_component *c)
{
  sram *s = ax_comp_priv(c);
  if (!s->nq) return NULL;
  snprintf(s->why, sizeof s->why, "%zu answer(s) not taken by the requester", s->nq);
  return s->why;
}

static void sram_stats(ax_component *c, ax_stats *st)
{
  sram *s = ax_comp_priv(c);
  ax_stat_u64(st, "reads", s->reads, "reqs");
  ax_stat_u64(st, "writes", s->writes, "reqs");
  ax_stat_u64(st, "bytes_read", s->bytes_r, "bytes");
  ax_stat_u64(st, "bytes_written", s->bytes_w, "bytes");
  ax_stat_u64(st, "read_accesses", s->words_r, "words");
  ax_stat_u64(st, "write_accesses", s->words_w, "words");
  ax_stat_u64(st, "conflict_cycles", s->conflict_cycles, "cycles");
  ax_stat_u64(st, "max_conflict_wait", s->max_wait, "cycles");
  ax_stat_f64(st, "pj_per_read", s->pj_rd, "pJ");
  ax_stat_f64(st, "pj_per_write", s->pj_wr, "pJ");
}

/* The whole array, live for the run (a scratchpad holds data throughout). */
static int sram_fault_sites(ax_component *c, ax_fault_site *out, int max)
{
  sram *s = ax_comp_priv(c);
  if (max > 0) {
    snprintf(out[0].name, sizeof out[0].name, "array");
    out[0].bits = s->cap * 8;
    out[0].live_from = 0;
    out[0].live_to = ax_now(ax_comp_sim(c));
  }
  return 1;
}

static void sram_destroy(ax_component *c)
{
  sram *s = ax_comp_priv(c);
  if (s) free(s->bank_free), free(s->q);
  free(s);
}

const ax_model ax_model_sram = {
    .abi = AX_ABI_VERSION,
    .name = "sram",
    .doc = "shared banked SRAM / scratchpad: word-interleaved banks, per-bank conflicts, per-access energy",
    .params = sram_params,
    .ports = sram_ports,
    .init = sram_init,
    .recv = sram_recv,
    .ready = sram_ready,
    .waiting = sram_waiting,
    .stats = sram_stats,
    .fault_sites = sram_fault_sites,
    .destroy = sram_destroy,
};
