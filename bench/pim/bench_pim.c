/*
 * bench_pim.c - figures for docs/pim.md: per-token latency and energy of
 * LLM decode with and without PIM, per op class, and the LLaMA-2-7B
 * 128-token run's wall time and memory.
 *
 *   build/bench_pim            (all; ~1 min)
 *   build/bench_pim llama      (only the LLaMA-2-7B run)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "llm/llm.h"
#include "runner.h"
#include "sim.h"

static void trace(const char *model, int batch, int ctx, int tokens, const char *out) {
  ax_llm_hp h;
  char err[600];
  if (ax_llm_model_find(model, &h, err, sizeof err)) { fprintf(stderr, "%s\n", err); exit(1); }
  ax_llm_opts o = {.phase = AX_LLM_DECODE, .batch = batch, .context = ctx, .tokens = tokens, .seed = 1, .dtype = AX_FP16};
  FILE *f = fopen(out, "w");
  if (!f || ax_llm_write(&h, &o, f, err, sizeof err)) { fprintf(stderr, "%s: %s\n", out, err); exit(1); }
  fclose(f);
}

/* op class from a name "t3.L5.e2.up" -> "up", "t0.lm_head" -> "lm_head" */
static const char *cls(const char *name) {
  const char *p = strrchr(name, '.');
  return p ? p + 1 : name;
}

typedef struct agg { char name[32]; double ps, pj; } agg;

static ax_sim *run(const char *cfg, char **ov, int nov, double *wall) {
  ax_run_opts o = {.config = cfg, .ov = ov, .nov = (size_t)nov, .out = AX_BIN_DIR "/bench_pim.h5"};
  ax_run_summary s;
  ax_sim *sim = NULL;
  char err[2048];
  if (ax_run(&o, &s, &sim, err, sizeof err)) { fprintf(stderr, "%s\n", err); exit(1); }
  if (wall) *wall = s.wall_s;
  return sim;
}

static void report(const char *label, ax_sim *s, int tokens) {
  agg a[64];
  int na = 0;
  double tot_pj = 0;
  for (size_t i = 0; i < s->nlayers; i++) {
    ax_layer *l = &s->layers[i];
    const char *c = cls(l->name);
    int j;
    for (j = 0; j < na; j++) if (!strcmp(a[j].name, c)) break;
    if (j == na && na < 64) { snprintf(a[na].name, sizeof a[na].name, "%.31s", c); a[na].ps = a[na].pj = 0; na++; }
    if (j < 64) { a[j].ps += (double)(l->end - l->start); a[j].pj += l->energy_pj; }
  }
  double e = 0;
  for (size_t i = 0; i < s->nenergy; i++) e += s->energy[i].pj;
  tot_pj = e;
  ax_time_t end = 0;
  for (size_t i = 0; i < s->nlayers; i++) if (s->layers[i].end > end) end = s->layers[i].end;
  printf("%-34s %9.3f ms/token %9.3f mJ/token |", label, (double)end / 1e9 / tokens, tot_pj / 1e9 / tokens);
  for (int j = 0; j < na; j++)
    if (a[j].ps / (double)end > 0.03) printf(" %s %.0f%%", a[j].name, 100.0 * a[j].ps / (double)end);
  printf("\n");
}

static void gpt2(void) {
  const char *models[] = {"gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl"};
  printf("\nGPT-2 decode, batch 1, context 64, 16 tokens: PIM-GPT-like vs no PIM (configs/pim-gpt*.cfg)\n");
  for (int i = 0; i < 4; i++) {
    char tr[512], ov[600], lbl[80];
    snprintf(tr, sizeof tr, AX_BIN_DIR "/bench_%s.axt", models[i]);
    trace(models[i], 1, 64, 16, tr);
    snprintf(ov, sizeof ov, "host.trace=%s", tr);
    char *o[] = {ov};
    ax_sim *s = run(AX_SRC_DIR "/configs/pim-gpt.cfg", o, 1, NULL);
    snprintf(lbl, sizeof lbl, "%s PIM", models[i]);
    report(lbl, s, 16);
    ax_sim_free(s);
    s = run(AX_SRC_DIR "/configs/pim-gpt-nopim.cfg", o, 1, NULL);
    snprintf(lbl, sizeof lbl, "%s no-PIM (dram)", models[i]);
    report(lbl, s, 16);
    ax_sim_free(s);
    s = run(AX_SRC_DIR "/bench/pim/pim-gpt-nopim-roofline.cfg", o, 1, NULL);
    snprintf(lbl, sizeof lbl, "%s no-PIM (roofline)", models[i]);
    report(lbl, s, 16);
    ax_sim_free(s);
  }
}

static void duplex(void) {
  const char *pol[] = {"place.policy=opb", "place.policy=all_xpu", "place.policy=all_pim"};
  struct { const char *m; int b; } w[] = {{"mixtral-8x7b", 32}, {"llama3-8b", 32}, {"llama2-7b", 32}};
  printf("\nDuplex-like decode, context 512, 2 tokens: Op/B placement vs all-xPU vs all-logic-PIM (configs/duplex*.cfg)\n");
  for (int i = 0; i < 3; i++) {
    char tr[512], ov[600], lbl[80];
    snprintf(tr, sizeof tr, AX_BIN_DIR "/bench_dx_%s.axt", w[i].m);
    trace(w[i].m, w[i].b, 512, 2, tr);
    snprintf(ov, sizeof ov, "host.trace=%s", tr);
    for (int p = 0; p < 3; p++) {
      char *o[] = {ov, (char *)pol[p]};
      ax_sim *s = run(AX_SRC_DIR "/configs/duplex.cfg", o, 2, NULL);
      snprintf(lbl, sizeof lbl, "%s b%d %s", w[i].m, w[i].b, pol[p] + 13);
      report(lbl, s, 2);
      ax_sim_free(s);
    }
  }
}

static void llama(void) {
  printf("\nLLaMA-2-7B decode, 128 tokens, batch 1, context 128 (bench/llama2-7b-decode.cfg)\n");
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  trace("llama2-7b", 1, 128, 128, AX_BIN_DIR "/bench_llama2-7b.axt");
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double gen = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  char *o[] = {"host.trace=" AX_BIN_DIR "/bench_llama2-7b.axt"};
  double wall;
  ax_sim *s = run(AX_SRC_DIR "/bench/llama2-7b-decode.cfg", o, 1, &wall);
  report("llama2-7b PIM", s, 128);
  uint64_t jumped = 0;
  for (size_t i = 0; i < s->nstats; i++)
    if (!strcmp(s->stats[i].name, "tiles_jumped")) jumped = (uint64_t)s->stats[i].v;
  ax_sim_free(s);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("trace generation %.2f s, simulation %.2f s wall, max RSS %ld MB, %llu tiles jumped by the exact fast path\n",
         gen, wall, ru.ru_maxrss / 1024, (unsigned long long)jumped);
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "llama")) {
    llama();
    return 0;
  }
  llama();
  gpt2();
  duplex();
  return 0;
}
