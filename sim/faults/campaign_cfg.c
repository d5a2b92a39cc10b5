/*
 * campaign_cfg.c - reading a campaign file (libconfig) into ax_campaign,
 * loading its model and images and running the golden pass. Every error
 * names file, line, setting and what was expected.
 */
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgutil.h"
#include "dram/dram.h"
#include "campaign.h"
#include "fi_stats.h"
#include "sim.h"

typedef struct pc {
  ax_campaign *c;
  config_t cfg;
  char *err;
  size_t errlen;
} pc;

static const char *keys[] = {
    "name",          "model",          "data",       "images",      "array",
    "structures",    "fault_model",    "mbu_bits",   "injections",  "margin",
    "confidence",    "seed",           "fit_per_mbit", "fit_target", "fit_of",
    "hardened_factor", "protection",   "ber",        "dram",        "dram_fit_per_mbit",
    "npu", "pim"};
static const char *npu_keys[] = {"macs_per_cycle", "block_w", "block_h", "block_d"};
static const char *pim_keys[] = {"channels", "banks", "accs", "row_bytes", "col_bytes"};
#define NKEYS (sizeof keys / sizeof *keys)
static const char *array_keys[] = {"rows", "cols", "dataflow", "ifmap_sram_kb", "filter_sram_kb",
                                   "ofmap_sram_kb", "datatype"};
static const char *ber_keys[] = {"rates", "trials", "images"};

static int fail(pc *x, const config_setting_t *st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int fail(pc *x, const config_setting_t *st, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int rc = ax_cfg_verror(x->err, x->errlen, x->c->file, st, fmt, ap);
  va_end(ap);
  return rc;
}

/* Reject settings of group g not in the list, suggesting the closest. */
static int check_keys(pc *x, const config_setting_t *g, const char *const *list, size_t n)
{
  for (int i = 0; i < config_setting_length(g); i++) {
    const config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
    const char *k = config_setting_name(e);
    size_t j;
    for (j = 0; j < n; j++)
      if (strcmp(k, list[j]) == 0) break;
    if (j < n) continue;
    const char *sg = ax_suggest(k, list, n);
    return fail(x, e, "unknown setting%s%s%s", sg ? " (did you mean '" : "", sg ? sg : "",
                sg ? "'?)" : "");
  }
  return 0;
}

static int get_int(pc *x, const config_setting_t *g, const char *k, long long lo, long long hi,
                   long long def, long long *v)
{
  const config_setting_t *s = config_setting_get_member(g, k);
  if (!s) { *v = def; return 0; }
  int t = config_setting_type(s);
  if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
    return fail(x, s, "expected an integer in [%lld, %lld]", lo, hi);
  long long y = config_setting_get_int64(s);
  if (y < lo || y > hi) return fail(x, s, "%lld is out of range, expected [%lld, %lld]", y, lo, hi);
  *v = y;
  return 0;
}

static int get_num(pc *x, const config_setting_t *g, const char *k, double lo, double hi,
                   double def, double *v)
{
  const config_setting_t *s = config_setting_get_member(g, k);
  if (!s) { *v = def; return 0; }
  int t = config_setting_type(s);
  double y;
  if (t == CONFIG_TYPE_FLOAT) y = config_setting_get_float(s);
  else if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) y = (double)config_setting_get_int64(s);
  else return fail(x, s, "expected a number in [%g, %g]", lo, hi);
  if (!(y >= lo && y <= hi)) return fail(x, s, "%g is out of range, expected [%g, %g]", y, lo, hi);
  *v = y;
  return 0;
}

static int get_str(pc *x, const config_setting_t *g, const char *k, const char *def,
                   const char **v)
{
  const config_setting_t *s = config_setting_get_member(g, k);
  if (!s) {
    *v = def;
    if (!def) return fail(x, g, "setting '%s' is required (a string)", k);
    return 0;
  }
  if (config_setting_type(s) != CONFIG_TYPE_STRING) return fail(x, s, "expected a string");
  *v = config_setting_get_string(s);
  return 0;
}

