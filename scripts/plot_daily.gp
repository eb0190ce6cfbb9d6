# plot_daily.gp - fan chart of daily tonnes delivered, from daily.csv.
#
# One panel per distribution zone: the band holds the 10th to 90th
# percentile of tonnes delivered that day over the replications, the solid
# line is the mean, the dashed line the need.  Days on the x axis.
#
#   gnuplot -e "datafile='results/NAME/daily.csv'; outfile='results/NAME/daily.png'" \
#           scripts/plot_daily.gp
#
# daily.csv comes from `convoysim run SCENARIO --daily`; its columns are
# point,day,zone,need_t,tonnes_delivered_mean,tonnes_delivered_p10,
# tonnes_delivered_p90,desperation_mean,crossing_backlog_mean,replications.
# Columns are found by name, so added columns (sweep keys) do not matter.

if (!exists("datafile")) datafile = 'daily.csv'
if (!exists("outfile")) outfile = 'daily.png'

set datafile separator comma
set datafile columnheaders

# the zones, in order of first appearance (column "zone"; names are ids)
# a run made without --daily has no daily.csv: say so before awk does
if (system(sprintf("test -r '%s' && echo 1 || echo 0", datafile)) eq "0") {
  print sprintf("plot_daily.gp: %s does not exist: run convoysim with --daily to write it", datafile)
  exit status 1
}
zones = system(sprintf("awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == \"zone\") c = i; next } !seen[$c]++ { printf \"%%s \", $c }' '%s'", datafile))
nz = words(zones)
if (nz == 0) { print sprintf("plot_daily.gp: no rows in %s", datafile); exit status 1 }

panel_h = 260
set terminal pngcairo size 1000, (nz * panel_h + 60) font "sans,10"
set output outfile
set multiplot layout nz, 1 title "Daily tonnes delivered: mean and 10-90% band over replications, against need"

set grid ytics lc rgb "#dddddd"
set key top left horizontal opaque
set ylabel "tonnes / day"
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0   # headroom above the need line for the key
set style fill transparent solid 0.30 noborder

# the rows of zone z (and the header), picked by awk so lines stay unbroken
rows(z) = sprintf("< awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == \"zone\") c = i; print; next } $c == \"%s\"' '%s'", z, datafile)
set termoption noenhanced
do for [i = 1:nz] {
  z = word(zones, i)
  set title z
  if (i == nz) { set xlabel "day" } else { unset xlabel }
  plot rows(z) using "day":"tonnes_delivered_p10":"tonnes_delivered_p90" \
         with filledcurves lc rgb "#4477aa" title "p10-p90", \
       '' using "day":"tonnes_delivered_mean" with lines lw 2 lc rgb "#224477" title "mean", \
       '' using "day":"need_t" with lines dt 2 lw 2 lc rgb "#cc3311" title "need"
}
unset multiplot
