/*
 * test_dram_unit.c - the DRAM model on a tiny config, by hand calculation;
 * every preset under the independent timing checker; bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dram.h"
#include "dram_checker.h"
#include "dram_ready.h"

/* A tiny DDR4-like device with round numbers: tCK 1 ns, BL8 (burst 4),
 * CL 10, CWL 8, tRCD 12, tRP 11, tRAS 30; 2 bank groups of 2 banks. */
static void tiny(ax_dram_cfg *c, const char *policy) {
  char err[256];
  memset(c, 0, sizeof *c);
  static const char *kv[][2] = {
    {"protocol", "DDR4"}, {"channels", "1"}, {"ranks", "1"}, {"bankgroups", "2"}, {"banks_per_group", "2"},
    {"rows", "1024"}, {"columns", "1024"}, {"BL", "8"}, {"device_width", "8"}, {"bus_width", "64"},
    {"tCK", "1"}, {"CL", "10"}, {"CWL", "8"}, {"tRCD", "12"}, {"tRP", "11"}, {"tRAS", "30"},
    {"tRFC", "100"}, {"tREFI", "1000000"}, {"tRRD_S", "4"}, {"tRRD_L", "6"}, {"tWTR_S", "3"}, {"tWTR_L", "6"},
    {"tFAW", "20"}, {"tWR", "12"}, {"tRTP", "6"}, {"tCCD_S", "4"}, {"tCCD_L", "6"}, {"tRTRS", "1"},
    {"address_mapping", "rochrababgco"}, {"cmd_queue_size", "8"}, {"trans_queue_size", "32"},
    {"write_buf_size", "16"}, {"VDD", "1.2"}, {"IDD0", "50"}, {"IDD3N", "40"}, {"IDD2N", "30"}};
  for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) assert_int_equal(ax_dram_cfg_set(c, kv[i][0], kv[i][1], err, sizeof err), AX_OK);
  assert_int_equal(ax_dram_cfg_set(c, "row_buf_policy", policy, err, sizeof err), AX_OK);
  if (ax_dram_cfg_finish(c, err, sizeof err) != AX_OK) fail_msg("%s", err);
}

/* Address of (row, bank group, bank, column) under rochrababgco with 7
 * column bits (1024 columns / BL8) above 6 byte bits (64 B bursts). */
static uint64_t A(int ro, int bg, int ba, int co) {
  return ((((uint64_t)ro << 9) | ((uint64_t)ba << 8) | ((uint64_t)bg << 7) | (uint64_t)co)) << 6;
}

typedef struct req { uint64_t addr; int wr; uint64_t at; } req;
static uint64_t lat[16];

static void on_done(void *ctx, uint64_t tag, int is_write, uint64_t done, uint64_t added) {
  (void)ctx; (void)is_write;
  lat[tag] = done - added;
}

/* Requests enter the controller at cycle `at`; returns latencies in lat[]. */
static void run(const ax_dram_cfg *cfg, const req *r, int n) {
  ax_dram_sys s;
  assert_int_equal(ax_dram_sys_init(&s, cfg), AX_OK);
  ax_dram_ctrl *c = s.ch[0];
  FILE *log = fopen("dram_unit.log", "w");
  ax_dram_ctrl_set_log(c, log);
  memset(lat, 0, sizeof lat);
  int k = 0;
  for (uint64_t t = 0; t < 5000; t++) {
    while (k < n && r[k].at == t) {
      assert_true(ax_dram_ctrl_can_accept(c, r[k].wr));
      ax_dram_ctrl_add(c, r[k].addr, r[k].wr, (uint64_t)k, t);
      k++;
    }
    ax_dram_ctrl_deliver(c, t, on_done, NULL);
    if (ax_dram_ctrl_next(c) <= t) ax_dram_ctrl_cycle(c, t);
  }
  fclose(log);
  char msg[256];
  long v = ax_dram_check_log(cfg, "dram_unit.log", msg, sizeof msg);
  if (v) fail_msg("checker: %s", msg);
  unlink("dram_unit.log");
  ax_dram_sys_free(&s);
}

static void test_single_reads(void **st) {
  (void)st;
  ax_dram_cfg c;
  tiny(&c, "OPEN_PAGE");
  /* closed bank: 1 cycle to reach the command queue, then ACT, tRCD, CL, burst */
  /* open row hit: 1 + CL + burst; row miss: 1 + tRP + tRCD + CL + burst */
  req r[] = {{A(5, 0, 0, 0), 0, 1}, {A(5, 0, 0, 1), 0, 200}, {A(9, 0, 0, 0), 0, 400}};
  run(&c, r, 3);
  assert_int_equal(lat[0], 1 + 12 + 10 + 4);
  assert_int_equal(lat[1], 1 + 10 + 4);
  assert_int_equal(lat[2], 1 + 11 + 12 + 10 + 4);
}

/* A request stream for ax_dram_run: g->r[0 .. g->n), one at a time. */
typedef struct reqs { const req *r; int n, i; } reqs;
static int reqs_next(void *ctx, uint64_t *addr, int *wr, uint64_t *cycle, char *err, size_t errlen) {
  reqs *g = ctx;
  (void)err; (void)errlen;
  if (g->i == g->n) return 0;
  *addr = g->r[g->i].addr, *wr = g->r[g->i].wr, *cycle = g->r[g->i].at;
  g->i++;
  return 1;
}

/* A trace that goes quiet for 30.5 M cycles (30 refreshes) between
 * requests runs through: the first read's completion waits undelivered,
 * the write sits in the buffer below its drain mark, and neither is a
 * livelock (an idle stretch of more than 10 M cycles was reported as
 * one). Both reads see a closed bank (refresh closed the first's row):
 * 1 + tRCD 12 + CL 10 + burst 4 = 27 cycles each; the last completes at
 * 30,500,001 + 27, so the run is 30,500,029 cycles. */
