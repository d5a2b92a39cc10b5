/*
 * test_run.c - whole runs: determinism, deadlock report, watchdog, and an
 * end-to-end vector-unit-plus-memory run checked by hand.
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
#include "output.h"
#include "sim.h"

#define DIR AX_BIN_DIR "/tests_tmp_run"

static char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)len);
  assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
  fclose(f);
  *n = (size_t)len;
  return b;
}

static ax_sim *load_run(const char *cfg, char **ov, size_t nov) {
  char err[AX_ERR_MAX];
  ax_sim *s;
  int rc = ax_config_load(cfg, ov, nov, 0, 0, &s, err, sizeof err);
  if (rc != AX_OK) fprintf(stderr, "%s\n", err);
  assert_int_equal(rc, AX_OK);
  assert_int_equal(ax_sim_init_components(s, err, sizeof err), AX_OK);
  return s;
}

static const char *SYS =
    "seed = 11;\n"
    "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:v\"; };\n"
    "v = { model = \"vector\"; lanes = 16; burst_bytes = 64; outstanding = 4; };\n"
    "m = { model = \"memory\"; latency_ns = 10.0; bandwidth_gbps = 6.4; };\n"
    "links = ( { from = \"host.unit0\"; to = \"v.ctl\"; },\n"
    "          { from = \"v.mem\"; to = \"m.in0\"; } );\n";

/* One eltwise relu of 256 int8 elements: 256 B in, 256 B out, 64 B bursts.
 * Memory: 64 B at 6.4 GB/s = 10 ns on the bus, answer 10 ns after the
 * last byte; links have no latency. The 4 reads queue on the bus at t=0:
 * bus busy 0-10, 10-20, 20-30, 30-40 ns, answers at 20, 30, 40, 50 ns.
 * Compute: 256/16 + 8 = 24 cycles = 24 ns at 1 GHz, done before the last
 * read. Writes go out when the last read is back (50 ns): 4 x 64 B, the
 * window of 4 outstanding lets all go at once: bus 50-60 ... 80-90 ns,
 * last answer 100 ns. The op ends at 100 ns. */
static void test_hand_checked_run(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t.axt", "axtrace 1\neltwise name=r elems=256 fn=relu\n");
  write_file(DIR "/sys.cfg", SYS);
  ax_sim *s = load_run(DIR "/sys.cfg", NULL, 0);
  assert_int_equal(ax_sim_run(s), AX_OK);
  assert_int_equal(s->layers[0].done, 1);
  assert_int_equal(s->layers[0].start, 0);
  assert_int_equal(s->layers[0].end, 100000);
  assert_int_equal(s->layers[0].bytes[AX_LVL_DRAM], 512);
  /* the same bytes by memory: 256 read from and 256 written to m */
  assert_int_equal(s->ntraffic, 1);
  assert_string_equal(s->traffic[0].target, "m");
  assert_int_equal(s->traffic[0].rd, 256);
  assert_int_equal(s->traffic[0].wr, 256);
  /* energy: 256 lane ops x 1 pJ on v; 512 B x 120 pJ on m */
  ax_sim_collect_stats(s);
  double e = ax_sim_total_energy(s);
  assert_true(e > 256 + 512 * 120 - 1e-6 && e < 256 + 512 * 120 + 1e-6);
  /* and all of it is the op's: its requests carry it to the memory */
  assert_true(s->layers[0].energy_pj > 256 + 512 * 120 - 1e-6 && s->layers[0].energy_pj < 256 + 512 * 120 + 1e-6);
  ax_sim_free(s);
}

/* The same run sampled every 10 ns (sim.sample_ns): the memory's counters
 * over time follow the hand timeline above - 4 reads accepted at t = 0
 * (after the first sample, taken before anything starts), 4 writes at
 * 50 ns when the last read is back - and sampling stops with the run at
 * 100 ns: 11 samples, t = 0, 10, ..., 100 ns. */
