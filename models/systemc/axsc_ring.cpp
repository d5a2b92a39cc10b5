// axsc_ring.cpp - the SystemC half of the event-rate benchmark: a ring of
// SC_METHODs passing tokens over 1 ns notifications, or passing messages
// through TLM payload event queues with a 1 ns delay (see axsc.h).

#include <new>
#include <string>
#include <vector>

#include <systemc>
#include <tlm_utils/peq_with_get.h>

#include "axsc.h"
#include "axsc_impl.h"

namespace {

// One ring member: an SC_METHOD sensitive only to its own event.
struct ring_node : sc_core::sc_module {
  sc_core::sc_event ev;
  ring_node *next = nullptr;
  uint64_t *count;
  // The 1 ns delay made once: notify(1, SC_NS) would rebuild it from a
  // double on every activation (about 5% slower here); the benchmark gives
  // SystemC its faster form.
  const sc_core::sc_time one_ns{1, sc_core::SC_NS};

  SC_HAS_PROCESS(ring_node);
  ring_node(const sc_core::sc_module_name &n, uint64_t *c)
      : sc_core::sc_module(n), ev("ev"), count(c) {
    SC_METHOD(fire);
    sensitive << ev;
    dont_initialize();
  }

  // The token held at t = 0: a delta notification, which SystemC allows
  // during elaboration and fires in the first delta.
  void start() { ev.notify(sc_core::SC_ZERO_TIME); }

  // Count the activation and pass the token on, 1 ns later.
  void fire() {
    ++*count;
    next->ev.notify(one_ns);
  }
};

// A message as big as axsim's ax_msg (48 bytes): kind, flags, address,
// bytes, tag, argument, op.
struct ring_msg {
  uint32_t kind, flags;
  uint64_t addr, bytes, tag, arg;
  const void *op;
};

// One member of the message ring: an SC_METHOD woken by its payload event
// queue (TLM-2.0's peq_with_get, the standard way to deliver a payload
// after a delay), which passes each arrived message on to the next
// member's queue 1 ns later.
struct msg_node : sc_core::sc_module {
  tlm_utils::peq_with_get<ring_msg> peq;
  msg_node *next = nullptr;
  uint64_t *count;
  ring_msg msg{0, 0, 0, 8, 0, 0, nullptr}; // the token this member starts with
  const sc_core::sc_time one_ns{1, sc_core::SC_NS};

  SC_HAS_PROCESS(msg_node);
  msg_node(const sc_core::sc_module_name &n, uint64_t *c)
      : sc_core::sc_module(n), peq("peq"), count(c) {
    SC_METHOD(fire);
    sensitive << peq.get_event();
    dont_initialize();
  }

  // The member's own message arrives at t = 0, in the first delta.
  void start() { peq.notify(msg, sc_core::SC_ZERO_TIME); }

  // Count each arrived message and send it on, 1 ns later.
  void fire() {
    while (ring_msg *m = peq.get_next_transaction()) {
      ++*count;
      next->peq.notify(*m, one_ns);
    }
  }
};

} // namespace

struct axsc_ring {
  uint64_t count = 0;
  std::vector<ring_node *> nodes;
  std::vector<msg_node *> mnodes;
};

// Build a ring of n members of type Node, kept in r->*nodes: each linked
// to the next and holding its token at t = 0.
template <class Node>
static axsc_ring *make_ring(unsigned n, std::vector<Node *> axsc_ring::*nodes, const char *prefix,
                            char *err, size_t errlen) {
  if (n == 0) {
    axsc_errf(err, errlen, "SystemC ring: needs at least 1 module, got 0");
    return nullptr;
  }
  axsc_ring *r = nullptr;
  try {
    r = new axsc_ring;
    std::vector<Node *> &v = r->*nodes;
    v.reserve(n);
    for (unsigned i = 0; i < n; i++)
      v.push_back(new Node((prefix + std::to_string(i)).c_str(), &r->count));
    for (unsigned i = 0; i < n; i++) v[i]->next = v[(i + 1) % n];
    for (Node *m : v) m->start();
    return r;
  } catch (...) {
    axsc_catch(err, errlen);
    if (r) {
      try {
        for (Node *m : r->*nodes) delete m; // deregisters each module
      } catch (...) {
      }
      delete r;
    }
    return nullptr;
  }
}

extern "C" axsc_ring *axsc_ring_new(unsigned n, char *err, size_t errlen) {
  return axsc_ring_new_kind(n, AXSC_RING_NOTIFY, err, errlen);
}

extern "C" axsc_ring *axsc_ring_new_kind(unsigned n, int kind, char *err, size_t errlen) {
  if (kind == AXSC_RING_NOTIFY) return make_ring(n, &axsc_ring::nodes, "ring", err, errlen);
  if (kind == AXSC_RING_MSG) return make_ring(n, &axsc_ring::mnodes, "mring", err, errlen);
  axsc_errf(err, errlen, "SystemC ring: unknown kind %d (expected %d notify or %d message)", kind,
            AXSC_RING_NOTIFY, AXSC_RING_MSG);
  return nullptr;
}

extern "C" uint64_t axsc_ring_count(const axsc_ring *r) {
  return r ? r->count : 0;
}
