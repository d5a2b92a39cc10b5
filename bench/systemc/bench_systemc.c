/* bench_systemc.c - what crossing into SystemC costs per transaction.
 *
 * A driver component keeps `window` 64-byte reads outstanding against a
 * memory (10 ns latency, 25.6 GB/s) and sends a new one on every answer,
 * `n` requests in all. The same run is made with the native `memory`, the
 * `systemc` model hosting the LT TLM-2.0 memory, and the blocking one
 * (access time spent in wait() inside b_transport). Each run is in its own
 * child process (a SystemC kernel cannot be restarted); the wall time
 * covers ax_sim_run only. The boundary cost is the difference per request
 * between a SystemC-hosted run and the native one. Also prints the
 * SystemC ring's event rate (axsc_ring_bench) for the record.
 *
 * usage: bench_systemc [n_requests [window]]   (defaults 1000000, 8)
 * Prints figures; asserts nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "axsc.h"
#include "config.h"
#include "sim.h"

typedef struct drv {
  ax_port *out;
  uint64_t n, sent, got, window;
} drv;

static drv g; /* the child's one driver */

static void send_one(ax_component *c) {
  ax_msg m = {AX_MSG_MEM_REQ, 0, (g.sent * 64) & 0xffffff, 64, g.sent, 0, NULL};
  if (ax_port_send(g.out, &m) != AX_OK) ax_fail(ax_comp_sim(c), "driver: link refused");
  g.sent++;
}

static int drv_init(ax_component *c, char *err, size_t errlen) {
  (void)err, (void)errlen;
  g.out = ax_comp_port(c, "out");
  return AX_OK;
}

static void drv_start(ax_component *c) {
  while (g.sent < g.window && g.sent < g.n) send_one(c);
}

static int drv_recv(ax_component *c, ax_port *p, const ax_msg *m) {
  (void)p, (void)m;
  g.got++;
  if (g.sent < g.n) send_one(c);
  return AX_OK;
}

static const ax_port_def drv_ports[] = {{"out", "requests out, answers in"}, {NULL, NULL}};
static const ax_model drv_model = {.abi = AX_ABI_VERSION, .name = "bench_driver", .doc = "",
                                   .ports = drv_ports, .init = drv_init, .start = drv_start,
                                   .recv = drv_recv};

typedef struct result {
  int rc;
  double wall_s;
  uint64_t events, end_ps, got;
  char msg[512];
} result;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void run_child(const char *model, uint64_t n, uint64_t window, result *r) {
  char path[128];
  snprintf(path, sizeof path, "/tmp/bench_systemc_%d.cfg", (int)getpid());
  FILE *f = fopen(path, "w");
  if (!f) {
    r->rc = -1;
    snprintf(r->msg, sizeof r->msg, "cannot write %s", path);
    return;
  }
  fprintf(f, "m = { %s latency_ns = 10.0; bandwidth_gbps = 25.6; queue = %llu; };\n", model,
          (unsigned long long)window);
  fclose(f);
  memset(&g, 0, sizeof g);
  g.n = n;
  g.window = window;
  ax_sim *s = NULL;
  r->rc = ax_config_load(path, NULL, 0, 0, 0, &s, r->msg, sizeof r->msg);
  remove(path);
  if (r->rc) return;
  ax_component *d = ax_sim_add_component(s, "drv", &drv_model, 1000, 0);
  ax_port *mp = ax_comp_port_get(ax_sim_find(s, "m"), "in0", 1);
  r->rc = ax_link_join(s, ax_comp_port(d, "out"), mp, 0, 0.0, (uint32_t)window, 0, r->msg,
                       sizeof r->msg);
  if (!r->rc) r->rc = ax_sim_init_components(s, r->msg, sizeof r->msg);
  if (!r->rc) {
    double t0 = now_s();
    r->rc = ax_sim_run(s);
    r->wall_s = now_s() - t0;
    if (r->rc) snprintf(r->msg, sizeof r->msg, "%.500s", s->err);
  }
  r->events = ax_evq_dispatched(&s->q);
  r->end_ps = ax_now(s);
  r->got = g.got;
  ax_sim_free(s);
}

/* Run one variant in a child; 0 on success. */
static int run(const char *model, uint64_t n, uint64_t window, result *r) {
  int fd[2];
  memset(r, 0, sizeof *r);
  if (pipe(fd)) return -1;
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    result x;
    memset(&x, 0, sizeof x);
    close(fd[0]);
    run_child(model, n, window, &x);
    _exit(write(fd[1], &x, sizeof x) == (ssize_t)sizeof x ? 0 : 1);
  }
  close(fd[1]);
  size_t got = 0;
  while (got < sizeof *r) {
    ssize_t k = read(fd[0], (char *)r + got, sizeof *r - got);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    got += (size_t)k;
  }
  close(fd[0]);
  int st;
  waitpid(pid, &st, 0);
  if (got != sizeof *r) snprintf(r->msg, sizeof r->msg, "child died (status 0x%x)", st);
  return got == sizeof *r && r->rc == 0 ? 0 : -1;
}

int main(int argc, char **argv) {
  uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
  uint64_t window = argc > 2 ? strtoull(argv[2], NULL, 10) : 8;
  if (n == 0 || window == 0 || window > 1u << 20) {
    fprintf(stderr, "usage: bench_systemc [n_requests >= 1 [window in 1..1048576]]\n");
    return 2;
  }
  static const char *const names[] = {"native memory", "systemc memory (LT)",
                                      "systemc memory_blocking"};
  static const char *const models[] = {"model = \"memory\";",
                                       "model = \"systemc\"; module = \"memory\";",
                                       "model = \"systemc\"; module = \"memory_blocking\";"};
  printf("SystemC %s; %llu reads of 64 B, %llu outstanding\n", axsc_version(),
         (unsigned long long)n, (unsigned long long)window);
  result r[3];
  for (int i = 0; i < 3; i++) {
    if (run(models[i], n, window, &r[i])) {
      fprintf(stderr, "bench_systemc: %s: %s\n", names[i], r[i].msg);
      return 1;
    }
    printf("%-26s wall %.3f s  %.1f ns/request  %.2f M requests/s  events %llu  sim end %llu ps\n",
           names[i], r[i].wall_s, 1e9 * r[i].wall_s / (double)n, (double)n / r[i].wall_s / 1e6,
           (unsigned long long)r[i].events, (unsigned long long)r[i].end_ps);
  }
  if (r[1].end_ps != r[0].end_ps || r[2].end_ps != r[0].end_ps)
    printf("NOTE: simulated end times differ between variants\n");
  printf("boundary_ns_per_txn_lt=%.1f\n", 1e9 * (r[1].wall_s - r[0].wall_s) / (double)n);
  printf("boundary_ns_per_txn_blocking=%.1f\n", 1e9 * (r[2].wall_s - r[0].wall_s) / (double)n);
  static const unsigned ring[] = {1, 100, 10000};
  for (size_t i = 0; i < 3; i++) {
    double eps;
    char err[512];
    if (axsc_ring_bench(ring[i], 20000000, &eps, err, sizeof err)) {
      fprintf(stderr, "bench_systemc: ring: %s\n", err);
      return 1;
    }
    printf("systemc_ring_%u=%.2f M events/s\n", ring[i], eps / 1e6);
  }
  return 0;
}
