/*
 * tinylm.c - the .axlm / prompts readers and the integer inference of
 * tinylm.h, every GEMM through the systolic array's functional model.
 */
#include "tinylm.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sa_bf16.h"
#include "sim.h"

/* ---- a word reader that knows its line ----------------------------------- */

typedef struct wr {
  const char *path;
  char *text, *p;
  int line;
  char *err;
  size_t errlen;
} wr;

__attribute__((format(printf, 2, 3))) static int wr_fail(wr *r, const char *fmt, ...)
{
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  ax_errf(r->err, r->errlen, "%s:%d: %s", r->path, r->line, msg);
  return -1;
}

/* Next word (comments from '#' to the end of the line skipped); 0 at end. */
static int wr_word(wr *r, char *w, size_t n)
{
  for (;;) {
    while (*r->p == ' ' || *r->p == '\t' || *r->p == '\r' || *r->p == '\n') {
      if (*r->p == '\n') r->line++;
      r->p++;
    }
    if (*r->p != '#') break;
    while (*r->p && *r->p != '\n') r->p++;
  }
  if (!*r->p) return 0;
  size_t i = 0;
  while (*r->p && *r->p != ' ' && *r->p != '\t' && *r->p != '\r' && *r->p != '\n') {
    if (i + 1 < n) w[i++] = *r->p;
    r->p++;
  }
  w[i] = '\0';
  return 1;
}

static int wr_int(wr *r, long long lo, long long hi, long long *v, const char *what)
{
  char w[64], *end;
  if (!wr_word(r, w, sizeof w))
    return wr_fail(r, "%s: missing at the end of the file, expected an integer in [%lld, %lld]",
                   what, lo, hi);
  errno = 0;
  long long x = strtoll(w, &end, 10);
  if (*end || errno || x < lo || x > hi) {
    return wr_fail(r, "%s: '%.40s' is not an integer in [%lld, %lld]", what, w, lo, hi);
  }
  *v = x;
  return 0;
}

static int wr_key(wr *r, const char *key)
{
  char w[64];
  if (!wr_word(r, w, sizeof w) || strcmp(w, key) != 0)
    return wr_fail(r, "expected '%s'", key);
  return 0;
}

/* "key value" */
static int wr_kv(wr *r, const char *key, long long lo, long long hi, long long *v)
{
  return wr_key(r, key) || wr_int(r, lo, hi, v, key);
}

/* "NAME rows cols" then rows*cols integers in [lo, hi], into int8 or int32. */
static int wr_mat(wr *r, const char *name, uint32_t rows, uint32_t cols, long long lo,
                  long long hi, int8_t **p8, int32_t **p32)
{
  long long a, b;
  if (wr_key(r, name)) return -1;
  if (wr_int(r, 1, 1 << 20, &a, name) || wr_int(r, 1, 1 << 20, &b, name)) return -1;
  if (a != rows || b != cols)
    return wr_fail(r, "%s: shape %lld x %lld does not match the dims, expected %u x %u", name, a, b,
                   rows, cols);
  size_t n = (size_t)rows * cols;
  if (p8) *p8 = ax_xmalloc(n);
  if (p32) *p32 = ax_xmalloc(n * sizeof **p32);
  for (size_t i = 0; i < n; i++) {
    long long v;
    if (wr_int(r, lo, hi, &v, name)) return -1;
    if (p8) (*p8)[i] = (int8_t)v;
    else (*p32)[i] = (int32_t)v;
  }
  return 0;
}

static int wr_rq(wr *r, const char *name, ax_tlm_rq *q)
{
  long long m, s;
  if (wr_key(r, "rq") || wr_key(r, name)) return -1;
  /* mult < 2^16 keeps acc * mult and the softmax's (max - s) * mult in int64 */
  if (wr_int(r, 1, 65535, &m, name) || wr_int(r, 1, 62, &s, name)) return -1;
  q->mult = (int32_t)m;
  q->shift = (int)s;
  return 0;
}

static char *slurp_err(const char *path, char *err, size_t errlen)
{
  char *t = ax_slurp(path);
  if (!t) ax_errf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
  return t;
}

/* ---- model --------------------------------------------------------------- */

