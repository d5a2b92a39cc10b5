/*
 * dram_ini.c - read DRAMsim3 .ini files directly, with Debian's libinih.
 *
 * Missing settings take DRAMsim3's own defaults (configuration.cc), so the
 * same file means the same memory in both simulators. Settings DRAMsim3
 * reads but this model does not use (thermal, output, self-refresh) are
 * accepted and ignored by name; any other name is an error.
 */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dram.h"

/* DRAMsim3's defaults (configuration.cc, InitSystemParams / InitDRAMParams /
 * InitTimingParams / InitPowerParams). */
static void ds3_defaults(ax_dram_cfg *c) {
  memset(c, 0, sizeof *c);
  c->channels = 1; c->channel_mb = 1024; c->bus_width = 64;
  snprintf(c->mapping, sizeof c->mapping, "chrobabgraco");
  c->queue_structure = AX_DRAM_QUEUE_PER_BANK; c->page_policy = AX_DRAM_OPEN_PAGE;
  c->cmd_queue_size = 16; c->trans_queue_size = 32; c->write_buf_size = 16;
  c->refresh_policy = AX_DRAM_REF_RANK_STAGGERED;
  c->bankgroups = 2; c->banks_per_group = 2; c->rows = 1 << 16; c->columns = 1 << 10;
  c->device_width = 8; c->BL = 8; c->tCK_ns = 1.0;
  int *t = c->t;
  t[AX_DRAM_TP_CL] = 12; t[AX_DRAM_TP_CWL] = 12; t[AX_DRAM_TP_tCCD_L] = 6; t[AX_DRAM_TP_tCCD_S] = 4;
  t[AX_DRAM_TP_tRTRS] = 2; t[AX_DRAM_TP_tRTP] = 5; t[AX_DRAM_TP_tWTR_L] = 5; t[AX_DRAM_TP_tWTR_S] = 5;
  t[AX_DRAM_TP_tWR] = 10; t[AX_DRAM_TP_tRP] = 10; t[AX_DRAM_TP_tRRD_L] = 4; t[AX_DRAM_TP_tRRD_S] = 4;
  t[AX_DRAM_TP_tRAS] = 24; t[AX_DRAM_TP_tRCD] = 10; t[AX_DRAM_TP_tRFC] = 74; t[AX_DRAM_TP_tCKE] = 6;
  t[AX_DRAM_TP_tCKESR] = 12; t[AX_DRAM_TP_tXS] = 432; t[AX_DRAM_TP_tXP] = 8; t[AX_DRAM_TP_tRFCb] = 20;
  t[AX_DRAM_TP_tREFI] = 7800; t[AX_DRAM_TP_tREFIb] = 1950; t[AX_DRAM_TP_tFAW] = 50;
  t[AX_DRAM_TP_tRPRE] = 1; t[AX_DRAM_TP_tWPRE] = 1; t[AX_DRAM_TP_t32AW] = 330;
  t[AX_DRAM_TP_tRCDRD] = 24; t[AX_DRAM_TP_tRCDWR] = 20;
  c->VDD = 1.2; c->IDD0 = 48; c->IDD2P = 25; c->IDD2N = 34; c->IDD3P = 37; c->IDD3N = 43;
  c->IDD4W = 123; c->IDD4R = 135; c->IDD5AB = 250; c->IDD5PB = 5; c->IDD6x = 31;
}

/* Read by DRAMsim3, not used here. */
static const char *const ignored[] = {
  "epoch_period", "output_level", "output_prefix", "num_dies", "IPP0", "tCKSRE", "tRTP_L",
  "tRTP_S", "tRREFD", "tRFCPB", "tRFC2", "tRFC4", "tWR2", "enable_self_refresh", "sref_threshold",
  "aggressive_precharging_enabled", "ideal_memory_latency", "validation_output", NULL};

typedef struct ini_ctx {
  ax_dram_cfg *cfg;
  char *err;
  size_t errlen;
  int bankgroup_enable;
  char protocol[32];
} ini_ctx;

