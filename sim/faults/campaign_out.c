/*
 * campaign_out.c - summaries, protection what-ifs and the HDF5 file of a
 * campaign (layout: docs/faults.md, docs/hdf5-schema.md "/faults").
 */
#include "campaign_out.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecc.h"
#include "fi_stats.h"
#include "h5.h"
#include "sim.h"

/* ---- summaries ------------------------------------------------------------ */

static int is_fail(const ax_campaign *c, int o)
{
  return c->fit_critical ? o == AX_FO_CRITICAL : (o == AX_FO_SDC || o == AX_FO_CRITICAL);
}

/* Extra storage-bit equivalents of a scheme on a structure. Parity: one
 * check bit per word; SECDED: the extended Hamming check bits per word
 * (5 per 8-bit, 7 per 32-bit word); duplication: a second copy of every bit
 * plus one comparator output per word; hardened flops: a DICE cell is about
 * twice a plain flop (Calin, Nicolaidis, Velazco, "Upset hardened memory
 * design for submicron CMOS technology", IEEE Trans. Nuclear Science 43(6),
 * 1996), so one more bit-equivalent per bit. Encoders, decoders and
 * comparator trees are not counted. */
static double area_of(ax_prot p, ax_saf_site s, uint64_t words, unsigned wbits)
{
  /* the DRAM word already counts its 8 check bits (72 bits): SECDED's area
   * is the ECC device, 8 bits a word */
  if (s == AX_SAF_DRAM_WEIGHT) return p == AX_PR_SECDED ? 8.0 * (double)words : 0;
  switch (p) {
  case AX_PR_PARITY: return (double)words;
  case AX_PR_SECDED: return (double)words * ax_secded_check_bits(wbits);
  case AX_PR_DUP: return (double)words * wbits + (double)words;
  case AX_PR_HARDENED: return (double)words * wbits;
  default: return 0;
  }
}

static int applicable(ax_saf_site s, ax_prot p)
{
  if (s == AX_SAF_DRAM_WEIGHT) return p == AX_PR_NONE || p == AX_PR_SECDED;
  if (s <= AX_SAF_OFMAP_SRAM) return p == AX_PR_NONE || p == AX_PR_PARITY || p == AX_PR_SECDED;
  return 1;
}

