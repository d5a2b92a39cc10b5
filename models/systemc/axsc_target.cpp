// axsc_target.cpp - hosting a SystemC TLM-2.0 target for axsim: the
// registry of SystemC modules the shim can build, and the initiator that
// carries axsim memory requests to them as b_transport calls.
//
// One initiator module per hosted target. Requests queue in the initiator
// and are taken by its SC_THREAD, which calls b_transport(payload, delay)
// with delay = 0 at the time the request was put in (axsim's now). When
// b_transport returns (at once for a loosely-timed target; after its
// wait()s for a blocking one) the answer is due at return time + the
// annotated delay, and the C callback is told so. The thread takes one
// request at a time, as a single LT initiator does.

#include <cctype>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#define SC_INCLUDE_DYNAMIC_PROCESSES // sc_spawn, sc_bind
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "axsc.h"
#include "axsc_impl.h"

using sc_core::sc_time;

namespace {

// Transactions inside SystemC (put in, b_transport not yet returned), over
// every target: the kernel is one per process, and so is this count.
uint64_t g_inflight = 0;

// ---- the example target: a TLM-2.0 loosely-timed memory ---------------------

// A memory with one data bus: a request of b bytes arriving at t holds the
// bus from max(t, bus_free) for b * ps_per_byte (rounded to the ps) and
// is answered latency after its last byte: the same arithmetic as axsim's
// native `memory` model (models/mem/memory.c), written here in SystemC
// terms. Timing only: the data pointer is accepted, contents are not kept.
struct mem_target : sc_core::sc_module {
  tlm_utils::simple_target_socket<mem_target> sock;
  sc_time latency;
  double ps_per_byte;
  sc_time bus_free = sc_core::SC_ZERO_TIME;
  uint64_t busy_ps = 0;
  // Blocking style: spend the access time in wait() inside b_transport
  // instead of annotating it. The answers are due at the same times; the
  // bridge must then keep SystemC in step while the waits run.
  bool blocking;

  mem_target(const sc_core::sc_module_name &n, uint64_t latency_ps, double ppb, bool blk)
      : sc_core::sc_module(n), sock("sock"), latency(sc_time::from_value(latency_ps)),
        ps_per_byte(ppb), blocking(blk) {
    sock.register_b_transport(this, &mem_target::b_transport);
  }

  // Loosely timed (unless blocking): the whole access time goes in the delay.
  void b_transport(tlm::tlm_generic_payload &p, sc_time &delay) {
    if (p.get_byte_enable_ptr() || p.get_streaming_width() < p.get_data_length()) {
      p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
      return;
    }
    sc_time t = sc_core::sc_time_stamp() + delay;
    sc_time start = t > bus_free ? t : bus_free;
    uint64_t xfer = (uint64_t)((double)p.get_data_length() * ps_per_byte + 0.5);
    bus_free = start + sc_time::from_value(xfer);
    busy_ps += xfer;
    delay = bus_free + latency - sc_core::sc_time_stamp();
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    if (blocking) {
      wait(delay);
      delay = sc_core::SC_ZERO_TIME;
    }
  }
};

// ---- the registry -----------------------------------------------------------

// What a registry entry builds: the module and the socket to bind to.
struct built {
  sc_core::sc_module *mod;
  tlm::tlm_target_socket<> *sock;
};

typedef built (*make_fn)(const char *name, const double *vals);
typedef int (*stat_fn)(sc_core::sc_module *m, size_t i, const char **name, uint64_t *v);

struct module_entry {
  const char *name;
  const char *doc;
  const char *const *params; // NULL-terminated; all required
  make_fn make;
  stat_fn stat;
};

const char *const mem_params[] = {"latency_ps", "ps_per_byte", nullptr};

void check_mem(const double *v) {
  if (!(v[0] >= 0) || v[0] > 1e15) throw std::invalid_argument("memory: latency_ps must be in [0, 1e15]");
  if (!(v[1] > 0) || v[1] > 1e12) throw std::invalid_argument("memory: ps_per_byte must be in (0, 1e12]");
}

built make_mem(const char *name, const double *v) {
  check_mem(v);
  mem_target *m = new mem_target(name, (uint64_t)v[0], v[1], false);
  return {m, &m->sock};
}

built make_mem_blocking(const char *name, const double *v) {
  check_mem(v);
  mem_target *m = new mem_target(name, (uint64_t)v[0], v[1], true);
  return {m, &m->sock};
}

int stat_mem(sc_core::sc_module *mod, size_t i, const char **name, uint64_t *v) {
  mem_target *m = static_cast<mem_target *>(mod);
  if (i != 0) return 0;
  *name = "bus_busy_ps";
  *v = m->busy_ps;
  return 1;
}

const module_entry modules[] = {
    {"memory", "TLM-2.0 LT memory: fixed latency after a bandwidth-limited bus (twin of `memory`)",
     mem_params, make_mem, stat_mem},
    {"memory_blocking",
     "the same memory spending its access time in wait() inside b_transport (blocking style)",
     mem_params, make_mem_blocking, stat_mem},
};
const size_t nmodules = sizeof modules / sizeof modules[0];

const module_entry *find_module(const char *name) {
  for (size_t i = 0; i < nmodules; i++)
    if (!std::strcmp(modules[i].name, name)) return &modules[i];
  return nullptr;
}

// ---- the initiator ------------------------------------------------------------

struct request {
  uint64_t id, addr;
  uint32_t bytes;
  bool write;
};

struct initiator;

// One b_transport in flight at a time: a dynamic SC_THREAD that runs the
// request it is given, then waits to be given another.
struct worker {
  initiator *owner;
  request req;
  sc_core::sc_event go;
  tlm::tlm_generic_payload p;
  std::vector<unsigned char> buf; // the payload's data, grown to the largest request
};

// Requests go straight to an idle worker; when every worker is busy (a
// blocking target holds them) they queue for the dispatcher thread, which
// spawns a new worker. Each request's deltas are run before the next is
// put in, so b_transports start in arrival order, each at the time its
// request was put in.
struct initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<initiator> sock;
  sc_core::sc_event kick;
  std::deque<request> q;
  std::vector<worker *> all, idle;
  axsc_done_fn done;
  void *ctx;
  uint64_t inflight = 0;

