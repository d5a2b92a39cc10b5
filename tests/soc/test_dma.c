/*
 * test_dma.c - the `dma` engine and the banked `sram`, timed by hand.
 *
 * DMA: a 4 KiB `move` (64 bursts of 64 B) from a source `memory` to a
 * destination `memory`; links without latency or bandwidth limit, so the
 * time is the memories' and the engine's. The `memory` model serves a
 * request of b bytes on its bus for b / bandwidth from max(arrival, bus
 * free) and answers `latency` after that.
 *  source: 100 ns, 6.4 GB/s: a 64 B burst holds the bus 10 ns, answers
 *          110 ns after it starts when the bus is idle;
 *  destination: 20 ns, 12.8 GB/s: a write holds it 5 ns, acked 25 ns later.
 *
 * SRAM: 1 GHz, answers (last word's grant cycle + latency_cycles) x 1 ns.
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

#define DIR AX_BIN_DIR "/tests_tmp_dma"

/* A run that must stop with an error containing msg. */
static void run_fails(const char *cfg, const char *msg)
{
  char err[AX_ERR_MAX];
  ax_sim *s = axt_load(DIR "/sys.cfg", cfg, err);
  if (!s) fail_msg("load failed: %s", err);
  if (ax_sim_run(s) == AX_OK) fail_msg("run succeeded, expected '%s'", msg);
  if (!strstr(s->err, msg)) fail_msg("got '%s', expected '%s'", s->err, msg);
  ax_sim_free(s);
}

static double stat_of(ax_sim *s, const char *comp, const char *name)
{
  ax_component *c = ax_sim_find(s, comp);
  for (size_t i = 0; i < s->nstats; i++)
    if (s->comps[s->stats[i].comp] == c && !strcmp(s->stats[i].name, name)) return s->stats[i].v;
  fail_msg("no stat %s.%s", comp, name);
  return 0;
}

static const char *copy_cfg(char *buf, size_t n, const char *dma_extra, const char *src_extra, const char *dst_bw)
{
  snprintf(buf, n,
           "host = { model = \"host\"; trace = \"m.axt\"; map = \"*:dma\"; };\n"
           "dma = { model = \"dma\"; %s };\n"
           "src = { model = \"memory\"; latency_ns = 100.0; bandwidth_gbps = 6.4; %s };\n"
           "dst = { model = \"memory\"; latency_ns = 20.0; bandwidth_gbps = %s; };\n"
           "links = ( { from = \"host.unit0\"; to = \"dma.ctl\"; },\n"
           "  { from = \"dma.rd\"; to = \"src.in0\"; depth = 64; },\n"
           "  { from = \"dma.wr\"; to = \"dst.in0\"; depth = 64; } );\n",
           dma_extra, src_extra, dst_bw);
  return buf;
}

static ax_time_t copy_time(const char *dma_extra, const char *src_extra, const char *dst_bw)
{
  char cfg[2048];
  ax_sim *s = axt_run(DIR "/sys.cfg", copy_cfg(cfg, sizeof cfg, dma_extra, src_extra, dst_bw));
  ax_time_t t = s->layers[0].end;
  assert_int_equal(stat_of(s, "dma", "bytes_read"), 4096);
  assert_int_equal(stat_of(s, "dma", "bytes_written"), 4096);
  assert_int_equal(stat_of(s, "src", "bytes_read"), 4096);
  assert_int_equal(stat_of(s, "dst", "bytes_written"), 4096);
  assert_int_equal(stat_of(s, "dst", "writes"), 64);
  assert_int_equal(s->layers[0].bytes[AX_LVL_DRAM], 4096); /* reads: src_level dram */
  assert_int_equal(s->layers[0].bytes[AX_LVL_SRAM], 4096); /* writes: dst_level sram */
  ax_sim_free(s);
  return t;
}

/* With k reads in flight, read i is answered at
 *   a_i = 110 + 10 (i mod k) + 110 floor(i / k)   while 10 k <= 110,
 *   a_i = 110 + 10 i                              once 10 k >= 120 (bus bound),
 * its write is sent then and acked 25 ns later (writes never queue: they
 * come >= 10 ns apart and take 5 ns); DONE at a_63 + 25:
 *   k = 1:  110 x 64 + 25                  = 7065 ns
 *   k = 2:  110 + 10 + 110 x 31 + 25       = 3555 ns
 *   k = 4:  110 + 30 + 110 x 15 + 25       = 1815 ns
 *   k = 16: 110 + 630 + 25                 =  765 ns */
