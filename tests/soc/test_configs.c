/*
 * test_configs.c - the bundled SoC configs run end to end: three-tier's
 * bytes per tier agree between the NPUs' placement, the memory components
 * and the per-layer columns; soc-hetero runs a CNN and an LLM decode at
 * once on all four units with utilization and energy per unit; nasaic
 * runs two networks on two dataflows; ethos-u55 gets faster with -s;
 * soc-dma's DMA moves every kv_write's bytes out of the shared sram into
 * DDR and the sram's counts add up to the NPU's tier plus the DMA's reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "sim.h"

static ax_sim *run(const char *name, char *const *ov, size_t nov)
{
  char err[AX_ERR_MAX], path[512];
  ax_sim *s;
  snprintf(path, sizeof path, AX_SRC_DIR "/configs/%s", name);
  if (ax_config_load(path, ov, nov, 0, 0, &s, err, sizeof err) != AX_OK) fail_msg("%s", err);
  if (ax_sim_init_components(s, err, sizeof err) != AX_OK) fail_msg("%s", err);
  if (ax_sim_run(s) != AX_OK) fail_msg("%s", s->err);
  ax_sim_collect_stats(s);
  return s;
}

static double stat_of(ax_sim *s, const char *comp, const char *name)
{
  ax_component *c = ax_sim_find(s, comp);
  for (size_t i = 0; i < s->nstats; i++)
    if (s->comps[s->stats[i].comp] == c && !strcmp(s->stats[i].name, name)) return s->stats[i].v;
  fail_msg("no stat %s.%s", comp, name);
  return 0;
}

static double energy_of(ax_sim *s, const char *comp)
{
  ax_component *c = ax_sim_find(s, comp);
  double e = 0;
  for (size_t i = 0; i < s->nenergy; i++)
    if (s->comps[s->energy[i].comp] == c) e += s->energy[i].pj;
  return e;
}

static void test_three_tier(void **st)
{
  (void)st;
  ax_sim *s = run("three-tier.cfg", NULL, 0);
  double tier[3] = {0, 0, 0}, scratch = 0;
  static const char *const tn[3] = {"sram", "hbm", "ddr"}, *const np[2] = {"npu0", "npu1"};
  for (int n = 0; n < 2; n++) {
    scratch += stat_of(s, np[n], "sram_bytes");
    for (int t = 0; t < 3; t++) {
      char k[64];
      snprintf(k, sizeof k, "tier.%s.bytes_read", tn[t]);
      tier[t] += stat_of(s, np[n], k);
      snprintf(k, sizeof k, "tier.%s.bytes_written", tn[t]);
      tier[t] += stat_of(s, np[n], k);
    }
  }
  /* every tier was used, and the SRAM memory component saw its tier's bytes */
  for (int t = 0; t < 3; t++) assert_true(tier[t] > 0);
  assert_float_equal(stat_of(s, "sram", "bytes_read") + stat_of(s, "sram", "bytes_written"), tier[0], 0);
  /* DDR holds weights only: read, never written */
  assert_float_equal(stat_of(s, "npu0", "tier.ddr.bytes_written") + stat_of(s, "npu1", "tier.ddr.bytes_written"), 0, 0);
  /* per-layer columns: bytes_dram = HBM + DDR tiers, bytes_sram = scratchpad + SRAM tier */
  double lsram = 0, ldram = 0;
  for (size_t i = 0; i < s->nlayers; i++)
    if (s->layers[i].done) lsram += (double)s->layers[i].bytes[AX_LVL_SRAM], ldram += (double)s->layers[i].bytes[AX_LVL_DRAM];
  assert_float_equal(ldram, tier[1] + tier[2], 0);
  assert_float_equal(lsram, scratch + tier[0], 0);
  ax_sim_free(s);
}

static void test_soc_hetero(void **st)
{
  (void)st;
  ax_sim *s = run("soc-hetero.cfg", NULL, 0);
  static const char *const units[4] = {"sa0", "npu0", "pim", "vec0"};
  double ops = 0;
  for (int i = 0; i < 4; i++) {
    char k[64];
    snprintf(k, sizeof k, "ops_on.%s", units[i]);
    double n = stat_of(s, "host", k);
    assert_true(n > 0);
    ops += n;
    snprintf(k, sizeof k, "util.%s", units[i]);
    double u = stat_of(s, "host", k);
    assert_true(u > 0 && u <= 1.0);
    assert_true(energy_of(s, units[i]) > 0);
  }
  /* both workloads ran whole: 11 CNN ops + the GPT-2 decode trace's ops */
  assert_float_equal(stat_of(s, "host", "ops_done"), ops, 0);
  size_t cnn = 0, llm = 0;
  for (size_t i = 0; i < s->nlayers; i++)
    if (s->layers[i].done) *(strncmp(s->layers[i].name, "small_cnn/", 10) ? &llm : &cnn) += 1;
  assert_int_equal(cnn, 11);
  assert_true(llm > 500);
  ax_sim_free(s);
}

