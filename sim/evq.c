/*
 * evq.c - the event queue (see evq.h for the shape).
 */
#include "evq.h"

#include <stdlib.h>
#include <string.h>

#define NWORDS (AX_EVQ_SLOTS / 64)
#define NSUM (NWORDS / 64)
#define AX_EVQ_AHEAD 8   /* events between a prefetch and its use */
#define AX_EVQ_CROWD 256 /* FIFOs longer than this run with prefetch (beyond L1) */
#define SLOT(t) ((uint32_t)((t) & (AX_EVQ_SLOTS - 1)))

int ax_evq_init(ax_evq *q) {
  memset(q, 0, sizeof *q);
  q->slot = calloc(AX_EVQ_SLOTS, sizeof *q->slot);
  q->sh = calloc(AX_EVQ_SMALL, sizeof *q->sh);
  q->small = 1;
  q->bits = calloc(NWORDS, sizeof *q->bits);
  q->sum = calloc(NSUM, sizeof *q->sum);
  if (!q->slot || !q->bits || !q->sum || !q->sh) {
    ax_evq_free(q);
    return AX_ENOMEM;
  }
  q->hot_t = AX_TIME_NEVER;
  q->seq = 1; /* heap ids start at 1: no event is named {0, 0} */
  q->same_time = AX_EVQ_SAME_TIME;
  return AX_OK;
}

void ax_evq_free(ax_evq *q) {
  for (uint32_t i = 0; i < q->nbk; i++)
    for (int p = 0; p < AX_PRIO_N; p++) free(q->bk[i].q[p].v);
  free(q->bk);
  free(q->freebk);
  free(q->slot);
  free(q->bits);
  free(q->sum);
  free(q->heap);
  free(q->sh);
  memset(q, 0, sizeof *q);
}

/* What a cancelled event runs instead: it counts itself as skipped (the
 * cancel pointed its argument at the queue). A marker rather than NULL
 * spares the dispatch loop a test per event. */
static void ev_cancelled(ax_component *c, uint64_t arg) {
  (void)c;
  ((ax_evq *)(uintptr_t)arg)->skipped++;
}

/* Mark event e cancelled: AX_OK, or AX_EINVAL if it already was. */
static int ev_cancel(ax_evq *q, ax_ev *e) {
  if (e->fn == ev_cancelled) return AX_EINVAL;
  e->fn = ev_cancelled;
  e->arg = (uint64_t)(uintptr_t)q;
  return AX_OK;
}

static void die_oom(void) {
  /* Out of memory inside the event loop cannot be reported to a caller
   * that is itself an event handler; there is no sane way to go on. */
  abort();
}

static void fifo_grow(ax_fifo *f) {
  {
    uint32_t cap = f->cap ? f->cap * 2 : 8;
    ax_ev *v = realloc(f->v, cap * sizeof *v);
    if (!v) die_oom();
    f->v = v;
    f->cap = cap;
  }
}

static inline void fifo_push(ax_fifo *f, const ax_ev *e) {
  if (__builtin_expect(f->len == f->cap, 0)) fifo_grow(f);
  f->v[f->len++] = *e;
}

static inline uint32_t bucket_get(ax_evq *q, uint32_t s) {
  uint32_t b = q->slot[s];
  if (b) return b - 1;
  if (q->nfree) {
    b = q->freebk[--q->nfree];
  } else {
    if (q->nbk == q->capbk) {
      uint32_t cap = q->capbk ? q->capbk * 2 : 64;
      q->hot_t = AX_TIME_NEVER; /* hot_f and the running FIFO move with the pool */
      q->brk = 1;
      ax_bucket *bk = realloc(q->bk, cap * sizeof *bk);
      uint32_t *fr = realloc(q->freebk, cap * sizeof *fr);
      if (!bk || !fr) die_oom();
      q->bk = bk;
      q->freebk = fr;
      q->capbk = cap;
    }
    b = q->nbk++;
    memset(&q->bk[b], 0, sizeof q->bk[b]);
  }
  q->slot[s] = b + 1;
  q->bits[s >> 6] |= 1ull << (s & 63);
  q->sum[s >> 12] |= 1ull << ((s >> 6) & 63);
  return b;
}

