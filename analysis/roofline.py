#!/usr/bin/python3
"""roofline.py - a roofline per unit: achieved MAC/s against operational
intensity (MACs per byte) of every op that did MACs.

For each op of the /layers table with macs > 0: intensity = macs / bytes at
the chosen level (bytes_dram by default), achieved = macs / (end_ps -
start_ps). The roofs:
  compute peak of a unit = MACs per cycle x clock. Given with --peak
    UNIT=MACS_PER_CYCLE, or else taken from the unit's statistics as
    macs / (utilization x busy_cycles) rounded to an integer (the systolic
    model reports utilization = macs / (rows x cols x busy_cycles)); the
    clock is the unit's period_ps from /components.
  memory roof = bandwidth x intensity. Given with --bw-gbps, or else from
    the statistics of memory components that report bus_busy_ps:
    (bytes_read + bytes_written) / bus_busy_ps, i.e. the rate at which the
    memory moved bytes while busy (the model's configured bandwidth).
Prints per op: intensity, achieved MAC/s, the roof at that intensity
(min of the two), the fraction of it achieved and which roof binds; and the
roofs as key=value lines. The PNG has one log-log panel per unit.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import axsim_h5 as ax  # noqa: E402


def peaks_from_stats(r, units):
    """{unit: MACs per cycle} for units whose stats give macs, utilization, busy_cycles."""
    out = {}
    for u in units:
        m, ut, b = r.stat(u, "macs"), r.stat(u, "utilization"), r.stat(u, "busy_cycles")
        if m and ut and b:
            out[u] = float(round(m / (ut * b)))
    return out


def bw_from_stats(r):
    """Bytes per second of the memory components (stats with bus_busy_ps), or None."""
    S = r.stats
    if S.empty:
        return None
    mems = sorted(set(S[S["stat"] == "bus_busy_ps"]["component"]))
    total_bytes = busy = 0.0
    for c in mems:
        total_bytes += (r.stat(c, "bytes_read", 0.0) + r.stat(c, "bytes_written", 0.0))
        busy = max(busy, r.stat(c, "bus_busy_ps", 0.0))
    if not mems or busy <= 0:
        return None
    # one channel: bytes / busy time; several: the sum of their rates
    if len(mems) == 1:
        return total_bytes / busy * 1e12
    return sum((r.stat(c, "bytes_read", 0.0) + r.stat(c, "bytes_written", 0.0)) /
               r.stat(c, "bus_busy_ps") * 1e12 for c in mems if r.stat(c, "bus_busy_ps"))


def parse_peaks(items, prog):
    out = {}
    for it in items or []:
        if "=" not in it:
            print("%s: --peak %s: expected UNIT=MACS_PER_CYCLE (e.g. sa0=1024)" % (prog, it), file=sys.stderr)
            sys.exit(2)
        u, v = it.split("=", 1)
        try:
            out[u] = float(v)
        except ValueError:
            print("%s: --peak %s: '%s' is not a number" % (prog, it, v), file=sys.stderr)
            sys.exit(2)
        if out[u] <= 0:
            print("%s: --peak %s: expected a positive number" % (prog, it), file=sys.stderr)
            sys.exit(2)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(prog="roofline.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    ax.add_file_args(p)
    p.add_argument("--level", choices=("dram", "sram", "noc"), default="dram",
                   help="bytes column the intensity uses (default: dram)")
    p.add_argument("--peak", action="append", metavar="UNIT=MACS_PER_CYCLE",
                   help="compute peak of a unit (repeatable); default from its stats")
    p.add_argument("--bw-gbps", type=float, default=None, help="memory bandwidth roof in GB/s")
    p.add_argument("-o", "--out", default="roofline.png", help="PNG to write (default: roofline.png)")
    p.add_argument("--no-plot", action="store_true", help="print the tables only")
    a = p.parse_args(argv)
    r = ax.script_load(a.file, p.prog, a.point)
    L = ax.need_table(r, "layers", p.prog)
    col = "bytes_" + a.level
    M = L[L["macs"] > 0].copy()
    if M.empty:
        print("%s: %s: no op did any MACs; nothing to put on a roofline" % (p.prog, r.path), file=sys.stderr)
        return 2
    units = list(dict.fromkeys(M["unit"]))
    given = parse_peaks(a.peak, p.prog)
    for u in given:
        if u not in set(r.components.get("name", [])) and u not in units:
            print("%s: --peak %s: no unit '%s' in %s (units with MACs: %s)" %
                  (p.prog, u, u, r.path, ", ".join(units)), file=sys.stderr)
            return 2
    per_cycle = peaks_from_stats(r, units)
    src = {u: "stats" for u in per_cycle}
    per_cycle.update(given)
    src.update({u: "given" for u in given})
    C = r.components
    period = {n: int(pp) for n, pp in zip(C["name"], C["period_ps"])} if not C.empty else {}
    peak = {u: per_cycle[u] * 1e12 / period[u] for u in units if u in per_cycle and period.get(u)}
    if a.bw_gbps is not None:
        bw, bw_src = a.bw_gbps * 1e9, "given"
    else:
        bw = bw_from_stats(r)
        bw_src = "stats" if bw else "none"

    dt = (M["end_ps"] - M["start_ps"]).astype(float) * 1e-12
    with np.errstate(divide="ignore", invalid="ignore"):
        M["intensity"] = M["macs"].astype(float) / M[col].astype(float)
        M["macs_per_s"] = M["macs"].astype(float) / dt
    roof, frac, bound = [], [], []
    for u, oi, ach in zip(M["unit"], M["intensity"], M["macs_per_s"]):
        pk = peak.get(u, np.inf)
        mem = bw * oi if bw else np.inf
        rf = min(pk, mem)
        roof.append(rf)
        frac.append(ach / rf if np.isfinite(rf) else np.nan)
        bound.append("-" if not np.isfinite(rf) else ("compute" if pk <= mem else "memory"))
    M["roof_macs_per_s"] = roof
    M["of_roof"] = frac
    M["bound"] = bound
    ax.print_table("ops with MACs (intensity in MACs per %s byte)" % a.level,
                   M[["id", "name", "unit", "macs", col, "intensity", "macs_per_s", "roof_macs_per_s",
                      "of_roof", "bound"]])
    kv = [("ops", len(M))]
    for u in units:
        if u in peak:
            kv += [("peak_macs_per_cycle.%s" % u, per_cycle[u]), ("peak_macs_per_s.%s" % u, peak[u])]
            if bw:
                kv.append(("ridge_intensity.%s" % u, peak[u] / bw))
    if bw:
        kv.append(("bw_bytes_per_s", bw))
    ax.print_kv(kv)
    print("level=%s" % a.level)
    print("bw_source=%s" % bw_src)
    for u in units:
        print("peak_source.%s=%s" % (u, src.get(u, "none")))

    if not a.no_plot:
        plt = ax.pyplot()
        fig, axs = plt.subplots(1, len(units), figsize=(6 * len(units), 4.8), squeeze=False)
        for a_, u in zip(axs[0], units):
            m = M[M["unit"] == u]
            fin = np.isfinite(m["intensity"])
            xs = m["intensity"][fin]
            lo = max(min(xs.min() if len(xs) else 1.0, peak.get(u, 1) / bw if bw else 1.0) / 4, 1e-3)
            hi = max(xs.max() if len(xs) else 10.0, peak.get(u, 1) / bw if bw else 10.0) * 4
            x = np.logspace(np.log10(lo), np.log10(hi), 200)
            if u in peak:
                a_.plot(x, np.full_like(x, peak[u]), "k-", label="peak %.4g MAC/s (%s)" % (peak[u], src[u]))
            if bw:
                a_.plot(x, bw * x, "k--", label="%.4g GB/s x intensity (%s)" % (bw / 1e9, bw_src))
            if u in peak and bw:
                a_.plot(x, np.minimum(peak[u], bw * x), color="grey", linewidth=4, alpha=0.3)
            a_.scatter(xs, m["macs_per_s"][fin], zorder=3)
            for n, xi, yi in zip(m["name"][fin], xs, m["macs_per_s"][fin]):
                a_.annotate(n, (xi, yi), fontsize=7, xytext=(3, 3), textcoords="offset points")
            a_.set_xscale("log")
            a_.set_yscale("log")
            a_.set_xlabel("MACs per %s byte" % a.level)
            a_.set_ylabel("achieved MAC/s")
            a_.set_title("%s: %s" % (os.path.basename(r.path), u))
            a_.legend(fontsize=7, loc="lower right")
        fig.tight_layout()
        ax.save(fig, a.out, p.prog)
    return 0


if __name__ == "__main__":
    sys.exit(main())
