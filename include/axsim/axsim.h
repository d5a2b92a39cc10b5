/*
 * axsim.h - the public interface of the axsim core.
 *
 * Built-in models and plug-in models (.so files named by `plugins = [...]`
 * in a config) are written against this header alone. A model is a table of
 * functions (struct ax_model); a component is one instance of a model with a
 * name, a clock, parameters and ports. Components talk only through ports
 * joined by links, and act only when an event they scheduled fires: nothing
 * ticks while idle.
 *
 * ABI: a plug-in exports `const ax_model *ax_plugin_models(uint32_t abi)`
 * returning a NULL-terminated array; each model's .abi field must equal the
 * AX_ABI_VERSION it was built with. The loader refuses any other value.
 * Bump AX_ABI_VERSION whenever a struct here changes layout.
 */
#ifndef AXSIM_AXSIM_H
#define AXSIM_AXSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AX_ABI_VERSION 1u

/* ---- time ------------------------------------------------------------ */

/* Simulated time: picoseconds since the start of the run. */
typedef uint64_t ax_time_t;
#define AX_TIME_NEVER UINT64_MAX

/* ---- return codes ----------------------------------------------------- */

enum {
  AX_OK = 0,
  AX_EAGAIN = -11, /* full: retry when ops->ready() / ax_port_unblock() says so */
  AX_EINVAL = -22, /* bad argument or bad input (message says which)        */
  AX_ENOMEM = -12,
  AX_EIO = -5
};

/* ---- opaque handles ----------------------------------------------------- */

typedef struct ax_sim ax_sim;             /* one simulation run            */
typedef struct ax_component ax_component; /* one model instance            */
typedef struct ax_port ax_port;           /* a named end of links          */
typedef struct ax_stats ax_stats;         /* sink for a component's stats  */

/* ---- layer-trace ops ------------------------------------------------------ */

typedef enum ax_op_kind {
  AX_OP_CONV2D,    /* incl. depthwise (groups == in_c), strides, padding   */
  AX_OP_GEMM,      /* [m x k] * [k x n]                                    */
  AX_OP_GEMV,      /* [m x k] * [k], i.e. gemm with n == 1 kept distinct   */
  AX_OP_ATTENTION, /* heads / kv_heads of head_dim, q_len x kv_len         */
  AX_OP_SOFTMAX,
  AX_OP_NORM,      /* sub: AX_NORM_LAYER or AX_NORM_RMS                    */
  AX_OP_ELTWISE,   /* sub: AX_ELT_* (add, mul, relu, gelu, silu, ...)      */
  AX_OP_POOL,      /* sub: AX_POOL_MAX or AX_POOL_AVG                      */
  AX_OP_EMBED,     /* embedding lookup of m rows of n elements             */
  AX_OP_MOE,       /* experts, top_k, tokens m, gemm dims n, k per expert  */
  AX_OP_MOVE,      /* data movement of `bytes` between memories            */
  AX_OP_KIND_N
} ax_op_kind;

typedef enum ax_dtype {
  AX_INT8, AX_INT16, AX_INT32, AX_FP16, AX_BF16, AX_FP32, AX_DTYPE_N
} ax_dtype;

enum { AX_NORM_LAYER = 0, AX_NORM_RMS = 1 };
enum { AX_POOL_MAX = 0, AX_POOL_AVG = 1 };
enum {
  AX_ELT_ADD = 0, AX_ELT_MUL, AX_ELT_RELU, AX_ELT_GELU, AX_ELT_SILU,
  AX_ELT_SIGMOID, AX_ELT_TANH, AX_ELT_N
};

#define AX_OP_MAX_DEPS 8
#define AX_NAME_MAX 64

