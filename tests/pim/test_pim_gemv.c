/*
 * test_pim_gemv.c - bank-level PIM GEMV timing: hand-calculated cycles on
 * tiny configs, the fast path equal to the command-by-command walk, and
 * the PIM command stream (bank 0's view, and every bank's row commands)
 * clean under the DRAM model's independent timing checker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dram_checker.h"
#include "pim/pim_gemv.h"

#define DIR AX_BIN_DIR "/tests_tmp_pim"

static ax_dram_cfg gddr6(void) {
  ax_dram_cfg c;
  char err[512];
  assert_int_equal(ax_dram_preset(&c, "GDDR6", err, sizeof err), AX_OK);
  assert_int_equal(ax_dram_cfg_finish(&c, err, sizeof err), AX_OK);
  return c;
}

/* AiM-like channel: 16 banks in 4 groups, 2 KB rows, 32 B per MAC_AB per
 * bank (Lee et al., ISSCC 2022), 32 B bus bursts, 2 KB global buffer. */
static ax_pim_geom aim(int channels) {
  return (ax_pim_geom){.channels = channels, .banks = 16, .bankgroups = 4, .row_bytes = 2048, .col_bytes = 32,
                       .burst_bytes = 32, .gb_bytes = 2048, .accs = 4, .stagger = 0, .refresh = 0};
}

/* The GDDR6-AiM timing with a MAC pipeline (tMACRD) of 4 cycles. */
static ax_pim_timing aim_timing(const ax_dram_cfg *c) {
  ax_pim_timing t;
  char err[256];
  if (ax_pim_timing_from_dram(&t, c, 4, err, sizeof err) != AX_OK) fail_msg("%s", err);
  return t;
}

/* GDDR6 preset in cycles: tRCDRD 24, tRAS 54, tRP 24, tRC = 54 + 24,
 * tRRD_L 9, tFAW 32, tRTP 3, tCCD_S 3, tCCD_L 4, tPPD 2, tRFC 126, CWL 16,
 * CL 24, tWTR_S 7, tRTRS 1, BL16 = 1 cycle a burst (models/dram presets);
 * the spacings the PIM standard's table (GDDR6-AiM) gives for them: */
static void test_timing_numbers(void **st) {
  (void)st;
  ax_dram_cfg c = gddr6();
  ax_pim_timing t = aim_timing(&c);
  assert_int_equal(t.act_mac, 24);   /* tRCDRD */
  assert_int_equal(t.act_pre, 54);   /* tRAS */
  assert_int_equal(t.pre_act, 24);   /* tRP */
  assert_int_equal(t.act_act, 78);   /* tRC */
  assert_int_equal(t.ab_ab, 9);      /* tRRD_L */
  assert_int_equal(t.rrd_s, 9);
  assert_int_equal(t.rrd_l, 9);
  assert_int_equal(t.faw, 32);
  assert_int_equal(t.mac_pre, 3);    /* AL 0 + tRTP */
  assert_int_equal(t.mac_mac, 4);    /* tCCD_L */
  assert_int_equal(t.ppd, 2);
  assert_int_equal(t.pre_ref, 24);
  assert_int_equal(t.ref_act, 126);
  assert_int_equal(t.gb_gb, 3);      /* max(tCCD_S, burst) */
  assert_int_equal(t.res_res, 3);
  assert_int_equal(t.gb_mac, 17);    /* WL 16 + burst 1 */
  assert_int_equal(t.res_gb, 10);    /* RL 24 + 1 - WL 16 + tRTRS 1 */
  assert_int_equal(t.gb_res, 24);    /* WL 16 + 1 + tWTR_S 7 */
  assert_int_equal(t.mac_res, 4);    /* tMACRD */
  assert_int_equal(t.rd_data, 25);   /* RL 24 + burst 1 */
  char err[256];
  c.std = &ax_dram_std_gddr6_aim; /* a PIM standard maps to itself */
  assert_int_equal(ax_pim_timing_from_dram(&t, &c, 4, err, sizeof err), AX_OK);
  assert_int_equal(t.act_mac, 24);
}

