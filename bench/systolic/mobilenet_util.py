#!/usr/bin/python3
"""PE under-utilization of MobileNetV1 on a 64x64 array (os, ws, is).

Runs `axsim scalesim` on traces/scalesim/mobilenet_v1.csv with SCALE-Sim
configs for a 64x64 array (64 KiB SRAMs) and prints, per network layer
(a depthwise layer's per-channel SCALE-Sim layers summed back together),
its cycles and PE utilization = MACs / (cycles x 4096), then totals and
the share of cycles the depthwise layers take. Prints figures only.

Usage: /usr/bin/python3 mobilenet_util.py AXSIM_BINARY [TOPO.csv]
"""
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOPO = os.path.join(HERE, "..", "..", "traces", "scalesim", "mobilenet_v1.csv")
CFG = """[general]
run_name = mnv1_64x64_{df}

[architecture_presets]
ArrayHeight:    64
ArrayWidth:     64
IfmapSramSzkB:   64
FilterSramSzkB:  64
OfmapSramSzkB:   64
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Bandwidth : 10
Dataflow : {df}
MemoryBanks:   1

[run_presets]
InterfaceBandwidth: CALC
"""


def topo_layers(path):
    """(name, expanded count, MACs of one expanded layer), SCALE-Sim's way."""
    out = []
    for line in open(path).read().splitlines()[1:]:
        f = [x.strip() for x in line.split(",")[:-1]]
        if not f:
            continue
        name = f[0]
        h, w, r, s, c, n, st = (int(x) for x in f[1:8])
        reps = c if "DP" in name else 1
        if "DP" in name:
            c = 1
        e_h = math.ceil((h - r + st) / st)
        e_w = math.ceil((w - s + st) / st)
        out.append((name, reps, e_h * e_w * r * s * c * n))
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    axsim = sys.argv[1]
    topo = sys.argv[2] if len(sys.argv) > 2 else TOPO
    layers = topo_layers(topo)
    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        for df in ("os", "ws", "is"):
            cfg = os.path.join(tmp, f"{df}.cfg")
            open(cfg, "w").write(CFG.format(df=df))
            subprocess.run([axsim, "scalesim", "-q", "-c", cfg, "-t", topo, "-p", tmp], check=True)
            rows = open(os.path.join(tmp, f"mnv1_64x64_{df}", "COMPUTE_REPORT.csv")).read().splitlines()[1:]
            cyc = [int(r.split(",")[1]) for r in rows]
            per, i = [], 0
            for name, reps, macs in layers:
                per.append((name, sum(cyc[i:i + reps]), macs * reps))
                i += reps
            assert i == len(cyc)
            res[df] = per
    pes = 64 * 64
    print("MobileNetV1 on a 64x64 array, ideal memory: cycles and PE utilization per layer")
    print(f"{'layer':8s} " + " ".join(f"{df + ' cycles':>12s} {df + ' util%':>9s}" for df in res))
    for j, (name, _, macs) in enumerate(res["os"]):
        cells = []
        for df in res:
            _, cyc, m = res[df][j]
            cells.append(f"{cyc:12d} {100.0 * m / (cyc * pes):9.2f}")
        print(f"{name:8s} " + " ".join(cells))
    print("totals:")
    for df, per in res.items():
        tc = sum(c for _, c, _ in per)
        tm = sum(m for _, _, m in per)
        dw = sum(c for n, c, _ in per if "DP" in n)
        dwm = sum(m for n, _, m in per if "DP" in n)
        print(f"  {df}: {tc:,} cycles, overall PE utilization {100.0 * tm / (tc * pes):.2f} %; "
              f"depthwise layers: {100.0 * dw / tc:.1f} % of cycles for {100.0 * dwm / tm:.1f} % of MACs, "
              f"at {100.0 * dwm / (dw * pes):.3f} % utilization")


if __name__ == "__main__":
    main()
