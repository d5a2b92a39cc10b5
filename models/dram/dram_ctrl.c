/*
 * dram_ctrl.c - one channel's memory controller, cycle-exact, event-driven.
 *
 * The rules (chosen so that a DRAMsim3 .ini gives DRAMsim3's schedule):
 *  - requests enter a read queue or a write buffer (trans_queue_size each);
 *    a read of an address with a write pending is answered from the buffer;
 *  - one transaction per cycle moves to a command queue (per bank or per
 *    rank, cmd_queue_size deep): the oldest whose queue has room; writes
 *    move only while draining (buffer full, or >= write_buf_size with no
 *    reads waiting), and a write stops the drain if a read of its address
 *    is still pending;
 *  - each cycle one command issues (HBM: plus one of the other kind, row vs
 *    column): a pending refresh first (precharging its banks), else the
 *    queues in round-robin order, each offering its first ready command
 *    (FR-FCFS within a queue); a row miss may close a row only when no
 *    queued hit to it remains or 4 hits have been served since activation;
 *  - refresh: one rank every tREFI / ranks (staggered), issued as soon as
 *    its banks can be precharged.
 *
 * State is DRAMsim3's "earliest cycle each command may issue" per bank,
 * kept here per level (bank, bank group, rank; one array, RDA in RD's slot
 * and WRA in WR's, a window such as tFAW folded into the rank's time) so
 * that one issue updates a handful of numbers and a command's earliest
 * cycle is the max of three. What a queue may issue apart from timing (its
 * plan: which command each bank needs, which entries the FR-FCFS rules let
 * go) is rebuilt only when the queue or one of its banks changes; its plan's
 * bank and bank group times are then folded into the queue's local times
 * (one per planned command slot), which change only with a command to its
 * bank group. After a command, dram_ready.c applies the rank times to the
 * local times of every queue of the ranks it touched in one pass (vector
 * instructions where the CPU has them): each queue's exact first ready
 * cycle, so the round-robin pick is the first set bit of a mask and
 * ax_dram_ctrl_next() the least of those cycles, the refresh deadline or a
 * transaction move; the caller jumps straight there.
 */
#include <stdlib.h>
#include <string.h>

#include "dram.h"
#include "dram_ready.h"

#define NEVER AX_DRAM_NEVER

/* The hot loops (a request's offer with every cycle it runs, the issue of
 * a command) compiled as one body with all they call inlined: the calls
 * and their register saves were ~10 % of the instructions. What runs
 * seldom (refresh) stays out of line, and the offer loop calls the cycle
 * from one place: the body inlined once is under half the code (random
 * reads within noise to ~3 % faster). */
#if defined(__GNUC__)
#define FLATTEN __attribute__((flatten))
#define NOINLINE __attribute__((noinline))
#else
#define FLATTEN
#define NOINLINE
#endif

typedef struct bank_st {
  int open_row;              /* -1: closed */
  int hits;                  /* column commands since the activate */
} bank_st;

typedef struct qent {          /* a command waiting in a command queue */
  uint64_t addr;
  int row, col;
  uint16_t bg, ba, ra;
  uint16_t bi, gi;             /* index of its bank in bank[] and of its bank group in bg[] */
  uint8_t cmd;                 /* RD, WR, RDA or WRA */
} qent;

typedef struct pitem {         /* an entry of a queue's plan (see plan_build) */
  uint32_t ob, og, orr;        /* its command's earliest times in et[]: bank, bank group, rank */
  uint16_t idx;                /* its place in the queue */
  uint16_t bi;                 /* its bank */
  uint8_t need;                /* the command it needs now */
  uint8_t j;                   /* its slot among the planned ones (psj) */
} pitem;

typedef struct cmdq {
  qent *e;
  int n;
  uint8_t nk[AX_DRAM_CMD_STD_N]; /* entries per command (RD, WR, RDA, WRA) */
  unsigned kinds;              /* bit per command with an entry */
} cmdq;

typedef struct trans {         /* a transaction waiting to become a command */
  uint64_t addr;
  int is_write, qi;            /* qi: its command queue */
  ax_dram_addr a;              /* decoded once, on arrival */
} trans;

typedef struct tqueue {        /* transactions in arrival order: ord[h .. h + n) */
  trans *e;                    /* slots, cap of them; a transaction stays in its slot */
  int *ord;                    /* [2 cap]: slot of the i-th oldest at h + i (removal moves a few ints) */
  int *qi;                     /* [2 cap]: its command queue, packed: the scan for a movable one reads only this */
  int *fs, nfs;                /* free slots */
  int h, n, cap;
  int skip;                    /* e[0 .. skip) wait for full command queues (0 again when one frees) */
} tqueue;

typedef struct done_ent {
  uint64_t tag, done, added;
  int is_write;
} done_ent;

typedef struct fifo {          /* completions, in done order; cap a power of two (index & (cap - 1)) */
  done_ent *e;
  size_t head, n, cap;
} fifo;

typedef struct ptrans {        /* a request not answered yet */
  uint64_t addr, tag, added;
  int next;                    /* next request of the same address, -1 */
} ptrans;

typedef struct amap {          /* address -> first ptrans, open addressing */
  uint64_t *key;
  int *val;
  size_t mask;
} amap;

typedef struct win {           /* the last `len` issue cycles of a windowed rule */
  uint64_t *ring;
  int len, n, head;
  int32_t cycles;
  uint8_t next;
} win;

typedef struct ulat {          /* one merged rule: next command, cycles */
  uint8_t next;
  int32_t cycles;
} ulat;

typedef struct bument {        /* one bump of a bank command: et[i] >= issue cycle + cycles */
  uint32_t i;
  int32_t cycles;
} bument;

struct ax_dram_ctrl {
  const ax_dram_cfg *cfg;
  const ax_dram_timing *tm;
  /* the compiled rules per (prev command, scope), one entry per next
   * command (the largest latency of its rules), windows apart; only the
   * commands a plain controller issues (a PIM standard's all-bank rows are
   * for the `pim` model) */
  ulat ul[AX_DRAM_CMD_STD_N][AX_DRAM_SC_N][AX_DRAM_CMD_STD_N];
  uint8_t nul[AX_DRAM_CMD_STD_N][AX_DRAM_SC_N];
  uint8_t win_prev[AX_DRAM_CMD_STD_N];   /* bit w: this command counts in window w */
  uint8_t tslot[AX_DRAM_CMD_STD_N];      /* the time slot of each command (RDA shares RD's, see ctrl_new) */
  int ch, nranks, nbg, nbpg, nbanks;
  int cq, per_rank;            /* cfg's cmd_queue_size and queue_structure == PER_RANK, at hand */
  uint64_t clk;
  bank_st *bank;               /* [rank][bg][bank] */
  /* earliest issue cycle per command slot (tslot) from the rules of each
   * level, one array et: banks [rank][bg][bank], then bank groups [rank][bg],
   * then ranks, AX_DRAM_CMD_STD_N each (a plan item keeps its 3 indices);
   * in 32 bits counted from rdy.base, as the queues' times (dram_ready.h:
   * the pass reads the rank rows as they are), moved with it by
   * follow_clock */
  uint32_t *et;
  int tbg0;                    /* first bank group's row in et */
  size_t rk;                   /* rank times in et: slot k of rank r at et[rk + k * rs + r] (a slot's
                                * ranks side by side, for dram_ready.h) */
  int rs;
  /* the merged rules of each (bank, command) as one list of et slots
   * (its bank's, bank group's, rank's and the other ranks' rows):
   * bl[bl_at[bi * N + p] .. bl_at[bi * N + p + 1]) */
  bument *bl;
  uint32_t *bl_at;
  win *win;                    /* [rank][nwin] */
  int nwin;
  const ax_dram_lat *winlat[8];
  /* queues */
  cmdq *q;
  pitem *plan;                 /* [nq][cmd_queue_size]: what each queue may issue, timing aside */
  int *np;                     /* per queue: entries in its plan */
  /* when each queue can issue (dram_ready.h): its plan's bank and bank
   * group times per planned slot are kept in rdy.L (the slots plans use:
   * ps[j], slot k is j = psj[k]); the rank's times are applied by a pass
   * over all queues after a command moved them. sch_clk: the first cycle
   * a queue (not held by a refresh) has a command ready, rmask: those
   * queues (sch_clk 0: to be found again; a plan change can leave rmask
   * empty, a visit for nothing). */
  ax_dram_ready rdy;
  int nps;
  uint8_t ps[AX_DRAM_CMD_STD_N], psj[AX_DRAM_CMD_STD_N];
  uint64_t *rmask;
  uint64_t sch_clk;
  uint64_t stale;              /* bit r & 63: the T of rank r's queues miss a change of its times */
  uint64_t rk_all;             /* every rank's bit */
  uint8_t rk_own[AX_DRAM_CMD_STD_N];   /* per command: it moves times its rank's queues read (rank
                                       * rules, windows, bank group) */
  uint64_t rk_oth[AX_DRAM_CMD_STD_N];  /* per command: rk_all if it moves the other ranks' times */
  int ncw;                     /* words of a queue bitmask */
  uint8_t bgj[AX_DRAM_CMD_STD_N]; /* per command: bit j if it bumps its bank group's time of slot ps[j] */
  uint8_t bankj[AX_DRAM_CMD_STD_N]; /* the same for its bank's (a rank-wide command: every bank's) */
  int nq, qidx;
  int ncmd;                    /* commands in all command queues */
  int ref_lo, ref_hi;          /* queues a pending refresh holds back: [lo, hi) */
  tqueue rq, wq;
  const tqueue *acc[2];        /* where a read [0] / a write [1] goes (rq or wq), and its cap */
  int acc_cap[2];
  uint8_t *qfull;              /* per command queue: holds cmd_queue_size commands */
  int *tw[2];                  /* per command queue: transactions for it in rq [0] / wq [1] */
  int mov[2];                  /* transactions in rq / wq whose command queue has room */
  int write_draining, sched_idle;
  int read_first;      /* a drain stopped for a queued read of its oldest write's line:
                        * reads move before a drain may start again */
  /* pending requests */
  ptrans *pool;
  int pool_cap, pool_free;
  amap rd, wr;
  fifo fast, slow;             /* answered next cycle / answered with data */
  uint64_t npending;
  uint64_t progress;           /* the last cycle a request entered or a column command issued */
  /* refresh */
  uint64_t ref_interval, next_ref;
  int ref_next_rank, ref_next_bg, ref_next_bank;
  struct { uint8_t cmd; int ra, bg, ba; } refq[64];
  int nref, in_ref;
  /* power */
  int *open_banks;
  uint64_t *active_since;
  /* output */
  ax_dram_stats st;
  FILE *log;
};