static void add_gemm(ax_tlm *lm, const char *name, uint32_t m, uint32_t k, uint32_t n)
{
  ax_tlm_gemm *g = &lm->g[lm->ngemm++];
  snprintf(g->name, sizeof g->name, "%s", name);
  g->m = m; g->n = n; g->k = k;
  if ((size_t)m * k > lm->max_a) lm->max_a = (size_t)m * k;
  if ((size_t)k * n > lm->max_b) lm->max_b = (size_t)k * n;
  if ((size_t)m * n > lm->max_z) lm->max_z = (size_t)m * n;
}

static void schedule(ax_tlm *lm)
{
  uint32_t T = lm->ctx, D = lm->d;
  lm->g = ax_xcalloc((size_t)lm->layers * (4 + 2 * lm->heads) + 1, sizeof *lm->g);
  char nm[32];
  for (uint32_t l = 0; l < lm->layers; l++) {
    snprintf(nm, sizeof nm, "b%u.qkv", l); add_gemm(lm, nm, T, D, 3 * D);
    for (uint32_t h = 0; h < lm->heads; h++) {
      snprintf(nm, sizeof nm, "b%u.score%u", l, h); add_gemm(lm, nm, T, lm->dh, T);
      snprintf(nm, sizeof nm, "b%u.pv%u", l, h); add_gemm(lm, nm, T, T, lm->dh);
    }
    snprintf(nm, sizeof nm, "b%u.o", l); add_gemm(lm, nm, T, D, D);
    snprintf(nm, sizeof nm, "b%u.ffn1", l); add_gemm(lm, nm, T, D, lm->ffn);
    snprintf(nm, sizeof nm, "b%u.ffn2", l); add_gemm(lm, nm, T, lm->ffn, D);
  }
  add_gemm(lm, "out", 1, D, lm->vocab);
}

static int parse_model(wr *r, ax_tlm *lm)
{
  long long v, dims[6];
  char w[64];
  if (wr_kv(r, "axlm", 1, 1, &v)) return -1;
  if (wr_key(r, "model") || !wr_word(r, w, sizeof w)) return wr_fail(r, "expected 'model NAME'");
  snprintf(lm->name, sizeof lm->name, "%s", w);
  if (wr_kv(r, "seed", 0, INT64_MAX, &v) || wr_key(r, "dims")) return -1;
  static const char *dn[6] = {"vocab", "ctx", "d", "heads", "ffn", "layers"};
  /* limits: the campaign keeps logits of up to 64 classes; tokens are bytes */
  static const long long dmax[6] = {64, 64, 256, 16, 1024, 16};
  for (int i = 0; i < 6; i++)
    if (wr_kv(r, dn[i], 1, dmax[i], &dims[i])) return -1;
  lm->vocab = (uint32_t)dims[0]; lm->ctx = (uint32_t)dims[1]; lm->d = (uint32_t)dims[2];
  lm->heads = (uint32_t)dims[3]; lm->ffn = (uint32_t)dims[4]; lm->layers = (uint32_t)dims[5];
  if (lm->d % lm->heads) return wr_fail(r, "d = %u is not a multiple of heads = %u", lm->d, lm->heads);
  lm->dh = lm->d / lm->heads;
  int32_t *lut = NULL;
  if (wr_mat(r, "lut", 1, 256, 0, 1 << 20, NULL, &lut)) return -1;
  memcpy(lm->lut, lut, sizeof lm->lut);
  free(lut);
  if (lm->lut[0] <= 0) return wr_fail(r, "lut: entry 0 must be positive");
  uint32_t D = lm->d;
  if (wr_mat(r, "emb", lm->vocab, D, -128, 127, &lm->emb, NULL)) return -1;
  if (wr_mat(r, "pos", lm->ctx, D, -128, 127, &lm->pos, NULL)) return -1;
  lm->b = ax_xcalloc(lm->layers, sizeof *lm->b);
  const long long B = INT32_MAX;
  for (uint32_t l = 0; l < lm->layers; l++) {
    ax_tlm_block *k = &lm->b[l];
    if (wr_kv(r, "block", l, l, &v)) return -1;
    if (wr_mat(r, "ln1_g", 1, D, -128, 127, &k->ln1_g, NULL) ||
        wr_mat(r, "ln1_b", 1, D, -128, 127, &k->ln1_b, NULL) ||
        wr_mat(r, "wqkv", D, 3 * D, -128, 127, &k->wqkv, NULL) ||
        wr_mat(r, "bqkv", 1, 3 * D, -B, B, NULL, &k->bqkv) || wr_rq(r, "qkv", &k->qkv) ||
        wr_rq(r, "softmax", &k->smax) || wr_rq(r, "pv", &k->pv) ||
        wr_mat(r, "wo", D, D, -128, 127, &k->wo, NULL) ||
        wr_mat(r, "bo", 1, D, -B, B, NULL, &k->bo) || wr_rq(r, "o", &k->o) ||
        wr_mat(r, "ln2_g", 1, D, -128, 127, &k->ln2_g, NULL) ||
        wr_mat(r, "ln2_b", 1, D, -128, 127, &k->ln2_b, NULL) ||
        wr_mat(r, "w1", D, lm->ffn, -128, 127, &k->w1, NULL) ||
        wr_mat(r, "b1", 1, lm->ffn, -B, B, NULL, &k->b1) || wr_rq(r, "ffn1", &k->ffn1) ||
        wr_mat(r, "w2", lm->ffn, D, -128, 127, &k->w2, NULL) ||
        wr_mat(r, "b2", 1, D, -B, B, NULL, &k->b2) || wr_rq(r, "ffn2", &k->ffn2))
      return -1;
  }
  if (wr_mat(r, "lnf_g", 1, D, -128, 127, &lm->lnf_g, NULL) ||
      wr_mat(r, "lnf_b", 1, D, -128, 127, &lm->lnf_b, NULL) ||
      wr_mat(r, "wout", D, lm->vocab, -128, 127, &lm->wout, NULL) ||
      wr_mat(r, "bout", 1, lm->vocab, -B, B, NULL, &lm->bout) || wr_key(r, "end"))
    return -1;
  if (wr_word(r, w, sizeof w)) return wr_fail(r, "unexpected '%s' after 'end'", w);
  schedule(lm);
  return 0;
}

