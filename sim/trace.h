/*
 * trace.h - layer traces (format v1, docs/trace-format.md), read as a
 * stream: one op at a time, never the whole file at once.
 */
#ifndef AX_TRACE_H
#define AX_TRACE_H

#include <stdio.h>

#include "axsim/axsim.h"

typedef struct ax_trace ax_trace;

/* Open a trace file. NULL with a message in err on failure. */
ax_trace *ax_trace_open(const char *path, char *err, size_t errlen);
/* Read the next op: 1 = got one, 0 = end of trace, AX_EINVAL = bad line
 * (err names file, line and what was expected). */
int ax_trace_next(ax_trace *t, ax_op *op, char *err, size_t errlen);
/* Close a trace. */
void ax_trace_close(ax_trace *t);
/* Parse one op line (no file); `line` is for messages. */
int ax_trace_parse_line(ax_trace *t, char *text, ax_op *op, char *err, size_t errlen);
/* Check an op's fields for its kind (required ones set, sizes sane). */
int ax_op_check(const ax_op *op, char *err, size_t errlen);

#endif
