/*
 * campaign_inject.c - sampling a fault and running it: the fault is mapped
 * through the array's schedule (sa_func.h) to the outputs of the layer it
 * hits, those are requantized, and only when an activation changed are the
 * following layers recomputed from the cached golden activations.
 */
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "ecc.h"
#include "sa_bf16.h"
#include "sim.h"

const char *ax_fout_name(ax_fout o)
{
  static const char *n[] = {"masked", "sdc", "critical", "detected", "corrected", "hang"};
  return (unsigned)o < AX_FO_N ? n[o] : "?";
}

const char *ax_fmodel_name(ax_fmodel m)
{
  static const char *n[] = {"flip", "mbu", "sa0", "sa1"};
  return (unsigned)m <= AX_FM_SA1 ? n[m] : "?";
}

const char *ax_prot_name(ax_prot p)
{
  static const char *n[] = {"none", "parity", "secded", "dup", "hardened"};
  return (unsigned)p < AX_PR_N ? n[p] : "?";
}

uint64_t ax_campaign_words(const ax_campaign *c, ax_saf_site s)
{
  switch (s) {
  case AX_SAF_IFMAP_SRAM: return c->sram_bytes[0];
  case AX_SAF_FILTER_SRAM: return c->sram_bytes[1];
  case AX_SAF_OFMAP_SRAM: return c->sram_bytes[2] / 4;
  case AX_SAF_CTRL_FOLD: return 1;
  case AX_SAF_DRAM_WEIGHT: return c->dram_words;
  case AX_SAF_NPU_ACC: return ax_npuf_accs(&c->npu_arch);
  case AX_SAF_PIM_ACC:
    return (uint64_t)c->pim_cfg.channels * c->pim_cfg.banks * c->pim_cfg.accs;
  default: return (uint64_t)c->arr.rows * c->arr.cols;
  }
}

uint64_t ax_campaign_total(const ax_campaign *c)
{
  return c->per_site * (uint64_t)c->nsites;
}

