/*
 * test_llm_gen.c - the LLM trace generator against independent numbers:
 * the models' published parameter counts, per-layer MAC formulas written
 * here by hand, the KV cache growing a token a step, GQA shapes, MoE
 * routing by seed. Traces are read back with the core's trace reader.
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

#include "llm/llm.h"
#include "sim.h"
#include "trace.h"

#define DIR AX_BIN_DIR "/tests_tmp_llm"

static ax_llm_hp model(const char *name, int layers) {
  ax_llm_hp h;
  char err[512];
  assert_int_equal(ax_llm_model_find(name, &h, err, sizeof err), AX_OK);
  if (layers) h.layers = layers;
  return h;
}

static void gen(const ax_llm_hp *h, int phase, int batch, int ctx, int tokens, uint64_t seed, const char *path) {
  ax_llm_opts o = {.phase = phase, .batch = batch, .context = ctx, .tokens = tokens, .seed = seed, .dtype = AX_FP16};
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  char err[512];
  int rc = ax_llm_write(h, &o, f, err, sizeof err);
  if (rc) fprintf(stderr, "%s\n", err);
  assert_int_equal(rc, AX_OK);
  fclose(f);
}

/* What a trace holds, read back through sim/trace.c. */
typedef struct tally {
  uint64_t ops, macs, kind[AX_OP_KIND_N];
  uint64_t attn_kv[4096];   /* kv_len of each attention op in order */
  uint64_t nattn;
  uint64_t kvw_bytes;       /* sum of kv_write bytes */
  uint64_t expert_rows;     /* token rows through expert gate projections */
} tally;

static void read_back(const char *path, tally *t) {
  memset(t, 0, sizeof *t);
  char err[600];
  ax_trace *tr = ax_trace_open(path, err, sizeof err);
  assert_non_null(tr);
  ax_op op;
  int rc;
  while ((rc = ax_trace_next(tr, &op, err, sizeof err)) == 1) {
    t->ops++;
    t->kind[op.kind]++;
    t->macs += ax_op_macs(&op);
    if (op.kind == AX_OP_ATTENTION && t->nattn < 4096) t->attn_kv[t->nattn++] = op.kv_len;
    if (op.kind == AX_OP_MOVE && strstr(op.name, "kv_write")) t->kvw_bytes += op.bytes;
    if (strstr(op.name, ".gate") && strstr(op.name, ".e")) t->expert_rows += op.kind == AX_OP_GEMV ? 1 : op.m;
  }
  if (rc < 0) fprintf(stderr, "%s\n", err);
  assert_int_equal(rc, 0);
  ax_trace_close(tr);
}

/* Published totals: GPT-2 as counted over the released checkpoints
 * (124,439,808 / 354,823,168 / 774,030,080 / 1,557,611,200), LLaMA-2-7B
 * 6,738,415,616 and 13B 13,015,864,320, LLaMA-3-8B 8,030,261,248,
 * Mixtral-8x7B 46,702,792,704 (the Hugging Face checkpoints' counts). */
static void test_param_counts(void **st) {
  (void)st;
  struct { const char *n; uint64_t p; } k[] = {
      {"gpt2", 124439808ull}, {"gpt2-medium", 354823168ull}, {"gpt2-large", 774030080ull},
      {"gpt2-xl", 1557611200ull}, {"llama2-7b", 6738415616ull}, {"llama2-13b", 13015864320ull},
      {"llama3-8b", 8030261248ull}, {"mixtral-8x7b", 46702792704ull}};
  for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
    ax_llm_hp h = model(k[i].n, 0);
    assert_int_equal(ax_llm_params(&h), k[i].p);
  }
}

/* GPT-2 small decode, 3 steps after a 10-token context, all 12 layers.
 * Per layer and token: qkv 3d^2 + proj d^2 + fc 4d^2 + fc_proj 4d^2 = 12 d^2
 * MACs, attention 2 x heads x head_dim x kv = 2 d kv; lm_head V d per step. */