static void test_dma_copy_outstanding(void **st)
{
  (void)st;
  write_file(DIR "/m.axt", "axtrace 1\nmove name=mv bytes=4096\n");
  assert_int_equal(copy_time("outstanding = 1;", "", "12.8"), 7065000);
  assert_int_equal(copy_time("outstanding = 2;", "", "12.8"), 3555000);
  assert_int_equal(copy_time("outstanding = 4;", "", "12.8"), 1815000);
  assert_int_equal(copy_time("outstanding = 16;", "", "12.8"), 765000);
}

/* Back-pressure and buffering:
 *  - k = 4 but the source memory takes only 2 requests at a time
 *    (queue = 2): it refuses the third, the link holds it, the engine's
 *    later sends wait for credits; the copy runs as k = 2: 3555 ns.
 *  - k = 16 but a one-burst buffer: a read waits until the previous
 *    burst's write has been sent, so reads go one at a time: 7065 ns.
 *  - a slow destination (1.6 GB/s: 40 ns per write), k = 16: the write
 *    bus is the bottleneck. Reads come back at 110 + 10 i; write i holds
 *    the destination bus [110 + 40 i, 150 + 40 i] (write i is sent once
 *    write i - 16 is acked at 40 i - 470, long before its bus slot; the
 *    buffer it frees lets reads stay ahead) and is acked at 170 + 40 i:
 *    DONE at 170 + 40 x 63 = 2690 ns. */
static void test_dma_backpressure(void **st)
{
  (void)st;
  write_file(DIR "/m.axt", "axtrace 1\nmove name=mv bytes=4096\n");
  assert_int_equal(copy_time("outstanding = 4;", "queue = 2;", "12.8"), 3555000);
  assert_int_equal(copy_time("outstanding = 16; buffer_bytes = 64;", "", "12.8"), 7065000);
  assert_int_equal(copy_time("outstanding = 16;", "", "1.6"), 2690000);
  /* the refusals reached the engine as AX_EAGAIN on its rd port */
  char cfg[2048];
  ax_sim *s = axt_run(DIR "/sys.cfg", copy_cfg(cfg, sizeof cfg, "outstanding = 4;", "queue = 2;", "12.8"));
  assert_true(stat_of(s, "dma", "rd_refused") == 0); /* depth 64: the link still had credits */
  ax_sim_free(s);
  s = axt_run(DIR "/sys.cfg", "host = { model = \"host\"; trace = \"m.axt\"; map = \"*:dma\"; };\n"
          "dma = { model = \"dma\"; outstanding = 4; };\n"
          "src = { model = \"memory\"; latency_ns = 100.0; bandwidth_gbps = 6.4; queue = 2; };\n"
          "dst = { model = \"memory\"; latency_ns = 20.0; bandwidth_gbps = 12.8; };\n"
          "links = ( { from = \"host.unit0\"; to = \"dma.ctl\"; },\n"
          "  { from = \"dma.rd\"; to = \"src.in0\"; depth = 1; },\n"
          "  { from = \"dma.wr\"; to = \"dst.in0\"; depth = 1; } );\n");
  /* one credit on the link: the same k = 2 timing, now with refused sends */
  assert_int_equal(s->layers[0].end, 3555000);
  assert_true(stat_of(s, "dma", "rd_refused") > 0);
  ax_sim_free(s);
}

#define SRAM_RD(sram_extra, trace_map, dma_a, dma_b)                                               \
  "host = { model = \"host\"; trace = \"m.axt\"; map = \"" trace_map "\"; };\n"                      \
  "a = { model = \"dma\"; " dma_a " };\nb = { model = \"dma\"; " dma_b " };\n"                      \
  "sp = { model = \"sram\"; " sram_extra " };\n"                                                     \
  "m0 = { model = \"memory\"; latency_ns = 0.0; bandwidth_gbps = 1000000.0; };\n"                    \
  "links = ( { from = \"host.unit0\"; to = \"a.ctl\"; }, { from = \"host.unit1\"; to = \"b.ctl\"; },\n" \
  "  { from = \"a.rd\"; to = \"sp.in0\"; depth = 64; }, { from = \"b.rd\"; to = \"sp.in1\"; depth = 64; },\n" \
  "  { from = \"a.wr\"; to = \"m0.in0\"; depth = 64; }, { from = \"b.wr\"; to = \"m0.in1\"; depth = 64; } );\n"

/* Bank conflicts. Two DMAs each read one 8 B word from the SRAM (8 banks
 * of 8 B words) at t = 0 and write it to an ideal memory (0 ns):
 *  - same word (both bank 0): granted cycles 0 and 1: DONE at 1 and 2 ns;
 *  - words 0 and 1 (banks 0 and 1): both granted in cycle 0: both at 1 ns;
 *  - words 0 and 8 (bank 0 again, one row on): 1 and 2 ns.
 * A 64 B request covers 8 words: with 8 banks one cycle (1 ns), with 4
 * banks two words in each bank (2 ns), with 1 bank eight cycles (8 ns). */
