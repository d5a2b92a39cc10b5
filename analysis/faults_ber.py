#!/usr/bin/python3
"""faults_ber.py - accuracy against weight-memory bit-error rate, with and
without clipped activations (FT-ClipAct), from a fault campaign.

Reads /faults/ber of a campaign file (axsim faults -o FILE, a campaign
with a `ber` block; docs/faults.md): one row per (rate, clipping) with the
mean accuracy over trials and its interval (mean +- 1.96 s / sqrt(trials),
as the campaign computed it). Prints the rows, then per clipping mode the
accuracy at the highest rate and the rate at which accuracy first drops
more than --drop (default 0.01) below the clean accuracy, as key=value
lines. The PNG plots accuracy against BER (log axis) with the interval
band, one curve per clipping mode, and the clean accuracy as a line.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import axsim_h5 as ax  # noqa: E402
from faults_avf import campaign  # noqa: E402

LABEL = {0: "plain", 1: "clipped (FT-ClipAct)"}


def main(argv=None):
    p = argparse.ArgumentParser(prog="faults_ber.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", help="campaign results file (axsim faults -o FILE)")
    p.add_argument("--drop", type=float, default=0.01,
                   help="accuracy loss that counts as a drop (default 0.01)")
    p.add_argument("-o", "--out", default="faults_ber.png", help="PNG to write (default: faults_ber.png)")
    p.add_argument("--no-plot", action="store_true", help="print the tables only")
    a = p.parse_args(argv)
    r = campaign(a.file, p.prog)
    B = r.table("faults/ber")
    if B.empty:
        print("%s: %s: no /faults/ber table (the campaign had no `ber` block)" % (p.prog, a.file), file=sys.stderr)
        return 2
    B = B.sort_values(["clip", "ber"], kind="stable").reset_index(drop=True)
    F = r.group_attrs.get("faults", {})
    clean = float(F.get("clean_accuracy", float("nan")))
    ax.print_table("accuracy vs weight-memory BER",
                   B[["ber", "clip", "trials", "images", "accuracy", "acc_lo", "acc_hi", "flipped_bits"]])
    kv = [("rates", B["ber"].nunique()), ("clean_accuracy", clean)]
    for c in sorted(B["clip"].unique()):
        m = B[B["clip"] == c]
        name = "clip%d" % c
        kv.append(("accuracy_at_max_ber.%s" % name, float(m["accuracy"].iloc[-1])))
        below = m[m["accuracy"] < clean - a.drop]
        kv.append(("first_drop_ber.%s" % name, float(below["ber"].iloc[0]) if len(below) else float("nan")))
    ax.print_kv(kv)

    if not a.no_plot:
        plt = ax.pyplot()
        fig, axp = plt.subplots(figsize=(7, 4.5))
        for c in sorted(B["clip"].unique()):
            m = B[B["clip"] == c]
            axp.plot(m["ber"], m["accuracy"], marker="o", label=LABEL.get(int(c), "clip=%d" % c))
            axp.fill_between(m["ber"], m["acc_lo"], m["acc_hi"], alpha=0.2)
        if np.isfinite(clean):
            axp.axhline(clean, color="black", linestyle="--", linewidth=0.8, label="clean %.4g" % clean)
        axp.set_xscale("log")
        axp.set_xlabel("weight-memory bit-error rate")
        axp.set_ylabel("accuracy")
        axp.set_title("%s - %s" % (os.path.basename(r.path), F.get("campaign", "")))
        axp.legend(fontsize=8)
        fig.tight_layout()
        ax.save(fig, a.out, p.prog)
    return 0


if __name__ == "__main__":
    sys.exit(main())