/* Free the bucket of slot s, whose every event has run. Its FIFOs keep
 * their length until now, so that an index names one event for the whole
 * timestamp (see AX_EVQ_WID). */
static inline void bucket_release(ax_evq *q, uint32_t s) {
  uint32_t b = q->slot[s] - 1;
  if (q->hot_b == b) q->hot_t = AX_TIME_NEVER;
  for (int p = 0; p < AX_PRIO_N; p++) q->bk[b].q[p].head = q->bk[b].q[p].len = 0;
  q->freebk[q->nfree++] = b;
  q->slot[s] = 0;
  q->bits[s >> 6] &= ~(1ull << (s & 63));
  if (!q->bits[s >> 6]) q->sum[s >> 12] &= ~(1ull << ((s >> 6) & 63));
}

/* First busy slot >= s, or AX_EVQ_SLOTS if none. */
static inline uint32_t next_busy(const ax_evq *q, uint32_t s) {
  uint32_t w = s >> 6;
  uint64_t m = q->bits[w] & (~0ull << (s & 63));
  if (m) return (w << 6) | (uint32_t)__builtin_ctzll(m);
  w++;
  if (w >= NWORDS) return AX_EVQ_SLOTS;
  uint32_t sw = w >> 6;
  uint64_t sm = q->sum[sw] & (~0ull << (w & 63));
  for (;;) {
    if (sm) {
      uint32_t wi = (sw << 6) | (uint32_t)__builtin_ctzll(sm);
      return (wi << 6) | (uint32_t)__builtin_ctzll(q->bits[wi]);
    }
    if (++sw >= NSUM) return AX_EVQ_SLOTS;
    sm = q->sum[sw];
  }
}

static int hev_less(const ax_hev *a, const ax_hev *b) {
  if (a->time != b->time) return a->time < b->time;
  if (a->prio != b->prio) return a->prio < b->prio;
  return a->ev.seq < b->ev.seq;
}

/* Binary min-heap over v[0..*n) by (time, prio, seq); v has room. */
static void hp_push(ax_hev *v, size_t *n, const ax_hev *h) {
  size_t i = (*n)++;
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!hev_less(h, &v[p])) break;
    v[i] = v[p];
    i = p;
  }
  v[i] = *h;
}

/* Move v[m] (the old last element) down from the root of v[0..m). */
static void hp_sift(ax_hev *v, size_t m) {
  size_t i = 0;
  ax_hev last = v[m];
  for (;;) {
    size_t l = 2 * i + 1, k = i;
    const ax_hev *best = &last;
    if (l < m && hev_less(&v[l], best)) k = l, best = &v[l];
    if (l + 1 < m && hev_less(&v[l + 1], best)) k = l + 1;
    if (k == i) break;
    v[i] = v[k];
    i = k;
  }
  v[i] = last;
}

/* Remove the root of the heap v[0..*n). The only event needs no sift (the
 * N = 1 ring's every pop). */
static inline void hp_pop(ax_hev *v, size_t *n) {
  if (--*n) hp_sift(v, *n);
}

static void heap_push(ax_evq *q, const ax_hev *h) {
  if (q->nheap == q->capheap) {
    size_t cap = q->capheap ? q->capheap * 2 : 64;
    ax_hev *v = realloc(q->heap, cap * sizeof *v);
    if (!v) die_oom();
    q->heap = v;
    q->capheap = cap;
  }
  hp_push(q->heap, &q->nheap, h);
}

static void heap_pop(ax_evq *q) { hp_pop(q->heap, &q->nheap); }

/* Append record e (its id set) to the FIFO of (t, prio) in the wheel. */
static void wheel_put(ax_evq *q, ax_time_t t, int prio, const ax_ev *e) {
  uint32_t b = bucket_get(q, SLOT(t));
  fifo_push(&q->bk[b].q[prio], e);
  q->bk[b].mask |= 1u << prio;
  if (t == q->now) q->brk = 1; /* the slot being run grew: the dispatch loop looks again */
}

