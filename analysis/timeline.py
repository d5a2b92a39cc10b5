#!/usr/bin/python3
"""timeline.py - which op ran on which unit when: a Gantt chart of a run.

Prints every op's unit, start_ps and end_ps (from the /layers table), and
per unit: the number of ops, busy time (the union of its ops' intervals, so
overlapping ops on one unit count once), first start, last end and busy
share of the run's simulated time; draws one row per unit with a bar per op.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import axsim_h5 as ax  # noqa: E402


def union_ps(intervals):
    """Total length of the union of [start, end) intervals (integers)."""
    total, cur_s, cur_e = 0, None, None
    for s, e in sorted(intervals):
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += cur_e - cur_s
    return total


def per_unit(L, sim_time_ps):
    """One row per unit: ops, busy_ps, first_ps, last_ps, busy_pct."""
    import pandas as pd
    rows = []
    for u in dict.fromkeys(L["unit"]):
        m = L[L["unit"] == u]
        busy = union_ps(zip(m["start_ps"].astype(int), m["end_ps"].astype(int)))
        rows.append(dict(unit=u, ops=len(m), busy_ps=busy, first_ps=int(m["start_ps"].min()),
                         last_ps=int(m["end_ps"].max()),
                         busy_pct=100.0 * busy / sim_time_ps if sim_time_ps else 0.0))
    return pd.DataFrame(rows)


def plot(r, L, U, path, prog, t0, t1):
    plt = ax.pyplot()
    units = list(U["unit"])
    colors = ax.unit_colors(units)
    fig, a = plt.subplots(figsize=(12, 1.2 + 0.6 * len(units)))
    for i, u in enumerate(units):
        m = L[L["unit"] == u]
        a.broken_barh([((s - t0) / 1e3, (e - s) / 1e3) for s, e in zip(m["start_ps"], m["end_ps"])],
                      (i - 0.4, 0.8), facecolors=colors[u], edgecolors="black", linewidth=0.5)
        for s, e, n in zip(m["start_ps"], m["end_ps"], m["name"]):
            if (e - s) > 0.03 * (t1 - t0):
                a.text((s + e) / 2e3 - t0 / 1e3, i, n, ha="center", va="center", fontsize=7)
    a.set_yticks(range(len(units)))
    a.set_yticklabels(units)
    a.set_xlim(0, (t1 - t0) / 1e3)
    a.invert_yaxis()
    a.set_xlabel("time (ns)" + (" from %g ns" % (t0 / 1e3) if t0 else ""))
    a.set_title("%s - ops on units" % os.path.basename(r.path))
    fig.tight_layout()
    ax.save(fig, path, prog)


def main(argv=None):
    p = argparse.ArgumentParser(prog="timeline.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    ax.add_file_args(p)
    p.add_argument("-o", "--out", default="timeline.png", help="PNG to write (default: timeline.png)")
    p.add_argument("--from-ps", type=int, default=None, help="plot from this time (ps)")
    p.add_argument("--to-ps", type=int, default=None, help="plot up to this time (ps)")
    p.add_argument("--no-plot", action="store_true", help="print the tables only")
    a = p.parse_args(argv)
    r = ax.script_load(a.file, p.prog, a.point)
    L = ax.need_table(r, "layers", p.prog).sort_values(["start_ps", "id"], kind="stable")
    sim_t = int(r.attrs.get("sim_time_ps", int(L["end_ps"].max())))
    U = per_unit(L, sim_t)
    ax.print_table("ops", L[["id", "name", "unit", "start_ps", "end_ps"]])
    ax.print_table("units", U)
    busy = {u: b for u, b in zip(U["unit"], U["busy_ps"])}
    ax.print_kv([("ops", len(L)), ("units", len(U)), ("sim_time_ps", sim_t)] +
                [("busy_ps.%s" % u, b) for u, b in busy.items()])
    if not a.no_plot:
        t0 = a.from_ps if a.from_ps is not None else 0
        t1 = a.to_ps if a.to_ps is not None else max(sim_t, int(L["end_ps"].max()))
        if t1 <= t0:
            print("%s: --to-ps must be after --from-ps" % p.prog, file=sys.stderr)
            return 2
        plot(r, L, U, a.out, p.prog, t0, t1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
