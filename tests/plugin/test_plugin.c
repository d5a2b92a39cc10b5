/*
 * test_plugin.c - load the example plug-in from a config, run it, and check
 * the loader's errors (missing file, missing symbol, wrong ABI).
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
#include "sim.h"

#define DIR AX_BIN_DIR "/tests_tmp_plugin"
#define PLUG AX_BIN_DIR "/plugins/"

static int load(const char *plugin, const char *extra, ax_sim **s, char *err, size_t n) {
  char cfg[2048];
  snprintf(cfg, sizeof cfg,
           "plugins = [\"%s\"];\n"
           "host = { model = \"host\"; trace = \"t.axt\"; map = \"*:u\"; };\n"
           "u = { model = \"example_unit\"; clock_mhz = 500.0; %s };\n"
           "links = ( { from = \"host.unit0\"; to = \"u.ctl\"; } );\n",
           plugin, extra);
  write_file(DIR "/p.cfg", cfg);
  int rc = ax_config_load(DIR "/p.cfg", NULL, 0, 0, 0, s, err, n);
  if (rc == AX_OK) {
    rc = ax_sim_init_components(*s, err, n);
    if (rc != AX_OK) ax_sim_free(*s);
  }
  return rc;
}

/* gemm 8x8x8 = 512 MACs at 64/cycle = 8 cycles + 40 latency = 48 cycles at
 * 500 MHz = 96 ns. */
static void test_example_runs(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/t.axt", "axtrace 1\ngemm name=g m=8 n=8 k=8\n");
  ax_sim *s;
  char err[AX_ERR_MAX];
  int rc = load(PLUG "libax_example_unit.so", "latency_cycles = 40;", &s, err, sizeof err);
  if (rc) fprintf(stderr, "%s\n", err);
  assert_int_equal(rc, AX_OK);
  assert_int_equal(ax_sim_run(s), AX_OK);
  assert_int_equal(s->layers[0].end - s->layers[0].start, 96000);
  assert_int_equal(s->layers[0].macs, 512);
  ax_sim_free(s);
}

static void test_bad_param(void **st) {
  (void)st;
  ax_sim *s;
  char err[AX_ERR_MAX];
  assert_int_equal(load(PLUG "libax_example_unit.so", "latency_cycle = 4;", &s, err, sizeof err), AX_EINVAL);
  assert_string_equal(err, DIR "/p.cfg:3: setting 'u.latency_cycle': unknown setting for model example_unit (did you mean 'latency_cycles'?)");
}

static void test_missing_file(void **st) {
  (void)st;
  ax_sim *s;
  char err[AX_ERR_MAX];
  assert_int_equal(load(PLUG "libax_nothere.so", "", &s, err, sizeof err), AX_EINVAL);
  assert_string_equal(err, DIR "/p.cfg:1: setting 'plugins.[0]': cannot load plugin '" PLUG "libax_nothere.so': " PLUG
                           "libax_nothere.so: cannot open shared object file: No such file or directory");
}

static void test_missing_symbol(void **st) {
  (void)st;
  ax_sim *s;
  char err[AX_ERR_MAX];
  assert_int_equal(load(PLUG "libax_no_entry.so", "", &s, err, sizeof err), AX_EINVAL);
  assert_string_equal(err, DIR "/p.cfg:1: setting 'plugins.[0]': plugin '" PLUG "libax_no_entry.so' has no symbol ax_plugin_models (expected: const ax_model *const *ax_plugin_models(uint32_t abi))");
}

static void test_wrong_abi(void **st) {
  (void)st;
  ax_sim *s;
  char err[AX_ERR_MAX];
  assert_int_equal(load(PLUG "libax_bad_abi.so", "", &s, err, sizeof err), AX_EINVAL);
  assert_string_equal(err, DIR "/p.cfg:1: setting 'plugins.[0]': plugin '" PLUG "libax_bad_abi.so': model 'old_unit' was built for ABI version 42, this axsim has ABI version 1; rebuild it against this axsim's include/axsim/axsim.h");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_example_runs), cmocka_unit_test(test_bad_param),
      cmocka_unit_test(test_missing_file), cmocka_unit_test(test_missing_symbol),
      cmocka_unit_test(test_wrong_abi),
  };
  return cmocka_run_group_tests_name("plugin", tests, NULL, NULL);
}
