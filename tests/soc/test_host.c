/*
 * test_host.c - the host's mapping policies and concurrent traces:
 * HEFT on the 10-task example of Topcuoglu, Hariri and Wu (IEEE TPDS 2002,
 * Fig. 2 / Table 1) with ranks, order, placement and makespan worked out by
 * hand below; HEFT inside a run on two vector units against a hand
 * schedule; HEFT costed by two NPUs' own cycle rules (unit_costs =
 * model); static by op name; intensity; two traces at once.
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

#include "config.h"
#include "host/heft.h"
#include "sim.h"

#define DIR AX_BIN_DIR "/tests_tmp_host"

/* Topcuoglu et al. 2002, Fig. 2: computation costs on P1, P2, P3. */
static const double W[10][3] = {{14, 16, 9},  {13, 19, 18}, {11, 13, 19}, {13, 8, 17}, {12, 13, 10},
                                 {13, 16, 9},  {7, 15, 11},  {5, 11, 14},  {18, 12, 20}, {21, 7, 16}};
/* edges (0-based tasks) with communication costs */
static const ax_heft_edge E[] = {{0, 1, 18}, {0, 2, 12}, {0, 3, 9},  {0, 4, 11}, {0, 5, 14},
                                 {1, 7, 19}, {1, 8, 16}, {2, 6, 23}, {3, 7, 27}, {3, 8, 23},
                                 {4, 8, 13}, {5, 7, 15}, {6, 9, 17}, {7, 9, 11}, {8, 9, 13}};

/* Upward ranks (mean cost + max over successors of comm + rank):
 *  n10 = 44/3 = 14.667           n8 = 10 + 11 + 14.667 = 35.667
 *  n9  = 16.667 + 13 + 14.667 = 44.333   n7 = 11 + 17 + 14.667 = 42.667
 *  n6  = 12.667 + 15 + 35.667 = 63.333   n5 = 11.667 + 13 + 44.333 = 69
 *  n4  = 12.667 + max(27 + 35.667, 23 + 44.333) = 80
 *  n3  = 14.333 + 23 + 42.667 = 80       n2 = 16.667 + max(54.667, 60.333) = 77
 *  n1  = 13 + max(18 + 77, 12 + 80, 9 + 80, 11 + 69, 14 + 63.333) = 108
 * Order: n1 n3 n4 n2 n5 n6 n9 n7 n8 n10 (n3 before n4 on the tie).
 * Placement by earliest finish (insertion):
 *  n1 P3 [0,9]; n3 P3 [9,28] (P1 32, P2 34); n4 P2 [18,26] (P1 31, P3 45);
 *  n2 P1 [27,40] (P2 46, P3 46); n5 P3 [28,38] (P1 52, P2 39);
 *  n6 P2 [26,42] (P1 53, P3 47); n9 P2 [56,68] (P1 69, P3 76);
 *  n7 P3 [38,49] (P1 58, P2 83); n8 P1 [57,62] (P2 79, P3 73);
 *  n10 P2 [73,80] (P1 102, P3 97). Makespan 80, the paper's figure. */
static void test_heft_topcuoglu(void **st)
{
  (void)st;
  double w[30], rank[10], s[10], f[10];
  uint32_t order[10];
  int unit[10];
  for (int i = 0; i < 10; i++)
    for (int u = 0; u < 3; u++) w[i * 3 + u] = W[i][u];
  double ms = ax_heft_plan(10, 3, w, E, sizeof E / sizeof E[0], rank, order, unit, s, f);
  assert_float_equal(ms, 80.0, 1e-9);
  static const double want_rank[10] = {108, 77, 80, 80, 69, 63.3333333, 42.6666667, 35.6666667, 44.3333333, 14.6666667};
  for (int i = 0; i < 10; i++) assert_float_equal(rank[i], want_rank[i], 1e-6);
  static const uint32_t want_order[10] = {0, 2, 3, 1, 4, 5, 8, 6, 7, 9};
  static const int want_unit[10] = {2, 0, 2, 1, 2, 1, 2, 0, 1, 1};
  static const double want_s[10] = {0, 27, 9, 18, 28, 26, 38, 57, 56, 73};
  for (int i = 0; i < 10; i++) {
    assert_int_equal(order[i], want_order[i]);
    assert_int_equal(unit[i], want_unit[i]);
    assert_float_equal(s[i], want_s[i], 1e-9);
    assert_float_equal(f[i], want_s[i] + W[i][unit[i]], 1e-9);
  }
  /* a task no unit can run */
  w[4 * 3 + 0] = w[4 * 3 + 1] = w[4 * 3 + 2] = -1;
  assert_true(ax_heft_plan(10, 3, w, E, sizeof E / sizeof E[0], rank, order, unit, s, f) < 0);
}

