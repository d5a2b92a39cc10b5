/*
 * test_dram_ref.c - the DRAM model against DRAMsim3's own outputs.
 *
 * Independent source: tests/reference/dram/ (DRAMsim3 runs of the same
 * .ini and traces, and its issued command streams). Every run must be within
 * 2% on average read latency, activates, row hits and total cycles; every
 * command log our model writes must pass the independent timing checker.
 * The checker itself must accept DRAMsim3's streams and reject corrupted
 * copies, naming the rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "dram.h"
#include "dram_checker.h"

#define REF AX_REF_DIR "/dram"

static void load_ini(ax_dram_cfg *cfg, const char *name) {
  char path[512], err[512];
  snprintf(path, sizeof path, REF "/configs/%s", name);
  int rc = ax_dram_ini_load(cfg, path, err, sizeof err);
  if (rc != AX_OK) fail_msg("%s", err);
}

/* Sum of a numeric key over every channel object of a dramsim3.json. */
static double json_sum(const char *text, const char *key, const char *weight_key) {
  char pat[80], wpat[80];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  snprintf(wpat, sizeof wpat, "\"%s\":", weight_key ? weight_key : key);
  double sum = 0;
  const char *p = text, *w = text;
  while ((p = strstr(p, pat))) {
    double v = strtod(p + strlen(pat), NULL);
    if (weight_key) {
      w = strstr(w, wpat);
      assert_non_null(w);
      v *= strtod(w + strlen(wpat), NULL);
      w += strlen(wpat);
    }
    sum += v;
    p += strlen(pat);
  }
  return sum;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("%s: cannot open", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
  b[n] = 0;
  fclose(f);
  return b;
}

static void within(const char *run, const char *what, double ours, double ref, double tol) {
  double d = ref ? (ours - ref) / ref : ours;
  printf("  %-34s %-22s ours %12.3f  DRAMsim3 %12.3f  (%+.3f%%)\n", run, what, ours, ref, 100 * d);
  if (d > tol || d < -tol) fail_msg("%s: %s %.3f vs DRAMsim3 %.3f: off by %.2f%% (allowed %.0f%%)", run, what, ours, ref, 100 * d, 100 * tol);
}

/* Run trace `trace` (a file under REF) on cfg, writing the command log to
 * logpath if given. */
static void run_trace(const ax_dram_cfg *cfg, const char *trace, const char *logpath, ax_dram_result *r) {
  char path[512], err[512];
  snprintf(path, sizeof path, REF "/%s", trace);
  ax_dram_trace *t = ax_dram_trace_open(path, err, sizeof err);
  if (!t) fail_msg("%s", err);
  ax_dram_sys s;
  assert_int_equal(ax_dram_sys_init(&s, cfg), AX_OK);
  FILE *log = NULL;
  if (logpath) {
    log = fopen(logpath, "w");
    assert_non_null(log);
    for (int i = 0; i < cfg->channels; i++) ax_dram_ctrl_set_log(s.ch[i], log);
  }
  int rc = ax_dram_run(&s, ax_dram_trace_next, t, r, err, sizeof err);
  if (rc != AX_OK) fail_msg("%s", err);
  if (log) fclose(log);
  ax_dram_trace_close(t);
  ax_dram_sys_free(&s);
}

static void check_run(const char *run, const char *ini, const char *trace) {
  ax_dram_cfg cfg;
  load_ini(&cfg, ini);
  char path[512], logpath[256], msg[512];
  snprintf(path, sizeof path, REF "/runs/%s/dramsim3.json", run);
  char *js = slurp(path);
  snprintf(logpath, sizeof logpath, "dram_ref_%s.log", run);
  ax_dram_result r;
  run_trace(&cfg, trace, logpath, &r);
  double reads = json_sum(js, "num_reads_done", NULL);
  within(run, "average_read_latency", r.average_read_latency, json_sum(js, "average_read_latency", "num_reads_done") / reads, 0.02);
  within(run, "num_act_cmds", (double)r.st.num_act_cmds, json_sum(js, "num_act_cmds", NULL), 0.02);
  within(run, "num_read_row_hits", (double)r.st.num_read_row_hits, json_sum(js, "num_read_row_hits", NULL), 0.02);
  /* cycles: DRAMsim3's drain driver stops at the last completion; its stock
   * driver was given that same count with -c (meta.json), so both compare */
  double cycles = json_sum(js, "num_cycles", NULL) / cfg.channels;
  within(run, "num_cycles", (double)r.num_cycles, cycles, 0.02);
  /* DRAMsim3's energy unit is V*mA*cycle: times tCK it is pJ */
  within(run, "total_energy_pJ", r.en.total, json_sum(js, "total_energy", NULL) * cfg.tCK_ns, 0.02);
  long v = ax_dram_check_log(&cfg, logpath, msg, sizeof msg);
  if (v != 0) fail_msg("%s: our command log fails the checker: %s", run, msg);
  unlink(logpath);
  free(js);
}

static void test_ddr4_runs(void **st) {
  (void)st;
  const char *t[] = {"rand_read_100k", "seq_read_100k"}, *d[] = {"drain", "stock"};
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) {
      char run[128], tr[128];
      snprintf(run, sizeof run, "ds3_%s_DDR4_%s", d[j], t[i]);
      snprintf(tr, sizeof tr, "traces/%s.dramsim3.trace.gz", t[i]);
      check_run(run, "DDR4_8Gb_x8_3200.ini", tr);
    }
}