void ax_fi_summarize(const ax_campaign *c, const ax_fi_row *rows, uint64_t n, ax_fi_report *r)
{
  memset(r, 0, sizeof *r);
  double z = ax_fi_z(0.95);
  int idx[AX_SAF_NSITES];
  for (int i = 0; i < AX_SAF_NSITES; i++) idx[i] = -1;
  r->nsum = c->nsites;
  for (int i = 0; i < c->nsites; i++) {
    ax_saf_site s = c->sites[i];
    idx[s] = i;
    ax_fi_sum *m = &r->sum[i];
    snprintf(m->structure, sizeof m->structure, "%s", ax_saf_site_name(s));
    snprintf(m->protection, sizeof m->protection, "%s", ax_prot_name((ax_prot)c->protect[s]));
    m->words = ax_campaign_words(c, s);
    m->bits_per_word = ax_saf_site_bits(s);
    m->bits = m->words * m->bits_per_word;
  }
  uint64_t fails[AX_SAF_NSITES] = {0};
  for (uint64_t i = 0; i < n; i++) {
    int k = idx[rows[i].site];
    if (k < 0) continue;
    ax_fi_sum *m = &r->sum[k];
    m->injections++;
    m->n[rows[i].outcome]++;
    if (rows[i].raw_outcome != AX_FO_MASKED) m->raw_ace++;
    if (is_fail(c, rows[i].outcome)) fails[k]++;
  }
  double tbits = 0, w_sdc = 0, w_crit = 0, w_avf = 0;
  for (int i = 0; i < r->nsum; i++) {
    ax_fi_sum *m = &r->sum[i];
    ax_saf_site s = c->sites[i];
    double nn = (double)m->injections;
    uint64_t sdc = m->n[AX_FO_SDC] + m->n[AX_FO_CRITICAL];
    m->avf = nn ? m->raw_ace / nn : 0;
    ax_fi_wilson(m->raw_ace, m->injections, z, &m->avf_lo, &m->avf_hi);
    m->sdc_rate = nn ? sdc / nn : 0;
    ax_fi_wilson(sdc, m->injections, z, &m->sdc_lo, &m->sdc_hi);
    m->critical_rate = nn ? m->n[AX_FO_CRITICAL] / nn : 0;
    ax_fi_wilson(m->n[AX_FO_CRITICAL], m->injections, z, &m->critical_lo, &m->critical_hi);
    m->due_rate = nn ? (m->n[AX_FO_DETECTED] + m->n[AX_FO_HANG]) / nn : 0;
    m->hang_rate = nn ? m->n[AX_FO_HANG] / nn : 0;
    double base = s == AX_SAF_DRAM_WEIGHT ? c->dram_fit_per_mbit : c->fit_per_mbit;
    double raw = base * (c->protect[s] == AX_PR_HARDENED ? c->hardened_factor : 1.0);
    m->fit_raw = ax_fi_fit(raw, (double)m->bits, 1.0);
    double fl, fh;
    ax_fi_wilson(fails[i], m->injections, z, &fl, &fh);
    m->fit = ax_fi_fit(raw, (double)m->bits, nn ? fails[i] / nn : 0);
    m->fit_lo = ax_fi_fit(raw, (double)m->bits, fl);
    m->fit_hi = ax_fi_fit(raw, (double)m->bits, fh);
    m->fit_due = ax_fi_fit(raw, (double)m->bits, m->due_rate);
    r->fit += m->fit;
    r->fit_due += m->fit_due;
    tbits += (double)m->bits;
    w_sdc += (double)m->bits * m->sdc_rate;
    w_crit += (double)m->bits * m->critical_rate;
    w_avf += (double)m->bits * m->avf;
  }
  if (tbits > 0) {
    r->sdc_rate = w_sdc / tbits;
    r->critical_rate = w_crit / tbits;
    r->avf = w_avf / tbits;
  }
  /* protection what-ifs: every applicable scheme per structure, re-judged
   * from the unprotected outcomes */
  r->prot = ax_xcalloc((size_t)r->nsum * AX_PR_N, sizeof *r->prot);
  int first[AX_SAF_NSITES], count[AX_SAF_NSITES];
  for (int i = 0; i < r->nsum; i++) {
    ax_saf_site s = c->sites[i];
    first[i] = (int)r->nprot;
    count[i] = 0;
    for (int p = 0; p < AX_PR_N; p++) {
      if (!applicable(s, (ax_prot)p)) continue;
      uint64_t f = 0, d = 0, nn = 0;
      for (uint64_t j = 0; j < n; j++) {
        if (rows[j].site != (int32_t)s) continue;
        nn++;
        ax_fout o = ax_protect_outcome((ax_prot)p, s, (ax_fout)rows[j].raw_outcome, rows[j].bit,
                                       rows[j].mask);
        f += is_fail(c, o);
        d += o == AX_FO_DETECTED || o == AX_FO_HANG;
      }
      ax_fi_prot *e = &r->prot[r->nprot++];
      snprintf(e->structure, sizeof e->structure, "%s", ax_saf_site_name(s));
      snprintf(e->scheme, sizeof e->scheme, "%s", ax_prot_name((ax_prot)p));
      double base = s == AX_SAF_DRAM_WEIGHT ? c->dram_fit_per_mbit : c->fit_per_mbit;
      double raw = base * (p == AX_PR_HARDENED ? c->hardened_factor : 1.0);
      e->area_bits = area_of((ax_prot)p, s, r->sum[i].words, (unsigned)r->sum[i].bits_per_word);
      e->fit = nn ? ax_fi_fit(raw, (double)r->sum[i].bits, (double)f / nn) : 0;
      e->fit_due = nn ? ax_fi_fit(raw, (double)r->sum[i].bits, (double)d / nn) : 0;
      count[i]++;
    }
  }
  /* the cheapest set meeting the target: exhaustive over the options */
  int choice[AX_SAF_NSITES] = {0}, best[AX_SAF_NSITES] = {0};
  r->feasible = 0;
  r->best_area = 0;
  r->best_fit = 0;
  for (;;) {
    double area = 0, fit = 0;
    for (int i = 0; i < r->nsum; i++) {
      const ax_fi_prot *e = &r->prot[first[i] + choice[i]];
      area += e->area_bits;
      fit += e->fit;
    }
    if (fit <= c->fit_target &&
        (!r->feasible || area < r->best_area || (area == r->best_area && fit < r->best_fit))) {
      r->feasible = 1;
      r->best_area = area;
      r->best_fit = fit;
      memcpy(best, choice, sizeof best);
    }
    int i = 0;
    while (i < r->nsum && ++choice[i] == count[i]) choice[i++] = 0;
    if (i == r->nsum) break;
  }
  if (r->feasible)
    for (int i = 0; i < r->nsum; i++) r->prot[first[i] + best[i]].chosen = 1;
}