/* ---- runs ------------------------------------------------------------------------ */

static double stat_of(ax_sim *s, const char *comp, const char *name)
{
  ax_component *c = ax_sim_find(s, comp);
  for (size_t i = 0; i < s->nstats; i++)
    if (s->comps[s->stats[i].comp] == c && !strcmp(s->stats[i].name, name)) return s->stats[i].v;
  fail_msg("no stat %s.%s", comp, name);
  return 0;
}

static const ax_layer *layer(ax_sim *s, const char *name)
{
  for (size_t i = 0; i < s->nlayers; i++)
    if (s->layers[i].done && !strcmp(s->layers[i].name, name)) return &s->layers[i];
  fail_msg("no layer %s", name);
  return NULL;
}

#define UNITS                                                                           \
  "vA = { model = \"vector\"; lanes = 16; latency_cycles = 0; };\n"                     \
  "vB = { model = \"vector\"; lanes = 8; latency_cycles = 0; };\n"                      \
  "links = ( { from = \"host.unit0\"; to = \"vA.ctl\"; }, { from = \"host.unit1\"; to = \"vB.ctl\"; } );\n"

#define DAG                                                   \
  "axtrace 1\n"                                               \
  "eltwise name=a elems=1600 fn=relu\n"                       \
  "eltwise name=b elems=800 fn=relu deps=a\n"                 \
  "eltwise name=c elems=1600 fn=relu deps=a\n"                \
  "eltwise name=d elems=320 fn=relu deps=a\n"                 \
  "eltwise name=e elems=480 fn=relu deps=b,c,d\n"

/* Costs (ns, 1 GHz): vA 16 lanes, vB 8 lanes: a 100/200, b 50/100,
 * c 100/200, d 20/40, e 30/60. Means 150, 75, 150, 30, 45; ranks e 45,
 * b 120, c 195, d 75, a 345: order a c b d e.
 *  a vA [0,100]; c vA [100,200] (vB 300); b vB [100,200] (vA 250);
 *  d vA [200,220] (vB 240); e vA [220,250] (vB 280). Makespan 250 ns.
 * The vector units take exactly these times, so the run follows the plan. */
static void test_heft_run(void **st)
{
  (void)st;
  write_file(DIR "/dag.axt", DAG);
  ax_sim *s = axt_run(DIR "/sys.cfg", "host = { model = \"host\"; trace = \"dag.axt\"; policy = \"heft\"; rates = \"vA:0:16,vB:0:8\"; };\n" UNITS);
  static const struct { const char *n, *u; uint64_t s, e; } want[] = {
      {"a", "vA", 0, 100}, {"b", "vB", 100, 200}, {"c", "vA", 100, 200}, {"d", "vA", 200, 220}, {"e", "vA", 220, 250}};
  for (size_t i = 0; i < 5; i++) {
    const ax_layer *l = layer(s, want[i].n);
    assert_string_equal(l->unit, want[i].u);
    assert_int_equal(l->start, want[i].s * 1000);
    assert_int_equal(l->end, want[i].e * 1000);
  }
  assert_float_equal(stat_of(s, "host", "heft_makespan_ps"), 250000.0, 1e-6);
  assert_int_equal(s->q.now, 250000);
  /* busy 100 + 100 + 20 + 30 = 250 of 250 ns on vA, 100 on vB */
  assert_float_equal(stat_of(s, "host", "util.vA"), 1.0, 1e-12);
  assert_float_equal(stat_of(s, "host", "util.vB"), 0.4, 1e-12);
  ax_sim_free(s);
}

/* Static by op name: b to vB, the rest to vA: a 100, then b (vB 100) and
 * c, d, e on vA: c [100,200], d [200,220], e after b and d: [220,250]. */
