/* axsc_bench.c - axsc_ring_bench: the SystemC ring's event rate, measured
 * in a forked child because a SystemC kernel cannot be restarted. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "axsc.h"

/* What the child sends back through the pipe. */
typedef struct ring_result {
  int rc;
  double events_per_s;
  char msg[512];
} ring_result;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The child's work: build, elaborate untimed, then time the run. */
static void ring_child(unsigned ncomp, uint64_t nevents, int kind, ring_result *out) {
  out->rc = axsc_init(out->msg, sizeof out->msg);
  if (out->rc != AXSC_OK) return;
  axsc_ring *r = axsc_ring_new_kind(ncomp, kind, out->msg, sizeof out->msg);
  if (!r) {
    out->rc = AXSC_ESYSTEMC;
    return;
  }
  /* Elaboration, initialisation and the t = 0 delta stay outside the
   * timed window; their activations are not counted either. */
  out->rc = axsc_run(0, out->msg, sizeof out->msg);
  if (out->rc != AXSC_OK) return;
  uint64_t before = axsc_ring_count(r);
  uint64_t ns = (nevents + ncomp - 1) / ncomp; /* whole ring steps */
  double t0 = now_s();
  out->rc = axsc_run(ns * 1000u, out->msg, sizeof out->msg);
  double dt = now_s() - t0;
  if (out->rc != AXSC_OK) return;
  uint64_t events = axsc_ring_count(r) - before;
  out->events_per_s = dt > 0 ? (double)events / dt : 0.0;
}

int axsc_ring_bench(unsigned ncomp, uint64_t nevents, double *events_per_s,
                    char *err, size_t errlen) {
  return axsc_ring_bench_kind(ncomp, nevents, AXSC_RING_NOTIFY, events_per_s, err, errlen);
}

int axsc_ring_bench_kind(unsigned ncomp, uint64_t nevents, int kind, double *events_per_s,
                         char *err, size_t errlen) {
  if (ncomp == 0 || nevents == 0 || !events_per_s) {
    snprintf(err, errlen, "axsc_ring_bench: needs ncomp >= 1, nevents >= 1 "
             "and a result pointer (got ncomp=%u nevents=%llu)",
             ncomp, (unsigned long long)nevents);
    return AXSC_EINVAL;
  }
  int fd[2];
  if (pipe(fd) != 0) {
    snprintf(err, errlen, "axsc_ring_bench: pipe: %s", strerror(errno));
    return AXSC_EINVAL;
  }
  fflush(NULL); /* the child must not write the parent's buffers twice */
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(err, errlen, "axsc_ring_bench: fork: %s", strerror(errno));
    close(fd[0]);
    close(fd[1]);
    return AXSC_EINVAL;
  }
  if (pid == 0) {
    ring_result res;
    memset(&res, 0, sizeof res);
    close(fd[0]);
    ring_child(ncomp, nevents, kind, &res);
    ssize_t w = write(fd[1], &res, sizeof res);
    _exit(w == (ssize_t)sizeof res ? 0 : 1); /* no atexit: SystemC's state dies here */
  }
  close(fd[1]);
  ring_result res;
  size_t got = 0;
  while (got < sizeof res) {
    ssize_t n = read(fd[0], (char *)&res + got, sizeof res - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fd[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (got != sizeof res) {
    if (WIFSIGNALED(st))
      snprintf(err, errlen, "axsc_ring_bench: child died of signal %d (%s)",
               WTERMSIG(st), strsignal(WTERMSIG(st)));
    else
      snprintf(err, errlen, "axsc_ring_bench: child exited (status %d) "
               "without a result", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return AXSC_ESYSTEMC;
  }
  if (res.rc != AXSC_OK) {
    snprintf(err, errlen, "%s", res.msg);
    return res.rc;
  }
  *events_per_s = res.events_per_s;
  return AXSC_OK;
}