/* ---- weight-memory BER ---------------------------------------------------- */

static uint64_t sm(uint64_t *s)
{
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void ax_fi_ber_sweep(const ax_campaign *c, ax_fi_report *r)
{
  if (!c->nber) return;
  const ax_qnet *net = &c->net;
  uint32_t ni = c->ber_images;
  size_t px = (size_t)c->data.h * c->data.w * c->data.c;
  /* FT-ClipAct thresholds: the largest golden activation of each ReLU
   * layer over the images (above it the activation is set to 0) */
  int *clip = ax_xcalloc(net->nl, sizeof *clip);
  for (size_t l = 0; l < net->nl; l++) clip[l] = -1;
  for (uint32_t i = 0; i < ni; i++) {
    ax_qgold g;
    ax_qgold_run(net, c->data.x + i * px, &g);
    for (size_t l = 0; l + 1 < net->nl; l++) {
      const ax_qlayer *L = &net->l[l];
      if (L->kind == AX_QL_MAXPOOL || !L->relu) continue;
      size_t no = (size_t)L->m * L->n;
      for (size_t o = 0; o < no; o++)
        if (g.in[l + 1][o] > clip[l]) clip[l] = g.in[l + 1][o];
    }
    ax_qgold_free(net, &g);
  }
  /* the weights, all layers, as one memory */
  uint64_t nw = 0;
  for (size_t l = 0; l < net->nl; l++) nw += (uint64_t)net->l[l].k * net->l[l].n;
  int8_t **saved = ax_xcalloc(net->nl, sizeof *saved);
  for (size_t l = 0; l < net->nl; l++)
    if (net->l[l].w) {
      size_t sz = (size_t)net->l[l].k * net->l[l].n;
      saved[l] = ax_xmalloc(sz);
      memcpy(saved[l], net->l[l].w, sz);
    }
  void *scr = ax_xmalloc(ax_qnet_scratch_bytes(net));
  double *acc = ax_xcalloc(c->ber_trials, sizeof *acc);
  r->ber = ax_xcalloc(c->nber * 2, sizeof *r->ber);
  int32_t lg[64];
  for (size_t b = 0; b < c->nber; b++)
    for (int cl = 0; cl < 2; cl++) {
      double flipped = 0;
      for (uint32_t t = 0; t < c->ber_trials; t++) {
        /* the same corrupted memory with and without clipping */
        uint64_t s = ax_seed_mix(c->seed, "ber") ^ ((uint64_t)b << 32) ^ t;
        /* geometric skips between flipped bits */
        double lq = log1p(-c->ber[b]);
        uint64_t pos = 0, nbits = nw * 8;
        for (;;) {
          double u = ((double)(sm(&s) >> 11) + 0.5) / 9007199254740992.0;
          double skip = c->ber[b] >= 1 ? 0 : floor(log(u) / lq);
          if (skip >= (double)(nbits - pos)) break;
          pos += (uint64_t)skip;
          uint64_t byte = pos / 8, off = byte;
          for (size_t l = 0; l < net->nl; l++) {
            size_t sz = net->l[l].w ? (size_t)net->l[l].k * net->l[l].n : 0;
            if (off < sz) {
              net->l[l].w[off] = (int8_t)((uint8_t)net->l[l].w[off] ^ (1u << (pos % 8)));
              break;
            }
            off -= sz;
          }
          flipped += 1;
          pos++;
          if (pos >= nbits) break;
        }
        uint32_t ok = 0;
        for (uint32_t i = 0; i < ni; i++) {
          ax_qnet_run_from(net, 0, c->data.x + i * px, lg, cl ? clip : NULL, scr);
          ok += ax_qtop1(lg, ax_qnet_classes(net)) == c->data.label[i];
        }
        acc[t] = (double)ok / ni;
        for (size_t l = 0; l < net->nl; l++)
          if (saved[l]) memcpy(net->l[l].w, saved[l], (size_t)net->l[l].k * net->l[l].n);
      }
      ax_fi_ber *e = &r->ber[r->nber++];
      e->ber = c->ber[b];
      e->clip = cl;
      e->trials = c->ber_trials;
      e->images = ni;
      double m = 0, v = 0, mn = 1, mx = 0;
      for (uint32_t t = 0; t < c->ber_trials; t++) {
        m += acc[t];
        if (acc[t] < mn) mn = acc[t];
        if (acc[t] > mx) mx = acc[t];
      }
      m /= c->ber_trials;
      for (uint32_t t = 0; t < c->ber_trials; t++) v += (acc[t] - m) * (acc[t] - m);
      double sd = c->ber_trials > 1 ? sqrt(v / (c->ber_trials - 1)) : 0;
      double half = 1.959964 * sd / sqrt((double)c->ber_trials);
      e->accuracy = m;
      e->acc_lo = m - half;
      e->acc_hi = m + half;
      e->acc_min = mn;
      e->acc_max = mx;
      e->flipped_bits = flipped / c->ber_trials;
    }
  for (size_t l = 0; l < net->nl; l++) free(saved[l]);
  free(saved);
  free(scr);
  free(acc);
  free(clip);
}

void ax_fi_report_free(ax_fi_report *r)
{
  free(r->prot);
  free(r->ber);
  memset(r, 0, sizeof *r);
}

/* ---- HDF5 ------------------------------------------------------------------ */

typedef struct h5_inj {
  uint64_t id;
  char structure[16];
  int32_t site;
  uint32_t image;
  uint64_t word;
  uint32_t bit, mask, nbits;
  int32_t stuck;
  int64_t cycle;
  int32_t layer;
  char layer_name[32];
  char raw_outcome[12], outcome[12];
  int32_t raw_code, code;
  int32_t label, top1_gold, top1_fault;
  uint32_t changed;
} h5_inj;

typedef struct h5_layer {
  int32_t layer;
  char name[32];
  char kind[8];
  uint64_t start, cycles, m, n, k;
} h5_layer;

int ax_fi_write_h5(const ax_campaign *c, const ax_fi_row *rows, uint64_t n, const ax_fi_report *r,
                   double inj_per_s, double wall_s, const char *path, char *err, size_t errlen)
{
  ax_h5 h;
  if (ax_h5_create(&h, path, err, errlen)) return AX_EIO;
  hid_t root = h.file;
  int bad = 0;
  ax_h5_attr_str(root, "axsim_version", AX_VERSION_STRING);
  ax_h5_attr_str(root, "kind", "faults");
  ax_h5_attr_i64(root, "schema_version", 1);
  ax_h5_attr_str(root, "name", c->name);
  ax_h5_attr_i64(root, "seed", (long long)c->seed);
  hid_t g = ax_h5_group(root, "faults");
  if (g < 0) bad = 1;
  /* metadata */
  bad |= ax_h5_attr_i64(g, "schema_version", 1) < 0;
  bad |= ax_h5_attr_str(g, "campaign", c->name) < 0;
  bad |= ax_h5_attr_str(g, "campaign_file", c->file) < 0;
  bad |= ax_h5_attr_str(g, "campaign_text", c->text) < 0;
  bad |= ax_h5_attr_str(g, "model", ax_campaign_model_name(c)) < 0;
  bad |= ax_h5_attr_str(g, "model_file", c->model_path) < 0;
  bad |= ax_h5_attr_str(g, "data_file", c->data_path) < 0;
  bad |= ax_h5_attr_i64(g, "images", c->images) < 0;
  bad |= ax_h5_attr_f64(g, "clean_accuracy", c->clean_accuracy) < 0;
  bad |= ax_h5_attr_str(g, "dataflow", ax_sa_dataflow_name(c->arr.df)) < 0;
  bad |= ax_h5_attr_str(g, "unit", c->npu ? "npu" : c->pim ? "pim" : "systolic") < 0;
  bad |= ax_h5_attr_i64(g, "npu_macs", c->npu ? c->npu_arch.macs : 0) < 0;
  bad |= ax_h5_attr_str(g, "datatype", c->bf16 ? "bf16" : "int8") < 0;
  bad |= ax_h5_attr_i64(g, "rows", c->arr.rows) < 0;
  bad |= ax_h5_attr_i64(g, "cols", c->arr.cols) < 0;
  bad |= ax_h5_attr_str(g, "fault_model", ax_fmodel_name(c->fmodel)) < 0;
  bad |= ax_h5_attr_i64(g, "mbu_bits", c->fmodel == AX_FM_MBU ? c->mbu_bits : 1) < 0;
  bad |= ax_h5_attr_i64(g, "seed", (long long)c->seed) < 0;
  bad |= ax_h5_attr_i64(g, "injections", (long long)n) < 0;
  bad |= ax_h5_attr_i64(g, "injections_per_structure", (long long)c->per_site) < 0;
  bad |= ax_h5_attr_f64(g, "margin", c->margin) < 0;
  bad |= ax_h5_attr_f64(g, "confidence", c->confidence) < 0;
  bad |= ax_h5_attr_str(g, "interval", "wilson score, 95%") < 0;
  bad |= ax_h5_attr_i64(g, "total_cycles", (long long)c->total_cycles) < 0;
  bad |= ax_h5_attr_f64(g, "fit_per_mbit", c->fit_per_mbit) < 0;
  bad |= ax_h5_attr_f64(g, "dram_fit_per_mbit", c->dram_fit_per_mbit) < 0;
  bad |= ax_h5_attr_str(g, "dram", c->dram_preset) < 0;
  bad |= ax_h5_attr_i64(g, "dram_words", (long long)c->dram_words) < 0;
  bad |= ax_h5_attr_f64(g, "fit_target", c->fit_target) < 0;
  bad |= ax_h5_attr_str(g, "fit_of", c->fit_critical ? "critical" : "sdc") < 0;
  bad |= ax_h5_attr_f64(g, "hardened_factor", c->hardened_factor) < 0;
  bad |= ax_h5_attr_f64(g, "sdc_rate", r->sdc_rate) < 0;
  bad |= ax_h5_attr_f64(g, "critical_rate", r->critical_rate) < 0;
  bad |= ax_h5_attr_f64(g, "avf", r->avf) < 0;
  bad |= ax_h5_attr_f64(g, "fit", r->fit) < 0;
  bad |= ax_h5_attr_f64(g, "fit_due", r->fit_due) < 0;
  bad |= ax_h5_attr_f64(g, "injections_per_s", inj_per_s) < 0;
  bad |= ax_h5_attr_f64(g, "wall_s", wall_s) < 0;
  /* per-injection table */
  h5_inj *t = ax_xcalloc(n ? n : 1, sizeof *t);
  for (uint64_t i = 0; i < n; i++) {
    const ax_fi_row *x = &rows[i];
    h5_inj *y = &t[i];
    y->id = x->id;
    snprintf(y->structure, sizeof y->structure, "%s", ax_saf_site_name((ax_saf_site)x->site));
    y->site = x->site;
    y->image = x->image;
    y->word = x->word;
    y->bit = x->bit; y->mask = x->mask; y->nbits = x->nbits;
    y->stuck = x->stuck;
    y->cycle = x->cycle;
    y->layer = x->layer;
    snprintf(y->layer_name, sizeof y->layer_name, "%s", ax_campaign_layer_name(c, x->layer));
    snprintf(y->raw_outcome, sizeof y->raw_outcome, "%s", ax_fout_name((ax_fout)x->raw_outcome));
    snprintf(y->outcome, sizeof y->outcome, "%s", ax_fout_name((ax_fout)x->outcome));
    y->raw_code = x->raw_outcome;
    y->code = x->outcome;
    y->label = x->label; y->top1_gold = x->top1_gold; y->top1_fault = x->top1_fault;
    y->changed = x->changed;
  }
#define C(nm, ty, st, f) {nm, ty, offsetof(st, f), sizeof(((st *)0)->f)}
  static const ax_h5col icol[] = {
      C("id", AX_H5_U64, h5_inj, id),           C("structure", AX_H5_STR, h5_inj, structure),
      C("site", AX_H5_I32, h5_inj, site),       C("image", AX_H5_U32, h5_inj, image),
      C("word", AX_H5_U64, h5_inj, word),       C("bit", AX_H5_U32, h5_inj, bit),
      C("mask", AX_H5_U32, h5_inj, mask),       C("nbits", AX_H5_U32, h5_inj, nbits),
      C("stuck", AX_H5_I32, h5_inj, stuck),     C("cycle", AX_H5_I64, h5_inj, cycle),
      C("layer", AX_H5_I32, h5_inj, layer),     C("layer_name", AX_H5_STR, h5_inj, layer_name),
      C("raw_outcome", AX_H5_STR, h5_inj, raw_outcome), C("outcome", AX_H5_STR, h5_inj, outcome),
      C("raw_code", AX_H5_I32, h5_inj, raw_code), C("code", AX_H5_I32, h5_inj, code),
      C("label", AX_H5_I32, h5_inj, label),     C("top1_gold", AX_H5_I32, h5_inj, top1_gold),
      C("top1_fault", AX_H5_I32, h5_inj, top1_fault), C("changed", AX_H5_U32, h5_inj, changed),
  };
  bad |= ax_h5_table(g, "injections", icol, sizeof icol / sizeof *icol, sizeof *t, t, n) < 0;
  free(t);
  /* per-structure summary */
  typedef struct h5_sum {
    char structure[16], protection[12];
    uint64_t words, bits_per_word, bits, injections;
    uint64_t masked, sdc, critical, detected, corrected, hang;
    double avf, avf_lo, avf_hi, sdc_rate, sdc_lo, sdc_hi, critical_rate, critical_lo, critical_hi;
    double due_rate, hang_rate, fit_raw, fit, fit_lo, fit_hi, fit_due;
  } h5_sum;
  h5_sum *s = ax_xcalloc((size_t)r->nsum + 1, sizeof *s);
  for (int i = 0; i < r->nsum; i++) {
    const ax_fi_sum *m = &r->sum[i];
    h5_sum *y = &s[i];
    memcpy(y->structure, m->structure, sizeof y->structure);
    memcpy(y->protection, m->protection, sizeof y->protection);
    y->words = m->words; y->bits_per_word = m->bits_per_word; y->bits = m->bits;
    y->injections = m->injections;
    y->masked = m->n[AX_FO_MASKED]; y->sdc = m->n[AX_FO_SDC]; y->critical = m->n[AX_FO_CRITICAL];
    y->detected = m->n[AX_FO_DETECTED]; y->corrected = m->n[AX_FO_CORRECTED]; y->hang = m->n[AX_FO_HANG];
    y->avf = m->avf; y->avf_lo = m->avf_lo; y->avf_hi = m->avf_hi;
    y->sdc_rate = m->sdc_rate; y->sdc_lo = m->sdc_lo; y->sdc_hi = m->sdc_hi;
    y->critical_rate = m->critical_rate; y->critical_lo = m->critical_lo; y->critical_hi = m->critical_hi;
    y->due_rate = m->due_rate; y->hang_rate = m->hang_rate; y->fit_raw = m->fit_raw; y->fit = m->fit; y->fit_lo = m->fit_lo;
    y->fit_hi = m->fit_hi; y->fit_due = m->fit_due;
  }
  static const ax_h5col scol[] = {
      C("structure", AX_H5_STR, h5_sum, structure), C("protection", AX_H5_STR, h5_sum, protection),
      C("words", AX_H5_U64, h5_sum, words),         C("bits_per_word", AX_H5_U64, h5_sum, bits_per_word),
      C("bits", AX_H5_U64, h5_sum, bits),           C("injections", AX_H5_U64, h5_sum, injections),
      C("masked", AX_H5_U64, h5_sum, masked),       C("sdc", AX_H5_U64, h5_sum, sdc),
      C("critical", AX_H5_U64, h5_sum, critical),   C("detected", AX_H5_U64, h5_sum, detected),
      C("corrected", AX_H5_U64, h5_sum, corrected), C("hang", AX_H5_U64, h5_sum, hang),
      C("avf", AX_H5_F64, h5_sum, avf),             C("avf_lo", AX_H5_F64, h5_sum, avf_lo),
      C("avf_hi", AX_H5_F64, h5_sum, avf_hi),       C("sdc_rate", AX_H5_F64, h5_sum, sdc_rate),
      C("sdc_lo", AX_H5_F64, h5_sum, sdc_lo),       C("sdc_hi", AX_H5_F64, h5_sum, sdc_hi),
      C("critical_rate", AX_H5_F64, h5_sum, critical_rate),
      C("critical_lo", AX_H5_F64, h5_sum, critical_lo),
      C("critical_hi", AX_H5_F64, h5_sum, critical_hi), C("due_rate", AX_H5_F64, h5_sum, due_rate),
      C("hang_rate", AX_H5_F64, h5_sum, hang_rate),
      C("fit_raw", AX_H5_F64, h5_sum, fit_raw),     C("fit", AX_H5_F64, h5_sum, fit),
      C("fit_lo", AX_H5_F64, h5_sum, fit_lo),       C("fit_hi", AX_H5_F64, h5_sum, fit_hi),
      C("fit_due", AX_H5_F64, h5_sum, fit_due),
  };
  bad |= ax_h5_table(g, "structures", scol, sizeof scol / sizeof *scol, sizeof *s, s, (size_t)r->nsum) < 0;
  free(s);
  /* timeline */
  h5_layer *lt = ax_xcalloc(c->ntl + 1, sizeof *lt);
  for (size_t i = 0; i < c->ntl; i++) {
    int l = c->tl[i].layer;
    uint32_t m, nn, k;
    ax_campaign_layer_dims(c, l, &m, &nn, &k);
    lt[i].layer = l;
    snprintf(lt[i].name, sizeof lt[i].name, "%s", ax_campaign_layer_name(c, l));
    snprintf(lt[i].kind, sizeof lt[i].kind, "%s",
             c->is_lm ? "gemm" : c->net.l[l].kind == AX_QL_CONV ? "conv" : "fc");
    lt[i].start = c->tl[i].start; lt[i].cycles = c->tl[i].cycles;
    lt[i].m = m; lt[i].n = nn; lt[i].k = k;
  }
  static const ax_h5col lcol[] = {
      C("layer", AX_H5_I32, h5_layer, layer), C("name", AX_H5_STR, h5_layer, name),
      C("kind", AX_H5_STR, h5_layer, kind),   C("start", AX_H5_U64, h5_layer, start),
      C("cycles", AX_H5_U64, h5_layer, cycles), C("m", AX_H5_U64, h5_layer, m),
      C("n", AX_H5_U64, h5_layer, n),         C("k", AX_H5_U64, h5_layer, k),
  };
  bad |= ax_h5_table(g, "layers", lcol, sizeof lcol / sizeof *lcol, sizeof *lt, lt, c->ntl) < 0;
  free(lt);
  /* protection what-ifs */
  static const ax_h5col pcol[] = {
      C("structure", AX_H5_STR, ax_fi_prot, structure), C("scheme", AX_H5_STR, ax_fi_prot, scheme),
      C("area_bits", AX_H5_F64, ax_fi_prot, area_bits), C("fit", AX_H5_F64, ax_fi_prot, fit),
      C("fit_due", AX_H5_F64, ax_fi_prot, fit_due),     C("chosen", AX_H5_I32, ax_fi_prot, chosen),
  };
  hid_t pt = -1;
  bad |= ax_h5_table(g, "protection", pcol, sizeof pcol / sizeof *pcol, sizeof *r->prot, r->prot,
                     r->nprot) < 0;
  pt = H5Dopen2(g, "protection", H5P_DEFAULT);
  if (pt >= 0) {
    bad |= ax_h5_attr_i64(pt, "feasible", r->feasible) < 0;
    bad |= ax_h5_attr_f64(pt, "best_area_bits", r->best_area) < 0;
    bad |= ax_h5_attr_f64(pt, "best_fit", r->best_fit) < 0;
    bad |= ax_h5_attr_f64(pt, "fit_target", c->fit_target) < 0;
    H5Dclose(pt);
  }
  if (r->nber) {
    static const ax_h5col bcol[] = {
        C("ber", AX_H5_F64, ax_fi_ber, ber),           C("clip", AX_H5_I32, ax_fi_ber, clip),
        C("trials", AX_H5_U32, ax_fi_ber, trials),     C("images", AX_H5_U32, ax_fi_ber, images),
        C("accuracy", AX_H5_F64, ax_fi_ber, accuracy), C("acc_lo", AX_H5_F64, ax_fi_ber, acc_lo),
        C("acc_hi", AX_H5_F64, ax_fi_ber, acc_hi),     C("acc_min", AX_H5_F64, ax_fi_ber, acc_min),
        C("acc_max", AX_H5_F64, ax_fi_ber, acc_max),
        C("flipped_bits", AX_H5_F64, ax_fi_ber, flipped_bits),
    };
    bad |= ax_h5_table(g, "ber", bcol, sizeof bcol / sizeof *bcol, sizeof *r->ber, r->ber, r->nber) < 0;
  }
#undef C
  if (g >= 0) H5Gclose(g);
  if (bad) {
    ax_h5_abandon(&h);
    ax_errf(err, errlen, "%s: writing the HDF5 file failed", path);
    return AX_EIO;
  }
  return ax_h5_commit(&h, err, errlen) ? AX_EIO : AX_OK;
}
