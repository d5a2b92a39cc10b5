/*
 * cfgutil.h - helpers every libconfig reader of axsim shares (system
 * files, sweep files, campaign files): setting paths, type names, numbers,
 * and the one error format "file:line: setting 'path': what was expected".
 */
#ifndef AX_CFGUTIL_H
#define AX_CFGUTIL_H

#include <libconfig.h>
#include <stdarg.h>
#include <stddef.h>

/* Dotted path of a setting ("sa0.rows", "links.[2].from"). */
void ax_cfg_path(const config_setting_t *st, char *buf, size_t len);
/* "an integer", "a string", ... for a CONFIG_TYPE_*. */
const char *ax_cfg_type_name(int type);
/* Whether a setting is an integer; a number (integer or float). */
int ax_cfg_is_int(const config_setting_t *st);
int ax_cfg_is_num(const config_setting_t *st);
/* A number setting's value as a double. */
double ax_cfg_num(const config_setting_t *st);
/* Write the error about setting st into err and return AX_EINVAL:
 * "file:line: setting 'path': msg"; for the root "file: msg"; for a
 * setting with no line (added by -s) "file: setting 'path' (set with -s): msg".
 * `file` is used when libconfig does not know the setting's file. */
int ax_cfg_verror(char *err, size_t errlen, const char *file, const config_setting_t *st,
                  const char *fmt, va_list ap);

/* Read a libconfig file: it must be a regular file; @include paths resolve
 * against its folder; syntax errors read "file:line: syntax error: ...".
 * `what` names the kind of file ("config", "sweep file") in messages. On
 * AX_OK cfg holds the file (config_destroy it); else AX_EINVAL and err. */
int ax_cfg_read(config_t *cfg, const char *file, const char *what, char *err, size_t errlen);

#endif
