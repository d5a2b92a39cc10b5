/*
 * PIM partial-sum register faults: the closed-form mapping (ax_pimf_apply)
 * against the step-by-step reference of every channel, bank and register
 * (ax_pimf_ref_run), over geometries that split K into several DRAM rows
 * with a short last column, and rows into several register blocks; the
 * geometry and a flip by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "axtest.h"
#include "unit_vs_slow.h"

#include "campaign.h"
#include "pim_func.h"

static uint64_t st = 0x13198a2e03707344ull;
static uint64_t rnd(void)
{
  uint64_t z = (st += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* 2 channels x 2 banks x 2 registers, 10-element DRAM rows, 4 per MAC_AB;
 * N = 11 rows of K = 23: channel 0 holds rows 0 2 4 6 8 10 = 6 rows, 3
 * groups per bank (bank 0: rows 0, 4, 8; bank 1: 2, 6, 10), so blocks of 2
 * and 1 groups. K = 23 is chunks of 10, 10, 3: columns 3 + 3 + 1 = 7 per
 * group. Steps of one vector: (2 x 7 + 1) + (1 x 7 + 1) = 23; M = 2: 46. */
static void geometry_by_hand(void **s)
{
  (void)s;
  ax_pimf_geom g;
  ax_pimf_geom_of(2, 2, 2, 10, 4, 2, 11, 23, &g);
  assert_int_equal(g.chunk_cols, 7);
  assert_int_equal(g.steps, 46);
  assert_int_equal(ax_pimf_regs(&g), 8);
}

/* One channel, one bank, one register, 8-element rows, 4 per MAC_AB,
 * K = 8, N = 1, A = B = 1s: Z = 8, steps 0 and 1 are the MACs, 2 the
 * readout. Bit 1 flipped in step 1 (partial sum 4 -> 6): 10. In step 0
 * the first MAC overwrites it: 8. In step 2 (readout): 8 ^ 2 = 10. */
static void flip_by_hand(void **s)
{
  (void)s;
  ax_pimf_geom g;
  ax_pimf_geom_of(1, 1, 1, 8, 4, 1, 1, 8, &g);
  assert_int_equal(g.steps, 3);
  int8_t A[8], B[8];
  memset(A, 1, sizeof A);
  memset(B, 1, sizeof B);
  ax_saf_gemm gm = {.m = 1, .n = 1, .k = 8, .ifmap = A, .ifmap_words = 8, .w = B};
  int cyc[3] = {1, 0, 2}, want[3] = {10, 8, 10};
  for (int t = 0; t < 3; t++) {
    int32_t z = 8, r;
    ax_saf_fault f = {.site = AX_SAF_PIM_ACC, .word = 0, .mask = 2, .cycle = cyc[t]};
    ax_pimf_apply(&g, &gm, &f, &z);
    ax_pimf_ref_run(&g, &gm, &f, &r);
    assert_int_equal(z, want[t]);
    assert_int_equal(r, want[t]);
  }
}

