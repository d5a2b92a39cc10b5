/* bad_abi.c - a plug-in built for another ABI version, for the loader's test. */
#include "axsim/axsim.h"

static const ax_model old = {.abi = AX_ABI_VERSION + 41, .name = "old_unit"};
static const ax_model *const models[] = {&old, NULL};

const ax_model *const *ax_plugin_models(uint32_t abi) {
  (void)abi;
  return models;
}
