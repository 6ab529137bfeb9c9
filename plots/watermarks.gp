# watermarks.gp — a zone's free memory against its min/low/high watermarks over time, the
# picture kswapd acts on (__zone_watermark_ok(), wakeup_kswapd() in 6.12): woken below low,
# sleeps above high; allocations below min stall.  Free memory is the median over the
# seeds with a min–max band; the watermark lines are labelled at their right end.
# data: "time_s free free_min free_max min low high", one header line (display units).
# minv, lowv, highv: where the labels stand: the watermarks at the last sample, moved
# apart by the caller when they would overlap.
# gnuplot -e "data='d.dat'; out='f.png'; fmt='png'; title='...'; ylabel='MiB'; minv=1; lowv=2; highv=3" watermarks.gp
load dir.'common.gp'
set key outside bottom center horizontal
set xlabel 'time (s)'
set ylabel ylabel noenhanced
set yrange [0:*]
set rmargin 8
set label 1 'min' at graph 1.01, first minv left tc rgb '#d62728'
set label 2 'low' at graph 1.01, first lowv left tc rgb '#ff7f0e'
set label 3 'high' at graph 1.01, first highv left tc rgb '#2ca02c'
set style fill transparent solid 0.25 noborder
plot data using 1:3:4 with filledcurves lc rgb '#1f77b4' title 'free (min–max over seeds)', \
     '' using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'free (median)', \
     '' using 1:5 with lines lw 1.5 dt 2 lc rgb '#d62728' title 'min watermark', \
     '' using 1:6 with lines lw 1.5 dt 3 lc rgb '#ff7f0e' title 'low watermark', \
     '' using 1:7 with lines lw 1.5 dt 4 lc rgb '#2ca02c' title 'high watermark'
