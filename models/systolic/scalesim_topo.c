/*
 * scalesim_topo.c - SCALE-Sim topology CSV reader (see scalesim_topo.h).
 */
#include "scalesim_topo.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *conv_fields[] = {"Layer name", "IFMAP Height", "IFMAP Width",
                                    "Filter Height", "Filter Width", "Channels",
                                    "Num Filter", "Strides", "Stride width"};
static const char *gemm_fields[] = {"Layer name", "M", "N", "K"};

#define MAX_FIELDS 32

/* Strip leading and trailing whitespace in place (Python's str.strip()). */
static char *strip(char *s)
{
  while (isspace((unsigned char)*s)) s++;
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
  return s;
}

/* Parse a positive integer field as Python's int() would accept it. */
static int parse_u64(const char *s, uint64_t *v)
{
  const char *p = s;
  if (*p == '+') p++;
  if (!isdigit((unsigned char)*p)) return -1;
  errno = 0;
  char *end;
  unsigned long long x = strtoull(p, &end, 10);
  if (errno || *end != '\0') return -1;
  *v = x;
  return 0;
}

typedef struct vec {
  ax_scalesim_layer *a;
  size_t n, cap;
} vec;

static int push(vec *v, const ax_scalesim_layer *l)
{
  if (v->n == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 64;
    ax_scalesim_layer *a = realloc(v->a, cap * sizeof *a);
    if (!a) return -1;
    v->a = a;
    v->cap = cap;
  }
  v->a[v->n++] = *l;
  return 0;
}

int ax_scalesim_topo_load(const char *path, int gemm_form, ax_scalesim_layer **layers,
                          size_t *nlayers, char *err, size_t errlen)
{
  *layers = NULL;
  *nlayers = 0;
  FILE *fp = fopen(path, "r");
  if (!fp) {
    snprintf(err, errlen, "%s: cannot open topology file: %s", path, strerror(errno));
    return -1;
  }
  vec v = {0};
  char *buf = NULL;
  size_t cap = 0;
  unsigned lineno = 0;
  int rc = 0;
  ssize_t len;
  while ((len = getline(&buf, &cap, fp)) >= 0) {
    lineno++;
    if ((size_t)len != strlen(buf)) {
      snprintf(err, errlen, "%s:%u: line contains a NUL byte (not a text CSV file?)", path, lineno);
      rc = -1;
      break;
    }
    if (lineno == 1) continue; /* header */
    char *row = strip(buf);
    if (*row == '\0') continue;
    size_t rl = strlen(row);
    if (row[rl - 1] != ',') {
      snprintf(err, errlen,
               "%s:%u: row does not end with a comma; SCALE-Sim drops the last field "
               "of every row, so it would lose its last value: add a trailing ','",
               path, lineno);
      rc = -1;
      break;
    }
    row[rl - 1] = '\0';
    char *f[MAX_FIELDS];
    int nf = 0;
    for (char *p = row;;) {
      char *c = strchr(p, ',');
      if (nf == MAX_FIELDS) { nf++; break; }
      f[nf++] = p;
      if (!c) break;
      *c = '\0';
      p = c + 1;
    }
    for (int i = 0; i < nf && i < MAX_FIELDS; i++) f[i] = strip(f[i]);
    /* GEMM rows: SCALE-Sim reads the first 4 fields and ignores more, but 8
     * or more is a conv row given with '-i gemm': refuse it. */
    int bad_count = gemm_form ? (nf < 4 || nf >= 8) : (nf < 8 || nf > MAX_FIELDS);
    if (bad_count) {
      if (gemm_form)
        snprintf(err, errlen,
                 "%s:%u: expected 4 fields 'Layer name, M, N, K,' but found %d%s", path,
                 lineno, nf > MAX_FIELDS ? MAX_FIELDS : nf,
                 nf >= 8 ? " (a conv topology? then drop '-i gemm')" : "");
      else
        snprintf(err, errlen,
                 "%s:%u: expected 8 or 9 fields 'Layer name, IFMAP Height, IFMAP Width, "
                 "Filter Height, Filter Width, Channels, Num Filter, Strides, [Stride width,]' "
                 "but found %d%s",
                 path, lineno, nf > MAX_FIELDS ? MAX_FIELDS : nf,
                 nf == 4 ? " (an M,N,K file? then add '-i gemm')" : "");
      rc = -1;
      break;
    }
    if (f[0][0] == '\0') {
      snprintf(err, errlen, "%s:%u: field 'Layer name' is empty", path, lineno);
      rc = -1;
      break;
    }
    /* SCALE-Sim converts every field after the name with int(). */
    uint64_t val[MAX_FIELDS] = {0};
    int bad = 0;
    for (int i = 1; i < nf; i++) {
      if (parse_u64(f[i], &val[i]) != 0 || val[i] == 0) {
        const char *fname = gemm_form ? (i < 4 ? gemm_fields[i] : "extra field")
                                      : (i < 9 ? conv_fields[i] : "extra field");
        snprintf(err, errlen, "%s:%u: field %d '%s' is '%s': expected a positive integer",
                 path, lineno, i + 1, fname, f[i]);
        bad = 1;
        break;
      }
    }
    if (bad) { rc = -1; break; }

    ax_scalesim_layer L;
    memset(&L, 0, sizeof L);
    L.line = lineno;
    snprintf(L.name, sizeof L.name, "%s", f[0]);
    if (gemm_form) {
      /* SCALE-Sim: [m, k, 1, k, 1, n, 1, 1] as a conv */
      L.gemm = 1;
      L.m = val[1];
      L.n = val[2];
      L.k = val[3];
      L.l = (ax_sa_layer){val[1], val[3], 1, val[3], 1, val[2], 1, 1};
    } else {
      L.l = (ax_sa_layer){val[1], val[2], val[3], val[4], val[5], val[6], val[7],
                          nf >= 9 ? val[8] : val[7]};
    }
    char why[160];
    if (ax_sa_layer_check(&L.l, why, sizeof why) != 0) {
      snprintf(err, errlen, "%s:%u: layer '%s': %s", path, lineno, L.name, why);
      rc = -1;
      break;
    }
    if (!gemm_form && strstr(f[0], "DP")) {
      /* depthwise: one single-channel layer per channel */
      uint64_t ch = L.l.channels;
      L.l.channels = 1;
      for (uint64_t c = 0; c < ch && rc == 0; c++) {
        snprintf(L.name, sizeof L.name, "%.96sChannel_%llu", f[0], (unsigned long long)(c % 1000000000000ull));
        if (push(&v, &L)) rc = -2;
      }
    } else if (push(&v, &L)) {
      rc = -2;
    }
    if (rc == -2) {
      snprintf(err, errlen, "%s:%u: out of memory", path, lineno);
      rc = -1;
      break;
    }
  }
  if (rc == 0 && ferror(fp)) {
    snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
    rc = -1;
  }
  if (rc == 0 && v.n == 0) {
    snprintf(err, errlen, "%s: no layers (SCALE-Sim needs a header line and at least one row)",
             path);
    rc = -1;
  }
  free(buf);
  fclose(fp);
  if (rc != 0) {
    free(v.a);
    return -1;
  }
  *layers = v.a;
  *nlayers = v.n;
  return 0;
}

