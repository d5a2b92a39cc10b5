#!/usr/bin/python3
"""split_experts.py IN.axt OUT.axt N - copy an axsim MoE decode trace, pinning
the GEMMs of the last N experts of every layer to unit=xpu and the others
to unit=lpim (expert-level co-processing, as Duplex splits MoE experts
between the xPU and the logic-PIM). Used with bench/pim/duplex-overlap.cfg;
see docs/pim.md."""
import re
import sys

if len(sys.argv) != 4:
    sys.exit("usage: split_experts.py IN.axt OUT.axt N_EXPERTS_ON_XPU")
n = int(sys.argv[3])
ne = 8
with open(sys.argv[1]) as f:
    lines = f.readlines()
for l in lines:
    m = re.search(r"experts (\d+)", l)
    if l.startswith("#") and m:
        ne = int(m.group(1))
        break
with open(sys.argv[2], "w") as out:
    for l in lines:
        m = re.match(r"gemm name=\S+\.e(\d+)\.(gate|up|down) ", l)
        if m:
            l = l.rstrip("\n") + " unit=" + ("xpu" if int(m.group(1)) >= ne - n else "lpim") + "\n"
        out.write(l)
