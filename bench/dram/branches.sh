#!/bin/bash
# branches.sh - which branches of the DRAM controller's hot path are coin
# tosses: a scratch copy of the tree with every if / while / for condition
# of dram_ctrl.c, dram_ready.c and dram_ready.h recording its outcome
# (branches_instr.py), bench_dram run on it, and the outcomes replayed
# through textbook predictors (branches_sim.c). Prints the sites with the
# most wrong guesses per request under the best of them. A model, not the
# core's counts (this VM has no counters): it says where to look.
#
#   bench/dram/branches.sh [REQUESTS] [random|sequential]   (default 100000 random)
set -euo pipefail
n=${1:-100000} mode=${2:-random}
case $mode in random|sequential) ;; *) echo "branches.sh: mode '$mode': expected random or sequential" >&2; exit 2 ;; esac
case $n in ''|*[!0-9]*) echo "branches.sh: REQUESTS '$n': expected a count" >&2; exit 2 ;; esac
src=$(cd "$(dirname "$0")/../.." && pwd)
# per request: the branch that runs once for every request taken in
add=$(grep -n 'if (cycle > c->clk) c->clk = cycle;' "$src/models/dram/dram_ctrl.c" | cut -d: -f1)
[ -n "$add" ] || { echo "branches.sh: models/dram/dram_ctrl.c: no 'if (cycle > c->clk) c->clk = cycle;' (ax_dram_ctrl_add) to count requests by" >&2; exit 2; }
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$src" && git ls-files -z | xargs -0 cp --parents -t "$tmp") # the working files, edits included
d=$tmp/models/dram
"$py" "$src/bench/dram/branches_instr.py" "$d/dram_ctrl.c" 0 "$d/dram_ready.c" 10000 "$d/dram_ready.h" 20000
"$py" - "$d" <<'PY'
import sys
d = sys.argv[1]
h = open(d + '/dram_ready.h').read().replace('#include <stdint.h>\n', '''#include <stdint.h>
extern uint32_t *ax_br_rec;
extern uint64_t ax_br_n, ax_br_cap;
static inline int ax_br(uint32_t id, int c) {
  if (ax_br_n < ax_br_cap) ax_br_rec[ax_br_n++] = id << 1 | (uint32_t)c;
  return c;
}
#define BR(id, c) ax_br(id, !!(c))
''', 1)
open(d + '/dram_ready.h', 'w').write(h)
open(d + '/dram_ready.c', 'a').write('''
#include <stdio.h>
uint32_t *ax_br_rec;
uint64_t ax_br_n, ax_br_cap;
__attribute__((constructor)) static void br_init(void) {
  ax_br_cap = 60000000; /* 240 MB: some 250k random requests */
  ax_br_rec = malloc(ax_br_cap * 4);
  if (!ax_br_rec) ax_br_cap = 0;
}
__attribute__((destructor)) static void br_fini(void) {
  FILE *f = fopen(getenv("BRFILE"), "wb");
  if (f) { fwrite(ax_br_rec, 4, ax_br_n, f); fclose(f); }
}
''')
PY
echo "branches.sh: building an instrumented bench_dram in $tmp ..." >&2
cmake -S "$tmp" -B "$tmp/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$tmp/cmake.log" 2>&1 &&
  cmake --build "$tmp/build" --target bench_dram -j "$(nproc)" >> "$tmp/cmake.log" 2>&1 ||
  { cat "$tmp/cmake.log" >&2; exit 1; }
BRFILE=$tmp/br.bin "$tmp/build/bench/dram/bench_dram" "$n" "$mode"
gcc -O2 -o "$tmp/branches_sim" "$src/bench/dram/branches_sim.c"
"$tmp/branches_sim" "$tmp/br.bin" > "$tmp/sites.txt"
head -1 "$tmp/sites.txt"
"$py" - "$tmp/sites.txt" "$add" "$src/models/dram" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]).read().split('\n')[1:] if l]
sites = {int(r[0]): r for r in rows}
per = int(sites[int(sys.argv[2])][1])
files = {0: 'dram_ctrl.c', 10000: 'dram_ready.c', 20000: 'dram_ready.h'}
text = {b: open(sys.argv[3] + '/' + f).read().split('\n') for b, f in files.items()}
print('%d requests recorded; wrong guesses per request (best of bimodal / gshare / tournament), top sites:' % per)
best = sorted(rows, key=lambda r: -min(int(r[3]), int(r[4]), int(r[5])))
for r in best[:25]:
    i = int(r[0]); b = i // 10000 * 10000
    w = min(int(r[3]), int(r[4]), int(r[5])) / per
    print('%6.3f  taken %.2f  %s:%d  %s' % (w, float(r[2]), files[b], i - b, text[b][i - b - 1].strip()[:90]))
PY
