/*
 * test_scalesim_cli.c - `axsim scalesim` end to end: SCALE-Sim's own
 * config and topology files in, reports out in OUTDIR/<run_name>/, checked
 * against SCALE-Sim v2's reports; bad usage exits 2 with a message.
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

#include "ref_csv.h"

#define REF AX_REF_DIR "/scalesim"
#define AXSIM AX_BIN_DIR "/axsim"

static char out[256];

static int setup(void **state)
{
  (void)state;
  snprintf(out, sizeof out, "/tmp/ax_test_scalesim_cli_%ld", (long)getpid());
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", out);
  return system(cmd);
}

/* Run a shell command; return its exit status, stderr text in err. */
static int run(const char *cmd, char *err, size_t errlen)
{
  char full[2048], errf[300];
  snprintf(errf, sizeof errf, "%s.stderr", out);
  snprintf(full, sizeof full, "%s 2>%s >/dev/null", cmd, errf);
  int st = system(full);
  if (err) {
    err[0] = '\0';
    FILE *fp = fopen(errf, "r");
    if (fp) {
      size_t n = fread(err, 1, errlen - 1, fp);
      err[n] = '\0';
      fclose(fp);
    }
  }
  remove(errf);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Read the run_name line of a SCALE-Sim config. */
static void run_name_of(const char *cfg, char *name, size_t n)
{
  char path[512], line[512];
  snprintf(path, sizeof path, REF "/configs/%s", cfg);
  FILE *fp = fopen(path, "r");
  assert_non_null(fp);
  name[0] = '\0';
  while (fgets(line, sizeof line, fp))
    if (sscanf(line, "run_name = %255s", name) == 1) break;
  fclose(fp);
  assert_true(name[0] != '\0');
  (void)n;
}

static void test_reference_runs(void **state)
{
  (void)state;
  for (size_t i = 0; i < REF_NRUNS; i++) {
    const ref_run *rr = &ref_runs[i];
    char cmd[1024], err[2048], name[256];
    snprintf(cmd, sizeof cmd, "%s scalesim -c %s/configs/%s -t %s/topologies/%s %s -p %s/%s",
             AXSIM, REF, rr->cfg, REF, rr->topo, rr->gemm ? "-i gemm" : "", out, rr->dir);
    int rc = run(cmd, err, sizeof err);
    if (rc != 0) fail_msg("%s -> exit %d: %s", cmd, rc, err);
    run_name_of(rr->cfg, name, sizeof name);
    static const char *files[] = {"COMPUTE_REPORT.csv", "BANDWIDTH_REPORT.csv",
                                  "DETAILED_ACCESS_REPORT.csv"};
    /* columns that must agree with SCALE-Sim (the rest are DRAM figures
     * from axsim's own memory model; see docs/systolic.md) */
    static const int ncheck[] = {6, 4, 10};
    for (int f = 0; f < 3; f++) {
      char a[2048], b[1024];
      snprintf(a, sizeof a, "%s/%s/%s/%s", out, rr->dir, name, files[f]);
      snprintf(b, sizeof b, REF "/runs/%s/%s", rr->dir, files[f]);
      ref_csv ours, ref;
      if (ref_csv_read(a, &ours) != 0) fail_msg("%s: missing", a);
      assert_int_equal(ref_csv_read(b, &ref), 0);
      assert_int_equal(ours.rows, ref.rows);
      assert_int_equal(ours.cols, ref.cols);
      for (int r = 0; r < ref.rows; r++)
        for (int c = 0; c < ncheck[f]; c++)
          if (strcmp(ours.s[r][c], ref.s[r][c]) != 0)
            fail_msg("%s row %d col %d: '%s' vs SCALE-Sim '%s'", a, r, c, ours.s[r][c],
                     ref.s[r][c]);
    }
    /* the compute report is byte-identical, header included */
    snprintf(cmd, sizeof cmd, "cmp -s %s/%s/%s/COMPUTE_REPORT.csv " REF "/runs/%s/COMPUTE_REPORT.csv",
             out, rr->dir, name, rr->dir);
    assert_int_equal(system(cmd), 0);
  }
}

static void test_bad_usage(void **state)
{
  (void)state;
  char cmd[1024], err[2048];
  struct { const char *args, *needle; } c[] = {
    {"", "-c CFG is required"},
    {"-c " REF "/configs/os_32x32.cfg", "-t TOPO is required"},
    {"-c " REF "/configs/os_32x32.cfg -t " REF "/topologies/test.csv -i mnk", "expected conv or gemm"},
    {"-c /nonexistent.cfg -t " REF "/topologies/test.csv", "/nonexistent.cfg: cannot open"},
    {"-c " REF "/configs/os_32x32.cfg -t " REF "/topologies/test_mnk_input.csv",
     "test_mnk_input.csv:2: expected 8 or 9 fields"},
    {"-c " REF "/configs/os_32x32.cfg -t", "needs a value"},
    {"--bogus", "unknown argument"},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    snprintf(cmd, sizeof cmd, "%s scalesim %s -p %s", AXSIM, c[i].args, out);
    assert_int_equal(run(cmd, err, sizeof err), 2);
    if (!strstr(err, c[i].needle)) fail_msg("'%s': stderr '%s' lacks '%s'", cmd, err, c[i].needle);
  }
  snprintf(cmd, sizeof cmd, "%s scalesim --help", AXSIM);
  assert_int_equal(run(cmd, NULL, 0), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_reference_runs),
    cmocka_unit_test(test_bad_usage),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
