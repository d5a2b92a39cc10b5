#!/bin/sh
# cli_test.sh AXSIM SRCDIR WORKDIR - the axsim command line end to end:
# the default run, its HDF5 file read back with HDF5's own tools, report,
# check, @include, and bad command lines with their exit codes and messages.
set -u
AX="$1"; SRC="$2"; W="$3"
rm -rf "$W"; mkdir -p "$W"; cd "$W" || exit 1
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }
expect_rc() { # want_rc description command...
  want=$1; what=$2; shift 2
  "$@" >out.txt 2>err.txt; rc=$?
  if [ "$rc" -eq "$want" ]; then ok "$what (exit $rc)"; else bad "$what: exit $rc, wanted $want"; cat err.txt; fi
}
expect_err() { # text description
  if grep -qF -- "$1" err.txt; then ok "$2"; else bad "$2: stderr lacks: $1"; cat err.txt; fi
}

# 1. the default system: summary, key=value lines, a complete HDF5 file
expect_rc 0 "run default" "$AX" run "$SRC/configs/default.cfg" -o d.h5
for k in sim_time_ps= energy_pj= wall_s= ops=11; do
  grep -q "^$k" out.txt && ok "run prints $k" || bad "run lacks $k"
done
[ -f d.h5 ] && [ ! -f d.h5.tmp ] && ok "d.h5 complete, no .tmp left" || bad "output file state"
h5ls -r d.h5 >ls.txt 2>&1
for d in /layers /components /stats /energy; do
  grep -q "^$d .*Dataset" ls.txt && ok "h5ls shows $d" || bad "h5ls lacks $d"
done
# the run's sim_time_ps equals the attribute h5dump reads from the file
t_run=$(sed -n 's/^sim_time_ps=//p' out.txt)
t_h5=$(h5dump -a /sim_time_ps d.h5 | sed -n 's/^ *(0): *//p')
[ -n "$t_run" ] && [ "$t_run" = "$t_h5" ] && ok "sim_time_ps $t_run = h5dump's" || bad "sim_time_ps run=$t_run h5=$t_h5"
# 11 ops in /layers
n_layers=$(h5ls d.h5/layers | sed -n 's/.*Dataset {\([0-9]*\).*/\1/p')
[ "$n_layers" = 11 ] && ok "11 layer rows" || bad "layer rows: $n_layers"

# 2. report reads the same numbers back
expect_rc 0 "report" "$AX" report d.h5
t_rep=$(sed -n 's/^sim_time_ps=//p' out.txt)
[ "$t_rep" = "$t_run" ] && ok "report sim_time_ps matches" || bad "report sim_time_ps $t_rep"
grep -q "^  conv1 " out.txt && ok "report lists conv1" || bad "report lacks conv1"

# 3. same config and seed: same results (wall time apart)
expect_rc 0 "run default again" "$AX" run "$SRC/configs/default.cfg" -o d2.h5
for ds in layers energy stats; do
  h5dump -d /$ds d.h5 | tail -n +2 >a.txt; h5dump -d /$ds d2.h5 | tail -n +2 >b.txt
  cmp -s a.txt b.txt && ok "/$ds identical across runs" || bad "/$ds differs across runs"
done

# 4. check, overrides, @include
expect_rc 0 "check default" "$AX" check "$SRC/configs/default.cfg"
expect_rc 0 "override rows" "$AX" run "$SRC/configs/default.cfg" -s sa0.rows=64 -q -o o.h5
mkdir -p inc
cp "$SRC/traces/small_cnn.axt" inc/
cat >inc/common.cfg <<'CFG'
vec0 = { model = "vector"; lanes = 8; };
CFG
cat >inc/sys.cfg <<'CFG'
@include "common.cfg"
host = { model = "host"; trace = "small_cnn.axt"; map = "*:vec0,conv2d:vec0"; };
links = ( { from = "host.unit0"; to = "vec0.ctl"; } );
CFG
expect_rc 1 "include: run fails on purpose (gemm on a vector unit)" "$AX" run inc/sys.cfg -o inc.h5
expect_err "vec0: a vector unit cannot run conv2d op 'conv1'; map it to a MAC unit" "include: model error reported"
[ ! -f inc.h5 ] && [ ! -f inc.h5.tmp ] && ok "failed run leaves no results file" || bad "failed run left a file"
cat >inc/sys2.cfg <<'CFG'
@include "common.cfg"
@include "missing.cfg"
CFG
expect_rc 2 "include: missing file" "$AX" check inc/sys2.cfg
expect_err "inc/sys2.cfg:2: syntax error: cannot open include file" "include: names file and line"

# 5. watchdog: a run that cannot finish in the time given fails cleanly
expect_rc 1 "watchdog" "$AX" run "$SRC/configs/default.cfg" -s 'sim.max_time_us=1.0' -o w.h5
expect_err "watchdog: simulated time reached the limit of 1.000 us" "watchdog message"
[ ! -f w.h5 ] && ok "watchdog leaves no results file" || bad "watchdog left a file"

# 6. the bundled SCALE-Sim-shaped system: ResNet-50 (54 layers) on 32x32 os
# with ideal memory takes SCALE-Sim v2's total, 4,434,168 cycles at 1 GHz
# (tests/reference/scalesim/README.md)
expect_rc 0 "scalesim-32x32-os" "$AX" run "$SRC/configs/scalesim-32x32-os.cfg" -o s.h5
grep -q "^sim_time_ps=4434168000$" out.txt && ok "ResNet-50 os 32x32 = SCALE-Sim's 4,434,168 cycles" || bad "ResNet-50 total: $(grep sim_time_ps out.txt)"
grep -q "^ops=54$" out.txt && ok "54 layers" || bad "layer count"
expect_rc 0 "tpu-128x128-ws" "$AX" run "$SRC/configs/tpu-128x128-ws.cfg" -o tpu.h5
grep -q "^ops=54$" out.txt && ok "tpu: 54 layers" || bad "tpu: layer count"

