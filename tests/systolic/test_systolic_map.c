/*
 * test_systolic_map.c - the closed-form systolic model against SCALE-Sim
 * v2's own reports (every layer of every run in tests/reference/scalesim/
 * runs/) and against small cases worked by hand below.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ref_csv.h"
#include "scalesim_cfg.h"
#include "scalesim_report.h"
#include "scalesim_topo.h"
#include "systolic_map.h"

#define REF AX_REF_DIR "/scalesim"

/* Every run directory in the reference set is one this test checks. */
static void test_all_runs_listed(void **state)
{
  (void)state;
  DIR *d = opendir(REF "/runs");
  assert_non_null(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    int found = 0;
    for (size_t i = 0; i < REF_NRUNS; i++)
      if (strcmp(ref_runs[i].dir, e->d_name) == 0) found = 1;
    if (!found) fail_msg("reference run %s is not checked by this test", e->d_name);
    n++;
  }
  closedir(d);
  assert_int_equal(n, (int)REF_NRUNS);
}

/* Run one reference configuration through the readers and the model. */
static size_t run_ref(const ref_run *rr, ax_sa_layer_report **out)
{
  char path[1024], err[1024];
  ax_scalesim_cfg cfg;
  snprintf(path, sizeof path, REF "/configs/%s", rr->cfg);
  if (ax_scalesim_cfg_read(path, &cfg, err, sizeof err) != 0) fail_msg("%s", err);
  ax_scalesim_layer *ls;
  size_t n;
  snprintf(path, sizeof path, REF "/topologies/%s", rr->topo);
  if (ax_scalesim_topo_load(path, rr->gemm, &ls, &n, err, sizeof err) != 0) fail_msg("%s", err);
  *out = calloc(n, sizeof **out);
  assert_non_null(*out);
  ax_scalesim_run(&cfg, ls, n, *out);
  free(ls);
  return n;
}

/* Cycles exact; overall util, mapping efficiency, compute util to 1e-6. */
static void test_compute_reports(void **state)
{
  (void)state;
  for (size_t i = 0; i < REF_NRUNS; i++) {
    ax_sa_layer_report *r;
    size_t n = run_ref(&ref_runs[i], &r);
    ref_csv ref;
    char path[1024];
    snprintf(path, sizeof path, REF "/runs/%s/COMPUTE_REPORT.csv", ref_runs[i].dir);
    assert_int_equal(ref_csv_read(path, &ref), 0);
    assert_int_equal(ref.rows, (int)n);
    for (size_t l = 0; l < n; l++) {
      assert_int_equal((uint64_t)ref.v[l][1], r[l].total_cycles);
      assert_int_equal((uint64_t)ref.v[l][2], r[l].stall_cycles);
      assert_true(fabs(ref.v[l][3] - r[l].overall_util) < 1e-6);
      assert_true(fabs(ref.v[l][4] - r[l].mapping_eff) < 1e-6);
      assert_true(fabs(ref.v[l][5] - r[l].compute_util) < 1e-6);
    }
    free(r);
  }
}

/* SRAM reads / writes and first / last access cycles, exact; the SRAM
 * bandwidth columns (words per cycle) to 1e-9. */
static void test_sram_columns(void **state)
{
  (void)state;
  for (size_t i = 0; i < REF_NRUNS; i++) {
    ax_sa_layer_report *r;
    size_t n = run_ref(&ref_runs[i], &r);
    ref_csv d, bw;
    char path[1024];
    snprintf(path, sizeof path, REF "/runs/%s/DETAILED_ACCESS_REPORT.csv", ref_runs[i].dir);
    assert_int_equal(ref_csv_read(path, &d), 0);
    snprintf(path, sizeof path, REF "/runs/%s/BANDWIDTH_REPORT.csv", ref_runs[i].dir);
    assert_int_equal(ref_csv_read(path, &bw), 0);
    assert_int_equal(d.rows, (int)n);
    for (size_t l = 0; l < n; l++) {
      const ax_sa_layer_report *x = &r[l];
      int64_t got[9] = {x->ifmap_sram_start, x->ifmap_sram_stop, (int64_t)x->ifmap_sram_reads,
                        x->filter_sram_start, x->filter_sram_stop, (int64_t)x->filter_sram_reads,
                        x->ofmap_sram_start, x->ofmap_sram_stop, (int64_t)x->ofmap_sram_writes};
      for (int c = 0; c < 9; c++)
        if ((int64_t)d.v[l][c + 1] != got[c])
          fail_msg("%s layer %zu column %d: ours %lld, SCALE-Sim %s", ref_runs[i].dir, l, c + 1,
                   (long long)got[c], d.s[l][c + 1]);
      double cyc = (double)x->total_cycles;
      assert_true(fabs(bw.v[l][1] - (double)x->ifmap_sram_reads / cyc) < 1e-9);
      assert_true(fabs(bw.v[l][2] - (double)x->filter_sram_reads / cyc) < 1e-9);
      assert_true(fabs(bw.v[l][3] - (double)x->ofmap_sram_writes / cyc) < 1e-9);
    }
    free(r);
  }
}