/* One op of a layer trace. Fields a kind does not use are zero. */
typedef struct ax_op {
  uint32_t id;               /* unique within the trace, dense from 0     */
  ax_op_kind kind;
  ax_dtype dtype;
  uint32_t sub;              /* kind-specific variant (AX_ELT_*, ...)      */
  char name[AX_NAME_MAX];
  char unit[AX_NAME_MAX];    /* requested unit ("" = mapping policy picks) */
  /* conv2d / pool: NCHW input, out_c filters of k_h x k_w */
  uint32_t batch, in_h, in_w, in_c, out_c, k_h, k_w;
  uint32_t stride_h, stride_w, pad_h, pad_w, groups;
  /* gemm / gemv / moe / embed: m x k times k x n */
  uint64_t m, n, k;
  /* attention */
  uint32_t heads, kv_heads, head_dim, q_len, kv_len;
  /* moe */
  uint32_t experts, top_k;
  /* softmax / norm / eltwise: element count; move: bytes */
  uint64_t elems, bytes;
  uint32_t ndeps;
  uint32_t deps[AX_OP_MAX_DEPS]; /* ids of ops that must finish first */
} ax_op;

/* Bytes per element of a data type. */
unsigned ax_dtype_bytes(ax_dtype t);
/* Multiply-accumulates an op performs (0 for ops without MACs). */
uint64_t ax_op_macs(const ax_op *op);
/* Output height and width of a conv2d / pool op (padding and strides applied). */
void ax_op_out_hw(const ax_op *op, uint32_t *out_h, uint32_t *out_w);
/* Name of an op kind as written in traces ("conv2d", "gemm", ...). */
const char *ax_op_kind_name(ax_op_kind k);

/* ---- messages -------------------------------------------------------------- */

typedef enum ax_msg_kind {
  AX_MSG_MEM_REQ,  /* addr, bytes, AX_MSG_WRITE flag, tag                   */
  AX_MSG_MEM_RESP, /* answer to a MEM_REQ: same addr, bytes, tag           */
  AX_MSG_OP,       /* run `op` (or tile `arg` of it)                        */
  AX_MSG_DONE,     /* `op` finished                                          */
  AX_MSG_TOKEN,    /* anything else: `arg` is the payload                    */
  AX_MSG_KIND_N
} ax_msg_kind;

#define AX_MSG_WRITE 0x1u

/* A message is copied into the link when sent; pointers in it (op) must
 * stay valid until it is delivered. */
typedef struct ax_msg {
  ax_msg_kind kind;
  uint32_t flags;
  uint64_t addr;
  uint64_t bytes;   /* payload size: what a link's bandwidth is charged */
  uint64_t tag;     /* the sender's own identifier, echoed in responses */
  uint64_t arg;
  const ax_op *op;
} ax_msg;

/* ---- parameters -------------------------------------------------------------- */

typedef enum ax_ptype {
  AX_P_INT,    /* 64-bit integer, range [min, max]                       */
  AX_P_FLOAT,  /* double, range [min, max]                               */
  AX_P_BOOL,
  AX_P_STRING,
  AX_P_ENUM,   /* a string among `choices` ("os|ws|is")                   */
  AX_P_INT_LIST, /* list of integers, each in [min, max]                 */
  AX_P_PATH     /* an input file; relative paths are resolved against the
                   config file's folder, and it must exist              */
} ax_ptype;

/* One parameter a model accepts. `def` is the default written as in a
 * config ("128", "1.5", "true", "ws"); NULL means the setting is required.
 * `doc` says what it is and where the default number comes from. */
typedef struct ax_param_def {
  const char *name;
  ax_ptype type;
  const char *def;
  double min, max;
  const char *choices;
  const char *doc;
} ax_param_def;

/* One port a model has. A name ending in '*' declares a port array:
 * links may name any port with that prefix ("unit*" accepts unit0, unit_sa). */
typedef struct ax_port_def {
  const char *name;
  const char *doc;
} ax_port_def;

/* Parameter values of a component, validated against its model's table
 * before init is called, so these getters never fail: a parameter not set
 * in the config returns its default. Asking for a name the model does not
 * declare aborts (a bug in the model, not bad input). */
int64_t ax_param_int(const ax_component *c, const char *name);
double ax_param_float(const ax_component *c, const char *name);
int ax_param_bool(const ax_component *c, const char *name);
const char *ax_param_str(const ax_component *c, const char *name);
/* Number of elements of an AX_P_INT_LIST parameter; ax_param_list_at reads one. */
size_t ax_param_list_len(const ax_component *c, const char *name);
int64_t ax_param_list_at(const ax_component *c, const char *name, size_t i);
/* Whether a parameter was set explicitly (config or -s), not defaulted. */
int ax_param_is_set(const ax_component *c, const char *name);

