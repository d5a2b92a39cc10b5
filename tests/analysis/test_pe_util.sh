#!/bin/sh
# test_pe_util.sh AXSIM SRC WORK - the PE under-utilization study end to end:
# configs/mobilenet-64x64.cfg through axsim, then analysis/pe_util.py. Its
# overall utilization must equal MACs / (cycles x 64 x 64) computed here
# from the /layers table with h5py (not from the util column it uses), and
# its depthwise MAC share must equal the depthwise ops' MACs over all MACs.
set -eu
AX="$1"; S="$2"; W="$3"
rm -rf "$W"; mkdir -p "$W"; cd "$W"
"$AX" run "$S/configs/mobilenet-64x64.cfg" -o mn.h5 -q >/dev/null
/usr/bin/python3 "$S/analysis/pe_util.py" mn.h5 -o pe.png >out.txt
test -s pe.png
/usr/bin/python3 - <<'PY'
import h5py, re
L = h5py.File("mn.h5")["layers"][:]
macs, cycles = int(L["macs"].sum()), int(L["cycles"].sum())
dw = [re.search(rb"Channel_\d+$", n) is not None for n in L["name"]]
dw_macs = int(sum(m for m, d in zip(L["macs"], dw) if d))
kv = dict(l.strip().split("=", 1) for l in open("out.txt") if "=" in l and " " not in l.strip())
want = macs / (cycles * 64 * 64)
got = float(kv["overall_util"])
assert abs(got - want) < 1e-12 * max(1, want), (got, want)
assert abs(float(kv["depthwise_mac_share"]) - dw_macs / macs) < 1e-12, kv["depthwise_mac_share"]
assert int(kv["layers"]) == 28 and int(kv["depthwise_layers"]) == 13, kv
print("pe_util: overall_util=%.6f depthwise_cycle_share=%s ok" % (got, kv["depthwise_cycle_share"]))
PY