/* Move a heap record (keeping its id) into the wheel if the window
 * [now, now + AX_EVQ_SLOTS) reaches its time, else into the far heap. */
static void wheel_move(ax_evq *q, const ax_hev *h) {
  if (h->time - q->now < AX_EVQ_SLOTS) wheel_put(q, h->time, h->prio, &h->ev);
  else heap_push(q, h);
}

/* A new event at t: into the wheel, named by its place, or into the far
 * heap with the next heap id. Returns the id. */
static uint64_t wheel_add(ax_evq *q, ax_time_t t, int prio, ax_event_fn fn, ax_component *c,
                          uint64_t arg) {
  if (t - q->now < AX_EVQ_SLOTS) {
    uint32_t b = bucket_get(q, SLOT(t));
    ax_fifo *f = &q->bk[b].q[prio];
    ax_ev e = {AX_EVQ_WID | (uint64_t)prio << 32 | f->len, fn, c, arg};
    fifo_push(f, &e);
    q->bk[b].mask |= 1u << prio;
    if (t == q->now) {
      q->brk = 1; /* the slot being run grew: the dispatch loop looks again */
    } else if (prio == AX_PRIO_NORMAL) {
      q->hot_t = t;
      q->hot_b = b;
      q->hot_f = f;
    }
    return e.seq;
  }
  ax_hev hv = {t, prio, {++q->seq, fn, c, arg}};
  heap_push(q, &hv);
  return hv.ev.seq;
}

/* The small heap is full: move its events, in order, to the wheel. */
static void to_wheel(ax_evq *q) {
  q->small = 0;
  q->hot_t = AX_TIME_NEVER;
  while (q->nsh) {
    ax_hev h = q->sh[0];
    hp_pop(q->sh, &q->nsh);
    wheel_move(q, &h);
  }
}

/* The wheel side of a push (out of line: it keeps ax_evq_push_slow's
 * small-heap path free of register saves). Returns the event's id. */
__attribute__((noinline)) static uint64_t push_wheel(ax_evq *q, ax_time_t t, int prio,
                                                     ax_event_fn fn, ax_component *c, uint64_t arg) {
  if (q->small) to_wheel(q);
  return wheel_add(q, t, prio, fn, c, arg);
}

/* Heap ids: every push here takes ++seq, so it is larger than any id
 * given before - including the one an inline push into the empty small
 * heap may reuse. That reuse never names two events alike: it needs an
 * empty heap and a time after now, so the event that had the id has run,
 * at a time before the new one's. */
ax_event_h ax_evq_push_slow(ax_evq *q, ax_time_t t, int prio, ax_event_fn fn, ax_component *c,
                            uint64_t arg) {
  if (t <= q->now) { /* every push at now comes here: the inline paths take later times only */
    t = q->now; /* callers guarantee t >= now; stay safe */
    if (q->now != q->spin_t) q->spin_t = q->now, q->spin_n = 0;
    if (++q->spin_n == q->same_time) q->livelock = q->stop = q->brk = 1; /* time stopped */
  }
  if (q->small && q->nsh < AX_EVQ_SMALL) {
    /* Sift up in place. The new event has the largest seq, so it goes
     * before its parent only on an earlier (time, prio). */
    uint64_t seq = ++q->seq;
    ax_hev *v = q->sh;
    size_t i = q->nsh++;
    while (i > 0) {
      size_t p = (i - 1) / 2;
      if (v[p].time < t || (v[p].time == t && v[p].prio <= prio)) break;
      v[i] = v[p];
      i = p;
    }
    v[i].time = t;
    v[i].prio = prio;
    v[i].ev.seq = seq;
    v[i].ev.fn = fn;
    v[i].ev.c = c;
    v[i].ev.arg = arg;
    return (ax_event_h){t, seq};
  }
  /* the small heap is full (it moves to the wheel) or not in use */
  return (ax_event_h){t, push_wheel(q, t, prio, fn, c, arg)};
}

