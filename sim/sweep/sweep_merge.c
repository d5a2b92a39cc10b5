/*
 * sweep_merge.c - `axsim merge`: the summaries of a sweep's shards (job
 * array tasks, `axsim sweep --shard i/N`) joined into one file, rows
 * sorted by point: the same table a single `axsim sweep` writes.
 */
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "h5.h"
#include "sim.h"
#include "sweep_run.h"

typedef struct shard {
  hid_t f, ftype, wtype;
  char *rows, *wall;
  size_t n;
  char hash[32];
  long long npoints;
} shard;

static char *attr_s(hid_t loc, const char *name) {
  if (H5Aexists(loc, name) <= 0) return ax_strdup("");
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT), t = H5Aget_type(a);
  size_t n = H5Tget_size(t);
  char *v = ax_xcalloc(1, n + 1);
  H5Aread(a, t, v);
  H5Tclose(t);
  H5Aclose(a);
  return v;
}

static long long attr_ll(hid_t loc, const char *name) {
  long long v = -1;
  if (H5Aexists(loc, name) > 0) {
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    int64_t x;
    if (H5Aread(a, H5T_NATIVE_INT64, &x) >= 0) v = x;
    H5Aclose(a);
  }
  return v;
}

static char *read_all(hid_t f, const char *name, hid_t *type, size_t *n) {
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  if (d < 0) return NULL;
  *type = H5Dget_type(d);
  hid_t sp = H5Dget_space(d);
  hssize_t m = H5Sget_simple_extent_npoints(sp);
  size_t rs = H5Tget_size(*type);
  char *b = ax_xcalloc(m > 0 ? (size_t)m : 1, rs);
  if (m > 0 && H5Dread(d, *type, H5S_ALL, H5S_ALL, H5P_DEFAULT, b) < 0) m = -1;
  H5Sclose(sp);
  H5Dclose(d);
  if (m < 0) {
    free(b);
    H5Tclose(*type);
    return NULL;
  }
  *n = (size_t)m;
  return b;
}

typedef struct key {
  uint64_t point;
  size_t at;
} key;

static int by_point(const void *a, const void *b) {
  const key *x = a, *y = b;
  if (x->point != y->point) return x->point < y->point ? -1 : 1;
  return x->at < y->at ? -1 : x->at > y->at;
}

/* Sort n rows of rs bytes by the u64 at offset off (stable: ties keep order). */
static void sort_rows(char *rows, size_t n, size_t rs, size_t off) {
  key *k = ax_xcalloc(n ? n : 1, sizeof *k);
  for (size_t i = 0; i < n; i++) {
    memcpy(&k[i].point, rows + i * rs + off, 8);
    k[i].at = i;
  }
  qsort(k, n, sizeof *k, by_point);
  char *tmp = ax_xcalloc(n ? n : 1, rs);
  for (size_t i = 0; i < n; i++) memcpy(tmp + i * rs, rows + k[i].at * rs, rs);
  memcpy(rows, tmp, n * rs);
  free(tmp);
  free(k);
}

static int copy_attrs(hid_t from, hid_t to) {
  static const char *const s[] = {"axsim_version", "sweep_file", "sweep_text", "sweep_hash", "base", "mode", "points_dir"};
  static const char *const i[] = {"sweep_schema_version", "npoints"};
  int rc = 0;
  for (size_t k = 0; k < 7; k++) {
    char *v = attr_s(from, s[k]);
    rc |= ax_h5_attr_str(to, s[k], v);
    free(v);
  }
  for (size_t k = 0; k < 2; k++) rc |= ax_h5_attr_i64(to, i[k], attr_ll(from, i[k]));
  return rc | ax_h5_attr_str(to, "shard", "");
}

