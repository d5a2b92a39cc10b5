/*
 * test_npu.c - the Ethos-U55-like NPU: cycle rules of small ops for each
 * MAC configuration against hand calculations from Vela's performance
 * model (npu_performance.py, architecture_features.py), the tiling's
 * off-chip traffic by hand, and whole runs (ideal memory, a -s override of
 * the MAC engine, a memory behind the DMA timed by hand).
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
#include "npu/npu_perf.h"
#include "sim.h"
#include "trace.h"

#define DIR AX_BIN_DIR "/tests_tmp_npu"

static const uint32_t MACS[4] = {32, 64, 128, 256};

static void arch(ax_npu_arch *a, uint32_t macs)
{
  char err[256];
  assert_int_equal(ax_npu_arch_init(a, macs, 8, 8, 16, 8, err, sizeof err), 0);
}

static void write_file(const char *path, const char *text);

/* One op from a one-line trace. */
static ax_op parse(const char *line)
{
  char buf[600], err[600];
  ax_op op;
  (void)!system("mkdir -p " DIR);
  snprintf(buf, sizeof buf, "axtrace 1\n%s\n", line);
  write_file(DIR "/one.axt", buf);
  ax_trace *t = ax_trace_open(DIR "/one.axt", err, sizeof err);
  if (!t) fail_msg("%s", err);
  if (ax_trace_next(t, &op, err, sizeof err) != 1) fail_msg("%s", err);
  ax_trace_close(t);
  return op;
}

static uint64_t op_cycles(uint32_t macs, const char *line)
{
  ax_npu_arch a;
  ax_npu_cost c;
  char err[256];
  arch(&a, macs);
  ax_op op = parse(line);
  if (ax_npu_op_cost(&a, &op, &c, err, sizeof err)) fail_msg("%s", err);
  return c.cycles;
}

/* conv 3x3, 32 -> 16 channels, 8x8 output, int8; OFM block 8x8x16 = the
 * whole OFM (1 block). Per configuration, micro-block (w,h,d):
 *   32: (1,1,4): 64 xy ublocks, 4 z; per kernel step max(cycles_wb = 32*4/8
 *       = 16, 4*64 = 256) = 256; x 9 steps x 4 z = 9216; IFM depth 32 = one
 *       IFM block. Output: 2.0 cycles/elem x 1024 = 2048. 9216 + 2048 = 11264.
 *   64: (1,1,8): 64 xy, 2 z: max(32, 256) x 9 x 2 = 4608; out 1.0 x 1024 = 1024 -> 5632.
 *  128: (2,1,8): 32 xy, 2 z: max(32, 128) x 9 x 2 = 2304; out 0.5 x 1024 = 512 -> 2816.
 *  256: (2,2,8): 16 xy, 2 z: max(32, 64) x 9 x 2 = 1152; out 0.25 x 1024 = 256 -> 1408.
 * Check: MACs = 64 x 16 x 9 x 32 = 294912 = 9216 x 32 = 2304 x 128. */
static void test_conv_per_config(void **st)
{
  (void)st;
  static const uint64_t want[4] = {11264, 5632, 2816, 1408};
  for (int i = 0; i < 4; i++)
    assert_int_equal(op_cycles(MACS[i], "conv2d name=c in=32x8x8 out_c=16 kernel=3 pad=1"), want[i]);
}

/* gemv 64 outputs x 256 inputs: a VectorProduct on a 1x1x64 OFM, OFM
 * block 1x1x16, 4 blocks, 8 IFM blocks of 32 channels. One micro-block in
 * xy, so weights bound: per IFM block max(cycles_wb, 4) x z ublocks:
 *   32: max(16, 4) x 4 = 64, x 8 = 512; delay none (one kernel step,
 *       z > 1); out 2.0 x 16 = 32; 512 x 4 + 32 = 2080.
 *   64: max(32, 4) x 2 = 64, x 8 = 512; out 16 x 1.0 = 16 -> 2064.
 *  128: 512; out 8 -> 2056.     256: 512; out 4 -> 2052.
 * (8 weights per cycle from the decoder: 16384 MACs in ~2048 cycles.) */
