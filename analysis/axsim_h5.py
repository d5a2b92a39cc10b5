"""axsim_h5 - an axsim results file (run, sweep summary, fault campaign) as
pandas DataFrames.

    import sys; sys.path.insert(0, "analysis")
    from axsim_h5 import load
    r = load("run.h5")
    print(r.layers)            # one row per op (docs/hdf5-schema.md)
    print(r.energy, r.stats, r.components, r.attrs["sim_time_ps"])

A sweep summary file (axsim sweep -o S.h5) reads the same way: r.summary
is its one-row-per-point table, r.point(i) loads point i's own run file.

Every compound dataset in the file, wherever it sits, is a DataFrame in
r.tables keyed by its path without the leading slash ("layers", "summary",
"faults/avf", ...), so groups added by later schema
versions (sweeps, campaigns) are readable without changing this module.
Fixed-length byte strings are decoded to str, in tables and attributes.
Other datasets are numpy arrays in r.arrays; attributes of groups and
datasets are in r.group_attrs keyed by path ("" for the root, which is also
r.attrs).
"""
import os

import h5py
import numpy as np
import pandas as pd

__all__ = ["load", "Result", "AxsimFileError", "decode", "table_from_h5"]

# Newest schema this module was written against (docs/hdf5-schema.md).
SCHEMA_VERSION = 1


class AxsimFileError(Exception):
    """The path is not a readable axsim results file (message says why)."""


def decode(v):
    """Turn bytes, numpy bytes and numpy scalars into str / int / float."""
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray):
        if v.dtype.kind == "S":
            return [x.decode("utf-8", "replace") for x in v.ravel()]
        return v
    if isinstance(v, np.generic):
        return v.item()
    return v


def table_from_h5(ds):
    """A compound h5py dataset as a DataFrame with str columns for strings."""
    data = ds[()]
    if data.shape == ():
        data = data.reshape(1)
    df = pd.DataFrame(data)
    for name in data.dtype.names:
        kind = data.dtype[name].kind
        if kind == "S":
            df[name] = [x.decode("utf-8", "replace") for x in data[name]]
        elif kind == "O":  # variable-length strings
            df[name] = [decode(x) for x in data[name]]
    return df


class Result:
    """One axsim HDF5 file: attrs, tables (DataFrames by path), arrays."""

    def __init__(self, path):
        self.path = path
        self.attrs = {}
        self.tables = {}
        self.arrays = {}
        self.group_attrs = {}

    # --- the run tables of schema v1 (empty DataFrames when absent) ---
    @property
    def layers(self):
        """Per-op table: id, name, kind, unit, start_ps, end_ps, cycles, macs, ..."""
        return self.table("layers")

    @property
    def energy(self):
        """Energy per (component, action): count and pj."""
        return self.table("energy")

    @property
    def stats(self):
        """Statistics per (component, stat): value and unit."""
        return self.table("stats")

    @property
    def components(self):
        """Components: name, model, period_ps."""
        return self.table("components")

    @property
    def summary(self):
        """A sweep's summary: one row per point (docs/sweeps.md)."""
        return self.table("summary")

    @property
    def kind(self):
        """'run', 'sweep' or 'campaign', from the attributes and groups the file holds."""
        roots = {p.split("/")[0] for p in list(self.tables) + list(self.arrays)}
        if "faults" in roots or any(k.startswith("faults") or k.startswith("campaign") for k in self.attrs):
            return "campaign"
        if "sweep" in roots or "sweep_schema_version" in self.attrs:
            return "sweep"
        return "run"

    def point_path(self, i):
        """Path of point i's own results file, for a sweep summary file."""
        d = self.attrs.get("points_dir")
        if d is None:
            raise AxsimFileError("%s: not a sweep summary (no points_dir attribute)" % self.path)
        if not os.path.isabs(d):
            d = os.path.join(os.path.dirname(os.path.abspath(self.path)), d)
        return os.path.join(d, "p%06d.h5" % int(i))

    def point(self, i):
        """Point i of a sweep, loaded as a run Result."""
        return load(self.point_path(i))

    def table(self, path):
        """The DataFrame at `path` (e.g. "layers"), empty if the file has none."""
        path = path.strip("/")
        if path in self.tables:
            return self.tables[path]
        return pd.DataFrame()

    def has(self, path):
        """True if the file holds a table or array at `path`."""
        path = path.strip("/")
        return path in self.tables or path in self.arrays

    def stat(self, component, stat, default=None):
        """The value of one statistic, or `default` if the run did not report it."""
        s = self.stats
        if s.empty:
            return default
        m = s[(s["component"] == component) & (s["stat"] == stat)]
        return float(m["value"].iloc[0]) if len(m) else default

    def __repr__(self):
        return "<axsim %s %s: %s>" % (self.kind, self.path, ", ".join(sorted(self.tables)))