static void test_gpt2_decode_macs(void **st) {
  (void)st;
  ax_llm_hp h = model("gpt2", 0);
  gen(&h, AX_LLM_DECODE, 1, 10, 3, 1, DIR "/g.axt");
  tally t;
  read_back(DIR "/g.axt", &t);
  uint64_t d = 768, V = 50257, L = 12, want = 0;
  for (uint64_t s = 0; s < 3; s++) want += L * (12 * d * d + 2 * d * (10 + s + 1)) + V * d;
  assert_int_equal(t.macs, want);
  /* ops: 12 per layer, 5 around them (embed, pos, emb_add, final_norm, lm_head) */
  assert_int_equal(t.ops, 3 * (12 * L + 5));
  assert_int_equal(t.kind[AX_OP_GEMV], 3 * (4 * L + 1));
  assert_int_equal(t.kind[AX_OP_GEMM], 0);
  /* the KV cache grows by one token a step: kv_len 11, 12, 13 */
  assert_int_equal(t.nattn, 3 * L);
  for (uint64_t s = 0; s < 3; s++)
    for (uint64_t l = 0; l < L; l++) assert_int_equal(t.attn_kv[s * L + l], 10 + s + 1);
  /* each step writes K and V of one token per layer: 2 x 768 x 2 B */
  assert_int_equal(t.kvw_bytes, 3 * L * 2 * 768 * 2);
}

/* LLaMA-3-8B, grouped-query: 2 layers, batch 2, 4 steps after 100 tokens.
 * Per layer and token row: q d^2, k and v d x (8 x 128) each, o d^2,
 * gate/up/down 3 d f; attention 2 x 32 heads x 128 x kv per sequence. */
static void test_llama3_gqa(void **st) {
  (void)st;
  ax_llm_hp h = model("llama3-8b", 2);
  gen(&h, AX_LLM_DECODE, 2, 100, 4, 1, DIR "/l.axt");
  tally t;
  read_back(DIR "/l.axt", &t);
  uint64_t d = 4096, f = 14336, kvd = 8 * 128, V = 128256, B = 2, want = 0;
  for (uint64_t s = 0; s < 4; s++)
    want += 2 * (B * (2 * d * d + 2 * d * kvd + 3 * d * f) + B * 2 * 32 * 128 * (100 + s + 1)) + B * V * d;
  assert_int_equal(t.macs, want);
  assert_int_equal(t.ops, 4 * (17 * 2 + 3));
  /* batch 2: every linear layer is a gemm over 2 token rows */
  assert_int_equal(t.kind[AX_OP_GEMM], 4 * (7 * 2 + 1));
  /* K/V of 8 heads x 128 per token: 2 x 1024 x 2 B x 2 rows per layer-step */
  assert_int_equal(t.kvw_bytes, 4 * 2 * (2 * kvd * 2 * B));
  char err[600];
  ax_trace *tr = ax_trace_open(DIR "/l.axt", err, sizeof err);
  ax_op op;
  int seen_k = 0, seen_attn = 0;
  while (ax_trace_next(tr, &op, err, sizeof err) == 1) {
    if (!strcmp(op.name, "t0.L0.k")) {
      assert_int_equal(op.kind, AX_OP_GEMM);
      assert_int_equal(op.m, 2);
      assert_int_equal(op.n, 1024);
      assert_int_equal(op.k, 4096);
      seen_k = 1;
    }
    if (!strcmp(op.name, "t3.L1.attn")) {
      assert_int_equal(op.heads, 32);
      assert_int_equal(op.kv_heads, 8);
      assert_int_equal(op.head_dim, 128);
      assert_int_equal(op.kv_len, 104);
      seen_attn = 1;
    }
  }
  ax_trace_close(tr);
  assert_true(seen_k && seen_attn);
}

/* GPT-2 prefill of 16 tokens: per layer 12 d^2 x 16 plus attention over
 * the full 16 x 16 score matrix, 2 x heads x 16 x 16 x head_dim; the
 * lm_head runs on the last token only. */
