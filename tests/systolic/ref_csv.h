/*
 * ref_csv.h - read SCALE-Sim's report CSVs (header line, then numeric rows
 * "0, 121124, 0, 84.99102675770285, ...,") for the systolic tests.
 */
#ifndef AX_TEST_REF_CSV_H
#define AX_TEST_REF_CSV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REF_MAX_ROWS 256
#define REF_MAX_COLS 32

typedef struct ref_csv {
  int rows, cols;
  double v[REF_MAX_ROWS][REF_MAX_COLS];
  char s[REF_MAX_ROWS][REF_MAX_COLS][40]; /* the field text, stripped */
} ref_csv;

/* Read a report; returns 0 or -1 (file missing / malformed). */
static int ref_csv_read(const char *path, ref_csv *r)
{
  FILE *fp = fopen(path, "r");
  if (!fp) return -1;
  char line[4096];
  memset(r, 0, sizeof *r);
  if (!fgets(line, sizeof line, fp)) { fclose(fp); return -1; }
  while (fgets(line, sizeof line, fp) && r->rows < REF_MAX_ROWS) {
    int c = 0;
    char *save = NULL;
    for (char *tok = strtok_r(line, ",", &save); tok && c < REF_MAX_COLS;
         tok = strtok_r(NULL, ",", &save)) {
      while (*tok == ' ') tok++;
      size_t n = strcspn(tok, " \r\n");
      if (n == 0) continue; /* the empty field after the trailing comma */
      snprintf(r->s[r->rows][c], sizeof r->s[0][0], "%.*s", (int)n, tok);
      r->v[r->rows][c] = strtod(r->s[r->rows][c], NULL);
      c++;
    }
    if (c == 0) continue;
    if (r->cols == 0) r->cols = c;
    r->rows++;
  }
  fclose(fp);
  return 0;
}

/* The reference runs: directory, config, topology, gemm form. */
typedef struct ref_run {
  const char *dir, *cfg, *topo;
  int gemm;
} ref_run;

static const ref_run ref_runs[] = {
  {"v2_os32_calc__test", "os_32x32.cfg", "test.csv", 0},
  {"v2_os32_calc__gemm_test_mnk", "os_32x32.cfg", "test_mnk_input.csv", 1},
  {"v2_os32_calc__alexnet", "os_32x32.cfg", "alexnet.csv", 0},
  {"v2_ws32_calc__alexnet", "ws_32x32.cfg", "alexnet.csv", 0},
  {"v2_is32_calc__alexnet", "is_32x32.cfg", "alexnet.csv", 0},
  {"v2_os32_calc__mobilenet", "os_32x32.cfg", "mobilenet.csv", 0},
  {"v2_ws32_calc__mobilenet", "ws_32x32.cfg", "mobilenet.csv", 0},
};
#define REF_NRUNS (sizeof ref_runs / sizeof ref_runs[0])

#endif
