# latency_cdf.gp — allocation (or device-allocation) latency CDFs, one curve per group,
# from the log2 histograms of latency.tsv summed over repeats; points are the bucket upper
# bounds (where the fraction is exact), joined by straight lines.
# data: one block per group (separated by two blank lines), first line of a block the
# group's label, then "upper_ns cumulative_fraction".  n: number of groups.
# gnuplot -e "data='d.dat'; out='f.png'; fmt='png'; title='...'; n=2" latency_cdf.gp
load dir.'common.gp'
set logscale x 2
set format x '%.0s%c'
set xlabel 'latency (ns, log2 buckets)'
set ylabel 'fraction of allocations <= x'
set yrange [0:1.02]
plot for [i=0:n-1] data index i using 1:2 with linespoints lw 2 pt 7 ps 0.6 lc rgb C[i % 8 + 1] title columnheader(1)
