/*
 * test_dram_comp.c - the `dram` component inside a simulation.
 *
 * Independent sources: hand calculations from the DDR4-3200 preset's JEDEC
 * numbers (tCK 0.63 ns as DRAMsim3's .ini, tRCD = CL = 22, BL8 = 4 cycles,
 * tCCD_L = 8); the trace driver ax_dram_run (what `axsim dramtrace` runs,
 * itself checked command for command against DRAMsim3 in dram_ref), which
 * must give the same command log and statistics for the same request
 * stream; and the independent JEDEC timing checker (dram_checker.c).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "axtest.h"

#include "config.h"
#include "dram.h"
#include "dram_checker.h"
#include "sim.h"

#define DIR AX_BIN_DIR "/tests_tmp_dram_comp"

/* ---- a requester: sends a script of requests, one per cycle at most ---- */

typedef struct rq { uint64_t addr, bytes; int wr; uint64_t cycle; } rq;

typedef struct requester {
  const rq *r;
  int n, next;
  ax_time_t period;
  ax_port *mem;
  ax_time_t resp_at[64];   /* arrival time of the answer to request i (first 64) */
  uint64_t resp_tag[64];
  int nresp;
  int waiting;             /* a send got AX_EAGAIN: ready() resumes */
} requester;

static requester R;

static void rq_send(ax_component *c, uint64_t arg);

static void rq_plan(ax_component *c) {
  requester *q = ax_comp_priv(c);
  if (q->next >= q->n) return;
  ax_time_t at = q->r[q->next].cycle * q->period, now = ax_now(ax_comp_sim(c));
  ax_schedule_at(c, at > now ? at : now, AX_PRIO_NORMAL, rq_send, 0);
}

static void rq_send(ax_component *c, uint64_t arg) {
  (void)arg;
  requester *q = ax_comp_priv(c);
  if (q->waiting || q->next >= q->n) return;
  const rq *e = &q->r[q->next];
  ax_msg m = {.kind = AX_MSG_MEM_REQ, .flags = e->wr ? AX_MSG_WRITE : 0, .addr = e->addr, .bytes = e->bytes,
              .tag = (uint64_t)q->next};
  if (ax_port_send(q->mem, &m) == AX_EAGAIN) { q->waiting = 1; return; }
  q->next++;
  rq_plan(c);
}

static int rq_init(ax_component *c, char *e, size_t n) {
  (void)e, (void)n;
  ax_comp_set_priv(c, &R);
  R.mem = ax_comp_port(c, "mem");
  return AX_OK;
}
static void rq_start(ax_component *c) { rq_plan(c); }
static int rq_recv(ax_component *c, ax_port *p, const ax_msg *m) {
  (void)p;
  requester *q = ax_comp_priv(c);
  assert_int_equal(m->kind, AX_MSG_MEM_RESP);
  assert_int_equal(m->addr, q->r[m->tag].addr);
  assert_int_equal(m->bytes, q->r[m->tag].bytes);
  if (q->nresp < 64) {
    q->resp_at[q->nresp] = ax_now(ax_comp_sim(c));
    q->resp_tag[q->nresp] = m->tag;
  }
  q->nresp++;
  return AX_OK;
}
/* The link has a free credit again: send now (the DRAM took the last one). */
static void rq_ready(ax_component *c, ax_port *p) {
  (void)p;
  requester *q = ax_comp_priv(c);
  q->waiting = 0;
  rq_plan(c);
}

static const ax_port_def rq_ports[] = {{"mem", "to the DRAM"}, {NULL, NULL}};
static const ax_model rq_model = {.abi = AX_ABI_VERSION, .name = "req", .doc = "test requester",
                                  .ports = rq_ports, .init = rq_init, .start = rq_start,
                                  .recv = rq_recv, .ready = rq_ready};

/* A system of one `dram` component named mem (config text `memcfg`) and
 * the requester on a link of one tCK latency and one credit: a request
 * sent during cycle T enters the controller at cycle T + 1, as a trace
 * request of cycle T does in ax_dram_run. */