/* Run r[0 .. n) through ax_dram_run on the tiny open-page device into res. */
static void run_result(const req *r, int n, ax_dram_result *res) {
  ax_dram_cfg c;
  tiny(&c, "OPEN_PAGE");
  reqs g = {r, n, 0};
  ax_dram_sys s;
  assert_int_equal(ax_dram_sys_init(&s, &c), AX_OK);
  char err[256] = "";
  int rc = ax_dram_run(&s, reqs_next, &g, res, err, sizeof err);
  ax_dram_sys_free(&s);
  if (rc != AX_OK) fail_msg("ax_dram_run: %s", err);
}

static void test_idle_gap(void **st) {
  (void)st;
  req r[] = {{A(5, 0, 0, 0), 0, 0}, {A(7, 1, 0, 0), 1, 1}, {A(9, 0, 0, 0), 0, 30500000}};
  ax_dram_result res;
  run_result(r, 3, &res);
  assert_int_equal(res.st.num_reads_done, 2);
  assert_int_equal(res.st.num_writes_done, 1);
  assert_int_equal(res.st.read_latency_sum, 27 + 27);
  assert_int_equal(res.num_cycles, 30500029);
  assert_int_equal(res.st.num_ref_cmds, 30);
}

/* The same with a quiet stretch of 4295.5 M cycles, past 2^32: the
 * queues' times count from a base cycle in 32 bits (dram_ready.h), moved
 * up on the way (every 2^30 cycles). The read after it is timed as the
 * one before (a closed bank, half-way between refreshes: 27 cycles), and
 * one refresh per million cycles went by: 4295. */
static void test_long_gap(void **st) {
  (void)st;
  req r[] = {{A(5, 0, 0, 0), 0, 0}, {A(9, 0, 0, 0), 0, 4295500000ull}};
  ax_dram_result res;
  run_result(r, 2, &res);
  assert_int_equal(res.st.num_reads_done, 2);
  assert_int_equal(res.st.read_latency_sum, 27 + 27);
  assert_int_equal(res.num_cycles, 4295500029ull);
  assert_int_equal(res.st.num_ref_cmds, 4295);
}

static void test_close_page(void **st) {
  (void)st;
  ax_dram_cfg c;
  tiny(&c, "CLOSE_PAGE");
  /* RDA closes the row: the second read of the same row activates again */
  req r[] = {{A(5, 0, 0, 0), 0, 1}, {A(5, 0, 0, 1), 0, 200}};
  run(&c, r, 2);
  assert_int_equal(lat[0], 1 + 12 + 10 + 4);
  assert_int_equal(lat[1], 1 + 12 + 10 + 4);
}

static void test_bank_spacing(void **st) {
  (void)st;
  ax_dram_cfg c;
  tiny(&c, "OPEN_PAGE");
  /* first read: ACT 2, RD 14, data done 28. Second, other bank group,
   * enters at 2: ACT waits tRRD_S (2 + 4 = 6), RD 18 (= 14 + tCCD_S too),
   * done 32, latency 30. */
  req a[] = {{A(5, 0, 0, 0), 0, 1}, {A(7, 1, 0, 0), 0, 2}};
  run(&c, a, 2);
  assert_int_equal(lat[0], 27);
  assert_int_equal(lat[1], 30);
  /* same bank group, other bank: ACT waits tRRD_L (2 + 6 = 8), RD 20
   * (= 14 + tCCD_L), done 34, latency 32 */
  req b[] = {{A(5, 0, 0, 0), 0, 1}, {A(7, 0, 1, 0), 0, 2}};
  run(&c, b, 2);
  assert_int_equal(lat[1], 32);
}

static void test_writes(void **st) {
  (void)st;
  ax_dram_cfg c;
  tiny(&c, "OPEN_PAGE");
  /* a write is acknowledged the next cycle (posted to the write buffer); a
   * read of a buffered address is answered from it, also the next cycle */
  req r[] = {{A(3, 1, 1, 2), 1, 10}, {A(3, 1, 1, 2), 0, 20}};
  run(&c, r, 2);
  assert_int_equal(lat[0], 1);
  assert_int_equal(lat[1], 1);
}

/* Every preset: a mixed random stream through the model, and the log
 * through the independent checker. */
static uint64_t rng = 12345;
static uint64_t next_rand(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }
typedef struct gen { int i, n; } gen;
static int gen_next(void *ctx, uint64_t *addr, int *wr, uint64_t *cycle, char *err, size_t errlen) {
  gen *g = ctx;
  (void)err; (void)errlen;
  if (g->i >= g->n) return 0;
  uint64_t r = next_rand();
  *addr = (r >> 8) & 0xFFFFFFC0ull & ((1ull << 32) - 1);
  if (g->i % 7 < 3) *addr = (uint64_t)g->i * 64; /* some sequential runs for row hits */
  *wr = (r & 3) == 0;
  *cycle = (uint64_t)g->i * 2;
  g->i++;
  return 1;
}

/* One run of every_preset. */
typedef struct preset_run {
  const char *name;
  int qs, pol; /* per-rank queues, close page */
  ax_dram_result r;
} preset_run;

/* n requests of stream src (reset(ctx, run) before each run) on every
 * preset, per-bank queues (the presets') and per-rank queues, open and
 * close page: every request must finish and the command log must pass
 * the checker; each(run) adds its own checks. */
