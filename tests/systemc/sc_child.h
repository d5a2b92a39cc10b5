/* sc_child.h - run a piece of SystemC work in a forked child (a SystemC
 * kernel cannot be restarted, so every test case gets a fresh one) and
 * bring its numbers and error text back to the parent, where cmocka
 * asserts on them. */
#ifndef AX_TEST_SC_CHILD_H
#define AX_TEST_SC_CHILD_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SC_CHILD_NV 16

/* What a child reports: up to SC_CHILD_NV numbers, a code, a message. */
typedef struct sc_child_out {
  int rc;
  uint64_t v[SC_CHILD_NV];
  char msg[512];
} sc_child_out;

typedef void (*sc_child_fn)(const void *arg, sc_child_out *out);

/* Run fn(arg, out) in a child; 0 when the child reported, -1 when it died
 * (out->msg says how). */
static int sc_child_run(sc_child_fn fn, const void *arg, sc_child_out *out) {
  int fd[2];
  memset(out, 0, sizeof *out);
  if (pipe(fd) != 0) return -1;
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    sc_child_out o;
    memset(&o, 0, sizeof o);
    close(fd[0]);
    fn(arg, &o);
    ssize_t w = write(fd[1], &o, sizeof o);
    _exit(w == (ssize_t)sizeof o ? 0 : 3);
  }
  close(fd[1]);
  size_t got = 0;
  while (got < sizeof *out) {
    ssize_t n = read(fd[0], (char *)out + got, sizeof *out - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fd[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (got != sizeof *out || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    snprintf(out->msg, sizeof out->msg, "child died (status 0x%x)", st);
    return -1;
  }
  return 0;
}

#endif
