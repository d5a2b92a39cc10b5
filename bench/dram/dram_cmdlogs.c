/*
 * dram_cmdlogs.c - the exactness gate of the speed rounds: write the
 * command log and the statistics of 28 runs (7 presets x {per-bank,
 * per-rank queues} x {open, close page}, N mixed requests each) to a
 * directory, one file per run. Build it from two trees (or keep the
 * binary of the old one) and `diff -r` the directories: a speed change
 * that alters a single command shows there. Not a test: it compares the
 * controller with its own past, not with an independent source.
 *   usage: dram_cmdlogs DIR [N]   (default N = 20000)
 * Requests: a seeded mix of new random lines, sequential runs and nearby
 * lines (row hits and misses), 25 % writes, in bursts and gaps. Writes
 * use their own half of the address space, so these logs stay clear of
 * the one case where the controller differs from DRAMsim3 on purpose (a
 * read of a full write buffer's oldest line: docs/dram.md).
 */
#include <stdio.h>
#include <stdlib.h>

#include "dram.h"

typedef struct gen { uint64_t i, n, s, cyc, base; } gen;

static uint64_t rnd(gen *g) { /* xorshift64* */
  g->s ^= g->s >> 12; g->s ^= g->s << 25; g->s ^= g->s >> 27;
  return g->s * 0x2545F4914F6CDD1Dull;
}

static int gen_next(void *ctx, uint64_t *addr, int *wr, uint64_t *cycle, char *err, size_t errlen) {
  gen *g = ctx;
  (void)err; (void)errlen;
  if (g->i >= g->n) return 0;
  uint64_t r = rnd(g);
  int mode = (int)(r >> 60) & 3;
  if (mode == 0) g->base = (rnd(g) >> 20) & ~63ull;                  /* a new random line */
  else if (mode == 1) g->base += 64;                                  /* the next line */
  else if (mode == 2) g->base ^= (rnd(g) >> 40) & 0xffc0;             /* a nearby line */
  *wr = (rnd(g) >> 61) < 2;                                           /* 2 in 8 */
  *addr = (g->base & ((1ull << 32) - 1)) | ((uint64_t)*wr << 32);
  if (((r >> 50) & 7) == 0) g->cyc += (r >> 40) & 63;                 /* a gap */
  else if ((r >> 56) & 1) g->cyc++;
  *cycle = g->cyc;
  g->i++;
  return 1;
}

int main(int argc, char **argv) {
  static const char *presets[] = {"DDR4-3200", "DDR5-4800", "LPDDR4-3200", "LPDDR5-6400", "HBM2", "HBM3", "GDDR6"};
  if (argc < 2) { fprintf(stderr, "usage: dram_cmdlogs DIR [N]\n"); return 2; }
  uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 20000;
  char err[512], fn[1024];
  for (int p = 0; p < 7; p++)
    for (int qs = 0; qs < 2; qs++)
      for (int pg = 0; pg < 2; pg++) {
        ax_dram_cfg cfg;
        if (ax_dram_preset(&cfg, presets[p], err, sizeof err) != AX_OK ||
            ax_dram_cfg_set(&cfg, "queue_structure", qs ? "PER_RANK" : "PER_BANK", err, sizeof err) != AX_OK ||
            ax_dram_cfg_set(&cfg, "row_buf_policy", pg ? "CLOSE_PAGE" : "OPEN_PAGE", err, sizeof err) != AX_OK ||
            ax_dram_cfg_finish(&cfg, err, sizeof err) != AX_OK) {
          fprintf(stderr, "%s\n", err);
          return 1;
        }
        snprintf(fn, sizeof fn, "%s/%s_%s_%s.log", argv[1], presets[p], qs ? "rank" : "bank", pg ? "close" : "open");
        FILE *f = fopen(fn, "w");
        if (!f) { perror(fn); return 1; }
        ax_dram_sys s;
        if (ax_dram_sys_init(&s, &cfg) != AX_OK) { fprintf(stderr, "out of memory\n"); return 1; }
        for (int c = 0; c < cfg.channels; c++) ax_dram_ctrl_set_log(s.ch[c], f);
        gen g = {0, n, 12345u + (uint64_t)(p * 7 + qs * 3 + pg), 0, 0};
        ax_dram_result r;
        if (ax_dram_run(&s, gen_next, &g, &r, err, sizeof err) != AX_OK) { fprintf(stderr, "%s\n", err); return 1; }
        ax_dram_stat_row rows[AX_DRAM_STAT_ROWS];
        int nr = ax_dram_result_rows(&cfg, &r, rows);
        for (int i = 0; i < nr; i++) fprintf(f, "%s %.6f\n", rows[i].name, rows[i].value);
        fclose(f);
        ax_dram_sys_free(&s);
      }
  return 0;
}
