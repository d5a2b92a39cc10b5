/*
 * test_dram_h5.c - `axsim dramtrace -o OUT.h5`: the file holds the same
 * numbers as the run, read back with the HDF5 C API.
 *
 * Independent source: the same trace run in-process through ax_dram_run
 * (whose statistics dram_ref checks against DRAMsim3); the file must carry
 * them under DRAMsim3's names, per channel rows must add up to the totals,
 * and the printed key=value lines must agree with the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>

#include "dram.h"

#define DIR AX_BIN_DIR "/tests_tmp_dram_h5"
#define AXSIM AX_BIN_DIR "/axsim"

typedef struct row {
  char component[64], stat[48], unit[16];
  double value;
} row;

/* Read /stats of path into rows (malloc'd); returns the row count. */
static size_t read_stats(const char *path, row **out) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  hid_t d = H5Dopen2(f, "stats", H5P_DEFAULT);
  assert_true(d >= 0);
  hid_t sp = H5Dget_space(d);
  hssize_t n = H5Sget_simple_extent_npoints(sp);
  assert_true(n > 0);
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(row));
  hid_t s64 = H5Tcopy(H5T_C_S1), s48 = H5Tcopy(H5T_C_S1), s16 = H5Tcopy(H5T_C_S1);
  H5Tset_size(s64, 64);
  H5Tset_size(s48, 48);
  H5Tset_size(s16, 16);
  H5Tinsert(t, "component", offsetof(row, component), s64);
  H5Tinsert(t, "stat", offsetof(row, stat), s48);
  H5Tinsert(t, "unit", offsetof(row, unit), s16);
  H5Tinsert(t, "value", offsetof(row, value), H5T_NATIVE_DOUBLE);
  *out = calloc((size_t)n, sizeof(row));
  assert_true(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) >= 0);
  /* root attributes */
  long long v = 0;
  hid_t a = H5Aopen(f, "schema_version", H5P_DEFAULT);
  assert_true(a >= 0);
  H5Aread(a, H5T_NATIVE_LLONG, &v);
  H5Aclose(a);
  assert_int_equal(v, 1);
  assert_true(H5Aexists(f, "axsim_version") > 0);
  a = H5Aopen(f, "channels", H5P_DEFAULT);
  H5Aread(a, H5T_NATIVE_LLONG, &v);
  H5Aclose(a);
  assert_int_equal(v, 8);
  H5Tclose(s64); H5Tclose(s48); H5Tclose(s16); H5Tclose(t);
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
  return (size_t)n;
}

static double get(const row *r, size_t n, const char *comp, const char *stat) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(r[i].component, comp) && !strcmp(r[i].stat, stat)) return r[i].value;
  fail_msg("no row %s/%s", comp, stat);
  return 0;
}

/* The value of key in the key=value output file. */
static double printed(const char *path, const char *key) {
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char line[256];
  size_t k = strlen(key);
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, key, k) && line[k] == '=') { fclose(f); return strtod(line + k + 1, NULL); }
  fclose(f);
  fail_msg("%s not printed", key);
  return 0;
}

/* 3000 requests on HBM2 (8 channels), reads and writes mixed, in bursts. */
static void write_trace(const char *path) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  uint64_t x = 2463534242ull, cy = 0;
  for (int i = 0; i < 3000; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    fprintf(f, "0x%llx %s %llu\n", (unsigned long long)((x % (1u << 28)) & ~63ull), x % 4 ? "READ" : "WRITE",
            (unsigned long long)cy);
    cy += (x >> 7) % 3;
  }
  fclose(f);
}

static int src_fn(void *ctx, uint64_t *addr, int *wr, uint64_t *cycle, char *err, size_t errlen) {
  return ax_dram_trace_next(ctx, addr, wr, cycle, err, errlen);
}

