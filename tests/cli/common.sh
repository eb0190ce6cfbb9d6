# common.sh - sourced by the command-line tests: their arguments, a scratch
# folder removed on exit, and check().
#   . common.sh CONVOYSIM SOURCE_DIR
# Sets bin (absolute path of the binary), src, tmp and fail (0, or 1 once a
# check failed: the test exits with it).
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}
