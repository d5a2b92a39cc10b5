/*
 * Fast fault mapping (ax_saf_apply) against the slow per-cycle, per-PE
 * reference (ax_saf_ref_run) on an 8x8 array, all three dataflows, every
 * site, transient single-bit, adjacent multi-bit and stuck-at faults: the
 * final outputs must be bit-identical on every sampled fault. The layers
 * are small and uneven (partial folds in both directions, an im2col conv
 * whose windows share ifmap words, a plain GEMM, an M=1 fully connected).
 * The sequencer's fold counter (ctrl_fold) is one of the sites: skipped,
 * repeated and gated folds must agree, and so must the hangs; hand-worked
 * cases of each are at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sa_func.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

typedef struct layer {
  ax_saf_gemm g;
  int8_t *ifm, *w;
  int32_t *aidx;
  uint32_t *use_at, *use;
} layer;

/* conv HxWxC (channels last), kh x kw, nf filters, stride 1, as a GEMM */
static void make_conv(layer *L, uint32_t H, uint32_t W, uint32_t C, uint32_t kh, uint32_t kw,
                      uint32_t nf)
{
  uint32_t oh = H - kh + 1, ow = W - kw + 1;
  memset(L, 0, sizeof *L);
  L->g.m = oh * ow;
  L->g.k = kh * kw * C;
  L->g.n = nf;
  L->g.ifmap_words = H * W * C;
  L->ifm = malloc(L->g.ifmap_words);
  L->w = malloc((size_t)L->g.k * nf);
  L->aidx = malloc(sizeof *L->aidx * L->g.m * L->g.k);
  for (uint32_t i = 0; i < L->g.ifmap_words; i++) L->ifm[i] = (int8_t)(rnd() % 256);
  for (uint32_t i = 0; i < L->g.k * nf; i++) L->w[i] = (int8_t)(rnd() % 256);
  for (uint32_t y = 0; y < oh; y++)
    for (uint32_t x = 0; x < ow; x++)
      for (uint32_t fy = 0; fy < kh; fy++)
        for (uint32_t fx = 0; fx < kw; fx++)
          for (uint32_t c = 0; c < C; c++)
            L->aidx[(y * ow + x) * L->g.k + (fy * kw + fx) * C + c] =
                (int32_t)(((y + fy) * W + x + fx) * C + c);
  L->use_at = malloc(sizeof *L->use_at * (L->g.ifmap_words + 1));
  L->use = malloc(sizeof *L->use * L->g.m * L->g.k);
  ax_saf_build_uses(L->aidx, L->g.m, L->g.k, L->g.ifmap_words, L->use_at, L->use);
  L->g.ifmap = L->ifm;
  L->g.w = L->w;
  L->g.aidx = L->aidx;
  L->g.use_at = L->use_at;
  L->g.use = L->use;
}

static void make_gemm(layer *L, uint32_t m, uint32_t n, uint32_t k)
{
  memset(L, 0, sizeof *L);
  L->g.m = m; L->g.n = n; L->g.k = k;
  L->g.ifmap_words = m * k;
  L->ifm = malloc(m * k);
  L->w = malloc(k * n);
  for (uint32_t i = 0; i < m * k; i++) L->ifm[i] = (int8_t)(rnd() % 256);
  for (uint32_t i = 0; i < k * n; i++) L->w[i] = (int8_t)(rnd() % 256);
  L->g.ifmap = L->ifm;
  L->g.w = L->w;
}

static void free_layer(layer *L)
{
  free(L->ifm); free(L->w); free(L->aidx); free(L->use_at); free(L->use);
}

static uint32_t words_of(const ax_sa_array *a, const ax_saf_gemm *g, ax_saf_site s)
{
  switch (s) {
  case AX_SAF_IFMAP_SRAM: return g->ifmap_words;
  case AX_SAF_FILTER_SRAM: return g->k * g->n;
  case AX_SAF_OFMAP_SRAM: return g->m * g->n;
  case AX_SAF_CTRL_FOLD: return 1;
  default: return a->rows * a->cols;
  }
}

