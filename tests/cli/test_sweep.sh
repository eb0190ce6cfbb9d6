#!/usr/bin/env bash
# test_sweep.sh - `convoysim sweep` and `convoysim solve`: the grid's
# points and order, the same bytes for any -j and as each point run alone
# with run --set, compare.csv against a paired CI computed here from
# replications.csv, NOLH and LHS through the command line, design-file
# errors with their lines, bad points reported before anything runs, and
# solve finding an analytic threshold inside its bracket.
#   test_sweep.sh CONVOYSIM SOURCE_DIR
. "$(dirname "$0")/common.sh"
scn=$src/scenarios/example.cfg
road=$src/tests/data/model/one_road.cfg

# column NAME of row ROW (1 = header) of a CSV file
cell() {
  awk -F, -v name="$2" -v row="$3" '{ sub(/\r$/, "") } NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
    NR == row && c { print $c }' "$1"
}

# a 2 x 3 grid, the last factor fastest, on 1, 2 and 4 threads
for j in 1 2 4; do
  "$bin" sweep "$scn" --vary force.troops=0,400 --vary force.roe=self_defence,defend_mandate,robust \
    -n 120 -s 5 -j $j -o "$tmp/g$j" --convoys --daily -q >"$tmp/g$j.out" 2>"$tmp/g$j.err"
  check "sweep -j $j exits 0" test $? -eq 0
done
check "nothing on stderr" test ! -s "$tmp/g1.err"
for f in summary.csv replications.csv convoys.csv daily.csv compare.csv sensitivity.csv; do
  check "$f identical for -j 1 and 2" cmp -s "$tmp/g1/$f" "$tmp/g2/$f"
  check "$f identical for -j 1 and 4" cmp -s "$tmp/g1/$f" "$tmp/g4/$f"
done
check "summary.csv: point, the factors, replications" \
  grep -q '^point,force.troops,force.roe,replications,delivery_rate_mean,' "$tmp/g1/summary.csv"
check "6 points in grid order" test "$(awk -F, 'NR > 1 { printf "%s %s %s;", $1, $2, $3 }' "$tmp/g1/summary.csv")" = \
  "0 0.0 self_defence;1 0.0 defend_mandate;2 0.0 robust;3 400.0 self_defence;4 400.0 defend_mandate;5 400.0 robust;"
check "replications.csv: 6 x 120 rows with the factor columns" \
  test "$(grep -c '^[0-9]*,[0-9]*,5,[0-9.]*,[a-z_]*,' "$tmp/g1/replications.csv")" -eq 720
check "the headline names the design and the reference" grep -q "sweep of 6 points (grid)" "$tmp/g1.out"

# each point alone with run --set gives the same rows (but for the point number)
for p in 0 4; do
  troops=$(cell "$tmp/g1/summary.csv" force.troops $((p + 2)))
  roe=$(cell "$tmp/g1/summary.csv" force.roe $((p + 2)))
  "$bin" run "$scn" --set force.troops="$troops" --set force.roe="$roe" -n 120 -s 5 -o "$tmp/alone$p" \
    --convoys -q >/dev/null 2>&1
  check "point $p alone: run exits 0" test $? -eq 0
  check "point $p alone: the same summary row" test \
    "$(sed -n "$((p + 2))p" "$tmp/g1/summary.csv" | cut -d, -f2-)" = "$(sed -n 2p "$tmp/alone$p/summary.csv" | cut -d, -f2-)"
  check "point $p alone: the same replication rows" test \
    "$(awk -F, -v p=$p 'NR > 1 && $1 == p' "$tmp/g1/replications.csv" | cut -d, -f2- | md5sum)" = \
    "$(awk -F, 'NR > 1' "$tmp/alone$p/replications.csv" | cut -d, -f2- | md5sum)"
  check "point $p alone: the same convoy rows" test \
    "$(awk -F, -v p=$p 'NR > 1 && $1 == p' "$tmp/g1/convoys.csv" | cut -d, -f2- | md5sum)" = \
    "$(awk -F, 'NR > 1' "$tmp/alone$p/convoys.csv" | cut -d, -f2- | md5sum)"
