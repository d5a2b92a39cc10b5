/*
 * sim.h - the core's own view of a run: components, ports, links and the
 * result tables. Models see only include/axsim/axsim.h.
 */
#ifndef AX_SIM_H
#define AX_SIM_H

#include <stdarg.h>
#include <stdio.h>

#include "axsim/axsim.h"
#include "evq.h"

#define AX_ERR_MAX 1024

/* A parameter value after validation. */
typedef struct ax_pval {
  int set;          /* given in the config or by -s */
  int64_t i;
  double f;
  char *s;
  int64_t *list;
  size_t nlist;
} ax_pval;

typedef struct ax_link ax_link;

/* A message on a lane: 64 bytes, so a slot is an index shift. */
typedef struct ax_lane_slot {
  ax_msg m;
  ax_time_t arrive;
  uint64_t pad_;
} ax_lane_slot;

/* One direction of a link: in-flight messages in arrival order. */
typedef struct ax_lane {
  ax_evq *q;              /* the run's queue (saves a chain of loads per message) */
  ax_component *dstc;     /* dst->comp, the receiver */
  int (*recv)(ax_component *, ax_port *, const ax_msg *); /* dstc's, never NULL */
  ax_link *link;
  ax_port *src, *dst;
  ax_time_t latency;      /* ps */
  double ps_per_byte;     /* serialisation; 0 = unlimited bandwidth */
  ax_time_t busy_until;   /* end of the last serialisation */
  uint32_t depth;         /* credits: messages in flight at most */
  ax_lane_slot *ring;     /* of cap (power of two) >= depth slots */
  uint64_t head, msgs;    /* messages delivered, sent: n = msgs - head in flight,
                           * the oldest in slot head mod cap */
  uint32_t cap;
  int blocked;            /* dst refused the head message */
  int sender_waits;       /* src got AX_EAGAIN: call its ready() on a free slot */
  uint64_t bytes, refusals, full;
} ax_lane;

/* Messages in flight on a lane. */
static inline uint32_t ax_lane_n(const ax_lane *l) { return (uint32_t)(l->msgs - l->head); }

struct ax_link {
  char *name;             /* "a.p -> b.q" */
  int line;               /* config line, for messages */
  ax_lane lane[2];        /* [0] a->b, [1] b->a */
};

struct ax_port {
  char *name;
  ax_component *comp;
  ax_lane *out;           /* lane this port sends on, NULL if unlinked */
  ax_lane *in;            /* lane that delivers to this port */
};

struct ax_component {
  char *name;
  const ax_model *model;
  ax_sim *sim;
  void *priv;
  ax_time_t period;
  uint64_t seed;
  ax_pval *pv;            /* one per model param */
  size_t nparams;
  ax_port **ports;
  size_t nports;
  int index;
  int line;               /* config line of its group */
  int initialised;
};

/* One row of the per-layer table. */
typedef struct ax_layer {
  const ax_op *op;        /* owned by the trace reader until released */
  uint32_t id;
  char name[AX_NAME_MAX];
  ax_op_kind kind;
  char unit[AX_NAME_MAX];
  ax_time_t start, end;
  ax_time_t unit_period;
  uint64_t macs;
  uint64_t used_pe, total_pe;
  uint64_t bytes[AX_LVL_N];
  double energy_pj;
  int started, done;
} ax_layer;

typedef struct ax_energy_row {
  int comp;
  char action[48];
  uint32_t op;
  uint64_t count;
  double pj;
} ax_energy_row;

/* Bytes one op moved to / from one memory (or tier). */
typedef struct ax_traffic_row {
  uint32_t op;
  char target[48];
  uint64_t rd, wr;
} ax_traffic_row;

typedef struct ax_stat_row {
  int comp;
  char name[48];
  char unit[16];
  double v;
} ax_stat_row;

struct ax_stats {
  ax_sim *sim;
  int comp;
  int series;   /* 1: rows go to the time series at the current time */
};

/* One sample of a statistic (sim.sample_ns). */
typedef struct ax_series_row {
  ax_time_t t;
  int comp;
  char name[48];
  double v;
} ax_series_row;