static void every_preset(ax_dram_src_fn src, void (*reset)(void *, int), void *ctx, uint64_t n,
                         void (*each)(const preset_run *)) {
  int run = 0;
  for (int i = 0; ax_dram_preset_names[i]; i++) {
    ax_dram_cfg c;
    char err[256], msg[256];
    assert_int_equal(ax_dram_preset(&c, ax_dram_preset_names[i], err, sizeof err), AX_OK);
    if (ax_dram_cfg_finish(&c, err, sizeof err) != AX_OK) fail_msg("%s: %s", ax_dram_preset_names[i], err);
    for (int qs = 0; qs < 2; qs++)
      for (int pol = 0; pol < 2; pol++) {
        preset_run pr;
        memset(&pr, 0, sizeof pr);
        pr.name = ax_dram_preset_names[i], pr.qs = qs, pr.pol = pol;
        c.page_policy = pol;
        c.queue_structure = qs ? AX_DRAM_QUEUE_PER_RANK : AX_DRAM_QUEUE_PER_BANK;
        ax_dram_sys s;
        assert_int_equal(ax_dram_sys_init(&s, &c), AX_OK);
        FILE *log = fopen("dram_preset.log", "w");
        for (int k = 0; k < c.channels; k++) ax_dram_ctrl_set_log(s.ch[k], log);
        reset(ctx, run++);
        int rc = ax_dram_run(&s, src, ctx, &pr.r, err, sizeof err);
        fclose(log);
        if (rc != AX_OK)
          fail_msg("%s %s %s: %s", pr.name, qs ? "per-rank" : "per-bank", pol ? "close" : "open", err);
        assert_int_equal(pr.r.st.num_reads_done + pr.r.st.num_writes_done, n);
        long v = ax_dram_check_log(&c, "dram_preset.log", msg, sizeof msg);
        if (v) fail_msg("%s: %s", pr.name, msg);
        if (each) each(&pr);
        ax_dram_sys_free(&s);
      }
  }
  unlink("dram_preset.log");
}

static void gen_reset(void *ctx, int run) {
  (void)run;
  *(gen *)ctx = (gen){0, 6000};
}

static void print_run(const preset_run *p) {
  printf("  %-12s %s %s: %llu cycles, read latency %.1f, %llu ACT, %llu WR cmds, checker clean\n", p->name,
         p->pol ? "close" : "open ", p->qs ? "per-rank" : "per-bank", (unsigned long long)p->r.num_cycles,
         p->r.average_read_latency, (unsigned long long)p->r.st.num_act_cmds,
         (unsigned long long)p->r.st.num_write_cmds);
  assert_true(p->r.st.num_write_cmds > 0);
}

static void test_presets_pass_checker(void **st) {
  (void)st;
  gen g;
  every_preset(gen_next, gen_reset, &g, 6000, print_run);
}

/* The next number of a xorshift64* generator with state *s. */
static uint64_t xorshift64s(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1Dull;
}

/* Reads and writes of the same few lines, one request a cycle: writes
 * pile up behind reads of their own address (xorshift64, seeded). */
typedef struct mixgen { uint64_t i, n, s; } mixgen;
static int mix_next(void *ctx, uint64_t *addr, int *wr, uint64_t *cycle, char *err, size_t errlen) {
  mixgen *g = ctx;
  (void)err, (void)errlen;
  if (g->i >= g->n) return 0;
  uint64_t r = xorshift64s(&g->s);
  *addr = ((r >> 20) % 96) * 4096 + ((r >> 40) % 4) * 64; /* 384 lines over many banks */
  *wr = (r >> 62) != 0; /* 3 in 4 are writes: the write buffer fills */
  *cycle = g->i++;
  return 1;
}

static void mix_reset(void *ctx, int run) {
  *(mixgen *)ctx = (mixgen){0, 2000, 0x9e3779b97f4a7c15ull + (uint64_t)run};
}

/* A full write buffer whose oldest write has a read of its line queued
 * must not stall the controller (DRAMsim3 spins there forever): on every
 * preset, queue structure and page policy every request finishes and the
 * command log passes the checker. */
static void test_read_behind_full_write_buffer(void **st) {
  (void)st;
  mixgen g;
  every_preset(mix_next, mix_reset, &g, 2000, NULL);
}

/* More than 64 command queues (the controller's bitmasks span words):
 * DDR5-4800 with 4 ranks has 128 per-bank queues. The same logical
 * stream on 2 ranks (32 queues, one word) and on ranks 1-2 of 4 (queues
 * 32-95, across the word boundary), refresh off, must issue the same
 * commands at the same cycles: nothing else differs for a rank that
 * never sees a request, and the round-robin order of the busy queues is
 * the same. Independent source: the one-word controller. */
typedef struct wide { uint64_t i, n, s, cyc; const ax_dram_cfg *cfg; int rank0; } wide;
static int wide_next(void *ctx, uint64_t *addr, int *wr, uint64_t *cycle, char *err, size_t errlen) {
  wide *g = ctx;
  (void)err, (void)errlen;
  if (g->i >= g->n) return 0;
  uint64_t r = xorshift64s(&g->s);
  const ax_dram_cfg *c = g->cfg;
  uint64_t f[AX_DRAM_F_N] = {0};
  f[AX_DRAM_F_RA] = (uint64_t)g->rank0 + (r & 1);
  f[AX_DRAM_F_BG] = (r >> 1) % (uint64_t)c->bankgroups;
  f[AX_DRAM_F_BA] = (r >> 8) % (uint64_t)c->banks_per_group;
  f[AX_DRAM_F_RO] = (r >> 16) % 4; /* few rows: hits and misses */
  f[AX_DRAM_F_CO] = (r >> 24) % 16;
  uint64_t a = 0;
  for (int k = 0; k < AX_DRAM_F_N; k++) a |= f[k] << c->pos[k];
  *addr = a << c->shift_bits;
  *wr = (r >> 61) < 2;
  if (((r >> 40) & 15) == 0) g->cyc += (r >> 44) & 63; /* a gap */
  *cycle = g->cyc++;
  g->i++;
  return 1;
}

/* Run the stream on DDR5-4800 with `ranks` ranks, logical rank 0 at
 * rank0; the command log goes to path. */