/* A path relative to the campaign file's folder. */
static void rel_path(const ax_campaign *c, const char *p, char *out, size_t n)
{
  int k = (p[0] == '/' || !c->dir[0]) ? snprintf(out, n, "%s", p)
                                     : snprintf(out, n, "%s/%s", c->dir, p);
  if (k < 0 || (size_t)k >= n) out[0] = '\0'; /* too long: fails to open, named */
}

static int one_of(pc *x, const config_setting_t *g, const char *k, const char *v,
                  const char *const *names, int n)
{
  for (int i = 0; i < n; i++)
    if (strcmp(v, names[i]) == 0) return i;
  char list[256] = "";
  for (int i = 0; i < n; i++) {
    strncat(list, names[i], sizeof list - strlen(list) - 1);
    if (i + 1 < n) strncat(list, ", ", sizeof list - strlen(list) - 1);
  }
  const config_setting_t *s = config_setting_get_member(g, k);
  const char *sg = ax_suggest(v, names, (size_t)n);
  fail(x, s ? s : g, "'%s' is not one of %s%s%s%s", v, list, sg ? " (did you mean '" : "",
       sg ? sg : "", sg ? "'?)" : "");
  return -1;
}

static uint64_t fnv(const char *s)
{
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}


static const char *site_names[AX_SAF_NSITES];

