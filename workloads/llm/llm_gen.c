/*
 * llm_gen.c - write the ops of an LLM phase as axtrace v1 lines.
 *
 * Ops per layer (names "L<l>.<op>", prefixed "t<s>." per decode step s):
 *   attn_norm, q/k/v (or fused qkv), rope (rotary models), kv_write (the new
 *   keys and values into the cache), attn (QK^T and PV), softmax, o, res1,
 *   ffn_norm, then the FFN: gate/up/act/mul/down (gated) or up/act/down,
 *   or for an MoE model router, route (softmax + top-k) and per active
 *   expert e: e<e>.gate/up/act/mul/down/acc; res2.
 * A linear layer of `out` x `in` weights over `rows` token rows is a gemv
 * (m=out k=in) when rows == 1, else a gemm (m=rows n=out k=in). Decode step
 * s attends over kv_len = context + s + 1 (the cache grows a token a step).
 * Around the layers: embed (and pos + emb_add for learned positions), and
 * at the end final_norm and lm_head on the last token of each sequence.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "llm.h"
#include "sim.h"

typedef struct gen {
  FILE *f;
  const ax_llm_hp *h;
  const ax_llm_opts *o;
  const char *dt;   /* dtype name */
  unsigned eb;      /* bytes per element */
  char sp[24];      /* step prefix: "t5." or "" */
} gen;

static const char *const dt_names[AX_DTYPE_N] = {"int8", "int16", "int32", "fp16", "bf16", "fp32"};
static const char *const act_names[AX_ELT_N] = {"add", "mul", "relu", "gelu", "silu", "sigmoid", "tanh"};

/* A linear layer: gemv for one row, else gemm. */
static void linear(gen *g, int l, const char *nm, uint64_t rows, uint64_t out, uint64_t in, const char *deps) {
  if (rows == 1)
    fprintf(g->f, "gemv name=%sL%d.%s m=%" PRIu64 " k=%" PRIu64 " dtype=%s deps=%s\n", g->sp, l, nm, out, in,
            g->dt, deps);
  else
    fprintf(g->f, "gemm name=%sL%d.%s m=%" PRIu64 " n=%" PRIu64 " k=%" PRIu64 " dtype=%s deps=%s\n", g->sp, l,
            nm, rows, out, in, g->dt, deps);
}

static void elt(gen *g, int l, const char *nm, const char *fn, uint64_t elems, const char *deps) {
  fprintf(g->f, "eltwise name=%sL%d.%s fn=%s elems=%" PRIu64 " dtype=%s deps=%s\n", g->sp, l, nm, fn, elems,
          g->dt, deps);
}

static void norm(gen *g, int l, const char *nm, uint64_t elems, const char *deps) {
  fprintf(g->f, "norm name=%sL%d.%s type=%s elems=%" PRIu64 " dtype=%s deps=%s\n", g->sp, l, nm,
          g->h->norm == AX_NORM_RMS ? "rms" : "layer", elems, g->dt, deps);
}

/* "t5.L3.q" into buf. */
static const char *nm(gen *g, char *buf, size_t n, int l, const char *op) {
  snprintf(buf, n, "%sL%d.%s", g->sp, l, op);
  return buf;
}

/* One transformer layer over `rows` token rows; `in` names the op that
 * produced its input. Writes the name of its last op to out. */
