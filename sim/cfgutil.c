/*
 * cfgutil.c - helpers shared by axsim's libconfig readers (see cfgutil.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "axsim/axsim.h"
#include "cfgutil.h"
#include "sim.h"

void ax_cfg_path(const config_setting_t *st, char *buf, size_t len) {
  const char *parts[32];
  char idx[32][16];
  int n = 0;
  for (const config_setting_t *p = st; p && config_setting_parent(p) && n < 32;
       p = config_setting_parent(p)) {
    if (config_setting_name(p)) {
      parts[n] = config_setting_name(p);
    } else {
      snprintf(idx[n], sizeof idx[n], "[%d]", config_setting_index(p));
      parts[n] = idx[n];
    }
    n++;
  }
  size_t off = 0;
  buf[0] = 0;
  for (int i = n - 1; i >= 0 && off < len; i--)
    off += (size_t)snprintf(buf + off, len - off, "%s%s", (i < n - 1) ? "." : "", parts[i]);
}

const char *ax_cfg_type_name(int t) {
  switch (t) {
  case CONFIG_TYPE_INT:
  case CONFIG_TYPE_INT64: return "an integer";
  case CONFIG_TYPE_FLOAT: return "a number";
  case CONFIG_TYPE_STRING: return "a string";
  case CONFIG_TYPE_BOOL: return "a boolean";
  case CONFIG_TYPE_ARRAY: return "an array";
  case CONFIG_TYPE_LIST: return "a list";
  case CONFIG_TYPE_GROUP: return "a group";
  }
  return "a value";
}

int ax_cfg_is_int(const config_setting_t *st) {
  int t = config_setting_type(st);
  return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

int ax_cfg_is_num(const config_setting_t *st) {
  return ax_cfg_is_int(st) || config_setting_type(st) == CONFIG_TYPE_FLOAT;
}

double ax_cfg_num(const config_setting_t *st) {
  return ax_cfg_is_int(st) ? (double)config_setting_get_int64(st) : config_setting_get_float(st);
}

int ax_cfg_verror(char *err, size_t errlen, const char *file, const config_setting_t *st,
                  const char *fmt, va_list ap) {
  char msg[800], path[256];
  vsnprintf(msg, sizeof msg, fmt, ap);
  const char *f = st ? config_setting_source_file(st) : NULL;
  if (!f) f = file;
  if (!st || !config_setting_parent(st)) {
    ax_errf(err, errlen, "%s: %s", f, msg);
    return AX_EINVAL;
  }
  ax_cfg_path(st, path, sizeof path);
  int line = (int)config_setting_source_line(st);
  if (!line)
    ax_errf(err, errlen, "%s: setting '%s' (set with -s): %s", f, path, msg);
  else
    ax_errf(err, errlen, "%s:%d: setting '%s': %s", f, line, path, msg);
  return AX_EINVAL;
}

int ax_cfg_read(config_t *cfg, const char *file, const char *what, char *err, size_t errlen) {
  struct stat sb;
  if (stat(file, &sb) != 0) {
    ax_errf(err, errlen, "%s: cannot open %s: %s", file, what, strerror(errno));
    return AX_EINVAL;
  }
  if (!S_ISREG(sb.st_mode)) {
    ax_errf(err, errlen, "%s: not a regular file", file);
    return AX_EINVAL;
  }
  char dir[1024] = ".";
  const char *slash = strrchr(file, '/');
  if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - file), file);
  config_init(cfg);
  config_set_include_dir(cfg, dir);
  if (!config_read_file(cfg, file)) {
    const char *ef = config_error_file(cfg);
    ax_errf(err, errlen, "%s:%d: syntax error: %s", ef ? ef : file, config_error_line(cfg),
            config_error_text(cfg));
    config_destroy(cfg);
    return AX_EINVAL;
  }
  return AX_OK;
}
