/*
 * noc.c - interconnects: a shared bus, a crossbar and a 2D mesh NoC, one
 * engine with three topologies (three models: `bus`, `xbar`, `mesh`).
 *
 * Requesters link their memory port to in<N>, memories link out<N>.
 * A MEM_REQ goes to the out port whose address range holds its address
 * (`routes`: "base:outN,..."; each range runs to the next base); its tag
 * is replaced by the interconnect's own and restored on the MEM_RESP,
 * which goes back to the in port it came from.
 *
 * A packet is 1 header flit plus ceil(payload / width_bytes) data flits
 * (payload: a write request's or a read response's bytes), one flit per
 * cycle on a resource. It crosses a path of resources; at each it waits
 * until the resource is free, holds it for its flits, and its head moves
 * on after the resource's latency (virtual cut-through): alone, a packet
 * takes sum(latencies) + flits cycles. Paths:
 *  - bus: one resource shared by every packet in both directions, in
 *    arrival order (FIFO arbitration), latency `latency_cycles`;
 *  - xbar: one resource per output port (requests) and per input port
 *    (responses): packets to different ports never meet;
 *  - mesh: XY routing on cols x rows routers, one resource per directed
 *    link (latency `hop_cycles` each) and one per ejection port (latency
 *    0): h hops alone cost h x hop_cycles + flits cycles.
 * Contention is the waiting at a busy resource: packets queue per
 * resource and a freed resource is granted round-robin over its input
 * lanes (the port or mesh direction a packet comes from), first come
 * first served within a lane. Every hop and every grant is an event.
 * Buffers are unbounded (no credit flow inside; the links at the ports
 * still push back).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axsim/axsim.h"

enum { T_BUS, T_XBAR, T_MESH };
enum { D_E, D_W, D_N, D_S };

typedef struct res {
  ax_time_t free, busy;
  uint64_t pkts;
  int *wq;           /* packets waiting, in arrival order */
  int nw, wcap;
  int last_lane, arb; /* round-robin pointer; an arbitration event is pending */
} res;

typedef struct pkt {
  ax_msg m;
  int resp;          /* response travelling back to in[dst] */
  int src, dst;      /* port indices: request in -> out, response out -> in */
  int cur;           /* current router (mesh) */
  int hop;           /* resources crossed so far (-1: delivered at its event) */
  int ri, last, lane;/* resource it waits for, whether the last, input lane */
  ax_time_t lat;
  ax_time_t flits_ps, born;
  uint64_t payload;
  int next_free;     /* free list */
} pkt;

typedef struct backlog { /* messages a port's link refused, in order */
  ax_msg *m;
  size_t h, n, cap;
} backlog;

typedef struct noc {
  ax_component *c;
  int topo;
  ax_port **in, **out;
  int nin, nout;
  backlog *bin, *bout;
  uint64_t *rbase;   /* routes, sorted by base */
  int *rout, nroutes;
  uint64_t width;
  ax_time_t lat_ps;  /* bus / xbar latency, mesh per-hop latency */
  int cols, rows;
  int *in_node, *out_node;
  res *r;
  int nres;
  pkt *p;
  int np, cap, freel;
  struct { int in; uint64_t tag; } *tags; /* pending request slots */
  int *tag_free, ntags, tcap, ntag_free;
  double pj_byte_hop;
  uint64_t reqs, resps, bytes, hops;
  ax_time_t lat_sum;
  char why[128];
} noc;

/* Numeric suffix of a port name with a prefix ("in3" -> 3), -1 if none. */
static int port_num(const char *name, const char *prefix)
{
  size_t n = strlen(prefix);
  if (strncmp(name, prefix, n) || !name[n]) return -1;
  char *end;
  long v = strtol(name + n, &end, 10);
  return *end || v < 0 || v > 4095 ? -1 : (int)v;
}

