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
  assert_int_equal(ax_evq_dispatched(&Q), NR - ncancel);
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

/* ax_evq_pending seen from inside a handler (the run's sampler relies on it
 * to stop rescheduling itself): it counts the events not yet run, never the
 * running one. 200 events (past the small heap) at 40 timestamps, 5 per
 * timestamp: when the k-th one (k from 1) runs, 200 - k remain. */
static uint64_t pend_k;
static void pend_check(ax_component *c, uint64_t arg) {
  (void)c;
  (void)arg;
  pend_k++;
  assert_int_equal(ax_evq_pending(&Q), 200 - pend_k);
}

static void test_pending_in_handler(void **st) {
  (void)st;
  assert_int_equal(ax_evq_init(&Q), AX_OK);
  pend_k = 0;
  for (int i = 0; i < 200; i++) ax_evq_push(&Q, (ax_time_t)(i % 40) * 1000, 1, pend_check, NULL, 0);
  assert_int_equal(ax_evq_pending(&Q), 200);
  assert_int_equal(ax_evq_run(&Q, AX_TIME_NEVER), 0);
  assert_int_equal(pend_k, 200);
  assert_int_equal(ax_evq_dispatched(&Q), 200);
  ax_evq_free(&Q);
}

/* A stale handle never cancels a later event that reuses its id. At
 * 1 ns: B (normal priority, cancelled) is popped, then A (late) runs and
 * pushes E alone into the empty queue - the push that may reuse B's id -
 * then cancels B again: refused, and E still runs. */
