/*
 * link.c - links between ports: latency, bandwidth, credits.
 *
 * A link has two lanes, one per direction. A message sent at time t on a
 * lane whose wire is free from `busy_until` starts serialising at
 * max(t, busy_until), takes ceil(bytes * ps_per_byte) ps on the wire and
 * arrives `latency` ps after its last byte left. A lane holds at most
 * `depth` messages between send and acceptance by the receiver (credits);
 * a send beyond that returns AX_EAGAIN and the sender's ready() is called
 * when a credit comes back. A receiver that refuses (recv returns
 * AX_EAGAIN) blocks the lane until it calls ax_port_unblock().
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static uint32_t pow2_at_least(uint32_t n) {
  uint32_t c = 1;
  while (c < n) c <<= 1;
  return c;
}

/* The receiver of a model without recv takes and drops every message. */
static int recv_drop(ax_component *c, ax_port *p, const ax_msg *m) {
  (void)c, (void)p, (void)m;
  return AX_OK;
}

static void lane_init(ax_lane *l, ax_link *k, ax_port *src, ax_port *dst, ax_time_t lat,
                      double gbps, uint32_t depth) {
  l->q = &src->comp->sim->q;
  l->link = k;
  l->src = src;
  l->dst = dst;
  l->dstc = dst->comp;
  l->recv = recv_drop; /* ax_links_bind sets the receiver's own */
  l->latency = lat;
  l->ps_per_byte = gbps > 0 ? 1000.0 / gbps : 0; /* GB/s = bytes per ns */
  l->depth = depth;
  l->cap = pow2_at_least(depth);
  l->ring = ax_xcalloc(l->cap, sizeof *l->ring);
  src->out = l;
  dst->in = l;
}

int ax_link_join(ax_sim *s, ax_port *a, ax_port *b, ax_time_t latency, double gbps,
                 uint32_t depth, int line, char *err, size_t errlen) {
  ax_port *both[2] = {a, b};
  for (int i = 0; i < 2; i++)
    if (both[i]->out) {
      ax_errf(err, errlen, "port %s.%s is already linked (to %s.%s); a port takes one link",
              both[i]->comp->name, both[i]->name, both[i]->out->dst->comp->name,
              both[i]->out->dst->name);
      return AX_EINVAL;
    }
  if (a == b) {
    ax_errf(err, errlen, "link joins port %s.%s to itself", a->comp->name, a->name);
    return AX_EINVAL;
  }
  ax_link *k = ax_xcalloc(1, sizeof *k);
  size_t n = strlen(a->comp->name) + strlen(a->name) + strlen(b->comp->name) + strlen(b->name) + 8;
  k->name = ax_xmalloc(n);
  snprintf(k->name, n, "%s.%s->%s.%s", a->comp->name, a->name, b->comp->name, b->name);
  k->line = line;
  lane_init(&k->lane[0], k, a, b, latency, gbps, depth);
  lane_init(&k->lane[1], k, b, a, latency, gbps, depth);
  s->links = ax_xrealloc(s->links, (s->nlinks + 1) * sizeof *s->links);
  s->links[s->nlinks++] = k;
  return AX_OK;
}

void ax_links_bind(ax_sim *s) {
  for (size_t i = 0; i < s->nlinks; i++)
    for (int d = 0; d < 2; d++) {
      ax_lane *l = &s->links[i]->lane[d];
      l->recv = l->dstc->model->recv ? l->dstc->model->recv : recv_drop;
    }
}

/* Hand arrived messages to the receiver d (= l->dstc), in order, until it
 * refuses. */
static void lane_deliver(ax_lane *l, ax_component *d) {
  if (l->blocked) return; /* set only below, cleared by ax_port_unblock */
  ax_time_t now = l->q->now;
  uint64_t head = l->head;
  int freed = 0;
  /* msgs is re-read after every recv: a component linked to itself may
   * send on this lane from its own recv. */
  while (head != l->msgs) {
    /* The receiver reads the message in place: nothing can overwrite the
     * head slot during its recv (a send on this lane writes slot head+n,
     * and only while n < depth <= cap). */
    const ax_lane_slot *e = &l->ring[head & (l->cap - 1)];
    if (e->arrive > now) break;
    if (l->recv(d, l->dst, &e->m) == AX_EAGAIN) {
      l->blocked = 1;
      l->refusals++;
      break;
    }
    l->head = ++head;
    freed = 1;
  }
  if (freed && l->sender_waits) {
    l->sender_waits = 0;
    ax_component *c = l->src->comp;
    if (c->model->ready) c->model->ready(c, l->src);
  }
}

/* The delivery event: every push passes the lane's receiver as c. */
static void lane_event(ax_component *dst, uint64_t arg) {
  lane_deliver((ax_lane *)(uintptr_t)arg, dst);
}

int ax_port_can_send(const ax_port *p) { return p->out && ax_lane_n(p->out) < p->out->depth; }

int ax_port_send(ax_port *p, const ax_msg *m) {
  ax_lane *l = p->out;
  if (!l) return AX_EINVAL;
  uint64_t sent = l->msgs;
  if (sent - l->head >= l->depth) {
    l->sender_waits = 1;
    l->full++;
    return AX_EAGAIN;
  }
  ax_evq *q = l->q;
  ax_time_t now = q->now, start = now > l->busy_until ? now : l->busy_until;
  if (l->ps_per_byte > 0) start += (ax_time_t)ceil((double)m->bytes * l->ps_per_byte);
  l->busy_until = start;
  ax_time_t arrive = start + l->latency;
  ax_lane_slot *e = &l->ring[sent & (l->cap - 1)];
  e->m = *m;
  e->arrive = arrive;
  l->msgs = sent + 1;
  l->bytes += m->bytes;
  ax_evq_push(q, arrive, AX_PRIO_NORMAL, lane_event, l->dstc, (uint64_t)(uintptr_t)l);
  return AX_OK;
}

void ax_port_unblock(ax_port *p) {
  ax_lane *l = p->in;
  if (!l || !l->blocked) return;
  l->blocked = 0;
  /* Redeliver from an event, not from inside the caller's own handler. */
  ax_evq_push(l->q, l->q->now, AX_PRIO_NORMAL, lane_event, p->comp, (uint64_t)(uintptr_t)l);
}