static ax_ev *fifo_find(ax_fifo *f, uint64_t seq) {
  uint32_t lo = f->head, hi = f->len; /* ids ascend within a FIFO */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (f->v[mid].seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo < f->len && f->v[lo].seq == seq ? &f->v[lo] : NULL;
}

/* An event is named by its time and id together (an id alone may recur:
 * see ax_evq_push_slow). */
int ax_evq_cancel(ax_evq *q, ax_event_h h) {
  if (h.time < q->now) return AX_EINVAL;
  if (q->small) {
    for (size_t i = 0; i < q->nsh; i++)
      if (q->sh[i].ev.seq == h.seq && q->sh[i].time == h.time) return ev_cancel(q, &q->sh[i].ev);
    return AX_EINVAL;
  }
  if (h.time - q->now < AX_EVQ_SLOTS) {
    uint32_t b = q->slot[SLOT(h.time)];
    if (!b) return AX_EINVAL;
    if (h.seq & AX_EVQ_WID) { /* named by its place */
      uint64_t p = (h.seq & ~AX_EVQ_WID) >> 32;
      uint32_t i = (uint32_t)h.seq;
      if (p >= AX_PRIO_N) return AX_EINVAL;
      ax_fifo *f = &q->bk[b - 1].q[p];
      if (i < f->head || i >= f->len || f->v[i].seq != h.seq) return AX_EINVAL; /* ran, or never was */
      return ev_cancel(q, &f->v[i]);
    }
    for (int p = 0; p < AX_PRIO_N; p++) {
      ax_ev *e = fifo_find(&q->bk[b - 1].q[p], h.seq);
      if (e) return ev_cancel(q, e);
    }
    return AX_EINVAL;
  }
  /* Far-future cancellations are rare: a linear scan keeps the heap simple. */
  for (size_t i = 0; i < q->nheap; i++)
    if (q->heap[i].ev.seq == h.seq && q->heap[i].time == h.time)
      return ev_cancel(q, &q->heap[i].ev);
  return AX_EINVAL;
}

/* Move every far event that the window [now, now + AX_EVQ_SLOTS) now
 * covers into the wheel. Done whenever now advances, before any handler
 * runs, so no push can reach a slot ahead of a far event of the same time:
 * each FIFO stays in seq order (and the heap pops in that order). */
static void migrate(ax_evq *q) {
  while (q->nheap && q->heap[0].time - q->now < AX_EVQ_SLOTS) {
    ax_hev h = q->heap[0];
    heap_pop(q);
    wheel_put(q, h.time, h.prio, &h.ev);
  }
}

/* The busy slot holding the earliest wheel event (the window wraps around
 * the slot array from SLOT(now)), or AX_EVQ_SLOTS if the wheel is empty. */
static inline uint32_t next_busy_cyc(const ax_evq *q) {
  uint32_t s0 = SLOT(q->now), s = next_busy(q, s0);
  return s < AX_EVQ_SLOTS || !s0 ? s : next_busy(q, 0);
}

/* The time of busy slot s. */
static inline ax_time_t slot_time(const ax_evq *q, uint32_t s) {
  return q->now + ((s - SLOT(q->now)) & (AX_EVQ_SLOTS - 1));
}

ax_time_t ax_evq_next_time(ax_evq *q) {
  if (q->small) return q->nsh ? q->sh[0].time : AX_TIME_NEVER;
  uint32_t s = next_busy_cyc(q);
  if (s < AX_EVQ_SLOTS) return slot_time(q, s);
  return q->nheap ? q->heap[0].time : AX_TIME_NEVER;
}

/* Run the events of f, the FIFO of the current time, in order, until it
 * ends (0) or a handler set brk (1). A handler can change f (its events,
 * length or storage) only by pushing at the current time or growing the
 * bucket pool, and both set brk: until then f's length and storage stay in
 * registers. With `ahead`, each event first
 * warms the component and argument (often a pointer: a lane, a request) of
 * the event AX_EVQ_AHEAD places on - with thousands of components at one
 * timestamp, each is cold in the cache; a prefetch of a non-address is
 * harmless. Inlined twice, with ahead constant. */
static inline __attribute__((always_inline)) int run_fifo(ax_evq *q, ax_fifo *f, int ahead) {
  uint32_t h0 = f->head, h = h0, len = f->len;
  const ax_ev *v = f->v;
  while (h < len) {
    const ax_ev *e = &v[h];
    if (ahead && h + AX_EVQ_AHEAD < len) {
      __builtin_prefetch(v[h + AX_EVQ_AHEAD].c);
      __builtin_prefetch((const void *)(uintptr_t)v[h + AX_EVQ_AHEAD].arg);
    }
    ax_event_fn fn = e->fn; /* ev_cancelled if cancelled, even by an earlier handler here */
    ax_component *c = e->c;
    uint64_t arg = e->arg;
    f->head = ++h; /* before the handler: ax_evq_pending excludes the running event */
    fn(c, arg);
    if (__builtin_expect(q->brk, 0)) {
      q->popped += h - h0;
      return 1;
    }
  }
  q->popped += h - h0; /* counted per FIFO: a per-event count in memory costs ~12 % */
  return 0;
}

void ax_evq_stop(ax_evq *q) { q->stop = q->brk = 1; }

uint64_t ax_evq_pending(const ax_evq *q) {
  if (q->small) return q->nsh;
  uint64_t n = q->nheap;
  for (uint32_t sw = 0; sw < NSUM; sw++)
    for (uint64_t sm = q->sum[sw]; sm; sm &= sm - 1) {
      uint32_t w = (sw << 6) | (uint32_t)__builtin_ctzll(sm);
      for (uint64_t m = q->bits[w]; m; m &= m - 1) {
        const ax_bucket *bk = &q->bk[q->slot[(w << 6) | (uint32_t)__builtin_ctzll(m)] - 1];
        for (int p = 0; p < AX_PRIO_N; p++) n += bk->q[p].len - bk->q[p].head;
      }
    }
  return n;
}

int ax_evq_run(ax_evq *q, ax_time_t until) {
  q->stop = q->livelock = 0;
  for (;;) {
    if (q->small) {
      if (!q->nsh) return 0;
      const ax_hev *h = &q->sh[0];
      if (h->time > until) return 1;
      ax_event_fn fn = h->ev.fn; /* seq is not needed to run it */
      ax_component *c = h->ev.c;
      uint64_t arg = h->ev.arg;
      q->now = h->time;
      hp_pop(q->sh, &q->nsh);
      q->popped++;
      fn(c, arg);
      if (__builtin_expect(q->stop, 0)) return 1;
      continue;
    }
    uint32_t s = next_busy_cyc(q);
    if (s == AX_EVQ_SLOTS && !q->nheap) { /* all ran: back to the small heap */
      q->small = 1;
      q->hot_t = AX_TIME_NEVER;
      continue;
    }
    if (s == AX_EVQ_SLOTS) { /* the wheel is empty, the far heap is not */
      if (q->heap[0].time > until) return 1;
      q->now = q->heap[0].time;
      migrate(q);
      continue;
    }
    ax_time_t t = slot_time(q, s);
    if (t > until) return 1;
    q->now = t;
    if (q->nheap && q->heap[0].time - t < AX_EVQ_SLOTS) migrate(q);
    if (q->hot_t == t) q->hot_t = AX_TIME_NEVER; /* pushes at now take the slow path */
    q->brk = 0;
    uint32_t b = q->slot[s] - 1;
    for (;;) {
      /* The earliest priority with events left. */
      ax_bucket *bk = &q->bk[b];
      uint32_t mask = bk->mask;
      if (!mask) break;
      int p = __builtin_ctz(mask);
      ax_fifo *f = &bk->q[p];
      /* Run this FIFO to its end (see run_fifo); a long one with prefetch. */
      int brk = f->len - f->head > AX_EVQ_CROWD ? run_fifo(q, f, 1) : run_fifo(q, f, 0);
      if (__builtin_expect(brk, 0)) goto look_again;
      bk->mask &= ~(1u << p); /* ran dry (its indexes stay taken: see bucket_release) */
      continue;
    look_again:
      q->brk = 0;
      bk = &q->bk[b];
      f = &bk->q[p];
      if (f->head == f->len) bk->mask &= ~(1u << p);
      if (q->stop) return 1; /* the rest of this slot stays */
    }
    bucket_release(q, s);
  }
}
