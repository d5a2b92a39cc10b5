/*
 * scalesim_report.c - SCALE-Sim report files (see scalesim_report.h).
 */
#include "scalesim_report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *ax_pyfloat(double v, char *buf, size_t n)
{
  if (isnan(v)) { snprintf(buf, n, "nan"); return buf; }
  if (isinf(v)) { snprintf(buf, n, v < 0 ? "-inf" : "inf"); return buf; }
  if (v == 0) { snprintf(buf, n, signbit(v) ? "-0.0" : "0.0"); return buf; }
  /* shortest %.*e that reads back as v */
  char e[40];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(e, sizeof e, "%.*e", prec - 1, v);
    if (strtod(e, NULL) == v) break;
  }
  /* split "-d.ddde+XX" into sign, digits, exponent */
  const char *p = e;
  int neg = 0;
  if (*p == '-') { neg = 1; p++; }
  char dig[24];
  int nd = 0;
  for (; *p && *p != 'e'; p++)
    if (*p != '.') dig[nd++] = *p;
  while (nd > 1 && dig[nd - 1] == '0') nd--;
  dig[nd] = '\0';
  int ex = atoi(p + 1);
  char out[64];
  int o = 0;
  if (neg) out[o++] = '-';
  if (ex >= -5 + 1 && ex < 16) {
    /* Python: fixed notation when -4 <= exponent < 16 */
    if (ex >= 0) {
      for (int i = 0; i <= ex; i++) out[o++] = i < nd ? dig[i] : '0';
      out[o++] = '.';
      if (nd > ex + 1)
        for (int i = ex + 1; i < nd; i++) out[o++] = dig[i];
      else
        out[o++] = '0';
    } else {
      out[o++] = '0';
      out[o++] = '.';
      for (int i = 0; i < -ex - 1; i++) out[o++] = '0';
      for (int i = 0; i < nd; i++) out[o++] = dig[i];
    }
    out[o] = '\0';
  } else {
    out[o++] = dig[0];
    if (nd > 1) {
      out[o++] = '.';
      for (int i = 1; i < nd; i++) out[o++] = dig[i];
    }
    snprintf(out + o, sizeof out - (size_t)o, "e%c%02d", ex < 0 ? '-' : '+', ex < 0 ? -ex : ex);
  }
  snprintf(buf, n, "%s", out);
  return buf;
}

void ax_scalesim_run(const ax_scalesim_cfg *cfg, const ax_scalesim_layer *layers, size_t n,
                     ax_sa_layer_report *reports)
{
  for (size_t i = 0; i < n; i++) {
    ax_sa_geom g;
    ax_sa_geom_of(&cfg->array, &layers[i].l, &g);
    ax_sa_layer_run(&cfg->array, &layers[i].l, &g, &reports[i]);
  }
}

static double ratio(uint64_t num, int64_t start, int64_t stop)
{
  return stop >= start ? (double)num / (double)(stop - start + 1) : 0.0;
}

void ax_scalesim_write_compute(FILE *fp, const ax_sa_layer_report *r, size_t n)
{
  char a[40], b[40], c[40];
  fputs("LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, "
        "Compute Util %,\n", fp);
  for (size_t i = 0; i < n; i++)
    fprintf(fp, "%zu, %llu, %llu, %s, %s, %s,\n", i, (unsigned long long)r[i].total_cycles,
            (unsigned long long)r[i].stall_cycles, ax_pyfloat(r[i].overall_util, a, sizeof a),
            ax_pyfloat(r[i].mapping_eff, b, sizeof b), ax_pyfloat(r[i].compute_util, c, sizeof c));
}