/* m = 16, k = 1024 fp16 on one channel: one output row per bank, one DRAM
 * row (2048 B = 64 columns of 32 B).
 *   GB: 2048 B = 64 WRGB bursts every max(tCCD_S, BURST) = 3 cycles: the
 *       last at 189, data in at 189 + WL 16 + BURST 1 = 206.
 *   ACT_AB at 0; MAC_AB at max(0 + tRCD 24, 206) = 206, then every
 *       tCCD_L 4: the 64th at 206 + 63 x 4 = 458.
 *   PRE_AB at max(458 + tRTP 3, 0 + tRAS 54) = 461.
 *   RDRES: 16 results x 2 B = one 32 B burst at 458 + mac_latency 4 = 462,
 *       on the bus until 462 + RL 24 + BURST 1 = 487.  Total 487 cycles. */
static void test_hand_one_tile(void **st) {
  (void)st;
  ax_dram_cfg c = gddr6();
  ax_pim_timing t = aim_timing(&c);
  ax_pim_geom g = aim(1);
  ax_pim_gemv op = {.m = 16, .k = 1024, .vectors = 1, .elem_bytes = 2, .out_bytes = 2};
  ax_pim_result r;
  uint64_t due = 1u << 30;
  ax_pim_gemv_time(&t, &g, &op, 0, &due, &r);
  assert_int_equal(r.cycles, 487);
  assert_int_equal(r.tiles, 1);
  assert_int_equal(r.mac_ab, 64);
  assert_int_equal(r.wrgb, 64);
  assert_int_equal(r.rdres, 1);
  assert_int_equal(r.macs, 16 * 1024);
  assert_int_equal(r.mac_slots, 16 * 64 * 16);
}

/* m = 64, k = 512 on 2 channels: 32 rows per channel = 2 rows per bank,
 * each half a DRAM row (512 x 2 B = 1024 B = 32 columns).
 *   GB: 1024 B = 32 bursts, last at 93, ready 93 + 17 = 110.
 *   Tile 1: ACT 0, MACs 110 .. 110 + 31 x 4 = 234, PRE max(237, 54) = 237.
 *   Tile 2: ACT max(237 + tRP 24, 0 + tRC 78) = 261, MACs from 261 + 24 =
 *       285 to 285 + 124 = 409, PRE max(412, 261 + 54) = 412.
 *   RDRES: 32 results x 2 B = 2 bursts from 409 + 4 = 413: the second at
 *       416, done 416 + 25 = 441. */
static void test_hand_two_tiles(void **st) {
  (void)st;
  ax_dram_cfg c = gddr6();
  ax_pim_timing t = aim_timing(&c);
  ax_pim_geom g = aim(2);
  ax_pim_gemv op = {.m = 64, .k = 512, .vectors = 1, .elem_bytes = 2, .out_bytes = 2};
  ax_pim_result r;
  uint64_t due = 1u << 30;
  ax_pim_gemv_time(&t, &g, &op, 0, &due, &r);
  assert_int_equal(r.cycles, 441);
  assert_int_equal(r.rows_per_bank, 2);
  assert_int_equal(r.act_ab, 4); /* 2 tiles x 2 channels */
  assert_int_equal(r.active_channels, 2);
  /* twice the vectors: the second pass starts when the bus and banks
   * allow and repeats the work */
  op.vectors = 2;
  ax_pim_gemv_time(&t, &g, &op, 0, &due, &r);
  assert_int_equal(r.act_ab, 8);
  assert_true(r.cycles > 441 && r.cycles < 2 * 441);
}

static void compare(const ax_pim_timing *t, const ax_pim_geom *g, const ax_pim_gemv *op, uint64_t due0) {
  ax_pim_result a, b;
  uint64_t d1 = due0, d2 = due0;
  ax_pim_gemv_time(t, g, op, 1000, &d1, &a);
  ax_pim_gemv_slow(t, g, op, 1000, &d2, &b, NULL);
  assert_int_equal(a.cycles, b.cycles);
  assert_int_equal(a.refs, b.refs);
  assert_int_equal(a.act_ab, b.act_ab);
  assert_int_equal(a.mac_ab, b.mac_ab);
  assert_int_equal(a.wrgb, b.wrgb);
  assert_int_equal(a.rdres, b.rdres);
  assert_int_equal(a.bank_acts, b.bank_acts);
  assert_int_equal(d1, d2);
  assert_int_equal(b.jumped_tiles, 0);
}

