/*
 * cmd_models.c - `axsim models`: every registered model, its ports and
 * parameters with defaults and docs. docs/config-reference.md is made
 * from this output, so the reference never drifts from the code.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sim.h"

static const char *ptype_name(ax_ptype t) {
  switch (t) {
  case AX_P_INT: return "int";
  case AX_P_FLOAT: return "float";
  case AX_P_BOOL: return "bool";
  case AX_P_STRING: return "string";
  case AX_P_ENUM: return "enum";
  case AX_P_INT_LIST: return "int list";
  case AX_P_PATH: return "path";
  }
  return "?";
}

static void show(const ax_model *m, int md) {
  if (md) {
    printf("## `%s`\n\n%s\n\n", m->name, m->doc ? m->doc : "");
    printf("Ports: ");
    for (const ax_port_def *p = m->ports; p && p->name; p++)
      printf("%s`%s` (%s)", p == m->ports ? "" : ", ", p->name, p->doc ? p->doc : "");
    printf("%s\n\n", m->ports && m->ports->name ? "" : "none");
    printf("| parameter | type | default | range / choices | meaning (source of the default) |\n");
    printf("|---|---|---|---|---|\n");
    printf("| clock_mhz | float | 1000 | (0, 1e6] | clock of the component (or period_ps) |\n");
    for (const ax_param_def *d = m->params; d && d->name; d++) {
      char rng[96] = "";
      if (d->type == AX_P_ENUM) snprintf(rng, sizeof rng, "%s", d->choices);
      else if (d->min != d->max) snprintf(rng, sizeof rng, "[%.15g, %.15g]", d->min, d->max);
      printf("| %s | %s | %s | %s | %s |\n", d->name, ptype_name(d->type), d->def ? d->def : "(required)",
             rng, d->doc ? d->doc : "");
    }
    printf("\n");
    return;
  }
  printf("%s - %s\n", m->name, m->doc ? m->doc : "");
  printf("  ports:");
  for (const ax_port_def *p = m->ports; p && p->name; p++) printf(" %s", p->name);
  printf("\n");
  for (const ax_param_def *d = m->params; d && d->name; d++) {
    printf("  %-18s %-8s default %-10s", d->name, ptype_name(d->type), d->def ? d->def : "(required)");
    if (d->type == AX_P_ENUM) printf(" {%s}", d->choices);
    else if (d->min != d->max) printf(" [%.15g, %.15g]", d->min, d->max);
    printf("\n      %s\n", d->doc ? d->doc : "");
  }
}

int ax_cmd_models(int argc, char **argv) {
  int md = 0;
  const char *only = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: axsim models [--markdown] [MODEL]\n\nList the registered models with their ports and parameters.\n");
      return 0;
    } else if (!strcmp(argv[i], "--markdown")) {
      md = 1;
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "axsim models: unknown option '%s'\n", argv[i]);
      return 2;
    } else {
      only = argv[i];
    }
  }
  int found = 0;
  for (const ax_model *const *m = ax_builtin_models; *m; m++) {
    if (only && strcmp(only, (*m)->name)) continue;
    show(*m, md);
    found = 1;
  }
  if (only && !found) {
    const char *names[256];
    size_t n = ax_registry_names(NULL, names, 256);
    const char *sg = ax_suggest(only, names, n);
    fprintf(stderr, "axsim models: no model '%s'%s%s%s\n", only, sg ? " (did you mean '" : "",
            sg ? sg : "", sg ? "'?)" : "");
    return 2;
  }
  return 0;
}
