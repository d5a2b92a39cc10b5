/*
 * test_sweep_points.c - point generation checked by hand: grid order,
 * zip, list, seeds crossed in, random streams (splitmix64's published
 * output), Latin hypercube strata, value formatting; expressions by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "axtest.h"

#include "sim.h"
#include "sweep.h"

#define DIR AX_BIN_DIR "/tests_tmp_sweep_points"

static const char *SYS =
    "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:v\"; };\n"
    "v = { model = \"vector\"; lanes = 16; };\n"
    "m = { model = \"memory\"; latency_ns = 10.0; bandwidth_gbps = 6.4; };\n"
    "links = ( { from = \"host.unit0\"; to = \"v.ctl\"; }, { from = \"v.mem\"; to = \"m.in0\"; } );\n";

static ax_sweep *load(const char *text) {
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t.axt", "axtrace 1\neltwise name=r elems=256 fn=relu\n");
  write_file(DIR "/sys.cfg", SYS);
  write_file(DIR "/sw.cfg", text);
  ax_sweep *sw;
  char err[AX_ERR_MAX];
  int rc = ax_sweep_load(DIR "/sw.cfg", &sw, err, sizeof err);
  if (rc) fprintf(stderr, "%s\n", err);
  assert_int_equal(rc, AX_OK);
  rc = ax_sweep_generate(sw, err, sizeof err);
  if (rc) fprintf(stderr, "%s\n", err);
  assert_int_equal(rc, AX_OK);
  return sw;
}

/* The overrides of point i joined with spaces, for comparing by eye. */
static void ov_text(const ax_sweep *sw, size_t i, char *buf, size_t n) {
  char **ov = ax_sweep_overrides(sw, i);
  buf[0] = 0;
  for (size_t j = 0; j < sw->nparams; j++) {
    strncat(buf, ov[j], n - strlen(buf) - 2);
    if (j + 1 < sw->nparams) strcat(buf, " ");
  }
  ax_sweep_overrides_free(sw, ov);
}

/* Grid: the last parameter varies fastest, seeds innermost. Written out
 * by hand: 2 lanes x 3 bandwidths x 2 seeds = 12 points. */
static void test_grid_order(void **st) {
  (void)st;
  ax_sweep *sw = load("base = \"sys.cfg\";\n"
                      "params = ( { set = \"v.lanes\"; values = [8, 32]; },\n"
                      "           { set = \"m.bandwidth_gbps\"; values = [6.4, 12.8, 25.6]; } );\n"
                      "seeds = [7, 9];\n");
  static const char *want[] = {
      "v.lanes=8 m.bandwidth_gbps=6.4",   "v.lanes=8 m.bandwidth_gbps=6.4",
      "v.lanes=8 m.bandwidth_gbps=12.8",  "v.lanes=8 m.bandwidth_gbps=12.8",
      "v.lanes=8 m.bandwidth_gbps=25.6",  "v.lanes=8 m.bandwidth_gbps=25.6",
      "v.lanes=32 m.bandwidth_gbps=6.4",  "v.lanes=32 m.bandwidth_gbps=6.4",
      "v.lanes=32 m.bandwidth_gbps=12.8", "v.lanes=32 m.bandwidth_gbps=12.8",
      "v.lanes=32 m.bandwidth_gbps=25.6", "v.lanes=32 m.bandwidth_gbps=25.6"};
  assert_int_equal(sw->npts, 12);
  char b[256];
  for (size_t i = 0; i < 12; i++) {
    ov_text(sw, i, b, sizeof b);
    assert_string_equal(b, want[i]);
    assert_int_equal(sw->pts[i].has_seed, 1);
    assert_int_equal(sw->pts[i].seed, i % 2 ? 9 : 7);
  }
  assert_true(sw->pts[3].num[1] == 12.8);
  assert_true(sw->pts[6].num[0] == 32);
  ax_sweep_free(sw);
}

