#!/usr/bin/python3
"""compare.py - two runs side by side: per-op cycle and energy ratios.

Ops are matched by name (by id with --by id). For each op: cycles and
energy_pj of run A and run B and the ratios B/A (so 0.5 means B takes half
as long or half the energy). Also the whole-run figures (simulated time,
energy, events) and their ratios as key=value lines; ops only one run has
are listed and counted. The PNG shows the per-op ratios as bars.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import axsim_h5 as ax  # noqa: E402


def ratio(b, a):
    """b / a, NaN when a is 0 (and b too), inf when only a is 0."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return b / a


def join(LA, LB, by):
    """The ops both runs have, with _a / _b columns and ratios."""
    cols = [by] + [c for c in ("id", "name", "unit", "cycles", "energy_pj", "start_ps", "end_ps")
                   if c != by]
    J = LA[cols].merge(LB[cols], on=by, how="inner", suffixes=("_a", "_b"), sort=False)
    J["cycles_ratio"] = ratio(J["cycles_b"], J["cycles_a"])
    J["energy_ratio"] = ratio(J["energy_pj_b"], J["energy_pj_a"])
    return J


def main(argv=None):
    p = argparse.ArgumentParser(prog="compare.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("a", help="results file of run A (the baseline)")
    p.add_argument("b", help="results file of run B")
    p.add_argument("--point-a", type=int, default=None, metavar="N", help="A is a sweep summary: use its point N")
    p.add_argument("--point-b", type=int, default=None, metavar="N", help="B is a sweep summary: use its point N")
    p.add_argument("--by", choices=("name", "id"), default="name", help="match ops by name (default) or id")
    p.add_argument("-o", "--out", default="compare.png", help="PNG to write (default: compare.png)")
    p.add_argument("--no-plot", action="store_true", help="print the tables only")
    a = p.parse_args(argv)
    ra = ax.script_load(a.a, p.prog, a.point_a)
    rb = ax.script_load(a.b, p.prog, a.point_b)
    LA = ax.need_table(ra, "layers", p.prog)
    LB = ax.need_table(rb, "layers", p.prog)
    for L, r in ((LA, ra), (LB, rb)):
        if L[a.by].duplicated().any():
            print("%s: %s: op %ss are not unique; use --by %s" %
                  (p.prog, r.path, a.by, "id" if a.by == "name" else "name"), file=sys.stderr)
            return 2
    J = join(LA, LB, a.by)
    other = "id" if a.by == "name" else "name"
    show = J[[a.by, other + "_a", "unit_a", "unit_b", "cycles_a", "cycles_b", "cycles_ratio",
              "energy_pj_a", "energy_pj_b", "energy_ratio"]].rename(columns={other + "_a": other})
    ax.print_table("ops in both runs (ratio = B/A)", show)
    only_a = sorted(set(LA[a.by]) - set(LB[a.by]), key=str)
    only_b = sorted(set(LB[a.by]) - set(LA[a.by]), key=str)
    if only_a or only_b:
        print("# ops in one run only")
        for n in only_a:
            print("A %s" % n)
        for n in only_b:
            print("B %s" % n)

    def attr(r, k):
        return r.attrs.get(k, 0)

    kv = [("matched_ops", len(J)), ("only_a", len(only_a)), ("only_b", len(only_b))]
    for k in ("sim_time_ps", "energy_pj", "events"):
        va, vb = attr(ra, k), attr(rb, k)
        kv += [(k + "_a", va), (k + "_b", vb), (k + "_ratio", float(ratio(vb, va)))]
    cy_a, cy_b = int(J["cycles_a"].sum()), int(J["cycles_b"].sum())
    kv += [("matched_cycles_a", cy_a), ("matched_cycles_b", cy_b),
           ("matched_cycles_ratio", float(ratio(cy_b, cy_a)))]
    ax.print_kv(kv)

    if not a.no_plot:
        plt = ax.pyplot()
        fig, axp = plt.subplots(figsize=(max(6, 0.6 * len(J) + 2), 4.5))
        x = np.arange(len(J))
        axp.bar(x - 0.2, J["cycles_ratio"], 0.4, label="cycles B/A")
        axp.bar(x + 0.2, J["energy_ratio"], 0.4, label="energy B/A")
        axp.axhline(1.0, color="black", linewidth=0.8)
        axp.set_xticks(x)
        axp.set_xticklabels(J[a.by].astype(str), rotation=60, ha="right", fontsize=8)
        axp.set_ylabel("B / A")
        axp.set_title("A = %s, B = %s (run time x%.3g, energy x%.3g)" % (
            os.path.basename(ra.path), os.path.basename(rb.path),
            ratio(attr(rb, "sim_time_ps"), attr(ra, "sim_time_ps")),
            ratio(attr(rb, "energy_pj"), attr(ra, "energy_pj"))), fontsize=9)
        axp.legend()
        fig.tight_layout()
        ax.save(fig, a.out, p.prog)
    return 0


if __name__ == "__main__":
    sys.exit(main())
