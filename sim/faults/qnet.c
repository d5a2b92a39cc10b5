/*
 * qnet.c - .axq / .axd readers and the integer inference of qnet.h.
 */
#include "qnet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sa_func.h"
#include "sim.h"

/* ---- a line reader with numbers ------------------------------------------ */

typedef struct rd {
  FILE *fp;
  const char *path;
  char *line;
  size_t cap;
  int lineno;
  char *p;      /* cursor in line */
  char *err;
  size_t errlen;
} rd;

/* Next line that is not blank or a comment; 0 at end of file. */
static int rd_line(rd *r)
{
  for (;;) {
    ssize_t n = getline(&r->line, &r->cap, r->fp);
    if (n < 0) return 0;
    r->lineno++;
    char *h = strchr(r->line, '#');
    if (h) *h = '\0';
    r->p = r->line;
    while (*r->p == ' ' || *r->p == '\t') r->p++;
    if (*r->p && *r->p != '\n' && *r->p != '\r') return 1;
  }
}

static int rd_fail(rd *r, const char *what)
{
  ax_errf(r->err, r->errlen, "%s:%d: %s", r->path, r->lineno, what);
  return -1;
}

/* Next blank-separated word of the line into w (size n); 0 if none. */
static int rd_word(rd *r, char *w, size_t n)
{
  while (*r->p == ' ' || *r->p == '\t') r->p++;
  if (!*r->p || *r->p == '\n' || *r->p == '\r') return 0;
  size_t i = 0;
  while (*r->p && *r->p != ' ' && *r->p != '\t' && *r->p != '\n' && *r->p != '\r') {
    if (i + 1 < n) w[i++] = *r->p;
    r->p++;
  }
  w[i] = '\0';
  return 1;
}

/* Next integer of the line within [lo, hi]. */
static int rd_int(rd *r, long long lo, long long hi, long long *v, const char *what)
{
  char w[64], *end;
  char msg[160];
  if (!rd_word(r, w, sizeof w)) {
    snprintf(msg, sizeof msg, "%s: missing, expected an integer in [%lld, %lld]", what, lo, hi);
    return rd_fail(r, msg);
  }
  errno = 0;
  long long x = strtoll(w, &end, 10);
  if (*end || errno || x < lo || x > hi) {
    snprintf(msg, sizeof msg, "%s: '%s' is not an integer in [%lld, %lld]", what, w, lo, hi);
    return rd_fail(r, msg);
  }
  *v = x;
  return 0;
}

static int rd_eol(rd *r)
{
  char w[64];
  if (rd_word(r, w, sizeof w)) {
    char msg[128];
    snprintf(msg, sizeof msg, "unexpected '%s' at the end of the line", w);
    return rd_fail(r, msg);
  }
  return 0;
}

/* "key value" with a known key. */
static int rd_kv(rd *r, const char *key, long long lo, long long hi, long long *v)
{
  char w[64], msg[128];
  if (!rd_word(r, w, sizeof w) || strcmp(w, key) != 0) {
    snprintf(msg, sizeof msg, "expected '%s N'", key);
    return rd_fail(r, msg);
  }
  return rd_int(r, lo, hi, v, key);
}

/* ---- model --------------------------------------------------------------- */

size_t ax_qlayer_in_elems(const ax_qlayer *L)
{
  return (size_t)L->in_h * L->in_w * L->in_c;
}

