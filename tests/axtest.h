/*
 * axtest.h - helpers every cmocka test of axsim shares. Include after
 * <cmocka.h>.
 */
#ifndef AX_TEST_H
#define AX_TEST_H

#include <stdio.h>

/* Write text to path (a config, trace or other input of a test). */
static inline void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

#endif