static int on_kv(void *user, const char *section, const char *name, const char *value) {
  ini_ctx *x = user;
  char v[256];
  snprintf(v, sizeof v, "%s", value);
  char *semi = strchr(v, ';'); /* DRAMsim3's files put "; comment" after values */
  if (semi) *semi = 0;
  size_t n = strlen(v);
  while (n && (v[n - 1] == ' ' || v[n - 1] == '\t')) v[--n] = 0;
  if (strcmp(section, "thermal") == 0 || strcmp(section, "hmc") == 0) return 1;
  if (strcmp(section, "dram_structure") && strcmp(section, "timing") && strcmp(section, "power") &&
      strcmp(section, "system") && strcmp(section, "other")) {
    snprintf(x->err, x->errlen, "[%s]: unknown section (expected dram_structure, timing, power, system, other)", section);
    return 0;
  }
  for (int i = 0; ignored[i]; i++)
    if (strcmp(name, ignored[i]) == 0) return 1;
  if (!*v) return 1; /* "tRFC = " keeps DRAMsim3's default, as DRAMsim3 does */
  if (strcmp(name, "bankgroup_enable") == 0) {
    x->bankgroup_enable = !(strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0);
    return 1;
  }
  if (strcmp(name, "protocol") == 0) snprintf(x->protocol, sizeof x->protocol, "%.*s", (int)sizeof x->protocol - 1, v);
  char e[200];
  if (ax_dram_cfg_set(x->cfg, name, v, e, sizeof e) != AX_OK) {
    snprintf(x->err, x->errlen, "[%s] %s", section, e);
    return 0;
  }
  return 1;
}

/* Read a DRAMsim3 .ini file into cfg. */
int ax_dram_ini_load(ax_dram_cfg *cfg, const char *path, char *err, size_t errlen) {
  char e[300] = "";
  ini_ctx x = {cfg, e, sizeof e, 1, ""};
  ds3_defaults(cfg);
  int r = ini_parse(path, on_kv, &x);
  if (r < 0) {
    snprintf(err, errlen, "%s: cannot open DRAMsim3 .ini: %s", path, strerror(errno));
    return AX_EINVAL;
  }
  if (r > 0) {
    snprintf(err, errlen, "%s:%d: %s", path, r, e[0] ? e : "syntax error (expected 'name = value' or '[section]')");
    return AX_EINVAL;
  }
  if (!cfg->std) {
    snprintf(err, errlen, "%s: [dram_structure] protocol: not set (expected DDR4, DDR5, LPDDR4, LPDDR5, HBM, HBM2, HBM3 or GDDR6)", path);
    return AX_EINVAL;
  }
  if (!x.bankgroup_enable) { /* DRAMsim3: all banks in one group */
    cfg->banks_per_group *= cfg->bankgroups;
    cfg->bankgroups = 1;
  }
  /* DRAMsim3 counts columns per burst for GDDR and per 2n prefetch for HBM */
  cfg->columns *= cfg->std->ini_col_scale ? cfg->std->ini_col_scale : cfg->BL;
  if (cfg->bankgroups == 1) { /* DRAMsim3's timing.cc: no groups, _S values apply */
    cfg->t[AX_DRAM_TP_tCCD_L] = cfg->t[AX_DRAM_TP_tCCD_S];
    cfg->t[AX_DRAM_TP_tWTR_L] = cfg->t[AX_DRAM_TP_tWTR_S];
    cfg->t[AX_DRAM_TP_tRRD_L] = cfg->t[AX_DRAM_TP_tRRD_S];
  }
  cfg->ranks = 0; /* from channel_size, as DRAMsim3 */
  cfg->t[AX_DRAM_TP_tRC] = 0; /* DRAMsim3: tRC = tRAS + tRP */
  const char *base = strrchr(path, '/');
  snprintf(cfg->name, sizeof cfg->name, "%s", base ? base + 1 : path);
  if (ax_dram_cfg_finish(cfg, e, sizeof e) != AX_OK) {
    snprintf(err, errlen, "%s: %s", path, e);
    return AX_EINVAL;
  }
  return AX_OK;
}
