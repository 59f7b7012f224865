#!/bin/sh
# hist-capture-test.sh — in the lab guest only (boot with lab_script=/lab/extra/hist-capture-test.sh).
# Proves `iou-analyze capture --method hist` (kprobe + hist triggers) with ring-buffer overruns forced,
# measures what it costs, and that tracefs is left as it was found:
#   0. start the reproducer (threadexit) holding the victim HOLD_MS after the trigger
#   1. baseline: the worker's retries/s counted by a bare kprobe (no trigger; its event goes to an
#      instance with tracing off, so only the probe's hit counter moves: kprobe_profile)
#   2. capture --method hist alone (its own counts give retries/s and events/s)
#   3. overruns forced: top-level function_graph on every function with a 4 KiB buffer; the bare kprobe
#      again, then capture --method hist under that load
#   4. load B (top-level function tracer on everything, 4 KiB; function_graph would share the capture's
#      top-level set_graph_function): capture --method function-graph --buffer-kb 64 (loses events), then
#      the default --method auto --buffer-kb 64 (must switch to counting)
#   5. analyze of every saved folder; SIGINT during a hist capture; tracefs compared after each step
O=/out
T=/sys/kernel/tracing
IOU=/usr/local/bin/iou-analyze
SCEN=${SCENARIO:-threadexit}
HOLD_MS=${HOLD_MS:-600000}

state() {
    for f in current_tracer tracing_on set_graph_function set_ftrace_pid set_event trace_options buffer_size_kb \
             events/enable events/sched/sched_switch/enable events/sched/sched_switch/trigger set_ftrace_filter \
             dynamic_events kprobe_events; do
        echo "== $f"; cat "$T/$f" 2>&1
    done
    echo "== instances"; ls "$T/instances"
    echo "== event systems"; ls "$T/events" | grep -c .
}
ref() { state > "$O/tracefs-ref.txt"; }
check() {  # check NAME: compare with the dump taken just before the step (ref)
    state > "$O/tracefs-after-$1.txt"
    if cmp -s "$O/tracefs-ref.txt" "$O/tracefs-after-$1.txt"; then
        echo "RESTORED $1 yes"
    else
        echo "RESTORED $1 NO"; diff "$O/tracefs-ref.txt" "$O/tracefs-after-$1.txt"
    fi
}
up() { cut -d' ' -f1 /proc/uptime; }
hits() { awk '$1 == "hu" || $1 == "iou_base/hu" { print $2 }' "$T/kprobe_profile"; }

# The bare kprobe: hits per second over SECS.
baseline() {  # baseline NAME SECS
    echo 'p:iou_base/hu handle_userfault' >> "$T/kprobe_events"
    mkdir "$T/instances/iou-base"
    echo 0 > "$T/instances/iou-base/tracing_on"
    echo 1 > "$T/instances/iou-base/events/iou_base/hu/enable"
    a=$(hits); ta=$(up)
    sleep "$2"
    b=$(hits); tb=$(up)
    echo 0 > "$T/instances/iou-base/events/iou_base/hu/enable"
    rmdir "$T/instances/iou-base"
    echo '-:iou_base/hu' >> "$T/kprobe_events"
    echo "BASELINE $1 hits $a -> $b over $ta -> $tb s: $(awk -v a="$a" -v b="$b" -v s="$ta" -v e="$tb" 'BEGIN { printf "%.0f", (b - a) / (e - s) }') retries/s (bare kprobe)"
}
load_on() {  # load_on TRACER: a 4 KiB top-level buffer and TRACER on every function
    echo 4 > "$T/buffer_size_kb"
    echo "$1" > "$T/current_tracer"
    echo 1 > "$T/tracing_on"
}
load_off() {
    echo nop > "$T/current_tracer"
    echo "$SAVED_KB" > "$T/buffer_size_kb"
    echo "$SAVED_ON" > "$T/tracing_on"
    : > "$T/trace"
}
overruns() { cat "$T"/per_cpu/cpu*/stats | awk '/^overrun:/ { n += $2 } END { print n + 0 }'; }
capture() {  # capture NAME ARGS...: one capture into $O/NAME, its report, stderr and exit code
    n=$1; shift
    ref
    t0=$(up)
    $IOU capture "$@" --out "$O/$n" > "$O/$n-report.txt" 2> "$O/$n-stderr.txt"
    rc=$?
    echo "CAPTURE $n exit $rc ($(up | awk -v s="$t0" '{ printf "%.1f", $1 - s }') s): $*"
    head -1 "$O/$n-report.txt"
    check "$n"
}

