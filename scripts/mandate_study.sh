#!/usr/bin/env bash
# mandate_study.sh - what the force's mandate buys under a fixed budget:
# force size x tasking (escort-, patrol-, disarm- or train-heavy) x ROE,
# in two regimes: the ceasefire baseline (scenarios/mandate_study.cfg) and
# the summer 2025 security vacuum (scenarios/mandate_study_summer.cfg).
# Both run the 49 design points of scenarios/mandate_study.csv (point 0:
# no force; then 4 sizes x 4 taskings x 3 ROE) under one USD 100 million
# budget, draw three views per regime and print what they show.
#
#   scripts/mandate_study.sh [REPLICATIONS] [OUTDIR]
#
# REPLICATIONS per design point (default 400: about 3 minutes on 2 cores
# for both regimes) and OUTDIR (default results/mandate_study; a relative
# path is taken from the directory the script is called from).  The same
# command again reuses the sweeps already in OUTDIR (or resumes an
# interrupted one) and only redraws.  TROOPS (default 5000) and ROE
# (default defend_mandate) choose the slice the over-time view and the
# per-ROE table show.
#
# What it writes, per regime REGIME (baseline, summer) in OUTDIR/REGIME,
# besides convoysim's own files (summary.csv, compare.csv, daily.csv,
# ...):
#   time.png   cumulative tonnes delivered and civilian harm over the days,
#              per tasking at TROOPS troops and ROE, and without a force
#   gain.png   paired tonnes gained over no force against troops, per tasking
#   cost.png   USD per tonne gained against troops, per tasking (no point
#              where the gain is not significantly positive)
#   *.dat      the tables the pictures are drawn from (columns named in
#              their first line); each picture is one gnuplot call on one
#              .dat file (scripts/plot_time.gp, scripts/plot_lines.gp)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

reps=${1:-400}
out=${2:-results/mandate_study}
troops=${TROOPS:-5000}
roe=${ROE:-defend_mandate}
case $reps in
  '' | *[!0-9]* | 0) echo "usage: scripts/mandate_study.sh [REPLICATIONS] [OUTDIR]  (REPLICATIONS a positive integer)" >&2; exit 64 ;;
esac
case $out in
  *\'*) echo "mandate_study.sh: OUTDIR may not contain a single quote: $out" >&2; exit 64 ;;
