#!/usr/bin/env bash
# make bench: iou-analyze against its peers on real captures, in one run, page cache warm.
#
# Inputs (built once into $BENCH_DIR, default bench/out; the lab cache is only read):
#   - a ≥ 1 GiB whole-kernel function_graph text: the lab's capture without set_graph_function
#     (~/.cache/iou-analyze/lab/fullgraph-kernel-text, kernel-patch/lab/fullgraph.sh) repeated with
#     moved timestamps and pids (bench/make-fgraph.py), else the fixtures' function_graph captures;
#   - the lab's trace.dat of a whole-kernel graph and its `trace-cmd report` text (fullgraph/), as they are;
#   - an unbalanced function_graph text of 300 MiB: the lab's report text with every 50th exit line
#     removed (bench/make-unbalanced.py);
#   - a ≥ 1 GiB perf script file from the fixture's samples (bench/collapse-bench.sh).
# Every timed run's exit status and output are checked (verdict and thread counts against the
# source, the same verdicts from trace.dat and its text, byte-identical folded stacks), and each
# prints seconds, MiB/s, the ratio to `wc -l` on the same file, and peak RSS (GNU time). Then
# instructions per byte of `analyze` under callgrind on two slices of the whole-kernel text, just under
# and just over 32 MiB (read on one core and on both).
# BENCH_RUNS: timed runs of the fast jobs (best kept, default 3); BENCH_MIB: size (default 1024).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/iou-analyze}
OUT=${BENCH_DIR:-bench/out}
LAB=${LAB_CACHE:-$HOME/.cache/iou-analyze/lab}
RUNS=${BENCH_RUNS:-3}
SIZE_MIB=${BENCH_MIB:-1024}
export STACKCOLLAPSE_PERF=${STACKCOLLAPSE_PERF:-/work/shared/tools/stackcollapse-perf.pl}
mkdir -p "$OUT"
[ -x "$BIN" ] || { echo "no release build at $BIN: run make build" >&2; exit 1; }
LOG="$OUT/last-run"
mkdir -p "$LOG"

echo "make bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

mib() { awk -v b="$(stat -c %s "$1")" 'BEGIN{printf "%.1f", b/1048576}'; }

# run NAME STATUSES CMD...: one timed run, stdout to $LOG/NAME.out, stderr to $LOG/NAME.err; the exit
# status must be one of STATUSES (comma-separated). Sets SECS and RSS_MIB.
run() {
  local name=$1 ok=$2
  shift 2
  local status=0
  /usr/bin/time -f "%e %M" -o "$LOG/$name.time" "$@" >"$LOG/$name.out" 2>"$LOG/$name.err" || status=$?
  if [[ ",$ok," != *",$status,"* ]]; then
    echo "FAILED: $* exited with $status (expected $ok)" >&2
    tail -5 "$LOG/$name.err" >&2
    exit 1
  fi
  read -r SECS RSS_KIB < <(tail -1 "$LOG/$name.time")
  RSS_MIB=$(awk -v k="$RSS_KIB" 'BEGIN{printf "%.1f", k/1024}')
}

# best N NAME STATUSES CMD...: the fastest of N runs (BEST seconds) and the largest peak RSS (PEAK MiB).
best() {
  local n=$1
  shift
  BEST="" PEAK=0
  for _ in $(seq "$n"); do
    run "$@"
    BEST=$(awk -v a="$BEST" -v s="$SECS" 'BEGIN{ print (a == "" || s < a) ? s : a }')
    PEAK=$(awk -v a="$PEAK" -v r="$RSS_MIB" 'BEGIN{ print (r > a) ? r : a }')
  done
}

# row LABEL FILE SECONDS [WC_SECONDS] [RSS_MIB]: one line of the table.
row() {
  awk -v l="$1" -v m="$(mib "$2")" -v s="$3" -v w="${4:-}" -v r="${5:-}" 'BEGIN{
    printf "  %-44s %8.2f s %8.0f MiB/s", l, s, m / s
    if (w != "") printf "   %.3fx wc -l", w / s
    if (r != "") printf "   peak RSS %6.1f MiB", r
    printf "\n" }'
}

