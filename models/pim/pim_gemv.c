/*
 * pim_gemv.c - time a GEMV on bank-level PIM (see pim_gemv.h).
 *
 * One channel is walked tile by tile (ACT_AB, MAC_AB x cols, PRE_AB); the
 * channels run in lockstep from the same start, and channels holding the
 * same number of output rows issue the same commands, so only the (at most
 * two) distinct row counts are walked.
 *
 * Why the fast path is exact. Every timing rule has the form "command at
 * time >= earlier command + constant", so a tile's times are maxima of
 * (state + constants) and of a few outside bounds (global buffer ready,
 * last readout, end of a refresh). Shifting the state by P shifts the
 * tile's result by P. If, within a run of identical tiles, two successive
 * tiles moved every field of the state by the same P and no outside bound
 * was binding, then by induction every further tile moves it by P too, as
 * long as no refresh falls due; so the walk jumps j tiles at once, to just
 * before the next refresh. tests/pim compares it with the command-by-
 * command walk (ax_pim_gemv_slow) on small cases, refresh included.
 */
#include <stdlib.h>
#include <string.h>

#include "pim_gemv.h"
#include "sim.h"

#define NONE (-(1LL << 50))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

typedef struct chs {
  int64_t act[AX_PIM_MAX_BANKS], pre[AX_PIM_MAX_BANKS];
  int64_t bg_act[AX_PIM_MAX_BANKS];
  int64_t faw[4];       /* the last 4 ACTs, oldest first */
  int64_t last_act, pre_any, col;
} chs;

/* Fill t from the PIM standard's table (see pim_gemv.h). */
int ax_pim_timing_from_dram(ax_pim_timing *t, const ax_dram_cfg *cfg, int mac_latency, char *err, size_t errlen) {
  ax_dram_cfg c = *cfg;
  c.std = ax_dram_std_pim(cfg->std);
  if (!c.std) {
    ax_errf(err, errlen, "preset %s: standard %s has no PIM form (models/dram/std_pim.c)", cfg->name, cfg->std->name);
    return AX_EINVAL;
  }
  c.t[AX_DRAM_TP_tMACRD] = mac_latency;
  ax_dram_timing tm;
  if (ax_dram_timing_build(&tm, &c) != AX_OK) {
    ax_errf(err, errlen, "out of memory");
    return AX_ENOMEM;
  }
#define G(p, sc, q) ax_dram_timing_gap(&tm, AX_DRAM_##p, AX_DRAM_SC_##sc, AX_DRAM_##q, 0)
#define G2(p, q) MAX(G(p, RANK, q), G(p, CHANNEL, q))
  t->act_mac = MAX(G(ACT_AB, BANK, MAC_AB), G(ACT, BANK, MAC_AB));
  t->mac_mac = G2(MAC_AB, MAC_AB);
  t->mac_pre = MAX(G(MAC_AB, BANK, PRE_AB), G(MAC_AB, BANK, PRE));
  t->act_pre = MAX(G(ACT_AB, BANK, PRE_AB), G(ACT, BANK, PRE));
  t->pre_act = MAX(G(PRE_AB, BANK, ACT_AB), G(PRE, BANK, ACT));
  t->act_act = MAX(G(ACT_AB, BANK, ACT_AB), G(ACT, BANK, ACT));
  t->ab_ab = G2(ACT_AB, ACT_AB);
  t->rrd_s = G2(ACT, ACT), t->rrd_l = G(ACT, BANKGROUP, ACT);
  t->faw = ax_dram_timing_gap(&tm, AX_DRAM_ACT, AX_DRAM_SC_RANK, AX_DRAM_ACT, 4);
  t->ppd = MAX(G2(PRE_AB, PRE_AB), G2(PRE, PRE));
  t->pre_ref = MAX(G(PRE_AB, BANK, REFAB), G(PRE, BANK, REFAB));
  t->ref_act = G2(REFAB, ACT_AB);
  t->gb_gb = G2(WRGB, WRGB), t->res_res = G2(RDMAC, RDMAC);
  t->res_gb = G2(RDMAC, WRGB), t->gb_res = G2(WRGB, RDMAC);
  t->gb_mac = G2(WRGB, MAC_AB), t->mac_res = G2(MAC_AB, RDMAC);
#undef G
#undef G2
  ax_dram_timing_free(&tm);
  t->tREFI = c.t[AX_DRAM_TP_tREFI];
  t->rd_data = c.t[AX_DRAM_TP_RL] + c.t[AX_DRAM_TP_BURST];
  return AX_OK;
}

