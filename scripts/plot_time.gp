# plot_time.gp - the mandate study's options over time: cumulative tonnes
# delivered (top) and cumulative civilian harm (bottom), mean per run, one
# line per option.
#
#   gnuplot -e "datafile='results/mandate_study/baseline/time.dat'; outfile='time.png'" scripts/plot_time.gp
#
# datafile is whitespace-separated, '#' starts a comment, one row per
# option and day:  option_index option day tonnes_cum harm_cum
# (option_index from 1, rows of one option in day order).  Optional:
# subtitle.  scripts/mandate_study.sh writes it from daily.csv.

if (!exists("datafile")) datafile = 'time.dat'
if (!exists("outfile")) outfile = 'time.png'
if (!exists("subtitle")) subtitle = ''

stats datafile using 1 nooutput
nr = int(STATS_max)

set terminal pngcairo size 1000, 800 font "sans,10"
set output outfile
set termoption noenhanced

array col[6] = ["#777777", "#4477aa", "#ee7733", "#228833", "#cc3311", "#aa3377"]
name(i) = system(sprintf("awk '!/^#/ && $1 == %d { print $2; exit }' '%s'", i, datafile))
rows(i) = sprintf("< awk '!/^#/ && $1 == %d' '%s'", i, datafile)

set multiplot layout 2, 1 title "Mandate options over time (mean per run)" . (strlen(subtitle) > 0 ? "\n" . subtitle : "")
set grid xtics ytics lc rgb "#dddddd"
set key left top opaque box
set xlabel "day"
set ylabel "tonnes delivered since day 0 (thousand t)"
set format y "%.0f"
plot for [i = 1:nr] rows(i) using 3:($4 / 1000) with lines lw 2 lc rgb col[(i - 1) % 6 + 1] title name(i)
set ylabel "civilian harm since day 0 (expected casualties)"
set format y "%g"
plot for [i = 1:nr] rows(i) using 3:5 with lines lw 2 lc rgb col[(i - 1) % 6 + 1] title name(i)
unset multiplot
