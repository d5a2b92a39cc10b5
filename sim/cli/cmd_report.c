/*
 * cmd_report.c - `axsim report OUT.h5`: the headline tables of a results
 * file, in the terminal, ending with key=value lines.
 */
#include <hdf5.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sim.h"

typedef struct lrow {
  char name[64], unit[64];
  uint64_t cycles;
  double energy, util;
} lrow;

typedef struct erow {
  char comp[64], action[48];
  uint64_t count;
  double pj;
} erow;

static hid_t str_t(size_t n) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, n);
  return t;
}

static int attr_i64(hid_t f, const char *n, long long *v) {
  if (H5Aexists(f, n) <= 0) return -1;
  hid_t a = H5Aopen(f, n, H5P_DEFAULT);
  int rc = H5Aread(a, H5T_NATIVE_LLONG, v) < 0 ? -1 : 0;
  H5Aclose(a);
  return rc;
}

static int attr_f64(hid_t f, const char *n, double *v) {
  if (H5Aexists(f, n) <= 0) return -1;
  hid_t a = H5Aopen(f, n, H5P_DEFAULT);
  int rc = H5Aread(a, H5T_NATIVE_DOUBLE, v) < 0 ? -1 : 0;
  H5Aclose(a);
  return rc;
}

static void *read_table(hid_t f, const char *name, hid_t mt, size_t rowsz, size_t *n) {
  *n = 0;
  if (H5Lexists(f, name, H5P_DEFAULT) <= 0) return NULL;
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  if (d < 0) return NULL;
  hid_t sp = H5Dget_space(d);
  hssize_t cnt = H5Sget_simple_extent_npoints(sp);
  void *rows = ax_xcalloc(cnt > 0 ? (size_t)cnt : 1, rowsz);
  if (cnt > 0 && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0) {
    free(rows);
    rows = NULL;
  } else {
    *n = (size_t)cnt;
  }
  H5Sclose(sp);
  H5Dclose(d);
  return rows;
}

/* One column of a compound dataset, read as doubles or as strings. */
typedef struct col {
  char name[64];
  int is_str;
  double *num;
  char (*str)[64];
} col;

/* Read column `name` of dataset d (n rows); 0 if there is no such member. */
static int read_col(hid_t d, const char *name, size_t n, col *c) {
  hid_t ft = H5Dget_type(d);
  int idx = H5Tget_member_index(ft, name);
  if (idx < 0) {
    H5Tclose(ft);
    return 0;
  }
  snprintf(c->name, sizeof c->name, "%s", name);
  H5T_class_t cls = H5Tget_member_class(ft, (unsigned)idx);
  H5Tclose(ft);
  c->is_str = cls == H5T_STRING;
  hid_t mt;
  if (c->is_str) {
    c->str = ax_xcalloc(n ? n : 1, sizeof *c->str);
    mt = H5Tcreate(H5T_COMPOUND, sizeof *c->str);
    hid_t st = str_t(sizeof *c->str);
    H5Tinsert(mt, name, 0, st);
    H5Tclose(st);
  } else {
    c->num = ax_xcalloc(n ? n : 1, sizeof *c->num);
    mt = H5Tcreate(H5T_COMPOUND, sizeof(double));
    H5Tinsert(mt, name, 0, H5T_NATIVE_DOUBLE);
  }
  herr_t rc = n ? H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, c->is_str ? (void *)c->str : (void *)c->num) : 0;
  H5Tclose(mt);
  return rc >= 0;
}

/* Print up to `max` rows of the named columns of a compound dataset (all
 * columns when names is NULL); returns the row count, -1 if absent. */
static long print_table(hid_t f, const char *path, const char *const *names, size_t max) {
  if (H5Lexists(f, path, H5P_DEFAULT) <= 0) return -1;
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  if (d < 0) return -1;
  hid_t sp = H5Dget_space(d);
  size_t n = (size_t)H5Sget_simple_extent_npoints(sp);
  H5Sclose(sp);
  hid_t ft = H5Dget_type(d);
  int nm = H5Tget_class(ft) == H5T_COMPOUND ? H5Tget_nmembers(ft) : 0;
  col cols[16];
  memset(cols, 0, sizeof cols);
  size_t nc = 0;
  for (int i = 0; i < nm && nc < 16; i++) {
    char *mn = H5Tget_member_name(ft, (unsigned)i);
    int want = !names;
    for (const char *const *w = names; w && *w; w++) want |= !strcmp(*w, mn);
    if (want && read_col(d, mn, n, &cols[nc])) nc++;
    H5free_memory(mn);
  }
  H5Tclose(ft);
  H5Dclose(d);
  /* width per column: its name, and for text its longest value (at most 28) */
  int wd[16];
  for (size_t j = 0; j < nc; j++) {
    size_t w = strlen(cols[j].name);
    for (size_t i = 0; cols[j].is_str && i < n && i < max; i++)
      if (strlen(cols[j].str[i]) > w) w = strlen(cols[j].str[i]);
    if (!cols[j].is_str && w < 12) w = 12;
    wd[j] = (int)(w > 28 ? 28 : w);
  }
  printf("\n%s (%zu rows%s):\n ", path, n, n > max ? ", first shown" : "");
  for (size_t j = 0; j < nc; j++) printf(" %*.*s", wd[j], wd[j], cols[j].name);
  printf("\n");
  for (size_t i = 0; i < n && i < max; i++) {
    printf(" ");
    for (size_t j = 0; j < nc; j++) {
      if (cols[j].is_str) printf(" %*.*s", wd[j], wd[j], cols[j].str[i]);
      else printf(" %*.6g", wd[j], cols[j].num[i]);
    }
    printf("\n");
  }
  for (size_t j = 0; j < nc; j++) {
    free(cols[j].num);
    free(cols[j].str);
  }
  return (long)n;
}

