/*
 * trace.c - the layer-trace reader (format v1).
 *
 *   axtrace 1
 *   conv2d name=conv1 in=3x224x224 out_c=64 kernel=7 stride=2 pad=3
 *   gemm   name=fc m=1 n=1000 k=2048 deps=conv1 dtype=int8 unit=sa0
 *
 * One op a line, `#` starts a comment. Ops get ids 0, 1, ... in file
 * order; deps name earlier ops (by name, or by id as @N). Keys are listed
 * in a table below; docs/trace-format.md is the user's view of it.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "trace.h"

struct ax_trace {
  FILE *f;
  char *path;
  int line;
  int header_seen;
  uint32_t next_id;
  /* name -> id, open addressing; names are kept for deps lookups */
  char **names;
  uint32_t *ids;
  size_t hcap, hn;
};

enum ftype { F_U32, F_U64 };
typedef struct field {
  const char *key;
  enum ftype t;
  size_t off;
} field;

#define U32(k, m) {k, F_U32, offsetof(ax_op, m)}
#define U64(k, m) {k, F_U64, offsetof(ax_op, m)}
static const field fields[] = {
    U32("batch", batch), U32("in_h", in_h), U32("in_w", in_w), U32("in_c", in_c),
    U32("out_c", out_c), U32("k_h", k_h), U32("k_w", k_w), U32("stride_h", stride_h),
    U32("stride_w", stride_w), U32("pad_h", pad_h), U32("pad_w", pad_w), U32("groups", groups),
    U64("m", m), U64("n", n), U64("k", k), U32("heads", heads), U32("kv_heads", kv_heads),
    U32("head_dim", head_dim), U32("q_len", q_len), U32("kv_len", kv_len),
    U32("experts", experts), U32("top_k", top_k), U64("elems", elems), U64("bytes", bytes),
};
#define NFIELDS (sizeof fields / sizeof *fields)

static const char *const dtype_names[AX_DTYPE_N] = {"int8", "int16", "int32", "fp16", "bf16", "fp32"};
static const char *const elt_names[AX_ELT_N] = {"add", "mul", "relu", "gelu", "silu", "sigmoid", "tanh"};
static const char *const norm_names[] = {"layer", "rms"};
static const char *const pool_names[] = {"max", "avg"};
static const char *const extra_keys[] = {"name", "deps", "unit", "dtype", "in", "kernel",
                                         "stride", "pad", "fn", "type", "pool"};

static uint64_t hash_str(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

static int name_find(ax_trace *t, const char *name, uint32_t *id) {
  if (!t->hcap) return 0;
  for (size_t j = hash_str(name) & (t->hcap - 1); t->names[j]; j = (j + 1) & (t->hcap - 1))
    if (!strcmp(t->names[j], name)) {
      *id = t->ids[j];
      return 1;
    }
  return 0;
}

static void name_add(ax_trace *t, const char *name, uint32_t id) {
  if (2 * (t->hn + 1) > t->hcap) {
    size_t oc = t->hcap, nc = oc ? 2 * oc : 256;
    char **on = t->names;
    uint32_t *oi = t->ids;
    t->names = ax_xcalloc(nc, sizeof *t->names);
    t->ids = ax_xcalloc(nc, sizeof *t->ids);
    t->hcap = nc;
    for (size_t i = 0; i < oc; i++)
      if (on[i]) {
        size_t j = hash_str(on[i]) & (nc - 1);
        while (t->names[j]) j = (j + 1) & (nc - 1);
        t->names[j] = on[i];
        t->ids[j] = oi[i];
      }
    free(on);
    free(oi);
  }
  size_t j = hash_str(name) & (t->hcap - 1);
  while (t->names[j]) j = (j + 1) & (t->hcap - 1);
  t->names[j] = ax_strdup(name);
  t->ids[j] = id;
  t->hn++;
}

ax_trace *ax_trace_open(const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "r");
  if (!f) {
    ax_errf(err, errlen, "%s: cannot open trace: %s", path, strerror(errno));
    return NULL;
  }
  ax_trace *t = ax_xcalloc(1, sizeof *t);
  t->f = f;
  t->path = ax_strdup(path);
  return t;
}

void ax_trace_close(ax_trace *t) {
  if (!t) return;
  if (t->f) fclose(t->f);
  for (size_t i = 0; i < t->hcap; i++) free(t->names[i]);
  free(t->names);
  free(t->ids);
  free(t->path);
  free(t);
}

#define TFAIL(...)                                                                     \
  do {                                                                                 \
    char m_[600];                                                                      \
    snprintf(m_, sizeof m_, __VA_ARGS__);                                              \
    ax_errf(err, errlen, "%s:%d: %s", t->path ? t->path : "(trace)", t->line, m_);     \
    return AX_EINVAL;                                                                  \
  } while (0)

/* "12" or "3x224x224": up to n positive integers separated by 'x'. */
static int parse_dims(const char *v, uint64_t *out, int n) {
  int k = 0;
  const char *p = v;
  while (*p && k < n) {
    if (!isdigit((unsigned char)*p)) return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(p, &end, 10);
    if (errno) return -1;
    out[k++] = x;
    p = end;
    if (*p == 'x') p++;
    else if (*p) return -1;
  }
  return *p ? -1 : k;
}