/* ---- small containers ------------------------------------------------------ */

static size_t hash64(uint64_t k) {
  k ^= k >> 33; k *= 0xff51afd7ed558ccdull; k ^= k >> 33;
  return (size_t)k;
}

static int amap_init(amap *m, size_t want) {
  size_t cap = 16;
  while (cap < want * 2) cap <<= 1;
  m->key = malloc(cap * sizeof *m->key);
  m->val = malloc(cap * sizeof *m->val);
  if (!m->key || !m->val) return -1;
  for (size_t i = 0; i < cap; i++) m->val[i] = -1;
  m->mask = cap - 1;
  return 0;
}

static int *amap_slot(amap *m, uint64_t k) { /* slot holding k, or the empty slot where it goes */
  size_t i = hash64(k) & m->mask;
  while (m->val[i] >= 0 && m->key[i] != k) i = (i + 1) & m->mask;
  m->key[i] = m->val[i] >= 0 ? m->key[i] : k;
  return &m->val[i];
}

static int amap_get(const amap *m, uint64_t k) {
  size_t i = hash64(k) & m->mask;
  while (m->val[i] >= 0) {
    if (m->key[i] == k) return m->val[i];
    i = (i + 1) & m->mask;
  }
  return -1;
}

/* Remove key k; its value, or -1 if absent (backward-shift deletion). */
static int amap_take(amap *m, uint64_t k) {
  size_t i = hash64(k) & m->mask;
  while (m->val[i] >= 0 && m->key[i] != k) i = (i + 1) & m->mask;
  int v = m->val[i];
  if (v < 0) return -1;
  m->val[i] = -1;
  size_t j = i;
  for (;;) {
    j = (j + 1) & m->mask;
    if (m->val[j] < 0) return v;
    size_t h = hash64(m->key[j]) & m->mask;
    if ((j > i && (h <= i || h > j)) || (j < i && (h <= i && h > j))) {
      m->key[i] = m->key[j];
      m->val[i] = m->val[j];
      m->val[j] = -1;
      i = j;
    }
  }
}

static int fifo_push(fifo *f, done_ent d) {
  if (f->n == f->cap) {
    size_t nc = f->cap ? f->cap * 2 : 256;
    done_ent *e = malloc(nc * sizeof *e);
    if (!e) return -1;
    for (size_t i = 0; i < f->n; i++) e[i] = f->e[(f->head + i) & (f->cap - 1)];
    free(f->e);
    f->e = e;
    f->head = 0;
    f->cap = nc;
  }
  f->e[(f->head + f->n) & (f->cap - 1)] = d;
  f->n++;
  return 0;
}

static int pool_get(ax_dram_ctrl *c) {
  if (c->pool_free < 0) {
    int nc = c->pool_cap * 2;
    ptrans *p = realloc(c->pool, (size_t)nc * sizeof *p);
    if (!p) abort(); /* out of memory inside a simulation step */
    for (int i = c->pool_cap; i < nc; i++) p[i].next = i + 1 < nc ? i + 1 : -1;
    c->pool = p;
    c->pool_free = c->pool_cap;
    c->pool_cap = nc;
  }
  int i = c->pool_free;
  c->pool_free = c->pool[i].next;
  return i;
}

static void pool_put(ax_dram_ctrl *c, int i) {
  c->pool[i].next = c->pool_free;
  c->pool_free = i;
}

/* Index in et of rank ra's time for slot k. */
static inline size_t rank_i(const ax_dram_ctrl *c, int ra, int k) { return c->rk + (size_t)k * (size_t)c->rs + (size_t)ra; }

/* ---- construction ------------------------------------------------------------ */

/* Merge rule (next, cycles) into the list of command p at scope sc: one
 * entry per next command, the largest latency (bumping a time by two
 * latencies is bumping it by the larger). */
static void ul_add(ax_dram_ctrl *c, int p, int sc, int next, int32_t cycles) {
  int j = 0;
  while (j < c->nul[p][sc] && c->ul[p][sc][j].next != next) j++;
  if (j == c->nul[p][sc]) c->ul[p][sc][c->nul[p][sc]++] = (ulat){(uint8_t)next, cycles};
  else if (cycles > c->ul[p][sc][j].cycles) c->ul[p][sc][j].cycles = cycles;
}

/* Latency of list (p, sc) to command `next`, -1 if none. */
static int32_t ul_get(const ax_dram_ctrl *c, int p, int sc, int next) {
  for (int j = 0; j < c->nul[p][sc]; j++)
    if (c->ul[p][sc][j].next == next) return c->ul[p][sc][j].cycles;
  return -1;
}

/* Drop command `next` from list (p, sc). */
static void ul_drop(ax_dram_ctrl *c, int p, int sc, int next) {
  int n = 0;
  for (int j = 0; j < c->nul[p][sc]; j++)
    if (c->ul[p][sc][j].next != next) c->ul[p][sc][n++] = c->ul[p][sc][j];
  c->nul[p][sc] = (uint8_t)n;
}

/* Every standard here names RD and RDA (WR and WRA) together as the
 * following command of a rule, so their earliest times are always equal:
 * when the merged lists say so, RDA reads RD's slot (WRA WR's) and the
 * lists stop bumping the copy (a third fewer bumps per command). */
static void share_slots(ax_dram_ctrl *c) {
  static const int pair[2][2] = {{AX_DRAM_RDA, AX_DRAM_RD}, {AX_DRAM_WRA, AX_DRAM_WR}};
  for (int k = 0; k < AX_DRAM_CMD_STD_N; k++) c->tslot[k] = (uint8_t)k;
  for (int i = 0; i < 2; i++) {
    int a = pair[i][0], b = pair[i][1], same = 1;
    for (int p = 0; p < AX_DRAM_CMD_STD_N; p++)
      for (int sc = 0; sc < AX_DRAM_SC_N; sc++) same &= ul_get(c, p, sc, a) == ul_get(c, p, sc, b);
    for (int w = 0; w < c->nwin; w++) same &= c->winlat[w]->next != a && c->winlat[w]->next != b;
    if (!same) continue;
    c->tslot[a] = (uint8_t)b;
    for (int p = 0; p < AX_DRAM_CMD_STD_N; p++)
      for (int sc = 0; sc < AX_DRAM_SC_N; sc++) ul_drop(c, p, sc, a);
  }
}

/* Flatten the merged lists of every bank command into bl / bl_at, as the
 * et slots they bump for each bank (one walk per command, no scope tests).
 * -1 on no memory. */
static int build_bumps(ax_dram_ctrl *c) {
  int nb = c->nranks * c->nbanks, N = AX_DRAM_CMD_STD_N;
  size_t per = 0; /* entries of one bank, all commands */
  for (int p = 0; p < N; p++)
    per += (size_t)c->nul[p][AX_DRAM_SC_BANK] + c->nul[p][AX_DRAM_SC_BANKGROUP] + c->nul[p][AX_DRAM_SC_RANK] +
           (size_t)(c->nranks - 1) * c->nul[p][AX_DRAM_SC_OTHER_RANKS];
  c->bl = malloc((per * (size_t)nb + 1) * sizeof *c->bl);
  c->bl_at = malloc(((size_t)nb * (size_t)N + 1) * sizeof *c->bl_at);
  if (!c->bl || !c->bl_at) return -1;
  uint32_t n = 0;
  for (int bi = 0; bi < nb; bi++) {
    int ra = bi / c->nbanks, gi = bi / c->nbpg;
    for (int p = 0; p < N; p++) {
      c->bl_at[bi * N + p] = n;
      for (int sc = AX_DRAM_SC_BANK; sc <= AX_DRAM_SC_OTHER_RANKS; sc++)
        for (int r = 0; r < c->nranks; r++) {
          int row = sc == AX_DRAM_SC_BANK ? bi : c->tbg0 + gi;
          if ((sc == AX_DRAM_SC_OTHER_RANKS) != (r != ra)) continue; /* each scope's rows once */
          for (int k = 0; k < c->nul[p][sc]; k++) {
            int nx = c->ul[p][sc][k].next;
            size_t i = sc >= AX_DRAM_SC_RANK ? rank_i(c, r, nx) : (size_t)(row * N + nx);
            c->bl[n++] = (bument){(uint32_t)i, c->ul[p][sc][k].cycles};
          }
        }
    }
  }
  c->bl_at[nb * N] = n;
  return 0;
}

