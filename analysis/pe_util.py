#!/usr/bin/python3
"""pe_util.py - how busy a MAC array's PEs are, layer by layer.

Reads a results file's /layers table and folds SCALE-Sim's depthwise
expansion back into network layers (an op named "<layer>Channel_<i>" is
channel i of depthwise layer <layer>), then prints per network layer its
cycles, MACs and PE utilization (used / available PE-cycles, summed over
the layer's ops), and key=value totals: the run's overall utilization and
the share of cycles and of MACs the depthwise layers take. Draws the
per-layer utilization (log scale), depthwise layers in another colour.
This is the PE under-utilization study of configs/mobilenet-64x64.cfg.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import axsim_h5 as ax  # noqa: E402

CHANNEL = re.compile(r"^(.*)Channel_\d+$")


def network_layers(L, unit=None):
    """Per network layer: ops, cycles, macs, used and available PE-cycles."""
    if unit:
        L = L[L["unit"] == unit]
    L = L.copy()
    L["layer"] = [CHANNEL.sub(r"\1", n) for n in L["name"]]
    L["depthwise"] = [bool(CHANNEL.match(n)) for n in L["name"]]
    # util = used / (cycles x PEs): used PE-cycles are util x cycles x PEs;
    # with one array the PE count cancels, so sum util x cycles per layer.
    L["used_cycles"] = L["util"] * L["cycles"]
    g = L.groupby("layer", sort=False).agg(ops=("name", "size"), cycles=("cycles", "sum"),
                                           macs=("macs", "sum"), used=("used_cycles", "sum"),
                                           depthwise=("depthwise", "max"))
    g["util"] = g["used"] / g["cycles"]
    return g.reset_index()


def totals(g):
    c, m = int(g["cycles"].sum()), int(g["macs"].sum())
    dw = g[g["depthwise"]]
    return [
        ("layers", len(g)),
        ("ops", int(g["ops"].sum())),
        ("cycles", c),
        ("macs", m),
        ("overall_util", float(g["used"].sum() / c) if c else 0.0),
        ("depthwise_layers", len(dw)),
        ("depthwise_cycle_share", float(dw["cycles"].sum() / c) if c else 0.0),
        ("depthwise_mac_share", float(dw["macs"].sum() / m) if m else 0.0),
        ("depthwise_util", float(dw["used"].sum() / dw["cycles"].sum()) if len(dw) else 0.0),
    ]


def plot(g, path):
    plt = ax.pyplot()
    fig, a = plt.subplots(figsize=(13, 5))
    colors = ["tab:red" if d else "tab:blue" for d in g["depthwise"]]
    a.bar(range(len(g)), [max(u, 1e-6) * 100 for u in g["util"]], color=colors)
    a.set_yscale("log")
    a.set_ylabel("PE utilization (%)")
    a.set_title("PE utilization per layer (red: depthwise)")
    a.set_xticks(range(len(g)))
    a.set_xticklabels(g["layer"], rotation=70, ha="right", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main(argv=None):
    p = argparse.ArgumentParser(prog="pe_util.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    ax.add_file_args(p)
    p.add_argument("--unit", default=None, help="only ops run on this unit (default: all)")
    p.add_argument("-o", "--out", default="pe_util.png", help="PNG to write (default: pe_util.png)")
    p.add_argument("--no-plot", action="store_true", help="print the tables only")
    a = p.parse_args(argv)
    r = ax.script_load(a.file, p.prog, a.point)
    L = ax.need_table(r, "layers", p.prog)
    g = network_layers(L, a.unit)
    if g.empty:
        print("%s: %s: no ops on unit %s" % (p.prog, a.file, a.unit), file=sys.stderr)
        return 2
    ax.print_table("network layers", g[["layer", "ops", "cycles", "macs", "util", "depthwise"]])
    ax.print_kv(totals(g))
    if not a.no_plot:
        plot(g, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
