/*
 * systemc.c - the `systemc` model: a SystemC module hosted as an axsim
 * component, through the shim in axsc.h.
 *
 * Requests (AX_MSG_MEM_REQ) arriving on an in* port cross into SystemC as
 * TLM-2.0 b_transport calls; each answer (AX_MSG_MEM_RESP) leaves at the
 * time b_transport returned plus its annotated delay.
 *
 * Keeping the kernels in step. axsim drives; SystemC's time never passes
 * axsim's. On a request at axsim time t the bridge first runs SystemC
 * through t (everything SystemC had due up to t, in its own order), then
 * puts the request in and runs the delta cycles at t, in which the
 * initiator calls b_transport. While any request is inside SystemC (a
 * blocking target that wait()s), the bridge keeps an axsim event at
 * SystemC's next activity time and runs SystemC through that time when
 * it fires, so a b_transport returns at its exact SystemC time. When
 * nothing is inside SystemC, SystemC is advanced lazily at the next
 * request: what it does in between cannot reach axsim. So no SystemC
 * event runs late, none runs before an axsim event of an earlier time,
 * and a hosted model with a free-running clock does not keep the run
 * alive.
 *
 * Queueing is that of the native `memory` model (models/mem/memory.c):
 * at most `queue` requests accepted and not answered, further ones refused
 * until an answer leaves; answers leave in arrival order. With the
 * `memory` module and equal parameters the two give identical runs.
 *
 * SystemC cannot be restarted: one SystemC-hosted run per process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axsim/axsim.h"
#include "axsc.h"

typedef struct pending {
  ax_msg m;
  ax_port *port;
  ax_time_t due; /* AX_TIME_NEVER until b_transport has returned */
} pending;

typedef struct scb {
  ax_component *c;
  axsc_target *t;
  /* accepted and not yet answered, in arrival (= answer) order; request
   * ids are consecutive, so id - head_id is the offset from the head */
  pending *q;
  size_t qh, qn, qcap;
  uint64_t head_id;
  ax_port *refused[64];
  size_t nrefused;
  ax_event_h sync_h;
  ax_time_t sync_at; /* AX_TIME_NEVER: no sync event pending */
  uint64_t reads, writes, bytes_r, bytes_w, syncs;
  double pj_per_byte;
  char why[160];
} scb;

/* Run SystemC through axsim's now; on error stop the run. */
static int advance(scb *b) {
  char err[512];
  ax_sim *s = ax_comp_sim(b->c);
  if (axsc_run_through(ax_now(s), err, sizeof err) != AXSC_OK) {
    ax_fail(s, "%s: %s", ax_comp_name(b->c), err);
    return -1;
  }
  return 0;
}

static void sync_ev(ax_component *c, uint64_t arg);

/* While requests are inside SystemC, keep an event at its next activity. */
static void keep_sync(scb *b) {
  if (!axsc_inflight()) return;
  ax_time_t t = axsc_next_activity_ps();
  if (t == AXSC_TIME_NEVER || (b->sync_at != AX_TIME_NEVER && b->sync_at <= t)) return;
  ax_sim *s = ax_comp_sim(b->c);
  if (b->sync_at != AX_TIME_NEVER) ax_cancel(s, b->sync_h);
  ax_time_t now = ax_now(s);
  if (t < now) { /* cannot happen while SystemC is kept at or behind now */
    ax_fail(s, "%s: SystemC activity at %llu ps is behind axsim's %llu ps", ax_comp_name(b->c),
            (unsigned long long)t, (unsigned long long)now);
    return;
  }
  b->sync_at = t;
  b->sync_h = ax_schedule_at(b->c, t, AX_PRIO_NORMAL, sync_ev, 0);
}

static void sync_ev(ax_component *c, uint64_t arg) {
  (void)arg;
  scb *b = ax_comp_priv(c);
  b->sync_at = AX_TIME_NEVER;
  b->syncs++;
  if (advance(b) == 0) keep_sync(b);
}

