/*
 * campaign.h - a fault-injection campaign: a model with its test images on
 * a systolic array, the structures to hit, the fault model, how many
 * injections, and what to do with the results (see docs/faults.md).
 */
#ifndef AX_CAMPAIGN_H
#define AX_CAMPAIGN_H

#include <stddef.h>
#include <stdint.h>

#include "qnet.h"
#include "sa_func.h"
#include "npu_func.h"
#include "pim_func.h"
#include "tinylm.h"

typedef enum ax_fmodel { AX_FM_FLIP = 0, AX_FM_MBU, AX_FM_SA0, AX_FM_SA1 } ax_fmodel;

/* Outcome of one injection. */
typedef enum ax_fout {
  AX_FO_MASKED = 0,   /* logits identical to the golden run */
  AX_FO_SDC,          /* logits differ, top-1 class the same */
  AX_FO_CRITICAL,     /* top-1 class changed */
  AX_FO_DETECTED,     /* protection noticed it, could not correct (DUE) */
  AX_FO_CORRECTED,    /* protection corrected it */
  AX_FO_HANG,         /* the watchdog stopped a run that would not end */
  AX_FO_N
} ax_fout;

/* Protection of a structure (what-if). */
typedef enum ax_prot { AX_PR_NONE = 0, AX_PR_PARITY, AX_PR_SECDED, AX_PR_DUP, AX_PR_HARDENED, AX_PR_N } ax_prot;

/* One injection: what was hit and what came out (a row of /faults/injections). */
typedef struct ax_fi_row {
  uint64_t id;
  int32_t site;          /* ax_saf_site */
  uint32_t image;
  uint64_t word;
  uint32_t bit;          /* lowest bit of the mask */
  uint32_t mask;         /* bits of the word (dram_weight: bits of the word >> bit) */
  uint32_t nbits;
  int32_t stuck;         /* 0 transient, 1 stuck-at */
  int64_t cycle;         /* inference-relative (stuck: from 0) */
  int32_t layer;         /* layer the cycle falls in (-1: stuck, all layers) */
  int32_t raw_outcome;   /* outcome without protection */
  int32_t outcome;       /* outcome with the campaign's protection */
  int32_t label, top1_gold, top1_fault;
  uint32_t changed;      /* outputs of the hit layer(s) that changed */
} ax_fi_row;

/* Where each GEMM layer sits on the array's timeline. */
typedef struct ax_fi_layer {
  int layer;             /* index in the net (tinylm: in the GEMM schedule) */
  uint64_t start, cycles;
} ax_fi_layer;

typedef struct ax_campaign {
  char file[1024], dir[1024];
  char name[64];
  char model_path[1024], data_path[1024];
  ax_qnet net;
  ax_qdata data;
  uint32_t images;
  ax_sa_array arr;
  uint64_t sram_bytes[3];       /* ifmap, filter, ofmap */
  int nsites;
  ax_saf_site sites[AX_SAF_NSITES];
  ax_fmodel fmodel;
  unsigned mbu_bits;
  uint64_t per_site;            /* injections per structure */
  double margin, confidence;    /* Leveugle sizing (margin 0: fixed count) */
  uint64_t seed;
  double fit_per_mbit, fit_target, hardened_factor;
  int fit_critical;             /* FIT counts critical SDC only (else any SDC) */
  int protect[AX_SAF_NSITES];
  /* weight-memory bit-error-rate sweep */
  double *ber;
  size_t nber;
  uint32_t ber_trials, ber_images;
  /* derived */
  ax_fi_layer *tl;
  size_t ntl;
  uint64_t total_cycles;
  uint64_t hash;                /* of the campaign file text, for resume */
  char *text;
  ax_qgold *gold;               /* per image */
  double clean_accuracy;
  /* the tiny transformer (model file *.axlm): images are its prompts, the
   * label is the exporter's next token, clean_accuracy is the fraction of
   * prompts whose golden next token equals it (1 when C and numpy agree) */
  int is_lm;
  ax_tlm lm;
  ax_tlm_prompts prompts;
  ax_tlm_gold *lmgold;          /* per prompt */
  /* the weight memory in DRAM (site dram_weight): every GEMM's weights,
   * int8, each layer from a word boundary, 64 data bits + 8 check bits per
   * word; a layer's weights are read when the layer starts */
  char dram_preset[32];
  uint64_t dram_words;
  uint64_t *dram_wstart;        /* per layer / tinylm GEMM: first word (UINT64_MAX: none) */
  double dram_fit_per_mbit;
  int bf16;                     /* array.datatype = "bf16" (tinylm, dram_weight only) */
  /* npu = { macs; block; }: the layers run on the NPU's MAC engine instead
   * of the array (structures: npu_acc, dram_weight) */
  int npu;
  ax_npu_arch npu_arch;
  /* pim = { channels; banks; accs; row_bytes; col_bytes; }: the layers run
   * as GEMVs in the PIM banks (structures: pim_acc, dram_weight) */
  int pim;
  ax_pimf_cfg pim_cfg;
} ax_campaign;