static void test_nasaic(void **st)
{
  (void)st;
  ax_sim *s = run("nasaic.cfg", NULL, 0);
  assert_true(stat_of(s, "host", "ops_on.sa_os") > 0);
  assert_true(stat_of(s, "host", "ops_on.sa_ws") > 0);
  assert_float_equal(stat_of(s, "host", "ops_done"), 21, 0);
  ax_sim_free(s);
}

static void test_ethos_override(void **st)
{
  (void)st;
  ax_sim *s = run("ethos-u55.cfg", NULL, 0);
  ax_time_t t128 = s->q.now;
  ax_sim_free(s);
  char *ov[] = {"npu.macs_per_cycle=256"};
  s = run("ethos-u55.cfg", ov, 1);
  assert_true(s->q.now < t128);
  ax_sim_free(s);
}

/* soc-dma on the first two layers of its GPT-2 decode trace (the whole
 * trace takes seconds; the bytes below are checked against the trace
 * itself, so any prefix will do). */
static void test_soc_dma(void **st)
{
  (void)st;
  FILE *in = fopen(AX_SRC_DIR "/traces/llm/gpt2-decode-c64-t4.axt", "r");
  FILE *out = fopen(AX_BIN_DIR "/soc_dma_2layers.axt", "w");
  assert_non_null(in);
  assert_non_null(out);
  char line[1024];
  uint64_t moves = 0, move_bytes = 0, ops = 0;
  while (fgets(line, sizeof line, in) && !strstr(line, "t0.L2.")) {
    fputs(line, out);
    if (line[0] != '#' && strncmp(line, "axtrace", 7)) ops++;
    if (!strncmp(line, "move ", 5)) {
      moves++;
      move_bytes += strtoull(strstr(line, " bytes=") + 7, NULL, 10);
    }
  }
  fclose(in);
  fclose(out);
  assert_int_equal(moves, 2); /* kv_write of L0 and L1 */
  char *ov[] = {"host.trace=" AX_BIN_DIR "/soc_dma_2layers.axt"};
  ax_sim *s = run("soc-dma.cfg", ov, 1);
  assert_float_equal(stat_of(s, "host", "ops_done"), (double)ops, 0);
  assert_float_equal(stat_of(s, "host", "ops_on.dma"), (double)moves, 0);
  assert_float_equal(stat_of(s, "dma", "bytes_read"), (double)move_bytes, 0);
  assert_float_equal(stat_of(s, "dma", "bytes_written"), (double)move_bytes, 0);
  /* the sram serves the NPU's scratchpad tier and the DMA's reads; DDR
   * takes the DMA's writes and the NPU's weight / KV reads */
  assert_float_equal(stat_of(s, "sram", "bytes_read"),
                     stat_of(s, "npu", "tier.sram.bytes_read") + (double)move_bytes, 0);
  assert_float_equal(stat_of(s, "sram", "bytes_written"), stat_of(s, "npu", "tier.sram.bytes_written"), 0);
  assert_float_equal(stat_of(s, "ddr", "bytes_written"), (double)move_bytes, 0);
  assert_float_equal(stat_of(s, "ddr", "bytes_read"), stat_of(s, "npu", "tier.ddr.bytes_read"), 0);
  /* a move's bytes count once at each end in the per-layer columns */
  uint64_t lsram = 0, ldram = 0;
  for (size_t i = 0; i < s->nlayers; i++)
    if (s->layers[i].done && s->layers[i].kind == AX_OP_MOVE)
      lsram += s->layers[i].bytes[AX_LVL_SRAM], ldram += s->layers[i].bytes[AX_LVL_DRAM];
  assert_int_equal(lsram, move_bytes);
  assert_int_equal(ldram, move_bytes);
  ax_sim_free(s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_three_tier), cmocka_unit_test(test_soc_hetero),
      cmocka_unit_test(test_nasaic), cmocka_unit_test(test_ethos_override),
      cmocka_unit_test(test_soc_dma),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