/* ---- fault sites -------------------------------------------------------------- */

/* A structure a fault can hit: `bits` bits, live (holding a value that may
 * still be read) during [live_from, live_to). Models list theirs through
 * ops->fault_sites; campaigns sample uniformly over bits x live time. */
typedef struct ax_fault_site {
  char name[AX_NAME_MAX];  /* "ifmap_sram", "pe_acc", ...                 */
  uint64_t bits;
  ax_time_t live_from, live_to;
} ax_fault_site;

/* ---- the model table ---------------------------------------------------------- */

typedef struct ax_model {
  uint32_t abi;               /* AX_ABI_VERSION                               */
  const char *name;           /* type name used in configs: "systolic"       */
  const char *doc;            /* one line                                    */
  const ax_param_def *params; /* terminated by an entry with name == NULL    */
  const ax_port_def *ports;   /* terminated by an entry with name == NULL    */

  /* Create from parameters: allocate state, ax_comp_set_priv(). On bad
   * values write a message to err (the core adds file, line, component)
   * and return AX_EINVAL. If init fails after ax_comp_set_priv(), destroy
   * is called on the part-built state, so it must cope with it. */
  int (*init)(ax_component *c, char *err, size_t errlen);
  /* All components exist and links are joined; time is 0. Schedule the
   * first events here (or stay idle until a message arrives). May be NULL. */
  void (*start)(ax_component *c);
  /* A message arrived on port p. Return AX_OK to take it, or AX_EAGAIN to
   * refuse: the link holds it until this component calls ax_port_unblock(p). */
  int (*recv)(ax_component *c, ax_port *p, const ax_msg *m);
  /* A send on port p that returned AX_EAGAIN may now be retried. May be NULL. */
  void (*ready)(ax_component *c, ax_port *p);
  /* NULL when idle; otherwise what the component still waits for, for the
   * deadlock report ("3 reads outstanding on port mem"). May be NULL. */
  const char *(*waiting)(ax_component *c);
  /* Report statistics with ax_stat_*(). May be NULL. */
  void (*stats)(ax_component *c, ax_stats *s);
  /* Fill up to max fault sites, return how many there are. May be NULL. */
  int (*fault_sites)(ax_component *c, ax_fault_site *out, int max);
  /* Release what init allocated. May be NULL. */
  void (*destroy)(ax_component *c);
} ax_model;

/* What a plug-in .so exports (see the ABI note at the top). */
typedef const ax_model *const *(*ax_plugin_entry_fn)(uint32_t abi);
#define AX_PLUGIN_ENTRY "ax_plugin_models"

/* ---- components ----------------------------------------------------------------- */

/* Full name of a component ("npu0.sram"). */
const char *ax_comp_name(const ax_component *c);
/* The model a component is an instance of. */
const ax_model *ax_comp_model(const ax_component *c);
/* Model-private state set at init. */
void *ax_comp_priv(const ax_component *c);
void ax_comp_set_priv(ax_component *c, void *priv);
/* The run a component belongs to. */
ax_sim *ax_comp_sim(const ax_component *c);
/* Clock period of a component in ps. */
ax_time_t ax_comp_period(const ax_component *c);
/* Set the clock period of c (ps); only from init (e.g. DRAM takes tCK
 * from its standard). Overrides the config's clock. */
void ax_comp_set_period(ax_component *c, ax_time_t ps);
/* Current time, and current cycle of the component's own clock (floor). */
ax_time_t ax_now(const ax_sim *s);
uint64_t ax_comp_cycle(const ax_component *c);
/* Time of the next rising edge of the component's clock at or after now. */
ax_time_t ax_comp_next_edge(const ax_component *c);
/* Seed of this run mixed with the component name: a per-component stream. */
uint64_t ax_comp_seed(const ax_component *c);
/* Port of a component by name, NULL if the model has no such port. */
ax_port *ax_comp_port(ax_component *c, const char *name);
/* Number of ports of c that exist (declared ones and connected array
 * members such as `unit0` of a declared `unit*`), and the i-th of them. */
size_t ax_comp_nports(const ax_component *c);
ax_port *ax_comp_port_at(ax_component *c, size_t i);
/* The component at the other end of a port's link, NULL if unconnected. */
ax_component *ax_port_peer(const ax_port *p);
/* Name of a port. */
const char *ax_port_name(const ax_port *p);
/* Whether a port has a link. */
int ax_port_connected(const ax_port *p);

