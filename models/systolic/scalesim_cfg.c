/*
 * scalesim_cfg.c - SCALE-Sim .cfg reader (see scalesim_cfg.h). A small INI
 * parser of our own, so every error can name its line.
 */
#include "scalesim_cfg.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *strip(char *s)
{
  while (isspace((unsigned char)*s)) s++;
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
  return s;
}

enum { K_RUN_NAME, K_ROWS, K_COLS, K_IFMAP_KB, K_FILTER_KB, K_OFMAP_KB, K_IFMAP_OFF,
       K_FILTER_OFF, K_OFMAP_OFF, K_BW, K_DF, K_BANKS, K_IFBW, K_N };

static const struct {
  const char *section, *key;
  int required;
} keys[K_N] = {
  [K_RUN_NAME] = {"general", "run_name", 1},
  [K_ROWS] = {"architecture_presets", "ArrayHeight", 1},
  [K_COLS] = {"architecture_presets", "ArrayWidth", 1},
  [K_IFMAP_KB] = {"architecture_presets", "IfmapSramSzkB", 1},
  [K_FILTER_KB] = {"architecture_presets", "FilterSramSzkB", 1},
  [K_OFMAP_KB] = {"architecture_presets", "OfmapSramSzkB", 1},
  [K_IFMAP_OFF] = {"architecture_presets", "IfmapOffset", 0},
  [K_FILTER_OFF] = {"architecture_presets", "FilterOffset", 0},
  [K_OFMAP_OFF] = {"architecture_presets", "OfmapOffset", 0},
  [K_BW] = {"architecture_presets", "Bandwidth", 0},
  [K_DF] = {"architecture_presets", "Dataflow", 1},
  [K_BANKS] = {"architecture_presets", "MemoryBanks", 0},
  [K_IFBW] = {"run_presets", "InterfaceBandwidth", 1},
};

static int parse_int(const char *s, uint64_t *v)
{
  const char *p = s;
  if (*p == '+') p++;
  if (!isdigit((unsigned char)*p)) return -1;
  errno = 0;
  char *end;
  unsigned long long x = strtoull(p, &end, 10);
  if (errno || *end != '\0') return -1;
  *v = x;
  return 0;
}

