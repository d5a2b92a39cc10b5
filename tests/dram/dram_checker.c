/*
 * dram_checker.c - independent JEDEC timing checker (see dram_checker.h).
 *
 * Rules, with n = the gap in cycles between the two commands:
 *   ACT:  bank closed; tRP after its PRE; tRC after its ACT; tRRD_L after an
 *         ACT in its bank group, tRRD_S in its rank; at most 4 ACT per rank
 *         in any tFAW (the 4th previous ACT is >= tFAW back); tRFC after REF.
 *   RD/WR: bank open at the same row; tRCD (HBM/GDDR: tRCDRD / tRCDWR) after
 *         ACT; same kind: tCCD_L in the bank group, tCCD_S in the rank, one
 *         burst (BL/2) on the data bus, burst + tRTRS across ranks;
 *         RD -> WR: RL + burst - WL + tRTRS (bus turnaround, any rank);
 *         WR -> RD: WL + burst + tWTR_L / tWTR_S, other rank WL + burst +
 *         tRTRS - RL.
 *   PRE:  tRAS after ACT; AL + tRTP after RD; WL + burst + tWR after WR;
 *         tPPD after a PRE in the rank (where the standard has it).
 *   RDA/WRA: as RD/WR, then the bank is closed: ACT needs AL + tRTP + tRP
 *         (WL + burst + tWR + tRP) after it.
 *   REF:  every bank of the rank closed, tRP after each PRE, tRFC after the
 *         previous REF; REF of a rank no more than 9 x tREFI apart (JEDEC
 *         lets a controller postpone 8 refreshes).
 *
 * All-bank PIM commands (bank fields -1), from their definitions: AiM (Lee
 * et al. ISSCC 2022, Kwon et al. Hot Chips 2022) and HBM-PIM (Kwon et al.
 * ISSCC 2021, Lee et al. ISCA 2021) broadcast a DRAM command to every bank,
 * so each bank's rules hold as for that command on that bank:
 *   activate_ab:  ACT on every bank (closed, tRP, tRC, RDA/WRA recovery,
 *         tRFC); tRRD_L after any ACT of the rank, and any ACT tRRD_L after
 *         it (it opens a row in every bank group); NOT in the tFAW window:
 *         the all-bank activate's power delivery is designed for it (AiM's
 *         ACT16; HBM-PIM's all-bank mode likewise).
 *   mac_ab: a column read in every bank, data kept inside: every bank open,
 *         tRCD (tRCDRD) after its ACT; tCCD_L after any read or mac_ab of
 *         the rank and before any read; WL + burst + tWTR_L after a write;
 *         WL + burst after the last write_gb (the global buffer holds the
 *         data). No data-bus rule.
 *   precharge_ab: PRE on every bank (tRAS, AL + tRTP after its reads and
 *         mac_ab, WL + burst + tWR after its writes), tPPD.
 *   write_gb / read_mac: one write / read burst on the data bus, outside the
 *         bank groups: the rank-wide write / read rules (tCCD_S, burst,
 *         tRTRS, read-write turnarounds, tWTR_S; a write to a bank group
 *         before read_mac: tWTR_L, the results come from every group);
 *         read_mac at least tMACRD (the MAC pipeline) after the last mac_ab.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dram_checker.h"

#define NONE (-(1LL << 60))

typedef struct cbank { int open, row; long long act, pre, rd, wr, rda, wra; } cbank;
typedef struct crank { long long act4[4]; int nact; long long ref, pre, rd, wr, act_ab, mac, gb; long long *bg_act, *bg_rd, *bg_wr; } crank;
typedef struct cchan { long long rd, wr; int rd_rank, wr_rank, seen; } cchan;

static long long max_of(const long long *v, int n) {
  long long m = NONE;
  for (int i = 0; i < n; i++) if (v[i] > m) m = v[i];
  return m;
}

typedef struct chk {
  const ax_dram_cfg *cfg;
  int T[AX_DRAM_TP_N];
  cbank *b; crank *r; cchan *c;
  long viol;
  char *msg; size_t msglen;
  long line;
  long long last_cycle;
} chk;

static void fail(chk *k, long long cyc, const char *cmd, int ch, int ra, int bg, int ba, const char *rule,
                 const char *fmt, long long a, long long b) {
  if (k->viol++ == 0) {
    char d[160];
    snprintf(d, sizeof d, fmt, a, b);
    snprintf(k->msg, k->msglen, "line %ld: cycle %lld: %s ch%d ra%d bg%d ba%d violates %s (%s)", k->line, cyc, cmd,
             ch, ra, bg, ba, rule, d);
  }
}

#define NEED(cond_gap, need, rule, what)                                                         \
  do {                                                                                           \
    long long g_ = (cond_gap), n_ = (need);                                                      \
    if (g_ < n_) fail(k, cyc, cmd, ch, ra, bg, ba, rule, what ": %lld cycles, needs %lld", g_, n_); \
  } while (0)

/* Check the log at path against cfg (channels that never appear in the
 * log are not held to tREFI: a per-channel log names one). */