/* The README's worked example: AlexNet conv1 (224x224x3, 11x11, 96
 * filters, stride 4): E = ceil((224-11+4)/4) = 55, M = 3025, K = 363. */
static void test_alexnet_conv1_by_hand(void **state)
{
  (void)state;
  ax_sa_layer l = {224, 224, 11, 11, 3, 96, 4, 4};
  ax_sa_array a = {32, 32, AX_SA_OS, 65536, 65536, 65536, 1};
  ax_sa_geom g;
  ax_sa_geom_of(&a, &l, &g);
  assert_int_equal(g.ofmap_h, 55);
  assert_int_equal(g.m, 3025);
  assert_int_equal(g.k, 363);
  assert_int_equal(g.n, 96);
  /* os: ceil(3025/32) = 95 row folds x ceil(96/32) = 3; 363 + 32 + 32 - 2 = 425 */
  assert_int_equal(g.folds, 285);
  assert_int_equal(g.fold_cycles, 425);
  ax_sa_layer_report r;
  ax_sa_layer_run(&a, &l, &g, &r);
  assert_int_equal(r.total_cycles, 285 * 425 - 1);
  /* ws: ceil(363/32) = 12 x 3 = 36 folds of 64 + 32 + 3025 - 2 = 3119 */
  a.df = AX_SA_WS;
  ax_sa_geom_of(&a, &l, &g);
  ax_sa_layer_run(&a, &l, &g, &r);
  assert_int_equal(g.folds, 36);
  assert_int_equal(r.total_cycles, 36 * 3119 - 1);
}

/* A 4x4 array, GEMM M=5, N=3, K=2, every figure worked out by hand. */
static void test_tiny_gemm_by_hand(void **state)
{
  (void)state;
  ax_sa_array a = {4, 4, AX_SA_OS, 1024, 1024, 1024, 1};
  ax_sa_geom g;
  ax_sa_layer_report r;
  /* os: Sr = M = 5, Sc = N = 3, T = K = 2. Folds: 2 row x 1 col; each
   * 2 + 4 + 4 - 2 = 8 cycles -> 15. Fold PEs used: 4*3 = 12, 1*3 = 3.
   * Mapping = (12/16 + 3/16)/2 = 46.875 %. Compute util = mean of
   * 12*2/(16*8), 3*2/(16*8) = 30/256 = 11.71875 %. Overall = 100*30/(15*16). */
  ax_sa_geom_gemm(&a, 5, 3, 2, &g);
  ax_sa_layer_run(&a, NULL, &g, &r);
  assert_int_equal(g.folds, 2);
  assert_int_equal(r.total_cycles, 15);
  assert_true(fabs(r.mapping_eff - 46.875) < 1e-12);
  assert_true(fabs(r.compute_util - 11.71875) < 1e-12);
  assert_true(fabs(r.overall_util - 12.5) < 1e-12);
  /* SRAM: ifmap M*K once per column fold = 10, filter K*N per row fold
   * = 12, ofmap M*N + (R + C) per fold = 15 + 16 = 31 (SCALE-Sim's count). */
  assert_int_equal(r.ifmap_sram_reads, 10);
  assert_int_equal(r.filter_sram_reads, 12);
  assert_int_equal(r.ofmap_sram_writes, 31);

  /* ws: Sr = K = 2, Sc = N = 3, T = M = 5: one fold of 8 + 4 + 5 - 2 = 15
   * cycles -> 14. Mapping 6/16 = 37.5 %. Util denominator 8 + 8 + 5 - 3 =
   * 18: 6*5/(16*18). Overall 100*30/(14*16). */
  a.df = AX_SA_WS;
  ax_sa_geom_gemm(&a, 5, 3, 2, &g);
  ax_sa_layer_run(&a, NULL, &g, &r);
  assert_int_equal(r.total_cycles, 14);
  assert_true(fabs(r.mapping_eff - 37.5) < 1e-12);
  assert_true(fabs(r.compute_util - 100.0 * 30 / 288) < 1e-12);
  assert_true(fabs(r.overall_util - 3000.0 / 224) < 1e-12);

  /* is: Sr = K = 2, Sc = M = 5, T = N = 3: 1 x 2 folds of 8 + 4 + 3 - 2 =
   * 13 -> 25. Used 2*4 = 8, 2*1 = 2: mapping (0.5 + 0.125)/2 = 31.25 %.
   * Util denominator 8 + 8 + 3 - 3 = 16: (8*3 + 2*3)/(256*2) = 5.859375 %. */
  a.df = AX_SA_IS;
  ax_sa_geom_gemm(&a, 5, 3, 2, &g);
  ax_sa_layer_run(&a, NULL, &g, &r);
  assert_int_equal(r.total_cycles, 25);
  assert_true(fabs(r.mapping_eff - 31.25) < 1e-12);
  assert_true(fabs(r.compute_util - 5.859375) < 1e-12);
  assert_true(fabs(r.overall_util - 7.5) < 1e-12);
}

