/*
 * test_llm_cli.c - `axsim llmtrace` end to end: a trace it writes reads back
 * with the op count worked out by hand; bad usage exits 2 with a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "sim.h"
#include "trace.h"

#define AXSIM AX_BIN_DIR "/axsim"
#define DIR AX_BIN_DIR "/tests_tmp_llmcli"

static int run(const char *args) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "%s %s > " DIR "/out.txt 2> " DIR "/err.txt", AXSIM, args);
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path) {
  static char buf[8192];
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  fclose(f);
  return buf;
}

/* GPT-2 medium, 2 decode steps: 24 layers x 12 ops + 5 per step = 293 x 2. */
static void test_writes_trace(void **st) {
  (void)st;
  assert_int_equal(run("llmtrace --model gpt2-medium --phase decode --context 8 --tokens 2 -o " DIR "/t.axt"), 0);
  char err[600];
  ax_trace *t = ax_trace_open(DIR "/t.axt", err, sizeof err);
  assert_non_null(t);
  ax_op op;
  int n = 0, rc;
  while ((rc = ax_trace_next(t, &op, err, sizeof err)) == 1) n++;
  assert_int_equal(rc, 0);
  ax_trace_close(t);
  assert_int_equal(n, 2 * (24 * 12 + 5));
}

static void test_bad_usage(void **st) {
  (void)st;
  assert_int_equal(run("llmtrace --model gpt2"), 2);
  assert_non_null(strstr(slurp(DIR "/err.txt"), "--model and --phase are required"));
  assert_int_equal(run("llmtrace --model gpt2 --phase middle"), 2);
  assert_non_null(strstr(slurp(DIR "/err.txt"), "--phase: expected prefill or decode, got 'middle'"));
  assert_int_equal(run("llmtrace --model llama-2-7b --phase decode"), 2);
  assert_non_null(strstr(slurp(DIR "/err.txt"), "unknown model 'llama-2-7b' (did you mean 'llama2-7b'?)"));
  assert_int_equal(run("llmtrace --model gpt2 --phase decode --batch 0"), 2);
  assert_non_null(strstr(slurp(DIR "/err.txt"), "--batch: expected an integer in 1..1048576, got '0'"));
  assert_int_equal(run("llmtrace --model gpt2 --phase decode --tokens"), 2);
  assert_int_equal(run("llmtrace --model gpt2 --phase decode --context 1020 --tokens 10"), 2);
  assert_non_null(strstr(slurp(DIR "/err.txt"), "exceeds the model's max_ctx 1024"));
  assert_int_equal(run("llmtrace --help"), 0);
}

int main(void) {
  (void)!system("mkdir -p " DIR);
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_writes_trace), cmocka_unit_test(test_bad_usage)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
