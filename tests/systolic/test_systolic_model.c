/*
 * test_systolic_model.c - the `systolic` component inside whole runs:
 * SCALE-Sim topologies through the host, ideal memory reproducing SCALE-Sim
 * v2's per-layer cycles with O(1) events per layer; a memory behind it
 * checked by hand on a one-fold GEMM, and on AlexNet with a fast memory
 * (ideal cycles back) and a slow one (stalls, bytes as the closed form).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "axtest.h"
#include <math.h>

#include "config.h"
#include "ref_csv.h"
#include "sim.h"
#include "systolic_map.h"

#define DIR AX_BIN_DIR "/tests_tmp_systolic"
#define REF AX_REF_DIR "/scalesim"

static ax_sim *load_run(const char *text)
{
  char err[AX_ERR_MAX];
  ax_sim *s;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/sys.cfg", text);
  int rc = ax_config_load(DIR "/sys.cfg", NULL, 0, 0, 0, &s, err, sizeof err);
  if (rc != AX_OK) fail_msg("%s", err);
  if (ax_sim_init_components(s, err, sizeof err) != AX_OK) fail_msg("%s", err);
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

/* Ideal memory: every layer's cycles and utilization are SCALE-Sim's. */
static void test_ideal_memory_matches_scalesim(void **st)
{
  (void)st;
  static const struct { const char *df, *topo, *run; } runs[] = {
    {"os", "alexnet.csv", "v2_os32_calc__alexnet"},
    {"ws", "alexnet.csv", "v2_ws32_calc__alexnet"},
    {"is", "alexnet.csv", "v2_is32_calc__alexnet"},
    {"ws", "mobilenet.csv", "v2_ws32_calc__mobilenet"},
  };
  for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
    char cfg[2048], path[512];
    snprintf(cfg, sizeof cfg,
             "host = { model = \"host\"; trace = \"%s/topologies/%s\"; map = \"*:sa\"; };\n"
             "sa = { model = \"systolic\"; dataflow = \"%s\"; rows = 32; cols = 32; };\n"
             "links = ( { from = \"host.unit0\"; to = \"sa.ctl\"; } );\n",
             REF, runs[r].topo, runs[r].df);
    ax_sim *s = load_run(cfg);
    assert_int_equal(ax_sim_run(s), AX_OK);
    ref_csv ref;
    snprintf(path, sizeof path, REF "/runs/%s/COMPUTE_REPORT.csv", runs[r].run);
    assert_int_equal(ref_csv_read(path, &ref), 0);
    assert_int_equal(s->nlayers, (size_t)ref.rows);
    for (int l = 0; l < ref.rows; l++) {
      ax_layer *L = &s->layers[l];
      assert_true(L->done);
      uint64_t cycles = (L->end - L->start) / 1000; /* 1 GHz default clock */
      if (cycles != (uint64_t)ref.v[l][1] || (L->end - L->start) % 1000)
        fail_msg("%s layer %d: %llu cycles, SCALE-Sim %s", runs[r].run, l,
                 (unsigned long long)cycles, ref.s[l][1]);
      double util = 100.0 * (double)L->used_pe / (double)L->total_pe;
      assert_true(fabs(util - ref.v[l][3]) < 1e-6);
    }
    /* nothing ticks: a handful of events per layer, not one per cycle */
    assert_true(ax_evq_dispatched(&s->q) < 10 * s->nlayers + 10);
    ax_sim_free(s);
  }
}

/* One fold with a memory behind the array, worked by hand. 4x4 os, GEMM
 * M = N = K = 4: one fold of 4 + 4 + 4 - 2 = 10 cycles, 9 as SCALE-Sim
 * counts (the last cycle's index). Reads: ifmap 16 B + filter 16 B (both
 * matrices fit half a buffer) = one 32 B request at t = 0; the memory's
 * bus takes 32 B / 6.4 GB/s = 5 ns, answers 10 ns later: 15 ns. Compute
 * 15 -> 24 ns (1 GHz). Write 16 B: bus 24 -> 26.5 ns, answer 36.5 ns. */
static void test_memory_one_fold_by_hand(void **st)
{
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/g.csv", "Layer Name, M, N, K,\nG, 4, 4, 4,\n");
  ax_sim *s = load_run(
      "host = { model = \"host\"; trace = \"g.csv\"; format = \"scalesim-gemm\"; map = \"*:sa\"; };\n"
      "sa = { model = \"systolic\"; rows = 4; cols = 4; dataflow = \"os\"; };\n"
      "m = { model = \"memory\"; latency_ns = 10.0; bandwidth_gbps = 6.4; };\n"
      "links = ( { from = \"host.unit0\"; to = \"sa.ctl\"; },\n"
      "          { from = \"sa.mem\"; to = \"m.in0\"; } );\n");
  assert_int_equal(ax_sim_run(s), AX_OK);
  assert_int_equal(s->layers[0].start, 0);
  assert_int_equal(s->layers[0].end, 36500);
  assert_int_equal(s->layers[0].bytes[AX_LVL_DRAM], 48);
  assert_int_equal(s->layers[0].macs, 64);
  ax_sim_collect_stats(s);
  assert_true(stat_of(s, "sa", "dram_bytes_read") == 32);
  assert_true(stat_of(s, "sa", "dram_bytes_written") == 16);
  /* 36 cycles against 9 ideal: 27 stall cycles */
  assert_true(stat_of(s, "sa", "stall_cycles") == 27);
  ax_sim_free(s);
}

