/*
 * test_scalesim_io.c - SCALE-Sim topology and config readers: the files
 * SCALE-Sim accepts load with its conventions, the ones it chokes on get
 * an error naming file, line and field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scalesim_cfg.h"
#include "scalesim_topo.h"

static char tmpdir[256];

static int setup(void **state)
{
  (void)state;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/ax_test_scalesim_io_%ld", (long)getpid());
  char cmd[300];
  snprintf(cmd, sizeof cmd, "mkdir -p %s", tmpdir);
  return system(cmd);
}

static int teardown(void **state)
{
  (void)state;
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
  return system(cmd);
}

static const char *write_file(const char *name, const char *text)
{
  static char path[512];
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs(text, fp);
  fclose(fp);
  return path;
}

#define HDR "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"

/* Load text as a topology; return 0 / -1 and the error. */
static int load(const char *text, int gemm, ax_scalesim_layer **ls, size_t *n, char *err)
{
  const char *p = write_file("t.csv", text);
  return ax_scalesim_topo_load(p, gemm, ls, n, err, 512);
}

static void expect_error(const char *text, int gemm, const char *needle)
{
  ax_scalesim_layer *ls = NULL;
  size_t n = 0;
  char err[512] = "";
  assert_int_equal(load(text, gemm, &ls, &n, err), -1);
  assert_null(ls);
  if (!strstr(err, needle)) fail_msg("error '%s' does not mention '%s'", err, needle);
}

static void test_conv_conventions(void **state)
{
  (void)state;
  ax_scalesim_layer *ls;
  size_t n;
  char err[512];
  /* header skipped, blank lines skipped, CRLF, optional width stride,
   * spaces around fields as in SCALE-Sim's own files */
  const char *text = HDR
    "Conv1     ,224  ,224 ,11 ,11 ,3 ,96 ,4 ,\r\n"
    "\n"
    "Wide, 30, 40, 3, 5, 8, 16, 1, 2,\n";
  assert_int_equal(load(text, 0, &ls, &n, err), 0);
  assert_int_equal(n, 2);
  assert_string_equal(ls[0].name, "Conv1");
  assert_int_equal(ls[0].line, 2);
  assert_int_equal(ls[0].l.stride_h, 4);
  assert_int_equal(ls[0].l.stride_w, 4); /* copied from the height stride */
  assert_int_equal(ls[1].line, 4);
  assert_int_equal(ls[1].l.stride_h, 1);
  assert_int_equal(ls[1].l.stride_w, 2);
  assert_int_equal(ls[1].l.filt_w, 5);
  free(ls);
}

static void test_dp_expansion(void **state)
{
  (void)state;
  ax_scalesim_layer *ls;
  size_t n;
  char err[512];
  /* "DP" in the name: one single-channel layer per channel */
  assert_int_equal(load(HDR "Conv_DP1, 14, 14, 3, 3, 4, 1, 1,\nPW, 12, 12, 1, 1, 4, 8, 1,\n", 0,
                        &ls, &n, err), 0);
  assert_int_equal(n, 5);
  assert_string_equal(ls[0].name, "Conv_DP1Channel_0");
  assert_string_equal(ls[3].name, "Conv_DP1Channel_3");
  for (int i = 0; i < 4; i++) {
    assert_int_equal(ls[i].l.channels, 1);
    assert_int_equal(ls[i].l.filters, 1);
  }
  assert_string_equal(ls[4].name, "PW");
  assert_int_equal(ls[4].l.channels, 4);
  free(ls);
}

static void test_gemm_form(void **state)
{
  (void)state;
  ax_scalesim_layer *ls;
  size_t n;
  char err[512];
  assert_int_equal(load("Layer Name, M, N, K,\nTest 1, 128, 64, 256,", 1, &ls, &n, err), 0);
  assert_int_equal(n, 1);
  assert_string_equal(ls[0].name, "Test 1");
  assert_int_equal(ls[0].m, 128);
  assert_int_equal(ls[0].n, 64);
  assert_int_equal(ls[0].k, 256);
  /* SCALE-Sim maps it to the conv H=M, W=K, R=1, S=K, C=1, N filters */
  assert_int_equal(ls[0].l.ifmap_h, 128);
  assert_int_equal(ls[0].l.ifmap_w, 256);
  assert_int_equal(ls[0].l.filt_w, 256);
  assert_int_equal(ls[0].l.filters, 64);
  free(ls);

  ax_op *ops;
  const char *p = write_file("g.csv", "Layer Name, M, N, K,\nA, 8, 4, 2,\nB, 3, 5, 7,\n");
  assert_int_equal(ax_scalesim_topo_read(p, 1, &ops, &n, err, sizeof err), 0);
  assert_int_equal(n, 2);
  assert_int_equal(ops[1].kind, AX_OP_GEMM);
  assert_int_equal(ops[1].m, 3);
  assert_int_equal(ops[1].n, 5);
  assert_int_equal(ops[1].k, 7);
  assert_int_equal(ops[1].id, 1);
  assert_int_equal(ops[1].ndeps, 1);
  assert_int_equal(ops[1].deps[0], 0);
  assert_int_equal(ops[0].ndeps, 0);
  free(ops);
}