/* ---- events --------------------------------------------------------------------- */

/* An event handler: called at its time with the component and the argument. */
typedef void (*ax_event_fn)(ax_component *c, uint64_t arg);

/* A handle to a scheduled event, for ax_cancel(). */
typedef struct ax_event_h {
  ax_time_t time;
  uint64_t seq; /* opaque: with time, names the event */
} ax_event_h;

/* Event priorities at one timestamp: lower runs first. */
enum { AX_PRIO_EARLY = 0, AX_PRIO_NORMAL = 1, AX_PRIO_LATE = 2, AX_PRIO_N = 3 };

/* Run fn(c, arg) `delay` ps from now (0 = now, after the current event). */
ax_event_h ax_schedule(ax_component *c, ax_time_t delay, ax_event_fn fn, uint64_t arg);
/* Run fn(c, arg) `cycles` cycles of c's clock after its next clock edge
 * (0 = at the next edge, which is now if now is an edge). */
ax_event_h ax_schedule_cycles(ax_component *c, uint64_t cycles, ax_event_fn fn, uint64_t arg);
/* Run fn(c, arg) at absolute time t >= now, at priority prio. */
ax_event_h ax_schedule_at(ax_component *c, ax_time_t t, int prio, ax_event_fn fn, uint64_t arg);
/* Cancel a pending event. AX_OK if it was pending, AX_EINVAL if it already
 * ran or was cancelled. */
int ax_cancel(ax_sim *s, ax_event_h h);

/* ---- ports and links -------------------------------------------------------------- */

/* Send a message on a port. AX_OK: the link took it. AX_EAGAIN: the link is
 * full (no credit); ops->ready(c, p) is called when a slot frees. AX_EINVAL:
 * the port has no link. */
int ax_port_send(ax_port *p, const ax_msg *m);
/* Whether a send on p would be taken now. */
int ax_port_can_send(const ax_port *p);
/* A component that refused a message on p (recv returned AX_EAGAIN) can
 * take it now: the link redelivers at once. */
void ax_port_unblock(ax_port *p);

/* ---- statistics, energy, layers ------------------------------------------------- */

/* One statistic of a component (in ops->stats). unit: "cycles", "bytes", ... */
void ax_stat_u64(ax_stats *s, const char *name, uint64_t v, const char *unit);
void ax_stat_f64(ax_stats *s, const char *name, double v, const char *unit);

#define AX_NO_OP UINT32_MAX

/* Account `count` actions of energy pj_each (pJ) to component c, charged to
 * trace op `op` (AX_NO_OP for background). */
void ax_energy(ax_component *c, uint32_t op, const char *action, uint64_t count,
               double pj_each);

/* Memory levels for bytes-moved accounting. */
typedef enum ax_level { AX_LVL_SRAM, AX_LVL_DRAM, AX_LVL_NOC, AX_LVL_N } ax_level;

/* Mark trace op `op` started / finished on `unit` (the dispatcher calls
 * these; the per-layer table takes start, end and the unit's clock). */
void ax_op_started(ax_component *unit, const ax_op *op);
void ax_op_finished(ax_component *unit, const ax_op *op);

/* Account work of trace op `op` done by c: macs multiply-accumulates, and
 * bytes moved at a memory level (either may be 0). */
void ax_op_account(ax_component *c, uint32_t op, uint64_t macs, ax_level lvl, uint64_t bytes);
/* Account bytes op `op` read from and wrote to a named memory (a memory
 * component, or a tier: "hbm", "ddr") - the per-op table /layer_traffic. */
void ax_op_traffic(ax_component *c, uint32_t op, const char *target, uint64_t bytes_read,
                   uint64_t bytes_written);
/* Record how busy c's compute was on op: used/total PE-cycles. */
void ax_op_util(ax_component *c, uint32_t op, uint64_t used_pe_cycles, uint64_t total_pe_cycles);

/* ---- errors and logging ---------------------------------------------------------- */

/* Stop the run with an error (a model found an impossible state). */
void ax_fail(ax_sim *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif /* AXSIM_AXSIM_H */