static void build_im2col(ax_qlayer *L)
{
  uint32_t ow = L->out_w;
  L->aidx = ax_xmalloc(sizeof *L->aidx * (size_t)L->m * L->k);
  for (uint32_t y = 0; y < L->out_h; y++)
    for (uint32_t x = 0; x < ow; x++)
      for (uint32_t fy = 0; fy < L->kh; fy++)
        for (uint32_t fx = 0; fx < L->kw; fx++)
          for (uint32_t c = 0; c < L->in_c; c++)
            L->aidx[(size_t)(y * ow + x) * L->k + (fy * L->kw + fx) * L->in_c + c] =
                (int32_t)(((y + fy) * L->in_w + x + fx) * L->in_c + c);
  uint32_t words = L->in_h * L->in_w * L->in_c;
  L->use_at = ax_xmalloc(sizeof *L->use_at * (words + 1));
  L->use = ax_xmalloc(sizeof *L->use * (size_t)L->m * L->k);
  ax_saf_build_uses(L->aidx, L->m, L->k, words, L->use_at, L->use);
}

static int read_layer(rd *r, ax_qnet *net, ax_qlayer *L, uint32_t h, uint32_t w, uint32_t c)
{
  char kind[32], name[32];
  long long v[8];
  memset(L, 0, sizeof *L);
  if (!rd_word(r, kind, sizeof kind) || !rd_word(r, name, sizeof name))
    return rd_fail(r, "expected 'layer KIND NAME ...' (KIND conv, fc or maxpool)");
  snprintf(L->name, sizeof L->name, "%s", name);
  L->in_h = h; L->in_w = w; L->in_c = c;
  if (strcmp(kind, "maxpool") == 0) {
    if (rd_kv(r, "k", 1, 64, &v[0]) || rd_eol(r)) return -1;
    L->kind = AX_QL_MAXPOOL;
    L->kh = L->kw = (uint32_t)v[0];
    if (h % L->kh || w % L->kw) return rd_fail(r, "maxpool: input height and width must be multiples of k");
    L->out_h = h / L->kh; L->out_w = w / L->kw; L->out_c = c;
    return 0;
  }
  if (strcmp(kind, "conv") == 0) {
    L->kind = AX_QL_CONV;
    if (rd_kv(r, "kh", 1, 64, &v[0]) || rd_kv(r, "kw", 1, 64, &v[1]) ||
        rd_kv(r, "cin", 1, 1 << 16, &v[2]) || rd_kv(r, "cout", 1, 1 << 16, &v[3]))
      return -1;
    L->kh = (uint32_t)v[0]; L->kw = (uint32_t)v[1];
    if ((uint32_t)v[2] != c) return rd_fail(r, "conv: cin differs from the channels of its input");
    if (L->kh > h || L->kw > w) return rd_fail(r, "conv: kernel larger than its input");
    L->out_h = h - L->kh + 1; L->out_w = w - L->kw + 1; L->out_c = (uint32_t)v[3];
    L->m = L->out_h * L->out_w; L->k = L->kh * L->kw * c; L->n = L->out_c;
  } else if (strcmp(kind, "fc") == 0) {
    L->kind = AX_QL_FC;
    if (rd_kv(r, "cin", 1, 1 << 20, &v[2]) || rd_kv(r, "cout", 1, 1 << 16, &v[3])) return -1;
    if ((uint64_t)v[2] != (uint64_t)h * w * c)
      return rd_fail(r, "fc: cin differs from the size of its input");
    L->out_h = L->out_w = 1; L->out_c = (uint32_t)v[3];
    L->m = 1; L->k = (uint32_t)v[2]; L->n = L->out_c;
  } else {
    char msg[96];
    snprintf(msg, sizeof msg, "unknown layer kind '%s', expected conv, fc or maxpool", kind);
    return rd_fail(r, msg);
  }
  if (rd_kv(r, "relu", 0, 1, &v[4]) || rd_kv(r, "mult", 0, 1 << 30, &v[5]) ||
      rd_kv(r, "shift", 0, 62, &v[6]) || rd_eol(r))
    return -1;
  L->relu = (int)v[4]; L->mult = (int32_t)v[5]; L->shift = (int)v[6];
  if (L->mult && L->shift < 1) return rd_fail(r, "shift must be >= 1 when mult is set");
  /* weights */
  if (!rd_line(r)) return rd_fail(r, "expected 'w K N' after the layer line");
  char wk[8];
  if (!rd_word(r, wk, sizeof wk) || strcmp(wk, "w") != 0) return rd_fail(r, "expected 'w K N'");
  if (rd_int(r, L->k, L->k, &v[0], "w rows (K)") || rd_int(r, L->n, L->n, &v[1], "w columns (N)") ||
      rd_eol(r))
    return -1;
  L->w = ax_xmalloc((size_t)L->k * L->n);
  for (uint32_t i = 0; i < L->k; i++) {
    if (!rd_line(r)) return rd_fail(r, "weights end early");
    for (uint32_t j = 0; j < L->n; j++) {
      if (rd_int(r, -128, 127, &v[0], "weight")) return -1;
      L->w[(size_t)i * L->n + j] = (int8_t)v[0];
    }
    if (rd_eol(r)) return -1;
  }
  if (!rd_line(r) || !rd_word(r, wk, sizeof wk) || strcmp(wk, "b") != 0)
    return rd_fail(r, "expected 'b N' after the weights");
  if (rd_int(r, L->n, L->n, &v[0], "bias count (N)") || rd_eol(r)) return -1;
  L->b = ax_xmalloc(sizeof *L->b * L->n);
  if (!rd_line(r)) return rd_fail(r, "bias values missing");
  for (uint32_t j = 0; j < L->n; j++) {
    if (rd_int(r, INT32_MIN, INT32_MAX, &v[0], "bias")) return -1;
    L->b[j] = (int32_t)v[0];
  }
  if (rd_eol(r)) return -1;
  if (L->kind == AX_QL_CONV) build_im2col(L);
  (void)net;
  return 0;
}