/* SCALE-Sim's ceil output size and the holes it leaves in the ifmap. */
static void test_ceil_convention(void **state)
{
  (void)state;
  /* H = 7, R = 2, s = 2: ceil((7 - 2 + 2)/2) = 4 (a framework's floor
   * formula without padding gives 3). The 4th output row starts at input
   * row 6, so its filter row 1 (input row 7) does not exist. */
  ax_sa_layer l = {7, 7, 2, 2, 1, 1, 2, 2};
  ax_sa_array a = {4, 4, AX_SA_OS, 1024, 1024, 1024, 1};
  ax_sa_geom g;
  ax_sa_geom_of(&a, &l, &g);
  assert_int_equal(g.ofmap_h, 4);
  assert_int_equal(g.ofmap_w, 4);
  /* m = 12 is (oh 3, ow 0); k = 0 is (r 0, s 0): row 6, valid */
  assert_true(ax_sa_ifmap_valid(&l, g.ofmap_w, 12, 0));
  /* k = 2 is (r 1, s 0): row 7, a hole */
  assert_false(ax_sa_ifmap_valid(&l, g.ofmap_w, 12, 2));
  /* m = 3 is (oh 0, ow 3); k = 1 is (r 0, s 1): column 7, a hole */
  assert_false(ax_sa_ifmap_valid(&l, g.ofmap_w, 3, 1));

  /* The op form keeps the size: padding p = ceil((2 - 5 % 2)/2) = 1, and
   * floor((7 + 2*1 - 2)/2) + 1 = 4. */
  ax_scalesim_layer sl;
  memset(&sl, 0, sizeof sl);
  strcpy(sl.name, "c");
  sl.l = l;
  ax_op op;
  ax_scalesim_layer_to_op(&sl, 0, &op);
  assert_int_equal(op.kind, AX_OP_CONV2D);
  assert_int_equal(op.pad_h, 1);
  assert_int_equal((op.in_h + 2 * op.pad_h - op.k_h) / op.stride_h + 1, 4);
  /* AlexNet conv1: (224 - 11) % 4 = 1, p = ceil(3/2) = 2:
   * floor((224 + 4 - 11)/4) + 1 = 55 = ceil(217/4). */
  sl.l = (ax_sa_layer){224, 224, 11, 11, 3, 96, 4, 4};
  ax_scalesim_layer_to_op(&sl, 0, &op);
  assert_int_equal(op.pad_h, 2);
  assert_int_equal((op.in_h + 2 * op.pad_h - op.k_h) / op.stride_h + 1, 55);
  /* a stride that divides needs no padding */
  sl.l = (ax_sa_layer){13, 13, 3, 3, 256, 384, 1, 1};
  ax_scalesim_layer_to_op(&sl, 0, &op);
  assert_int_equal(op.pad_h, 0);
}

