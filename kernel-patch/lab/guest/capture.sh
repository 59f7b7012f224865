#!/bin/sh
# capture.sh - run by uffd_iou (-x) right after the trigger, with VICTIM_PID and SCENARIO set.
# perf.txt, stacks.txt, dmesg_hung.txt, sysrq.txt of one victim (recipe: ../shared/traces/README.md).
O=/out
P=$VICTIM_PID
# LAB_CAPTURE_NICE=N: run this script and what it starts at nice N (many-workers)
[ -n "$LAB_CAPTURE_NICE" ] && renice -n "$LAB_CAPTURE_NICE" -p $$ > /dev/null

# (c) perf: whole system, 2 s, call graphs
if [ -x /usr/bin/perf ]; then
    /usr/bin/perf record -q -e cpu-clock -F 999 -g -a -o /tmp/perf.data -- sleep 2 > /tmp/perf-record.log 2>&1
    /usr/bin/perf script -i /tmp/perf.data > /tmp/perf.full 2> /tmp/perf-script.log
    total=$(wc -l < /tmp/perf.full)
    L=${PERF_LINES:-1000}
    if [ "$total" -gt "$L" ]; then
        # last blank line (sample boundary) within the limit
        keep=$(head -n $((L - 1)) /tmp/perf.full | grep -n '^$' | tail -n 1 | cut -d: -f1)
        { echo "# cut: one contiguous window = first $keep lines (complete samples, cut at a blank line) of the \`perf script\` output ($total lines); nothing spliced"
          head -n "$keep" /tmp/perf.full; } > $O/perf.txt
    else
        cp /tmp/perf.full $O/perf.txt
    fi
    # whole-recording summary (not cut): samples per command
    awk '/^[^ \t]/ && NF>3 {n[$1]++; t++} END {for (c in n) printf "%d %s\n", n[c], c; printf "%d total\n", t}' /tmp/perf.full \
        | sort -rn > $O/perf_summary.txt
    rm -f /tmp/perf.data /tmp/perf.full
else
    echo "perf not in the initramfs" > $O/perf-missing.txt
fi

# (d) stacks: 3 samples 1 s apart of every victim thread
{
    echo "# victim pid $P; /proc/<tid>/stat and /proc/<tid>/stack of every victim thread, 3 samples 1 s apart"
    for i in 1 2 3; do
        echo "=== sample $i uptime $(cut -d' ' -f1 /proc/uptime)"
        for d in /proc/$P/task/*; do
            [ -d "$d" ] || continue
            tid=${d##*/}
            echo "--- tid $tid comm $(cat $d/comm 2>/dev/null)"
            echo "stat: $(cat $d/stat 2>/dev/null)"
            echo "stack:"
            cat $d/stack 2>/dev/null
        done
        [ $i = 3 ] || sleep 1
    done
} > $O/stacks.txt

# (e) hung-task report: only a task in D gets one, so wait for it (bounded, LAB_HUNG_WAIT_S) only while
# a victim thread is in D; then sysrq l + w
victim_in_d() {
    for d in /proc/$P/task/*; do
        st=$(sed 's/.*) //' "$d/stat" 2>/dev/null | cut -d' ' -f1)
        [ "$st" = D ] && return 0
    done
    return 1
}
i=0
while [ $i -lt ${LAB_HUNG_WAIT_S:-12} ]; do
    dmesg | grep -q "blocked for more than" && break
    victim_in_d || { echo "capture: no victim thread in D, no hung-task report to wait for (waited ${i} s)"; break; }
    sleep 1; i=$((i + 1))
done
dmesg > $O/dmesg_hung.txt
dmesg -c > /dev/null
echo l > /proc/sysrq-trigger
echo w > /proc/sysrq-trigger
sleep 1
dmesg > $O/sysrq.txt
