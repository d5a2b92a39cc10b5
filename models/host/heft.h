/*
 * heft.h - Heterogeneous Earliest Finish Time list scheduling
 * (Topcuoglu, Hariri and Wu, "Performance-effective and low-complexity
 * task scheduling for heterogeneous computing", IEEE TPDS 13(3), 2002).
 */
#ifndef AX_HEFT_H
#define AX_HEFT_H

#include <stddef.h>
#include <stdint.h>

/* A precedence edge from -> to; c is the communication cost paid when the
 * two tasks run on different units (0 on the same unit). */
typedef struct ax_heft_edge {
  uint32_t from, to;
  double c;
} ax_heft_edge;

/* Plan n tasks on p units. w[i * p + u] is task i's cost on unit u (< 0:
 * u cannot run i). Edges must go from lower to higher task index (a
 * topological numbering, as trace order is). Fills rank[i] (upward rank
 * from costs averaged over the units able to run i), order[k] (the k-th
 * task placed), unit[i], start[i], finish[i] (insertion-based placement
 * at the earliest finish time; ties: higher rank order by lower index,
 * equal finish by lower unit). Returns the makespan, or -1 if some task
 * has no unit able to run it. */
double ax_heft_plan(size_t n, size_t p, const double *w, const ax_heft_edge *e, size_t ne, double *rank,
                    uint32_t *order, int *unit, double *start, double *finish);

#endif