/* A controller for channel `ch` of cfg; NULL on no memory. */
ax_dram_ctrl *ax_dram_ctrl_new(const ax_dram_cfg *cfg, const ax_dram_timing *t, int ch) {
  ax_dram_ctrl *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->cfg = cfg;
  c->tm = t;
  c->ch = ch;
  c->nranks = cfg->ranks;
  c->nbg = cfg->bankgroups;
  c->nbpg = cfg->banks_per_group;
  c->nbanks = cfg->banks;
  c->cq = cfg->cmd_queue_size;
  c->per_rank = cfg->queue_structure == AX_DRAM_QUEUE_PER_RANK;
  int nb = c->nranks * c->nbanks;
  c->bank = calloc((size_t)nb, sizeof *c->bank);
  c->tbg0 = nb;
  c->rs = c->nranks > 8 ? c->nranks : 8;
  c->rk = ((size_t)(nb + c->nranks * c->nbg) * AX_DRAM_CMD_STD_N + 7) / 8 * 8; /* rank rows on 64-byte lines */
  /* the rank times' rows on 64-byte lines too (rk and rs multiples of 8): the pass reads them whole */
  c->et = ax_dram_ready_alloc((c->rk + (size_t)c->rs * AX_DRAM_CMD_STD_N) * sizeof *c->et);
  c->open_banks = calloc((size_t)c->nranks, sizeof *c->open_banks);
  c->active_since = calloc((size_t)c->nranks, sizeof *c->active_since);
  c->st.rank_active_cycles = calloc((size_t)c->nranks, sizeof(uint64_t));
  for (int i = 0; i < nb && c->bank; i++) c->bank[i].open_row = -1;
  /* windowed rules (tFAW, t32AW): one ring per rank each */
  for (int p = 0; p < AX_DRAM_CMD_STD_N; p++)
    for (int sc = 0; sc < AX_DRAM_SC_N; sc++)
      for (int k = 0; k < t->n[p][sc]; k++)
        if (t->lat[p][sc][k].window && t->lat[p][sc][k].next < AX_DRAM_CMD_STD_N && c->nwin < 8)
          c->winlat[c->nwin++] = &t->lat[p][sc][k];
  for (int p = 0; p < AX_DRAM_CMD_STD_N; p++)
    for (int sc = 0; sc < AX_DRAM_SC_N; sc++)
      for (int k = 0; k < t->n[p][sc]; k++) {
        const ax_dram_lat *l = &t->lat[p][sc][k];
        if (l->next >= AX_DRAM_CMD_STD_N) continue;
        if (l->window) {
          for (int w = 0; w < c->nwin; w++)
            if (c->winlat[w] == l) c->win_prev[p] |= (uint8_t)(1u << w);
          continue;
        }
        if (sc == AX_DRAM_SC_CHANNEL) { /* the channel is this rank and the others: one list each */
          ul_add(c, p, AX_DRAM_SC_RANK, l->next, l->cycles);
          ul_add(c, p, AX_DRAM_SC_OTHER_RANKS, l->next, l->cycles);
        } else {
          ul_add(c, p, sc, l->next, l->cycles);
        }
      }
  c->win = calloc((size_t)(c->nranks * (c->nwin ? c->nwin : 1)), sizeof *c->win);
  for (int r = 0; c->win && r < c->nranks; r++)
    for (int w = 0; w < c->nwin; w++) {
      win *x = &c->win[r * c->nwin + w];
      x->len = c->winlat[w]->window;
      x->cycles = c->winlat[w]->cycles;
      x->next = c->winlat[w]->next;
      x->ring = calloc((size_t)x->len, sizeof *x->ring);
      if (!x->ring) { ax_dram_ctrl_free(c); return NULL; }
    }
  share_slots(c);
  if (build_bumps(c)) { ax_dram_ctrl_free(c); return NULL; }
  c->nq = cfg->queue_structure == AX_DRAM_QUEUE_PER_RANK ? c->nranks : nb;
  c->q = calloc((size_t)c->nq, sizeof *c->q);
  c->plan = malloc((size_t)c->nq * (size_t)cfg->cmd_queue_size * sizeof *c->plan);
  c->np = calloc((size_t)c->nq, sizeof *c->np);
  c->ncw = (c->nq + 63) / 64;
  c->rmask = calloc((size_t)c->ncw, sizeof *c->rmask);
  for (int k = 0; k < AX_DRAM_CMD_STD_N; k++) { /* the slots a plan can hold: ACT, PRE, RD(A), WR(A) */
    static const int planned[] = {AX_DRAM_ACT, AX_DRAM_PRE, AX_DRAM_RD, AX_DRAM_WR, AX_DRAM_RDA, AX_DRAM_WRA};
    int used = 0;
    for (size_t i = 0; i < sizeof planned / sizeof *planned; i++) used |= c->tslot[planned[i]] == k;
    if (used) { c->psj[k] = (uint8_t)c->nps; c->ps[c->nps++] = (uint8_t)k; }
  }
  for (int p = 0; p < AX_DRAM_CMD_STD_N; p++) {
    for (int k = 0; k < c->nul[p][AX_DRAM_SC_BANKGROUP]; k++) {
      int nx = c->ul[p][AX_DRAM_SC_BANKGROUP][k].next;
      for (int j = 0; j < c->nps; j++) c->bgj[p] |= (uint8_t)((c->ps[j] == nx) << j);
    }
    for (int k = 0; k < c->nul[p][AX_DRAM_SC_BANK]; k++) {
      int nx = c->ul[p][AX_DRAM_SC_BANK][k].next;
      for (int j = 0; j < c->nps; j++) c->bankj[p] |= (uint8_t)((c->ps[j] == nx) << j);
    }
  }
  for (int ra = 0; ra < c->nranks; ra++) c->rk_all |= 1ull << (ra & 63);
  for (int p = 0; p < AX_DRAM_CMD_STD_N; p++) {
    c->rk_own[p] = c->nul[p][AX_DRAM_SC_RANK] || c->win_prev[p] || c->bgj[p];
    c->rk_oth[p] = c->nul[p][AX_DRAM_SC_OTHER_RANKS] ? c->rk_all : 0;
  }
  c->stale = c->rk_all;
  int *qrank = malloc((size_t)c->nq * sizeof *qrank);
  for (int qi = 0; qrank && qi < c->nq; qi++) qrank[qi] = c->per_rank ? qi : qi / c->nbanks;
  int bad = !qrank || !c->et || ax_dram_ready_init(&c->rdy, c->nq, qrank, c->nps, c->ps, c->nranks, c->et + c->rk, c->rs,
                                                   !getenv("AXSIM_DRAM_NO_SIMD"));
  free(qrank);
  c->sch_clk = 0;
  if (bad || !c->plan || !c->np || !c->rmask) { ax_dram_ctrl_free(c); return NULL; }
  for (int i = 0; c->q && i < c->nq; i++) {
    c->q[i].e = malloc((size_t)cfg->cmd_queue_size * sizeof(qent));
    if (!c->q[i].e) { ax_dram_ctrl_free(c); return NULL; }
  }
  c->qidx = 0;
  int tq = cfg->unified_queue ? 2 * cfg->trans_queue_size : cfg->trans_queue_size;
  c->rq.cap = c->wq.cap = tq;
  c->rq.e = malloc((size_t)tq * sizeof(trans));
  c->wq.e = malloc((size_t)tq * sizeof(trans));
  c->acc[0] = &c->rq;
  c->acc[1] = cfg->unified_queue ? &c->rq : &c->wq;
  c->acc_cap[0] = c->acc_cap[1] = cfg->unified_queue ? tq : cfg->trans_queue_size;
  c->qfull = calloc((size_t)c->nq, 1);
  if (!c->qfull) { ax_dram_ctrl_free(c); return NULL; }
  for (int k = 0; k < 2; k++) {
    tqueue *x = k ? &c->wq : &c->rq;
    x->ord = malloc(2 * (size_t)tq * sizeof(int));
    x->qi = malloc(2 * (size_t)tq * sizeof(int));
    x->fs = malloc((size_t)tq * sizeof(int));
    if (!x->ord || !x->qi || !x->fs) { ax_dram_ctrl_free(c); return NULL; }
    for (int i = 0; i < tq; i++) x->fs[i] = tq - 1 - i;
    x->nfs = tq;
  }
  c->tw[0] = calloc((size_t)c->nq, sizeof(int));
  c->tw[1] = calloc((size_t)c->nq, sizeof(int));
  if (!c->tw[0] || !c->tw[1]) { ax_dram_ctrl_free(c); return NULL; }
  c->pool_cap = 64;
  c->pool = malloc((size_t)c->pool_cap * sizeof *c->pool);
  if (c->pool)
    for (int i = 0; i < c->pool_cap; i++) c->pool[i].next = i + 1 < c->pool_cap ? i + 1 : -1;
  size_t maxp = (size_t)tq + (size_t)c->nq * (size_t)cfg->cmd_queue_size;
  if (!c->bank || !c->et || !c->open_banks || !c->active_since || !c->st.rank_active_cycles ||
      !c->win || !c->q || !c->rq.e || !c->wq.e || !c->pool || amap_init(&c->rd, maxp) || amap_init(&c->wr, maxp)) {
    ax_dram_ctrl_free(c);
    return NULL;
  }
  switch (cfg->refresh_policy) {
  case AX_DRAM_REF_RANK_STAGGERED: c->ref_interval = (uint64_t)(cfg->t[AX_DRAM_TP_tREFI] / c->nranks); break;
  case AX_DRAM_REF_RANK_SIMULTANEOUS: c->ref_interval = (uint64_t)cfg->t[AX_DRAM_TP_tREFI]; break;
  case AX_DRAM_REF_BANK_STAGGERED: c->ref_interval = (uint64_t)cfg->t[AX_DRAM_TP_tREFIb]; break;
  default: c->ref_interval = 0;
  }
  c->next_ref = c->ref_interval ? c->ref_interval : NEVER;
  return c;
}

