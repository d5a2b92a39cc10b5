// axsc_kernel.cpp - the SystemC kernel behind a C API (see axsc.h).
//
// This file also defines sc_main. libsystemc.so carries its own main()
// that calls sc_main; axsim owns main() instead. When an executable
// defines main itself (sim/cli/main.c, every test), the static linker
// binds _start to that main and the library's copy is never used; the
// library still has an undefined reference to sc_main that must be
// resolved, which is what the definition below is for. models/systemc/
// CMakeLists.txt adds `-u sc_main` to everything that links axsim_lib so
// this object is pulled out of the static library even by programs that
// call no axsc_ function.

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>

#include <systemc>

#include "axsc.h"
#include "axsc_impl.h"

// axsim owns main(); reaching this means libsystemc's main() ran instead.
extern "C" int sc_main(int argc, char *argv[]) {
  (void)argc;
  (void)argv;
  std::fprintf(stderr, "axsim: sc_main called: libsystemc's main() ran instead of "
                       "the program's own; axsim must define main()\n");
  return 1;
}

void axsc_errf(char *err, size_t errlen, const char *fmt, ...) {
  if (!err || errlen == 0) return;
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

// A SystemC report flattened to one line: "SystemC Error: (E529) insert
// module failed: simulation running (sc_module_registry.cpp:47)".
static void report_msg(const sc_core::sc_report &r, char *err, size_t errlen) {
  static const char *const sev[] = {"Info", "Warning", "Error", "Fatal"};
  int s = r.get_severity();
  const char *file = r.get_file_name();
  const char *base = file ? std::strrchr(file, '/') : nullptr;
  base = base ? base + 1 : (file ? file : "?");
  const char *msg = r.get_msg();
  axsc_errf(err, errlen, "SystemC %s: %s%s%s (%s:%d)",
            (s >= 0 && s < 4) ? sev[s] : "report", r.get_msg_type(),
            (msg && *msg) ? ": " : "", msg ? msg : "", base, r.get_line_number());
}

int axsc_catch(char *err, size_t errlen) {
  try {
    throw;
  } catch (const sc_core::sc_report &r) {
    report_msg(r, err, errlen);
    return AXSC_ESYSTEMC;
  } catch (const std::bad_alloc &) {
    axsc_errf(err, errlen, "SystemC shim: out of memory");
    return AXSC_ENOMEM;
  } catch (const std::exception &e) {
    axsc_errf(err, errlen, "SystemC shim: C++ exception: %s", e.what());
    return AXSC_ESYSTEMC;
  } catch (...) {
    axsc_errf(err, errlen, "SystemC shim: unknown C++ exception");
    return AXSC_ESYSTEMC;
  }
}

// SystemC's report handler with one change: what SystemC would display on
// stdout (warnings, infos) goes to stderr, one line each, because axsim's
// stdout carries results. Errors and fatals are not displayed: they throw
// and their text comes back to the C caller in err.
static void report_handler(const sc_core::sc_report &r, const sc_core::sc_actions &a) {
  if (a & sc_core::SC_DISPLAY) {
    char line[1024];
    report_msg(r, line, sizeof line);
    std::fprintf(stderr, "%s\n", line);
  }
  sc_core::sc_report_handler::default_handler(r, a & ~sc_core::SC_DISPLAY);
}

extern "C" int axsc_init(char *err, size_t errlen) {
  try {
    using namespace sc_core;
    // The banner goes to stdout at elaboration; axsim's stdout is for
    // results. Only set when the user has not chosen.
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    // Errors throw (SystemC's default) and so do fatals (default: abort),
    // and neither prints: the message travels back in err instead.
    sc_report_handler::set_actions(SC_ERROR, SC_THROW);
    sc_report_handler::set_actions(SC_FATAL, SC_THROW);
    sc_report_handler::set_handler(report_handler);
    if (sc_get_time_resolution() != sc_time(1, SC_PS)) {
      axsc_errf(err, errlen,
                "SystemC time resolution is %s, the shim needs 1 ps "
                "(axsim time is in ps)",
                sc_get_time_resolution().to_string().c_str());
      return AXSC_EINVAL;
    }
    return AXSC_OK;
  } catch (...) {
    return axsc_catch(err, errlen);
  }
}

extern "C" const char *axsc_version(void) {
  return sc_core::sc_release();
}

extern "C" int axsc_started(void) {
  try {
    return sc_core::sc_get_status() != sc_core::SC_ELABORATION;
  } catch (...) {
    return 1;
  }
}

extern "C" int axsc_run(uint64_t dt_ps, char *err, size_t errlen) {
  try {
    sc_core::sc_start(sc_core::sc_time::from_value(dt_ps));
    return AXSC_OK;
  } catch (...) {
    return axsc_catch(err, errlen);
  }
}

extern "C" int axsc_run_through(uint64_t t_ps, char *err, size_t errlen) {
  try {
    using namespace sc_core;
    uint64_t now = sc_time_stamp().value();
    if (t_ps < now) {
      axsc_errf(err, errlen,
                "SystemC shim: asked to run to %llu ps but SystemC is already "
                "at %llu ps (it may never run ahead of axsim)",
                (unsigned long long)t_ps, (unsigned long long)now);
      return AXSC_EINVAL;
    }
    // sc_start(dt) stops before the deltas due at now+dt: run them after.
    if (t_ps > now || !axsc_started()) sc_start(sc_time::from_value(t_ps - now));
    while (sc_pending_activity_at_current_time()) sc_start(SC_ZERO_TIME);
    return AXSC_OK;
  } catch (...) {
    return axsc_catch(err, errlen);
  }
}

extern "C" uint64_t axsc_now_ps(void) {
  try {
    return sc_core::sc_time_stamp().value();
  } catch (...) {
    return 0;
  }
}

extern "C" uint64_t axsc_next_activity_ps(void) {
  try {
    using namespace sc_core;
    // sc_time_to_pending_activity() is sc_max_time() - now when nothing
    // is pending: ask sc_pending_activity() first.
    if (!sc_pending_activity()) return AXSC_TIME_NEVER;
    return (sc_time_stamp() + sc_time_to_pending_activity()).value();
  } catch (...) {
    return AXSC_TIME_NEVER;
  }
}

extern "C" const char *axsc_strerror(int code) {
  switch (code) {
  case AXSC_OK: return "ok";
  case AXSC_EINVAL: return "invalid argument or call not allowed now";
  case AXSC_ENOMEM: return "out of memory";
  case AXSC_ESYSTEMC: return "SystemC raised an error";
  default: return "unknown SystemC shim error";
  }
}
