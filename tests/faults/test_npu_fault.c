/*
 * The NPU MAC engine's accumulator faults: the closed-form mapping
 * (ax_npuf_apply) against the slow per-cycle reference (ax_npuf_ref_run)
 * for the four Ethos-U55 configurations of models/npu, transient and
 * stuck-at, on a conv and an fc layer; the geometry and a flip by hand.
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
#include "npu_func.h"

static uint64_t st = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
  uint64_t z = (st += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static void arch(ax_npu_arch *a, uint32_t macs, uint32_t bw, uint32_t bh, uint32_t bd)
{
  char err[256];
  assert_int_equal(ax_npu_arch_init(a, macs, bw, bh, bd, 8, err, sizeof err), 0);
}

/* U55-128: micro-block 2 x 1 x 8; block 4 x 2 x 16 on a 6 x 6 x 16 OFM:
 * 3 x 2 x 1 = 6 blocks of 2 x 2 x 2 = 8 micro-blocks; K = 72 -> 9 cycles;
 * D = 48 * 9 + 1 = 433. The second x-block covers x = 4..7: its micro-blocks
 * at x = 6, 7 hold no output. */
static void geometry_by_hand(void **s)
{
  (void)s;
  ax_npu_arch a;
  arch(&a, 128, 4, 2, 16);
  ax_npuf_geom g;
  ax_npuf_geom_of(&a, 6, 6, 16, 72, &g);
  assert_int_equal(ax_npuf_accs(&a), 16);
  assert_int_equal(g.nmb, 48);
  assert_int_equal(g.nc, 9);
  assert_int_equal(g.cycles, 433);
  uint32_t m, n;
  /* micro-block 0: y 0, x 0..1, d 0..7; accumulator (ux 1, uy 0, uz 3) = 11 */
  assert_true(ax_npuf_output(&g, 0, 11, &m, &n));
  assert_int_equal(m, 1);
  assert_int_equal(n, 3);
  /* micro-block 1: the next depth slice d 8..15 */
  assert_true(ax_npuf_output(&g, 1, 0, &m, &n));
  assert_int_equal(m, 0);
  assert_int_equal(n, 8);
  /* block 1 (x 4..7), micro-block 2 of it (x 6..7): outside the OFM */
  assert_false(ax_npuf_output(&g, 8 + 2, 0, &m, &n));
}

/* U55-32 (1 x 1 x 4), K = 16 (2 cycles), 1 x 1 x 4 OFM: one micro-block,
 * D = 3. A = 1s, B[k][0] = 1: Z[0][0] = 16, after cycle 0 the partial sum
 * is 8. Bit 0 flipped in S_1: 9 + 8 = 17; in S_0: overwritten by the first
 * MAC, 16; in S_2 (the output unit's read): 16 ^ 1 = 17. */
static void flip_by_hand(void **s)
{
  (void)s;
  ax_npu_arch a;
  arch(&a, 32, 1, 1, 4);
  ax_npuf_geom g;
  ax_npuf_geom_of(&a, 1, 1, 4, 16, &g);
  assert_int_equal(g.cycles, 3);
  int8_t A[16], B[64];
  memset(A, 1, sizeof A);
  memset(B, 0, sizeof B);
  for (int k = 0; k < 16; k++) B[k * 4] = 1;
  ax_saf_gemm gm = {.m = 1, .n = 4, .k = 16, .ifmap = A, .ifmap_words = 16, .w = B};
  int32_t z[4], r[4];
  int cyc[3] = {1, 0, 2}, want[3] = {17, 16, 17};
  for (int t = 0; t < 3; t++) {
    ax_saf_golden(&gm, z);
    assert_int_equal(z[0], 16);
    ax_saf_fault f = {.site = AX_SAF_NPU_ACC, .word = 0, .mask = 1, .cycle = cyc[t]};
    ax_npuf_apply(&g, &gm, &f, z);
    ax_npuf_ref_run(&g, &gm, &f, r);
    assert_int_equal(z[0], want[t]);
    assert_int_equal(r[0], want[t]);
  }
}

