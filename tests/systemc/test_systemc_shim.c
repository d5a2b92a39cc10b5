/* test_systemc_shim.c - the SystemC shim's C API: the ring's activation
 * counts against a hand calculation, how runs stop at boundaries, and
 * SystemC's exceptions arriving as error codes with messages.
 *
 * Hand calculation used throughout: a ring of N modules, every module
 * holding one token at t = 0 and each activation passing its token on
 * 1 ns later, activates N methods at t = 0, 1, 2, ... ns. Running from 0
 * for T ns (sc_start(T ns) stops before the events at exactly T ns) runs
 * the activations at 0 .. T-1 ns: N * T of them, with the N activations of
 * T ns left pending, so the next activity is at T ns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "axsc.h"
#include "sc_child.h"

#define NS 1000u /* ps */

/* axsim owns main(); the shim's sc_main only reports misuse. */
int sc_main(int argc, char *argv[]);

typedef struct ring_case {
  unsigned n;
  uint64_t t_ns;
  int kind; /* AXSC_RING_NOTIFY or AXSC_RING_MSG */
} ring_case;

/* Child: ring of n, sc_start(T ns); report count, now, next activity. */
static void child_ring_run(const void *arg, sc_child_out *o) {
  const ring_case *c = arg;
  o->rc = axsc_init(o->msg, sizeof o->msg);
  if (o->rc) return;
  axsc_ring *r = axsc_ring_new_kind(c->n, c->kind, o->msg, sizeof o->msg);
  if (!r) {
    o->rc = -1;
    return;
  }
  o->v[0] = axsc_started();
  o->rc = axsc_run(c->t_ns * NS, o->msg, sizeof o->msg);
  o->v[1] = axsc_ring_count(r);
  o->v[2] = axsc_now_ps();
  o->v[3] = axsc_next_activity_ps();
  o->v[4] = axsc_started();
}

static void test_ring_counts(void **state) {
  (void)state;
  static const ring_case cases[] = {
      {1, 1, AXSC_RING_NOTIFY},   {1, 10, AXSC_RING_NOTIFY}, {3, 7, AXSC_RING_NOTIFY},
      {100, 5, AXSC_RING_NOTIFY}, {1000, 3, AXSC_RING_NOTIFY}, {7, 1000, AXSC_RING_NOTIFY},
      /* the message ring: one message received per member per ns, alike */
      {1, 10, AXSC_RING_MSG},     {100, 5, AXSC_RING_MSG},   {7, 1000, AXSC_RING_MSG},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    sc_child_out o;
    assert_int_equal(sc_child_run(child_ring_run, &cases[i], &o), 0);
    if (o.rc) print_error("N=%u T=%llu: %s\n", cases[i].n, (unsigned long long)cases[i].t_ns, o.msg);
    assert_int_equal(o.rc, AXSC_OK);
    assert_int_equal(o.v[0], 0);                                /* not started while building */
    assert_int_equal(o.v[1], cases[i].n * cases[i].t_ns);       /* N * T activations */
    assert_int_equal(o.v[2], cases[i].t_ns * NS);               /* now = T ns */
    assert_int_equal(o.v[3], cases[i].t_ns * NS);               /* tokens due at T ns */
    assert_int_equal(o.v[4], 1);
  }
}

/* Child: a ring of 4 advanced in pieces the way the bridge will do it. */
static void child_ring_steps(const void *arg, sc_child_out *o) {
  (void)arg;
  o->rc = axsc_init(o->msg, sizeof o->msg);
  if (o->rc) return;
  axsc_ring *r = axsc_ring_new(4, o->msg, sizeof o->msg);
  if (!r) {
    o->rc = -1;
    return;
  }
  o->v[0] = axsc_next_activity_ps();             /* tokens notified for t = 0 */
  if ((o->rc = axsc_run(0, o->msg, sizeof o->msg))) return; /* one delta: t = 0 */
  o->v[1] = axsc_ring_count(r);
  o->v[2] = axsc_next_activity_ps();
  if ((o->rc = axsc_run(2500, o->msg, sizeof o->msg))) return; /* to 2.5 ns */
  o->v[3] = axsc_ring_count(r);
  o->v[4] = axsc_now_ps();
  o->v[5] = axsc_next_activity_ps();
  if ((o->rc = axsc_run_through(4 * NS, o->msg, sizeof o->msg))) return;
  o->v[6] = axsc_ring_count(r);
  o->v[7] = axsc_now_ps();
  o->v[8] = axsc_next_activity_ps();
  /* Through the time we are already at: nothing left to run there. */
  if ((o->rc = axsc_run_through(4 * NS, o->msg, sizeof o->msg))) return;
  o->v[9] = axsc_ring_count(r);
  /* Exactly to an event time, not through it: the events stay pending. */
  if ((o->rc = axsc_run(NS, o->msg, sizeof o->msg))) return;
  o->v[10] = axsc_ring_count(r);
  o->v[11] = axsc_now_ps();
  o->v[12] = axsc_next_activity_ps();
}

