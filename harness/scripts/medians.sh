# medians.sh: the medians of a side-by-side benchmark, sourced by ajv-bench/side-by-side.sh and
# observe-vs-kcat.sh. $times holds one line per run, as /usr/bin/time -f "INDEX %e %U %S" writes
# it: the command's index, wall, user and system seconds.
# shellcheck shell=bash

# median prints the median of the numbers on standard input, one a line.
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# wall prints the median wall time of command $1; cpu its median user plus system time.
wall() { awk -v i="$1" '$1 == i {print $2}' "$times" | median; }
cpu() { awk -v i="$1" '$1 == i {print $3 + $4}' "$times" | median; }
