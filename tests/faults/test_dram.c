/*
 * The weight memory in DRAM (site dram_weight): the (72,64) SECDED word of
 * a DDR4 ECC DIMM by hand and against the real encoder / decoder; the
 * memory's size by hand; and campaign injections against a slow path that
 * packs every weight into a byte image of the DRAM, flips the cells there,
 * unpacks a whole corrupted model and runs it from the input.
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
#include "ecc.h"

#define TD AX_BIN_DIR "/tests/faults/"

/* Physical bit p of a stored word of d data bits -> Hamming position. */
static unsigned phys_pos(unsigned d, unsigned p)
{
  unsigned r = ax_secded_check_bits(d) - 1;
  if (p < d) return ax_secded_data_pos(p);
  if (p < d + r) return 1u << (p - d);
  return 0;
}

static void ecc72_by_hand(void **st)
{
  (void)st;
  /* layout: data 0..63, check bits 64..70 (positions 1, 2, 4, ..., 64),
   * overall parity 71 (position 0); data bit 63 sits at position 71 */
  assert_int_equal(ax_secded_data_pos(63), 71);
  assert_int_equal(phys_pos(64, 64), 1);
  assert_int_equal(phys_pos(64, 70), 64);
  assert_int_equal(phys_pos(64, 71), 0);
  assert_int_equal(ax_secded_word_outcome(64, 0, 1), 0);     /* single data bit: corrected */
  assert_int_equal(ax_secded_word_outcome(64, 71, 1), 0);    /* the parity bit itself */
  assert_int_equal(ax_secded_word_outcome(64, 67, 1), 0);    /* a check bit */
  assert_int_equal(ax_secded_word_outcome(64, 0, 3), 1);     /* 2 adjacent: detected (DUE) */
  assert_int_equal(ax_secded_word_outcome(64, 63, 3), 1);    /* data 63 + check 0 (71, 1) */
  assert_int_equal(ax_secded_word_outcome(64, 70, 3), 1);    /* check 6 + parity (64, 0) */
  /* 3 adjacent data bits at positions 3, 5, 6: syndrome 0, odd weight: the
   * decoder "corrects" the parity bit and leaves 3 wrong data bits */
  assert_int_equal(ax_secded_word_outcome(64, 0, 7), 2);
  /* 4 adjacent at 3, 5, 6, 7: even weight, syndrome 7: detected */
  assert_int_equal(ax_secded_word_outcome(64, 0, 15), 1);
  /* bits past the word are not cells */
  assert_int_equal(ax_secded_word_outcome(64, 71, 3), 0);
}

/* Against the real codec for words that fit its 64-bit codewords. */
static void ecc_word_vs_codec(void **st)
{
  (void)st;
  unsigned ds[3] = {8, 32, 57};
  uint64_t s = 12345;
  for (int di = 0; di < 3; di++) {
    unsigned d = ds[di], n = d + ax_secded_check_bits(d);
    int seen[3] = {0};
    for (int t = 0; t < 4000; t++) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      uint64_t data = (s >> 11) & (d == 64 ? ~0ull : (1ull << d) - 1);
      unsigned nb = 1 + (unsigned)((s >> 3) % 5);
      unsigned bit = (unsigned)((s >> 40) % n);
      uint32_t mask = (1u << nb) - 1;
      uint64_t code = ax_secded_encode(data, d);
      for (unsigned i = 0; i < nb; i++)
        if (bit + i < n) code ^= 1ull << phys_pos(d, bit + i);
      uint64_t out;
      ax_ecc_status stt = ax_secded_decode(code, d, &out);
      int want = stt == AX_ECC_DETECTED ? 1 : out == data ? 0 : 2;
      assert_int_equal(ax_secded_word_outcome(d, bit, mask), want);
      seen[want]++;
    }
    assert_true(seen[0] > 100 && seen[1] > 100 && seen[2] > 50);
  }
}

/* Byte image of the weight memory, built independently of the campaign:
 * layer after layer, each from a multiple of 8 bytes. */
typedef struct img {
  uint8_t *b;
  size_t bytes;
  size_t start[64];
  int has[64];
} img;