int ax_tlm_load(const char *path, ax_tlm *lm, char *err, size_t errlen)
{
  memset(lm, 0, sizeof *lm);
  char *t = slurp_err(path, err, errlen);
  if (!t) return AX_EINVAL;
  wr r = {.path = path, .text = t, .p = t, .line = 1, .err = err, .errlen = errlen};
  int rc = parse_model(&r, lm);
  free(t);
  if (rc) {
    ax_tlm_free(lm);
    return AX_EINVAL;
  }
  return AX_OK;
}

void ax_tlm_free(ax_tlm *lm)
{
  if (lm->b)
    for (uint32_t l = 0; l < lm->layers; l++) {
      ax_tlm_block *k = &lm->b[l];
      free(k->ln1_g); free(k->ln1_b); free(k->wqkv); free(k->wo); free(k->ln2_g);
      free(k->ln2_b); free(k->w1); free(k->w2); free(k->bqkv); free(k->bo); free(k->b1);
      free(k->b2);
    }
  free(lm->b); free(lm->emb); free(lm->pos); free(lm->lnf_g); free(lm->lnf_b);
  free(lm->wout); free(lm->bout); free(lm->g);
  memset(lm, 0, sizeof *lm);
}

int ax_tlm_prompts_load(const char *path, const ax_tlm *lm, ax_tlm_prompts *p, char *err,
                        size_t errlen)
{
  memset(p, 0, sizeof *p);
  char *t = slurp_err(path, err, errlen);
  if (!t) return AX_EINVAL;
  wr r = {.path = path, .text = t, .p = t, .line = 1, .err = err, .errlen = errlen};
  long long v, n, ctx, voc;
  int rc = -1;
  if (wr_kv(&r, "axlmp", 1, 1, &v) || wr_kv(&r, "prompts", 1, 1 << 24, &n) ||
      wr_kv(&r, "ctx", 1, 64, &ctx) || wr_kv(&r, "vocab", 1, 64, &voc))
    goto out;
  if (lm && (ctx != lm->ctx || voc != lm->vocab)) {
    wr_fail(&r, "ctx %lld / vocab %lld do not match the model's (%u / %u)", ctx, voc, lm->ctx,
            lm->vocab);
    goto out;
  }
  p->n = (uint32_t)n; p->ctx = (uint32_t)ctx; p->vocab = (uint32_t)voc;
  p->tok = ax_xmalloc((size_t)n * ctx);
  p->next = ax_xmalloc((size_t)n);
  p->logits = ax_xmalloc(sizeof *p->logits * (size_t)n * voc);
  for (long long i = 0; i < n; i++) {
    if (wr_int(&r, 0, voc - 1, &v, "next token")) goto out;
    p->next[i] = (uint8_t)v;
    for (long long j = 0; j < ctx; j++) {
      if (wr_int(&r, 0, voc - 1, &v, "prompt token")) goto out;
      p->tok[i * ctx + j] = (uint8_t)v;
    }
    for (long long j = 0; j < voc; j++) {
      if (wr_int(&r, INT32_MIN, INT32_MAX, &v, "logit")) goto out;
      p->logits[i * voc + j] = (int32_t)v;
    }
  }
  char w[64];
  if (wr_word(&r, w, sizeof w)) {
    wr_fail(&r, "unexpected '%s' after the last prompt", w);
    goto out;
  }
  rc = 0;
out:
  free(t);
  if (rc) {
    ax_tlm_prompts_free(p);
    return AX_EINVAL;
  }
  return AX_OK;
}

