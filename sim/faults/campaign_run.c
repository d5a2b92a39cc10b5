/*
 * campaign_run.c - running a campaign's injections in worker processes
 * with resume: injections are cut into chunks of AX_FC_CHUNK; a worker
 * writes each finished chunk to PARTS/chunk-NNNNNNNN.bin through a
 * temporary file and rename(), so a chunk file exists whole or not at all.
 * A killed campaign, run again with the same file and output, skips the
 * chunks present and runs the rest: no injection lost, none run twice.
 * Workers report finished chunks on a pipe; the parent draws the progress
 * bar on stderr.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "campaign_run.h"
#include "sim.h"

#define MAGIC 0x31434658u /* "XFC1" */

typedef struct chunk_head {
  uint32_t magic, rowsize;
  uint64_t hash, chunk, nrows;
} chunk_head;

static void chunk_path(const char *parts, uint64_t k, char *out, size_t n)
{
  snprintf(out, n, "%s/chunk-%08llu.bin", parts, (unsigned long long)k);
}

/* Read chunk k if present and whole: 1 read, 0 absent, -1 foreign/broken. */
static int chunk_read(const ax_campaign *c, const char *parts, uint64_t k, ax_fi_row *rows,
                      uint64_t want, char *err, size_t errlen)
{
  char p[2048];
  chunk_path(parts, k, p, sizeof p);
  FILE *fp = fopen(p, "rb");
  if (!fp) return 0;
  chunk_head h;
  int ok = fread(&h, sizeof h, 1, fp) == 1 && h.magic == MAGIC && h.rowsize == sizeof *rows &&
           h.chunk == k && h.nrows == want;
  if (ok && h.hash != c->hash) {
    fclose(fp);
    ax_errf(err, errlen, "%s was written by a different campaign file; remove it or choose another -o", p);
    return -1;
  }
  if (ok && rows) ok = fread(rows, sizeof *rows, want, fp) == want;
  fclose(fp);
  if (!ok) {
    ax_errf(err, errlen, "%s: not a chunk of this campaign (wrong size or header)", p);
    return -1;
  }
  return 1;
}

static int chunk_write(const ax_campaign *c, const char *parts, uint64_t k, const ax_fi_row *rows,
                       uint64_t n)
{
  char p[2048], tmp[2100];
  chunk_path(parts, k, p, sizeof p);
  snprintf(tmp, sizeof tmp, "%s.tmp.%d", p, (int)getpid());
  FILE *fp = fopen(tmp, "wb");
  if (!fp) return -1;
  chunk_head h = {MAGIC, (uint32_t)sizeof *rows, c->hash, k, n};
  int ok = fwrite(&h, sizeof h, 1, fp) == 1 && fwrite(rows, sizeof *rows, n, fp) == n;
  ok = fflush(fp) == 0 && ok;
  ok = fsync(fileno(fp)) == 0 && ok;
  ok = fclose(fp) == 0 && ok;
  if (!ok || rename(tmp, p) != 0) {
    unlink(tmp);
    return -1;
  }
  return 0;
}

