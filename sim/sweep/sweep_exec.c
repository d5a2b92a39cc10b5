/*
 * sweep_exec.c - run sweep points in forked worker processes.
 *
 * Each point runs in its own child (fork, ax_run, _exit), so a point that
 * fails or crashes is recorded with its message (pNNNNNN.fail, written via
 * tmp + rename like the results) and the sweep goes on. A point is done
 * when its .h5 or .fail exists for the same settings and seed: a killed
 * sweep re-run skips those and runs the rest, none twice.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <hdf5.h>

#include "runner.h"
#include "sim.h"
#include "sweep_run.h"

double ax_sweep_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int ax_sweep_exec_init(ax_sweep_exec *ex, ax_sweep *sw, const char *out, int jobs, int quiet,
                       char *err, size_t errlen) {
  memset(ex, 0, sizeof *ex);
  ex->sw = sw;
  ex->out = ax_strdup(out);
  ex->jobs = jobs < 1 ? 1 : jobs;
  ex->prog.quiet = quiet;
  size_t n = strlen(out);
  size_t stem = n > 3 && !strcmp(out + n - 3, ".h5") ? n - 3 : n;
  ex->pdir = ax_xmalloc(stem + 8);
  snprintf(ex->pdir, stem + 8, "%.*s.points", (int)stem, out);
  const char *slash = strrchr(ex->pdir, '/');
  ex->pdir_rel = ax_strdup(slash ? slash + 1 : ex->pdir);
  if (mkdir(ex->pdir, 0777) != 0 && errno != EEXIST) {
    ax_errf(err, errlen, "cannot create the points folder %s: %s", ex->pdir, strerror(errno));
    ax_sweep_exec_free(ex);
    return AX_EIO;
  }
  return AX_OK;
}

void ax_sweep_exec_free(ax_sweep_exec *ex) {
  free(ex->out);
  free(ex->pdir);
  free(ex->pdir_rel);
  memset(ex, 0, sizeof *ex);
}

char *ax_sweep_point_file(const ax_sweep_exec *ex, size_t i, const char *ext) {
  size_t n = strlen(ex->pdir) + strlen(ext) + 32;
  char *p = ax_xmalloc(n);
  snprintf(p, n, "%s/p%06zu%s", ex->pdir, i, ext);
  return p;
}

/* The overrides as the core stores them: one per line. */
static char *overrides_text(const ax_sweep *sw, size_t i) {
  char **ov = ax_sweep_overrides(sw, i);
  size_t n = 1;
  for (size_t j = 0; j < sw->nparams; j++) n += strlen(ov[j]) + 1;
  char *t = ax_xcalloc(1, n);
  for (size_t j = 0; j < sw->nparams; j++) {
    strcat(t, ov[j]);
    strcat(t, "\n");
  }
  ax_sweep_overrides_free(sw, ov);
  return t;
}

/* What a .fail file starts with: it identifies the point's settings. */
static char *fail_key(const ax_sweep *sw, size_t i) {
  char *ov = overrides_text(sw, i);
  const ax_sweep_point *p = &sw->pts[i];
  size_t n = strlen(ov) + 64;
  char *k = ax_xmalloc(n);
  if (p->has_seed) snprintf(k, n, "axsim-sweep-fail 1\nseed %llu\n%s", (unsigned long long)p->seed, ov);
  else snprintf(k, n, "axsim-sweep-fail 1\nseed -\n%s", ov);
  free(ov);
  return k;
}


/* Write point i's .fail (status, message) via tmp + rename. */
static void write_fail(const ax_sweep_exec *ex, size_t i, int status, const char *msg) {
  char *path = ax_sweep_point_file(ex, i, ".fail");
  char *tmp = ax_sweep_point_file(ex, i, ".fail.tmp");
  char *key = fail_key(ex->sw, i);
  FILE *f = fopen(tmp, "w");
  if (f) {
    fprintf(f, "%sstatus %d\n", key, status);
    for (const char *c = msg; *c; c++) fputc(*c == '\n' ? ' ' : *c, f);
    fputc('\n', f);
    if (fclose(f) == 0) rename(tmp, path);
    else unlink(tmp);
  }
  free(key);
  free(tmp);
  free(path);
}

/* Read a string attribute (NULL if absent). */
static char *attr_str(hid_t loc, const char *name) {
  if (H5Aexists(loc, name) <= 0) return NULL;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  hid_t t = H5Aget_type(a);
  char *v = NULL;
  if (H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t)) {
    size_t n = H5Tget_size(t);
    v = ax_xcalloc(1, n + 1);
    if (H5Aread(a, t, v) < 0) v[0] = 0;
  }
  H5Tclose(t);
  H5Aclose(a);
  return v;
}