/* nfaults random faults on one layer and dataflow; returns how many changed
 * the outputs (so the test cannot pass by masking everything). */
static int nhang;

static int check_layer(ax_sa_dataflow df, layer *L, int nfaults, int changed_by_site[AX_SAF_NSITES])
{
  ax_sa_array a = {.rows = 8, .cols = 8, .df = df, .word_bytes = 1};
  const ax_saf_gemm *g = &L->g;
  size_t nz = (size_t)g->m * g->n;
  int32_t *gold = malloc(nz * 4), *ref = malloc(nz * 4), *fast = malloc(nz * 4);
  uint32_t *touched = malloc(nz * 4 * 64);
  ax_saf_golden(g, gold);
  ax_saf_ref_run(&a, g, NULL, ref);
  assert_memory_equal(gold, ref, nz * 4);
  int64_t D = (int64_t)ax_saf_cycles(&a, g);
  int changed = 0;
  for (int i = 0; i < nfaults; i++) {
    ax_saf_fault f;
    memset(&f, 0, sizeof f);
    f.site = (ax_saf_site)(rnd() % AX_SAF_ARRAY_NSITES);
    unsigned bits = ax_saf_site_bits(f.site);
    f.word = (uint32_t)(rnd() % (words_of(&a, g, f.site) + 1)); /* +1: one dead word */
    unsigned kind = (unsigned)(rnd() % 4);  /* flip, 2-bit adjacent, 3-bit adjacent, stuck */
    unsigned b = (unsigned)(rnd() % bits);
    /* the counter's low bits skip / repeat folds; high bits mostly hang */
    if (f.site == AX_SAF_CTRL_FOLD && rnd() % 2) b = (unsigned)(rnd() % 3);
    f.mask = 1u << b;
    if (kind == 1 && b + 1 < bits) f.mask |= 1u << (b + 1);
    if (kind == 2 && b + 2 < bits) f.mask |= 6u << b;
    if (kind == 3) {
      f.stuck = 1;
      f.value = (rnd() & 1) ? f.mask : 0;
    }
    f.cycle = (int64_t)(rnd() % (uint64_t)D);
    if (f.stuck && rnd() % 2) f.cycle = 0;
    memcpy(fast, gold, nz * 4);
    size_t nt = ax_saf_apply(&a, g, &f, fast, touched, nz * 64);
    int hang = ax_saf_ref_run(&a, g, &f, ref);
    if (hang || nt == AX_SAF_HANG) {
      if (!hang || nt != AX_SAF_HANG)
        fail_msg("hang disagrees: df=%s site=%s mask=%#x stuck=%d value=%#x cycle=%lld: fast %d ref %d",
                 ax_sa_dataflow_name(df), ax_saf_site_name(f.site), f.mask, f.stuck, f.value,
                 (long long)f.cycle, nt == AX_SAF_HANG, hang);
      assert_int_equal(f.site, AX_SAF_CTRL_FOLD);
      nhang++;
      changed++;
      changed_by_site[f.site]++;
      continue;
    }
    assert_true(nt <= nz * 64);
    /* every changed output is in the touched list */
    for (size_t o = 0; o < nz; o++)
      if (fast[o] != gold[o]) {
        size_t j;
        for (j = 0; j < nt && touched[j] != o; j++) {}
        assert_true(j < nt);
      }
    if (memcmp(fast, ref, nz * 4) != 0) {
      print_error("mismatch: df=%s site=%s word=%u mask=%#x stuck=%d value=%#x cycle=%lld "
                  "(M=%u N=%u K=%u, D=%lld)\n",
                  ax_sa_dataflow_name(df), ax_saf_site_name(f.site), f.word, f.mask, f.stuck,
                  f.value, (long long)f.cycle, g->m, g->n, g->k, (long long)D);
      for (size_t o = 0; o < nz; o++)
        if (fast[o] != ref[o])
          print_error("  out %zu: gold %d fast %d ref %d\n", o, gold[o], fast[o], ref[o]);
      fail();
    }
    if (memcmp(fast, gold, nz * 4) != 0) {
      changed++;
      changed_by_site[f.site]++;
    }
  }
  free(gold); free(ref); free(fast); free(touched);
  return changed;
}

