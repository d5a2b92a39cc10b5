/*
 * axtest.h - helpers every cmocka test of axsim shares. Include after
 * <cmocka.h>.
 */
#ifndef AX_TEST_H
#define AX_TEST_H

#include <stdio.h>

#include "config.h"
#include "sim.h"

/* Write text to path (a config, trace or other input of a test). */
static inline void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Write cfg_text to `path`, then load and initialise that system; NULL
 * with the message in err (AX_ERR_MAX bytes) when it does not load. */
static inline ax_sim *axt_load(const char *path, const char *cfg_text, char *err) {
  ax_sim *s = NULL;
  write_file(path, cfg_text);
  int rc = ax_config_load(path, NULL, 0, 0, 0, &s, err, AX_ERR_MAX);
  if (rc == AX_OK) rc = ax_sim_init_components(s, err, AX_ERR_MAX);
  if (rc != AX_OK) {
    ax_sim_free(s);
    return NULL;
  }
  return s;
}

/* axt_load, run to the end and collect the statistics; any error fails
 * the test with its message. */
static inline ax_sim *axt_run(const char *path, const char *cfg_text) {
  char err[AX_ERR_MAX];
  ax_sim *s = axt_load(path, cfg_text, err);
  if (!s) fail_msg("%s", err);
  if (ax_sim_run(s) != AX_OK) fail_msg("%s", s->err);
  ax_sim_collect_stats(s);
  return s;
}

#endif
