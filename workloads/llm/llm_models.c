/*
 * llm_models.c - the built-in models' hyper-parameters, each with its source.
 */
#include <stdio.h>
#include <string.h>

#include "llm.h"
#include "sim.h"

/* GPT-2: OpenAI's released hparams.json of each size (n_layer, n_head,
 * n_embd; n_vocab 50257, n_ctx 1024; FFN 4 x n_embd, GELU, LayerNorm,
 * learned positions, biases, lm_head tied to wte) - Radford et al. 2019. */
#define GPT2(nm, L, H, D)                                                              \
  {.name = nm, .layers = L, .d_model = D, .heads = H, .kv_heads = H, .head_dim = D / H, \
   .ffn = 4 * D, .vocab = 50257, .max_ctx = 1024, .norm = AX_NORM_LAYER,                \
   .act = AX_ELT_GELU, .fused_qkv = 1, .bias = 1, .tied_embed = 1}
/* LLaMA family: RMSNorm, SwiGLU FFN, rotary positions, no biases, untied lm_head. */
#define LLAMA(nm, L, H, KV, D, F, V, CTX)                                                \
  {.name = nm, .layers = L, .d_model = D, .heads = H, .kv_heads = KV, .head_dim = D / H, \
   .ffn = F, .vocab = V, .max_ctx = CTX, .norm = AX_NORM_RMS, .act = AX_ELT_SILU,         \
   .gated = 1, .rope = 1}

static const ax_llm_hp models[] = {
    GPT2("gpt2", 12, 12, 768),          /* 124M */
    GPT2("gpt2-medium", 24, 16, 1024),  /* 355M */
    GPT2("gpt2-large", 36, 20, 1280),   /* 774M */
    GPT2("gpt2-xl", 48, 25, 1600),      /* 1.5B */
    /* LLaMA-2 (Touvron et al. 2023, table 1 and the released params.json):
     * 7B: 32 layers, 32 heads, d 4096, FFN 11008; 13B: 40, 40, 5120, 13824;
     * vocab 32000, context 4096 */
    LLAMA("llama2-7b", 32, 32, 32, 4096, 11008, 32000, 4096),
    LLAMA("llama2-13b", 40, 40, 40, 5120, 13824, 32000, 4096),
    /* LLaMA-3-8B (Meta's model card / config.json): 32 layers, 32 heads,
     * 8 KV heads (grouped-query), d 4096, FFN 14336, vocab 128256, context 8192 */
    LLAMA("llama3-8b", 32, 32, 8, 4096, 14336, 128256, 8192),
    /* Mixtral-8x7B (Jiang et al. 2024, table 1): 32 layers, d 4096, FFN 14336,
     * 32 heads, 8 KV heads, 8 experts, top-2, vocab 32000, context 32768 */
    {.name = "mixtral-8x7b", .layers = 32, .d_model = 4096, .heads = 32, .kv_heads = 8,
     .head_dim = 128, .ffn = 14336, .vocab = 32000, .max_ctx = 32768, .experts = 8,
     .top_k = 2, .norm = AX_NORM_RMS, .act = AX_ELT_SILU, .gated = 1, .rope = 1},
};
#define NMODELS (sizeof models / sizeof *models)

const char *const ax_llm_model_names[] = {"gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl",
                                          "llama2-7b", "llama2-13b", "llama3-8b",
                                          "mixtral-8x7b", NULL};

/* Fill hp with a built-in model by name. */
int ax_llm_model_find(const char *name, ax_llm_hp *hp, char *err, size_t errlen) {
  for (size_t i = 0; i < NMODELS; i++)
    if (!strcmp(models[i].name, name)) {
      *hp = models[i];
      return AX_OK;
    }
  const char *sg = ax_suggest(name, (const char *const *)ax_llm_model_names, NMODELS);
  ax_errf(err, errlen,
          "unknown model '%s'%s%s%s; built-in models: gpt2, gpt2-medium, gpt2-large, gpt2-xl, "
          "llama2-7b, llama2-13b, llama3-8b, mixtral-8x7b (or a hyper-parameter file)",
          name, sg ? " (did you mean '" : "", sg ? sg : "", sg ? "'?)" : "");
  return AX_EINVAL;
}

/* Number of weights (every parameter: matrices, biases, norm scales, embeddings). */
uint64_t ax_llm_params(const ax_llm_hp *h) {
  uint64_t d = (uint64_t)h->d_model, hd = (uint64_t)h->head_dim;
  uint64_t q = (uint64_t)h->heads * hd, kv = (uint64_t)h->kv_heads * hd, f = (uint64_t)h->ffn;
  uint64_t b = h->bias ? 1 : 0, nscale = h->norm == AX_NORM_LAYER ? 2 : 1;
  uint64_t attn = d * (q + 2 * kv) + q * d + b * (q + 2 * kv + d);
  uint64_t mlp = (h->gated ? 3 : 2) * d * f + b * (f + d);
  uint64_t nexp = h->experts > 0 ? (uint64_t)h->experts : 1;
  uint64_t router = h->experts > 0 ? d * (uint64_t)h->experts : 0;
  uint64_t layer = attn + nexp * mlp + router + 2 * nscale * d;
  uint64_t emb = (uint64_t)h->vocab * d * (h->tied_embed ? 1 : 2);
  uint64_t pos = h->rope ? 0 : (uint64_t)h->max_ctx * d;
  return (uint64_t)h->layers * layer + emb + pos + nscale * d;
}