static void test_sram_bank_conflicts(void **st)
{
  (void)st;
  write_file(DIR "/m.axt", "axtrace 1\nmove name=mva bytes=8\nmove name=mvb bytes=8\n");
  static const struct { const char *place_b; ax_time_t a, b; } cases[] = {
      {"place = \"mvb:0x0:0x100\";", 1000, 2000},
      {"place = \"mvb:0x8:0x100\";", 1000, 1000},
      {"place = \"mvb:0x40:0x100\";", 1000, 2000},
  };
  for (size_t i = 0; i < 3; i++) {
    char cfg[4096];
    snprintf(cfg, sizeof cfg,
             SRAM_RD("", "@mva:a,@mvb:b", "outstanding = 1; burst_bytes = 8; place = \"mva:0x0:0x0\";", "%s"),
             cases[i].place_b);
    ax_sim *s = axt_run(DIR "/sys.cfg", cfg);
    if (s->layers[0].end != cases[i].a || s->layers[1].end != cases[i].b)
      fail_msg("case %zu: DONE at %llu and %llu ps, expected %llu and %llu", i,
               (unsigned long long)s->layers[0].end, (unsigned long long)s->layers[1].end,
               (unsigned long long)cases[i].a, (unsigned long long)cases[i].b);
    assert_int_equal(stat_of(s, "sp", "conflict_cycles"), cases[i].b == 2000 ? 1 : 0);
    assert_int_equal(stat_of(s, "sp", "read_accesses"), 2);
    ax_sim_free(s);
  }
  write_file(DIR "/m.axt", "axtrace 1\nmove name=mva bytes=64\n");
  static const struct { const char *sram; ax_time_t t; } wide[] = {
      {"banks = 8;", 1000}, {"banks = 4;", 2000}, {"banks = 1;", 8000}, {"banks = 8; latency_cycles = 3;", 3000}};
  for (size_t i = 0; i < 4; i++) {
    char cfg[4096];
    snprintf(cfg, sizeof cfg, SRAM_RD("%s", "*:a", "outstanding = 1;", ""), wide[i].sram);
    ax_sim *s = axt_run(DIR "/sys.cfg", cfg);
    if (s->layers[0].end != wide[i].t)
      fail_msg("'%s': DONE at %llu ps, expected %llu", wide[i].sram, (unsigned long long)s->layers[0].end,
               (unsigned long long)wide[i].t);
    ax_sim_free(s);
  }
}

/* A 4 KiB stream out of the SRAM, 64 B bursts, 4 in flight: each burst
 * takes all 8 banks for one cycle, so the SRAM serves 64 B per ns.
 * Bursts 0-3 arrive in cycle 0 and are granted cycles 0-3 (waits 0, 1, 2,
 * 3 cycles for each of 8 words: 48); burst i >= 4 is sent when burst
 * i - 4 is answered (cycle i - 3) and granted cycle i (waits 3 x 8 = 24):
 * burst i answered at i + 1 ns, DONE at 64 ns; conflict cycles
 * 48 + 60 x 24 = 1488; 512 read accesses at 20 pJ (256 KiB in 8 banks
 * = 32 KiB a bank: Horowitz's 32 KB figure). */
static void test_sram_stream(void **st)
{
  (void)st;
  write_file(DIR "/m.axt", "axtrace 1\nmove name=mva bytes=4096\n");
  ax_sim *s = axt_run(DIR "/sys.cfg", SRAM_RD("", "*:a", "outstanding = 4;", ""));
  assert_int_equal(s->layers[0].end, 64000);
  assert_int_equal(stat_of(s, "sp", "conflict_cycles"), 1488);
  assert_int_equal(stat_of(s, "sp", "max_conflict_wait"), 3);
  assert_int_equal(stat_of(s, "sp", "read_accesses"), 512);
  assert_true(stat_of(s, "sp", "pj_per_read") == 20.0);
  double e = 0;
  for (size_t i = 0; i < s->nenergy; i++)
    if (s->comps[s->energy[i].comp] == ax_sim_find(s, "sp")) e += s->energy[i].pj; /* the row holds count x pJ each */
  if (e < 512 * 20.0 - 1e-6 || e > 512 * 20.0 + 1e-6) fail_msg("sram energy %.3f pJ, expected 10240", e);
  ax_sim_free(s);
}

/* Writes into the SRAM and out-of-range addresses. A DMA copies 4 KiB
 * from an ideal memory into a 4 KiB SRAM at base 0x1000: fits exactly
 * (64 writes, 512 write accesses); placed at 0x1040 it runs past the end
 * and the run stops naming the request. */
