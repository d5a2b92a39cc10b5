/*
 * branches_sim.c - replay the branch outcomes recorded by bench/dram/branches.sh
 * through three textbook predictors and print, per branch site, how often
 * each guessed wrong: a 2-bit counter per site (bimodal), a 2-bit counter
 * per (site, last H outcomes) hashed into 4M entries (gshare), and a
 * per-site chooser between the two (tournament). The history holds only
 * the recorded branches, and a real core's predictor (TAGE-like, with a
 * loop predictor) does better on loops: read the figures as where the
 * coin tosses are, not as the core's counts.
 *   usage: branches_sim FILE [H]   (FILE: uint32 per branch, site << 1 | taken; H <= 64, default 64)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSITE 40000
#define TBITS 22

static uint8_t up(uint8_t c, int taken) { return taken ? (c < 3 ? c + 1 : 3) : (c ? c - 1 : 0); }

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: branches_sim FILE [H]\n"); return 2; }
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 1; }
  int H = argc > 2 ? atoi(argv[2]) : 64;
  if (H < 1 || H > 64) { fprintf(stderr, "branches_sim: H %d: expected 1 .. 64\n", H); return 2; }
  static uint64_t cnt[NSITE], taken[NSITE], mb[NSITE], mg[NSITE], mt[NSITE];
  static uint8_t bim[NSITE], choose[NSITE];
  uint8_t *g = malloc((size_t)1 << TBITS);
  if (!g) return 1;
  memset(g, 1, (size_t)1 << TBITS);
  memset(bim, 1, sizeof bim);
  memset(choose, 2, sizeof choose);
  uint64_t hist = 0, mask = H == 64 ? ~0ull : (1ull << H) - 1, n = 0;
  uint32_t ev[4096];
  size_t k;
  while ((k = fread(ev, 4, 4096, f)) > 0) {
    for (size_t i = 0; i < k; i++, n++) {
      uint32_t id = ev[i] >> 1;
      int o = ev[i] & 1;
      if (id >= NSITE) { fprintf(stderr, "branches_sim: site %u out of range\n", id); return 1; }
      uint64_t x = (hist & mask) * 0x9E3779B97F4A7C15ull ^ (uint64_t)id * 0xC2B2AE3D27D4EB4Full;
      size_t gi = (size_t)(x >> (64 - TBITS));
      int pb = bim[id] >= 2, pg = g[gi] >= 2, pt = choose[id] >= 2 ? pg : pb;
      cnt[id]++, taken[id] += (uint64_t)o, mb[id] += pb != o, mg[id] += pg != o, mt[id] += pt != o;
      if (pg != pb) choose[id] = up(choose[id], pg == o);
      bim[id] = up(bim[id], o);
      g[gi] = up(g[gi], o);
      hist = hist << 1 | (uint64_t)o;
    }
  }
  fclose(f);
  uint64_t tb = 0, tg = 0, tt = 0;
  for (int i = 0; i < NSITE; i++) tb += mb[i], tg += mg[i], tt += mt[i];
  printf("branches %llu, history %d: wrong guesses bimodal %llu gshare %llu tournament %llu\n",
         (unsigned long long)n, H, (unsigned long long)tb, (unsigned long long)tg, (unsigned long long)tt);
  for (int i = 0; i < NSITE; i++)
    if (cnt[i])
      printf("%d %llu %.3f %llu %llu %llu\n", i, (unsigned long long)cnt[i], (double)taken[i] / (double)cnt[i],
             (unsigned long long)mb[i], (unsigned long long)mg[i], (unsigned long long)mt[i]);
  return 0;
}
