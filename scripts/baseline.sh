#!/usr/bin/env bash
# baseline.sh - the main job: set up, build, run the 90-day Gaza baseline,
# draw the daily fan chart, and say where everything went.
#
#   scripts/baseline.sh [extra options for convoysim run]
#
# e.g. scripts/baseline.sh -n 2000 -j 2
#      scripts/baseline.sh --convoys   (also convoys.csv, one row per convoy:
#                                       about 49 MB per 1,000 replications)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

bash "$here/scripts/setup.sh"
cmake -S "$here" -B "$here/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$here/build" -j "$jobs" >/dev/null

cd "$here"
out=results/gaza_baseline   # relative, so the paths printed are short
./build/convoysim run scenarios/gaza_baseline.cfg --daily -o "$out" "$@"
gnuplot -e "datafile='$out/daily.csv'; outfile='$out/daily.png'" scripts/plot_daily.gp
echo "fan chart:    $out/daily.png"