void ax_tlm_prompts_free(ax_tlm_prompts *p)
{
  free(p->tok); free(p->next); free(p->logits);
  memset(p, 0, sizeof *p);
}

const int8_t *ax_tlm_gemm_weights(const ax_tlm *lm, uint32_t j)
{
  uint32_t per = 4 + 2 * lm->heads;
  if (j >= lm->ngemm) return NULL;
  if (j == lm->ngemm - 1) return lm->wout;
  const ax_tlm_block *k = &lm->b[j / per];
  uint32_t i = j % per;
  if (i == 0) return k->wqkv;
  if (i == per - 3) return k->wo;
  if (i == per - 2) return k->w1;
  if (i == per - 1) return k->w2;
  return NULL;
}

/* ---- inference ----------------------------------------------------------- */

uint64_t ax_tlm_isqrt(uint64_t x)
{
  uint64_t r = 0, bit = 1ull << 62;
  while (bit > x) bit >>= 2;
  while (bit) {
    if (x >= r + bit) {
      x -= r + bit;
      r = (r >> 1) + bit;
    } else {
      r >>= 1;
    }
    bit >>= 2;
  }
  return r;
}

static int64_t floordiv(int64_t a, int64_t b)
{
  int64_t q = a / b;
  if ((a % b) != 0 && ((a < 0) != (b < 0))) q--;
  return q;
}

static int8_t sat8(int64_t v)
{
  return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}

static int8_t requant(int32_t acc, ax_tlm_rq q, int lo)
{
  int64_t y = (int64_t)acc * q.mult + ((int64_t)1 << (q.shift - 1));
  /* arithmetic shift right written as floor division (defined behaviour) */
  int64_t v = y >= 0 ? y >> q.shift : -((-y + ((int64_t)1 << q.shift) - 1) >> q.shift);
  return (int8_t)(v < lo ? lo : v > 127 ? 127 : v);
}

/* Integer layer norm of one row of d int8 values. */
static void layernorm(uint32_t d, const int8_t *x, const int8_t *g, const int8_t *b, int8_t *y)
{
  int64_t s = 0, var = 0;
  for (uint32_t i = 0; i < d; i++) s += x[i];
  for (uint32_t i = 0; i < d; i++) {
    int64_t xc = (int64_t)d * x[i] - s;
    var += xc * xc;
  }
  int64_t r = (int64_t)ax_tlm_isqrt((uint64_t)(var / d));
  if (r < 1) r = 1;
  for (uint32_t i = 0; i < d; i++) {
    int64_t xc = (int64_t)d * x[i] - s;
    y[i] = sat8(floordiv(2 * xc * g[i] + r, 2 * r) + b[i]);
  }
}

typedef struct scr {
  int8_t *x, *h, *qkv, *ctx, *f, *a, *b;
  int32_t *z;
  uint16_t *a16, *b16;  /* bf16 operands */
  float *zf;            /* fp32 outputs */
} scr;

