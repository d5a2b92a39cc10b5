/*
 * test_sweep_run.c - whole sweeps through the `axsim` binary: figures of
 * points checked by hand, a failed point recorded, -j 1 == -j 2, resume
 * after a kill at a random point == an uninterrupted run (and no point
 * run twice), shards + merge == one run, mpirun -np 2 == -j 2, search.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "axtest.h"
#include <hdf5.h>

#include "sim.h"
#include "sweep_run.h"

#define TDIR AX_BIN_DIR "/tests_tmp_sweep_run"
#define AXSIM AX_BIN_DIR "/axsim"

/* Run a shell command in TDIR; its exit code. */
static int sh(const char *fmt, ...) {
  char cmd[2048];
  int n = snprintf(cmd, sizeof cmd, "cd " TDIR " && ");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd + n, sizeof cmd - (size_t)n, fmt, ap);
  va_end(ap);
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* The vector unit + memory system of tests/core/test_run.c, whose one
 * relu op of 256 int8 elements takes 100 ns at 6.4 GB/s (worked out
 * there). A `sim` group so points can set the watchdog. */
static const char *SYS =
    "seed = 11;\n"
    "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:v\"; };\n"
    "v = { model = \"vector\"; lanes = 16; burst_bytes = 64; outstanding = 4; };\n"
    "m = { model = \"memory\"; latency_ns = 10.0; bandwidth_gbps = 6.4; };\n"
    "sim = { max_time_us = 1000.0; };\n"
    "links = ( { from = \"host.unit0\"; to = \"v.ctl\"; },\n"
    "          { from = \"v.mem\"; to = \"m.in0\"; } );\n";

static void setup_dir(void) {
  (void)!system("rm -rf " TDIR " && mkdir -p " TDIR);
  write_file(TDIR "/t.axt", "axtrace 1\neltwise name=r elems=256 fn=relu\n");
  write_file(TDIR "/sys.cfg", SYS);
}

/* The summary table's raw rows (its own file type), for byte comparison. */
static char *summary_bytes(const char *path, size_t *len) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  hid_t d = H5Dopen2(f, "summary", H5P_DEFAULT);
  assert_true(d >= 0);
  hid_t t = H5Dget_type(d), sp = H5Dget_space(d);
  size_t n = (size_t)H5Sget_simple_extent_npoints(sp), rs = H5Tget_size(t);
  char *b = calloc(n ? n : 1, rs);
  if (n) assert_true(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, b) >= 0);
  H5Sclose(sp);
  H5Tclose(t);
  H5Dclose(d);
  H5Fclose(f);
  *len = n * rs;
  return b;
}

static void same_summary(const char *a, const char *b) {
  size_t la, lb;
  char *x = summary_bytes(a, &la), *y = summary_bytes(b, &lb);
  assert_int_equal(la, lb);
  assert_true(la > 0);
  assert_memory_equal(x, y, la);
  free(x);
  free(y);
}

/* One column of the summary as doubles (numbers) or strings. */
static size_t column(const char *path, const char *name, double *v, char (*s)[256], size_t max) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = H5Dopen2(f, "summary", H5P_DEFAULT);
  hid_t sp = H5Dget_space(d);
  size_t n = (size_t)H5Sget_simple_extent_npoints(sp);
  assert_true(n <= max);
  hid_t mt;
  if (s) {
    hid_t st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, 256);
    mt = H5Tcreate(H5T_COMPOUND, 256);
    H5Tinsert(mt, name, 0, st);
    H5Tclose(st);
    assert_true(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, s) >= 0);
  } else {
    mt = H5Tcreate(H5T_COMPOUND, sizeof(double));
    H5Tinsert(mt, name, 0, H5T_NATIVE_DOUBLE);
    assert_true(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
  }
  H5Tclose(mt);
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
  return n;
}

