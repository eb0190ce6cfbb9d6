#!/usr/bin/env bash
# test_mpi.sh - the MPI build under mpirun: run, sweep and solve with 1, 2
# and 3 ranks write the bytes of the same binary run as one process; a bad
# scenario is reported once, by rank 0, with its exit code; a rank that
# cannot load the scenario ends the run with rank 0's message; SIGTERM to
# rank 0 (as a scheduler sends it) keeps a complete prefix, exits 130, and
# the same command resumes to the bytes of an uninterrupted run, even with
# another rank count; run.cfg records the ranks.
#   test_mpi.sh CONVOYSIM SOURCE_DIR MPIEXEC
. "$(dirname "$0")/../cli/common.sh"
mpiexec=$3
mpi() { # mpi NP ARGS...: mpirun with NP ranks of the binary, one thread each
  local np=$1; shift
  "$mpiexec" --bind-to none --oversubscribe -np "$np" -x OMP_NUM_THREADS=1 "$bin" "$@"
}
base=$src/scenarios/gaza_baseline.cfg
scn=$src/scenarios/example.cfg

# the single-process references
"$bin" run "$base" -n 240 -j 2 --daily --convoys --costs -q -o "$tmp/run1" >/dev/null
check "one process: run exits 0" test $? -eq 0
"$bin" sweep "$scn" --vary force.troops=0,400 --vary force.roe=self_defence,robust -n 150 -j 2 \
  --daily --convoys --costs --reference 1 -q -o "$tmp/sweep1" >/dev/null
check "one process: sweep exits 0" test $? -eq 0
"$bin" solve "$src/tests/data/model/one_road.cfg" --target 'delivery_rate<=0.5' \
  --vary threats.armed.rate_multiplier=0:20 -n 300 -j 2 -q -o "$tmp/solve1" >"$tmp/solve1.out"
check "one process: solve exits 0" test $? -eq 0

for np in 1 2 3; do
  mpi $np run "$base" -n 240 --daily --convoys --costs -q -o "$tmp/run$np.mpi" >"$tmp/run$np.out" 2>"$tmp/run$np.err"
  check "run, $np ranks: exits 0" test $? -eq 0
  for f in summary.csv replications.csv convoys.csv daily.csv costs.csv; do
    check "run, $np ranks: $f is the one-process bytes" cmp -s "$tmp/run1/$f" "$tmp/run$np.mpi/$f"
  done
  check "run, $np ranks: run.cfg records the ranks" grep -q "^# ranks: $np\$" "$tmp/run$np.mpi/run.cfg"
  check "run, $np ranks: nothing on stderr" test ! -s "$tmp/run$np.err"
  mpi $np sweep "$scn" --vary force.troops=0,400 --vary force.roe=self_defence,robust -n 150 \
    --daily --convoys --costs --reference 1 -q -o "$tmp/sweep$np.mpi" >/dev/null 2>&1
  check "sweep, $np ranks: exits 0" test $? -eq 0
  for f in summary.csv replications.csv convoys.csv daily.csv compare.csv sensitivity.csv costs.csv; do
    check "sweep, $np ranks: $f is the one-process bytes" cmp -s "$tmp/sweep1/$f" "$tmp/sweep$np.mpi/$f"
  done
  mpi $np solve "$src/tests/data/model/one_road.cfg" --target 'delivery_rate<=0.5' \
    --vary threats.armed.rate_multiplier=0:20 -n 300 -q -o "$tmp/solve$np.mpi" >"$tmp/solve$np.out" 2>/dev/null
  check "solve, $np ranks: exits 0" test $? -eq 0
  check "solve, $np ranks: solve.csv is the one-process bytes" cmp -s "$tmp/solve1/solve.csv" "$tmp/solve$np.mpi/solve.csv"
  check "solve, $np ranks: the same answer" test "$(tail -n 1 "$tmp/solve1.out")" = "$(tail -n 1 "$tmp/solve$np.out")"
done
check "the headline names ranks and threads" grep -q " on 3 ranks x 1 thread " "$tmp/run3.out"
check "the workers took blocks" grep -q "^# mpi: [1-9][0-9]* blocks to the workers" "$tmp/run3.mpi/run.cfg"

# a bad scenario: rank 0 says so once, nothing runs, exit 65
printf 'name = "bad";\nhorizon_days = -1.0;\n' >"$tmp/bad.cfg"
mpi 3 run "$tmp/bad.cfg" -o "$tmp/bad" >"$tmp/bad.out" 2>&1
check "bad scenario under 3 ranks: exit 65" test $? -eq 65
check "... reported once" test "$(grep -c "has problems; nothing was run" "$tmp/bad.out")" -eq 1
check "... with its line" grep -q "bad.cfg:2: 'horizon_days' must be a number" "$tmp/bad.out"
check "... and no folder" test ! -e "$tmp/bad"

# a rank that cannot read the scenario (another working directory): rank
# 0 names it, exit 66, nothing written
mkdir -p "$tmp/wa" "$tmp/wb"
cp "$scn" "$tmp/wa/s.cfg"
"$mpiexec" --bind-to none --oversubscribe -x OMP_NUM_THREADS=1 -np 1 -wdir "$tmp/wa" "$bin" run s.cfg -n 2000 -q -o out : \
  -np 1 -wdir "$tmp/wb" "$bin" >"$tmp/wd.out" 2>&1
check "a rank without the scenario: exit 66" test $? -eq 66
check "... rank 0 names the rank and the file" grep -q "rank 1 could not load s.cfg" "$tmp/wd.out"
check "... and writes nothing" test ! -e "$tmp/wa/out"

# SIGTERM to rank 0 under 2 ranks: the prefix kept, 130, resumed under 3
"$bin" run "$base" -n 6000 -j 2 --daily -q -o "$tmp/full" >/dev/null
mpi 2 run "$base" -n 6000 --daily -q -o "$tmp/int" >/dev/null 2>"$tmp/int.err" &
runner=$!
rank0=
for _ in $(seq 1 100); do # rank 0: the first convoysim with this folder on its command line
  rank0=$(pgrep -f -- "^$bin run .* -o $tmp/int\$" | head -n 1)
  [ -n "$rank0" ] && [ -e "$tmp/int/.convoysim-partial" -o -n "$(ls -A "$tmp/int" 2>/dev/null)" ] && break
  sleep 0.1
done
sleep 1
kill -TERM "$rank0" 2>/dev/null
wait "$runner"
rc=$?
check "SIGTERM to rank 0: exit 130 (got $rc)" test $rc -eq 130
check "... says what was kept" grep -q "interrupted: kept [0-9]* of 6000 replications" "$tmp/int.err"
check "... marks run.cfg" grep -q "^# interrupted" "$tmp/int/run.cfg"
kept=$(($(wc -l <"$tmp/int/replications.csv") - 1))
check "... keeps a complete prefix ($kept replications)" test "$kept" -gt 0 -a "$kept" -lt 6000
check "... whose rows are the uninterrupted run's" cmp -s <(head -n $((kept + 1)) "$tmp/full/replications.csv") \
  "$tmp/int/replications.csv"
mpi 3 run "$base" -n 6000 --daily -q -o "$tmp/int" >/dev/null 2>&1
check "resumed under 3 ranks: exit 0" test $? -eq 0
for f in summary.csv replications.csv daily.csv; do
  check "resumed: $f is the uninterrupted bytes" cmp -s "$tmp/full/$f" "$tmp/int/$f"
done
exit $fail
