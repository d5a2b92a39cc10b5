/*
 * test_sweep_errors.c - bad sweep files and the exact error each gives:
 * file, line, setting, what was expected, and the closest valid name.
 * "%F" in an expected message stands for the sweep file, "%D" for its folder.
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

#include "sim.h"
#include "sweep.h"

#define DIR AX_BIN_DIR "/tests_tmp_sweep_errors"

static const char *SYS =
    "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:v\"; };\n"
    "v = { model = \"vector\"; lanes = 16; };\n"
    "m = { model = \"memory\"; latency_ns = 10.0; bandwidth_gbps = 6.4; };\n"
    "links = ( { from = \"host.unit0\"; to = \"v.ctl\"; }, { from = \"v.mem\"; to = \"m.in0\"; } );\n";

#define B "base = \"sys.cfg\";\n"
#define P "params = ( { set = \"v.lanes\"; values = [8, 16]; } );\n"

typedef struct bad {
  const char *what, *text, *expect;
} bad;

static const bad cases[] = {
    {"missing file", NULL, "%F: cannot open sweep file: No such file or directory"},
    {"syntax error", B "params = ( { set = ; } );\n", "%F:2: syntax error: syntax error"},
    {"unknown root setting", B P "parms = 3;\n",
     "%F:3: setting 'parms': unknown setting (did you mean 'params'?); a sweep file takes base, mode, params, points, seed, seeds, metrics, objectives, constraints, algorithm, budget, population"},
    {"no base", P, "%F: missing setting 'base': the system to sweep, e.g. base = \"../default.cfg\";"},
    {"base not a string", "base = 3;\n" P, "%F:1: setting 'base': expected a config file name (string)"},
    {"base missing", "base = \"nope.cfg\";\n" P,
     "%F:1: setting 'base': the base system does not load: %D/nope.cfg: cannot open config: No such file or directory"},
    {"bad mode", B "mode = \"gird\";\n" P,
     "%F:2: setting 'mode': expected one of grid, list, zip, random, lhs, search, got \"gird\" (did you mean \"grid\"?)"},
    {"no params", B, "%F: missing setting 'params': ( { set = \"comp.setting\"; values = [...]; }, ... )"},
    {"empty params", B "params = ();\n", "%F:2: setting 'params': expected a non-empty list ( { set = \"comp.setting\"; values = [...]; }, ... )"},
    {"unknown component", B "params = ( { set = \"vv.lanes\"; values = [8]; } );\n",
     "%F:2: setting 'params.[0].set': the base system %D/sys.cfg has no component 'vv' (did you mean 'v'?)"},
    {"unknown setting", B "params = ( { set = \"v.lane\"; values = [8]; } );\n",
     "%F:2: setting 'params.[0].set': component 'v' (model vector) has no setting 'lane' (did you mean 'lanes'?); `axsim models vector` lists them"},
    {"set without a dot", B "params = ( { set = \"lanes\"; values = [8]; } );\n",
     "%F:2: setting 'params.[0].set': expected \"component.setting\" (e.g. \"sa0.rows\"), got \"lanes\""},
    {"unknown parameter key", B "params = ( { set = \"v.lanes\"; vales = [8]; } );\n",
     "%F:2: setting 'params.[0].vales': unknown setting (did you mean 'values'?); a parameter takes set, values, min, max, log, integer"},
    {"value out of range", B "params = ( { set = \"v.lanes\";\n  values = [8, -1]; } );\n",
     "%F:3: setting 'params.[0].values.[1]': the base system rejects v.lanes=-1: %D/sys.cfg:2: setting 'v.lanes': expected an integer in [1, 65536], got -1"},
    {"value of wrong type", B "params = ( { set = \"v.lanes\"; values = [\"many\"]; } );\n",
     "%F:2: setting 'params.[0].values.[0]': the base system rejects v.lanes=\"many\": -s v.lanes=\"many\": 'v.lanes' (%D/sys.cfg:2) is an integer, the value given is a string"},
    {"value twice", B "params = ( { set = \"v.lanes\"; values = [8, 16, 8]; } );\n",
     "%F:2: setting 'params.[0].values.[2]': value 8 appears twice"},
    {"no values", B "params = ( { set = \"v.lanes\"; } );\n",
     "%F:2: setting 'params.[0]': parameter 'v.lanes' needs values = [...] or a range min = ...; max = ...;"},
    {"range in a grid", B "params = ( { set = \"m.latency_ns\"; min = 1.0; max = 2.0; } );\n",
     "%F:2: setting 'params.[0].min': a min/max range needs mode \"random\", \"lhs\" or \"search\"; mode \"grid\" takes values = [...]"},
    {"min above max", B "mode = \"random\"; points = 4;\nparams = ( { set = \"m.latency_ns\"; min = 5.0; max = 2.0; } );\n",
     "%F:3: setting 'params.[0].max': expected max > min (5), got 2"},
    {"max outside the model's range", B "mode = \"lhs\"; points = 4;\nparams = ( { set = \"v.lanes\"; min = 1; max = 100000; } );\n",
     "%F:3: setting 'params.[0].max': the base system rejects v.lanes=100000: %D/sys.cfg:2: setting 'v.lanes': expected an integer in [1, 65536], got 100000"},
    {"log range from 0", B "mode = \"random\"; points = 4;\nparams = ( { set = \"m.latency_ns\"; min = 0.0; max = 2.0; log = true; } );\n",
     "%F:3: setting 'params.[0].min': a log range needs min > 0, got 0"},
    {"swept twice", B "params = ( { set = \"v.lanes\"; values = [8]; },\n { set = \"v.lanes\"; values = [4]; } );\n",
     "%F:3: setting 'params.[1].set': 'v.lanes' is swept twice (also params.[0])"},
    {"random without points", B "mode = \"random\";\n" P,
     "%F:3: setting 'params': mode \"random\" needs points = N, the number of points"},
    {"points in a grid", B P "points = 4;\n",
     "%F:3: setting 'points': points applies to modes random, lhs (a count) and list (the points); mode \"grid\" makes its own"},
    {"zip of unequal lists", B "mode = \"zip\";\nparams = ( { set = \"v.lanes\"; values = [8, 16]; },\n { set = \"m.latency_ns\"; values = [1.0]; } );\n",
     "%F:4: setting 'params.[1].values': mode \"zip\" needs every values list as long as the first (2), got 1"},
    {"list point of wrong length", B "mode = \"list\";\nparams = ( { set = \"v.lanes\"; }, { set = \"m.latency_ns\"; } );\npoints = ( (8, 1.0),\n (16) );\n",
     "%F:5: setting 'points.[1]': expected a list of 2 values (one per parameter, in order), got a list of another length"},
    {"objective with a misspelt name", B P "objectives = [\"sim_time_ps\", \"enrgy_pj\"];\n",
     "%F:3: setting 'objectives.[1]': unknown name 'enrgy_pj' (did you mean 'energy_pj'?): expressions read sim_time_ps, energy_pj, ops, macs, events, metrics defined above, swept settings and component.setting / component.statistic of the base system"},
    {"objective syntax", B P "objectives = [\"energy_pj *\"];\n",
     "%F:3: setting 'objectives.[0]': expression \"energy_pj *\": expected a number, a name or '(' at the end"},
    {"constraint without comparison", B P "constraints = [\"energy_pj\"];\n",
     "%F:3: setting 'constraints.[0]': expected a comparison \"expr OP expr\" with OP among < <= > >= == !=, got \"energy_pj\""},
    {"metric without expr", B P "metrics = ( { name = \"area\"; } );\n",
     "%F:3: setting 'metrics.[0]': expected { name = \"...\"; expr = \"...\"; } (two strings)"},
    {"metric using a later metric", B P "metrics = ( { name = \"a\"; expr = \"b * 2\"; }, { name = \"b\"; expr = \"ops\"; } );\n",
     "%F:3: setting 'metrics.[0].expr': unknown name 'b': expressions read sim_time_ps, energy_pj, ops, macs, events, metrics defined above, swept settings and component.setting / component.statistic of the base system"},
    {"search without budget", B "mode = \"search\";\n" P "objectives = [\"sim_time_ps\"];\n",
     "%F: mode \"search\" needs budget = N, the number of runs"},
    {"search without objective", B "mode = \"search\"; budget = 10;\n" P,
     "%F: mode \"search\" needs objectives = [\"...\"]: the first is minimised"},
    {"search algorithm misspelt", B "mode = \"search\"; budget = 10; algorithm = \"evolutoin\";\n" P "objectives = [\"sim_time_ps\"];\n",
     "%F:2: setting 'algorithm': expected \"random\" or \"evolution\" (did you mean \"evolution\"?)"},
    {"budget outside search", B P "budget = 10;\n", "%F:3: setting 'budget': applies to mode \"search\" only"},
    {"bad seeds", B P "seeds = [1, -2];\n", "%F:3: setting 'seeds.[1]': expected an integer in [0, 9223372036854775807]"},
};

/* Replace %F and %D in an expected message. */
static void expand(const char *in, char *out, size_t n) {
  size_t o = 0;
  for (const char *p = in; *p && o + 1 < n; p++) {
    if (p[0] == '%' && (p[1] == 'F' || p[1] == 'D')) {
      o += (size_t)snprintf(out + o, n - o, "%s", p[1] == 'F' ? DIR "/sw.cfg" : DIR);
      p++;
    } else {
      out[o++] = *p;
    }
  }
  out[o] = 0;
}

static void test_bad_sweeps(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t.axt", "axtrace 1\neltwise name=r elems=256 fn=relu\n");
  write_file(DIR "/sys.cfg", SYS);
  int failed = 0;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    unlink(DIR "/sw.cfg");
    if (cases[i].text) write_file(DIR "/sw.cfg", cases[i].text);
    char err[AX_ERR_MAX] = "", want[AX_ERR_MAX];
    ax_sweep *sw = NULL;
    int rc = ax_sweep_load(DIR "/sw.cfg", &sw, err, sizeof err);
    expand(cases[i].expect, want, sizeof want);
    if (rc != AX_EINVAL || strcmp(err, want)) {
      fprintf(stderr, "case '%s':\n  got  (%d) %s\n  want      %s\n", cases[i].what, rc, err, want);
      failed++;
    }
    ax_sweep_free(sw);
  }
  assert_int_equal(failed, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_bad_sweeps)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
