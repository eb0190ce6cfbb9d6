#!/usr/bin/env bash
# test_messages.sh - what a first-time user reads: -h on every command,
# --set with spaces around '=', singular and plural, a force group with no
# troops, the maximum of -n, a missing daily.csv for the fan chart, and the
# files that are not scenarios.
#   test_messages.sh CONVOYSIM SOURCE_DIR
. "$(dirname "$0")/common.sh"
scn=$src/scenarios/example.cfg

for c in run sweep solve check bench; do
  "$bin" $c -h >"$tmp/h.out" 2>"$tmp/h.err"
  check "$c -h exits 0" test $? -eq 0
  "$bin" help $c >"$tmp/help.out"
  check "$c -h prints 'help $c'" cmp -s "$tmp/h.out" "$tmp/help.out"
done

"$bin" run "$scn" -n 3 --set 'force.troops = 0' --set ' force.roe = robust ' -q -o "$tmp/sp" >"$tmp/sp.out" 2>&1
check "--set 'KEY = VALUE' is accepted" test $? -eq 0
check "... its key and value without the spaces" grep -q '^0,0.0,robust,3,' "$tmp/sp/summary.csv"
"$bin" run "$scn" -n 1 -o "$tmp/one" >"$tmp/one.out" 2>&1
check "1 replication, not 1 replications" grep -q '^example: 1 replication in ' "$tmp/one.out"
"$bin" run "$scn" -n 18446744073709551615 -o "$tmp/big" >"$tmp/big.out" 2>&1
check "-n too large: exit 64" test $? -eq 64
check "... names the maximum" grep -q "must be an integer from 1 to 1000000000000, not '18446744073709551615'" "$tmp/big.out"
"$bin" check "$scn" --set force.troops=0 >"$tmp/c0.out"
check "check: a force of 0 troops is off" grep -q "mechanisms: force off (0 troops)," "$tmp/c0.out"
"$bin" check "$scn" >"$tmp/c1.out"
check "check: one convoy schedule, singular" grep -q ", 1 convoy schedule, 3 ROE profiles$" "$tmp/c1.out"

if command -v gnuplot >/dev/null 2>&1; then
  gnuplot -e "datafile='$tmp/one/daily.csv'; outfile='$tmp/one/daily.png'" "$src/scripts/plot_daily.gp" \
    >"$tmp/gp.out" 2>&1
  check "fan chart without daily.csv: fails" test $? -ne 0
  check "... and says to run with --daily" grep -q "does not exist: run convoysim with --daily to write it" "$tmp/gp.out"
  check "... not an awk error" test -z "$(grep -i awk "$tmp/gp.out")"
fi

# not scenarios: a folder, a device through a link, a FIFO (none is read)
mkfifo "$tmp/fifo.cfg"
ln -s /dev/zero "$tmp/zero.cfg"
for f in "$tmp" "$tmp/zero.cfg" "$tmp/fifo.cfg"; do
  timeout 20 "$bin" check "$f" >"$tmp/nr.out" 2>&1
  rc=$?
  check "check $(basename "$f"): exit 65" test $rc -eq 65
  check "... not a regular file" grep -q ": not a regular file (" "$tmp/nr.out"
done
# absurd inputs: refused with a message, in bounded time and memory
awk 'BEGIN { print "name = \"deep\";"; s = "x = "; for (i = 0; i < 3000; i++) s = s "{ a = "; s = s "1"
             for (i = 0; i < 3000; i++) s = s " ; }"; print s ";" }' >"$tmp/deep.cfg"
"$bin" check "$tmp/deep.cfg" >"$tmp/deep.out" 2>&1
rc=$?
check "3,000 nested groups: exit 65" test $rc -eq 65
check "... groups nest too deeply" grep -q "deep.cfg:2: syntax error: groups or lists nest too deeply" "$tmp/deep.out"
for v in nan inf -inf 1e999; do
  "$bin" check "$scn" --set "force.troops=$v" >"$tmp/nan.out" 2>&1
  rc=$?
  check "--set force.troops=$v: exit 65" test $rc -eq 65
  check "... must be a number" grep -q "'force.troops' must be a number >= 0, not " "$tmp/nan.out"
done
"$bin" run "$scn" -n 1 --set horizon_days=1000000000 -o "$tmp/hz" >"$tmp/hz.out" 2>&1
rc=$?
check "a horizon of 10^9 days: exit 65" test $rc -eq 65
check "... names the range" grep -q "'horizon_days' must be a number in (0, 36500]" "$tmp/hz.out"
awk 'BEGIN { print "force.troops"; for (i = 0; i <= 100000; i++) print i }' >"$tmp/rows.csv"
"$bin" sweep "$scn" --design-file "$tmp/rows.csv" -n 1 -o "$tmp/rows" >"$tmp/rows.out" 2>&1
rc=$?
check "a design of 100,001 rows: exit 65" test $rc -eq 65
check "... at most 100000 points, with the line" grep -q "rows.csv:100002: more than 100000 design points" "$tmp/rows.out"
check "... nothing written" test ! -e "$tmp/rows"
mkfifo "$tmp/design.csv"
timeout 20 "$bin" sweep "$scn" --design-file "$tmp/design.csv" -n 1 -o "$tmp/df" >"$tmp/df.out" 2>&1
rc=$?
check "a FIFO as design file: exit 65, unread" test $rc -eq 65
check "... not a regular file" grep -q "design.csv: not a regular file: give a design file" "$tmp/df.out"

exit $fail