static int parse_routes(noc *n, const char *s, char *err, size_t errlen)
{
  char buf[2048];
  snprintf(buf, sizeof buf, "%s", s);
  char *save = NULL;
  for (char *e = strtok_r(buf, ", ", &save); e; e = strtok_r(NULL, ", ", &save)) {
    char *colon = strchr(e, ':'), *end;
    if (!colon) {
      snprintf(err, errlen, "routes: expected base:outN (e.g. \"0x0:out0,0x100000000:out1\"), got '%s'", e);
      return -1;
    }
    *colon = 0;
    unsigned long long base = strtoull(e, &end, 0);
    if (!*e || *end) {
      snprintf(err, errlen, "routes: base '%s' is not a number", e);
      return -1;
    }
    int o = port_num(colon + 1, "out");
    if (o < 0 || o >= n->nout || !n->out[o]) {
      snprintf(err, errlen, "routes: '%s' is not a linked output port (out0..out%d)", colon + 1, n->nout - 1);
      return -1;
    }
    n->rbase = realloc(n->rbase, (size_t)(n->nroutes + 1) * sizeof *n->rbase);
    n->rout = realloc(n->rout, (size_t)(n->nroutes + 1) * sizeof *n->rout);
    int i = n->nroutes++;
    while (i > 0 && n->rbase[i - 1] > base) {
      n->rbase[i] = n->rbase[i - 1], n->rout[i] = n->rout[i - 1];
      i--;
    }
    if (i > 0 && n->rbase[i - 1] == base) {
      snprintf(err, errlen, "routes: base 0x%llx given twice", base);
      return -1;
    }
    n->rbase[i] = base, n->rout[i] = o;
  }
  if (!n->nroutes) {
    if (n->nout != 1 || !n->out[0]) {
      snprintf(err, errlen, "routes: with %d output ports, give address ranges (\"0x0:out0,0x40000000:out1\")",
               n->nout);
      return -1;
    }
    n->rbase = calloc(1, sizeof *n->rbase);
    n->rout = calloc(1, sizeof *n->rout);
    n->nroutes = 1;
  }
  return 0;
}

static int nodes(noc *n, const char *param, int count, int **out, char *err, size_t errlen)
{
  size_t len = ax_param_list_len(n->c, param);
  *out = calloc((size_t)count + 1, sizeof **out);
  if ((int)len < count) {
    snprintf(err, errlen, "%s: %d port(s) need a router each, the list has %zu", param, count, len);
    return -1;
  }
  for (int i = 0; i < count; i++) {
    int64_t v = ax_param_list_at(n->c, param, (size_t)i);
    if (v < 0 || v >= (int64_t)n->cols * n->rows) {
      snprintf(err, errlen, "%s[%d] = %lld: routers are 0..%d (cols x rows = %d x %d)", param, i, (long long)v,
               n->cols * n->rows - 1, n->cols, n->rows);
      return -1;
    }
    (*out)[i] = (int)v;
  }
  return 0;
}

static int noc_init_topo(ax_component *c, int topo, char *err, size_t errlen)
{
  noc *n = calloc(1, sizeof *n);
  if (!n) return AX_ENOMEM;
  n->c = c;
  n->topo = topo;
  ax_comp_set_priv(c, n);
  for (size_t i = 0; i < ax_comp_nports(c); i++) {
    ax_port *p = ax_comp_port_at(c, i);
    if (!ax_port_connected(p)) continue;
    const char *nm = ax_port_name(p);
    int k = port_num(nm, "in"), o = port_num(nm, "out");
    if (k < 0 && o < 0) {
      snprintf(err, errlen, "port '%s': name ports in0, in1, ... and out0, out1, ...", nm);
      return AX_EINVAL;
    }
    if (k >= n->nin) {
      n->in = realloc(n->in, (size_t)(k + 1) * sizeof *n->in);
      memset(n->in + n->nin, 0, (size_t)(k + 1 - n->nin) * sizeof *n->in);
      n->nin = k + 1;
    }
    if (o >= n->nout) {
      n->out = realloc(n->out, (size_t)(o + 1) * sizeof *n->out);
      memset(n->out + n->nout, 0, (size_t)(o + 1 - n->nout) * sizeof *n->out);
      n->nout = o + 1;
    }
    if (k >= 0) n->in[k] = p;
    else n->out[o] = p;
  }
  if (!n->nin || !n->nout) {
    snprintf(err, errlen, "needs at least one requester on in0.. and one memory on out0..");
    return AX_EINVAL;
  }
  n->bin = calloc((size_t)n->nin, sizeof *n->bin);
  n->bout = calloc((size_t)n->nout, sizeof *n->bout);
  n->width = (uint64_t)ax_param_int(c, "width_bytes");
  n->pj_byte_hop = ax_param_float(c, "pj_per_byte_hop");
  if (parse_routes(n, ax_param_str(c, "routes"), err, errlen)) return AX_EINVAL;
  if (topo == T_MESH) {
    n->cols = (int)ax_param_int(c, "cols");
    n->rows = (int)ax_param_int(c, "rows");
    n->lat_ps = (ax_time_t)ax_param_int(c, "hop_cycles") * ax_comp_period(c);
    if (nodes(n, "in_nodes", n->nin, &n->in_node, err, errlen) ||
        nodes(n, "out_nodes", n->nout, &n->out_node, err, errlen))
      return AX_EINVAL;
    n->nres = 4 * n->cols * n->rows + n->nout + n->nin;
  } else {
    n->lat_ps = (ax_time_t)ax_param_int(c, "latency_cycles") * ax_comp_period(c);
    n->nres = topo == T_BUS ? 1 : n->nout + n->nin;
  }
  n->r = calloc((size_t)n->nres, sizeof *n->r);
  n->freel = -1;
  return AX_OK;
}