static ax_sim *build(const char *memcfg, const rq *r, int n, ax_time_t period) {
  char err[AX_ERR_MAX], text[1024];
  (void)!system("mkdir -p " DIR);
  snprintf(text, sizeof text, "mem = { model = \"dram\"; %s };\n", memcfg);
  write_file(DIR "/sys.cfg", text);
  ax_sim *s;
  int rc = ax_config_load(DIR "/sys.cfg", NULL, 0, 0, 0, &s, err, sizeof err);
  if (rc != AX_OK) fail_msg("%s", err);
  memset(&R, 0, sizeof R);
  R.r = r;
  R.n = n;
  R.period = period;
  ax_component *q = ax_sim_add_component(s, "req", &rq_model, period, 0);
  ax_port *a = ax_comp_port_get(q, "mem", 1), *b = ax_comp_port_get(ax_sim_find(s, "mem"), "in0", 1);
  assert_int_equal(ax_link_join(s, a, b, period, 0, 1, 0, err, sizeof err), AX_OK);
  rc = ax_sim_init_components(s, err, sizeof err);
  if (rc != AX_OK) fail_msg("%s", err);
  assert_int_equal(ax_comp_period(ax_sim_find(s, "mem")), period);
  return s;
}

static double stat_of(ax_sim *s, const char *comp, const char *name) {
  ax_component *c = ax_sim_find(s, comp);
  for (size_t i = 0; i < s->nstats; i++)
    if (s->stats[i].comp == c->index && !strcmp(s->stats[i].name, name)) return s->stats[i].v;
  fail_msg("no statistic %s.%s", comp, name);
  return 0;
}

static void check_log(const ax_dram_cfg *cfg, const char *path) {
  char msg[512];
  long v = ax_dram_check_log(cfg, path, msg, sizeof msg);
  if (v) fail_msg("checker on %s: %ld violation(s), first: %s", path, v, msg);
}

static void preset(ax_dram_cfg *cfg, const char *name) {
  char err[256];
  assert_int_equal(ax_dram_preset(cfg, name, err, sizeof err), AX_OK);
  assert_int_equal(ax_dram_cfg_finish(cfg, err, sizeof err), AX_OK);
}

/* DDR4-3200 preset, P = 630 ps (tCK 0.63 ns). Each request is sent at
 * cycle 0 alone in its own run, enters at cycle 1 and moves to its bank's
 * command queue during cycle 1:
 *  - 64 B read, closed bank: ACT at 2, RD at 2 + tRCD = 24, last beat at
 *    24 + CL + BL/2 = 24 + 22 + 4 = 50; the answer leaves at cycle 50 and
 *    crosses the link in one cycle: it arrives at 51 x 630 ps.
 *  - 256 B read at 0: 4 bursts of 64 B to one row (columns are the low
 *    address bits), one moved per cycle (1..4); RDs at 24, 32, 40, 48
 *    (tCCD_L = 8); last beat 48 + 26 = 74; arrives at 75 x 630 ps.
 *  - 64 B write: taken into the write buffer at 1, answered at 2 (DRAMsim3
 *    answers a write when it is buffered); arrives at 3 x 630 ps.
 *  - 100 B read at 60: bytes 60..159 touch the bursts at 0, 64 and 128
 *    (aligned): RDs at 24, 32 and 40, last beat 66, arrives 67 x 630 ps. */
static void test_hand_latencies(void **st) {
  (void)st;
  static const struct { rq r; uint64_t arrive; uint64_t read_cmds; } c[] = {
    {{0x0, 64, 0, 0}, 51, 1}, {{0x0, 256, 0, 0}, 75, 4}, {{0x40000, 64, 1, 0}, 3, 0}, {{60, 100, 0, 0}, 67, 3}};
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    ax_sim *s = build("preset = \"DDR4-3200\"; cmd_log = \"" DIR "/hand.log\";", &c[i].r, 1, 630);
    assert_int_equal(ax_sim_run(s), AX_OK);
    assert_int_equal(R.nresp, 1);
    assert_int_equal(R.resp_at[0], c[i].arrive * 630);
    ax_sim_collect_stats(s);
    assert_int_equal((uint64_t)stat_of(s, "mem", "num_read_cmds"), c[i].read_cmds);
    assert_int_equal((uint64_t)stat_of(s, "mem", "num_cycles"), c[i].arrive);
    ax_sim_free(s);
    ax_dram_cfg cfg;
    preset(&cfg, "DDR4-3200");
    check_log(&cfg, DIR "/hand.log");
  }
}

