#!/usr/bin/env bash
# force_study.sh - how large a force, under which rules of engagement,
# tasked how: run the force size x ROE x patrol share sweep of the Gaza
# baseline (scenarios/force_roe_sweep.cfg, 48 design points), draw its five
# standard views and print what they show.
#
#   scripts/force_study.sh [REPLICATIONS] [OUTDIR]
#
# REPLICATIONS per design point (default 400: about 40 s on 2 cores) and
# the output folder OUTDIR (default results/force_study; a relative path is
# taken from the directory the script is called from).  The same command
# again reuses the sweep already in OUTDIR (or resumes an interrupted one)
# and only redraws; a folder that holds another run is refused.
#
# What it writes into OUTDIR, besides convoysim's own files:
#   heatmap-delivery.png  mean delivery_rate over troops x ROE (patrol 0.07)
#   heatmap-tonnes.png    mean tonnes_delivered over troops x ROE (patrol 0.07)
#   frontier.png          civilian harm against tonnes delivered, every point
#   gain.png              paired tonnes gained over no force, per ROE (patrol 0.07)
#   tornado.png           sensitivity (src, prcc) of tonnes_delivered to each factor
#   *.dat                 the small whitespace-separated tables the pictures
#                         are drawn from (columns named in their first line)
#
# Every picture is one gnuplot call on one .dat file, so any of them can be
# redrawn alone, e.g.
#   gnuplot -e "datafile='results/force_study/gain.dat'; outfile='gain.png'" scripts/plot_gain.gp
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

reps=${1:-400}
out=${2:-results/force_study}
case $reps in
  '' | *[!0-9]* | 0) echo "usage: scripts/force_study.sh [REPLICATIONS] [OUTDIR]  (REPLICATIONS a positive integer)" >&2; exit 64 ;;
esac
case $out in
  *\'*) echo "force_study.sh: OUTDIR may not contain a single quote: $out" >&2; exit 64 ;;
