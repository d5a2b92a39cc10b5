/*
 * Campaigns: outcome classification on a model small enough to work out by
 * hand, protection reclassification, campaign-file errors, and resume (a
 * campaign whose workers die part-way, run again, gives the same table as
 * one that never stopped, running only what was missing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "axtest.h"
#include <hdf5.h>

#include "campaign.h"

#define TD AX_BIN_DIR "/tests/faults/"

/* logits = [x0, x1] for x = [5, 3]: an identity fc layer */
static void tiny_files(const char *prot)
{
  write_file(TD "tiny.axq", "axq 1\nmodel tiny\ninput 1 1 2\n"
                            "layer fc l0 cin 2 cout 2 relu 0 mult 0 shift 0\nw 2 2\n1 0\n0 1\nb 2\n0 0\nend\n");
  write_file(TD "tiny.axd", "axd 1\nimages 1 1 1 2\n0 5 3\n");
  char cfg[1024];
  snprintf(cfg, sizeof cfg,
           "model = \"tiny.axq\"; data = \"tiny.axd\";\n"
           "array = { rows = 2; cols = 2; dataflow = \"os\"; ifmap_sram_kb = 1; filter_sram_kb = 1; "
           "ofmap_sram_kb = 1; };\ninjections = 10;\n%s\n",
           prot);
  write_file(TD "tiny.cfg", cfg);
}

static ax_fout inject(const ax_campaign *c, ax_saf_site s, uint32_t word, uint32_t mask,
                      int64_t cycle, int stuck, ax_fi_row *r)
{
  ax_campaign_sample(c, 0, r);
  r->site = s;
  r->word = word;
  r->mask = mask;
  r->nbits = (uint32_t)__builtin_popcount(mask);
  r->cycle = cycle;
  r->stuck = stuck;
  void *scr = ax_campaign_scratch(c);
  ax_campaign_inject(c, r, scr);
  ax_campaign_scratch_free(scr);
  return (ax_fout)r->outcome;
}

/* os on 2x2, M = 1, N = 2, K = 2: F = K + R + C - 2 = 4, D = F + 3 = 7.
 * A[0][k] is read in cycle k, B[k][n] in cycle k + n, Z[0][n] written in
 * cycle K + n + 1, the weight B[t][1] sits in PE(0,1)'s v register in
 * state t + 2, PE(0,0)'s accumulator is drained in cycle 3. */