static void test_time_series(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t.axt", "axtrace 1\neltwise name=r elems=256 fn=relu\n");
  char cfg[2048];
  snprintf(cfg, sizeof cfg, "sim = { sample_ns = 10.0; };\n%s", SYS);
  write_file(DIR "/ts.cfg", cfg);
  ax_sim *s = load_run(DIR "/ts.cfg", NULL, 0);
  assert_int_equal(ax_sim_run(s), AX_OK);
  assert_int_equal(s->q.now, 100000);
  int m = -1;
  for (size_t i = 0; i < s->ncomps; i++)
    if (!strcmp(s->comps[i]->name, "m")) m = (int)i;
  int nreads = 0, nwrites = 0;
  for (size_t i = 0; i < s->nseries; i++) {
    const ax_series_row *r = &s->series[i];
    if (r->comp != m) continue;
    if (!strcmp(r->name, "reads")) {
      assert_int_equal(r->t, (ax_time_t)nreads * 10000);
      assert_true(r->v == (r->t == 0 ? 0 : 4));
      nreads++;
    }
    if (!strcmp(r->name, "writes")) {
      assert_int_equal(r->t, (ax_time_t)nwrites * 10000);
      assert_true(r->v == (r->t < 50000 ? 0 : 4));
      nwrites++;
    }
  }
  assert_int_equal(nreads, 11);
  assert_int_equal(nwrites, 11);
  /* the result file has the table */
  ax_sim_collect_stats(s);
  char err[AX_ERR_MAX];
  assert_int_equal(ax_sim_write(s, DIR "/ts.h5", 0, err, sizeof err), AX_OK);
  ax_sim_free(s);
  assert_int_equal(system("h5ls " DIR "/ts.h5/timeseries > /dev/null"), 0);
}

/* Same config and seed: byte-identical result files (wall time fixed). */
static void test_determinism(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t2.axt",
             "axtrace 1\neltwise name=a elems=5000 fn=add\nsoftmax name=b elems=3000 deps=a\n"
             "norm name=c elems=7000 type=layer deps=a\neltwise name=d elems=999 fn=gelu deps=b,c\n");
  write_file(DIR "/det.cfg",
             "seed = 3;\nhost = { model = \"host\"; trace = \"t2.axt\"; map = \"*:v\"; };\n"
             "v = { model = \"vector\"; };\nm = { model = \"memory\"; };\n"
             "links = ( { from = \"host.unit0\"; to = \"v.ctl\"; latency_ns = 1.5; },\n"
             "          { from = \"v.mem\"; to = \"m.in0\"; bandwidth_gbps = 12.0; depth = 3; } );\n");
  char err[AX_ERR_MAX];
  for (int i = 0; i < 2; i++) {
    ax_sim *s = load_run(DIR "/det.cfg", NULL, 0);
    assert_int_equal(ax_sim_run(s), AX_OK);
    ax_sim_collect_stats(s);
    assert_int_equal(ax_sim_write(s, i ? DIR "/det1.h5" : DIR "/det0.h5", 0.0, err, sizeof err), AX_OK);
    ax_sim_free(s);
  }
  size_t n0, n1;
  char *a = slurp(DIR "/det0.h5", &n0), *b = slurp(DIR "/det1.h5", &n1);
  assert_int_equal(n0, n1);
  assert_memory_equal(a, b, n0);
  free(a);
  free(b);
}

/* A unit that takes ops and never answers: the run must end with a
 * deadlock report naming who waits for what. */
static int sink_recv(ax_component *c, ax_port *p, const ax_msg *m) {
  (void)c, (void)p, (void)m;
  return AX_OK;
}
static const char *sink_waiting(ax_component *c) {
  (void)c;
  return "an op it will never finish";
}
static const ax_port_def sink_ports[] = {{"ctl", ""}, {NULL, NULL}};
static const ax_model sink_model = {.abi = AX_ABI_VERSION, .name = "sink", .ports = sink_ports,
                                    .recv = sink_recv, .waiting = sink_waiting};

static void test_deadlock(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t3.axt", "axtrace 1\ngemm name=g m=4 n=4 k=4\n");
  write_file(DIR "/dl.cfg",
             "host = { model = \"host\"; trace = \"t3.axt\"; map = \"*:v\"; };\n"
             "v = { model = \"vector\"; };\n"
             "links = ( { from = \"host.unit0\"; to = \"v.ctl\"; } );\n");
  ax_sim *s = load_run(DIR "/dl.cfg", NULL, 0);
  /* Replace the vector unit's model by the sink (same port name). */
  s->comps[1]->model = &sink_model;
  assert_int_equal(ax_sim_run(s), AX_EIO);
  assert_string_equal(s->err,
                      "deadlock at 0.000 us: no event left but host waits: 1 op(s) unfinished, 1 running "
                      "(e.g. 'g' on v, no DONE came back); v waits: an op it will never finish");
  s->comps[1]->model->destroy ? (void)0 : (void)0;
  s->comps[1]->initialised = 0; /* its priv belongs to the vector model */
  free(ax_comp_priv(s->comps[1]));
  ax_sim_free(s);
}

/* A model that wakes itself every cycle forever: the watchdog stops it. */
static void spin(ax_component *c, uint64_t a) { ax_schedule_cycles(c, 1, spin, a); }
static void spin_start(ax_component *c) { ax_schedule_cycles(c, 0, spin, 0); }
static const ax_model spin_model = {.abi = AX_ABI_VERSION, .name = "spin", .start = spin_start};

