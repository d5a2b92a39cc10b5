#!/usr/bin/python3
"""bandwidth.py - DRAM (or SRAM / NoC) traffic over time, binned.

Each op's bytes at the chosen level (the /layers columns bytes_dram,
bytes_sram, bytes_noc) are spread evenly over the op's [start_ps, end_ps)
and summed into equal time bins over [0, sim_time_ps). Prints one row per
bin (start, end, bytes, GB/s, and bytes per unit) and key=value totals:
the bins' bytes add up to the column's sum exactly (up to rounding), the
mean is total bytes over the run's simulated time, the peak the busiest
bin. An op of zero length puts all its bytes in the bin holding its start.
The PNG stacks the bins' GB/s by unit, with --peak-gbps drawn as a line.
"""
import argparse
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import axsim_h5 as ax  # noqa: E402


def binned(L, col, edges):
    """Bytes of column `col` per bin (edges in ps) and per unit: DataFrame."""
    nb = len(edges) - 1
    units = list(dict.fromkeys(L["unit"]))
    per = {u: np.zeros(nb) for u in units}
    for s, e, b, u in zip(L["start_ps"].astype(float), L["end_ps"].astype(float),
                          L[col].astype(float), L["unit"]):
        if b == 0:
            continue
        if e <= s:
            k = min(max(np.searchsorted(edges, s, side="right") - 1, 0), nb - 1)
            per[u][k] += b
            continue
        ov = np.clip(np.minimum(edges[1:], e) - np.maximum(edges[:-1], s), 0, None)
        per[u] += b * ov / (e - s)
    df = pd.DataFrame({"bin": np.arange(nb), "t0_ps": edges[:-1].astype(np.int64),
                       "t1_ps": edges[1:].astype(np.int64)})
    df["bytes"] = sum(per.values()) if per else np.zeros(nb)
    df["gbps"] = df["bytes"] / (df["t1_ps"] - df["t0_ps"]) * 1e3  # bytes/ps -> GB/s
    for u in units:
        df["bytes." + u] = per[u]
    return df


def main(argv=None):
    p = argparse.ArgumentParser(prog="bandwidth.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    ax.add_file_args(p)
    p.add_argument("--level", choices=("dram", "sram", "noc"), default="dram",
                   help="which bytes_* column (default: dram)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--bins", type=int, default=50, help="number of equal bins (default 50)")
    g.add_argument("--bin-ps", type=int, default=None, help="bin width in ps (instead of --bins)")
    p.add_argument("--peak-gbps", type=float, default=None, help="draw this bandwidth as a line")
    p.add_argument("-o", "--out", default="bandwidth.png", help="PNG to write (default: bandwidth.png)")
    p.add_argument("--no-plot", action="store_true", help="print the tables only")
    a = p.parse_args(argv)
    r = ax.script_load(a.file, p.prog, a.point)
    L = ax.need_table(r, "layers", p.prog)
    col = "bytes_" + a.level
    t_end = int(max(int(r.attrs.get("sim_time_ps", 0)), int(L["end_ps"].max())))
    if t_end <= 0:
        print("%s: %s: the run has no simulated time to bin" % (p.prog, r.path), file=sys.stderr)
        return 2
    if a.bin_ps is not None:
        if a.bin_ps <= 0:
            print("%s: --bin-ps must be > 0" % p.prog, file=sys.stderr)
            return 2
        nb = -(-t_end // a.bin_ps)
        edges = np.arange(nb + 1, dtype=np.float64) * a.bin_ps
    else:
        if a.bins <= 0:
            print("%s: --bins must be > 0" % p.prog, file=sys.stderr)
            return 2
        edges = np.linspace(0.0, float(t_end), a.bins + 1)
        edges = np.round(edges)
    B = binned(L, col, edges)
    ax.print_table("%s bytes per bin" % a.level, B, floatfmt="%.6f")
    total = float(L[col].sum())
    kv = [("bins", len(B)), ("bin_ps", float(edges[1] - edges[0])), ("t_end_ps", t_end),
          ("total_bytes", int(L[col].sum())), ("binned_bytes", float(B["bytes"].sum())),
          ("mean_gbps", total / t_end * 1e3), ("peak_gbps", float(B["gbps"].max())),
          ("peak_bin", int(B["gbps"].idxmax()))]
    print("level=%s" % a.level)
    ax.print_kv(kv)
    if not a.no_plot:
        plt = ax.pyplot()
        fig, axp = plt.subplots(figsize=(11, 4))
        mid = (B["t0_ps"] + B["t1_ps"]) / 2e3
        w = (B["t1_ps"] - B["t0_ps"]) / 1e3
        bottom = np.zeros(len(B))
        units = [c[len("bytes."):] for c in B.columns if c.startswith("bytes.")]
        colors = ax.unit_colors(units)
        for u in units:
            g = B["bytes." + u] / (B["t1_ps"] - B["t0_ps"]) * 1e3
            axp.bar(mid, g, w, bottom=bottom, color=colors[u], label=u, align="center")
            bottom += g.to_numpy()
        if a.peak_gbps:
            axp.axhline(a.peak_gbps, color="red", linestyle="--", label="peak %g GB/s" % a.peak_gbps)
        axp.set_xlabel("time (ns)")
        axp.set_ylabel("%s bandwidth (GB/s)" % a.level.upper())
        axp.set_title("%s - %s traffic, %d bins of %g ns" % (os.path.basename(r.path), a.level, len(B),
                                                             (edges[1] - edges[0]) / 1e3))
        axp.legend(fontsize=8)
        fig.tight_layout()
        ax.save(fig, a.out, p.prog)
    return 0


if __name__ == "__main__":
    sys.exit(main())
