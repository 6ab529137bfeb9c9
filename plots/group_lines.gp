# group_lines.gp — one time series per group on shared axes, e.g. CMA pages in use over
# time under each CMA policy (the utilisation the policies compete on).
# data: one block per group (separated by two blank lines), first line of a block the
# group's label, then "time_s value".  n: number of groups; ylabel: the y axis.
# gnuplot -e "data='d.dat'; out='f.png'; fmt='png'; title='...'; n=2; ylabel='pages'" group_lines.gp
load dir.'common.gp'
set xlabel 'time (s)'
set ylabel ylabel
set key inside left top
plot for [i=0:n-1] data index i using 1:2 with lines lw 2 title columnheader(1)
