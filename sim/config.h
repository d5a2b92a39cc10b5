/* config.h - build a run from a system file (libconfig) and overrides. */
#ifndef AX_CONFIG_H
#define AX_CONFIG_H

#include "sim.h"

/* Read `file`, apply the `nov` overrides ("path=value"), load plug-ins,
 * create components and links (not yet initialised). With has_seed, the
 * seed replaces the file's. On error: AX_EINVAL and a message naming file,
 * line, setting and what was expected. */
int ax_config_load(const char *file, char *const *ov, size_t nov, uint64_t seed, int has_seed,
                   ax_sim **out, char *err, size_t errlen);

#endif