static void test_ring_steps(void **state) {
  (void)state;
  sc_child_out o;
  assert_int_equal(sc_child_run(child_ring_steps, NULL, &o), 0);
  if (o.rc) print_error("%s\n", o.msg);
  assert_int_equal(o.rc, AXSC_OK);
  assert_int_equal(o.v[0], 0);
  assert_int_equal(o.v[1], 4);        /* t = 0: 4 activations      */
  assert_int_equal(o.v[2], 1 * NS);   /* next tokens at 1 ns       */
  assert_int_equal(o.v[3], 4 * 3);    /* 0, 1, 2 ns                */
  assert_int_equal(o.v[4], 2500);
  assert_int_equal(o.v[5], 3 * NS);
  assert_int_equal(o.v[6], 4 * 5);    /* 0 .. 4 ns, 4 ns included  */
  assert_int_equal(o.v[7], 4 * NS);
  assert_int_equal(o.v[8], 5 * NS);
  assert_int_equal(o.v[9], 4 * 5);    /* nothing ran twice         */
  assert_int_equal(o.v[10], 4 * 5);   /* 5 ns events not yet run   */
  assert_int_equal(o.v[11], 5 * NS);
  assert_int_equal(o.v[12], 5 * NS);
}

/* Child: one error case, chosen by *arg; report the code and message. */
static void child_error(const void *arg, sc_child_out *o) {
  int which = *(const int *)arg;
  char err[256] = "";
  o->rc = axsc_init(o->msg, sizeof o->msg);
  if (o->rc) return;
  if (which == 3) { /* no modules at all: nothing is pending */
    o->v[0] = axsc_next_activity_ps();
    o->rc = axsc_ring_new(0, o->msg, sizeof o->msg) ? 0 : AXSC_EINVAL;
    return;
  }
  if (!axsc_ring_new(2, o->msg, sizeof o->msg)) {
    o->rc = -1;
    return;
  }
  if ((o->rc = axsc_run(3 * NS, o->msg, sizeof o->msg))) return;
  switch (which) {
  case 0: /* a module created after the kernel started */
    o->v[0] = axsc_ring_new(1, err, sizeof err) != NULL;
    o->rc = AXSC_ESYSTEMC;
    break;
  case 1: /* a run that would overflow SystemC's 64-bit time */
    o->rc = axsc_run(UINT64_MAX, err, sizeof err);
    break;
  case 2: /* going back in time */
    o->rc = axsc_run_through(2 * NS, err, sizeof err);
    o->v[0] = axsc_now_ps();
    break;
  }
  snprintf(o->msg, sizeof o->msg, "%s", err);
}

static void test_errors_come_back(void **state) {
  (void)state;
  sc_child_out o;
  int which = 0;
  assert_int_equal(sc_child_run(child_error, &which, &o), 0);
  assert_int_equal(o.v[0], 0); /* no ring */
  assert_int_equal(o.rc, AXSC_ESYSTEMC);
  assert_non_null(strstr(o.msg, "SystemC Error"));
  assert_non_null(strstr(o.msg, "simulation running"));

  which = 1;
  assert_int_equal(sc_child_run(child_error, &which, &o), 0);
  assert_int_equal(o.rc, AXSC_ESYSTEMC);
  assert_non_null(strstr(o.msg, "overflow"));

  which = 2;
  assert_int_equal(sc_child_run(child_error, &which, &o), 0);
  assert_int_equal(o.rc, AXSC_EINVAL);
  assert_int_equal(o.v[0], 3 * NS); /* SystemC did not move */
  assert_non_null(strstr(o.msg, "2000 ps"));
  assert_non_null(strstr(o.msg, "3000 ps"));

  which = 3;
  assert_int_equal(sc_child_run(child_error, &which, &o), 0);
  assert_int_equal(o.v[0], AXSC_TIME_NEVER);
  assert_int_equal(o.rc, AXSC_EINVAL);
  assert_non_null(strstr(o.msg, "at least 1"));
}

static void test_ring_bench(void **state) {
  (void)state;
  char err[256] = "";
  double eps = -1;
  int rc = axsc_ring_bench(10, 20000, &eps, err, sizeof err);
  if (rc) print_error("%s\n", err);
  assert_int_equal(rc, AXSC_OK);
  assert_true(eps > 0); /* a figure, not a timing assertion */
  /* The parent's kernel was never touched: it can still build modules. */
  assert_int_equal(axsc_started(), 0);

  eps = -1;
  assert_int_equal(axsc_ring_bench(0, 100, &eps, err, sizeof err), AXSC_EINVAL);
  assert_true(eps == -1);
  assert_non_null(strstr(err, "ncomp"));
}

static void test_sc_main_refuses(void **state) {
  (void)state;
  char *argv[] = {"x", NULL};
  assert_int_not_equal(sc_main(1, argv), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ring_counts),
      cmocka_unit_test(test_ring_steps),
      cmocka_unit_test(test_errors_come_back),
      cmocka_unit_test(test_ring_bench),
      cmocka_unit_test(test_sc_main_refuses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
