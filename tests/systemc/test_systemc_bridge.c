/* test_systemc_bridge.c - the `systemc` model: a SystemC-hosted memory
 * against axsim's native `memory` (an independent implementation of the
 * same arithmetic) and against hand calculations, and the ordering of
 * events at the boundary between the two kernels.
 *
 * Every SystemC run is in a forked child (a SystemC kernel cannot be
 * restarted); the native runs are too, so the two are treated alike. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "axtest.h"

#include "axsc.h"
#include "config.h"
#include "output.h"
#include "sc_child.h"
#include "sim.h"

#define DIR AX_BIN_DIR "/tests_tmp_systemc"
#define NS 1000u

enum { NATIVE, SC_LT, SC_BLOCKING, NVARIANT };
static const char *const variant_name[] = {"native memory", "systemc memory",
                                           "systemc memory_blocking"};
/* The memory component's model settings in each variant. */
static const char *const variant_model[] = {
    "model = \"memory\";",
    "model = \"systemc\"; module = \"memory\";",
    "model = \"systemc\"; module = \"memory_blocking\";"};

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = calloc(1, (size_t)n + 1);
  if (fread(b, 1, (size_t)n, f) != (size_t)n) b[0] = 0;
  fclose(f);
  return b;
}

/* Everything a run produced that results show: end time, every layer row,
 * every statistic, total energy. */
static void summarize(ax_sim *s, FILE *f) {
  fprintf(f, "end %llu\n", (unsigned long long)ax_now(s));
  for (size_t i = 0; i < s->nlayers; i++) {
    ax_layer *l = &s->layers[i];
    fprintf(f, "layer %u %s start %llu end %llu macs %llu bytes %llu %llu %llu pe %llu/%llu e %.17g\n",
            l->id, l->name, (unsigned long long)l->start, (unsigned long long)l->end,
            (unsigned long long)l->macs, (unsigned long long)l->bytes[0],
            (unsigned long long)l->bytes[1], (unsigned long long)l->bytes[2],
            (unsigned long long)l->used_pe, (unsigned long long)l->total_pe, l->energy_pj);
  }
  for (size_t i = 0; i < s->nstats; i++)
    fprintf(f, "stat %s %s %.17g %s\n", s->comps[s->stats[i].comp]->name, s->stats[i].name,
            s->stats[i].v, s->stats[i].unit);
  fprintf(f, "energy %.17g\n", ax_sim_total_energy(s));
}

/* ---- whole systems from config files ------------------------------------- */

typedef struct cfg_job {
  const char *cfg;      /* config file */
  const char *ov[4];    /* overrides, NULL-terminated */
  const char *summary;  /* where the child writes the summary */
  int ring;             /* also put a SystemC ring of this size in the kernel */
} cfg_job;

/* Child: load, run, summarize. v[0] events, v[1] end time, v[2] layers done,
 * v[3] ring activations, v[4] SystemC's time at the end. */
static void child_cfg(const void *arg, sc_child_out *o) {
  const cfg_job *j = arg;
  ax_sim *s = NULL;
  size_t nov = 0;
  while (j->ov[nov]) nov++;
  axsc_ring *ring = NULL;
  if (j->ring) {
    if ((o->rc = axsc_init(o->msg, sizeof o->msg))) return;
    if (!(ring = axsc_ring_new((unsigned)j->ring, o->msg, sizeof o->msg))) {
      o->rc = -1;
      return;
    }
  }
  o->rc = ax_config_load(j->cfg, (char *const *)j->ov, nov, 0, 0, &s, o->msg, sizeof o->msg);
  if (o->rc) return;
  if ((o->rc = ax_sim_init_components(s, o->msg, sizeof o->msg))) goto out;
  if ((o->rc = ax_sim_run(s))) {
    snprintf(o->msg, sizeof o->msg, "%.500s", s->err);
    goto out;
  }
  ax_sim_collect_stats(s);
  FILE *f = fopen(j->summary, "w");
  if (!f) {
    o->rc = -1;
    goto out;
  }
  summarize(s, f);
  fclose(f);
  o->v[0] = ax_evq_dispatched(&s->q);
  o->v[1] = ax_now(s);
  for (size_t i = 0; i < s->nlayers; i++) o->v[2] += (uint64_t)s->layers[i].done;
  o->v[3] = axsc_ring_count(ring);
  o->v[4] = axsc_now_ps();
out:
  ax_sim_free(s);
}

