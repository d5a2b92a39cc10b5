/*
 * dram_comp.c - the `dram` component: the cycle-level controller of
 * dram_ctrl.c behind ports, for `axsim run`.
 *
 * A MEM_REQ {addr, bytes, write flag, tag} on any `in*` port is split into
 * bursts (request_bytes each, aligned) that enter the controller of their
 * channel; the MEM_RESP (same addr, bytes, tag) goes back on the same port
 * when the last burst is done (reads: last data beat; writes: taken into
 * the write buffer, as DRAMsim3 answers them). A request is refused
 * (AX_EAGAIN) while its first burst's transaction queue is full or an
 * earlier request still has bursts waiting to enter; the port is unblocked
 * from the next cycle at which that burst would be taken.
 *
 * Time: the clock is tCK. A request arriving during cycle T (time in
 * ((T-1) tCK, T tCK]) enters the controller at cycle T, before the
 * controller simulates cycle T (the tick runs at AX_PRIO_LATE), exactly as
 * the trace driver (dram_run.c) adds then cycles. Events are scheduled only
 * at the controller's next interesting cycle (ax_dram_ctrl_next: a command
 * becomes legal, a transaction can move, a refresh falls due) or the next
 * completion; idle cycles are never visited. When nothing is pending the
 * component schedules nothing; the refresh it skipped meanwhile is
 * simulated (cycle by cycle of refresh work only) when the next request
 * arrives, so the schedule is that of a controller ticking every cycle.
 *
 * Energy: charged with ax_energy() to AX_NO_OP, because a requester's tag
 * is not reliably a trace op id (systolic puts fold << 1 | write there).
 * Actions: act, read, write, refresh, background (IDD2N/IDD3N standby by
 * rank state), each charged as the difference since the last charge,
 * whenever the component falls idle; the background runs to the last
 * completion + 1, the same span as the `num_cycles` statistic.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dram.h"

typedef struct dreq {          /* a MEM_REQ being served */
  ax_msg m;
  ax_port *port;
  uint64_t left;               /* bursts not done yet */
  int next_free;
} dreq;

typedef struct refused {       /* a port we refused and what it waits for */
  ax_port *port;
  int ch, wr;                  /* -1: waits for the staged bursts to enter */
} refused;

typedef struct dcomp {
  ax_component *c;
  ax_dram_sys sys;
  ax_time_t period;            /* ps per cycle: tCK */
  int energy_on;
  FILE *log;
  /* requests */
  dreq *req;
  int nreq, req_free;
  uint64_t inflight;           /* requests accepted, not answered */
  /* bursts of the request being admitted that did not fit yet */
  int stage_req;               /* -1: none */
  uint64_t stage_addr, stage_end;
  /* answers waiting for their link */
  int *resp;
  size_t nresp, capresp;
  refused *ref;
  size_t nref, capref;
  int unblock_pending;
  /* each channel's next cycle with work, next completion and whether it is
   * busy, as its controller last said (refreshed whenever it runs, takes a
   * request or delivers: asking 64 HBM channels afresh every cycle cost
   * more than simulating them) */
  struct chnext { uint64_t next, done; int busy; } *chn;
  /* events */
  uint64_t tick_cycle;         /* the scheduled tick, AX_DRAM_NEVER if none */
  ax_event_h tick_h;
  /* results */
  uint64_t last_done, requests, bursts;
  uint64_t reads, writes, bytes_r, bytes_w;  /* requests and the bytes they asked for */
  /* energy charged so far (pJ and counts) */
  ax_dram_result charged;
  uint64_t charged_cycles;
  char why[160];
} dcomp;

static void tick(ax_component *c, uint64_t arg);

/* ---- requests ------------------------------------------------------------ */

static int req_get(dcomp *d) {
  if (d->req_free < 0) {
    int nc = d->nreq ? d->nreq * 2 : 64;
    dreq *r = realloc(d->req, (size_t)nc * sizeof *r);
    if (!r) abort(); /* out of memory inside a simulation step */
    for (int i = d->nreq; i < nc; i++) r[i].next_free = i + 1 < nc ? i + 1 : -1;
    d->req = r;
    d->req_free = d->nreq;
    d->nreq = nc;
  }
  int i = d->req_free;
  d->req_free = d->req[i].next_free;
  return i;
}