void ax_qnet_free(ax_qnet *net)
{
  for (size_t i = 0; i < net->nl; i++) {
    free(net->l[i].w); free(net->l[i].b); free(net->l[i].aidx);
    free(net->l[i].use_at); free(net->l[i].use);
  }
  free(net->l);
  memset(net, 0, sizeof *net);
}

int ax_qnet_load(const char *path, ax_qnet *net, char *err, size_t errlen)
{
  memset(net, 0, sizeof *net);
  rd r = {.path = path, .err = err, .errlen = errlen};
  r.fp = fopen(path, "r");
  if (!r.fp) {
    ax_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return AX_EINVAL;
  }
  char w[64];
  long long v[4];
  int rc = -1, ended = 0;
  size_t cap = 0;
  uint32_t h = 0, wd = 0, c = 0;
  if (!rd_line(&r) || !rd_word(&r, w, sizeof w) || strcmp(w, "axq") != 0 ||
      rd_int(&r, 1, 1, &v[0], "axq version") || rd_eol(&r)) {
    if (!*err) rd_fail(&r, "not an axq file: the first line must be 'axq 1'");
    goto out;
  }
  while (rd_line(&r)) {
    if (!rd_word(&r, w, sizeof w)) continue;
    if (strcmp(w, "model") == 0) {
      if (!rd_word(&r, net->name, sizeof net->name)) { rd_fail(&r, "model: name missing"); goto out; }
    } else if (strcmp(w, "input") == 0) {
      if (rd_int(&r, 1, 4096, &v[0], "input height") || rd_int(&r, 1, 4096, &v[1], "input width") ||
          rd_int(&r, 1, 4096, &v[2], "input channels") || rd_eol(&r))
        goto out;
      net->in_h = h = (uint32_t)v[0]; net->in_w = wd = (uint32_t)v[1]; net->in_c = c = (uint32_t)v[2];
    } else if (strcmp(w, "clean_accuracy") == 0) {
      char a[64], *end;
      if (!rd_word(&r, a, sizeof a)) { rd_fail(&r, "clean_accuracy: value missing"); goto out; }
      net->clean_accuracy = strtod(a, &end);
      if (*end || net->clean_accuracy < 0 || net->clean_accuracy > 1) {
        rd_fail(&r, "clean_accuracy: expected a fraction in [0, 1]");
        goto out;
      }
      if (rd_int(&r, 0, 1 << 30, &v[0], "clean_accuracy images")) goto out;
      net->clean_images = (uint32_t)v[0];
    } else if (strcmp(w, "layer") == 0) {
      if (!h) { rd_fail(&r, "layer before 'input H W C'"); goto out; }
      if (net->nl == cap) {
        cap = cap ? 2 * cap : 8;
        net->l = ax_xrealloc(net->l, cap * sizeof *net->l);
      }
      ax_qlayer *L = &net->l[net->nl];
      if (read_layer(&r, net, L, h, wd, c)) {
        free(L->w); free(L->b);
        goto out;
      }
      net->nl++;
      h = L->out_h; wd = L->out_w; c = L->out_c;
    } else if (strcmp(w, "end") == 0) {
      ended = 1;
      break;
    } else {
      char msg[192];
      snprintf(msg, sizeof msg, "unknown line '%s', expected model, input, clean_accuracy, layer or end", w);
      rd_fail(&r, msg);
      goto out;
    }
  }
  if (!ended) { rd_fail(&r, "file ends without 'end'"); goto out; }
  if (!net->nl) { rd_fail(&r, "no layers"); goto out; }
  for (size_t i = 0; i < net->nl; i++) {
    ax_qlayer *L = &net->l[i];
    int last = i + 1 == net->nl;
    if (last && (L->kind == AX_QL_MAXPOOL || L->mult != 0)) {
      rd_fail(&r, "the last layer must be conv or fc with mult 0 (its int32 sums are the logits)");
      goto out;
    }
    if (!last && L->kind != AX_QL_MAXPOOL && L->mult == 0) {
      ax_errf(err, errlen, "%s: layer '%s': mult 0 is only for the last layer", path, L->name);
      goto out;
    }
    size_t in = ax_qlayer_in_elems(L), o = (size_t)L->out_h * L->out_w * L->out_c;
    if (in > net->max_act) net->max_act = in;
    if (o > net->max_act) net->max_act = o;
    if ((size_t)L->m * L->n > net->max_z) net->max_z = (size_t)L->m * L->n;
  }
  rc = 0;
out:
  free(r.line);
  fclose(r.fp);
  if (rc) ax_qnet_free(net);
  return rc ? AX_EINVAL : AX_OK;
}