static int pick(const char *v, const char *const *names, int n) {
  for (int i = 0; i < n; i++)
    if (!strcmp(v, names[i])) return i;
  return -1;
}

int ax_trace_parse_line(ax_trace *t, char *text, ax_op *op, char *err, size_t errlen) {
  memset(op, 0, sizeof *op);
  char *save = NULL;
  char *kind = strtok_r(text, " \t\r\n", &save);
  int k;
  for (k = 0; k < AX_OP_KIND_N; k++)
    if (!strcmp(kind, ax_op_kind_name((ax_op_kind)k))) break;
  if (k == AX_OP_KIND_N) {
    const char *cand[AX_OP_KIND_N];
    for (int i = 0; i < AX_OP_KIND_N; i++) cand[i] = ax_op_kind_name((ax_op_kind)i);
    const char *sg = ax_suggest(kind, cand, AX_OP_KIND_N);
    TFAIL("unknown op kind '%s'%s%s%s", kind, sg ? " (did you mean '" : "", sg ? sg : "", sg ? "'?)" : "");
  }
  op->kind = (ax_op_kind)k;
  op->id = t->next_id;
  snprintf(op->name, sizeof op->name, "op%u", op->id);
  char *tok;
  while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
    char *eq = strchr(tok, '=');
    if (!eq || eq == tok) TFAIL("expected key=value, got '%s'", tok);
    *eq = 0;
    const char *key = tok, *v = eq + 1;
    uint64_t d[3];
    int nd;
    size_t i;
    for (i = 0; i < NFIELDS; i++)
      if (!strcmp(fields[i].key, key)) break;
    if (i < NFIELDS) {
      if (parse_dims(v, d, 1) != 1) TFAIL("%s: expected a non-negative integer, got '%s'", key, v);
      if (fields[i].t == F_U32) {
        if (d[0] > UINT32_MAX) TFAIL("%s: %s is too large (at most %u)", key, v, UINT32_MAX);
        *(uint32_t *)((char *)op + fields[i].off) = (uint32_t)d[0];
      } else {
        *(uint64_t *)((char *)op + fields[i].off) = d[0];
      }
    } else if (!strcmp(key, "name")) {
      if (strlen(v) >= AX_NAME_MAX) TFAIL("name: longer than %d characters", AX_NAME_MAX - 1);
      snprintf(op->name, sizeof op->name, "%s", v);
    } else if (!strcmp(key, "unit")) {
      snprintf(op->unit, sizeof op->unit, "%s", v);
    } else if (!strcmp(key, "dtype")) {
      int x = pick(v, dtype_names, AX_DTYPE_N);
      if (x < 0) TFAIL("dtype: expected int8, int16, int32, fp16, bf16 or fp32, got '%s'", v);
      op->dtype = (ax_dtype)x;
    } else if (!strcmp(key, "in")) {
      if ((nd = parse_dims(v, d, 3)) != 3 || d[0] > UINT32_MAX || d[1] > UINT32_MAX || d[2] > UINT32_MAX)
        TFAIL("in: expected CxHxW (e.g. 3x224x224), got '%s'", v);
      op->in_c = (uint32_t)d[0], op->in_h = (uint32_t)d[1], op->in_w = (uint32_t)d[2];
    } else if (!strcmp(key, "kernel") || !strcmp(key, "stride") || !strcmp(key, "pad")) {
      nd = parse_dims(v, d, 2);
      if (nd < 1 || d[0] > UINT32_MAX || (nd == 2 && d[1] > UINT32_MAX))
        TFAIL("%s: expected N or HxW, got '%s'", key, v);
      uint32_t h = (uint32_t)d[0], w = (uint32_t)(nd == 2 ? d[1] : d[0]);
      if (key[0] == 'k') op->k_h = h, op->k_w = w;
      else if (key[0] == 's') op->stride_h = h, op->stride_w = w;
      else op->pad_h = h, op->pad_w = w;
    } else if (!strcmp(key, "fn") || !strcmp(key, "type") || !strcmp(key, "pool")) {
      int x = op->kind == AX_OP_ELTWISE ? pick(v, elt_names, AX_ELT_N)
              : op->kind == AX_OP_NORM  ? pick(v, norm_names, 2)
              : op->kind == AX_OP_POOL  ? pick(v, pool_names, 2)
                                        : -2;
      if (x == -2) TFAIL("%s: only eltwise (fn=), norm (type=) and pool (pool=) ops take a variant", key);
      if (x < 0) TFAIL("%s: unknown variant '%s' for %s", key, v, kind);
      op->sub = (uint32_t)x;
    } else if (!strcmp(key, "deps")) {
      char *s2 = NULL;
      for (char *dn = strtok_r((char *)v, ",", &s2); dn; dn = strtok_r(NULL, ",", &s2)) {
        uint32_t id;
        if (dn[0] == '@') {
          if (parse_dims(dn + 1, d, 1) != 1 || d[0] >= op->id) {
            if (!op->id) TFAIL("deps: '%s': there is no op above this line", dn);
            TFAIL("deps: '%s' is not the id of an earlier op (ids 0..%u so far)", dn, op->id - 1);
          }
          id = (uint32_t)d[0];
        } else if (!name_find(t, dn, &id)) {
          TFAIL("deps: no earlier op named '%s' (deps must name ops above this line)", dn);
        }
        if (op->ndeps == AX_OP_MAX_DEPS) TFAIL("deps: at most %d dependencies per op", AX_OP_MAX_DEPS);
        op->deps[op->ndeps++] = id;
      }
    } else {
      const char *cand[NFIELDS + 11];
      size_t nc = 0;
      for (size_t j = 0; j < NFIELDS; j++) cand[nc++] = fields[j].key;
      for (size_t j = 0; j < 11; j++) cand[nc++] = extra_keys[j];
      const char *sg = ax_suggest(key, cand, nc);
      TFAIL("unknown key '%s' for %s%s%s%s", key, kind, sg ? " (did you mean '" : "", sg ? sg : "",
            sg ? "'?)" : "");
    }
  }
  char e2[400];
  if (ax_op_check(op, e2, sizeof e2) != AX_OK) TFAIL("%s %s: %s", kind, op->name, e2);
  uint32_t dup;
  if (name_find(t, op->name, &dup)) TFAIL("name '%s' is used already by op %u", op->name, dup);
  name_add(t, op->name, op->id);
  t->next_id++;
  return AX_OK;
}

