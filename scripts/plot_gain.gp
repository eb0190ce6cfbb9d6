# plot_gain.gp - paired gain in tonnes delivered over the no-force
# reference, against force size, one line per ROE.
#
# Each point is a design point's mean paired difference in tonnes delivered
# per run to the reference point (compare.csv: tonnes_delivered_diff), the
# bars its 95% confidence interval (_ci_low, _ci_high).  Common random
# numbers make the interval narrow: it is the gain itself, not the noise
# between two separate runs.  Troops on the x axis.
#
#   gnuplot -e "datafile='results/force_study/gain.dat'; outfile='results/force_study/gain.png'" \
#           scripts/plot_gain.gp
#
# Optional: subtitle (a second title line).
#
# datafile is whitespace-separated, '#' starts a comment, one row per point:
#   roe_index roe troops diff ci_low ci_high
# with roe_index counted from 1 (one line per index, in troops order).
# scripts/force_study.sh writes it from compare.csv, by column name.

if (!exists("datafile")) datafile = 'gain.dat'
if (!exists("outfile")) outfile = 'gain.png'
if (!exists("subtitle")) subtitle = ''

stats datafile using 1 nooutput
nr = int(STATS_max)
stats datafile using 3 nooutput
tmax = STATS_max

set terminal pngcairo size 1000, 560 font "sans,10"
set output outfile
set termoption noenhanced

title = "Gain in tonnes delivered over no force, by force size and ROE (mean and 95% CI)"
if (strlen(subtitle) > 0) { title = title . "\n" . subtitle }
set title title
set xlabel "troops on task (stabilization force size)"
set ylabel "tonnes gained per 90-day run (paired difference, t)"
set grid xtics ytics lc rgb "#dddddd"
set key bottom right opaque box
set xrange [-0.025 * tmax : 1.025 * tmax]
set yrange [0 : *]
set offsets 0, graph 0.03, graph 0.12, 0
set xtics format "%.0f"
set mxtics 2
set format y "%.0f"

# one colour per ROE, from the least to the most permissive
array col[3] = ["#4477aa", "#ee7733", "#cc3311"]
array pts[3] = [7, 5, 9]
roe_name(i) = system(sprintf("awk '!/^#/ && $1 == %d { print $2; exit }' '%s'", i, datafile))
# the rows of ROE i, in increasing troops
rows(i) = sprintf("< awk '!/^#/ && $1 == %d' '%s' | sort -g -k3,3", i, datafile)

plot for [i = 1:nr] rows(i) using 3:4:5:6 with yerrorlines \
       lw 2 lc rgb col[(i - 1) % 3 + 1] pt pts[(i - 1) % 3 + 1] ps 1.2 title roe_name(i)
