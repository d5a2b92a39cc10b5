/*
 * llm_cmd.c - `axsim llmtrace`: an LLM layer trace from hyper-parameters.
 *
 *   axsim llmtrace --model llama2-7b --phase decode --batch 1 --context 128 \
 *                  --tokens 128 [--seed S] [--dtype fp16] [--layers N] [-o OUT.axt]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "llm.h"
#include "sim.h"

static void usage(FILE *f) {
  fputs("usage: axsim llmtrace --model NAME|FILE --phase prefill|decode [--batch B] [--context C]\n"
        "                      [--tokens T] [--seed S] [--dtype fp16] [--layers N] [-o OUT.axt]\n"
        "  Write the layer trace (axtrace v1) of one phase of an LLM.\n"
        "  --model    a built-in model (--list) or a hyper-parameter file (docs/llm.md)\n"
        "  --phase    prefill: one pass over a C-token prompt; decode: T steps, the KV cache\n"
        "             growing from C+1 to C+T tokens\n"
        "  --batch    sequences (default 1)    --context  C (default 128)\n"
        "  --tokens   T for decode (default 1) --seed     MoE routing seed (default 1)\n"
        "  --dtype    int8|int16|fp16|bf16|fp32 (default fp16)\n"
        "  --layers   keep only the first N layers (small test cases)\n"
        "  -o         output file (default: standard output)\n"
        "  --list     list the built-in models with their parameter counts\n",
        f);
}

static int num(const char *opt, const char *v, long long lo, long long hi, long long *out) {
  char *end;
  errno = 0;
  long long x = v ? strtoll(v, &end, 10) : 0;
  if (!v || errno || *end || end == v || x < lo || x > hi) {
    fprintf(stderr, "axsim llmtrace: %s: expected an integer in %lld..%lld, got '%s'\n", opt, lo, hi,
            v ? v : "(nothing)");
    return -1;
  }
  *out = x;
  return 0;
}

/* `axsim llmtrace`: write an LLM trace. */
int ax_cmd_llmtrace(int argc, char **argv) {
  const char *model = NULL, *phase = NULL, *out = NULL, *dtype = "fp16";
  long long batch = 1, context = 128, tokens = 1, seed = 1, layers = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return 0;
    }
    if (!strcmp(a, "--list")) {
      for (int k = 0; ax_llm_model_names[k]; k++) {
        ax_llm_hp h;
        char e[300];
        ax_llm_model_find(ax_llm_model_names[k], &h, e, sizeof e);
        printf("%-14s %2d layers, d_model %5d, heads %2d/%2d, ffn %5d, vocab %6d%s, %.3f B params\n", h.name,
               h.layers, h.d_model, h.heads, h.kv_heads, h.ffn, h.vocab, h.experts ? ", MoE 8 experts top-2" : "",
               (double)ax_llm_params(&h) / 1e9);
      }
      return 0;
    }
    int rc = 0, used = 1;
    if (!strcmp(a, "--model")) model = v;
    else if (!strcmp(a, "--phase")) phase = v;
    else if (!strcmp(a, "-o")) out = v;
    else if (!strcmp(a, "--dtype")) dtype = v;
    else if (!strcmp(a, "--batch")) rc = num(a, v, 1, 1 << 20, &batch);
    else if (!strcmp(a, "--context")) rc = num(a, v, 0, 1 << 24, &context);
    else if (!strcmp(a, "--tokens")) rc = num(a, v, 0, 1 << 24, &tokens);
    else if (!strcmp(a, "--seed")) rc = num(a, v, 0, (long long)(~0ull >> 1), &seed);
    else if (!strcmp(a, "--layers")) rc = num(a, v, 1, 1 << 20, &layers);
    else {
      fprintf(stderr, "axsim llmtrace: unknown option '%s'\n", a);
      usage(stderr);
      return 2;
    }
    if (rc) return 2;
    if (used && !v) {
      fprintf(stderr, "axsim llmtrace: %s needs a value\n", a);
      return 2;
    }
    i++;
  }
  if (!model || !phase) {
    fprintf(stderr, "axsim llmtrace: --model and --phase are required\n");
    usage(stderr);
    return 2;
  }
  ax_llm_opts o = {.batch = (int)batch, .context = (int)context, .tokens = (int)tokens, .seed = (uint64_t)seed};
  if (!strcmp(phase, "prefill")) o.phase = AX_LLM_PREFILL;
  else if (!strcmp(phase, "decode")) o.phase = AX_LLM_DECODE;
  else {
    fprintf(stderr, "axsim llmtrace: --phase: expected prefill or decode, got '%s'\n", phase);
    return 2;
  }
  static const char *const dts[] = {"int8", "int16", "int32", "fp16", "bf16", "fp32"};
  int dt;
  for (dt = 0; dt < AX_DTYPE_N; dt++)
    if (!strcmp(dtype, dts[dt])) break;
  if (dt == AX_DTYPE_N) {
    fprintf(stderr, "axsim llmtrace: --dtype: expected int8, int16, int32, fp16, bf16 or fp32, got '%s'\n", dtype);
    return 2;
  }
  o.dtype = (ax_dtype)dt;
  ax_llm_hp hp;
  char err[1024];
  struct stat st;
  int rc = stat(model, &st) == 0 ? ax_llm_hp_load(model, &hp, err, sizeof err)
                                 : ax_llm_model_find(model, &hp, err, sizeof err);
  if (rc != AX_OK) {
    fprintf(stderr, "axsim llmtrace: --model: %s\n", err);
    return 2;
  }
  if (layers) {
    if (layers > hp.layers) {
      fprintf(stderr, "axsim llmtrace: --layers %lld: %s has %d layers\n", layers, hp.name, hp.layers);
      return 2;
    }
    hp.layers = (int)layers;
  }
  FILE *f = out ? fopen(out, "w") : stdout;
  if (!f) {
    fprintf(stderr, "axsim llmtrace: %s: cannot write: %s\n", out, strerror(errno));
    return 2;
  }
  rc = ax_llm_write(&hp, &o, f, err, sizeof err);
  if (out && fclose(f) != 0 && rc == AX_OK) rc = AX_EIO, snprintf(err, sizeof err, "%s: write error", out);
  if (rc != AX_OK) {
    fprintf(stderr, "axsim llmtrace: %s\n", err);
    if (out) remove(out);
    return rc == AX_EINVAL ? 2 : 1;
  }
  return 0;
}
