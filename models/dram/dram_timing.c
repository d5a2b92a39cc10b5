/*
 * dram_timing.c - evaluate a standard's rules with a config's numbers.
 *
 * Done once per config: each rule becomes, for each preceding command and
 * scope, a list of (following command, cycles), the form in which the
 * controller updates its "earliest cycle per command" state on every issue.
 * Rows with the same (prev, scope, next, window) keep the largest latency.
 */
#include <stdlib.h>

#include "dram.h"

/* Number of rules of a standard, its base's included. */
int ax_dram_std_nrules(const ax_dram_std *s) {
  int n = s->base ? ax_dram_std_nrules(s->base) : 0;
  for (int i = 0; i < AX_DRAM_MAX_TABLES && s->tables[i]; i++) n += s->tables[i]->n;
  return n;
}

/* Rule i of a standard: its base's first, then its tables' in order. */
const ax_dram_rule *ax_dram_std_rule(const ax_dram_std *s, int i) {
  if (s->base) {
    int nb = ax_dram_std_nrules(s->base);
    if (i < nb) return ax_dram_std_rule(s->base, i);
    i -= nb;
  }
  for (int k = 0; k < AX_DRAM_MAX_TABLES && s->tables[k]; k++) {
    if (i < s->tables[k]->n) return &s->tables[k]->rows[i];
    i -= s->tables[k]->n;
  }
  return NULL;
}

/* Evaluate cfg->std's rules with cfg's numbers. */
int ax_dram_timing_build(ax_dram_timing *t, const ax_dram_cfg *cfg) {
  const ax_dram_std *s = cfg->std;
  int nrules = ax_dram_std_nrules(s);
  size_t max = (size_t)nrules * AX_DRAM_CMD_N * AX_DRAM_CMD_N;
  ax_dram_lat *tmp = malloc(sizeof *tmp * (max ? max : 1));
  int *key = malloc(sizeof *key * (max ? max : 1));
  if (!tmp || !key) { free(tmp); free(key); return AX_ENOMEM; }
  size_t n = 0;
  for (int r = 0; r < nrules; r++) {
    const ax_dram_rule *ru = ax_dram_std_rule(s, r);
    int cyc = 0;
    for (int k = 0; k < AX_DRAM_MAX_TERMS && ru->lat[k].coef; k++) cyc += ru->lat[k].coef * cfg->t[ru->lat[k].tp];
    if (cyc <= 0) continue; /* never binds: a command cannot issue before its predecessor */
    for (int p = 0; p < AX_DRAM_CMD_N; p++) {
      if (!(ru->prev & AX_DRAM_C(p))) continue;
      for (int q = 0; q < AX_DRAM_CMD_N; q++) {
        if (!(ru->next & AX_DRAM_C(q))) continue;
        int k = (p * AX_DRAM_SC_N + (int)ru->scope) * AX_DRAM_CMD_N + q;
        size_t i;
        for (i = 0; i < n; i++)
          if (key[i] == k && tmp[i].window == ru->window) break;
        if (i < n) {
          if (cyc > tmp[i].cycles) { tmp[i].cycles = cyc; tmp[i].rule = (uint16_t)r; }
          continue;
        }
        key[n] = k;
        tmp[n++] = (ax_dram_lat){.next = (uint8_t)q, .window = (uint8_t)ru->window, .rule = (uint16_t)r, .cycles = cyc};
      }
    }
  }
  t->store = malloc(sizeof *t->store * (n ? n : 1));
  if (!t->store) { free(tmp); free(key); return AX_ENOMEM; }
  size_t o = 0;
  for (int p = 0; p < AX_DRAM_CMD_N; p++)
    for (int sc = 0; sc < AX_DRAM_SC_N; sc++) {
      t->lat[p][sc] = t->store + o;
      t->n[p][sc] = 0;
      for (size_t i = 0; i < n; i++)
        if (key[i] / AX_DRAM_CMD_N == p * AX_DRAM_SC_N + sc) { t->store[o++] = tmp[i]; t->n[p][sc]++; }
    }
  free(tmp);
  free(key);
  return AX_OK;
}

/* Free what ax_dram_timing_build allocated. */
void ax_dram_timing_free(ax_dram_timing *t) {
  free(t->store);
  t->store = NULL;
}

/* The largest latency (cycles) from `prev` to `next` at `scope` with that
 * window (0: plain rules), 0 if no rule binds. */
int ax_dram_timing_gap(const ax_dram_timing *t, ax_dram_cmd prev, ax_dram_scope scope, ax_dram_cmd next, int window) {
  int g = 0;
  for (int k = 0; k < t->n[prev][scope]; k++) {
    const ax_dram_lat *l = &t->lat[prev][scope][k];
    if (l->next == next && l->window == window && l->cycles > g) g = l->cycles;
  }
  return g;
}
