#!/usr/bin/env bash
# test_resume.sh - a folder holds one run: SIGINT keeps the finished prefix
# (exit 130, run.cfg marked interrupted), the same command resumes and ends
# with the bytes of an uninterrupted run, a larger -n extends a finished
# run to those of a run of that size, another run's folder is refused (73)
# and a file convoysim did not write is never touched; a folder another
# run is writing is refused (73), and a killed run's temporary files are
# removed by the next run into its folder.
#   test_resume.sh CONVOYSIM SOURCE_DIR
. "$(dirname "$0")/common.sh"
scn=$src/scenarios/gaza_baseline.cfg

# interrupt CMD...: start it, wait until it has written replications, SIGINT it
interrupt() {
  "$@" >"$tmp/int.out" 2>"$tmp/int.err" &
  local pid=$!
  for _ in $(seq 1 600); do
    sz=$(find "$tmp" -name 'replications.csv.tmp.*' -size +40k 2>/dev/null | head -n 1)
    [ -n "$sz" ] && break
    sleep 0.05
  done
  kill -INT "$pid"
  wait "$pid"
  echo $?
}

same() { # same DIR_A DIR_B FILE...
  local a=$1 b=$2; shift 2
  for f in "$@"; do check "$f identical to the uninterrupted run's" cmp -s "$a/$f" "$b/$f"; done
}

# a run: interrupted, resumed
"$bin" run "$scn" -n 1500 -s 9 -o "$tmp/full" --convoys -q >/dev/null 2>&1
got=$(interrupt "$bin" run "$scn" -n 1500 -s 9 -o "$tmp/part" --convoys -q)
check "run: SIGINT exits 130" test "$got" -eq 130
check "run: it says what it kept" grep -q "^convoysim run: interrupted: kept [0-9]* of 1500 replications in '$tmp/part'" "$tmp/int.err"
check "run: run.cfg marked interrupted" grep -q '^# interrupted:' "$tmp/part/run.cfg"
kept=$(awk -F, 'NR == 2 { print $2 }' "$tmp/part/summary.csv")
check "run: a prefix was kept ($kept replications)" test "$kept" -gt 0 -a "$kept" -lt 1500
check "run: replications.csv holds exactly that prefix" \
  test "$(($(wc -l <"$tmp/part/replications.csv") - 1))" -eq "$kept"
"$bin" run "$scn" -n "$kept" -s 9 -o "$tmp/prefix" --convoys -q >/dev/null 2>&1
same "$tmp/prefix" "$tmp/part" replications.csv convoys.csv
"$bin" run "$scn" -n 1500 -s 9 -o "$tmp/part" --convoys -q >"$tmp/resume.out" 2>&1
check "run: the same command resumes (exit 0)" test $? -eq 0
check "run: the headline says resumed" grep -q "1500 replications (resumed)" "$tmp/resume.out"
same "$tmp/full" "$tmp/part" summary.csv replications.csv convoys.csv
check "run: the interrupted mark is gone" bash -c "! grep -q '^# interrupted:' '$tmp/part/run.cfg'"

# a larger -n extends a finished run
"$bin" run "$scn" -n 500 -s 9 -o "$tmp/ext" --convoys -q >/dev/null 2>&1
"$bin" run "$scn" -n 1500 -s 9 -o "$tmp/ext" --convoys -q >/dev/null 2>&1
check "run: -n 500 then -n 1500 exits 0" test $? -eq 0
same "$tmp/full" "$tmp/ext" summary.csv replications.csv convoys.csv

# a sweep: interrupted, resumed
sw=(--vary force.troops=0,2000,4000,6000 --vary force.roe=self_defence,robust -n 150 -s 4)
"$bin" sweep "$scn" "${sw[@]}" -o "$tmp/sfull" --daily --costs -q >/dev/null 2>&1
got=$(interrupt "$bin" sweep "$scn" "${sw[@]}" -o "$tmp/spart" --daily --costs -q)
check "sweep: SIGINT exits 130" test "$got" -eq 130
check "sweep: it says what it kept" grep -q "^convoysim sweep: interrupted: kept [0-9]* of 8 design points" "$tmp/int.err"
points=$(($(wc -l <"$tmp/spart/summary.csv") - 1))
check "sweep: whole points kept ($points), their replications only" \
  test "$(($(wc -l <"$tmp/spart/replications.csv") - 1))" -eq $((points * 150))