int64_t ax_sweep_point_open(const ax_sweep_exec *ex, size_t i) {
  char *path = ax_sweep_point_file(ex, i, ".h5");
  struct stat sb;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = stat(path, &sb) == 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
  free(path);
  if (f < 0) return -1;
  char *ov = attr_str(f, "overrides");
  char *want = overrides_text(ex->sw, i);
  int ok = ov && !strcmp(ov, want);
  if (ok && ex->sw->pts[i].has_seed) {
    int64_t seed = -1;
    if (H5Aexists(f, "seed") > 0) {
      hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
      H5Aread(a, H5T_NATIVE_INT64, &seed);
      H5Aclose(a);
    }
    ok = (uint64_t)seed == ex->sw->pts[i].seed;
  }
  free(ov);
  free(want);
  if (!ok) {
    H5Fclose(f);
    return -1;
  }
  return f;
}

/* 1 if point i's results file exists and matches its settings and seed. */
static int h5_matches(const ax_sweep_exec *ex, size_t i) {
  hid_t f = ax_sweep_point_open(ex, i);
  if (f < 0) return 0;
  H5Fclose(f);
  return 1;
}

/* 1 if the .fail file is point i's; its status and message out. */
static int fail_matches(const ax_sweep_exec *ex, size_t i, const char *path, int *status, char *msg, size_t len) {
  char *t = ax_slurp(path);
  if (!t) return 0;
  char *key = fail_key(ex->sw, i);
  size_t kl = strlen(key);
  int ok = !strncmp(t, key, kl) && sscanf(t + kl, "status %d", status) == 1;
  if (ok && msg) {
    const char *m = strchr(t + kl, '\n');
    snprintf(msg, len, "%s", m ? m + 1 : "");
    size_t l = strlen(msg);
    if (l && msg[l - 1] == '\n') msg[l - 1] = 0;
  }
  free(key);
  free(t);
  return ok;
}

int ax_sweep_point_done(const ax_sweep_exec *ex, size_t i) {
  struct stat sb;
  if (h5_matches(ex, i)) return 1;
  int done;
  char *fl = ax_sweep_point_file(ex, i, ".fail");
  int st;
  done = stat(fl, &sb) == 0 && fail_matches(ex, i, fl, &st, NULL, 0);
  free(fl);
  return done;
}

int ax_sweep_point_kind(const ax_sweep_exec *ex, size_t i, int *status, char *msg, size_t len) {
  struct stat sb;
  if (h5_matches(ex, i)) return 1;
  int k;
  char *fl = ax_sweep_point_file(ex, i, ".fail");
  k = stat(fl, &sb) == 0 && fail_matches(ex, i, fl, status, msg, len);
  free(fl);
  return k ? 2 : 0;
}

size_t ax_sweep_todo(ax_sweep_exec *ex, const size_t *idx, size_t n, size_t **todo) {
  size_t *t = ax_xcalloc(n ? n : 1, sizeof *t), m = 0;
  for (size_t k = 0; k < n; k++)
    if (!ax_sweep_point_done(ex, idx[k])) t[m++] = idx[k];
  *todo = t;
  return m;
}

pid_t ax_sweep_spawn(ax_sweep_exec *ex, size_t i) {
  fflush(NULL);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0) return pid;
  /* the child: one run, then _exit (no atexit handlers of the parent) */
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
#ifdef __linux__
  /* die with the sweep: a killed sweep leaves no orphan writing a point */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
#else
  (void)parent;
#endif
  const ax_sweep *sw = ex->sw;
  char **ov = ax_sweep_overrides(sw, i);
  char *h5 = ax_sweep_point_file(ex, i, ".h5");
  char *fl = ax_sweep_point_file(ex, i, ".fail");
  ax_run_opts o = {sw->base, ov, sw->nparams, sw->pts[i].seed, sw->pts[i].has_seed, h5};
  char err[AX_ERR_MAX];
  int rc = ax_run(&o, NULL, NULL, err, sizeof err);
  if (rc) {
    write_fail(ex, i, rc == 2 ? AX_PT_BADINPUT : AX_PT_FAILED, err);
    unlink(h5);
  } else {
    unlink(fl);
  }
  fflush(NULL);
  _exit(rc);
}

int ax_sweep_reaped(ax_sweep_exec *ex, size_t i, int ws) {
  char msg[200];
  int st;
  if (WIFEXITED(ws) && (WEXITSTATUS(ws) == 0 || WEXITSTATUS(ws) == 1 || WEXITSTATUS(ws) == 2)) {
    /* the child wrote the file it names (0: results, 1/2: failure record)
     * for this very point: a stat is enough, no need to open it */
    char *p = ax_sweep_point_file(ex, i, WEXITSTATUS(ws) ? ".fail" : ".h5");
    struct stat sb;
    int there = stat(p, &sb) == 0;
    free(p);
    if (there) return WEXITSTATUS(ws) == 0;
    snprintf(msg, sizeof msg, "the point exited with code %d but left no results file", WEXITSTATUS(ws));
    st = AX_PT_CRASHED;
  } else if (WIFSIGNALED(ws)) {
    snprintf(msg, sizeof msg, "crashed: killed by signal %d (%s)", WTERMSIG(ws), strsignal(WTERMSIG(ws)));
    st = AX_PT_CRASHED;
  } else {
    snprintf(msg, sizeof msg, "exited with code %d", WEXITSTATUS(ws));
    st = AX_PT_CRASHED;
  }
  write_fail(ex, i, st, msg);
  return 0;
}