static void layer(gen *g, int l, uint64_t rows, int q_len, int kv_len, int step0, const char *in, char *out,
                  size_t outlen) {
  const ax_llm_hp *h = g->h;
  uint64_t d = (uint64_t)h->d_model, hd = (uint64_t)h->head_dim;
  uint64_t qd = (uint64_t)h->heads * hd, kvd = (uint64_t)h->kv_heads * hd;
  uint64_t B = (uint64_t)g->o->batch;
  char a[96], b[96], c[96], deps[300];

  norm(g, l, "attn_norm", rows * d, in);
  nm(g, a, sizeof a, l, "attn_norm");
  const char *qsrc, *ksrc, *vsrc;
  char qn[96], kn[96], vn[96];
  if (h->fused_qkv) {
    linear(g, l, "qkv", rows, qd + 2 * kvd, d, a);
    nm(g, qn, sizeof qn, l, "qkv");
    qsrc = ksrc = vsrc = qn;
  } else {
    linear(g, l, "q", rows, qd, d, a);
    linear(g, l, "k", rows, kvd, d, a);
    linear(g, l, "v", rows, kvd, d, a);
    qsrc = nm(g, qn, sizeof qn, l, "q");
    ksrc = nm(g, kn, sizeof kn, l, "k");
    vsrc = nm(g, vn, sizeof vn, l, "v");
  }
  char rope[96];
  if (h->rope) {
    /* rotary embedding: an elementwise multiply over q and k */
    if (h->fused_qkv) snprintf(deps, sizeof deps, "%s", qsrc);
    else snprintf(deps, sizeof deps, "%s,%s", qsrc, ksrc);
    elt(g, l, "rope", "mul", rows * (qd + kvd), deps);
    nm(g, rope, sizeof rope, l, "rope");
    qsrc = ksrc = rope;
  }
  if (ksrc == vsrc) snprintf(deps, sizeof deps, "%s", ksrc);
  else snprintf(deps, sizeof deps, "%s,%s", ksrc, vsrc);
  fprintf(g->f, "move name=%sL%d.kv_write bytes=%" PRIu64 " dtype=%s deps=%s\n", g->sp, l,
          rows * 2 * kvd * g->eb, g->dt, deps);
  nm(g, b, sizeof b, l, "kv_write");
  if (qsrc == ksrc || qsrc == vsrc) snprintf(deps, sizeof deps, "%s", b);
  else snprintf(deps, sizeof deps, "%s,%s", qsrc, b);
  fprintf(g->f,
          "attention name=%sL%d.attn batch=%" PRIu64 " heads=%d kv_heads=%d head_dim=%d q_len=%d kv_len=%d "
          "dtype=%s deps=%s\n",
          g->sp, l, B, h->heads, h->kv_heads, h->head_dim, q_len, kv_len, g->dt, deps);
  fprintf(g->f, "softmax name=%sL%d.softmax elems=%" PRIu64 " dtype=%s deps=%s\n", g->sp, l,
          B * (uint64_t)h->heads * (uint64_t)q_len * (uint64_t)kv_len, g->dt, nm(g, c, sizeof c, l, "attn"));
  linear(g, l, "o", rows, d, qd, nm(g, a, sizeof a, l, "softmax"));
  snprintf(deps, sizeof deps, "%s,%s", nm(g, a, sizeof a, l, "o"), in);
  elt(g, l, "res1", "add", rows * d, deps);
  norm(g, l, "ffn_norm", rows * d, nm(g, a, sizeof a, l, "res1"));
  nm(g, a, sizeof a, l, "ffn_norm");
  const char *act = act_names[h->act];
  uint64_t f = (uint64_t)h->ffn;
  if (h->experts > 0) {
    /* router, then softmax + top-k over the experts of each row */
    linear(g, l, "router", rows, (uint64_t)h->experts, d, a);
    fprintf(g->f, "softmax name=%sL%d.route elems=%" PRIu64 " dtype=%s deps=%s\n", g->sp, l,
            rows * (uint64_t)h->experts, g->dt, nm(g, b, sizeof b, l, "router"));
    uint64_t cnt[64] = {0};
    int sel[AX_OP_MAX_DEPS];
    for (uint64_t r = 0; r < rows; r++) {
      /* row r is sequence r / q_len at position step0 + r % q_len */
      ax_llm_route(h, g->o->seed, l, step0 + (int)(r % (uint64_t)q_len), (int)(r / (uint64_t)q_len), sel);
      for (int k = 0; k < h->top_k; k++) cnt[sel[k]]++;
    }
    char prev[96];
    nm(g, prev, sizeof prev, l, "res1");
    for (int e = 0; e < h->experts; e++) {
      if (!cnt[e]) continue;
      char en[32], en2[32], d1[96], d2[96];
      snprintf(en, sizeof en, "e%d.%s", e, h->gated ? "gate" : "up");
      linear(g, l, en, cnt[e], f, d, nm(g, b, sizeof b, l, "route"));
      nm(g, d1, sizeof d1, l, en);
      snprintf(en2, sizeof en2, "e%d.act", e);
      elt(g, l, en2, act, cnt[e] * f, d1);
      nm(g, d1, sizeof d1, l, en2);
      if (h->gated) {
        snprintf(en, sizeof en, "e%d.up", e);
        linear(g, l, en, cnt[e], f, d, b);
        nm(g, d2, sizeof d2, l, en);
        snprintf(en2, sizeof en2, "e%d.mul", e);
        snprintf(deps, sizeof deps, "%s,%s", d1, d2);
        elt(g, l, en2, "mul", cnt[e] * f, deps);
        nm(g, d1, sizeof d1, l, en2);
      }
      snprintf(en, sizeof en, "e%d.down", e);
      linear(g, l, en, cnt[e], d, f, d1);
      nm(g, d1, sizeof d1, l, en);
      /* weighted accumulation of this expert's rows into the output */
      snprintf(en2, sizeof en2, "e%d.acc", e);
      snprintf(deps, sizeof deps, "%s,%s", d1, prev);
      elt(g, l, en2, "add", cnt[e] * d, deps);
      nm(g, prev, sizeof prev, l, en2);
    }
    snprintf(deps, sizeof deps, "%s", prev);
  } else if (h->gated) {
    linear(g, l, "gate", rows, f, d, a);
    linear(g, l, "up", rows, f, d, a);
    elt(g, l, "act", act, rows * f, nm(g, b, sizeof b, l, "gate"));
    snprintf(deps, sizeof deps, "%s,%s", nm(g, b, sizeof b, l, "act"), nm(g, c, sizeof c, l, "up"));
    elt(g, l, "mul", "mul", rows * f, deps);
    linear(g, l, "down", rows, d, f, nm(g, b, sizeof b, l, "mul"));
    nm(g, deps, sizeof deps, l, "down");
  } else {
    linear(g, l, "up", rows, f, d, a);
    elt(g, l, "act", act, rows * f, nm(g, b, sizeof b, l, "up"));
    linear(g, l, "down", rows, d, f, nm(g, b, sizeof b, l, "act"));
    nm(g, deps, sizeof deps, l, "down");
  }
  size_t dl = strlen(deps);
  snprintf(deps + dl, sizeof deps - dl, ",%s", nm(g, a, sizeof a, l, "res1"));
  elt(g, l, "res2", "add", rows * d, deps);
  nm(g, out, outlen, l, "res2");
}

