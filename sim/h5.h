/*
 * h5.h - writing axsim's HDF5 files: compound tables that h5py and pandas
 * read as they are, attributes, and the write-to-temporary-then-rename rule
 * that keeps an interrupted run from leaving a file that looks finished.
 */
#ifndef AX_H5_H
#define AX_H5_H

#include <hdf5.h>
#include <stddef.h>

typedef enum ax_h5t { AX_H5_U64, AX_H5_I64, AX_H5_U32, AX_H5_I32, AX_H5_F64, AX_H5_STR } ax_h5t;

/* One column of a table: a field of a C struct. For AX_H5_STR the field is
 * a char array of `size` bytes (written as a fixed-length string). */
typedef struct ax_h5col {
  const char *name;
  ax_h5t type;
  size_t off, size;
} ax_h5col;

typedef struct ax_h5 {
  hid_t file;
  char *path, *tmp;
} ax_h5;

/* Create `path`.tmp for writing. AX_EIO with a message on failure. */
int ax_h5_create(ax_h5 *h, const char *path, char *err, size_t errlen);
/* Close and rename the temporary file to its final name (commit). */
int ax_h5_commit(ax_h5 *h, char *err, size_t errlen);
/* Close and delete the temporary file (abandon). */
void ax_h5_abandon(ax_h5 *h);
/* Write nrows structs of rowsize bytes as a compound dataset `name` under loc. */
int ax_h5_table(hid_t loc, const char *name, const ax_h5col *cols, size_t ncols, size_t rowsize,
                const void *rows, size_t nrows);
/* Attributes on a group or dataset. */
int ax_h5_attr_str(hid_t loc, const char *name, const char *v);
int ax_h5_attr_i64(hid_t loc, const char *name, long long v);
int ax_h5_attr_f64(hid_t loc, const char *name, double v);
/* Create a group (no time stamps, so files are reproducible). */
hid_t ax_h5_group(hid_t loc, const char *name);

#endif