static int parse(pc *x)
{
  ax_campaign *c = x->c;
  config_setting_t *root = config_root_setting(&x->cfg);
  if (check_keys(x, root, keys, NKEYS)) return AX_EINVAL;
  const char *s = NULL;
  long long v;
  if (get_str(x, root, "name", "campaign", &s)) return AX_EINVAL;
  snprintf(c->name, sizeof c->name, "%s", s ? s : "campaign"); /* (get_str sets s; GCC's profile-guided build cannot see it) */
  if (get_str(x, root, "model", NULL, &s)) return AX_EINVAL;
  rel_path(c, s, c->model_path, sizeof c->model_path);
  if (get_str(x, root, "data", NULL, &s)) return AX_EINVAL;
  rel_path(c, s, c->data_path, sizeof c->data_path);
  if (get_int(x, root, "images", 1, 1 << 24, 0, &v)) return AX_EINVAL;
  c->images = (uint32_t)v;
  /* array */
  config_setting_t *ar = config_setting_get_member(root, "array");
  if (!ar) /* all defaults: an empty group */
    ar = config_setting_add(root, "array", CONFIG_TYPE_GROUP);
  if (!ar || config_setting_type(ar) != CONFIG_TYPE_GROUP)
    return fail(x, ar ? ar : root, "'array' must be a group { rows; cols; dataflow; ... }");
  if (check_keys(x, ar, array_keys, sizeof array_keys / sizeof *array_keys)) return AX_EINVAL;
  if (get_int(x, ar, "rows", 2, 4096, 16, &v)) return AX_EINVAL;
  c->arr.rows = (uint32_t)v;
  if (get_int(x, ar, "cols", 2, 4096, 16, &v)) return AX_EINVAL;
  c->arr.cols = (uint32_t)v;
  if (get_str(x, ar, "dataflow", "ws", &s)) return AX_EINVAL;
  static const char *dfn[] = {"os", "ws", "is"};
  int df = one_of(x, ar, "dataflow", s, dfn, 3);
  if (df < 0) return AX_EINVAL;
  c->arr.df = (ax_sa_dataflow)df;
  c->arr.word_bytes = 1;
  if (get_str(x, ar, "datatype", "int8", &s)) return AX_EINVAL;
  static const char *dtn[] = {"int8", "bf16"};
  int dt = one_of(x, ar, "datatype", s, dtn, 2);
  if (dt < 0) return AX_EINVAL;
  c->bf16 = dt == 1;
  /* defaults sized for the digits models: the largest operand tensors fit */
  static const char *kb[3] = {"ifmap_sram_kb", "filter_sram_kb", "ofmap_sram_kb"};
  static const long long kbdef[3] = {1, 2, 2};
  for (int i = 0; i < 3; i++) {
    if (get_int(x, ar, kb[i], 1, 1 << 20, kbdef[i], &v)) return AX_EINVAL;
    c->sram_bytes[i] = (uint64_t)v * 1024;
  }
  /* the NPU's MAC engine instead of the array: models/npu's parameters
   * and defaults (Ethos-U55-128, OFM block 8 x 8 x 16) */
  config_setting_t *np = config_setting_get_member(root, "npu");
  if (np) {
    if (config_setting_type(np) != CONFIG_TYPE_GROUP)
      return fail(x, np, "expected a group { macs_per_cycle; block_w; block_h; block_d; }");
    if (check_keys(x, np, npu_keys, 4)) return AX_EINVAL;
    long long m, bw, bh, bd;
    if (get_int(x, np, "macs_per_cycle", 32, 256, 128, &m) || get_int(x, np, "block_w", 1, 64, 8, &bw) ||
        get_int(x, np, "block_h", 1, 32, 8, &bh) || get_int(x, np, "block_d", 4, 128, 16, &bd))
      return AX_EINVAL;
    char e2[512];
    if (ax_npu_arch_init(&c->npu_arch, (uint32_t)m, (uint32_t)bw, (uint32_t)bh, (uint32_t)bd, 8, e2,
                         sizeof e2))
      return fail(x, np, "%s", e2);
    c->npu = 1;
  }
  /* PIM banks: models/pim's parameters and defaults (8 channels of 16
   * banks, 16 partial-sum registers each, 2 KB pages, 32 B per MAC_AB) */
  config_setting_t *pp = config_setting_get_member(root, "pim");
  if (pp) {
    if (np) return fail(x, pp, "give either 'npu' or 'pim', not both");
    if (config_setting_type(pp) != CONFIG_TYPE_GROUP)
      return fail(x, pp, "expected a group { channels; banks; accs; row_bytes; col_bytes; }");
    if (check_keys(x, pp, pim_keys, 5)) return AX_EINVAL;
    long long v5[5];
    static const long long lo[5] = {1, 1, 1, 32, 1}, hi[5] = {4096, 64, 1 << 20, 1 << 20, 4096},
                           def[5] = {8, 16, 16, 2048, 32};
    for (int i = 0; i < 5; i++)
      if (get_int(x, pp, pim_keys[i], lo[i], hi[i], def[i], &v5[i])) return AX_EINVAL;
    if (v5[4] > v5[3])
      return fail(x, pp, "col_bytes = %lld is larger than row_bytes = %lld", v5[4], v5[3]);
    c->pim_cfg = (ax_pimf_cfg){(uint32_t)v5[0], (uint32_t)v5[1], (uint32_t)v5[2], (uint32_t)v5[3],
                               (uint32_t)v5[4]};
    c->pim = 1;
  }
  /* structures */
  for (int i = 0; i < AX_SAF_NSITES; i++) site_names[i] = ax_saf_site_name((ax_saf_site)i);
  config_setting_t *st = config_setting_get_member(root, "structures");
  if (!st || (config_setting_type(st) == CONFIG_TYPE_STRING &&
              strcmp(config_setting_get_string(st), "all") == 0)) {
    /* everything of the unit the layers run on, and the weight memory */
    c->nsites = 0;
    if (c->npu || c->pim) {
      c->sites[c->nsites++] = c->npu ? AX_SAF_NPU_ACC : AX_SAF_PIM_ACC;
      c->sites[c->nsites++] = AX_SAF_DRAM_WEIGHT;
    } else {
      for (int i = 0; i <= AX_SAF_DRAM_WEIGHT; i++) c->sites[c->nsites++] = (ax_saf_site)i;
    }
  } else if (config_setting_is_array(st) || config_setting_is_list(st)) {
    c->nsites = 0;
    for (int i = 0; i < config_setting_length(st); i++) {
      config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
      if (config_setting_type(e) != CONFIG_TYPE_STRING) return fail(x, st, "expected structure names");
      const char *n = config_setting_get_string(e);
      int k = ax_saf_site_parse(n);
      if (k < 0) {
        const char *sg = ax_suggest(n, site_names, AX_SAF_NSITES);
        return fail(x, st, "unknown structure '%s'%s%s%s (known: ifmap_sram, filter_sram, "
                    "ofmap_sram, pe_ifmap, pe_weight, pe_acc, ctrl_fold, dram_weight, npu_acc, pim_acc)", n, sg ? ", did you mean '" : "",
                    sg ? sg : "", sg ? "'?" : "");
      }
      for (int j = 0; j < c->nsites; j++)
        if (c->sites[j] == (ax_saf_site)k) return fail(x, st, "structure '%s' listed twice", n);
      if (c->npu && k != AX_SAF_NPU_ACC && k != AX_SAF_DRAM_WEIGHT)
        return fail(x, st, "structure '%s' is not in the NPU; with 'npu' the structures are "
                    "npu_acc and dram_weight", n);
      if (c->pim && k != AX_SAF_PIM_ACC && k != AX_SAF_DRAM_WEIGHT)
        return fail(x, st, "structure '%s' is not in the PIM banks; with 'pim' the structures are "
                    "pim_acc and dram_weight", n);
      if (!c->npu && k == AX_SAF_NPU_ACC)
        return fail(x, st, "structure 'npu_acc' needs an 'npu' group (the layers run on the array)");
      if (!c->pim && k == AX_SAF_PIM_ACC)
        return fail(x, st, "structure 'pim_acc' needs a 'pim' group (the layers run on the array)");
      c->sites[c->nsites++] = (ax_saf_site)k;
    }
    if (!c->nsites) return fail(x, st, "no structures");
  } else {
    return fail(x, st, "expected \"all\" or a list of structure names");
  }
  if (c->bf16 && (c->nsites != 1 || c->sites[0] != AX_SAF_DRAM_WEIGHT))
    return fail(x, st ? st : ar, "with array.datatype = \"bf16\" only structures = "
                "[\"dram_weight\"] is modelled (the array's fault mapping is int8)");
  /* fault model */
  static const char *fmn[] = {"flip", "mbu", "sa0", "sa1"};
  if (get_str(x, root, "fault_model", "flip", &s)) return AX_EINVAL;
  int fm = one_of(x, root, "fault_model", s, fmn, 4);
  if (fm < 0) return AX_EINVAL;
  c->fmodel = (ax_fmodel)fm;
  if (get_int(x, root, "mbu_bits", 2, 8, 2, &v)) return AX_EINVAL;
  c->mbu_bits = (unsigned)v;
  /* size */
  long long inj;
  if (get_int(x, root, "injections", 1, 100000000, 0, &inj)) return AX_EINVAL;
  if (get_num(x, root, "margin", 1e-6, 0.5, 0, &c->margin)) return AX_EINVAL;
  if (get_num(x, root, "confidence", 0.5, 0.999999, 0.95, &c->confidence)) return AX_EINVAL;
  if (inj && c->margin > 0)
    return fail(x, config_setting_get_member(root, "margin"),
                "give either 'injections' or 'margin' (with 'confidence'), not both");
  if (!inj && c->margin <= 0) inj = 1000;
  c->per_site = (uint64_t)inj;
  if (get_int(x, root, "seed", 0, INT64_MAX, 1, &v)) return AX_EINVAL;
  c->seed = (uint64_t)v;
  /* Raw soft-error rate: ~1000 FIT/Mbit is the order of magnitude of SRAM
   * at terrestrial sea level in deep-submicron nodes (R. Baumann, "Radiation-
   * induced soft errors in advanced semiconductor technologies", IEEE Trans.
   * Device and Materials Reliability 5(3), 2005). */
  if (get_num(x, root, "fit_per_mbit", 0, 1e9, 1000.0, &c->fit_per_mbit)) return AX_EINVAL;
  /* ISO 26262-5:2018 Table 6: PMHF < 10^-8 per hour (10 FIT) for ASIL D. */
  if (get_num(x, root, "fit_target", 0, 1e12, 10.0, &c->fit_target)) return AX_EINVAL;
  if (get_str(x, root, "fit_of", "sdc", &s)) return AX_EINVAL;
  static const char *fon[] = {"sdc", "critical"};
  int fo = one_of(x, root, "fit_of", s, fon, 2);
  if (fo < 0) return AX_EINVAL;
  c->fit_critical = fo;
  /* Hardened (DICE-class) flip-flops: assumed 10x lower raw rate, an order
   * of magnitude from published DICE / BISER results (Mitra et al., "Robust
   * system design with built-in soft-error resilience", IEEE Computer
   * 38(2), 2005, report > 20x for BISER); set it to your cell library's. */
  if (get_num(x, root, "hardened_factor", 0, 1, 0.1, &c->hardened_factor)) return AX_EINVAL;
  /* protection */
  config_setting_t *pr = config_setting_get_member(root, "protection");
  if (pr) {
    if (config_setting_type(pr) != CONFIG_TYPE_GROUP)
      return fail(x, pr, "expected a group { structure = \"none|parity|secded|dup|hardened\"; }");
    static const char *prn[] = {"none", "parity", "secded", "dup", "hardened"};
    for (int i = 0; i < config_setting_length(pr); i++) {
      config_setting_t *e = config_setting_get_elem(pr, (unsigned)i);
      int k = ax_saf_site_parse(config_setting_name(e));
      if (k < 0) {
        const char *sg = ax_suggest(config_setting_name(e), site_names, AX_SAF_NSITES);
        return fail(x, e, "unknown structure%s%s%s", sg ? " (did you mean '" : "", sg ? sg : "",
                    sg ? "'?)" : "");
      }
      if (config_setting_type(e) != CONFIG_TYPE_STRING)
        return fail(x, e, "expected \"none\", \"parity\", \"secded\", \"dup\" or \"hardened\"");
      int p = one_of(x, pr, config_setting_name(e), config_setting_get_string(e), prn, 5);
      if (p < 0) return AX_EINVAL;
      int sram = k <= AX_SAF_OFMAP_SRAM;
      if (sram && (p == AX_PR_DUP || p == AX_PR_HARDENED))
        return fail(x, e, "'%s' applies to PE registers; SRAM takes parity or secded", prn[p]);
      if (k == AX_SAF_DRAM_WEIGHT && p != AX_PR_NONE && p != AX_PR_SECDED)
        return fail(x, e, "dram_weight takes \"none\" or \"secded\" (the ECC DIMM's (72,64) code)");
      c->protect[k] = p;
    }
  }
  /* the weight memory's DRAM: a preset of models/dram, for its organisation */
  if (get_str(x, root, "dram", "DDR4-3200", &s)) return AX_EINVAL;
  {
    ax_dram_cfg dc;
    char e2[512];
    if (ax_dram_preset(&dc, s, e2, sizeof e2) != AX_OK)
      return fail(x, config_setting_get_member(root, "dram"), "%s", e2);
    if (dc.bus_width != 64)
      return fail(x, config_setting_get_member(root, "dram"),
                  "preset '%s' has a %d-bit bus; dram_weight models the 64-bit data word of a "
                  "DDR4 ECC DIMM (72 bits with SECDED)", s, dc.bus_width);
    snprintf(c->dram_preset, sizeof c->dram_preset, "%s", s);
  }
  /* DRAM raw soft-error rate: 1000-5000 FIT/Mbit is the range Tezzaron's
   * "Soft Errors in Electronic Memory" white paper (2004) gives for DRAM;
   * field studies (e.g. Sridharan et al., SC 2012) see far fewer transient
   * faults per bit in modern parts. Use your part's number. */
  if (get_num(x, root, "dram_fit_per_mbit", 0, 1e9, 1000.0, &c->dram_fit_per_mbit))
    return AX_EINVAL;
  /* weight-memory BER sweep */
  config_setting_t *bs = config_setting_get_member(root, "ber");
  if (bs) {
    if (config_setting_type(bs) != CONFIG_TYPE_GROUP)
      return fail(x, bs, "expected a group { rates = [...]; trials; images; }");
    if (check_keys(x, bs, ber_keys, 3)) return AX_EINVAL;
    config_setting_t *r = config_setting_get_member(bs, "rates");
    if (!r || !(config_setting_is_array(r) || config_setting_is_list(r)) || !config_setting_length(r))
      return fail(x, r ? r : bs, "'rates' must be a non-empty list of bit-error rates in (0, 1]");
    c->nber = (size_t)config_setting_length(r);
    c->ber = ax_xcalloc(c->nber, sizeof *c->ber);
    for (size_t i = 0; i < c->nber; i++) {
      config_setting_t *e = config_setting_get_elem(r, (unsigned)i);
      int t = config_setting_type(e);
      double y = t == CONFIG_TYPE_FLOAT ? config_setting_get_float(e)
                 : (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) ? (double)config_setting_get_int64(e)
                                                                    : -1;
      if (!(y > 0 && y <= 1)) return fail(x, r, "rate %zu is not a number in (0, 1]", i);
      c->ber[i] = y;
    }
    if (get_int(x, bs, "trials", 1, 100000, 10, &v)) return AX_EINVAL;
    c->ber_trials = (uint32_t)v;
    if (get_int(x, bs, "images", 1, 1 << 24, 0, &v)) return AX_EINVAL;
    c->ber_images = (uint32_t)v;
  }
  return 0;
}

