/*
 * test_link.c - link latency, bandwidth and credits against hand
 * calculations, and receiver back-pressure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim.h"

/* A probe: port "p"; logs what it receives and when; sends a script. */
typedef struct probe {
  ax_time_t at[16];
  uint64_t tag[16];
  int n;
  int refuse_first;      /* refuse the first delivery, unblock at 20 ns */
  int refused;
  ax_time_t ready_at[4];
  int nready;
  int send_bytes[8];
  int nsend;             /* messages to send at t=0 */
  int sent;
  int eagain;
} probe;

static probe P[2];

static void unblock_ev(ax_component *c, uint64_t a) {
  (void)a;
  ax_port_unblock(ax_comp_port(c, "p"));
}

static int pr_init(ax_component *c, char *e, size_t n) {
  (void)e, (void)n;
  ax_comp_set_priv(c, &P[strcmp(ax_comp_name(c), "a") ? 1 : 0]);
  return AX_OK;
}

static void pr_send_all(ax_component *c) {
  probe *p = ax_comp_priv(c);
  while (p->sent < p->nsend) {
    ax_msg m = {.kind = AX_MSG_TOKEN, .bytes = (uint64_t)p->send_bytes[p->sent], .tag = (uint64_t)p->sent};
    if (ax_port_send(ax_comp_port(c, "p"), &m) == AX_EAGAIN) {
      p->eagain++;
      return;
    }
    p->sent++;
  }
}

static void pr_start(ax_component *c) { pr_send_all(c); }

static int pr_recv(ax_component *c, ax_port *port, const ax_msg *m) {
  (void)port;
  probe *p = ax_comp_priv(c);
  if (p->refuse_first && !p->refused) {
    p->refused = 1;
    ax_schedule_at(c, 20000, AX_PRIO_NORMAL, unblock_ev, 0);
    return AX_EAGAIN;
  }
  p->at[p->n] = ax_now(ax_comp_sim(c));
  p->tag[p->n++] = m->tag;
  return AX_OK;
}

static void pr_ready(ax_component *c, ax_port *port) {
  (void)port;
  probe *p = ax_comp_priv(c);
  p->ready_at[p->nready++] = ax_now(ax_comp_sim(c));
  pr_send_all(c);
}

static const ax_port_def pr_ports[] = {{"p", ""}, {NULL, NULL}};
static const ax_model probe_model = {.abi = AX_ABI_VERSION, .name = "probe", .ports = pr_ports,
                                     .init = pr_init, .start = pr_start, .recv = pr_recv,
                                     .ready = pr_ready};

static ax_sim *make(ax_time_t lat, double gbps, uint32_t depth) {
  ax_sim *s = ax_sim_new(1);
  ax_component *a = ax_sim_add_component(s, "a", &probe_model, 1000, 0);
  ax_component *b = ax_sim_add_component(s, "b", &probe_model, 1000, 0);
  char err[256];
  assert_int_equal(ax_link_join(s, ax_comp_port(a, "p"), ax_comp_port(b, "p"), lat, gbps, depth, 0, err, sizeof err), AX_OK);
  assert_int_equal(ax_sim_init_components(s, err, sizeof err), AX_OK);
  return s;
}

/* 3 ns latency, 16 GB/s = 16 B/ns. Three messages sent at t=0:
 *   64 B: wire 0..4 ns, arrives 4 + 3 = 7 ns
 *   64 B: wire 4..8 ns, arrives 11 ns
 *   10 B: wire 8..8.625 ns, arrives 11.625 ns */
static void test_latency_bandwidth(void **st) {
  (void)st;
  memset(P, 0, sizeof P);
  P[0].nsend = 3;
  P[0].send_bytes[0] = 64, P[0].send_bytes[1] = 64, P[0].send_bytes[2] = 10;
  ax_sim *s = make(3000, 16.0, 16);
  assert_int_equal(ax_sim_run(s), AX_OK);
  assert_int_equal(P[1].n, 3);
  assert_int_equal(P[1].at[0], 7000);
  assert_int_equal(P[1].at[1], 11000);
  assert_int_equal(P[1].at[2], 11625);
  assert_int_equal(P[1].tag[2], 2);
  assert_int_equal(s->q.now, 11625);
  ax_sim_free(s);
}

/* Depth 2: the third send is refused (AX_EAGAIN); the credit comes back when
 * the first message is accepted at 7 ns, ready() runs then, and the third
 * message starts on the wire when the second leaves it (8 ns):
 * arrives 8.625 + 3 = 11.625 ns. */
static void test_credits(void **st) {
  (void)st;
  memset(P, 0, sizeof P);
  P[0].nsend = 3;
  P[0].send_bytes[0] = 64, P[0].send_bytes[1] = 64, P[0].send_bytes[2] = 10;
  ax_sim *s = make(3000, 16.0, 2);
  assert_int_equal(ax_sim_run(s), AX_OK);
  assert_int_equal(P[0].eagain, 1);
  assert_int_equal(P[0].nready, 1);
  assert_int_equal(P[0].ready_at[0], 7000);
  assert_int_equal(P[1].n, 3);
  assert_int_equal(P[1].at[2], 11625);
  ax_sim_free(s);
}

/* Receiver refuses the first delivery (7 ns) and unblocks at 20 ns: both
 * queued messages (arrived 7 and 11 ns) are delivered at 20 ns, in order;
 * the third, whose credit waits for the first acceptance, is sent at 20 ns
 * and arrives 20 + 0.625 + 3 = 23.625 ns. */