/* Replace the one memory group's model line of the example config. */
static void write_variant(const char *src_text, int variant, const char *path) {
  const char *key = "model = \"systemc\";\n  module = \"memory\";";
  const char *at = strstr(src_text, key);
  assert_non_null(at);
  assert_null(strstr(at + 1, key)); /* exactly one */
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "%.*s%s%s", (int)(at - src_text), src_text, variant_model[variant], at + strlen(key));
  fclose(f);
}

/* configs/examples/systemc-memory.cfg and the same system with the native
 * memory (and with the blocking SystemC memory): identical results. */
static void test_example_native_vs_systemc(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  char *text = slurp(AX_SRC_DIR "/configs/examples/systemc-memory.cfg");
  assert_non_null(text);
  static char paths[NVARIANT][256], sums[NVARIANT][256];
  sc_child_out o[NVARIANT];
  char *sum[NVARIANT];
  for (int v = 0; v < NVARIANT; v++) {
    snprintf(paths[v], sizeof paths[v], DIR "/example%d.cfg", v);
    snprintf(sums[v], sizeof sums[v], DIR "/example%d.txt", v);
    write_variant(text, v, paths[v]);
    /* The trace path in the example is relative to configs/examples/. */
    cfg_job j = {paths[v], {"host.trace=" AX_SRC_DIR "/traces/small_cnn.axt", NULL}, sums[v], 0};
    if (v == SC_LT) j.cfg = AX_SRC_DIR "/configs/examples/systemc-memory.cfg", j.ov[0] = NULL;
    assert_int_equal(sc_child_run(child_cfg, &j, &o[v]), 0);
    if (o[v].rc) print_error("%s: %s\n", variant_name[v], o[v].msg);
    assert_int_equal(o[v].rc, AX_OK);
    sum[v] = slurp(sums[v]);
    assert_non_null(sum[v]);
  }
  /* The small CNN's 11 layers all ran; the run is long enough to matter
   * (tens of microseconds, tens of thousands of events). */
  assert_int_equal(o[NATIVE].v[2], 11);
  assert_true(o[NATIVE].v[1] > 10000000u);
  assert_true(o[NATIVE].v[0] > 10000u);
  for (int v = SC_LT; v < NVARIANT; v++) {
    assert_string_equal(sum[v], sum[NATIVE]); /* cycle for cycle, stat for stat */
    assert_int_equal(o[v].v[1], o[NATIVE].v[1]);
  }
  /* The LT target answers inside the request's own delta cycles: not one
   * axsim event more than native. The blocking one needs sync events. */
  assert_int_equal(o[SC_LT].v[0], o[NATIVE].v[0]);
  assert_true(o[SC_BLOCKING].v[0] > o[NATIVE].v[0]);
  for (int v = 0; v < NVARIANT; v++) free(sum[v]);
  free(text);
}

/* The hand-checked run of tests/core/test_run.c with the memory in
 * SystemC. One eltwise relu of 256 int8 elements: 256 B in, 256 B out in
 * 64 B bursts, 4 outstanding. Memory: 64 B at 6.4 GB/s = 10 ns on the bus,
 * answer 10 ns after the last byte; links without latency. The 4 reads
 * queue on the bus at t = 0: bus 0-10, 10-20, 20-30, 30-40 ns, answers at
 * 20, 30, 40, 50 ns. Compute (24 ns) ends before the last read. The 4
 * writes leave at 50 ns: bus 50-60 ... 80-90 ns, last answer 100 ns. */