int ax_scalesim_cfg_read(const char *path, ax_scalesim_cfg *cfg, char *err, size_t errlen)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->array.word_bytes = 1; /* SCALE-Sim v2: word_size = 1 byte, fixed */
  cfg->filter_offset = 10000000;
  cfg->ofmap_offset = 20000000;
  FILE *fp = fopen(path, "r");
  if (!fp) {
    snprintf(err, errlen, "%s: cannot open config file: %s", path, strerror(errno));
    return -1;
  }
  unsigned seen[K_N] = {0};
  char section[128] = "";
  char *buf = NULL;
  size_t cap = 0;
  unsigned lineno = 0;
  int rc = 0;
  uint64_t v = 0;
  while (rc == 0 && getline(&buf, &cap, fp) >= 0) {
    lineno++;
    char *s = strip(buf);
    if (*s == '\0' || *s == '#' || *s == ';') continue;
    if (*s == '[') {
      char *e = strchr(s, ']');
      if (!e) {
        snprintf(err, errlen, "%s:%u: section header '%s' has no closing ']'", path, lineno, s);
        rc = -1;
        break;
      }
      *e = '\0';
      snprintf(section, sizeof section, "%s", strip(s + 1));
      continue;
    }
    size_t d = strcspn(s, "=:");
    if (s[d] == '\0') {
      snprintf(err, errlen, "%s:%u: '%s': expected 'key = value' or 'key : value'", path,
               lineno, s);
      rc = -1;
      break;
    }
    s[d] = '\0';
    char *key = strip(s), *val = strip(s + d + 1);
    if (section[0] == '\0') {
      snprintf(err, errlen, "%s:%u: key '%s' before any [section]", path, lineno, key);
      rc = -1;
      break;
    }
    int k = -1;
    for (int i = 0; i < K_N; i++)
      if (strcasecmp(section, keys[i].section) == 0 && strcasecmp(key, keys[i].key) == 0) k = i;
    if (k < 0) {
      size_t n = strlen(cfg->ignored);
      snprintf(cfg->ignored + n, sizeof cfg->ignored - n, "%s%s.%s", n ? ", " : "", section,
               key);
      continue;
    }
    seen[k] = lineno;
    switch (k) {
    case K_RUN_NAME:
      if (*val == '\0' || strchr(val, '/')) {
        snprintf(err, errlen, "%s:%u: run_name '%s': expected a non-empty name without '/'",
                 path, lineno, val);
        rc = -1;
      } else {
        snprintf(cfg->run_name, sizeof cfg->run_name, "%s", val);
      }
      break;
    case K_DF: {
      int df = ax_sa_dataflow_parse(val);
      if (df < 0) {
        snprintf(err, errlen, "%s:%u: Dataflow '%s': expected os, ws or is", path, lineno, val);
        rc = -1;
      } else {
        cfg->array.df = (ax_sa_dataflow)df;
      }
      break;
    }
    case K_IFBW:
      if (strcmp(val, "CALC") == 0) cfg->user_bandwidth = 0;
      else if (strcmp(val, "USER") == 0) cfg->user_bandwidth = 1;
      else {
        snprintf(err, errlen, "%s:%u: InterfaceBandwidth '%s': expected CALC or USER", path,
                 lineno, val);
        rc = -1;
      }
      break;
    case K_BW: {
      /* a comma-separated list, one per memory bank; keep the first */
      char tmp[64];
      snprintf(tmp, sizeof tmp, "%.*s", (int)strcspn(val, ","), val);
      if (parse_int(strip(tmp), &v) != 0) {
        snprintf(err, errlen, "%s:%u: Bandwidth '%s': expected integers (words/cycle)", path,
                 lineno, val);
        rc = -1;
      } else {
        cfg->bandwidth = v;
      }
      break;
    }
    default:
      if (parse_int(val, &v) != 0) {
        snprintf(err, errlen, "%s:%u: %s '%s': expected a non-negative integer", path, lineno,
                 keys[k].key, val);
        rc = -1;
        break;
      }
      if ((k == K_ROWS || k == K_COLS) && (v == 0 || v > 65536)) {
        snprintf(err, errlen, "%s:%u: %s = %llu: expected 1 .. 65536", path, lineno,
                 keys[k].key, (unsigned long long)v);
        rc = -1;
        break;
      }
      if ((k == K_IFMAP_KB || k == K_FILTER_KB || k == K_OFMAP_KB) &&
          (v == 0 || v > (1ull << 40))) {
        snprintf(err, errlen, "%s:%u: %s = %llu: expected 1 .. 2^40 kB", path, lineno,
                 keys[k].key, (unsigned long long)v);
        rc = -1;
        break;
      }
      switch (k) {
      case K_ROWS: cfg->array.rows = (uint32_t)v; break;
      case K_COLS: cfg->array.cols = (uint32_t)v; break;
      case K_IFMAP_KB: cfg->array.ifmap_sram_bytes = v * 1024; break;
      case K_FILTER_KB: cfg->array.filter_sram_bytes = v * 1024; break;
      case K_OFMAP_KB: cfg->array.ofmap_sram_bytes = v * 1024; break;
      case K_IFMAP_OFF: cfg->ifmap_offset = v; break;
      case K_FILTER_OFF: cfg->filter_offset = v; break;
      case K_OFMAP_OFF: cfg->ofmap_offset = v; break;
      default: break; /* MemoryBanks: read, no effect with one bank */
      }
    }
  }
  free(buf);
  fclose(fp);
  if (rc != 0) return -1;
  for (int i = 0; i < K_N; i++) {
    if (keys[i].required && !seen[i]) {
      snprintf(err, errlen, "%s: missing setting '%s' in section [%s]", path, keys[i].key,
               keys[i].section);
      return -1;
    }
  }
  return 0;
}