static void test_hbm2_runs(void **st) {
  (void)st;
  const char *t[] = {"rand_read_100k", "seq_read_100k"}, *d[] = {"drain", "stock"};
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) {
      char run[128], tr[128];
      snprintf(run, sizeof run, "ds3_%s_HBM2_%s", d[j], t[i]);
      snprintf(tr, sizeof tr, "traces/%s.dramsim3.trace.gz", t[i]);
      check_run(run, "HBM2_8Gb_x128.ini", tr);
    }
}

static void test_lpddr4_runs(void **st) {
  (void)st;
  check_run("ds3_stock_LPDDR4_rand_read_100k", "LPDDR4_8Gb_x16_2400.ini", "traces/rand_read_100k.dramsim3.trace.gz");
  check_run("ds3_stock_LPDDR4_seq_read_100k", "LPDDR4_8Gb_x16_2400.ini", "traces/seq_read_100k.dramsim3.trace.gz");
}

/* Our command stream for channel 0 against DRAMsim3's, command by command,
 * over the part both cover (DRAMsim3's runs on past the trace). */
static void same_stream(const char *ini, const char *input, const char *ds3) {
  ax_dram_cfg cfg;
  load_ini(&cfg, ini);
  char tr[256], path[512];
  snprintf(tr, sizeof tr, "cmdtrace/%s", input);
  ax_dram_result r;
  run_trace(&cfg, tr, "dram_ref_stream.log", &r);
  snprintf(path, sizeof path, REF "/cmdtrace/%s", ds3);
  gzFile a = gzopen(path, "rb");
  FILE *b = fopen("dram_ref_stream.log", "r");
  assert_non_null(a);
  assert_non_null(b);
  char la[256], lb[256];
  long n = 0;
  while (fgets(lb, sizeof lb, b)) {
    long long cb, ca;
    char kb[32], ka[32];
    int chb, rb, gb, bb, cha, ra, ga, ba;
    sscanf(lb, "%lld %31s %d %d %d %d", &cb, kb, &chb, &rb, &gb, &bb);
    if (chb != 0) continue;
    if (!gzgets(a, la, sizeof la)) break;
    sscanf(la, "%lld %31s %d %d %d %d", &ca, ka, &cha, &ra, &ga, &ba);
    if (strcmp(kb, "refresh") == 0) gb = bb = -1;
    if (ca != cb || strcmp(ka, kb) || ra != rb || ga != gb || ba != bb)
      fail_msg("%s: command %ld differs: DRAMsim3 '%.60s' vs ours '%.60s'", ds3, n + 1, la, lb);
    n++;
  }
  printf("  %s: %ld commands identical\n", ds3, n);
  assert_true(n > 100);
  gzclose(a);
  fclose(b);
  unlink("dram_ref_stream.log");
}

static void test_same_command_stream(void **st) {
  (void)st;
  same_stream("DDR4_8Gb_x8_3200.ini", "input_seq1k.dramsim3.trace.gz", "ds3_DDR4_8Gb_x8_3200_seq1k_ch0cmd.trace.gz");
  same_stream("DDR4_8Gb_x8_3200.ini", "input_rand20k.dramsim3.trace.gz", "ds3_DDR4_8Gb_x8_3200_rand20k_ch0cmd.trace.gz");
  same_stream("HBM2_8Gb_x128.ini", "input_seq1k.dramsim3.trace.gz", "ds3_HBM2_8Gb_x128_seq1k_ch0cmd.trace.gz");
  same_stream("HBM2_8Gb_x128.ini", "input_rand20k.dramsim3.trace.gz", "ds3_HBM2_8Gb_x128_rand20k_ch0cmd.trace.gz");
}

static void test_checker_accepts_dramsim3(void **st) {
  (void)st;
  const char *f[][2] = {{"DDR4_8Gb_x8_3200.ini", "ds3_DDR4_8Gb_x8_3200_seq1k_ch0cmd.trace.gz"},
                        {"DDR4_8Gb_x8_3200.ini", "ds3_DDR4_8Gb_x8_3200_rand20k_ch0cmd.trace.gz"},
                        {"HBM2_8Gb_x128.ini", "ds3_HBM2_8Gb_x128_seq1k_ch0cmd.trace.gz"},
                        {"HBM2_8Gb_x128.ini", "ds3_HBM2_8Gb_x128_rand20k_ch0cmd.trace.gz"}};
  for (int i = 0; i < 4; i++) {
    ax_dram_cfg cfg;
    char path[512], msg[512];
    load_ini(&cfg, f[i][0]);
    snprintf(path, sizeof path, REF "/cmdtrace/%s", f[i][1]);
    long v = ax_dram_check_log(&cfg, path, msg, sizeof msg);
    if (v != 0) fail_msg("%s: %s", f[i][1], msg);
  }
}