/* Four points: bandwidth 6.4 / 12.8 GB/s x watchdog 0.05 / 1000 us.
 * 6.4 GB/s: 100 ns (tests/core/test_run.c's worked example).
 * 12.8 GB/s: 64 B take 5 ns on the bus: reads on the bus 0-5 ... 15-20 ns,
 * answers 10 ns later at 15, 20, 25, 30 ns; compute (256/16 + 8 = 24 ns)
 * is done by then; the 4 writes go at 30 ns: bus 30-35 ... 45-50, last
 * answer 60 ns. Energy either way: 256 lane ops x 1 pJ + 512 B x 120 pJ
 * = 61,696 pJ. A 50 ns watchdog stops both runs: status 1 with the
 * core's message. */
static const char *SW4 =
    "base = \"sys.cfg\";\n"
    "params = ( { set = \"m.bandwidth_gbps\"; values = [6.4, 12.8]; },\n"
    "           { set = \"sim.max_time_us\"; values = [0.05, 1000.0]; } );\n"
    "metrics = ( { name = \"bw_ns\"; expr = \"m.bandwidth_gbps * sim_time_ps / 1000\"; },\n"
    "            { name = \"lanes2\"; expr = \"v.lanes * 2 + m.latency_ns\"; },\n"
    "            { name = \"reads\"; expr = \"m.reads\"; } );\n"
    "objectives = [\"sim_time_ps / 1000\", \"energy_pj\"];\n"
    "constraints = [\"sim_time_ps < 80000\"];\n";

static void test_hand_checked_points(void **st) {
  (void)st;
  setup_dir();
  write_file(TDIR "/sw4.cfg", SW4);
  assert_int_equal(sh("%s sweep sw4.cfg -o sw4.h5 -q", AXSIM), 0);
  double v[8];
  char (*s)[256] = calloc(8, 256);
  assert_int_equal(column(TDIR "/sw4.h5", "point", v, NULL, 8), 4);
  for (int i = 0; i < 4; i++) assert_true(v[i] == i);
  column(TDIR "/sw4.h5", "status", v, NULL, 8);
  assert_true(v[0] == AX_PT_FAILED && v[1] == AX_PT_OK && v[2] == AX_PT_FAILED && v[3] == AX_PT_OK);
  column(TDIR "/sw4.h5", "error", NULL, s, 8);
  assert_non_null(strstr(s[0], "watchdog"));
  assert_string_equal(s[1], "");
  column(TDIR "/sw4.h5", "sim_time_ps", v, NULL, 8);
  assert_true(v[1] == 100000 && v[3] == 60000);
  column(TDIR "/sw4.h5", "energy_pj", v, NULL, 8);
  assert_true(v[1] == 61696 && v[3] == 61696);
  column(TDIR "/sw4.h5", "ops", v, NULL, 8);
  assert_true(v[1] == 1 && v[3] == 1);
  column(TDIR "/sw4.h5", "seed", v, NULL, 8);
  assert_true(v[1] == 11); /* the base's seed: no seeds in the sweep */
  column(TDIR "/sw4.h5", "m.bandwidth_gbps", NULL, s, 8);
  assert_string_equal(s[3], "12.8");
  column(TDIR "/sw4.h5", "m.bandwidth_gbps.num", v, NULL, 8);
  assert_true(v[3] == 12.8);
  column(TDIR "/sw4.h5", "bw_ns", v, NULL, 8);
  assert_true(fabs(v[1] - 640) < 1e-9 && fabs(v[3] - 768) < 1e-9);
  column(TDIR "/sw4.h5", "lanes2", v, NULL, 8); /* read from the base system: 16 x 2 + 10 */
  assert_true(v[1] == 42);
  column(TDIR "/sw4.h5", "reads", v, NULL, 8); /* a statistic of m: 256 B in 64 B reads */
  assert_true(v[1] == 4);
  column(TDIR "/sw4.h5", "obj0", v, NULL, 8);
  assert_true(v[1] == 100 && v[3] == 60 && isnan(v[0]));
  column(TDIR "/sw4.h5", "feasible", v, NULL, 8);
  assert_true(v[0] == 0 && v[1] == 0 && v[3] == 1);
  column(TDIR "/sw4.h5", "violation", v, NULL, 8); /* (100000 - 80000) / 80000 */
  assert_true(fabs(v[1] - 0.25) < 1e-12 && v[3] == 0);
  /* every row reproduces alone: `axsim run` of point 3 gives its figures */
  assert_int_equal(sh("%s run sys.cfg -s m.bandwidth_gbps=12.8 -s sim.max_time_us=1000.0 -o p3.h5 -q > p3.txt", AXSIM), 0);
  FILE *f = fopen(TDIR "/p3.txt", "r");
  char line[256];
  assert_non_null(fgets(line, sizeof line, f));
  fclose(f);
  assert_string_equal(line, "sim_time_ps=60000\n");
  /* a failed point keeps its message in OUT.points/p000000.fail */
  struct stat sb;
  assert_int_equal(stat(TDIR "/sw4.points/p000000.fail", &sb), 0);
  assert_int_equal(stat(TDIR "/sw4.points/p000001.h5", &sb), 0);
  free(s);
}