static void req_put(dcomp *d, int i) {
  d->req[i].next_free = d->req_free;
  d->req_free = i;
}

static void push_resp(dcomp *d, int i) {
  if (d->nresp == d->capresp) {
    d->capresp = d->capresp ? d->capresp * 2 : 64;
    d->resp = realloc(d->resp, d->capresp * sizeof *d->resp);
    if (!d->resp) abort();
  }
  d->resp[d->nresp++] = i;
}

/* Send the answers that are done, in completion order per port; an answer
 * whose link is full waits (ready() retries) without holding up other ports. */
static void send_answers(dcomp *d) {
  size_t keep = 0;
  ax_port *full[16];
  int nfull = 0;
  for (size_t k = 0; k < d->nresp; k++) {
    dreq *r = &d->req[d->resp[k]];
    int blocked = 0;
    for (int j = 0; j < nfull; j++) blocked |= full[j] == r->port;
    if (!blocked) {
      ax_msg m = r->m;
      m.kind = AX_MSG_MEM_RESP;
      if (ax_port_send(r->port, &m) == AX_OK) {
        req_put(d, d->resp[k]);
        d->inflight--;
        continue;
      }
      if (nfull < 16) full[nfull++] = r->port;
    }
    d->resp[keep++] = d->resp[k];
  }
  d->nresp = keep;
}

static void on_done(void *ctx, uint64_t tag, int is_write, uint64_t done, uint64_t added) {
  dcomp *d = ctx;
  (void)is_write; (void)added;
  if (done > d->last_done) d->last_done = done;
  if (--d->req[tag].left == 0) push_resp(d, (int)tag);
}

/* ---- admission ------------------------------------------------------------- */

/* Ask channel i's controller again what it will do next. */
static void ch_refresh(dcomp *d, int i) {
  ax_dram_ctrl *ctl = d->sys.ch[i];
  d->chn[i].next = ax_dram_ctrl_next(ctl);
  d->chn[i].done = ax_dram_ctrl_next_done(ctl);
  d->chn[i].busy = ax_dram_ctrl_busy(ctl);
}

static uint64_t burst_bytes(const dcomp *d) { return (uint64_t)d->sys.cfg.request_bytes; }

/* Move staged bursts into their controllers at cycle `cy`, in order, until
 * one does not fit. */
static void drain_stage(dcomp *d, uint64_t cy) {
  while (d->stage_req >= 0) {
    dreq *r = &d->req[d->stage_req];
    int wr = (r->m.flags & AX_MSG_WRITE) != 0;
    int ch = ax_dram_sys_channel(&d->sys, d->stage_addr);
    ax_dram_ctrl *ctl = d->sys.ch[ch];
    if (!ax_dram_ctrl_can_accept(ctl, wr)) return;
    ax_dram_ctrl_add(ctl, d->stage_addr, wr, (uint64_t)d->stage_req, cy);
    ch_refresh(d, ch);
    d->bursts++;
    d->stage_addr += burst_bytes(d);
    if (d->stage_addr >= d->stage_end) d->stage_req = -1;
  }
}

/* Whether a refused port's request would be taken now. */
static int would_take(const dcomp *d, const refused *f) {
  if (d->stage_req >= 0) return 0;
  return f->ch < 0 || ax_dram_ctrl_can_accept(d->sys.ch[f->ch], f->wr);
}

static void unblock_ev(ax_component *c, uint64_t arg) {
  (void)arg;
  dcomp *d = ax_comp_priv(c);
  d->unblock_pending = 0;
  size_t keep = 0;
  for (size_t i = 0; i < d->nref; i++) {
    if (would_take(d, &d->ref[i])) ax_port_unblock(d->ref[i].port);
    else d->ref[keep++] = d->ref[i];
  }
  d->nref = keep;
}

/* Refused ports whose request fits now are unblocked from the next cycle
 * (the cycle just simulated made the room). */
static void plan_unblock(dcomp *d, uint64_t next_cycle) {
  if (d->unblock_pending || !d->nref) return;
  for (size_t i = 0; i < d->nref; i++)
    if (would_take(d, &d->ref[i])) {
      d->unblock_pending = 1;
      ax_schedule_at(d->c, next_cycle * d->period, AX_PRIO_NORMAL, unblock_ev, 0);
      return;
    }
}

