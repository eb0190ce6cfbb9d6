#!/usr/bin/env bash
# calibration_family.sh - the family of calibrations along the direction
# the two UN2720 regimes cannot identify (docs/calibration.md).
#
#   scripts/calibration_family.sh [REPLICATIONS] [OUTDIR]   (defaults 400, results/calibration_family)
#   SLOPES="4 8" scripts/calibration_family.sh               (only these slopes; default 2 4 6 8 10 12)
#
# For each desperation slope s, two fits, each a bisection on the mean
# intercept_rate under common random numbers (the same seed throughout):
#   1. October 2025: the crowd base multiplier c (threats.crowd.rate_multiplier,
#      shared by both periods) at which October intercepts 0.050;
#   2. summer 2025: the security vacuum V at which summer intercepts 0.887,
#      with V the armed groups' strength G (threats.armed.strength) and the
#      crowd hazard c x V (threats.crowd.rate_multiplier).
# Then each fit is checked against both targets with 2,000 replications,
# and the summer regime is run with and without a 5,000-troop force (the
# summer file's force group is the baseline's with 0 troops).  It writes the family
# as design files, scenarios/calibration/family_summer.csv and
# family_oct.csv, so `convoysim sweep ... --design-file` reruns it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
reps=${1:-400}
out=${2:-results/calibration_family}
bin=$here/build/convoysim
summer=$here/scenarios/calibration/un2720_summer_2025.cfg
oct=$here/scenarios/calibration/un2720_oct_2025.cfg
[ -x "$bin" ] || { echo "build first: bash scripts/baseline.sh (or cmake --build build)" >&2; exit 1; }
mkdir -p "$out"

# mean of column NAME in DIR/summary.csv
mean() { awk -F, -v n="$2" '{ sub(/\r$/, "") } NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i }
  NR == 2 { print $c }' "$1/summary.csv"; }

# intercept SCENARIO N SETS...: the mean intercept rate (one run into a scratch folder)
intercept() {
  local scn=$1 n=$2; shift 2
  local dir
  dir=$(mktemp -d "$out/run.XXXXXX")
  "$bin" run "$scn" -n "$n" -s 1 -q -o "$dir" "$@" >/dev/null
  mean "$dir" intercept_rate_mean
  rm -rf "$dir"
}

# bisect LO HI TARGET FUNCTION...: log-space bisection of a rising function
bisect() {
  local lo=$1 hi=$2 target=$3; shift 3
  for _ in $(seq 1 16); do
    local mid y
    mid=$(awk -v a="$lo" -v b="$hi" 'BEGIN { printf "%.6g", sqrt(a * b) }')
    y=$("$@" "$mid")
    if awk -v y="$y" -v t="$target" 'BEGIN { exit !(y < t) }'; then lo=$mid; else hi=$mid; fi
  done
  awk -v a="$lo" -v b="$hi" 'BEGIN { printf "%.6g", sqrt(a * b) }'
}

oct_at()    { intercept "$oct" "$reps" --set "threats.crowd.desperation_slope=$s" --set "threats.crowd.rate_multiplier=$1"; }
summer_at() { intercept "$summer" "$reps" --set "threats.crowd.desperation_slope=$s" \
                --set "threats.crowd.rate_multiplier=$(awk -v c="$c" -v v="$1" 'BEGIN { printf "%.6g", c * v }')" \
                --set "threats.armed.rate_multiplier=1.0" --set "threats.armed.strength=$1"; }


printf 'threats.crowd.desperation_slope,threats.crowd.rate_multiplier\n' >"$out/family_oct.csv"
printf 'threats.crowd.desperation_slope,threats.crowd.rate_multiplier,threats.armed.rate_multiplier,threats.armed.strength\n' \
  >"$out/family_summer.csv"
printf '%-6s %10s %8s %12s %12s %14s %14s\n' slope c V October summer "summer+force" "tonnes gained" | tee "$out/family.txt"
for s in ${SLOPES:-2 4 6 8 10 12}; do
  c=$(bisect 0.0001 100 0.050 oct_at)
  v=$(bisect 0.01 10000 0.887 summer_at)
  cv=$(awk -v c="$c" -v v="$v" 'BEGIN { printf "%.6g", c * v }')
  sets=(--set "threats.crowd.desperation_slope=$s" --set "threats.crowd.rate_multiplier=$cv"
        --set "threats.armed.rate_multiplier=1.0" --set "threats.armed.strength=$v")
  o=$(intercept "$oct" 2000 --set "threats.crowd.desperation_slope=$s" --set "threats.crowd.rate_multiplier=$c")
  dir=$(mktemp -d "$out/run.XXXXXX")
  "$bin" run "$summer" -n 2000 -s 1 -q -o "$dir/none" "${sets[@]}" >/dev/null
  "$bin" run "$summer" -n 2000 -s 1 -q -o "$dir/force" "${sets[@]}" --set force.troops=5000 >/dev/null
  sm=$(mean "$dir/none" intercept_rate_mean)
  sf=$(mean "$dir/force" intercept_rate_mean)
  gain=$(awk -v a="$(mean "$dir/force" tonnes_delivered_mean)" -v b="$(mean "$dir/none" tonnes_delivered_mean)" \
         'BEGIN { printf "%.0f", a - b }')
  rm -rf "$dir"
  printf '%s,%s\n' "$s" "$c" >>"$out/family_oct.csv"
  printf '%s,%s,1.0,%s\n' "$s" "$cv" "$v" >>"$out/family_summer.csv"
  printf '%-6s %10s %8s %12.4f %12.4f %14.4f %14s\n' "$s" "$c" "$v" "$o" "$sm" "$sf" "$gain" | tee -a "$out/family.txt"
done
echo "the family: $out/family.txt; design files: $out/family_oct.csv, $out/family_summer.csv"