static void random_faults(void **s)
{
  (void)s;
  static const uint32_t geo[4][5] = {
      {2, 2, 2, 10, 4}, {1, 4, 3, 16, 16}, {3, 2, 1, 7, 3}, {8, 16, 16, 2048, 32}};
  static const uint32_t dims[3][3] = {{2, 11, 23}, {1, 10, 64}, {3, 7, 5}};
  int8_t a[3 * 64], w[64 * 11];
  for (size_t i = 0; i < sizeof a; i++) a[i] = (int8_t)(rnd() % 256);
  for (size_t i = 0; i < sizeof w; i++) w[i] = (int8_t)(rnd() % 256);
  int total = 0, changed = 0;
  for (int gi = 0; gi < 4; gi++)
    for (int di = 0; di < 3; di++) {
      ax_saf_gemm gm = {.m = dims[di][0], .n = dims[di][1], .k = dims[di][2], .ifmap = a,
                        .ifmap_words = dims[di][0] * dims[di][2], .w = w};
      ax_pimf_geom g;
      ax_pimf_geom_of(geo[gi][0], geo[gi][1], geo[gi][2], geo[gi][3], geo[gi][4], gm.m, gm.n, gm.k, &g);
      size_t nz = (size_t)gm.m * gm.n;
      int32_t gold[64], fast[64], ref[64];
      ax_saf_golden(&gm, gold);
      ax_pimf_ref_run(&g, &gm, NULL, ref);
      assert_memory_equal(gold, ref, nz * 4);
      for (int t = 0; t < 250; t++) {
        ax_saf_fault f = {.site = AX_SAF_PIM_ACC};
        /* registers that hold rows: the low ones of each bank are the busy ones */
        f.word = (uint32_t)(rnd() % (gi == 3 ? 64 : ax_pimf_regs(&g) + 1));
        unsigned b = (unsigned)(rnd() % 32), kind = (unsigned)(rnd() % 3);
        f.mask = kind == 1 && b < 31 ? 3u << b : 1u << b;
        f.stuck = kind == 2;
        f.value = rnd() & 1 ? f.mask : 0;
        f.cycle = (int64_t)(rnd() % (g.steps + 1));
        memcpy(fast, gold, nz * 4);
        ax_pimf_apply(&g, &gm, &f, fast);
        ax_pimf_ref_run(&g, &gm, &f, ref);
        if (memcmp(fast, ref, nz * 4)) {
          print_error("geo %d dims %d: reg %u mask %#x stuck %d value %#x step %lld\n", gi, di,
                      f.word, f.mask, f.stuck, f.value, (long long)f.cycle);
          fail();
        }
        total++;
        changed += memcmp(fast, gold, nz * 4) != 0;
      }
    }
  print_message("%d partial-sum register faults, %d changed the outputs\n", total, changed);
  assert_true(changed > total / 5);
}

/* Campaign injections with the layers in the PIM banks (2 channels x 2
 * banks x 4 registers) against the step-by-step reference of every
 * channel, bank and register (see unit_vs_slow.h). */
static uint64_t pim_layer_cycles(ax_campaign *c, int l)
{
  uint32_t mm, nn, kk;
  ax_campaign_layer_dims(c, l, &mm, &nn, &kk);
  ax_pimf_geom g;
  ax_pimf_geom_cfg(&c->pim_cfg, mm, nn, kk, &g);
  return g.steps;
}
static void pim_ref_run(ax_campaign *c, const ax_qlayer *L, int l, const ax_saf_gemm *gm,
                        const ax_saf_fault *f, int32_t *z)
{
  (void)l;
  ax_pimf_geom g;
  ax_pimf_geom_cfg(&c->pim_cfg, L->m, L->n, L->k, &g);
  ax_pimf_ref_run(&g, gm, f, z);
}
static void pim_lm_unit(ax_campaign *c, ax_tlm_fault *fx) { fx->pim = &c->pim_cfg; }
static const unit_slow pim_unit = {
    .tag = "pim",
    .block = "pim = { channels = 2; banks = 2; accs = 4; row_bytes = 32; col_bytes = 8; };",
    .structure = "pim_acc", .label = "in PIM 2x2x4", .site = AX_SAF_PIM_ACC,
    .layer_cycles = pim_layer_cycles, .ref_run = pim_ref_run, .lm_unit = pim_lm_unit};

static void campaign_vs_slow(const char *model, const char *data, const char *fm, int n)
{
  unit_campaign_vs_slow(&pim_unit, model, data, fm, n);
}

static void campaign_mlp(void **s)
{
  (void)s;
  campaign_vs_slow(AX_SRC_DIR "/workloads/digits/digits-mlp.axq",
                   AX_SRC_DIR "/workloads/digits/digits-test.axd", "flip", 400);
  campaign_vs_slow(AX_SRC_DIR "/workloads/digits/digits-cnn.axq",
                   AX_SRC_DIR "/workloads/digits/digits-test.axd", "sa0", 60);
}

static void campaign_tinylm(void **s)
{
  (void)s;
  campaign_vs_slow(AX_SRC_DIR "/workloads/tinylm/tinylm.axlm",
                   AX_SRC_DIR "/workloads/tinylm/tinylm-prompts.txt", "flip", 300);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(geometry_by_hand),
      cmocka_unit_test(flip_by_hand),
      cmocka_unit_test(random_faults),
      cmocka_unit_test(campaign_mlp),
      cmocka_unit_test(campaign_tinylm),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
