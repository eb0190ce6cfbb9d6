#!/usr/bin/env bash
# test_run_errors.sh - exit codes of `convoysim run` and no partial file
# after any failure (64 usage, 65 bad scenario, 66 missing, 73 cannot
# create, 74 write failed after the start, 130 interrupted).
#   test_run_errors.sh CONVOYSIM SOURCE_DIR
set -u
bin=$1
src=$2
scn=$src/scenarios/example.cfg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() { # expect CODE DESCRIPTION ARGS...
  local want=$1 what=$2; shift 2
  "$bin" run "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local got=$?
  if [ "$got" -eq "$want" ]; then echo "ok: $what ($got)"; else
    echo "FAIL: $what: exit $got, want $want"; cat "$tmp/stderr"; fail=1; fi
}
nothing_left() { # nothing_left DIR DESCRIPTION
  if [ -z "$(find "$1" -type f 2>/dev/null)" ]; then echo "ok: $2"; else
    echo "FAIL: $2:"; find "$1" -type f; fail=1; fi
}

for bad in "-n 0" "-n 1.5" "-n x" "-s -1" "-s 18446744073709551616" "-j 0" \
           "--precision 0" "--precision -1" "--precision x" "--trace -1" "--bogus" \
           "--set novalue" "-n"; do
  # shellcheck disable=SC2086
  expect 64 "usage error: $bad" "$scn" -o "$tmp/u" -q $bad
done
expect 64 "no scenario" -o "$tmp/u"
expect 64 "two scenarios" "$scn" "$scn" -o "$tmp/u"
expect 64 "--trace past the last replication" "$scn" -n 10 --trace 10 -o "$tmp/u" -q
nothing_left "$tmp/u" "usage errors write nothing"

expect 66 "missing scenario" "$tmp/none.cfg" -o "$tmp/m" -q
printf 'name = "bad";\nhorizon_days = -3.0;\n' >"$tmp/bad.cfg"
expect 65 "bad scenario" "$tmp/bad.cfg" -o "$tmp/m" -q
if grep -q "bad.cfg:" "$tmp/stderr"; then echo "ok: bad scenario names file:line"; else
  echo "FAIL: bad scenario message"; cat "$tmp/stderr"; fail=1; fi
expect 65 "bad --set value" "$scn" --set horizon_days=-1 -o "$tmp/m" -q
nothing_left "$tmp/m" "scenario errors write nothing"

# a folder that cannot be created (under a plain file: root ignores permissions)
: >"$tmp/plain"
expect 73 "output folder under a file" "$scn" -n 5 -o "$tmp/plain/out" -q
if grep -q "cannot create" "$tmp/stderr"; then echo "ok: 73 says cannot create"; else
  echo "FAIL: 73 message"; cat "$tmp/stderr"; fail=1; fi

# a file name taken by a folder is found before the run, not at the rename
mkdir -p "$tmp/taken/replications.csv"
expect 73 "replications.csv is a folder" "$scn" -n 5 -o "$tmp/taken" -q
if [ "$(ls "$tmp/taken")" = "replications.csv" ]; then echo "ok: nothing else written"; else
  echo "FAIL: files left:"; ls -la "$tmp/taken"; fail=1; fi

# a write that fails after the start: files may not grow past 16 KiB.
# (ThreadSanitizer's runtime cannot start under a file-size limit: that
# build skips this case, the others all run it.)
if ! (ulimit -f 16; "$bin" run "$scn" -n 2 -o "$tmp/probe" -q >/dev/null 2>&1); then
  echo "skip: write failure (this build cannot start under ulimit -f)"
else
mkdir -p "$tmp/full"
echo "old" >"$tmp/full/summary.csv"
(ulimit -f 16; "$bin" run "$scn" -n 2000 -o "$tmp/full" -q --convoys --overwrite \
   >"$tmp/stdout" 2>"$tmp/stderr")
got=$?
if [ "$got" -eq 74 ]; then echo "ok: write failure exits 74"; else
  echo "FAIL: write failure: exit $got, want 74"; cat "$tmp/stderr"; fail=1; fi
if [ "$(ls "$tmp/full")" = "summary.csv" ] && [ "$(cat "$tmp/full/summary.csv")" = old ]; then
  echo "ok: no partial file, the old file untouched"
else
  echo "FAIL: files left after a failed write:"; ls -la "$tmp/full"; fail=1
fi
fi

# an interrupted run (SIGINT once its temporary files exist) leaves nothing
# SIGINT keeps what was finished (tests/cli/test_resume.sh checks the bytes)
mkdir -p "$tmp/int"
"$bin" run "$scn" -n 100000000 -o "$tmp/int" -q >/dev/null 2>"$tmp/int.err" &
pid=$!
for _ in $(seq 1 300); do
  [ -n "$(find "$tmp/int" -name 'replications.csv.tmp.*')" ] && break
  sleep 0.1
done
sleep 0.5
kill -INT "$pid"
wait "$pid"
got=$?
if [ "$got" -eq 130 ]; then echo "ok: SIGINT ends the run (130)"; else
  echo "FAIL: SIGINT: exit $got, want 130"; fail=1; fi
if grep -q "^convoysim run: interrupted: kept [0-9]* of 100000000 replications in " "$tmp/int.err"; then
  echo "ok: it says what it kept"; else echo "FAIL: no word of what was kept"; cat "$tmp/int.err"; fail=1; fi
if [ -z "$(find "$tmp/int" -name '*.tmp.*')" ] && grep -q '^# interrupted:' "$tmp/int/run.cfg"; then
  echo "ok: no temporary file, run.cfg marked interrupted"; else echo "FAIL: after SIGINT"; ls -la "$tmp/int"; fail=1; fi
exit $fail