void ax_scalesim_write_bandwidth(FILE *fp, const ax_sa_layer_report *r, size_t n)
{
  char v[6][40];
  fputs("LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, "
        "Avg IFMAP DRAM BW, Avg FILTER DRAM BW, Avg OFMAP DRAM BW,\n", fp);
  for (size_t i = 0; i < n; i++) {
    const ax_sa_layer_report *x = &r[i];
    double cyc = (double)x->total_cycles;
    ax_pyfloat((double)x->ifmap_sram_reads / cyc, v[0], 40);
    ax_pyfloat((double)x->filter_sram_reads / cyc, v[1], 40);
    ax_pyfloat((double)x->ofmap_sram_writes / cyc, v[2], 40);
    ax_pyfloat(ratio(x->ifmap_dram_reads, x->ifmap_dram_start, x->ifmap_dram_stop), v[3], 40);
    ax_pyfloat(ratio(x->filter_dram_reads, x->filter_dram_start, x->filter_dram_stop), v[4], 40);
    ax_pyfloat(ratio(x->ofmap_dram_writes, x->ofmap_dram_start, x->ofmap_dram_stop), v[5], 40);
    fprintf(fp, "%zu, %s, %s, %s, %s, %s, %s,\n", i, v[0], v[1], v[2], v[3], v[4], v[5]);
  }
}

void ax_scalesim_write_detail(FILE *fp, const ax_sa_layer_report *r, size_t n)
{
  fputs("LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, "
        "SRAM Filter Start Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, "
        "SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, "
        "DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, "
        "DRAM Filter Start Cycle, DRAM Filter Stop Cycle, DRAM Filter Reads, "
        "DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,\n", fp);
  for (size_t i = 0; i < n; i++) {
    const ax_sa_layer_report *x = &r[i];
    /* start / stop cycles are floats in SCALE-Sim's file ("1.0") */
    fprintf(fp,
            "%zu, %lld.0, %lld.0, %llu, %lld.0, %lld.0, %llu, %lld.0, %lld.0, %llu, "
            "%lld.0, %lld.0, %llu, %lld.0, %lld.0, %llu, %lld.0, %lld.0, %llu,\n",
            i, (long long)x->ifmap_sram_start, (long long)x->ifmap_sram_stop,
            (unsigned long long)x->ifmap_sram_reads, (long long)x->filter_sram_start,
            (long long)x->filter_sram_stop, (unsigned long long)x->filter_sram_reads,
            (long long)x->ofmap_sram_start, (long long)x->ofmap_sram_stop,
            (unsigned long long)x->ofmap_sram_writes, (long long)x->ifmap_dram_start,
            (long long)x->ifmap_dram_stop, (unsigned long long)x->ifmap_dram_reads,
            (long long)x->filter_dram_start, (long long)x->filter_dram_stop,
            (unsigned long long)x->filter_dram_reads, (long long)x->ofmap_dram_start,
            (long long)x->ofmap_dram_stop, (unsigned long long)x->ofmap_dram_writes);
  }
}

/* mkdir -p */
static int make_dirs(const char *dir, char *err, size_t errlen)
{
  char p[4096];
  if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p) {
    snprintf(err, errlen, "%s: path too long", dir);
    return -1;
  }
  for (char *s = p + 1;; s++) {
    if (*s == '/' || *s == '\0') {
      char c = *s;
      *s = '\0';
      if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create directory: %s", p, strerror(errno));
        return -1;
      }
      struct stat st;
      if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: exists and is not a directory", p);
        return -1;
      }
      *s = c;
      if (c == '\0') break;
    }
  }
  return 0;
}

typedef void (*writer_fn)(FILE *, const ax_sa_layer_report *, size_t);

static int write_one(const char *dir, const char *name, writer_fn fn,
                     const ax_sa_layer_report *r, size_t n, char *err, size_t errlen)
{
  char path[4200], tmp[4300];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
  FILE *fp = fopen(tmp, "w");
  if (!fp) {
    snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
    return -1;
  }
  fn(fp, r, n);
  int bad = ferror(fp);
  if (fclose(fp) != 0) bad = 1;
  if (bad || rename(tmp, path) != 0) {
    snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
    remove(tmp);
    return -1;
  }
  return 0;
}

int ax_scalesim_write_reports(const char *dir, const ax_sa_layer_report *r, size_t n, char *err,
                              size_t errlen)
{
  if (make_dirs(dir, err, errlen) != 0) return -1;
  if (write_one(dir, "COMPUTE_REPORT.csv", ax_scalesim_write_compute, r, n, err, errlen)) return -1;
  if (write_one(dir, "BANDWIDTH_REPORT.csv", ax_scalesim_write_bandwidth, r, n, err, errlen))
    return -1;
  if (write_one(dir, "DETAILED_ACCESS_REPORT.csv", ax_scalesim_write_detail, r, n, err, errlen))
    return -1;
  return 0;
}
