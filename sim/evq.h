/*
 * evq.h - the event queue: one total order (time, priority, push order).
 *
 * Near future: a wheel of AX_EVQ_SLOTS picosecond slots covering the
 * sliding window [now, now + AX_EVQ_SLOTS) (time t lives in slot
 * t mod AX_EVQ_SLOTS); each slot that holds events owns a bucket of one
 * FIFO per priority, so events sharing a timestamp cost an append and a
 * pop, never a comparison. A two-level bitmap finds the next busy slot.
 * Far future (beyond the window): a binary heap, whose events move into the
 * wheel as the window reaches them. While few events are pending (at most
 * AX_EVQ_SMALL) they live in a small binary heap instead, whose push and pop
 * cost a few comparisons - far less than opening and closing a wheel bucket
 * per timestamp; past that size they move to the wheel, and come back when
 * the wheel empties. Same inputs, same order (time, priority, then push
 * order): runs are bit-reproducible.
 */
#ifndef AX_EVQ_H
#define AX_EVQ_H

#include "axsim/axsim.h"

#define AX_EVQ_BITS 16
#define AX_EVQ_SLOTS (1u << AX_EVQ_BITS) /* 65,536 ps: 65 cycles at 1 GHz */
#define AX_EVQ_SMALL 32 /* pending events the small heap holds before the wheel takes over */
/* Pushes at the current time, without time moving, after which a run stops
 * as a livelock (a model scheduling itself with no delay, forever). A
 * clock edge of 10,000 components is 10,000 events; this is 1,600 times
 * that, and about 512 MB of queue. */
#define AX_EVQ_SAME_TIME (1ull << 24)

/* Event ids (the seq of a handle). An event pushed straight into the
 * wheel is named by its place: AX_EVQ_WID | priority << 32 | index in its
 * FIFO, so such a push touches no shared counter. An event pushed into a
 * heap (the small one, or the far one) takes the next of q->seq (below
 * AX_EVQ_WID), which orders ties there and stays its id when it moves into
 * the wheel. Ids ascend along every FIFO: moved events come first (the
 * window reaches a time before any push can), in heap order. */
#define AX_EVQ_WID (1ull << 63)

typedef struct ax_ev {
  uint64_t seq;   /* the id (see AX_EVQ_WID) */
  ax_event_fn fn; /* a marker function once cancelled (see ax_evq_cancel) */
  ax_component *c;
  uint64_t arg;
} ax_ev;

typedef struct ax_fifo {
  ax_ev *v;
  uint32_t head, len, cap;
} ax_fifo;

typedef struct ax_bucket {
  uint32_t mask; /* bit p set: q[p] has events not yet run */
  ax_fifo q[AX_PRIO_N];
} ax_bucket;

typedef struct ax_hev { /* an event of the small or the far heap: 48 bytes */
  ax_time_t time;
  int prio;
  ax_ev ev;     /* ev.seq (from q->seq) breaks ties */
} ax_hev;

typedef struct ax_evq {
  ax_time_t now;
  uint64_t seq;          /* the last id given to a heap push */
  uint64_t popped;       /* events taken out to run, cancelled ones included
                          * (the wheel counts a timestamp's FIFO when it ends) */
  uint64_t skipped;      /* of those, cancelled ones (not run) */
  uint32_t *slot;       /* bucket index + 1, 0 = empty */
  uint64_t *bits;       /* one bit per slot */
  uint64_t *sum;        /* one bit per non-zero word of bits */
  ax_bucket *bk;        /* bucket pool */
  uint32_t nbk, capbk;
  uint32_t *freebk;     /* free bucket indexes */
  uint32_t nfree;
  ax_hev *heap;
  size_t nheap, capheap;
  int small;            /* events are in sh[] (small heap), the wheel is empty */
  ax_hev *sh;
  size_t nsh;
  int stop;             /* set by ax_evq_stop: run returns after the current event */
  int livelock;         /* same_time events were pushed at `now`: the run stopped */
  uint64_t same_time;   /* the livelock bound (AX_EVQ_SAME_TIME) */
  ax_time_t spin_t;     /* the time of the last push at now */
  uint64_t spin_n;      /* pushes at now since time last moved */
  /* Set when the FIFO being run may have changed under the dispatch loop
   * (a push at the current time, the bucket pool moved, a stop): the loop
   * re-reads the bucket before the next event. */
  int brk;
  /* The normal-priority FIFO most recently pushed to, in a slot after the
   * current time: most pushes go to the same timestamp as the one before
   * (N components on one clock edge). hot_t is AX_TIME_NEVER when unset. */
  ax_time_t hot_t;
  uint32_t hot_b;
  ax_fifo *hot_f;

} ax_evq;