static void test_h5_matches_run(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_trace(DIR "/t.trace");
  unlink(DIR "/o.h5");
  int rc = system(AXSIM " dramtrace -c HBM2 " DIR "/t.trace -o " DIR "/o.h5 > " DIR "/o.txt");
  assert_int_equal(rc, 0);
  assert_int_equal(access(DIR "/o.h5.tmp", F_OK), -1);
  /* the same trace in-process */
  ax_dram_cfg cfg;
  char err[512];
  assert_int_equal(ax_dram_preset(&cfg, "HBM2", err, sizeof err), AX_OK);
  assert_int_equal(ax_dram_cfg_finish(&cfg, err, sizeof err), AX_OK);
  ax_dram_sys s;
  assert_int_equal(ax_dram_sys_init(&s, &cfg), AX_OK);
  ax_dram_trace *t = ax_dram_trace_open(DIR "/t.trace", err, sizeof err);
  assert_non_null(t);
  ax_dram_result r;
  assert_int_equal(ax_dram_run(&s, src_fn, t, &r, err, sizeof err), AX_OK);
  ax_dram_trace_close(t);
  ax_dram_sys_free(&s);

  row *rows;
  size_t n = read_stats(DIR "/o.h5", &rows);
  assert_int_equal(n, 9 * 26); /* "dram" + 8 channels, 26 statistics each */
  assert_int_equal(get(rows, n, "dram", "num_cycles"), r.num_cycles);
  assert_int_equal(get(rows, n, "dram", "num_reads_done"), r.st.num_reads_done);
  assert_int_equal(get(rows, n, "dram", "num_writes_done"), r.st.num_writes_done);
  assert_int_equal(get(rows, n, "dram", "num_act_cmds"), r.st.num_act_cmds);
  assert_int_equal(get(rows, n, "dram", "num_read_row_hits"), r.st.num_read_row_hits);
  assert_true(get(rows, n, "dram", "average_read_latency") == r.average_read_latency);
  assert_true(get(rows, n, "dram", "total_energy") == r.en.total);
  assert_int_equal(r.st.num_reads_done + r.st.num_writes_done, 3000);
  /* channels add up to the totals */
  static const char *const sums[] = {"num_reads_done", "num_writes_done", "num_act_cmds", "num_read_cmds",
                                     "num_write_cmds", "num_ref_cmds", "total_energy"};
  for (size_t k = 0; k < sizeof sums / sizeof sums[0]; k++) {
    double tot = 0;
    for (int c = 0; c < 8; c++) {
      char name[16];
      snprintf(name, sizeof name, "dram.ch%d", c);
      tot += get(rows, n, name, sums[k]);
    }
    double want = get(rows, n, "dram", sums[k]);
    if (tot < want * (1 - 1e-12) || tot > want * (1 + 1e-12)) fail_msg("%s: channels sum to %f, total %f", sums[k], tot, want);
  }
  /* what was printed is what was written */
  assert_int_equal(printed(DIR "/o.txt", "num_cycles"), get(rows, n, "dram", "num_cycles"));
  assert_int_equal(printed(DIR "/o.txt", "num_act_cmds"), get(rows, n, "dram", "num_act_cmds"));
  free(rows);
}

/* Output that cannot be written: exit 1 with a message, no file left. */
static void test_h5_unwritable(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_trace(DIR "/t.trace");
  int rc = system(AXSIM " dramtrace -c HBM2 " DIR "/t.trace -o /nonexistent/x.h5 > /dev/null 2> " DIR "/e.txt");
  assert_true(WIFEXITED(rc));
  assert_int_equal(WEXITSTATUS(rc), 1);
  FILE *f = fopen(DIR "/e.txt", "r");
  char line[512] = "";
  assert_non_null(fgets(line, sizeof line, f));
  fclose(f);
  if (!strstr(line, "/nonexistent/x.h5")) fail_msg("message does not name the file: %s", line);
  assert_int_equal(access("/nonexistent/x.h5", F_OK), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_h5_matches_run),
    cmocka_unit_test(test_h5_unwritable),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
