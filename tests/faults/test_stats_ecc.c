/*
 * Statistics and codes against hand calculations: the Leveugle et al.
 * (DATE 2009) sample size, the normal quantile, Wilson intervals, FIT, and
 * the SECDED / parity codes (every single flip corrected, every double
 * detected, parity catching odd weights only).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "ecc.h"
#include "fi_stats.h"

static void test_leveugle(void **st)
{
  (void)st;
  /* N = 10^6, e = 1%, t = 1.96, p = 0.5:
   *   e^2 (N-1) = 0.0001 * 999999 = 99.9999
   *   t^2 p (1-p) = 3.8416 * 0.25 = 0.9604
   *   n = 10^6 / (1 + 99.9999 / 0.9604) = 10^6 / 105.12318 = 9512.65 -> 9513 */
  assert_int_equal(ax_fi_leveugle(1e6, 0.01, 1.96, 0.5), 9513);
  /* N = 10000, e = 5%: 0.0025 * 9999 / 0.9604 = 26.02816, n = 10000 / 27.02816
   * = 369.98 -> 370 (the classic finite-population table value) */
  assert_int_equal(ax_fi_leveugle(10000, 0.05, 1.96, 0.5), 370);
  /* p = 0.1 needs fewer: t^2 p(1-p) = 0.345744; N = 10^6, e = 1%:
   * 99.9999 / 0.345744 = 289.2284, n = 10^6 / 290.2284 = 3445.6 -> 3446 */
  assert_int_equal(ax_fi_leveugle(1e6, 0.01, 1.96, 0.1), 3446);
  /* a population smaller than the sample: n <= N */
  assert_true(ax_fi_leveugle(50, 0.01, 1.96, 0.5) <= 50);
}

static void test_quantile(void **st)
{
  (void)st;
  /* standard normal table: 1.959964 (95%), 2.575829 (99%), 1.644854 (90%) */
  assert_true(ax_fi_z(0.95) > 1.959963 && ax_fi_z(0.95) < 1.959965);
  assert_true(ax_fi_z(0.99) > 2.575828 && ax_fi_z(0.99) < 2.575830);
  assert_true(ax_fi_z(0.90) > 1.644853 && ax_fi_z(0.90) < 1.644855);
}

static void test_wilson(void **st)
{
  (void)st;
  double lo, hi;
  /* k = 10, n = 100, z = 1.96: centre (0.1 + 0.019208) / 1.038416 = 0.114798,
   * half 1.96 sqrt(0.0009 + 0.00009604) / 1.038416 = 0.059569
   * -> [0.055229, 0.174367] */
  ax_fi_wilson(10, 100, 1.96, &lo, &hi);
  assert_true(lo > 0.05522 && lo < 0.05524);
  assert_true(hi > 0.17436 && hi < 0.17438);
  /* k = 0: [0, z^2/(n+z^2)] = [0, 3.8416/103.8416 = 0.036995] */
  ax_fi_wilson(0, 100, 1.96, &lo, &hi);
  assert_true(lo == 0.0);
  assert_true(hi > 0.036994 && hi < 0.036996);
  /* FIT: 1000 FIT/Mbit x 2^20 bits x 0.25 = 250 */
  assert_true(ax_fi_fit(1000, 1048576, 0.25) > 249.999 && ax_fi_fit(1000, 1048576, 0.25) < 250.001);
}

static void secded_all(unsigned d)
{
  unsigned n = d + ax_secded_check_bits(d);
  uint64_t datas[4] = {0, 0x5a, 0xff, 0x12345678};
  for (int di = 0; di < 4; di++) {
    uint64_t data = datas[di] & (d == 64 ? ~0ull : ((1ull << d) - 1)), out;
    uint64_t code = ax_secded_encode(data, d);
    assert_int_equal(ax_secded_decode(code, d, &out), AX_ECC_CLEAN);
    assert_true(out == data);
    for (unsigned i = 0; i < n; i++) {
      assert_int_equal(ax_secded_decode(code ^ (1ull << i), d, &out), AX_ECC_CORRECTED);
      assert_true(out == data);
      for (unsigned j = i + 1; j < n; j++)
        assert_int_equal(ax_secded_decode(code ^ (1ull << i) ^ (1ull << j), d, &out), AX_ECC_DETECTED);
    }
  }
}

static void test_secded(void **st)
{
  (void)st;
  /* extended Hamming: 2^r >= d + r + 1, plus the overall parity bit */
  assert_int_equal(ax_secded_check_bits(8), 5);   /* (13, 8) */
  assert_int_equal(ax_secded_check_bits(32), 7);  /* (39, 32) */
  assert_int_equal(ax_secded_check_bits(64), 8);  /* (72, 64) */
  secded_all(8);
  secded_all(32);
  /* outcome of data-bit patterns: single corrected, double detected */
  assert_int_equal(ax_secded_outcome(0x01, 8), 0);
  assert_int_equal(ax_secded_outcome(0x80000000u, 32), 0);
  assert_int_equal(ax_secded_outcome(0x03, 8), 1);
  assert_int_equal(ax_secded_outcome(0x00018000u, 32), 1);
  /* three adjacent data bits of a byte at positions 3, 5, 6: syndrome
   * 3^5^6 = 0 with odd weight -> taken for an error in the overall parity
   * bit, "corrected", data left wrong: a silent miscorrection */
  assert_int_equal(ax_secded_data_pos(0), 3);
  assert_int_equal(ax_secded_data_pos(1), 5);
  assert_int_equal(ax_secded_data_pos(2), 6);
  assert_int_equal(ax_secded_outcome(0x07, 8), 2);
}

static void test_parity(void **st)
{
  (void)st;
  assert_true(ax_parity_detects(0x1));
  assert_false(ax_parity_detects(0x3));
  assert_true(ax_parity_detects(0x7));
  assert_false(ax_parity_detects(0x0));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_leveugle), cmocka_unit_test(test_quantile), cmocka_unit_test(test_wilson),
    cmocka_unit_test(test_secded),   cmocka_unit_test(test_parity),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
