/*
 * axsc.h - the C API of axsim's SystemC shim (the only C++ in the project).
 *
 * SystemC 2.3 keeps one simulation kernel per process, and that kernel can
 * be started once: modules must all exist before the first run, and after
 * the simulation has run no new module may be made. These functions wrap
 * that kernel for C callers. Every entry is extern "C" and catches every
 * C++ exception (SystemC reports errors by throwing sc_report): an error
 * comes back as a negative AXSC_E* code with a message in err, never as an
 * abort. After AXSC_ESYSTEMC from a run function the kernel is in an
 * unknown state: use it no further in this process.
 *
 * Time crosses the boundary as uint64 picoseconds, as axsim's time does;
 * the shim keeps SystemC's default resolution of 1 ps so the two agree
 * exactly.
 *
 * Because the kernel cannot be restarted, anything that needs several
 * SystemC simulations (benchmarks, tests, sweeps) runs each in a child
 * process; axsc_ring_bench does so itself.
 */
#ifndef AXSIM_AXSC_H
#define AXSIM_AXSC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Return codes (the values mirror axsim's AX_OK / AX_EINVAL / ...). */
enum {
  AXSC_OK = 0,
  AXSC_EINVAL = -22,   /* bad argument, or the call is not allowed now    */
  AXSC_ENOMEM = -12,
  AXSC_ESYSTEMC = -5   /* SystemC raised an error (message in err)        */
};

#define AXSC_TIME_NEVER UINT64_MAX

/* ---- the kernel ---------------------------------------------------------- */

/* Prepare the SystemC kernel for use from C: errors and fatals throw (and
 * so come back as codes), the banner is not printed, resolution is 1 ps.
 * Idempotent; call before anything else. */
int axsc_init(char *err, size_t errlen);
/* SystemC version string ("2.3.4-Accellera"). */
const char *axsc_version(void);
/* 1 once the kernel has been started (no module may be created now). */
int axsc_started(void);
/* Run the kernel for dt ps: everything before now+dt runs; events at
 * exactly now+dt stay pending (SystemC's sc_start(dt) semantics).
 * dt = 0 runs one delta cycle. The first call elaborates. */
int axsc_run(uint64_t dt_ps, char *err, size_t errlen);
/* Advance the kernel to absolute time t_ps (>= now) and then run every
 * delta cycle due at t_ps, so nothing at or before t_ps is left pending. */
int axsc_run_through(uint64_t t_ps, char *err, size_t errlen);
/* Current SystemC time in ps. */
uint64_t axsc_now_ps(void);
/* Time (ps, absolute) of the earliest pending SystemC activity, or
 * AXSC_TIME_NEVER when nothing is pending. Equal to now when a delta
 * cycle or an event at now is due. */
uint64_t axsc_next_activity_ps(void);
/* One line naming an AXSC_* code. */
const char *axsc_strerror(int code);

/* ---- the ring used by the event-rate benchmark ---------------------------- */

/* A ring of n SystemC modules, each an SC_METHOD sensitive to its own
 * sc_event; when module i runs it notifies module (i+1)%n's event 1 ns
 * later. Every module holds a token at t = 0, so n activations share each
 * nanosecond. */
typedef struct axsc_ring axsc_ring;

/* Create the ring's n modules (before the kernel starts) and notify all n
 * events at t = 0. NULL on error (message in err). */
axsc_ring *axsc_ring_new(unsigned n, char *err, size_t errlen);
/* The two rings: SC_METHODs notifying each other's sc_event (the ring
 * above), or SC_METHODs passing a 48-byte message through TLM-2.0 payload
 * event queues (tlm_utils::peq_with_get) with a 1 ns delay - SystemC's
 * counterpart of a message on an axsim link. */
enum { AXSC_RING_NOTIFY = 0, AXSC_RING_MSG = 1 };
/* axsc_ring_new for either kind of ring; in the message ring, activations
 * count messages received. */
axsc_ring *axsc_ring_new_kind(unsigned n, int kind, char *err, size_t errlen);
/* Activations of the ring's methods so far. */
uint64_t axsc_ring_count(const axsc_ring *r);

/* Event rate of a SystemC ring of ncomp modules over at least nevents
 * activations (rounded up to whole nanoseconds of the ring). Runs in a
 * forked child, because a SystemC kernel cannot be restarted; wall time
 * (CLOCK_MONOTONIC) covers sc_start only, not building or elaborating the
 * modules. Sets *events_per_s; AXSC_OK, or an error with its message. */
int axsc_ring_bench(unsigned ncomp, uint64_t nevents, double *events_per_s,
                    char *err, size_t errlen);
/* axsc_ring_bench for either kind of ring (AXSC_RING_NOTIFY or _MSG). */
int axsc_ring_bench_kind(unsigned ncomp, uint64_t nevents, int kind, double *events_per_s,
                         char *err, size_t errlen);

/* ---- hosting a SystemC TLM-2.0 target ------------------------------------- */

/* A SystemC module from the shim's registry, driven by an initiator that
 * turns requests into TLM-2.0 b_transport calls. */
typedef struct axsc_target axsc_target;

/* Called from inside the SystemC kernel (so at SystemC's current time,
 * which the caller keeps equal to its own) when b_transport of request
 * `id` has returned: the answer is due at due_ps = return time + the
 * annotated delay. status is AXSC_OK, or AXSC_ESYSTEMC with the TLM
 * response text in msg. It must not call back into the shim's run
 * functions. */
typedef void (*axsc_done_fn)(void *ctx, uint64_t id, uint64_t due_ps, int status,
                             const char *msg);

/* Number of SystemC modules the shim can host, and the name of the i-th
 * (NULL past the end). */
size_t axsc_module_count(void);
const char *axsc_module_name(size_t i);
/* Build module `module` (named after inst) with its parameters given as
 * nkv key/value pairs (each one the module declares is required, no
 * others), an initiator bound to it, and the completion callback. Only
 * before the kernel starts. NULL on error (message in err). */
axsc_target *axsc_target_new(const char *inst, const char *module, size_t nkv,
                             const char *const *keys, const double *vals,
                             axsc_done_fn done, void *ctx, char *err, size_t errlen);
/* Queue a request for b_transport at SystemC's current time; it is sent
 * in the next delta cycle, so run the kernel through now afterwards
 * (axsc_run_through). bytes in [1, 2^32-1]. */
int axsc_target_put(axsc_target *t, uint64_t id, uint64_t addr, uint64_t bytes, int write,
                    char *err, size_t errlen);
/* Requests of t put in whose b_transport has not returned yet. */
uint64_t axsc_target_inflight(const axsc_target *t);
/* The same over every target of this process (one kernel, one count). */
uint64_t axsc_inflight(void);
/* The i-th statistic the hosted module reports: 1 and name/value, or 0
 * past the last. */
int axsc_target_stat(const axsc_target *t, size_t i, const char **name, uint64_t *v);
/* Free the wrapper; the SystemC modules stay with the kernel, which
 * cannot take them out once it has run. */
void axsc_target_free(axsc_target *t);

#ifdef __cplusplus
}
#endif
#endif /* AXSIM_AXSC_H */