/* Initialise an empty queue at time 0. AX_ENOMEM on failure. */
int ax_evq_init(ax_evq *q);
/* Free all memory of a queue. */
void ax_evq_free(ax_evq *q);
/* Add an event at absolute time t (>= now): the general path. */
ax_event_h ax_evq_push_slow(ax_evq *q, ax_time_t t, int prio, ax_event_fn fn, ax_component *c,
                            uint64_t arg);

/* Add an event at absolute time t (>= now). Returns its handle. The common
 * cases - normal priority, the same future timestamp as the previous push,
 * room in its FIFO; or an empty queue - are inline; everything else takes
 * ax_evq_push_slow. */
static inline ax_event_h ax_evq_push(ax_evq *q, ax_time_t t, int prio, ax_event_fn fn,
                                     ax_component *c, uint64_t arg) {
  if (__builtin_expect(t == q->hot_t && prio == AX_PRIO_NORMAL, 1)) {
    ax_fifo *f = q->hot_f; /* holds events already: its bucket's mask bit is set */
    uint32_t i = f->len;
    if (__builtin_expect(i < f->cap, 1)) {
      ax_ev *e = &f->v[i];
      uint64_t id = AX_EVQ_WID | (uint64_t)AX_PRIO_NORMAL << 32 | i;
      f->len = i + 1;
      e->seq = id;
      e->fn = fn;
      e->c = c;
      e->arg = arg;
      return (ax_event_h){t, id};
    }
  } else if (q->small && !q->nsh && t > q->now) { /* the only pending event */
    /* It may reuse the last heap id: no pending event shares it, a later
     * push compares against it only with a larger one (every other heap
     * push takes ++seq), and no other event with this id can have its time
     * (see ax_evq_push_slow). So no shared counter changes here. */
    ax_hev *h = &q->sh[0];
    uint64_t seq = q->seq;
    h->time = t;
    h->prio = prio;
    h->ev.seq = seq;
    h->ev.fn = fn;
    h->ev.c = c;
    h->ev.arg = arg;
    q->nsh = 1;
    return (ax_event_h){t, seq};
  }
  return ax_evq_push_slow(q, t, prio, fn, c, arg);
}
/* Cancel a pending event: AX_OK, or AX_EINVAL if it ran or was cancelled. */
int ax_evq_cancel(ax_evq *q, ax_event_h h);
/* Run events in order until the queue is empty, the next event lies beyond
 * `until`, ax_evq_stop was called, or time stopped advancing (livelock set:
 * q->same_time events at one time). Returns 1 if events remain, 0 if empty. */
int ax_evq_run(ax_evq *q, ax_time_t until);
/* Ask ax_evq_run to return after the current event. */
void ax_evq_stop(ax_evq *q);
/* Events pending, the running one excluded and cancelled ones included
 * until their time comes. Counted over the busy slots: no push or pop
 * keeps a count. */
uint64_t ax_evq_pending(const ax_evq *q);
/* Events run so far (cancelled ones not); inside ax_evq_run, up to the
 * start of the current timestamp's FIFO. */
static inline uint64_t ax_evq_dispatched(const ax_evq *q) { return q->popped - q->skipped; }
/* Time of the earliest pending event, AX_TIME_NEVER if none. */
ax_time_t ax_evq_next_time(ax_evq *q);

#endif