static int bus_init(ax_component *c, char *e, size_t l) { return noc_init_topo(c, T_BUS, e, l); }
static int xbar_init(ax_component *c, char *e, size_t l) { return noc_init_topo(c, T_XBAR, e, l); }
static int mesh_init(ax_component *c, char *e, size_t l) { return noc_init_topo(c, T_MESH, e, l); }

/* The resource a packet needs next, its latency, and whether it is the last. */
static int next_res(noc *n, const pkt *k, ax_time_t *lat, int *last)
{
  if (n->topo != T_MESH) {
    *lat = n->lat_ps, *last = 1;
    return n->topo == T_BUS ? 0 : k->resp ? n->nout + k->dst : k->dst;
  }
  int dn = k->resp ? n->in_node[k->dst] : n->out_node[k->dst];
  int x = k->cur % n->cols, y = k->cur / n->cols, dx = dn % n->cols, dy = dn / n->cols;
  *last = 0, *lat = n->lat_ps;
  if (x != dx) return 4 * k->cur + (dx > x ? D_E : D_W);
  if (y != dy) return 4 * k->cur + (dy > y ? D_S : D_N);
  *last = 1, *lat = 0; /* ejection into the port */
  return 4 * n->cols * n->rows + (k->resp ? n->nout + k->dst : k->dst);
}

static void deliver(noc *n, int pi);

static void bl_push(backlog *b, const ax_msg *m)
{
  if (b->n == b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 8;
    ax_msg *q = malloc(cap * sizeof *q);
    for (size_t i = 0; i < b->n; i++) q[i] = b->m[(b->h + i) % b->cap];
    free(b->m);
    b->m = q, b->h = 0, b->cap = cap;
  }
  b->m[(b->h + b->n++) % b->cap] = *m;
}

/* Send what a port's backlog holds, in order, until its link pushes back. */
static void drain(ax_port *p, backlog *b)
{
  while (b->n && ax_port_send(p, &b->m[b->h]) == AX_OK) b->h = (b->h + 1) % b->cap, b->n--;
}


static void hop_ev(ax_component *c, uint64_t arg);
static void arb_ev(ax_component *c, uint64_t ri);

/* Give resource ri to packet pi now: hold it for the packet's flits, and
 * move the head on after the resource's latency. */
static void grant(noc *n, int pi)
{
  pkt *k = &n->p[pi];
  res *r = &n->r[k->ri];
  ax_time_t now = ax_now(ax_comp_sim(n->c));
  r->free = now + k->flits_ps;
  r->busy += k->flits_ps;
  r->pkts++;
  n->hops++;
  ax_energy(n->c, k->m.op ? k->m.op->id : AX_NO_OP, "byte_hop", k->payload, n->pj_byte_hop);
  if (n->topo == T_MESH && !k->last) {
    int d = k->ri % 4, x = k->cur % n->cols, y = k->cur / n->cols;
    x += d == D_E ? 1 : d == D_W ? -1 : 0;
    y += d == D_S ? 1 : d == D_N ? -1 : 0;
    k->cur = y * n->cols + x;
    k->lane = d; /* it enters the next router from this link */
  }
  k->hop = k->last ? -1 : k->hop + 1;
  ax_schedule(n->c, k->lat + (k->last ? k->flits_ps : 0), hop_ev, (uint64_t)pi);
}

