/*
 * sweep_cmd.c - `axsim sweep` and `axsim merge`.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"
#include "sweep_cmd.h"

static const char sweep_help[] =
    "usage: axsim sweep SWEEP [-j N] [-o OUT.h5] [--shard i/N] [--list] [-q]\n"
    "       mpirun -np N axsim sweep SWEEP [-o OUT.h5]\n"
    "\n"
    "Run every point of the sweep file SWEEP (docs/sweeps.md): each point is\n"
    "an `axsim run` of the base system with the point's -s overrides and\n"
    "seed, its results in OUT.points/pNNNNNN.h5; the summary table (one row\n"
    "per point) goes to OUT.h5. A sweep stopped part way resumes when run\n"
    "again: points already done are skipped.\n"
    "  -j N          worker processes (default 1)\n"
    "  -o OUT.h5     summary file (default: SWEEP's name with .h5, here)\n"
    "  --shard i/N   run only points p with p % N == i (a job-array task);\n"
    "                join the shards' summaries with `axsim merge`\n"
    "  --list        print each point as an `axsim run` command, run nothing\n"
    "  -q            no progress display\n"
    "  --mpi         run over MPI ranks (implied under mpirun): rank 0 hands\n"
    "                out points, every rank runs them (needs axsim-mpi)\n"
    "Exit: 0 when every point ran (failed points are rows with status != 0),\n"
    "1 an error while running, 2 bad usage or a bad sweep file, 130 interrupted.\n";

static const char merge_help[] =
    "usage: axsim merge OUT.h5 SHARD.h5... [--partial]\n"
    "\n"
    "Join the summaries of a sweep's shards (axsim sweep --shard i/N) into\n"
    "OUT.h5: rows sorted by point, as one `axsim sweep` writes them.\n"
    "  --partial   allow shards that do not cover every point\n";

int ax_sweep_parse_args(int argc, char **argv, ax_sweep_args *a) {
  memset(a, 0, sizeof *a);
  a->jobs = 1;
  for (int i = 1; i < argc; i++) {
    const char *x = argv[i];
    if (!strcmp(x, "--help") || !strcmp(x, "-h")) {
      fputs(sweep_help, stdout);
      return 1;
    } else if (!strcmp(x, "-j") || (!strncmp(x, "-j", 2) && x[2])) {
      const char *v = x[2] ? x + 2 : (i + 1 < argc ? argv[++i] : NULL);
      char *end;
      long j = v ? strtol(v, &end, 10) : 0;
      if (!v || *end || j < 1 || j > 4096) {
        fprintf(stderr, "axsim sweep: -j expects a number of workers in [1, 4096], got '%s'\n", v ? v : "");
        return 2;
      }
      a->jobs = (int)j;
    } else if (!strcmp(x, "-o")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "axsim sweep: option -o needs a value\n");
        return 2;
      }
      a->out = argv[++i];
    } else if (!strcmp(x, "--shard")) {
      unsigned si, sn;
      char c;
      if (i + 1 >= argc || sscanf(argv[i + 1], "%u/%u%c", &si, &sn, &c) != 2 || sn < 1 || si >= sn) {
        fprintf(stderr, "axsim sweep: --shard expects i/N with 0 <= i < N (e.g. --shard 0/4), got '%s'\n",
                i + 1 < argc ? argv[i + 1] : "");
        return 2;
      }
      i++;
      a->shard_i = si;
      a->shard_n = sn;
    } else if (!strcmp(x, "--list")) {
      a->list = 1;
    } else if (!strcmp(x, "-q")) {
      a->quiet = 1;
    } else if (!strcmp(x, "--mpi")) {
      a->mpi = 1;
    } else if (x[0] == '-') {
      fprintf(stderr, "axsim sweep: unknown option '%s'\n%s", x, sweep_help);
      return 2;
    } else if (!a->file) {
      a->file = x;
    } else {
      fprintf(stderr, "axsim sweep: one SWEEP file only (got '%s' and '%s')\n", a->file, x);
      return 2;
    }
  }
  if (!a->file) {
    fprintf(stderr, "axsim sweep: missing SWEEP\n%s", sweep_help);
    return 2;
  }
  return 0;
}

/* Quote a word for a POSIX shell if it needs it. */
static void shell_word(FILE *f, const char *w) {
  if (w[strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=+-:,")]) {
    fputc('\'', f);
    for (const char *c = w; *c; c++) {
      if (*c == '\'') fputs("'\\''", f);
      else fputc(*c, f);
    }
    fputc('\'', f);
  } else {
    fputs(w, f);
  }
}

void ax_sweep_print_point(const ax_sweep *sw, size_t i, FILE *f) {
  char **ov = ax_sweep_overrides(sw, i);
  fprintf(f, "%zu: axsim run ", i);
  shell_word(f, sw->base);
  for (size_t j = 0; j < sw->nparams; j++) {
    fputs(" -s ", f);
    shell_word(f, ov[j]);
  }
  if (sw->pts[i].has_seed) fprintf(f, " --seed %llu", (unsigned long long)sw->pts[i].seed);
  fputc('\n', f);
  ax_sweep_overrides_free(sw, ov);
}

char *ax_sweep_default_out(const char *file) {
  const char *b = strrchr(file, '/');
  b = b ? b + 1 : file;
  size_t n = strlen(b);
  const char *dot = strrchr(b, '.');
  if (dot && dot != b) n = (size_t)(dot - b);
  char *o = ax_xmalloc(n + 4);
  snprintf(o, n + 4, "%.*s.h5", (int)n, b);
  return o;
}

int ax_sweep_drive(const ax_sweep_args *a, ax_batch_fn run, void *ctx, ax_sweep_exec *ex) {
  char err[AX_ERR_MAX];
  ax_sweep *sw;
  if (ax_sweep_load(a->file, &sw, err, sizeof err) || ax_sweep_generate(sw, err, sizeof err)) {
    fprintf(stderr, "axsim sweep: %s\n", err);
    return 2;
  }
  if (a->list) {
    if (sw->mode == AX_SW_SEARCH) {
      fprintf(stderr, "axsim sweep: --list: a search makes its points from earlier results; run it, then read its summary\n");
      ax_sweep_free(sw);
      return 2;
    }
    for (size_t i = 0; i < sw->npts; i++)
      if (!a->shard_n || i % a->shard_n == a->shard_i) ax_sweep_print_point(sw, i, stdout);
    ax_sweep_free(sw);
    return 0;
  }
  if (sw->mode == AX_SW_SEARCH && a->shard_n) {
    fprintf(stderr, "axsim sweep: --shard: a search runs generation after generation; use -j or MPI\n");
    ax_sweep_free(sw);
    return 2;
  }
  char *out = a->out ? ax_strdup(a->out) : ax_sweep_default_out(a->file);
  int rc = ax_sweep_exec_init(ex, sw, out, a->jobs, a->quiet, err, sizeof err);
  free(out);
  if (rc) {
    fprintf(stderr, "axsim sweep: %s\n", err);
    ax_sweep_free(sw);
    return 1;
  }
  double t0 = ax_sweep_now();
  size_t *idx = NULL, n = 0;
  int stopped;
  if (sw->mode == AX_SW_SEARCH) {
    stopped = ax_sweep_search(ex, run, ctx, err, sizeof err);
    n = sw->npts;
    idx = ax_xcalloc(n ? n : 1, sizeof *idx);
    for (size_t i = 0; i < n; i++) idx[i] = i;
  } else {
    idx = ax_xcalloc(sw->npts ? sw->npts : 1, sizeof *idx);
    for (size_t i = 0; i < sw->npts; i++)
      if (!a->shard_n || i % a->shard_n == a->shard_i) idx[n++] = i;
    stopped = run(ctx, idx, n);
  }
  if (stopped) {
    size_t done = 0;
    for (size_t i = 0; i < sw->npts; i++) done += ax_sweep_point_done(ex, i);
    fprintf(stderr, "axsim sweep: interrupted with %zu of %zu points done; run the same command again to resume\n",
            done, sw->mode == AX_SW_SEARCH ? sw->budget : n);
    free(idx);
    ax_sweep_exec_free(ex);
    ax_sweep_free(sw);
    return 130;
  }
  char shard[64] = "";
  if (a->shard_n) snprintf(shard, sizeof shard, "%u/%u", a->shard_i, a->shard_n);
  size_t failed = 0;
  rc = ax_sweep_write_summary(ex, idx, n, shard, &failed, err, sizeof err);
  if (rc) {
    fprintf(stderr, "axsim sweep: %s\n", err);
  } else if (!a->quiet) {
    printf("sweep %s: %zu points (%s), %zu failed, %.2f s; summary %s, points in %s/\n", sw->file, n,
           ax_sweep_mode_name(sw->mode), failed, ax_sweep_now() - t0, ex->out, ex->pdir);
  }
  free(idx);
  ax_sweep_exec_free(ex);
  ax_sweep_free(sw);
  return rc ? 1 : 0;
}

/* The local batch runner: forked workers on this machine. */
static int run_local(void *ctx, const size_t *idx, size_t n) {
  ax_sweep_exec *ex = ctx;
  size_t *todo;
  size_t m = ax_sweep_todo(ex, idx, n, &todo);
  ax_progress_start(&ex->prog, m, n - m, ex->prog.quiet);
  int rc = ax_sweep_exec_points(ex, todo, m);
  ax_progress_end(&ex->prog);
  free(todo);
  return rc;
}

/* Under mpirun (Open MPI, or a PMI launcher): how many ranks, 0 if not. */
static long mpi_world(void) {
  static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"};
  for (size_t i = 0; i < 3; i++) {
    const char *v = getenv(vars[i]);
    if (v && *v) return strtol(v, NULL, 10);
  }
  return 0;
}

/* Re-run this command line as axsim-mpi (built beside axsim when Open MPI
 * is found), so axsim itself never links MPI. */
static int exec_mpi(int argc, char **argv) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 16);
  char **av = ax_xcalloc((size_t)argc + 2, sizeof *av);
  av[0] = "axsim-mpi";
  for (int i = 0; i < argc; i++) av[i + 1] = argv[i];
  if (n > 0) {
    self[n] = 0;
    char *slash = strrchr(self, '/');
    if (slash) {
      strcpy(slash + 1, "axsim-mpi");
      execv(self, av);
    }
  }
  execvp("axsim-mpi", av);
  fprintf(stderr, "axsim sweep: running under MPI needs axsim-mpi beside axsim (built when CMake finds Open MPI): %s\n",
          strerror(errno));
  free(av);
  return 2;
}

