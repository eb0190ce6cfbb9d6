# csvcols.sh - sourced by the study scripts (force_study.sh, mandate_study.sh).
#
# csvcols FILE NAME... prints the named columns of FILE, one line per data
# row, separated by spaces, NaN for an empty cell (nothing to measure).
# Columns are found by their names in the header row, never by position.
# The files are RFC 4180 with CRLF line ends; the cells used here are
# names and numbers, so a quoted cell is refused, not parsed.  Messages
# start with the name of the script that sourced this file.
csvcols() {
  local file=$1
  shift
  awk -F, -v names="$*" -v file="$file" -v who="$(basename "$0")" '
    { sub(/\r$/, "") }
    /"/ { printf "%s: %s:%d: quoted cell, not expected here\n", who, file, NR > "/dev/stderr"; exit 65 }
    NR == 1 {
      n = split(names, want, " ")
      for (i = 1; i <= NF; i++) col[$i] = i
      for (j = 1; j <= n; j++)
        if (!(want[j] in col)) { printf "%s: %s has no column %s\n", who, file, want[j] > "/dev/stderr"; exit 65 }
      next
    }
    {
      line = ""
      for (j = 1; j <= n; j++) { v = $(col[want[j]]); line = line (j > 1 ? " " : "") (v == "" ? "NaN" : v) }
      print line
    }' "$file"
}
