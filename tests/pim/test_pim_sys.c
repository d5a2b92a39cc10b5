/*
 * test_pim_sys.c - the pim, roofline and place components in a whole run:
 * a GEMV's end time equals the hand-calculated PIM timing, a roofline op
 * its hand-calculated time, and the Op/B policy sends each op where its
 * intensity says.
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
#include "sim.h"

#define DIR AX_BIN_DIR "/tests_tmp_pimsys"

static const char *SYS =
    "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:place\"; };\n"
    "place = { model = \"place\"; policy = \"opb\"; threshold = 16.0; };\n"
    "pim = { model = \"pim\"; preset = \"GDDR6\"; channels = 1; refresh = false; accs = 4; };\n"
    "xpu = { model = \"roofline\"; bandwidth_gbps = 100.0; peak_gops = 1000.0; latency_ns = 10.0; };\n"
    "vec = { model = \"vector\"; lanes = 16; };\n"
    "links = ( { from = \"host.unit0\"; to = \"place.ctl\"; },\n"
    "          { from = \"place.pim\"; to = \"pim.ctl\"; },\n"
    "          { from = \"place.xpu\"; to = \"xpu.ctl\"; },\n"
    "          { from = \"place.vec\"; to = \"vec.ctl\"; } );\n";

static ax_sim *run(void) {
  char err[AX_ERR_MAX];
  ax_sim *s;
  int rc = ax_config_load(DIR "/sys.cfg", NULL, 0, 0, 0, &s, err, sizeof err);
  if (rc) fprintf(stderr, "%s\n", err);
  assert_int_equal(rc, AX_OK);
  rc = ax_sim_init_components(s, err, sizeof err);
  if (rc) fprintf(stderr, "%s\n", err);
  assert_int_equal(rc, AX_OK);
  assert_int_equal(ax_sim_run(s), AX_OK);
  ax_sim_collect_stats(s);
  return s;
}

static double stat(ax_sim *s, const char *comp, const char *name) {
  for (size_t i = 0; i < s->nstats; i++)
    if (!strcmp(s->comps[s->stats[i].comp]->name, comp) && !strcmp(s->stats[i].name, name)) return s->stats[i].v;
  fail_msg("no stat %s.%s", comp, name);
  return 0;
}

/* gemv m=16 k=1024 fp16: Op/B = 2 x 16384 / ((16384 + 1024 + 16) x 2) =
 * 0.94 < 16: PIM. On one GDDR6 channel it takes 487 tCK (test_pim_gemv.c
 * works it out) of 0.66 ns = 321,420 ps.
 * gemm 64 x 64 x 64 fp16: Op/B = 2 x 64^3 / (3 x 64^2 x 2) = 21.3: xPU.
 * Roofline: 24,576 B at 100 GB/s = 245,760 ps; 524,288 ops at 1000 per ns
 * = 524,288 ps (compute bound) + 10 ns = 534,288 ps, from 321,420 ps on.
 * eltwise of 64: no MACs: vector unit, 64 / 16 + 8 = 12 cycles = 12 ns,
 * from its next 1 GHz clock edge after 855,708 ps, i.e. 856,000 ps. */
static void test_placement_and_times(void **st) {
  (void)st;
  write_file(DIR "/t.axt", "axtrace 1\ngemv name=g m=16 k=1024 dtype=fp16\n"
                           "gemm name=mm m=64 n=64 k=64 dtype=fp16 deps=g\n"
                           "eltwise name=e elems=64 fn=relu dtype=fp16 deps=mm\n");
  write_file(DIR "/sys.cfg", SYS);
  ax_sim *s = run();
  assert_int_equal(s->layers[0].start, 0);
  assert_int_equal(s->layers[0].end, 487 * 660);
  assert_int_equal(s->layers[1].end, 487 * 660 + 534288);
  assert_int_equal(s->layers[2].end, 856000 + 12000);
  assert_int_equal((uint64_t)stat(s, "place", "ops_to_pim"), 1);
  assert_int_equal((uint64_t)stat(s, "place", "ops_to_xpu"), 1);
  assert_int_equal((uint64_t)stat(s, "place", "ops_to_vec"), 1);
  assert_int_equal((uint64_t)stat(s, "pim", "mac_ab"), 64);
  assert_int_equal((uint64_t)stat(s, "pim", "act_ab"), 1);
  assert_int_equal((uint64_t)stat(s, "pim", "macs"), 16 * 1024);
  ax_sim_free(s);
}

/* GQA attention, 8 heads over 2 KV heads of 64, decode over 32 cached
 * tokens: per KV head a score GEMV K [32 x 64] and a context GEMV V^T
 * [64 x 32], 4 query heads each. The MACs are the op's own: 8 heads x 2 x
 * 32 x 64 = 32,768. Tiles (ACT_AB): the score GEMV's 32 rows are 2 per
 * bank (16 banks): 2 tiles a vector, x 4 vectors = 8; the context GEMV's
 * 64 rows are 4 per bank: 16; two KV heads: 2 x (8 + 16) = 48. */
