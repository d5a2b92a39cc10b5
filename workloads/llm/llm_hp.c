/*
 * llm_hp.c - hyper-parameter files (libconfig) and their checks.
 *
 *   base = "llama2-7b";   # optional: start from a built-in model
 *   name = "tiny-llama";
 *   layers = 2; d_model = 64; heads = 4; kv_heads = 2; ffn = 172;
 *   vocab = 1000; max_ctx = 256; experts = 4; top_k = 2;
 *   norm = "rms"; act = "silu"; gated = true; rope = true;
 *
 * Every key is optional when `base` is given; without it, layers, d_model,
 * heads, ffn and vocab are required. Unknown keys are errors.
 */
#include <libconfig.h>
#include <stdio.h>
#include <string.h>

#include "llm.h"
#include "sim.h"

typedef struct key {
  const char *name;
  size_t off;
  int kind; /* 0 int, 1 bool, 2 norm, 3 act */
} key;

#define I(n) {#n, offsetof(ax_llm_hp, n), 0}
#define B(n) {#n, offsetof(ax_llm_hp, n), 1}
static const key keys[] = {
    I(layers), I(d_model), I(heads), I(kv_heads), I(head_dim), I(ffn), I(vocab), I(max_ctx),
    I(experts), I(top_k), {"norm", offsetof(ax_llm_hp, norm), 2}, {"act", offsetof(ax_llm_hp, act), 3},
    B(gated), B(rope), B(fused_qkv), B(bias), B(tied_embed)};
#define NKEYS (sizeof keys / sizeof *keys)