def load(path, require_schema=True):
    """Read an axsim HDF5 file into a Result; AxsimFileError if it is not one."""
    if not os.path.exists(path):
        raise AxsimFileError("%s: no such file" % path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise AxsimFileError("%s: not an HDF5 file (%s)" % (path, e))
    r = Result(path)
    with f:
        r.attrs = {k: decode(v) for k, v in f.attrs.items()}
        r.group_attrs[""] = r.attrs
        if require_schema and not any(k.endswith("schema_version") for k in r.attrs):
            raise AxsimFileError("%s: not an axsim results file (no schema_version attribute)" % path)

        def visit(name, obj):
            if obj.attrs:
                r.group_attrs[name] = {k: decode(v) for k, v in obj.attrs.items()}
            if isinstance(obj, h5py.Dataset):
                if obj.dtype.names:
                    r.tables[name] = table_from_h5(obj)
                else:
                    r.arrays[name] = obj[()]

        f.visititems(visit)
    return r


# ---- small helpers the scripts share -------------------------------------

def script_load(path, prog, point=None):
    """load() for a script: a run file, or point `point` of a sweep summary;
    on error print 'prog: message' and exit 2."""
    import sys
    try:
        r = load(path)
        if r.kind == "sweep":
            n = len(r.summary)
            if point is None:
                raise AxsimFileError("%s: a sweep summary of %d points; choose one with --point N (0..%d)"
                                     % (path, n, n - 1))
            if not 0 <= point < n:
                raise AxsimFileError("%s: --point %d: expected 0..%d" % (path, point, n - 1))
            return load(r.point_path(point))
        if point is not None:
            raise AxsimFileError("%s: --point %d: this is a single run, not a sweep summary" % (path, point))
        return r
    except AxsimFileError as e:
        print("%s: %s" % (prog, e), file=sys.stderr)
        sys.exit(2)


def script_load_any(path, prog):
    """load() for a script that takes any kind of file; on error exit 2."""
    import sys
    try:
        return load(path)
    except AxsimFileError as e:
        print("%s: %s" % (prog, e), file=sys.stderr)
        sys.exit(2)


def add_file_args(p, what="axsim results file"):
    """The FILE argument and --point N every single-run script takes."""
    p.add_argument("file", help="%s (axsim run -o FILE), or a sweep summary with --point" % what)
    p.add_argument("--point", type=int, default=None, metavar="N",
                   help="with a sweep summary file (axsim sweep -o FILE): use point N's run")


def need_table(r, path, prog):
    """The table at `path` or exit 2 with a message naming the file."""
    import sys
    t = r.table(path)
    if t.empty:
        print("%s: %s: no rows in /%s (is this a run file? it holds: %s)"
              % (prog, r.path, path, ", ".join("/" + p for p in sorted(r.tables)) or "nothing"),
              file=sys.stderr)
        sys.exit(2)
    return t


def pyplot():
    """matplotlib.pyplot with the Agg backend (no display needed)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def fmt(v):
    """A number for a key=value line: integers exact, floats with 10 digits."""
    if isinstance(v, (int, np.integer)):
        return "%d" % v
    return "%.15g" % v


def print_table(title, df, floatfmt="%.10g"):
    """Print '# title' then df as whitespace-separated columns (one header line)."""
    print("# %s" % title)
    if df.empty:
        print("(none)")
        return
    out = df.copy()
    for c in out.columns:
        if out[c].dtype.kind == "f":
            out[c] = [floatfmt % v for v in out[c]]
        elif out[c].dtype.kind == "O":
            out[c] = [str(v).replace(" ", "_") if str(v) else "-" for v in out[c]]
    print(out.to_string(index=False))


def print_kv(pairs):
    """Print key=value lines (the machine-readable end of every script)."""
    for k, v in pairs:
        print("%s=%s" % (k, fmt(v)))


def unit_colors(units):
    """A stable colour per unit name (tab10 in order of first appearance)."""
    plt = pyplot()
    cmap = plt.get_cmap("tab10")
    out = {}
    for u in units:
        if u not in out:
            out[u] = cmap(len(out) % 10)
    return out


def save(fig, path, prog):
    """Write a figure as PNG and say where (plot=PATH line)."""
    fig.savefig(path, dpi=120, bbox_inches="tight")
    print("plot=%s" % path)