/* The head of packet pi is at a resource now: take it if free and nobody
 * waits, else queue for the round-robin grant. */
static void arrive(noc *n, int pi)
{
  pkt *k = &n->p[pi];
  ax_time_t now = ax_now(ax_comp_sim(n->c));
  k->ri = next_res(n, k, &k->lat, &k->last);
  res *r = &n->r[k->ri];
  if (r->free <= now && !r->nw && !r->arb) {
    grant(n, pi);
    return;
  }
  if (r->nw == r->wcap) {
    r->wcap = r->wcap ? 2 * r->wcap : 8;
    r->wq = realloc(r->wq, (size_t)r->wcap * sizeof *r->wq);
  }
  r->wq[r->nw++] = pi;
  if (!r->arb) {
    r->arb = 1;
    ax_schedule(n->c, r->free > now ? r->free - now : 0, arb_ev, (uint64_t)k->ri);
  }
}

/* Resource ri is free: grant the next lane after the last one served. */
static void arb_ev(ax_component *c, uint64_t ri)
{
  noc *n = ax_comp_priv(c);
  res *r = &n->r[ri];
  int lanes = 4 + n->nin + n->nout, best = -1, bd = 0;
  for (int i = 0; i < r->nw; i++) {
    int d = ((n->p[r->wq[i]].lane - r->last_lane - 1) % lanes + lanes) % lanes;
    if (best < 0 || d < bd) best = i, bd = d;
  }
  int pi = r->wq[best];
  memmove(r->wq + best, r->wq + best + 1, (size_t)(r->nw - best - 1) * sizeof *r->wq);
  r->nw--;
  r->last_lane = n->p[pi].lane;
  r->arb = 0;
  grant(n, pi);
  if (r->nw) {
    r->arb = 1;
    ax_schedule(c, r->free - ax_now(ax_comp_sim(c)), arb_ev, ri);
  }
}

static void hop_ev(ax_component *c, uint64_t arg)
{
  noc *n = ax_comp_priv(c);
  if (n->p[arg].hop < 0) deliver(n, (int)arg);
  else arrive(n, (int)arg);
}

static void deliver(noc *n, int pi)
{
  pkt *k = &n->p[pi];
  ax_port *port = k->resp ? n->in[k->dst] : n->out[k->dst];
  backlog *b = k->resp ? &n->bin[k->dst] : &n->bout[k->dst];
  n->lat_sum += ax_now(ax_comp_sim(n->c)) - k->born;
  if (b->n || ax_port_send(port, &k->m) != AX_OK) bl_push(b, &k->m);
  k->next_free = n->freel;
  n->freel = pi;
}

static int new_pkt(noc *n)
{
  if (n->freel >= 0) {
    int i = n->freel;
    n->freel = n->p[i].next_free;
    return i;
  }
  if (n->np == n->cap) {
    n->cap = n->cap ? 2 * n->cap : 64;
    n->p = realloc(n->p, (size_t)n->cap * sizeof *n->p);
  }
  return n->np++;
}

static int route(const noc *n, uint64_t addr)
{
  int o = -1;
  for (int i = 0; i < n->nroutes && n->rbase[i] <= addr; i++) o = n->rout[i];
  return o;
}