/* Check g; AX_OK or AX_EINVAL naming the setting. */
int ax_pim_geom_check(const ax_pim_geom *g, char *err, size_t errlen) {
  if (g->banks < 1 || g->banks > AX_PIM_MAX_BANKS) {
    ax_errf(err, errlen, "banks: %d, expected 1..%d", g->banks, AX_PIM_MAX_BANKS);
    return AX_EINVAL;
  }
  if (g->bankgroups < 1 || g->banks % g->bankgroups) {
    ax_errf(err, errlen, "bankgroups: %d must divide banks %d", g->bankgroups, g->banks);
    return AX_EINVAL;
  }
  if (g->channels < 1 || g->col_bytes < 1 || g->row_bytes < g->col_bytes || g->row_bytes % g->col_bytes) {
    ax_errf(err, errlen, "row_bytes %d must be a multiple of col_bytes %d (channels %d >= 1)", g->row_bytes,
            g->col_bytes, g->channels);
    return AX_EINVAL;
  }
  if (g->gb_bytes < g->row_bytes) {
    ax_errf(err, errlen, "gb_bytes %d: the global buffer must hold at least one DRAM row (row_bytes %d)",
            g->gb_bytes, g->row_bytes);
    return AX_EINVAL;
  }
  if (g->accs < 1 || g->burst_bytes < 1) {
    ax_errf(err, errlen, "accs and burst_bytes must be >= 1");
    return AX_EINVAL;
  }
  return AX_OK;
}

typedef struct logrec {  /* one command of the log, kept to sort by cycle */
  int64_t cyc;
  uint64_t seq, row;
  int cmd, bank, col;
} logrec;

typedef struct walk {
  const ax_pim_timing *t;
  const ax_pim_geom *g;
  chs s;
  int64_t ref_due, ref_end;
  int64_t last_wr, last_rd;  /* last WRGB / RDMAC burst */
  uint64_t tiles, refs, bank_acts, jumped;
  FILE *log;
  logrec *rec;
  size_t nrec, caprec;
  uint64_t row;         /* DRAM row index of the next tile, for the log */
} walk;

/* Log command `cmd` at cyc to `bank` (-1: all banks); col -1: none. */
static void logc(walk *w, int64_t cyc, int cmd, int bank, uint64_t row, int col) {
  if (!w->log) return;
  if (w->nrec == w->caprec) {
    w->caprec = w->caprec ? 2 * w->caprec : 1024;
    w->rec = ax_xrealloc(w->rec, w->caprec * sizeof *w->rec);
  }
  w->rec[w->nrec] = (logrec){cyc, w->nrec, row, cmd, bank, col};
  w->nrec++;
}

