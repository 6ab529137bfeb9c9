# group_lines.gp — one time series per group on shared axes, e.g. CMA memory in use over
# time under each CMA policy: a line at the median over the seeds and a shaded band from
# the lowest to the highest seed.
# data: one block per group (separated by two blank lines), first line of a block the
# group's label, then "time_s median min max".  n: number of groups; ylabel: the y axis.
# gnuplot -e "data='d.dat'; out='f.png'; fmt='png'; title='...'; n=2; ylabel='MiB'" group_lines.gp
load dir.'common.gp'
set key autotitle columnhead
set xlabel 'time (s)'
set ylabel ylabel noenhanced
set style fill transparent solid 0.2 noborder
plot for [i=0:n-1] data index i using 1:3:4 with filledcurves lc rgb C[i % 8 + 1] notitle, \
     for [i=0:n-1] data index i using 1:2 with lines lw 2 lc rgb C[i % 8 + 1] title columnheader(1)
