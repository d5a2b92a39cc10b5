#!/bin/sh
# out_of_tree.sh BUILD SRC WORK - install axsim into WORK/prefix, build
# examples/out-of-tree against the installed tree only (find_package), then
# list and run the plug-in. A gemm of 8x8x8 = 512 MACs on 64 PEs takes
# 8 cycles = 8 ns at 1 GHz.
set -eu
B="$1"; S="$2"; W="$3"
rm -rf "$W"; mkdir -p "$W"
cmake --install "$B" --prefix "$W/prefix" >/dev/null
test -f "$W/prefix/include/axsim/axsim.h"
test -f "$W/prefix/lib/pkgconfig/axsim.pc" || test -f "$W/prefix/lib/x86_64-linux-gnu/pkgconfig/axsim.pc"
cmake -S "$S/examples/out-of-tree" -B "$W/build" -DCMAKE_PREFIX_PATH="$W/prefix" >/dev/null
cmake --build "$W/build" >/dev/null
so="$W/build/libmy_pe.so"
"$W/prefix/bin/axsim" models --plugin "$so" my_pe | grep -q "pes  *int  *default 64"
printf 'axtrace 1\ngemm name=g m=8 n=8 k=8\n' >"$W/t.axt"
cat >"$W/sys.cfg" <<CFG
plugins = ["$so"];
host = { model = "host"; trace = "t.axt"; map = "*:pe"; };
pe = { model = "my_pe"; pes = 64; };
links = ( { from = "host.unit0"; to = "pe.ctl"; } );
CFG
"$W/prefix/bin/axsim" run "$W/sys.cfg" -o "$W/out.h5" >"$W/out.txt"
grep -q "^sim_time_ps=8000$" "$W/out.txt"
# the plug-in's fault site reaches the results: 64 PEs x 32-bit accumulators
# = 2048 bits, live from the op's start (0) to its end (8 ns)
/usr/bin/python3 - "$W/out.h5" <<'PY'
import sys, h5py
r = [x for x in h5py.File(sys.argv[1])["fault_sites"][:] if x["component"] == b"pe"]
assert len(r) == 1 and r[0]["site"] == b"pe_acc", r
assert r[0]["bits"] == 2048 and r[0]["live_from_ps"] == 0 and r[0]["live_to_ps"] == 8000, r
assert abs(r[0]["bit_seconds"] - 2048 * 8e-9) < 1e-18, r
PY
# a bad parameter is refused by the plug-in's own check, with file and line
sed -i 's/pes = 64/pes = 6/' "$W/sys.cfg"
if "$W/prefix/bin/axsim" check "$W/sys.cfg" 2>"$W/err.txt"; then exit 1; fi
grep -q "sys.cfg:3: component 'pe' (model my_pe): pes=6: must be a multiple of 4" "$W/err.txt"
echo "out-of-tree plug-in: ok"