/* Two reads to the same bank, different rows, sent at cycles 0 and 1 with
 * open page: the second enters at 2, is a row miss behind the first's
 * open row. First: ACT 2, RD 24, data to 50. Second: PRE once the row may
 * close: tRAS from the ACT (2 + 52 = 54) and tRTP from the RD (24 + 12 =
 * 36) -> 54; ACT at 54 + tRP 22 = 76; RD at 98; last beat 124; arrives
 * 125 x 630 ps. */
static void test_hand_row_miss(void **st) {
  (void)st;
  ax_dram_cfg cfg;
  preset(&cfg, "DDR4-3200");
  uint64_t row1 = (uint64_t)1 << (cfg.pos[AX_DRAM_F_RO] + cfg.shift_bits);
  rq r[2] = {{0, 64, 0, 0}, {row1, 64, 0, 1}};
  ax_sim *s = build("preset = \"DDR4-3200\"; cmd_log = \"" DIR "/miss.log\";", r, 2, 630);
  assert_int_equal(ax_sim_run(s), AX_OK);
  assert_int_equal(R.nresp, 2);
  assert_int_equal(R.resp_at[0], 51 * 630);
  assert_int_equal(R.resp_at[1], 125 * 630);
  ax_sim_free(s);
  check_log(&cfg, DIR "/miss.log");
}

/* ---- the component and the trace driver agree ---------------------------- */

typedef struct src { const rq *r; int n, i; } src;

static int src_next(void *ctx, uint64_t *addr, int *wr, uint64_t *cycle, char *err, size_t errlen) {
  src *s = ctx;
  (void)err, (void)errlen;
  if (s->i >= s->n) return 0;
  *addr = s->r[s->i].addr;
  *wr = s->r[s->i].wr;
  *cycle = s->r[s->i].cycle;
  s->i++;
  return 1;
}

/* A log line with its sort key: cycle, channel, place in the file. */
typedef struct logline { unsigned long long cy, ch, i; char *s; } logline;

