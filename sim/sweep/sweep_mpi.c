/*
 * sweep_mpi.c - axsim-mpi: `axsim sweep` over MPI ranks (Open MPI).
 *
 * Rank 0 loads the sweep, skips the points already done, and hands out the
 * others one at a time to whichever rank asks (dynamic distribution: a
 * slow point holds up one rank only); it runs points itself meanwhile.
 * Every rank runs a point as the local sweep does, in a forked child, so
 * a crashing point is a failed row, not a dead rank. Point files go to the
 * same OUT.points/ folder (a file system all ranks share), and rank 0
 * writes the summary from them: the same table as `axsim sweep -j N`.
 * `axsim sweep` execs this program when it finds itself under mpirun.
 */
#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "sweep_cmd.h"

enum { TAG_READY = 1, TAG_WORK = 2, TAG_STOP = 3 };

typedef struct master {
  ax_sweep_exec *ex;
  int size;
  int *idle, nidle;   /* ranks waiting for a point */
  char *reported;     /* rank has sent its first READY */
} master;

/* A point as text: index, seed, has_seed, generation, then per parameter
 * "display\x1fliteral\x1fnumber" (number in C99 hex, exact). */
static char *pack(const ax_sweep *sw, size_t i, int *len) {
  const ax_sweep_point *p = &sw->pts[i];
  size_t cap = 128;
  for (size_t j = 0; j < sw->nparams; j++) cap += strlen(p->val[j]) + strlen(p->lit[j]) + 48;
  char *b = ax_xmalloc(cap);
  size_t off = (size_t)snprintf(b, cap, "%zu\n%llu\n%d\n%u\n", i, (unsigned long long)p->seed, p->has_seed, p->gen);
  for (size_t j = 0; j < sw->nparams; j++)
    off += (size_t)snprintf(b + off, cap - off, "%s\x1f%s\x1f%a\n", p->val[j], p->lit[j], p->num[j]);
  *len = (int)off + 1;
  return b;
}

static size_t unpack(ax_sweep *sw, char *b) {
  size_t i;
  unsigned long long seed;
  int has;
  unsigned gen;
  char *line = b;
  if (sscanf(line, "%zu\n%llu\n%d\n%u\n", &i, &seed, &has, &gen) != 4) return (size_t)-1;
  for (int k = 0; k < 4; k++) line = strchr(line, '\n') + 1;
  char **val = ax_xcalloc(sw->nparams + 1, sizeof *val), **lit = ax_xcalloc(sw->nparams + 1, sizeof *lit);
  double *num = ax_xcalloc(sw->nparams + 1, sizeof *num);
  for (size_t j = 0; j < sw->nparams; j++) {
    char *nl = strchr(line, '\n');
    *nl = 0;
    char *a = strchr(line, '\x1f');
    *a = 0;
    char *c = strchr(a + 1, '\x1f');
    *c = 0;
    val[j] = line;
    lit[j] = a + 1;
    num[j] = strtod(c + 1, NULL);
    line = nl + 1;
  }
  ax_sweep_set_point(sw, i, val, lit, num, seed, has, gen);
  free(val);
  free(lit);
  free(num);
  return i;
}

static void nap(void) {
  struct timespec ts = {0, 200000}; /* 0.2 ms between polls: rank 0 must not spin a core */
  nanosleep(&ts, NULL);
}

/* The batch runner of rank 0: workers ask, rank 0 answers, and runs one
 * point of its own at a time. */
