/*
 * test_trace.c - the trace reader: ops and their MAC counts checked by
 * hand, and bad traces with the exact message each gives.
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

#include "sim.h"
#include "trace.h"

#define DIR AX_BIN_DIR "/tests_tmp_trace"

static void test_ops_by_hand(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  write_file(DIR "/ok.axt",
             "# header may follow comments\n"
             "axtrace 1\n"
             "conv2d name=c1 in=3x224x224 out_c=64 kernel=7 stride=2 pad=3   # ResNet-50 conv1\n"
             "conv2d name=dw in=32x112x112 out_c=32 kernel=3 pad=1 groups=32 deps=c1\n"
             "gemm name=fc m=1 n=1000 k=2048 deps=@0,dw dtype=fp16 unit=sa0\n"
             "attention name=att heads=32 kv_heads=8 head_dim=128 q_len=1 kv_len=4096\n"
             "moe name=moe experts=8 top_k=2 m=4 n=14336 k=4096\n"
             "pool name=p in=64x112x112 kernel=3 stride=2 pad=1 pool=max\n"
             "\n");
  char err[600];
  ax_trace *t = ax_trace_open(DIR "/ok.axt", err, sizeof err);
  assert_non_null(t);
  ax_op op;
  uint32_t oh, ow;
  /* conv1: floor((224 + 6 - 7) / 2) + 1 = 112; 112*112*64*7*7*3 MACs */
  assert_int_equal(ax_trace_next(t, &op, err, sizeof err), 1);
  ax_op_out_hw(&op, &oh, &ow);
  assert_int_equal(oh, 112);
  assert_int_equal(ow, 112);
  assert_int_equal(ax_op_macs(&op), 112ull * 112 * 64 * 7 * 7 * 3);
  /* depthwise: 112*112*32*3*3*(32/32) */
  assert_int_equal(ax_trace_next(t, &op, err, sizeof err), 1);
  assert_int_equal(ax_op_macs(&op), 112ull * 112 * 32 * 9);
  assert_int_equal(op.ndeps, 1);
  assert_int_equal(op.deps[0], 0);
  /* gemm: 1*1000*2048, deps by id and by name, dtype and unit kept */
  assert_int_equal(ax_trace_next(t, &op, err, sizeof err), 1);
  assert_int_equal(ax_op_macs(&op), 2048000);
  assert_int_equal(op.ndeps, 2);
  assert_int_equal(op.deps[1], 1);
  assert_int_equal(op.dtype, AX_FP16);
  assert_string_equal(op.unit, "sa0");
  assert_int_equal(op.id, 2);
  /* decode attention: 32 heads x 2 x 1 x 4096 x 128 */
  assert_int_equal(ax_trace_next(t, &op, err, sizeof err), 1);
  assert_int_equal(ax_op_macs(&op), 32ull * 2 * 4096 * 128);
  /* moe: 4 tokens x 2 experts x 14336 x 4096 */
  assert_int_equal(ax_trace_next(t, &op, err, sizeof err), 1);
  assert_int_equal(ax_op_macs(&op), 4ull * 2 * 14336 * 4096);
  /* pool: floor((112 + 2 - 3) / 2) + 1 = 56, no MACs */
  assert_int_equal(ax_trace_next(t, &op, err, sizeof err), 1);
  ax_op_out_hw(&op, &oh, &ow);
  assert_int_equal(oh, 56);
  assert_int_equal(ax_op_macs(&op), 0);
  assert_int_equal(op.sub, AX_POOL_MAX);
  assert_int_equal(ax_trace_next(t, &op, err, sizeof err), 0);
  ax_trace_close(t);
}

typedef struct bad {
  const char *text, *expect;
} bad;

