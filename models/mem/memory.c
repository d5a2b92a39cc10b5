/*
 * memory.c - an idealised memory: fixed latency plus a bandwidth limit.
 *
 * Requests are served in arrival order: a request of b bytes that arrives
 * at t occupies the data bus from max(t, bus_free) for b / bandwidth and is
 * answered `latency` after its last byte. For real DRAM timing (banks, row
 * buffers, refresh) use the `dram` model; this one is for quick studies
 * and as the native twin of the SystemC example memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axsim/axsim.h"

typedef struct pending {
  ax_msg m;
  ax_port *port;
  ax_time_t due;
} pending;

typedef struct mem {
  ax_time_t latency;
  double ps_per_byte;
  ax_time_t bus_free;
  uint32_t queue;
  /* requests accepted and not yet answered, in answer order */
  pending *q;
  size_t qh, qn, qcap;
  ax_port *refused[64];  /* ports we refused; unblocked when room frees */
  size_t nrefused;
  uint64_t reads, writes, bytes_r, bytes_w, busy_ps;
  double pj_per_byte;
  char why[128];
} mem;

static int mem_init(ax_component *c, char *err, size_t errlen) {
  (void)err, (void)errlen;
  mem *m = calloc(1, sizeof *m);
  if (!m) return AX_ENOMEM;
  m->latency = (ax_time_t)(ax_param_float(c, "latency_ns") * 1000.0 + 0.5);
  m->ps_per_byte = 1000.0 / ax_param_float(c, "bandwidth_gbps");
  m->queue = (uint32_t)ax_param_int(c, "queue");
  m->pj_per_byte = ax_param_float(c, "pj_per_byte");
  m->qcap = m->queue;
  m->q = calloc(m->qcap, sizeof *m->q);
  if (!m->q) {
    free(m);
    return AX_ENOMEM;
  }
  ax_comp_set_priv(c, m);
  return AX_OK;
}

/* Send every answer that is due, in order, until a link pushes back. */
static void answer(ax_component *c, uint64_t arg) {
  (void)arg;
  mem *m = ax_comp_priv(c);
  ax_time_t now = ax_now(ax_comp_sim(c));
  int freed = 0;
  while (m->qn && m->q[m->qh].due <= now) {
    pending *p = &m->q[m->qh];
    ax_msg r = p->m;
    r.kind = AX_MSG_MEM_RESP;
    if (ax_port_send(p->port, &r) == AX_EAGAIN) break; /* ready() retries */
    m->qh = (m->qh + 1) % m->qcap;
    m->qn--;
    freed = 1;
  }
  if (!freed) return;
  /* Room again: let refused senders redeliver. */
  for (size_t i = 0; i < m->nrefused; i++) ax_port_unblock(m->refused[i]);
  m->nrefused = 0;
}

static int mem_recv(ax_component *c, ax_port *p, const ax_msg *msg) {
  mem *m = ax_comp_priv(c);
  if (msg->kind != AX_MSG_MEM_REQ) {
    ax_fail(ax_comp_sim(c), "%s: expected MEM_REQ on port %s, got message kind %d", ax_comp_name(c),
            ax_port_name(p), msg->kind);
    return AX_OK;
  }
  if (m->qn == m->qcap) {
    size_t i;
    for (i = 0; i < m->nrefused; i++)
      if (m->refused[i] == p) break;
    if (i == m->nrefused && m->nrefused < 64) m->refused[m->nrefused++] = p;
    return AX_EAGAIN;
  }
  ax_time_t now = ax_now(ax_comp_sim(c));
  ax_time_t start = now > m->bus_free ? now : m->bus_free;
  ax_time_t xfer = (ax_time_t)((double)msg->bytes * m->ps_per_byte + 0.5);
  m->bus_free = start + xfer;
  m->busy_ps += xfer;
  pending *e = &m->q[(m->qh + m->qn++) % m->qcap];
  e->m = *msg;
  e->port = p;
  e->due = m->bus_free + m->latency;
  if (msg->flags & AX_MSG_WRITE) m->writes++, m->bytes_w += msg->bytes;
  else m->reads++, m->bytes_r += msg->bytes;
  ax_energy(c, msg->op ? msg->op->id : AX_NO_OP, msg->flags & AX_MSG_WRITE ? "write_byte" : "read_byte", msg->bytes,
            m->pj_per_byte);
  /* Answers leave in order: their times never decrease (bus_free grows). */
  ax_schedule(c, m->bus_free + m->latency - now, answer, 0);
  return AX_OK;
}

static void mem_ready(ax_component *c, ax_port *p) {
  (void)p;
  answer(c, 0);
}

static const char *mem_waiting(ax_component *c) {
  mem *m = ax_comp_priv(c);
  if (!m->qn) return NULL;
  snprintf(m->why, sizeof m->why, "%zu answer(s) not taken by the requester", m->qn);
  return m->why;
}

static void mem_stats(ax_component *c, ax_stats *s) {
  mem *m = ax_comp_priv(c);
  ax_stat_u64(s, "reads", m->reads, "reqs");
  ax_stat_u64(s, "writes", m->writes, "reqs");
  ax_stat_u64(s, "bytes_read", m->bytes_r, "bytes");
  ax_stat_u64(s, "bytes_written", m->bytes_w, "bytes");
  ax_stat_u64(s, "bus_busy_ps", m->busy_ps, "ps");
}

static void mem_destroy(ax_component *c) {
  mem *m = ax_comp_priv(c);
  if (m) free(m->q);
  free(m);
}

static const ax_param_def mem_params[] = {
    {"latency_ns", AX_P_FLOAT, "50", 0, 1e6, NULL,
     "time from a request's last byte to its answer (50 ns: order of a loaded DDR4 access, tRCD+CL+transfer ~ 30-50 ns at 3200 MT/s)"},
    {"bandwidth_gbps", AX_P_FLOAT, "25.6", 1e-3, 1e6, NULL,
     "data bus bandwidth in GB/s (25.6: one DDR4-3200 x64 channel, 3200 MT/s x 8 B, JESD79-4)"},
    {"queue", AX_P_INT, "64", 1, 1 << 20, NULL, "requests accepted and not yet answered, at most"},
    {"pj_per_byte", AX_P_FLOAT, "120", 0, 1e6, NULL,
     "access energy (120 pJ/B = 15 pJ/bit, the order O'Connor et al., MICRO 2017, give for DDR4)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def mem_ports[] = {{"in*", "requesters: MEM_REQ in, MEM_RESP out"},
                                        {NULL, NULL}};

const ax_model ax_model_memory = {
    .abi = AX_ABI_VERSION,
    .name = "memory",
    .doc = "idealised memory: fixed latency and one bandwidth-limited bus, answers in order",
    .params = mem_params,
    .ports = mem_ports,
    .init = mem_init,
    .recv = mem_recv,
    .ready = mem_ready,
    .waiting = mem_waiting,
    .stats = mem_stats,
    .destroy = mem_destroy,
};