static int noc_recv(ax_component *c, ax_port *p, const ax_msg *m)
{
  noc *n = ax_comp_priv(c);
  int k = port_num(ax_port_name(p), "in"), o = port_num(ax_port_name(p), "out");
  int pi = new_pkt(n);
  pkt *x = &n->p[pi];
  memset(x, 0, sizeof *x);
  x->m = *m;
  x->born = ax_now(ax_comp_sim(c));
  if (k >= 0) {
    if (m->kind != AX_MSG_MEM_REQ) goto bad;
    int dst = route(n, m->addr);
    if (dst < 0) {
      ax_fail(ax_comp_sim(c), "%s: address 0x%llx from %s is below every route (lowest base 0x%llx)",
              ax_comp_name(c), (unsigned long long)m->addr, ax_port_name(p), (unsigned long long)n->rbase[0]);
      return AX_OK;
    }
    int t;
    if (n->ntag_free) t = n->tag_free[--n->ntag_free];
    else {
      if (n->ntags == n->tcap) {
        n->tcap = n->tcap ? 2 * n->tcap : 64;
        n->tags = realloc(n->tags, (size_t)n->tcap * sizeof *n->tags);
        n->tag_free = realloc(n->tag_free, (size_t)n->tcap * sizeof *n->tag_free);
      }
      t = n->ntags++;
    }
    n->tags[t].in = k;
    n->tags[t].tag = m->tag;
    x->m.tag = (uint64_t)t;
    x->src = k, x->dst = dst, x->resp = 0;
    x->cur = n->topo == T_MESH ? n->in_node[k] : 0;
    x->lane = 4 + k;
    n->reqs++;
  } else {
    if (m->kind != AX_MSG_MEM_RESP || m->tag >= (uint64_t)n->ntags) goto bad;
    int t = (int)m->tag;
    x->m.tag = n->tags[t].tag;
    x->src = o, x->dst = n->tags[t].in, x->resp = 1;
    x->cur = n->topo == T_MESH ? n->out_node[o] : 0;
    x->lane = 4 + n->nin + o;
    n->tag_free[n->ntag_free++] = t;
    n->resps++;
  }
  int data = x->resp ? !(m->flags & AX_MSG_WRITE) : !!(m->flags & AX_MSG_WRITE);
  uint64_t payload = data ? m->bytes : 0;
  n->bytes += payload;
  x->payload = payload;
  x->flits_ps = (1 + (payload + n->width - 1) / n->width) * ax_comp_period(c);
  arrive(n, pi);
  return AX_OK;
bad:
  n->p[pi].next_free = n->freel;
  n->freel = pi;
  ax_fail(ax_comp_sim(c), "%s: unexpected message kind %d on port %s", ax_comp_name(c), m->kind,
          ax_port_name(p));
  return AX_OK;
}

static void noc_ready(ax_component *c, ax_port *p)
{
  noc *n = ax_comp_priv(c);
  int k = port_num(ax_port_name(p), "in"), o = port_num(ax_port_name(p), "out");
  if (k >= 0) drain(p, &n->bin[k]);
  else if (o >= 0) drain(p, &n->bout[o]);
}

static const char *noc_waiting(ax_component *c)
{
  noc *n = ax_comp_priv(c);
  size_t held = 0;
  for (int i = 0; i < n->nin; i++) held += n->bin[i].n;
  for (int i = 0; i < n->nout; i++) held += n->bout[i].n;
  if (!held) return NULL;
  snprintf(n->why, sizeof n->why, "%zu message(s) refused by the ports' links", held);
  return n->why;
}

static void noc_stats(ax_component *c, ax_stats *s)
{
  noc *n = ax_comp_priv(c);
  ax_time_t max = 0, sum = 0;
  for (int i = 0; i < n->nres; i++) {
    sum += n->r[i].busy;
    if (n->r[i].busy > max) max = n->r[i].busy;
  }
  ax_stat_u64(s, "requests", n->reqs, "pkts");
  ax_stat_u64(s, "responses", n->resps, "pkts");
  ax_stat_u64(s, "payload_bytes", n->bytes, "bytes");
  ax_stat_u64(s, "hops", n->hops, "hops");
  ax_stat_u64(s, "busy_ps_max", max, "ps");
  ax_stat_u64(s, "busy_ps_sum", sum, "ps");
  ax_time_t now = ax_now(ax_comp_sim(c));
  ax_stat_f64(s, "max_utilization", now ? (double)max / (double)now : 0, "fraction");
  ax_stat_f64(s, "avg_packet_ps", n->reqs + n->resps ? (double)n->lat_sum / (double)(n->reqs + n->resps) : 0,
              "ps");
}

