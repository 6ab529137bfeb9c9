# compare_bars.gp — one metric across groups as a strip plot: a bar at the median over the
# seeds, whiskers for the 95% confidence interval of the mean (Student's t), and one dot per
# seed over the bar, so the spread (and a bimodal pair of seeds) is visible.
# data:  "index label median ci_lo ci_hi", one header line (values in display units)
# strip: "x value", one header line: one line per seed, x = group index + a small offset
# gnuplot -e "data='d.dat'; strip='s.dat'; out='f.png'; fmt='png'; title='...'; ylabel='...'" compare_bars.gp
load dir.'common.gp'
unset key
set style fill solid 0.35 border lc rgb '#4c72b0'
set boxwidth 0.6
set xtics rotate by -30 left noenhanced
set ylabel ylabel noenhanced
set yrange [0:*]
set offsets 0.5, 0.5, graph 0.05, 0
set bmargin 8
plot data using 1:3:xtic(2) with boxes lc rgb '#4c72b0', \
     '' using 1:3:4:5 with yerrorbars lc rgb 'black' pt 0 lw 1.5, \
     strip using 1:2 with points pt 7 ps 0.9 lc rgb '#D55E00'