static void build_img(const ax_campaign *c, img *m)
{
  size_t nl = c->is_lm ? c->lm.ngemm : c->net.nl, off = 0;
  m->b = calloc(1 << 20, 1);
  for (size_t l = 0; l < nl; l++) {
    size_t n;
    const int8_t *w = ax_campaign_layer_weights(c, (int)l, &n);
    m->has[l] = w != NULL;
    if (!w) continue;
    m->start[l] = off;
    memcpy(m->b + off, w, n);
    off += (n + 7) / 8 * 8;
  }
  m->bytes = off;
}

static void dram_campaign(const char *model, const char *data, const char *fm, uint64_t words)
{
  char cfg[512], text[1024], err[512] = "";
  snprintf(cfg, sizeof cfg, TD "dram_%s.cfg", fm);
  snprintf(text, sizeof text,
           "model = \"%s\";\ndata = \"%s\";\narray = { rows = 16; cols = 16; dataflow = \"ws\"; "
           "filter_sram_kb = 4; ofmap_sram_kb = 4; };\nstructures = [\"dram_weight\"];\n"
           "fault_model = \"%s\";\nmbu_bits = 2;\ninjections = 400;\nseed = 5;\n"
           "protection = { dram_weight = \"secded\"; };\n", model, data, fm);
  write_file(cfg, text);
  ax_campaign c;
  assert_int_equal(ax_campaign_load(cfg, &c, err, sizeof err), 0);
  assert_int_equal(c.dram_words, words);
  img m;
  build_img(&c, &m);
  assert_int_equal(m.bytes, words * 8);
  void *scr = ax_campaign_scratch(&c);
  int n_ace = 0, n_live = 0, n_due = 0, n_corr = 0;
  size_t nl = c.is_lm ? c.lm.ngemm : c.net.nl;
  for (uint64_t id = 0; id < ax_campaign_total(&c); id++) {
    ax_fi_row row;
    ax_campaign_sample(&c, id, &row);
    ax_campaign_inject(&c, &row, scr);
    /* slow: which layer owns the bytes, when that layer starts */
    size_t byte0 = row.word * 8;
    int l = -1;
    for (size_t i = 0; i < nl; i++) {
      size_t n;
      if (m.has[i] && ax_campaign_layer_weights(&c, (int)i, &n) && byte0 >= m.start[i] &&
          byte0 < m.start[i] + (n + 7) / 8 * 8)
        l = (int)i;
    }
    assert_true(l >= 0);
    uint64_t t = 0, start = 0;
    for (size_t i = 0; i < nl; i++) {
      uint32_t mm, nn, kk;
      if (!c.is_lm && c.net.l[i].kind == AX_QL_MAXPOOL) continue;
      ax_campaign_layer_dims(&c, (int)i, &mm, &nn, &kk);
      ax_saf_gemm g = {.m = mm, .n = nn, .k = kk};
      if ((int)i == l) start = t;
      t += ax_saf_cycles(&c.arr, &g);
    }
    int live = row.stuck || (uint64_t)row.cycle < start;
    n_live += live;
    /* corrupt a copy of the image; check bits (>= 64) have no reader */
    uint8_t *b = malloc(m.bytes);
    memcpy(b, m.b, m.bytes);
    for (unsigned i = 0; i < 8; i++) {
      unsigned p = row.bit + i;
      if (!(row.mask >> i & 1) || p >= 64) continue;
      uint8_t bm = (uint8_t)(1u << (p % 8));
      uint8_t *x = &b[byte0 + p / 8];
      if (!row.stuck) *x ^= bm;
      else if (!strcmp(fm, "sa1")) *x |= bm;
      else *x &= (uint8_t)~bm;
    }
    int want = AX_FO_MASKED, top = -1;
    if (live) {
      int32_t lg[64];
      if (c.is_lm) {
        ax_tlm lm = c.lm;
        ax_tlm_block blk[16];
        memcpy(blk, c.lm.b, sizeof *blk * c.lm.layers);
        lm.b = blk;
        uint32_t per = 4 + 2 * c.lm.heads;
        for (uint32_t j = 0; j < c.lm.ngemm; j++) {
          if (!m.has[j]) continue;
          int8_t *w = (int8_t *)(b + m.start[j]);
          if (j == c.lm.ngemm - 1) lm.wout = w;
          else if (j % per == 0) blk[j / per].wqkv = w;
          else if (j % per == per - 3) blk[j / per].wo = w;
          else if (j % per == per - 2) blk[j / per].w1 = w;
          else blk[j / per].w2 = w;
        }
        void *ts = ax_tlm_scratch(&lm);
        top = ax_tlm_run(&lm, c.prompts.tok + (size_t)row.image * c.prompts.ctx, NULL, NULL, lg, ts);
        ax_tlm_scratch_free(ts);
        const ax_tlm_gold *gd = &c.lmgold[row.image];
        if (memcmp(lg, gd->logits, sizeof(int32_t) * c.lm.vocab))
          want = top != gd->next ? AX_FO_CRITICAL : AX_FO_SDC;
      } else {
        ax_qnet net = c.net;
        ax_qlayer ls[16];
        memcpy(ls, c.net.l, sizeof *ls * c.net.nl);
        for (size_t i = 0; i < c.net.nl; i++)
          if (m.has[i]) ls[i].w = (int8_t *)(b + m.start[i]);
        net.l = ls;
        ax_qgold g;
        size_t px = (size_t)c.data.h * c.data.w * c.data.c;
        ax_qgold_run(&net, c.data.x + row.image * px, &g);
        const ax_qgold *gd = &c.gold[row.image];
        if (memcmp(g.logits, gd->logits, sizeof(int32_t) * g.nclass))
          want = g.top1 != gd->top1 ? AX_FO_CRITICAL : AX_FO_SDC;
        ax_qgold_free(&net, &g);
      }
    }
    free(b);
    if (row.raw_outcome != want)
      fail_msg("id %llu word %llu bit %u mask %x cycle %lld (layer %d from %llu): fast %s slow %s",
               (unsigned long long)id, (unsigned long long)row.word, row.bit, row.mask,
               (long long)row.cycle, l, (unsigned long long)start,
               ax_fout_name((ax_fout)row.raw_outcome), ax_fout_name((ax_fout)want));
    if (want != AX_FO_MASKED) {
      n_ace++;
      /* with ECC: the decoder's verdict on the whole pattern */
      int e = ax_secded_word_outcome(64, row.bit, row.mask);
      int prot = e == 0 ? AX_FO_CORRECTED : e == 1 ? AX_FO_DETECTED : want;
      assert_int_equal(row.outcome, prot);
      n_due += prot == AX_FO_DETECTED;
      n_corr += prot == AX_FO_CORRECTED;
    } else {
      assert_int_equal(row.outcome, AX_FO_MASKED);
    }
  }
  print_message("%s %s: %llu injections, %d live, %d not masked; with SECDED %d corrected, %d "
                "detected\n", c.name, fm, (unsigned long long)ax_campaign_total(&c), n_live, n_ace,
                n_corr, n_due);
  assert_true(n_ace >= 20);
  /* one cell: always corrected; two adjacent cells: always detected */
  if (!strcmp(fm, "flip")) assert_int_equal(n_corr, n_ace);
  if (!strcmp(fm, "mbu")) assert_int_equal(n_due, n_ace);
  free(m.b);
  ax_campaign_scratch_free(scr);
  ax_campaign_free(&c);
}