/* unit_costs = model: HEFT costs NPUs by the NPU's own cycle rules read
 * from their parameters, no `rates`. Two NPUs at 1 GHz, memory unlinked:
 * nA 256 MACs (relu 0.25 cycles/elem), nB 128 MACs (0.5 cycles/elem;
 * Vela's rates, checked by hand in tests/npu). The DAG above with 2.5x the
 * elements: a 4000, b 2000, c 4000, d 800, e 1200 elements cost
 * nA 1000 / 500 / 1000 / 200 / 300 ns and twice that on nB: the vector
 * schedule above times ten: a nA [0,1000]; c nA [1000,2000]; b nB
 * [1000,2000]; d nA [2000,2200]; e nA [2200,2500]; makespan 2500 ns,
 * which the run then takes exactly (the NPUs' compute is the cost). */
static void test_heft_npu_costs(void **st)
{
  (void)st;
  write_file(DIR "/dagn.axt", "axtrace 1\n"
                              "eltwise name=a elems=4000 fn=relu\n"
                              "eltwise name=b elems=2000 fn=relu deps=a\n"
                              "eltwise name=c elems=4000 fn=relu deps=a\n"
                              "eltwise name=d elems=800 fn=relu deps=a\n"
                              "eltwise name=e elems=1200 fn=relu deps=b,c,d\n");
  ax_sim *s = axt_run(DIR "/sys.cfg", "host = { model = \"host\"; trace = \"dagn.axt\"; policy = \"heft\"; unit_costs = \"model\"; };\n"
                  "nA = { model = \"npu\"; macs_per_cycle = 256; };\n"
                  "nB = { model = \"npu\"; macs_per_cycle = 128; };\n"
                  "links = ( { from = \"host.unit0\"; to = \"nA.ctl\"; }, { from = \"host.unit1\"; to = \"nB.ctl\"; } );\n");
  static const struct { const char *n, *u; uint64_t s, e; } want[] = {
      {"a", "nA", 0, 1000}, {"b", "nB", 1000, 2000}, {"c", "nA", 1000, 2000}, {"d", "nA", 2000, 2200}, {"e", "nA", 2200, 2500}};
  for (size_t i = 0; i < 5; i++) {
    const ax_layer *l = layer(s, want[i].n);
    assert_string_equal(l->unit, want[i].u);
    assert_int_equal(l->start, want[i].s * 1000);
    assert_int_equal(l->end, want[i].e * 1000);
  }
  assert_float_equal(stat_of(s, "host", "heft_makespan_ps"), 2500000.0, 1e-6);
  assert_int_equal(s->q.now, 2500000);
  ax_sim_free(s);
  /* a unit that is not an NPU still needs its rates */
  char err[AX_ERR_MAX];
  ax_sim *bad = NULL;
  write_file(DIR "/sys.cfg", "host = { model = \"host\"; trace = \"dagn.axt\"; policy = \"heft\"; unit_costs = \"model\"; };\n" UNITS);
  assert_int_equal(ax_config_load(DIR "/sys.cfg", NULL, 0, 0, 0, &bad, err, sizeof err) == AX_OK &&
                       ax_sim_init_components(bad, err, sizeof err) == AX_OK,
                   0);
  if (!strstr(err, "rates: policy heft needs each unit's rates")) fail_msg("got '%s'", err);
  ax_sim_free(bad);
}

static void test_static_by_name(void **st)
{
  (void)st;
  write_file(DIR "/dag.axt", DAG);
  ax_sim *s = axt_run(DIR "/sys.cfg", "host = { model = \"host\"; trace = \"dag.axt\"; map = \"@b:vB,*:vA\"; };\n" UNITS);
  assert_string_equal(layer(s, "b")->unit, "vB");
  assert_string_equal(layer(s, "c")->unit, "vA");
  assert_int_equal(layer(s, "e")->end, 250000);
  ax_sim_free(s);
}

/* Two traces at once on vA alone: 1600 then 800 elements at 16 lanes,
 * 100 + 50 ns; ids interleave (trace 0 even, trace 1 odd), names get the
 * file's name. Under HEFT the second goes to vB (100 < 150): makespan 100. */
static void test_two_traces(void **st)
{
  (void)st;
  write_file(DIR "/x.axt", "axtrace 1\neltwise name=a elems=1600 fn=relu\n");
  write_file(DIR "/y.axt", "axtrace 1\neltwise name=a elems=800 fn=relu\n");
  ax_sim *s = axt_run(DIR "/sys.cfg", "host = { model = \"host\"; trace = \"x.axt\"; trace2 = \"y.axt\"; map = \"*:vA\"; };\n" UNITS);
  assert_int_equal(s->layers[0].id, 0);
  assert_string_equal(s->layers[0].name, "x/a");
  assert_string_equal(s->layers[1].name, "y/a");
  assert_int_equal(s->q.now, 150000);
  ax_sim_free(s);
  s = axt_run(DIR "/sys.cfg", "host = { model = \"host\"; trace = \"x.axt\"; trace2 = \"y.axt\"; policy = \"heft\"; "
          "rates = \"vA:0:16,vB:0:8\"; };\n" UNITS);
  assert_string_equal(layer(s, "y/a")->unit, "vB");
  assert_int_equal(s->q.now, 100000);
  ax_sim_free(s);
}