static void test_gpt2_prefill(void **st) {
  (void)st;
  ax_llm_hp h = model("gpt2-medium", 3);
  gen(&h, AX_LLM_PREFILL, 1, 16, 0, 1, DIR "/p.axt");
  tally t;
  read_back(DIR "/p.axt", &t);
  uint64_t d = 1024, V = 50257;
  assert_int_equal(t.macs, 3 * (12 * d * d * 16 + 2 * 16 * 16 * 16 * 64) + V * d);
  assert_int_equal(t.nattn, 3);
  assert_int_equal(t.attn_kv[0], 16);
}

/* Mixtral: per layer and token attention as LLaMA-3 (GQA 32/8), router
 * d x 8, two experts of 3 d f each. The routing is a function of the
 * seed: the same seed gives the same bytes, another seed other experts. */
static void test_mixtral_routing(void **st) {
  (void)st;
  ax_llm_hp h = model("mixtral-8x7b", 2);
  gen(&h, AX_LLM_DECODE, 4, 20, 3, 7, DIR "/m1.axt");
  gen(&h, AX_LLM_DECODE, 4, 20, 3, 7, DIR "/m2.axt");
  gen(&h, AX_LLM_DECODE, 4, 20, 3, 8, DIR "/m3.axt");
  tally t;
  read_back(DIR "/m1.axt", &t);
  uint64_t d = 4096, f = 14336, kvd = 1024, B = 4, want = 0;
  for (uint64_t s = 0; s < 3; s++)
    want += 2 * (B * (2 * d * d + 2 * d * kvd + d * 8 + 2 * 3 * d * f) + B * 2 * 32 * 128 * (20 + s + 1)) +
            B * 32000 * d;
  assert_int_equal(t.macs, want);
  /* 4 rows x top-2 through expert gates per layer-step */
  assert_int_equal(t.expert_rows, 3 * 2 * B * 2);
  size_t n1, n2, n3;
  char *a = NULL, *b = NULL, *c = NULL;
  FILE *f1 = fopen(DIR "/m1.axt", "rb"), *f2 = fopen(DIR "/m2.axt", "rb"), *f3 = fopen(DIR "/m3.axt", "rb");
  a = malloc(1 << 20), b = malloc(1 << 20), c = malloc(1 << 20);
  n1 = fread(a, 1, 1 << 20, f1), n2 = fread(b, 1, 1 << 20, f2), n3 = fread(c, 1, 1 << 20, f3);
  fclose(f1), fclose(f2), fclose(f3);
  assert_true(n1 == n2 && !memcmp(a, b, n1));
  assert_true(n1 != n3 || memcmp(a, c, n1));
  free(a), free(b), free(c);
}

/* Routing draws: top_k distinct experts in increasing order; over 40,000
 * tokens each of 8 experts is picked 10,000 times in expectation (top-2 of
 * 8 uniform); a binomial standard deviation is ~87, allow 5 sigma. */
static void test_route_uniform(void **st) {
  (void)st;
  ax_llm_hp h = model("mixtral-8x7b", 0);
  uint64_t cnt[8] = {0};
  int sel[2], sel2[2];
  for (int tok = 0; tok < 40000; tok++) {
    ax_llm_route(&h, 42, tok % 32, tok / 32, tok % 3, sel);
    assert_true(sel[0] < sel[1] && sel[0] >= 0 && sel[1] < 8);
    ax_llm_route(&h, 42, tok % 32, tok / 32, tok % 3, sel2);
    assert_true(sel[0] == sel2[0] && sel[1] == sel2[1]);
    cnt[sel[0]]++, cnt[sel[1]]++;
  }
  for (int e = 0; e < 8; e++) assert_true(cnt[e] > 10000 - 435 && cnt[e] < 10000 + 435);
}

/* A hyper-parameter file giving GPT-2 small in full equals the built-in one;
 * `base` plus overrides; bad files name file, line, setting. */