static void run_df(ax_sa_dataflow df)
{
  layer L[3];
  make_conv(&L[0], 7, 6, 3, 3, 2, 11);  /* M=25, K=18, N=11 */
  make_gemm(&L[1], 13, 9, 10);          /* partial folds everywhere */
  make_gemm(&L[2], 1, 10, 20);          /* fully connected, one row */
  int changed_by_site[AX_SAF_NSITES] = {0};
  int total = 0, changed = 0;
  nhang = 0;
  int per[3] = {1400, 1000, 600};
  for (int l = 0; l < 3; l++) {
    changed += check_layer(df, &L[l], per[l], changed_by_site);
    total += per[l];
  }
  print_message("%s: %d faults, %d changed the outputs (ifmap %d filter %d ofmap %d pe_ifmap %d "
                "pe_weight %d pe_acc %d ctrl_fold %d, of which %d hangs)\n",
                ax_sa_dataflow_name(df), total, changed, changed_by_site[0], changed_by_site[1],
                changed_by_site[2], changed_by_site[3], changed_by_site[4], changed_by_site[5],
                changed_by_site[6], nhang);
  /* the fold counter must also show wrong outputs that are not hangs */
  assert_true(changed_by_site[AX_SAF_CTRL_FOLD] - nhang >= 10);
  assert_true(nhang >= 10);
  /* every site must show real effects, else the comparison proves nothing */
  for (int s = 0; s < AX_SAF_ARRAY_NSITES; s++) assert_true(changed_by_site[s] >= 20);
  for (int l = 0; l < 3; l++) free_layer(&L[l]);
}

static void test_os(void **st) { (void)st; run_df(AX_SA_OS); }
static void test_ws(void **st) { (void)st; run_df(AX_SA_WS); }
static void test_is(void **st) { (void)st; run_df(AX_SA_IS); }

/* A hand-checked case: os, 2x2 GEMM on the 8x8 array, A = [[1,2],[3,4]],
 * B = [[5,6],[7,8]]: Z = [[19,22],[43,50]]. Flipping bit 0 of A[0][1]
 * (2 -> 3) in the ifmap SRAM before its read (cycle 1 + 0 = 1) adds B[1][*]
 * = 7, 8 to row 0: [[26,30],[43,50]]; after the read it is masked. PE(0,0)'s
 * accumulator in state 2 holds A[0][0]*B[0][0] = 5; flipping bit 1 gives
 * 7, so Z[0][0] = 7 + 14 = 21. */
static void test_hand(void **st)
{
  (void)st;
  int8_t A[4] = {1, 2, 3, 4}, B[4] = {5, 6, 7, 8};
  ax_saf_gemm g = {.m = 2, .n = 2, .k = 2, .ifmap = A, .ifmap_words = 4, .w = B};
  ax_sa_array a = {.rows = 8, .cols = 8, .df = AX_SA_OS, .word_bytes = 1};
  int32_t z[4], r[4];
  ax_saf_golden(&g, z);
  assert_int_equal(z[0], 19); assert_int_equal(z[1], 22);
  assert_int_equal(z[2], 43); assert_int_equal(z[3], 50);
  ax_saf_fault f = {.site = AX_SAF_IFMAP_SRAM, .word = 1, .mask = 1, .cycle = 1};
  ax_saf_apply(&a, &g, &f, z, NULL, 0);
  ax_saf_ref_run(&a, &g, &f, r);
  int32_t want[4] = {26, 30, 43, 50};
  assert_memory_equal(z, want, sizeof want);
  assert_memory_equal(r, want, sizeof want);
  f.cycle = 2;
  ax_saf_golden(&g, z);
  assert_int_equal(ax_saf_apply(&a, &g, &f, z, NULL, 0), 0);
  assert_int_equal(z[0], 19);
  ax_saf_fault fa = {.site = AX_SAF_PE_ACC, .word = 0, .mask = 2, .cycle = 2};
  ax_saf_golden(&g, z);
  ax_saf_apply(&a, &g, &fa, z, NULL, 0);
  ax_saf_ref_run(&a, &g, &fa, r);
  assert_int_equal(z[0], 21);
  assert_int_equal(r[0], 21);
  assert_int_equal(z[1], 22);
}