/* One forward pass over `rows` rows (q_len per sequence) ending in logits. */
static void pass(gen *g, uint64_t rows, int q_len, int kv_len, int step0, const char *after) {
  const ax_llm_hp *h = g->h;
  uint64_t d = (uint64_t)h->d_model, B = (uint64_t)g->o->batch;
  char in[128], out[128];
  fprintf(g->f, "embed name=%sembed m=%" PRIu64 " n=%" PRIu64 " dtype=%s%s%s\n", g->sp, rows, d, g->dt,
          after ? " deps=" : "", after ? after : "");
  snprintf(in, sizeof in, "%sembed", g->sp);
  if (!h->rope) {
    fprintf(g->f, "embed name=%spos m=%" PRIu64 " n=%" PRIu64 " dtype=%s%s%s\n", g->sp, rows, d, g->dt,
            after ? " deps=" : "", after ? after : "");
    fprintf(g->f, "eltwise name=%semb_add fn=add elems=%" PRIu64 " dtype=%s deps=%sembed,%spos\n", g->sp,
            rows * d, g->dt, g->sp, g->sp);
    snprintf(in, sizeof in, "%semb_add", g->sp);
  }
  for (int l = 0; l < h->layers; l++) {
    layer(g, l, rows, q_len, kv_len, step0, in, out, sizeof out);
    snprintf(in, sizeof in, "%s", out);
  }
  /* logits only for the last token of each sequence */
  fprintf(g->f, "norm name=%sfinal_norm type=%s elems=%" PRIu64 " dtype=%s deps=%s\n", g->sp,
          h->norm == AX_NORM_RMS ? "rms" : "layer", B * d, g->dt, in);
  if (B == 1)
    fprintf(g->f, "gemv name=%slm_head m=%d k=%" PRIu64 " dtype=%s deps=%sfinal_norm\n", g->sp, h->vocab, d,
            g->dt, g->sp);
  else
    fprintf(g->f, "gemm name=%slm_head m=%" PRIu64 " n=%d k=%" PRIu64 " dtype=%s deps=%sfinal_norm\n", g->sp,
            B, h->vocab, d, g->dt, g->sp);
}

