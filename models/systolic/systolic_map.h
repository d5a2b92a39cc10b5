/*
 * systolic_map.h - the arithmetic of a systolic array, no simulator needed.
 *
 * A layer becomes a GEMM (M output pixels x K window x N filters); the
 * dataflow decides which two of M, N, K are laid on the array's rows and
 * columns (Sr, Sc) and which one streams through it (T). The array works
 * in folds: ceil(Sr/R) * ceil(Sc/C) tiles, each costing the same number of
 * cycles however full it is. Everything here is closed form or a loop over
 * folds (never over cycles), so a ResNet-50 layer costs microseconds.
 *
 * The numbers follow SCALE-Sim v2 (CALC mode, ideal memory), whose
 * conventions are kept exactly: output size ceil((H - R + s) / s) with no
 * padding, folds column-major (column fold outer, row fold inner), layer
 * cycles = folds * per_fold - 1 (the index of the last cycle). See
 * tests/reference/scalesim/README.md and docs/systolic.md.
 */
#ifndef AX_SYSTOLIC_MAP_H
#define AX_SYSTOLIC_MAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ax_sa_dataflow { AX_SA_OS = 0, AX_SA_WS = 1, AX_SA_IS = 2 } ax_sa_dataflow;

/* A layer in SCALE-Sim's conv form (a GEMM file row M,N,K is the conv
 * H=M, W=K, R=1, S=K, C=1, filters=N, stride 1). */
typedef struct ax_sa_layer {
  uint64_t ifmap_h, ifmap_w, filt_h, filt_w, channels, filters;
  uint64_t stride_h, stride_w;
} ax_sa_layer;

/* The array and its buffers. */
typedef struct ax_sa_array {
  uint32_t rows, cols;
  ax_sa_dataflow df;
  uint64_t ifmap_sram_bytes, filter_sram_bytes, ofmap_sram_bytes;
  uint32_t word_bytes;
} ax_sa_array;

/* The GEMM view of a layer under a dataflow. */
typedef struct ax_sa_geom {
  uint64_t ofmap_h, ofmap_w;    /* SCALE-Sim output size (ceil convention)  */
  uint64_t m, n, k;             /* ofmap pixels, filters, window size       */
  uint64_t sr, sc, t;           /* on rows, on columns, streamed            */
  uint64_t row_folds, col_folds, folds;
  uint64_t fold_cycles;         /* cycles one fold takes                    */
  uint64_t util_cycles;         /* per-fold denominator of compute util     */
} ax_sa_geom;

/* One fold: its position, how much of the array it fills, and what it moves. */
typedef struct ax_sa_fold {
  uint64_t index;               /* 0-based, column fold outer               */
  uint64_t fr, fc;              /* row fold, column fold                    */
  uint64_t rows_used, cols_used;
  uint64_t ifmap_words, filter_words, ofmap_words; /* SRAM <-> array words  */
} ax_sa_fold;

/* Per-layer figures, SCALE-Sim's report columns plus axsim's DRAM model. */
typedef struct ax_sa_layer_report {
  ax_sa_geom g;
  uint64_t macs;                /* m * n * k                                */
  uint64_t total_cycles;        /* folds * fold_cycles - 1                  */
  uint64_t stall_cycles;        /* 0 with ideal memory                      */
  double overall_util;          /* %, 100*macs / (cycles * R * C)           */
  double mapping_eff;           /* %, mean over folds of used/all PEs       */
  double compute_util;          /* %, mean over folds of used*T/(R*C*L)     */
  /* SRAM traffic between buffers and array, in words (SCALE-Sim's counts) */
  uint64_t ifmap_sram_reads, filter_sram_reads, ofmap_sram_writes;
  /* first / last cycle each SRAM is accessed (SCALE-Sim's trace bounds) */
  int64_t ifmap_sram_start, ifmap_sram_stop;
  int64_t filter_sram_start, filter_sram_stop;
  int64_t ofmap_sram_start, ofmap_sram_stop;
  /* DRAM traffic in words from axsim's double-buffer reuse model, and the
   * cycle window it spans: fold i's operands are read during fold i-1 (fold
   * 0's before the layer, so the window starts at -fold_cycles), its outputs
   * written during fold i+1. Start > stop means no traffic. */
  uint64_t ifmap_dram_reads, filter_dram_reads, ofmap_dram_writes;
  int64_t ifmap_dram_start, ifmap_dram_stop;
  int64_t filter_dram_start, filter_dram_stop;
  int64_t ofmap_dram_start, ofmap_dram_stop;
} ax_sa_layer_report;

/* Name of a dataflow ("os", "ws", "is"). */
const char *ax_sa_dataflow_name(ax_sa_dataflow df);
/* Parse "os" / "ws" / "is" (case-insensitive); -1 if none of them. */
int ax_sa_dataflow_parse(const char *s);

/* Check a layer's numbers (all > 0, filter not larger than ifmap); on
 * failure write what is wrong to err and return -1, else 0. */
int ax_sa_layer_check(const ax_sa_layer *l, char *err, size_t errlen);
/* The GEMM mapping of a layer on an array (layer must pass the check). */
void ax_sa_geom_of(const ax_sa_array *a, const ax_sa_layer *l, ax_sa_geom *g);
/* The GEMM mapping of a plain M x K times K x N product. */
void ax_sa_geom_gemm(const ax_sa_array *a, uint64_t m, uint64_t n, uint64_t k, ax_sa_geom *g);
/* Fold i (0 <= i < folds) of a mapping. */
void ax_sa_fold_at(const ax_sa_array *a, const ax_sa_geom *g, uint64_t i, ax_sa_fold *f);
/* All report figures of one layer with ideal memory. l may be NULL for a
 * plain GEMM (then no out-of-bounds ifmap elements exist). */
void ax_sa_layer_run(const ax_sa_array *a, const ax_sa_layer *l, const ax_sa_geom *g,
                     ax_sa_layer_report *r);

/* Whether element (m, k) of the ifmap operand matrix is a real input pixel
 * (SCALE-Sim's ceil convention makes the last window of a row or column
 * hang over the edge when the stride does not divide; those are not). */
int ax_sa_ifmap_valid(const ax_sa_layer *l, uint64_t ofmap_w, uint64_t m, uint64_t k);

/* DRAM words each operand moves for fold f under axsim's reuse model
 * (ifmap tiles counted in distinct pixels, ax_sa_ifmap_unique): an
 * operand tile is read unless the previous fold used the same tile and
 * it fits in the active half of its double buffer; an operand whose whole
 * matrix fits in the active half is read once, by the first fold. Outputs
 * are written once complete; partial sums that do not fit in the active
 * half of the ofmap buffer are written every fold (ws / is). */
void ax_sa_fold_dram(const ax_sa_array *a, const ax_sa_layer *l, const ax_sa_geom *g,
                     const ax_sa_fold *f, uint64_t *ifmap_words, uint64_t *filter_words,
                     uint64_t *ofmap_words);

/* Distinct input pixels (words) behind rows [m0, m1) x columns [k0, k1) of
 * the ifmap operand matrix: the bounding box of the input they touch,
 * never more than the (m1-m0)*(k1-k0) matrix words; the matrix words when
 * l is NULL (a plain GEMM). What an ifmap SRAM holding pixels must fetch. */
uint64_t ax_sa_ifmap_unique(const ax_sa_layer *l, const ax_sa_geom *g, uint64_t m0, uint64_t m1,
                            uint64_t k0, uint64_t k1);

#ifdef __cplusplus
}
#endif
#endif
