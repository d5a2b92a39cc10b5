/*
 * test_fuzz.c - bad input never crashes: thousands of seeded mutations of
 * a valid trace, system config and SCALE-Sim topology (bytes flipped,
 * deleted, duplicated, lines cut) go through the readers in-process. Each
 * must either read or fail with a message; under the sanitizer build any
 * out-of-bounds access or leak fails the test. The originals must read
 * cleanly (so the mutations are what is tested), and a share of mutants
 * must be refused (so the readers do check).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "scalesim_topo.h"
#include "sim.h"
#include "trace.h"

#define DIR AX_BIN_DIR "/tests_tmp_fuzz"
#define ROUNDS 1500

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static char *read_all(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)len + 1);
  assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
  b[len] = 0;
  fclose(f);
  *n = (size_t)len;
  return b;
}

/* One mutant of src into dst (room for 2n + 64 bytes); returns its length. */
static size_t mutate(const char *src, size_t n, char *dst) {
  memcpy(dst, src, n);
  size_t m = n;
  int edits = 1 + (int)(next() % 4);
  static const char alphabet[] = "0123456789x=,.-_ \n\t\"#@[]{};:abcdefgKMz\xff";
  for (int e = 0; e < edits && m > 1; e++) {
    size_t at = next() % m;
    switch (next() % 5) {
    case 0: dst[at] = alphabet[next() % (sizeof alphabet - 1)]; break;     /* replace */
    case 1: memmove(dst + at, dst + at + 1, m - at - 1); m--; break;        /* delete */
    case 2: {                                                              /* duplicate a run */
      size_t len = 1 + next() % 16;
      if (at + len > m) len = m - at;
      memmove(dst + at + len, dst + at, m - at);
      m += len;
      break;
    }
    case 3: m = at + 1; break;                                              /* cut */
    case 4: {                                                               /* a huge number */
      const char *big = "99999999999999999999";
      size_t len = strlen(big);
      memmove(dst + at + len, dst + at, m - at);
      memcpy(dst + at, big, len);
      m += len;
      break;
    }
    }
    if (m > n + 40) m = n + 40;
  }
  return m;
}

static void write_n(const char *path, const char *b, size_t n) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fwrite(b, 1, n, f);
  fclose(f);
}

static int try_trace(const char *path) {
  char err[700];
  ax_trace *t = ax_trace_open(path, err, sizeof err);
  if (!t) return -1;
  ax_op op;
  int rc, nops = 0;
  while ((rc = ax_trace_next(t, &op, err, sizeof err)) == 1) nops++;
  ax_trace_close(t);
  if (rc < 0) assert_true(strlen(err) > 0 && strstr(err, path) == err); /* names the file */
  return rc;
}

static int try_config(const char *path) {
  char err[AX_ERR_MAX] = "";
  ax_sim *s;
  int rc = ax_config_load(path, NULL, 0, 0, 0, &s, err, sizeof err);
  if (rc == AX_OK) {
    rc = ax_sim_init_components(s, err, sizeof err);
    if (rc == AX_OK) {
      s->watchdog = 1000000000ull; /* 1 ms simulated is plenty for these */
      ax_sim_run(s);
    }
    ax_sim_free(s);
  }
  if (rc != AX_OK) assert_true(strlen(err) > 0);
  return rc;
}

static int try_topo(const char *path) {
  char err[700] = "";
  ax_op *ops = NULL;
  size_t n = 0;
  int rc = ax_scalesim_topo_read(path, 0, &ops, &n, err, sizeof err);
  free(ops);
  if (rc != 0) assert_true(strlen(err) > 0);
  return rc;
}

static void fuzz(const char *orig, const char *name, int (*try)(const char *), int ok_rc) {
  size_t n;
  char *src = read_all(orig, &n);
  char *buf = malloc(2 * n + 128);
  char path[256];
  snprintf(path, sizeof path, DIR "/%s", name);
  write_n(path, src, n);
  assert_int_equal(try(path) >= 0 ? 0 : 1, ok_rc ? 1 : 0); /* the original reads cleanly */
  int refused = 0;
  for (int i = 0; i < ROUNDS; i++) {
    size_t m = mutate(src, n, buf);
    write_n(path, buf, m);
    if (try(path) < 0) refused++;
  }
  fprintf(stderr, "%s: %d of %d mutants refused with a message, none crashed\n", name, refused, ROUNDS);
  assert_true(refused > ROUNDS / 10);
  free(buf);
  free(src);
}

static void test_fuzz_trace(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  fuzz(AX_SRC_DIR "/traces/small_cnn.axt", "t.axt", try_trace, 0);
}

static void test_fuzz_topology(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  fuzz(AX_SRC_DIR "/tests/reference/scalesim/topologies/alexnet.csv", "topo.csv", try_topo, 0);
}

static void test_fuzz_config(void **st) {
  (void)st;
  (void)!system("mkdir -p " DIR);
  /* a self-contained system next to its trace */
  FILE *f = fopen(DIR "/small_cnn.axt", "w");
  assert_non_null(f);
  fputs("axtrace 1\neltwise name=a elems=256 fn=relu\nsoftmax name=b elems=64 deps=a\n", f);
  fclose(f);
  f = fopen(DIR "/orig.cfg", "w");
  assert_non_null(f);
  fputs("name = \"fuzz\";\nseed = 3;\nsim = { max_time_us = 100.0; };\n"
        "host = { model = \"host\"; trace = \"small_cnn.axt\"; map = \"*:v\"; window = 16; };\n"
        "v = { model = \"vector\"; lanes = 8; burst_bytes = 64; };\n"
        "m = { model = \"memory\"; latency_ns = 20.0; bandwidth_gbps = 12.8; queue = 8; };\n"
        "links = ( { from = \"host.unit0\"; to = \"v.ctl\"; latency_cycles = 1; },\n"
        "          { from = \"v.mem\"; to = \"m.in0\"; bandwidth_gbps = 16.0; depth = 4; } );\n", f);
  fclose(f);
  fuzz(DIR "/orig.cfg", "c.cfg", try_config, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_fuzz_trace), cmocka_unit_test(test_fuzz_topology),
                                     cmocka_unit_test(test_fuzz_config)};
  return cmocka_run_group_tests_name("fuzz", tests, NULL, NULL);
}