/* ---- the clock ------------------------------------------------------------------ */

static uint64_t next_cycle_of(dcomp *d, int *work) {
  uint64_t t = AX_DRAM_NEVER;
  *work = d->stage_req >= 0;
  for (int i = 0; i < d->sys.cfg.channels; i++) {
    const struct chnext *n = &d->chn[i];
    *work |= n->busy;
    if (n->next < t) t = n->next;
    if (n->done < t) t = n->done;
  }
  if (d->stage_req >= 0) { /* a staged burst enters as soon as its queue has room */
    const dreq *r = &d->req[d->stage_req];
    ax_dram_ctrl *ctl = d->sys.ch[ax_dram_sys_channel(&d->sys, d->stage_addr)];
    if (ax_dram_ctrl_can_accept(ctl, (r->m.flags & AX_MSG_WRITE) != 0) && ax_dram_ctrl_now(ctl) < t)
      t = ax_dram_ctrl_now(ctl);
  }
  return t;
}

/* Simulate cycle cy: staged bursts enter, every channel with work at cy
 * runs it, completions are delivered. */
static void run_cycle(dcomp *d, uint64_t cy) {
  drain_stage(d, cy);
  for (int i = 0; i < d->sys.cfg.channels; i++) {
    ax_dram_ctrl *ctl = d->sys.ch[i];
    int ran = d->chn[i].next <= cy;
    if (ran) ax_dram_ctrl_cycle(ctl, cy);
    if (ran || d->chn[i].done <= cy) {
      ax_dram_ctrl_deliver(ctl, cy, on_done, d);
      ch_refresh(d, i);
    }
  }
}

/* Simulate every cycle before `until` that has work (refresh of an idle
 * controller included). */
static void catch_up(dcomp *d, uint64_t until) {
  int work;
  for (uint64_t t = next_cycle_of(d, &work); t < until; t = next_cycle_of(d, &work)) run_cycle(d, t);
}

static void energy_charge(dcomp *d);

/* Schedule the next tick at the next cycle with work, or go idle. */
static void plan(dcomp *d) {
  int work;
  uint64_t t = next_cycle_of(d, &work);
  if (!work) {
    if (d->tick_cycle != AX_DRAM_NEVER) ax_cancel(ax_comp_sim(d->c), d->tick_h);
    d->tick_cycle = AX_DRAM_NEVER;
    energy_charge(d);
    return;
  }
  if (t >= d->tick_cycle) return; /* the tick already planned comes first */
  if (d->tick_cycle != AX_DRAM_NEVER) ax_cancel(ax_comp_sim(d->c), d->tick_h);
  d->tick_cycle = t;
  d->tick_h = ax_schedule_at(d->c, t * d->period, AX_PRIO_LATE, tick, t);
}

static void tick(ax_component *c, uint64_t cy) {
  dcomp *d = ax_comp_priv(c);
  d->tick_cycle = AX_DRAM_NEVER;
  catch_up(d, cy);
  run_cycle(d, cy);
  if (d->nresp) send_answers(d);
  plan_unblock(d, cy + 1);
  plan(d);
}

/* The cycle a message arriving now belongs to: ceil(now / tCK). */
static uint64_t cycle_now(const dcomp *d) {
  ax_time_t now = ax_now(ax_comp_sim(d->c));
  return (now + d->period - 1) / d->period;
}

static void refuse(dcomp *d, ax_port *p, int ch, int wr) {
  for (size_t i = 0; i < d->nref; i++)
    if (d->ref[i].port == p) { d->ref[i].ch = ch; d->ref[i].wr = wr; return; }
  if (d->nref == d->capref) {
    d->capref = d->capref ? d->capref * 2 : 8;
    d->ref = realloc(d->ref, d->capref * sizeof *d->ref);
    if (!d->ref) abort();
  }
  d->ref[d->nref++] = (refused){p, ch, wr};
}