/* Check hp for consistency. */
int ax_llm_hp_check(const ax_llm_hp *h, char *err, size_t errlen) {
#define POS(f)                                                                     \
  if (h->f <= 0) {                                                                 \
    ax_errf(err, errlen, "%s: " #f " must be > 0 (got %d)", h->name, h->f);        \
    return AX_EINVAL;                                                              \
  }
  POS(layers) POS(d_model) POS(heads) POS(kv_heads) POS(head_dim) POS(ffn) POS(vocab) POS(max_ctx)
#undef POS
  if (h->heads % h->kv_heads) {
    ax_errf(err, errlen, "%s: kv_heads=%d must divide heads=%d", h->name, h->kv_heads, h->heads);
    return AX_EINVAL;
  }
  if (h->experts < 0 || h->top_k < 0 || (h->experts > 0 && (h->top_k < 1 || h->top_k > h->experts)) ||
      (h->experts == 0 && h->top_k)) {
    ax_errf(err, errlen, "%s: top_k=%d must be in 1..experts=%d for an MoE model (both 0 for a dense one)",
            h->name, h->top_k, h->experts);
    return AX_EINVAL;
  }
  if (h->experts > 64) {
    ax_errf(err, errlen, "%s: experts=%d: at most 64", h->name, h->experts);
    return AX_EINVAL;
  }
  if (h->top_k > AX_OP_MAX_DEPS) {
    ax_errf(err, errlen, "%s: top_k=%d: at most %d", h->name, h->top_k, AX_OP_MAX_DEPS);
    return AX_EINVAL;
  }
  if ((h->norm != AX_NORM_LAYER && h->norm != AX_NORM_RMS) || (h->act != AX_ELT_GELU && h->act != AX_ELT_SILU &&
                                                               h->act != AX_ELT_RELU)) {
    ax_errf(err, errlen, "%s: norm must be layer|rms and act gelu|silu|relu", h->name);
    return AX_EINVAL;
  }
  return AX_OK;
}

/* Read a hyper-parameter file. */
int ax_llm_hp_load(const char *path, ax_llm_hp *hp, char *err, size_t errlen) {
  config_t cfg;
  config_init(&cfg);
  int rc = AX_EINVAL;
  if (!config_read_file(&cfg, path)) {
    if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
      ax_errf(err, errlen, "%s: cannot read the hyper-parameter file", path);
    else
      ax_errf(err, errlen, "%s:%d: %s", config_error_file(&cfg) ? config_error_file(&cfg) : path,
              config_error_line(&cfg), config_error_text(&cfg));
    goto out;
  }
  config_setting_t *root = config_root_setting(&cfg);
  memset(hp, 0, sizeof *hp);
  hp->norm = AX_NORM_LAYER, hp->act = AX_ELT_GELU;
  config_setting_t *base = config_setting_get_member(root, "base");
  if (base) {
    if (config_setting_type(base) != CONFIG_TYPE_STRING) {
      ax_errf(err, errlen, "%s:%d: setting 'base': expected a model name in quotes", path,
              config_setting_source_line(base));
      goto out;
    }
    char e2[400];
    if (ax_llm_model_find(config_setting_get_string(base), hp, e2, sizeof e2) != AX_OK) {
      ax_errf(err, errlen, "%s:%d: setting 'base': %s", path, config_setting_source_line(base), e2);
      goto out;
    }
  }
  const char *slash = strrchr(path, '/');
  if (!base) snprintf(hp->name, sizeof hp->name, "%s", slash ? slash + 1 : path);
  int explicit_hd = 0;
  for (int i = 0; i < config_setting_length(root); i++) {
    config_setting_t *st = config_setting_get_elem(root, (unsigned)i);
    const char *nm = config_setting_name(st);
    int line = config_setting_source_line(st);
    if (!strcmp(nm, "base")) continue;
    if (!strcmp(nm, "name")) {
      if (config_setting_type(st) != CONFIG_TYPE_STRING) {
        ax_errf(err, errlen, "%s:%d: setting 'name': expected a string", path, line);
        goto out;
      }
      snprintf(hp->name, sizeof hp->name, "%s", config_setting_get_string(st));
      continue;
    }
    size_t k;
    for (k = 0; k < NKEYS; k++)
      if (!strcmp(keys[k].name, nm)) break;
    if (k == NKEYS) {
      const char *cand[NKEYS + 2];
      for (size_t j = 0; j < NKEYS; j++) cand[j] = keys[j].name;
      cand[NKEYS] = "name", cand[NKEYS + 1] = "base";
      const char *sg = ax_suggest(nm, cand, NKEYS + 2);
      ax_errf(err, errlen, "%s:%d: setting '%s': unknown hyper-parameter%s%s%s", path, line, nm,
              sg ? " (did you mean '" : "", sg ? sg : "", sg ? "'?)" : "");
      goto out;
    }
    int *dst = (int *)((char *)hp + keys[k].off);
    int t = config_setting_type(st);
    if (keys[k].kind == 0) {
      long long v = t == CONFIG_TYPE_INT ? config_setting_get_int(st)
                    : t == CONFIG_TYPE_INT64 ? config_setting_get_int64(st) : -1;
      if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) {
        ax_errf(err, errlen, "%s:%d: setting '%s': expected an integer", path, line, nm);
        goto out;
      }
      if (v < 0 || v > (1 << 30)) {
        ax_errf(err, errlen, "%s:%d: setting '%s': expected an integer in 0..%d, got %lld", path, line, nm,
                1 << 30, v);
        goto out;
      }
      *dst = (int)v;
      if (!strcmp(nm, "head_dim")) explicit_hd = 1;
    } else if (keys[k].kind == 1) {
      if (t != CONFIG_TYPE_BOOL) {
        ax_errf(err, errlen, "%s:%d: setting '%s': expected true or false", path, line, nm);
        goto out;
      }
      *dst = config_setting_get_bool(st);
    } else {
      const char *v = t == CONFIG_TYPE_STRING ? config_setting_get_string(st) : "";
      int x = -1;
      if (keys[k].kind == 2) x = !strcmp(v, "layer") ? AX_NORM_LAYER : !strcmp(v, "rms") ? AX_NORM_RMS : -1;
      else x = !strcmp(v, "gelu") ? AX_ELT_GELU : !strcmp(v, "silu") ? AX_ELT_SILU : !strcmp(v, "relu") ? AX_ELT_RELU : -1;
      if (x < 0) {
        ax_errf(err, errlen, "%s:%d: setting '%s': expected %s", path, line, nm,
                keys[k].kind == 2 ? "\"layer\" or \"rms\"" : "\"gelu\", \"silu\" or \"relu\"");
        goto out;
      }
      *dst = x;
    }
  }
  if (!base) {
    const char *need[] = {"layers", "d_model", "heads", "ffn", "vocab"};
    for (size_t j = 0; j < 5; j++)
      if (!config_setting_get_member(root, need[j])) {
        ax_errf(err, errlen, "%s: setting '%s' is required (or give base = \"<model>\")", path, need[j]);
        goto out;
      }
    if (!config_setting_get_member(root, "kv_heads")) hp->kv_heads = hp->heads;
    if (!config_setting_get_member(root, "max_ctx")) hp->max_ctx = 2048;
  }
  if (!explicit_hd && hp->heads > 0) {
    if (hp->d_model % hp->heads) {
      ax_errf(err, errlen, "%s: heads=%d must divide d_model=%d (or set head_dim)", path, hp->heads, hp->d_model);
      goto out;
    }
    hp->head_dim = hp->d_model / hp->heads;
  }
  char e2[400];
  if (ax_llm_hp_check(hp, e2, sizeof e2) != AX_OK) {
    ax_errf(err, errlen, "%s: %s", path, e2);
    goto out;
  }
  rc = AX_OK;
out:
  config_destroy(&cfg);
  return rc;
}