static void wide_run(int ranks, int rank0, const char *policy, const char *path, ax_dram_result *r) {
  ax_dram_cfg c;
  char err[256];
  assert_int_equal(ax_dram_preset(&c, "DDR5-4800", err, sizeof err), AX_OK);
  char rk[8];
  snprintf(rk, sizeof rk, "%d", ranks);
  assert_int_equal(ax_dram_cfg_set(&c, "ranks", rk, err, sizeof err), AX_OK);
  assert_int_equal(ax_dram_cfg_set(&c, "channels", "1", err, sizeof err), AX_OK);
  assert_int_equal(ax_dram_cfg_set(&c, "refresh_policy", "NONE", err, sizeof err), AX_OK);
  assert_int_equal(ax_dram_cfg_set(&c, "row_buf_policy", policy, err, sizeof err), AX_OK);
  if (ax_dram_cfg_finish(&c, err, sizeof err) != AX_OK) fail_msg("%s", err);
  assert_int_equal(c.ranks * c.banks, ranks * 32);
  ax_dram_sys s;
  assert_int_equal(ax_dram_sys_init(&s, &c), AX_OK);
  FILE *log = fopen(path, "w");
  ax_dram_ctrl_set_log(s.ch[0], log);
  wide g = {0, 4000, 0x243F6A8885A308D3ull, 0, &c, rank0};
  assert_int_equal(ax_dram_run(&s, wide_next, &g, r, err, sizeof err), AX_OK);
  fclose(log);
  char msg[256];
  if (ax_dram_check_log(&c, path, msg, sizeof msg)) fail_msg("%d ranks: %s", ranks, msg);
  ax_dram_sys_free(&s);
}

static void test_more_than_64_queues(void **st) {
  (void)st;
  static const char *pol[] = {"OPEN_PAGE", "CLOSE_PAGE"};
  for (int p = 0; p < 2; p++) {
    ax_dram_result a, b;
    wide_run(2, 0, pol[p], "dram_wide2.log", &a);
    wide_run(4, 1, pol[p], "dram_wide4.log", &b);
    assert_int_equal(a.st.num_reads_done + a.st.num_writes_done, 4000);
    assert_int_equal(a.num_cycles, b.num_cycles);
    assert_int_equal(a.st.num_act_cmds, b.st.num_act_cmds);
    assert_int_equal(a.st.read_latency_sum, b.st.read_latency_sum);
    FILE *fa = fopen("dram_wide2.log", "r"), *fb = fopen("dram_wide4.log", "r");
    char la[256], lb[256];
    long n = 0, across = 0;
    while (fgets(la, sizeof la, fa)) {
      assert_non_null(fgets(lb, sizeof lb, fb));
      unsigned long long ca, cb;
      char ka[32], kb[32], ra_[16], rb_[16], ca_[16], cb_[16];
      int cha, chb, rka, rkb, ga, gb, ba, bb;
      assert_int_equal(sscanf(la, "%llu %31s %d %d %d %d %15s %15s", &ca, ka, &cha, &rka, &ga, &ba, ra_, ca_), 8);
      assert_int_equal(sscanf(lb, "%llu %31s %d %d %d %d %15s %15s", &cb, kb, &chb, &rkb, &gb, &bb, rb_, cb_), 8);
      if (ca != cb || strcmp(ka, kb) || rka + 1 != rkb || ga != gb || ba != bb || strcmp(ra_, rb_) || strcmp(ca_, cb_))
        fail_msg("%s line %ld differs:\n  2 ranks: %s  4 ranks: %s", pol[p], n + 1, la, lb);
      across += rkb == 2;
      n++;
    }
    assert_null(fgets(lb, sizeof lb, fb));
    fclose(fa);
    fclose(fb);
    printf("  %s: %ld commands the same on 32 and 128 queues (%ld in queues 64-95), %llu cycles\n", pol[p], n,
           across, (unsigned long long)a.num_cycles);
    assert_true(n > 4000 && across > n / 4); /* every request has a column command; about half the ranks are 2 */
  }
  unlink("dram_wide2.log");
  unlink("dram_wide4.log");
}

static void expect_ini_error(const char *text, const char *want) {
  FILE *f = fopen("dram_bad.ini", "w");
  fputs(text, f);
  fclose(f);
  ax_dram_cfg c;
  char err[512];
  assert_int_equal(ax_dram_ini_load(&c, "dram_bad.ini", err, sizeof err), AX_EINVAL);
  printf("  %s\n", err);
  if (!strstr(err, want)) fail_msg("expected '%s' in: %s", want, err);
  unlink("dram_bad.ini");
}