# SCALE-Sim's own files through `axsim scalesim -o`: the HDF5 file's layer
# cycles add up to SCALE-Sim's total for AlexNet os 32x32 (850,960 with its
# -1 per layer; tests/reference/scalesim/README.md)
R="$SRC/tests/reference/scalesim"
expect_rc 0 "scalesim -o" "$AX" scalesim -c "$R/configs/os_32x32.cfg" -t "$R/topologies/alexnet.csv" -p ss -o ss.h5 -q
sum=$(/usr/bin/python3 -c "import h5py; print(int(h5py.File('ss.h5')['layers']['cycles'].sum()))" 2>/dev/null)
[ "$sum" = 850960 ] && ok "scalesim -o: AlexNet os layer cycles sum to 850,960" || bad "scalesim -o cycles sum: $sum"
[ -f ss.h5 ] && [ ! -f ss.h5.tmp ] && ok "scalesim -o file complete" || bad "scalesim -o file state"

# report on a fault campaign: its key=value lines equal the file's attributes
expect_rc 0 "faults campaign" "$AX" faults "$SRC/configs/faults/digits-cnn-16x16.cfg" -j 2 -o camp.h5
expect_rc 0 "report campaign" "$AX" report camp.h5
inj_h5=$(h5dump -a /faults/injections camp.h5 | sed -n 's/^ *(0): *//p')
grep -q "^injections=$inj_h5$" out.txt && ok "report campaign injections=$inj_h5" || bad "report campaign injections ($inj_h5)"
n_st=$(h5ls camp.h5/faults/structures | sed -n 's/.*Dataset {\([0-9]*\).*/\1/p')
grep -q "faults/structures ($n_st rows)" out.txt && ok "report lists the $n_st structures h5ls counts" || bad "report structures ($n_st)"

# 7. the native memory and its SystemC twin give the same results
if "$AX" models systemc >/dev/null 2>&1; then
  expect_rc 0 "native-memory" "$AX" run "$SRC/configs/examples/native-memory.cfg" -o nat.h5
  expect_rc 0 "systemc-memory" "$AX" run "$SRC/configs/examples/systemc-memory.cfg" -o sc.h5
  for ds in layers energy; do
    h5dump -d /$ds nat.h5 | tail -n +2 >a.txt; h5dump -d /$ds sc.h5 | tail -n +2 >b.txt
    cmp -s a.txt b.txt && ok "/$ds native = SystemC" || bad "/$ds native != SystemC"
  done
else
  echo "skip: axsim built without SystemC"
fi

# /layer_traffic: the three-tier system's per-op bytes by tier add up to
# the NPU's own per-tier counters in /stats
expect_rc 0 "three-tier" "$AX" run "$SRC/configs/three-tier.cfg" -o tt.h5 -q
tt=$(/usr/bin/python3 - <<'PY'
import h5py, collections
f = h5py.File("tt.h5")
t = f["layer_traffic"][:]
st = {(r["component"].decode(), r["stat"].decode()): r["value"] for r in f["stats"][:]}
rd, wr = collections.Counter(), collections.Counter()
for r in t:
    rd[r["target"].decode()] += int(r["bytes_read"]); wr[r["target"].decode()] += int(r["bytes_written"])
ok = len(rd) >= 3
for tier in rd:
    got = sum(v for (c, s), v in st.items() if s == "tier.%s.bytes_read" % tier)
    ok = ok and got == rd[tier]
    got = sum(v for (c, s), v in st.items() if s == "tier.%s.bytes_written" % tier)
    ok = ok and got == wr[tier]
print("ok" if ok else "bad %s %s" % (dict(rd), dict(wr)))
PY
)
[ "$tt" = ok ] && ok "layer_traffic per tier = the NPU's tier counters" || bad "layer_traffic: $tt"

# 8. bad command lines
expect_rc 2 "no command" "$AX"
expect_rc 2 "unknown command" "$AX" frobnicate
expect_err "axsim: unknown command 'frobnicate'" "unknown command message"
expect_rc 2 "run without config" "$AX" run
expect_err "axsim run: missing CONFIG" "missing config message"
expect_rc 2 "run unknown option" "$AX" run "$SRC/configs/default.cfg" -z
expect_err "axsim run: unknown option '-z'" "unknown option message"
expect_rc 2 "run -s without value" "$AX" run "$SRC/configs/default.cfg" -s
expect_err "axsim run: option -s needs a value" "-s needs a value"
expect_rc 2 "bad seed" "$AX" run "$SRC/configs/default.cfg" --seed -3
expect_err "axsim run: --seed expects a non-negative integer, got '-3'" "bad seed message"
expect_rc 2 "missing config file" "$AX" run nope.cfg
expect_err "axsim run: nope.cfg: cannot open config: No such file or directory" "missing file message"
expect_rc 2 "report of a missing file" "$AX" report nope.h5
expect_err "axsim report: nope.h5: not an HDF5 file (or cannot be read)" "report message"
expect_rc 2 "models: unknown model" "$AX" models systolik
expect_err "axsim models: no model 'systolik' (did you mean 'systolic'?)" "models suggestion"
expect_rc 0 "--version" "$AX" --version
grep -q "^axsim [0-9]" out.txt && ok "version printed" || bad "version"
for c in run check models report; do expect_rc 0 "$c --help" "$AX" $c --help; done

echo "$fails failed"
[ "$fails" -eq 0 ]