static void test_gemv_weight_bound(void **st)
{
  (void)st;
  static const uint64_t want[4] = {2080, 2064, 2056, 2052};
  for (int i = 0; i < 4; i++) assert_int_equal(op_cycles(MACS[i], "gemv name=g m=64 k=256"), want[i]);
}

/* max-pool 2x2 stride 2 of 16x8x8 -> 16x4x4, block 4x4x16:
 * per block max(4, 4 kernel elems) x xy x z ublocks; out at index 6.
 *   32: 4 x 16 x 4 = 256; out 1.0 x 256 = 256 -> equal: 256 x 1 + 256 = 512.
 *   64: 4 x 16 x 2 = 128; out 0.5 x 256 = 128 -> 256.
 *  128: 4 x 8 x 2 = 64; out 0.25 x 256 = 64 -> 128.
 *  256: 4 x 4 x 2 = 32; out 0.125 x 256 = 32 -> 64. */
static void test_maxpool_per_config(void **st)
{
  (void)st;
  static const uint64_t want[4] = {512, 256, 128, 64};
  for (int i = 0; i < 4; i++)
    assert_int_equal(op_cycles(MACS[i], "pool name=p in=16x8x8 kernel=2 stride=2 pool=max"), want[i]);
}

/* Elementwise over 1000 elements: add at output index 5 (6, 3, 1.5, 0.75
 * cycles/elem); relu at max(index 7, relu activation): 32: max(2, 1),
 * 64: max(1, 1), 128: max(0.5, 0.5), 256: max(0.25, 0.25). */
static void test_eltwise_per_config(void **st)
{
  (void)st;
  static const uint64_t add[4] = {6000, 3000, 1500, 750}, relu[4] = {2000, 1000, 500, 250};
  for (int i = 0; i < 4; i++) {
    assert_int_equal(op_cycles(MACS[i], "eltwise name=a elems=1000 fn=add"), add[i]);
    assert_int_equal(op_cycles(MACS[i], "eltwise name=r elems=1000 fn=relu"), relu[i]);
  }
}

/* depthwise 3x3 on 16x8x8, 128 MACs: 4 x 32 xy ublocks = 128 per step,
 * ceil(9/4) = 3 steps, 2 z ublocks: 768; out 0.5 x 1024 = 512 -> 1280.
 * Also the 4x1 micro-block Vela uses on 2-high engines for 1-high OFMs:
 * gemm m=8 n=16 k=32 on 256 MACs: block 1x8x16, ublock 4x1x8 -> 2 xy,
 * 2 z: max(32, 8) x 2 = 64 x 1 IFM block; out 0.25 x 128 = 32 -> 64 + 32 = 96. */
static void test_depthwise_and_wide_ublock(void **st)
{
  (void)st;
  assert_int_equal(op_cycles(128, "conv2d name=d in=16x8x8 out_c=16 kernel=3 pad=1 groups=16"), 1280);
  assert_int_equal(op_cycles(256, "gemm name=g m=8 n=16 k=32"), 96);
}

/* Bad configurations are refused with a message. */
static void test_arch_errors(void **st)
{
  (void)st;
  ax_npu_arch a;
  char err[256];
  assert_int_equal(ax_npu_arch_init(&a, 96, 8, 8, 16, 8, err, sizeof err), -1);
  assert_non_null(strstr(err, "expected 32, 64, 128 or 256"));
  assert_int_equal(ax_npu_arch_init(&a, 256, 8, 7, 16, 8, err, sizeof err), -1);
  assert_non_null(strstr(err, "multiple of the 256-MAC micro-block 2x2x8"));
}