/* Send every answer that is due, in order, until a link pushes back. */
static void answer(ax_component *c, uint64_t arg) {
  (void)arg;
  scb *b = ax_comp_priv(c);
  ax_time_t now = ax_now(ax_comp_sim(c));
  int freed = 0;
  while (b->qn && b->q[b->qh].due <= now) {
    pending *p = &b->q[b->qh];
    ax_msg r = p->m;
    r.kind = AX_MSG_MEM_RESP;
    if (ax_port_send(p->port, &r) == AX_EAGAIN) break; /* ready() retries */
    b->qh = (b->qh + 1) % b->qcap;
    b->qn--;
    b->head_id++;
    freed = 1;
  }
  if (!freed) return;
  for (size_t i = 0; i < b->nrefused; i++) ax_port_unblock(b->refused[i]);
  b->nrefused = 0;
}

/* From inside SystemC: b_transport of request id returned. */
static void on_done(void *ctx, uint64_t id, uint64_t due, int status, const char *msg) {
  scb *b = ctx;
  ax_sim *s = ax_comp_sim(b->c);
  ax_time_t now = ax_now(s);
  if (id < b->head_id || id - b->head_id >= b->qn) {
    ax_fail(s, "%s: SystemC answered request %llu, which is not outstanding", ax_comp_name(b->c),
            (unsigned long long)id);
    return;
  }
  pending *p = &b->q[(b->qh + (id - b->head_id)) % b->qcap];
  if (status != AXSC_OK) {
    ax_fail(s, "%s: SystemC module answered the %s of %llu bytes at 0x%llx with %s",
            ax_comp_name(b->c), p->m.flags & AX_MSG_WRITE ? "write" : "read",
            (unsigned long long)p->m.bytes, (unsigned long long)p->m.addr, msg);
    return;
  }
  if (due < now) {
    ax_fail(s, "%s: SystemC answer due at %llu ps, before axsim's now %llu ps", ax_comp_name(b->c),
            (unsigned long long)due, (unsigned long long)now);
    return;
  }
  p->due = due;
  ax_schedule(b->c, due - now, answer, 0);
}

static int scb_init(ax_component *c, char *err, size_t errlen) {
  scb *b = calloc(1, sizeof *b);
  if (!b) return AX_ENOMEM;
  b->c = c;
  b->sync_at = AX_TIME_NEVER;
  b->pj_per_byte = ax_param_float(c, "pj_per_byte");
  b->qcap = (size_t)ax_param_int(c, "queue");
  b->q = calloc(b->qcap, sizeof *b->q);
  ax_comp_set_priv(c, b);
  if (!b->q) return AX_ENOMEM;
  /* The same conversions as the native memory, so the numbers agree. */
  const char *keys[] = {"latency_ps", "ps_per_byte"};
  double vals[] = {(double)(ax_time_t)(ax_param_float(c, "latency_ns") * 1000.0 + 0.5),
                   1000.0 / ax_param_float(c, "bandwidth_gbps")};
  char e[512];
  if (axsc_init(e, sizeof e) != AXSC_OK) {
    snprintf(err, errlen, "%s", e);
    return AX_EINVAL;
  }
  b->t = axsc_target_new(ax_comp_name(c), ax_param_str(c, "module"), 2, keys, vals, on_done, b, e,
                         sizeof e);
  if (!b->t) {
    snprintf(err, errlen, "%s", e);
    return AX_EINVAL;
  }
  return AX_OK;
}

/* Elaborate SystemC and run its t = 0 deltas (processes reach their first wait). */
static void scb_start(ax_component *c) {
  advance(ax_comp_priv(c));
}

