/*
 * test_noc.c - bus, crossbar and 2D mesh: packet latency by hand, address
 * routing, contention (a shared bus serialises what a crossbar runs side by
 * side; two flows on one mesh link load it twice and take about twice as
 * long), tags restored on the way back.
 *
 * Requesters are NPUs running one `move` op (read B bytes, then write B
 * bytes, bursts of 64 B) against memories that answer at once (latency 0,
 * 1e6 GB/s: a 64 B transfer rounds to 0 ps), links without latency, 1 GHz.
 * Packets: 1 header flit + ceil(payload / 32) flits, 1 flit per ns.
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

#define DIR AX_BIN_DIR "/tests_tmp_noc"

static double stat_of(ax_sim *s, const char *comp, const char *name)
{
  ax_component *c = ax_sim_find(s, comp);
  for (size_t i = 0; i < s->nstats; i++)
    if (s->comps[s->stats[i].comp] == c && !strcmp(s->stats[i].name, name)) return s->stats[i].v;
  fail_msg("no stat %s.%s", comp, name);
  return 0;
}

#define MEM(n) n " = { model = \"memory\"; latency_ns = 0.0; bandwidth_gbps = 1000000.0; };\n"
#define NPU(n, extra) n " = { model = \"npu\"; outstanding = 256; " extra " };\n"
#define DEEP "depth = 256;"

/* One NPU, one memory, bus with latency 2, a 64 B move:
 *  read request, 1 flit: bus [0,1), delivered 0 + 2 + 1 = 3
 *  read response, 64 B = 1 + 2 flits: bus [3,6), delivered 3 + 2 + 3 = 8
 *  (no compute) write request, 3 flits: [8,11), delivered 13
 *  write response, 1 flit: [13,14), delivered 16 -> DONE at 16 ns. */
static void test_bus_one_transfer(void **st)
{
  (void)st;
  write_file(DIR "/m.axt", "axtrace 1\nmove name=mv bytes=64\n");
  ax_sim *s = axt_run(DIR "/sys.cfg", "host = { model = \"host\"; trace = \"m.axt\"; map = \"*:a\"; };\n" NPU("a", "")
                  "bus = { model = \"bus\"; latency_cycles = 2; };\n" MEM("m0")
                  "links = ( { from = \"host.unit0\"; to = \"a.ctl\"; },\n"
                  "  { from = \"a.mem\"; to = \"bus.in0\"; },\n"
                  "  { from = \"bus.out0\"; to = \"m0.in0\"; } );\n");
  assert_int_equal(s->layers[0].end, 16000);
  assert_int_equal(stat_of(s, "bus", "busy_ps_max"), 8000); /* 1 + 3 + 3 + 1 flits */
  assert_int_equal(stat_of(s, "bus", "payload_bytes"), 128);
  ax_sim_free(s);
}

#define TWO_NPUS(topo)                                                                        \
  "host = { model = \"host\"; trace = \"m.axt\"; trace2 = \"m2.axt\"; map = \"@mv:a\"; };\n" \
  NPU("a", "tiers = \"lo@0x0\";") NPU("b", "tiers = \"hi@0x10000000\";")                      \
  "ic = { model = \"" topo "\"; latency_cycles = 2; routes = \"0x0:out0,0x10000000:out1\"; };\n" \
  MEM("m0") MEM("m1")                                                                         \
  "links = ( { from = \"host.unit0\"; to = \"a.ctl\"; }, { from = \"host.unit1\"; to = \"b.ctl\"; },\n" \
  "  { from = \"a.mem\"; to = \"ic.in0\"; }, { from = \"b.mem\"; to = \"ic.in1\"; },\n"      \
  "  { from = \"ic.out0\"; to = \"m0.in0\"; }, { from = \"ic.out1\"; to = \"m1.in0\"; } );\n"

/* Two NPUs, each a 64 B move to its own memory (routed by address: a's
 * tier at 0, b's at 0x10000000). Crossbar: the two never meet, both done
 * at 16 ns as above. Bus: one medium:
 *  reqs: a [0,1) -> 3, b [1,2) -> 4; resps: a [3,6) -> 8, b [6,9) -> 11;
 *  writes: a [9,12) -> 14, b [12,15) -> 17; write resps: a [15,16) -> 18,
 *  b [17,18) -> 20. */
