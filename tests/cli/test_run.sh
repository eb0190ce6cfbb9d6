#!/usr/bin/env bash
# test_run.sh - `convoysim run`: the same bytes for any -j, run.cfg
# reproduces the run, --trace logs replication R, --precision stops on a
# batch boundary, and the default output folder.
#   test_run.sh CONVOYSIM SOURCE_DIR
. "$(dirname "$0")/common.sh"
scn=$src/scenarios/example.cfg

# byte identity across -j 1, 2, 4 (with every optional file)
for j in 1 2 4; do
  "$bin" run "$scn" -n 240 -s 7 -j $j -o "$tmp/j$j" --convoys --daily -q >"$tmp/out$j" 2>"$tmp/err$j"
  check "run -j $j exits 0" test $? -eq 0
  check "run -j $j prints nothing on stderr when redirected" test ! -s "$tmp/err$j"
done
for f in summary.csv replications.csv convoys.csv daily.csv; do
  check "$f identical for -j 1 and 2" cmp -s "$tmp/j1/$f" "$tmp/j2/$f"
  check "$f identical for -j 1 and 4" cmp -s "$tmp/j1/$f" "$tmp/j4/$f"
done
check "replications.csv has a header and 240 rows" test "$(wc -l <"$tmp/j1/replications.csv")" -eq 241
check "summary.csv has a header and one row" test "$(wc -l <"$tmp/j1/summary.csv")" -eq 2
check "summary.csv starts with point,replications,delivery_rate_mean" \
  grep -q '^point,replications,delivery_rate_mean,delivery_rate_sd,delivery_rate_ci_low,delivery_rate_ci_high,delivery_rate_p05,delivery_rate_p50,delivery_rate_p95,delivery_rate_n,' "$tmp/j1/summary.csv"
check "replications.csv starts with point,replication,seed,delivery_rate" \
  grep -q '^point,replication,seed,delivery_rate,' "$tmp/j1/replications.csv"
