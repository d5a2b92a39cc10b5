/*
 * sweep_expr.h - the small arithmetic language of sweep metrics,
 * objectives and constraints: numbers, names (sim_time_ps, sa0.rows,
 * sa0.busy_cycles, a named metric), + - * / ^, parentheses and the
 * functions sqrt log log2 exp abs min max.
 */
#ifndef AX_SWEEP_EXPR_H
#define AX_SWEEP_EXPR_H

#include <stddef.h>

typedef struct ax_expr ax_expr;

/* Value of a name: 0 and *v set, or -1 when the name is unknown. */
typedef int (*ax_expr_lookup)(void *ctx, const char *name, double *v);

/* Parse an expression. AX_EINVAL with "what was expected at column N". */
int ax_expr_parse(const char *text, ax_expr **out, char *err, size_t errlen);
/* Evaluate; 0 ok, -1 with err naming the unknown name. */
int ax_expr_eval(const ax_expr *e, ax_expr_lookup fn, void *ctx, double *v, char *err, size_t errlen);
/* The names an expression reads (pointers into e), at most max; returns how many. */
size_t ax_expr_names(const ax_expr *e, const char **out, size_t max);
/* Free an expression (NULL is fine). */
void ax_expr_free(ax_expr *e);

#endif