void ax_scalesim_layer_to_op(const ax_scalesim_layer *sl, uint32_t id, ax_op *op)
{
  memset(op, 0, sizeof *op);
  op->id = id;
  op->dtype = AX_INT8; /* SCALE-Sim's word is one byte */
  size_t nl = strnlen(sl->name, sizeof op->name - 1); /* longer names are cut */
  memcpy(op->name, sl->name, nl);
  op->name[nl] = '\0';
  if (id > 0) {
    op->ndeps = 1;
    op->deps[0] = id - 1;
  }
  if (sl->gemm) {
    op->kind = AX_OP_GEMM;
    op->m = sl->m;
    op->n = sl->n;
    op->k = sl->k;
    return;
  }
  const ax_sa_layer *l = &sl->l;
  op->kind = AX_OP_CONV2D;
  op->batch = 1;
  op->in_h = (uint32_t)l->ifmap_h;
  op->in_w = (uint32_t)l->ifmap_w;
  op->in_c = (uint32_t)l->channels;
  op->out_c = (uint32_t)l->filters;
  op->k_h = (uint32_t)l->filt_h;
  op->k_w = (uint32_t)l->filt_w;
  op->stride_h = (uint32_t)l->stride_h;
  op->stride_w = (uint32_t)l->stride_w;
  op->groups = 1;
  /* ceil((H-R+s)/s) == floor((H+2p-R)/s)+1 with p = ceil((s-rem)/2), rem > 0 */
  uint64_t rh = (l->ifmap_h - l->filt_h) % l->stride_h;
  uint64_t rw = (l->ifmap_w - l->filt_w) % l->stride_w;
  op->pad_h = rh ? (uint32_t)((l->stride_h - rh + 1) / 2) : 0;
  op->pad_w = rw ? (uint32_t)((l->stride_w - rw + 1) / 2) : 0;
}

int ax_scalesim_topo_read(const char *path, int gemm_form, ax_op **ops, size_t *nops,
                          char *err, size_t errlen)
{
  ax_scalesim_layer *ls;
  size_t n;
  *ops = NULL;
  *nops = 0;
  if (ax_scalesim_topo_load(path, gemm_form, &ls, &n, err, errlen) != 0) return -1;
  for (size_t i = 0; i < n; i++) {
    const ax_sa_layer *l = &ls[i].l;
    if (l->ifmap_h > UINT32_MAX || l->ifmap_w > UINT32_MAX || l->channels > UINT32_MAX ||
        l->filters > UINT32_MAX || l->filt_h > UINT32_MAX || l->filt_w > UINT32_MAX ||
        l->stride_h > UINT32_MAX || l->stride_w > UINT32_MAX) {
      snprintf(err, errlen, "%s:%u: layer '%s': a dimension exceeds 2^32-1", path,
               ls[i].line, ls[i].name);
      free(ls);
      return -1;
    }
  }
  ax_op *o = calloc(n, sizeof *o);
  if (!o) {
    snprintf(err, errlen, "%s: out of memory for %zu ops", path, n);
    free(ls);
    return -1;
  }
  for (size_t i = 0; i < n; i++) ax_scalesim_layer_to_op(&ls[i], (uint32_t)i, &o[i]);
  free(ls);
  *ops = o;
  *nops = n;
  return 0;
}