/* Set by SIGINT / SIGTERM: stop handing out points (the one flag a signal
 * handler may set; it is the reason for this file-level variable). */
static volatile sig_atomic_t interrupted;
static void on_signal(int sig) { interrupted = sig; }

int ax_sweep_exec_points(ax_sweep_exec *ex, const size_t *idx, size_t n) {
  int jobs = ex->jobs;
  pid_t *pid = ax_xcalloc((size_t)jobs, sizeof *pid);
  size_t *pt = ax_xcalloc((size_t)jobs, sizeof *pt);
  struct sigaction sa, old_int, old_term;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  interrupted = 0;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  size_t next = 0;
  int running = 0;
  while (next < n || running) {
    while (!interrupted && next < n && running < jobs) {
      int s;
      for (s = 0; s < jobs && pid[s]; s++) {}
      pid_t p = ax_sweep_spawn(ex, idx[next]);
      if (p < 0) {
        if (!running) { /* cannot fork at all: give up on the rest */
          fprintf(stderr, "axsim sweep: fork: %s\n", strerror(errno));
          interrupted = SIGTERM;
        }
        break;
      }
      pid[s] = p;
      pt[s] = idx[next++];
      running++;
    }
    if (!running) break;
    int ws;
    pid_t p = waitpid(-1, &ws, 0);
    if (p < 0) {
      if (errno == EINTR) {
        if (interrupted == SIGTERM)
          for (int s = 0; s < jobs; s++)
            if (pid[s]) kill(pid[s], SIGTERM);
        continue;
      }
      break;
    }
    int s;
    for (s = 0; s < jobs && pid[s] != p; s++) {}
    if (s == jobs) continue;
    pid[s] = 0;
    running--;
    /* a child stopped by the user's interrupt is not a failed point */
    if (interrupted && WIFSIGNALED(ws)) continue;
    ax_progress_step(&ex->prog, !ax_sweep_reaped(ex, pt[s], ws));
  }
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  free(pid);
  free(pt);
  return interrupted ? 1 : 0;
}

/* ---- progress ---- */

void ax_progress_start(ax_progress *p, size_t total, size_t skipped, int quiet) {
  int q = p->quiet || quiet;
  memset(p, 0, sizeof *p);
  p->quiet = q;
  p->total = total;
  p->skipped = skipped;
  p->f = stderr;
  p->tty = isatty(fileno(stderr));
  p->step = total / 10 ? total / 10 : 1;
  p->t0 = p->last = ax_sweep_now();
}

static void fmt_time(char *b, size_t n, double s) {
  if (s != s || s > 360000) {
    snprintf(b, n, "--:--");
    return;
  }
  long t = (long)(s + 0.5);
  if (t >= 3600) snprintf(b, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else snprintf(b, n, "%ld:%02ld", t / 60, t % 60);
}

static void show(ax_progress *p, int final) {
  double now = ax_sweep_now(), el = now - p->t0;
  double rate = el > 0 ? (double)p->done / el : 0;
  double eta = rate > 0 ? (double)(p->total - p->done) / rate : 0.0 / 0.0;
  char e1[32], e2[32];
  fmt_time(e1, sizeof e1, el);
  fmt_time(e2, sizeof e2, eta);
  double frac = p->total ? (double)p->done / (double)p->total : 1;
  char fail[48] = "";
  if (p->failed) snprintf(fail, sizeof fail, ", %zu failed", p->failed);
  if (p->tty) {
    char bar[31];
    int w = (int)(frac * 30);
    for (int i = 0; i < 30; i++) bar[i] = i < w ? '#' : '.';
    bar[30] = 0;
    fprintf(p->f, "\r[%s] %zu/%zu %5.1f%% %.1f pt/s elapsed %s ETA %s%s%s", bar, p->done, p->total,
            100 * frac, rate, e1, final ? "0:00" : e2, fail, final ? "\n" : "  ");
  } else {
    fprintf(p->f, "sweep: %zu/%zu points (%.0f%%), %.1f pt/s, elapsed %s, ETA %s%s\n", p->done, p->total,
            100 * frac, rate, e1, final ? "0:00" : e2, fail);
  }
  fflush(p->f);
}

void ax_progress_step(ax_progress *p, int failed) {
  p->done++;
  p->failed += failed != 0;
  if (p->quiet) return;
  double now = ax_sweep_now();
  if (p->tty ? now - p->last >= 0.1 : p->done % p->step == 0) {
    p->last = now;
    show(p, 0);
  }
}

void ax_progress_end(ax_progress *p) {
  if (p->quiet) return;
  if (p->tty || p->done % p->step) show(p, 1);
}