/* The fast path against the full walk, over shapes (partial rows, uneven
 * channels, several chunks and blocks, vectors), with refresh on and off,
 * ACT_AB as one command or staggered; and it must actually jump. */
static void test_fast_equals_slow(void **st) {
  (void)st;
  ax_dram_cfg c = gddr6();
  ax_pim_timing t = aim_timing(&c);
  uint64_t shapes[][3] = {{16, 1024, 1}, {4096, 4096, 1}, {1000, 3000, 1}, {50257, 768, 1}, {3072, 1024, 2},
                          {129, 100, 3},  {8, 8, 1},       {2304, 768, 1}, {768, 3072, 4}};
  uint64_t jumped = 0;
  for (int stg = 0; stg < 2; stg++)
    for (int ref = 0; ref < 2; ref++)
      for (int acc = 1; acc <= 64; acc *= 8)
        for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
          ax_pim_geom g = aim(i % 2 ? 8 : 3);
          g.stagger = stg, g.refresh = ref, g.accs = acc;
          if (i == 2) g.gb_bytes = 8192;
          ax_pim_gemv op = {.m = shapes[i][0], .k = shapes[i][1], .vectors = shapes[i][2], .elem_bytes = 2, .out_bytes = 2};
          compare(&t, &g, &op, 1000 + (uint64_t)t.tREFI / 3 * (i + 1) % (uint64_t)t.tREFI);
          ax_pim_result r;
          uint64_t d = 5000;
          ax_pim_gemv_time(&t, &g, &op, 1000, &d, &r);
          jumped += r.jumped_tiles;
        }
  fprintf(stderr, "jumped %llu\n", (unsigned long long)jumped);
  assert_true(jumped > 1000);
}

/* The whole PIM command stream of channel 0 (ACT_AB or staggered ACTs,
 * MAC_AB, PRE_AB or PREs, WRGB, RDMAC, REF) under the DRAM model's
 * independent checker, with its all-bank command rules: clean in both
 * modes, on shapes that take every path (several blocks of accumulators,
 * a global buffer rewritten per chunk, several vectors, refresh). */
static void test_checker(void **st) {
  (void)st;
  ax_dram_cfg c = gddr6();
  ax_pim_timing t = aim_timing(&c);
  ax_dram_cfg chk = c;
  chk.channels = 1, chk.ranks = 1;
  chk.t[AX_DRAM_TP_tMACRD] = 4;
  uint64_t shapes[][3] = {{4096, 4096, 1}, {1000, 3000, 3}, {129, 100, 3}, {768, 3072, 2}};
  char msg[512];
  for (int stg = 0; stg < 2; stg++)
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
      ax_pim_geom g = aim(2);
      g.refresh = 1, g.stagger = stg, g.accs = i == 1 ? 1 : 4;
      if (i == 1) g.gb_bytes = 4096; /* 3 chunks of 2 KB: the buffer is rewritten */
      ax_pim_gemv op = {.m = shapes[i][0], .k = shapes[i][1], .vectors = shapes[i][2], .elem_bytes = 2, .out_bytes = 2};
      FILE *log = fopen(DIR "/pim.log", "w");
      assert_non_null(log);
      ax_pim_result r;
      uint64_t due = (uint64_t)t.tREFI / 2;
      ax_pim_gemv_slow(&t, &g, &op, 0, &due, &r, log);
      fclose(log);
      if (i == 0) assert_true(r.refs > 2); /* refreshes were taken and checked */
      long v = ax_dram_check_log(&chk, DIR "/pim.log", msg, sizeof msg);
      if (v) fprintf(stderr, "stagger %d shape %zu: %ld violations, first: %s\n", stg, i, v, msg);
      assert_int_equal(v, 0);
    }
}

/* The checker does catch a PIM stream that breaks the rules: ACT_AB too
 * soon after an ACT (tRRD_L), a MAC_AB before tRCDRD, a MAC_AB before its
 * global-buffer data, RDMAC before tMACRD, a WRGB too soon after a RDMAC
 * (bus turnaround), and no tFAW on ACT_AB (4 ACT_AB well inside tFAW = 32
 * are legal when each bank's tRC is met). */