static void test_bad_input(void **st) {
  (void)st;
  const char *base = "[dram_structure]\nprotocol = DDR4\n[timing]\n";
  char t[512];
  snprintf(t, sizeof t, "%stCK = 1\ntRCD = abc\n", base);
  expect_ini_error(t, "dram_bad.ini:5: [timing] tRCD = 'abc': expected a whole number");
  snprintf(t, sizeof t, "%stFOO = 3\n", base);
  expect_ini_error(t, "dram_bad.ini:4: [timing] unknown setting 'tFOO'");
  expect_ini_error("[dram_structure]\nprotocol = DDR9\n", "dram_bad.ini:2: [dram_structure] protocol = 'DDR9': expected");
  expect_ini_error("[system]\naddress_mapping = rochrababgxx\n[dram_structure]\nprotocol = DDR4\n", "field 'xx' is unknown");
  expect_ini_error("[dram_structure]\nprotocol = DDR4\nrows = 1000\n", "rows = 1000: expected a power of two");
  expect_ini_error("[timing]\nCL = 3\n", "protocol: not set");
  ax_dram_cfg c;
  char err[256];
  assert_int_equal(ax_dram_ini_load(&c, "/nonexistent/x.ini", err, sizeof err), AX_EINVAL);
  assert_non_null(strstr(err, "/nonexistent/x.ini: cannot open"));
  assert_int_equal(ax_dram_preset(&c, "DDR7", err, sizeof err), AX_EINVAL);
  assert_non_null(strstr(err, "DDR4-3200"));
  /* a bad trace line names file and line */
  FILE *f = fopen("dram_bad.trace", "w");
  fputs("0x40 READ 0\n0x80 FETCH 1\n", f);
  fclose(f);
  ax_dram_trace *tr = ax_dram_trace_open("dram_bad.trace", err, sizeof err);
  assert_non_null(tr);
  uint64_t a, cy;
  int w;
  assert_int_equal(ax_dram_trace_next(tr, &a, &w, &cy, err, sizeof err), 1);
  assert_int_equal(ax_dram_trace_next(tr, &a, &w, &cy, err, sizeof err), -1);
  printf("  %s\n", err);
  assert_non_null(strstr(err, "dram_bad.trace:2: expected '0xADDR READ|WRITE CYCLE'"));
  ax_dram_trace_close(tr);
  /* numbers: a sign, 65 bits, no digits, a cycle that is not a number */
  static const char *bad[] = {"-0x40 READ 0", "0x10000000000000000 READ 0", "0x READ 0", "0x40 READ", "0x40 READ 1x",
                              "0x40 READ 18446744073709551616", "0x40READ 0"};
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    f = fopen("dram_bad.trace", "w");
    fprintf(f, "# a comment\n\n%s\n", bad[k]);
    fclose(f);
    tr = ax_dram_trace_open("dram_bad.trace", err, sizeof err);
    assert_non_null(tr);
    if (ax_dram_trace_next(tr, &a, &w, &cy, err, sizeof err) != -1) fail_msg("'%s' was taken", bad[k]);
    assert_non_null(strstr(err, "dram_bad.trace:3: expected"));
    ax_dram_trace_close(tr);
  }
  /* the largest numbers, upper-case hex, no 0x, tabs, CR LF */
  f = fopen("dram_bad.trace", "w");
  fputs("0xFFFFFFFFFFFFFFFF write 18446744073709551615\r\nabc\tR\t7\n", f);
  fclose(f);
  tr = ax_dram_trace_open("dram_bad.trace", err, sizeof err);
  assert_int_equal(ax_dram_trace_next(tr, &a, &w, &cy, err, sizeof err), 1);
  assert_true(a == UINT64_MAX && w == 1 && cy == UINT64_MAX);
  assert_int_equal(ax_dram_trace_next(tr, &a, &w, &cy, err, sizeof err), 1);
  assert_true(a == 0xabc && w == 0 && cy == 7);
  assert_int_equal(ax_dram_trace_next(tr, &a, &w, &cy, err, sizeof err), 0);
  ax_dram_trace_close(tr);
  /* a bad line far in (the reader works ahead in batches): every request
   * before it first, in order, then the error with its line */
  f = fopen("dram_bad.trace", "w");
  for (int i = 0; i < 20000; i++) fprintf(f, "0x%x READ %d\n", i * 64, i);
  fputs("0x40 FETCH 20000\n", f);
  fclose(f);
  tr = ax_dram_trace_open("dram_bad.trace", err, sizeof err);
  int k = 0, rc;
  while ((rc = ax_dram_trace_next(tr, &a, &w, &cy, err, sizeof err)) == 1) {
    if (a != (uint64_t)k * 64 || cy != (uint64_t)k) fail_msg("request %d: 0x%llx at %llu", k, (unsigned long long)a, (unsigned long long)cy);
    k++;
  }
  assert_int_equal(rc, -1);
  assert_int_equal(k, 20000);
  assert_non_null(strstr(err, "dram_bad.trace:20001: expected"));
  ax_dram_trace_close(tr);
  /* closed before the end: the reader stops */
  tr = ax_dram_trace_open("dram_bad.trace", err, sizeof err);
  assert_int_equal(ax_dram_trace_next(tr, &a, &w, &cy, err, sizeof err), 1);
  ax_dram_trace_close(tr);
  unlink("dram_bad.trace");
}

/* A PIM standard is its base plus the all-bank rows: same facts, the base's
 * rules first and unchanged (so a plain controller compiles the same
 * latencies from either), and the PIM rows give the GDDR6 preset's
 * numbers (models/dram/dram_presets.c: tRCDRD 24, tRAS 54, tRP 24, tRC =
 * 54 + 24, tRRD_L 9, tCCD_S 3, tCCD_L 4, tRTP 3, CL 24, CWL 16, tWTR_S 7,
 * tRTRS 1, BL16 = 1 cycle) for the all-bank commands, by hand: */
static void test_pim_standard(void **st) {
  (void)st;
  const ax_dram_std *plain[] = {&ax_dram_std_ddr4, &ax_dram_std_ddr5, &ax_dram_std_lpddr4, &ax_dram_std_lpddr5,
                                &ax_dram_std_hbm2, &ax_dram_std_hbm3, &ax_dram_std_gddr6};
  for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
    const ax_dram_std *b = plain[i], *p = ax_dram_std_pim(b);
    assert_non_null(p);
    assert_ptr_equal(p->base, b);
    assert_ptr_equal(ax_dram_std_pim(p), p);
    assert_ptr_equal(ax_dram_std_find(p->name), p);
    assert_int_equal(p->burst_div, b->burst_div);
    assert_int_equal(p->split_rcd, b->split_rcd);
    assert_int_equal(p->dual_cmd, b->dual_cmd);
    assert_int_equal(p->ini_col_scale, b->ini_col_scale);
    int nb = ax_dram_std_nrules(b);
    assert_true(ax_dram_std_nrules(p) > nb);
    for (int r = 0; r < nb; r++) assert_ptr_equal(ax_dram_std_rule(p, r), ax_dram_std_rule(b, r));
    assert_null(ax_dram_std_rule(p, ax_dram_std_nrules(p)));
  }
  char err[256];
  ax_dram_cfg c;
  assert_int_equal(ax_dram_preset(&c, "GDDR6", err, sizeof err), AX_OK);
  assert_int_equal(ax_dram_cfg_finish(&c, err, sizeof err), AX_OK);
  ax_dram_timing plain_t, t;
  assert_int_equal(ax_dram_timing_build(&plain_t, &c), AX_OK);
  c.std = &ax_dram_std_gddr6_aim;
  assert_int_equal(ax_dram_timing_build(&t, &c), AX_OK);
  for (int p = 0; p < AX_DRAM_CMD_STD_N; p++)
    for (int sc = 0; sc < AX_DRAM_SC_N; sc++)
      for (int q = 0; q < AX_DRAM_CMD_STD_N; q++)
        for (int w = 0; w <= 32; w++)
          assert_int_equal(ax_dram_timing_gap(&t, p, sc, q, w), ax_dram_timing_gap(&plain_t, p, sc, q, w));