/* Lay the GEMM layers back to back on the array's timeline. */
static void timeline(ax_campaign *c)
{
  size_t n = c->is_lm ? c->lm.ngemm : c->net.nl;
  c->tl = ax_xcalloc(n ? n : 1, sizeof *c->tl);
  uint64_t t = 0;
  for (size_t i = 0; i < n; i++) {
    if (!c->is_lm && c->net.l[i].kind == AX_QL_MAXPOOL) continue;
    ax_saf_gemm g = {0};
    ax_campaign_layer_dims(c, (int)i, &g.m, &g.n, &g.k);
    ax_fi_layer *e = &c->tl[c->ntl++];
    e->layer = (int)i;
    e->start = t;
    e->cycles = ax_campaign_layer_cycles(c, (int)i);
    t += e->cycles;
  }
  c->total_cycles = t;
}

void ax_campaign_npu_geom(const ax_campaign *c, int layer, ax_npuf_geom *g)
{
  uint32_t m, n, k;
  ax_campaign_layer_dims(c, layer, &m, &n, &k);
  if (!c->is_lm && c->net.l[layer].kind == AX_QL_CONV) {
    const ax_qlayer *L = &c->net.l[layer];
    ax_npuf_geom_of(&c->npu_arch, L->out_h, L->out_w, L->out_c, k, g);
  } else {
    /* fc / transformer GEMMs: the M rows as one OFM row */
    ax_npuf_geom_of(&c->npu_arch, 1, m, n, k, g);
  }
}