threads_in_scope() { sed -n 's/^ *\([0-9][0-9]*\) threads* in scope.*/\1/p' "$1" | head -1; }
verdict_line() { sed -n '2p' "$1"; }

# ---- 1. whole-kernel function_graph, ≥ 1 GiB ----
if [ -s "$LAB/fullgraph-kernel-text/fgraph_full.txt" ]; then
  SOURCES=("$LAB/fullgraph-kernel-text/fgraph_full.txt")
  ORIGIN="the lab's whole-kernel capture ($LAB/fullgraph-kernel-text)"
else
  mapfile -t SOURCES < <(ls fixtures/lab/*/*/fgraph_proc.txt* fixtures/shared-traces/*/*/fgraph_proc.txt 2>/dev/null)
  ORIGIN="the ${#SOURCES[@]} function_graph fixtures (no lab whole-kernel capture in $LAB)"
fi
FG="$OUT/wholekernel-${SIZE_MIB}m.txt"
KEY="$(printf '%s\n' "${SOURCES[@]}" | xargs stat -c '%n %s' | md5sum | cut -c1-12) $SIZE_MIB"
if [ ! -s "$FG" ] || [ "$(cat "$FG.key" 2>/dev/null)" != "$KEY" ]; then
  nice python3 bench/make-fgraph.py "$FG" "$SIZE_MIB" "${SOURCES[@]}" >"$FG.copies"
  echo "$KEY" >"$FG.key"
fi
COPIES=$(cat "$FG.copies")
base=0
for s in "${SOURCES[@]}"; do
  run source 0,1 "$BIN" analyze "$s"
  base=$((base + $(threads_in_scope "$LOG/source.out")))
done
echo
echo "function_graph, whole kernel: $(mib "$FG") MiB = $COPIES copies of $ORIGIN"
cat "$FG" >/dev/null
best "$RUNS" wc 0 wc -l "$FG"
wc_s=$BEST
best "$RUNS" analyze 0,1 "$BIN" analyze "$FG"
got=$(threads_in_scope "$LOG/analyze.out")
[ "$got" = $((base * COPIES)) ] || { echo "FAILED: $got threads in scope, expected $COPIES x $base" >&2; exit 1; }
row "wc -l" "$FG" "$wc_s"
row "iou-analyze analyze ($got threads in scope)" "$FG" "$BEST" "$wc_s" "$PEAK"
FG_AN=$BEST FG_WC=$wc_s

# ---- 2. trace.dat against trace-cmd report, and its report text ----
DAT="$LAB/fullgraph/trace.dat"
TXT="$LAB/fullgraph/fgraph_full.txt"
if [ -s "$DAT" ] && [ -s "$TXT" ]; then
  echo
  echo "trace.dat of a whole-kernel graph: $(mib "$DAT") MiB ($LAB/fullgraph), and its trace-cmd report text: $(mib "$TXT") MiB"
  cat "$DAT" "$TXT" >/dev/null
  best 1 wc 0 wc -l "$TXT"
  wc_s=$BEST
  best 2 text 0,1 "$BIN" analyze "$TXT"
  txt_s=$BEST txt_rss=$PEAK
  tc_best="" an_best="" an_rss=0
  for _ in 1 2; do  # alternated, so both see the same machine
    run tcreport 0 trace-cmd report "$DAT"
    tc_best=$(awk -v a="$tc_best" -v s="$SECS" 'BEGIN{ print (a == "" || s < a) ? s : a }')
    tc_rss=$RSS_MIB
    run dat 0,1 "$BIN" analyze "$DAT"
    an_best=$(awk -v a="$an_best" -v s="$SECS" 'BEGIN{ print (a == "" || s < a) ? s : a }')
    an_rss=$RSS_MIB
  done
  [ "$(verdict_line "$LOG/dat.out")" = "$(verdict_line "$LOG/text.out")" ] || {
    echo "FAILED: trace.dat and its text differ: '$(verdict_line "$LOG/dat.out")' vs '$(verdict_line "$LOG/text.out")'" >&2
    exit 1
  }
  row "wc -l (report text)" "$TXT" "$wc_s"
  row "iou-analyze analyze (report text)" "$TXT" "$txt_s" "$wc_s" "$txt_rss"
  row "trace-cmd report trace.dat > /dev/null" "$DAT" "$tc_best" "" "$tc_rss"
  row "iou-analyze analyze trace.dat" "$DAT" "$an_best" "" "$an_rss"
  awk -v t="$tc_best" -v a="$an_best" -v v="$(verdict_line "$LOG/dat.out" | sed 's/^ *//')" 'BEGIN{
    printf "  trace.dat: iou-analyze %.2fx the speed of trace-cmd report; both files: %s\n", t / a, v }'
  UNBAL_SRC=$TXT