static int rec_cmp(const void *a, const void *b) {
  const logrec *x = a, *y = b;
  if (x->cyc != y->cyc) return x->cyc < y->cyc ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Write the log in cycle order (issue order within a cycle). */
static void flush_log(walk *w) {
  if (!w->log) return;
  qsort(w->rec, w->nrec, sizeof *w->rec, rec_cmp);
  for (size_t i = 0; i < w->nrec; i++) {
    const logrec *r = &w->rec[i];
    int bg = r->bank < 0 ? -1 : r->bank % w->g->bankgroups, ba = r->bank < 0 ? -1 : r->bank / w->g->bankgroups;
    fprintf(w->log, "%lld %s 0 0 %d %d 0x%llx 0x%x\n", (long long)r->cyc, ax_dram_cmd_name((ax_dram_cmd)r->cmd), bg,
            ba, (unsigned long long)r->row, r->col < 0 ? 0 : r->col);
  }
  free(w->rec);
  w->rec = NULL;
  w->nrec = w->caprec = 0;
}

/* All-bank refresh if one is due before a tile would start at `a`. */
static void refresh(walk *w, int64_t a) {
  const ax_pim_timing *t = w->t;
  while (w->g->refresh && a >= w->ref_due) {
    int64_t r = w->ref_due;
    for (int b = 0; b < w->g->banks; b++) r = MAX(r, w->s.pre[b] + t->pre_ref);
    r = MAX(r, w->ref_end);
    w->ref_end = r + t->ref_act;
    w->ref_due += t->tREFI;
    w->refs++;
    logc(w, r, AX_DRAM_REFAB, -1, 0, -1);
    a = MAX(a, w->ref_end);
  }
}

/* One tile of ncols MAC_ABs, no ACT before `lo_act`, no MAC before
 * `lo_mac`. Returns 1 if an outside bound (lo_act, lo_mac, refresh) set a
 * time, 0 if the tile followed from the state alone. */
static int tile(walk *w, int ncols, int64_t lo_act, int64_t lo_mac) {
  const ax_pim_timing *t = w->t;
  const ax_pim_geom *g = w->g;
  chs *s = &w->s;
  int B = g->banks, ext = 0;
  /* earliest the first ACT could go from the state alone */
  int64_t first = NONE;
  for (int b = 0; b < B; b++) first = MAX(first, MAX(s->pre[b] + t->pre_act, s->act[b] + t->act_act));
  if (!g->stagger) first = MAX(first, s->last_act + t->ab_ab);
  if (g->refresh) {
    int64_t before = w->ref_end;
    refresh(w, MAX(first, lo_act));
    if (w->ref_end != before) ext = 1;
  }
  lo_act = MAX(lo_act, w->ref_end);
  int64_t act_done;
  if (!g->stagger) {
    if (lo_act > first) ext = 1;
    int64_t a = MAX(first, lo_act);
    for (int b = 0; b < B; b++) s->act[b] = a, s->bg_act[b % g->bankgroups] = a;
    s->last_act = a;
    act_done = a;
    logc(w, a, AX_DRAM_ACT_AB, -1, w->row, -1);
  } else {
    act_done = NONE;
    for (int b = 0; b < B; b++) {
      int bg = b % g->bankgroups;
      int64_t x = MAX(MAX(s->pre[b] + t->pre_act, s->act[b] + t->act_act), MAX(s->bg_act[bg] + t->rrd_l, s->last_act + t->rrd_s));
      x = MAX(x, s->faw[0] + t->faw);
      if (lo_act > x) ext = 1;
      int64_t a = MAX(x, lo_act);
      s->act[b] = a, s->bg_act[bg] = a, s->last_act = a;
      memmove(s->faw, s->faw + 1, 3 * sizeof *s->faw);
      s->faw[3] = a;
      act_done = MAX(act_done, a);
      logc(w, a, AX_DRAM_ACT, b, w->row, -1);
    }
  }
  w->bank_acts += (uint64_t)B;
  int64_t m0 = MAX(act_done + t->act_mac, s->col + t->mac_mac);
  if (lo_mac > m0) ext = 1;
  m0 = MAX(m0, lo_mac);
  for (int c = 0; c < ncols && w->log; c++) logc(w, m0 + (int64_t)c * t->mac_mac, AX_DRAM_MAC_AB, -1, w->row, c);
  s->col = m0 + (int64_t)(ncols - 1) * t->mac_mac;
  if (!g->stagger) { /* one PRE_AB: every bank's bound */
    int64_t p = MAX(s->col + t->mac_pre, s->pre_any + t->ppd);
    for (int b = 0; b < B; b++) p = MAX(p, s->act[b] + t->act_pre);
    for (int b = 0; b < B; b++) s->pre[b] = p;
    s->pre_any = p;
    logc(w, p, AX_DRAM_PRE_AB, -1, w->row, -1);
  } else {
    for (int b = 0; b < B; b++) {
      int64_t p = MAX(MAX(s->col + t->mac_pre, s->act[b] + t->act_pre), s->pre_any + t->ppd);
      s->pre[b] = p;
      s->pre_any = MAX(s->pre_any, p);
      logc(w, p, AX_DRAM_PRE, b, w->row, -1);
    }
  }
  w->tiles++;
  w->row++;
  return ext;
}

/* Is b = a + P in every field (P returned)? */
static int shifted(const walk *w, const chs *a, const chs *b, int64_t *P) {
  int B = w->g->banks;
  int64_t d = b->col - a->col;
  if (d <= 0) return 0;
  for (int i = 0; i < B; i++)
    if (b->act[i] - a->act[i] != d || b->pre[i] - a->pre[i] != d) return 0;
  for (int i = 0; i < w->g->bankgroups; i++)
    if (b->bg_act[i] - a->bg_act[i] != d) return 0;
  if (w->g->stagger)
    for (int i = 0; i < 4; i++)
      if (b->faw[i] - a->faw[i] != d) return 0;
  if (b->last_act - a->last_act != d || b->pre_any - a->pre_any != d) return 0;
  *P = d;
  return 1;
}

static void shift(walk *w, chs *s, int64_t d) {
  for (int i = 0; i < w->g->banks; i++) s->act[i] += d, s->pre[i] += d;
  for (int i = 0; i < w->g->bankgroups; i++) s->bg_act[i] += d;
  for (int i = 0; i < 4; i++) s->faw[i] += d;
  s->last_act += d, s->pre_any += d, s->col += d;
}

/* n identical tiles of ncols; fast: jump runs the state provably repeats. */
static void run(walk *w, uint64_t n, int ncols, int64_t lo_act, int64_t lo_mac, int fast) {
  chs prev;
  int prev_ok = 0;
  for (uint64_t i = 0; i < n;) {
    chs before = w->s;
    int ext = tile(w, ncols, lo_act, lo_mac);
    i++;
    int64_t P;
    if (fast && !ext && prev_ok && i < n && shifted(w, &prev, &before, &P) && shifted(w, &before, &w->s, &P)) {
      /* tiles i.. start at act + P, act + 2P, ...: jump those before the
       * next refresh (the tile that meets it is walked) */
      int64_t next_first = NONE;
      for (int b = 0; b < w->g->banks; b++)
        next_first = MAX(next_first, MAX(w->s.pre[b] + w->t->pre_act, w->s.act[b] + w->t->act_act));
      if (!w->g->stagger) next_first = MAX(next_first, w->s.last_act + w->t->ab_ab);
      uint64_t j = n - i;
      if (w->g->refresh) {
        int64_t room = w->ref_due - 1 - next_first; /* tile i + q starts at next_first + q P */
        uint64_t fit = room < 0 ? 0 : (uint64_t)(room / P) + 1;
        if (fit < j) j = fit;
      }
      if (j > 1) {
        j--; /* keep the last one walked so the state stays exact */
        shift(w, &w->s, (int64_t)j * P);
        w->row += j;
        w->tiles += j;
        w->bank_acts += j * (uint64_t)w->g->banks;
        w->jumped += j;
        i += j;
        prev_ok = 0;
        continue;
      }
    }
    prev = before;
    prev_ok = !ext;
  }
}

/* nb WRGB (is_write) or RDMAC bursts on the channel's data bus from
 * `from`; returns when their data is usable: for WRGB the cycle a MAC_AB
 * may read the buffer, for RDMAC the last data beat. */
static int64_t bus(walk *w, uint64_t nb, int64_t from, int is_write, uint64_t *count) {
  const ax_pim_timing *t = w->t;
  if (!nb) return from;
  int cmd = is_write ? AX_DRAM_WRGB : AX_DRAM_RDMAC;
  int64_t gap = is_write ? t->gb_gb : t->res_res;
  int64_t s = is_write ? MAX(w->last_wr + t->gb_gb, w->last_rd + t->res_gb) : MAX(w->last_rd + t->res_res, w->last_wr + t->gb_res);
  s = MAX(s, from);
  int64_t last = s + (int64_t)(nb - 1) * gap;
  for (uint64_t i = 0; i < nb && w->log; i++) logc(w, s + (int64_t)i * gap, cmd, -1, 0, (int)(i & 0xffff));
  if (is_write) w->last_wr = last; else w->last_rd = last;
  *count += nb;
  return last + (is_write ? t->gb_mac : t->rd_data);
}

/* One channel holding `rows` output rows. */
static uint64_t channel(const ax_pim_timing *t, const ax_pim_geom *g, const ax_pim_gemv *op, uint64_t rows,
                        int64_t start, int64_t *ref_due, int fast, FILE *log, ax_pim_result *r) {
  walk w = {.t = t, .g = g, .ref_due = *ref_due, .ref_end = NONE, .last_wr = NONE, .last_rd = NONE, .log = log};
  for (int b = 0; b < AX_PIM_MAX_BANKS; b++) w.s.act[b] = w.s.pre[b] = w.s.bg_act[b] = NONE;
  for (int i = 0; i < 4; i++) w.s.faw[i] = NONE;
  w.s.last_act = w.s.pre_any = w.s.col = NONE;
  uint64_t B = (uint64_t)g->banks;
  uint64_t groups = (rows + B - 1) / B;
  uint64_t epr = (uint64_t)(g->row_bytes / op->elem_bytes);          /* elements per DRAM row */
  uint64_t chunks = (op->k + epr - 1) / epr;
  uint64_t q = (uint64_t)(g->gb_bytes / g->row_bytes);               /* chunks the buffer holds */
  uint64_t last_elems = op->k - (chunks - 1) * epr;
  int full_cols = g->row_bytes / g->col_bytes;
  int last_cols = (int)((last_elems * (uint64_t)op->elem_bytes + (uint64_t)g->col_bytes - 1) / (uint64_t)g->col_bytes);
  int whole = chunks <= q; /* the whole vector fits: written once */
  int64_t end = start, gb_ready = start, rd_done = start, acc_free = start;
  uint64_t cols = 0, wr = 0, rd = 0;
  for (uint64_t v = 0; v < op->vectors; v++) {
    if (whole) gb_ready = bus(&w, (op->k * (uint64_t)op->elem_bytes + (uint64_t)g->burst_bytes - 1) / (uint64_t)g->burst_bytes, MAX(start, w.s.col), 1, &wr);
    for (uint64_t g0 = 0; g0 < groups; g0 += (uint64_t)g->accs) {
      uint64_t gn = groups - g0 < (uint64_t)g->accs ? groups - g0 : (uint64_t)g->accs;
      for (uint64_t c0 = 0; c0 < chunks; c0 += q) {
        uint64_t cn = chunks - c0 < q ? chunks - c0 : q;
        if (!whole) {
          uint64_t bytes = 0;
          for (uint64_t c = c0; c < c0 + cn; c++) bytes += (c == chunks - 1 ? last_elems : epr) * (uint64_t)op->elem_bytes;
          /* the buffer is rewritten once the previous chunks' MACs are done */
          gb_ready = bus(&w, (bytes + (uint64_t)g->burst_bytes - 1) / (uint64_t)g->burst_bytes, MAX(start, w.s.col + 1), 1, &wr);
        }
        for (uint64_t c = c0; c < c0 + cn; c++) {
          int nc = c == chunks - 1 ? last_cols : full_cols;
          /* the first MAC of a block overwrites the partial sums: after their readout */
          run(&w, gn, nc, start, MAX(gb_ready, c == 0 ? acc_free : NONE), fast); /* no ACT before the op starts */
          cols += gn * (uint64_t)nc;
        }
      }
      /* read the block's results out of the accumulators */
      uint64_t nres = (g0 + gn) * B > rows ? rows - g0 * B : gn * B;
      uint64_t nb = (nres * (uint64_t)op->out_bytes + (uint64_t)g->burst_bytes - 1) / (uint64_t)g->burst_bytes;
      rd_done = bus(&w, nb, w.s.col + t->mac_res, 0, &rd);
      acc_free = w.last_rd + t->res_res; /* the readout has taken the sums */
      end = MAX(end, rd_done);
    }
  }
  for (int b = 0; b < g->banks; b++) end = MAX(end, w.s.pre[b]);
  flush_log(&w);
  r->tiles = w.tiles;
  r->jumped_tiles += w.jumped;
  r->chunks = chunks;
  r->refs = w.refs;
  r->act_ab = w.tiles, r->pre_ab = w.tiles, r->mac_ab = cols, r->wrgb = wr, r->rdres = rd;
  r->bank_acts = w.bank_acts, r->bank_cols = cols * B;
  *ref_due = w.ref_due;
  return (uint64_t)(end - start);
}

static void gemv(const ax_pim_timing *t, const ax_pim_geom *g, const ax_pim_gemv *op, uint64_t start,
                 uint64_t *ref_due, ax_pim_result *out, int fast, FILE *log) {
  memset(out, 0, sizeof *out);
  uint64_t C = (uint64_t)g->channels, B = (uint64_t)g->banks;
  uint64_t hi = (op->m + C - 1) / C, lo = op->m / C; /* rows of the fuller / emptier channels */
  uint64_t nhi = op->m - lo * C;                     /* channels holding hi rows (0: all hold lo) */
  if (!nhi) nhi = C, hi = lo;
  out->active_channels = (int)(lo ? C : nhi);
  out->rows_per_bank = (hi + B - 1) / B;
  int64_t due = (int64_t)*ref_due, due_lo = due;
  ax_pim_result a = {0}, b = {0};
  out->cycles = channel(t, g, op, hi, (int64_t)start, &due, fast, log, &a);
  if (nhi < C && lo) {
    uint64_t c2 = channel(t, g, op, lo, (int64_t)start, &due_lo, fast, NULL, &b);
    if (c2 > out->cycles) out->cycles = c2;
  }
  uint64_t nlo = nhi < C && lo ? C - nhi : 0;
  out->chunks = a.chunks;
  out->tiles = a.tiles;
#define SUM(f) out->f = a.f * nhi + b.f * nlo
  SUM(act_ab); SUM(mac_ab); SUM(pre_ab); SUM(wrgb); SUM(rdres); SUM(refs); SUM(bank_acts); SUM(bank_cols);
#undef SUM
  out->jumped_tiles = a.jumped_tiles + b.jumped_tiles;
  out->macs = op->m * op->k * op->vectors;
  out->mac_slots = out->bank_cols * (uint64_t)(g->col_bytes / op->elem_bytes);
  *ref_due = (uint64_t)due;
}

/* Time a GEMV (exact fast path). */
void ax_pim_gemv_time(const ax_pim_timing *t, const ax_pim_geom *g, const ax_pim_gemv *op, uint64_t start,
                      uint64_t *ref_due, ax_pim_result *out) {
  gemv(t, g, op, start, ref_due, out, 1, NULL);
}

/* Time a GEMV walking every command (optionally logging them). */
void ax_pim_gemv_slow(const ax_pim_timing *t, const ax_pim_geom *g, const ax_pim_gemv *op, uint64_t start,
                      uint64_t *ref_due, ax_pim_result *out, FILE *log) {
  gemv(t, g, op, start, ref_due, out, 0, log);
}