esac
case $out in
  /*) ;;
  *) [ "$PWD" = "$here" ] || out="$PWD/$out" ;;
esac
cd "$here"

if [ ! -x build/convoysim ] || ! command -v gnuplot >/dev/null 2>&1; then
  bash scripts/setup.sh
fi
if [ ! -x build/convoysim ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j "$jobs" >/dev/null
fi

design=scenarios/mandate_study.csv

# csvcols FILE NAME...: the named columns of FILE (scripts/csvcols.sh)
. scripts/csvcols.sh

# the tasking of a point: the task with the largest share (escort, patrol,
# disarm, train; QRF is the same 0.05 in every option), "no-force" without troops
shares="force.troops force.share.escort force.share.patrol force.share.disarm force.share.train force.roe"
tasking_awk='
  function tasking(t, e, p, d, tr,   best, v) {
    if (t + 0 == 0) return "no-force"
    best = "escort"; v = e
    if (p > v) { best = "patrol"; v = p }
    if (d > v) { best = "disarm"; v = d }
    if (tr > v) { best = "train"; v = tr }
    return best
  }
  function commas(x,   s, sign) {
    if (x == "NaN") return "-"
    sign = x < 0 ? "-" : ""; s = sprintf("%.0f", x < 0 ? -x : x)
    while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]$/, ",&", s)
    while (match(s, /[0-9][0-9][0-9][0-9],/)) s = substr(s, 1, RSTART) "," substr(s, RSTART + 1)
    return sign s
  }'

study() {  # REGIME SCENARIO [--set KEY=VALUE]...
  local regime=$1 scn=$2 dir=$out/$1 status=0
  shift 2
  ./build/convoysim sweep "$scn" --design-file "$design" -n "$reps" -o "$dir" --daily -q "$@" || status=$?
  case $status in
    0) ;;
    73) echo "mandate_study.sh: $dir holds another run's results (or cannot be written);" \
             "give another OUTDIR, or remove that folder" >&2; exit 73 ;;
    130) echo "mandate_study.sh: interrupted; the same command resumes the sweep" >&2; exit 130 ;;
    *) exit "$status" ;;
  esac

  # over time: the points at TROOPS and ROE, and point 0 (no force)
  {
    echo "# option_index option day tonnes_cum harm_cum  (daily.csv summed over zones; $troops troops, $roe)"
    csvcols "$dir/daily.csv" $shares day tonnes_delivered_mean civilian_harm_mean |
      awk -v T="$troops" -v R="$roe" "$tasking_awk"'
        { o = tasking($1, $2, $3, $4, $5) }
        o != "no-force" && ($1 + 0 != T + 0 || $6 != R) { next }
        !(o in oi) { oi[o] = ++no; name[no] = o }
        { k = oi[o] SUBSEP $7; if (!(k in t)) { days[oi[o], ++nd[oi[o]]] = $7 } t[k] += $8; h[k] += $9 }
        END {
          for (i = 1; i <= no; i++) {
            ct = ch = 0
            for (j = 1; j <= nd[i]; j++) { k = i SUBSEP days[i, j]; ct += t[k]; ch += h[k]
              printf "%d %s %d %.6g %.6g\n", i, name[i], days[i, j], ct, ch }
          }
        }'
  } >"$dir/time.dat"

  # against troops, per tasking at ROE: the paired gain and the cost per tonne gained
  {
    echo "# option_index option troops tonnes_gained ci_low ci_high  (compare.csv, $roe)"
    csvcols "$dir/compare.csv" $shares tonnes_delivered_diff tonnes_delivered_diff_ci_low tonnes_delivered_diff_ci_high |
      awk -v R="$roe" "$tasking_awk"'
        { o = tasking($1, $2, $3, $4, $5) } o == "no-force" || $6 != R { next }
        !(o in oi) { oi[o] = ++no } { printf "%d %s %d %s %s %s\n", oi[o], o, $1, $7, $8, $9 }'
  } >"$dir/gain.dat"
  {
    echo "# option_index option troops usd_per_tonne_gained lo hi  (compare.csv, $roe; NaN: no significant gain)"
    csvcols "$dir/compare.csv" $shares usd_per_tonne_gained |
      awk -v R="$roe" "$tasking_awk"'
        { o = tasking($1, $2, $3, $4, $5) } o == "no-force" || $6 != R { next }
        !(o in oi) { oi[o] = ++no } { printf "%d %s %d %s %s %s\n", oi[o], o, $1, $7, $7, $7 }'
  } >"$dir/cost.dat"

  local sub="$reps replications per point, USD 100 million budget"
  gnuplot -e "datafile='$dir/time.dat'; outfile='$dir/time.png'; subtitle='$regime: $troops troops, $roe; $sub'" \
          scripts/plot_time.gp
  gnuplot -e "datafile='$dir/gain.dat'; outfile='$dir/gain.png';
              heading='Tonnes gained over no force, by force size and tasking (mean and 95% CI)';
              subtitle='$regime, $roe; $sub, paired against point 0'; ylabel='tonnes gained per run (t)'" \
          scripts/plot_lines.gp
  if awk '!/^#/ && $4 != "NaN" { found = 1 } END { exit !found }' "$dir/cost.dat"; then
    gnuplot -e "datafile='$dir/cost.dat'; outfile='$dir/cost.png'; logy=1;
                heading='Force cost per tonne gained, by force size and tasking';
                subtitle='$regime, $roe; $sub'; ylabel='USD per tonne gained'" scripts/plot_lines.gp
  fi

  # the findings
  echo
  echo "== $regime ($dir)"
  echo "per tasking and ROE at $troops troops: tonnes gained over no force [95% CI], civilian harm added,"
  echo "USD per tonne gained, armed strength G and police level L at the end, day the budget ran out"
  paste -d' ' <(csvcols "$dir/compare.csv" $shares tonnes_delivered_diff tonnes_delivered_diff_ci_low \
                         tonnes_delivered_diff_ci_high civilian_harm_diff usd_per_tonne_gained) \
              <(csvcols "$dir/summary.csv" armed_strength_end_mean policing_level_end_mean budget_exhausted_day_mean) |
    awk -v T="$troops" "$tasking_awk"'
      $1 + 0 != T + 0 { next }
      { printf "  %-7s %-15s %8s t [%s, %s]  harm %+7.2f  USD/t %7s  G %.2f  L %.2f  budget out %s\n",
          tasking($1, $2, $3, $4, $5), $6, commas($7), commas($8), commas($9), $10,
          $11 == "NaN" ? "-" : commas($11), $12, $13, $14 == "NaN" ? "never" : sprintf("day %.0f", $14) }'
  echo "best tasking per force size under $roe (most tonnes gained):"
  paste -d' ' <(csvcols "$dir/compare.csv" $shares tonnes_delivered_diff civilian_harm_diff usd_per_tonne_gained) \
              <(csvcols "$dir/summary.csv" budget_exhausted_day_mean) |
    awk -v R="$roe" "$tasking_awk"'
      { o = tasking($1, $2, $3, $4, $5) } o == "no-force" || $6 != R { next }
      !($1 in best) || $7 > g[$1] { best[$1] = o; g[$1] = $7; hm[$1] = $8; c[$1] = $9; b[$1] = $10; if (!($1 in seen)) ord[++n] = $1; seen[$1] = 1 }
      END { for (i = 1; i <= n; i++) { t = ord[i]
              printf "  %6d troops: %-7s %8s t gained, harm %+7.2f, USD/t %7s, budget out %s\n", t, best[t], commas(g[t]),
                hm[t], c[t] == "NaN" ? "-" : commas(c[t]), b[t] == "NaN" ? "never" : sprintf("day %.0f", b[t]) } }'
  echo "pictures: $dir/time.png $dir/gain.png$( [ -f "$dir/cost.png" ] && echo " $dir/cost.png")"
}

# the ceasefire regime with interventions: an attack nobody stopped brings a
# third party's strike half the time (E), with the harm of a reported
# violation (357 killed in 591 violations, DOMAIN b.4 W: 0.6) and a
# ceasefire violation (a halt, perhaps a collapse).  The summer regime is
# war: no ceasefire to violate.
study baseline scenarios/mandate_study.cfg --set ceasefire.intervention_p=0.5 --set ceasefire.intervention_harm=0.6
study summer scenarios/mandate_study_summer.cfg
