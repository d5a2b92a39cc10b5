/*
 * dram_sys.c - the channels of a memory system, stepped together.
 */
#include <stdlib.h>

#include "dram.h"

/* Build a system from a finished cfg. */
int ax_dram_sys_init(ax_dram_sys *s, const ax_dram_cfg *cfg) {
  s->cfg = *cfg;
  s->now = 0;
  s->ch = calloc((size_t)cfg->channels, sizeof *s->ch);
  if (!s->ch || ax_dram_timing_build(&s->timing, &s->cfg) != AX_OK) {
    free(s->ch);
    s->ch = NULL;
    return AX_ENOMEM;
  }
  for (int i = 0; i < cfg->channels; i++) {
    s->ch[i] = ax_dram_ctrl_new(&s->cfg, &s->timing, i);
    if (!s->ch[i]) { ax_dram_sys_free(s); return AX_ENOMEM; }
  }
  return AX_OK;
}

/* Free a system. */
void ax_dram_sys_free(ax_dram_sys *s) {
  if (s->ch)
    for (int i = 0; i < s->cfg.channels; i++) ax_dram_ctrl_free(s->ch[i]);
  free(s->ch);
  s->ch = NULL;
  ax_dram_timing_free(&s->timing);
}

/* Channel of an address. */
int ax_dram_sys_channel(const ax_dram_sys *s, uint64_t addr) {
  const ax_dram_cfg *c = &s->cfg;
  return (int)((addr >> c->shift_bits >> c->pos[AX_DRAM_F_CH]) & ((1ull << c->width[AX_DRAM_F_CH]) - 1));
}

/* First cycle >= now at which a channel has work or a completion is due. */
uint64_t ax_dram_sys_next(ax_dram_sys *s) {
  uint64_t t = AX_DRAM_NEVER;
  for (int i = 0; i < s->cfg.channels; i++) {
    uint64_t a = ax_dram_ctrl_next(s->ch[i]), b = ax_dram_ctrl_next_done(s->ch[i]);
    if (a < t) t = a;
    if (b < t) t = b;
  }
  return t < s->now ? s->now : t;
}

/* Simulate every channel up to (not including) cycle `until`. */
void ax_dram_sys_run_to(ax_dram_sys *s, uint64_t until, ax_dram_done_fn fn, void *ctx) {
  for (;;) {
    uint64_t t = ax_dram_sys_next(s);
    if (t >= until) break;
    for (int i = 0; i < s->cfg.channels; i++) {
      ax_dram_ctrl_deliver(s->ch[i], t, fn, ctx);
      if (ax_dram_ctrl_next(s->ch[i]) <= t) ax_dram_ctrl_cycle(s->ch[i], t);
    }
    s->now = t + 1;
  }
  if (until > s->now) s->now = until;
}
