# common.gp — terminal setup shared by every mmsim figure script.
# Callers pass: out (output file), fmt ('png' or 'svg'), title.
# pngcairo and svg need only gnuplot-nox.  noenhanced: metric and mode names hold
# underscores (migrate_cma) that enhanced text would turn into subscripts.  Legends stand
# outside the plot area so they never cover data.
if (fmt eq 'svg') {
	set terminal svg size 900,520 dynamic noenhanced font 'sans,14' background rgb 'white'
} else {
	set terminal pngcairo size 900,520 noenhanced font 'sans,13' background rgb 'white'
}
set output out
set title title noenhanced
set grid back lc rgb '#dddddd'
set key outside right top noenhanced
set border 3
set tics nomirror
# one colour per group, in the same order in every figure (colour-blind safe, Okabe-Ito)
array C[8] = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000']