static ax_event_h stale_b;
static int stale_e_ran, stale_rc;
static void stale_e(ax_component *c, uint64_t a) { (void)c, (void)a; stale_e_ran = 1; }
static void stale_a(ax_component *c, uint64_t a) {
  (void)c, (void)a;
  ax_evq_push(&Q, Q.now + 1000, AX_PRIO_NORMAL, stale_e, NULL, 0);
  stale_rc = ax_evq_cancel(&Q, stale_b);
}
static void test_stale_handle(void **st) {
  (void)st;
  assert_int_equal(ax_evq_init(&Q), AX_OK);
  ax_evq_push(&Q, 1000, AX_PRIO_LATE, stale_a, NULL, 0);
  stale_b = ax_evq_push(&Q, 1000, AX_PRIO_NORMAL, stale_e, NULL, 0);
  assert_int_equal(ax_evq_cancel(&Q, stale_b), AX_OK);
  stale_e_ran = 0, stale_rc = 0;
  assert_int_equal(ax_evq_run(&Q, AX_TIME_NEVER), 0);
  assert_int_equal(stale_rc, AX_EINVAL);
  assert_int_equal(stale_e_ran, 1);
  assert_int_equal(ax_evq_dispatched(&Q), 2); /* A and E; B was skipped */
  ax_evq_free(&Q);
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

/* ---- the queue against a slow reference, events scheduled by handlers ----
 * The same simulation runs twice: on ax_evq and on a plain array scanned
 * for the smallest (time, priority, sequence). Handlers draw from one RNG,
 * so both runs stay identical only if both queues run events in the same
 * order. The population wanders across AX_EVQ_SMALL, so the queue keeps
 * moving between its small heap and its wheel; some events are cancelled. */
typedef struct qops {
  ax_time_t (*now)(void);
  uint64_t (*push)(ax_time_t t, int prio, uint64_t id); /* returns seq */
  int (*cancel)(ax_time_t t, uint64_t seq);
  void (*run)(void);
} qops;

static const qops *QO;
static uint64_t dyn_rng, dyn_next_id, dyn_budget;
static int64_t dyn_lo = 10, dyn_hi = 60; /* the population wanders between these */
static int dyn_edges; /* 1: half the delays land on 1 ns clock edges (shared timestamps) */
static int64_t dyn_pop; /* events pending right now */
static uint64_t *dyn_log;
static size_t dyn_nlog;
static struct { ax_time_t t; uint64_t seq; } dyn_pend[4096];
static size_t dyn_npend;

static uint64_t dyn_rand(void) {
  dyn_rng ^= dyn_rng << 13;
  dyn_rng ^= dyn_rng >> 7;
  dyn_rng ^= dyn_rng << 17;
  return dyn_rng;
}

static void dyn_schedule(void) {
  uint64_t r = dyn_rand() % 100;
  ax_time_t dt = r < 25 ? 0 : r < 60 ? dyn_rand() % 3000 : r < 90 ? dyn_rand() % 100000 : dyn_rand() % 5000000;
  if (dyn_edges && r >= 25 && r < 75) /* the next 1-4 edges of a 1 GHz clock */
    dt = (QO->now() / 1000 + 1 + dyn_rand() % 4) * 1000 - QO->now();
  else if (dyn_edges && r >= 75 && r < 90) /* edges 60-70 ns on: either side of the wheel's reach */
    dt = (QO->now() / 1000 + 60 + dyn_rand() % 11) * 1000 - QO->now();
  uint64_t id = dyn_next_id++;
  uint64_t seq = QO->push(QO->now() + dt, (int)(dyn_rand() % AX_PRIO_N), id);
  dyn_pop++;
  if (dyn_npend < 4096) {
    dyn_pend[dyn_npend].t = QO->now() + dt;
    dyn_pend[dyn_npend++].seq = seq;
  }
}

/* One event: log it, then schedule 0-3 more (a random walk of the
 * population) and sometimes cancel a pending one. */
static void dyn_event(uint64_t id) {
  dyn_log[dyn_nlog++] = id;
  dyn_log[dyn_nlog++] = QO->now();
  dyn_pop--;
  if (!dyn_budget) return;
  dyn_budget--;
  /* keep the population wandering between dyn_lo and dyn_hi (by default
   * across AX_EVQ_SMALL) */
  int k = dyn_pop < dyn_lo ? 1 + (int)(dyn_rand() % 3) : dyn_pop > dyn_hi ? (int)(dyn_rand() % 2)
                                                                          : (int)(dyn_rand() % 3);
  for (int i = 0; i < k; i++) dyn_schedule();
  if (dyn_rand() % 8 == 0 && dyn_npend) {
    size_t j = dyn_rand() % dyn_npend;
    /* it may have run already: both queues must refuse alike */
    if (QO->cancel(dyn_pend[j].t, dyn_pend[j].seq) == AX_OK) dyn_pop--;
    dyn_pend[j] = dyn_pend[--dyn_npend];
  }
  /* the log records the population too, so a cancel answered differently shows */
  dyn_log[dyn_nlog++] = (uint64_t)dyn_pop;
}

/* the real queue */
static void real_fn(ax_component *c, uint64_t id) {
  (void)c;
  dyn_event(id);
}
static ax_time_t real_now(void) { return Q.now; }
static uint64_t real_push(ax_time_t t, int prio, uint64_t id) {
  return ax_evq_push(&Q, t, prio, real_fn, NULL, id).seq;
}
static int real_cancel(ax_time_t t, uint64_t seq) { return ax_evq_cancel(&Q, (ax_event_h){t, seq}); }
static void real_run(void) { assert_int_equal(ax_evq_run(&Q, AX_TIME_NEVER), 0); }
static const qops real_q = {real_now, real_push, real_cancel, real_run};

/* the reference: an unsorted array, scanned for the minimum */
static rec *ref_v;
static size_t ref_n;
static ax_time_t ref_t;
static uint64_t ref_seq;
static ax_time_t ref_now(void) { return ref_t; }
static uint64_t ref_push(ax_time_t t, int prio, uint64_t id) {
  ref_v[ref_n] = (rec){t, prio, ++ref_seq, id, 0};
  return ref_v[ref_n++].seq;
}
static int ref_cancel(ax_time_t t, uint64_t seq) {
  (void)t;
  for (size_t i = 0; i < ref_n; i++)
    if (ref_v[i].seq == seq) {
      ref_v[i] = ref_v[--ref_n];
      return AX_OK;
    }
  return AX_EINVAL;
}
static void ref_run(void) {
  while (ref_n) {
    size_t m = 0;
    for (size_t i = 1; i < ref_n; i++)
      if (cmp_rec(&ref_v[i], &ref_v[m]) < 0) m = i;
    rec r = ref_v[m];
    ref_v[m] = ref_v[--ref_n];
    ref_t = r.t;
    dyn_event(r.id);
  }
}
static const qops ref_q = {ref_now, ref_push, ref_cancel, ref_run};

static size_t dyn_sim(const qops *qo, uint64_t **log) {
  QO = qo;
  dyn_rng = 0x9e3779b97f4a7c15ull;
  dyn_next_id = 0;
  dyn_budget = 60000;
  dyn_npend = 0;
  dyn_nlog = 0;
  dyn_pop = 0;
  dyn_log = calloc(3 * 300000, sizeof *dyn_log);
  for (int i = 0; i < 10; i++) dyn_schedule();
  qo->run();
  *log = dyn_log;
  return dyn_nlog;
}

static void test_dynamic_vs_reference_run(void) {
  assert_int_equal(ax_evq_init(&Q), AX_OK);
  ref_v = calloc(300000, sizeof *ref_v);
  ref_n = 0;
  ref_t = 0;
  ref_seq = 0;
  uint64_t *a, *b;
  size_t na = dyn_sim(&real_q, &a);
  size_t nb = dyn_sim(&ref_q, &b);
  assert_true(na > 3 * 50000); /* tens of thousands of events ran */
  assert_int_equal(na, nb);
  assert_memory_equal(a, b, na * sizeof *a);
  ax_evq_free(&Q);
  free(a);
  free(b);
  free(ref_v);
}

static void test_dynamic_vs_reference(void **st) {
  (void)st;
  dyn_lo = 10, dyn_hi = 60, dyn_edges = 0;
  test_dynamic_vs_reference_run();
}

/* The same against the reference with thousands pending on shared clock
 * edges: FIFOs and the bucket pool grow while handlers run (the dispatch
 * loop must notice), and zero-delay pushes of every priority land in the
 * slot being run. */
static void test_dynamic_crowded_vs_reference(void **st) {
  dyn_lo = 1000, dyn_hi = 3000, dyn_edges = 1;
  test_dynamic_vs_reference_run();
  (void)st;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tie_break),
      cmocka_unit_test(test_stale_handle),
      cmocka_unit_test(test_pending_in_handler),
      cmocka_unit_test(test_static_order),
      cmocka_unit_test(test_dynamic_monotone),
      cmocka_unit_test(test_dynamic_vs_reference),
      cmocka_unit_test(test_dynamic_crowded_vs_reference),
  };
  return cmocka_run_group_tests_name("evq", tests, NULL, NULL);
}