/* Names. */
const char *ax_fout_name(ax_fout o);
const char *ax_fmodel_name(ax_fmodel m);
const char *ax_prot_name(ax_prot p);

/* Read a campaign file, its model and images, and run the golden pass.
 * Errors name file, line, setting and what was expected. */
int ax_campaign_load(const char *file, ax_campaign *c, char *err, size_t errlen);
/* The model's name. */
const char *ax_campaign_model_name(const ax_campaign *c);
/* Name of timeline entry i's layer (a net layer or a tinylm GEMM). */
const char *ax_campaign_layer_name(const ax_campaign *c, int layer);
/* Dimensions (m, n, k) of the GEMM of timeline layer index layer. */
void ax_campaign_layer_dims(const ax_campaign *c, int layer, uint32_t *m, uint32_t *n, uint32_t *k);
/* The NPU MAC engine's geometry for a layer (c->npu set). */
void ax_campaign_npu_geom(const ax_campaign *c, int layer, ax_npuf_geom *g);
/* Cycles (NPU, array) or command steps (PIM) of a layer on the campaign's unit. */
uint64_t ax_campaign_layer_cycles(const ax_campaign *c, int layer);
/* A fault in layer `layer` of the campaign's unit applied to Z (the
 * fault-free outputs of gemm g): ax_saf_apply's answer (touched: NULL
 * unless the unit is the array). */
size_t ax_campaign_unit_apply(const ax_campaign *c, int layer, const ax_saf_gemm *g,
                              const ax_saf_fault *f, int32_t *z, uint32_t *touched, size_t tcap);
/* Free a campaign. */
void ax_campaign_free(ax_campaign *c);
/* Words of a structure (SRAM size / word size, or PEs). */
uint64_t ax_campaign_words(const ax_campaign *c, ax_saf_site s);
/* Injections in all. */
uint64_t ax_campaign_total(const ax_campaign *c);
/* The fault of injection id (a pure function of seed and id). */
void ax_campaign_sample(const ax_campaign *c, uint64_t id, ax_fi_row *row);
/* Run injection row (sampled) and fill its outcome. scratch from
 * ax_campaign_scratch(). */
void ax_campaign_inject(const ax_campaign *c, ax_fi_row *row, void *scratch);
/* Scratch space one injector needs. */
void *ax_campaign_scratch(const ax_campaign *c);
/* Free a scratch from ax_campaign_scratch(). */
void ax_campaign_scratch_free(void *scratch);
/* Outcome under a protection scheme given the unprotected one; bit and
 * mask as in ax_fi_row (for dram_weight the mask is relative to bit). */
ax_fout ax_protect_outcome(ax_prot p, ax_saf_site s, ax_fout raw, uint32_t bit, uint32_t mask);
/* Weights of a layer (net layer or tinylm GEMM) held in DRAM; NULL if none. */
const int8_t *ax_campaign_layer_weights(const ax_campaign *c, int layer, size_t *n);

#endif