/* Write the trace of o's phase for hp to f. */
int ax_llm_write(const ax_llm_hp *hp, const ax_llm_opts *o, FILE *f, char *err, size_t errlen) {
  if (ax_llm_hp_check(hp, err, errlen) != AX_OK) return AX_EINVAL;
  if (o->batch < 1 || o->context < 0 || o->tokens < 0 || (unsigned)o->dtype >= AX_DTYPE_N) {
    ax_errf(err, errlen, "batch must be >= 1, context and tokens >= 0");
    return AX_EINVAL;
  }
  if (o->phase == AX_LLM_PREFILL && o->context < 1) {
    ax_errf(err, errlen, "prefill needs --context >= 1 (the prompt length)");
    return AX_EINVAL;
  }
  if (o->phase == AX_LLM_DECODE && o->tokens < 1) {
    ax_errf(err, errlen, "decode needs --tokens >= 1 (tokens to generate)");
    return AX_EINVAL;
  }
  long long last = o->phase == AX_LLM_DECODE ? (long long)o->context + o->tokens : o->context;
  if (last > hp->max_ctx) {
    ax_errf(err, errlen, "%s: context %d + tokens %d = %lld exceeds the model's max_ctx %d", hp->name,
            o->context, o->phase == AX_LLM_DECODE ? o->tokens : 0, last, hp->max_ctx);
    return AX_EINVAL;
  }
  gen g = {.f = f, .h = hp, .o = o, .dt = dt_names[o->dtype], .eb = ax_dtype_bytes(o->dtype)};
  fprintf(f, "axtrace 1\n# %s %s: batch %d, context %d%s", hp->name,
          o->phase == AX_LLM_DECODE ? "decode" : "prefill", o->batch, o->context,
          o->phase == AX_LLM_DECODE ? ", tokens " : "");
  if (o->phase == AX_LLM_DECODE) fprintf(f, "%d", o->tokens);
  fprintf(f, ", seed %" PRIu64 "; axsim llmtrace (workloads/llm)\n", o->seed);
  fprintf(f, "# layers %d, d_model %d, heads %d, kv_heads %d, head_dim %d, ffn %d, vocab %d, experts %d, top_k %d\n",
          hp->layers, hp->d_model, hp->heads, hp->kv_heads, hp->head_dim, hp->ffn, hp->vocab, hp->experts,
          hp->top_k);
  if (o->phase == AX_LLM_PREFILL) {
    pass(&g, (uint64_t)o->batch * (uint64_t)o->context, o->context, o->context, 0, NULL);
  } else {
    char prev[40];
    for (int s = 0; s < o->tokens; s++) {
      snprintf(g.sp, sizeof g.sp, "t%d.", s);
      /* the next token's embedding needs the previous step's logits */
      pass(&g, (uint64_t)o->batch, 1, o->context + s + 1, o->context + s, s ? prev : NULL);
      snprintf(prev, sizeof prev, "t%d.lm_head", s);
    }
  }
  if (ferror(f)) {
    ax_errf(err, errlen, "write error");
    return AX_EIO;
  }
  return AX_OK;
}

static uint64_t mix(uint64_t x) {
  /* splitmix64 finaliser (Steele, Lea, Flood 2014) */
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* The top_k experts a token is routed to (distinct, increasing). */
void ax_llm_route(const ax_llm_hp *hp, uint64_t seed, int layer, int step, int tok, int *out) {
  uint64_t s = mix(mix(mix(seed) ^ (uint64_t)(uint32_t)layer) ^ ((uint64_t)(uint32_t)step << 20) ^
                   ((uint64_t)(uint32_t)tok << 42));
  int perm[64];
  int n = hp->experts;
  for (int i = 0; i < n; i++) perm[i] = i;
  /* partial Fisher-Yates: the first top_k of a uniform permutation */
  for (int i = 0; i < hp->top_k; i++) {
    s = mix(s);
    int j = i + (int)(s % (uint64_t)(n - i));
    int t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  for (int i = 0; i < hp->top_k; i++) out[i] = perm[i];
  for (int i = 1; i < hp->top_k; i++)
    for (int j = i; j > 0 && out[j - 1] > out[j]; j--) {
      int t = out[j];
      out[j] = out[j - 1];
      out[j - 1] = t;
    }
}
