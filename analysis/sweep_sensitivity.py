#!/usr/bin/python3
"""sweep_sensitivity.py - how much each swept setting moves a figure.

Reads the /summary table of a sweep file (docs/sweeps.md). For each swept
parameter, groups the points that ran by its value (numeric parameters
with many values are cut into --bins quantile bins) and reports the
correlation ratio eta^2 = Var(E[Y | X]) / Var(Y): the share of the
figure's variance the parameter explains on its own (the first-order
sensitivity index, Saltelli et al., "Global Sensitivity Analysis: The
Primer", 2008, ch. 1; for a grid or a Latin hypercube the groups are
balanced). Draws one panel per parameter: mean of the figure per value,
with the min-max band.

usage: /usr/bin/python3 analysis/sweep_sensitivity.py SWEEP.h5
       [--metric COL ...] [--bins 8] [--png OUT.png]
"""
import argparse
import sys

import numpy as np
import pandas as pd

from sweep_pareto import read_summary


def groups(df, p, bins):
    """The group label of each row for parameter p."""
    num = df[p + ".num"]
    if num.notna().all() and num.nunique() > bins:
        return pd.qcut(num, bins, duplicates="drop").map(lambda iv: iv.mid)
    if num.notna().all():
        return num
    return df[p]


def eta2(y, g):
    m = y.mean()
    total = ((y - m) ** 2).sum()
    if total == 0:
        return 0.0
    gm = y.groupby(g, observed=True).agg(["mean", "size"])
    return float((gm["size"] * (gm["mean"] - m) ** 2).sum() / total)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--metric", nargs="+", default=None,
                    help="figures to explain (default: sim_time_ps energy_pj and the sweep's metrics)")
    ap.add_argument("--bins", type=int, default=8)
    ap.add_argument("--png", help="plot file (default: FILE with _sensitivity.png)")
    a = ap.parse_args()

    df, params, _ = read_summary(a.file)
    if not params:
        sys.exit(f"{a.file}: no swept parameter columns")
    ran = df[df["status"] == 0].reset_index(drop=True)
    if ran.empty:
        sys.exit(f"{a.file}: no point ran")
    fixed = {"point", "generation", "seed", "status", "feasible", "violation", "error", "ops", "events"}
    if a.metric:
        metrics = a.metric
    else:
        metrics = ["sim_time_ps", "energy_pj"] + [c for c in df.columns
                                                   if c not in fixed and c not in params and not c.endswith(".num")
                                                   and not c.startswith("obj") and c not in ("sim_time_ps", "energy_pj", "macs")]
    for m in metrics:
        if m not in ran.columns:
            sys.exit(f"{a.file}: no column '{m}'")

    table = pd.DataFrame(index=params, columns=metrics, dtype=float)
    for m in metrics:
        y = ran[m].astype(float)
        for p in params:
            table.loc[p, m] = eta2(y, groups(ran, p, a.bins))
    print(f"{a.file}: {len(ran)} points ran; first-order sensitivity (eta^2, share of variance):")
    with pd.option_context("display.width", 200, "display.float_format", "{:.3f}".format):
        print(table.sort_values(metrics[0], ascending=False).to_string())

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(len(metrics), len(params), figsize=(3.2 * len(params), 2.6 * len(metrics)),
                             squeeze=False)
    for r, m in enumerate(metrics):
        y = ran[m].astype(float)
        for c, p in enumerate(params):
            g = groups(ran, p, a.bins)
            st = y.groupby(g, observed=True).agg(["mean", "min", "max"])
            ax = axes[r][c]
            x = np.arange(len(st)) if st.index.dtype == object else st.index.astype(float)
            ax.fill_between(x, st["min"], st["max"], alpha=0.25)
            ax.plot(x, st["mean"], "o-", ms=3)
            if st.index.dtype == object:
                ax.set_xticks(x)
                ax.set_xticklabels(st.index)
            ax.set_title(f"eta2 = {table.loc[p, m]:.2f}", fontsize=8)
            if r == len(metrics) - 1:
                ax.set_xlabel(p)
            if c == 0:
                ax.set_ylabel(m)
    fig.suptitle(f"{a.file}: mean (line) and min-max (band) of each figure per setting value")
    fig.tight_layout()
    png = a.png or a.file.rsplit(".", 1)[0] + "_sensitivity.png"
    fig.savefig(png, dpi=100)
    print(f"plot: {png}")


if __name__ == "__main__":
    main()
