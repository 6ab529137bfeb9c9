# buddyinfo_heatmap.gp — free blocks per order over time for one zone (what
# /proc/buddyinfo shows, sampled): x = time (s), y = order, colour = log10(1 + blocks).
# data: blocks separated by blank lines, one per sample time; lines "time_s order count".
# gnuplot -e "data='d.dat'; out='f.png'; fmt='png'; title='...'" buddyinfo_heatmap.gp
load dir.'common.gp'
unset key
set view map
set pm3d map corners2color c1
set xlabel 'time (s)'
set ylabel 'order'
set yrange [-0.5:10.5]
set ytics 0,1,10
set cblabel 'log10(1 + free blocks)'
set palette defined (0 '#ffffff', 1 '#fde725', 2 '#35b779', 3 '#31688e', 4 '#440154')
splot data using 1:($2-0.5):(log10(1+$3)) with pm3d