/* Strings are passed quoted, shown bare; no seeds: the base's seed. */
static void test_zip_and_strings(void **st) {
  (void)st;
  ax_sweep *sw = load("base = \"sys.cfg\"; mode = \"zip\";\n"
                      "params = ( { set = \"v.lanes\"; values = [4, 8, 16]; },\n"
                      "           { set = \"host.map\"; values = [\"*:v\", \"eltwise:v\", \"relu:v\"]; } );\n");
  assert_int_equal(sw->npts, 3);
  char b[256];
  ov_text(sw, 1, b, sizeof b);
  assert_string_equal(b, "v.lanes=8 host.map=\"eltwise:v\"");
  assert_string_equal(sw->pts[2].val[1], "relu:v");
  assert_true(isnan(sw->pts[2].num[1]));
  assert_int_equal(sw->pts[0].has_seed, 0);
  ax_sweep_free(sw);
}

static void test_list(void **st) {
  (void)st;
  ax_sweep *sw = load("base = \"sys.cfg\"; mode = \"list\";\n"
                      "params = ( { set = \"v.lanes\"; }, { set = \"m.latency_ns\"; } );\n"
                      "points = ( (4, 5.0), (64, 0.5) );\nseeds = [3];\n");
  assert_int_equal(sw->npts, 2);
  char b[256];
  ov_text(sw, 0, b, sizeof b);
  assert_string_equal(b, "v.lanes=4 m.latency_ns=5.0");
  ov_text(sw, 1, b, sizeof b);
  assert_string_equal(b, "v.lanes=64 m.latency_ns=0.5");
  assert_int_equal(sw->pts[1].seed, 3);
  ax_sweep_free(sw);
}

/* splitmix64 from state 0: the first outputs printed by Vigna's reference
 * splitmix64.c (prng.di.unimi.it), also the values of Java's
 * SplittableRandom(0).nextLong(). */
static void test_splitmix64_vector(void **st) {
  (void)st;
  uint64_t s = 0;
  assert_true(ax_rng_next(&s) == 0xe220a8397b1dcdafull);
  assert_true(ax_rng_next(&s) == 0x6e789e6aa1b965f4ull);
  assert_true(ax_rng_next(&s) == 0x06c45d188009454full);
  /* unit: top 53 bits / 2^53 */
  s = 0;
  assert_true(ax_rng_unit(&s) == (double)(0xe220a8397b1dcdafull >> 11) / 9007199254740992.0);
}

/* Random: values inside the ranges, integers inclusive of both ends, log
 * ranges spread over decades, and point i the same whatever `points`. */
static void test_random(void **st) {
  (void)st;
  const char *f = "base = \"sys.cfg\"; mode = \"random\"; points = %d; seed = 5;\n"
                  "params = ( { set = \"v.lanes\"; min = 1; max = 4; },\n"
                  "           { set = \"m.bandwidth_gbps\"; min = 1.0; max = 1000.0; log = true; },\n"
                  "           { set = \"m.latency_ns\"; min = 2.0; max = 3.0; } );\n";
  char t[600];
  snprintf(t, sizeof t, f, 4000);
  ax_sweep *sw = load(t);
  assert_int_equal(sw->npts, 4000);
  size_t cnt[5] = {0}, dec[3] = {0};
  for (size_t i = 0; i < sw->npts; i++) {
    double l = sw->pts[i].num[0], b = sw->pts[i].num[1], la = sw->pts[i].num[2];
    assert_true(l >= 1 && l <= 4 && l == floor(l));
    cnt[(int)l]++;
    assert_true(b >= 1 && b <= 1000);
    dec[b < 10 ? 0 : b < 100 ? 1 : 2]++;
    assert_true(la >= 2 && la <= 3);
    /* the text is the number, and reads back exactly */
    assert_true(strtod(sw->pts[i].val[1], NULL) == b);
    assert_non_null(strpbrk(sw->pts[i].val[1], ".e"));
  }
  /* 1000 expected in each of 4 integers, 1333 per decade: 5 sigma ~ 150 */
  for (int k = 1; k <= 4; k++) assert_true(cnt[k] > 850 && cnt[k] < 1150);
  for (int k = 0; k < 3; k++) assert_true(dec[k] > 1180 && dec[k] < 1490);
  snprintf(t, sizeof t, f, 10);
  ax_sweep *sw2 = load(t);
  for (size_t i = 0; i < 10; i++)
    for (size_t j = 0; j < 3; j++) assert_string_equal(sw->pts[i].lit[j], sw2->pts[i].lit[j]);
  ax_sweep_free(sw2);
  snprintf(t, sizeof t, f, 10);
  sw2 = load(t);
  for (size_t i = 0; i < 10; i++) assert_string_equal(sw->pts[i].lit[2], sw2->pts[i].lit[2]);
  ax_sweep_free(sw2);
  ax_sweep_free(sw);
}