/* Hand-worked fold-counter cases: ws, 8x8 array, M = 3, K = 16, N = 16:
 * 2 row folds x 2 column folds, fold i = (fr = i % 2, fc = i / 2) (column
 * fold outer), F = 2R + C + T - 2 = 25, D = 4 F + 3 = 103, watchdog at
 * 2 D = 206 cycles. P_i = fold i's partial sums. */
static void test_ctrl_hand(void **st)
{
  (void)st;
  layer L;
  make_gemm(&L, 3, 16, 16);
  const ax_saf_gemm *g = &L.g;
  ax_sa_array a = {.rows = 8, .cols = 8, .df = AX_SA_WS, .word_bytes = 1};
  ax_sa_geom geo;
  ax_sa_geom_gemm(&a, 3, 16, 16, &geo);
  assert_int_equal(geo.folds, 4);
  assert_int_equal(geo.fold_cycles, 25);
  assert_int_equal(ax_saf_cycles(&a, g), 103);
  ax_sa_fold fo;
  ax_sa_fold_at(&a, &geo, 2, &fo);
  assert_int_equal(fo.fr, 0);
  assert_int_equal(fo.fc, 1);
  /* partial sums by hand: P[t][n] over k in [8 kr, 8 kr + 8) */
  int32_t P[2][3][16] = {{{0}}}, gold[48], z[48], r[48];
  for (int kr = 0; kr < 2; kr++)
    for (int t = 0; t < 3; t++)
      for (int n = 0; n < 16; n++)
        for (int k = 8 * kr; k < 8 * kr + 8; k++) P[kr][t][n] += L.ifm[t * 16 + k] * L.w[k * 16 + n];
  ax_saf_golden(g, gold);
  for (int t = 0; t < 3; t++)
    for (int n = 0; n < 16; n++) assert_int_equal(gold[t * 16 + n], P[0][t][n] + P[1][t][n]);
  uint32_t seq[16];
  size_t ns;

  /* skip: bit 0 flipped in cycle 2F = 50, read in slot 2 as 2^1 = 3: folds
   * 0, 1, 3, then 4 = done; fold 2 (the write of column fold 1) never runs,
   * so columns 8..15 hold only P_3 = the second K half */
  ax_saf_fault f = {.site = AX_SAF_CTRL_FOLD, .word = 0, .mask = 1, .cycle = 50};
  assert_int_equal(ax_saf_fold_seq(&a, g, &f, seq, 16, &ns), 0);
  assert_int_equal(ns, 3);
  assert_int_equal(seq[0], 0); assert_int_equal(seq[1], 1); assert_int_equal(seq[2], 3);
  memcpy(z, gold, sizeof z);
  assert_int_equal(ax_saf_apply(&a, g, &f, z, NULL, 0), 24);
  assert_int_equal(ax_saf_ref_run(&a, g, &f, r), 0);
  for (int t = 0; t < 3; t++)
    for (int n = 0; n < 16; n++) {
      int32_t want = n < 8 ? gold[t * 16 + n] : P[1][t][n];
      assert_int_equal(z[t * 16 + n], want);
      assert_int_equal(r[t * 16 + n], want);
    }

  /* repeat: bit 1 flipped in cycle 3F = 75, read in slot 3 as 3^2 = 1:
   * folds 0 1 2 1 2 3 (6 slots, 153 cycles < 206): column fold 0 gets P_1
   * twice, column fold 1 is rewritten by fold 2 and comes out right */
  f.mask = 2;
  f.cycle = 75;
  assert_int_equal(ax_saf_fold_seq(&a, g, &f, seq, 16, &ns), 0);
  assert_int_equal(ns, 6);
  uint32_t want_seq[6] = {0, 1, 2, 1, 2, 3};
  assert_memory_equal(seq, want_seq, sizeof want_seq);
  memcpy(z, gold, sizeof z);
  ax_saf_apply(&a, g, &f, z, NULL, 0);
  assert_int_equal(ax_saf_ref_run(&a, g, &f, r), 0);
  for (int t = 0; t < 3; t++)
    for (int n = 0; n < 16; n++) {
      int32_t want = n < 8 ? P[0][t][n] + 2 * P[1][t][n] : gold[t * 16 + n];
      assert_int_equal(z[t * 16 + n], want);
      assert_int_equal(r[t * 16 + n], want);
    }

  /* hang: bit 3 flipped in cycle 26, read in slot 2 as 2^8 = 10 > 4: the
   * equality compare never sees 4 until the counter wraps at 2^16 */
  f.mask = 8;
  f.cycle = 26;
  assert_int_equal(ax_saf_fold_seq(&a, g, &f, seq, 16, &ns), 1);
  memcpy(z, gold, sizeof z);
  assert_true(ax_saf_apply(&a, g, &f, z, NULL, 0) == AX_SAF_HANG);
  assert_memory_equal(z, gold, sizeof z);
  assert_int_equal(ax_saf_ref_run(&a, g, &f, r), 1);

  /* hang: bit 0 stuck at 0 from cycle 0: the counter reads 0 forever */
  ax_saf_fault s0 = {.site = AX_SAF_CTRL_FOLD, .mask = 1, .value = 0, .stuck = 1};
  assert_int_equal(ax_saf_fold_seq(&a, g, &s0, seq, 16, &ns), 1);
  assert_true(ax_saf_apply(&a, g, &s0, z, NULL, 0) == AX_SAF_HANG);
  assert_int_equal(ax_saf_ref_run(&a, g, &s0, r), 1);

  /* done at once: bit 2 stuck at 1 makes the first read 4 = the fold
   * count: no fold runs, every output reads 0 from the cleared buffer */
  ax_saf_fault s1 = {.site = AX_SAF_CTRL_FOLD, .mask = 4, .value = 4, .stuck = 1};
  assert_int_equal(ax_saf_fold_seq(&a, g, &s1, seq, 16, &ns), 0);
  assert_int_equal(ns, 0);
  memcpy(z, gold, sizeof z);
  ax_saf_apply(&a, g, &s1, z, NULL, 0);
  assert_int_equal(ax_saf_ref_run(&a, g, &s1, r), 0);
  for (int o = 0; o < 48; o++) {
    assert_int_equal(z[o], 0);
    assert_int_equal(r[o], 0);
  }

  /* masked: a flip after the last read (cycle 100) changes nothing */
  f.mask = 1;
  f.cycle = 101;
  memcpy(z, gold, sizeof z);
  assert_int_equal(ax_saf_apply(&a, g, &f, z, NULL, 0), 0);
  assert_int_equal(ax_saf_ref_run(&a, g, &f, r), 0);
  assert_memory_equal(r, gold, sizeof gold);
  free_layer(&L);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hand),
    cmocka_unit_test(test_os),
    cmocka_unit_test(test_ws),
    cmocka_unit_test(test_is),
    cmocka_unit_test(test_ctrl_hand),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
