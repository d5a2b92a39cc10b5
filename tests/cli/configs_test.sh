#!/bin/sh
# configs_test.sh AXSIM SRC WORK [run] - every bundled system config passes
# `axsim check`; with `run`, every one also runs to the end and writes a
# complete results file whose sim_time_ps equals the one it printed.
set -u
AX="$1"; S="$2"; W="$3"; MODE="${4:-check}"
rm -rf "$W"; mkdir -p "$W"; cd "$W" || exit 1
fails=0; n=0
for f in "$S"/configs/*.cfg "$S"/configs/examples/*.cfg; do
  n=$((n + 1))
  name=$(basename "$f" .cfg)
  if [ "$MODE" = run ]; then
    if "$AX" run "$f" -o "$name.h5" -q >out.txt 2>err.txt; then
      t=$(sed -n 's/^sim_time_ps=//p' out.txt)
      t5=$(h5dump -a /sim_time_ps "$name.h5" | sed -n 's/^ *(0): *//p')
      if [ -n "$t" ] && [ "$t" = "$t5" ] && [ "$t" -gt 0 ]; then echo "ok: $name runs ($t ps)"
      else echo "FAIL: $name: printed '$t', file '$t5'"; fails=$((fails + 1)); fi
    else
      echo "FAIL: $name does not run:"; cat err.txt; fails=$((fails + 1))
    fi
  else
    if "$AX" check "$f" >/dev/null 2>err.txt; then echo "ok: $name checks"
    else echo "FAIL: $name:"; cat err.txt; fails=$((fails + 1)); fi
  fi
done
echo "$((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ] && [ "$n" -gt 10 ]