SAVED_KB=$(cat "$T/buffer_size_kb" | sed 's/ .*//'); SAVED_ON=$(cat "$T/tracing_on")
state > "$O/tracefs-before.txt"
cp "$O/tracefs-before.txt" "$O/tracefs-ref.txt"
echo "kernel $(uname -r) scenario $SCEN hold $HOLD_MS ms"

# 0. counting armed before the reproducer (held HOLD_MS after its trigger): the whole story in counts
t0=$(up)
$IOU capture --method hist --duration 6 --read-interval 0.5 --out "$O/hist-armed" > "$O/hist-armed-report.txt" \
    2> "$O/hist-armed-stderr.txt" &
CAP=$!
i=0; while ! grep -q counting "$O/hist-armed-stderr.txt" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
echo "COUNTING armed after $(up | awk -v s="$t0" '{ printf "%.2f", $1 - s }') s"
/bin/uffd_iou "$SCEN" -H -b /dev/ram0 -w "$HOLD_MS" -R 3000 > "$O/repro.txt" 2>&1 &
REPRO=$!
wait $CAP; echo "CAPTURE hist-armed exit $?"
head -1 "$O/hist-armed-report.txt"
check hist-armed
grep -m1 'trigger' "$O/repro.txt"

# the worker's comm, when one is there (the fixed kernels' worker may be gone by now)
workers() { grep -l '^iou-wrk' /proc/[0-9]*/task/*/comm 2>/dev/null | wc -l; }
rate() {  # rate NAME: the retries/s the capture's counts give
    echo "RATE $1 $(grep -o '[0-9]* retries/s over [^ ]*' "$O/$1-report.txt" | head -1)"
    grep -E '"eventsCountedPerSecond"|"countingSeconds"|"setupSeconds"' "$O/$1/capture.json" 2>/dev/null | tr -d ' ,' | tr '\n' ' '
    echo
}
if [ "$(workers)" -gt 0 ]; then C="--comm"; CV='iou-wrk-*'; else C="--color"; CV=never; fi  # (a harmless option in its place)

# 1.-2. no load: bare kprobe and counting capture, interleaved three times (TCG speed varies)
sleep 3
for i in 1 2 3; do
    baseline "quiet-$i" 3
    capture "hist-$i" "$C" "$CV" --method hist --duration 4 --read-interval 0.5
    rate "hist-$i"
done
baseline quiet-4 3

# 3. function_graph on everything, tiny buffer
load_on function_graph
sleep 1
o1=$(overruns)
baseline overrun-load-1 3
capture hist-overrun "$C" "$CV" --method hist --duration 4 --read-interval 0.5
rate hist-overrun
baseline overrun-load-2 3
echo "OVERRUNS top-level during the function_graph load: $o1 -> $(overruns)"
load_off

# 4. function tracer on everything: the capture's own function_graph trace overruns
load_on function
sleep 1
capture fgraph-overrun "$C" "$CV" --method function-graph --buffer-kb 64 --duration 6
capture auto-overrun "$C" "$CV" --buffer-kb 64 --duration 8 --read-interval 0.5
rate auto-overrun
echo "OVERRUNS top-level during the function load: $(overruns)"
load_off

# 5. SIGINT while counting
ref
$IOU capture --method hist --duration 60 --out /tmp/cap-int > /tmp/cap-int.txt 2> /tmp/cap-int.err &
P=$!
sleep 3; kill -INT $P; wait $P; echo "SIGINT hist capture exit $?"
check sigint

# the reproducer is left running (the vanilla victim cannot be reaped while its worker spins)
tail -4 "$O/repro.txt"
for n in hist-armed hist-1 hist-2 hist-3 hist-overrun fgraph-overrun auto-overrun; do
    [ -d "$O/$n" ] || continue
    $IOU analyze "$O/$n" > "$O/analyze-$n.txt" 2>&1
    echo "ANALYZE $n exit $?"
done
echo "done"