#define GAP(p, sc, q) ax_dram_timing_gap(&t, AX_DRAM_##p, AX_DRAM_SC_##sc, AX_DRAM_##q, 0)
  assert_int_equal(GAP(ACT_AB, BANK, MAC_AB), 24);   /* tRCDRD */
  assert_int_equal(GAP(ACT, BANK, MAC_AB), 24);      /* staggered ACTs too */
  assert_int_equal(GAP(MAC_AB, RANK, MAC_AB), 4);    /* tCCD_L: every bank group */
  assert_int_equal(GAP(MAC_AB, BANK, PRE_AB), 3);    /* AL 0 + tRTP */
  assert_int_equal(GAP(ACT_AB, BANK, PRE_AB), 54);   /* tRAS */
  assert_int_equal(GAP(PRE_AB, BANK, ACT_AB), 24);   /* tRP */
  assert_int_equal(GAP(ACT_AB, BANK, ACT_AB), 78);   /* tRC */
  assert_int_equal(GAP(ACT_AB, RANK, ACT_AB), 9);    /* tRRD_L, not tFAW: */
  assert_int_equal(ax_dram_timing_gap(&t, AX_DRAM_ACT, AX_DRAM_SC_RANK, AX_DRAM_ACT_AB, 4), 0);
  assert_int_equal(ax_dram_timing_gap(&t, AX_DRAM_ACT_AB, AX_DRAM_SC_RANK, AX_DRAM_ACT, 4), 0);
  assert_int_equal(GAP(PRE_AB, RANK, PRE_AB), 2);    /* tPPD */
  assert_int_equal(GAP(REFAB, RANK, ACT_AB), 126);   /* tRFC */
  assert_int_equal(GAP(PRE_AB, BANK, REFAB), 24);    /* tRP */
  assert_int_equal(GAP(WRGB, RANK, WRGB), 3);        /* max(tCCD_S 3, burst 1) */
  assert_int_equal(GAP(RDMAC, RANK, RDMAC), 3);
  assert_int_equal(GAP(WRGB, RANK, MAC_AB), 17);     /* WL 16 + burst 1 */
  assert_int_equal(GAP(RDMAC, CHANNEL, WRGB), 10);   /* RL 24 + 1 - WL 16 + tRTRS 1 */
  assert_int_equal(GAP(WRGB, RANK, RDMAC), 24);      /* WL 16 + 1 + tWTR_S 7 */
  assert_int_equal(GAP(MAC_AB, RANK, RDMAC), 0);     /* tMACRD: 0 until the pim model sets it */
#undef GAP
  ax_dram_timing_free(&plain_t);
  ax_dram_timing_free(&t);
}

/* dram_ready's pass against a hand calculation: 70 queues (two mask
 * words, a part block), 3 ranks, 2 planned slots (ps 0 and 2); rank
 * times R[k][r] = 100 * (k + 1) + 10 * r. Queue q is of rank q % 3 and
 * has L[0][q] = 5 q, L[1][q] = NEVER for even q, 50 for odd q. So
 *   T[q] = min(max(5q, 100 + 10 r), max(L1, 300 + 10 r)):
 *   q = 0 (r 0): max(0, 100) = 100        q = 1 (r 1): min(110, 310) = 110
 *   q = 30 (r 0): max(150, 100) = 150     q = 61 (r 1): min(305, 310) = 305
 *   q = 69 (r 0) is held (not valid): left out.
 * Queue 2 and the block 40 .. 47 have nothing planned (not live).
 * At clk 120 the ready queues are 0, 1 and those of rank 0 up to q = 24
 * (max(5q, 100) <= 120); all are checked against the formula. Before 100
 * none is: the first cycle is 100, with rank 0's queues 0 .. 18.
 * Both the plain and the vector pass, with many queues and with few. */
