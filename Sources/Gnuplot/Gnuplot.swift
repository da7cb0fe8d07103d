// gnuplot pipe
