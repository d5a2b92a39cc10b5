/*
 * test_config_errors.c - bad configs and the exact error each must give.
 * "%F" in an expected message stands for the config file's path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "axtest.h"

#include "config.h"
#include "sim.h"

#define DIR AX_BIN_DIR "/tests_tmp_cfg"

/* A minimal valid system; cases below break one thing at a time. */
#define TRACE "axtrace 1\neltwise name=a elems=64\n"
#define HOST "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:v\"; };\n"
#define VEC "v = { model = \"vector\"; };\n"
#define LINK "links = ( { from = \"host.unit0\"; to = \"v.ctl\"; } );\n"

typedef struct bad {
  const char *what;
  const char *cfg;       /* NULL: no file at all */
  const char *ov;        /* one -s override, or NULL */
  const char *expect;    /* exact message */
} bad;

static const bad cases[] = {
    {"missing file", NULL, NULL, "%F: cannot open config: No such file or directory"},
    {"syntax error with line", "a = 1;\nb = ;\n", NULL, "%F:2: syntax error: syntax error"},
    {"missing include", "@include \"nope.cfg\"\n", NULL,
     "%F:1: syntax error: cannot open include file"},
    {"unknown root setting with suggestion", "sede = 3;\n" HOST VEC LINK, NULL,
     "%F:1: setting 'sede': unknown setting (did you mean 'seed'?)"},
    {"unknown root setting without suggestion", "zzzzzz = 3;\n" HOST VEC LINK, NULL,
     "%F:1: setting 'zzzzzz': unknown setting: expected a component group { model = \"...\"; ... } or one of name, seed, plugins, links, sim, output"},
    {"seed of wrong type", "seed = \"x\";\n" HOST VEC LINK, NULL,
     "%F:1: setting 'seed': expected a seed, an integer >= 0"},
    {"negative seed", "seed = -4;\n" HOST VEC LINK, NULL,
     "%F:1: setting 'seed': expected a seed, an integer >= 0"},
    {"unknown model with suggestion", HOST "v = { model = \"vectr\"; };\n" LINK, NULL,
     "%F:2: setting 'v.model': unknown model \"vectr\" (did you mean \"vector\"?); `axsim models` lists them"},
    {"unknown model", HOST "v = { model = \"qqqqqqqq\"; };\n" LINK, NULL,
     "%F:2: setting 'v.model': unknown model \"qqqqqqqq\"; `axsim models` lists the registered models"},
    {"model not a string", HOST "v = { model = 3; };\n" LINK, NULL,
     "%F:2: setting 'v.model': expected a model name (string), got an integer"},
    {"unknown parameter with suggestion", HOST "v = { model = \"vector\"; lane = 4; };\n" LINK, NULL,
     "%F:2: setting 'v.lane': unknown setting for model vector (did you mean 'lanes'?)"},
    {"wrong type: string for int", HOST "v = { model = \"vector\"; lanes = \"many\"; };\n" LINK, NULL,
     "%F:2: setting 'v.lanes': expected an integer in [1, 65536], got a string"},
    {"wrong type: float for int", HOST "v = { model = \"vector\"; lanes = 1.5; };\n" LINK, NULL,
     "%F:2: setting 'v.lanes': expected an integer in [1, 65536], got a number"},
    {"negative size", HOST "v = { model = \"vector\"; lanes = -16; };\n" LINK, NULL,
     "%F:2: setting 'v.lanes': expected an integer in [1, 65536], got -16"},
    {"float out of range", HOST VEC "m = { model = \"memory\"; bandwidth_gbps = -1.0; };\n" LINK, NULL,
     "%F:3: setting 'm.bandwidth_gbps': expected a number in [0.001, 1000000], got -1"},
    {"bad enum with suggestion", "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:v\"; format = \"axtrac\"; };\n" VEC LINK, NULL,
     "%F:1: setting 'host.format': expected one of auto|axtrace|scalesim|scalesim-gemm, got \"axtrac\" (did you mean \"axtrace\"?)"},
    {"missing required parameter", "host = { model = \"host\"; map = \"*:v\"; };\n" VEC LINK, NULL,
     "%F:1: setting 'host': component 'host' (model host) needs setting 'trace': layer trace to run (axtrace v1 or a SCALE-Sim topology .csv)"},
    {"trace file missing", "host = { model = \"host\"; trace = \"none.axt\"; map = \"*:v\"; };\n" VEC LINK, NULL,
     "%F:1: setting 'host.trace': file \"none.axt\" (resolved to " DIR "/none.axt): No such file or directory"},
    {"clock zero", HOST "v = { model = \"vector\"; clock_mhz = 0; };\n" LINK, NULL,
     "%F:2: setting 'v.clock_mhz': expected a clock frequency in MHz, a number in (0, 1e6]"},
    {"clock given twice", HOST "v = { model = \"vector\"; clock_mhz = 500.0; period_ps = 2000; };\n" LINK, NULL,
     "%F:2: setting 'v.period_ps': give clock_mhz or period_ps, not both"},
    {"dangling link: unknown component", HOST VEC "links = ( { from = \"host.unit0\"; to = \"vv.ctl\"; } );\n", NULL,
     "%F:3: setting 'links.[0].to': no component named 'vv' (did you mean 'v'?)"},
    {"dangling link: unknown port", HOST VEC "links = ( { from = \"host.unit0\"; to = \"v.ctrl\"; } );\n", NULL,
     "%F:3: setting 'links.[0].to': component 'v' (model vector) has no port 'ctrl' (did you mean 'ctl'?); its ports: ctl, mem"},
    {"link without to", HOST VEC "links = ( { from = \"host.unit0\"; } );\n", NULL,
     "%F:3: setting 'links.[0]': link needs 'to = \"component.port\"'"},
    {"link endpoint not comp.port", HOST VEC "links = ( { from = \"host\"; to = \"v.ctl\"; } );\n", NULL,
     "%F:3: setting 'links.[0].from': expected \"component.port\", got \"host\""},
    {"unknown link setting", HOST VEC "links = ( { from = \"host.unit0\"; to = \"v.ctl\"; latency = 3; } );\n", NULL,
     "%F:3: setting 'links.[0].latency': unknown link setting (did you mean 'latency_ns'?); links take from, to, latency_ns or latency_cycles, bandwidth_gbps, depth"},
    {"negative latency", HOST VEC "links = ( { from = \"host.unit0\"; to = \"v.ctl\"; latency_ns = -1.0; } );\n", NULL,
     "%F:3: setting 'links.[0].latency_ns': expected a latency in ns, a number >= 0"},
    {"zero depth", HOST VEC "links = ( { from = \"host.unit0\"; to = \"v.ctl\"; depth = 0; } );\n", NULL,
     "%F:3: setting 'links.[0].depth': expected the number of messages in flight, an integer in [1, 1048576]"},
    {"port linked twice", HOST VEC "w = { model = \"vector\"; };\nlinks = ( { from = \"host.unit0\"; to = \"v.ctl\"; }, { from = \"w.ctl\"; to = \"v.ctl\"; } );\n", NULL,
     "%F:4: setting 'links.[1]': port v.ctl is already linked (to host.unit0); a port takes one link"},
    {"duplicate component name", HOST VEC "v = { model = \"vector\"; };\n" LINK, NULL,
     "%F:3: syntax error: duplicate setting name"},
    {"plugin not found", "plugins = [\"./libnope.so\"];\n" HOST VEC LINK, NULL,
     "%F:1: setting 'plugins.[0]': cannot load plugin '" DIR "/./libnope.so': " DIR "/./libnope.so: cannot open shared object file: No such file or directory"},
    {"no component", "seed = 1;\n", NULL, "%F: no component: a system needs at least one group { model = \"...\"; }"},
    {"sim watchdog misspelt", "sim = { max_time = 5.0; };\n" HOST VEC LINK, NULL,
     "%F:1: setting 'sim.max_time': unknown setting (did you mean 'max_time_us'?); sim takes max_time_us, sample_ns"},
    {"sampling interval zero", "sim = { sample_ns = 0; };\n" HOST VEC LINK, NULL,
     "%F:1: setting 'sim.sample_ns': expected a sampling interval in ns, a number >= 0.001 (1 ps)"},
    {"override without =", HOST VEC LINK, "v.lanes",
     "-s v.lanes: expected key=value (e.g. -s sa0.rows=64)"},
    {"override into missing group", HOST VEC LINK, "npu.macs=4",
     "-s npu.macs=4: there is no group 'npu' in %F to set 'macs' in"},
    {"override wrong type", "v = { model = \"vector\"; lanes = 8; };\n" HOST LINK, "v.lanes=fast",
     "-s v.lanes=fast: 'v.lanes' (%F:1) is an integer, the value given is a string"},
    {"override of unknown parameter", HOST VEC LINK, "v.lans=4",
     "%F: setting 'v.lans' (set with -s): unknown setting for model vector (did you mean 'lanes'?)"},
    {"host map names no unit", "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:w\"; };\n" VEC LINK, NULL,
     "%F:1: component 'host' (model host): map: 'w' is not a unit linked to this host (link host.unitN -> w.ctl)"},
    {"host map bad kind", "host = { model = \"host\"; trace = \"t.axt\"; map = \"conv:v\"; };\n" VEC LINK, NULL,
     "%F:1: component 'host' (model host): map: unknown op kind 'conv' (conv2d, gemm, gemv, attention, softmax, norm, eltwise, pool, embed, moe, move or *)"},
    {"host without units", HOST VEC, NULL,
     "%F:1: component 'host' (model host): the host has no unit: link host.unit0 -> <unit>.ctl"},
};

