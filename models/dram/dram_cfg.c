/*
 * dram_cfg.c - settings of a DRAM system: set by name, check, derive.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dram.h"

static const char *const tp_names[] = {
#define AX_DRAM_TP_NAME(n) #n,
  AX_DRAM_TIMINGS(AX_DRAM_TP_NAME)
#undef AX_DRAM_TP_NAME
};

/* Name of a timing parameter ("tRCD"). */
const char *ax_dram_tp_name(ax_dram_tp t) { return t < AX_DRAM_TP_N ? tp_names[t] : "?"; }

/* Timing parameter index by name ("tRCD"), -1 if none. */
int ax_dram_tp_find(const char *name) {
  for (int i = 0; i < AX_DRAM_TP_N; i++)
    if (strcmp(tp_names[i], name) == 0) return i;
  return -1;
}

/* Name of a command as the command log writes it (DRAMsim3's words). */
const char *ax_dram_cmd_name(ax_dram_cmd c) {
  static const char *const n[AX_DRAM_CMD_N] = {
    [AX_DRAM_ACT] = "activate", [AX_DRAM_PRE] = "precharge", [AX_DRAM_RD] = "read",
    [AX_DRAM_WR] = "write", [AX_DRAM_RDA] = "read_p", [AX_DRAM_WRA] = "write_p",
    [AX_DRAM_REFAB] = "refresh", [AX_DRAM_REFPB] = "refresh_bank",
    [AX_DRAM_ACT_AB] = "activate_ab", [AX_DRAM_MAC_AB] = "mac_ab", [AX_DRAM_PRE_AB] = "precharge_ab",
    [AX_DRAM_WRGB] = "write_gb", [AX_DRAM_RDMAC] = "read_mac"};
  return c < AX_DRAM_CMD_N ? n[c] : "?";
}

