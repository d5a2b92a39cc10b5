/*
 * The tiny transformer in C against the numpy exporter
 * (workloads/tinylm/make_tinylm.py): every prompt's next token and all 32
 * logits equal the exported ones; the golden record replays; the integer
 * square root and the readers' errors by hand.
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
#include "tinylm.h"

#define LM AX_SRC_DIR "/workloads/tinylm/"

static void next_tokens_equal_numpy(void **state)
{
  (void)state;
  ax_tlm lm;
  ax_tlm_prompts p;
  char err[512] = "";
  assert_int_equal(ax_tlm_load(LM "tinylm.axlm", &lm, err, sizeof err), 0);
  assert_int_equal(ax_tlm_prompts_load(LM "tinylm-prompts.txt", &lm, &p, err, sizeof err), 0);
  assert_int_equal(p.n, 64);
  /* schedule: 2 blocks x (qkv + 2 heads x (score, pv) + o + ffn1 + ffn2) + out */
  assert_int_equal(lm.ngemm, 2 * (1 + 2 * 2 + 3) + 1);
  assert_string_equal(lm.g[1].name, "b0.score0");
  assert_int_equal(lm.g[1].m, 8); assert_int_equal(lm.g[1].k, 16); assert_int_equal(lm.g[1].n, 8);
  void *scr = ax_tlm_scratch(&lm);
  uint32_t distinct = 0, seen[64] = {0};
  for (uint32_t i = 0; i < p.n; i++) {
    ax_tlm_gold g;
    ax_tlm_gold_alloc(&lm, &g);
    int32_t lg[64];
    int nx = ax_tlm_run(&lm, p.tok + i * p.ctx, &g, NULL, lg, scr);
    assert_int_equal(nx, p.next[i]);
    assert_memory_equal(lg, p.logits + (size_t)i * p.vocab, sizeof(int32_t) * p.vocab);
    distinct += !seen[nx]++;
    /* a run that reuses the golden GEMMs (no fault hits: gemm index past the
     * schedule) gives the same logits */
    ax_sa_array arr = {.rows = 16, .cols = 16, .df = AX_SA_WS, .word_bytes = 1};
    ax_tlm_fault fx = {.arr = &arr, .gemm = (int)lm.ngemm, .ref = &g};
    int32_t lg2[64];
    assert_int_equal(ax_tlm_run(&lm, p.tok + i * p.ctx, NULL, &fx, lg2, scr), nx);
    assert_memory_equal(lg2, lg, sizeof(int32_t) * p.vocab);
    ax_tlm_gold_free(&lm, &g);
  }
  /* random weights still give varied next tokens (the exporter printed 15) */
  assert_int_equal(distinct, 15);
  ax_tlm_scratch_free(scr);
  ax_tlm_prompts_free(&p);
  ax_tlm_free(&lm);
}

static void isqrt_by_hand(void **state)
{
  (void)state;
  assert_int_equal(ax_tlm_isqrt(0), 0);
  assert_int_equal(ax_tlm_isqrt(1), 1);
  assert_int_equal(ax_tlm_isqrt(15), 3);
  assert_int_equal(ax_tlm_isqrt(16), 4);
  assert_int_equal(ax_tlm_isqrt(99999999), 9999);
  assert_int_equal(ax_tlm_isqrt(100000000), 10000);
  assert_int_equal(ax_tlm_isqrt(18446744073709551615ull), 4294967295ull);
}

static void reader_errors(void **state)
{
  (void)state;
  ax_tlm lm;
  ax_tlm_prompts p;
  char err[512] = "";
  const char *f = AX_BIN_DIR "/tlm_bad.axlm";
  write_file(f, "axlm 1\nmodel x seed 1\ndims vocab 32 ctx 8 d 30 heads 4 ffn 8 layers 1\n");
  assert_int_not_equal(ax_tlm_load(f, &lm, err, sizeof err), 0);
  assert_non_null(strstr(err, "tlm_bad.axlm:3: d = 30 is not a multiple of heads = 4"));
  write_file(f, "axlm 1\nmodel x seed 1\ndims vocab 99 ctx 8 d 32 heads 2 ffn 8 layers 1\n");
  assert_int_not_equal(ax_tlm_load(f, &lm, err, sizeof err), 0);
  assert_non_null(strstr(err, ":3: vocab: '99' is not an integer in [1, 64]"));
  write_file(f, "axlm 1\nmodel x seed 1\ndims vocab 4 ctx 2 d 2 heads 1 ffn 2 layers 1\nlut 1 3\n");
  assert_int_not_equal(ax_tlm_load(f, &lm, err, sizeof err), 0);
  assert_non_null(strstr(err, ":4: lut: shape 1 x 3 does not match the dims, expected 1 x 256"));
  assert_int_equal(ax_tlm_load(LM "tinylm.axlm", &lm, err, sizeof err), 0);
  const char *g = AX_BIN_DIR "/tlm_bad.txt";
  write_file(g, "axlmp 1\nprompts 1 ctx 8 vocab 32\n3 1 2 3 4 5 6 7 32\n");
  assert_int_not_equal(ax_tlm_prompts_load(g, &lm, &p, err, sizeof err), 0);
  assert_non_null(strstr(err, "tlm_bad.txt:3: prompt token: '32' is not an integer in [0, 31]"));
  write_file(g, "axlmp 1\nprompts 1 ctx 4 vocab 32\n");
  assert_int_not_equal(ax_tlm_prompts_load(g, &lm, &p, err, sizeof err), 0);
  assert_non_null(strstr(err, "do not match the model's (8 / 32)"));
  ax_tlm_free(&lm);
}