static int run_mpi(void *ctx, const size_t *idx, size_t n) {
  master *M = ctx;
  ax_sweep_exec *ex = M->ex;
  size_t *todo;
  size_t m = ax_sweep_todo(ex, idx, n, &todo);
  ax_progress_start(&ex->prog, m, n - m, ex->prog.quiet);
  size_t next = 0;
  int busy = 0;
  pid_t lpid = 0;
  size_t lpt = 0;
  while (next < m || busy || lpid) {
    int moved = 0;
    while (M->nidle && next < m) {
      int len;
      char *b = pack(ex->sw, todo[next++], &len);
      MPI_Send(b, len, MPI_CHAR, M->idle[--M->nidle], TAG_WORK, MPI_COMM_WORLD);
      free(b);
      busy++;
      moved = 1;
    }
    if (!lpid && next < m) {
      lpt = todo[next];
      lpid = ax_sweep_spawn(ex, todo[next++]);
      if (lpid < 0) {
        lpid = 0;
        next--; /* cannot fork now: leave it to the workers */
        if (M->size == 1) {
          free(todo);
          return 1;
        }
      }
      moved = 1;
    }
    int flag;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_READY, MPI_COMM_WORLD, &flag, &st);
    if (flag) {
      long long msg[2];
      MPI_Recv(msg, 2, MPI_LONG_LONG, st.MPI_SOURCE, TAG_READY, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      M->reported[st.MPI_SOURCE] = 1;
      if (msg[0] >= 0) {
        busy--;
        ax_progress_step(&ex->prog, !msg[1]);
      }
      if (msg[0] >= 0 || msg[1]) M->idle[M->nidle++] = st.MPI_SOURCE; /* msg[1] == 0 on a first READY: cannot work */
      moved = 1;
    }
    if (lpid) {
      int ws;
      if (waitpid(lpid, &ws, WNOHANG) == lpid) {
        ax_progress_step(&ex->prog, !ax_sweep_reaped(ex, lpt, ws));
        lpid = 0;
        moved = 1;
      }
    }
    if (!moved) nap();
  }
  ax_progress_end(&ex->prog);
  free(todo);
  return 0;
}

static int worker(const ax_sweep_args *a) {
  char err[AX_ERR_MAX];
  ax_sweep *sw = NULL;
  ax_sweep_exec ex;
  memset(&ex, 0, sizeof ex);
  int ok = ax_sweep_load(a->file, &sw, err, sizeof err) == AX_OK;
  if (ok) {
    char *out = a->out ? ax_strdup(a->out) : ax_sweep_default_out(a->file);
    ok = ax_sweep_exec_init(&ex, sw, out, 1, 1, err, sizeof err) == AX_OK;
    free(out);
  }
  long long msg[2] = {-1, ok};
  MPI_Send(msg, 2, MPI_LONG_LONG, 0, TAG_READY, MPI_COMM_WORLD);
  for (;;) {
    MPI_Status st;
    MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
    int len;
    MPI_Get_count(&st, MPI_CHAR, &len);
    char *b = ax_xcalloc(1, (size_t)len + 1);
    MPI_Recv(b, len, MPI_CHAR, 0, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (st.MPI_TAG == TAG_STOP) {
      free(b);
      break;
    }
    size_t i = unpack(sw, b);
    free(b);
    int good = 0;
    pid_t pid = i == (size_t)-1 ? -1 : ax_sweep_spawn(&ex, i);
    int ws;
    if (pid > 0 && waitpid(pid, &ws, 0) == pid) good = ax_sweep_reaped(&ex, i, ws);
    msg[0] = i == (size_t)-1 ? 0 : (long long)i;
    msg[1] = good;
    MPI_Send(msg, 2, MPI_LONG_LONG, 0, TAG_READY, MPI_COMM_WORLD);
  }
  if (sw) {
    ax_sweep_exec_free(&ex);
    ax_sweep_free(sw);
  }
  return ok ? 0 : 2;
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "sweep")) {
    fprintf(stderr, "usage: mpirun -np N axsim-mpi sweep SWEEP [-o OUT.h5] [-q]\n"
                    "(or mpirun -np N axsim sweep ..., which runs this program)\n");
    return 2;
  }
  ax_sweep_args a;
  int rc = ax_sweep_parse_args(argc - 1, argv + 1, &a);
  if (rc) return rc == 1 ? 0 : rc;
  if (a.shard_n || a.list) {
    fprintf(stderr, "axsim sweep: --shard and --list do not combine with MPI\n");
    return 2;
  }
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (rank) {
    rc = worker(&a);
  } else {
    master M;
    ax_sweep_exec ex;
    memset(&ex, 0, sizeof ex);
    ex.prog.quiet = a.quiet;
    M.ex = &ex;
    M.size = size;
    M.idle = ax_xcalloc((size_t)size, sizeof *M.idle);
    M.nidle = 0;
    M.reported = ax_xcalloc((size_t)size, 1);
    rc = ax_sweep_drive(&a, run_mpi, &M, &ex);
    /* every worker is idle (or could not start): release them all */
    for (int r = 1; r < size; r++) {
      if (!M.reported[r]) {
        long long msg[2];
        MPI_Recv(msg, 2, MPI_LONG_LONG, r, TAG_READY, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      }
      MPI_Send("", 1, MPI_CHAR, r, TAG_STOP, MPI_COMM_WORLD);
    }
    free(M.idle);
    free(M.reported);
  }
  MPI_Finalize();
  return rc;
}
