#!/usr/bin/env bash
# make bench: throughput of `iou-analyze analyze` on a ≥1 GiB function_graph trace built from the real
# vanilla capture (repeated with shifted timestamps and pids), against `wc -l` on the same file in the same
# run, and peak RSS. Then the lab's real whole-kernel function_graph capture (text and trace.dat in
# ~/.cache/iou-analyze/lab/fullgraph, recorded by kernel-patch/lab/fullgraph.sh) when it is there, and the
# collapse benchmark (perf script input) when its script is present.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/iou-analyze
SIZE_MIB=${BENCH_MIB:-1024}
OUT=bench/out
mkdir -p "$OUT"
FG="$OUT/fgraph-${SIZE_MIB}m.txt"
if [ ! -s "$FG" ]; then
  python3 bench/make-fgraph.py fixtures/shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt "$FG" "$SIZE_MIB"
fi
bytes=$(stat -c %s "$FG")
mib=$(awk -v b="$bytes" 'BEGIN{printf "%.0f", b/1048576}')

# best of N wall-clock seconds of a command (output discarded); the file is read once first to be in cache
best() {
  local n=$1; shift
  local b=""
  for _ in $(seq "$n"); do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
    b=$(awk -v a="$b" -v s="$s" -v e="$e" 'BEGIN{ d = e - s; if (a=="" || d<a) print d; else print a }')
  done
  echo "$b"
}
cat "$FG" >/dev/null
wc_s=$(best 3 wc -l "$FG")
an_s=$(best 3 "$BIN" analyze "$FG")
rss=$( { /usr/bin/time -f %M "$BIN" analyze "$FG" 2>&1 >/dev/null || true; } | tail -1)
small=$OUT/fgraph-64m.txt
[ -s "$small" ] || python3 bench/make-fgraph.py fixtures/shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt "$small" 64 >/dev/null
rss_small=$( { /usr/bin/time -f %M "$BIN" analyze "$small" 2>&1 >/dev/null || true; } | tail -1)
awk -v mib="$mib" -v w="$wc_s" -v a="$an_s" -v rss="$rss" -v rs="$rss_small" 'BEGIN{
  printf "function_graph trace: %d MiB (page cache warm), best of 3\n", mib
  printf "  %-28s %8.3f s  %8.0f MiB/s\n", "wc -l", w, mib/w
  printf "  %-28s %8.3f s  %8.0f MiB/s   ratio to wc -l: %.3fx\n", "iou-analyze analyze", a, mib/a, w/a
  printf "  peak RSS: %.1f MiB on %d MiB, %.1f MiB on 64 MiB\n", rss/1024, mib, rs/1024
}'
# the lab's whole-kernel function_graph capture (kernel-patch/lab/fullgraph.sh), when it is in the lab cache
export LAB_FULL=${LAB_CACHE:-$HOME/.cache/iou-analyze/lab}/fullgraph
if [ -s "$LAB_FULL/fgraph_full.txt" ]; then
  cat "$LAB_FULL/fgraph_full.txt" >/dev/null
  fb=$(stat -c %s "$LAB_FULL/fgraph_full.txt")
  fw=$(best 1 wc -l "$LAB_FULL/fgraph_full.txt")
  fa=$(best 1 "$BIN" analyze "$LAB_FULL/fgraph_full.txt")
  awk -v b="$fb" -v w="$fw" -v a="$fa" 'BEGIN{ m = b/1048576
    printf "lab whole-kernel function_graph capture: %d MiB of text (real, %s)\n", m, ENVIRON["LAB_FULL"]
    printf "  %-28s %8.3f s  %8.0f MiB/s\n", "wc -l", w, m/w
    printf "  %-28s %8.3f s  %8.0f MiB/s   ratio to wc -l: %.3fx\n", "iou-analyze analyze", a, m/a, w/a }'
  if [ -s "$LAB_FULL/trace.dat" ]; then
    cat "$LAB_FULL/trace.dat" >/dev/null
    da=$(best 1 "$BIN" analyze "$LAB_FULL/trace.dat")
    awk -v b="$(stat -c %s "$LAB_FULL/trace.dat")" -v a="$da" 'BEGIN{
      printf "  %-28s %8.3f s  (trace.dat of the same ring buffer, %d MiB)\n", "iou-analyze analyze trace.dat", a, b/1048576 }'
  fi
else
  echo "(no lab whole-kernel capture in $LAB_FULL: kernel-patch/lab/fullgraph.sh records one)"
fi
if [ -x bench/collapse-bench.sh ] || [ -f bench/collapse-bench.sh ]; then
  bash bench/collapse-bench.sh
fi