static uint64_t splitmix(uint64_t *s)
{
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Uniform in [0, n) without modulo bias worth noting (n << 2^64). */
static uint64_t below(uint64_t *s, uint64_t n)
{
  return n ? splitmix(s) % n : 0;
}

void ax_campaign_sample(const ax_campaign *c, uint64_t id, ax_fi_row *row)
{
  memset(row, 0, sizeof *row);
  /* one independent stream per injection: any split over workers, and any
   * resume, draws the same faults */
  uint64_t s = ax_seed_mix(c->seed, "faults") ^ (id * 0xd1342543de82ef95ull);
  splitmix(&s);
  row->id = id;
  ax_saf_site site = c->sites[id % (uint64_t)c->nsites];
  row->site = site;
  row->image = (uint32_t)below(&s, c->images);
  row->word = below(&s, ax_campaign_words(c, site));
  unsigned bits = ax_saf_site_bits(site);
  unsigned b = (unsigned)below(&s, bits);
  /* a dram_weight word has 72 bits: its mask is kept relative to b */
  int rel = site == AX_SAF_DRAM_WEIGHT;
  row->mask = rel ? 1u : 1u << b;
  if (c->fmodel == AX_FM_MBU) {
    unsigned nb = c->mbu_bits < bits ? c->mbu_bits : bits;
    if (b + nb > bits) b = bits - nb;
    row->mask = (nb >= 32 ? 0xffffffffu : ((1u << nb) - 1)) << (rel ? 0 : b);
  }
  row->bit = b;
  row->nbits = (uint32_t)__builtin_popcount(row->mask);
  row->stuck = c->fmodel == AX_FM_SA0 || c->fmodel == AX_FM_SA1;
  row->cycle = row->stuck ? 0 : (int64_t)below(&s, c->total_cycles);
  row->layer = -1;
  row->label = c->is_lm ? c->prompts.next[row->image] : c->data.label[row->image];
  row->top1_gold = c->is_lm ? c->lmgold[row->image].next : c->gold[row->image].top1;
  row->top1_fault = row->top1_gold;
}

typedef struct scratch {
  int32_t *z;        /* max_z */
  int8_t *y, *x;     /* max_act each */
  uint32_t *touched; /* generous: every output many times over */
  size_t tcap;
  void *run;         /* ax_qnet_run_from / ax_tlm_run scratch */
  int8_t *wbuf;      /* one layer's weights, corrupted (dram_weight) */
  ax_qlayer *layers; /* a copy of the net's layers pointing at wbuf */
  ax_tlm_block *blocks;
  int is_lm;
  uint16_t *w16;     /* one layer's bf16 weights, corrupted (bf16 dram_weight) */
  int32_t logits[64];
} scratch;

void *ax_campaign_scratch(const ax_campaign *c)
{
  scratch *s = ax_xcalloc(1, sizeof *s);
  s->z = ax_xmalloc(sizeof *s->z * c->net.max_z);
  s->y = ax_xmalloc(c->net.max_act);
  s->x = ax_xmalloc(c->net.max_act);
  /* longer lists are cut: then every output is requantized */
  s->tcap = c->net.max_z * 4 + 64;
  s->touched = ax_xmalloc(sizeof *s->touched * s->tcap);
  size_t most = 0, nl = c->is_lm ? c->lm.ngemm : c->net.nl;
  for (size_t l = 0; l < nl; l++) {
    size_t n;
    if (ax_campaign_layer_weights(c, (int)l, &n) && n > most) most = n;
  }
  s->wbuf = ax_xmalloc(most);
  s->w16 = ax_xmalloc(sizeof *s->w16 * (most ? most : 1));
  s->is_lm = c->is_lm;
  s->layers = ax_xcalloc(c->net.nl + 1, sizeof *s->layers);
  s->blocks = ax_xcalloc(c->lm.layers + 1, sizeof *s->blocks);
  if (c->is_lm) {
    s->z = ax_xrealloc(s->z, sizeof *s->z * c->lm.max_z);
    s->run = ax_tlm_scratch(&c->lm);
  } else {
    s->run = ax_xmalloc(ax_qnet_scratch_bytes(&c->net));
  }
  return s;
}

void ax_campaign_scratch_free(void *scr)
{
  scratch *s = scr;
  if (!s) return;
  free(s->z); free(s->y); free(s->x); free(s->touched);
  if (s->is_lm) ax_tlm_scratch_free(s->run);
  else free(s->run);
  free(s->wbuf); free(s->w16); free(s->layers); free(s->blocks);
  free(s);
}

static void gemm_of(const ax_qlayer *L, const int8_t *in, ax_saf_gemm *g)
{
  memset(g, 0, sizeof *g);
  g->m = L->m; g->n = L->n; g->k = L->k;
  g->ifmap = in;
  g->ifmap_words = (uint32_t)ax_qlayer_in_elems(L);
  g->aidx = L->aidx;
  g->use_at = L->use_at;
  g->use = L->use;
  g->w = L->w;
}

static ax_fout compare(const ax_campaign *c, const ax_qgold *gd, const int32_t *lg, ax_fi_row *row)
{
  uint32_t nc = ax_qnet_classes(&c->net);
  if (memcmp(lg, gd->logits, sizeof *lg * nc) == 0) return AX_FO_MASKED;
  row->top1_fault = ax_qtop1(lg, nc);
  return row->top1_fault != gd->top1 ? AX_FO_CRITICAL : AX_FO_SDC;
}

/* A transient fault: one layer is hit. */
static ax_fout run_transient(const ax_campaign *c, ax_fi_row *row, scratch *s)
{
  size_t li = 0;
  while (li + 1 < c->ntl && (uint64_t)row->cycle >= c->tl[li + 1].start) li++;
  const ax_fi_layer *tl = &c->tl[li];
  const ax_qgold *gd = &c->gold[row->image];
  int l = tl->layer;
  row->layer = l;
  const ax_qlayer *L = &c->net.l[l];
  ax_saf_gemm g;
  gemm_of(L, gd->in[l], &g);
  ax_saf_fault f = {.site = (ax_saf_site)row->site, .word = (uint32_t)row->word,
                    .mask = row->mask, .cycle = row->cycle - (int64_t)tl->start};
  size_t nz = (size_t)L->m * L->n;
  if (row->word >= UINT32_MAX) return AX_FO_MASKED;
  memcpy(s->z, gd->z[l], sizeof *s->z * nz);
  size_t nt = ax_campaign_unit_apply(c, l, &g, &f, s->z, s->touched, s->tcap);
  if ((c->npu || c->pim) && nt) nt = s->tcap + 1; /* no list of touched outputs: requantize all */
  if (nt == AX_SAF_HANG) return AX_FO_HANG;
  if (!nt) return AX_FO_MASKED;
  for (size_t o = 0; o < nz; o++) row->changed += s->z[o] != gd->z[l][o];
  if (!row->changed) return AX_FO_MASKED;
  if ((size_t)l + 1 == c->net.nl) {
    for (uint32_t n = 0; n < L->n; n++)
      s->logits[n] = (int32_t)((uint32_t)s->z[n] + (uint32_t)L->b[n]);
    return compare(c, gd, s->logits, row);
  }
  size_t no = nz;
  memcpy(s->y, gd->in[l + 1], no);
  if (nt > s->tcap) ax_qlayer_post(L, s->z, s->y, NULL, 0, -1);
  else ax_qlayer_post(L, s->z, s->y, s->touched, nt, -1);
  if (memcmp(s->y, gd->in[l + 1], no) == 0) return AX_FO_MASKED;
  ax_qnet_run_from(&c->net, (size_t)l + 1, s->y, s->logits, NULL, s->run);
  return compare(c, gd, s->logits, row);
}

/* A stuck-at fault: present in every layer from the start. */
static ax_fout run_stuck(const ax_campaign *c, ax_fi_row *row, scratch *s)
{
  const ax_qgold *gd = &c->gold[row->image];
  ax_saf_fault f = {.site = (ax_saf_site)row->site, .word = (uint32_t)row->word,
                    .mask = row->mask, .stuck = 1,
                    .value = c->fmodel == AX_FM_SA1 ? row->mask : 0, .cycle = 0};
  row->layer = -1;
  int8_t *cur = s->x;
  size_t n0 = (size_t)c->net.in_h * c->net.in_w * c->net.in_c;
  memcpy(cur, gd->in[0], n0);
  int dirty = 0;
  for (size_t l = 0; l < c->net.nl; l++) {
    const ax_qlayer *L = &c->net.l[l];
    int8_t *out = cur == s->x ? s->y : s->x;
    if (L->kind == AX_QL_MAXPOOL) {
      ax_qlayer_pool(L, cur, out);
      cur = out;
      continue;
    }
    size_t nz = (size_t)L->m * L->n;
    if (dirty) ax_qlayer_gemm(L, cur, s->z);
    else memcpy(s->z, gd->z[l], sizeof *s->z * nz);
    ax_saf_gemm g;
    gemm_of(L, cur, &g);
    size_t nt = ax_campaign_unit_apply(c, (int)l, &g, &f, s->z, NULL, 0);
    if (nt == AX_SAF_HANG) {
      row->layer = (int32_t)l;
      return AX_FO_HANG;
    }
    if (!dirty)
      for (size_t o = 0; o < nz; o++) row->changed += s->z[o] != gd->z[l][o];
    if (l + 1 == c->net.nl) {
      for (uint32_t n = 0; n < L->n; n++)
        s->logits[n] = (int32_t)((uint32_t)s->z[n] + (uint32_t)L->b[n]);
      return compare(c, gd, s->logits, row);
    }
    ax_qlayer_post(L, s->z, out, NULL, 0, -1);
    dirty = dirty || memcmp(out, gd->in[l + 1], nz) != 0;
    cur = out;
  }
  return AX_FO_MASKED;
}

/* The transformer: next token and logits against the golden run. */
static ax_fout lm_compare(const ax_campaign *c, const ax_tlm_gold *gd, int next, const int32_t *lg,
                          ax_fi_row *row)
{
  if (memcmp(lg, gd->logits, sizeof *lg * c->lm.vocab) == 0) return AX_FO_MASKED;
  row->top1_fault = next;
  return next != gd->next ? AX_FO_CRITICAL : AX_FO_SDC;
}

/* A fault in the transformer's run: transient in the GEMM its cycle falls
 * in, stuck-at in every GEMM. Masked at the hit GEMM's outputs is decided
 * there; otherwise the prompt runs again, reusing every golden GEMM whose
 * operands are unchanged. */
static ax_fout run_lm(const ax_campaign *c, ax_fi_row *row, scratch *s)
{
  const ax_tlm_gold *gd = &c->lmgold[row->image];
  ax_tlm_fault fx = {.arr = &c->arr, .ref = gd, .gemm = -1, .npu = c->npu ? &c->npu_arch : NULL,
                     .pim = c->pim ? &c->pim_cfg : NULL};
  fx.f.site = (ax_saf_site)row->site;
  fx.f.word = (uint32_t)row->word;
  fx.f.mask = row->mask;
  if (row->stuck) {
    fx.f.stuck = 1;
    fx.f.value = c->fmodel == AX_FM_SA1 ? row->mask : 0;
    row->layer = -1;
  } else {
    size_t li = 0;
    while (li + 1 < c->ntl && (uint64_t)row->cycle >= c->tl[li + 1].start) li++;
    int j = c->tl[li].layer;
    row->layer = j;
    fx.gemm = j;
    fx.f.cycle = row->cycle - (int64_t)c->tl[li].start;
    const ax_tlm_gemm *e = &c->lm.g[j];
    size_t nz = (size_t)e->m * e->n;
    ax_saf_gemm g = {.m = e->m, .n = e->n, .k = e->k, .ifmap = gd->a[j],
                     .ifmap_words = e->m * e->k, .w = gd->b[j]};
    memcpy(s->z, gd->z[j], sizeof *s->z * nz);
    size_t nt = ax_campaign_unit_apply(c, j, &g, &fx.f, s->z, NULL, 0);
    if (nt == AX_SAF_HANG) return AX_FO_HANG;
    if (!nt) return AX_FO_MASKED;
    for (size_t o = 0; o < nz; o++) row->changed += s->z[o] != gd->z[j][o];
    if (!row->changed) return AX_FO_MASKED;
    /* the GEMM's consumer sees nothing different: nothing after changes */
    if (ax_tlm_post_same(&c->lm, (uint32_t)j, gd->z[j], s->z)) return AX_FO_MASKED;
  }
  int next = ax_tlm_run(&c->lm, c->prompts.tok + (size_t)row->image * c->prompts.ctx, NULL, &fx,
                        s->logits, s->run);
  if (next < 0) return AX_FO_HANG;
  return lm_compare(c, gd, next, s->logits, row);
}

static ax_fout lm_compare(const ax_campaign *c, const ax_tlm_gold *gd, int next, const int32_t *lg,
                          ax_fi_row *row);

/* A DRAM cell in bf16 mode: 4 bf16 weights a word, weight i of the word in
 * data bits 16 i .. 16 i + 15 (bit 15 sign, 14..7 exponent, 6..0 mantissa). */
static ax_fout run_dram_bf16(const ax_campaign *c, ax_fi_row *row, scratch *s, int l,
                             const int8_t *w0, size_t n)
{
  uint64_t base = (row->word - c->dram_wstart[l]) * 4;
  uint16_t *w16 = s->w16;
  for (size_t i = 0; i < n; i++) w16[i] = ax_bf16_from_f32((float)w0[i]);
  int any = 0;
  for (unsigned i = 0; i < 32; i++) {
    unsigned p = row->bit + i;
    if (!(row->mask >> i & 1) || p >= 64) continue; /* check bits: no reader without ECC */
    uint64_t wi = base + p / 16;
    if (wi >= n) continue;                            /* padding */
    uint16_t b = w16[wi], m = (uint16_t)(1u << (p % 16));
    uint16_t nb = !row->stuck ? b ^ m : c->fmodel == AX_FM_SA1 ? b | m : (uint16_t)(b & ~m);
    any |= nb != b;
    w16[wi] = nb;
  }
  if (!any) return AX_FO_MASKED;
  const ax_tlm_gold *gd = &c->lmgold[row->image];
  ax_tlm_fault fx = {.arr = &c->arr, .ref = gd, .gemm = (int)c->lm.ngemm, .b16 = w16,
                     .b16_gemm = l};
  int next = ax_tlm_run(&c->lm, c->prompts.tok + (size_t)row->image * c->prompts.ctx, NULL, &fx,
                        s->logits, s->run);
  /* the hit GEMM's outputs, for the changed count */
  const ax_tlm_gemm *e = &c->lm.g[l];
  size_t na = (size_t)e->m * e->k, nz = (size_t)e->m * e->n;
  uint16_t *a16 = ax_xmalloc(sizeof *a16 * na);
  float *zf = ax_xmalloc(sizeof *zf * nz);
  for (size_t i = 0; i < na; i++) a16[i] = ax_bf16_from_f32((float)gd->a[l][i]);
  ax_sab_gemm(&c->lm.bf16_arr, e->m, e->n, e->k, a16, w16, zf);
  for (size_t o = 0; o < nz; o++) row->changed += ax_f32_to_i32_sat(zf[o]) != gd->z[l][o];
  free(a16);
  free(zf);
  return lm_compare(c, gd, next, s->logits, row);
}

/* A cell of the weight memory in DRAM: the layer whose weights the word
 * holds reads it when the layer starts, through the ECC-less path (raw
 * outcome; the campaign's protection then judges the pattern). The flipped
 * data bits corrupt up to two int8 weights; the array computes correctly on
 * them: the layer and the rest of the run are recomputed. */
static ax_fout run_dram(const ax_campaign *c, ax_fi_row *row, scratch *s)
{
  size_t nl = c->is_lm ? c->lm.ngemm : c->net.nl, per = c->bf16 ? 4 : 8;
  int l = -1;
  for (size_t i = 0; i < nl; i++)
    if (c->dram_wstart[i] != UINT64_MAX && row->word >= c->dram_wstart[i]) {
      size_t n;
      ax_campaign_layer_weights(c, (int)i, &n);
      if (row->word < c->dram_wstart[i] + (n + per - 1) / per) l = (int)i;
    }
  if (l < 0) return AX_FO_MASKED;
  row->layer = l;
  if (!row->stuck) {
    /* after the layer's read the flip is seen by no read of this inference */
    uint64_t start = 0;
    for (size_t i = 0; i < c->ntl; i++)
      if (c->tl[i].layer == l) start = c->tl[i].start;
    if ((uint64_t)row->cycle >= start) return AX_FO_MASKED;
  }
  size_t n;
  const int8_t *w0 = ax_campaign_layer_weights(c, l, &n);
  if (c->bf16) return run_dram_bf16(c, row, s, l, w0, n);
  uint64_t base = (row->word - c->dram_wstart[l]) * 8;
  int8_t *w1 = s->wbuf;
  memcpy(w1, w0, n);
  int any = 0;
  for (unsigned i = 0; i < 32; i++) {
    unsigned p = row->bit + i;
    if (!(row->mask >> i & 1) || p >= 64) continue; /* check bits: no reader without ECC */
    uint64_t byte = base + p / 8;
    if (byte >= n) continue;                          /* padding */
    uint8_t b = (uint8_t)w1[byte], m = (uint8_t)(1u << (p % 8));
    uint8_t nb = !row->stuck ? b ^ m : c->fmodel == AX_FM_SA1 ? b | m : (uint8_t)(b & ~m);
    any |= nb != b;
    w1[byte] = (int8_t)nb;
  }
  if (!any) return AX_FO_MASKED;
  if (c->is_lm) {
    ax_tlm lm = c->lm;
    ax_tlm_block *blk = s->blocks;
    memcpy(blk, c->lm.b, sizeof *blk * c->lm.layers);
    lm.b = blk;
    const int8_t *target = w0;
    if (target == c->lm.wout) lm.wout = w1;
    for (uint32_t i = 0; i < lm.layers; i++) {
      if (target == blk[i].wqkv) blk[i].wqkv = w1;
      if (target == blk[i].wo) blk[i].wo = w1;
      if (target == blk[i].w1) blk[i].w1 = w1;
      if (target == blk[i].w2) blk[i].w2 = w1;
    }
    const ax_tlm_gold *gd = &c->lmgold[row->image];
    ax_tlm_fault fx = {.arr = &c->arr, .ref = gd, .gemm = (int)c->lm.ngemm}; /* no array fault */
    int next = ax_tlm_run(&lm, c->prompts.tok + (size_t)row->image * c->prompts.ctx, NULL, &fx,
                          s->logits, s->run);
    const ax_tlm_gemm *e = &c->lm.g[l];
    /* the hit GEMM's outputs, for the changed count */
    ax_saf_gemm g = {.m = e->m, .n = e->n, .k = e->k, .ifmap = gd->a[l],
                     .ifmap_words = e->m * e->k, .w = w1};
    ax_saf_golden(&g, s->z);
    for (size_t o = 0; o < (size_t)e->m * e->n; o++) row->changed += s->z[o] != gd->z[l][o];
    return lm_compare(c, gd, next, s->logits, row);
  }
  const ax_qgold *gd = &c->gold[row->image];
  ax_qnet net = c->net;
  ax_qlayer *ls = s->layers;
  memcpy(ls, c->net.l, sizeof *ls * c->net.nl);
  ls[l].w = w1;
  net.l = ls;
  ax_qlayer_gemm(&ls[l], gd->in[l], s->z);
  for (size_t o = 0; o < (size_t)ls[l].m * ls[l].n; o++) row->changed += s->z[o] != gd->z[l][o];
  if (!row->changed) return AX_FO_MASKED;
  ax_qnet_run_from(&net, (size_t)l, gd->in[l], s->logits, NULL, s->run);
  return compare(c, gd, s->logits, row);
}

ax_fout ax_protect_outcome(ax_prot p, ax_saf_site s, ax_fout raw, uint32_t bit, uint32_t mask)
{
  /* Only faults that reached the output are reclassified (ACE analysis): a
   * check on a word that is never read again is not counted as a DUE. A
   * hang is reclassified too: the check on the control register sees the
   * corrupted value when the sequencer reads it, before the schedule goes
   * astray. */
  if (raw == AX_FO_MASKED) return raw;
  switch (p) {
  case AX_PR_PARITY: return ax_parity_detects(mask) ? AX_FO_DETECTED : raw;
  case AX_PR_SECDED: {
    int o = s == AX_SAF_DRAM_WEIGHT ? ax_secded_word_outcome(64, bit, mask)
                                    : ax_secded_outcome(mask, ax_saf_site_bits(s));
    return o == 0 ? AX_FO_CORRECTED : o == 1 ? AX_FO_DETECTED : raw;
  }
  case AX_PR_DUP: return AX_FO_DETECTED;
  default: return raw;
  }
}

void ax_campaign_inject(const ax_campaign *c, ax_fi_row *row, void *scr)
{
  scratch *s = scr;
  ax_fout o = row->site == AX_SAF_DRAM_WEIGHT ? run_dram(c, row, s)
              : c->is_lm                         ? run_lm(c, row, s)
              : row->stuck                       ? run_stuck(c, row, s)
                                                 : run_transient(c, row, s);
  row->raw_outcome = o;
  row->outcome = ax_protect_outcome((ax_prot)c->protect[row->site], (ax_saf_site)row->site, o,
                                    row->bit,
                                    row->mask);
}