void *ax_tlm_scratch(const ax_tlm *lm)
{
  size_t td = (size_t)lm->ctx * lm->d;
  size_t sz = sizeof(scr) + 4 * td + 3 * td + (size_t)lm->ctx * lm->ffn + lm->max_a + lm->max_b +
              sizeof(int32_t) * (lm->max_z + 1);
  scr *s = ax_xcalloc(1, sz + 16);
  int8_t *p = (int8_t *)(s + 1);
  s->z = (int32_t *)p;
  p += sizeof(int32_t) * (lm->max_z + 1);
  s->x = p; p += td;
  s->h = p; p += td;
  s->ctx = p; p += td;
  s->qkv = p; p += 3 * td;
  s->f = p; p += (size_t)lm->ctx * lm->ffn;
  s->a = p; p += lm->max_a;
  s->b = p;
  s->a16 = ax_xmalloc(sizeof *s->a16 * lm->max_a);
  s->b16 = ax_xmalloc(sizeof *s->b16 * lm->max_b);
  s->zf = ax_xmalloc(sizeof *s->zf * lm->max_z);
  return s;
}

void ax_tlm_scratch_free(void *scratch)
{
  scr *s = scratch;
  if (!s) return;
  free(s->a16); free(s->b16); free(s->zf);
  free(s);
}

void ax_tlm_gold_alloc(const ax_tlm *lm, ax_tlm_gold *g)
{
  g->a = ax_xcalloc(lm->ngemm, sizeof *g->a);
  g->b = ax_xcalloc(lm->ngemm, sizeof *g->b);
  g->z = ax_xcalloc(lm->ngemm, sizeof *g->z);
  for (uint32_t j = 0; j < lm->ngemm; j++) {
    const ax_tlm_gemm *e = &lm->g[j];
    g->a[j] = ax_xmalloc((size_t)e->m * e->k);
    g->b[j] = ax_xmalloc((size_t)e->k * e->n);
    g->z[j] = ax_xmalloc(sizeof **g->z * e->m * e->n);
  }
  g->logits = ax_xcalloc(lm->vocab, sizeof *g->logits);
}

void ax_tlm_gold_free(const ax_tlm *lm, ax_tlm_gold *g)
{
  if (g->a)
    for (uint32_t j = 0; j < lm->ngemm; j++) {
      free(g->a[j]); free(g->b[j]); free(g->z[j]);
    }
  free(g->a); free(g->b); free(g->z); free(g->logits);
  memset(g, 0, sizeof *g);
}

/* Fixed-point causal softmax of the T x T scores z into P (T x T). */
static void softmax(const ax_tlm *lm, const ax_tlm_block *k, const int32_t *z, int8_t *P)
{
  uint32_t T = lm->ctx;
  for (uint32_t t = 0; t < T; t++) {
    const int32_t *row = z + t * T;
    int32_t m = row[0];
    for (uint32_t j = 1; j <= t; j++) if (row[j] > m) m = row[j];
    uint64_t tot = 0;
    int32_t e[64];
    for (uint32_t j = 0; j <= t; j++) {
      int64_t i = (((int64_t)m - row[j]) * k->smax.mult) >> k->smax.shift;
      e[j] = lm->lut[i > 255 ? 255 : i];
      tot += (uint64_t)e[j];
    }
    for (uint32_t j = 0; j < T; j++)
      P[t * T + j] = j <= t ? (int8_t)((254 * (uint64_t)e[j] + tot) / (2 * tot)) : 0;
  }
}