/* Standard by name ("DDR4", "HBM2", ...; DRAMsim3's "HBM" is HBM2), NULL if none. */
const ax_dram_std *ax_dram_std_find(const char *name) {
  static const struct { const char *n; const ax_dram_std *s; } t[] = {
    {"DDR4", &ax_dram_std_ddr4}, {"DDR5", &ax_dram_std_ddr5}, {"LPDDR4", &ax_dram_std_lpddr4},
    {"LPDDR5", &ax_dram_std_lpddr5}, {"HBM", &ax_dram_std_hbm2}, {"HBM2", &ax_dram_std_hbm2},
    {"HBM3", &ax_dram_std_hbm3}, {"GDDR6", &ax_dram_std_gddr6}, {"GDDR6-AiM", &ax_dram_std_gddr6_aim},
    {"HBM2-PIM", &ax_dram_std_hbm2_pim}, {"HBM3-PIM", &ax_dram_std_hbm3_pim}, {"DDR4-PIM", &ax_dram_std_ddr4_pim},
    {"DDR5-PIM", &ax_dram_std_ddr5_pim}, {"LPDDR4-PIM", &ax_dram_std_lpddr4_pim},
    {"LPDDR5-PIM", &ax_dram_std_lpddr5_pim}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (strcasecmp(t[i].n, name) == 0) return t[i].s;
  return NULL;
}

static int is_pow2(long v) { return v > 0 && (v & (v - 1)) == 0; }
static int log2i(long v) { int n = 0; while (v > 1) { v >>= 1; n++; } return n; }

static int parse_long(const char *v, long *out) {
  char *end;
  while (isspace((unsigned char)*v)) v++;
  if (!*v) return -1;
  long x = strtol(v, &end, 0);
  while (isspace((unsigned char)*end)) end++;
  if (*end) return -1;
  *out = x;
  return 0;
}

static int parse_double(const char *v, double *out) {
  char *end;
  while (isspace((unsigned char)*v)) v++;
  if (!*v) return -1;
  double x = strtod(v, &end);
  while (isspace((unsigned char)*end)) end++;
  if (*end) return -1;
  *out = x;
  return 0;
}

/* Set one setting by its .ini name from text. */
int ax_dram_cfg_set(ax_dram_cfg *c, const char *key, const char *val, char *err, size_t errlen) {
  long l;
  double d;
  int tp = ax_dram_tp_find(key);
  if (tp >= 0 && tp != AX_DRAM_TP_BURST && tp != AX_DRAM_TP_RL && tp != AX_DRAM_TP_WL) {
    if (parse_long(val, &l) || l < 0 || l > 10000000) {
      snprintf(err, errlen, "%s = '%s': expected a whole number of cycles (0..10000000)", key, val);
      return AX_EINVAL;
    }
    c->t[tp] = (int)l;
    return AX_OK;
  }
  static const struct { const char *k; size_t off; } ints[] = {
#define F(k, f) {k, offsetof(ax_dram_cfg, f)}
    F("channels", channels), F("ranks", ranks), F("bankgroups", bankgroups),
    F("banks_per_group", banks_per_group), F("rows", rows), F("columns", columns),
    F("device_width", device_width), F("bus_width", bus_width), F("BL", BL),
    F("cmd_queue_size", cmd_queue_size), F("trans_queue_size", trans_queue_size),
    F("write_buf_size", write_buf_size),
#undef F
  };
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
    if (strcmp(ints[i].k, key) == 0) {
      if (parse_long(val, &l) || l < 0 || l > (1L << 30)) {
        snprintf(err, errlen, "%s = '%s': expected a whole number >= 0", key, val);
        return AX_EINVAL;
      }
      *(int *)((char *)c + ints[i].off) = (int)l;
      return AX_OK;
    }
  static const struct { const char *k; size_t off; } dbl[] = {
#define F(k, f) {k, offsetof(ax_dram_cfg, f)}
    F("tCK", tCK_ns), F("VDD", VDD), F("IDD0", IDD0), F("IDD2P", IDD2P), F("IDD2N", IDD2N),
    F("IDD3P", IDD3P), F("IDD3N", IDD3N), F("IDD4R", IDD4R), F("IDD4W", IDD4W),
    F("IDD5AB", IDD5AB), F("IDD5PB", IDD5PB), F("IDD6x", IDD6x),
#undef F
  };
  for (size_t i = 0; i < sizeof dbl / sizeof dbl[0]; i++)
    if (strcmp(dbl[i].k, key) == 0) {
      if (parse_double(val, &d) || d < 0) {
        snprintf(err, errlen, "%s = '%s': expected a number >= 0", key, val);
        return AX_EINVAL;
      }
      *(double *)((char *)c + dbl[i].off) = d;
      return AX_OK;
    }
  if (strcmp(key, "channel_size") == 0) {
    if (parse_long(val, &l) || l <= 0) {
      snprintf(err, errlen, "channel_size = '%s': expected MiB > 0", val);
      return AX_EINVAL;
    }
    c->channel_mb = (uint64_t)l;
    return AX_OK;
  }
  if (strcmp(key, "protocol") == 0) {
    const ax_dram_std *s = ax_dram_std_find(val);
    if (!s) {
      snprintf(err, errlen, "protocol = '%s': expected DDR4, DDR5, LPDDR4, LPDDR5, HBM, HBM2, HBM3 or GDDR6", val);
      return AX_EINVAL;
    }
    c->std = s;
    c->dual_cmd = s->dual_cmd;
    return AX_OK;
  }
  if (strcmp(key, "address_mapping") == 0) {
    if (strlen(val) != 12) {
      snprintf(err, errlen, "address_mapping = '%s': expected 12 letters, six fields of ch ra bg ba ro co", val);
      return AX_EINVAL;
    }
    snprintf(c->mapping, sizeof c->mapping, "%s", val);
    return AX_OK;
  }
  if (strcmp(key, "row_buf_policy") == 0 || strcmp(key, "page_policy") == 0) {
    if (strcasecmp(val, "OPEN_PAGE") == 0 || strcasecmp(val, "open") == 0) c->page_policy = AX_DRAM_OPEN_PAGE;
    else if (strcasecmp(val, "CLOSE_PAGE") == 0 || strcasecmp(val, "closed") == 0 || strcasecmp(val, "close") == 0)
      c->page_policy = AX_DRAM_CLOSE_PAGE;
    else {
      snprintf(err, errlen, "%s = '%s': expected OPEN_PAGE or CLOSE_PAGE", key, val);
      return AX_EINVAL;
    }
    return AX_OK;
  }
  if (strcmp(key, "queue_structure") == 0) {
    if (strcasecmp(val, "PER_BANK") == 0) c->queue_structure = AX_DRAM_QUEUE_PER_BANK;
    else if (strcasecmp(val, "PER_RANK") == 0) c->queue_structure = AX_DRAM_QUEUE_PER_RANK;
    else {
      snprintf(err, errlen, "queue_structure = '%s': expected PER_BANK or PER_RANK", val);
      return AX_EINVAL;
    }
    return AX_OK;
  }
  if (strcmp(key, "refresh_policy") == 0) {
    static const char *const n[] = {"RANK_LEVEL_STAGGERED", "RANK_LEVEL_SIMULTANEOUS", "BANK_LEVEL_STAGGERED", "NONE"};
    for (int i = 0; i < 4; i++)
      if (strcasecmp(val, n[i]) == 0) { c->refresh_policy = i; return AX_OK; }
    snprintf(err, errlen, "refresh_policy = '%s': expected RANK_LEVEL_STAGGERED, RANK_LEVEL_SIMULTANEOUS, BANK_LEVEL_STAGGERED or NONE", val);
    return AX_EINVAL;
  }
  if (strcmp(key, "unified_queue") == 0 || strcmp(key, "hbm_dual_cmd") == 0) {
    int b;
    if (strcasecmp(val, "true") == 0 || strcmp(val, "1") == 0) b = 1;
    else if (strcasecmp(val, "false") == 0 || strcmp(val, "0") == 0) b = 0;
    else {
      snprintf(err, errlen, "%s = '%s': expected true or false", key, val);
      return AX_EINVAL;
    }
    if (key[0] == 'u') c->unified_queue = b; else c->dual_cmd = b && c->std && c->std->dual_cmd;
    return AX_OK;
  }
  snprintf(err, errlen, "unknown setting '%s'", key);
  return AX_EINVAL;
}

/* Check cfg and compute the derived fields. */
int ax_dram_cfg_finish(ax_dram_cfg *c, char *err, size_t errlen) {
  if (!c->std) { snprintf(err, errlen, "protocol: not set (expected DDR4, HBM2, ...)"); return AX_EINVAL; }
  struct { const char *n; long v; } p2[] = {
    {"channels", c->channels}, {"bankgroups", c->bankgroups}, {"banks_per_group", c->banks_per_group},
    {"rows", c->rows}, {"columns", c->columns}, {"BL", c->BL}, {"bus_width", c->bus_width},
    {"device_width", c->device_width}};
  for (size_t i = 0; i < sizeof p2 / sizeof p2[0]; i++)
    if (!is_pow2(p2[i].v)) {
      snprintf(err, errlen, "%s = %ld: expected a power of two", p2[i].n, p2[i].v);
      return AX_EINVAL;
    }
  if (c->bus_width < c->device_width || c->bus_width < 8) {
    snprintf(err, errlen, "bus_width = %d: expected >= 8 and >= device_width (%d)", c->bus_width, c->device_width);
    return AX_EINVAL;
  }
  if (c->tCK_ns <= 0) { snprintf(err, errlen, "tCK = %g: expected a clock period in ns > 0", c->tCK_ns); return AX_EINVAL; }
  if (c->cmd_queue_size < 1 || c->trans_queue_size < 1 || c->cmd_queue_size > 4096 || c->trans_queue_size > 65536) {
    snprintf(err, errlen, "cmd_queue_size = %d, trans_queue_size = %d: expected 1..4096 and 1..65536",
             c->cmd_queue_size, c->trans_queue_size);
    return AX_EINVAL;
  }
  c->banks = c->bankgroups * c->banks_per_group;
  c->devices_per_rank = c->bus_width / c->device_width;
  if (c->ranks == 0) { /* from capacity, as DRAMsim3's Config::CalculateSize */
    uint64_t page = (uint64_t)c->columns * c->device_width / 8;
    uint64_t mb_bank = page * (uint64_t)(c->rows / 1024) / 1024;
    uint64_t mb_rank = mb_bank * c->banks * c->devices_per_rank;
    c->ranks = (mb_rank == 0 || mb_rank > c->channel_mb) ? 1 : (int)(c->channel_mb / mb_rank);
    while (!is_pow2(c->ranks)) c->ranks--;
  }
  if (!is_pow2(c->ranks) || c->ranks > 64) { snprintf(err, errlen, "ranks = %d: expected a power of two <= 64", c->ranks); return AX_EINVAL; }
  if (c->BL / c->std->burst_div < 1) {
    snprintf(err, errlen, "BL = %d: too short for %s (a burst is BL / %d cycles)", c->BL, c->std->name, c->std->burst_div);
    return AX_EINVAL;
  }
  int *t = c->t;
  t[AX_DRAM_TP_BURST] = c->BL / c->std->burst_div;
  t[AX_DRAM_TP_RL] = t[AX_DRAM_TP_AL] + t[AX_DRAM_TP_CL];
  t[AX_DRAM_TP_WL] = t[AX_DRAM_TP_AL] + t[AX_DRAM_TP_CWL];
  if (t[AX_DRAM_TP_tRC] == 0) t[AX_DRAM_TP_tRC] = t[AX_DRAM_TP_tRAS] + t[AX_DRAM_TP_tRP];
  if (c->std->split_rcd) {
    if (t[AX_DRAM_TP_tRCDRD] == 0) t[AX_DRAM_TP_tRCDRD] = t[AX_DRAM_TP_tRCD];
    if (t[AX_DRAM_TP_tRCDWR] == 0) t[AX_DRAM_TP_tRCDWR] = t[AX_DRAM_TP_tRCD];
  }
  if (t[AX_DRAM_TP_tREFI] == 0 && c->refresh_policy != AX_DRAM_REF_NONE && c->refresh_policy != AX_DRAM_REF_BANK_STAGGERED) {
    snprintf(err, errlen, "tREFI = 0: expected the refresh interval in cycles (or refresh_policy = NONE)");
    return AX_EINVAL;
  }
  if (c->refresh_policy == AX_DRAM_REF_BANK_STAGGERED && t[AX_DRAM_TP_tREFIb] == 0) {
    snprintf(err, errlen, "tREFIb = 0: BANK_LEVEL_STAGGERED refresh needs the per-bank refresh interval");
    return AX_EINVAL;
  }
  c->read_delay = t[AX_DRAM_TP_RL] + t[AX_DRAM_TP_BURST];
  c->write_delay = t[AX_DRAM_TP_WL] + t[AX_DRAM_TP_BURST];
  c->request_bytes = c->bus_width / 8 * c->BL;
  c->shift_bits = log2i(c->request_bytes);
  int colbits = log2i(c->columns) - log2i(c->BL);
  if (colbits < 0) { snprintf(err, errlen, "columns = %d: fewer than BL (%d)", c->columns, c->BL); return AX_EINVAL; }
  int w[AX_DRAM_F_N] = {log2i(c->channels), log2i(c->ranks), log2i(c->bankgroups),
                        log2i(c->banks_per_group), log2i(c->rows), colbits};
  static const char *const fn[AX_DRAM_F_N] = {"ch", "ra", "bg", "ba", "ro", "co"};
  int seen[AX_DRAM_F_N] = {0};
  if (strlen(c->mapping) != 12) {
    snprintf(err, errlen, "address_mapping = '%s': expected 12 letters, six fields of ch ra bg ba ro co", c->mapping);
    return AX_EINVAL;
  }
  int pos = 0;
  for (int i = 5; i >= 0; i--) { /* least significant field is written last */
    int f = -1;
    for (int k = 0; k < AX_DRAM_F_N; k++)
      if (strncmp(c->mapping + 2 * i, fn[k], 2) == 0) f = k;
    if (f < 0 || seen[f]) {
      snprintf(err, errlen, "address_mapping = '%s': field '%.2s' is %s (expected each of ch ra bg ba ro co once)",
               c->mapping, c->mapping + 2 * i, f < 0 ? "unknown" : "repeated");
      return AX_EINVAL;
    }
    seen[f] = 1;
    c->pos[f] = pos;
    c->width[f] = w[f];
    pos += w[f];
  }
  if (pos + c->shift_bits > 63) { snprintf(err, errlen, "address space of %d bits is too large", pos + c->shift_bits); return AX_EINVAL; }
  return AX_OK;
}

/* Decode a byte address with cfg's mapping. */
ax_dram_addr ax_dram_map(const ax_dram_cfg *c, uint64_t addr) {
  uint64_t a = addr >> c->shift_bits;
#define F(f) (int)((a >> c->pos[f]) & ((1ull << c->width[f]) - 1))
  return (ax_dram_addr){F(AX_DRAM_F_CH), F(AX_DRAM_F_RA), F(AX_DRAM_F_BG), F(AX_DRAM_F_BA), F(AX_DRAM_F_RO), F(AX_DRAM_F_CO)};
#undef F
}
