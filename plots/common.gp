# common.gp — terminal setup shared by every mmsim figure script.
# Callers pass: out (output file), fmt ('png' or 'svg'), title.
# pngcairo and svg need only gnuplot-nox.  noenhanced: metric names hold underscores.
if (fmt eq 'svg') {
	set terminal svg size 900,520 dynamic noenhanced font 'sans,11' background rgb 'white'
} else {
	set terminal pngcairo size 900,520 noenhanced font 'sans,10' background rgb 'white'
}
set output out
set title title
set grid back lc rgb '#dddddd'
set key outside right top
