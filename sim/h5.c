/*
 * h5.c - HDF5 helpers (see h5.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "h5.h"
#include "sim.h"

int ax_h5_create(ax_h5 *h, const char *path, char *err, size_t errlen) {
  memset(h, 0, sizeof *h);
  h->path = ax_strdup(path);
  size_t n = strlen(path) + 5;
  h->tmp = ax_xmalloc(n);
  snprintf(h->tmp, n, "%s.tmp", path);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported by return codes */
  hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
  H5Pset_obj_track_times(fcpl, 0);
  h->file = H5Fcreate(h->tmp, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
  H5Pclose(fcpl);
  if (h->file < 0) {
    ax_errf(err, errlen, "%s: cannot create HDF5 file (is the folder writable?)", h->tmp);
    free(h->path);
    free(h->tmp);
    h->path = h->tmp = NULL;
    return AX_EIO;
  }
  return AX_OK;
}

int ax_h5_commit(ax_h5 *h, char *err, size_t errlen) {
  int rc = AX_OK;
  if (H5Fflush(h->file, H5F_SCOPE_GLOBAL) < 0 || H5Fclose(h->file) < 0) {
    ax_errf(err, errlen, "%s: cannot write HDF5 file", h->tmp);
    unlink(h->tmp);
    rc = AX_EIO;
  } else if (rename(h->tmp, h->path) != 0) {
    ax_errf(err, errlen, "cannot rename %s to %s", h->tmp, h->path);
    unlink(h->tmp);
    rc = AX_EIO;
  }
  free(h->path);
  free(h->tmp);
  memset(h, 0, sizeof *h);
  return rc;
}

void ax_h5_abandon(ax_h5 *h) {
  if (h->file > 0) H5Fclose(h->file);
  if (h->tmp) unlink(h->tmp);
  free(h->path);
  free(h->tmp);
  memset(h, 0, sizeof *h);
}

hid_t ax_h5_group(hid_t loc, const char *name) {
  hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
  H5Pset_obj_track_times(gcpl, 0);
  hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  return g;
}

static hid_t mem_type(const ax_h5col *c) {
  switch (c->type) {
  case AX_H5_U64: return H5Tcopy(H5T_NATIVE_UINT64);
  case AX_H5_I64: return H5Tcopy(H5T_NATIVE_INT64);
  case AX_H5_U32: return H5Tcopy(H5T_NATIVE_UINT32);
  case AX_H5_I32: return H5Tcopy(H5T_NATIVE_INT32);
  case AX_H5_F64: return H5Tcopy(H5T_NATIVE_DOUBLE);
  case AX_H5_STR: {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, c->size);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    return t;
  }
  }
  return -1;
}

int ax_h5_table(hid_t loc, const char *name, const ax_h5col *cols, size_t ncols, size_t rowsize,
                const void *rows, size_t nrows) {
  hid_t t = H5Tcreate(H5T_COMPOUND, rowsize);
  for (size_t i = 0; i < ncols; i++) {
    hid_t ct = mem_type(&cols[i]);
    H5Tinsert(t, cols[i].name, cols[i].off, ct);
    H5Tclose(ct);
  }
  hsize_t dims[1] = {nrows};
  hid_t sp = H5Screate_simple(1, dims, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_obj_track_times(dcpl, 0);
  hid_t d = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  int rc = d < 0 ? AX_EIO : AX_OK;
  if (rc == AX_OK && nrows && H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0) rc = AX_EIO;
  if (d >= 0) H5Dclose(d);
  H5Pclose(dcpl);
  H5Sclose(sp);
  H5Tclose(t);
  return rc;
}

static int attr_write(hid_t loc, const char *name, hid_t type, const void *v) {
  hid_t sp = H5Screate(H5S_SCALAR);
  if (H5Aexists(loc, name) > 0) H5Adelete(loc, name);
  hid_t a = H5Acreate2(loc, name, type, sp, H5P_DEFAULT, H5P_DEFAULT);
  int rc = a >= 0 && H5Awrite(a, type, v) >= 0 ? AX_OK : AX_EIO;
  if (a >= 0) H5Aclose(a);
  H5Sclose(sp);
  return rc;
}

int ax_h5_attr_str(hid_t loc, const char *name, const char *v) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, strlen(v) + 1);
  int rc = attr_write(loc, name, t, v);
  H5Tclose(t);
  return rc;
}

int ax_h5_attr_i64(hid_t loc, const char *name, long long v) {
  int64_t x = v;
  return attr_write(loc, name, H5T_NATIVE_INT64, &x);
}

int ax_h5_attr_f64(hid_t loc, const char *name, double v) {
  return attr_write(loc, name, H5T_NATIVE_DOUBLE, &v);
}
