#!/usr/bin/env bash
# bench_mpi.sh - replications per second of the MPI build for ranks x
# threads on this machine, and what goes over the wire per block.
#
#   scripts/bench_mpi.sh [REPLICATIONS] [RUNS]     (defaults 4000 and 3)
#
# Builds build-mpi/ (-DCONVOYSIM_MPI=ON) if needed, then runs the baseline
# (scenarios/gaza_baseline.cfg, REPLICATIONS replications, no optional
# files) RUNS times per layout: one process with 1 and 2 threads, mpirun
# with 1 rank x 2 threads and 2 ranks x 1 thread (and, with --convoys
# --daily, 2 ranks x 1 thread to show the heavier blocks).  Prints one row
# per layout: the median replications/s (from run.cfg's wall_time_s: the
# replications alone, not MPI's start-up), the blocks sent to workers and
# the bytes per block and per replication.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
reps=${1:-4000}
runs=${2:-3}
cd "$here"
bash scripts/setup.sh
if [ ! -x build-mpi/convoysim ]; then
  cmake -S . -B build-mpi -G Ninja -DCMAKE_BUILD_TYPE=Release -DCONVOYSIM_MPI=ON >/dev/null
fi
cmake --build build-mpi >/dev/null
bin=$here/build-mpi/convoysim
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one layout: NAME RANKS THREADS [EXTRA OPTIONS...]
layout() {
  local name=$1 np=$2 th=$3
  shift 3
  local rates=() line=""
  for r in $(seq 1 "$runs"); do
    rm -rf "$tmp/out"
    if [ "$np" = 0 ]; then
      "$bin" run scenarios/gaza_baseline.cfg -n "$reps" -j "$th" -q -o "$tmp/out" "$@" >/dev/null
    else
      mpirun --bind-to none -np "$np" -x OMP_NUM_THREADS="$th" "$bin" run scenarios/gaza_baseline.cfg \
        -n "$reps" -j "$th" -q -o "$tmp/out" "$@" >/dev/null
    fi
    rates+=("$(awk -v n="$reps" '/^# wall_time_s:/ { printf "%.1f", n / $3 }' "$tmp/out/run.cfg")")
    line=$(grep '^# mpi:' "$tmp/out/run.cfg" || true)
  done
  local median
  median=$(printf '%s\n' "${rates[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  local blocks="-" per_block="-" per_rep="-"
  if [ -n "$line" ]; then
    blocks=$(sed -E 's/^# mpi: ([0-9]+) blocks.*/\1/' <<<"$line")
    local remote bytes_in bytes_out
    remote=$(sed -E 's/.*\(([0-9]+) replications;.*/\1/' <<<"$line")
    bytes_out=$(sed -E 's/.*, ([0-9]+) bytes sent.*/\1/' <<<"$line")
    bytes_in=$(sed -E 's/.*, ([0-9]+) received.*/\1/' <<<"$line")
    per_block=$(awk -v a="$bytes_in" -v b="$bytes_out" -v n="$blocks" 'BEGIN { printf "%.0f", (a + b) / n }')
    per_rep=$(awk -v a="$bytes_in" -v n="$remote" 'BEGIN { printf "%.0f", a / n }')
  fi
  printf '%-46s %10s %8s %14s %14s\n' "$name" "$median" "$blocks" "$per_block" "$per_rep"
}

printf 'baseline, %s replications, median of %s runs, %s cores\n' "$reps" "$runs" "$(nproc)"
printf '%-46s %10s %8s %14s %14s\n' layout "reps/s" blocks "bytes/block" "bytes/rep"
layout "one process, 1 thread" 0 1
layout "one process, 2 threads" 0 2
layout "mpirun 1 rank x 2 threads" 1 2
layout "mpirun 2 ranks x 1 thread" 2 1
layout "mpirun 2 ranks x 1 thread, --convoys --daily" 2 1 --convoys --daily
