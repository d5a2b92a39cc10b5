/*
 * sweep_expr.c - parse and evaluate sweep expressions (see sweep_expr.h).
 * Recursive descent into a flat node array; evaluation walks it.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sweep_expr.h"

typedef enum { N_NUM, N_VAR, N_NEG, N_ADD, N_SUB, N_MUL, N_DIV, N_POW, N_FN1, N_FN2 } nkind;

typedef struct node {
  nkind k;
  double v;
  char *name;   /* N_VAR; N_FN*: function name */
  int a, b;     /* children */
} node;

struct ax_expr {
  node *n;
  int nn, cap, root;
};

typedef struct parser {
  const char *s, *p;
  ax_expr *e;
  char *err;
  size_t errlen;
  int failed;
} parser;

static const char *const fn1[] = {"sqrt", "log", "log2", "exp", "abs"};
static const char *const fn2[] = {"min", "max"};

static int add(parser *ps, nkind k, double v, const char *name, size_t nlen, int a, int b) {
  ax_expr *e = ps->e;
  if (e->nn == e->cap) {
    e->cap = e->cap ? e->cap * 2 : 16;
    e->n = ax_xrealloc(e->n, (size_t)e->cap * sizeof *e->n);
  }
  node *x = &e->n[e->nn];
  x->k = k;
  x->v = v;
  x->name = NULL;
  if (name) {
    x->name = ax_xmalloc(nlen + 1);
    memcpy(x->name, name, nlen);
    x->name[nlen] = 0;
  }
  x->a = a;
  x->b = b;
  return e->nn++;
}

static int fail(parser *ps, const char *what) {
  if (!ps->failed) {
    if (*ps->p)
      ax_errf(ps->err, ps->errlen, "expression \"%s\": expected %s at column %d ('%c')", ps->s, what,
              (int)(ps->p - ps->s) + 1, *ps->p);
    else
      ax_errf(ps->err, ps->errlen, "expression \"%s\": expected %s at the end", ps->s, what);
  }
  ps->failed = 1;
  return -1;
}

static void skip(parser *ps) {
  while (isspace((unsigned char)*ps->p)) ps->p++;
}

static int expr(parser *ps);

static int isname0(int c) { return isalpha(c) || c == '_'; }
static int isname(int c) { return isalnum(c) || c == '_' || c == '.'; }

static int primary(parser *ps) {
  skip(ps);
  const char *p = ps->p;
  if (*p == '(') {
    ps->p++;
    int r = expr(ps);
    skip(ps);
    if (r < 0) return r;
    if (*ps->p != ')') return fail(ps, "')'");
    ps->p++;
    return r;
  }
  if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
    char *end;
    double v = strtod(p, &end);
    ps->p = end;
    return add(ps, N_NUM, v, NULL, 0, -1, -1);
  }
  if (isname0((unsigned char)*p)) {
    const char *q = p;
    while (isname((unsigned char)*q)) q++;
    size_t len = (size_t)(q - p);
    ps->p = q;
    skip(ps);
    if (*ps->p != '(') return add(ps, N_VAR, 0, p, len, -1, -1);
    int arity = 0;
    for (size_t i = 0; i < sizeof fn1 / sizeof *fn1; i++)
      if (strlen(fn1[i]) == len && !strncmp(fn1[i], p, len)) arity = 1;
    for (size_t i = 0; i < sizeof fn2 / sizeof *fn2; i++)
      if (strlen(fn2[i]) == len && !strncmp(fn2[i], p, len)) arity = 2;
    if (!arity) {
      ps->p = p;
      return fail(ps, "a function among sqrt, log, log2, exp, abs, min, max");
    }
    ps->p++;
    int a = expr(ps), b = -1;
    if (a < 0) return a;
    skip(ps);
    if (arity == 2) {
      if (*ps->p != ',') return fail(ps, "',' (min and max take two arguments)");
      ps->p++;
      b = expr(ps);
      if (b < 0) return b;
      skip(ps);
    }
    if (*ps->p != ')') return fail(ps, "')'");
    ps->p++;
    return add(ps, arity == 1 ? N_FN1 : N_FN2, 0, p, len, a, b);
  }
  return fail(ps, "a number, a name or '('");
}