static void test_attention_on_pim(void **st) {
  (void)st;
  write_file(DIR "/t.axt", "axtrace 1\nattention name=a heads=8 kv_heads=2 head_dim=64 q_len=1 kv_len=32 dtype=fp16\n");
  write_file(DIR "/sys.cfg", SYS);
  ax_sim *s = run();
  assert_int_equal((uint64_t)stat(s, "place", "ops_to_pim"), 1);
  assert_int_equal((uint64_t)stat(s, "pim", "macs"), 32768);
  assert_int_equal((uint64_t)stat(s, "pim", "act_ab"), 48);
  ax_sim_free(s);
}

/* The roofline's mem path against the idealised `memory` (100 ns after a
 * request's last byte, 100 GB/s = 10 ps/B, in order). gemm 64x64x64 fp16
 * reads 24,576 B = 24 requests of 1024 B, all issued at 0 (outstanding
 * 64); request i is on the bus until (i+1) x 10,240 ps and answered 100 ns
 * later: the last at 24 x 10,240 + 100,000 = 345,760 ps. Compute (524,288
 * ops at 1e6 per ns) is 524 ps, hidden. Sampled (8,192 B = 8 requests):
 * half the sample is answered at 4 x 10,240 + 100,000 = 140,960 ps, all
 * of it at 181,920; the rest is timed at the second half's rate:
 * 140,960 + 40,960 x (24,576 - 4,096) / (8,192 - 4,096) = 345,760 ps,
 * the full run's time, as it must be for a memory in steady state. The
 * unsampled 16,384 B are charged at pj_per_byte (2): 32,768 pJ. A
 * one-request sample (1,024 B) has no second half: its 110,240 ps (one
 * transfer + latency) scale by 24 to 2,645,760 ps; 23,552 B x 2 pJ. */
static void test_roofline_mem(void **st) {
  (void)st;
  static const char *cfg =
      "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:place\"; };\n"
      "place = { model = \"place\"; policy = \"all_xpu\"; };\n"
      "xpu = { model = \"roofline\"; peak_gops = 1e6; pj_per_byte = 2.0; pj_per_op = 0.0;\n"
      "        request_bytes = 1024; outstanding = 64; sample_bytes = %d; };\n"
      "m = { model = \"memory\"; latency_ns = 100.0; bandwidth_gbps = 100.0; pj_per_byte = 0.0; };\n"
      "links = ( { from = \"host.unit0\"; to = \"place.ctl\"; },\n"
      "          { from = \"place.xpu\"; to = \"xpu.ctl\"; },\n"
      "          { from = \"xpu.mem\"; to = \"m.in0\"; } );\n";
  write_file(DIR "/t.axt", "axtrace 1\ngemm name=mm m=64 n=64 k=64 dtype=fp16\n");
  int samples[] = {0, 8192, 1024};
  uint64_t ends[] = {345760, 345760, 2645760};
  double pj[] = {0, 32768, 47104};
  for (int i = 0; i < 3; i++) {
    char buf[2048];
    snprintf(buf, sizeof buf, cfg, samples[i]);
    write_file(DIR "/sys.cfg", buf);
    ax_sim *s = run();
    assert_int_equal(s->layers[0].end, ends[i]);
    assert_int_equal((uint64_t)stat(s, "m", "bytes_read"), samples[i] ? samples[i] : 24576);
    double e = 0;
    for (size_t j = 0; j < s->nenergy; j++) e += s->energy[j].pj;
    assert_true(e > pj[i] - 0.1 && e < pj[i] + 0.1);
    ax_sim_free(s);
  }
}

static void test_bad_config(void **st) {
  (void)st;
  write_file(DIR "/t.axt", "axtrace 1\ngemv name=g m=16 k=1024\n");
  char *sys = malloc(4096);
  const char *at = strstr(SYS, "accs = 4;");
  snprintf(sys, 4096, "%.*sgb_bytes = 64;%s", (int)(at - SYS), SYS, at + strlen("accs = 4;"));
  write_file(DIR "/sys.cfg", sys);
  free(sys);
  char err[AX_ERR_MAX];
  ax_sim *s;
  assert_int_equal(ax_config_load(DIR "/sys.cfg", NULL, 0, 0, 0, &s, err, sizeof err), AX_OK);
  assert_int_equal(ax_sim_init_components(s, err, sizeof err), AX_EINVAL);
  assert_non_null(strstr(err, "gb_bytes 64: the global buffer must hold at least one DRAM row (row_bytes 2048)"));
  ax_sim_free(s);
}

int main(void) {
  (void)!system("mkdir -p " DIR);
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_placement_and_times),
                                     cmocka_unit_test(test_attention_on_pim), cmocka_unit_test(test_roofline_mem),
                                     cmocka_unit_test(test_bad_config)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