/* digits CNN: 9x8 + 72x16 + 64x10 weights -> 9 + 144 + 80 = 233 words */
static void digits_flip(void **st)
{
  (void)st;
  dram_campaign(AX_SRC_DIR "/workloads/digits/digits-cnn.axq",
                AX_SRC_DIR "/workloads/digits/digits-test.axd", "flip", 233);
}

/* 2 adjacent cells of one word: detected-uncorrected (DUE) */
static void digits_mbu(void **st)
{
  (void)st;
  dram_campaign(AX_SRC_DIR "/workloads/digits/digits-cnn.axq",
                AX_SRC_DIR "/workloads/digits/digits-test.axd", "mbu", 233);
}

/* tinylm: per block 32x96 + 32x32 + 32x64 + 64x32 = 8192 weights = 1024
 * words, 2 blocks, plus 32x32 out = 128: 2176 words */
static void tinylm_sa1(void **st)
{
  (void)st;
  dram_campaign(AX_SRC_DIR "/workloads/tinylm/tinylm.axlm",
                AX_SRC_DIR "/workloads/tinylm/tinylm-prompts.txt", "sa1", 2176);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ecc72_by_hand), cmocka_unit_test(ecc_word_vs_codec),
      cmocka_unit_test(digits_flip),   cmocka_unit_test(digits_mbu),
      cmocka_unit_test(tinylm_sa1),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
