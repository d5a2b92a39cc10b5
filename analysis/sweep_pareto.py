#!/usr/bin/python3
"""sweep_pareto.py - Pareto front of a sweep's merged summary (axsim sweep).

Reads the /summary table of a sweep file (docs/sweeps.md), keeps the points
that ran (status 0) and met the constraints (feasible 1, unless --all),
and finds the non-dominated points for two or three objectives, all
minimised: by default the sweep's own objectives (obj0, obj1, obj2), or
named columns (--obj sim_time_ps energy_pj area_mm2). Prints the front as
a table (settings + objectives) and draws it: one panel per pair of
objectives, every point in grey, the front in colour.

usage: /usr/bin/python3 analysis/sweep_pareto.py SWEEP.h5 [--obj COL ...]
       [--all] [--png OUT.png] [--csv OUT.csv]
"""
import argparse
import sys

import h5py
import numpy as np
import pandas as pd


def read_summary(path):
    """The summary table as a DataFrame with str columns, plus the
    swept parameter names and the objective expressions."""
    with h5py.File(path, "r") as f:
        if "summary" not in f:
            sys.exit(f"{path}: no /summary table (is it an axsim sweep file?)")
        d = f["summary"]
        df = pd.DataFrame(d[:])
        objectives = d.attrs.get("objectives", b"")
    if isinstance(objectives, bytes):
        objectives = objectives.decode()
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].str.decode("utf-8")
    params = [c for c in df.columns if c + ".num" in df.columns]
    return df, params, [o for o in objectives.split("\n") if o]


def pareto_mask(values):
    """True for each row of `values` (n x k, minimised) that no other row
    dominates (<= in every objective and < in one)."""
    n = len(values)
    keep = np.ones(n, dtype=bool)
    order = np.lexsort(values.T[::-1])  # sorted by first objective, then the rest
    v = values[order]
    for a in range(n):
        if not keep[order[a]]:
            continue
        # only rows earlier in the order can dominate row a
        prev = v[:a][keep[order[:a]]]
        if len(prev) and np.any(np.all(prev <= v[a], axis=1) & np.any(prev < v[a], axis=1)):
            keep[order[a]] = False
    return keep


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--obj", nargs="+", help="columns to minimise (2 or 3); default: the sweep's objectives")
    ap.add_argument("--all", action="store_true", help="keep points that break the constraints")
    ap.add_argument("--png", help="plot file (default: FILE with _pareto.png)")
    ap.add_argument("--csv", help="write the front as CSV")
    a = ap.parse_args()

    df, params, objectives = read_summary(a.file)
    if a.obj:
        cols = a.obj
        labels = cols
    else:
        cols = [f"obj{i}" for i in range(len(objectives))][:3]
        labels = objectives[:3]
    for c in cols:
        if c not in df.columns:
            sys.exit(f"{a.file}: no column '{c}'; columns: {', '.join(df.columns)}")
    if not 2 <= len(cols) <= 3:
        sys.exit("give two or three objectives (--obj A B [C])")
    ok = df["status"] == 0
    if not a.all and "feasible" in df.columns:
        ok &= df["feasible"] == 1
    ran = df[ok & np.all(np.isfinite(df[cols].to_numpy(dtype=float)), axis=1)].reset_index(drop=True)
    if ran.empty:
        sys.exit(f"{a.file}: no point ran and met the constraints")
    front = ran[pareto_mask(ran[cols].to_numpy(dtype=float))].sort_values(cols[0])

    print(f"{a.file}: {len(df)} points, {int(ok.sum())} ran within the constraints, "
          f"{len(front)} on the Pareto front of {', '.join(labels)}")
    show = ["point"] + params + cols
    named = front[show].rename(columns={c: l for c, l in zip(cols, labels) if c != l})
    with pd.option_context("display.width", 200, "display.max_rows", 200):
        print(named.to_string(index=False))
    if a.csv:
        named.to_csv(a.csv, index=False)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    pairs = [(0, 1)] if len(cols) == 2 else [(0, 1), (0, 2), (1, 2)]
    fig, axes = plt.subplots(1, len(pairs), figsize=(5.5 * len(pairs), 4.5), squeeze=False)
    for ax, (i, j) in zip(axes[0], pairs):
        ax.scatter(ran[cols[i]], ran[cols[j]], s=6, c="0.75", label="all points")
        if len(cols) == 3:
            k = 3 - i - j
            sc = ax.scatter(front[cols[i]], front[cols[j]], s=18, c=front[cols[k]], cmap="viridis",
                            label="Pareto front (3 objectives)")
            fig.colorbar(sc, ax=ax, label=labels[k])
        else:
            f2 = front.sort_values(cols[i])
            ax.plot(f2[cols[i]], f2[cols[j]], "o-", ms=4, c="C3", label="Pareto front")
        ax.set_xlabel(labels[i])
        ax.set_ylabel(labels[j])
        ax.legend(fontsize=8)
    fig.suptitle(f"{a.file}: Pareto front ({len(front)} of {len(ran)} points)")
    fig.tight_layout()
    png = a.png or a.file.rsplit(".", 1)[0] + "_pareto.png"
    fig.savefig(png, dpi=110)
    print(f"plot: {png}")


if __name__ == "__main__":
    main()
