/*
 * bench_kernel.c - event rate of the axsim kernel on a token ring, beside
 * the same ring written against SystemC 2.3.
 *
 * The ring: N components; each holds a token at t = 0 and passes it on,
 * one cycle (1 ns at 1 GHz) later, to the next, so N events share every
 * nanosecond. Two rings, each beside its SystemC twin
 * (models/systemc/axsc_ring.cpp):
 *   kernel  each component schedules its successor's handler 1 ns later
 *           (the event queue alone); SystemC: SC_METHODs, each notifying
 *           the next one's sc_event 1 ns later - the ring of the issue.
 *   link    the token is a 48-byte message through ports and 1-cycle links
 *           (credits, bandwidth arithmetic, a delivery event, recv);
 *           SystemC: SC_METHODs passing the message through TLM-2.0
 *           peq_with_get queues with a 1 ns delay (no credits).
 *
 * Prints one line per ring size, then ratio_kernel= and ratio_link= (each
 * the smallest axsim / SystemC ratio over the sizes), and a final
 * ratio=<axsim/SystemC>, the kernel ring's: the event queue against
 * SystemC's, on the ring both describe the same way.
 *
 * usage: bench_kernel [EVENTS [N link|kernel]]   (default 20,000,000 events per
 * axsim run; with N and a variant, only that ring, for profiling)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"
#ifdef AX_HAVE_SYSTEMC
#include "axsc.h"
#endif

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- ring through ports and links ---- */

static int node_recv(ax_component *c, ax_port *p, const ax_msg *m) {
  (void)p;
  ax_port_send(ax_comp_priv(c), m);
  return AX_OK;
}

static void node_start(ax_component *c) {
  ax_msg m = {.kind = AX_MSG_TOKEN, .bytes = 8};
  ax_port_send(ax_comp_priv(c), &m);
}

static const ax_port_def node_ports[] = {{"in", ""}, {"out", ""}, {NULL, NULL}};
static const ax_model node_model = {.abi = AX_ABI_VERSION, .name = "ring_node",
                                    .ports = node_ports, .start = node_start, .recv = node_recv};

/* ---- ring on the event queue alone ---- */

/* Each component's priv is its successor (as each SystemC ring node holds
 * `next`): pass the token on, one cycle later. */
static void hop(ax_component *c, uint64_t a) {
  ax_component *next = c->priv;
  ax_schedule(next, 1000, hop, a);
}
static void kstart(ax_component *c) { ax_schedule(c, 1000, hop, 0); }
static const ax_model knode_model = {.abi = AX_ABI_VERSION, .name = "kring_node", .start = kstart};

static double run_ring(size_t n, uint64_t events, int direct, uint64_t *done) {
  ax_sim *s = ax_sim_new(1);
  char name[32], err[256];
  for (size_t i = 0; i < n; i++) {
    snprintf(name, sizeof name, "n%zu", i);
    ax_sim_add_component(s, name, direct ? &knode_model : &node_model, 1000, 0);
  }
  if (direct) {
    for (size_t i = 0; i < n; i++) s->comps[i]->priv = s->comps[(i + 1) % n];
  } else {
    for (size_t i = 0; i < n; i++) {
      ax_component *a = s->comps[i], *b = s->comps[(i + 1) % n];
      if (ax_link_join(s, ax_comp_port(a, "out"), ax_comp_port(b, "in"), 1000, 0, 2, 0, err,
                       sizeof err) != AX_OK) {
        fprintf(stderr, "bench_kernel: %s\n", err);
        exit(1);
      }
      ax_comp_set_priv(a, ax_comp_port(a, "out"));
    }
  }
  /* Run for events / n nanoseconds of simulated time. */
  s->watchdog = (ax_time_t)(events / n) * 1000;
  double t0 = now_s();
  ax_sim_run(s); /* ends at the watchdog: the ring never stops by itself */
  double dt = now_s() - t0;
  *done = ax_evq_dispatched(&s->q);
  ax_sim_free(s);
  return (double)*done / dt;
}

int main(int argc, char **argv) {
  uint64_t events = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000000ull;
  if (!events) {
    fprintf(stderr, "usage: bench_kernel [EVENTS]\n");
    return 2;
  }
  if (argc > 3) {
    uint64_t d;
    size_t n = strtoull(argv[2], NULL, 10);
    double r = run_ring(n ? n : 1, events, !strcmp(argv[3], "kernel"), &d);
    printf("ring n=%zu %s=%.1f M events/s (%llu events)\n", n, argv[3], r / 1e6, (unsigned long long)d);
    return 0;
  }
  size_t sizes[] = {1, 100, 10000};
  double worst_l = -1, worst_k = -1;
  printf("# token ring, 1-cycle links, N tokens in flight; rates in M events/s\n");
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    size_t n = sizes[k];
    uint64_t d1, d2;
    double rl = run_ring(n, events, 0, &d1);
    double rk = run_ring(n, events, 1, &d2);
    double rs = 0, rm = 0;
#ifdef AX_HAVE_SYSTEMC
    char err[256];
    /* SystemC is slower: a quarter of the events keeps the run short. */
    if (axsc_ring_bench_kind((unsigned)n, events / 4, AXSC_RING_NOTIFY, &rs, err, sizeof err) !=
        AXSC_OK) {
      fprintf(stderr, "bench_kernel: SystemC ring: %s\n", err);
      rs = 0;
    }
    if (axsc_ring_bench_kind((unsigned)n, events / 8, AXSC_RING_MSG, &rm, err, sizeof err) !=
        AXSC_OK) {
      fprintf(stderr, "bench_kernel: SystemC message ring: %s\n", err);
      rm = 0;
    }
#endif
    double ratio_l = rm > 0 ? rl / rm : 0, ratio_k = rs > 0 ? rk / rs : 0;
    if (rm > 0 && (worst_l < 0 || ratio_l < worst_l)) worst_l = ratio_l;
    if (rs > 0 && (worst_k < 0 || ratio_k < worst_k)) worst_k = ratio_k;
    printf("ring n=%zu axsim_kernel=%.1f systemc_notify=%.1f axsim_link=%.1f systemc_peq=%.1f "
           "ratio_kernel=%.2f ratio_link=%.2f\n",
           n, rk / 1e6, rs / 1e6, rl / 1e6, rm / 1e6, ratio_k, ratio_l);
    fflush(stdout);
  }
  printf("ratio_kernel=%.2f\n", worst_k < 0 ? 0.0 : worst_k);
  printf("ratio_link=%.2f\n", worst_l < 0 ? 0.0 : worst_l);
  printf("ratio=%.2f\n", worst_k < 0 ? 0.0 : worst_k);
  return 0;
}
