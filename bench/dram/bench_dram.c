/*
 * bench_dram.c - DRAM model speed: 1M reads on DDR4-3200 (DRAMsim3's
 * DDR4_8Gb_x8_3200.ini), random (uniform 64 B lines in 4 GiB, seeded) and
 * sequential (64 B stride), offered one per cycle as in the reference
 * traces. Generated in memory, so no file parsing is timed. Prints
 * requests per wall second; DRAMsim3 does 0.17-0.22 M/s on these.
 *   usage: bench_dram [N [random|sequential]]   (default 1000000, both)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dram.h"

typedef struct gen { uint64_t i, n, s; int random; } gen;

static int gen_next(void *ctx, uint64_t *addr, int *wr, uint64_t *cycle, char *err, size_t errlen) {
  gen *g = ctx;
  (void)err; (void)errlen;
  if (g->i >= g->n) return 0;
  if (g->random) { /* xorshift64*, seed 12345 */
    g->s ^= g->s >> 12; g->s ^= g->s << 25; g->s ^= g->s >> 27;
    *addr = ((g->s * 0x2545F4914F6CDD1Dull) >> 32) & ~63ull; /* 4 GiB, 64 B lines */
  } else {
    *addr = g->i * 64;
  }
  *wr = 0;
  *cycle = g->i++;
  return 1;
}

int main(int argc, char **argv) {
  uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
  ax_dram_cfg cfg;
  char err[512];
  if (ax_dram_ini_load(&cfg, AX_REF_DIR "/dram/configs/DDR4_8Gb_x8_3200.ini", err, sizeof err) != AX_OK) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  const char *only = argc > 2 ? argv[2] : "";
  for (int random = 1; random >= 0; random--) {
    if ((*only == 'r' && !random) || (*only == 's' && random)) continue;
    ax_dram_sys s;
    if (ax_dram_sys_init(&s, &cfg) != AX_OK) return 1;
    gen g = {0, n, 12345, random};
    ax_dram_result r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (ax_dram_run(&s, gen_next, &g, &r, err, sizeof err) != AX_OK) { fprintf(stderr, "%s\n", err); return 1; }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double w = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("DDR4-3200 %-10s reads=%llu cycles=%llu avg_read_latency=%.1f wall_s=%.3f requests_per_s=%.2fM cycles_per_s=%.1fM\n",
           random ? "random" : "sequential", (unsigned long long)r.st.num_reads_done, (unsigned long long)r.num_cycles,
           r.average_read_latency, w, r.requests / w / 1e6, r.num_cycles / w / 1e6);
    ax_dram_sys_free(&s);
  }
  return 0;
}