check "the seed column holds the master seed" grep -q '^0,239,7,' "$tmp/j1/replications.csv"
check "the headline names the delivery rate" grep -q 'delivery rate' "$tmp/out1"
check "the headline says where the files went" grep -q "$tmp/j1/" "$tmp/out1"
check "the headline gives civilian harm its unit" grep -q '^  civilian harm      [0-9.]* expected casualties per run$' "$tmp/out1"
# the pooled cost per tonne is the mean cost over the mean tonnes of summary.csv
pooled=$(awk -F, '{ sub(/\r$/, "") } NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
  NR == 2 { printf "%.2f", $c["force_cost_usd_mean"] / $c["tonnes_delivered_mean"] }' "$tmp/j1/summary.csv")
ratio=$(awk -F, '{ sub(/\r$/, "") } NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
  NR == 2 { printf "%.2f", $c["cost_per_tonne_usd_mean"] }' "$tmp/j1/summary.csv")
check "the headline gives both costs per tonne, labelled ($pooled pooled, $ratio mean of ratios)" \
  grep -qxF "  cost per tonne     USD $pooled pooled (total cost / total t); USD $ratio mean of per-run ratios" "$tmp/out1"
check "the headline says how busy the escorts were" grep -q '^  force              escort teams busy [0-9.]*% of their hours' "$tmp/out1"
check "no temporary file is left" test -z "$(find "$tmp" -name '*.tmp.*')"

# run.cfg reproduces the run to the byte (with --set applied and -s, -n kept)
"$bin" run "$scn" -n 150 -s 11 --set horizon_days=20 -j 2 -o "$tmp/a" -q >/dev/null 2>&1
"$bin" run "$tmp/a/run.cfg" -j 1 -o "$tmp/b" -q >/dev/null 2>&1
check "re-running run.cfg exits 0" test $? -eq 0
check "re-running run.cfg gives the same summary.csv" cmp -s "$tmp/a/summary.csv" "$tmp/b/summary.csv"
check "re-running run.cfg gives the same replications.csv" cmp -s "$tmp/a/replications.csv" "$tmp/b/replications.csv"
check "run.cfg carries the seed" grep -q '^seed = 11' "$tmp/a/run.cfg"
check "run.cfg carries the replications" grep -q '^replications = 150;' "$tmp/a/run.cfg"
check "run.cfg records the command line" grep -q '^# command: convoysim run .*--set horizon_days=20' "$tmp/a/run.cfg"

# --trace R: events of replication R, whose row is unchanged
"$bin" run "$scn" -n 240 -s 7 -j 2 -o "$tmp/t" --trace 17 -q >/dev/null 2>&1
check "--trace exits 0" test $? -eq 0
check "events.csv has a header and events" test "$(wc -l <"$tmp/t/events.csv")" -gt 1
check "events.csv header" grep -q '^replication,time_h,event,convoy,number,where,detail' "$tmp/t/events.csv"
check "every event is of replication 17" test -z "$(tail -n +2 "$tmp/t/events.csv" | grep -v '^17,')"
check "--trace does not change replications.csv" cmp -s "$tmp/t/replications.csv" "$tmp/j1/replications.csv"

# --precision: stops on a multiple of 100, the same for any -j; run.cfg has the count
for j in 1 2; do
  "$bin" run "$scn" -n 3000 -s 3 -j $j --precision 0.05 -o "$tmp/p$j" -q >/dev/null 2>&1
done
rows=$(( $(wc -l <"$tmp/p1/replications.csv") - 1 ))
check "--precision stops on a batch boundary ($rows)" test $((rows % 100)) -eq 0 -a "$rows" -le 3000
check "--precision gives the same files for -j 1 and 2" cmp -s "$tmp/p1/summary.csv" "$tmp/p2/summary.csv"
check "--precision: run.cfg holds the replications run" grep -q "^replications = $rows;" "$tmp/p1/run.cfg"
"$bin" run "$tmp/p1/run.cfg" -o "$tmp/p3" -q >/dev/null 2>&1
check "--precision: run.cfg reproduces the summary" cmp -s "$tmp/p1/summary.csv" "$tmp/p3/summary.csv"

# the default folder is results/NAME/ under the working directory
(cd "$tmp" && "$bin" run "$scn" -n 20 -q >/dev/null 2>&1)
name=$(sed -n 's/^name *= *"\([^"]*\)".*/\1/p' "$scn")
check "default folder results/$name/" test -s "$tmp/results/$name/summary.csv"

# the fan chart renders from daily.csv (where gnuplot is installed)
if command -v gnuplot >/dev/null 2>&1; then
  gnuplot -e "datafile='$tmp/j1/daily.csv'; outfile='$tmp/daily.png'" "$src/scripts/plot_daily.gp" 2>"$tmp/gp.err"
  check "plot_daily.gp draws a PNG" test -s "$tmp/daily.png" -a ! -s "$tmp/gp.err"
fi

# a heavy-tailed inspection time (service starts millions of years away)
# ends: such starts are never, not a day-by-day walk of the calendar
timeout 120 "$bin" run "$scn" -n 4 -j 1 -q -o "$tmp/heavy" \
  --set 'nodes.gate.inspect_h={dist="weibull"; shape=0.01; scale=1.0;}' >/dev/null 2>&1
check "a heavy-tailed inspect_h run ends (exit 0)" test $? -eq 0

# --costs: per payer and contingent (tests/data/model/budget.cfg: north's
# budget runs out at the midnight of day 3)
"$bin" run "$src/tests/data/model/budget.cfg" -n 20 -o "$tmp/costs" --costs -q >/dev/null 2>&1
check "--costs writes costs.csv" test -s "$tmp/costs/costs.csv"
check "costs.csv: north's row" grep -qx $'0,north,,360000,360,1,3\r' "$tmp/costs/costs.csv"
check "costs.csv: south's contingent" grep -qx $'0,south,s1,400000,800,0,\r' "$tmp/costs/costs.csv"

# a folder holds one run: another run's folder is refused, --overwrite
# replaces it, and optional files of the earlier run are removed
"$bin" run "$scn" -n 20 -o "$tmp/j4" -q >/dev/null 2>"$tmp/j4.err"
check "another run's folder is refused (73)" test $? -eq 73
check "the refusal names the first difference" grep -q "holds another run's results (it was made by another run: its run.cfg has 'seed = 7L;' where this run has 'seed = " "$tmp/j4.err"
check "the refused folder is untouched" cmp -s "$tmp/j1/summary.csv" "$tmp/j4/summary.csv"
"$bin" run "$scn" -n 20 -o "$tmp/j4" -q --overwrite >/dev/null 2>&1
check "--overwrite replaces it (exit 0)" test $? -eq 0
check "an earlier run's convoys.csv and daily.csv are gone" \
  test ! -e "$tmp/j4/convoys.csv" -a ! -e "$tmp/j4/daily.csv"
check "the new summary is there" test -s "$tmp/j4/summary.csv"

check "--help exits 0 and documents --precision" bash -c "'$bin' run --help | grep -q -- --precision"
exit $fail