static void test_classify(void **st)
{
  (void)st;
  tiny_files("");
  ax_campaign c;
  char err[512] = "";
  int rc = ax_campaign_load(TD "tiny.cfg", &c, err, sizeof err);
  if (rc) print_error("%s\n", err);
  assert_int_equal(rc, 0);
  assert_int_equal(c.total_cycles, 7);
  assert_int_equal(c.gold[0].logits[0], 5);
  assert_int_equal(c.gold[0].logits[1], 3);
  assert_int_equal(c.gold[0].top1, 0);
  ax_fi_row r;
  /* x1 = 3 -> 2 before its read: logits [5, 2], class unchanged */
  assert_int_equal(inject(&c, AX_SAF_IFMAP_SRAM, 1, 0x1, 0, 0, &r), AX_FO_SDC);
  assert_int_equal(r.top1_fault, 0);
  /* x1 = 3 -> 7: logits [5, 7], class 1 */
  assert_int_equal(inject(&c, AX_SAF_IFMAP_SRAM, 1, 0x4, 0, 0, &r), AX_FO_CRITICAL);
  assert_int_equal(r.top1_fault, 1);
  /* after its only read (cycle 1): masked */
  assert_int_equal(inject(&c, AX_SAF_IFMAP_SRAM, 1, 0x1, 2, 0, &r), AX_FO_MASKED);
  /* a word holding nothing */
  assert_int_equal(inject(&c, AX_SAF_IFMAP_SRAM, 700, 0x1, 0, 0, &r), AX_FO_MASKED);
  /* ofmap Z[0][0] sign bit after its write (cycle 3): logits[0] < 0, class 1 */
  assert_int_equal(inject(&c, AX_SAF_OFMAP_SRAM, 0, 0x80000000u, 5, 0, &r), AX_FO_CRITICAL);
  /* in the write cycle itself: overwritten */
  assert_int_equal(inject(&c, AX_SAF_OFMAP_SRAM, 0, 0x1, 3, 0, &r), AX_FO_MASKED);
  /* weight B[1][1] = 1 -> 3 in PE(0,1) in state 3: Z[0][1] += 2 * 3 -> 9 */
  assert_int_equal(inject(&c, AX_SAF_PE_WEIGHT, 1, 0x2, 3, 0, &r), AX_FO_CRITICAL);
  /* accumulator of PE(0,0) after its drain */
  assert_int_equal(inject(&c, AX_SAF_PE_ACC, 0, 0x1, 6, 0, &r), AX_FO_MASKED);
  /* B[0][0] = 1 -> 0 before its read: logits [0, 3] */
  assert_int_equal(inject(&c, AX_SAF_FILTER_SRAM, 0, 0x1, 0, 0, &r), AX_FO_CRITICAL);
  /* stuck-at-0 on B[1][1]'s bit 0: logits [5, 0], class unchanged */
  assert_int_equal(inject(&c, AX_SAF_FILTER_SRAM, 3, 0x1, 0, 1, &r), AX_FO_SDC);
  ax_campaign_free(&c);

  /* the same faults under protection */
  tiny_files("protection = { ifmap_sram = \"parity\"; filter_sram = \"secded\"; pe_weight = \"dup\"; };");
  assert_int_equal(ax_campaign_load(TD "tiny.cfg", &c, err, sizeof err), 0);
  assert_int_equal(inject(&c, AX_SAF_IFMAP_SRAM, 1, 0x1, 0, 0, &r), AX_FO_DETECTED);
  assert_int_equal(r.raw_outcome, AX_FO_SDC);
  assert_int_equal(inject(&c, AX_SAF_IFMAP_SRAM, 1, 0x3, 0, 0, &r), r.raw_outcome); /* even: unseen */
  assert_int_not_equal(r.raw_outcome, AX_FO_MASKED);
  assert_int_equal(inject(&c, AX_SAF_IFMAP_SRAM, 1, 0x1, 2, 0, &r), AX_FO_MASKED);  /* never read */
  assert_int_equal(inject(&c, AX_SAF_FILTER_SRAM, 0, 0x1, 0, 0, &r), AX_FO_CORRECTED);
  assert_int_equal(inject(&c, AX_SAF_FILTER_SRAM, 0, 0x3, 0, 0, &r), AX_FO_DETECTED);
  assert_int_equal(inject(&c, AX_SAF_PE_WEIGHT, 1, 0x2, 3, 0, &r), AX_FO_DETECTED);
  ax_campaign_free(&c);
}

static void bad_cfg(const char *text, const char *want)
{
  tiny_files("");
  write_file(TD "bad.cfg", text);
  ax_campaign c;
  char err[512] = "";
  assert_int_not_equal(ax_campaign_load(TD "bad.cfg", &c, err, sizeof err), 0);
  ax_campaign_free(&c);
  if (!strstr(err, want)) {
    print_error("got '%s'\nwant '%s'\n", err, want);
    fail();
  }
}