static void test_ready_pass(void **st) {
  (void)st;
  enum { NQ = 70, NR = 3, RS = 8 };
  uint32_t R[4 * RS] = {0}; /* from the base, 0 here */
  int qrank[NQ];
  for (int r = 0; r < NR; r++)
    for (int k = 0; k < 4; k++) R[k * RS + r] = 100 * (uint32_t)(k + 1) + 10 * (uint32_t)r;
  for (int q = 0; q < NQ; q++) qrank[q] = q % 3;
  const uint8_t ps[2] = {0, 2};
  for (int simd = 0; simd < 2; simd++) {
    ax_dram_ready r;
    assert_int_equal(ax_dram_ready_init(&r, NQ, qrank, 2, ps, NR, R, RS, simd), 0);
    for (int q = 0; q < NQ; q++) {
      ax_dram_ready_set_l(&r, 0, q, 5 * (uint64_t)q);
      ax_dram_ready_set_l(&r, 1, q, q % 2 ? 50 : AX_DRAM_NEVER);
    }
    r.valid[1] &= ~(1ull << (69 - 64));
    r.live[0] = ~(1ull << 2) & ~(0xffull << 40);
    r.live[1] = 0x3f;
    ax_dram_ready_recount(&r);
    assert_false(ax_dram_ready_few(&r));
    uint64_t m[2];
    assert_int_equal(r.ops->all(&r, 120, m, ~0ull), 120); /* some are ready at 120 already */
    assert_int_equal(ax_dram_ready_t(&r, 0), 100);
    assert_int_equal(ax_dram_ready_t(&r, 1), 110);
    assert_int_equal(ax_dram_ready_t(&r, 30), 150);
    assert_int_equal(ax_dram_ready_t(&r, 61), 305);
    uint64_t want[2] = {0, 0};
    for (int q = 0; q < NQ - 1; q++) { /* the formula above, by plain arithmetic */
      if (q == 2 || (q >= 40 && q < 48)) continue;
      uint64_t a = 5 * (uint64_t)q, ra = 100 + 10 * (uint64_t)(q % 3), t = a > ra ? a : ra;
      if (q % 2) { uint64_t b = 300 + 10 * (uint64_t)(q % 3); t = t < b ? t : b; }
      assert_int_equal(ax_dram_ready_t(&r, q), t);
      if (t <= 120) want[q / 64] |= 1ull << (q % 64);
    }
    assert_int_equal(m[0], want[0]);
    assert_int_equal(m[1], want[1]);
    assert_int_equal(m[0] & 0x7, 0x3); /* queues 0, 1 by hand; 2 has nothing */
    assert_int_equal(r.ops->at(&r, 99, m), 100); /* nothing ready before 100: then rank 0's 0 .. 18 */
    assert_int_equal(m[0], 1ull << 0 | 1ull << 3 | 1ull << 6 | 1ull << 9 | 1ull << 12 | 1ull << 15 | 1ull << 18);
    assert_int_equal(m[1], 0);
    ax_dram_ready_set_valid(&r, 0, r.valid[0] & ~1ull); /* queue 0 held: at 100 the rank-0 queues 3 .. 18 (5q <= 100) */
    assert_int_equal(r.ops->at(&r, 100, m), 100);
    assert_int_equal(m[0], 1ull << 3 | 1ull << 6 | 1ull << 9 | 1ull << 12 | 1ull << 15 | 1ull << 18);
    r.live[0] = 1ull << 1 | 1ull << 30 | 1ull << 61; /* three queues: one by one (the plain pass) */
    r.live[1] = 0;
    ax_dram_ready_recount(&r);
    assert_true(ax_dram_ready_few(&r));
    ax_dram_ready_set_live(&r, 5, 1); /* four, then five: the count follows */
    assert_true(ax_dram_ready_few(&r));
    ax_dram_ready_set_live(&r, 6, 1);
    assert_false(ax_dram_ready_few(&r));
    ax_dram_ready_set_valid(&r, 0, r.valid[0] & ~(1ull << 6)); /* held: not counted */
    assert_true(ax_dram_ready_few(&r));
    ax_dram_ready_set_live(&r, 6, 0); /* held and dead: the count stays */
    ax_dram_ready_set_live(&r, 5, 0);
    assert_int_equal(r.nwl, 3);
    r.T[30] = 0; /* queue 30 is of rank 0: kept while only rank 1 moved */
    assert_int_equal(ax_dram_ready_all(&r, 150, m, 1ull << 1), 150);
    assert_int_equal(ax_dram_ready_t(&r, 30), 0);
    assert_int_equal(ax_dram_ready_all(&r, 150, m, 1ull << 0), 150);
    assert_int_equal(ax_dram_ready_t(&r, 30), 150); /* computed again */
    assert_int_equal(m[0], 1ull << 1 | 1ull << 30);
    assert_int_equal(m[1], 0);
    assert_int_equal(ax_dram_ready_at(&r, 50, m), 110); /* the first ready: queue 1 at 110 */
    assert_int_equal(m[0], 1ull << 1);
    ax_dram_ready_free(&r);
  }
}

/* Times past 32 bits and a moved base: every time of the common-shape
 * check below shifted by OFF = 3 * 2^32 + 12345 (the base moved to OFF
 * first), then the base moved again to OFF + 150, past some of them: the
 * answers from OFF + 150 on are the formula's, shifted; a T before the
 * base reads as the base (it is past). */
static void test_ready_rebase(void **st) {
  (void)st;
  enum { NQ = 40, RS = 8 };
  const uint64_t OFF = 3ull * (1ull << 32) + 12345;
  uint64_t R[8 * RS] = {0}, s = 7;
  uint32_t R32[8 * RS]; /* the caller's rank times, from the base: R - OFF, then shifted with it */
  int qrank[NQ];
  for (int q = 0; q < NQ; q++) qrank[q] = q < 32 ? q / 16 : q % 2;
  for (int i = 0; i < 8 * RS; i++) R[i] = OFF + xorshift64s(&s) % 200;
  const uint8_t ps[4] = {0, 1, 2, 3};
  for (int simd = 0; simd < 2; simd++) {
    ax_dram_ready r;
    assert_int_equal(ax_dram_ready_init(&r, NQ, qrank, 4, ps, 2, R32, RS, simd), 0);
    ax_dram_ready_rebase(&r, OFF);
    for (int i = 0; i < 8 * RS; i++) R32[i] = ax_dram_ready_rel(&r, R[i]);
    assert_int_equal(r.T[0], UINT32_MAX); /* NEVER stays NEVER */
    uint64_t s2 = 11, L[4][NQ];
    for (int j = 0; j < 4; j++)
      for (int q = 0; q < NQ; q++) {
        L[j][q] = xorshift64s(&s2) % 5 ? OFF + xorshift64s(&s2) % 300 : AX_DRAM_NEVER;
        ax_dram_ready_set_l(&r, j, q, L[j][q]);
      }
    r.live[0] = (1ull << NQ) - 1;
    ax_dram_ready_recount(&r);
    for (int moved = 0; moved < 2; moved++) {
      if (moved) {
        ax_dram_ready_shift(R32, 8 * RS, 150);
        ax_dram_ready_rebase(&r, OFF + 150);
        for (int i = 0; i < 8 * RS; i++) assert_int_equal(R32[i], ax_dram_ready_rel(&r, R[i])); /* a past one as 0 */
      }
      for (uint64_t clk = OFF + 150; clk < OFF + 320; clk += 40) {
        uint64_t m[1], want = 0, first = AX_DRAM_NEVER, t[NQ];
        for (int q = 0; q < NQ; q++) {
          t[q] = AX_DRAM_NEVER;
          for (int j = 0; j < 4; j++) {
            uint64_t a = L[j][q], b = R[j * RS + qrank[q]], x = a > b ? a : b;
            t[q] = x < t[q] ? x : t[q];
          }
          if (t[q] < first) first = t[q];
        }
        uint64_t at = first > clk ? first : clk;
        for (int q = 0; q < NQ; q++) want |= (uint64_t)(t[q] <= at) << q;
        assert_int_equal(r.ops->all(&r, clk, m, ~0ull), at);
        assert_int_equal(m[0], want);
        for (int q = 0; q < NQ; q++) /* a T before the base reads as the base */
          assert_int_equal(ax_dram_ready_t(&r, q), t[q] == AX_DRAM_NEVER ? t[q] : t[q] > r.base ? t[q] : r.base);
        m[0] = 0;
        assert_int_equal(r.ops->at(&r, clk, m), at);
        assert_int_equal(m[0], want);
      }
    }
    ax_dram_ready_free(&r);
  }
}