int ax_tlm_post_same(const ax_tlm *lm, uint32_t j, const int32_t *z0, const int32_t *z1)
{
  const ax_tlm_gemm *e = &lm->g[j];
  size_t nz = (size_t)e->m * e->n;
  if (j + 1 == lm->ngemm) return memcmp(z0, z1, sizeof *z0 * nz) == 0; /* logits */
  uint32_t per = 4 + 2 * lm->heads, i = j % per;
  const ax_tlm_block *k = &lm->b[j / per];
  if (i >= 1 && i <= 2 * lm->heads && i % 2 == 1) { /* scores: compare P */
    int8_t p0[64 * 64], p1[64 * 64];
    softmax(lm, k, z0, p0);
    softmax(lm, k, z1, p1);
    return memcmp(p0, p1, (size_t)lm->ctx * lm->ctx) == 0;
  }
  const int32_t *b = NULL;
  ax_tlm_rq q = k->pv;
  int lo = -128;
  if (i == 0) { b = k->bqkv; q = k->qkv; }
  else if (i == per - 3) { b = k->bo; q = k->o; }
  else if (i == per - 2) { b = k->b1; q = k->ffn1; lo = 0; }
  else if (i == per - 1) { b = k->b2; q = k->ffn2; }
  for (size_t o = 0; o < nz; o++) {
    if (z0[o] == z1[o]) continue;
    uint32_t bb = b ? (uint32_t)b[o % e->n] : 0;
    if (requant((int32_t)((uint32_t)z0[o] + bb), q, lo) != requant((int32_t)((uint32_t)z1[o] + bb), q, lo))
      return 0;
  }
  return 1;
}

typedef struct run {
  const ax_tlm *lm;
  scr *s;
  ax_tlm_gold *rec;
  const ax_tlm_fault *fx;
  uint32_t j;           /* next GEMM of the schedule */
  int hang;             /* a GEMM never finished (watchdog) */
} run;

/* GEMM j of the schedule on the array: z = a x b, with the fault if it hits. */
static void gemm(run *r, const int8_t *a, const int8_t *b, int32_t *z)
{
  uint32_t j = r->j++;
  const ax_tlm_gemm *e = &r->lm->g[j];
  size_t na = (size_t)e->m * e->k, nb = (size_t)e->k * e->n, nz = (size_t)e->m * e->n;
  ax_saf_gemm g = {.m = e->m, .n = e->n, .k = e->k, .ifmap = a, .ifmap_words = (uint32_t)na,
                   .w = b};
  const ax_tlm_fault *fx = r->fx;
  int own_b = !(fx && fx->b16 && (uint32_t)fx->b16_gemm == j);
  if (fx && fx->ref && own_b && memcmp(a, fx->ref->a[j], na) == 0 &&
      memcmp(b, fx->ref->b[j], nb) == 0) {
    memcpy(z, fx->ref->z[j], sizeof *z * nz);
  } else if (r->lm->bf16) {
    scr *s = r->s;
    for (size_t i = 0; i < na; i++) s->a16[i] = ax_bf16_from_f32((float)a[i]);
    const uint16_t *b16 = s->b16;
    if (own_b)
      for (size_t i = 0; i < nb; i++) s->b16[i] = ax_bf16_from_f32((float)b[i]);
    else
      b16 = fx->b16;
    ax_sab_gemm(&r->lm->bf16_arr, e->m, e->n, e->k, s->a16, b16, s->zf);
    for (size_t i = 0; i < nz; i++) z[i] = ax_f32_to_i32_sat(s->zf[i]);
  } else {
    ax_saf_golden(&g, z);
  }
  if (r->rec) {
    memcpy(r->rec->a[j], a, na);
    memcpy(r->rec->b[j], b, nb);
    memcpy(r->rec->z[j], z, sizeof *z * nz);
  }
  if (fx && fx->pim && (fx->gemm < 0 || (uint32_t)fx->gemm == j)) {
    ax_pimf_geom pg;
    ax_pimf_geom_cfg(fx->pim, e->m, e->n, e->k, &pg);
    if (fx->slow) ax_pimf_ref_run(&pg, &g, &fx->f, z);
    else ax_pimf_apply(&pg, &g, &fx->f, z);
  } else if (fx && fx->npu && (fx->gemm < 0 || (uint32_t)fx->gemm == j)) {
    ax_npuf_geom ng;
    ax_npuf_geom_of(fx->npu, 1, e->m, e->n, e->k, &ng);
    if (fx->slow) ax_npuf_ref_run(&ng, &g, &fx->f, z);
    else ax_npuf_apply(&ng, &g, &fx->f, z);
  } else if (fx && (fx->gemm < 0 || (uint32_t)fx->gemm == j)) {
    if (fx->slow) r->hang |= ax_saf_ref_run(fx->arr, &g, &fx->f, z);
    else r->hang |= ax_saf_apply(fx->arr, &g, &fx->f, z, NULL, 0) == AX_SAF_HANG;
  }
}

