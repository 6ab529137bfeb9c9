# watermarks.gp — a zone's free pages against its min/low/high watermarks over time, the
# picture kswapd acts on: woken below low, sleeps above high; allocations below min stall.
# data: "time_s free min low high" (pages), one header line.
# gnuplot -e "data='d.dat'; out='f.png'; fmt='png'; title='...'" watermarks.gp
load dir.'common.gp'
set xlabel 'time (s)'
set ylabel 'pages'
set key inside right top
plot data using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'free', \
     '' using 1:3 with lines dt 2 lc rgb '#d62728' title 'min', \
     '' using 1:4 with lines dt 3 lc rgb '#ff7f0e' title 'low', \
     '' using 1:5 with lines dt 4 lc rgb '#2ca02c' title 'high'
