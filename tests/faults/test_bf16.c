/*
 * The bf16 datapath: conversions, exponent / sign / mantissa flips and the
 * saturating conversion back to int32 by hand; the fp32 addition order of
 * the array by hand (a case where it changes the sum); the transformer on
 * the bf16 datapath equal to numpy's export; bf16 weight-memory faults
 * whose corrupted weight is still an int8 value equal to the int8 path
 * with that weight, and exponent flips hurting more than mantissa flips.
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

#include "campaign.h"
#include "sa_bf16.h"

#define LM AX_SRC_DIR "/workloads/tinylm/"
#define TD AX_BIN_DIR "/tests/faults/"

static void bf16_by_hand(void **st)
{
  (void)st;
  /* 1 = 0 01111111 0000000; 3 = 1.5 x 2^1 = 0 10000000 1000000 */
  assert_int_equal(ax_bf16_from_f32(1.0f), 0x3F80);
  assert_int_equal(ax_bf16_from_f32(3.0f), 0x4040);
  assert_int_equal(ax_bf16_from_f32(-2.0f), 0xC000);
  /* 127 = 1.984375 x 2^6: exponent 133 = 10000101, mantissa 1111110 */
  assert_int_equal(ax_bf16_from_f32(127.0f), 0x42FE);
  assert_int_equal(ax_bf16_from_f32(-128.0f), 0xC300);
  /* round to nearest even: 1 + 2^-8 is a tie -> 1.0; 1 + 3 2^-8 -> 1 + 2^-6
   * (mantissa 0000010); just above the tie rounds up */
  assert_int_equal(ax_bf16_from_f32(1.00390625f), 0x3F80);
  assert_int_equal(ax_bf16_from_f32(1.01171875f), 0x3F82);
  assert_int_equal(ax_bf16_from_f32(1.00390625f + 1.0f / (1 << 20)), 0x3F81);
  /* flips of 3.0 (0x4040) */
  assert_true(ax_bf16_to_f32(0x4040 ^ 0x0080) == 6.0f);              /* exponent LSB: x2 */
  assert_true(ax_bf16_to_f32(0x4040 ^ 0x2000) == ldexpf(3.0f, 64));  /* exponent bit 6: x2^64 */
  assert_true(ax_bf16_to_f32(0x4040 ^ 0x4000) == ldexpf(1.0f, -127)); /* exponent MSB: subnormal */
  assert_true(ax_bf16_to_f32(0x4040 ^ 0x8000) == -3.0f);             /* sign */
  assert_true(ax_bf16_to_f32(0x4040 ^ 0x0001) == 3.015625f);         /* mantissa LSB: 3 + 2^-6 */
  assert_true(isinf(ax_bf16_to_f32(0x3F80 ^ 0x4000)));                /* 1.0 -> exponent 255: inf */
  /* fp32 -> int32: ties to even, saturating, NaN -> 0 */
  assert_int_equal(ax_f32_to_i32_sat(2.5f), 2);
  assert_int_equal(ax_f32_to_i32_sat(3.5f), 4);
  assert_int_equal(ax_f32_to_i32_sat(-2.5f), -2);
  assert_int_equal(ax_f32_to_i32_sat(2147483520.0f), 2147483520);
  assert_int_equal(ax_f32_to_i32_sat(1e10f), INT32_MAX);
  assert_int_equal(ax_f32_to_i32_sat(-INFINITY), INT32_MIN);
  assert_int_equal(ax_f32_to_i32_sat(NAN), 0);
}

/* Products [2^24, 1, 1, 1]: ws with R = 2 adds (2^24 + 1) -> 2^24 (tie to
 * even) and (1 + 1) = 2, then 2^24 + 2 = 16777218; one running sum (os, or
 * ws with R = 4) loses every 1: 16777216. Clean int8 data never needs
 * more than 2^24, so it is exact in any order. */
static void addition_order(void **st)
{
  (void)st;
  uint16_t A[4], B[4];
  float v[4] = {4096.0f, 1.0f, 1.0f, 1.0f};
  for (int i = 0; i < 4; i++) A[i] = B[i] = ax_bf16_from_f32(v[i]);
  float z;
  ax_sa_array ws2 = {.rows = 2, .cols = 2, .df = AX_SA_WS};
  ax_sab_gemm(&ws2, 1, 1, 4, A, B, &z);
  assert_true(z == 16777218.0f);
  ax_sa_array ws4 = {.rows = 4, .cols = 4, .df = AX_SA_WS};
  ax_sab_gemm(&ws4, 1, 1, 4, A, B, &z);
  assert_true(z == 16777216.0f);
  ax_sa_array os = {.rows = 2, .cols = 2, .df = AX_SA_OS};
  ax_sab_gemm(&os, 1, 1, 4, A, B, &z);
  assert_true(z == 16777216.0f);
}