static void test_watchdog(void **st) {
  (void)st;
  ax_sim *s = ax_sim_new(1);
  ax_sim_add_component(s, "spinner", &spin_model, 1000, 0);
  s->watchdog = 5000000; /* 5 us */
  assert_int_equal(ax_sim_run(s), AX_EIO);
  assert_string_equal(s->err,
                      "watchdog: simulated time reached the limit of 5.000 us (sim.max_time_us) with "
                      "events still pending (next at 5.001 us); a model runs away or the limit is too low");
  /* it ran every cycle from 0 to 5 us inclusive */
  assert_int_equal(ax_evq_dispatched(&s->q), 5001);
  ax_sim_free(s);
}

/* A model that schedules itself with no delay, forever: time stops, the
 * watchdog cannot see it; the run stops as a livelock, both while the
 * queue is a small heap and with enough events pending for the wheel. */
static void again(ax_component *c, uint64_t a) { ax_schedule(c, 0, again, a); }
static void again_start(ax_component *c) { ax_schedule(c, 1000, again, 0); }
static void idle_ev(ax_component *c, uint64_t a) { (void)c, (void)a; }
static void crowd_start(ax_component *c) { /* 40 events far ahead: the wheel takes over */
  for (int i = 0; i < 40; i++) ax_schedule(c, 1000000 + (ax_time_t)i, idle_ev, 0);
}
static const ax_model again_model = {.abi = AX_ABI_VERSION, .name = "again", .start = again_start};
static const ax_model crowd_model = {.abi = AX_ABI_VERSION, .name = "crowd", .start = crowd_start};

static void test_livelock(void **st) {
  (void)st;
  for (int wheel = 0; wheel < 2; wheel++) {
    ax_sim *s = ax_sim_new(1);
    ax_sim_add_component(s, "looper", &again_model, 1000, 0);
    if (wheel) ax_sim_add_component(s, "crowd", &crowd_model, 1000, 0);
    s->q.same_time = 1u << 16; /* the default (1 << 24) takes a while under sanitizers */
    assert_int_equal(ax_sim_run(s), AX_EIO);
    assert_string_equal(s->err, "livelock at 0.001 us: 65536 events scheduled with no delay while "
                                "simulated time stands still; a model schedules itself with no "
                                "delay forever");
    /* event k (the first at 1 ns, then the zero-delay ones) pushes the
     * k-th event at now; the run stops after the 65,536th (the crowd's
     * events lie later) */
    assert_int_equal(ax_evq_dispatched(&s->q), 65536);
    ax_sim_free(s);
  }
}

/* A plug-in-style model (the exported ax_schedule, not the in-tree inline)
 * that schedules an event with no handler: the run fails naming it, and
 * the cancelled-looking event is never called. */
static int later_ran;
static void later(ax_component *c, uint64_t a) { (void)c, (void)a; later_ran = 1; }
static void nofn_start(ax_component *c) {
  (ax_schedule)(c, 5000, later, 0);
  (ax_schedule)(c, 1000, NULL, 0);
}
static const ax_model nofn_model = {.abi = AX_ABI_VERSION, .name = "nofn", .start = nofn_start};

static void test_null_handler(void **st) {
  (void)st;
  ax_sim *s = ax_sim_new(1);
  ax_sim_add_component(s, "bad", &nofn_model, 1000, 0);
  later_ran = 0;
  assert_int_equal(ax_sim_run(s), AX_EIO);
  assert_string_equal(s->err, "bad: scheduled an event with no handler (fn = NULL)");
  assert_int_equal(later_ran, 0); /* the run stopped before 5 ns */
  ax_sim_free(s);
}

/* A failing write leaves no file that looks complete. */
static void test_no_partial_output(void **st) {
  (void)st;
  char err[AX_ERR_MAX];
  ax_sim *s = ax_sim_new(1);
  assert_int_equal(ax_sim_write(s, "/nonexistent-dir/x.h5", 0, err, sizeof err), AX_EIO);
  assert_string_equal(err, "/nonexistent-dir/x.h5.tmp: cannot create HDF5 file (is the folder writable?)");
  ax_sim_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hand_checked_run), cmocka_unit_test(test_time_series),
      cmocka_unit_test(test_determinism),
      cmocka_unit_test(test_deadlock), cmocka_unit_test(test_watchdog),
      cmocka_unit_test(test_no_partial_output), cmocka_unit_test(test_null_handler),
      cmocka_unit_test(test_livelock),
  };
  return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
