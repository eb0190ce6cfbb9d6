# plot_heatmap.gp - heat map of one metric's mean over force size x ROE.
#
# One cell per design point: the troop levels as columns (evenly spaced,
# whatever the numbers), the ROE profiles as rows labelled by name; a
# cell's colour and the value printed in it are the metric's mean per run.
#
#   gnuplot -e "datafile='results/force_study/heatmap-delivery.dat'; outfile='results/force_study/heatmap-delivery.png'; metric='delivery_rate'" \
#           scripts/plot_heatmap.gp
#
# Optional variables (in the same -e string):
#   label     the colour bar's label, with the unit (default: metric)
#   scale     each value is divided by it before it is coloured and printed
#             (default 1; 1000 shows tonnes as thousands of tonnes)
#   fmt       gnuplot format of the printed values (default '%.3g')
#   subtitle  a second title line (e.g. the patrol share and replications)
#
# datafile is whitespace-separated, '#' starts a comment, one row per cell:
#   troops_index troops roe_index roe mean
# with the indices counted from 1 in the order the columns (left to right)
# and rows (bottom to top) appear.  scripts/force_study.sh writes it from
# summary.csv, picking the columns by name.

if (!exists("datafile")) datafile = 'heatmap.dat'
if (!exists("outfile")) outfile = 'heatmap.png'
if (!exists("metric")) metric = 'metric'
if (!exists("label")) label = metric
if (!exists("scale")) scale = 1.0
if (!exists("fmt")) fmt = '%.3g'
if (!exists("subtitle")) subtitle = ''

stats datafile using 1 nooutput
nx = int(STATS_max)
stats datafile using 3 nooutput
ny = int(STATS_max)
stats datafile using ($5 / scale) nooutput
lo = STATS_min
hi = STATS_max
if (hi <= lo) { hi = lo + 1 }

set terminal pngcairo size 1000, (150 + ny * 95) font "sans,10"
set output outfile
set termoption noenhanced

title = sprintf("Mean %s per run by force size and rules of engagement", metric)
if (strlen(subtitle) > 0) { title = title . "\n" . subtitle }
set title title

set xlabel "troops on task (stabilization force size)"
set ylabel "rules of engagement"
set cblabel label
set xrange [0.5 : nx + 0.5]
set yrange [0.5 : ny + 0.5]
set cbrange [lo : hi]
set tics scale 0
set xtics nomirror
set ytics nomirror
unset key
unset grid
# a sequential palette (viridis), light for high values
set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21918c', 0.75 '#5ec962', 1 '#fde725')
set colorbox vertical user origin graph 1.02, graph 0 size character 2, graph 1
set rmargin 14
set style fill solid 1.0 noborder

# dark text on the light end of the palette, white on the dark end
ink(v) = ((v - lo) / (hi - lo) > 0.55) ? 0x000000 : 0xffffff

plot datafile using 1:3:(0.5):(0.5):($5 / scale) with boxxyerror lc palette notitle, \
     '' using 1:3:(sprintf(fmt, $5 / scale)):(ink($5 / scale)) with labels tc rgb variable font "sans,11" notitle, \
     '' using 1:3:xticlabels(2):yticlabels(4) with points pt -1 notitle
