/*
 * dram_tracefile.c - read a DRAMsim3-format trace (`0xADDR READ|WRITE
 * CYCLE` per line, plain or gzip) as a request stream.
 *
 * A reader thread decompresses and parses the file into batches while the
 * caller simulates the batch before: reading was a quarter of a run's
 * work. The stream is the file's order whatever the timing, so results do
 * not depend on the thread. A bad line ends the stream after the requests
 * before it, with file and line in the error.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "dram.h"

#define BATCH 4096 /* requests per batch: large enough that handing one over is rare */
#define NBATCH 4   /* batches in flight */

typedef struct treq {
  uint64_t addr, cycle;
  int is_write;
} treq;

typedef struct batch {
  treq r[BATCH];
  int n;
  int end; /* 0: more follow; 1: the file ended after these; -1: a bad line after these (err) */
} batch;

struct ax_dram_trace {
  gzFile f;
  char path[256];
  long line;
  batch b[NBATCH];
  int filled;                  /* batches the reader has filled (monotonic) */
  int taken;                   /* batches the caller has finished (monotonic) */
  int seen;                    /* the caller's copy of filled (read under the lock) */
  int pos;                     /* the caller's place in batch taken % NBATCH */
  int stop;                    /* close asked the reader to stop */
  char err[512];               /* the bad line's message (end == -1) */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  pthread_t th;
  int started;
};

static int hexval(int ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* Parse one line into *r: 1 a request, 0 blank or comment, -1 bad (message
 * in t->err). Numbers are read here, not with strtoull: it was a third of
 * a request's cost (locale, base, sign) and took a sign or an overflow
 * silently. */
static int parse_line(ax_dram_trace *t, char *buf, treq *r) {
  const char *p = buf;
  while (isspace((unsigned char)*p)) p++;
  if (!*p || *p == '#') return 0;
  /* the address: hex, 0x optional (DRAMsim3 reads it as hex), 64 bits at most */
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2;
  uint64_t a = 0;
  int nd = 0, v;
  for (; (v = hexval((unsigned char)*p)) >= 0; p++, nd++) {
    if (a >> 60) goto bad;
    a = a << 4 | (uint64_t)v;
  }
  if (!nd || !isspace((unsigned char)*p)) goto bad;
  while (isspace((unsigned char)*p)) p++;
  char op[32];
  int n = 0;
  while (*p && !isspace((unsigned char)*p) && n < 31) op[n++] = *p++;
  op[n] = 0;
  if (strcasecmp(op, "READ") == 0 || strcasecmp(op, "R") == 0 || strcasecmp(op, "P_MEM_RD") == 0) r->is_write = 0;
  else if (strcasecmp(op, "WRITE") == 0 || strcasecmp(op, "W") == 0 || strcasecmp(op, "P_MEM_WR") == 0) r->is_write = 1;
  else goto bad;
  while (*p == ' ' || *p == '\t') p++;
  uint64_t cy = 0;
  for (nd = 0; *p >= '0' && *p <= '9'; p++, nd++) {
    uint64_t d = (uint64_t)(*p - '0');
    if (cy > (UINT64_MAX - d) / 10) goto bad;
    cy = cy * 10 + d;
  }
  if (!nd) goto bad;
  while (isspace((unsigned char)*p)) p++;
  if (*p) goto bad;
  r->addr = a;
  r->cycle = cy;
  return 1;
bad:
  { size_t l = strlen(buf); while (l && (buf[l - 1] == '\n' || buf[l - 1] == '\r')) buf[--l] = 0; }
  snprintf(t->err, sizeof t->err, "%s:%ld: expected '0xADDR READ|WRITE CYCLE', got '%.60s'", t->path, t->line, buf);
  return -1;
}

/* The reader thread: fill free batches until the file ends, a line is bad
 * or close asks it to stop. */
static void *reader(void *arg) {
  ax_dram_trace *t = arg;
  char buf[512];
  for (int end = 0; !end;) {
    pthread_mutex_lock(&t->mu);
    while (t->filled - t->taken == NBATCH && !t->stop) pthread_cond_wait(&t->cv, &t->mu);
    int stop = t->stop;
    pthread_mutex_unlock(&t->mu);
    if (stop) break;
    batch *b = &t->b[t->filled % NBATCH]; /* free: only this thread writes filled, and the batch until filled moves */
    b->n = 0;
    while (b->n < BATCH) {
      if (!gzgets(t->f, buf, sizeof buf)) { end = 1; break; }
      t->line++;
      int k = parse_line(t, buf, &b->r[b->n]);
      if (k < 0) { end = -1; break; }
      b->n += k;
    }
    b->end = end;
    pthread_mutex_lock(&t->mu);
    t->filled++;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
  }
  return NULL;
}

/* Open a trace file (plain or .gz) and start reading it. */
ax_dram_trace *ax_dram_trace_open(const char *path, char *err, size_t errlen) {
  ax_dram_trace *t = calloc(1, sizeof *t);
  if (!t) { snprintf(err, errlen, "out of memory"); return NULL; }
  t->f = gzopen(path, "rb");
  if (!t->f) {
    snprintf(err, errlen, "%s: cannot open trace: %s", path, strerror(errno));
    free(t);
    return NULL;
  }
  gzbuffer(t->f, 1 << 17);
  snprintf(t->path, sizeof t->path, "%s", path);
  pthread_mutex_init(&t->mu, NULL);
  pthread_cond_init(&t->cv, NULL);
  if (pthread_create(&t->th, NULL, reader, t) != 0) {
    snprintf(err, errlen, "%s: cannot start the trace reader thread", path);
    ax_dram_trace_close(t);
    return NULL;
  }
  t->started = 1;
  return t;
}

/* ax_dram_src_fn over a trace file. */
int ax_dram_trace_next(void *vt, uint64_t *addr, int *is_write, uint64_t *cycle, char *err, size_t errlen) {
  ax_dram_trace *t = vt;
  for (;;) {
    if (t->taken < t->seen) {
      const batch *b = &t->b[t->taken % NBATCH];
      if (t->pos < b->n) {
        const treq *r = &b->r[t->pos++];
        *addr = r->addr, *is_write = r->is_write, *cycle = r->cycle;
        return 1;
      }
      if (b->end > 0) return 0;
      if (b->end < 0) { snprintf(err, errlen, "%s", t->err); return -1; }
      pthread_mutex_lock(&t->mu); /* done with this batch: hand it back */
      t->taken++;
      t->pos = 0;
      pthread_cond_broadcast(&t->cv);
      pthread_mutex_unlock(&t->mu);
      continue;
    }
    pthread_mutex_lock(&t->mu);
    while (t->filled == t->taken) pthread_cond_wait(&t->cv, &t->mu);
    t->seen = t->filled;
    pthread_mutex_unlock(&t->mu);
  }
}

/* Stop reading and close a trace file. */
void ax_dram_trace_close(ax_dram_trace *t) {
  if (!t) return;
  if (t->started) {
    pthread_mutex_lock(&t->mu);
    t->stop = 1;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->th, NULL);
  }
  pthread_mutex_destroy(&t->mu);
  pthread_cond_destroy(&t->cv);
  gzclose(t->f);
  free(t);
}
