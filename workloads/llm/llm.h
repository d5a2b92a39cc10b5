/*
 * llm.h - LLM layer traces from model hyper-parameters (`axsim llmtrace`).
 *
 * A model is its hyper-parameters (ax_llm_hp): a named one from the table
 * in llm_models.c (GPT-2 family, LLaMA-2-7B/13B, LLaMA-3-8B, Mixtral-8x7B)
 * or a libconfig file read by llm_hp.c. llm_gen.c writes the ops of one
 * phase (prefill or decode, Splitwise's split) as axtrace v1 lines to a
 * stream, one op at a time, so a trace of any length costs no memory.
 * docs/llm.md lists the ops per layer and the MAC formula of each.
 */
#ifndef AX_LLM_H
#define AX_LLM_H

#include <stdint.h>
#include <stdio.h>

#include "axsim/axsim.h"

/* Hyper-parameters of a decoder-only transformer. */
typedef struct ax_llm_hp {
  char name[64];
  int layers, d_model, heads, kv_heads, head_dim, ffn, vocab, max_ctx;
  int experts, top_k;  /* MoE FFN when experts > 0 (top_k of them per token) */
  int norm;            /* AX_NORM_LAYER or AX_NORM_RMS                        */
  int act;             /* FFN activation: AX_ELT_GELU or AX_ELT_SILU          */
  int gated;           /* gated FFN (SwiGLU): gate, up, down projections      */
  int rope;            /* rotary positions (else learned position embedding)  */
  int fused_qkv;       /* one [3d x d] projection (GPT-2's c_attn)            */
  int bias;            /* linear layers and norms carry biases (GPT-2)         */
  int tied_embed;      /* lm_head shares the token embedding (GPT-2)           */
} ax_llm_hp;

enum { AX_LLM_PREFILL = 0, AX_LLM_DECODE = 1 };

/* What to generate. */
typedef struct ax_llm_opts {
  int phase;        /* AX_LLM_PREFILL or AX_LLM_DECODE                     */
  int batch;        /* sequences                                            */
  int context;      /* prefill: prompt length; decode: tokens already cached */
  int tokens;       /* decode: tokens generated (ignored by prefill)        */
  uint64_t seed;    /* MoE routing stream                                   */
  ax_dtype dtype;   /* weights and activations                              */
} ax_llm_opts;

/* Names of the built-in models, NULL-terminated. */
extern const char *const ax_llm_model_names[];
/* Fill hp with a built-in model by name; AX_OK or AX_EINVAL with the list
 * of names (and the closest one) in err. */
int ax_llm_model_find(const char *name, ax_llm_hp *hp, char *err, size_t errlen);
/* Read a hyper-parameter file (libconfig; docs/llm.md); AX_OK or AX_EINVAL
 * with file, line, setting and what was expected in err. */
int ax_llm_hp_load(const char *path, ax_llm_hp *hp, char *err, size_t errlen);
/* Check hp for consistency (heads divide d_model, kv_heads divide heads,
 * top_k <= experts, ...); AX_OK or AX_EINVAL naming the setting. */
int ax_llm_hp_check(const ax_llm_hp *hp, char *err, size_t errlen);
/* Number of weights (every parameter: matrices, biases, norm scales, embeddings). */
uint64_t ax_llm_params(const ax_llm_hp *hp);

/* The top_k experts token `tok` of layer `layer` at step `step` is routed
 * to: distinct, in increasing order, drawn uniformly by a stream seeded from
 * (seed, layer, step, tok) alone, so a trace is the same for a given seed. */
void ax_llm_route(const ax_llm_hp *hp, uint64_t seed, int layer, int step, int tok, int *out);

/* Write the trace of o's phase for hp to f (header included). AX_OK, or
 * AX_EINVAL with a message (bad options, context past max_ctx), or AX_EIO
 * when writing fails. */
int ax_llm_write(const ax_llm_hp *hp, const ax_llm_opts *o, FILE *f, char *err, size_t errlen);

#endif