static void test_errors(void **st)
{
  (void)st;
  const char *m = "model = \"tiny.axq\"; data = \"tiny.axd\";\n";
  char b[1024];
  snprintf(b, sizeof b, "%sarray = { rows = 2; cols = 2; };\ninjektions = 5;\n", m);
  bad_cfg(b, "bad.cfg:3: setting 'injektions': unknown setting (did you mean 'injections'?)");
  snprintf(b, sizeof b, "%sarray = { rows = 2; cols = 2; dataflow = \"wx\"; };\n", m);
  bad_cfg(b, "bad.cfg:2: setting 'array.dataflow': 'wx' is not one of os, ws, is (did you mean 'ws'?)");
  snprintf(b, sizeof b, "%sarray = { rows = 1; };\n", m);
  bad_cfg(b, "bad.cfg:2: setting 'array.rows': 1 is out of range, expected [2, 4096]");
  snprintf(b, sizeof b, "%sarray = { rows = 2; };\nstructures = [\"pe_acc\", \"pe_accu\"];\n", m);
  bad_cfg(b, "bad.cfg:3: setting 'structures': unknown structure 'pe_accu', did you mean 'pe_acc'?");
  snprintf(b, sizeof b, "%sarray = { rows = 2; };\ninjections = 5; margin = 0.01;\n", m);
  bad_cfg(b, "bad.cfg:3: setting 'margin': give either 'injections' or 'margin'");
  snprintf(b, sizeof b, "%sarray = { rows = 2; };\nprotection = { ifmap_sram = \"dup\"; };\n", m);
  bad_cfg(b, "bad.cfg:3: setting 'protection.ifmap_sram': 'dup' applies to PE registers");
  bad_cfg("model = \"nope.axq\"; data = \"tiny.axd\"; array = { rows = 2; };\n", "nope.axq: cannot open");
  bad_cfg("model = \"tiny.axq\";\ndata = ;\n", "bad.cfg:2: syntax error");
  bad_cfg("model = \"tiny.axq\";\n", "bad.cfg: setting 'data' is required (a string)");
  snprintf(b, sizeof b, "%sarray = { rows = 2; };\nfault_model = \"flop\";\n", m);
  bad_cfg(b, "bad.cfg:3: setting 'fault_model': 'flop' is not one of flip, mbu, sa0, sa1 (did you mean 'flip'?)");
  /* the DRAM weight memory, the bf16 datapath */
  snprintf(b, sizeof b, "%sarray = { rows = 2; };\ndram = \"DDR4-3300\";\n", m);
  bad_cfg(b, "bad.cfg:3: setting 'dram': ");
  snprintf(b, sizeof b, "%sarray = { rows = 2; };\ndram = \"LPDDR4-3200\";\n", m);
  bad_cfg(b, "bad.cfg:3: setting 'dram': preset 'LPDDR4-3200' has a 16-bit bus");
  snprintf(b, sizeof b, "%sarray = { rows = 2; };\nprotection = { dram_weight = \"parity\"; };\n", m);
  bad_cfg(b, "bad.cfg:3: setting 'protection.dram_weight': dram_weight takes \"none\" or \"secded\"");
  snprintf(b, sizeof b, "%sarray = { rows = 2; datatype = \"fp8\"; };\n", m);
  bad_cfg(b, "bad.cfg:2: setting 'array.datatype': 'fp8' is not one of int8, bf16");
  snprintf(b, sizeof b, "%sarray = { rows = 2; datatype = \"bf16\"; };\n", m);
  bad_cfg(b, "bad.cfg:2: setting 'array': with array.datatype = \"bf16\" only structures = [\"dram_weight\"]");
  snprintf(b, sizeof b, "%sarray = { rows = 2; datatype = \"bf16\"; };\nstructures = [\"dram_weight\"];\n", m);
  bad_cfg(b, "setting 'array.datatype': bf16 is modelled for the transformer (.axlm), not");
  /* the NPU's MAC engine */
  snprintf(b, sizeof b, "%sarray = { rows = 2; };\nnpu = { macs_per_cycle = 100; };\n", m);
  bad_cfg(b, "bad.cfg:3: setting 'npu': macs_per_cycle: expected 32, 64, 128 or 256");
  snprintf(b, sizeof b, "%sarray = { rows = 2; };\nnpu = { macs_per_cycle = 128; block_w = 3; };\n", m);
  bad_cfg(b, "each must be a multiple of the 128-MAC micro-block 2x1x8");
  snprintf(b, sizeof b, "%sarray = { rows = 2; };\nnpu = { };\nstructures = [\"pe_acc\"];\n", m);
  bad_cfg(b, "bad.cfg:4: setting 'structures': structure 'pe_acc' is not in the NPU");
  snprintf(b, sizeof b, "%sarray = { rows = 2; };\nstructures = [\"npu_acc\"];\n", m);
  bad_cfg(b, "bad.cfg:3: setting 'structures': structure 'npu_acc' needs an 'npu' group");
  snprintf(b, sizeof b, "%sarray = { rows = 2; };\nstructures = [\"pe_acc\", \"pim_acc\"];\n", m);
  bad_cfg(b, "bad.cfg:3: setting 'structures': structure 'pim_acc' needs a 'pim' group");
  snprintf(b, sizeof b, "%snpu = { };\npim = { };\n", m);
  bad_cfg(b, "bad.cfg:3: setting 'pim': give either 'npu' or 'pim', not both");
  snprintf(b, sizeof b, "%spim = { row_bytes = 64; col_bytes = 128; };\n", m);
  bad_cfg(b, "bad.cfg:2: setting 'pim': col_bytes = 128 is larger than row_bytes = 64");
  snprintf(b, sizeof b, "%spim = { chanels = 4; };\n", m);
  bad_cfg(b, "setting 'pim.chanels': unknown setting (did you mean 'channels'?)");
}