void ax_qdata_free(ax_qdata *d)
{
  free(d->label);
  free(d->x);
  memset(d, 0, sizeof *d);
}

int ax_qdata_load(const char *path, const ax_qnet *net, ax_qdata *d, char *err, size_t errlen)
{
  memset(d, 0, sizeof *d);
  rd r = {.path = path, .err = err, .errlen = errlen};
  r.fp = fopen(path, "r");
  if (!r.fp) {
    ax_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return AX_EINVAL;
  }
  char w[64];
  long long v[4];
  int rc = -1;
  if (!rd_line(&r) || !rd_word(&r, w, sizeof w) || strcmp(w, "axd") != 0 ||
      rd_int(&r, 1, 1, &v[0], "axd version")) {
    if (!*err) rd_fail(&r, "not an axd file: the first line must be 'axd 1'");
    goto out;
  }
  if (!rd_line(&r) || !rd_word(&r, w, sizeof w) || strcmp(w, "images") != 0 ||
      rd_int(&r, 1, 1 << 24, &v[0], "images") || rd_int(&r, 1, 4096, &v[1], "height") ||
      rd_int(&r, 1, 4096, &v[2], "width") || rd_int(&r, 1, 4096, &v[3], "channels") || rd_eol(&r)) {
    if (!*err) rd_fail(&r, "expected 'images N H W C'");
    goto out;
  }
  d->n = (uint32_t)v[0]; d->h = (uint32_t)v[1]; d->w = (uint32_t)v[2]; d->c = (uint32_t)v[3];
  if (net && (d->h != net->in_h || d->w != net->in_w || d->c != net->in_c)) {
    ax_errf(err, errlen, "%s:%d: images are %ux%ux%u, the model '%s' takes %ux%ux%u", path,
            r.lineno, d->h, d->w, d->c, net->name, net->in_h, net->in_w, net->in_c);
    goto out;
  }
  size_t px = (size_t)d->h * d->w * d->c;
  d->label = ax_xmalloc(d->n);
  d->x = ax_xmalloc(px * d->n);
  for (uint32_t i = 0; i < d->n; i++) {
    if (!rd_line(&r)) { rd_fail(&r, "fewer images than 'images' says"); goto out; }
    if (rd_int(&r, 0, 255, &v[0], "label")) goto out;
    d->label[i] = (uint8_t)v[0];
    for (size_t j = 0; j < px; j++) {
      if (rd_int(&r, -128, 127, &v[0], "pixel")) goto out;
      d->x[i * px + j] = (int8_t)v[0];
    }
    if (rd_eol(&r)) goto out;
  }
  rc = 0;
out:
  free(r.line);
  fclose(r.fp);
  if (rc) ax_qdata_free(d);
  return rc ? AX_EINVAL : AX_OK;
}

