/*
 * qnet.h - small int8 networks with real data for fault campaigns: the
 * .axq model format written by workloads/digits/train_digits.py, the .axd
 * test-image format, and bit-exact integer inference with the activations
 * of every layer cached (the golden run a fault is compared against).
 *
 * Arithmetic (documented in workloads/digits/train_digits.py as well):
 * int8 operands with zero point 0, int32 accumulators wrapping modulo 2^32,
 * bias added after the array, requantization y = clamp((acc * mult +
 * 2^(shift-1)) >> shift, relu ? 0 : -128, 127) with an arithmetic shift; the
 * last layer keeps acc + bias as int32 logits, top-1 = first largest logit.
 * Conv layers are valid (no padding), stride 1, channels last; their GEMM
 * is M = OH*OW output pixels, K = kh*kw*cin (k = (fy*kw + fx)*cin + c),
 * N = cout, as SCALE-Sim lays it out.
 */
#ifndef AX_QNET_H
#define AX_QNET_H

#include <stddef.h>
#include <stdint.h>

typedef enum ax_ql_kind { AX_QL_CONV, AX_QL_FC, AX_QL_MAXPOOL } ax_ql_kind;

/* One layer. GEMM layers (conv, fc) run on the array; maxpool does not. */
typedef struct ax_qlayer {
  ax_ql_kind kind;
  char name[32];
  uint32_t in_h, in_w, in_c;   /* input tensor (fc: 1 x 1 x cin) */
  uint32_t out_h, out_w, out_c;
  uint32_t kh, kw;             /* conv kernel; maxpool window (stride = window) */
  int relu;
  int32_t mult;                /* 0: last layer, logits are acc + bias */
  int shift;
  uint32_t m, n, k;            /* GEMM view */
  int8_t *w;                   /* [K][N] */
  int32_t *b;                  /* [N] */
  int32_t *aidx;               /* im2col: A[m][k] = input[aidx[m*K+k]] (NULL: fc) */
  uint32_t *use_at, *use;      /* inverse of aidx */
} ax_qlayer;

typedef struct ax_qnet {
  char name[64];
  uint32_t in_h, in_w, in_c;
  ax_qlayer *l;
  size_t nl;
  double clean_accuracy;       /* what the exporter measured */
  uint32_t clean_images;
  size_t max_act;              /* largest activation tensor, elements */
  size_t max_z;                /* largest GEMM output, elements */
} ax_qnet;

typedef struct ax_qdata {
  uint32_t n, h, w, c;
  uint8_t *label;
  int8_t *x;                   /* n * h*w*c */
} ax_qdata;

/* Golden run of one image: every layer's input and GEMM outputs, logits. */
typedef struct ax_qgold {
  int8_t **in;                 /* in[l]: input of layer l (in[nl] unused) */
  int32_t **z;                 /* z[l]: raw GEMM outputs (GEMM layers) */
  int32_t *logits;
  uint32_t nclass;
  int top1;
} ax_qgold;

/* Read a .axq model; AX-style error "file:line: what, expected ..." on failure. */
int ax_qnet_load(const char *path, ax_qnet *net, char *err, size_t errlen);
/* Free a model. */
void ax_qnet_free(ax_qnet *net);
/* Read a .axd image set; checks it matches the model input when net given. */
int ax_qdata_load(const char *path, const ax_qnet *net, ax_qdata *d, char *err, size_t errlen);
/* Free an image set. */
void ax_qdata_free(ax_qdata *d);

/* Bias + requantization (+ ReLU, + clipped activation when clip >= 0:
 * values above clip become 0, FT-ClipAct) of outputs idx[0..nidx) of a
 * GEMM layer (idx NULL: all). */
void ax_qlayer_post(const ax_qlayer *L, const int32_t *z, int8_t *y, const uint32_t *idx,
                    size_t nidx, int clip);
/* Max pooling of x into y. */
void ax_qlayer_pool(const ax_qlayer *L, const int8_t *x, int8_t *y);
/* Raw GEMM outputs of a GEMM layer for input x. */
void ax_qlayer_gemm(const ax_qlayer *L, const int8_t *x, int32_t *z);
/* Run layers from..nl-1 on input x (layer from's input); logits out.
 * clip: per-layer clip thresholds (NULL: none). scratch: 2*max_act int8 +
 * max_z int32 of space as a caller-owned buffer (ax_qnet_scratch_bytes). */
void ax_qnet_run_from(const ax_qnet *net, size_t from, const int8_t *x, int32_t *logits,
                      const int *clip, void *scratch);
/* Bytes of scratch ax_qnet_run_from needs. */
size_t ax_qnet_scratch_bytes(const ax_qnet *net);
/* Classes of the last layer. */
uint32_t ax_qnet_classes(const ax_qnet *net);
/* Index of the first largest of n logits. */
int ax_qtop1(const int32_t *logits, uint32_t n);
/* Golden run of image x with every layer cached. */
void ax_qgold_run(const ax_qnet *net, const int8_t *x, ax_qgold *g);
/* Free a golden run. */
void ax_qgold_free(const ax_qnet *net, ax_qgold *g);
/* Input tensor elements of layer l. */
size_t ax_qlayer_in_elems(const ax_qlayer *L);

#endif
