/*
 * test_evq.c - the event queue against a slow reference: every event
 * scheduled is also put in a plain array, and the order in which the queue
 * runs them must equal that array sorted by (time, priority, sequence).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "evq.h"
#include "sim.h"

typedef struct rec {
  ax_time_t t;
  int prio;
  uint64_t seq;
  uint64_t id;
  int cancelled;
} rec;

static ax_evq Q;
static rec *R;
static size_t NR;
static uint64_t *ran;
static size_t nran;
static uint64_t rng = 88172645463325252ull;

static uint64_t xorshift(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static void push(ax_time_t t, int prio, ax_event_fn fn);

/* Each event, when it runs, may schedule up to two more: at the same time
 * (any priority), in the near future, or far beyond the wheel. */
static void handler(ax_component *c, uint64_t id) {
  (void)c;
  ran[nran++] = id;
  if (NR > 20000) return;
  int k = (int)(xorshift() % 3);
  for (int i = 0; i < k; i++) {
    uint64_t r = xorshift() % 100;
    ax_time_t dt = r < 20 ? 0 : r < 70 ? xorshift() % 5000 : r < 90 ? xorshift() % 200000 : xorshift() % 50000000;
    push(Q.now + dt, (int)(xorshift() % AX_PRIO_N), handler);
  }
}

static void push(ax_time_t t, int prio, ax_event_fn fn) {
  uint64_t id = NR;
  ax_event_h h = ax_evq_push(&Q, t, prio, fn, NULL, id);
  R[NR] = (rec){t, prio, h.seq, id, 0};
  NR++;
}

static int cmp_rec(const void *a, const void *b) {
  const rec *x = a, *y = b;
  if (x->t != y->t) return x->t < y->t ? -1 : 1;
  if (x->prio != y->prio) return x->prio < y->prio ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void record(ax_component *c, uint64_t id) {
  (void)c;
  ran[nran++] = id;
}

static void test_static_order(void **st) {
  (void)st;
  assert_int_equal(ax_evq_init(&Q), AX_OK);
  R = calloc(40000, sizeof *R);
  ran = calloc(40000, sizeof *ran);
  NR = nran = 0;
  rng = 987654321;
  for (int i = 0; i < 30000; i++) {
    uint64_t r = xorshift() % 100;
    /* many ties at a few timestamps, a spread within one wheel, and far future */
    ax_time_t t = r < 30 ? (xorshift() % 10) * 1000 : r < 80 ? xorshift() % 300000 : xorshift() % 90000000000ull;
    push(t, (int)(xorshift() % AX_PRIO_N), record);
  }
  /* cancel every 7th */
  size_t ncancel = 0;
  for (size_t i = 0; i < NR; i += 7) {
    assert_int_equal(ax_evq_cancel(&Q, (ax_event_h){R[i].t, R[i].seq}), AX_OK);
    /* a second cancel of the same event is refused */
    assert_int_equal(ax_evq_cancel(&Q, (ax_event_h){R[i].t, R[i].seq}), AX_EINVAL);
    R[i].cancelled = 1;
    ncancel++;
  }
  assert_int_equal(ax_evq_run(&Q, AX_TIME_NEVER), 0);
  qsort(R, NR, sizeof *R, cmp_rec);
  size_t j = 0;
  for (size_t i = 0; i < NR; i++) {
    if (R[i].cancelled) continue;
    assert_true(j < nran);
    assert_int_equal(ran[j], R[i].id);
    j++;
  }
  assert_int_equal(j, nran);
  assert_int_equal(nran, NR - ncancel);
  assert_int_equal(Q.dispatched, NR - ncancel);
  ax_evq_free(&Q);
  free(R);
  free(ran);
}

/* Events scheduled by handlers: time never goes backwards, same-time events
 * keep their scheduling order within a priority. */
static ax_time_t last_t;
static void dyn(ax_component *c, uint64_t id) {
  (void)c;
  assert_true(Q.now >= last_t);
  last_t = Q.now;
  handler(c, id);
}

static void test_dynamic_monotone(void **st) {
  (void)st;
  assert_int_equal(ax_evq_init(&Q), AX_OK);
  R = calloc(100000, sizeof *R);
  ran = calloc(100000, sizeof *ran);
  NR = nran = 0;
  last_t = 0;
  for (int i = 0; i < 100; i++) push(xorshift() % 100000, 1, dyn);
  assert_int_equal(ax_evq_run(&Q, AX_TIME_NEVER), 0);
  assert_int_equal(nran, NR);
  ax_evq_free(&Q);
  free(R);
  free(ran);
}

/* Hand-made tie-break case: three events at t=5000: prio 2 first pushed,
 * then prio 0, then prio 0 again; run order must be 1, 2, 0. */
static void test_tie_break(void **st) {
  (void)st;
  assert_int_equal(ax_evq_init(&Q), AX_OK);
  ran = calloc(8, sizeof *ran);
  nran = 0;
  ax_evq_push(&Q, 5000, 2, record, NULL, 0);
  ax_evq_push(&Q, 5000, 0, record, NULL, 1);
  ax_evq_push(&Q, 5000, 0, record, NULL, 2);
  ax_evq_push(&Q, 4999, 2, record, NULL, 3);
  ax_evq_push(&Q, (ax_time_t)1 << 40, 0, record, NULL, 4); /* far future: heap */
  assert_int_equal(ax_evq_run(&Q, 10000), 1); /* stops before the far event */
  assert_int_equal(nran, 4);
  assert_int_equal(ran[0], 3);
  assert_int_equal(ran[1], 1);
  assert_int_equal(ran[2], 2);
  assert_int_equal(ran[3], 0);
  assert_int_equal(ax_evq_next_time(&Q), (ax_time_t)1 << 40);
  assert_int_equal(ax_evq_run(&Q, AX_TIME_NEVER), 0);
  assert_int_equal(ran[4], 4);
  assert_int_equal(Q.now, (ax_time_t)1 << 40);
  ax_evq_free(&Q);
  free(ran);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tie_break),
      cmocka_unit_test(test_static_order),
      cmocka_unit_test(test_dynamic_monotone),
  };
  return cmocka_run_group_tests_name("evq", tests, NULL, NULL);
}