/* Copy a DRAMsim3 DDR4 stream with one edit: line `line` (1-based)
 * gets its cycle moved by `delta`, or is dropped when drop. */
static void corrupt(const char *src, const char *out, long line, long long delta, int drop) {
  char path[512];
  snprintf(path, sizeof path, REF "/cmdtrace/%s", src);
  gzFile a = gzopen(path, "rb");
  FILE *b = fopen(out, "w");
  assert_non_null(a);
  assert_non_null(b);
  char l[256];
  long n = 0;
  while (gzgets(a, l, sizeof l)) {
    n++;
    if (n == line && drop) continue;
    if (n == line) {
      long long c;
      int off;
      sscanf(l, "%lld%n", &c, &off);
      fprintf(b, "%lld%s", c + delta, l + off);
    } else {
      fputs(l, b);
    }
  }
  gzclose(a);
  fclose(b);
}

/* Line number of the k-th command named cmd in the DDR4 random stream. */
static long find_line(const char *cmd, int k) {
  gzFile a = gzopen(REF "/cmdtrace/ds3_DDR4_8Gb_x8_3200_rand20k_ch0cmd.trace.gz", "rb");
  char l[256], c[32];
  long n = 0;
  while (gzgets(a, l, sizeof l)) {
    n++;
    long long cy;
    sscanf(l, "%lld %31s", &cy, c);
    if (!strcmp(c, cmd) && --k == 0) { gzclose(a); return n; }
  }
  gzclose(a);
  return -1;
}

static void expect_violation(const char *src, const char *rule, long line, long long delta, int drop) {
  ax_dram_cfg cfg;
  load_ini(&cfg, "DDR4_8Gb_x8_3200.ini");
  char msg[512];
  corrupt(src, "dram_bad.log", line, delta, drop);
  long v = ax_dram_check_log(&cfg, "dram_bad.log", msg, sizeof msg);
  printf("  corrupted line %ld: %s\n", line, msg);
  assert_true(v > 0);
  if (!strstr(msg, rule)) fail_msg("expected a %s violation, got: %s", rule, msg);
  unlink("dram_bad.log");
}

static void test_checker_rejects_corruption(void **st) {
  (void)st;
  /* line 2 is "24 read" 22 cycles after "2 activate": one cycle early breaks tRCD */
  const char *seq = "ds3_DDR4_8Gb_x8_3200_seq1k_ch0cmd.trace.gz", *rnd = "ds3_DDR4_8Gb_x8_3200_rand20k_ch0cmd.trace.gz";
  expect_violation(seq, "violates tRCD", 2, -1, 0);
  /* line 3 is the next read, 8 cycles later: one early breaks tCCD_L */
  expect_violation(seq, "violates tCCD_L", 3, -1, 0);
  /* dropping a precharge leaves its bank open for the next activate */
  expect_violation(rnd, "ACT needs a closed bank", find_line("precharge", 10), 0, 1);
  /* a refresh moved 60 cycles earlier comes too soon after the precharges
   * that closed its rank's banks */
  expect_violation(rnd, "refresh ch0 ra0 bg-1 ba-1 violates tRP", find_line("refresh", 1), -60, 0);
  /* hand-written logs: five activates 8 cycles apart in different bank
   * groups keep tRRD_S (4) and tRRD_L (8) but put 5 in tFAW (34) */
  ax_dram_cfg cfg;
  load_ini(&cfg, "DDR4_8Gb_x8_3200.ini");
  char msg[512];
  FILE *f = fopen("dram_bad.log", "w");
  for (int i = 0; i < 5; i++) fprintf(f, "%d activate 0 0 %d %d 0x10 0x0\n", 100 + 8 * i, i % 4, i / 4);
  fclose(f);
  assert_int_equal(ax_dram_check_log(&cfg, "dram_bad.log", msg, sizeof msg), 1);
  printf("  hand-made: %s\n", msg);
  assert_non_null(strstr(msg, "line 5: cycle 132: activate ch0 ra0 bg0 ba1 violates tFAW"));
  /* a rank refreshed once, then not for over 9 x tREFI (112320 cycles) */
  f = fopen("dram_bad.log", "w");
  fprintf(f, "6000 refresh -1 0 -1 -1 -0x1 -0x1\n6010 refresh -1 1 -1 -1 -0x1 -0x1\n");
  fprintf(f, "120000 refresh -1 1 -1 -1 -0x1 -0x1\n");
  fclose(f);
  assert_true(ax_dram_check_log(&cfg, "dram_bad.log", msg, sizeof msg) > 0);
  printf("  hand-made: %s\n", msg);
  assert_non_null(strstr(msg, "violates tREFI"));
  unlink("dram_bad.log");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_checker_accepts_dramsim3),
    cmocka_unit_test(test_checker_rejects_corruption),
    cmocka_unit_test(test_same_command_stream),
    cmocka_unit_test(test_ddr4_runs),
    cmocka_unit_test(test_hbm2_runs),
    cmocka_unit_test(test_lpddr4_runs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
