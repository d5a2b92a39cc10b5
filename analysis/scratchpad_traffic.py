#!/usr/bin/python3
"""scratchpad_traffic.py - off-chip traffic vs scratchpad size (COSMA-style).

Runs the same CNN on the Ethos-U55-like NPU with several scratchpad sizes
(`-s npu.sram_kb=N`, the override mechanism sweeps use), reads each run's
HDF5 file and plots the off-chip bytes (sum of the per-layer `bytes_dram`
column) against the size: the I/O-vs-memory trade-off COSMA (Kwasniewski
et al., SC 2019) optimises for matrix multiplication, here for the
block-tiled CNN of docs/npu.md.

  /usr/bin/python3 analysis/scratchpad_traffic.py [--axsim build/axsim]
      [--config configs/ethos-u55.cfg] [--sizes 8,16,...] [--out DIR]

Writes DIR/sram_<KiB>.h5 per size, DIR/scratchpad_traffic.csv (the plotted
numbers: size_kb, offchip_bytes, read_bytes_ifm_w, written_bytes,
sim_time_ps) and DIR/scratchpad_traffic.png.
"""
import argparse
import csv
import os
import subprocess
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def offchip(path):
    """Off-chip bytes of a run: the per-layer bytes_dram column summed,
    plus the NPU's read / written split and the simulated time."""
    with h5py.File(path, "r") as f:
        layers = f["layers"][:]
        stats = {(r["component"].decode(), r["stat"].decode()): r["value"] for r in f["stats"][:]}
        t = int(f.attrs["sim_time_ps"])
    return (int(np.sum(layers["bytes_dram"], dtype=np.uint64)),
            int(stats.get(("npu", "offchip_bytes_read"), 0)),
            int(stats.get(("npu", "offchip_bytes_written"), 0)), t)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--axsim", default=os.path.join(ROOT, "build", "axsim"))
    ap.add_argument("--config", default=os.path.join(ROOT, "configs", "ethos-u55.cfg"))
    ap.add_argument("--sizes", default="8,16,32,64,128,256,512,1024,2048",
                    help="scratchpad sizes in KiB, comma-separated")
    ap.add_argument("--out", default="scratchpad_out")
    ap.add_argument("--no-plot", action="store_true", help="write the CSV only")
    a = ap.parse_args(argv)
    try:
        sizes = [int(s) for s in a.sizes.split(",") if s]
    except ValueError:
        print(f"scratchpad_traffic: --sizes: expected KiB integers like 8,16,32, got {a.sizes!r}", file=sys.stderr)
        return 2
    if not sizes or min(sizes) < 1:
        print("scratchpad_traffic: --sizes: need sizes >= 1 KiB", file=sys.stderr)
        return 2
    if not os.access(a.axsim, os.X_OK):
        print(f"scratchpad_traffic: {a.axsim}: not an executable (build first or pass --axsim)", file=sys.stderr)
        return 2
    os.makedirs(a.out, exist_ok=True)
    rows = []
    for kb in sizes:
        h5 = os.path.join(a.out, f"sram_{kb}.h5")
        r = subprocess.run([a.axsim, "run", a.config, "-s", f"npu.sram_kb={kb}", "-o", h5],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            print(f"scratchpad_traffic: run with sram_kb={kb} failed:\n{r.stderr}", file=sys.stderr)
            return 1
        total, rd, wr, t = offchip(h5)
        rows.append((kb, total, rd, wr, t))
        print(f"sram {kb:6d} KiB: off-chip {total:10d} B (read {rd}, written {wr}), {t / 1e6:.1f} us")
    csv_path = os.path.join(a.out, "scratchpad_traffic.csv")
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["size_kb", "offchip_bytes", "read_bytes", "written_bytes", "sim_time_ps"])
        w.writerows(rows)
    if not a.no_plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot([r[0] for r in rows], [r[1] / 1e6 for r in rows], "o-", label="off-chip total")
        ax.plot([r[0] for r in rows], [r[2] / 1e6 for r in rows], "s--", label="read (ifm + weights)")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("scratchpad SRAM (KiB)")
        ax.set_ylabel("off-chip traffic (MB)")
        ax.set_title("Off-chip traffic vs scratchpad size")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(a.out, "scratchpad_traffic.png"), dpi=120)
    print(f"wrote {csv_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