static const bad cases[] = {
    {"", "%F:0: empty trace: expected the header 'axtrace 1'"},
    {"gemm m=1 n=1 k=1\n", "%F:1: expected the header 'axtrace 1' first"},
    {"axtrace 2\n", "%F:1: trace format version 2; this axsim reads version 1"},
    {"axtrace 1\ngem m=1 n=1 k=1\n", "%F:2: unknown op kind 'gem' (did you mean 'gemm'?)"},
    {"axtrace 1\ngemm m=1 n=1\n", "%F:2: gemm op0: needs k > 0"},
    {"axtrace 1\ngemm m=1 n=x k=1\n", "%F:2: n: expected a non-negative integer, got 'x'"},
    {"axtrace 1\ngemm m=1 n=1 k=1 kk=3\n", "%F:2: unknown key 'kk' for gemm (did you mean 'k'?)"},
    {"axtrace 1\ngemm m=1 n=1 k=1 deps=zz\n", "%F:2: deps: no earlier op named 'zz' (deps must name ops above this line)"},
    {"axtrace 1\ngemm m=1 n=1 k=1 deps=@0\n", "%F:2: deps: '@0': there is no op above this line"},
    {"axtrace 1\ngemm m=1 n=1 k=1\ngemm m=1 n=1 k=1 deps=@1\n", "%F:3: deps: '@1' is not the id of an earlier op (ids 0..0 so far)"},
    {"axtrace 1\ngemm name=a m=1 n=1 k=1\ngemm name=a m=1 n=1 k=1\n", "%F:3: name 'a' is used already by op 0"},
    {"axtrace 1\nconv2d in=3x8 out_c=4 kernel=3\n", "%F:2: in: expected CxHxW (e.g. 3x224x224), got '3x8'"},
    {"axtrace 1\nconv2d in=3x8x8 out_c=4 kernel=9\n", "%F:2: conv2d op0: kernel 9x9 is larger than the padded input 8x8"},
    {"axtrace 1\nconv2d in=3x8x8 out_c=4 kernel=3 groups=2\n", "%F:2: conv2d op0: groups=2 must divide in_c=3 and out_c=4"},
    {"axtrace 1\nattention heads=6 kv_heads=4 head_dim=8 q_len=1 kv_len=9\n", "%F:2: attention op0: kv_heads=4 must divide heads=6"},
    {"axtrace 1\nmoe experts=2 top_k=3 m=1 n=1 k=1\n", "%F:2: moe op0: top_k=3 exceeds experts=2"},
    {"axtrace 1\neltwise elems=4 fn=swish\n", "%F:2: fn: unknown variant 'swish' for eltwise"},
    {"axtrace 1\ngemm m=1 n=1 k=1 dtype=int4\n", "%F:2: dtype: expected int8, int16, int32, fp16, bf16 or fp32, got 'int4'"},
    {"axtrace 1\ngemm m=1 n=1 k=1 oops\n", "%F:2: expected key=value, got 'oops'"},
    {"axtrace 1\ngemm m=1 n=1 k=1 fn=relu\n", "%F:2: fn: only eltwise (fn=), norm (type=) and pool (pool=) ops take a variant"},
};

static void test_bad_traces(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  int failures = 0;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char file[256], want[700], err[700] = "";
    snprintf(file, sizeof file, DIR "/bad%zu.axt", i);
    write_file(file, cases[i].text);
    const char *pct = strstr(cases[i].expect, "%F");
    snprintf(want, sizeof want, "%.*s%s%s", (int)(pct - cases[i].expect), cases[i].expect, file, pct + 2);
    ax_trace *t = ax_trace_open(file, err, sizeof err);
    assert_non_null(t);
    ax_op op;
    int rc;
    while ((rc = ax_trace_next(t, &op, err, sizeof err)) == 1) {}
    ax_trace_close(t);
    if (rc != AX_EINVAL || strcmp(err, want)) {
      failures++;
      fprintf(stderr, "case %zu:\n  want: %s\n  got:  %s (rc %d)\n", i, want, err, rc);
    }
  }
  assert_int_equal(failures, 0);
}

static void test_missing_file(void **st) {
  (void)st;
  char err[600];
  assert_null(ax_trace_open(DIR "/none.axt", err, sizeof err));
  assert_string_equal(err, DIR "/none.axt: cannot open trace: No such file or directory");
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_ops_by_hand), cmocka_unit_test(test_bad_traces),
                                     cmocka_unit_test(test_missing_file)};
  return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