static void test_hand_checked(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t.axt", "axtrace 1\neltwise name=r elems=256 fn=relu\n");
  for (int v = SC_LT; v < NVARIANT; v++) {
    char cfg[1024];
    snprintf(cfg, sizeof cfg,
             "seed = 11;\n"
             "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:v\"; };\n"
             "v = { model = \"vector\"; lanes = 16; burst_bytes = 64; outstanding = 4; };\n"
             "m = { %s latency_ns = 10.0; bandwidth_gbps = 6.4; };\n"
             "links = ( { from = \"host.unit0\"; to = \"v.ctl\"; },\n"
             "          { from = \"v.mem\"; to = \"m.in0\"; } );\n",
             variant_model[v]);
    write_file(DIR "/hand.cfg", cfg);
    cfg_job j = {DIR "/hand.cfg", {NULL}, DIR "/hand.txt", 0};
    sc_child_out o;
    assert_int_equal(sc_child_run(child_cfg, &j, &o), 0);
    if (o.rc) print_error("%s: %s\n", variant_name[v], o.msg);
    assert_int_equal(o.rc, AX_OK);
    assert_int_equal(o.v[2], 1);
    char *sum = slurp(DIR "/hand.txt");
    assert_non_null(strstr(sum, "layer 0 r start 0 end 100000 "));
    assert_non_null(strstr(sum, "stat m reads 4 reqs"));
    assert_non_null(strstr(sum, "stat m writes 4 reqs"));
    assert_non_null(strstr(sum, "stat m bus_busy_ps 80000 ps")); /* 8 x 10 ns */
    free(sum);
  }
}

/* ---- boundary ordering: a scripted requester ----------------------------- */

#define MAXREQ 16

typedef struct req {
  ax_time_t at;     /* when the driver sends it */
  uint64_t bytes;
  int write;
} req;

typedef struct script {
  const char *name;
  int queue;        /* the memory's queue */
  int ring;         /* SystemC ring in the same kernel (0: none) */
  size_t n;
  req r[MAXREQ];
  ax_time_t want[MAXREQ]; /* hand-calculated answer times */
} script;

typedef struct drv {
  const script *sc;
  ax_port *out;
  ax_time_t got[MAXREQ];
  int64_t ahead;    /* max over observations of SystemC time - axsim time */
  int observed;
} drv;

static drv g_drv; /* the child's one driver (the model table has no argument) */

static void observe(ax_component *c) {
  if (!axsc_started()) return;
  int64_t d = (int64_t)axsc_now_ps() - (int64_t)ax_now(ax_comp_sim(c));
  if (!g_drv.observed++ || d > g_drv.ahead) g_drv.ahead = d;
}

static void drv_send(ax_component *c, uint64_t i) {
  observe(c);
  const req *r = &g_drv.sc->r[i];
  ax_msg m = {AX_MSG_MEM_REQ, r->write ? AX_MSG_WRITE : 0, 0x1000 * i, r->bytes, i, 0, NULL};
  if (ax_port_send(g_drv.out, &m) != AX_OK)
    ax_fail(ax_comp_sim(c), "driver: link refused request %llu", (unsigned long long)i);
}

static int drv_init(ax_component *c, char *err, size_t errlen) {
  (void)err, (void)errlen;
  g_drv.out = ax_comp_port(c, "out");
  return AX_OK;
}

static void drv_start(ax_component *c) {
  for (size_t i = 0; i < g_drv.sc->n; i++)
    ax_schedule_at(c, g_drv.sc->r[i].at, AX_PRIO_NORMAL, drv_send, i);
}

static int drv_recv(ax_component *c, ax_port *p, const ax_msg *m) {
  (void)p;
  observe(c);
  if (m->kind != AX_MSG_MEM_RESP || m->tag >= g_drv.sc->n || g_drv.got[m->tag] != AX_TIME_NEVER)
    ax_fail(ax_comp_sim(c), "driver: unexpected message kind %d tag %llu", m->kind,
            (unsigned long long)m->tag);
  else
    g_drv.got[m->tag] = ax_now(ax_comp_sim(c));
  return AX_OK;
}