int ax_trace_next(ax_trace *t, ax_op *op, char *err, size_t errlen) {
  char buf[4096];
  while (fgets(buf, sizeof buf, t->f)) {
    t->line++;
    size_t n = strlen(buf);
    if (n == sizeof buf - 1 && buf[n - 1] != '\n') TFAIL("line longer than %zu characters", sizeof buf - 2);
    char *hash = strchr(buf, '#');
    if (hash) *hash = 0;
    char *p = buf;
    while (isspace((unsigned char)*p)) p++;
    if (!*p) continue;
    if (!t->header_seen) {
      int ver;
      if (sscanf(p, "axtrace %d", &ver) != 1) TFAIL("expected the header 'axtrace 1' first");
      if (ver != 1) TFAIL("trace format version %d; this axsim reads version 1", ver);
      t->header_seen = 1;
      continue;
    }
    if (ax_trace_parse_line(t, p, op, err, errlen) != AX_OK) return AX_EINVAL;
    return 1;
  }
  if (ferror(t->f)) TFAIL("read error");
  if (!t->header_seen) TFAIL("empty trace: expected the header 'axtrace 1'");
  return 0;
}

int ax_op_check(const ax_op *op, char *err, size_t errlen) {
#define NEED(f)                                                        \
  if (!op->f) {                                                        \
    ax_errf(err, errlen, "needs %s > 0", #f);                          \
    return AX_EINVAL;                                                  \
  }
  switch (op->kind) {
  case AX_OP_CONV2D:
  case AX_OP_POOL: {
    NEED(in_c) NEED(in_h) NEED(in_w) NEED(k_h) NEED(k_w)
    if (op->kind == AX_OP_CONV2D) {
      NEED(out_c)
      uint32_t g = op->groups ? op->groups : 1;
      if (op->in_c % g || op->out_c % g) {
        ax_errf(err, errlen, "groups=%u must divide in_c=%u and out_c=%u", g, op->in_c, op->out_c);
        return AX_EINVAL;
      }
    }
    if (op->k_h > op->in_h + 2 * op->pad_h || op->k_w > op->in_w + 2 * op->pad_w) {
      ax_errf(err, errlen, "kernel %ux%u is larger than the padded input %ux%u", op->k_h, op->k_w,
              op->in_h + 2 * op->pad_h, op->in_w + 2 * op->pad_w);
      return AX_EINVAL;
    }
    break;
  }
  case AX_OP_GEMM: NEED(m) NEED(n) NEED(k) break;
  case AX_OP_GEMV: NEED(m) NEED(k) break;
  case AX_OP_ATTENTION:
    NEED(heads) NEED(head_dim) NEED(q_len) NEED(kv_len)
    if (op->kv_heads && op->heads % op->kv_heads) {
      ax_errf(err, errlen, "kv_heads=%u must divide heads=%u", op->kv_heads, op->heads);
      return AX_EINVAL;
    }
    break;
  case AX_OP_SOFTMAX:
  case AX_OP_NORM:
  case AX_OP_ELTWISE: NEED(elems) break;
  case AX_OP_EMBED: NEED(m) NEED(n) break;
  case AX_OP_MOE:
    NEED(experts) NEED(top_k) NEED(m) NEED(n) NEED(k)
    if (op->top_k > op->experts) {
      ax_errf(err, errlen, "top_k=%u exceeds experts=%u", op->top_k, op->experts);
      return AX_EINVAL;
    }
    break;
  case AX_OP_MOVE: NEED(bytes) break;
  default: break;
  }
#undef NEED
  return AX_OK;
}