/* The DRAM reuse model on cases small enough to count by hand. */
static void test_dram_model_by_hand(void **state)
{
  (void)state;
  ax_sa_array a = {4, 4, AX_SA_OS, 64, 64, 64, 1}; /* halves of 32 words */
  ax_sa_geom g;
  ax_sa_layer_report r;
  /* os, M = 8, N = 8, K = 4: 2 row x 2 col folds, order (fc, fr) =
   * (0,0) (0,1) (1,0) (1,1). ifmap matrix 32 words fits a half buffer:
   * read once. filter 32 words fits too: once. ofmap: 16 per fold. */
  ax_sa_geom_gemm(&a, 8, 8, 4, &g);
  ax_sa_layer_run(&a, NULL, &g, &r);
  assert_int_equal(r.ifmap_dram_reads, 32);
  assert_int_equal(r.filter_dram_reads, 32);
  assert_int_equal(r.ofmap_dram_writes, 64);
  /* K = 8: matrices of 64 words no longer fit; tiles are 4x8 = 32 words.
   * ifmap tile follows the row fold, which changes every fold: 4 x 32.
   * filter tile follows the column fold: read at (0,0) and (1,0): 2 x 32. */
  ax_sa_geom_gemm(&a, 8, 8, 8, &g);
  ax_sa_layer_run(&a, NULL, &g, &r);
  assert_int_equal(r.ifmap_dram_reads, 128);
  assert_int_equal(r.filter_dram_reads, 64);
  /* fold 0's reads happen in the fold before the layer */
  assert_int_equal(r.ifmap_dram_start, -(int64_t)g.fold_cycles);
  /* ws, M = 8, N = 4, K = 8: Sr = K (2 row folds), Sc = N (1 col fold).
   * Outputs: an 8 x 4 = 32-word partial-sum block fits the ofmap half, so
   * it is written once, after the last row fold: 32 words. */
  a.df = AX_SA_WS;
  ax_sa_geom_gemm(&a, 8, 4, 8, &g);
  ax_sa_layer_run(&a, NULL, &g, &r);
  assert_int_equal(r.ofmap_dram_writes, 32);
  /* M = 16: the 64-word block does not fit: written every fold, 2 x 64. */
  ax_sa_geom_gemm(&a, 16, 4, 8, &g);
  ax_sa_layer_run(&a, NULL, &g, &r);
  assert_int_equal(r.ofmap_dram_writes, 128);
}

/* Distinct input pixels behind ifmap tiles, counted by hand. */
static void test_ifmap_unique_by_hand(void **state)
{
  (void)state;
  /* SCALE-Sim's test layer: 7x7x192 input, 3x3, stride 1: E = 5, M = 25,
   * K = 1728. All of it: min(7*7*192, 25*1728) = 9408 pixels (SCALE-Sim
   * reads exactly 9408 ifmap words from DRAM for it). */
  ax_sa_layer l = {7, 7, 3, 3, 192, 384, 1, 1};
  ax_sa_array a = {32, 32, AX_SA_OS, 65536, 65536, 65536, 1};
  ax_sa_geom g;
  ax_sa_geom_of(&a, &l, &g);
  assert_int_equal(ax_sa_ifmap_unique(&l, &g, 0, 25, 0, 1728), 9408);
  /* first output row (m 0..4), whole window: input rows 0..2, columns
   * 0..6, 192 channels = 4032 (< 5 * 1728 = 8640 im2col words) */
  assert_int_equal(ax_sa_ifmap_unique(&l, &g, 0, 5, 0, 1728), 3 * 7 * 192);
  /* one pixel, channels 0..9 of filter tap (0,0): 10 words */
  assert_int_equal(ax_sa_ifmap_unique(&l, &g, 0, 1, 0, 10), 10);
  /* a plain GEMM has no reuse: the matrix words */
  assert_int_equal(ax_sa_ifmap_unique(NULL, &g, 0, 5, 0, 7), 35);
}

/* Python's float repr, for values whose repr is known. */
static void test_pyfloat(void **state)
{
  (void)state;
  struct { double v; const char *s; } c[] = {
    {121124.0, "121124.0"}, {0.1, "0.1"}, {1e-05, "1e-05"}, {0.0001, "0.0001"},
    {1e16, "1e+16"}, {1234567890123456.0, "1234567890123456.0"},
    {12345678901234567.0, "1.2345678901234568e+16"}, {1.0 / 3, "0.3333333333333333"},
    {2.5655112364209303, "2.5655112364209303"}, {100.0, "100.0"}, {-3275.0, "-3275.0"},
    {1.5e-7, "1.5e-07"}, {0.0, "0.0"}, {32.0, "32.0"}, {1e300, "1e+300"},
  };
  char buf[64];
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
    assert_string_equal(ax_pyfloat(c[i].v, buf, sizeof buf), c[i].s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_all_runs_listed),
    cmocka_unit_test(test_compute_reports),
    cmocka_unit_test(test_sram_columns),
    cmocka_unit_test(test_alexnet_conv1_by_hand),
    cmocka_unit_test(test_tiny_gemm_by_hand),
    cmocka_unit_test(test_ceil_convention),
    cmocka_unit_test(test_dram_model_by_hand),
    cmocka_unit_test(test_ifmap_unique_by_hand),
    cmocka_unit_test(test_pyfloat),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