static void tinylm_bf16_equals_numpy(void **st)
{
  (void)st;
  ax_tlm lm;
  ax_tlm_prompts p;
  char err[512] = "";
  assert_int_equal(ax_tlm_load(LM "tinylm.axlm", &lm, err, sizeof err), 0);
  assert_int_equal(ax_tlm_prompts_load(LM "tinylm-prompts.txt", &lm, &p, err, sizeof err), 0);
  lm.bf16 = 1;
  lm.bf16_arr = (ax_sa_array){.rows = 16, .cols = 16, .df = AX_SA_WS};
  void *scr = ax_tlm_scratch(&lm);
  for (uint32_t i = 0; i < p.n; i++) {
    int32_t lg[64];
    assert_int_equal(ax_tlm_run(&lm, p.tok + i * p.ctx, NULL, NULL, lg, scr), p.next[i]);
    assert_memory_equal(lg, p.logits + (size_t)i * p.vocab, sizeof(int32_t) * p.vocab);
  }
  ax_tlm_scratch_free(scr);
  ax_tlm_prompts_free(&p);
  ax_tlm_free(&lm);
}

static void bf16_weight_memory(void **st)
{
  (void)st;
  const char *cfg = TD "bf16.cfg";
  write_file(cfg, "model = \"" LM "tinylm.axlm\";\ndata = \"" LM "tinylm-prompts.txt\";\n"
                  "array = { rows = 16; cols = 16; dataflow = \"ws\"; datatype = \"bf16\"; "
                  "filter_sram_kb = 4; ofmap_sram_kb = 4; };\nstructures = [\"dram_weight\"];\n"
                  "fault_model = \"sa1\";\ninjections = 1200;\nseed = 9;\n");
  ax_campaign c;
  char err[512] = "";
  assert_int_equal(ax_campaign_load(cfg, &c, err, sizeof err), 0);
  /* 4 bf16 weights a word: 8192 / 4 = 2048 words a block, 2 blocks, + 256 */
  assert_int_equal(c.dram_words, 2 * 2048 + 256);
  assert_true(c.clean_accuracy == 1.0);
  void *scr = ax_campaign_scratch(&c);
  void *ts = ax_tlm_scratch(&c.lm);
  int checked = 0, n_field[3] = {0}, bad_field[3] = {0};
  for (uint64_t id = 0; id < ax_campaign_total(&c); id++) {
    ax_fi_row row;
    ax_campaign_sample(&c, id, &row);
    ax_campaign_inject(&c, &row, scr);
    if (row.bit >= 64) continue; /* a check bit: no reader without ECC */
    int l = row.layer;
    assert_true(l >= 0);
    size_t n;
    const int8_t *w = ax_campaign_layer_weights(&c, l, &n);
    size_t wi = (row.word - c.dram_wstart[l]) * 4 + row.bit / 16;
    if (wi >= n) continue;
    unsigned b = row.bit % 16;
    uint16_t h = ax_bf16_from_f32((float)w[wi]);
    uint16_t h1 = h | (uint16_t)(1u << b); /* stuck at 1 */
    int field = b == 15 ? 0 : b >= 7 ? 1 : 2; /* sign, exponent, mantissa */
    if (h1 == h) continue;
    n_field[field]++;
    bad_field[field] += row.raw_outcome != AX_FO_MASKED;
    /* a changed weight changes some of the GEMM's outputs, or none reach */
    if (row.raw_outcome != AX_FO_MASKED) assert_true(row.changed > 0);
    float v = ax_bf16_to_f32(h1);
    if (!(v == rintf(v) && v >= -128 && v <= 127)) continue;
    /* the int8 path with that weight replaced */
    ax_tlm lm = c.lm;
    lm.bf16 = 0;
    ax_tlm_block blk[16];
    memcpy(blk, c.lm.b, sizeof *blk * c.lm.layers);
    lm.b = blk;
    int8_t *w2 = malloc(n);
    memcpy(w2, w, n);
    w2[wi] = (int8_t)v;
    if (w == c.lm.wout) lm.wout = w2;
    for (uint32_t k = 0; k < lm.layers; k++) {
      if (w == blk[k].wqkv) blk[k].wqkv = w2;
      if (w == blk[k].wo) blk[k].wo = w2;
      if (w == blk[k].w1) blk[k].w1 = w2;
      if (w == blk[k].w2) blk[k].w2 = w2;
    }
    int32_t lg[64];
    int nx = ax_tlm_run(&lm, c.prompts.tok + (size_t)row.image * c.prompts.ctx, NULL, NULL, lg, ts);
    const ax_tlm_gold *gd = &c.lmgold[row.image];
    int want = memcmp(lg, gd->logits, sizeof(int32_t) * c.lm.vocab) == 0 ? AX_FO_MASKED
               : nx != gd->next ? AX_FO_CRITICAL : AX_FO_SDC;
    assert_int_equal(row.raw_outcome, want);
    checked++;
    free(w2);
  }
  print_message("bf16 weights, stuck-at-1: %d rows checked against int8; not masked: sign %d/%d, "
                "exponent %d/%d, mantissa %d/%d\n", checked, bad_field[0], n_field[0],
                bad_field[1], n_field[1], bad_field[2], n_field[2]);
  assert_true(checked >= 20);
  /* exponent upsets scale a weight by 2^(2^j): they must hurt more often */
  assert_true(bad_field[1] * n_field[2] > bad_field[2] * n_field[1]);
  ax_tlm_scratch_free(ts);
  ax_campaign_scratch_free(scr);
  ax_campaign_free(&c);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(bf16_by_hand),
      cmocka_unit_test(addition_order),
      cmocka_unit_test(tinylm_bf16_equals_numpy),
      cmocka_unit_test(bf16_weight_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