uint64_t ax_campaign_layer_cycles(const ax_campaign *c, int layer)
{
  ax_saf_gemm g = {0};
  ax_campaign_layer_dims(c, layer, &g.m, &g.n, &g.k);
  if (c->npu) {
    ax_npuf_geom ng;
    ax_campaign_npu_geom(c, layer, &ng);
    return ng.cycles;
  }
  if (c->pim) {
    ax_pimf_geom pg;
    ax_pimf_geom_cfg(&c->pim_cfg, g.m, g.n, g.k, &pg);
    return pg.steps;
  }
  return ax_saf_cycles(&c->arr, &g);
}

size_t ax_campaign_unit_apply(const ax_campaign *c, int layer, const ax_saf_gemm *g,
                              const ax_saf_fault *f, int32_t *z, uint32_t *touched, size_t tcap)
{
  if (c->npu) {
    ax_npuf_geom ng;
    ax_campaign_npu_geom(c, layer, &ng);
    return ax_npuf_apply(&ng, g, f, z);
  }
  if (c->pim) {
    ax_pimf_geom pg;
    ax_pimf_geom_cfg(&c->pim_cfg, g->m, g->n, g->k, &pg);
    return ax_pimf_apply(&pg, g, f, z);
  }
  return ax_saf_apply(&c->arr, g, f, z, touched, tcap);
}