static void test_hp_files(void **st) {
  (void)st;
  char err[600];
  ax_llm_hp h, ref = model("gpt2", 0);
  write_file(DIR "/g.llm",
             "name = \"my-gpt2\";\nlayers = 12; d_model = 768; heads = 12; ffn = 3072; vocab = 50257;\n"
             "max_ctx = 1024; norm = \"layer\"; act = \"gelu\"; fused_qkv = true; bias = true; tied_embed = true;\n");
  assert_int_equal(ax_llm_hp_load(DIR "/g.llm", &h, err, sizeof err), AX_OK);
  assert_int_equal(ax_llm_params(&h), 124439808ull);
  assert_int_equal(h.head_dim, 64);
  assert_int_equal(h.kv_heads, 12);
  (void)ref;
  write_file(DIR "/b.llm", "base = \"llama2-7b\";\nlayers = 2;\nkv_heads = 8;\n");
  assert_int_equal(ax_llm_hp_load(DIR "/b.llm", &h, err, sizeof err), AX_OK);
  assert_int_equal(h.layers, 2);
  assert_int_equal(h.kv_heads, 8);
  assert_int_equal(h.ffn, 11008);
  write_file(DIR "/e1.llm", "base = \"llama2-7b\";\nlayerz = 2;\n");
  assert_int_equal(ax_llm_hp_load(DIR "/e1.llm", &h, err, sizeof err), AX_EINVAL);
  assert_string_equal(err, DIR "/e1.llm:2: setting 'layerz': unknown hyper-parameter (did you mean 'layers'?)");
  write_file(DIR "/e2.llm", "base = \"llama2-7b\";\nkv_heads = 5;\n");
  assert_int_equal(ax_llm_hp_load(DIR "/e2.llm", &h, err, sizeof err), AX_EINVAL);
  assert_string_equal(err, DIR "/e2.llm: llama2-7b: kv_heads=5 must divide heads=32");
  write_file(DIR "/e3.llm", "layers = 2; d_model = 64;\n");
  assert_int_equal(ax_llm_hp_load(DIR "/e3.llm", &h, err, sizeof err), AX_EINVAL);
  assert_string_equal(err, DIR "/e3.llm: setting 'heads' is required (or give base = \"<model>\")");
  write_file(DIR "/e4.llm", "base = \"llama2-7b\";\nnorm = \"batch\";\n");
  assert_int_equal(ax_llm_hp_load(DIR "/e4.llm", &h, err, sizeof err), AX_EINVAL);
  assert_string_equal(err, DIR "/e4.llm:2: setting 'norm': expected \"layer\" or \"rms\"");
  write_file(DIR "/e5.llm", "base = \"llama2-7b\";\nlayers = ;\n");
  assert_int_equal(ax_llm_hp_load(DIR "/e5.llm", &h, err, sizeof err), AX_EINVAL);
  assert_non_null(strstr(err, "e5.llm:2: syntax error"));
  /* past the context window */
  ax_llm_hp g = model("gpt2", 1);
  ax_llm_opts o = {.phase = AX_LLM_DECODE, .batch = 1, .context = 1000, .tokens = 30, .dtype = AX_FP16};
  FILE *f = fopen(DIR "/x.axt", "w");
  assert_int_equal(ax_llm_write(&g, &o, f, err, sizeof err), AX_EINVAL);
  fclose(f);
  assert_string_equal(err, "gpt2: context 1000 + tokens 30 = 1030 exceeds the model's max_ctx 1024");
}

int main(void) {
  (void)!system("mkdir -p " DIR);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_param_counts),   cmocka_unit_test(test_gpt2_decode_macs),
      cmocka_unit_test(test_llama3_gqa),     cmocka_unit_test(test_gpt2_prefill),
      cmocka_unit_test(test_mixtral_routing), cmocka_unit_test(test_route_uniform),
      cmocka_unit_test(test_hp_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