esac
# OUTDIR is relative to the caller's directory; printed paths stay short
# when that is the repository root
case $out in
  /*) ;;
  *) [ "$PWD" = "$here" ] || out="$PWD/$out" ;;
esac
cd "$here"

scenario=scenarios/force_roe_sweep.cfg
base_patrol=0.07      # gaza_baseline.cfg's force.share.patrol: the views by troops x ROE hold it fixed
tornado_metric=${TORNADO_METRIC:-tonnes_delivered}

# --- set up and build (as scripts/baseline.sh does), only what is missing
if [ ! -x build/convoysim ] || ! command -v gnuplot >/dev/null 2>&1; then
  bash scripts/setup.sh
fi
if [ ! -x build/convoysim ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j "$jobs" >/dev/null
fi

# --- the sweep: 48 points x REPLICATIONS, common random numbers throughout
# (replication r of every point sees the same threats, supply and delays)
status=0
./build/convoysim sweep "$scenario" -n "$reps" -o "$out" -q || status=$?
case $status in
  0) ;;
  73) echo "force_study.sh: $out holds another run's results (or cannot be written);" \
           "give another OUTDIR, or remove that folder" >&2; exit 73 ;;
  130) echo "force_study.sh: interrupted; the same command resumes the sweep" >&2; exit 130 ;;
  *) exit "$status" ;;
esac

# --- extraction: columns by their names in the header row (scripts/csvcols.sh)
. scripts/csvcols.sh

summary=$out/summary.csv
compare=$out/compare.csv

# heat maps: one cell per (troops, ROE) at the baseline patrol share; the
# indices number troop levels and ROE profiles in their order in the sweep
heatmap_data() {   # METRIC
  echo "# troops_index troops roe_index roe ${1}_mean  (summary.csv, force.share.patrol = $base_patrol)"
  csvcols "$summary" force.troops force.roe force.share.patrol "${1}_mean" |
    awk -v p="$base_patrol" '
      $3 + 0 != p + 0 { next }
      !($1 in xi) { xi[$1] = ++nx }
      !($2 in yi) { yi[$2] = ++ny }
      { printf "%d %d %d %s %s\n", xi[$1], $1, yi[$2], $2, $4 }'
}
heatmap_data delivery_rate >"$out/heatmap-delivery.dat"
heatmap_data tonnes_delivered >"$out/heatmap-tonnes.dat"

# frontier: every point, its ROE numbered in sweep order; pareto = 1 when
# no other point delivers at least as much with at most as much harm (and
# is better in one); label = the troops (in thousands) of the point, or of
# the run of troop levels of its ROE and share that land on practically
# the same spot (within 1% of the tonnes range and 2% of the harm range),
# on the first of them only ("-" elsewhere and for the no-force points)
csvcols "$summary" force.troops force.roe force.share.patrol tonnes_delivered_mean civilian_harm_mean \
        civilian_harm_ci_low civilian_harm_ci_high |
  awk '
    function k(t) { return sprintf("%gk", t / 1000) }
    function abs(v) { return v < 0 ? -v : v }
    !($2 in ri) { ri[$2] = ++nr }
    {
      n++; t[n] = $1 + 0; r[n] = $2; p[n] = $3; x[n] = $4; y[n] = $5; ylo[n] = $6; yhi[n] = $7
      if (n == 1 || x[n] < xmin) xmin = x[n]; if (n == 1 || x[n] > xmax) xmax = x[n]
      if (n == 1 || y[n] < ymin) ymin = y[n]; if (n == 1 || y[n] > ymax) ymax = y[n]
    }
    END {
      tolx = 0.01 * (xmax - xmin); toly = 0.02 * (ymax - ymin)
      for (i = 1; i <= n; i++) lab[i] = "-"
      for (i = 1; i <= n; i++) {
        if (t[i] == 0 || (i in done)) continue
        last = t[i]   # the points of this ROE and share at more troops, in order
        for (more = 1; more; ) {
          more = 0; nxt = 0
          for (j = 1; j <= n; j++)
            if (r[j] == r[i] && p[j] == p[i] && t[j] > last && (nxt == 0 || t[j] < t[nxt])) nxt = j
          if (nxt && abs(x[nxt] - x[i]) <= tolx && abs(y[nxt] - y[i]) <= toly) { last = t[nxt]; done[nxt] = 1; more = 1 }
        }
        lab[i] = (last == t[i]) ? k(t[i]) : k(t[i]) "-" k(last)
      }
      print "# roe_index roe patrol troops tonnes_mean harm_mean harm_ci_low harm_ci_high pareto label  (summary.csv)"
      for (i = 1; i <= n; i++) {
        par = 1
        for (j = 1; j <= n && par; j++)
          if (x[j] >= x[i] && y[j] <= y[i] && (x[j] > x[i] || y[j] < y[i])) par = 0
        printf "%d %s %s %d %s %s %s %s %d %s\n", ri[r[i]], r[i], p[i], t[i], x[i], y[i], ylo[i], yhi[i], par, lab[i]
      }
    }' >"$out/frontier.dat"

# gain: the paired difference to point 0 (no force) in compare.csv
{
  echo "# roe_index roe troops tonnes_delivered_diff ci_low ci_high  (compare.csv, force.share.patrol = $base_patrol)"
  csvcols "$compare" force.troops force.roe force.share.patrol \
          tonnes_delivered_diff tonnes_delivered_diff_ci_low tonnes_delivered_diff_ci_high |
    awk -v p="$base_patrol" '
      $3 + 0 != p + 0 { next }
      !($2 in ri) { ri[$2] = ++nr }
      { printf "%d %s %d %s %s %s\n", ri[$2], $2, $1, $4, $5, $6 }'
} >"$out/gain.dat"

# tornado: the rows of sensitivity.csv for one metric; a factor of names
# (the ROE) enters the regression as the order of its values in the sweep,
# which the label spells out
roe_order=$(csvcols "$summary" force.roe | awk '!seen[$1]++ { s = s (s == "" ? "" : " < ") $1 } END { print s }')
{
  echo "# src prcc r2 factor  (sensitivity.csv, metric $tornado_metric)"
  csvcols "$out/sensitivity.csv" metric factor src prcc r2 |
    awk -v m="$tornado_metric" -v order="$roe_order" '
      $1 != m { next }
      { lab = $2; if (lab == "force.roe") lab = lab " (" order ")"
        printf "%s %s %s \"%s\"\n", $3, $4, $5, lab; n++ }
      END { if (!n) { printf "force_study.sh: sensitivity.csv has no metric %s\n", m > "/dev/stderr"; exit 65 } }'
} >"$out/tornado.dat"

# --- the pictures
gnuplot -e "datafile='$out/heatmap-delivery.dat'; outfile='$out/heatmap-delivery.png'; metric='delivery_rate';
            label='convoys through / convoys scheduled'; fmt='%.3f';
            subtitle='patrol share $base_patrol, $reps replications per point'" scripts/plot_heatmap.gp
gnuplot -e "datafile='$out/heatmap-tonnes.dat'; outfile='$out/heatmap-tonnes.png'; metric='tonnes_delivered';
            label='thousand tonnes per 90-day run'; scale=1000; fmt='%.2f';
            subtitle='patrol share $base_patrol, $reps replications per point'" scripts/plot_heatmap.gp
gnuplot -e "datafile='$out/frontier.dat'; outfile='$out/frontier.png';
            subtitle='every design point, $reps replications each'" scripts/plot_frontier.gp
gnuplot -e "datafile='$out/gain.dat'; outfile='$out/gain.png';
            subtitle='patrol share $base_patrol, $reps replications per point, paired against point 0 (no force)'" \
        scripts/plot_gain.gp
gnuplot -e "datafile='$out/tornado.dat'; outfile='$out/tornado.png'; metric='$tornado_metric'" scripts/plot_tornado.gp

# --- the findings, from the CSV files
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# awk functions shared by the summaries
awk_lib='
  function commas(x,   s, sign) {     # 84217.8 -> 84,218
    sign = x < 0 ? "-" : ""; s = sprintf("%.0f", x < 0 ? -x : x)
    while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
    return sign s
  }
  function signed(x) { return (x >= 0 ? "+" : "") commas(x) }
  function usd(x) { return (x == "NaN") ? "no significant gain" : "USD " commas(x) }
  # 97.5% quantile of Student t with d degrees of freedom (Cornish-Fisher
  # expansion about the normal quantile; within 1e-4 for d >= 10)
  function tq(d,   z) {
    z = 1.959963985
    return z + (z^3 + z) / (4 * d) + (5 * z^5 + 16 * z^3 + 3 * z) / (96 * d^2) \
             + (3 * z^7 + 19 * z^5 + 17 * z^3 - 15 * z) / (384 * d^3)
  }
'

echo
echo "Force study: $scenario, $reps replications per point, files in $out/"

# Where the gain stops growing: for each ROE at the baseline patrol share,
# the paired difference in tonnes delivered between each troop level and
# the one below it, replication by replication (the same random numbers),
# with its 95% t-interval.  The gain grows significantly up to the last
# level whose step has its interval above 0; saturation.txt keeps that
# level per ROE for the next summary.
csvcols "$out/replications.csv" replication force.troops force.roe force.share.patrol tonnes_delivered |
  awk -v p="$base_patrol" -v satfile="$tmp/saturation.txt" "$awk_lib"'
    $4 + 0 != p + 0 { next }
    !($3 in seenr) { seenr[$3] = 1; roe[++nr] = $3 }
    !(($3, $2 + 0) in seent) { seent[$3, $2 + 0] = 1; nt[$3]++; lev[$3, nt[$3]] = $2 + 0 }
    !($1 in seenrep) { seenrep[$1] = 1; rep[++nrep] = $1 }
    $5 != "NaN" { v[$3, $2 + 0, $1] = $5 }
    END {
      print "Paired gain in tonnes delivered per 90-day run, step by step in troops (patrol share " p "):"
      for (i = 1; i <= nr; i++) {
        q = roe[i]; m = nt[q]
        for (a = 2; a <= m; a++)            # troop levels in increasing order
          for (b = a; b > 1 && lev[q, b - 1] > lev[q, b]; b--) {
            tmp = lev[q, b]; lev[q, b] = lev[q, b - 1]; lev[q, b - 1] = tmp
          }
        upto = lev[q, 1]; steps = ""
        for (a = 2; a <= m; a++) {
          t0 = lev[q, a - 1]; t1 = lev[q, a]; n = 0; s = 0; ss = 0
          for (j = 1; j <= nrep; j++) {
            r = rep[j]
            if (!((q, t0, r) in v) || !((q, t1, r) in v)) continue
            d = v[q, t1, r] - v[q, t0, r]; n++; s += d; ss += d * d
          }
          mean = n ? s / n : 0
          var = (n > 1) ? (ss - n * mean * mean) / (n - 1) : 0
          h = (n > 1 && var > 0) ? tq(n - 1) * sqrt(var / n) : 0
          mark = (mean - h > 0) ? "*" : (mean + h < 0 ? "-" : "")
          if (mean - h > 0) upto = t1
          steps = steps sprintf(" %s%s", signed(mean), mark)
        }
        printf "  %-15s grows significantly up to %s troops; steps from %s up:%s\n", q, commas(upto), commas(lev[q, 1]), steps
        print q, upto > satfile
      }
      print "  (a step: mean paired difference to the troop level below, t; * its 95% CI above 0, - below 0)"
    }'

# the gain, its cost and the harm where each ROE saturates; the best point
csvcols "$summary" point force.troops force.roe force.share.patrol tonnes_delivered_mean \
        civilian_harm_mean civilian_harm_ci_low civilian_harm_ci_high delivery_rate_mean >"$tmp/summary.txt"
csvcols "$compare" point tonnes_delivered_diff tonnes_delivered_diff_ci_low tonnes_delivered_diff_ci_high \
        usd_per_tonne_gained >"$tmp/compare.txt"
awk -v p="$base_patrol" -v bestfile="$tmp/best.txt" "$awk_lib"'
  FNR == 1 { file++ }
  file == 1 { sat[$1] = $2 + 0; roe[++nr] = $1; next }
  file == 2 { g[$1] = $2; glo[$1] = $3; ghi[$1] = $4; upt[$1] = $5; next }
  {
    pt = $1; T[pt] = $2 + 0; R[pt] = $3; P[pt] = $4; X[pt] = $5; H[pt] = $6; Hlo[pt] = $7; Hhi[pt] = $8; D[pt] = $9
    order[++np] = pt
  }
  END {
    ref = order[1]
    printf "No force (point %s): %s t delivered per run, delivery rate %.3f, civilian harm %.2f per run.\n",
           ref, commas(X[ref]), D[ref], H[ref]
    print "Where the gain stops growing (patrol share " p "), against no force:"
    for (i = 1; i <= nr; i++)
      for (j = 1; j <= np; j++) {
        pt = order[j]
        if (R[pt] != roe[i] || P[pt] + 0 != p + 0 || T[pt] != sat[roe[i]]) continue
        printf "  %-15s %6s troops: %s t (95%% CI %s to %s), delivery rate %.3f, civilian harm %.2f per run, %s per tonne gained\n",
               R[pt], commas(T[pt]), signed(g[pt]), commas(glo[pt]), commas(ghi[pt]), D[pt], H[pt], usd(upt[pt])
      }
    best = order[1]
    for (j = 2; j <= np; j++) if (X[order[j]] > X[best]) best = order[j]   # the first of equals: fewest troops
    ties = ""
    for (j = 1; j <= np; j++) {
      pt = order[j]
      if (pt != best && X[pt] == X[best]) ties = ties (ties == "" ? "" : " ") pt
    }
    printf "Best point by tonnes: point %s (%s troops, %s, patrol share %s): %s t per run, %s t over no force (95%% CI %s to %s),\n",
           best, commas(T[best]), R[best], P[best], commas(X[best]), signed(g[best]), commas(glo[best]), commas(ghi[best])
    printf "  delivery rate %.3f, civilian harm %.2f per run (95%% CI %.2f to %.2f), %s per tonne gained\n",
           D[best], H[best], Hlo[best], Hhi[best], usd(upt[best])
    if (ties != "") printf "  points %s deliver exactly the same tonnes: more troops or patrols add nothing there\n", ties
    print best > bestfile
  }' "$tmp/saturation.txt" "$tmp/compare.txt" "$tmp/summary.txt"

# How small a force does as well: every point against the best one,
# replication by replication.  The fewest troops (then the least harm)
# whose tonnes are not significantly below the best's, and the fewest
# troops that reach 99% of the best's gain over no force.
best=$(cat "$tmp/best.txt")
csvcols "$out/replications.csv" point replication tonnes_delivered civilian_harm |
  awk -v best="$best" "$awk_lib"'
    FNR == 1 { file++ }
    file == 1 { T[$1] = $2 + 0; R[$1] = $3; P[$1] = $4; X[$1] = $5; H[$1] = $6; order[++np] = $1; next }
    { v[$1, $2] = $3; h[$1, $2] = $4; if (!($2 in seen)) { seen[$2] = 1; rep[++nrep] = $2 } }
    # mean and half-width of the 95% CI of (A at point a - A at point b)
    # over the replications both have, A the tonnes (harm == 0) or the
    # civilian harm (harm == 1), into m_ and hw_
    function paired(a, b, harm,   j, r, xa, xb, d, n, s, ss, var) {
      n = 0; s = 0; ss = 0
      for (j = 1; j <= nrep; j++) {
        r = rep[j]
        if (!((a, r) in v) || !((b, r) in v)) continue
        xa = harm ? h[a, r] : v[a, r]; xb = harm ? h[b, r] : v[b, r]
        if (xa == "NaN" || xb == "NaN") continue
        d = xa - xb; n++; s += d; ss += d * d
      }
      m_ = n ? s / n : 0; var = (n > 1) ? (ss - n * m_ * m_) / (n - 1) : 0
      hw_ = (n > 1 && var > 0) ? tq(n - 1) * sqrt(var / n) : 0
    }
    END {
      ref = order[1]; gain = X[best] - X[ref]
      same = ""; near = ""
      for (j = 1; j <= np; j++) {
        pt = order[j]
        if (T[pt] == 0) continue
        paired(pt, best, 0)
        if (m_ + hw_ >= 0 && (same == "" || T[pt] < T[same] || (T[pt] == T[same] && H[pt] < H[same]))) {
          same = pt; sm = m_; sh = hw_
        }
        if (X[pt] - X[ref] >= 0.99 * gain && (near == "" || T[pt] < T[near] || (T[pt] == T[near] && H[pt] < H[near])))
          near = pt
      }
      paired(same, best, 1)
      printf "Fewest troops not significantly below it: point %s (%s troops, %s, patrol share %s): %s t (95%% CI %s to %s) against it,\n",
             same, commas(T[same]), R[same], P[same], signed(sm), signed(sm - sh), signed(sm + sh)
      printf "  civilian harm %.2f per run (%+.2f against it, 95%% CI %+.2f to %+.2f)\n", H[same], m_, m_ - hw_, m_ + hw_
      if (near != "" && near != same) {
        paired(near, best, 0)
        printf "Fewest troops with 99%% of its gain: point %s (%s troops, %s, patrol share %s): %s t against it (95%% CI %s to %s), civilian harm %.2f\n",
               near, commas(T[near]), R[near], P[near], signed(m_), signed(m_ - hw_), signed(m_ + hw_), H[near]
      }
    }' "$tmp/summary.txt" -

# the tornado in words, largest |src| first
awk '!/^#/ { lab = $0; sub(/^[^"]*"/, "", lab); sub(/"$/, "", lab); a = $1 < 0 ? -$1 : $1
             printf "%.6f %.2f %-52s src %+.2f  prcc %+.2f\n", a, $3, lab, $1, $2 }' "$out/tornado.dat" |
  sort -gr | awk -v m="$tornado_metric" 'NR == 1 { printf "Sensitivity of %s over the points (linear fit r2 %s):\n", m, $2 }
                                         { sub(/^[^ ]+ [^ ]+ /, ""); print "  " $0 }'

echo
echo "heat maps:    $out/heatmap-delivery.png $out/heatmap-tonnes.png"
echo "frontier:     $out/frontier.png"
echo "gain:         $out/gain.png"
echo "tornado:      $out/tornado.png"