/* A 48-point grid, cheap points: the reference for the next tests. */
static const char *SW48 =
    "base = \"sys.cfg\";\n"
    "params = ( { set = \"v.lanes\"; values = [1, 2, 4, 8, 16, 32]; },\n"
    "           { set = \"m.bandwidth_gbps\"; values = [1.6, 3.2, 6.4, 12.8]; } );\n"
    "seeds = [1, 2];\n"
    "objectives = [\"sim_time_ps\"];\n";

static void reference(void) {
  struct stat sb;
  if (stat(TDIR "/ref.h5", &sb) == 0) return;
  write_file(TDIR "/sw48.cfg", SW48);
  assert_int_equal(sh("%s sweep sw48.cfg -j 2 -o ref.h5 -q", AXSIM), 0);
}

static void test_j1_equals_j2(void **st) {
  (void)st;
  setup_dir();
  reference();
  assert_int_equal(sh("%s sweep sw48.cfg -j 1 -o j1.h5 -q", AXSIM), 0);
  same_summary(TDIR "/ref.h5", TDIR "/j1.h5");
  double v[64];
  assert_int_equal(column(TDIR "/ref.h5", "point", v, NULL, 64), 48);
  /* a second run finds every point done and runs none */
  struct stat a, b;
  assert_int_equal(stat(TDIR "/j1.points/p000047.h5", &a), 0);
  assert_int_equal(sh("%s sweep sw48.cfg -j 2 -o j1.h5 -q", AXSIM), 0);
  assert_int_equal(stat(TDIR "/j1.points/p000047.h5", &b), 0);
  assert_true(a.st_ino == b.st_ino && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec && a.st_mtim.tv_sec == b.st_mtim.tv_sec);
  same_summary(TDIR "/ref.h5", TDIR "/j1.h5");
}

static size_t count_points(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strlen(e->d_name) == 10 && !strcmp(e->d_name + 7, ".h5")) n++;
  closedir(d);
  return n;
}

/* Kill the sweep (SIGKILL, no chance to clean up) once a random number k
 * of points is done, three times; each time the re-run must give the
 * uninterrupted run's table and leave the finished points untouched. */
static void test_resume_after_kill(void **st) {
  (void)st;
  setup_dir();
  reference();
  unsigned seed = (unsigned)time(NULL);
  printf("resume test: kill points drawn with seed %u\n", seed);
  srand(seed);
  for (int trial = 0; trial < 3; trial++) {
    (void)!system("rm -rf " TDIR "/k.h5 " TDIR "/k.points");
    size_t k = 1 + (size_t)rand() % 46;
    pid_t pid = fork();
    if (!pid) {
      if (chdir(TDIR)) _exit(99);
      execl(AXSIM, "axsim", "sweep", "sw48.cfg", "-j", "2", "-o", "k.h5", "-q", (char *)NULL);
      _exit(98);
    }
    size_t have = 0;
    for (int waited = 0; waited < 20000; waited++) {
      have = count_points(TDIR "/k.points");
      if (have >= k) break;
      usleep(500);
    }
    kill(pid, SIGKILL);
    int ws;
    waitpid(pid, &ws, 0);
    usleep(20000); /* the workers die with the sweep (PR_SET_PDEATHSIG) */
    have = count_points(TDIR "/k.points");
    printf("  trial %d: killed after %zu points (aimed at %zu of 48)\n", trial, have, k);
    struct stat before[48];
    int existed[48];
    for (int i = 0; i < 48; i++) {
      char p[300];
      snprintf(p, sizeof p, TDIR "/k.points/p%06d.h5", i);
      existed[i] = stat(p, &before[i]) == 0;
    }
    assert_int_equal(sh("%s sweep sw48.cfg -j 2 -o k.h5 -q", AXSIM), 0);
    same_summary(TDIR "/ref.h5", TDIR "/k.h5");
    for (int i = 0; i < 48; i++) {
      if (!existed[i]) continue;
      char p[300];
      struct stat after;
      snprintf(p, sizeof p, TDIR "/k.points/p%06d.h5", i);
      assert_int_equal(stat(p, &after), 0);
      assert_true(after.st_ino == before[i].st_ino); /* not run again */
      assert_true(after.st_mtim.tv_sec == before[i].st_mtim.tv_sec && after.st_mtim.tv_nsec == before[i].st_mtim.tv_nsec);
    }
  }
}