const char *ax_campaign_model_name(const ax_campaign *c)
{
  return c->is_lm ? c->lm.name : c->net.name;
}

const char *ax_campaign_layer_name(const ax_campaign *c, int layer)
{
  if (layer < 0) return "";
  return c->is_lm ? c->lm.g[layer].name : c->net.l[layer].name;
}

void ax_campaign_layer_dims(const ax_campaign *c, int layer, uint32_t *m, uint32_t *n, uint32_t *k)
{
  if (c->is_lm) {
    *m = c->lm.g[layer].m; *n = c->lm.g[layer].n; *k = c->lm.g[layer].k;
  } else {
    *m = c->net.l[layer].m; *n = c->net.l[layer].n; *k = c->net.l[layer].k;
  }
}

static int ends_with(const char *s, const char *suf)
{
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Load the model and its images / prompts and run the golden pass. */
static int load_workload(ax_campaign *c, char *err, size_t errlen)
{
  c->is_lm = ends_with(c->model_path, ".axlm");
  if (c->is_lm) {
    if (c->nber) {
      ax_errf(err, errlen, "%s: setting 'ber': the weight-memory BER sweep is for .axq models, "
              "not the transformer '%s'", c->file, c->model_path);
      return AX_EINVAL;
    }
    if (ax_tlm_load(c->model_path, &c->lm, err, errlen)) return AX_EINVAL;
    c->lm.bf16 = c->bf16;
    c->lm.bf16_arr = c->arr;
    if (ax_tlm_prompts_load(c->data_path, &c->lm, &c->prompts, err, errlen)) return AX_EINVAL;
    if (!c->images || c->images > c->prompts.n) c->images = c->prompts.n;
    return AX_OK;
  }
  if (c->bf16) {
    ax_errf(err, errlen, "%s: setting 'array.datatype': bf16 is modelled for the transformer "
            "(.axlm), not '%s'", c->file, c->model_path);
    return AX_EINVAL;
  }
  if (ax_qnet_load(c->model_path, &c->net, err, errlen)) return AX_EINVAL;
  if (ax_qdata_load(c->data_path, &c->net, &c->data, err, errlen)) return AX_EINVAL;
  if (!c->images || c->images > c->data.n) c->images = c->data.n;
  if (!c->ber_images || c->ber_images > c->data.n) c->ber_images = c->data.n;
  if (ax_qnet_classes(&c->net) > 64) {
    ax_errf(err, errlen, "%s: the model has %u classes, at most 64 are supported", c->model_path,
            ax_qnet_classes(&c->net));
    return AX_EINVAL;
  }
  return AX_OK;
}

const int8_t *ax_campaign_layer_weights(const ax_campaign *c, int layer, size_t *n)
{
  if (c->is_lm) {
    const ax_tlm_gemm *e = &c->lm.g[layer];
    *n = (size_t)e->k * e->n;
    return ax_tlm_gemm_weights(&c->lm, (uint32_t)layer);
  }
  const ax_qlayer *L = &c->net.l[layer];
  *n = L->kind == AX_QL_MAXPOOL ? 0 : (size_t)L->k * L->n;
  return L->kind == AX_QL_MAXPOOL ? NULL : L->w;
}

/* The weight memory: each layer's weights from a 64-bit word boundary,
 * 8 int8 or 4 bf16 weights a word. */
static void dram_layout(ax_campaign *c)
{
  size_t per = c->bf16 ? 4 : 8;
  size_t nl = c->is_lm ? c->lm.ngemm : c->net.nl;
  c->dram_wstart = ax_xcalloc(nl + 1, sizeof *c->dram_wstart);
  uint64_t w = 0;
  for (size_t l = 0; l < nl; l++) {
    size_t n;
    const int8_t *p = ax_campaign_layer_weights(c, (int)l, &n);
    c->dram_wstart[l] = p ? w : UINT64_MAX;
    if (p) w += (n + per - 1) / per;
  }
  c->dram_wstart[nl] = w;
  c->dram_words = w;
}

/* Golden pass: every image / prompt with its layers cached. */
static void golden(ax_campaign *c)
{
  uint32_t ok = 0;
  if (c->is_lm) {
    c->lmgold = ax_xcalloc(c->images, sizeof *c->lmgold);
    void *scr = ax_tlm_scratch(&c->lm);
    int32_t lg[64];
    for (uint32_t i = 0; i < c->images; i++) {
      ax_tlm_gold_alloc(&c->lm, &c->lmgold[i]);
      ax_tlm_run(&c->lm, c->prompts.tok + (size_t)i * c->prompts.ctx, &c->lmgold[i], NULL, lg, scr);
      ok += c->lmgold[i].next == c->prompts.next[i];
    }
    ax_tlm_scratch_free(scr);
  } else {
    size_t px = (size_t)c->data.h * c->data.w * c->data.c;
    c->gold = ax_xcalloc(c->images, sizeof *c->gold);
    for (uint32_t i = 0; i < c->images; i++) {
      ax_qgold_run(&c->net, c->data.x + i * px, &c->gold[i]);
      ok += c->gold[i].top1 == c->data.label[i];
    }
  }
  c->clean_accuracy = (double)ok / c->images;
}

int ax_campaign_load(const char *file, ax_campaign *c, char *err, size_t errlen)
{
  memset(c, 0, sizeof *c);
  snprintf(c->file, sizeof c->file, "%s", file);
  const char *sl = strrchr(file, '/');
  if (sl) snprintf(c->dir, sizeof c->dir, "%.*s", (int)(sl - file), file);
  pc x = {.c = c, .err = err, .errlen = errlen};
  if (ax_cfg_read(&x.cfg, file, "campaign file", err, errlen) != AX_OK) return AX_EINVAL;
  c->text = ax_slurp(file);
  if (!c->text) {
    config_destroy(&x.cfg);
    ax_errf(err, errlen, "%s: cannot read: %s", file, strerror(errno));
    return AX_EINVAL;
  }
  int rc = parse(&x);
  config_destroy(&x.cfg);
  if (rc) return rc;
  c->hash = fnv(c->text);
  if (load_workload(c, err, errlen)) return AX_EINVAL;
  timeline(c);
  /* the operand tensors must fit in their buffers (the model keeps a layer's
   * operands resident; see docs/faults.md) */
  for (size_t i = 0; i < c->ntl; i++) {
    int l = c->tl[i].layer;
    uint32_t m, n, k;
    ax_campaign_layer_dims(c, l, &m, &n, &k);
    uint64_t need[3] = {c->is_lm ? (uint64_t)m * k : ax_qlayer_in_elems(&c->net.l[l]),
                        (uint64_t)k * n, 4ull * m * n};
    for (int s = 0; s < 3; s++)
      if (need[s] > c->sram_bytes[s]) {
        ax_errf(err, errlen, "%s: setting 'array.%s': layer '%s' needs %llu bytes, the buffer has %llu",
                file, s == 0 ? "ifmap_sram_kb" : s == 1 ? "filter_sram_kb" : "ofmap_sram_kb",
                ax_campaign_layer_name(c, l), (unsigned long long)need[s],
                (unsigned long long)c->sram_bytes[s]);
        return AX_EINVAL;
      }
  }
  golden(c);
  dram_layout(c);
  /* Leveugle sizing: population = bits x cycles x images (transient) */
  if (c->margin > 0) {
    double t = ax_fi_z(c->confidence);
    uint64_t most = 0;
    for (int i = 0; i < c->nsites; i++) {
      double N = (double)ax_campaign_words(c, c->sites[i]) * ax_saf_site_bits(c->sites[i]) *
                 (double)c->images;
      if (c->fmodel == AX_FM_FLIP || c->fmodel == AX_FM_MBU) N *= (double)c->total_cycles;
      uint64_t n = ax_fi_leveugle(N, c->margin, t, 0.5);
      if (n > most) most = n;
    }
    c->per_site = most;
  }
  return AX_OK;
}

void ax_campaign_free(ax_campaign *c)
{
  if (c->gold)
    for (uint32_t i = 0; i < c->images; i++) ax_qgold_free(&c->net, &c->gold[i]);
  free(c->gold);
  if (c->lmgold)
    for (uint32_t i = 0; i < c->images; i++) ax_tlm_gold_free(&c->lm, &c->lmgold[i]);
  free(c->lmgold);
  ax_tlm_prompts_free(&c->prompts);
  ax_tlm_free(&c->lm);
  free(c->tl);
  free(c->dram_wstart);
  free(c->ber);
  free(c->text);
  ax_qdata_free(&c->data);
  ax_qnet_free(&c->net);
  memset(c, 0, sizeof *c);
}