static void test_bus_vs_xbar(void **st)
{
  (void)st;
  write_file(DIR "/m.axt", "axtrace 1\nmove name=mv bytes=64\n");
  write_file(DIR "/m2.axt", "axtrace 1\nmove name=mv2 bytes=64 unit=b\n");
  ax_sim *s = axt_run(DIR "/sys.cfg", TWO_NPUS("xbar"));
  assert_int_equal(s->layers[0].end, 16000);
  assert_int_equal(s->layers[1].end, 16000);
  assert_int_equal(stat_of(s, "m0", "bytes_read"), 64);
  assert_int_equal(stat_of(s, "m1", "bytes_written"), 64);
  ax_sim_free(s);
  s = axt_run(DIR "/sys.cfg", TWO_NPUS("bus"));
  assert_int_equal(s->layers[0].end, 18000);
  assert_int_equal(s->layers[1].end, 20000);
  assert_int_equal(stat_of(s, "m1", "bytes_read"), 64);
  ax_sim_free(s);
}

#define MESH_1(extra)                                                                           \
  "host = { model = \"host\"; trace = \"m.axt\"; map = \"*:a\"; };\n" NPU("a", "")                \
  "noc = { model = \"mesh\"; cols = 4; rows = 1; hop_cycles = 2; in_nodes = [0]; out_nodes = [3]; " extra " };\n" \
  MEM("m0")                                                                                     \
  "links = ( { from = \"host.unit0\"; to = \"a.ctl\"; }, { from = \"a.mem\"; to = \"noc.in0\"; " DEEP " },\n" \
  "  { from = \"noc.out0\"; to = \"m0.in0\"; " DEEP " } );\n"

/* 4x1 mesh, NPU at router 0, memory at router 3: h = 3 hops of 2 cycles.
 * A packet alone: h x 2 + flits. 64 B move:
 *  read req 1 flit: 3 x 2 + 1 = 7; read resp 3 flits: 6 + 3 = 9 -> 16;
 *  write req 3 flits: 9 -> 25; write resp 1 flit: 7 -> 32 ns. */
static void test_mesh_latency_by_hand(void **st)
{
  (void)st;
  write_file(DIR "/m.axt", "axtrace 1\nmove name=mv bytes=64\n");
  ax_sim *s = axt_run(DIR "/sys.cfg", MESH_1(""));
  assert_int_equal(s->layers[0].end, 32000);
  assert_int_equal(stat_of(s, "noc", "hops"), 4 * 4); /* 4 packets x (3 links + ejection) */
  ax_sim_free(s);
  /* Same with the memory on router 1 (h = 1): 3 + 5 + 5 + 3 = 16 ns. */
  s = axt_run(DIR "/sys.cfg", "host = { model = \"host\"; trace = \"m.axt\"; map = \"*:a\"; };\n" NPU("a", "")
          "noc = { model = \"mesh\"; cols = 2; rows = 2; hop_cycles = 2; in_nodes = [0]; out_nodes = [1]; };\n" MEM("m0")
          "links = ( { from = \"host.unit0\"; to = \"a.ctl\"; }, { from = \"a.mem\"; to = \"noc.in0\"; },\n"
          "  { from = \"noc.out0\"; to = \"m0.in0\"; } );\n");
  assert_int_equal(s->layers[0].end, 16000);
  ax_sim_free(s);
  /* XY routing on a 2x2 mesh from router 0 (0,0) to router 3 (1,1): 2 hops:
   * 5 + 7 + 7 + 5 = 24 ns. */
  s = axt_run(DIR "/sys.cfg", "host = { model = \"host\"; trace = \"m.axt\"; map = \"*:a\"; };\n" NPU("a", "")
          "noc = { model = \"mesh\"; cols = 2; rows = 2; hop_cycles = 2; in_nodes = [0]; out_nodes = [3]; };\n" MEM("m0")
          "links = ( { from = \"host.unit0\"; to = \"a.ctl\"; }, { from = \"a.mem\"; to = \"noc.in0\"; },\n"
          "  { from = \"noc.out0\"; to = \"m0.in0\"; } );\n");
  assert_int_equal(s->layers[0].end, 24000);
  ax_sim_free(s);
}

/* Pipelined stream of N = 64 reads on the 4x1 mesh, alone: request i is
 * delivered at i + 7, its response (3 flits) leaves router 3 at
 * max(i + 7, 7 + 3i) = 7 + 3i and is delivered at 16 + 3i: the last read
 * at 13 + 3N = 205 ns; the writes mirror it: DONE at 410 ns. Every link
 * on the path carries N x (1 + 3) flits = 256 ns of traffic each way.
 *
 * Contention, with 4-byte flits so the links, not the hop latency, bound
 * a flow (a 64 B payload is 1 + 16 = 17 flits): alone, response i leaves
 * router 3 at 7 + 17i and arrives at 30 + 17i, the last read at
 * 30 + 17 x 63 = 1101; write i arrives at 1124 + 17i, its response at
 * 1131 + 17i: DONE at 2202 ns; each link carries 64 x 18 = 1152 ns.
 * A second flow from router 1 shares links 1->2->3 and back: they carry
 * 2304 ns, and the pair takes twice as long, within the few hop latencies
 * at the phase edges. */
