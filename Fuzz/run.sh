#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets, seeds a corpus per target from the real fixtures
# (cut into pieces of at most 2 KB at line boundaries, plus a gzip of each first piece), then runs
# the targets one after the other (one job: the machine is shared) for FUZZ_SECONDS each.
# Prints executions and crashes per target; crashing inputs are kept in .build/fuzz/crashes/.
# Exit status 1 when any target crashed.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-ftrace perf-script proc-stack dmesg report hist trace-dat-stream collapse}
RUNS=${FUZZ_RUNS:-}  # stop each target after this many executions (FUZZ_SECONDS stays the cap)
out=.build/fuzz
mkdir -p "$out/crashes" "$out/logs"

seeds() {  # fixture files (relative to fixtures/) that seed each target
  case $1 in
    ftrace) find fixtures -name 'fgraph*.txt' -o -name 'trace-cmd-report.txt' -o -path '*ftrace-doc/*.txt' ;;
    perf-script) find fixtures -name 'perf*.txt' -o -path '*perf-script/*' -type f ;;
    proc-stack) find fixtures -name 'stacks*.txt' ;;
    dmesg) find fixtures -name 'dmesg*.txt' -o -name 'sysrq*.txt' ;;
    report) find fixtures/seed -name '*.txt' ;;
    hist) find fixtures -name 'hist.txt' ;;
    collapse) find fixtures/shared-traces -name 'perf.txt' -o -name 'fgraph_proc.txt' -o -name 'stacks.txt' ;;
    trace-dat-stream) echo "$out/trace-dat.stream" ;;
  esac
}

Fuzz/build.sh $(for t in $TARGETS; do echo "fuzz-$t"; done) >"$out/logs/build.log" 2>&1 || {
  tail -20 "$out/logs/build.log"
  exit 2
}
bin=$(IOU_FUZZ=1 ${SWIFT:-swift} build -c release --scratch-path "$out" --show-bin-path)
crashed=0
# The record stream the trace.dat helper sends for the real trace.dat (the helper is the CLI itself).
swift build --product iou-analyze >"$out/logs/cli-build.log" 2>&1 &&
  IOU_ANALYZE_TRACE_DAT_HELPER=fixtures/shared-traces/fix-fail-fault/threadexit/trace.dat \
    "$(swift build --show-bin-path)/iou-analyze" >"$out/trace-dat.stream"
for t in $TARGETS; do
  corpus="$out/corpus/$t"
  mkdir -p "$corpus"
  n=0
  for f in $(seeds "$t" | sort | head -40); do
    n=$((n + 1))
    split -C 2000 -d -a 3 "$f" "$corpus/seed-$n-"
    if [ "$t" = collapse ]; then  # the first byte picks the folder: even = perf script, odd = records
      mark='\001'
      case $f in *perf*) mark=P ;; esac
      for p in "$corpus/seed-$n-"*; do { printf "$mark"; cat "$p"; } >"$p.c" && mv "$p.c" "$p"; done
    fi
    first="$corpus/seed-$n-000"
    [ -f "$first" ] && [ "$t" != collapse ] && gzip -c "$first" >"$corpus/seed-$n-gz"
  done
  # Keep at most 60 pieces per target (the first pieces of each file come first).
  ls "$corpus"/seed-* 2>/dev/null | sort -t- -k3 | tail -n +61 | xargs -r rm -f
  log="$out/logs/$t.log"
  "$bin/fuzz-$t" -max_total_time="$SECONDS_PER_TARGET" ${RUNS:+-runs=$RUNS} -max_len=2048 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$out/crashes/$t-" "$corpus" >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  crashes=$(ls "$out/crashes/$t-"* 2>/dev/null | wc -l)
  took=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o '[0-9]* second' | grep -o '[0-9]*')
  echo "fuzz-$t: ${runs:-0} executions in ${took:-?} s, $crashes crashing inputs (exit $rc)"
  [ "$rc" = 0 ] || crashed=1
done
exit $crashed