/* Free a controller. */
void ax_dram_ctrl_free(ax_dram_ctrl *c) {
  if (!c) return;
  if (c->win)
    for (int i = 0; i < c->nranks * c->nwin; i++) free(c->win[i].ring);
  if (c->q)
    for (int i = 0; i < c->nq; i++) free(c->q[i].e);
  free(c->q); free(c->plan); free(c->np); free(c->rmask); free(c->win); free(c->bank); free(c->et); free(c->bl); free(c->bl_at);
  ax_dram_ready_free(&c->rdy);
  free(c->open_banks); free(c->active_since); free(c->st.rank_active_cycles);
  free(c->rq.e); free(c->wq.e); free(c->rq.qi); free(c->wq.qi); free(c->rq.ord); free(c->wq.ord); free(c->rq.fs); free(c->wq.fs); free(c->qfull); free(c->pool); free(c->tw[0]); free(c->tw[1]);
  free(c->rd.key); free(c->rd.val); free(c->wr.key); free(c->wr.val);
  free(c->fast.e); free(c->slow.e);
  free(c);
}

/* Write every issued command to f in DRAMsim3's cmdtrace format. */
void ax_dram_ctrl_set_log(ax_dram_ctrl *c, FILE *f) { c->log = f; }

/* ---- timing state ------------------------------------------------------------- */

/* The earliest-time rows (AX_DRAM_CMD_STD_N slots) of a bank, bank group, rank. */
static inline uint32_t *bank_t(ax_dram_ctrl *c, int bi) { return c->et + (size_t)bi * AX_DRAM_CMD_STD_N; }
static inline uint32_t *bg_t(ax_dram_ctrl *c, int gi) { return c->et + (size_t)(c->tbg0 + gi) * AX_DRAM_CMD_STD_N; }

/* The current cycle in the times' 32 bits (from rdy.base). */
static inline uint32_t clk32(const ax_dram_ctrl *c) { return (uint32_t)(c->clk - c->rdy.base); }

static inline uint32_t max32(uint32_t a, uint32_t b) { return a > b ? a : b; }

static inline bank_st *bank_at(ax_dram_ctrl *c, int ra, int bg, int ba) {
  return &c->bank[(ra * c->nbg + bg) * c->nbpg + ba];
}

static inline int queue_of(const ax_dram_ctrl *c, int ra, int bg, int ba) {
  return c->per_rank ? ra : (ra * c->nbg + bg) * c->nbpg + ba;
}