/* AlexNet ws with memory: a fast one gives SCALE-Sim's cycles back (loads
 * hide behind compute), a slow one stalls; bytes are the closed form's. */
static void test_memory_alexnet(void **st)
{
  (void)st;
  ax_sa_array a = {32, 32, AX_SA_WS, 65536, 65536, 65536, 1};
  static const ax_sa_layer alex[5] = {{224, 224, 11, 11, 3, 96, 4, 4}, {27, 27, 5, 5, 96, 256, 1, 1},
                                      {13, 13, 3, 3, 256, 384, 1, 1}, {13, 13, 3, 3, 384, 384, 1, 1},
                                      {13, 13, 3, 3, 384, 256, 1, 1}};
  uint64_t rd = 0, wr = 0, ideal[5];
  for (int i = 0; i < 5; i++) {
    ax_sa_geom g;
    ax_sa_layer_report r;
    ax_sa_geom_of(&a, &alex[i], &g);
    ax_sa_layer_run(&a, NULL, &g, &r);
    rd += r.ifmap_dram_reads + r.filter_dram_reads;
    wr += r.ofmap_dram_writes;
    ideal[i] = r.total_cycles;
  }
  for (int slow = 0; slow < 2; slow++) {
    char cfg[2048];
    snprintf(cfg, sizeof cfg,
             "host = { model = \"host\"; trace = \"%s/topologies/alexnet.csv\"; map = \"*:sa\"; };\n"
             "sa = { model = \"systolic\"; dataflow = \"ws\"; };\n"
             "m = { model = \"memory\"; latency_ns = %s; bandwidth_gbps = %s; };\n"
             "links = ( { from = \"host.unit0\"; to = \"sa.ctl\"; },\n"
             "          { from = \"sa.mem\"; to = \"m.in0\"; } );\n",
             REF, slow ? "50.0" : "0.0", slow ? "2.0" : "1000000.0");
    ax_sim *s = load_run(cfg);
    assert_int_equal(ax_sim_run(s), AX_OK);
    ax_sim_collect_stats(s);
    assert_true(stat_of(s, "sa", "dram_bytes_read") == (double)rd);
    assert_true(stat_of(s, "sa", "dram_bytes_written") == (double)wr);
    assert_true(stat_of(s, "m", "bytes_read") == (double)rd);
    for (int l = 0; l < 5; l++) {
      uint64_t cyc = (s->layers[l].end - s->layers[l].start + 999) / 1000;
      if (!slow) {
        /* first fold's load and last fold's write-back are not hidden;
         * with a free memory (1e6 GB/s rounds to 0 ps a burst) they cost
         * at most a clock edge each */
        if (cyc < ideal[l] || cyc > ideal[l] + 2)
          fail_msg("layer %d: %llu cycles with a fast memory, ideal %llu", l,
                   (unsigned long long)cyc, (unsigned long long)ideal[l]);
      } else {
        assert_true(cyc > ideal[l]);
      }
    }
    if (slow) assert_true(stat_of(s, "sa", "stall_cycles") > 0);
    ax_sim_free(s);
  }
}

/* Energy per action is charged per op, from the closed-form counts. */
static void test_energy_actions(void **st)
{
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/g2.csv", "Layer Name, M, N, K,\nG, 8, 8, 4,\n");
  ax_sim *s = load_run(
      "host = { model = \"host\"; trace = \"g2.csv\"; format = \"scalesim-gemm\"; map = \"*:sa\"; };\n"
      "sa = { model = \"systolic\"; rows = 4; cols = 4; dataflow = \"os\"; ifmap_sram_kb = 32;\n"
      "       filter_sram_kb = 8; ofmap_sram_kb = 8; leakage_mw = 2.0; };\n"
      "links = ( { from = \"host.unit0\"; to = \"sa.ctl\"; } );\n");
  assert_int_equal(ax_sim_run(s), AX_OK);
  /* 256 MACs x 0.23 pJ; os 2x2 folds of 4+4+4-2 = 10 cycles -> 39 cycles
   * leak 2 mW x 1000 ps = 2 pJ per cycle; ifmap SRAM reads = M*K per
   * column fold = 64 B at 1.25*sqrt(32/8) = 2.5 pJ/B; filter K*N per row
   * fold = 64 B at 1.25 pJ/B (8 KiB); ofmap M*N + 4 folds x (4+4) = 96 B
   * at 1.25 pJ/B. DRAM (ideal memory, charged here at 120 pJ/B): both
   * 32 B operand matrices fit and are read once: 64 B; outputs 64 B. */
  struct { const char *action; uint64_t count; double pj; } want[] = {
    {"mac", 256, 0.23}, {"leakage", 39, 2.0}, {"ifmap_sram_read", 64, 2.5},
    {"filter_sram_read", 64, 1.25}, {"ofmap_sram_write", 96, 1.25}, {"dram_byte", 128, 120.0},
  };
  for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
    int found = 0;
    for (size_t i = 0; i < s->nenergy; i++) {
      ax_energy_row *e = &s->energy[i];
      if (strcmp(e->action, want[w].action)) continue;
      found = 1;
      assert_int_equal(e->count, want[w].count);
      assert_true(fabs(e->pj - want[w].pj * (double)want[w].count) < 1e-9);
    }
    if (!found) fail_msg("no energy row '%s'", want[w].action);
  }
  ax_sim_free(s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_ideal_memory_matches_scalesim),
    cmocka_unit_test(test_memory_one_fold_by_hand),
    cmocka_unit_test(test_memory_alexnet),
    cmocka_unit_test(test_energy_actions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