"$bin" sweep "$scn" "${sw[@]}" -o "$tmp/spart" --daily --costs -q >/dev/null 2>&1
check "sweep: the same command resumes (exit 0)" test $? -eq 0
same "$tmp/sfull" "$tmp/spart" summary.csv replications.csv daily.csv compare.csv sensitivity.csv costs.csv
# a finished sweep run again reads every point back, costs.csv and daily.csv too
"$bin" sweep "$scn" "${sw[@]}" -o "$tmp/spart" --daily --costs -q >/dev/null 2>&1
check "sweep: run again on a finished folder (exit 0)" test $? -eq 0
check "... computes no replication" grep -q "^# events: 0$" "$tmp/spart/run.cfg"
same "$tmp/sfull" "$tmp/spart" summary.csv replications.csv daily.csv compare.csv sensitivity.csv costs.csv

# whose folder: another run refused, foreign files untouched
echo "my notes" >"$tmp/spart/notes.txt"
"$bin" sweep "$scn" --vary force.troops=0,1000 -n 50 -o "$tmp/spart" -q >/dev/null 2>"$tmp/other.err"
check "another run's folder: exit 73" test $? -eq 73
check "  the message names the folder and --overwrite" grep -q "'$tmp/spart' holds another run's results (.*--overwrite" "$tmp/other.err"
same "$tmp/sfull" "$tmp/spart" summary.csv
"$bin" sweep "$scn" --vary force.troops=0,1000 -n 50 -o "$tmp/spart" -q --overwrite >/dev/null 2>&1
check "--overwrite: exit 0" test $? -eq 0
check "--overwrite: a file convoysim did not write is still there" test "$(cat "$tmp/spart/notes.txt")" = "my notes"
check "--overwrite: the earlier daily.csv is gone" test ! -e "$tmp/spart/daily.csv"
mkdir -p "$tmp/foreign"
echo "a,b" >"$tmp/foreign/summary.csv"
"$bin" run "$scn" -n 10 -o "$tmp/foreign" -q >/dev/null 2>"$tmp/foreign.err"
check "a summary.csv no run.cfg accounts for: exit 73" test $? -eq 73
check "  and it is untouched" test "$(cat "$tmp/foreign/summary.csv")" = "a,b"

# one run at a time in a folder; a killed run's temporary files removed by the next
"$bin" run "$scn" -n 1000000 -j 1 -s 9 -o "$tmp/busy" -q >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  [ -n "$(find "$tmp/busy" -name 'replications.csv.tmp.*' -size +4k 2>/dev/null)" ] && break
  sleep 0.05
done
"$bin" run "$scn" -n 10 -o "$tmp/busy" -q >/dev/null 2>"$tmp/busy.err"
check "a folder another run is writing: exit 73" test $? -eq 73
check "  the message says so" test "$(cat "$tmp/busy.err")" = \
  "convoysim run: '$tmp/busy' is in use by another convoysim run; wait until it ends, or give another -o folder"
check "  its temporary files are still there" test "$(find "$tmp/busy" -name '*.tmp.*' | wc -l)" -eq 3
kill -KILL "$pid"
wait "$pid" 2>/dev/null
check "a killed run leaves its temporary files" test "$(find "$tmp/busy" -name '*.tmp.*' | wc -l)" -eq 3
echo "mine" >"$tmp/busy/summary.csv.tmp.notes"
echo "mine" >"$tmp/busy/notes.txt.tmp.abcdef"
"$bin" run "$scn" -n 10 -s 9 -o "$tmp/busy" -q >/dev/null 2>&1
check "the next run into it: exit 0" test $? -eq 0
check "  the killed run's temporary files are gone" \
  test -z "$(find "$tmp/busy" -name '*.csv.tmp.??????' -o -name 'run.cfg.tmp.??????')"
check "  files of other names are untouched" \
  test "$(cat "$tmp/busy/summary.csv.tmp.notes" "$tmp/busy/notes.txt.tmp.abcdef")" = "$(printf 'mine\nmine')"
"$bin" run "$scn" -n 10 -s 9 -o "$tmp/ref10" -q >/dev/null 2>&1
same "$tmp/ref10" "$tmp/busy" summary.csv replications.csv
exit $fail
