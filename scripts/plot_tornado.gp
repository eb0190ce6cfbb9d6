# plot_tornado.gp - tornado chart of a sweep's sensitivity analysis for one
# metric: how strongly each factor moves the metric's point means.
#
# One pair of horizontal bars per factor, the largest |src| at the top:
# src, the standardized regression coefficient (the change in the metric,
# in standard deviations, per standard deviation of the factor, all others
# held), and prcc, the partial rank correlation coefficient (monotone but
# not necessarily linear effects).  Read src with the r2 of the linear fit
# in the title: with a low r2 the linear model misses much of the effect.
#
#   gnuplot -e "datafile='results/force_study/tornado.dat'; outfile='results/force_study/tornado.png'; metric='tonnes_delivered'" \
#           scripts/plot_tornado.gp
#
# datafile is either sensitivity.csv itself (the rows of `metric`, default
# tonnes_delivered, are taken, columns by name) or a whitespace-separated
# file, '#' starting a comment, one row per factor:
#   src prcc r2 "factor label"
# as scripts/force_study.sh writes it from sensitivity.csv.

if (!exists("datafile")) datafile = 'tornado.dat'
if (!exists("outfile")) outfile = 'tornado.png'
if (!exists("metric")) metric = 'tonnes_delivered'

# the rows as "|src| src prcc r2 label", largest |src| first
if (datafile[strlen(datafile) - 3:] eq '.csv') {
  rows = sprintf("< awk -F, '{ sub(/\\r$/, \"\") } NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c[\"metric\"] == \"%s\" { for (i = 1; i <= NF; i++) if ($i == \"\") $i = \"NaN\"; s = $c[\"src\"]; printf \"%%s %%s %%s %%s \\\"%%s\\\"\\n\", (s < 0 ? -s : s), s, $c[\"prcc\"], $c[\"r2\"], $c[\"factor\"] }' '%s' | sort -gr", metric, datafile)
} else {
  rows = sprintf("< awk '!/^#/ && NF { s = $1; print (s < 0 ? -s : s), $0 }' '%s' | sort -gr", datafile)
}

stats rows using 4 nooutput
if (!exists("STATS_records") || STATS_records == 0) { print sprintf("plot_tornado.gp: no coefficients for %s in %s", metric, datafile); exit status 1 }
nf = STATS_records
r2 = STATS_max

set terminal pngcairo size 1000, (170 + nf * 80) font "sans,10"
set output outfile
set termoption noenhanced

set title sprintf("Sensitivity of %s to the factors of the sweep (point means; linear fit r2 = %.2f)", metric, r2)
set xlabel "coefficient (-1 to 1): src = standardized regression, prcc = partial rank correlation"
set xrange [-1 : 1]
set yrange [nf - 0.4 : -0.6]       # the first (largest) row at the top
set xtics 0.25 format "%.2f"
set ytics scale 0
set grid xtics lc rgb "#dddddd"
set yzeroaxis lt -1 lw 1.5
set key bottom right opaque box
set style fill solid 0.85 border -1
set lmargin 48

h = 0.17   # half height of a bar; src above, prcc below the factor's line
plot rows using (0.5 * $2):($0 - h):(0.5 * abs($2)):(h * 0.95) with boxxyerror lc rgb "#224477" title "src", \
     '' using (0.5 * $3):($0 + h):(0.5 * abs($3)):(h * 0.95) with boxxyerror lc rgb "#88aadd" title "prcc", \
     '' using ($2 >= 0 ? $2 + 0.015 : NaN):($0 - h):(sprintf("%+.2f", $2)) with labels left font "sans,9" notitle, \
     '' using ($2 < 0 ? $2 - 0.015 : NaN):($0 - h):(sprintf("%+.2f", $2)) with labels right font "sans,9" notitle, \
     '' using ($3 >= 0 ? $3 + 0.015 : NaN):($0 + h):(sprintf("%+.2f", $3)) with labels left font "sans,9" notitle, \
     '' using ($3 < 0 ? $3 - 0.015 : NaN):($0 + h):(sprintf("%+.2f", $3)) with labels right font "sans,9" notitle, \
     '' using (NaN):0:yticlabels(5) with points pt -1 notitle