struct ax_sim {
  ax_evq q;
  uint64_t seed;
  ax_time_t watchdog;     /* stop with an error past this time (0 = none) */
  ax_component **comps;
  size_t ncomps;
  ax_link **links;
  size_t nlinks;
  ax_layer *layers;       /* indexed by op id */
  size_t nlayers, caplayers;
  ax_energy_row *energy;
  size_t nenergy, capenergy;
  uint32_t *ehash;        /* open addressing over energy rows */
  size_t ehcap;
  ax_stat_row *stats;
  size_t nstats, capstats;
  ax_traffic_row *traffic;
  size_t ntraffic, captraffic;
  uint32_t *thash;        /* open addressing over traffic rows */
  size_t thcap;
  ax_time_t sample_ps;    /* time-series interval (0 = off) */
  ax_series_row *series;
  size_t nseries, capseries;
  int failed;
  char err[AX_ERR_MAX];
  void **plugins;         /* dlopen handles */
  const ax_model **pmodels; /* models the plug-ins registered */
  size_t npmodels;
  size_t nplugins;
  char *config_text;
  char *config_file;
  char *overrides;        /* the -s settings, one per line */
  char *name;
  char *out_file;
};

/* ax_schedule for code built inside the tree: the push inline, no call.
 * Plug-ins call the exported function, which does the same. */
static inline ax_event_h ax_schedule_inline(ax_component *c, ax_time_t delay, ax_event_fn fn,
                                            uint64_t arg) {
  ax_evq *q = &c->sim->q;
  return ax_evq_push(q, q->now + delay, AX_PRIO_NORMAL, fn, c, arg);
}
#define ax_schedule(c, delay, fn, arg) ax_schedule_inline(c, delay, fn, arg)

/* printf into an error buffer. */
void ax_errf(char *err, size_t len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The candidate closest to `word` by edit distance, or NULL if none is close. */
const char *ax_suggest(const char *word, const char *const *cands, size_t n);
/* A whole file as a NUL-terminated string (free it), NULL if unreadable. */
char *ax_slurp(const char *path);
/* strdup that aborts on out-of-memory. */
char *ax_strdup(const char *s);
/* malloc/calloc/realloc that abort on out-of-memory (the core cannot go on). */
void *ax_xmalloc(size_t n);
void *ax_xcalloc(size_t n, size_t sz);
void *ax_xrealloc(void *p, size_t n);

/* A seed for stream `name` derived from the run's seed (splitmix64 of FNV-1a). */
uint64_t ax_seed_mix(uint64_t seed, const char *name);
/* Create an empty run with a seed. */
ax_sim *ax_sim_new(uint64_t seed);
/* Free a run and everything it owns (calls models' destroy). */
void ax_sim_free(ax_sim *s);
/* Add a component of `model` named `name` (params still unset). */
ax_component *ax_sim_add_component(ax_sim *s, const char *name, const ax_model *m,
                                   ax_time_t period, int line);
/* Find a component by name. */
ax_component *ax_sim_find(ax_sim *s, const char *name);
/* The component name closest to `name` (for "did you mean"), or NULL. */
const char *ax_sim_suggest_component(ax_sim *s, const char *name);
/* Find or create (for port arrays) port `pname` of c; NULL if the model has none such. */
ax_port *ax_comp_port_get(ax_component *c, const char *pname, int create);
/* Join two ports with a link. latency ps, bandwidth bytes/ns (0 = unlimited),
 * depth credits per direction. AX_EINVAL with a message if either is linked. */
int ax_link_join(ax_sim *s, ax_port *a, ax_port *b, ax_time_t latency, double gbps,
                 uint32_t depth, int line, char *err, size_t errlen);
/* Cache each lane's receiver function (done when a run starts, once the
 * models of every component are final). */
void ax_links_bind(ax_sim *s);
/* Initialise every component (ops->init) in order. */
int ax_sim_init_components(ax_sim *s, char *err, size_t errlen);
/* Start and run to the end. AX_OK when all work finished; otherwise the
 * error (deadlock, watchdog, model failure) is in s->err. */
int ax_sim_run(ax_sim *s);
/* Append every component's statistics at the current time to s->series. */
void ax_sim_sample(ax_sim *s);
/* Collect every component's statistics into s->stats. */
void ax_sim_collect_stats(ax_sim *s);
/* The layer row of op id (grown on demand). */
ax_layer *ax_sim_layer(ax_sim *s, uint32_t id);

/* Model registry: built-in table first, then loaded plug-ins. */
const ax_model *ax_registry_find(ax_sim *s, const char *name);
/* Every registered model name (built-in + plug-ins of s, s may be NULL). */
size_t ax_registry_names(ax_sim *s, const char **out, size_t max);
/* Load a plug-in .so and register its models. AX_EINVAL with a message. */
int ax_plugin_load(ax_sim *s, const char *path, char *err, size_t errlen);
/* Close every plug-in of a run (its components are already destroyed). */
void ax_plugins_close(ax_sim *s);
/* The built-in model table (generated). */
extern const ax_model *const ax_builtin_models[];

#endif