static int write_rows(hid_t f, const char *name, hid_t type, const char *rows, size_t n) {
  hsize_t dims[1] = {n};
  hid_t sp = H5Screate_simple(1, dims, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_obj_track_times(dcpl, 0);
  hid_t d = H5Dcreate2(f, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  int rc = d < 0 || (n && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0) ? -1 : 0;
  if (d >= 0) H5Dclose(d);
  H5Pclose(dcpl);
  H5Sclose(sp);
  return rc;
}

/* Copy a string attribute of a dataset from one file to another. */
static int copy_dattr(hid_t from, hid_t to, const char *dset, const char *name) {
  hid_t a = H5Dopen2(from, dset, H5P_DEFAULT), b = H5Dopen2(to, dset, H5P_DEFAULT);
  int rc = -1;
  if (a >= 0 && b >= 0) {
    char *v = attr_s(a, name);
    rc = ax_h5_attr_str(b, name, v);
    free(v);
  }
  if (a >= 0) H5Dclose(a);
  if (b >= 0) H5Dclose(b);
  return rc;
}

typedef struct links {
  char **name, **target;
  size_t n, cap;
} links;

static herr_t on_link(hid_t g, const char *name, const H5L_info_t *info, void *op) {
  links *L = op;
  if (info->type != H5L_TYPE_EXTERNAL) return 0;
  char buf[1400];
  if (H5Lget_val(g, name, buf, sizeof buf, H5P_DEFAULT) < 0) return 0;
  unsigned flags;
  const char *file, *obj;
  if (H5Lunpack_elink_val(buf, info->u.val_size, &flags, &file, &obj) < 0) return 0;
  if (L->n == L->cap) {
    L->cap = L->cap ? L->cap * 2 : 256;
    L->name = ax_xrealloc(L->name, L->cap * sizeof *L->name);
    L->target = ax_xrealloc(L->target, L->cap * sizeof *L->target);
  }
  L->name[L->n] = ax_strdup(name);
  L->target[L->n++] = ax_strdup(file);
  return 0;
}

int ax_sweep_merge(const char *out, char *const *files, size_t n, int allow_partial, char *err, size_t errlen) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  shard *sh = ax_xcalloc(n, sizeof *sh);
  int rc = AX_EINVAL;
  size_t total = 0, wsz = 0, rs = 0, off = 0;
  char *rows = NULL, *wall = NULL;
  links L = {0};
  for (size_t k = 0; k < n; k++) {
    shard *s = &sh[k];
    s->f = H5Fopen(files[k], H5F_ACC_RDONLY, H5P_DEFAULT);
    if (s->f < 0) {
      ax_errf(err, errlen, "%s: cannot open as HDF5 (a shard's summary, written by axsim sweep --shard)", files[k]);
      goto done;
    }
    char *hs = attr_s(s->f, "sweep_hash");
    snprintf(s->hash, sizeof s->hash, "%s", hs);
    free(hs);
    s->npoints = attr_ll(s->f, "npoints");
    if (!s->hash[0]) {
      ax_errf(err, errlen, "%s: not a sweep summary (no sweep_hash attribute)", files[k]);
      goto done;
    }
    if (k && (strcmp(s->hash, sh[0].hash) || s->npoints != sh[0].npoints)) {
      ax_errf(err, errlen, "%s is a shard of another sweep than %s (sweep_hash %s vs %s): merge shards of one sweep file",
              files[k], files[0], s->hash, sh[0].hash);
      goto done;
    }
    s->rows = read_all(s->f, "summary", &s->ftype, &s->n);
    size_t wn = 0;
    s->wall = read_all(s->f, "wall", &s->wtype, &wn);
    if (!s->rows || !s->wall || wn != s->n) {
      ax_errf(err, errlen, "%s: no readable summary and wall tables", files[k]);
      goto done;
    }
    if (k && (H5Tequal(s->ftype, sh[0].ftype) <= 0)) {
      ax_errf(err, errlen, "%s: its summary columns differ from %s's", files[k], files[0]);
      goto done;
    }
    hid_t g = H5Gopen2(s->f, "points", H5P_DEFAULT);
    if (g >= 0) {
      H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, on_link, &L);
      H5Gclose(g);
    }
    total += s->n;
  }
  rs = H5Tget_size(sh[0].ftype);
  wsz = H5Tget_size(sh[0].wtype);
  int pi = H5Tget_member_index(sh[0].ftype, "point");
  if (pi < 0) {
    ax_errf(err, errlen, "%s: the summary has no 'point' column", files[0]);
    goto done;
  }
  off = H5Tget_member_offset(sh[0].ftype, (unsigned)pi);
  rows = ax_xcalloc(total ? total : 1, rs);
  wall = ax_xcalloc(total ? total : 1, wsz);
  size_t m = 0;
  for (size_t k = 0; k < n; k++) {
    memcpy(rows + m * rs, sh[k].rows, sh[k].n * rs);
    memcpy(wall + m * wsz, sh[k].wall, sh[k].n * wsz);
    m += sh[k].n;
  }
  sort_rows(rows, total, rs, off);
  sort_rows(wall, total, wsz, 0); /* wall: point is its first column */
  /* the same point twice: fine if identical (a shard re-run), else an error */
  size_t u = 0;
  for (size_t k = 0; k < total; k++) {
    uint64_t a, b;
    memcpy(&b, rows + k * rs + off, 8);
    if (u) {
      memcpy(&a, rows + (u - 1) * rs + off, 8);
      if (a == b) {
        if (memcmp(rows + (u - 1) * rs, rows + k * rs, rs)) {
          ax_errf(err, errlen, "point %llu is in two shards with different results", (unsigned long long)b);
          goto done;
        }
        continue;
      }
    }
    memmove(rows + u * rs, rows + k * rs, rs);
    u++;
  }
  size_t uw = 0;
  for (size_t k = 0; k < total; k++) {
    uint64_t a, b;
    memcpy(&b, wall + k * wsz, 8);
    if (uw) {
      memcpy(&a, wall + (uw - 1) * wsz, 8);
      if (a == b) continue;
    }
    memmove(wall + uw * wsz, wall + k * wsz, wsz);
    uw++;
  }
  if (sh[0].npoints >= 0 && (long long)u != sh[0].npoints && !allow_partial) {
    ax_errf(err, errlen, "the shards hold %zu of the sweep's %lld points: a shard is missing (or pass --partial)", u, sh[0].npoints);
    goto done;
  }
  ax_h5 h;
  if (ax_h5_create(&h, out, err, errlen) != AX_OK) {
    rc = AX_EIO;
    goto done;
  }
  int e = copy_attrs(sh[0].f, h.file);
  e |= write_rows(h.file, "summary", sh[0].ftype, rows, u);
  e |= copy_dattr(sh[0].f, h.file, "summary", "objectives");
  e |= copy_dattr(sh[0].f, h.file, "summary", "constraints");
  e |= copy_dattr(sh[0].f, h.file, "summary", "metrics");
  e |= write_rows(h.file, "wall", sh[0].wtype, wall, uw);
  hid_t g = ax_h5_group(h.file, "points");
  /* links in name order, each once */
  for (size_t k = 0; k < L.n; k++)
    if (H5Lexists(g, L.name[k], H5P_DEFAULT) <= 0 &&
        H5Lcreate_external(L.target[k], "/", g, L.name[k], H5P_DEFAULT, H5P_DEFAULT) < 0)
      e = -1;
  H5Gclose(g);
  if (e) {
    ax_errf(err, errlen, "%s: writing the merged summary failed", out);
    ax_h5_abandon(&h);
    rc = AX_EIO;
    goto done;
  }
  rc = ax_h5_commit(&h, err, errlen);
done:
  for (size_t k = 0; k < n; k++) {
    if (sh[k].rows) H5Tclose(sh[k].ftype);
    if (sh[k].wall) H5Tclose(sh[k].wtype);
    free(sh[k].rows);
    free(sh[k].wall);
    if (sh[k].f > 0) H5Fclose(sh[k].f);
  }
  for (size_t k = 0; k < L.n; k++) {
    free(L.name[k]);
    free(L.target[k]);
  }
  free(L.name);
  free(L.target);
  free(sh);
  free(rows);
  free(wall);
  return rc;
}