static int scb_recv(ax_component *c, ax_port *p, const ax_msg *msg) {
  scb *b = ax_comp_priv(c);
  ax_sim *s = ax_comp_sim(c);
  if (msg->kind != AX_MSG_MEM_REQ) {
    ax_fail(s, "%s: expected MEM_REQ on port %s, got message kind %d", ax_comp_name(c),
            ax_port_name(p), msg->kind);
    return AX_OK;
  }
  if (b->qn == b->qcap) {
    size_t i;
    for (i = 0; i < b->nrefused; i++)
      if (b->refused[i] == p) break;
    if (i == b->nrefused && b->nrefused < 64) b->refused[b->nrefused++] = p;
    return AX_EAGAIN;
  }
  /* SystemC first catches up with now, then the request goes in at now. */
  if (advance(b)) return AX_OK;
  uint64_t id = b->head_id + b->qn;
  pending *e = &b->q[(b->qh + b->qn++) % b->qcap];
  e->m = *msg;
  e->port = p;
  e->due = AX_TIME_NEVER;
  if (msg->flags & AX_MSG_WRITE) b->writes++, b->bytes_w += msg->bytes;
  else b->reads++, b->bytes_r += msg->bytes;
  ax_energy(c, msg->op ? msg->op->id : AX_NO_OP, msg->flags & AX_MSG_WRITE ? "write_byte" : "read_byte", msg->bytes,
            b->pj_per_byte);
  char err[512];
  if (axsc_target_put(b->t, id, msg->addr, msg->bytes, (msg->flags & AX_MSG_WRITE) != 0, err,
                      sizeof err) != AXSC_OK) {
    ax_fail(s, "%s: %s", ax_comp_name(c), err);
    return AX_OK;
  }
  if (advance(b) == 0) keep_sync(b); /* the deltas at now: b_transport */
  return AX_OK;
}

static void scb_ready(ax_component *c, ax_port *p) {
  (void)p;
  answer(c, 0);
}

static const char *scb_waiting(ax_component *c) {
  scb *b = ax_comp_priv(c);
  if (!b->qn) return NULL;
  uint64_t in = b->t ? axsc_target_inflight(b->t) : 0;
  if (in)
    snprintf(b->why, sizeof b->why,
             "%llu request(s) inside SystemC whose b_transport has not returned",
             (unsigned long long)in);
  else
    snprintf(b->why, sizeof b->why, "%zu answer(s) not taken by the requester", b->qn);
  return b->why;
}

static void scb_stats(ax_component *c, ax_stats *s) {
  scb *b = ax_comp_priv(c);
  ax_stat_u64(s, "reads", b->reads, "reqs");
  ax_stat_u64(s, "writes", b->writes, "reqs");
  ax_stat_u64(s, "bytes_read", b->bytes_r, "bytes");
  ax_stat_u64(s, "bytes_written", b->bytes_w, "bytes");
  const char *name;
  uint64_t v;
  for (size_t i = 0; b->t && axsc_target_stat(b->t, i, &name, &v); i++)
    ax_stat_u64(s, name, v, strstr(name, "_ps") ? "ps" : "");
}

static void scb_destroy(ax_component *c) {
  scb *b = ax_comp_priv(c);
  if (!b) return;
  axsc_target_free(b->t);
  free(b->q);
  free(b);
}

static const ax_param_def scb_params[] = {
    {"module", AX_P_ENUM, "memory", 0, 0, "memory|memory_blocking",
     "SystemC module to host, from the shim's registry (models/systemc/axsc_target.cpp)"},
    {"latency_ns", AX_P_FLOAT, "50", 0, 1e6, NULL,
     "memory module: time from a request's last byte to its answer (50 ns, as the native "
     "`memory`: order of a loaded DDR4 access, tRCD+CL+transfer ~ 30-50 ns at 3200 MT/s)"},
    {"bandwidth_gbps", AX_P_FLOAT, "25.6", 1e-3, 1e6, NULL,
     "memory module: data bus bandwidth in GB/s (25.6: one DDR4-3200 x64 channel, 3200 MT/s x "
     "8 B, JESD79-4)"},
    {"queue", AX_P_INT, "64", 1, 1 << 20, NULL, "requests accepted and not yet answered, at most"},
    {"pj_per_byte", AX_P_FLOAT, "120", 0, 1e6, NULL,
     "access energy (120 pJ/B = 15 pJ/bit, the order O'Connor et al., MICRO 2017, give for "
     "DDR4)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def scb_ports[] = {
    {"in*", "requesters: MEM_REQ in (to b_transport), MEM_RESP out"}, {NULL, NULL}};

const ax_model ax_model_systemc = {
    .abi = AX_ABI_VERSION,
    .name = "systemc",
    .doc = "a SystemC 2.3 TLM-2.0 target hosted in the run, kernels kept in step",
    .params = scb_params,
    .ports = scb_ports,
    .init = scb_init,
    .start = scb_start,
    .recv = scb_recv,
    .ready = scb_ready,
    .waiting = scb_waiting,
    .stats = scb_stats,
    .destroy = scb_destroy,
};