/* LHS (McKay et al. 1979): with n = 9 points every parameter's range cut in 9
 * equal strata holds exactly one point; a list of n values is each used once. */
static void test_lhs_strata(void **st) {
  (void)st;
  ax_sweep *sw = load("base = \"sys.cfg\"; mode = \"lhs\"; points = 9; seed = 3;\n"
                      "params = ( { set = \"m.latency_ns\"; min = 0.0; max = 9.0; },\n"
                      "           { set = \"m.bandwidth_gbps\"; min = 0.001; max = 1e6; log = true; },\n"
                      "           { set = \"v.lanes\"; values = [1, 2, 3, 4, 5, 6, 7, 8, 9]; } );\n");
  assert_int_equal(sw->npts, 9);
  int seen0[9] = {0}, seen1[9] = {0}, seen2[10] = {0};
  for (size_t i = 0; i < 9; i++) {
    seen0[(int)floor(sw->pts[i].num[0])]++;            /* strata of width 1 */
    seen1[(int)floor(log10(sw->pts[i].num[1])) + 3]++; /* strata of one decade */
    seen2[(int)sw->pts[i].num[2]]++;
  }
  for (int k = 0; k < 9; k++) {
    assert_int_equal(seen0[k], 1);
    assert_int_equal(seen1[k], 1);
    assert_int_equal(seen2[k + 1], 1);
  }
  ax_sweep_free(sw);
}

static int vars(void *ctx, const char *name, double *v) {
  (void)ctx;
  if (!strcmp(name, "a.b")) return *v = 3, 0;
  if (!strcmp(name, "x")) return *v = 2, 0;
  return -1;
}

static void test_expr(void **st) {
  (void)st;
  static const struct { const char *e; double v; } ok[] = {
      {"1 + 2 * 3", 7}, {"(1 + 2) * 3", 9}, {"-x ^ 2", -4}, {"2 ^ 3 ^ 2", 512},
      {"a.b * x - 1 / 4", 5.75}, {"sqrt(16) + max(x, a.b) + min(1, -1)", 6}, {"log2(8) * abs(-2)", 6},
      {"1e3 / .5", 2000}};
  char err[300];
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    ax_expr *e;
    assert_int_equal(ax_expr_parse(ok[i].e, &e, err, sizeof err), AX_OK);
    double v;
    assert_int_equal(ax_expr_eval(e, vars, NULL, &v, err, sizeof err), 0);
    assert_true(fabs(v - ok[i].v) < 1e-12);
    ax_expr_free(e);
  }
  static const struct { const char *e, *msg; } bad[] = {
      {"1 +", "expression \"1 +\": expected a number, a name or '(' at the end"},
      {"(1 + 2", "expression \"(1 + 2\": expected ')' at the end"},
      {"2 3", "expression \"2 3\": expected an operator (+ - * / ^) or the end at column 3 ('3')"},
      {"foo(2)", "expression \"foo(2)\": expected a function among sqrt, log, log2, exp, abs, min, max at column 1 ('f')"},
      {"max(1)", "expression \"max(1)\": expected ',' (min and max take two arguments) at column 6 (')')"}};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    ax_expr *e;
    assert_int_equal(ax_expr_parse(bad[i].e, &e, err, sizeof err), AX_EINVAL);
    assert_string_equal(err, bad[i].msg);
  }
  ax_expr *e;
  assert_int_equal(ax_expr_parse("x + y", &e, err, sizeof err), AX_OK);
  double v;
  assert_int_equal(ax_expr_eval(e, vars, NULL, &v, err, sizeof err), -1);
  assert_string_equal(err, "unknown name 'y'");
  ax_expr_free(e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_grid_order),   cmocka_unit_test(test_zip_and_strings),
      cmocka_unit_test(test_list),         cmocka_unit_test(test_splitmix64_vector),
      cmocka_unit_test(test_random),       cmocka_unit_test(test_lhs_strata),
      cmocka_unit_test(test_expr),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