done
check "run --set writes its keys as columns" \
  grep -q '^point,force.troops,force.roe,replications,' "$tmp/alone0/summary.csv"

# compare.csv: point 4 against point 0, replication by replication
# (t(0.975, 119) = 1.980099853)
awk -F, -v t=1.980099853 '
  { sub(/\r$/, "") }
  NR == 1 { for (i = 1; i <= NF; i++) if ($i == "tonnes_delivered") c = i; next }
  $1 == 0 { ref[$2] = $c }
  $1 == 4 { x[$2] = $c }
  END { n = 0; for (r in x) { d = x[r] - ref[r]; s += d; ss += d * d; n++ }
        m = s / n; sd = sqrt((ss - n * m * m) / (n - 1)); h = t * sd / sqrt(n)
        printf "%.6f %.6f %.6f\n", m, m - h, m + h }' "$tmp/g1/replications.csv" >"$tmp/hand"
awk -F, '{ sub(/\r$/, "") } NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  $1 == 4 { printf "%.6f %.6f %.6f\n", $c["tonnes_delivered_diff"], $c["tonnes_delivered_diff_ci_low"],
            $c["tonnes_delivered_diff_ci_high"] }' "$tmp/g1/compare.csv" >"$tmp/file"
check "compare.csv: the paired difference and its CI as computed by hand ($(cat "$tmp/hand"))" cmp -s "$tmp/hand" "$tmp/file"
check "compare.csv: paired CI narrower than unpaired (ci_ratio < 1)" \
  awk "BEGIN { exit !($(cell "$tmp/g1/compare.csv" tonnes_delivered_ci_ratio 6) < 1) }"
check "compare.csv: the reference against itself is 0" test "$(cell "$tmp/g1/compare.csv" tonnes_delivered_diff 2)" = 0
check "sensitivity.csv: a row per metric and factor" \
  grep -q '^delivery_rate,force.troops,' "$tmp/g1/sensitivity.csv"

# run.cfg of a sweep runs it again
"$bin" sweep "$tmp/g1/run.cfg" -o "$tmp/again" -q >/dev/null 2>&1
check "sweep run.cfg exits 0" test $? -eq 0
for f in summary.csv replications.csv compare.csv; do
  check "sweep run.cfg: the same $f" cmp -s "$tmp/g1/$f" "$tmp/again/$f"
done

# NOLH and LHS
"$bin" sweep "$scn" --vary force.troops=0:2000 --vary threats.crowd.desperation_slope=0:4 \
  --vary force.share.escort=0.1:0.5 --design nolh -n 20 -o "$tmp/nolh" -q >/dev/null 2>"$tmp/nolh.err"
check "nolh: exit 0" test $? -eq 0
check "nolh: 17 points" test "$(($(wc -l <"$tmp/nolh/summary.csv") - 1))" -eq 17
check "nolh: run.cfg records the largest correlation" grep -q '^# sweep design: nolh, 17 points, largest |correlation| 0\.0[0-2]' "$tmp/nolh/run.cfg"
"$bin" sweep "$scn" --vary force.troops=0:2000 --vary force.share.escort=0.1:0.5 --design lhs --points 25 \
  -n 10 -o "$tmp/lhs" -q >/dev/null 2>&1
check "lhs: 25 points" test "$(($(wc -l <"$tmp/lhs/summary.csv") - 1))" -eq 25