/* Entry point of `axsim sweep`. */
int ax_cmd_sweep(int argc, char **argv);
int ax_cmd_sweep(int argc, char **argv) {
  ax_sweep_args a;
  int rc = ax_sweep_parse_args(argc, argv, &a);
  if (rc) return rc == 1 ? 0 : rc;
  if (!a.list && (a.mpi || mpi_world() > 1)) return exec_mpi(argc, argv);
  ax_sweep_exec ex;
  memset(&ex, 0, sizeof ex);
  ex.prog.quiet = a.quiet;
  return ax_sweep_drive(&a, run_local, &ex, &ex);
}

/* Entry point of `axsim merge`. */
int ax_cmd_merge(int argc, char **argv);
int ax_cmd_merge(int argc, char **argv) {
  const char *out = NULL;
  char **shards = ax_xcalloc((size_t)argc, sizeof *shards);
  size_t n = 0;
  int partial = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(merge_help, stdout);
      free(shards);
      return 0;
    } else if (!strcmp(argv[i], "--partial")) {
      partial = 1;
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "axsim merge: unknown option '%s'\n%s", argv[i], merge_help);
      free(shards);
      return 2;
    } else if (!out) {
      out = argv[i];
    } else {
      shards[n++] = argv[i];
    }
  }
  if (!out || !n) {
    fprintf(stderr, "axsim merge: need OUT.h5 and at least one SHARD.h5\n%s", merge_help);
    free(shards);
    return 2;
  }
  for (size_t k = 0; k < n; k++)
    if (!strcmp(shards[k], out)) {
      fprintf(stderr, "axsim merge: the output %s is also a shard\n", out);
      free(shards);
      return 2;
    }
  char err[AX_ERR_MAX];
  int rc = ax_sweep_merge(out, shards, n, partial, err, sizeof err);
  free(shards);
  if (rc) {
    fprintf(stderr, "axsim merge: %s\n", err);
    return rc == AX_EINVAL ? 2 : 1;
  }
  printf("merged %zu shard(s) into %s\n", n, out);
  return 0;
}