static void test_mesh_contention(void **st)
{
  (void)st;
  write_file(DIR "/m.axt", "axtrace 1\nmove name=mv bytes=4096\n");
  ax_sim *s = axt_run(DIR "/sys.cfg", MESH_1(""));
  assert_int_equal(s->layers[0].end, 410000);
  assert_int_equal(stat_of(s, "noc", "busy_ps_max"), 256000);
  ax_sim_free(s);
  s = axt_run(DIR "/sys.cfg", MESH_1("width_bytes = 4;"));
  ax_time_t alone = s->layers[0].end;
  assert_int_equal(alone, 2202000);
  assert_int_equal(stat_of(s, "noc", "busy_ps_max"), 1152000);
  ax_sim_free(s);
  write_file(DIR "/m2.axt", "axtrace 1\nmove name=mv2 bytes=4096 unit=b\n");
  s = axt_run(DIR "/sys.cfg", "host = { model = \"host\"; trace = \"m.axt\"; trace2 = \"m2.axt\"; map = \"@mv:a\"; };\n"
          NPU("a", "") NPU("b", "")
          "noc = { model = \"mesh\"; width_bytes = 4; cols = 4; rows = 1; hop_cycles = 2; in_nodes = [0, 1]; out_nodes = [3]; };\n" MEM("m0")
          "links = ( { from = \"host.unit0\"; to = \"a.ctl\"; }, { from = \"host.unit1\"; to = \"b.ctl\"; },\n"
          "  { from = \"a.mem\"; to = \"noc.in0\"; " DEEP " }, { from = \"b.mem\"; to = \"noc.in1\"; " DEEP " },\n"
          "  { from = \"noc.out0\"; to = \"m0.in0\"; " DEEP " } );\n");
  assert_int_equal(stat_of(s, "noc", "busy_ps_max"), 2304000);
  double ratio = (double)s->q.now / (double)alone;
  if (ratio < 1.95 || ratio > 2.02) fail_msg("two flows took %.4f x one flow's time", ratio);
  ax_sim_free(s);
}

/* Bad settings: named, with what was expected. */
static void test_noc_errors(void **st)
{
  (void)st;
  write_file(DIR "/m.axt", "axtrace 1\nmove name=mv bytes=64\n");
  static const struct { const char *noc, *msg; } bad[] = {
      {"model = \"mesh\"; in_nodes = [0]; out_nodes = [16];", "out_nodes[0] = 16: routers are 0..15 (cols x rows = 4 x 4)"},
      {"model = \"mesh\"; in_nodes = [];", "in_nodes: 1 port(s) need a router each, the list has 0"},
      {"model = \"bus\"; routes = \"0x0:out5\";", "routes: 'out5' is not a linked output port (out0..out0)"},
      {"model = \"xbar\"; routes = \"zero:out0\";", "routes: base 'zero' is not a number"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char cfg[2048], err[AX_ERR_MAX];
    snprintf(cfg, sizeof cfg,
             "host = { model = \"host\"; trace = \"m.axt\"; map = \"*:a\"; };\n" NPU("a", "")
             "noc = { %s };\n" MEM("m0")
             "links = ( { from = \"host.unit0\"; to = \"a.ctl\"; }, { from = \"a.mem\"; to = \"noc.in0\"; },\n"
             "  { from = \"noc.out0\"; to = \"m0.in0\"; } );\n",
             bad[i].noc);
    ax_sim *s = axt_load(DIR "/sys.cfg", cfg, err);
    assert_null(s);
    if (!strstr(err, bad[i].msg) || !strstr(err, "sys.cfg:3")) fail_msg("case %zu: got '%s'", i, err);
  }
}

static int setup(void **st)
{
  (void)st;
  return system("mkdir -p " DIR);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bus_one_transfer),  cmocka_unit_test(test_bus_vs_xbar),
      cmocka_unit_test(test_mesh_latency_by_hand), cmocka_unit_test(test_mesh_contention),
      cmocka_unit_test(test_noc_errors),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
