#!/usr/bin/env bash
# test_check.sh - `convoysim check`: exit codes 0/64/65/66 and its messages.
#   $1 = path of the convoysim binary, $2 = source dir
set -u
bin=$1
src=$2
data=$src/tests/data
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect CODE CMD...: run CMD (stdout -> $tmp/out, stderr -> $tmp/err), check the exit code
expect() {
  local want=$1
  shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: exit $got, want $want: $*"
    sed 's/^/  stderr: /' "$tmp/err"
    fails=$((fails + 1))
  fi
}

# has FILE TEXT: FILE holds the exact line TEXT
has() {
  if ! grep -qxF -- "$2" "$tmp/$1"; then
    echo "FAIL: $1 lacks the line: $2"
    sed "s/^/  $1: /" "$tmp/$1"
    fails=$((fails + 1))
  fi
}

# contains FILE TEXT: some line of FILE contains TEXT
contains() {
  if ! grep -qF -- "$2" "$tmp/$1"; then
    echo "FAIL: $1 lacks: $2"
    sed "s/^/  $1: /" "$tmp/$1"
    fails=$((fails + 1))
  fi
}

cd "$data" || exit 1

# 0: valid, and what was resolved goes to stdout, no colour when not a terminal
expect 0 "$bin" check good/minimal.cfg
has out "good/minimal.cfg: valid scenario 'minimal'"
has out "  daily       45.0      3.00  ks-gaza_city"
has out "  ks              0.0       48.0      1       24         7       0.5"
contains out "  need: 0.0 t/day = 0.0 trucks/day at 11 t per truck (population 0)"
contains out "  none (no 'force' group)"
contains out "  nodes.*.inspect_h                        = 0.5  (ks)"
if grep -q $'\033' "$tmp/out"; then echo "FAIL: colour in a pipe"; fails=$((fails + 1)); fi
[ -s "$tmp/err" ] && { echo "FAIL: stderr not empty on success"; fails=$((fails + 1)); }

# the force pools (SPEC 3.7) and coverage, at t = 0 and after each buildup step
expect 0 "$bin" check good/full.cfg
has out "         0       5000      103       41       10      1.000"
has out "        20       8000      165       66       16      1.000"
# the pools are the model's: 400 x 0.9 x 0.7 / 4 is 63 teams (floating point
# says 62.99999999999999), and a run's convoy that asks for every team gets 63
expect 0 "$bin" check good/full.cfg --set force.troops=400 --set force.available=0.9 \
  --set force.share.escort=0.7 --set force.escort.team_size=4 --set force.share.patrol=0.1 \
  --set force.share.qrf=0.05 --set force.buildup='()'
has out "         0        400       63        4        2      0.800"

# where more troops stop paying off (force_saturation): per task the useful
# teams and the troops that make them, and a warning for each task past it
expect 0 "$bin" check good/full.cfg
has out "  patrol         66        5        607  coverage 1: ceil(25 road km / 5 km per team)"
has out "  warning: 66 patrol teams, coverage is 1 from 5: beyond 607 troops more patrols change nothing"
has out "  warning: 8000 troops are past every task's useful size: more troops add cost, not deliveries"
has out "  a convoy asks for min(escort_teams, escort pool when it is ready) teams and waits only for"
expect 0 "$bin" check good/full.cfg --set force.troops=600 --set force.buildup='()'
has out "  patrol          4        5        607  coverage 1: ceil(25 road km / 5 km per team)"
if grep -q "more patrols\|every task's useful size" "$tmp/out"; then
  echo "FAIL: a warning for 600 troops, short of the patrol's useful size"; fails=$((fails + 1))
fi

# --set is applied and checked like the file
expect 0 "$bin" check good/minimal.cfg --set force.troops=1000 --set force.share.qrf=0 --set=nodes.ks.lanes=2
has out "         0       1000        8        4        0      0.444"
has out "  ks              0.0       96.0      2       24         7       0.5"
expect 65 "$bin" check good/minimal.cfg --set nodes.ks.lanes=0
has err "--set nodes.ks.lanes: 'lanes' must be an integer >= 1, not 0"
has err "convoysim check: good/minimal.cfg: 1 problem"

# 65: every problem, each as file:line: message
expect 65 "$bin" check bad/multi.cfg
has err "bad/multi.cfg:4: 'lanes' must be an integer >= 1, not 0"
has err "bad/multi.cfg:5: unknown key 'popluation' in node 'gaza'; did you mean 'population'?"
has err "bad/multi.cfg:7: 'kmh': missing 'sd' for a normal distribution"
has err "bad/multi.cfg:2: 'horizon_days' must be a number in (0, 36500], not -5"
has err "bad/multi.cfg:9: 'force.roe': no ROE profile 'robus'; did you mean 'robust'?"
has err "convoysim check: bad/multi.cfg: 5 problems"
[ -s "$tmp/out" ] && { echo "FAIL: stdout not empty on failure"; fails=$((fails + 1)); }
expect 65 "$bin" check bad/syntax.cfg
has err "bad/syntax.cfg:2: syntax error"

# 66: missing or unreadable
expect 66 "$bin" check bad/does_not_exist.cfg
has err "bad/does_not_exist.cfg: cannot open: No such file or directory"
if [ "$(id -u)" != 0 ]; then
  cp good/minimal.cfg "$tmp/locked.cfg" && chmod 000 "$tmp/locked.cfg"
  expect 66 "$bin" check "$tmp/locked.cfg"
fi

# 64: usage
expect 64 "$bin" check
has err "convoysim check: give one SCENARIO file"
expect 64 "$bin" check good/minimal.cfg good/full.cfg
expect 64 "$bin" check --frobnicate good/minimal.cfg
has err "convoysim check: unknown option '--frobnicate'; see 'convoysim help check'"
expect 64 "$bin" check good/minimal.cfg --set lanes
has err "convoysim check: --set needs KEY=VALUE, not 'lanes'"
expect 64 "$bin" check good/minimal.cfg --set

# help: the command and the scenario reference
expect 0 "$bin" help check
contains out "Usage: convoysim check SCENARIO [--set KEY=VALUE]..."
expect 0 "$bin" --help
contains out "  check    validate a scenario and print what was resolved"
expect 0 "$bin" help scenario
contains out "Nodes: nodes = ( { ... }, ... )"
has out "  lanes                              integer in [1, 10000]; default 1 (crossing only)"
expect 0 "$bin" help scenario --markdown
if ! cmp -s "$tmp/out" "$src/docs/scenario-reference.md"; then
  echo "FAIL: docs/scenario-reference.md is stale (convoysim help scenario --markdown)"
  fails=$((fails + 1))
fi
expect 64 "$bin" help scenario --bogus

# every shipped scenario checks clean
while IFS= read -r f; do
  expect 0 "$bin" check "$f"
done < <(find "$src/scenarios" -name '*.cfg' | sort)

if [ "$fails" -ne 0 ]; then
  echo "$fails failure(s)"
  exit 1
fi
echo "all check tests passed"