  SC_HAS_PROCESS(initiator);
  initiator(const sc_core::sc_module_name &n, axsc_done_fn fn, void *c)
      : sc_core::sc_module(n), sock("sock"), done(fn), ctx(c) {
    SC_THREAD(dispatch);
  }
  ~initiator() {
    for (worker *w : all) delete w;
  }

  void dispatch() {
    for (;;) {
      while (q.empty()) wait(kick);
      request r = q.front();
      q.pop_front();
      if (!idle.empty()) {
        worker *w = idle.back();
        idle.pop_back();
        w->req = r;
        w->go.notify(); // immediate: runs in this evaluation phase
      } else {
        worker *w = new worker();
        w->owner = this;
        w->req = r;
        all.push_back(w);
        sc_core::sc_spawn_options o;
        sc_core::sc_spawn(sc_bind(&initiator::work, this, w),
                          sc_core::sc_gen_unique_name("worker"), &o);
      }
    }
  }

  void work(worker *w) {
    for (;;) {
      const request &r = w->req;
      if (w->buf.size() < r.bytes) w->buf.resize(r.bytes);
      tlm::tlm_generic_payload &p = w->p;
      p.set_command(r.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
      p.set_address(r.addr);
      p.set_data_ptr(w->buf.data());
      p.set_data_length(r.bytes);
      p.set_streaming_width(r.bytes);
      p.set_byte_enable_ptr(nullptr);
      p.set_dmi_allowed(false);
      p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      sc_time delay = sc_core::SC_ZERO_TIME;
      sock->b_transport(p, delay);
      inflight--;
      g_inflight--;
      int ok = p.get_response_status() == tlm::TLM_OK_RESPONSE;
      done(ctx, r.id, (sc_core::sc_time_stamp() + delay).value(), ok ? AXSC_OK : AXSC_ESYSTEMC,
           ok ? "" : p.get_response_string().c_str());
      idle.push_back(w);
      wait(w->go);
    }
  }
};

} // namespace

struct axsc_target {
  const module_entry *entry;
  sc_core::sc_module *mod;
  initiator *init;
};

extern "C" size_t axsc_module_count(void) {
  return nmodules;
}

extern "C" const char *axsc_module_name(size_t i) {
  return i < nmodules ? modules[i].name : nullptr;
}