/* Tiling of the conv above: I = 32x8x8 = 2048 B, W = 3x3x32x16 = 4608 B,
 * O = 16x8x8 = 1024 B (7680 B in all).
 *  8 KiB: all fit, each once, the OFM stays: 2048 + 4608 read, 1024 written.
 *  4 KiB: half = 2048: weights-stationary: 3 weight chunks x I + W = 10752;
 *         ifm-stationary: 1 ifm chunk: I + 1 x W = 6656 -> 6656.
 *  2 KiB: half 1024: 5 x 2048 + 4608 = 14848 vs 2048 + 2 x 4608 = 11264.
 *  1 KiB: half 512: 9 x 2048 + 4608 = 23040 vs 2048 + 4 x 4608 = 20480.
 * With the IFM left on chip by the op before: 8 KiB reads 4608 only. */
static void test_tiling_traffic(void **st)
{
  (void)st;
  ax_npu_traffic t;
  ax_npu_tile(8192, 2048, 4608, 1024, 0, &t);
  assert_int_equal(t.rd_ifm + t.rd_w, 6656);
  assert_int_equal(t.wr, 1024);
  assert_true(t.keep);
  ax_npu_tile(4096, 2048, 4608, 1024, 0, &t);
  assert_int_equal(t.rd_ifm + t.rd_w, 6656);
  assert_false(t.keep);
  ax_npu_tile(2048, 2048, 4608, 1024, 0, &t);
  assert_int_equal(t.rd_ifm + t.rd_w, 11264);
  assert_int_equal(t.i_chunks, 2);
  ax_npu_tile(1024, 2048, 4608, 1024, 0, &t);
  assert_int_equal(t.rd_ifm + t.rd_w, 20480);
  ax_npu_tile(8192, 2048, 4608, 1024, 2048, &t);
  assert_int_equal(t.rd_ifm + t.rd_w, 4608);
}

/* ---- whole runs -------------------------------------------------------------- */

static ax_sim *run(const char *cfg, char *const *ov, size_t nov)
{
  char err[AX_ERR_MAX];
  ax_sim *s;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/sys.cfg", cfg);
  if (ax_config_load(DIR "/sys.cfg", ov, nov, 0, 0, &s, err, sizeof err) != AX_OK) fail_msg("%s", err);
  if (ax_sim_init_components(s, err, sizeof err) != AX_OK) fail_msg("%s", err);
  if (ax_sim_run(s) != AX_OK) fail_msg("%s", s->err);
  ax_sim_collect_stats(s);
  return s;
}

#define HOST_NPU "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:npu\"; };\n" \
                 "npu = { model = \"npu\"; clock_mhz = 1000.0; };\n"
#define LINK_CTL "{ from = \"host.unit0\"; to = \"npu.ctl\"; }"

/* Ideal memory: the layer takes the closed form's cycles; -s changes the engine. */
static void test_run_ideal_and_override(void **st)
{
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t.axt", "axtrace 1\nconv2d name=c in=32x8x8 out_c=16 kernel=3 pad=1\n");
  const char *cfg = HOST_NPU "links = ( " LINK_CTL " );\n";
  ax_sim *s = run(cfg, NULL, 0);
  assert_int_equal(s->layers[0].end - s->layers[0].start, 2816 * 1000ull);
  assert_int_equal(s->layers[0].macs, 294912);
  /* everything fits the default 384 KiB: 2048 + 4608 read, 1024 written */
  assert_int_equal(s->layers[0].bytes[AX_LVL_DRAM], 7680);
  ax_sim_free(s);
  char *ov[] = {"npu.macs_per_cycle=256"};
  s = run(cfg, ov, 1);
  assert_int_equal(s->layers[0].end - s->layers[0].start, 1408 * 1000ull);
  ax_sim_free(s);
}

/* relu over 4096 int8 elements at 128 MACs (0.5 cycles/elem: 2048 cycles,
 * one chunk), memory 10 ns + 64 GB/s, links without latency, 64 requests
 * in flight. Reads: 64 bursts of 64 B all sent at 0; the bus takes 1 ns
 * each, burst k answered at (k+1) + 10 ns: the last at 74 ns. Compute
 * 74 .. 2122 ns. Writes: 64 bursts sent at 2122, the last answered at
 * 2122 + 64 + 10 = 2196 ns. */
