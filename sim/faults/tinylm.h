/*
 * tinylm.h - a tiny decoder-only transformer with seeded random int8
 * weights (workloads/tinylm/make_tinylm.py writes it), run with integer
 * arithmetic whose GEMMs are the systolic array's (sa_func.h): the workload
 * of next-token fault campaigns. Critical SDC = the next token changes.
 *
 * Arithmetic (bit-exact with the numpy exporter; see make_tinylm.py):
 * int8 residual stream with saturating adds; integer layer norm (isqrt of
 * the variance); GEMMs int8 x int8 -> int32 (wrapping) + int32 bias,
 * requantized as the digits models; fixed-point softmax through an
 * exported 256-entry exp ROM, probabilities in [0, 127]; logits int32.
 *
 * GEMM schedule of one prompt (the order the array runs them), per block:
 * qkv (M = T, K = d, N = 3d); per head h: score_h (Q_h x K_h^T: M = T,
 * K = dh, N = T), pv_h (P x V_h: M = T, K = T, N = dh); o (T, d, d);
 * ffn1 (T, d, F); ffn2 (T, F, d); then out (M = 1: the last position,
 * K = d, N = vocab). The A operand sits in the ifmap SRAM as an M x K
 * matrix, the B operand in the filter SRAM as K x N (for score_h and pv_h
 * B is an activation, K_h^T and V_h).
 */
#ifndef AX_TINYLM_H
#define AX_TINYLM_H

#include <stddef.h>
#include <stdint.h>

#include "npu_func.h"
#include "pim_func.h"
#include "sa_func.h"

/* A requantization (mult / 2^shift) or the softmax scale. */
typedef struct ax_tlm_rq {
  int32_t mult;
  int shift;
} ax_tlm_rq;

typedef struct ax_tlm_block {
  int8_t *ln1_g, *ln1_b, *wqkv, *wo, *ln2_g, *ln2_b, *w1, *w2;
  int32_t *bqkv, *bo, *b1, *b2;
  ax_tlm_rq qkv, smax, pv, o, ffn1, ffn2;
} ax_tlm_block;

/* One GEMM of the schedule. */
typedef struct ax_tlm_gemm {
  char name[24];        /* "b0.qkv", "b1.score1", "out", ... */
  uint32_t m, n, k;
} ax_tlm_gemm;

typedef struct ax_tlm {
  char name[64];
  uint32_t vocab, ctx, d, heads, ffn, layers, dh;
  int32_t lut[256];     /* exp ROM: round(65535 exp(-i/16)) */
  int8_t *emb, *pos;    /* [vocab][d], [ctx][d] */
  ax_tlm_block *b;
  int8_t *lnf_g, *lnf_b, *wout;
  int32_t *bout;
  ax_tlm_gemm *g;       /* the schedule */
  int bf16;             /* GEMMs on the bf16 datapath (sa_bf16.h): operands as bf16
                         * (int8 values are exact), fp32 accumulation in bf16_arr's
                         * order, result to int32 (saturating RNE), then as int8 */
  ax_sa_array bf16_arr;
  uint32_t ngemm;
  size_t max_a, max_b, max_z;  /* largest operand / output, elements */
} ax_tlm;

/* Prompts with the exporter's next token and logits. */
typedef struct ax_tlm_prompts {
  uint32_t n, ctx, vocab;
  uint8_t *tok;         /* n * ctx */
  uint8_t *next;        /* n */
  int32_t *logits;      /* n * vocab */
} ax_tlm_prompts;

/* Golden run of one prompt: every GEMM's operands and outputs. */
typedef struct ax_tlm_gold {
  int8_t **a, **b;
  int32_t **z;
  int32_t *logits;
  int next;
} ax_tlm_gold;

/* A fault in the array while a prompt runs. */
typedef struct ax_tlm_fault {
  const ax_sa_array *arr;
  ax_saf_fault f;       /* cycle relative to the hit GEMM (stuck: to each) */
  int gemm;             /* GEMM it hits; -1: every GEMM (stuck-at) */
  const ax_tlm_gold *ref; /* golden run: GEMMs with unchanged operands reuse its outputs */
  int slow;             /* hit GEMMs run on the per-PE reference (ax_saf_ref_run) instead
                         * of the fast mapping: for tests */
  const uint16_t *b16;  /* bf16 mode: GEMM b16_gemm multiplies by these bf16 weights
                         * (a corrupted copy) instead of its own */
  int b16_gemm;
  const ax_npu_arch *npu; /* the GEMMs run on the NPU's MAC engine (npu_func.h): the
                           * fault is in its accumulators */
  const ax_pimf_cfg *pim; /* the GEMMs run in PIM banks (pim_func.h) */
} ax_tlm_fault;

/* Read a .axlm model; "file:line: what, expected ..." on failure. */
int ax_tlm_load(const char *path, ax_tlm *lm, char *err, size_t errlen);
/* Free a model. */
void ax_tlm_free(ax_tlm *lm);
/* Read a prompts file; checks it matches the model when lm given. */
int ax_tlm_prompts_load(const char *path, const ax_tlm *lm, ax_tlm_prompts *p, char *err,
                        size_t errlen);
/* Free prompts. */
void ax_tlm_prompts_free(ax_tlm_prompts *p);
/* Scratch space for ax_tlm_run. */
void *ax_tlm_scratch(const ax_tlm *lm);
/* Free a scratch from ax_tlm_scratch. */
void ax_tlm_scratch_free(void *scratch);
/* Run one prompt (ctx tokens): logits (vocab int32) out, next token
 * returned (-1: a GEMM hung, the watchdog stopped the run). rec (allocated by ax_tlm_gold_alloc) records the golden GEMMs
 * when not NULL; fx injects a fault when not NULL. */
int ax_tlm_run(const ax_tlm *lm, const uint8_t *tok, ax_tlm_gold *rec, const ax_tlm_fault *fx,
               int32_t *logits, void *scratch);
/* Allocate a golden record for lm. */
void ax_tlm_gold_alloc(const ax_tlm *lm, ax_tlm_gold *g);
/* Free a golden record. */
void ax_tlm_gold_free(const ax_tlm *lm, ax_tlm_gold *g);
/* The weight matrix (K x N) GEMM j multiplies by; NULL for the GEMMs of
 * two activations (score, pv). */
const int8_t *ax_tlm_gemm_weights(const ax_tlm *lm, uint32_t j);
/* Whether GEMM j's consumer (bias + requantization, softmax, or the
 * logits) sees the same values from outputs z1 as from z0. */
int ax_tlm_post_same(const ax_tlm *lm, uint32_t j, const int32_t *z0, const int32_t *z1);
/* Integer square root: floor(sqrt(x)). */
uint64_t ax_tlm_isqrt(uint64_t x);

#endif