static void test_checker_catches(void **st) {
  (void)st;
  ax_dram_cfg c = gddr6();
  c.channels = 1, c.ranks = 1;
  c.t[AX_DRAM_TP_tMACRD] = 4;
  static const struct { const char *log; const char *rule; } cases[] = {
      {"100 activate 0 0 0 0 0x1 0x0\n105 activate_ab 0 0 -1 -1 0x2 0x0\n", "ACT_AB needs every bank closed"},
      {"100 activate 0 0 0 0 0x1 0x0\n200 precharge 0 0 0 0 0x1 0x0\n105 x\n", NULL}, /* parse error */
      {"100 activate_ab 0 0 -1 -1 0x2 0x0\n120 mac_ab 0 0 -1 -1 0x2 0x0\n", "tRCDRD"},
      {"10 write_gb 0 0 -1 -1 0x0 0x0\n100 activate_ab 0 0 -1 -1 0x2 0x0\n124 mac_ab 0 0 -1 -1 0x2 0x0\n"
       "126 write_gb 0 0 -1 -1 0x0 0x0\n130 mac_ab 0 0 -1 -1 0x2 0x0\n", "WL+tBURST"},
      {"100 activate_ab 0 0 -1 -1 0x2 0x0\n124 mac_ab 0 0 -1 -1 0x2 0x0\n127 read_mac 0 0 -1 -1 0x0 0x0\n", "tMACRD"},
      {"100 read_mac 0 0 -1 -1 0x0 0x0\n105 write_gb 0 0 -1 -1 0x0 0x0\n", "tRTW"},
      {"100 activate_ab 0 0 -1 -1 0x2 0x0\n127 mac_ab 0 0 -1 -1 0x2 0x0\n129 mac_ab 0 0 -1 -1 0x2 0x0\n", "tCCD_L"},
      {"100 activate 0 0 1 1 0x1 0x0\n154 precharge 0 0 1 1 0x1 0x0\n178 activate_ab 0 0 -1 -1 0x2 0x0\n"
       "232 precharge_ab 0 0 -1 -1 0x2 0x0\n256 activate_ab 0 0 -1 -1 0x2 0x0\n310 precharge_ab 0 0 -1 -1 0x2 0x0\n"
       "334 activate_ab 0 0 -1 -1 0x2 0x0\n", ""},
  };
  char msg[512];
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    FILE *f = fopen(DIR "/bad.log", "w");
    assert_non_null(f);
    fputs(cases[i].log, f);
    fclose(f);
    long v = ax_dram_check_log(&c, DIR "/bad.log", msg, sizeof msg);
    if (!cases[i].rule) { assert_int_equal(v, -1); continue; }
    if (!cases[i].rule[0]) {
      if (v) fprintf(stderr, "case %zu: %s\n", i, msg);
      assert_int_equal(v, 0);
      continue;
    }
    if (v < 1 || !strstr(msg, cases[i].rule)) fail_msg("case %zu: expected %s, got %ld: %s", i, cases[i].rule, v, msg);
  }
}

static void test_bad_geometry(void **st) {
  (void)st;
  char err[256];
  ax_pim_geom g = aim(1);
  g.row_bytes = 1000;
  assert_int_equal(ax_pim_geom_check(&g, err, sizeof err), AX_EINVAL);
  assert_string_equal(err, "row_bytes 1000 must be a multiple of col_bytes 32 (channels 1 >= 1)");
  g = aim(1);
  g.gb_bytes = 1024;
  assert_int_equal(ax_pim_geom_check(&g, err, sizeof err), AX_EINVAL);
  assert_string_equal(err, "gb_bytes 1024: the global buffer must hold at least one DRAM row (row_bytes 2048)");
  g = aim(1);
  g.bankgroups = 3;
  assert_int_equal(ax_pim_geom_check(&g, err, sizeof err), AX_EINVAL);
  assert_string_equal(err, "bankgroups: 3 must divide banks 16");
}

int main(void) {
  (void)!system("mkdir -p " DIR);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_timing_numbers), cmocka_unit_test(test_hand_one_tile),
      cmocka_unit_test(test_hand_two_tiles), cmocka_unit_test(test_fast_equals_slow),
      cmocka_unit_test(test_checker),        cmocka_unit_test(test_checker_catches),
      cmocka_unit_test(test_bad_geometry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
