#!/usr/bin/env bash
# bench_compare.sh - replications per second of one baseline replication on
# one thread (`convoysim bench baseline`), this checkout against an earlier
# commit, built the same way and measured on this machine in one session.
#
#   scripts/bench_compare.sh [COMMIT] [RUNS]
#
# COMMIT defaults to dcf3842 (main on 1 December 2026, before the crossing
# hot path was rewritten); RUNS (default 7) pairs of runs alternate old and
# new, so a drift of the machine's speed hits both.  Each binary runs in
# its own tree, on its own version of scenarios/gaza_baseline.cfg.  Prints
# every pair, then the medians and the median of the pair ratios (new/old).
# Needs git and what scripts/setup.sh installs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
old=${1:-dcf3842}
runs=${2:-7}
jobs=$(nproc 2>/dev/null || echo 2)
work=$(mktemp -d)
trap 'git -C "$here" worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

bash "$here/scripts/setup.sh"
git -C "$here" worktree add --detach "$work/old" "$old" >/dev/null 2>&1
build() { # build SRC DIR
  cmake -S "$1" -B "$2" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$2" -j "$jobs" --target convoysim >/dev/null
}
build "$work/old" "$work/build-old"
build "$here" "$work/build-new"

rate() { # rate TREE BINARY: baseline_replications_per_s
  (cd "$1" && "$2" bench baseline) | awk -F, '$1 == "baseline_replications_per_s" { print $2 }'
}
printf '%-5s %12s %12s %8s\n' pair "old (1/s)" "new (1/s)" ratio
: >"$work/pairs"
for i in $(seq 1 "$runs"); do
  a=$(rate "$work/old" "$work/build-old/convoysim")
  b=$(rate "$here" "$work/build-new/convoysim")
  r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')
  printf '%-5s %12.1f %12.1f %8s\n' "$i" "$a" "$b" "$r"
  echo "$a $b $r" >>"$work/pairs"
done
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf 'median old %.1f/s, new %.1f/s; median ratio new/old %.3f (%s, %d pairs, %s)\n' \
  "$(cut -d' ' -f1 "$work/pairs" | median)" "$(cut -d' ' -f2 "$work/pairs" | median)" \
  "$(cut -d' ' -f3 "$work/pairs" | median)" "$old" "$runs" "$(git -C "$here" rev-parse --short HEAD)"