static const ax_port_def drv_ports[] = {{"out", "requests out, answers in"}, {NULL, NULL}};
static const ax_model drv_model = {.abi = AX_ABI_VERSION, .name = "test_driver", .doc = "",
                                   .params = NULL, .ports = drv_ports, .init = drv_init,
                                   .start = drv_start, .recv = drv_recv};

typedef struct script_job {
  const script *sc;
  int variant;
} script_job;

/* Child: memory from a one-group config, the driver added to it, joined
 * by a link without latency or bandwidth limit. v[i] = answer time of
 * request i; v[15] = how far SystemC was ever ahead (biased by 2^32);
 * v[14] ring activations; v[13] SystemC's final time. */
static void child_script(const void *arg, sc_child_out *o) {
  const script_job *j = arg;
  const script *sc = j->sc;
  memset(&g_drv, 0, sizeof g_drv);
  g_drv.sc = sc;
  for (size_t i = 0; i < MAXREQ; i++) g_drv.got[i] = AX_TIME_NEVER;
  axsc_ring *ring = NULL;
  if (sc->ring) {
    if ((o->rc = axsc_init(o->msg, sizeof o->msg))) return;
    if (!(ring = axsc_ring_new((unsigned)sc->ring, o->msg, sizeof o->msg))) {
      o->rc = -1;
      return;
    }
  }
  char cfg[512], path[256];
  snprintf(path, sizeof path, DIR "/script%d.cfg", (int)getpid());
  snprintf(cfg, sizeof cfg, "m = { %s latency_ns = 10.0; bandwidth_gbps = 6.4; queue = %d; };\n",
           variant_model[j->variant], sc->queue);
  FILE *f = fopen(path, "w");
  if (!f) {
    o->rc = -1;
    return;
  }
  fputs(cfg, f);
  fclose(f);
  ax_sim *s = NULL;
  if ((o->rc = ax_config_load(path, NULL, 0, 0, 0, &s, o->msg, sizeof o->msg))) return;
  ax_component *d = ax_sim_add_component(s, "drv", &drv_model, NS, 0);
  ax_port *mp = ax_comp_port_get(ax_sim_find(s, "m"), "in0", 1);
  if ((o->rc = ax_link_join(s, ax_comp_port(d, "out"), mp, 0, 0.0, 64, 0, o->msg, sizeof o->msg)))
    goto out;
  if ((o->rc = ax_sim_init_components(s, o->msg, sizeof o->msg))) goto out;
  if ((o->rc = ax_sim_run(s))) {
    snprintf(o->msg, sizeof o->msg, "%.500s", s->err);
    goto out;
  }
  for (size_t i = 0; i < sc->n; i++) o->v[i] = g_drv.got[i];
  o->v[15] = (uint64_t)(g_drv.ahead + ((int64_t)1 << 32));
  o->v[14] = axsc_ring_count(ring);
  o->v[13] = axsc_now_ps();
out:
  ax_sim_free(s);
  remove(path);
}

/* Memory: 10 ns latency, 6.4 GB/s, so 64 B hold the bus 10 ns and 128 B
 * 20 ns. Answer time = max(arrival, bus free) + bytes/bandwidth + 10 ns. */