static void test_run_memory_by_hand(void **st)
{
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t.axt", "axtrace 1\neltwise name=r elems=4096 fn=relu\n");
  const char *cfg =
      "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:npu\"; };\n"
      "npu = { model = \"npu\"; clock_mhz = 1000.0; outstanding = 64; };\n"
      "mem = { model = \"memory\"; latency_ns = 10.0; bandwidth_gbps = 64.0; };\n"
      "links = ( " LINK_CTL ", { from = \"npu.mem\"; to = \"mem.in0\"; depth = 64; } );\n";
  ax_sim *s = run(cfg, NULL, 0);
  assert_int_equal(s->layers[0].end, 2196000ull);
  assert_int_equal(s->layers[0].bytes[AX_LVL_DRAM], 8192);
  ax_sim_free(s);
}

/* conv then relu on one NPU: the relu's input is the conv's output, still
 * in the scratchpad, so the relu only writes (1024 B) off chip. With an
 * 4 KiB scratchpad nothing stays: the relu reads its 1024 B too, and the
 * conv is ifm-stationary (6656 B read, see test_tiling_traffic). */
static void test_run_resident_activation(void **st)
{
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t.axt",
             "axtrace 1\nconv2d name=c in=32x8x8 out_c=16 kernel=3 pad=1\neltwise name=r elems=1024 fn=relu deps=c\n");
  const char *cfg = HOST_NPU "links = ( " LINK_CTL " );\n";
  ax_sim *s = run(cfg, NULL, 0);
  assert_int_equal(s->layers[1].bytes[AX_LVL_DRAM], 1024);
  ax_sim_free(s);
  char *ov[] = {"npu.sram_kb=4"};
  s = run(cfg, ov, 1);
  assert_int_equal(s->layers[0].bytes[AX_LVL_DRAM], 6656 + 1024);
  assert_int_equal(s->layers[1].bytes[AX_LVL_DRAM], 2048);
  ax_sim_free(s);
}

/* Bad parameters: a clear message naming the setting. */
static void test_config_errors(void **st)
{
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t.axt", "axtrace 1\neltwise name=r elems=64 fn=relu\n");
  static const struct { const char *npu, *msg; } bad[] = {
      {"macs_per_cycle = 100;", "macs_per_cycle: expected 32, 64, 128 or 256"},
      {"tiers = \"hbm\";", "tiers: expected name@base"},
      {"tiers = \"a@0x0,b@0x100\"; place = \"*:c\";", "place: 'c' is not a tier (tiers: a, b)"},
      {"block_w = 3;", "multiple of the 128-MAC micro-block 2x1x8"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char cfg[1024], err[AX_ERR_MAX];
    snprintf(cfg, sizeof cfg,
             "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:npu\"; };\n"
             "npu = { model = \"npu\"; %s };\nlinks = ( " LINK_CTL " );\n",
             bad[i].npu);
    write_file(DIR "/bad.cfg", cfg);
    ax_sim *s = NULL;
    int rc = ax_config_load(DIR "/bad.cfg", NULL, 0, 0, 0, &s, err, sizeof err);
    if (rc == AX_OK) rc = ax_sim_init_components(s, err, sizeof err);
    assert_int_not_equal(rc, AX_OK);
    if (!strstr(err, bad[i].msg)) fail_msg("case %zu: got '%s'", i, err);
    assert_non_null(strstr(err, "bad.cfg:2"));
    ax_sim_free(s);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_conv_per_config),
      cmocka_unit_test(test_gemv_weight_bound),
      cmocka_unit_test(test_maxpool_per_config),
      cmocka_unit_test(test_eltwise_per_config),
      cmocka_unit_test(test_depthwise_and_wide_ublock),
      cmocka_unit_test(test_arch_errors),
      cmocka_unit_test(test_tiling_traffic),
      cmocka_unit_test(test_run_ideal_and_override),
      cmocka_unit_test(test_run_memory_by_hand),
      cmocka_unit_test(test_run_resident_activation),
      cmocka_unit_test(test_config_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