static void test_malformed(void **state)
{
  (void)state;
  expect_error(HDR "Conv1, 224, 224, 11, 11, 3, 96, 4\n", 0, "t.csv:2: row does not end with a comma");
  expect_error(HDR "Conv1, 224, 224, 11, 11, 3, 96,\n", 0, "t.csv:2: expected 8 or 9 fields");
  expect_error(HDR "A, 8, 8, 3, 3, 2, 4, 1,\nConv1, 224, x, 11, 11, 3, 96, 4,\n", 0,
               "t.csv:3: field 3 'IFMAP Width' is 'x'");
  expect_error(HDR "Conv1, 224, 224, 11, 11, 3, 96, 0,\n", 0, "field 8 'Strides' is '0'");
  expect_error(HDR "Conv1, 224, 224, 11, 11, -3, 96, 1,\n", 0, "'Channels' is '-3'");
  expect_error(HDR "Conv1, 5, 224, 11, 11, 3, 96, 1,\n", 0,
               "Filter Height is larger than IFMAP Height");
  expect_error(HDR "Conv1, 224, 224, 11, 11, 3, 96, 2.5,\n", 0, "expected a positive integer");
  expect_error(HDR, 0, "no layers");
  expect_error("", 0, "no layers");
  expect_error(HDR ", 8, 8, 3, 3, 2, 4, 1,\n", 0, "'Layer name' is empty");
  /* the wrong form for the file, with a hint */
  expect_error("Layer Name, M, N, K,\nTest 1, 128, 64, 256,\n", 0, "add '-i gemm'");
  expect_error(HDR "Conv1, 224, 224, 11, 11, 3, 96, 4,\n", 1, "drop '-i gemm'");
  expect_error("Layer Name, M, N, K,\nT, 128, 64,\n", 1, "expected 4 fields");
  char err[512];
  ax_scalesim_layer *ls;
  size_t n;
  assert_int_equal(ax_scalesim_topo_load("/nonexistent/x.csv", 0, &ls, &n, err, sizeof err), -1);
  assert_non_null(strstr(err, "/nonexistent/x.csv: cannot open"));
}

static const char *CFG =
  "[general]\nrun_name = r1\n\n[architecture_presets]\nArrayHeight:    16\nArrayWidth:     8\n"
  "IfmapSramSzkB:   64 \nFilterSramSzkB:  32 \nOfmapSramSzkB:   16 \nIfmapOffset:    0\n"
  "FilterOffset:   10000000\nOfmapOffset:    20000000\nBandwidth : 10\nDataflow : ws\n"
  "MemoryBanks:   1\n\n[run_presets]\nInterfaceBandwidth: CALC \n";

static void test_cfg(void **state)
{
  (void)state;
  ax_scalesim_cfg c;
  char err[512];
  const char *p = write_file("a.cfg", CFG);
  assert_int_equal(ax_scalesim_cfg_read(p, &c, err, sizeof err), 0);
  assert_string_equal(c.run_name, "r1");
  assert_int_equal(c.array.rows, 16);
  assert_int_equal(c.array.cols, 8);
  assert_int_equal(c.array.df, AX_SA_WS);
  assert_int_equal(c.array.ifmap_sram_bytes, 64 * 1024);
  assert_int_equal(c.array.filter_sram_bytes, 32 * 1024);
  assert_int_equal(c.array.ofmap_sram_bytes, 16 * 1024);
  assert_int_equal(c.array.word_bytes, 1);
  assert_int_equal(c.bandwidth, 10);
  assert_int_equal(c.user_bandwidth, 0);
  assert_string_equal(c.ignored, "");

  /* keys are case-insensitive, later SCALE-Sim keys are noted, not fatal */
  char text[2048];
  snprintf(text, sizeof text, "%s[sparsity]\nSparsitySupport : false\n", CFG);
  for (char *s = strstr(text, "ArrayHeight"); s; s = NULL) memcpy(s, "arrayheight", 11);
  p = write_file("b.cfg", text);
  assert_int_equal(ax_scalesim_cfg_read(p, &c, err, sizeof err), 0);
  assert_int_equal(c.array.rows, 16);
  assert_string_equal(c.ignored, "sparsity.SparsitySupport");

  struct { const char *from, *to, *needle; } bad[] = {
    {"Dataflow : ws", "Dataflow : xs", "b.cfg:14: Dataflow 'xs': expected os, ws or is"},
    {"ArrayWidth:     8", "ArrayWidth:     0", "b.cfg:6: ArrayWidth = 0: expected 1 .. 65536"},
    {"IfmapSramSzkB:   64 ", "IfmapSramSzkB:   6x4", "b.cfg:7: IfmapSramSzkB '6x4'"},
    {"InterfaceBandwidth: CALC ", "InterfaceBandwidth: FAST", "expected CALC or USER"},
    {"run_name = r1", "run_name = ", "run_name '': expected a non-empty name"},
    {"Dataflow : ws", "", "missing setting 'Dataflow' in section [architecture_presets]"},
    {"[general]", "[general", "b.cfg:1: section header '[general' has no closing ']'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(text, sizeof text, "%s", CFG);
    char *s = strstr(text, bad[i].from);
    assert_non_null(s);
    char rest[2048];
    snprintf(rest, sizeof rest, "%s", s + strlen(bad[i].from));
    snprintf(s, sizeof text - (size_t)(s - text), "%s%s", bad[i].to, rest);
    p = write_file("b.cfg", text);
    err[0] = '\0';
    assert_int_equal(ax_scalesim_cfg_read(p, &c, err, sizeof err), -1);
    if (!strstr(err, bad[i].needle)) fail_msg("error '%s' lacks '%s'", err, bad[i].needle);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_conv_conventions),
    cmocka_unit_test(test_dp_expansion),
    cmocka_unit_test(test_gemm_form),
    cmocka_unit_test(test_malformed),
    cmocka_unit_test(test_cfg),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
