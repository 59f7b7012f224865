#!/bin/sh
# race-capture-test.sh — in the lab guest only (boot with preempt=full lab_script=/lab/extra/race-capture-test.sh).
# `iou-analyze capture --until-verdict` armed before the race reproducer (the seed's whole-process SIGKILL
# race, repeated until a victim survives its SIGKILL): does the capture stop on its own with SPINNING when
# the race fires, and does `analyze` of the saved folder agree?
O=/out
IOU=/usr/local/bin/iou-analyze
MAX=${LAB_RACE_MAX:-400}
up() { cut -d' ' -f1 /proc/uptime; }

echo "kernel $(uname -r) cmdline $(cat /proc/cmdline)"
t0=$(up)
$IOU capture --until-verdict --duration 600 --out $O/capture > $O/capture-report.txt 2> $O/capture-stderr.txt &
CAP=$!
i=0; while ! grep -q tracing $O/capture-stderr.txt 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
t1=$(up)
/bin/uffd_iou race -f /tmp/race-target -n "$MAX" -R 3000 > $O/repro-capture.txt 2>&1 &
REPRO=$!
wait $CAP; rc=$?
t2=$(up)
echo "CAPTURE exit $rc; armed $t0..$t1, capture ended $t2 (reproducer started $t1)"
grep -m1 'not reaped' $O/repro-capture.txt
wait $REPRO
echo "REPRO $(grep '^RESULT' $O/repro-capture.txt)"
$IOU analyze $O/capture > $O/analyze-capture.txt 2>&1; arc=$?
echo "ANALYZE exit $arc (capture exit $rc)"
echo "done"