int ax_tlm_run(const ax_tlm *lm, const uint8_t *tok, ax_tlm_gold *rec, const ax_tlm_fault *fx,
               int32_t *logits, void *scratch)
{
  scr *s = scratch;
  run r = {.lm = lm, .s = s, .rec = rec, .fx = fx};
  uint32_t T = lm->ctx, D = lm->d, DH = lm->dh, F = lm->ffn;
  for (uint32_t t = 0; t < T; t++)
    for (uint32_t i = 0; i < D; i++)
      s->x[t * D + i] = sat8((int)lm->emb[(size_t)tok[t] * D + i] + lm->pos[t * D + i]);
  for (uint32_t l = 0; l < lm->layers; l++) {
    const ax_tlm_block *k = &lm->b[l];
    for (uint32_t t = 0; t < T; t++) layernorm(D, s->x + t * D, k->ln1_g, k->ln1_b, s->h + t * D);
    gemm(&r, s->h, k->wqkv, s->z);
    for (uint32_t i = 0; i < T * 3 * D; i++)
      s->qkv[i] = requant((int32_t)((uint32_t)s->z[i] + (uint32_t)k->bqkv[i % (3 * D)]), k->qkv, -128);
    for (uint32_t hh = 0; hh < lm->heads; hh++) {
      /* score_h: A = Q_h (T x dh), B = K_h^T (dh x T) */
      for (uint32_t t = 0; t < T; t++)
        for (uint32_t c = 0; c < DH; c++) {
          s->a[t * DH + c] = s->qkv[t * 3 * D + hh * DH + c];
          s->b[c * T + t] = s->qkv[t * 3 * D + D + hh * DH + c];
        }
      gemm(&r, s->a, s->b, s->z);
      /* fixed-point softmax, causal; P (T x T) goes to the ifmap side */
      softmax(lm, k, s->z, s->a);
      /* pv_h: B = V_h (T x dh) */
      for (uint32_t t = 0; t < T; t++)
        for (uint32_t c = 0; c < DH; c++) s->b[t * DH + c] = s->qkv[t * 3 * D + 2 * D + hh * DH + c];
      gemm(&r, s->a, s->b, s->z);
      for (uint32_t t = 0; t < T; t++)
        for (uint32_t c = 0; c < DH; c++)
          s->ctx[t * D + hh * DH + c] = requant(s->z[t * DH + c], k->pv, -128);
    }
    gemm(&r, s->ctx, k->wo, s->z);
    for (uint32_t i = 0; i < T * D; i++)
      s->x[i] = sat8((int)s->x[i] +
                     requant((int32_t)((uint32_t)s->z[i] + (uint32_t)k->bo[i % D]), k->o, -128));
    for (uint32_t t = 0; t < T; t++) layernorm(D, s->x + t * D, k->ln2_g, k->ln2_b, s->h + t * D);
    gemm(&r, s->h, k->w1, s->z);
    for (uint32_t i = 0; i < T * F; i++)
      s->f[i] = requant((int32_t)((uint32_t)s->z[i] + (uint32_t)k->b1[i % F]), k->ffn1, 0);
    gemm(&r, s->f, k->w2, s->z);
    for (uint32_t i = 0; i < T * D; i++)
      s->x[i] = sat8((int)s->x[i] +
                     requant((int32_t)((uint32_t)s->z[i] + (uint32_t)k->b2[i % D]), k->ffn2, -128));
  }
  layernorm(D, s->x + (T - 1) * D, lm->lnf_g, lm->lnf_b, s->h);
  gemm(&r, s->h, lm->wout, s->z);
  if (r.hang) return -1;
  int best = 0;
  for (uint32_t v = 0; v < lm->vocab; v++) {
    logits[v] = (int32_t)((uint32_t)s->z[v] + (uint32_t)lm->bout[v]);
    if (logits[v] > logits[best]) best = (int)v;
  }
  if (rec) {
    memcpy(rec->logits, logits, sizeof *logits * lm->vocab);
    rec->next = best;
  }
  return best;
}
