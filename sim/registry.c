/*
 * registry.c - the model registry (the one global table of the core) and
 * plug-in loading.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

const ax_model *ax_registry_find(ax_sim *s, const char *name) {
  if (s)
    for (size_t i = 0; i < s->npmodels; i++)
      if (!strcmp(s->pmodels[i]->name, name)) return s->pmodels[i];
  for (const ax_model *const *m = ax_builtin_models; *m; m++)
    if (!strcmp((*m)->name, name)) return *m;
  return NULL;
}

size_t ax_registry_names(ax_sim *s, const char **out, size_t max) {
  size_t n = 0;
  for (const ax_model *const *m = ax_builtin_models; *m && n < max; m++) out[n++] = (*m)->name;
  if (s)
    for (size_t i = 0; i < s->npmodels && n < max; i++) out[n++] = s->pmodels[i]->name;
  return n;
}

int ax_plugin_load(ax_sim *s, const char *path, char *err, size_t errlen) {
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    ax_errf(err, errlen, "cannot load plugin '%s': %s", path, dlerror());
    return AX_EINVAL;
  }
  ax_plugin_entry_fn entry;
  *(void **)&entry = dlsym(h, AX_PLUGIN_ENTRY);
  if (!entry) {
    ax_errf(err, errlen, "plugin '%s' has no symbol %s (expected: const ax_model *const *%s(uint32_t abi))",
            path, AX_PLUGIN_ENTRY, AX_PLUGIN_ENTRY);
    dlclose(h);
    return AX_EINVAL;
  }
  s->plugins = ax_xrealloc(s->plugins, (s->nplugins + 1) * sizeof *s->plugins);
  s->plugins[s->nplugins++] = h;
  const ax_model *const *ms = entry(AX_ABI_VERSION);
  if (!ms || !*ms) {
    ax_errf(err, errlen, "plugin '%s' registered no model for ABI version %u", path, AX_ABI_VERSION);
    return AX_EINVAL;
  }
  for (; *ms; ms++) {
    const ax_model *m = *ms;
    if (m->abi != AX_ABI_VERSION) {
      ax_errf(err, errlen, "plugin '%s': model '%s' was built for ABI version %u, this axsim has ABI version %u; rebuild it against this axsim's include/axsim/axsim.h",
              path, m->name ? m->name : "?", m->abi, AX_ABI_VERSION);
      return AX_EINVAL;
    }
    if (!m->name || !m->name[0]) {
      ax_errf(err, errlen, "plugin '%s': a model has no name", path);
      return AX_EINVAL;
    }
    if (ax_registry_find(s, m->name)) {
      ax_errf(err, errlen, "plugin '%s': model name '%s' is already registered", path, m->name);
      return AX_EINVAL;
    }
    s->pmodels = ax_xrealloc(s->pmodels, (s->npmodels + 1) * sizeof *s->pmodels);
    s->pmodels[s->npmodels++] = m;
  }
  return AX_OK;
}

/* Close every plug-in of a run (its components are already destroyed). */
void ax_plugins_close(ax_sim *s) {
  for (size_t i = 0; i < s->nplugins; i++) dlclose(s->plugins[i]);
  free(s->plugins);
  free(s->pmodels);
  s->plugins = NULL;
  s->pmodels = NULL;
  s->nplugins = s->npmodels = 0;
}