/* Leveugle sizing in a campaign: population = bits x cycles x images */
static void test_sizing(void **st)
{
  (void)st;
  tiny_files("");
  write_file(TD "size.cfg", "model = \"tiny.axq\"; data = \"tiny.axd\";\n"
                            "array = { rows = 2; cols = 2; dataflow = \"os\"; ifmap_sram_kb = 1; "
                            "filter_sram_kb = 1; ofmap_sram_kb = 1; };\n"
                            "structures = [\"pe_acc\"]; margin = 0.05; confidence = 0.95;\n");
  ax_campaign c;
  char err[512] = "";
  assert_int_equal(ax_campaign_load(TD "size.cfg", &c, err, sizeof err), 0);
  /* N = 4 PEs x 32 bits x 7 cycles x 1 image = 896; t = 1.959964:
   * 0.0025 * 895 / (3.841459 * 0.25) = 2.329975, n = 896 / 3.329975 = 269.07 -> 270 */
  assert_int_equal(c.per_site, 270);
  ax_campaign_free(&c);
}

static int sh(const char *cmd)
{
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void *read_table(const char *file, size_t *bytes)
{
  hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  hid_t d = H5Dopen2(f, "faults/injections", H5P_DEFAULT);
  assert_true(d >= 0);
  hid_t t = H5Dget_type(d), s = H5Dget_space(d);
  hssize_t n = H5Sget_simple_extent_npoints(s);
  *bytes = (size_t)n * H5Tget_size(t);
  void *buf = malloc(*bytes);
  assert_true(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
  H5Tclose(t); H5Sclose(s); H5Dclose(d); H5Fclose(f);
  return buf;
}

static void test_resume(void **st)
{
  (void)st;
  write_file(TD "resume.cfg",
             "name = \"resume\";\nmodel = \"" AX_SRC_DIR "/workloads/digits/digits-cnn.axq\";\n"
             "data = \"" AX_SRC_DIR "/workloads/digits/digits-test.axd\";\n"
             "array = { rows = 8; cols = 8; dataflow = \"os\"; };\n"
             "injections = 600; seed = 11;\n");
  const char *ax = AX_BIN_DIR "/axsim faults " TD "resume.cfg";
  char cmd[2048];
  sh("rm -rf " TD "A.h5 " TD "A.h5.parts " TD "B.h5 " TD "B.h5.parts");
  /* workers die after 2 chunks each: exit 1, chunks kept, no results file */
  snprintf(cmd, sizeof cmd, "%s -j 2 -q --stop-after-chunks 2 -o %sA.h5 > %sA1.txt 2>&1", ax, TD, TD);
  assert_int_equal(sh(cmd), 1);
  struct stat sb;
  assert_int_not_equal(stat(TD "A.h5", &sb), 0);
  assert_int_equal(stat(TD "A.h5.parts/chunk-00000000.bin", &sb), 0);
  /* resume: only the missing 8 structures x 600 - 4 * 256 = 3776 injections run */
  snprintf(cmd, sizeof cmd, "%s -j 2 -q -o %sA.h5 > %sA2.txt 2>&1", ax, TD, TD);
  assert_int_equal(sh(cmd), 0);
  FILE *fp = fopen(TD "A2.txt", "r");
  char line[256];
  int seen = 0;
  while (fgets(line, sizeof line, fp))
    if (!strncmp(line, "injections_run=", 15)) {
      assert_string_equal(line, "injections_run=3776\n");
      seen = 1;
    }
  fclose(fp);
  assert_true(seen);
  assert_int_not_equal(stat(TD "A.h5.parts", &sb), 0); /* removed after the commit */
  /* a run that never stopped, on one worker */
  snprintf(cmd, sizeof cmd, "%s -j 1 -q -o %sB.h5 > %sB.txt 2>&1", ax, TD, TD);
  assert_int_equal(sh(cmd), 0);
  size_t na, nb;
  void *a = read_table(TD "A.h5", &na), *b = read_table(TD "B.h5", &nb);
  assert_int_equal(na, nb);
  assert_memory_equal(a, b, na);
  free(a);
  free(b);
  /* a different campaign may not reuse the chunks */
  sh("mkdir -p " TD "A.h5.parts && cp " TD "resume.cfg " TD "resume2.cfg && echo 'mbu_bits = 3;' >> " TD "resume2.cfg");
  snprintf(cmd, sizeof cmd, "%s -j 1 -q --stop-after-chunks 1 -o %sC.h5 > /dev/null 2>&1; "
           AX_BIN_DIR "/axsim faults %sresume2.cfg -q -o %sC.h5 > %sC.txt 2>&1", ax, TD, TD, TD, TD);
  assert_int_equal(sh(cmd), 2);
  sh("rm -rf " TD "C.h5.parts");
}

/* The bundled campaign files load, with the structures and units their
 * comments promise. */
static void test_bundled(void **st)
{
  (void)st;
  static const struct {
    const char *file;
    int nsites, unit, bf16;   /* unit: 0 array, 1 npu, 2 pim */
    double acc;
  } b[] = {
      {"digits-cnn-16x16.cfg", 8, 0, 0, 0.98},  {"tinylm-16x16.cfg", 8, 0, 0, 1.0},
      {"tinylm-bf16-dram.cfg", 1, 0, 1, 1.0},   {"digits-cnn-npu.cfg", 2, 1, 0, 0.98},
      {"digits-mlp-pim.cfg", 2, 2, 0, 0.986667},
  };
  for (size_t i = 0; i < sizeof b / sizeof *b; i++) {
    char path[1024], err[512] = "";
    snprintf(path, sizeof path, AX_SRC_DIR "/configs/faults/%s", b[i].file);
    ax_campaign c;
    int rc = ax_campaign_load(path, &c, err, sizeof err);
    if (rc) fail_msg("%s: %s", b[i].file, err);
    assert_int_equal(c.nsites, b[i].nsites);
    assert_int_equal(c.npu ? 1 : c.pim ? 2 : 0, b[i].unit);
    assert_int_equal(c.bf16, b[i].bf16);
    assert_true(c.clean_accuracy > b[i].acc - 1e-6 && c.clean_accuracy < b[i].acc + 1e-6);
    ax_campaign_free(&c);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_classify),
    cmocka_unit_test(test_errors),
    cmocka_unit_test(test_sizing),
    cmocka_unit_test(test_resume),
    cmocka_unit_test(test_bundled),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
