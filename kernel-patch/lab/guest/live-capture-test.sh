#!/bin/sh
# live-capture-test.sh — in the lab guest only (boot with lab_script=/lab/extra/live-capture-test.sh).
# Proves `iou-analyze capture`/`watch` on the live kernel and that tracefs is left as it was found:
#   1. capture --until-verdict started before the reproducer (threadexit); exit code, time to verdict
#   2. `analyze` of the saved folder must give the same exit code
#   3. captures stopped by SIGINT, SIGTERM, SIGHUP; 4. watch (plain lines, not a tty) while a worker
#      exists, and watch stopped by SIGINT; 5. an untraceable function
# After each run the tracefs settings are dumped and compared with the dump taken before anything ran.
O=/out
T=/sys/kernel/tracing
IOU=/usr/local/bin/iou-analyze
SCEN=${SCENARIO:-threadexit}

state() {
    for f in current_tracer tracing_on set_graph_function set_ftrace_pid set_event trace_options buffer_size_kb \
             events/enable events/sched/sched_switch/enable set_ftrace_filter; do
        echo "== $f"; cat "$T/$f" 2>&1
    done
    echo "== instances"; ls "$T/instances"
}
check() {  # check NAME: compare with the first dump
    state > "$O/tracefs-after-$1.txt"
    if cmp -s "$O/tracefs-before.txt" "$O/tracefs-after-$1.txt"; then
        echo "RESTORED $1 yes"
    else
        echo "RESTORED $1 NO"; diff "$O/tracefs-before.txt" "$O/tracefs-after-$1.txt"
    fi
}
up() { cut -d' ' -f1 /proc/uptime; }

state > $O/tracefs-before.txt
echo "kernel $(uname -r) scenario $SCEN"

# 1. capture, armed before the reproducer
t0=$(up)
$IOU capture --until-verdict --duration 8 --out $O/capture > $O/capture-report.txt 2> $O/capture-stderr.txt &
CAP=$!
i=0; while ! grep -q tracing $O/capture-stderr.txt 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
t1=$(up)
/bin/uffd_iou $SCEN -H -b /dev/ram0 -R 3000 > $O/repro-capture.txt 2>&1 &
REPRO=$!
wait $CAP; rc=$?
t2=$(up)
echo "CAPTURE exit $rc; tracing armed after $(echo "$t1 - $t0" | bc 2>/dev/null || echo "$t0..$t1") s; capture ended $t2 (reproducer started $t1)"
echo "CAPTURE_TIMES armed=$t1 ended=$t2"
grep -m1 -i 'trigger' $O/repro-capture.txt
check capture
wait $REPRO
cat $O/repro-capture.txt | tail -3

# 2. the saved folder reads back to the same verdict
$IOU analyze $O/capture > $O/analyze-capture.txt 2>&1; arc=$?
echo "ANALYZE exit $arc (capture exit $rc)"

# 3. SIGINT while tracing
$IOU capture --duration 60 --out /tmp/cap-int > /tmp/cap-int.txt 2> /tmp/cap-int.err &
P=$!
sleep 2; kill -INT $P; wait $P; echo "SIGINT capture exit $?"
check sigint
kill -TERM $P 2>/dev/null
$IOU capture --duration 60 --out /tmp/cap-term > /dev/null 2>&1 &
P=$!; sleep 2; kill -TERM $P; wait $P; echo "SIGTERM capture exit $?"
check sigterm
$IOU capture --duration 60 --out /tmp/cap-hup > /dev/null 2>&1 &
P=$!; sleep 2; kill -HUP $P; wait $P; echo "SIGHUP capture exit $?"
check sighup

# 4. watch while a worker exists (plain lines: stdout is a file)
/bin/uffd_iou $SCEN -H -b /dev/ram0 -w 6000 -R 3000 > $O/repro-watch.txt 2>&1 &
REPRO=$!
sleep 1
$IOU watch --comm 'iou-wrk-*' --duration 4 --out $O/watchcap > $O/watch.txt 2> $O/watch-stderr.txt; echo "WATCH exit $?"
check watch
$IOU watch --duration 60 > /tmp/watch-int.txt 2>&1 &
P=$!; sleep 3; kill -INT $P; wait $P; echo "SIGINT watch exit $? ($(grep -c 'iou-analyze watch' /tmp/watch-int.txt) tables)"
check watch-sigint
wait $REPRO
# errors: an untraceable function
$IOU capture --graph no_such_function_xyz --duration 1 --out /tmp/x > /dev/null 2> $O/untraceable.txt; echo "UNTRACEABLE exit $?"
check untraceable
echo "done"