static void random_faults(void **s)
{
  (void)s;
  static const uint32_t macs[4] = {32, 64, 128, 256};
  static const uint32_t blk[4][3] = {{2, 2, 8}, {3, 2, 16}, {4, 3, 16}, {4, 4, 8}};
  int8_t ifm[8 * 8 * 8], w[72 * 16];
  for (size_t i = 0; i < sizeof ifm; i++) ifm[i] = (int8_t)(rnd() % 256);
  for (size_t i = 0; i < sizeof w; i++) w[i] = (int8_t)(rnd() % 256);
  /* conv 3x3 on 8x8x8 -> 6x6x13 (K = 72, partial depth blocks), fc 1x1x10 (K = 64) */
  int32_t aidx[36 * 72];
  for (uint32_t y = 0; y < 6; y++)
    for (uint32_t x = 0; x < 6; x++)
      for (uint32_t k = 0; k < 72; k++) {
        uint32_t fy = k / 24, fx = k / 8 % 3, c = k % 8;
        aidx[(y * 6 + x) * 72 + k] = (int32_t)(((y + fy) * 8 + x + fx) * 8 + c);
      }
  ax_saf_gemm conv = {.m = 36, .n = 13, .k = 72, .ifmap = ifm, .ifmap_words = 512, .aidx = aidx,
                      .w = w};
  ax_saf_gemm fc = {.m = 1, .n = 10, .k = 64, .ifmap = ifm, .ifmap_words = 64, .w = w};
  int total = 0, changed = 0;
  for (int ci = 0; ci < 4; ci++) {
    ax_npu_arch a;
    arch(&a, macs[ci], blk[ci][0] * (macs[ci] >= 128 ? 2 : 1), blk[ci][1] * (macs[ci] == 256 ? 2 : 1),
         blk[ci][2]);
    for (int li = 0; li < 2; li++) {
      const ax_saf_gemm *gm = li ? &fc : &conv;
      ax_npuf_geom g;
      if (li) ax_npuf_geom_of(&a, 1, 1, 10, 64, &g);
      else ax_npuf_geom_of(&a, 6, 6, 13, 72, &g);
      size_t nz = (size_t)gm->m * gm->n;
      int32_t gold[36 * 13], fast[36 * 13], ref[36 * 13];
      ax_saf_golden(gm, gold);
      ax_npuf_ref_run(&g, gm, NULL, ref);
      assert_memory_equal(gold, ref, nz * 4);
      for (int t = 0; t < 300; t++) {
        ax_saf_fault f = {.site = AX_SAF_NPU_ACC};
        f.word = (uint32_t)(rnd() % (ax_npuf_accs(&a) + 1));
        unsigned b = (unsigned)(rnd() % 32), kind = (unsigned)(rnd() % 3);
        f.mask = kind == 1 && b < 31 ? 3u << b : 1u << b;
        f.stuck = kind == 2;
        f.value = rnd() & 1 ? f.mask : 0;
        f.cycle = (int64_t)(rnd() % g.cycles);
        memcpy(fast, gold, nz * 4);
        ax_npuf_apply(&g, gm, &f, fast);
        ax_npuf_ref_run(&g, gm, &f, ref);
        if (memcmp(fast, ref, nz * 4)) {
          print_error("U55-%u %s: acc %u mask %#x stuck %d value %#x cycle %lld\n", macs[ci],
                      li ? "fc" : "conv", f.word, f.mask, f.stuck, f.value, (long long)f.cycle);
          fail();
        }
        total++;
        changed += memcmp(fast, gold, nz * 4) != 0;
      }
    }
  }
  print_message("%d accumulator faults, %d changed the outputs\n", total, changed);
  assert_true(changed > total / 5);
}

/* Campaign injections with the layers on the NPU (Ethos-U55-like, 128
 * MACs) against its per-cycle engine (see unit_vs_slow.h). */
static uint64_t npu_layer_cycles(ax_campaign *c, int l)
{
  ax_npuf_geom g;
  ax_campaign_npu_geom(c, l, &g);
  return g.cycles;
}
static void npu_ref_run(ax_campaign *c, const ax_qlayer *L, int l, const ax_saf_gemm *gm,
                        const ax_saf_fault *f, int32_t *z)
{
  (void)L;
  ax_npuf_geom g;
  ax_campaign_npu_geom(c, l, &g);
  ax_npuf_ref_run(&g, gm, f, z);
}
static void npu_lm_unit(ax_campaign *c, ax_tlm_fault *fx) { fx->npu = &c->npu_arch; }
static const unit_slow npu_unit = {
    .tag = "npu",
    .block = "npu = { macs_per_cycle = 128; block_w = 4; block_h = 2; block_d = 16; };",
    .structure = "npu_acc", .label = "on U55-128", .site = AX_SAF_NPU_ACC,
    .layer_cycles = npu_layer_cycles, .ref_run = npu_ref_run, .lm_unit = npu_lm_unit};

static void campaign_vs_slow(const char *model, const char *data, const char *fm, int n)
{
  unit_campaign_vs_slow(&npu_unit, model, data, fm, n);
}

static void campaign_digits(void **s)
{
  (void)s;
  campaign_vs_slow(AX_SRC_DIR "/workloads/digits/digits-cnn.axq",
                   AX_SRC_DIR "/workloads/digits/digits-test.axd", "flip", 400);
  campaign_vs_slow(AX_SRC_DIR "/workloads/digits/digits-cnn.axq",
                   AX_SRC_DIR "/workloads/digits/digits-test.axd", "sa1", 60);
}

static void campaign_tinylm(void **s)
{
  (void)s;
  campaign_vs_slow(AX_SRC_DIR "/workloads/tinylm/tinylm.axlm",
                   AX_SRC_DIR "/workloads/tinylm/tinylm-prompts.txt", "flip", 400);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(geometry_by_hand),
      cmocka_unit_test(flip_by_hand),
      cmocka_unit_test(random_faults),
      cmocka_unit_test(campaign_digits),
      cmocka_unit_test(campaign_tinylm),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
