# compare_bars.gp — one metric across policies/points: bar = mean over repeats, whiskers =
# 95% confidence interval of the mean (Student's t, as in results.tsv).
# data: "index label mean ci_lo ci_hi", one header line.
# gnuplot -e "data='d.dat'; out='f.png'; fmt='png'; title='...'; ylabel='...'" compare_bars.gp
load dir.'common.gp'
unset key
set style fill solid 0.6 border -1
set boxwidth 0.6
set xtics rotate by -30 left
set ylabel ylabel
set yrange [0:*]
set offsets 0.5, 0.5, 0, 0
set bmargin 8
plot data using 1:3:xtic(2) with boxes lc rgb '#4c72b0', \
     '' using 1:3:4:5 with yerrorbars lc rgb 'black' pt 0 lw 1.5