static uint64_t chunk_rows(uint64_t total, uint64_t k)
{
  uint64_t a = k * AX_FC_CHUNK, b = a + AX_FC_CHUNK;
  return (b > total ? total : b) - a;
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void progress(uint64_t done, uint64_t total, double t0, int tty, int *last_pct)
{
  int pct = total ? (int)(100.0 * (double)done / (double)total) : 100;
  if (!tty) {
    if (pct / 10 != *last_pct / 10 || done == total) fprintf(stderr, "faults: %3d%% (%llu/%llu)\n",
                                                             pct, (unsigned long long)done,
                                                             (unsigned long long)total);
    *last_pct = pct;
    return;
  }
  char bar[41];
  int w = pct * 40 / 100;
  for (int i = 0; i < 40; i++) bar[i] = i < w ? '#' : '.';
  bar[40] = 0;
  double el = now_s() - t0;
  fprintf(stderr, "\r[%s] %3d%% %llu/%llu  %.0f s", bar, pct, (unsigned long long)done,
          (unsigned long long)total, el);
  if (done == total) fputc('\n', stderr);
  *last_pct = pct;
}

/* A worker: its share of the to-do chunks, one report byte per chunk. */
static int worker(const ax_campaign *c, const char *parts, const uint64_t *todo, size_t ntodo,
                  int w, int nw, int fd, long stop_after)
{
  uint64_t total = ax_campaign_total(c);
  ax_fi_row *rows = ax_xmalloc(sizeof *rows * AX_FC_CHUNK);
  void *scr = ax_campaign_scratch(c);
  long done = 0;
  for (size_t i = (size_t)w; i < ntodo; i += (size_t)nw) {
    uint64_t k = todo[i], n = chunk_rows(total, k);
    for (uint64_t j = 0; j < n; j++) {
      ax_campaign_sample(c, k * AX_FC_CHUNK + j, &rows[j]);
      ax_campaign_inject(c, &rows[j], scr);
    }
    if (chunk_write(c, parts, k, rows, n)) {
      fprintf(stderr, "faults: cannot write %s/chunk-%08llu.bin: %s\n", parts,
              (unsigned long long)k, strerror(errno));
      return 1;
    }
    uint32_t msg = (uint32_t)n;
    if (write(fd, &msg, sizeof msg) != (ssize_t)sizeof msg) return 1;
    if (stop_after > 0 && ++done >= stop_after) return 3; /* test aid: die like a kill */
  }
  free(rows);
  ax_campaign_scratch_free(scr);
  return 0;
}

int ax_campaign_run(const ax_campaign *c, const char *parts, int jobs, long stop_after,
                    ax_fi_row **out, double *inj_per_s, uint64_t *ran, char *err, size_t errlen)
{
  uint64_t total = ax_campaign_total(c);
  uint64_t nchunks = (total + AX_FC_CHUNK - 1) / AX_FC_CHUNK;
  if (mkdir(parts, 0777) != 0 && errno != EEXIST) {
    ax_errf(err, errlen, "%s: cannot create: %s", parts, strerror(errno));
    return AX_EIO;
  }
  uint64_t *todo = ax_xmalloc(sizeof *todo * (nchunks + 1));
  size_t ntodo = 0;
  uint64_t done = 0;
  for (uint64_t k = 0; k < nchunks; k++) {
    int r = chunk_read(c, parts, k, NULL, chunk_rows(total, k), err, errlen);
    if (r < 0) { free(todo); return AX_EINVAL; }
    if (r) done += chunk_rows(total, k);
    else todo[ntodo++] = k;
  }
  int tty = isatty(2);
  int last = -1;
  double t0 = now_s();
  uint64_t before = done;
  if (jobs < 1) jobs = 1;
  if ((size_t)jobs > ntodo) jobs = ntodo ? (int)ntodo : 1;
  int failed = 0;
  if (ntodo) {
    int pfd[2];
    if (pipe(pfd) != 0) {
      ax_errf(err, errlen, "pipe: %s", strerror(errno));
      free(todo);
      return AX_EIO;
    }
    pid_t *pids = ax_xcalloc((size_t)jobs, sizeof *pids);
    fflush(NULL);
    for (int w = 0; w < jobs; w++) {
      pid_t p = fork();
      if (p < 0) {
        ax_errf(err, errlen, "fork: %s", strerror(errno));
        failed = 1;
        break;
      }
      if (p == 0) {
        close(pfd[0]);
        int rc = worker(c, parts, todo, ntodo, w, jobs, pfd[1], stop_after);
        _exit(rc);
      }
      pids[w] = p;
    }
    close(pfd[1]);
    progress(done, total, t0, tty, &last);
    uint32_t msg;
    ssize_t r;
    while ((r = read(pfd[0], &msg, sizeof msg)) == (ssize_t)sizeof msg || (r < 0 && errno == EINTR)) {
      if (r < 0) continue;
      done += msg;
      progress(done, total, t0, tty, &last);
    }
    close(pfd[0]);
    for (int w = 0; w < jobs; w++) {
      if (!pids[w]) continue;
      int st;
      while (waitpid(pids[w], &st, 0) < 0 && errno == EINTR) {}
      if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        if (!failed)
          ax_errf(err, errlen, "worker %d %s %d; the finished chunks are kept in %s, run again to resume",
                  w, WIFEXITED(st) ? "exited with" : "was killed by signal",
                  WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), parts);
        failed = 1;
      }
    }
    free(pids);
  }
  double dt = now_s() - t0;
  free(todo);
  *ran = done - before;
  *inj_per_s = dt > 0 ? (double)(done - before) / dt : 0;
  if (failed) return AX_EIO;
  /* gather every chunk in order */
  ax_fi_row *rows = ax_xmalloc(sizeof *rows * (total ? total : 1));
  for (uint64_t k = 0; k < nchunks; k++) {
    int r = chunk_read(c, parts, k, rows + k * AX_FC_CHUNK, chunk_rows(total, k), err, errlen);
    if (r <= 0) {
      if (r == 0) ax_errf(err, errlen, "%s: chunk %llu is missing after the run", parts, (unsigned long long)k);
      free(rows);
      return AX_EIO;
    }
  }
  *out = rows;
  return AX_OK;
}

void ax_campaign_parts_remove(const char *parts)
{
  DIR *d = opendir(parts);
  if (!d) return;
  struct dirent *e;
  char p[2200];
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, "chunk-", 6) != 0) continue;
    snprintf(p, sizeof p, "%s/%s", parts, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(parts);
}