/* The pass's common shape (up to 64 queues, 4 planned slots) against the
 * formula: 40 queues in blocks of one rank (q / 16) and of mixed ranks
 * (q % 2 past 32), L and R from a seeded generator. */
static void test_ready_pass_common_shape(void **st) {
  (void)st;
  enum { NQ = 40, RS = 8 };
  uint64_t R[8 * RS] = {0}, s = 7;
  int qrank[NQ];
  for (int q = 0; q < NQ; q++) qrank[q] = q < 32 ? q / 16 : q % 2;
  for (int i = 0; i < 8 * RS; i++) R[i] = xorshift64s(&s) % 200;
  uint32_t R32[8 * RS]; /* from the base, 0 here */
  for (int i = 0; i < 8 * RS; i++) R32[i] = (uint32_t)R[i];
  const uint8_t ps[4] = {0, 1, 2, 3};
  for (int simd = 0; simd < 2; simd++) {
    ax_dram_ready r;
    assert_int_equal(ax_dram_ready_init(&r, NQ, qrank, 4, ps, 2, R32, RS, simd), 0);
    uint64_t s2 = 11;
    for (int j = 0; j < 4; j++)
      for (int q = 0; q < NQ; q++) ax_dram_ready_set_l(&r, j, q, xorshift64s(&s2) % 5 ? xorshift64s(&s2) % 300 : AX_DRAM_NEVER);
    r.live[0] = (1ull << NQ) - 1;
    ax_dram_ready_recount(&r);
    for (uint64_t clk = 0; clk < 320; clk += 40) {
      uint64_t m[1], want = 0, first = AX_DRAM_NEVER, t[NQ];
      for (int q = 0; q < NQ; q++) { /* min over slots of max(L, R of its rank) */
        t[q] = AX_DRAM_NEVER;
        for (int j = 0; j < 4; j++) {
          uint64_t a = ax_dram_ready_abs(&r, r.L[j * r.nqp + q]), b = R[j * RS + qrank[q]], x = a > b ? a : b;
          t[q] = x < t[q] ? x : t[q];
        }
        if (t[q] < first) first = t[q];
      }
      uint64_t at = first > clk ? first : clk;
      uint64_t next = 0; /* the queues whose T is one after the answer: they join a cycle later */
      for (int q = 0; q < NQ; q++) {
        want |= (uint64_t)(t[q] <= at) << q;
        next |= (uint64_t)(t[q] == at + 1) << q;
      }
      assert_int_equal(r.ops->all(&r, clk, m, ~0ull), at);
      assert_int_equal(m[0], want);
      if (r.next_ok) assert_int_equal(r.next, next);
      assert_int_equal(r.next_ok, simd && __builtin_cpu_supports("avx512f")); /* the vector pass finds them */
      for (int q = 0; q < NQ; q++) assert_int_equal(ax_dram_ready_t(&r, q), t[q]);
      m[0] = 0;
      assert_int_equal(r.ops->at(&r, clk, m), at); /* the compare alone, from those T: the same answer */
      assert_int_equal(m[0], want);
    }
    for (int i = 0; i < 4 * r.nqp; i++) r.L[i] = UINT32_MAX; /* live, but every time NEVER: never, no queue */
    uint64_t m[1] = {~0ull};
    assert_int_equal(r.ops->all(&r, 7, m, ~0ull), AX_DRAM_NEVER);
    assert_int_equal(m[0], 0);
    m[0] = ~0ull;
    assert_int_equal(r.ops->at(&r, 7, m), AX_DRAM_NEVER);
    assert_int_equal(m[0], 0);
    r.live[0] = 0; /* nothing planned: the same */
    ax_dram_ready_recount(&r);
    m[0] = ~0ull;
    assert_int_equal(r.ops->all(&r, 7, m, ~0ull), AX_DRAM_NEVER);
    assert_int_equal(m[0], 0);
    ax_dram_ready_free(&r);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pim_standard),
    cmocka_unit_test(test_ready_pass),
    cmocka_unit_test(test_ready_pass_common_shape),
    cmocka_unit_test(test_ready_rebase),
    cmocka_unit_test(test_single_reads),
    cmocka_unit_test(test_idle_gap),
    cmocka_unit_test(test_long_gap),
    cmocka_unit_test(test_close_page),
    cmocka_unit_test(test_bank_spacing),
    cmocka_unit_test(test_writes),
    cmocka_unit_test(test_presets_pass_checker),
    cmocka_unit_test(test_read_behind_full_write_buffer),
    cmocka_unit_test(test_more_than_64_queues),
    cmocka_unit_test(test_bad_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