static void test_sram_capacity(void **st)
{
  (void)st;
  write_file(DIR "/m.axt", "axtrace 1\nmove name=mv bytes=4096\n");
#define SRAM_WR(place)                                                                                \
  "host = { model = \"host\"; trace = \"m.axt\"; map = \"*:d\"; };\n"                                 \
  "d = { model = \"dma\"; place = \"" place "\"; };\n"                                                \
  "sp = { model = \"sram\"; capacity_kb = 4; base = \"0x1000\"; };\n"                                 \
  "m0 = { model = \"memory\"; latency_ns = 0.0; bandwidth_gbps = 1000000.0; };\n"                     \
  "links = ( { from = \"host.unit0\"; to = \"d.ctl\"; }, { from = \"d.rd\"; to = \"m0.in0\"; },\n"  \
  "  { from = \"d.wr\"; to = \"sp.in0\"; } );\n"
  ax_sim *s = axt_run(DIR "/sys.cfg", SRAM_WR("mv:0x0:0x1000"));
  assert_int_equal(stat_of(s, "sp", "bytes_written"), 4096);
  assert_int_equal(stat_of(s, "sp", "write_accesses"), 512);
  ax_sim_free(s);
  run_fails(SRAM_WR("mv:0x0:0x1040"),
            "sp: write of 64 bytes at 0x2000 from port in0 is outside the SRAM (0x1000..0x1fff, capacity_kb = 4)");
  run_fails(SRAM_WR("mv:0x0:0x0"), "write of 64 bytes at 0x0 from port in0 is outside the SRAM");
}

/* Bad settings and misuse: named, with what was expected. */
static void test_dma_errors(void **st)
{
  (void)st;
  write_file(DIR "/m.axt", "axtrace 1\nmove name=mv bytes=64\n");
  static const struct { const char *dma, *msg; } bad[] = {
      {"place = \"mv:0x0\";", "place: expected name:src:dst (e.g. \"load_w:0x200000000:0x0\"), got 'mv:0x0'"},
      {"place = \"mv:0x0:zz\";", "place: mv dst: expected an address or size (e.g. \"0x100000000\"), got 'zz'"},
      {"src_base = \"-1\";", "src_base: expected an address or size"},
      {"burst_bytes = 128; buffer_bytes = 64;", "buffer_bytes = 64: must hold at least one burst (burst_bytes = 128)"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char cfg[2048], err[AX_ERR_MAX];
    ax_sim *s = axt_load(DIR "/sys.cfg", copy_cfg(cfg, sizeof cfg, bad[i].dma, "", "12.8"), err);
    assert_null(s);
    if (!strstr(err, bad[i].msg) || !strstr(err, "sys.cfg:2")) fail_msg("case %zu: got '%s'", i, err);
  }
  char cfg[2048], err[AX_ERR_MAX];
  ax_sim *s = axt_load(DIR "/sys.cfg", "sp = { model = \"sram\"; capacity_kb = 3; banks = 8; width_bytes = 512; };\n", err);
  assert_null(s);
  if (!strstr(err, "capacity_kb = 3: not a whole number of rows of banks x width_bytes = 8 x 512 bytes"))
    fail_msg("got '%s'", err);
  /* a conv mapped to a dma */
  write_file(DIR "/m.axt", "axtrace 1\nconv2d name=c1 in_h=8 in_w=8 in_c=4 out_c=4 k_h=3 k_w=3\n");
  run_fails(copy_cfg(cfg, sizeof cfg, "", "", "12.8"), "dma: op 'c1' is a conv2d; a dma runs move ops only");
  /* a move larger than its region */
  write_file(DIR "/m.axt", "axtrace 1\nmove name=mv bytes=64\n");
  run_fails(copy_cfg(cfg, sizeof cfg, "src_size = \"32\";", "", "12.8"),
            "dma: move 'mv' of 64 bytes does not fit its region (src_size = 32, dst_size = 0)");
  /* a move with the write port unlinked */
  write_file(DIR "/m.axt", "axtrace 1\nmove name=mv bytes=64\n");
  run_fails("host = { model = \"host\"; trace = \"m.axt\"; map = \"*:dma\"; };\n"
            "dma = { model = \"dma\"; };\nsrc = { model = \"memory\"; };\n"
            "links = ( { from = \"host.unit0\"; to = \"dma.ctl\"; }, { from = \"dma.rd\"; to = \"src.in0\"; } );\n",
            "dma: move 'mv' needs both ports linked: rd to the source memory, wr to the destination (wr is not)");
}

static int setup(void **st)
{
  (void)st;
  return system("mkdir -p " DIR);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dma_copy_outstanding), cmocka_unit_test(test_dma_backpressure),
      cmocka_unit_test(test_sram_bank_conflicts),  cmocka_unit_test(test_sram_stream),
      cmocka_unit_test(test_sram_capacity),        cmocka_unit_test(test_dma_errors),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