static int logline_cmp(const void *x, const void *y) {
  const logline *a = x, *b = y;
  if (a->cy != b->cy) return a->cy < b->cy ? -1 : 1;
  if (a->ch != b->ch) return a->ch < b->ch ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

/* Lines of a command log whose cycle is <= last, joined in the order
 * (cycle, channel, place in the file): the trace driver runs channels one
 * after another between requests, the component all in step, so only each
 * channel's own order is the same. */
static char *log_upto(const char *path, uint64_t last, size_t *lines) {
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  size_t cap = 1 << 12, n = 0, len = 1;
  logline *v = malloc(cap * sizeof *v);
  char line[256];
  while (fgets(line, sizeof line, f)) {
    char *p;
    unsigned long long cy = strtoull(line, &p, 10);
    if (cy > last) continue;
    while (*p == ' ') p++;
    while (*p && *p != ' ') p++; /* the command */
    if (n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
    v[n] = (logline){cy, strtoull(p, NULL, 10), n, strdup(line)};
    len += strlen(line);
    n++;
  }
  fclose(f);
  qsort(v, n, sizeof *v, logline_cmp);
  char *out = malloc(len), *o = out;
  for (size_t i = 0; i < n; i++) {
    o = stpcpy(o, v[i].s);
    free(v[i].s);
  }
  *o = 0;
  free(v);
  *lines = n;
  return out;
}

/* A mixed stream: bursts of back-to-back random reads and writes (several
 * per cycle at times, so requests wait for the one-per-cycle front end and
 * for full queues), idle gaps longer than tREFI (refresh of an idle
 * controller), two channels. */
static int make_stream(rq *r, int max) {
  uint64_t x = 88172645463325252ull, cy = 0;
  int n = 0;
  for (int burst = 0; burst < 12 && n < max; burst++) {
    int len = 150 + (int)(x % 200);
    for (int k = 0; k < len && n < max; k++) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      uint64_t addr = (x >> 20) % (1ull << 31) & ~63ull;
      if (burst % 3 == 1) addr = ((uint64_t)burst << 24) + (uint64_t)k * 64; /* sequential run */
      r[n++] = (rq){addr, 64, (x >> 8) % 10 < 3, cy};
      if ((x >> 12) % 4) cy++; /* a quarter of them in the same cycle as the one before */
    }
    cy += burst % 2 ? 20000 : 40; /* gaps past tREFI = 12480 */
  }
  for (int k = 0; k < 8 && n < max; k++) r[n++] = (rq){(uint64_t)k * 4096, 64, 0, cy++}; /* end with reads */
  return n;
}

static void test_same_as_trace_driver(void **st) {
  (void)st;
  static rq r[6000];
  int n = make_stream(r, 6000);
  ax_dram_cfg cfg;
  preset(&cfg, "DDR4-3200");
  char err[256];
  assert_int_equal(ax_dram_cfg_set(&cfg, "channels", "2", err, sizeof err), AX_OK);
  assert_int_equal(ax_dram_cfg_finish(&cfg, err, sizeof err), AX_OK);
  /* the trace driver */
  ax_dram_sys sys;
  assert_int_equal(ax_dram_sys_init(&sys, &cfg), AX_OK);
  FILE *lf = fopen(DIR "/drv.log", "w");
  assert_non_null(lf);
  for (int i = 0; i < 2; i++) ax_dram_ctrl_set_log(sys.ch[i], lf);
  src sr = {r, n, 0};
  ax_dram_result dr;
  assert_int_equal(ax_dram_run(&sys, src_next, &sr, &dr, err, sizeof err), AX_OK);
  fclose(lf);
  ax_dram_sys_free(&sys);
  /* the component */
  ax_sim *s = build("preset = \"DDR4-3200\"; channels = 2; cmd_log = \"" DIR "/comp.log\";", r, n, 630);
  assert_int_equal(ax_sim_run(s), AX_OK);
  assert_int_equal(R.nresp, n);
  ax_sim_collect_stats(s);
  printf("  trace driver: %llu cycles, %llu ACT, %llu REF, avg read latency %.3f\n",
         (unsigned long long)dr.num_cycles, (unsigned long long)dr.st.num_act_cmds,
         (unsigned long long)dr.st.num_ref_cmds, dr.average_read_latency);
  assert_int_equal((uint64_t)stat_of(s, "mem", "num_cycles"), dr.num_cycles);
  assert_int_equal((uint64_t)stat_of(s, "mem", "num_reads_done"), dr.st.num_reads_done);
  assert_int_equal((uint64_t)stat_of(s, "mem", "num_writes_done"), dr.st.num_writes_done);
  assert_int_equal((uint64_t)stat_of(s, "mem", "num_read_row_hits"), dr.st.num_read_row_hits);
  assert_true(fabs(stat_of(s, "mem", "average_read_latency") - dr.average_read_latency) < 1e-9);
  assert_true(dr.st.num_ref_cmds > 2 * 10); /* the idle gaps did refresh */
  ax_sim_free(s);
  /* the same commands at the same cycles up to the driver's end */
  size_t la, lb;
  char *a = log_upto(DIR "/drv.log", dr.num_cycles - 1, &la), *b = log_upto(DIR "/comp.log", dr.num_cycles - 1, &lb);
  assert_true(la > 1000);
  assert_int_equal(la, lb);
  assert_string_equal(a, b);
  free(a);
  free(b);
  check_log(&cfg, DIR "/comp.log");
}

/* ---- whole system: host + vector unit + dram, from a config file ---- */

/* relu over 64 KiB of int8 on DDR4-3200 with refresh off: the vector unit
 * reads 64 KiB from 0 and writes 64 KiB from 64 KiB in 64 B requests, so
 * the DRAM sees 1024 read and 1024 write bursts. Mapping rochrababgco,
 * 64 B bursts: address bits 6-12 are the column (128 bursts = one 8 KiB
 * row of a rank), 13-14 the bank group, 15-16 the bank. The reads cover
 * banks 0-1 of the 4 groups, the writes banks 2-3: 16 rows, each opened
 * once (open page, no conflicts), so 16 ACT, no PRE, and every column
 * command but the first in its row is a row hit: 1024 - 8 = 1016 each. */
static void test_vector_system(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t.axt", "axtrace 1\neltwise name=r elems=65536 fn=relu\n");
  write_file(DIR "/vsys.cfg",
             "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:v\"; };\n"
             "v = { model = \"vector\"; lanes = 16; burst_bytes = 64; outstanding = 16; };\n"
             "mem = { model = \"dram\"; preset = \"DDR4-3200\"; refresh = false; cmd_log = \"" DIR "/vsys.log\"; };\n"
             "links = ( { from = \"host.unit0\"; to = \"v.ctl\"; },\n"
             "          { from = \"v.mem\"; to = \"mem.in0\"; latency_ns = 2.0; depth = 8; } );\n");
  char err[AX_ERR_MAX];
  ax_sim *s;
  assert_int_equal(ax_config_load(DIR "/vsys.cfg", NULL, 0, 0, 0, &s, err, sizeof err), AX_OK);
  assert_int_equal(ax_sim_init_components(s, err, sizeof err), AX_OK);
  if (ax_sim_run(s) != AX_OK) fail_msg("%s", s->err);
  ax_sim_collect_stats(s);
  assert_int_equal((uint64_t)stat_of(s, "mem", "num_reads_done"), 1024);
  assert_int_equal((uint64_t)stat_of(s, "mem", "num_writes_done"), 1024);
  assert_int_equal((uint64_t)stat_of(s, "mem", "num_read_cmds"), 1024);
  assert_int_equal((uint64_t)stat_of(s, "mem", "num_write_cmds"), 1024);
  assert_int_equal((uint64_t)stat_of(s, "mem", "num_act_cmds"), 16);
  assert_int_equal((uint64_t)stat_of(s, "mem", "num_pre_cmds"), 0);
  assert_int_equal((uint64_t)stat_of(s, "mem", "num_read_row_hits"), 1016);
  assert_int_equal((uint64_t)stat_of(s, "mem", "num_write_row_hits"), 1016);
  assert_int_equal((uint64_t)stat_of(s, "mem", "num_ref_cmds"), 0);
  /* energy: every action's pJ is in the table; they add up to total_energy */
  double e = 0;
  ax_component *m = ax_sim_find(s, "mem");
  for (size_t i = 0; i < s->nenergy; i++)
    if (s->energy[i].comp == m->index) e += s->energy[i].pj;
  assert_true(e > 0);
  assert_true(fabs(e - stat_of(s, "mem", "total_energy")) < 1e-6 * e);
  ax_sim_free(s);
  ax_dram_cfg cfg;
  preset(&cfg, "DDR4-3200");
  check_log(&cfg, DIR "/vsys.log");
}

/* ---- bad parameters: clear messages, no crash ---- */

static void expect_init_error(const char *memcfg, const char *want) {
  char err[AX_ERR_MAX], text[1024];
  (void)!system("mkdir -p " DIR);
  snprintf(text, sizeof text, "mem = { model = \"dram\"; %s };\n", memcfg);
  write_file(DIR "/bad.cfg", text);
  ax_sim *s = NULL;
  int rc = ax_config_load(DIR "/bad.cfg", NULL, 0, 0, 0, &s, err, sizeof err);
  if (rc == AX_OK) rc = ax_sim_init_components(s, err, sizeof err);
  assert_int_not_equal(rc, AX_OK);
  if (!strstr(err, want)) fail_msg("expected '%s' in: %s", want, err);
  if (s) ax_sim_free(s);
}

static void test_bad_params(void **st) {
  (void)st;
  write_file(DIR "/x.ini", "[dram_structure]\nprotocol = DDR9\n");
  expect_init_error("preset = \"DDR4-2400\";", "expected one of");
  expect_init_error("preset = \"HBM2\"; ini = \"x.ini\";", "preset and ini are both set");
  expect_init_error("ini = \"x.ini\";", "DDR9");
  expect_init_error("ini = \"nope.ini\";", "nope.ini");
  expect_init_error("mapping = \"rorababgco\";", "expected 12 letters");
  expect_init_error("mapping = \"rochrababgxx\";", "unknown");
  expect_init_error("channels = 3;", "channels = 3: expected a power of two");
  expect_init_error("page_policy = \"shut\";", "open");
  expect_init_error("cmd_log = \"/nonexistent/dir/x.log\";", "cmd_log");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hand_latencies),
    cmocka_unit_test(test_hand_row_miss),
    cmocka_unit_test(test_same_as_trace_driver),
    cmocka_unit_test(test_vector_system),
    cmocka_unit_test(test_bad_params),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