else
  echo
  echo "(no lab trace.dat in $LAB/fullgraph: kernel-patch/lab/fullgraph.sh records one; trace.dat row skipped)"
  UNBAL_SRC=$FG
fi

# ---- 3. collapse of unbalanced function_graph ----
UB="$OUT/unbalanced-300m.txt"
if [ ! -s "$UB" ] || [ "$UB" -ot "$UNBAL_SRC" ]; then
  nice python3 bench/make-unbalanced.py "$UNBAL_SRC" "$UB" 300 >"$UB.made"
fi
echo
echo "unbalanced function_graph: $(cat "$UB.made")"
cat "$UB" >/dev/null
best 1 wc 0 wc -l "$UB"
wc_s=$BEST
best 2 ubanalyze 0,1 "$BIN" analyze "$UB"
ub_an=$BEST
# To /dev/null, as the row says: the 883 MB of folded stacks written to a file took 1.2-2.2 s more.
best 2 ubcollapse 0 "$BIN" collapse --output /dev/null "$UB"
ub_co=$BEST ub_rss=$PEAK
grep -q "warning: 256 calls of thread" "$LOG/ubcollapse.err" || { echo "FAILED: no unbalanced-calls warning" >&2; exit 1; }
row "wc -l" "$UB" "$wc_s"
row "iou-analyze analyze" "$UB" "$ub_an" "$wc_s"
row "iou-analyze collapse > /dev/null" "$UB" "$ub_co" "$wc_s" "$ub_rss"
n_cut=$(sed -n "s/.*more 'unbalanced-calls' problems.*(\([0-9]*\) in all).*/\1/p" "$LOG/ubcollapse.err")
awk -v c="$ub_co" -v a="$ub_an" -v n="${n_cut:-a few}" 'BEGIN{
  printf "  collapse took %.2fx the time of analyze; %s stacks cut at 256 open calls (unbalanced-calls warnings)\n", c / a, n }'

# ---- 4. collapse of perf script against stackcollapse-perf.pl ----
echo
bash bench/collapse-bench.sh

# ---- 5. instructions per byte (callgrind) ----
# Two slices of whole lines from the start of the whole-kernel text: just under 32 MiB, which is
# read on one core (files from 32 MiB on are decoded on both: ParallelReading), and just over.
if command -v valgrind >/dev/null; then
  echo
  for cut in one both; do
    SLICE="$OUT/wholekernel-32m-$cut.txt"
    if [ $cut = one ]; then
      head -c $((32 << 20)) "$FG" | head -n -1 >"$SLICE"
    else
      head -c $(((32 << 20) + (64 << 10))) "$FG" | head -n -1 >"$SLICE"
    fi
    run callgrind-$cut 0,1 nice valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN" analyze "$SLICE"
    ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$LOG/callgrind-$cut.err")
    [ -n "$ir" ] || { echo "FAILED: no instruction count from callgrind" >&2; exit 1; }
    awk -v ir="$ir" -v b="$(stat -c %s "$SLICE")" -v s="$SECS" -v c="$cut" 'BEGIN{
      printf "callgrind, iou-analyze analyze on %.2f MiB of the whole-kernel text (%s): %.0f M instructions, %.1f per byte (%.0f s under valgrind)\n",
        b / 1048576, c == "one" ? "one core" : "both cores", ir / 1e6, ir / b, s }'
  done
else
  echo "(valgrind missing: no instruction count)"
fi
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