/* Intensity: gemm 1x256x256 has 65536 MACs over 256 + 65536 + 256 bytes
 * (0.99 MAC/B) -> low unit; gemm 64x64x64 has 262144 MACs over 3 x 4096 B
 * (21.3 MAC/B) -> high unit, at the default threshold 8. */
static void test_intensity(void **st)
{
  (void)st;
  write_file(DIR "/g.axt", "axtrace 1\ngemm name=thin m=1 n=256 k=256\ngemm name=fat m=64 n=64 k=64\n");
  ax_sim *s = axt_run(DIR "/sys.cfg", "host = { model = \"host\"; trace = \"g.axt\"; policy = \"intensity\"; intensity_units = \"sa:npu\"; };\n"
                  "sa = { model = \"systolic\"; };\nnpu = { model = \"npu\"; };\n"
                  "links = ( { from = \"host.unit0\"; to = \"sa.ctl\"; }, { from = \"host.unit1\"; to = \"npu.ctl\"; } );\n");
  assert_string_equal(layer(s, "thin")->unit, "npu");
  assert_string_equal(layer(s, "fat")->unit, "sa");
  ax_sim_free(s);
}

/* Bad policy settings: messages that name the setting. */
static void test_policy_errors(void **st)
{
  (void)st;
  write_file(DIR "/dag.axt", DAG);
  static const struct { const char *host, *msg; } bad[] = {
      {"policy = \"heft\";", "rates: policy heft needs each unit's rates"},
      {"policy = \"heft\"; rates = \"vA:16\";", "rates: expected unit:macs_per_cycle:elems_per_cycle"},
      {"policy = \"heft\"; rates = \"vC:0:16\";", "rates: 'vC' is not a unit linked to this host"},
      {"policy = \"intensity\"; map = \"*:vA\";", "intensity_units: policy intensity needs \"high_unit:low_unit\""},
      {"map = \"@b:vZ\";", "map: 'vZ' is not a unit linked to this host"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char cfg[2048], err[AX_ERR_MAX];
    snprintf(cfg, sizeof cfg, "host = { model = \"host\"; trace = \"dag.axt\"; %s };\n" UNITS, bad[i].host);
    write_file(DIR "/bad.cfg", cfg);
    ax_sim *s = NULL;
    int rc = ax_config_load(DIR "/bad.cfg", NULL, 0, 0, 0, &s, err, sizeof err);
    if (rc == AX_OK) rc = ax_sim_init_components(s, err, sizeof err);
    assert_int_not_equal(rc, AX_OK);
    if (!strstr(err, bad[i].msg) || !strstr(err, "bad.cfg:1")) fail_msg("case %zu: got '%s'", i, err);
    ax_sim_free(s);
  }
  /* heft where no unit can run an op: the run stops with a message */
  write_file(DIR "/g.axt", "axtrace 1\ngemm name=g m=4 n=4 k=4\n");
  write_file(DIR "/bad.cfg", "host = { model = \"host\"; trace = \"g.axt\"; policy = \"heft\"; rates = \"vA:0:16\"; };\n" UNITS);
  ax_sim *s;
  char err[AX_ERR_MAX];
  assert_int_equal(ax_config_load(DIR "/bad.cfg", NULL, 0, 0, 0, &s, err, sizeof err), AX_OK);
  assert_int_equal(ax_sim_init_components(s, err, sizeof err), AX_OK);
  assert_int_not_equal(ax_sim_run(s), AX_OK);
  assert_non_null(strstr(s->err, "op 'g' (gemm): no unit can run it"));
  ax_sim_free(s);
}

static int setup(void **st)
{
  (void)st;
  return system("mkdir -p " DIR);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_heft_topcuoglu), cmocka_unit_test(test_heft_run),
      cmocka_unit_test(test_heft_npu_costs),
      cmocka_unit_test(test_static_by_name), cmocka_unit_test(test_two_traces),
      cmocka_unit_test(test_intensity),      cmocka_unit_test(test_policy_errors),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
