# plot_lines.gp - one line per option (with 95% CI bars) against force
# size: the mandate study's views of tonnes gained and of cost per tonne.
#
#   gnuplot -e "datafile='results/mandate_study/baseline/gain.dat'; outfile='gain.png';
#               ylabel='tonnes gained per run (t)'; heading='...'" scripts/plot_lines.gp
#
# datafile is whitespace-separated, '#' starts a comment, one row per point:
#   option_index option troops value ci_low ci_high
# option_index counted from 1, one line per index in troops order; a NaN
# value (nothing to show: e.g. no significant gain) leaves a gap.
# Optional: heading (title), subtitle (second title line), ylabel, logy (1:
# logarithmic y axis).  scripts/mandate_study.sh writes the files.

if (!exists("datafile")) datafile = 'lines.dat'
if (!exists("outfile")) outfile = 'lines.png'
if (!exists("heading")) heading = ''
if (!exists("subtitle")) subtitle = ''
if (!exists("ylabel")) ylabel = ''
if (!exists("logy")) logy = 0

stats datafile using 1 nooutput
nr = int(STATS_max)
stats datafile using 3 nooutput
tmax = STATS_max

set terminal pngcairo size 1000, 560 font "sans,10"
set output outfile
set termoption noenhanced
set datafile missing "NaN"

title = heading
if (strlen(subtitle) > 0) { title = title . "\n" . subtitle }
set title title
set xlabel "troops (stabilization force size)"
set ylabel ylabel
set grid xtics ytics lc rgb "#dddddd"
set key outside right top opaque box
set xrange [0 : 1.05 * tmax]
set xtics format "%.0f"
if (logy) { set logscale y; set format y "%g" } else { set format y "%.0f" }

array col[6] = ["#4477aa", "#ee7733", "#228833", "#cc3311", "#aa3377", "#777777"]
array pts[6] = [7, 5, 9, 11, 13, 4]
name(i) = system(sprintf("awk '!/^#/ && $1 == %d { print $2; exit }' '%s'", i, datafile))
rows(i) = sprintf("< awk '!/^#/ && $1 == %d' '%s' | sort -g -k3,3", i, datafile)

plot for [i = 1:nr] rows(i) using 3:4:5:6 with yerrorlines \
       lw 2 lc rgb col[(i - 1) % 6 + 1] pt pts[(i - 1) % 6 + 1] ps 1.2 title name(i)
