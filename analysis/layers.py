#!/usr/bin/python3
"""layers.py - where the time and the energy of a run go, op by op.

Prints the per-op table of a results file (cycles, time, share of the summed
op time, energy, share of the run's energy, MACs, utilization), the energy
per component and action, and key=value totals; draws per-op latency and
energy bars and stacked bars of the breakdown into a PNG.

The run's energy (attribute energy_pj = the /energy table's sum) can exceed
the sum of the ops' energy_pj: energy a component does not charge to an op
(e.g. a memory model's per-byte energy) is printed as unattributed_energy_pj.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import axsim_h5 as ax  # noqa: E402


def breakdown(r):
    """The per-op table with time_ns and the shares, and the totals."""
    L = r.layers.copy()
    L["time_ns"] = (L["end_ps"] - L["start_ps"]) / 1e3
    op_time_ps = int((L["end_ps"] - L["start_ps"]).sum())
    op_energy = float(L["energy_pj"].sum())
    run_energy = float(r.attrs.get("energy_pj", op_energy))
    L["time_pct"] = 100.0 * (L["end_ps"] - L["start_ps"]) / op_time_ps if op_time_ps else 0.0
    L["energy_pct"] = 100.0 * L["energy_pj"] / run_energy if run_energy else 0.0
    totals = [
        ("ops", len(L)),
        ("sim_time_ps", int(r.attrs.get("sim_time_ps", 0))),
        ("op_time_ps", op_time_ps),
        ("cycles", int(L["cycles"].sum())),
        ("macs", int(L["macs"].sum())),
        ("op_energy_pj", op_energy),
        ("energy_pj", run_energy),
        ("unattributed_energy_pj", run_energy - op_energy),
        ("bytes_dram", int(L["bytes_dram"].sum())),
    ]
    return L, totals


def plot(r, L, path, prog):
    plt = ax.pyplot()
    colors = ax.unit_colors(L["unit"])
    fig, axs = plt.subplots(2, 2, figsize=(13, 8))
    x = range(len(L))
    c = [colors[u] for u in L["unit"]]
    a = axs[0][0]
    a.bar(x, L["time_ns"], color=c)
    a.set_ylabel("latency (ns)")
    a.set_title("latency per op")
    a = axs[0][1]
    a.bar(x, L["energy_pj"] / 1e3, color=c)
    a.set_ylabel("energy (nJ)")
    a.set_title("energy charged to each op")
    for a in axs[0]:
        a.set_xticks(list(x))
        a.set_xticklabels(L["name"], rotation=60, ha="right", fontsize=8)
    handles = [plt.Rectangle((0, 0), 1, 1, color=v) for v in colors.values()]
    axs[0][0].legend(handles, list(colors), title="unit", fontsize=8)

    # stacked: the run's latency and energy split by op (percent)
    a = axs[1][0]
    cmap = plt.get_cmap("tab20")
    bottom_t = bottom_e = 0.0
    for i, row in enumerate(L.itertuples()):
        col = cmap(i % 20)
        a.bar(0, row.time_pct, bottom=bottom_t, color=col, label=row.name)
        a.bar(1, row.energy_pct, bottom=bottom_e, color=col)
        bottom_t += row.time_pct
        bottom_e += row.energy_pct
    if bottom_e < 100.0 - 1e-9:
        a.bar(1, 100.0 - bottom_e, bottom=bottom_e, color="lightgrey", hatch="//",
              label="not charged to an op")
    a.set_xticks([0, 1])
    a.set_xticklabels(["op time", "run energy"])
    a.set_ylabel("share (%)")
    a.set_title("breakdown by op")
    a.legend(fontsize=7, ncol=2, bbox_to_anchor=(1.0, 1.0), loc="upper left")

    # stacked: energy per component by action
    a = axs[1][1]
    E = r.energy
    if not E.empty:
        comps = list(dict.fromkeys(E["component"]))
        bottoms = {k: 0.0 for k in comps}
        acmap = plt.get_cmap("tab20")
        for i, row in enumerate(E.itertuples()):
            j = comps.index(row.component)
            a.bar(j, row.pj / 1e3, bottom=bottoms[row.component], color=acmap(i % 20),
                  label="%s.%s" % (row.component, row.action))
            bottoms[row.component] += row.pj / 1e3
        a.set_xticks(range(len(comps)))
        a.set_xticklabels(comps)
        a.legend(fontsize=6, bbox_to_anchor=(1.0, 1.0), loc="upper left")
    a.set_ylabel("energy (nJ)")
    a.set_title("energy by component and action")
    fig.suptitle("%s - %s" % (os.path.basename(r.path), r.attrs.get("name", "")))
    fig.tight_layout()
    ax.save(fig, path, prog)


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="layers.py", description=__doc__.split("\n\n")[0] + "\n\n" + __doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ax.add_file_args(p)
    p.add_argument("-o", "--out", default="layers.png", help="PNG to write (default: layers.png)")
    p.add_argument("--no-plot", action="store_true", help="print the tables only")
    a = p.parse_args(argv)
    r = ax.script_load(a.file, p.prog, a.point)
    ax.need_table(r, "layers", p.prog)
    L, totals = breakdown(r)
    ax.print_table("ops", L[["id", "name", "kind", "unit", "cycles", "time_ns", "time_pct", "energy_pj",
                             "energy_pct", "macs", "util"]])
    E = r.energy.copy()
    if not E.empty:
        ax.print_table("energy by component and action", E[["component", "action", "count", "pj"]])
    ax.print_kv(totals)
    if not a.no_plot:
        plot(r, L, a.out, p.prog)
    return 0


if __name__ == "__main__":
    sys.exit(main())