static int dram_recv(ax_component *c, ax_port *p, const ax_msg *m) {
  dcomp *d = ax_comp_priv(c);
  if (m->kind != AX_MSG_MEM_REQ) {
    ax_fail(ax_comp_sim(c), "%s: expected MEM_REQ on port %s, got message kind %d", ax_comp_name(c),
            ax_port_name(p), m->kind);
    return AX_OK;
  }
  uint64_t cy = cycle_now(d);
  catch_up(d, cy);
  if (d->nresp) send_answers(d);
  int wr = (m->flags & AX_MSG_WRITE) != 0;
  uint64_t bb = burst_bytes(d);
  uint64_t first = m->addr / bb * bb;
  if (d->stage_req >= 0) { refuse(d, p, -1, wr); return AX_EAGAIN; }
  int ch = ax_dram_sys_channel(&d->sys, first);
  if (!ax_dram_ctrl_can_accept(d->sys.ch[ch], wr)) { refuse(d, p, ch, wr); return AX_EAGAIN; }
  uint64_t end = m->bytes ? (m->addr + m->bytes + bb - 1) / bb * bb : first + bb;
  int i = req_get(d);
  d->req[i] = (dreq){.m = *m, .port = p, .left = (end - first) / bb, .next_free = -1};
  d->inflight++;
  d->requests++;
  if (wr) d->writes++, d->bytes_w += m->bytes;
  else d->reads++, d->bytes_r += m->bytes;
  d->stage_req = i;
  d->stage_addr = first;
  d->stage_end = end;
  drain_stage(d, cy);
  plan(d);
  return AX_OK;
}

static void dram_ready(ax_component *c, ax_port *p) {
  (void)p;
  dcomp *d = ax_comp_priv(c);
  send_answers(d);
}

/* ---- energy and statistics -------------------------------------------------------- */

static void result_now(dcomp *d, ax_dram_result *r) {
  ax_dram_sys_result(&d->sys, -1, d->requests ? d->last_done + 1 : 0, d->requests, r);
}

static void charge(dcomp *d, const char *action, uint64_t n_now, uint64_t n_was, double e_now, double e_was) {
  if (n_now <= n_was || e_now <= e_was) return;
  ax_energy(d->c, AX_NO_OP, action, n_now - n_was, (e_now - e_was) / (double)(n_now - n_was));
}

/* Charge the energy since the last charge: per command kind, and the
 * standby background over the cycles since. */
static void energy_charge(dcomp *d) {
  if (!d->energy_on || !d->requests) return;
  ax_dram_result r;
  result_now(d, &r);
  const ax_dram_result *o = &d->charged;
  charge(d, "act", r.st.num_act_cmds, o->st.num_act_cmds, r.en.act, o->en.act);
  charge(d, "read", r.st.num_read_cmds, o->st.num_read_cmds, r.en.read, o->en.read);
  charge(d, "write", r.st.num_write_cmds, o->st.num_write_cmds, r.en.write, o->en.write);
  charge(d, "refresh", r.st.num_ref_cmds + r.st.num_refb_cmds, o->st.num_ref_cmds + o->st.num_refb_cmds,
         r.en.ref + r.en.refb, o->en.ref + o->en.refb);
  charge(d, "background", r.num_cycles, d->charged_cycles, r.en.act_stb + r.en.pre_stb, o->en.act_stb + o->en.pre_stb);
  d->charged = r;
  d->charged_cycles = r.num_cycles;
}

static void dram_stats(ax_component *c, ax_stats *s) {
  dcomp *d = ax_comp_priv(c);
  ax_dram_result r;
  result_now(d, &r);
  ax_dram_stat_row rows[AX_DRAM_STAT_ROWS];
  int n = ax_dram_result_rows(&d->sys.cfg, &r, rows);
  for (int i = 0; i < n; i++) {
    if (rows[i].decimals) ax_stat_f64(s, rows[i].name, rows[i].value, rows[i].unit);
    else ax_stat_u64(s, rows[i].name, (uint64_t)rows[i].value, rows[i].unit);
  }
  ax_stat_u64(s, "requests", d->requests, "reqs");
  ax_stat_u64(s, "bursts", d->bursts, "bursts");
  /* the names every memory model reports (models/mem), for analysis/ */
  ax_stat_u64(s, "reads", d->reads, "reqs");
  ax_stat_u64(s, "writes", d->writes, "reqs");
  ax_stat_u64(s, "bytes_read", d->bytes_r, "bytes");
  ax_stat_u64(s, "bytes_written", d->bytes_w, "bytes");
  /* data bus busy: every RD/WR burst holds it BL/2 cycles (DDR: two beats a cycle) */
  uint64_t beats = (r.st.num_read_cmds + r.st.num_write_cmds) * (uint64_t)d->sys.cfg.t[AX_DRAM_TP_BURST];
  ax_stat_u64(s, "bus_busy_ps", beats * d->period, "ps");
}