static const script scripts[] = {
    /* Two requests at one instant: the second waits for the bus. */
    {"same instant", 64, 0, 2, {{0, 64, 0}, {0, 64, 0}}, {20 * NS, 30 * NS}},
    /* A request arriving exactly when an answer leaves (20 ns), and one
     * exactly when that one's answer leaves (40 ns); then one after a
     * long idle gap, and a write sharing its instant. */
    {"edges and gaps",
     64,
     0,
     5,
     {{0, 64, 0}, {20 * NS, 64, 0}, {40 * NS, 64, 1}, {1000 * NS + 1, 64, 0}, {1000 * NS + 1, 128, 1}},
     {20 * NS, 40 * NS, 60 * NS, 1020 * NS + 1, 1040 * NS + 1}},
    /* queue = 1: the second of two simultaneous requests is refused, held
     * by the link and redelivered when the first answer leaves at 20 ns:
     * bus 20-30, answer 40. The third (at 5 ns) queues behind it on the
     * link: delivered at 40 ns, answered at 60. */
    {"queue full", 1, 0, 3, {{0, 64, 0}, {0, 64, 0}, {5 * NS, 64, 0}}, {20 * NS, 40 * NS, 60 * NS}},
    /* SystemC has its own activity (a ring of 3 SC_METHODs, every ns):
     * it must neither disturb the answers nor keep the run alive. */
    {"with SystemC activity",
     64,
     3,
     3,
     {{0, 64, 0}, {7 * NS + 500, 128, 0}, {2000 * NS, 64, 1}},
     {20 * NS, 40 * NS, 2020 * NS}},
};

static void test_boundary_ordering(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  for (size_t k = 0; k < sizeof scripts / sizeof scripts[0]; k++) {
    const script *sc = &scripts[k];
    for (int v = 0; v < NVARIANT; v++) {
      if (sc->ring && v == NATIVE) continue; /* the ring is SystemC's */
      script_job j = {sc, v};
      sc_child_out o;
      assert_int_equal(sc_child_run(child_script, &j, &o), 0);
      if (o.rc) print_error("%s / %s: %s\n", sc->name, variant_name[v], o.msg);
      assert_int_equal(o.rc, AX_OK);
      for (size_t i = 0; i < sc->n; i++) {
        if (o.v[i] != sc->want[i])
          print_error("%s / %s: request %zu answered at %llu ps, hand calculation %llu ps\n",
                      sc->name, variant_name[v], i, (unsigned long long)o.v[i],
                      (unsigned long long)sc->want[i]);
        assert_int_equal(o.v[i], sc->want[i]);
      }
      if (v == NATIVE) continue;
      /* SystemC never ran ahead of axsim at any observation. */
      assert_true((int64_t)o.v[15] - ((int64_t)1 << 32) <= 0);
      if (sc->ring) {
        /* SystemC was last advanced at the last request (2000 ns) for the
         * LT memory, at the last answer's due time (2020 ns) for the
         * blocking one; the ring ran every ns from 0 through then. */
        uint64_t last = v == SC_LT ? 2000 * NS : 2020 * NS;
        assert_int_equal(o.v[13], last);
        assert_int_equal(o.v[14], (uint64_t)sc->ring * (last / NS + 1));
      }
    }
  }
}

/* ---- errors ---------------------------------------------------------------- */

/* Child: two SystemC-hosted runs in one process; the second must refuse. */
static void child_twice(const void *arg, sc_child_out *o) {
  (void)arg;
  write_file(DIR "/one.cfg", "m = { model = \"systemc\"; };\n");
  for (int i = 0; i < 2; i++) {
    ax_sim *s = NULL;
    if ((o->rc = ax_config_load(DIR "/one.cfg", NULL, 0, 0, 0, &s, o->msg, sizeof o->msg))) return;
    o->rc = ax_sim_init_components(s, o->msg, sizeof o->msg);
    if (o->rc == AX_OK) o->rc = ax_sim_run(s);
    ax_sim_free(s);
    o->v[i] = (uint64_t)(int64_t)o->rc;
    if (o->rc) return;
  }
}

static void test_no_second_run(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  sc_child_out o;
  assert_int_equal(sc_child_run(child_twice, NULL, &o), 0);
  assert_int_equal(o.v[0], AX_OK);
  assert_int_equal(o.rc, AX_EINVAL);
  assert_non_null(strstr(o.msg, "cannot be restarted"));
  assert_non_null(strstr(o.msg, "its own process"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_example_native_vs_systemc),
      cmocka_unit_test(test_hand_checked),
      cmocka_unit_test(test_boundary_ordering),
      cmocka_unit_test(test_no_second_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
