/*
 * The int8 digits models in C against what the Python exporter measured:
 * every test-image prediction equal to workloads/digits/NAME-pred.txt (written
 * by numpy's integer inference) and the accuracy equal to the recorded
 * clean accuracy. Plus reader errors with file and line.
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

#include "qnet.h"

#define DG AX_SRC_DIR "/workloads/digits/"

static void check_model(const char *model, const char *pred)
{
  ax_qnet net;
  ax_qdata d;
  char err[512] = "";
  assert_int_equal(ax_qnet_load(model, &net, err, sizeof err), 0);
  assert_int_equal(ax_qdata_load(DG "digits-test.axd", &net, &d, err, sizeof err), 0);
  assert_int_equal(d.n, 450);
  FILE *fp = fopen(pred, "r");
  assert_non_null(fp);
  char line[256];
  assert_non_null(fgets(line, sizeof line, fp)); /* comment */
  size_t px = (size_t)d.h * d.w * d.c;
  uint32_t ok = 0;
  for (uint32_t i = 0; i < d.n; i++) {
    int want;
    assert_int_equal(fscanf(fp, "%d", &want), 1);
    ax_qgold g;
    ax_qgold_run(&net, d.x + i * px, &g);
    assert_int_equal(g.top1, want);
    /* the partial path from any layer gives the same logits */
    void *scr = malloc(ax_qnet_scratch_bytes(&net));
    int32_t lg[16];
    for (size_t l = 0; l < net.nl; l++) {
      ax_qnet_run_from(&net, l, g.in[l], lg, NULL, scr);
      assert_memory_equal(lg, g.logits, sizeof(int32_t) * g.nclass);
    }
    free(scr);
    ok += g.top1 == d.label[i];
    ax_qgold_free(&net, &g);
  }
  fclose(fp);
  double acc = (double)ok / d.n;
  print_message("%s: %u / %u correct, accuracy %.6f (exporter: %.6f)\n", net.name, ok, d.n, acc,
                net.clean_accuracy);
  assert_true(acc > net.clean_accuracy - 1e-6 && acc < net.clean_accuracy + 1e-6);
  assert_int_equal(net.clean_images, d.n);
  ax_qdata_free(&d);
  ax_qnet_free(&net);
}

static void test_cnn(void **st) { (void)st; check_model(DG "digits-cnn.axq", DG "digits-cnn-pred.txt"); }
static void test_mlp(void **st) { (void)st; check_model(DG "digits-mlp.axq", DG "digits-mlp-pred.txt"); }

static void bad_model(const char *text, const char *want)
{
  const char *p = AX_BIN_DIR "/tests/faults/bad.axq";
  write_file(p, text);
  ax_qnet net;
  char err[512] = "";
  assert_int_not_equal(ax_qnet_load(p, &net, err, sizeof err), 0);
  if (!strstr(err, want)) {
    print_error("got '%s', want '%s'\n", err, want);
    fail();
  }
}

static void test_errors(void **st)
{
  (void)st;
  bad_model("axq 2\n", "bad.axq:1: axq version: '2' is not an integer in [1, 1]");
  bad_model("axq 1\ninput 8 8 1\nlayer conv c kh 9 kw 3 cin 1 cout 2 relu 1 mult 1 shift 1\n",
            "bad.axq:3: conv: kernel larger than its input");
  bad_model("axq 1\ninput 2 2 1\nlayer fc f cin 4 cout 1 relu 0 mult 0 shift 0\nw 4 1\n1\n2\n300\n",
            "bad.axq:7: weight: '300' is not an integer in [-128, 127]");
  bad_model("axq 1\ninput 2 2 1\nlayer fc f cin 4 cout 1 relu 0 mult 0 shift 0\nw 4 1\n1\n2\n3\n4\nb 1\n5\n",
            "bad.axq:10: file ends without 'end'");
  bad_model("axq 1\ninput 2 2 1\nlayer pool p k 2\n", "bad.axq:3: unknown layer kind 'pool'");
  bad_model("axq 1\ninput 2 2 1\nlayer fc f cin 5 cout 1 relu 0 mult 0 shift 0\n",
            "bad.axq:3: fc: cin differs from the size of its input");
  ax_qnet net;
  char err[512] = "";
  assert_int_not_equal(ax_qnet_load("/nonexistent.axq", &net, err, sizeof err), 0);
  assert_non_null(strstr(err, "/nonexistent.axq: cannot open"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_cnn),
    cmocka_unit_test(test_mlp),
    cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