/* Campaign injections on the transformer (fast mapping, golden reuse,
 * early masking) against the slow path: the hit GEMM(s) on the per-PE
 * reference and every other GEMM recomputed. */
static void campaign_vs_slow(const char *df, int rows, const char *fm, int n, int min_ace)
{
  char cfg[512], text[1024], err[512] = "";
  snprintf(cfg, sizeof cfg, AX_BIN_DIR "/tlm_%s_%s.cfg", df, fm);
  snprintf(text, sizeof text,
           "model = \"" LM "tinylm.axlm\";\ndata = \"" LM "tinylm-prompts.txt\";\n"
           "array = { rows = %d; cols = %d; dataflow = \"%s\"; ifmap_sram_kb = 1; "
           "filter_sram_kb = 4; ofmap_sram_kb = 4; };\nfault_model = \"%s\";\n"
           "injections = %d;\nseed = 3;\n"
           "structures = [\"ifmap_sram\", \"filter_sram\", \"ofmap_sram\", \"pe_ifmap\", "
           "\"pe_weight\", \"pe_acc\", \"ctrl_fold\"];\n", rows, rows, df, fm, n);
  write_file(cfg, text);
  ax_campaign c;
  assert_int_equal(ax_campaign_load(cfg, &c, err, sizeof err), 0);
  assert_true(c.is_lm);
  assert_true(c.clean_accuracy == 1.0);
  void *scr = ax_campaign_scratch(&c);
  void *ts = ax_tlm_scratch(&c.lm);
  uint64_t total = ax_campaign_total(&c), ace = 0, crit = 0, hang = 0;
  uint64_t site_ace[AX_SAF_NSITES] = {0};
  for (uint64_t id = 0; id < total; id++) {
    ax_fi_row row;
    ax_campaign_sample(&c, id, &row);
    ax_campaign_inject(&c, &row, scr);
    /* slow: which GEMM from the timeline, by hand */
    ax_tlm_fault fx = {.arr = &c.arr, .slow = 1, .gemm = -1};
    fx.f.site = (ax_saf_site)row.site;
    fx.f.word = (uint32_t)row.word;
    fx.f.mask = row.mask;
    fx.f.stuck = row.stuck;
    fx.f.value = strcmp(fm, "sa1") == 0 ? row.mask : 0;
    if (!row.stuck) {
      uint64_t t = 0;
      for (uint32_t j = 0; j < c.lm.ngemm; j++) {
        ax_saf_gemm g = {.m = c.lm.g[j].m, .n = c.lm.g[j].n, .k = c.lm.g[j].k};
        uint64_t d = ax_saf_cycles(&c.arr, &g);
        if ((uint64_t)row.cycle < t + d) {
          fx.gemm = (int)j;
          fx.f.cycle = row.cycle - (int64_t)t;
          break;
        }
        t += d;
      }
      assert_true(fx.gemm >= 0);
      assert_int_equal(fx.gemm, row.layer);
    }
    int32_t lg[64];
    int nx = ax_tlm_run(&c.lm, c.prompts.tok + (size_t)row.image * c.prompts.ctx, NULL, &fx, lg, ts);
    const ax_tlm_gold *gd = &c.lmgold[row.image];
    int want = nx < 0 ? AX_FO_HANG
               : memcmp(lg, gd->logits, sizeof(int32_t) * c.lm.vocab) == 0 ? AX_FO_MASKED
               : nx != gd->next ? AX_FO_CRITICAL : AX_FO_SDC;
    if (row.raw_outcome != want)
      fail_msg("id %llu site %s word %llu mask %x cycle %lld: fast %s, slow %s",
               (unsigned long long)id, ax_saf_site_name((ax_saf_site)row.site),
               (unsigned long long)row.word, row.mask, (long long)row.cycle,
               ax_fout_name((ax_fout)row.raw_outcome), ax_fout_name((ax_fout)want));
    if (want != AX_FO_MASKED) {
      ace++;
      site_ace[row.site]++;
      if (row.raw_outcome != AX_FO_MASKED && want == AX_FO_CRITICAL) crit++;
      if (want == AX_FO_CRITICAL) assert_int_equal(row.top1_fault, nx);
      if (want == AX_FO_HANG) hang++;
    }
  }
  print_message("tinylm %s %dx%d %s: %llu injections, %llu not masked, %llu critical, %llu hangs\n",
                df, rows, rows, fm, (unsigned long long)total, (unsigned long long)ace,
                (unsigned long long)crit, (unsigned long long)hang);
  assert_true(hang >= 5);
  /* agreement is not agreement on "nothing happened" */
  for (int s = 0; s < AX_SAF_ARRAY_NSITES; s++) assert_true(site_ace[s] >= (uint64_t)min_ace);
  ax_tlm_scratch_free(ts);
  ax_campaign_scratch_free(scr);
  ax_campaign_free(&c);
}

static void campaign_ws_flip(void **state)
{
  (void)state;
  campaign_vs_slow("ws", 16, "flip", 150, 5);
}

static void campaign_os_flip(void **state)
{
  (void)state;
  campaign_vs_slow("os", 8, "flip", 150, 5);
}

static void campaign_is_sa1(void **state)
{
  (void)state;
  campaign_vs_slow("is", 8, "sa1", 25, 5);
}

static void campaign_is_mbu(void **state)
{
  (void)state;
  campaign_vs_slow("is", 8, "mbu", 100, 3);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(next_tokens_equal_numpy),
      cmocka_unit_test(isqrt_by_hand),
      cmocka_unit_test(reader_errors),
      cmocka_unit_test(campaign_ws_flip),
      cmocka_unit_test(campaign_os_flip),
      cmocka_unit_test(campaign_is_sa1),
      cmocka_unit_test(campaign_is_mbu),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