/* ---- inference ------------------------------------------------------------ */

uint32_t ax_qnet_classes(const ax_qnet *net) { return net->l[net->nl - 1].n; }

int ax_qtop1(const int32_t *logits, uint32_t n)
{
  int best = 0;
  for (uint32_t i = 1; i < n; i++)
    if (logits[i] > logits[best]) best = (int)i;
  return best;
}

/* Requantize one accumulator (bias already added). */
static int8_t requant(const ax_qlayer *L, int32_t acc, int clip)
{
  int64_t y = ((int64_t)acc * L->mult + ((int64_t)1 << (L->shift - 1)));
  /* arithmetic shift right, written as floor division so it is defined */
  int64_t q = y >= 0 ? y >> L->shift : -((-y + ((int64_t)1 << L->shift) - 1) >> L->shift);
  if (clip >= 0 && q > clip) return 0;
  int64_t lo = L->relu ? 0 : -128;
  if (q < lo) q = lo;
  if (q > 127) q = 127;
  return (int8_t)q;
}

void ax_qlayer_post(const ax_qlayer *L, const int32_t *z, int8_t *y, const uint32_t *idx,
                    size_t nidx, int clip)
{
  if (!idx) {
    for (uint32_t m = 0; m < L->m; m++)
      for (uint32_t n = 0; n < L->n; n++) {
        size_t o = (size_t)m * L->n + n;
        y[o] = requant(L, (int32_t)((uint32_t)z[o] + (uint32_t)L->b[n]), clip);
      }
    return;
  }
  for (size_t i = 0; i < nidx; i++) {
    uint32_t o = idx[i];
    y[o] = requant(L, (int32_t)((uint32_t)z[o] + (uint32_t)L->b[o % L->n]), clip);
  }
}

void ax_qlayer_pool(const ax_qlayer *L, const int8_t *x, int8_t *y)
{
  for (uint32_t oy = 0; oy < L->out_h; oy++)
    for (uint32_t ox = 0; ox < L->out_w; ox++)
      for (uint32_t c = 0; c < L->out_c; c++) {
        int8_t best = -128;
        for (uint32_t fy = 0; fy < L->kh; fy++)
          for (uint32_t fx = 0; fx < L->kw; fx++) {
            int8_t v = x[((oy * L->kh + fy) * L->in_w + ox * L->kw + fx) * L->in_c + c];
            if (v > best) best = v;
          }
        y[(oy * L->out_w + ox) * L->out_c + c] = best;
      }
}