static int unary(parser *ps) {
  skip(ps);
  if (*ps->p == '-') {
    ps->p++;
    int a = unary(ps);
    return a < 0 ? a : add(ps, N_NEG, 0, NULL, 0, a, -1);
  }
  if (*ps->p == '+') {
    ps->p++;
    return unary(ps);
  }
  int a = primary(ps);
  if (a < 0) return a;
  skip(ps);
  if (*ps->p == '^') { /* right associative, binds tighter than unary minus on its left */
    ps->p++;
    int b = unary(ps);
    return b < 0 ? b : add(ps, N_POW, 0, NULL, 0, a, b);
  }
  return a;
}

static int term(parser *ps) {
  int a = unary(ps);
  while (a >= 0) {
    skip(ps);
    char c = *ps->p;
    if (c != '*' && c != '/') break;
    ps->p++;
    int b = unary(ps);
    if (b < 0) return b;
    a = add(ps, c == '*' ? N_MUL : N_DIV, 0, NULL, 0, a, b);
  }
  return a;
}

static int expr(parser *ps) {
  int a = term(ps);
  while (a >= 0) {
    skip(ps);
    char c = *ps->p;
    if (c != '+' && c != '-') break;
    ps->p++;
    int b = term(ps);
    if (b < 0) return b;
    a = add(ps, c == '+' ? N_ADD : N_SUB, 0, NULL, 0, a, b);
  }
  return a;
}

int ax_expr_parse(const char *text, ax_expr **out, char *err, size_t errlen) {
  parser ps = {text, text, ax_xcalloc(1, sizeof(ax_expr)), err, errlen, 0};
  *out = NULL;
  int r = expr(&ps);
  if (r >= 0) {
    skip(&ps);
    if (*ps.p) r = fail(&ps, "an operator (+ - * / ^) or the end");
  }
  if (r < 0) {
    ax_expr_free(ps.e);
    return AX_EINVAL;
  }
  ps.e->root = r;
  *out = ps.e;
  return AX_OK;
}

static int eval(const ax_expr *e, int i, ax_expr_lookup fn, void *ctx, double *v, char *err,
                size_t errlen) {
  const node *x = &e->n[i];
  double a = 0, b = 0;
  if (x->a >= 0 && eval(e, x->a, fn, ctx, &a, err, errlen)) return -1;
  if (x->b >= 0 && eval(e, x->b, fn, ctx, &b, err, errlen)) return -1;
  switch (x->k) {
  case N_NUM: *v = x->v; break;
  case N_VAR:
    if (fn(ctx, x->name, v) != 0) {
      ax_errf(err, errlen, "unknown name '%s'", x->name);
      return -1;
    }
    break;
  case N_NEG: *v = -a; break;
  case N_ADD: *v = a + b; break;
  case N_SUB: *v = a - b; break;
  case N_MUL: *v = a * b; break;
  case N_DIV: *v = a / b; break;
  case N_POW: *v = pow(a, b); break;
  case N_FN1:
    if (!strcmp(x->name, "sqrt")) *v = sqrt(a);
    else if (!strcmp(x->name, "log")) *v = log(a);
    else if (!strcmp(x->name, "log2")) *v = log2(a);
    else if (!strcmp(x->name, "exp")) *v = exp(a);
    else *v = fabs(a);
    break;
  case N_FN2: *v = !strcmp(x->name, "min") ? fmin(a, b) : fmax(a, b); break;
  }
  return 0;
}

int ax_expr_eval(const ax_expr *e, ax_expr_lookup fn, void *ctx, double *v, char *err, size_t errlen) {
  return eval(e, e->root, fn, ctx, v, err, errlen);
}

size_t ax_expr_names(const ax_expr *e, const char **out, size_t max) {
  size_t n = 0;
  for (int i = 0; i < e->nn; i++)
    if (e->n[i].k == N_VAR && n < max) out[n++] = e->n[i].name;
  return n;
}

void ax_expr_free(ax_expr *e) {
  if (!e) return;
  for (int i = 0; i < e->nn; i++) free(e->n[i].name);
  free(e->n);
  free(e);
}
