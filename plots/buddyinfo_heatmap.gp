# buddyinfo_heatmap.gp — free blocks per order over time for one zone (what
# /proc/buddyinfo shows, sampled; the median over the seeds): x = time (s), y = order,
# colour = log10(1 + blocks) on [0:cbmax], one scale shared by every heatmap of a report so
# colours compare across groups and zones.
# data: blocks separated by blank lines, one per sample time; lines "time_s order count".
# cbmax: top of the colour scale; maxorder: the highest order (MAX_PAGE_ORDER).
# gnuplot -e "data='d.dat'; out='f.png'; fmt='png'; title='...'; cbmax=4; maxorder=10" buddyinfo_heatmap.gp
load dir.'common.gp'
unset key
set view map
set pm3d map corners2color c1
set xlabel 'time (s)'
set ylabel 'order'
set yrange [-0.5:maxorder+0.5]
set ytics 0,1,maxorder
set cbrange [0:cbmax]
set cblabel 'log10(1 + free blocks)'
set palette defined (0 '#ffffff', 1 '#fde725', 2 '#35b779', 3 '#31688e', 4 '#440154')
splot data using 1:($2-0.5):(log10(1+$3)) with pm3d