/* key=value lines for the numeric attributes of a group. */
static void print_num_attrs(hid_t f, const char *group, const char *const *names) {
  hid_t g = H5Oopen(f, group, H5P_DEFAULT);
  if (g < 0) return;
  for (const char *const *n = names; *n; n++) {
    double v;
    if (attr_f64(g, *n, &v) == 0) printf("%s=%.6g\n", *n, v);
  }
  H5Oclose(g);
}

/* Sweep summary or fault campaign: their own headline tables. */
static int report_other(hid_t f, const char *path) {
  if (H5Lexists(f, "summary", H5P_DEFAULT) > 0) {
    long n = print_table(f, "summary", NULL, 30);
    printf("points=%ld\n", n);
    return 0;
  }
  if (H5Lexists(f, "faults", H5P_DEFAULT) > 0 && H5Lexists(f, "faults/structures", H5P_DEFAULT) > 0) {
    static const char *const cols[] = {"structure", "protection", "injections", "avf", "avf_lo", "avf_hi",
                                       "sdc_rate", "critical_rate", "fit", NULL};
    print_table(f, "faults/structures", cols, 64);
    static const char *const attrs[] = {"injections", "clean_accuracy", "sdc_rate", "critical_rate",
                                        "avf", "fit", "injections_per_s", NULL};
    print_num_attrs(f, "faults", attrs);
    return 0;
  }
  if (H5Lexists(f, "stats", H5P_DEFAULT) > 0) { /* e.g. axsim dramtrace -o */
    long n = print_table(f, "stats", NULL, 500);
    printf("stats=%ld\n", n);
    return 0;
  }
  fprintf(stderr, "axsim report: %s: neither a run, a sweep summary nor a fault campaign\n", path);
  return 2;
}

int ax_cmd_report(int argc, char **argv) {
  if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    printf("usage: axsim report OUT.h5\n\nPrint the headline tables of an axsim results file.\n");
    return argc == 2 ? 0 : 2;
  }
  const char *path = argv[1];
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if (H5Fis_hdf5(path) <= 0) {
    fprintf(stderr, "axsim report: %s: not an HDF5 file (or cannot be read)\n", path);
    return 2;
  }
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  long long schema = 0, t = 0, seed = 0;
  double wall = 0, energy = 0;
  if (f < 0) {
    fprintf(stderr, "axsim report: %s: cannot open\n", path);
    return 2;
  }
  if (H5Lexists(f, "layers", H5P_DEFAULT) <= 0) { /* a sweep summary or a campaign */
    printf("%s\n", path);
    int rc = report_other(f, path);
    H5Fclose(f);
    return rc;
  }
  if (attr_i64(f, "schema_version", &schema) < 0) {
    fprintf(stderr, "axsim report: %s: not an axsim results file (no schema_version attribute)\n", path);
    H5Fclose(f);
    return 2;
  }
  attr_i64(f, "sim_time_ps", &t);
  attr_i64(f, "seed", &seed);
  attr_f64(f, "wall_s", &wall);
  attr_f64(f, "energy_pj", &energy);

  hid_t s64 = str_t(64), s48 = str_t(48);
  hid_t lt = H5Tcreate(H5T_COMPOUND, sizeof(lrow));
  H5Tinsert(lt, "name", offsetof(lrow, name), s64);
  H5Tinsert(lt, "unit", offsetof(lrow, unit), s64);
  H5Tinsert(lt, "cycles", offsetof(lrow, cycles), H5T_NATIVE_UINT64);
  H5Tinsert(lt, "energy_pj", offsetof(lrow, energy), H5T_NATIVE_DOUBLE);
  H5Tinsert(lt, "util", offsetof(lrow, util), H5T_NATIVE_DOUBLE);
  size_t nl, ne;
  lrow *l = read_table(f, "layers", lt, sizeof(lrow), &nl);
  hid_t et = H5Tcreate(H5T_COMPOUND, sizeof(erow));
  H5Tinsert(et, "component", offsetof(erow, comp), s64);
  H5Tinsert(et, "action", offsetof(erow, action), s48);
  H5Tinsert(et, "count", offsetof(erow, count), H5T_NATIVE_UINT64);
  H5Tinsert(et, "pj", offsetof(erow, pj), H5T_NATIVE_DOUBLE);
  erow *e = read_table(f, "energy", et, sizeof(erow), &ne);

  printf("%s: schema v%lld, seed %lld\n", path, schema, seed);
  printf("\nper op (%zu):\n  %-20s %-12s %14s %12s %8s\n", nl, "op", "unit", "cycles", "energy_nJ", "util");
  for (size_t i = 0; i < nl; i++)
    printf("  %-20.20s %-12.12s %14llu %12.3f %7.1f%%\n", l[i].name, l[i].unit,
           (unsigned long long)l[i].cycles, l[i].energy / 1e3, 100 * l[i].util);
  printf("\nenergy by component and action (%zu):\n  %-16s %-20s %14s %14s\n", ne, "component",
         "action", "count", "energy_nJ");
  for (size_t i = 0; i < ne; i++)
    printf("  %-16.16s %-20.20s %14llu %14.3f\n", e[i].comp, e[i].action,
           (unsigned long long)e[i].count, e[i].pj / 1e3);
  printf("sim_time_ps=%lld\nops=%zu\nenergy_pj=%.6g\nwall_s=%.6f\n", t, nl, energy, wall);
  free(l);
  free(e);
  H5Tclose(lt);
  H5Tclose(et);
  H5Tclose(s64);
  H5Tclose(s48);
  H5Fclose(f);
  return 0;
}
