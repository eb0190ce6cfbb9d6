#!/usr/bin/env bash
# test.sh - set up, build and run the test suite.
#
#   scripts/test.sh          Release build with -Werror, all tests (build/)
#   scripts/test.sh asan     AddressSanitizer + UBSan build (build-asan/)
#   scripts/test.sh tsan     clang + libomp ThreadSanitizer build (build-tsan/)
#   scripts/test.sh mpi      Open MPI build (build-mpi/): all tests, and runs
#                            under mpirun with 1, 2 and 3 ranks against one process
#   scripts/test.sh valgrind memcheck on a small run of every command
#                            (build-valgrind/, scripts/valgrind.sh)
#   scripts/test.sh fuzz     clang libFuzzer build; runs each fuzzer for
#                            FUZZ_SECONDS (default 60) on its seed corpus
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-release}
jobs=$(nproc 2>/dev/null || echo 2)

bash "$here/scripts/setup.sh"

if [ "$mode" = valgrind ]; then
  exec bash "$here/scripts/valgrind.sh" "$here/build-valgrind"
fi

case "$mode" in
  release)
    dir=build; cc=${CC:-cc}; flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  asan)
    dir=build-asan; cc=${CC:-cc}
    flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONVOYSIM_ASAN=ON) ;;
  tsan)
    dir=build-tsan; cc=clang
    flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONVOYSIM_TSAN=ON) ;;
  mpi)
    dir=build-mpi; cc=${CC:-cc}; flags=(-DCMAKE_BUILD_TYPE=Release -DCONVOYSIM_MPI=ON) ;;
  fuzz)
    dir=build-fuzz; cc=clang
    flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONVOYSIM_ASAN=ON -DCONVOYSIM_FUZZ=ON) ;;
  *)
    echo "usage: scripts/test.sh [release|asan|tsan|mpi|valgrind|fuzz]" >&2; exit 64 ;;
esac

cmake -S "$here" -B "$here/$dir" -G Ninja -DCMAKE_C_COMPILER="$cc" \
  -DCONVOYSIM_WERROR=ON "${flags[@]}" >/dev/null
cmake --build "$here/$dir" -j "$jobs"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/tests/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-ignore_noninstrumented_modules=1}

if [ "$mode" = fuzz ]; then
  secs=${FUZZ_SECONDS:-60}
  shopt -s nullglob
  for f in "$here/$dir"/tests/fuzz_*; do
    name=$(basename "$f")
    corpus="$here/tests/fuzz/corpus-${name#fuzz_}"
    work=$(mktemp -d)
    echo "fuzzing $name for ${secs}s"
    (cd "$work" && "$f" -max_total_time="$secs" -max_len=8192 -timeout=10 \
       "$work" "$corpus")
    rm -rf "$work"
  done
  exit 0
fi

cd "$here/$dir"
ctest --output-on-failure --no-tests=error -j "$jobs"
