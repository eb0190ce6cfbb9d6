#!/usr/bin/env bash
# test_calibration.sh - the two UN2720 calibration scenarios still reproduce
# their regimes: summer 2025 intercepts 83-93% of the trucks dispatched,
# 10-28 October 2025 3.5-6.5% (DOMAIN.md b.5; docs/calibration.md), and each
# collects close to its UN2720 trucks per day (62 and 94, b.2).  A change to
# the model or to the shared hazards that moves either out of its band fails
# here.  300 replications with a fixed seed: the 95% CI half-widths (~0.004
# and ~0.003) are far inside the bands.
#   test_calibration.sh CONVOYSIM SOURCE_DIR
. "$(dirname "$0")/common.sh"

# column NAME of the one data row of summary.csv FILE (CRLF row ends)
column() {
  awk -F, -v name="$2" '
    { sub(/\r$/, "") }
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
    NR == 2 && c { print $c }' "$1"
}

# in_band WHAT VALUE LO HI: LO <= VALUE <= HI, saying which way it fails
in_band() {
  if [ -z "$2" ]; then
    echo "  $1: no value in summary.csv"
    return 1
  fi
  awk -v what="$1" -v v="$2" -v lo="$3" -v hi="$4" 'BEGIN {
    if (v + 0 >= lo + 0 && v + 0 <= hi + 0) exit 0
    printf "  %s = %s is %s the band [%s, %s]\n", what, v,
           (v + 0 < lo + 0) ? "below" : "above", lo, hi
    exit 1 }'
}

# calibrate NAME DAYS IR_LO IR_HI TRUCKS_PER_DAY_LO TRUCKS_PER_DAY_HI
calibrate() {
  local name=$1 days=$2 cfg=$src/scenarios/calibration/$1.cfg
  "$bin" run "$cfg" -n 300 -s 1 -o "$tmp/$name" -q >"$tmp/$name.out" 2>"$tmp/$name.err"
  check "$name: run exits 0" test $? -eq 0
  check "$name: nothing on stderr" test ! -s "$tmp/$name.err"
  local sum=$tmp/$name/summary.csv
  local ir trucks per_day
  ir=$(column "$sum" intercept_rate_mean)
  trucks=$(column "$sum" trucks_dispatched_mean)
  per_day=$(awk -v t="$trucks" -v d="$days" 'BEGIN { if (t != "") printf "%.2f", t / d }')
  check "$name: intercept_rate_mean in [$3, $4] (UN2720)" \
    in_band "$name intercept_rate_mean" "$ir" "$3" "$4"
  check "$name: trucks dispatched per day in [$5, $6] (UN2720 collected)" \
    in_band "$name trucks dispatched per day" "$per_day" "$5" "$6"
}

#         scenario            days  intercept_rate  trucks/day
calibrate un2720_summer_2025  79    0.83  0.93      55  69
calibrate un2720_oct_2025     19    0.035 0.065     85  103

exit $fail