static void expand(char *out, size_t n, const char *pat, const char *file) {
  size_t o = 0;
  for (const char *p = pat; *p && o + 1 < n; p++) {
    if (p[0] == '%' && p[1] == 'F') {
      o += (size_t)snprintf(out + o, n - o, "%s", file);
      p++;
    } else {
      out[o++] = *p;
    }
  }
  out[o] = 0;
}

static void test_bad_configs(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t.axt", TRACE);
  size_t n = sizeof cases / sizeof *cases;
  assert_true(n >= 25);
  int failures = 0;
  for (size_t i = 0; i < n; i++) {
    char file[256];
    snprintf(file, sizeof file, DIR "/case%zu.cfg", i);
    unlink(file);
    if (cases[i].cfg) write_file(file, cases[i].cfg);
    char *ov[1] = {(char *)cases[i].ov};
    char err[AX_ERR_MAX] = "";
    ax_sim *s = NULL;
    int rc = ax_config_load(file, ov, cases[i].ov ? 1 : 0, 0, 0, &s, err, sizeof err);
    if (rc == AX_OK) {
      rc = ax_sim_init_components(s, err, sizeof err);
      ax_sim_free(s);
    }
    char want[1024];
    expand(want, sizeof want, cases[i].expect, file);
    int ok = rc != AX_OK && !strcmp(err, want);
    if (!ok) {
      failures++;
      fprintf(stderr, "case %zu (%s):\n  want: %s\n  got:  %s (rc %d)\n", i, cases[i].what, want, err, rc);
    }
  }
  assert_int_equal(failures, 0);
}