void ax_qlayer_gemm(const ax_qlayer *L, const int8_t *x, int32_t *z)
{
  uint32_t M = L->m, N = L->n, K = L->k;
  memset(z, 0, sizeof *z * (size_t)M * N);
  for (uint32_t m = 0; m < M; m++) {
    uint32_t *zr = (uint32_t *)z + (size_t)m * N;
    const int32_t *ai = L->aidx ? L->aidx + (size_t)m * K : NULL;
    for (uint32_t k = 0; k < K; k++) {
      int32_t a = x[ai ? (uint32_t)ai[k] : (size_t)m * K + k];
      if (!a) continue;
      const int8_t *br = L->w + (size_t)k * N;
      for (uint32_t n = 0; n < N; n++) zr[n] += (uint32_t)(a * (int32_t)br[n]);
    }
  }
}

size_t ax_qnet_scratch_bytes(const ax_qnet *net)
{
  return 2 * net->max_act + sizeof(int32_t) * net->max_z + 16;
}

void ax_qnet_run_from(const ax_qnet *net, size_t from, const int8_t *x, int32_t *logits,
                      const int *clip, void *scratch)
{
  int32_t *z = scratch;
  int8_t *a = (int8_t *)(z + net->max_z), *b = a + net->max_act;
  const int8_t *cur = x;
  for (size_t i = from; i < net->nl; i++) {
    const ax_qlayer *L = &net->l[i];
    int8_t *out = cur == a ? b : a;
    if (L->kind == AX_QL_MAXPOOL) {
      ax_qlayer_pool(L, cur, out);
    } else if (i + 1 == net->nl) {
      ax_qlayer_gemm(L, cur, z);
      for (uint32_t n = 0; n < L->n; n++) logits[n] = (int32_t)((uint32_t)z[n] + (uint32_t)L->b[n]);
      return;
    } else {
      ax_qlayer_gemm(L, cur, z);
      ax_qlayer_post(L, z, out, NULL, 0, clip ? clip[i] : -1);
    }
    cur = out;
  }
}

void ax_qgold_run(const ax_qnet *net, const int8_t *x, ax_qgold *g)
{
  g->in = ax_xcalloc(net->nl + 1, sizeof *g->in);
  g->z = ax_xcalloc(net->nl, sizeof *g->z);
  g->nclass = ax_qnet_classes(net);
  g->logits = ax_xmalloc(sizeof *g->logits * g->nclass);
  size_t n0 = (size_t)net->in_h * net->in_w * net->in_c;
  g->in[0] = ax_xmalloc(n0);
  memcpy(g->in[0], x, n0);
  for (size_t i = 0; i < net->nl; i++) {
    const ax_qlayer *L = &net->l[i];
    size_t o = (size_t)L->out_h * L->out_w * L->out_c;
    if (L->kind == AX_QL_MAXPOOL) {
      g->in[i + 1] = ax_xmalloc(o);
      ax_qlayer_pool(L, g->in[i], g->in[i + 1]);
      continue;
    }
    g->z[i] = ax_xmalloc(sizeof(int32_t) * (size_t)L->m * L->n);
    ax_qlayer_gemm(L, g->in[i], g->z[i]);
    if (i + 1 == net->nl) {
      for (uint32_t n = 0; n < L->n; n++)
        g->logits[n] = (int32_t)((uint32_t)g->z[i][n] + (uint32_t)L->b[n]);
    } else {
      g->in[i + 1] = ax_xmalloc(o);
      ax_qlayer_post(L, g->z[i], g->in[i + 1], NULL, 0, -1);
    }
  }
  g->top1 = ax_qtop1(g->logits, g->nclass);
}

void ax_qgold_free(const ax_qnet *net, ax_qgold *g)
{
  for (size_t i = 0; i <= net->nl; i++) free(g->in[i]);
  for (size_t i = 0; i < net->nl; i++) free(g->z[i]);
  free(g->in); free(g->z); free(g->logits);
  memset(g, 0, sizeof *g);
}
