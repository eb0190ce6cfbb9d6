#!/usr/bin/env bash
# valgrind.sh - valgrind memcheck on a small run of every command.
#
#   scripts/valgrind.sh [BUILD_DIR]     (default build-valgrind, RelWithDebInfo)
#
# Each command runs under memcheck with --error-exitcode=99: any invalid
# read or write, use of an uninitialised value, or definite or indirect
# leak fails the script.  OpenMP's thread pool keeps its stacks to the
# end of the process ("possibly lost"), which is not counted.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$here/build-valgrind}
bash "$here/scripts/setup.sh"
cmake -S "$here" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
cmake --build "$dir" --target convoysim >/dev/null
bin=$dir/convoysim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scn=$here/scenarios/example.cfg
road=$here/tests/data/model/one_road.cfg
fail=0
vg() { # vg NAME ARGS...: one command under memcheck
  local name=$1
  shift
  if OMP_NUM_THREADS=2 OMP_WAIT_POLICY=passive valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
       --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --track-origins=yes \
       --log-file="$tmp/$name.vg" "$bin" "$@" >"$tmp/$name.out" 2>&1; then
    echo "ok: valgrind clean: convoysim $*"
  else
    local rc=$?
    if [ "$rc" -eq 99 ]; then
      echo "FAIL: valgrind found errors: convoysim $*"
      grep -E "==[0-9]+== (Invalid|Conditional|Use of|Mismatched|Syscall|.*definitely|.*indirectly)" "$tmp/$name.vg" | head -20
      fail=1
    else
      echo "FAIL: convoysim $* exited $rc"
      tail -5 "$tmp/$name.out"
      fail=1
    fi
  fi
}
vg version --version
vg help help scenario
vg check check "$scn" --set force.troops=200
vg run run "$scn" -n 40 -j 2 --daily --convoys --costs --trace 3 -q -o "$tmp/run"
vg resume run "$scn" -n 60 -j 2 --daily --convoys --costs -q -o "$tmp/run"
vg sweep sweep "$scn" --vary force.troops=0,400 --vary force.roe=self_defence,robust -n 20 -j 2 --daily --costs \
  -q -o "$tmp/sweep"
vg nolh sweep "$scn" --vary force.troops=0:800 --vary force.share.escort=0.1:0.5 --design nolh -n 5 -q -o "$tmp/nolh"
vg solve solve "$road" --target 'delivery_rate<=0.5' --vary threats.armed.rate_multiplier=0:20 -n 100 -j 2 -q \
  -o "$tmp/solve"
vg bench bench --list
vg mandate run "$here/scenarios/mandate_study.cfg" -n 4 -j 2 --set force.share.disarm=0.2 --set force.share.train=0.1 \
  --set ceasefire.intervention_p=0.5 --costs -q -o "$tmp/mandate"
printf 'name = "bad";\nhorizon_days = -1.0;\n' >"$tmp/bad.cfg"
if OMP_NUM_THREADS=2 valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
     --log-file="$tmp/bad.vg" "$bin" run "$tmp/bad.cfg" -o "$tmp/bad" >/dev/null 2>&1; [ $? -eq 65 ]; then
  echo "ok: valgrind clean: a bad scenario (exit 65)"
else
  echo "FAIL: a bad scenario under valgrind"; fail=1
fi
exit $fail