static const char *dram_waiting(ax_component *c) {
  dcomp *d = ax_comp_priv(c);
  if (!d->inflight) return NULL;
  if (d->nresp)
    snprintf(d->why, sizeof d->why, "%zu answer(s) not taken by the requester (%llu request(s) in flight)",
             d->nresp, (unsigned long long)d->inflight);
  else
    snprintf(d->why, sizeof d->why, "%llu request(s) in the controller", (unsigned long long)d->inflight);
  return d->why;
}

/* ---- construction ------------------------------------------------------------------ */

/* Apply an integer override (0 = keep the preset's / .ini's value). */
static int set_int(ax_dram_cfg *cfg, ax_component *c, const char *name, char *err, size_t errlen) {
  int64_t v = ax_param_int(c, name);
  if (!v) return AX_OK;
  char buf[32], e[256];
  snprintf(buf, sizeof buf, "%lld", (long long)v);
  if (ax_dram_cfg_set(cfg, name, buf, e, sizeof e) != AX_OK) { snprintf(err, errlen, "%s", e); return AX_EINVAL; }
  return AX_OK;
}

static int dram_init(ax_component *c, char *err, size_t errlen) {
  ax_dram_cfg cfg;
  char e[512];
  const char *ini = ax_param_str(c, "ini");
  if (ini[0]) {
    if (ax_param_is_set(c, "preset")) {
      snprintf(err, errlen, "preset and ini are both set: give one (ini = a DRAMsim3 .ini file, preset = one of the built-in devices)");
      return AX_EINVAL;
    }
    if (ax_dram_ini_load(&cfg, ini, e, sizeof e) != AX_OK) { snprintf(err, errlen, "ini: %s", e); return AX_EINVAL; }
  } else if (ax_dram_preset(&cfg, ax_param_str(c, "preset"), e, sizeof e) != AX_OK) {
    snprintf(err, errlen, "preset: %s", e);
    return AX_EINVAL;
  }
  static const char *const ints[] = {"channels", "ranks", "trans_queue_size", "cmd_queue_size", "write_buf_size"};
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
    if (set_int(&cfg, c, ints[i], err, errlen) != AX_OK) return AX_EINVAL;
  const char *pp = ax_param_str(c, "page_policy");
  if (strcmp(pp, "preset") != 0) cfg.page_policy = strcmp(pp, "open") == 0 ? AX_DRAM_OPEN_PAGE : AX_DRAM_CLOSE_PAGE;
  const char *map = ax_param_str(c, "mapping");
  if (map[0] && ax_dram_cfg_set(&cfg, "address_mapping", map, e, sizeof e) != AX_OK) {
    snprintf(err, errlen, "mapping: %s", e);
    return AX_EINVAL;
  }
  if (!ax_param_bool(c, "refresh")) cfg.refresh_policy = AX_DRAM_REF_NONE;
  if (ax_dram_cfg_finish(&cfg, e, sizeof e) != AX_OK) { snprintf(err, errlen, "%s", e); return AX_EINVAL; }
  dcomp *d = calloc(1, sizeof *d);
  if (!d) return AX_ENOMEM;
  d->c = c;
  if (ax_dram_sys_init(&d->sys, &cfg) != AX_OK) { free(d); return AX_ENOMEM; }
  d->chn = calloc((size_t)cfg.channels, sizeof *d->chn);
  if (!d->chn) { ax_dram_sys_free(&d->sys); free(d); return AX_ENOMEM; }
  for (int i = 0; i < cfg.channels; i++) ch_refresh(d, i);
  d->period = (ax_time_t)llround(cfg.tCK_ns * 1000.0);
  if (d->period == 0) d->period = 1;
  d->energy_on = ax_param_bool(c, "energy");
  d->stage_req = -1;
  d->req_free = -1;
  d->tick_cycle = AX_DRAM_NEVER;
  const char *log = ax_param_str(c, "cmd_log");
  if (log[0]) {
    d->log = fopen(log, "w");
    if (!d->log) {
      snprintf(err, errlen, "cmd_log = \"%s\": cannot open for writing", log);
      ax_dram_sys_free(&d->sys);
      free(d->chn);
      free(d);
      return AX_EINVAL;
    }
    for (int i = 0; i < cfg.channels; i++) ax_dram_ctrl_set_log(d->sys.ch[i], d->log);
  }
  ax_comp_set_period(c, d->period);
  ax_comp_set_priv(c, d);
  return AX_OK;
}