extern "C" axsc_target *axsc_target_new(const char *inst, const char *module, size_t nkv,
                                        const char *const *keys, const double *vals,
                                        axsc_done_fn done, void *ctx, char *err,
                                        size_t errlen) {
  const module_entry *e = module ? find_module(module) : nullptr;
  if (!e) {
    std::string names;
    for (size_t i = 0; i < nmodules; i++) names += (i ? ", " : "") + std::string(modules[i].name);
    axsc_errf(err, errlen, "no SystemC module '%s' in the shim (have: %s)",
              module ? module : "(null)", names.c_str());
    return nullptr;
  }
  if (!done) {
    axsc_errf(err, errlen, "axsc_target_new: a completion callback is required");
    return nullptr;
  }
  // Values in the entry's parameter order; every one required, no extras.
  double v[16];
  size_t np = 0;
  for (; e->params[np]; np++) {
    size_t k;
    for (k = 0; k < nkv; k++)
      if (!std::strcmp(keys[k], e->params[np])) break;
    if (k == nkv) {
      axsc_errf(err, errlen, "SystemC module '%s' needs parameter '%s'", module, e->params[np]);
      return nullptr;
    }
    v[np] = vals[k];
  }
  for (size_t k = 0; k < nkv; k++) {
    size_t j;
    for (j = 0; j < np; j++)
      if (!std::strcmp(keys[k], e->params[j])) break;
    if (j == np) {
      axsc_errf(err, errlen, "SystemC module '%s' has no parameter '%s'", module, keys[k]);
      return nullptr;
    }
  }
  if (axsc_started()) {
    axsc_errf(err, errlen,
              "this process has already run a SystemC simulation, and SystemC cannot be "
              "restarted: run each SystemC-hosted simulation in its own process");
    return nullptr;
  }
  axsc_target *t = nullptr;
  try {
    t = new axsc_target();
    t->entry = e;
    std::string base(inst && *inst ? inst : "target");
    for (char &ch : base)
      if (!std::isalnum((unsigned char)ch) && ch != '_') ch = '_'; // SystemC names: no '.'
    built b = e->make((base + "_" + module).c_str(), v);
    t->mod = b.mod;
    t->init = new initiator((base + "_initiator").c_str(), done, ctx);
    t->init->sock.bind(*b.sock);
    return t;
  } catch (const std::invalid_argument &x) {
    axsc_errf(err, errlen, "%s", x.what());
  } catch (...) {
    axsc_catch(err, errlen);
  }
  if (t) {
    try {
      delete t->init;
      delete t->mod;
    } catch (...) {
    }
    delete t;
  }
  return nullptr;
}

extern "C" int axsc_target_put(axsc_target *t, uint64_t id, uint64_t addr, uint64_t bytes,
                               int write, char *err, size_t errlen) {
  if (bytes == 0 || bytes > 0xffffffffu) {
    axsc_errf(err, errlen,
              "a TLM-2.0 transaction carries 1 to 4294967295 bytes, this request has %llu",
              (unsigned long long)bytes);
    return AXSC_EINVAL;
  }
  try {
    initiator *in = t->init;
    request r = {id, addr, (uint32_t)bytes, write != 0};
    in->inflight++;
    g_inflight++;
    if (!in->idle.empty()) { // straight to an idle worker: one thread switch
      worker *w = in->idle.back();
      in->idle.pop_back();
      w->req = r;
      w->go.notify(sc_core::SC_ZERO_TIME);
    } else { // the dispatcher makes a new worker, from inside SystemC
      in->q.push_back(r);
      in->kick.notify(sc_core::SC_ZERO_TIME);
    }
    return AXSC_OK;
  } catch (...) {
    return axsc_catch(err, errlen);
  }
}

extern "C" uint64_t axsc_target_inflight(const axsc_target *t) {
  return t->init->inflight;
}

extern "C" uint64_t axsc_inflight(void) {
  return g_inflight;
}

extern "C" int axsc_target_stat(const axsc_target *t, size_t i, const char **name,
                                uint64_t *v) {
  try {
    return t->entry->stat ? t->entry->stat(t->mod, i, name, v) : 0;
  } catch (...) {
    return 0;
  }
}

extern "C" void axsc_target_free(axsc_target *t) {
  if (!t) return;
  // The modules stay registered with the kernel (SystemC cannot take a
  // module out of a simulation that has run); only the wrapper goes.
  delete t;
}