static void test_backpressure(void **st) {
  (void)st;
  memset(P, 0, sizeof P);
  P[0].nsend = 3;
  P[0].send_bytes[0] = 64, P[0].send_bytes[1] = 64, P[0].send_bytes[2] = 10;
  P[1].refuse_first = 1;
  ax_sim *s = make(3000, 16.0, 2);
  assert_int_equal(ax_sim_run(s), AX_OK);
  assert_int_equal(P[1].n, 3);
  assert_int_equal(P[1].at[0], 20000);
  assert_int_equal(P[1].at[1], 20000);
  assert_int_equal(P[1].tag[0], 0);
  assert_int_equal(P[1].tag[1], 1);
  assert_int_equal(P[1].at[2], 23625);
  ax_sim_free(s);
}

/* Unlimited bandwidth: only latency counts; both directions are independent. */
static void test_both_directions(void **st) {
  (void)st;
  memset(P, 0, sizeof P);
  P[0].nsend = 1, P[0].send_bytes[0] = 1 << 20;
  P[1].nsend = 1, P[1].send_bytes[0] = 8;
  ax_sim *s = make(2500, 0, 4);
  assert_int_equal(ax_sim_run(s), AX_OK);
  assert_int_equal(P[0].n, 1);
  assert_int_equal(P[1].n, 1);
  assert_int_equal(P[0].at[0], 2500);
  assert_int_equal(P[1].at[0], 2500);
  ax_sim_free(s);
}

/* A second link on a linked port is refused with a message. */
static void test_port_taken(void **st) {
  (void)st;
  ax_sim *s = ax_sim_new(1);
  ax_component *a = ax_sim_add_component(s, "a", &probe_model, 1000, 0);
  ax_component *b = ax_sim_add_component(s, "b", &probe_model, 1000, 0);
  ax_component *c = ax_sim_add_component(s, "c", &probe_model, 1000, 0);
  char err[256];
  assert_int_equal(ax_link_join(s, ax_comp_port(a, "p"), ax_comp_port(b, "p"), 0, 0, 1, 0, err, sizeof err), AX_OK);
  assert_int_equal(ax_link_join(s, ax_comp_port(c, "p"), ax_comp_port(b, "p"), 0, 0, 1, 0, err, sizeof err), AX_EINVAL);
  assert_non_null(strstr(err, "port b.p is already linked (to a.p)"));
  ax_sim_free(s);
}

/* A component linked to itself (port out -> port in, 1 ns, unlimited
 * bandwidth, 3 credits: a ring of 4 slots) that sends from its own recv,
 * i.e. onto the lane being delivered. At t = 0 it sends tags 0 and 1; each
 * message x received sends x + 10 while that is below 30. By hand, the lane
 * is one FIFO: tags 0, 1 arrive at 1 ns, 10, 11 at 2 ns, 20, 21 at 3 ns;
 * no message is lost or overwritten although each send lands in the slot
 * after the one being read. */
static struct {
  ax_time_t at[8];
  uint64_t tag[8];
  int n, eagain;
} LOOP;

static void loop_start(ax_component *c) {
  for (uint64_t t = 0; t < 2; t++) {
    ax_msg m = {.kind = AX_MSG_TOKEN, .bytes = 8, .tag = t};
    assert_int_equal(ax_port_send(ax_comp_port(c, "out"), &m), AX_OK);
  }
}

static int loop_recv(ax_component *c, ax_port *port, const ax_msg *m) {
  (void)port;
  if (LOOP.n < 8) {
    LOOP.at[LOOP.n] = ax_now(ax_comp_sim(c));
    LOOP.tag[LOOP.n] = m->tag;
  }
  LOOP.n++;
  if (m->tag + 10 < 30) {
    ax_msg r = {.kind = AX_MSG_TOKEN, .bytes = 8, .tag = m->tag + 10};
    if (ax_port_send(ax_comp_port(c, "out"), &r) != AX_OK) LOOP.eagain++;
  }
  return AX_OK;
}

static const ax_port_def loop_ports[] = {{"out", ""}, {"in", ""}, {NULL, NULL}};
static const ax_model loop_model = {.abi = AX_ABI_VERSION, .name = "loop", .ports = loop_ports,
                                    .start = loop_start, .recv = loop_recv};

static void test_self_link(void **st) {
  (void)st;
  memset(&LOOP, 0, sizeof LOOP);
  ax_sim *s = ax_sim_new(1);
  ax_component *a = ax_sim_add_component(s, "a", &loop_model, 1000, 0);
  char err[256];
  assert_int_equal(ax_link_join(s, ax_comp_port(a, "out"), ax_comp_port(a, "in"), 1000, 0, 3, 0, err, sizeof err), AX_OK);
  assert_int_equal(ax_sim_init_components(s, err, sizeof err), AX_OK);
  assert_int_equal(ax_sim_run(s), AX_OK);
  const ax_time_t at[6] = {1000, 1000, 2000, 2000, 3000, 3000};
  const uint64_t tag[6] = {0, 1, 10, 11, 20, 21};
  assert_int_equal(LOOP.n, 6);
  assert_int_equal(LOOP.eagain, 0);
  for (int i = 0; i < 6; i++) {
    assert_int_equal(LOOP.at[i], at[i]);
    assert_int_equal(LOOP.tag[i], tag[i]);
  }
  ax_sim_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_latency_bandwidth), cmocka_unit_test(test_credits),
      cmocka_unit_test(test_backpressure), cmocka_unit_test(test_both_directions),
      cmocka_unit_test(test_port_taken), cmocka_unit_test(test_self_link),
  };
  return cmocka_run_group_tests_name("link", tests, NULL, NULL);
}
