#!/usr/bin/python3
"""faults_avf.py - per-structure vulnerability of a fault campaign, with
its confidence intervals, and what the injections did.

Reads /faults/structures of a campaign file (axsim faults -o FILE; layout
in docs/hdf5-schema.md, terms in docs/faults.md) and prints per structure:
bits, injections, the outcome counts, the chosen rate (--metric: avf =
non-masked fraction without protection, sdc = sdc + critical with the
campaign's protection, critical = critical only) with its lower and upper
95% bounds as the campaign computed them (Wilson score), and FIT. Then
key=value lines: the campaign's bit-weighted totals and clean accuracy.
The PNG has the rate per structure as bars with interval whiskers, and
the outcomes of each structure's injections as stacked shares.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import axsim_h5 as ax  # noqa: E402

OUTCOMES = ("masked", "sdc", "critical", "detected", "corrected", "hang")
COLUMNS = {"avf": ("avf", "avf_lo", "avf_hi"),
           "sdc": ("sdc_rate", "sdc_lo", "sdc_hi"),
           "critical": ("critical_rate", "critical_lo", "critical_hi")}


def campaign(path, prog):
    """Load a campaign file or exit 2 saying what the file is instead."""
    r = ax.script_load_any(path, prog)
    if r.kind != "campaign":
        print("%s: %s: not a fault campaign (a %s file; make one with axsim faults)" % (prog, path, r.kind),
              file=sys.stderr)
        sys.exit(2)
    return r


def main(argv=None):
    p = argparse.ArgumentParser(prog="faults_avf.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", help="campaign results file (axsim faults -o FILE)")
    p.add_argument("--metric", choices=sorted(COLUMNS), default="avf", help="rate to plot (default: avf)")
    p.add_argument("-o", "--out", default="faults_avf.png", help="PNG to write (default: faults_avf.png)")
    p.add_argument("--no-plot", action="store_true", help="print the tables only")
    a = p.parse_args(argv)
    r = campaign(a.file, p.prog)
    S = ax.need_table(r, "faults/structures", p.prog)
    rate, lo, hi = COLUMNS[a.metric]
    cols = ["structure", "protection", "bits", "injections"] + [o for o in OUTCOMES if o in S.columns] + \
        [rate, lo, hi, "fit"]
    ax.print_table("structures (%s with its 95%% interval)" % a.metric, S[cols])
    F = r.group_attrs.get("faults", {})
    kv = [("structures", len(S)), ("injections", int(S["injections"].sum()))]
    for k in ("clean_accuracy", "avf", "sdc_rate", "critical_rate", "fit", "fit_due", "fit_target"):
        if k in F:
            kv.append((k, F[k]))
    worst = S.loc[S[rate].idxmax()]
    ax.print_kv(kv)
    print("metric=%s" % a.metric)
    print("worst=%s" % worst["structure"])
    if "interval" in F:
        print("interval=%s" % str(F["interval"]).replace(" ", "_"))

    if not a.no_plot:
        plt = ax.pyplot()
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(13, 4.8))
        x = np.arange(len(S))
        v = S[rate].to_numpy(float)
        err = np.vstack([v - S[lo].to_numpy(float), S[hi].to_numpy(float) - v])
        a1.bar(x, v, yerr=err, capsize=4, color="tab:red", alpha=0.8)
        a1.set_xticks(x)
        a1.set_xticklabels(S["structure"], rotation=30, ha="right")
        a1.set_ylabel({"avf": "AVF (non-masked fraction)", "sdc": "SDC rate",
                       "critical": "critical SDC rate"}[a.metric])
        a1.set_title("%s per structure, 95%% interval (%s)" % (a.metric, F.get("interval", "")), fontsize=9)
        bottom = np.zeros(len(S))
        cmap = {"masked": "lightgrey", "sdc": "tab:orange", "critical": "tab:red",
                "detected": "tab:blue", "corrected": "tab:green", "hang": "black"}
        for o in OUTCOMES:
            if o not in S.columns:
                continue
            share = 100.0 * S[o].to_numpy(float) / S["injections"].to_numpy(float)
            a2.bar(x, share, bottom=bottom, color=cmap[o], label=o)
            bottom += share
        a2.set_xticks(x)
        a2.set_xticklabels(S["structure"], rotation=30, ha="right")
        a2.set_ylabel("injections (%)")
        a2.set_title("outcomes (with protection)", fontsize=9)
        a2.legend(fontsize=7, bbox_to_anchor=(1.0, 1.0), loc="upper left")
        fig.suptitle("%s - %s, clean accuracy %s" % (os.path.basename(r.path), F.get("campaign", ""),
                                                     ax.fmt(F.get("clean_accuracy", float("nan")))))
        fig.tight_layout()
        ax.save(fig, a.out, p.prog)
    return 0


if __name__ == "__main__":
    sys.exit(main())