static void dram_destroy(ax_component *c) {
  dcomp *d = ax_comp_priv(c);
  if (!d) return;
  if (d->log) fclose(d->log);
  ax_dram_sys_free(&d->sys);
  free(d->chn);
  free(d->req);
  free(d->resp);
  free(d->ref);
  free(d);
}

static const ax_param_def dram_params[] = {
    {"preset", AX_P_ENUM, "DDR4-3200", 0, 0, "DDR4-3200|DDR5-4800|LPDDR4-3200|LPDDR5-6400|HBM2|HBM3|GDDR6",
     "device and organisation (models/dram/dram_presets.c names each number's JEDEC table or datasheet; "
     "DDR4-3200 and HBM2 equal DRAMsim3's .ini files)"},
    {"ini", AX_P_PATH, "", 0, 0, NULL, "a DRAMsim3 .ini file instead of a preset (\"\" = use preset)"},
    {"channels", AX_P_INT, "0", 0, 1024, NULL, "channels (power of two; 0 = the preset's / .ini's)"},
    {"ranks", AX_P_INT, "0", 0, 64, NULL, "ranks per channel (power of two; 0 = the preset's / .ini's)"},
    {"page_policy", AX_P_ENUM, "preset", 0, 0, "preset|open|close",
     "row buffer policy: open page, close page (auto-precharge), or the preset's (open, DRAMsim3's default)"},
    {"mapping", AX_P_STRING, "", 0, 0, NULL,
     "address mapping, DRAMsim3's 12-letter form most significant first (\"rochrababgco\"; \"\" = the preset's)"},
    {"trans_queue_size", AX_P_INT, "0", 0, 65536, NULL,
     "transaction queue entries per channel for reads and for writes (0 = the preset's: 32, DRAMsim3 .ini files)"},
    {"cmd_queue_size", AX_P_INT, "0", 0, 4096, NULL,
     "command queue entries per bank (0 = the preset's: 8, DRAMsim3 .ini files)"},
    {"write_buf_size", AX_P_INT, "0", 0, 65536, NULL,
     "writes buffered before a drain starts when no read waits (0 = the preset's: 16, DRAMsim3's default)"},
    {"refresh", AX_P_BOOL, "true", 0, 0, NULL, "refresh as the preset says (staggered per rank every tREFI)"},
    {"energy", AX_P_BOOL, "true", 0, 0, NULL,
     "charge energy (act, read, write, refresh, background) from the IDD currents, DRAMPower-style"},
    {"cmd_log", AX_P_STRING, "", 0, 0, NULL, "write every issued command to this file (DRAMsim3 cmdtrace format; \"\" = off)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def dram_ports[] = {
    {"in*", "requesters: MEM_REQ in, MEM_RESP out on the same port when every burst is done"},
    {NULL, NULL}};

const ax_model ax_model_dram = {
    .abi = AX_ABI_VERSION,
    .name = "dram",
    .doc = "cycle-level DRAM controller and devices (DDR4/5, LPDDR4/5, HBM2/3, GDDR6), DRAMsim3-exact scheduling",
    .params = dram_params,
    .ports = dram_ports,
    .init = dram_init,
    .recv = dram_recv,
    .ready = dram_ready,
    .waiting = dram_waiting,
    .stats = dram_stats,
    .destroy = dram_destroy,
};
