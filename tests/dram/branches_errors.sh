#!/bin/sh
# branches_errors.sh SRCDIR - bench/dram/branches.sh refuses bad command
# lines with exit 2 and a message naming what is wrong, before it copies
# or builds anything.
set -u
SRC="$1"
fails=0
check() { # description want-text args...
  what=$1 want=$2; shift 2
  err=$(bash "$SRC/bench/dram/branches.sh" "$@" 2>&1 >/dev/null); rc=$?
  if [ "$rc" -eq 2 ] && printf '%s\n' "$err" | grep -qF -- "$want"; then echo "ok: $what"
  else echo "FAIL: $what: exit $rc, stderr:"; printf '%s\n' "$err"; fails=$((fails + 1)); fi
}
check "an unknown mode" "branches.sh: mode 'randum': expected random or sequential" 1000 randum
check "a request count that is not a number" "branches.sh: REQUESTS '1e5': expected a count" 1e5
exit $fails
