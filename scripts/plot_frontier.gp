# plot_frontier.gp - the trade-off between aid delivered and harm done:
# civilian harm against tonnes delivered, one marker per design point.
#
# x: tonnes delivered (mean per run), y: civilian harm (mean expected
# civilian casualties per run, with its 95% CI as a bar).  Colour gives the
# ROE, the marker the patrol share (filled: the smaller share, open: the
# larger); thin lines join the points of one ROE and share in order of
# force size; the black square is the no-force reference.  Labels give the
# troops in thousands (upright, right of the point: the smaller share;
# italic, left: the larger), a range where several levels land on
# practically the same spot.  The grey dashed line joins the
# efficient points: no other point delivers at least as much with at most
# as much harm.
#
#   gnuplot -e "datafile='results/force_study/frontier.dat'; outfile='results/force_study/frontier.png'" \
#           scripts/plot_frontier.gp
#
# Optional: subtitle (a second title line).
#
# datafile is whitespace-separated, '#' starts a comment, one row per point:
#   roe_index roe patrol troops tonnes_mean harm_mean harm_ci_low harm_ci_high pareto label
# roe_index counted from 1; pareto 1 for an efficient point, else 0; label
# the troops text of the point ("-": none).  Rows of one ROE and patrol
# share come in increasing troops.  scripts/force_study.sh writes it from
# summary.csv, by column name.

if (!exists("datafile")) datafile = 'frontier.dat'
if (!exists("outfile")) outfile = 'frontier.png'
if (!exists("subtitle")) subtitle = ''

stats datafile using 1 nooutput
nr = int(STATS_max)
stats datafile using 3 nooutput
plo = STATS_min
phi = STATS_max

set terminal pngcairo size 1000, 650 font "sans,10"
set output outfile
set termoption noenhanced

title = "Civilian harm against tonnes delivered: the trade-off of force size, ROE and patrol share"
if (strlen(subtitle) > 0) { title = title . "\n" . subtitle }
set title title
set xlabel "tonnes delivered per 90-day run (mean, thousand t)"
set ylabel "civilian harm per run (mean expected casualties, 95% CI)"
set grid xtics ytics lc rgb "#dddddd"
set key top left opaque box spacing 1.2
set offsets graph 0.04, graph 0.06, graph 0.06, graph 0.02
set yrange [0 : *]
set format x "%.1f"

array col[3] = ["#4477aa", "#ee7733", "#cc3311"]
c(i) = col[(i - 1) % 3 + 1]
roe_name(i) = system(sprintf("awk '!/^#/ && $1 == %d { print $2; exit }' '%s'", i, datafile))
# the rows of ROE i and patrol share p with a force, in increasing troops
group(i, p) = sprintf("< awk '!/^#/ && $1 == %d && $3 == %s && $4 > 0' '%s' | sort -g -k4,4", i, p, datafile)
# the efficient points, in increasing tonnes
efficient = sprintf("< awk '!/^#/ && $9 == 1' '%s' | sort -g -k5,5", datafile)
kt(x) = x / 1000.0
sel(i, p) = ($1 == i && $3 == p && $4 > 0)

share_lo = sprintf("patrol share %g (filled, solid line)", plo)
share_hi = sprintf("patrol share %g (open, dotted line)", phi)
splo = sprintf("%.17g", plo)
sphi = sprintf("%.17g", phi)

plot \
  efficient using (kt($5)):6 with lines dt 2 lw 1.5 lc rgb "#b0b0b0" title "efficient: no other point delivers more with less harm", \
  for [i = 1:nr] group(i, splo) using (kt($5)):6 with lines lw 1 lc rgb c(i) notitle, \
  for [i = 1:nr] group(i, sphi) using (kt($5)):6 with lines lw 1 dt 3 lc rgb c(i) notitle, \
  for [i = 1:nr] datafile using (sel(i, plo) ? kt($5) : NaN):6:7:8 with yerrorbars pt 7 ps 1.5 lc rgb c(i) title roe_name(i), \
  for [i = 1:nr] datafile using (sel(i, phi) ? kt($5) : NaN):6:7:8 with yerrorbars pt 8 ps 1.7 lw 1.5 lc rgb c(i) notitle, \
  datafile using (($4 == 0 && $1 == 1 && $3 == plo) ? kt($5) : NaN):6 with points pt 5 ps 1.6 lc rgb "black" title "no force (reference)", \
  '' using (($3 == plo && strcol(10) ne "-") ? kt($5) : NaN):6:10 with labels left offset 1.2, 0.6 font "sans,9" tc rgb "#333333" notitle, \
  '' using (($3 == phi && strcol(10) ne "-") ? kt($5) : NaN):6:10 with labels right offset -1.2, -0.6 font "sans,9:Italic" tc rgb "#555555" notitle, \
  NaN with points pt 7 ps 1.5 lc rgb "#666666" title share_lo, \
  NaN with points pt 8 ps 1.7 lw 1.5 lc rgb "#666666" title share_hi