static inline uint64_t max64(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* ---- which queues can issue -----------------------------------------------------
 * dram_ready.h's pass gives each queue's exact first ready cycle T from
 * its local times (its plan's bank and bank group times, per planned
 * slot) and its rank's. A queue's local times are set again whenever its
 * plan changes or a command moves a time they read (a command to its bank
 * group, a rank-wide one to its rank); the pass runs again only after a
 * command moved the rank times, and between commands only the compare
 * with the new cycle is redone. */

static inline uint64_t rotr64(uint64_t x, unsigned s) { return (x >> (s & 63)) | (x << ((64 - s) & 63)); }

/* The queues' times count from a base cycle in 32 bits (dram_ready.h):
 * moved up before the cycle runs too far past it. */
static inline void follow_clock(ax_dram_ctrl *c) {
  if (c->clk - c->rdy.base < AX_DRAM_READY_SPAN) return;
  ax_dram_ready_shift(c->et, c->rk + (size_t)c->rs * AX_DRAM_CMD_STD_N, c->clk - c->rdy.base);
  ax_dram_ready_rebase(&c->rdy, c->clk);
}

/* Queue qi's new T is t (its rank not stale): its bit of rmask. */
static inline void local_set_t(ax_dram_ctrl *c, int qi, uint64_t t) {
  uint64_t bit = 1ull << (qi & 63);
  if (!(c->rdy.valid[qi >> 6] & bit)) return;
  if (t < c->sch_clk) { /* ready before the others: find the first cycle again */
    c->sch_clk = 0;
    c->rdy.next_ok = 0;
  } else {
    c->rmask[qi >> 6] = (c->rmask[qi >> 6] & ~bit) | (t == c->sch_clk ? bit : 0);
    c->rdy.next = (c->rdy.next & ~bit) | (t == c->sch_clk + 1 ? bit : 0); /* (read only with one mask word) */
  }
}

/* A planned command's local time: the later of its bank's and its bank
 * group's times. */
static inline uint32_t item_local(const ax_dram_ctrl *c, const pitem *it) { return max32(c->et[it->ob], c->et[it->og]); }

/* local_set for a plan of one command, of slot ps[j], whose bank and bank
 * group times' max is lt (mostly so: ACT, PRE or one column command): its
 * slot's time, NEVER in the others; T from that slot. */
static inline void local_one(ax_dram_ctrl *c, int qi, int j, uint32_t lt) {
  ax_dram_ready *r = &c->rdy;
  size_t nqp = (size_t)r->nqp;
  uint32_t *L = r->L + qi, never = UINT32_MAX;
  if (c->nps == 4) L[0] = never, L[nqp] = never, L[2 * nqp] = never, L[3 * nqp] = never;
  else for (int i = 0; i < c->nps; i++) L[(size_t)i * nqp] = never;
  L[(size_t)j * nqp] = lt;
  ax_dram_ready_set_live(r, qi, 1);
  if (c->stale >> (r->qrank[qi] & 63) & 1) return;
  uint32_t t = r->T[qi] = max32(lt, r->R[r->psr[j] + (size_t)r->qrank[qi]]);
  local_set_t(c, qi, ax_dram_ready_abs(r, t));
}

/* Queue qi's local times from its plan; while the other times its rank's
 * queues read are those of the last pass (rank not stale), its T and its
 * bit of rmask too. */
static inline void local_set(ax_dram_ctrl *c, int qi) {
  ax_dram_ready *r = &c->rdy;
  size_t nqp = (size_t)r->nqp;
  int nps = c->nps, np = c->np[qi];
  const pitem *pl = &c->plan[(size_t)qi * (size_t)c->cq];
  if (np == 1) {
    local_one(c, qi, pl[0].j, item_local(c, &pl[0]));
    return;
  }
  uint32_t v[AX_DRAM_CMD_STD_N], *L = r->L + qi;
  for (int j = 0; j < AX_DRAM_CMD_STD_N; j++) v[j] = UINT32_MAX; /* NEVER; a constant count: no memset call */
  for (int k = 0; k < np; k++) {
    uint32_t x = item_local(c, &pl[k]), *y = &v[pl[k].j];
    *y = x < *y ? x : *y;
  }
  if (nps == 4) { /* ACT, PRE, RD, WR: every standard here */
    L[0] = v[0], L[nqp] = v[1], L[2 * nqp] = v[2], L[3 * nqp] = v[3];
  } else {
    for (int j = 0; j < nps; j++, L += nqp) *L = v[j];
  }
  ax_dram_ready_set_live(r, qi, np);
  if (c->stale >> (r->qrank[qi] & 63) & 1) return;
  const uint32_t *R = r->R + r->qrank[qi];
  uint32_t t = UINT32_MAX; /* min over the slots of max(local, rank time), from v */
  for (int j = 0; j < nps; j++) {
    uint32_t x = max32(v[j], R[r->psr[j]]);
    t = x < t ? x : t;
  }
  r->T[qi] = t;
  local_set_t(c, qi, ax_dram_ready_abs(r, t));
}

/* Queue qi's contents or one of its banks changed: rebuild its plan (and
 * its local times). */
static void plan_build(ax_dram_ctrl *c, int qi);

/* sch_clk and rmask from cycle clk on: the pass after a command moved
 * times (T again for the ranks it touched), else the compare once the
 * cycle passed sch_clk. */
static inline void sched_eval(ax_dram_ctrl *c) {
  uint64_t clk = c->clk;
  ax_dram_ready *r = &c->rdy;
  if (c->stale) {
    c->sch_clk = ax_dram_ready_all(r, clk, c->rmask, c->stale);
    c->stale = 0;
  } else if (clk > c->sch_clk) {
    if (r->next_ok && clk == c->sch_clk + 1 && (c->rmask[0] | r->next)) {
      /* the queues ready a cycle after the last answer, known from it:
       * those ready then and those whose T is one later */
      c->rmask[0] |= r->next;
      c->sch_clk = clk;
      r->next_ok = 0;
      return;
    }
    c->sch_clk = ax_dram_ready_at(r, clk, c->rmask);
  }
}

/* The first queue of mask m in [from, to), -1 if none. */
static inline int mask_next(const uint64_t *m, int from, int to) {
  while (from < to) {
    int w = from >> 6;
    uint64_t x = m[w] & (~0ull << (from & 63));
    if (x) {
      int b = (w << 6) + __builtin_ctzll(x);
      return b < to ? b : -1;
    }
    from = (w + 1) << 6;
  }
  return -1;
}

/* Earliest cycle `cmd` may issue to bank (ra, bg, ba) under every rule. */
static inline uint32_t ready_at(ax_dram_ctrl *c, int cmd, int ra, int bg, int ba) {
  int k = c->tslot[cmd];
  int gi = ra * c->nbg + bg;
  return max32(bank_t(c, gi * c->nbpg + ba)[k], max32(bg_t(c, gi)[k], c->et[rank_i(c, ra, k)]));
}

/* ready_at for a planned command's bank (indices precomputed). */
static inline uint32_t ready_at_p(ax_dram_ctrl *c, const pitem *e) {
  return max32(c->et[e->ob], max32(c->et[e->og], c->et[e->orr]));
}

static inline void bump(uint32_t *slot, uint32_t v) { uint32_t o = *slot; *slot = v > o ? v : o; } /* branch-free */

/* Bump the earliest-issue times tt[] by the rules l[0..n) of a command at clk. */
static inline void bump_all(uint32_t *tt, const ulat *l, int n, uint32_t clk) {
  for (int k = 0; k < n; k++) bump(&tt[l[k].next], clk + (uint32_t)l[k].cycles);
}

/* Apply the rules of command p issued at `clk` to bank bi (index in
 * bank[]) of bank group gi (in bg[]) of rank ra; bi = -1 for rank-wide
 * commands. */
static void update_timing(ax_dram_ctrl *c, int p, int ra, int gi, int bi, uint64_t clk) {
  uint32_t t = (uint32_t)(clk - c->rdy.base); /* latencies are > 0 and far below 2^31 (dram_timing.c, dram_cfg.c) */
  if (bi >= 0) { /* a bank command: its flat list (build_bumps) */
    int k = bi * AX_DRAM_CMD_STD_N + p;
    uint32_t *et = c->et;
    for (const bument *e = c->bl + c->bl_at[k], *end = c->bl + c->bl_at[k + 1]; e < end; e++)
      bump(&et[e->i], t + (uint32_t)e->cycles);
  } else { /* rank-wide: every bank and bank group of rank ra */
    int n;
    if ((n = c->nul[p][AX_DRAM_SC_BANK]))
      for (int i = 0; i < c->nbanks; i++) bump_all(bank_t(c, ra * c->nbanks + i), c->ul[p][AX_DRAM_SC_BANK], n, t);
    if ((n = c->nul[p][AX_DRAM_SC_BANKGROUP]))
      for (int i = 0; i < c->nbg; i++) bump_all(bg_t(c, ra * c->nbg + i), c->ul[p][AX_DRAM_SC_BANKGROUP], n, t);
    /* channel-scope rules were merged into the rank and other-rank lists */
    for (int r = 0; r < c->nranks; r++) {
      int sc = r == ra ? AX_DRAM_SC_RANK : AX_DRAM_SC_OTHER_RANKS;
      for (int k = 0; k < c->nul[p][sc]; k++)
        bump(&c->et[rank_i(c, r, c->ul[p][sc][k].next)], t + (uint32_t)c->ul[p][sc][k].cycles);
    }
  }
  for (unsigned m = c->win_prev[p]; m; m &= m - 1) { /* windowed rules: remember the issue cycle */
    win *x = &c->win[ra * c->nwin + __builtin_ctz(m)];
    if (x->n < x->len) {
      int i = x->head + x->n++;
      x->ring[i < x->len ? i : i - x->len] = clk;
    } else {
      x->ring[x->head] = clk;
      if (++x->head == x->len) x->head = 0;
    }
    /* the window's bound (the len-th latest issue + its latency) only
     * grows and changes only here: fold it into the rank's time */
    if (x->n == x->len) /* (the ring's cycles are whole: the oldest may be before the base) */
      bump(&c->et[rank_i(c, ra, x->next)], ax_dram_ready_rel(&c->rdy, x->ring[x->head] + (uint64_t)x->cycles));
  }
  /* the T of the ranks whose times moved, and of this rank when a time of
   * this bank's group moved (the local times of the queues reading it: its
   * own queue, and a rank's queue, the caller rebuilds) */
  c->stale |= (uint64_t)(c->rk_own[p] | (bi < 0)) << (ra & 63) | c->rk_oth[p];
  if (bi < 0 && c->per_rank) {
    local_set(c, ra);
  } else if (bi < 0) { /* every bank of the rank: the bumped slots of each queue maxed in, as below */
    size_t nqp = (size_t)c->rdy.nqp;
    unsigned js = c->bankj[p] | c->bgj[p];
    for (int qi = ra * c->nbanks, e = qi + c->nbanks; qi < e; qi++) {
      const uint32_t *b = bank_t(c, qi), *g = bg_t(c, qi / c->nbpg);
      for (unsigned m = js; m; m &= m - 1) {
        int j = __builtin_ctz(m);
        uint32_t *L = c->rdy.L + (size_t)j * nqp + (size_t)qi;
        *L = max32(*L, max32(b[c->ps[j]], g[c->ps[j]]));
      }
    }
  } else if (!c->per_rank) {
    /* a bank queue's local time of slot j is max(its bank's, its group's
     * time) when it plans slot j (NEVER otherwise): a group time that
     * grew is maxed in */
    const uint32_t *g = bg_t(c, gi);
    size_t nqp = (size_t)c->rdy.nqp;
    int q0 = gi * c->nbpg, n = c->nbpg; /* the group's banks (and queues) */
    for (unsigned m = c->bgj[p]; m; m &= m - 1) {
      int j = __builtin_ctz(m);
      uint32_t v = g[c->ps[j]], *L = c->rdy.L + (size_t)j * nqp + (size_t)q0;
      for (int b = 0; b < n; b++) L[b] = max32(L[b], v);
    }
  }
}

/* ---- issuing ---------------------------------------------------------------------- */

static void log_cmd(ax_dram_ctrl *c, int cmd, int ra, int bg, int ba, int row, int col) {
  if (!c->log) return;
  if (bg < 0)
    fprintf(c->log, "%-18llu %-20s %3d %3d %3d %3d %8s %8s\n", (unsigned long long)c->clk, ax_dram_cmd_name(cmd),
            c->ch, ra, -1, -1, "-0x1", "-0x1");
  else
  {
    char r[24], k[24];
    snprintf(r, sizeof r, "0x%x", (unsigned)row);
    snprintf(k, sizeof k, "0x%x", (unsigned)col);
    fprintf(c->log, "%-18llu %-20s %3d %3d %3d %3d %8s %8s\n", (unsigned long long)c->clk, ax_dram_cmd_name(cmd),
            c->ch, ra, bg, ba, r, k);
  }
}

static void set_open(ax_dram_ctrl *c, int ra, int delta) {
  int before = c->open_banks[ra];
  c->open_banks[ra] += delta;
  if (before == 0 && c->open_banks[ra] > 0) c->active_since[ra] = c->clk;
  else if (before > 0 && c->open_banks[ra] == 0) c->st.rank_active_cycles[ra] += c->clk - c->active_since[ra];
}

/* Issue a bank command (ACT, PRE, RD, WR, RDA, WRA, REFPB) to bank (ra,
 * bg, ba), whose index in bank[] is bi and whose bank group's is gi. */
static void issue_bank(ax_dram_ctrl *c, int cmd, int bi, int gi, int ra, int bg, int ba, int row, int col,
                       uint64_t addr) {
  bank_st *b = &c->bank[bi];
  log_cmd(c, cmd, ra, bg, ba, row, col);
  switch (cmd) {
  case AX_DRAM_ACT:
    c->st.num_act_cmds++;
    b->open_row = row;
    b->hits = 0;
    set_open(c, ra, +1);
    break;
  case AX_DRAM_PRE:
    c->st.num_pre_cmds++;
    b->open_row = -1;
    b->hits = 0;
    set_open(c, ra, -1);
    break;
  case AX_DRAM_RD: case AX_DRAM_RDA: {
    c->st.num_read_cmds++;
    if (b->hits) c->st.num_read_row_hits++;
    int i = amap_take(&c->rd, addr);
    uint64_t done = c->clk + (uint64_t)c->cfg->read_delay;
    while (i >= 0) { /* every read of this address is answered by this burst */
      ptrans *p = &c->pool[i];
      fifo_push(&c->slow, (done_ent){p->tag, done, p->added, 0});
      uint64_t lat = done - p->added;
      c->st.read_latency_sum += lat;
      if (lat > c->st.read_latency_max) c->st.read_latency_max = lat;
      int nx = p->next;
      pool_put(c, i);
      i = nx;
    }
    break;
  }
  case AX_DRAM_WR: case AX_DRAM_WRA: {
    c->st.num_write_cmds++;
    if (b->hits) c->st.num_write_row_hits++;
    int i = amap_take(&c->wr, addr);
    if (i >= 0) {
      c->st.write_latency_sum += c->clk - c->pool[i].added + (uint64_t)c->cfg->write_delay;
      pool_put(c, i);
    }
    break;
  }
  case AX_DRAM_REFPB: c->st.num_refb_cmds++; break;
  default: break;
  }
  if (cmd == AX_DRAM_RD || cmd == AX_DRAM_WR) b->hits++;
  if (cmd == AX_DRAM_RDA || cmd == AX_DRAM_WRA) {
    b->open_row = -1;
    b->hits = 0;
    set_open(c, ra, -1);
  }
  update_timing(c, cmd, ra, gi, bi, c->clk);
  plan_build(c, c->per_rank ? ra : bi); /* the bank changed: look again */
}

/* A plan entry: command `need` for queue entry e at place idx. */
static inline pitem plan_item(const ax_dram_ctrl *c, int need, int idx, const qent *e) {
  int k = c->tslot[need];
  return (pitem){.ob = (uint32_t)(e->bi * AX_DRAM_CMD_STD_N + k),
                 .og = (uint32_t)((c->tbg0 + e->gi) * AX_DRAM_CMD_STD_N + k),
                 .orr = (uint32_t)rank_i(c, e->ra, k),
                 .idx = (uint16_t)idx, .bi = e->bi, .need = (uint8_t)need, .j = c->psj[k]};
}

/* Queue qi's plan: the entries that may issue once their command's timing
 * allows, one per (command, bank) pair (a later entry with the same pair is
 * ready exactly when the first is, so it never wins), in queue order. What
 * decides an entry's command and whether it may go (the bank's open row and
 * hit count, the older entries of the queue) changes only with a command
 * to the bank or a change of the queue, after which the plan is built
 * again; what is left, the timing, is checked on each look. */
static void plan_build(ax_dram_ctrl *c, int qi) {
  cmdq *q = &c->q[qi];
  pitem *pl = &c->plan[(size_t)qi * (size_t)c->cq];
  int np = 0;
  if (!c->per_rank && q->n) {
    /* one bank per queue: the same choices as the loop below, in one pass
     * (an entry after the first is never the bank's PRE: the first is older) */
    const qent *e0 = &q->e[0];
    const bank_st *b = &c->bank[e0->bi];
    pitem it = {0}; /* the last one planned, at hand for local_one */
    if (b->open_row < 0) {
      pl[np++] = it = plan_item(c, AX_DRAM_ACT, 0, e0);
    } else {
      int hit = 0;
      for (int i = 0; i < q->n && !hit; i++) hit = q->e[i].row == b->open_row;
      if (e0->row != b->open_row && !(hit && b->hits < 4))
        pl[np++] = it = plan_item(c, AX_DRAM_PRE, 0, e0);
      unsigned seen = 0; /* bit per command already planned */
      for (int i = 0; i < q->n && hit && seen != q->kinds; i++) { /* every kind planned: no more */
        const qent *e = &q->e[i];
        if (e->row != b->open_row || (seen >> e->cmd & 1u)) continue;
        if (e->cmd == AX_DRAM_WR || e->cmd == AX_DRAM_WRA) {
          int dep = 0; /* a write waits for an older read of the same column */
          for (int j = 0; j < i && !dep; j++)
            dep = (q->e[j].cmd == AX_DRAM_RD || q->e[j].cmd == AX_DRAM_RDA) && q->e[j].row == e->row && q->e[j].col == e->col;
          if (dep) continue;
        }
        seen |= 1u << e->cmd;
        pl[np++] = it = plan_item(c, e->cmd, (uint16_t)i, e);
      }
    }
    c->np[qi] = np;
    if (np == 1) local_one(c, qi, it.j, item_local(c, &it)); /* from registers, not the plan */
    else local_set(c, qi);
    return;
  }
  for (int i = 0; i < q->n; i++) {
    qent *e = &q->e[i];
    bank_st *b = &c->bank[e->bi];
    int need = b->open_row < 0 ? AX_DRAM_ACT : b->open_row == e->row ? e->cmd : AX_DRAM_PRE;
    int k = 0;
    while (k < np && !(pl[k].need == need && pl[k].bi == e->bi)) k++;
    if (k < np) continue; /* an earlier entry answers for this (command, bank) */
    if (need == AX_DRAM_PRE) {
      int blocked = 0, hit = 0;
      for (int j = 0; j < i && !blocked; j++)
        if (q->e[j].ra == e->ra && q->e[j].bg == e->bg && q->e[j].ba == e->ba) blocked = 1;
      if (blocked) continue; /* an older command to this bank goes first */
      for (int j = i; j < q->n && !hit; j++)
        if (q->e[j].row == b->open_row && q->e[j].ba == e->ba && q->e[j].bg == e->bg && q->e[j].ra == e->ra) hit = 1;
      if (hit && b->hits < 4) continue; /* serve queued row hits first, up to 4 */
    } else if (need == AX_DRAM_WR || need == AX_DRAM_WRA) {
      int dep = 0; /* a write waits for an older read of the same column */
      for (int j = 0; j < i && !dep; j++)
        if ((q->e[j].cmd == AX_DRAM_RD || q->e[j].cmd == AX_DRAM_RDA) && q->e[j].row == e->row &&
            q->e[j].col == e->col && q->e[j].ba == e->ba && q->e[j].bg == e->bg)
          dep = 1;
      if (dep) continue;
    }
    pl[np++] = plan_item(c, (uint8_t)need, (uint16_t)i, e);
  }
  c->np[qi] = np;
  local_set(c, qi);
}

/* The first command of queue q that may issue now (FR-FCFS with DRAMsim3's
 * arbitration), or -1; *kind gets the command to issue for that entry. */
static int first_ready(ax_dram_ctrl *c, int qi, int *kind) {
  const pitem *pl = &c->plan[(size_t)qi * (size_t)c->cq];
  int np = c->np[qi];
  if (np == 1) { /* its T is that command's ready cycle, and the ready mask holds it: no look at the times */
    *kind = pl[0].need;
    return pl[0].idx;
  }
  for (int k = 0; k < np; k++)
    if (ready_at_p(c, &pl[k]) <= clk32(c)) {
      *kind = pl[k].need;
      return pl[k].idx;
    }
  return -1;
}

/* Bits [lo, hi) of a word (hi <= 64). */
static inline uint64_t bit_range(int lo, int hi) {
  return (hi >= 64 ? ~0ull : (1ull << hi) - 1) & ~((1ull << lo) - 1);
}

/* Which queues a pending refresh holds back (DRAMsim3 skips them until the
 * refresh issues): sets [ref_lo, ref_hi), empty when none. */
static void set_refresh_range(ax_dram_ctrl *c) {
  c->ref_lo = c->ref_hi = 0;
  if (c->in_ref && c->nref) {
    int ra = c->refq[0].ra;
    if (c->refq[0].cmd == AX_DRAM_REFAB && c->cfg->queue_structure != AX_DRAM_QUEUE_PER_RANK) {
      c->ref_lo = ra * c->nbanks;
      c->ref_hi = c->ref_lo + c->nbanks;
    } else {
      c->ref_lo = c->refq[0].cmd == AX_DRAM_REFAB ? ra : queue_of(c, ra, c->refq[0].bg, c->refq[0].ba);
      c->ref_hi = c->ref_lo + 1;
    }
  }
  for (int w = 0; w < c->ncw; w++) { /* the queues that may be looked at: the others */
    int lo = w * 64, hi = lo + 64 < c->nq ? lo + 64 : c->nq;
    uint64_t v = bit_range(0, hi - lo);
    if (c->ref_lo < hi && c->ref_hi > lo)
      v &= ~bit_range((c->ref_lo > lo ? c->ref_lo : lo) - lo, (c->ref_hi < hi ? c->ref_hi : hi) - lo);
    ax_dram_ready_set_valid(&c->rdy, w, v);
  }
  c->stale = c->rk_all; /* a queue held until now has no T yet: the whole pass again */
}

/* Queue qi's entry i is ready with command `kind`: issue it (see
 * issue_from_queues for first_col). */
static inline int issue_found(ax_dram_ctrl *c, int qi, int i, int kind, int first_col) {
  c->qidx = qi; /* DRAMsim3 advances the pointer past every queue it looked at */
  int is_col = kind == AX_DRAM_RD || kind == AX_DRAM_WR || kind == AX_DRAM_RDA || kind == AX_DRAM_WRA;
  if (first_col >= 0 && is_col == first_col) return 0; /* DRAMsim3: found but not issued */
  cmdq *q = &c->q[qi];
  const qent *pe = &q->e[i];
  int ra = pe->ra, bg = pe->bg, ba = pe->ba, row = pe->row, col = pe->col, bi = pe->bi, gi = pe->gi;
  uint64_t addr = pe->addr;
  c->st.num_ondemand_pres += kind == AX_DRAM_PRE;
  if (is_col) { /* the command leaves its queue */
    c->progress = c->clk;
    if (--q->nk[pe->cmd] == 0) q->kinds &= ~(1u << pe->cmd);
    for (int k = i + 1; k < q->n; k++) q->e[k - 1] = q->e[k];
    if (q->n-- == c->cq) { /* room again: its waiting transactions can move */
      c->qfull[qi] = 0;
      c->rq.skip = c->wq.skip = 0;
      c->mov[0] += c->tw[0][qi];
      c->mov[1] += c->tw[1][qi];
    }
    c->ncmd--;
    c->sched_idle = 0;
  }
  issue_bank(c, kind, bi, gi, ra, bg, ba, row, col, addr);
  return 1 + is_col;
}

/* Round-robin over the queues: issue the first ready command; returns 0
 * (none), 1 (row command) or 2 (column command). first_col >= 0 asks for
 * the second command of a dual-issue cycle: the first ready one is issued
 * only if it is of the other kind (first_col: the first was a column
 * command), and the round-robin pointer moves either way, as in DRAMsim3. */
FLATTEN static int issue_from_queues(ax_dram_ctrl *c, int first_col) {
  sched_eval(c);
  if (c->sch_clk != c->clk) return 0; /* none ready yet */
  int start = c->qidx;
  if (c->ncw == 1) { /* one word: round-robin order start + 1 ... is a rotation */
    unsigned sh = (unsigned)(start + 1) & 63;
    for (uint64_t r = rotr64(c->rmask[0], sh); r; r &= r - 1) {
      int qi = (int)(((unsigned)__builtin_ctzll(r) + sh) & 63);
      int kind, i = first_ready(c, qi, &kind);
      if (i >= 0) return issue_found(c, qi, i, kind, first_col);
    }
    return 0;
  }
  /* round-robin order: start + 1 ... nq - 1, then 0 ... start */
  for (int pass = 0; pass < 2; pass++) {
    int hi = pass ? start + 1 : c->nq;
    for (int qi = mask_next(c->rmask, pass ? 0 : start + 1, hi); qi >= 0; qi = mask_next(c->rmask, qi + 1, hi)) {
      int kind, i = first_ready(c, qi, &kind);
      if (i >= 0) return issue_found(c, qi, i, kind, first_col);
    }
  }
  return 0;
}

/* A pending refresh: issue a precharge for it (the first open bank whose
 * precharge is allowed, in bank order) or the refresh itself once every
 * bank is closed and allows it. Returns 1 if a command issued. */
NOINLINE static int finish_refresh(ax_dram_ctrl *c) {
  if (!c->in_ref) { c->in_ref = 1; set_refresh_range(c); }
  int ra = c->refq[0].ra, cmd = c->refq[0].cmd;
  int g0 = 0, g1 = c->nbg, b0 = 0, b1 = c->nbpg;
  if (cmd == AX_DRAM_REFPB) { g0 = c->refq[0].bg; g1 = g0 + 1; b0 = c->refq[0].ba; b1 = b0 + 1; }
  int ready = 0;
  for (int g = g0; g < g1; g++)
    for (int b = b0; b < b1; b++) {
      bank_st *bs = bank_at(c, ra, g, b);
      if (bs->open_row >= 0) {
        if (ready_at(c, AX_DRAM_PRE, ra, g, b) <= clk32(c)) {
          int gi = ra * c->nbg + g;
          issue_bank(c, AX_DRAM_PRE, gi * c->nbpg + b, gi, ra, g, b, bs->open_row, 0, 0);
          return 1;
        }
      } else if (ready_at(c, cmd, ra, g, b) <= clk32(c)) {
        ready++;
      }
    }
  if (ready < (g1 - g0) * (b1 - b0)) return 0;
  if (cmd == AX_DRAM_REFAB) {
    log_cmd(c, cmd, ra, -1, -1, -1, -1);
    c->st.num_ref_cmds++;
    update_timing(c, cmd, ra, -1, -1, c->clk);
  } else {
    int gi = ra * c->nbg + g0;
    issue_bank(c, cmd, gi * c->nbpg + b0, gi, ra, g0, b0, -1, -1, 0);
  }
  memmove(&c->refq[0], &c->refq[1], (size_t)(c->nref - 1) * sizeof c->refq[0]);
  c->nref--;
  c->in_ref = 0;
  set_refresh_range(c);
  return 1;
}

/* Earliest cycle the pending refresh can issue a command. */
NOINLINE static uint64_t refresh_ready(ax_dram_ctrl *c) {
  int ra = c->refq[0].ra, cmd = c->refq[0].cmd;
  int g0 = 0, g1 = c->nbg, b0 = 0, b1 = c->nbpg;
  if (cmd == AX_DRAM_REFPB) { g0 = c->refq[0].bg; g1 = g0 + 1; b0 = c->refq[0].ba; b1 = b0 + 1; }
  uint32_t pre = UINT32_MAX, ref = 0;
  int open = 0;
  for (int g = g0; g < g1; g++)
    for (int b = b0; b < b1; b++) {
      if (bank_at(c, ra, g, b)->open_row >= 0) {
        open = 1;
        uint32_t t = ready_at(c, AX_DRAM_PRE, ra, g, b);
        if (t < pre) pre = t;
      } else {
        ref = max32(ref, ready_at(c, cmd, ra, g, b));
      }
    }
  return ax_dram_ready_abs(&c->rdy, open ? pre : ref);
}

static void push_refresh(ax_dram_ctrl *c, int cmd, int ra, int bg, int ba) {
  if (c->nref == (int)(sizeof c->refq / sizeof c->refq[0])) return; /* hopelessly behind: drop */
  c->refq[c->nref].cmd = (uint8_t)cmd;
  c->refq[c->nref].ra = ra;
  c->refq[c->nref].bg = bg;
  c->refq[c->nref].ba = ba;
  c->nref++;
}

static void insert_refresh(ax_dram_ctrl *c) {
  switch (c->cfg->refresh_policy) {
  case AX_DRAM_REF_RANK_SIMULTANEOUS:
    for (int r = 0; r < c->nranks; r++) push_refresh(c, AX_DRAM_REFAB, r, -1, -1);
    break;
  case AX_DRAM_REF_BANK_STAGGERED:
    push_refresh(c, AX_DRAM_REFPB, c->ref_next_rank, c->ref_next_bg, c->ref_next_bank);
    if (++c->ref_next_bank == c->nbpg) {
      c->ref_next_bank = 0;
      if (++c->ref_next_bg == c->nbg) {
        c->ref_next_bg = 0;
        c->ref_next_rank = (c->ref_next_rank + 1) % c->nranks;
      }
    }
    break;
  default:
    push_refresh(c, AX_DRAM_REFAB, c->ref_next_rank, -1, -1);
    c->ref_next_rank = (c->ref_next_rank + 1) % c->nranks;
  }
}

/* ---- transactions --------------------------------------------------------------- */

/* Append a transaction (the caller checked for room). */
static void tq_push(tqueue *tq, trans t) {
  if (tq->h + tq->n == 2 * tq->cap) { /* at the end of the arrays: back to the start */
    memmove(tq->ord, tq->ord + tq->h, (size_t)tq->n * sizeof *tq->ord);
    memmove(tq->qi, tq->qi + tq->h, (size_t)tq->n * sizeof *tq->qi);
    tq->h = 0;
  }
  int slot = tq->fs[--tq->nfs];
  tq->e[slot] = t;
  tq->ord[tq->h + tq->n] = slot;
  tq->qi[tq->h + tq->n++] = t.qi;
}

/* Remove the i-th oldest transaction, keeping the order: the shorter side
 * of it moves up by one. */
static void tq_remove(tqueue *tq, int i) {
  int *o = tq->ord + tq->h, *q = tq->qi + tq->h;
  tq->fs[tq->nfs++] = o[i];
  if (i < tq->n - 1 - i) {
    for (int k = i; k > 0; k--) { o[k] = o[k - 1]; q[k] = q[k - 1]; }
    tq->h++;
  } else {
    for (int k = i; k < tq->n - 1; k++) { o[k] = o[k + 1]; q[k] = q[k + 1]; }
  }
  tq->n--;
}

/* Move one transaction to its command queue (DRAMsim3's ScheduleTransaction). */
static void schedule_transaction(ax_dram_ctrl *c) {
  const ax_dram_cfg *cfg = c->cfg;
  if (c->sched_idle) return;
  if (!cfg->unified_queue && c->write_draining == 0 && !(c->read_first && c->rq.n) &&
      (c->wq.n >= cfg->trans_queue_size || (c->rq.n == 0 && c->wq.n >= cfg->write_buf_size)))
    c->write_draining = c->wq.n;
  tqueue *tq = cfg->unified_queue ? &c->rq : c->write_draining > 0 ? &c->wq : &c->rq;
  int tqi = tq == &c->wq;
  if (c->mov[tqi]) { /* mov == 0: every queue they need is full */
    int i = tq->skip;
    const int *tqq = tq->qi + tq->h;
    while (i < tq->n && c->qfull[tqq[i]]) i++; /* the oldest whose queue has room (mov says one has) */
    if (i == tq->n) { c->sched_idle = 1; return; }
    tq->skip = i;
    trans *t = &tq->e[tq->ord[tq->h + i]];
    cmdq *q = &c->q[t->qi];
    ax_dram_addr a = t->a;
    if (t->is_write && !cfg->unified_queue) {
      if (amap_get(&c->rd, t->addr) >= 0) { /* a read of it is pending: stop draining */
        c->write_draining = 0;
        /* DRAMsim3 starts the drain again next cycle while the write
         * buffer is full - and spins forever, since that read never moves.
         * Here reads move first, from the next cycle on (as DRAMsim3 does
         * when the buffer is not full); only the full-buffer case differs. */
        c->read_first = c->wq.n >= cfg->trans_queue_size;
        c->sched_idle = !c->read_first;
        return;
      }
      c->write_draining--;
    }
    if (!t->is_write) c->read_first = 0; /* a read moved: the drain may try again */
    int cmd = t->is_write ? AX_DRAM_WR : AX_DRAM_RD;
    if (cfg->page_policy == AX_DRAM_CLOSE_PAGE) cmd = t->is_write ? AX_DRAM_WRA : AX_DRAM_RDA;
    q->e[q->n++] = (qent){.addr = t->addr, .row = a.ro, .col = a.co, .bg = (uint16_t)a.bg, .ba = (uint16_t)a.ba,
                          .ra = (uint16_t)a.ra, .bi = (uint16_t)((a.ra * c->nbg + a.bg) * c->nbpg + a.ba),
                          .gi = (uint16_t)(a.ra * c->nbg + a.bg), .cmd = (uint8_t)cmd};
    q->nk[cmd]++;
    q->kinds |= 1u << cmd;
    /* a bank queue's plan reads its first entry and the entries to the
     * open row: appending a miss behind others leaves it as it is */
    if (c->per_rank || q->n == 1 || c->bank[q->e[0].bi].open_row == a.ro) plan_build(c, t->qi);
    c->ncmd++;
    c->tw[tqi][t->qi]--;
    c->mov[tqi]--;
    if (q->n == cfg->cmd_queue_size) { /* full now */
      c->qfull[t->qi] = 1;
      c->mov[0] -= c->tw[0][t->qi];
      c->mov[1] -= c->tw[1][t->qi];
    }
    tq_remove(tq, i);
    return;
  }
  c->sched_idle = 1; /* nothing can move until a queue frees or a request arrives */
}


/* Whether a request (read or write) would be taken now. */
int ax_dram_ctrl_can_accept(const ax_dram_ctrl *c, int is_write) {
  return c->acc[is_write != 0]->n < c->acc_cap[is_write != 0];
}

/* Free transaction slots for a read or a write now. */
int ax_dram_ctrl_room(const ax_dram_ctrl *c, int is_write) {
  return c->acc_cap[is_write != 0] - c->acc[is_write != 0]->n;
}

/* Take one request at cycle `cycle`. */
void ax_dram_ctrl_add(ax_dram_ctrl *c, uint64_t addr, int is_write, uint64_t tag, uint64_t cycle) {
  if (cycle > c->clk) c->clk = cycle; /* the cycles in between were idle */
  follow_clock(c);
  c->npending++;
  c->progress = c->clk;
  c->sched_idle = 0;
  if (is_write) {
    if (amap_get(&c->wr, addr) < 0) { /* a second write to it merges */
      int i = pool_get(c);
      c->pool[i] = (ptrans){addr, tag, c->clk, -1};
      *amap_slot(&c->wr, addr) = i;
      tqueue *tq = c->cfg->unified_queue ? &c->rq : &c->wq;
      ax_dram_addr a = ax_dram_map(c->cfg, addr);
      int qi = queue_of(c, a.ra, a.bg, a.ba), tqi = tq == &c->wq;
      tq_push(tq, (trans){addr, 1, qi, a});
      c->tw[tqi][qi]++;
      if (c->q[qi].n < c->cq) c->mov[tqi]++;
    } else {
      c->st.num_write_buf_hits++;
    }
    fifo_push(&c->fast, (done_ent){tag, c->clk + 1, c->clk, 1});
    return;
  }
  if (amap_get(&c->wr, addr) >= 0) { /* answered from the write buffer */
    c->st.num_write_buf_hits++;
    c->st.read_latency_sum += 1;
    fifo_push(&c->fast, (done_ent){tag, c->clk + 1, c->clk, 0});
    return;
  }
  int i = pool_get(c);
  c->pool[i] = (ptrans){addr, tag, c->clk, -1};
  int *head = amap_slot(&c->rd, addr);
  if (*head >= 0) { /* a read of the same address is pending: ride along */
    int j = *head;
    while (c->pool[j].next >= 0) j = c->pool[j].next;
    c->pool[j].next = i;
    return;
  }
  *head = i;
  ax_dram_addr a = ax_dram_map(c->cfg, addr);
  int qi = queue_of(c, a.ra, a.bg, a.ba);
  tq_push(&c->rq, (trans){addr, 0, qi, a});
  c->tw[0][qi]++;
  if (c->q[qi].n < c->cq) c->mov[0]++;
}

/* ---- the cycle ----------------------------------------------------------------- */

static inline void ctrl_cycle(ax_dram_ctrl *c, uint64_t cycle) {
  c->clk = max64(cycle, c->clk);
  follow_clock(c);
  while (c->next_ref <= c->clk) {
    insert_refresh(c);
    c->next_ref += c->ref_interval;
  }
  int issued = 0; /* 0 none, 1 row command, 2 column command */
  if (c->nref) issued = finish_refresh(c);
  if (!issued) issued = issue_from_queues(c, -1);
  if (issued && c->cfg->dual_cmd) {
    if (issue_from_queues(c, issued == 2)) c->st.hbm_dual_cmds++;
  }
  schedule_transaction(c);
  c->clk++;
}

static inline uint64_t ctrl_next(ax_dram_ctrl *c) {
  uint64_t t = c->next_ref;
  if (!c->sched_idle && (c->rq.n || c->wq.n)) return c->clk;
  if (c->nref) {
    if (!c->in_ref) { c->in_ref = 1; set_refresh_range(c); }
    uint64_t r = refresh_ready(c);
    if (r < t) t = r;
  }
  sched_eval(c); /* the first cycle a queue has a command ready */
  if (c->sch_clk < t) t = c->sch_clk;
  return t < c->clk ? c->clk : t;
}

/* Simulate cycle `cycle`. */
FLATTEN void ax_dram_ctrl_cycle(ax_dram_ctrl *c, uint64_t cycle) { ctrl_cycle(c, cycle); }

/* The first cycle >= now at which ax_dram_ctrl_cycle could do anything. */
FLATTEN uint64_t ax_dram_ctrl_next(ax_dram_ctrl *c) { return ctrl_next(c); }

/* Whether requests wait for the controller to serve them: commands
 * queued, reads (or, unified, any transactions) to move, writes draining.
 * A drain that falls due starts in the next cycle schedule_transaction
 * runs, within a cycle of the request or command that made it due (both
 * count as progress), so it needs no term of its own. Answered requests
 * whose completion is not delivered yet, and writes buffered below the
 * drain mark, wait for nothing the controller does. */
static inline int serving(const ax_dram_ctrl *c) { return c->ncmd || c->rq.n || c->write_draining; }

/* Cycle t of c, unless requests have waited AX_DRAM_NO_PROGRESS cycles
 * to be served without one entering or a column command issuing (a
 * livelock: 0). An idle stretch of any length is no livelock. */
static inline int guarded_cycle(ax_dram_ctrl *c, uint64_t t) {
  if (t - c->progress > AX_DRAM_NO_PROGRESS && serving(c)) return 0;
  ctrl_cycle(c, t);
  return 1;
}

/* Run every cycle < until in which c can act; 0 on a livelock. */
static inline int run_until(ax_dram_ctrl *c, uint64_t until) {
  uint64_t t;
  while ((t = ctrl_next(c)) < until)
    if (!guarded_cycle(c, t)) return 0;
  return 1;
}

/* Simulate every cycle < until in which c can act; AX_EIO on a livelock. */
int ax_dram_ctrl_run_to(ax_dram_ctrl *c, uint64_t until) { return run_until(c, until) ? AX_OK : AX_EIO; }

/* Run c up to *cycle, then add a request at the first cycle >= *cycle with
 * room (into *cycle); AX_EIO on a livelock or a stall. */
FLATTEN int ax_dram_ctrl_offer(ax_dram_ctrl *c, uint64_t addr, int is_write, uint64_t tag, uint64_t *cycle) {
  uint64_t t = *cycle;
  for (;;) { /* one cycle call in the loop: the hot code inlined once */
    uint64_t n = ctrl_next(c);
    if (n >= t) {
      if (ax_dram_ctrl_can_accept(c, is_write)) break;
      if (n == NEVER) return AX_EIO; /* room comes only from a cycle of c */
      t = n + 1;
    }
    if (!guarded_cycle(c, n)) return AX_EIO;
  }
  ax_dram_ctrl_add(c, addr, is_write, tag, t);
  *cycle = t;
  return AX_OK;
}

/* The cycle of the next request completion, AX_DRAM_NEVER if none. */
uint64_t ax_dram_ctrl_next_done(const ax_dram_ctrl *c) {
  uint64_t t = NEVER;
  if (c->fast.n) t = c->fast.e[c->fast.head].done;
  if (c->slow.n && c->slow.e[c->slow.head].done < t) t = c->slow.e[c->slow.head].done;
  return t;
}

/* Report completions with done cycle <= cycle through fn, in order. */
void ax_dram_ctrl_deliver(ax_dram_ctrl *c, uint64_t cycle, ax_dram_done_fn fn, void *ctx) {
  for (;;) {
    fifo *f = NULL;
    if (c->fast.n && c->fast.e[c->fast.head].done <= cycle) f = &c->fast;
    if (c->slow.n && c->slow.e[c->slow.head].done <= cycle &&
        (!f || c->slow.e[c->slow.head].done < f->e[f->head].done))
      f = &c->slow;
    if (!f) return;
    done_ent d = f->e[f->head];
    f->head = (f->head + 1) & (f->cap - 1);
    f->n--;
    c->npending--;
    if (d.is_write) c->st.num_writes_done++;
    else c->st.num_reads_done++;
    if (fn) fn(ctx, d.tag, d.is_write, d.done, d.added);
  }
}

/* Current cycle (the next one to simulate). */
uint64_t ax_dram_ctrl_now(const ax_dram_ctrl *c) { return c->clk; }

/* Whether the controller has work besides refresh. */
int ax_dram_ctrl_busy(const ax_dram_ctrl *c) {
  return c->npending || c->ncmd || (!c->sched_idle && (c->rq.n || c->wq.n));
}

/* Requests inside the controller (queued or waiting for data). */
uint64_t ax_dram_ctrl_pending(const ax_dram_ctrl *c) { return c->npending; }

/* Statistics so far. */
const ax_dram_stats *ax_dram_ctrl_stats(const ax_dram_ctrl *c) { return &c->st; }

/* Energy over cycles [0, end_cycle) in pJ: DRAMsim3's IDD formulas
 * (configuration.cc) times tCK, so the unit is pJ at any clock. Counts
 * every device of each rank (devices_per_rank chips). */
ax_dram_energy ax_dram_ctrl_energy(const ax_dram_ctrl *c, uint64_t end) {
  const ax_dram_cfg *g = c->cfg;
  const int *t = g->t;
  double dev = g->devices_per_rank, k = g->VDD * dev * g->tCK_ns; /* V * mA * cycles * ns = pJ */
  ax_dram_energy e = {0};
  e.act = c->st.num_act_cmds * k * (g->IDD0 * t[AX_DRAM_TP_tRC] - (g->IDD3N * t[AX_DRAM_TP_tRAS] + g->IDD2N * t[AX_DRAM_TP_tRP]));
  e.read = c->st.num_read_cmds * k * (g->IDD4R - g->IDD3N) * t[AX_DRAM_TP_BURST];
  e.write = c->st.num_write_cmds * k * (g->IDD4W - g->IDD3N) * t[AX_DRAM_TP_BURST];
  e.ref = c->st.num_ref_cmds * k * (g->IDD5AB - g->IDD3N) * t[AX_DRAM_TP_tRFC];
  e.refb = c->st.num_refb_cmds * k * (g->IDD5PB - g->IDD3N) * t[AX_DRAM_TP_tRFCb];
  uint64_t active = 0;
  for (int r = 0; r < c->nranks; r++) {
    active += c->st.rank_active_cycles[r];
    if (c->open_banks[r] > 0 && end > c->active_since[r]) active += end - c->active_since[r];
  }
  uint64_t all = end * (uint64_t)c->nranks;
  if (active > all) active = all;
  e.act_stb = (double)active * k * g->IDD3N;
  e.pre_stb = (double)(all - active) * k * g->IDD2N;
  e.total = e.act + e.read + e.write + e.ref + e.refb + e.act_stb + e.pre_stb;
  return e;
}
