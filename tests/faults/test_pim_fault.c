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

/* Campaign injections with the layers in PIM banks against a slow path:
 * the step-by-step reference for every GEMM the fault reaches (one for a transient,
 * all for a stuck-at), the model rerun from the input. */
static void campaign_vs_slow(const char *model, const char *data, const char *fm, int n)
{
  char cfg[512], text[1024], err[512] = "";
  snprintf(cfg, sizeof cfg, AX_BIN_DIR "/tests/faults/pim_%s.cfg", fm);
  snprintf(text, sizeof text,
           "model = \"%s\";\ndata = \"%s\";\narray = { filter_sram_kb = 4; ofmap_sram_kb = 4; };\n"
           "pim = { channels = 2; banks = 2; accs = 4; row_bytes = 32; col_bytes = 8; };\n"
           "structures = [\"pim_acc\"];\nfault_model = \"%s\";\ninjections = %d;\nseed = 2;\n",
           model, data, fm, n);
  write_file(cfg, text);
  ax_campaign c;
  assert_int_equal(ax_campaign_load(cfg, &c, err, sizeof err), 0);
  void *scr = ax_campaign_scratch(&c);
  int ace = 0, crit = 0;
  size_t nl = c.is_lm ? c.lm.ngemm : c.net.nl;
  for (uint64_t id = 0; id < ax_campaign_total(&c); id++) {
    ax_fi_row row;
    ax_campaign_sample(&c, id, &row);
    ax_campaign_inject(&c, &row, scr);
    ax_saf_fault f = {.site = AX_SAF_PIM_ACC, .word = (uint32_t)row.word, .mask = row.mask,
                      .stuck = row.stuck, .value = strcmp(fm, "sa1") ? 0 : row.mask};
    /* the hit layer from the cycles of the engine, by hand */
    int hit = -1;
    uint64_t t = 0;
    for (size_t l = 0; l < nl && !row.stuck; l++) {
      if (!c.is_lm && c.net.l[l].kind == AX_QL_MAXPOOL) continue;
      uint32_t mm, nn, kk;
      ax_campaign_layer_dims(&c, (int)l, &mm, &nn, &kk);
      ax_pimf_geom g;
      ax_pimf_geom_cfg(&c.pim_cfg, mm, nn, kk, &g);
      if ((uint64_t)row.cycle < t + g.steps) {
        hit = (int)l;
        f.cycle = row.cycle - (int64_t)t;
        break;
      }
      t += g.steps;
    }
    int32_t lg[64];
    int top, want;
    if (c.is_lm) {
      ax_tlm_fault fx = {.arr = &c.arr, .slow = 1, .gemm = row.stuck ? -1 : hit, .f = f,
                         .pim = &c.pim_cfg};
      void *ts = ax_tlm_scratch(&c.lm);
      top = ax_tlm_run(&c.lm, c.prompts.tok + (size_t)row.image * c.prompts.ctx, NULL, &fx, lg, ts);
      ax_tlm_scratch_free(ts);
      const ax_tlm_gold *gd = &c.lmgold[row.image];
      want = !memcmp(lg, gd->logits, 4 * c.lm.vocab) ? AX_FO_MASKED
             : top != gd->next ? AX_FO_CRITICAL : AX_FO_SDC;
    } else {
      /* layer by layer from the input: the step-by-step PIM reference where the
       * fault is, the plain GEMM elsewhere */
      size_t px = (size_t)c.data.h * c.data.w * c.data.c;
      int8_t x[4096], y[4096];
      int32_t z[4096];
      memcpy(x, c.data.x + row.image * px, px);
      for (size_t l = 0; l < c.net.nl; l++) {
        const ax_qlayer *L = &c.net.l[l];
        if (L->kind == AX_QL_MAXPOOL) {
          ax_qlayer_pool(L, x, y);
          memcpy(x, y, (size_t)L->out_h * L->out_w * L->out_c);
          continue;
        }
        ax_saf_gemm gm = {.m = L->m, .n = L->n, .k = L->k, .ifmap = x,
                          .ifmap_words = (uint32_t)ax_qlayer_in_elems(L), .aidx = L->aidx,
                          .w = L->w};
        if (row.stuck || (int)l == hit) {
          ax_pimf_geom g;
          ax_pimf_geom_cfg(&c.pim_cfg, L->m, L->n, L->k, &g);
          ax_pimf_ref_run(&g, &gm, &f, z);
        } else {
          ax_saf_golden(&gm, z);
        }
        if (l + 1 == c.net.nl) {
          for (uint32_t o = 0; o < L->n; o++) lg[o] = (int32_t)((uint32_t)z[o] + (uint32_t)L->b[o]);
        } else {
          ax_qlayer_post(L, z, y, NULL, 0, -1);
          memcpy(x, y, (size_t)L->m * L->n);
        }
      }
      const ax_qgold *gd = &c.gold[row.image];
      top = ax_qtop1(lg, gd->nclass);
      want = !memcmp(lg, gd->logits, 4 * gd->nclass) ? AX_FO_MASKED
             : top != gd->top1 ? AX_FO_CRITICAL : AX_FO_SDC;
    }
    if (row.raw_outcome != want)
      fail_msg("id %llu acc %llu mask %x cycle %lld: fast %s slow %s", (unsigned long long)id,
               (unsigned long long)row.word, row.mask, (long long)row.cycle,
               ax_fout_name((ax_fout)row.raw_outcome), ax_fout_name((ax_fout)want));
    ace += want != AX_FO_MASKED;
    crit += want == AX_FO_CRITICAL;
  }
  print_message("%s in PIM 2x2x4, %s: %llu injections, %d not masked, %d critical\n", c.name, fm,
                (unsigned long long)ax_campaign_total(&c), ace, crit);
  assert_true(ace >= 20);
  ax_campaign_scratch_free(scr);
  ax_campaign_free(&c);
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