# bad input: reported before anything runs, with the point or the line
"$bin" sweep "$scn" --vary force.troops=100,-5 -n 10 -o "$tmp/bad1" -q >/dev/null 2>"$tmp/bad1.err"
check "a bad design point: exit 65" test $? -eq 65
check "  names the point and its value" grep -qxF "design point 1 (force.troops=-5):" "$tmp/bad1.err"
check "  and the problem" grep -qxF "  --set force.troops: 'force.troops' must be a number >= 0, not -5" "$tmp/bad1.err"
check "  nothing written" test ! -e "$tmp/bad1"
printf 'force.troops,force.roe\n100,robust\n200,robus\n' >"$tmp/points.csv"
"$bin" sweep "$scn" --design-file "$tmp/points.csv" -n 10 -o "$tmp/bad2" -q >/dev/null 2>"$tmp/bad2.err"
check "a bad cell of a design file: exit 65" test $? -eq 65
check "  names file and line" grep -qF "$tmp/points.csv:3: design point 1 (force.troops=200, force.roe=robus):" "$tmp/bad2.err"
printf 'force.troops,force.roe\n100\n' >"$tmp/short.csv"
"$bin" sweep "$scn" --design-file "$tmp/short.csv" -n 10 -o "$tmp/bad3" -q >/dev/null 2>"$tmp/bad3.err"
check "a short row: exit 65 with its line" grep -qxF "$tmp/short.csv:2: 1 cells, but the header names 2 keys" "$tmp/bad3.err"
"$bin" sweep "$scn" --vary force.trops=1,2 -n 10 -o "$tmp/bad4" -q >/dev/null 2>"$tmp/bad4.err"
check "an unknown --vary key: exit 65 with a suggestion" \
  grep -qxF -- "--vary force.trops: unknown key 'force.trops'; did you mean 'force.troops'?" "$tmp/bad4.err"
"$bin" sweep "$scn" -n 10 -o "$tmp/bad5" -q >/dev/null 2>"$tmp/bad5.err"
check "no design at all: exit 64" test $? -eq 64

# solve: one road of 1 h under 0.5 attacks an hour x m, loss 1, so the
# delivery rate is exp(-0.5 m) and falls to 0.7 at m = -ln(0.7) / 0.5
"$bin" solve "$road" --target 'delivery_rate<=0.7' --vary threats.armed.rate_multiplier=0:2 -n 3200 -s 3 \
  -o "$tmp/solve" -q >"$tmp/solve.out" 2>"$tmp/solve.err"
check "solve: exit 0" test $? -eq 0
answer=$(tail -n 1 "$tmp/solve.out")
check "solve: KEY=VALUE on the last line ($answer)" grep -q '^threats.armed.rate_multiplier=[0-9.]*$' <<<"$answer"
check "solve: the answer is just above the threshold 0.71335 ($answer)" \
  awk -v a="${answer#*=}" 'BEGIN { exit !(a >= 0.7113 && a <= 0.725) }'
check "solve: solve.csv has every evaluation" test "$(($(wc -l <"$tmp/solve/solve.csv") - 1))" -ge 8
check "solve: the bracket is printed" grep -q '^bracket (not resolved further):' "$tmp/solve.out"
"$bin" solve "$road" --target 'delivery_rate<=0.01' --vary threats.armed.rate_multiplier=0:2 -n 400 \
  -o "$tmp/solve2" -q >"$tmp/solve2.out" 2>&1
check "solve: a target not met in the range exits 1" test $? -eq 1
check "solve: ... and says KEY=none" test "$(tail -n 1 "$tmp/solve2.out")" = "threats.armed.rate_multiplier=none"
# the shipped studies' design files run on their scenarios: every row a
# valid point, in file order
for study in "mandate_study.cfg mandate_study.csv 49" "mandate_study_summer.cfg mandate_study.csv 49" \
             "calibration/un2720_summer_2025.cfg calibration/family_summer.csv 6" \
             "calibration/un2720_oct_2025.cfg calibration/family_oct.csv 6" "police_ramp.cfg - 4"; do
  set -- $study
  design=(--design-file "$src/scenarios/$2")
  [ "$2" = - ] && design=()   # the file's own sweep group
  "$bin" sweep "$src/scenarios/$1" "${design[@]}" -n 2 -o "$tmp/study_$3_$(basename "$1" .cfg)" \
    -q >/dev/null 2>"$tmp/study.err"
  check "the design of scenarios/$2 runs on scenarios/$1 (-: its sweep group)" test $? -eq 0
  check "... with its $3 points" test "$(($(wc -l <"$tmp/study_$3_$(basename "$1" .cfg)/summary.csv") - 1))" -eq "$3"
done

exit $fail
