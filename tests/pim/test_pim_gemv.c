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
                       .burst_bytes = 32, .gb_bytes = 2048, .accs = 4, .mac_latency = 4, .stagger = 0,
                       .refresh = 0};
}

/* GDDR6 preset in cycles: tRCDRD 24, tRAS 54, tRP 24, tRTP 3, tCCD_S 3,
 * tCCD_L 4, CWL 16, CL 24, BL16 = 1 cycle a burst (models/dram presets). */
static void test_timing_numbers(void **st) {
  (void)st;
  ax_dram_cfg c = gddr6();
  ax_pim_timing t;
  ax_pim_timing_from_dram(&t, &c);
  assert_int_equal(t.tRCD, 24);
  assert_int_equal(t.tRAS, 54);
  assert_int_equal(t.tRP, 24);
  assert_int_equal(t.tRC, 78);
  assert_int_equal(t.tRTP, 3);
  assert_int_equal(t.tCCD_L, 4);
  assert_int_equal(t.tCCD_S, 3);
  assert_int_equal(t.WL, 16);
  assert_int_equal(t.RL, 24);
  assert_int_equal(t.BURST, 1);
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
  ax_pim_timing t;
  ax_pim_timing_from_dram(&t, &c);
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
  ax_pim_timing t;
  ax_pim_timing_from_dram(&t, &c);
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
  ax_pim_gemv_slow(t, g, op, 1000, &d2, &b, NULL, NULL);
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
  ax_pim_timing t;
  ax_pim_timing_from_dram(&t, &c);
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

/* The PIM stream under the DRAM timing checker. Bank 0's view (ACT, each
 * MAC as a column read, PRE, REF) is checked as a one-bank device; every
 * bank's row commands are checked as the full device: with stagger they
 * keep tRRD and tFAW, as ACT_AB in one command they cannot (AiM relaxes
 * them for its all-bank activate), and the checker says so. */
static void test_checker(void **st) {
  (void)st;
  ax_dram_cfg c = gddr6();
  ax_pim_timing t;
  ax_pim_timing_from_dram(&t, &c);
  ax_pim_geom g = aim(2);
  g.refresh = 1;
  ax_pim_gemv op = {.m = 4096, .k = 4096, .vectors = 1, .elem_bytes = 2, .out_bytes = 2};
  char msg[512];
  for (int stg = 0; stg < 2; stg++) {
    g.stagger = stg;
    FILE *log = fopen(DIR "/bank0.log", "w"), *rowlog = fopen(DIR "/rows.log", "w");
    assert_non_null(log);
    assert_non_null(rowlog);
    ax_pim_result r;
    uint64_t due = (uint64_t)t.tREFI;
    ax_pim_gemv_slow(&t, &g, &op, 0, &due, &r, log, rowlog);
    fclose(log);
    fclose(rowlog);
    assert_true(r.refs > 2); /* refreshes were taken and checked */
    ax_dram_cfg one = c;
    one.bankgroups = 1, one.banks_per_group = 1, one.banks = 1, one.channels = 1, one.ranks = 1;
    long v = ax_dram_check_log(&one, DIR "/bank0.log", msg, sizeof msg);
    if (v) fprintf(stderr, "bank 0: %s\n", msg);
    assert_int_equal(v, 0);
    ax_dram_cfg all = c;
    all.channels = 1, all.ranks = 1;
    v = ax_dram_check_log(&all, DIR "/rows.log", msg, sizeof msg);
    if (stg) {
      if (v) fprintf(stderr, "rows: %s\n", msg);
      assert_int_equal(v, 0);
    } else {
      assert_true(v > 0);
      assert_non_null(strstr(msg, "tRRD"));
    }
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
      cmocka_unit_test(test_checker),        cmocka_unit_test(test_bad_geometry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
