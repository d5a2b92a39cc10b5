// axsc_ring.cpp - the SystemC half of the event-rate benchmark: a ring of
// SC_METHODs passing tokens over 1 ns notifications (see axsc.h).

#include <new>
#include <string>
#include <vector>

#include <systemc>

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

  // Count the activation and pass the token on, 1 ns later.
  void fire() {
    ++*count;
    next->ev.notify(one_ns);
  }
};

} // namespace

struct axsc_ring {
  uint64_t count = 0;
  std::vector<ring_node *> nodes;
};

extern "C" axsc_ring *axsc_ring_new(unsigned n, char *err, size_t errlen) {
  if (n == 0) {
    axsc_errf(err, errlen, "SystemC ring: needs at least 1 module, got 0");
    return nullptr;
  }
  axsc_ring *r = nullptr;
  try {
    r = new axsc_ring;
    r->nodes.reserve(n);
    for (unsigned i = 0; i < n; i++)
      r->nodes.push_back(new ring_node(("ring" + std::to_string(i)).c_str(), &r->count));
    for (unsigned i = 0; i < n; i++) r->nodes[i]->next = r->nodes[(i + 1) % n];
    // Every module holds a token at t = 0: a delta notification, which
    // SystemC allows during elaboration and fires in the first delta.
    for (ring_node *m : r->nodes) m->ev.notify(sc_core::SC_ZERO_TIME);
    return r;
  } catch (...) {
    axsc_catch(err, errlen);
    if (r) {
      try {
        for (ring_node *m : r->nodes) delete m; // deregisters each module
      } catch (...) {
      }
      delete r;
    }
    return nullptr;
  }
}

extern "C" uint64_t axsc_ring_count(const axsc_ring *r) {
  return r ? r->count : 0;
}