/* The same minimal system is valid, so each case above fails for its one defect. */
static void test_base_is_valid(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t.axt", TRACE);
  write_file(DIR "/ok.cfg", HOST VEC LINK);
  char err[AX_ERR_MAX] = "";
  ax_sim *s = NULL;
  assert_int_equal(ax_config_load(DIR "/ok.cfg", NULL, 0, 0, 0, &s, err, sizeof err), AX_OK);
  assert_int_equal(ax_sim_init_components(s, err, sizeof err), AX_OK);
  assert_int_equal(ax_sim_run(s), AX_OK);
  /* eltwise relu of 64 int8 elements on 16 lanes: 64/16 + 8 pipeline = 12 cycles */
  assert_int_equal(s->layers[0].end - s->layers[0].start, 12 * 1000);
  ax_sim_free(s);
  /* an override changes a parameter: 32 lanes -> 64/32 + 8 = 10 cycles */
  char *ov[] = {"v.lanes=32"};
  assert_int_equal(ax_config_load(DIR "/ok.cfg", ov, 1, 0, 0, &s, err, sizeof err), AX_OK);
  assert_int_equal(ax_sim_init_components(s, err, sizeof err), AX_OK);
  assert_int_equal(ax_sim_run(s), AX_OK);
  assert_int_equal(s->layers[0].end - s->layers[0].start, 10 * 1000);
  ax_sim_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_base_is_valid),
                                     cmocka_unit_test(test_bad_configs)};
  return cmocka_run_group_tests_name("config_errors", tests, NULL, NULL);
}