long ax_dram_check_log(const ax_dram_cfg *cfg, const char *path, char *msg, size_t msglen) {
  gzFile f = gzopen(path, "rb");
  if (!f) { snprintf(msg, msglen, "%s: cannot open", path); return -1; }
  chk K = {.cfg = cfg, .msg = msg, .msglen = msglen}, *k = &K;
  memcpy(k->T, cfg->t, sizeof k->T);
  const int *T = k->T;
  int nch = cfg->channels, nra = cfg->ranks, nbg = cfg->bankgroups, nbpg = cfg->banks_per_group;
  int burst = T[AX_DRAM_TP_BURST], RL = T[AX_DRAM_TP_RL], WL = T[AX_DRAM_TP_WL], AL = T[AX_DRAM_TP_AL];
  int rcd_rd = cfg->std->split_rcd ? T[AX_DRAM_TP_tRCDRD] : T[AX_DRAM_TP_tRCD] - AL;
  int rcd_wr = cfg->std->split_rcd ? T[AX_DRAM_TP_tRCDWR] : T[AX_DRAM_TP_tRCD] - AL;
  size_t nb = (size_t)nch * nra * nbg * nbpg;
  k->b = calloc(nb, sizeof *k->b);
  k->r = calloc((size_t)nch * nra, sizeof *k->r);
  k->c = calloc((size_t)nch, sizeof *k->c);
  long long *bgs = calloc((size_t)nch * nra * nbg * 3, sizeof *bgs);
  if (!k->b || !k->r || !k->c || !bgs) { snprintf(msg, msglen, "out of memory"); gzclose(f); return -1; }
  for (size_t i = 0; i < nb; i++) k->b[i] = (cbank){0, -1, NONE, NONE, NONE, NONE, NONE, NONE};
  for (int i = 0; i < nch * nra; i++) {
    crank *r = &k->r[i];
    r->nact = 0; r->ref = 0; r->pre = NONE; r->rd = NONE; r->wr = NONE; /* refresh clock starts at cycle 0 */
    r->act_ab = NONE; r->mac = NONE; r->gb = NONE;
    r->bg_act = bgs + (size_t)i * nbg * 3; r->bg_rd = r->bg_act + nbg; r->bg_wr = r->bg_rd + nbg;
    for (int g = 0; g < nbg * 3; g++) r->bg_act[g] = NONE;
  }
  for (int i = 0; i < nch; i++) k->c[i] = (cchan){NONE, NONE, -1, -1, 0};
  long long maxgap = 9LL * T[AX_DRAM_TP_tREFI];
  char buf[512];
  long bad = 0;
  while (gzgets(f, buf, sizeof buf)) {
    k->line++;
    long long cyc;
    char cmd[32], rows[32], cols[32];
    int ch, ra, bg, ba;
    int n = sscanf(buf, "%lld %31s %d %d %d %d %31s %31s", &cyc, cmd, &ch, &ra, &bg, &ba, rows, cols);
    if (n <= 0) continue;
    if (n != 8 || ra < 0 || ra >= nra || ch >= nch) { bad = k->line; break; }
    if (ch < 0) ch = 0; /* DRAMsim3 writes -1 as the channel of rank commands; its files are per channel */
    int row = (int)strtol(rows, NULL, 16);
    k->last_cycle = cyc;
    crank *r = &k->r[ch * nra + ra];
    cchan *c = &k->c[ch];
    c->seen = 1;
    if (!strcmp(cmd, "refresh")) {
      for (int g = 0; g < nbg; g++)
        for (int b = 0; b < nbpg; b++) {
          cbank *x = &k->b[((size_t)(ch * nra + ra) * nbg + g) * nbpg + b];
          if (x->open) fail(k, cyc, cmd, ch, ra, g, b, "REF needs all banks closed", "bank open since %lld%.0lld", x->act, 0);
          NEED(cyc - x->pre, T[AX_DRAM_TP_tRP], "tRP", "PRE to REF");
          NEED(cyc - x->rda, AL + T[AX_DRAM_TP_tRTP] + T[AX_DRAM_TP_tRP], "tRTP+tRP", "RDA to REF");
          NEED(cyc - x->wra, WL + burst + T[AX_DRAM_TP_tWR] + T[AX_DRAM_TP_tRP], "tWR+tRP", "WRA to REF");
        }
      if (k->line > 0 && r->ref > 0) NEED(cyc - r->ref, T[AX_DRAM_TP_tRFC], "tRFC", "REF to REF");
      if (cyc - r->ref > maxgap) fail(k, cyc, cmd, ch, ra, -1, -1, "tREFI", "%lld cycles since the last REF, at most %lld", cyc - r->ref, maxgap);
      r->ref = cyc;
      continue;
    }
    cbank *rb = &k->b[(size_t)(ch * nra + ra) * nbg * nbpg]; /* the rank's banks */
    int nbr = nbg * nbpg;
    if (!strcmp(cmd, "activate_ab")) {
      for (int i = 0; i < nbr; i++) {
        cbank *x = &rb[i];
        int g = i / nbpg, b = i % nbpg;
        if (x->open) fail(k, cyc, cmd, ch, ra, g, b, "ACT_AB needs every bank closed", "row 0x%llx open since %lld", x->row, x->act);
        if (cyc - x->pre < T[AX_DRAM_TP_tRP]) fail(k, cyc, cmd, ch, ra, g, b, "tRP", "PRE to ACT_AB: %lld cycles, needs %lld", cyc - x->pre, T[AX_DRAM_TP_tRP]);
        if (cyc - x->act < T[AX_DRAM_TP_tRC]) fail(k, cyc, cmd, ch, ra, g, b, "tRC", "ACT to ACT_AB, same bank: %lld cycles, needs %lld", cyc - x->act, T[AX_DRAM_TP_tRC]);
        NEED(cyc - x->rda, AL + burst + T[AX_DRAM_TP_tRTP] + T[AX_DRAM_TP_tRP], "tRTP+tRP", "RDA to ACT_AB");
        NEED(cyc - x->wra, WL + burst + T[AX_DRAM_TP_tWR] + T[AX_DRAM_TP_tRP], "tWR+tRP", "WRA to ACT_AB");
      }
      NEED(cyc - max_of(r->bg_act, nbg), T[AX_DRAM_TP_tRRD_L], "tRRD_L", "ACT to ACT_AB in the rank (every bank group)");
      if (r->ref > 0) NEED(cyc - r->ref, T[AX_DRAM_TP_tRFC], "tRFC", "REF to ACT_AB");
      for (int i = 0; i < nbr; i++) { rb[i].open = 1; rb[i].row = row; rb[i].act = cyc; }
      for (int g = 0; g < nbg; g++) r->bg_act[g] = cyc;
      r->act_ab = cyc;
      continue;
    }
    if (!strcmp(cmd, "mac_ab")) {
      for (int i = 0; i < nbr; i++) {
        cbank *x = &rb[i];
        int g = i / nbpg, b = i % nbpg;
        if (!x->open) fail(k, cyc, cmd, ch, ra, g, b, "MAC_AB needs every bank open", "closed since %lld%.0lld", x->pre, 0);
        if (cyc - x->act < rcd_rd) fail(k, cyc, cmd, ch, ra, g, b, cfg->std->split_rcd ? "tRCDRD" : "tRCD", "ACT to MAC_AB: %lld cycles, needs %lld", cyc - x->act, rcd_rd);
      }
      NEED(cyc - max_of(r->bg_rd, nbg), T[AX_DRAM_TP_tCCD_L], "tCCD_L", "read or MAC_AB to MAC_AB (every bank group)");
      NEED(cyc - max_of(r->bg_wr, nbg), WL + burst + T[AX_DRAM_TP_tWTR_L], "tWTR_L", "WR to MAC_AB (every bank group)");
      NEED(cyc - r->gb, WL + burst, "WL+tBURST", "WRGB data into the global buffer before a MAC_AB");
      for (int i = 0; i < nbr; i++) rb[i].rd = cyc;
      for (int g = 0; g < nbg; g++) r->bg_rd[g] = cyc;
      r->mac = cyc;
      continue;
    }
    if (!strcmp(cmd, "precharge_ab")) {
      for (int i = 0; i < nbr; i++) {
        cbank *x = &rb[i];
        int g = i / nbpg, b = i % nbpg;
        if (!x->open) continue;
        if (cyc - x->act < T[AX_DRAM_TP_tRAS]) fail(k, cyc, cmd, ch, ra, g, b, "tRAS", "ACT to PRE_AB: %lld cycles, needs %lld", cyc - x->act, T[AX_DRAM_TP_tRAS]);
        if (cyc - x->rd < AL + T[AX_DRAM_TP_tRTP]) fail(k, cyc, cmd, ch, ra, g, b, "tRTP", "read / MAC_AB to PRE_AB: %lld cycles, needs %lld", cyc - x->rd, AL + T[AX_DRAM_TP_tRTP]);
        if (cyc - x->wr < WL + burst + T[AX_DRAM_TP_tWR]) fail(k, cyc, cmd, ch, ra, g, b, "tWR", "WR to PRE_AB: %lld cycles, needs %lld", cyc - x->wr, WL + burst + T[AX_DRAM_TP_tWR]);
      }
      if (cfg->t[AX_DRAM_TP_tPPD]) NEED(cyc - r->pre, T[AX_DRAM_TP_tPPD], "tPPD", "PRE to PRE_AB");
      for (int i = 0; i < nbr; i++) { rb[i].open = 0; rb[i].pre = cyc; }
      r->pre = cyc;
      continue;
    }
    if (!strcmp(cmd, "write_gb") || !strcmp(cmd, "read_mac")) {
      int rd = cmd[0] == 'r';
      long long same = rd ? r->rd : r->wr, other = rd ? c->rd : c->wr;
      int other_rank = rd ? c->rd_rank : c->wr_rank;
      NEED(cyc - same, T[AX_DRAM_TP_tCCD_S], "tCCD_S", "burst to burst, same rank");
      NEED(cyc - same, burst, "tBURST", "data bus busy with the previous burst");
      if (other_rank >= 0 && other_rank != ra) NEED(cyc - other, burst + T[AX_DRAM_TP_tRTRS], "tRTRS", "rank switch on the data bus");
      if (!rd && c->rd > NONE) NEED(cyc - c->rd, RL + burst - WL + T[AX_DRAM_TP_tRTRS], "tRTW", "RD to WRGB bus turnaround");
      if (rd && c->wr > NONE) {
        if (c->wr_rank == ra) {
          NEED(cyc - r->wr, WL + burst + T[AX_DRAM_TP_tWTR_S], "tWTR_S", "write to RDMAC, same rank");
          NEED(cyc - max_of(r->bg_wr, nbg), WL + burst + T[AX_DRAM_TP_tWTR_L], "tWTR_L", "WR to RDMAC (every bank group)");
        } else {
          NEED(cyc - c->wr, WL + burst + T[AX_DRAM_TP_tRTRS] - RL, "tRTRS", "write to RDMAC, rank switch");
        }
      }
      if (rd) {
        NEED(cyc - r->mac, T[AX_DRAM_TP_tMACRD], "tMACRD", "MAC_AB to its result");
        r->rd = cyc; c->rd = cyc; c->rd_rank = ra;
      } else {
        r->wr = cyc; c->wr = cyc; c->wr_rank = ra; r->gb = cyc;
      }
      continue;
    }
    if (bg < 0 || bg >= nbg || ba < 0 || ba >= nbpg) { bad = k->line; break; }
    cbank *x = &k->b[((size_t)(ch * nra + ra) * nbg + bg) * nbpg + ba];
    int is_rd = !strcmp(cmd, "read") || !strcmp(cmd, "read_p");
    int is_wr = !strcmp(cmd, "write") || !strcmp(cmd, "write_p");
    if (!strcmp(cmd, "activate")) {
      if (x->open) fail(k, cyc, cmd, ch, ra, bg, ba, "ACT needs a closed bank", "row 0x%llx open since %lld", x->row, x->act);
      NEED(cyc - x->pre, T[AX_DRAM_TP_tRP], "tRP", "PRE to ACT");
      NEED(cyc - x->act, T[AX_DRAM_TP_tRC], "tRC", "ACT to ACT, same bank");
      NEED(cyc - x->rda, AL + T[AX_DRAM_TP_tRTP] + T[AX_DRAM_TP_tRP], "tRTP+tRP", "RDA to ACT");
      NEED(cyc - x->wra, WL + burst + T[AX_DRAM_TP_tWR] + T[AX_DRAM_TP_tRP], "tWR+tRP", "WRA to ACT");
      NEED(cyc - r->bg_act[bg], T[AX_DRAM_TP_tRRD_L], "tRRD_L", "ACT to ACT, same bank group");
      long long last = NONE;
      for (int i = 0; i < r->nact && i < 4; i++) if (r->act4[(r->nact - 1 - i) & 3] > last) last = r->act4[(r->nact - 1 - i) & 3];
      NEED(cyc - last, T[AX_DRAM_TP_tRRD_S], "tRRD_S", "ACT to ACT, same rank");
      if (r->nact >= 4) NEED(cyc - r->act4[r->nact & 3], T[AX_DRAM_TP_tFAW], "tFAW", "5th ACT after the 1st of a window");
      if (r->ref > 0) NEED(cyc - r->ref, T[AX_DRAM_TP_tRFC], "tRFC", "REF to ACT");
      r->act4[r->nact & 3] = cyc;
      r->nact++;
      r->bg_act[bg] = cyc;
      x->open = 1; x->row = row; x->act = cyc;
    } else if (!strcmp(cmd, "precharge")) {
      if (x->open) {
        NEED(cyc - x->act, T[AX_DRAM_TP_tRAS], "tRAS", "ACT to PRE");
        NEED(cyc - x->rd, AL + T[AX_DRAM_TP_tRTP], "tRTP", "RD to PRE");
        NEED(cyc - x->wr, WL + burst + T[AX_DRAM_TP_tWR], "tWR", "WR to PRE");
      }
      if (cfg->t[AX_DRAM_TP_tPPD]) NEED(cyc - r->pre, T[AX_DRAM_TP_tPPD], "tPPD", "PRE to PRE");
      r->pre = cyc;
      x->open = 0; x->pre = cyc;
    } else if (is_rd || is_wr) {
      if (!x->open) fail(k, cyc, cmd, ch, ra, bg, ba, "column command needs an open bank", "closed since %lld%.0lld", x->pre, 0);
      else if (x->row != row) fail(k, cyc, cmd, ch, ra, bg, ba, "column command needs its row open", "row 0x%llx open, not 0x%llx", x->row, row);
      NEED(cyc - x->act, is_rd ? rcd_rd : rcd_wr, is_rd ? (cfg->std->split_rcd ? "tRCDRD" : "tRCD") : (cfg->std->split_rcd ? "tRCDWR" : "tRCD"), "ACT to column command");
      long long same = is_rd ? r->rd : r->wr, same_bg = is_rd ? r->bg_rd[bg] : r->bg_wr[bg];
      NEED(cyc - same_bg, T[AX_DRAM_TP_tCCD_L], "tCCD_L", "column to column, same bank group");
      NEED(cyc - same, T[AX_DRAM_TP_tCCD_S], "tCCD_S", "column to column, same rank");
      NEED(cyc - same, burst, "tBURST", "data bus busy with the previous burst");
      long long other = is_rd ? c->rd : c->wr;
      int other_rank = is_rd ? c->rd_rank : c->wr_rank;
      if (other_rank >= 0 && other_rank != ra) NEED(cyc - other, burst + T[AX_DRAM_TP_tRTRS], "tRTRS", "rank switch on the data bus");
      if (is_wr && c->rd > NONE) NEED(cyc - c->rd, RL + burst - WL + T[AX_DRAM_TP_tRTRS], "tRTW", "RD to WR bus turnaround");
      if (is_rd && c->wr > NONE) {
        if (c->wr_rank == ra) {
          NEED(cyc - r->bg_wr[bg], WL + burst + T[AX_DRAM_TP_tWTR_L], "tWTR_L", "WR to RD, same bank group");
          NEED(cyc - r->wr, WL + burst + T[AX_DRAM_TP_tWTR_S], "tWTR_S", "WR to RD, same rank");
        } else {
          NEED(cyc - c->wr, WL + burst + T[AX_DRAM_TP_tRTRS] - RL, "tRTRS", "WR to RD, rank switch");
        }
      }
      if (is_rd) { r->rd = cyc; r->bg_rd[bg] = cyc; c->rd = cyc; c->rd_rank = ra; x->rd = cyc; }
      else { r->wr = cyc; r->bg_wr[bg] = cyc; c->wr = cyc; c->wr_rank = ra; x->wr = cyc; }
      if (!strcmp(cmd, "read_p")) { x->open = 0; x->rda = cyc; }
      if (!strcmp(cmd, "write_p")) { x->open = 0; x->wra = cyc; }
    } else if (!strcmp(cmd, "refresh_bank")) {
      if (x->open) fail(k, cyc, cmd, ch, ra, bg, ba, "REFPB needs its bank closed", "open since %lld%.0lld", x->act, 0);
      NEED(cyc - x->pre, T[AX_DRAM_TP_tRP], "tRP", "PRE to REFPB");
    } else {
      bad = k->line;
      break;
    }
  }
  gzclose(f);
  if (!bad)
    for (int i = 0; i < nch * nra; i++)
      if (k->c[i / nra].seen && k->last_cycle - k->r[i].ref > maxgap) {
        k->line++;
        fail(k, k->last_cycle, "end of log", i / nra, i % nra, -1, -1, "tREFI", "%lld cycles without REF, at most %lld",
             k->last_cycle - k->r[i].ref, maxgap);
      }
  free(k->b); free(k->r); free(k->c); free(bgs);
  if (bad) {
    snprintf(msg, msglen, "%s:%ld: expected 'cycle command channel rank bankgroup bank row column'", path, bad);
    return -1;
  }
  return k->viol;
}