static void test_shards_and_merge(void **st) {
  (void)st;
  setup_dir();
  reference();
  for (int i = 0; i < 3; i++) assert_int_equal(sh("%s sweep sw48.cfg --shard %d/3 -o s%d.h5 -q", AXSIM, i, i), 0);
  double v[64];
  assert_int_equal(column(TDIR "/s1.h5", "point", v, NULL, 64), 16);
  for (int i = 0; i < 16; i++) assert_true(v[i] == 3 * i + 1);
  assert_int_equal(sh("%s merge merged.h5 s2.h5 s0.h5 s1.h5 > /dev/null", AXSIM), 0);
  same_summary(TDIR "/ref.h5", TDIR "/merged.h5");
  /* the merged file links every point's own results */
  hid_t f = H5Fopen(TDIR "/merged.h5", H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = H5Dopen2(f, "points/p000047/layers", H5P_DEFAULT);
  assert_true(d >= 0);
  H5Dclose(d);
  H5Fclose(f);
  /* a missing shard, and a shard of another sweep, are errors */
  assert_int_equal(sh("%s merge bad.h5 s0.h5 s1.h5 2> err.txt", AXSIM), 2);
  assert_int_equal(sh("grep -q 'the shards hold 32 of the sweep.s 48 points: a shard is missing' err.txt"), 0);
  assert_int_equal(sh("%s merge part.h5 s0.h5 s1.h5 --partial > /dev/null", AXSIM), 0);
  write_file(TDIR "/sw4.cfg", SW4);
  assert_int_equal(sh("%s sweep sw4.cfg -o other.h5 -q", AXSIM), 0);
  assert_int_equal(sh("%s merge bad.h5 s0.h5 other.h5 2> err.txt", AXSIM), 2);
  assert_int_equal(sh("grep -q 'is a shard of another sweep' err.txt"), 0);
}

static void test_mpi_equals_local(void **st) {
  (void)st;
#ifndef AX_HAVE_MPI
  skip();
#else
  if (system("command -v mpirun > /dev/null 2>&1") != 0) skip();
  setup_dir();
  reference();
  /* root in CI containers: Open MPI refuses to run as root unless told.
   * In the sanitizer build LeakSanitizer reports Open MPI's own allocations
   * (libmpi and its dlopen'd components) at exit; the MPI ranks run with
   * leak detection off, every other ASan/UBSan check on. */
  assert_int_equal(sh("OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
                      "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 "
                      "mpirun --oversubscribe -np 2 %s sweep sw48.cfg -o mpi.h5 -q", AXSIM), 0);
  same_summary(TDIR "/ref.h5", TDIR "/mpi.h5");
  /* both ranks ran points: rank 0 and the worker write point files, so a
   * re-run under MPI finds them all done */
  assert_int_equal(count_points(TDIR "/mpi.points"), 48);
#endif
}

/* Search: 11 lane counts x 8 bandwidths = 88 designs, minimise time under
 * lanes <= 64. The answer, by exhaustive grid (the slow reference): the
 * fastest feasible design. Evolution must reach it within 40 runs. */
static const char *SPACE =
    "params = ( { set = \"v.lanes\"; values = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]; },\n"
    "           { set = \"m.bandwidth_gbps\"; values = [0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4]; } );\n"
    "objectives = [\"sim_time_ps\"];\n"
    "constraints = [\"v.lanes <= 64\"];\n";

static void test_search(void **st) {
  (void)st;
  setup_dir();
  char t[2048];
  snprintf(t, sizeof t, "base = \"sys.cfg\";\n%s", SPACE);
  write_file(TDIR "/grid.cfg", t);
  snprintf(t, sizeof t, "base = \"sys.cfg\"; mode = \"search\"; algorithm = \"evolution\";\n"
                        "budget = 40; population = 8; seed = 4;\n%s", SPACE);
  write_file(TDIR "/evo.cfg", t);
  snprintf(t, sizeof t, "base = \"sys.cfg\"; mode = \"search\"; algorithm = \"random\";\n"
                        "budget = 20; population = 5; seed = 4;\n%s", SPACE);
  write_file(TDIR "/rnd.cfg", t);
  assert_int_equal(sh("%s sweep grid.cfg -j 2 -o grid.h5 -q", AXSIM), 0);
  double obj[128], feas[128], lanes[128];
  size_t n = column(TDIR "/grid.h5", "obj0", obj, NULL, 128);
  column(TDIR "/grid.h5", "feasible", feas, NULL, 128);
  column(TDIR "/grid.h5", "v.lanes.num", lanes, NULL, 128);
  assert_int_equal(n, 88);
  double best = INFINITY;
  for (size_t i = 0; i < n; i++)
    if (feas[i] == 1 && obj[i] < best) best = obj[i];
  for (size_t i = 0; i < n; i++) assert_true(feas[i] == (lanes[i] <= 64));

  assert_int_equal(sh("%s sweep evo.cfg -j 2 -o evo.h5 -q", AXSIM), 0);
  n = column(TDIR "/evo.h5", "obj0", obj, NULL, 128);
  column(TDIR "/evo.h5", "feasible", feas, NULL, 128);
  assert_int_equal(n, 40);
  double found = INFINITY;
  for (size_t i = 0; i < n; i++)
    if (feas[i] == 1 && obj[i] < found) found = obj[i];
  assert_true(found == best);
  double gen[128];
  column(TDIR "/evo.h5", "generation", gen, NULL, 128);
  for (size_t i = 0; i < n; i++) assert_true(gen[i] == (double)(i / 8));
  /* no design run twice */
  char (*a)[256] = calloc(128, 256), (*b)[256] = calloc(128, 256);
  column(TDIR "/evo.h5", "v.lanes", NULL, a, 128);
  column(TDIR "/evo.h5", "m.bandwidth_gbps", NULL, b, 128);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++) assert_false(!strcmp(a[i], a[j]) && !strcmp(b[i], b[j]));
  /* the best point is recorded */
  hid_t f = H5Fopen(TDIR "/evo.h5", H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t g = H5Gopen2(f, "search", H5P_DEFAULT);
  hid_t at = H5Aopen(g, "best_objective", H5P_DEFAULT);
  double bo;
  H5Aread(at, H5T_NATIVE_DOUBLE, &bo);
  H5Aclose(at);
  H5Gclose(g);
  H5Fclose(f);
  assert_true(bo == best);
  /* deterministic: -j 1 gives the same history; a random search too */
  assert_int_equal(sh("%s sweep evo.cfg -j 1 -o evo1.h5 -q", AXSIM), 0);
  same_summary(TDIR "/evo.h5", TDIR "/evo1.h5");
  assert_int_equal(sh("%s sweep rnd.cfg -j 2 -o rnd.h5 -q && %s sweep rnd.cfg -o rnd1.h5 -q", AXSIM, AXSIM), 0);
  same_summary(TDIR "/rnd.h5", TDIR "/rnd1.h5");
  assert_int_equal(column(TDIR "/rnd.h5", "obj0", obj, NULL, 128), 20);
  free(a);
  free(b);
}

/* A point whose worker dies by a signal is a row with status 3, and the
 * sweep goes on. The crash is real: a forked child killed by SIGKILL. */
static void test_crash_recorded(void **st) {
  (void)st;
  setup_dir();
  write_file(TDIR "/sw4.cfg", SW4);
  ax_sweep *sw;
  char err[AX_ERR_MAX];
  assert_int_equal(ax_sweep_load(TDIR "/sw4.cfg", &sw, err, sizeof err), AX_OK);
  assert_int_equal(ax_sweep_generate(sw, err, sizeof err), AX_OK);
  ax_sweep_exec ex;
  assert_int_equal(ax_sweep_exec_init(&ex, sw, TDIR "/crash.h5", 1, 1, err, sizeof err), AX_OK);
  pid_t p = fork();
  if (!p) {
    kill(getpid(), SIGKILL);
    _exit(0);
  }
  int ws;
  waitpid(p, &ws, 0);
  assert_int_equal(ax_sweep_reaped(&ex, 2, ws), 0);
  assert_true(ax_sweep_point_done(&ex, 2));
  assert_false(ax_sweep_point_done(&ex, 3));
  ax_sweep_result r;
  ax_sweep_result_read(&ex, 2, &r);
  assert_int_equal(r.status, AX_PT_CRASHED);
  assert_string_equal(r.err, "crashed: killed by signal 9 (Killed)");
  ax_sweep_result_free(&r);
  ax_sweep_result_read(&ex, 3, &r);
  assert_int_equal(r.status, AX_PT_MISSING);
  ax_sweep_result_free(&r);
  ax_sweep_exec_free(&ex);
  ax_sweep_free(sw);
  /* the CLI run resumes: point 2 stays crashed, the others run */
  assert_int_equal(sh("%s sweep sw4.cfg -o crash.h5 -q", AXSIM), 0);
  double v[8];
  column(TDIR "/crash.h5", "status", v, NULL, 8);
  assert_true(v[0] == 1 && v[1] == 0 && v[2] == 3 && v[3] == 0);
}

static void test_cli_errors(void **st) {
  (void)st;
  setup_dir();
  write_file(TDIR "/sw4.cfg", SW4);
  assert_int_equal(sh("%s sweep 2> err.txt", AXSIM), 2);
  assert_int_equal(sh("grep -q 'axsim sweep: missing SWEEP' err.txt"), 0);
  assert_int_equal(sh("%s sweep sw4.cfg -j 0 2> err.txt", AXSIM), 2);
  assert_int_equal(sh("grep -q -- '-j expects a number of workers in \\[1, 4096\\], got .0.' err.txt"), 0);
  assert_int_equal(sh("%s sweep sw4.cfg --shard 3/3 2> err.txt", AXSIM), 2);
  assert_int_equal(sh("grep -q -- '--shard expects i/N with 0 <= i < N' err.txt"), 0);
  assert_int_equal(sh("%s sweep nope.cfg 2> err.txt", AXSIM), 2);
  assert_int_equal(sh("grep -q 'nope.cfg: cannot open sweep file: No such file or directory' err.txt"), 0);
  assert_int_equal(sh("%s merge only.h5 2> err.txt", AXSIM), 2);
  assert_int_equal(sh("%s merge out.h5 nope.h5 2> err.txt", AXSIM), 2);
  assert_int_equal(sh("grep -q 'nope.h5: cannot open as HDF5' err.txt"), 0);
  assert_int_equal(sh("%s sweep --help | grep -q 'resumes'", AXSIM), 0);
  assert_int_equal(sh("%s sweep sw4.cfg --list > list.txt", AXSIM), 0);
  assert_int_equal(sh("sed -n 4p list.txt | grep -qx '3: axsim run sys.cfg -s m.bandwidth_gbps=12.8 -s sim.max_time_us=1000.0'"), 0);
}

int main(void) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hand_checked_points), cmocka_unit_test(test_j1_equals_j2),
      cmocka_unit_test(test_resume_after_kill),   cmocka_unit_test(test_shards_and_merge),
      cmocka_unit_test(test_mpi_equals_local),    cmocka_unit_test(test_search),
      cmocka_unit_test(test_crash_recorded),      cmocka_unit_test(test_cli_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
