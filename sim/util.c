/*
 * util.c - small helpers of the core: error text, name suggestions, memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

void ax_errf(char *err, size_t len, const char *fmt, ...) {
  if (!err || !len) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, len, fmt, ap);
  va_end(ap);
}

void *ax_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fputs("axsim: out of memory\n", stderr);
    abort();
  }
  return p;
}

void *ax_xcalloc(size_t n, size_t sz) {
  void *p = calloc(n ? n : 1, sz ? sz : 1);
  if (!p) {
    fputs("axsim: out of memory\n", stderr);
    abort();
  }
  return p;
}

void *ax_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fputs("axsim: out of memory\n", stderr);
    abort();
  }
  return q;
}

char *ax_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(ax_xmalloc(n), s, n);
}

/* Levenshtein distance, capped to the lengths we compare (names). */
static size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return 64;
  size_t row[64];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t cur = row[j];
      size_t sub = prev + (a[i - 1] != b[j - 1]);
      size_t del = row[j] + 1, ins = row[j - 1] + 1;
      row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
      prev = cur;
    }
  }
  return row[lb];
}

const char *ax_suggest(const char *word, const char *const *cands, size_t n) {
  const char *best = NULL;
  size_t bestd = (size_t)-1, len = strlen(word);
  for (size_t i = 0; i < n; i++) {
    if (!cands[i]) continue;
    size_t d = edit_distance(word, cands[i]);
    if (d < bestd) bestd = d, best = cands[i];
  }
  /* Close means at most a third of the word changed (two edits always allowed). */
  size_t limit = len / 3 > 2 ? len / 3 : 2;
  if (best && bestd <= limit) return best;
  /* Or a truncated name: "latency" for "latency_ns". */
  for (size_t i = 0; len >= 3 && i < n; i++)
    if (cands[i] && !strncmp(cands[i], word, len)) return cands[i];
  return NULL;
}

char *ax_slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0, r;
  char *b = ax_xmalloc(cap);
  while ((r = fread(b + n, 1, cap - n - 1, f)) > 0) {
    n += r;
    if (cap - n < 2) b = ax_xrealloc(b, cap *= 2);
  }
  b[n] = 0;
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(b);
    return NULL;
  }
  return b;
}
