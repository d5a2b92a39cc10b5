/*
 * unit_vs_slow.h - one check shared by the NPU and PIM fault tests: a
 * campaign's injections into a unit's accumulators, each outcome (from the
 * fast mapping) compared with a slow path - the unit's own step-by-step
 * reference for every GEMM the fault reaches (the one it hits for a
 * transient, all of them for a stuck-at), the model rerun from the input.
 * A unit says how its layers map to cycles and how its reference runs.
 */
#ifndef AX_UNIT_VS_SLOW_H
#define AX_UNIT_VS_SLOW_H

#include "campaign.h"

typedef struct unit_slow {
  const char *tag;       /* names the campaign file written: <tag>_<fault model>.cfg */
  const char *block;     /* the unit's configuration block in the campaign file */
  const char *structure; /* the injected structure ("npu_acc") */
  const char *label;     /* how the message names the unit ("on U55-128") */
  int site;              /* AX_SAF_* of the accumulators */
  /* Cycles (in the fault's time base) the unit spends on GEMM l. */
  uint64_t (*layer_cycles)(ax_campaign *c, int l);
  /* The slow reference of GEMM l (layer L) with fault f: outputs in z. */
  void (*ref_run)(ax_campaign *c, const ax_qlayer *L, int l, const ax_saf_gemm *gm,
                  const ax_saf_fault *f, int32_t *z);
  /* Point the LM's fault at this unit. */
  void (*lm_unit)(ax_campaign *c, ax_tlm_fault *fx);
} unit_slow;

/* n injections of fault model fm into u's accumulators, model on data:
 * every outcome equal to the slow path's, and at least 20 not masked. */
static void unit_campaign_vs_slow(const unit_slow *u, const char *model, const char *data,
                                  const char *fm, int n)
{
  char cfg[512], text[1024], err[512] = "";
  snprintf(cfg, sizeof cfg, AX_BIN_DIR "/tests/faults/%s_%s.cfg", u->tag, fm);
  snprintf(text, sizeof text,
           "model = \"%s\";\ndata = \"%s\";\narray = { filter_sram_kb = 4; ofmap_sram_kb = 4; };\n"
           "%s\nstructures = [\"%s\"];\nfault_model = \"%s\";\ninjections = %d;\nseed = 2;\n",
           model, data, u->block, u->structure, fm, n);
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
    ax_saf_fault f = {.site = u->site, .word = (uint32_t)row.word, .mask = row.mask,
                      .stuck = row.stuck, .value = strcmp(fm, "sa1") ? 0 : row.mask};
    /* the hit layer from the cycles of the unit, by hand */
    int hit = -1;
    uint64_t t = 0;
    for (size_t l = 0; l < nl && !row.stuck; l++) {
      if (!c.is_lm && c.net.l[l].kind == AX_QL_MAXPOOL) continue;
      uint64_t cyc = u->layer_cycles(&c, (int)l);
      if ((uint64_t)row.cycle < t + cyc) {
        hit = (int)l;
        f.cycle = row.cycle - (int64_t)t;
        break;
      }
      t += cyc;
    }
    int32_t lg[64];
    int top, want;
    if (c.is_lm) {
      ax_tlm_fault fx = {.arr = &c.arr, .slow = 1, .gemm = row.stuck ? -1 : hit, .f = f};
      u->lm_unit(&c, &fx);
      void *ts = ax_tlm_scratch(&c.lm);
      top = ax_tlm_run(&c.lm, c.prompts.tok + (size_t)row.image * c.prompts.ctx, NULL, &fx, lg, ts);
      ax_tlm_scratch_free(ts);
      const ax_tlm_gold *gd = &c.lmgold[row.image];
      want = !memcmp(lg, gd->logits, 4 * c.lm.vocab) ? AX_FO_MASKED
             : top != gd->next ? AX_FO_CRITICAL : AX_FO_SDC;
    } else {
      /* layer by layer from the input: the unit's reference where the
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
        if (row.stuck || (int)l == hit)
          u->ref_run(&c, L, (int)l, &gm, &f, z);
        else
          ax_saf_golden(&gm, z);
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
  print_message("%s %s, %s: %llu injections, %d not masked, %d critical\n", c.name, u->label, fm,
                (unsigned long long)ax_campaign_total(&c), ace, crit);
  assert_true(ace >= 20);
  ax_campaign_scratch_free(scr);
  ax_campaign_free(&c);
}

#endif