static void noc_destroy(ax_component *c)
{
  noc *n = ax_comp_priv(c);
  if (!n) return;
  for (int i = 0; i < n->nin && n->bin; i++) free(n->bin[i].m);
  for (int i = 0; i < n->nout && n->bout; i++) free(n->bout[i].m);
  free(n->bin), free(n->bout), free(n->in), free(n->out), free(n->rbase), free(n->rout);
  for (int i = 0; i < n->nres && n->r; i++) free(n->r[i].wq);
  free(n->in_node), free(n->out_node), free(n->r), free(n->p), free(n->tags), free(n->tag_free);
  free(n);
}

#define COMMON_PARAMS                                                                                     \
  {"routes", AX_P_STRING, "", 0, 0, NULL,                                                                 \
   "address ranges to output ports, base:outN,... (\"0x0:out0,0x100000000:out1\"); each range runs to "  \
   "the next base; \"\" with one output: everything to it"},                                              \
      {"width_bytes", AX_P_INT, "32", 1, 1 << 16, NULL,                                                   \
       "data bytes per flit = per cycle (32: a 256-bit on-chip data path, e.g. AXI 256-bit)"},            \
      {"pj_per_byte_hop", AX_P_FLOAT, "1.0", 0, 1e6, NULL,                                                \
       "energy per payload byte per resource crossed (assumption: 1 pJ; set it from your wire + router " \
       "energy)"}

static const ax_param_def bus_params[] = {
    COMMON_PARAMS,
    {"latency_cycles", AX_P_INT, "2", 0, 1 << 20, NULL,
     "arbitration + address phase per transfer (2: assumption, an AHB/AXI-like address then data phase)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_param_def mesh_params[] = {
    COMMON_PARAMS,
    {"cols", AX_P_INT, "4", 1, 256, NULL, "routers per row (x)"},
    {"rows", AX_P_INT, "4", 1, 256, NULL, "rows of routers (y)"},
    {"hop_cycles", AX_P_INT, "2", 0, 1 << 20, NULL,
     "router + link latency per hop (2: assumption, a 1-cycle router plus 1-cycle link, as in "
     "low-latency NoC routers; Dally & Towles, Principles and Practices of Interconnection Networks)"},
    {"in_nodes", AX_P_INT_LIST, "", 0, 65535, NULL, "router (y * cols + x) of each in port, in0 first"},
    {"out_nodes", AX_P_INT_LIST, "", 0, 65535, NULL, "router of each out port, out0 first"},
    {NULL, 0, NULL, 0, 0, NULL, NULL}};

static const ax_port_def noc_ports[] = {{"in*", "requesters: MEM_REQ in, MEM_RESP out (in0, in1, ...)"},
                                        {"out*", "memories: MEM_REQ out, MEM_RESP in (out0, out1, ...)"},
                                        {NULL, NULL}};

const ax_model ax_model_bus = {
    .abi = AX_ABI_VERSION,
    .name = "bus",
    .doc = "shared bus: one transfer at a time in arrival order, routed by address",
    .params = bus_params,
    .ports = noc_ports,
    .init = bus_init,
    .recv = noc_recv,
    .ready = noc_ready,
    .waiting = noc_waiting,
    .stats = noc_stats,
    .destroy = noc_destroy,
};

const ax_model ax_model_xbar = {
    .abi = AX_ABI_VERSION,
    .name = "xbar",
    .doc = "crossbar: one transfer at a time per output (requests) and per input (responses)",
    .params = bus_params,
    .ports = noc_ports,
    .init = xbar_init,
    .recv = noc_recv,
    .ready = noc_ready,
    .waiting = noc_waiting,
    .stats = noc_stats,
    .destroy = noc_destroy,
};

const ax_model ax_model_mesh = {
    .abi = AX_ABI_VERSION,
    .name = "mesh",
    .doc = "2D mesh NoC: XY routing, per-hop latency, per-link bandwidth and contention",
    .params = mesh_params,
    .ports = noc_ports,
    .init = mesh_init,
    .recv = noc_recv,
    .ready = noc_ready,
    .waiting = noc_waiting,
    .stats = noc_stats,
    .destroy = noc_destroy,
};
