#!/bin/sh
# run-scenario.sh SCENARIO all|fgraph|rest   (in the lab guest)
# The capture recipe of ../shared/traces/README.md: each capture kind from its own reproducer run.
#   fgraph: function_graph on handle_userfault + sched events, armed before the reproducer starts;
#           busy scenarios: a second, shorter run without sched events (fgraph_nosched.txt)
#   rest:   perf (2 s), then stacks (3 samples 1 s apart), dmesg_hung, sysrq - all on one victim
#           (busy scenarios: perf and stacks while the faults are being served)
S=$1
WHAT=${2:-all}
T=/sys/kernel/tracing
O=/out

case "$S" in
    race)  ARGS="race -f /tmp/race-target -n ${LAB_RACE_MAX:-400}" ;;
    busy-*) ARGS="$S -b /dev/ram0 -p ${LAB_BUSY_PAGES:-10240}"
            # the run without sched events keeps the same 20000-line window of a shorter run
            NOSCHED_ARGS="$S -b /dev/ram0 -p ${LAB_BUSY_NOSCHED_PAGES:-2048}"
            FGRAPH_LINES=${FGRAPH_LINES_BUSY:-20000}; export LAB_HUNG_WAIT_S=2 ;;
    # anonymous buffer: 40 distinct 4 KiB pages, no shared huge-page fault mutex between the workers
    many-workers) ARGS="$S -b /dev/ram0"; FGRAPH_LINES=${FGRAPH_LINES_BUSY:-20000} ;;
    *)     ARGS="$S -H -b /dev/ram0" ;;
esac

reset_tracing() {
    echo 0 > $T/tracing_on
    echo 0 > $T/events/enable
    echo nop > $T/current_tracer
    echo > $T/set_graph_function
    echo > $T/set_ftrace_pid
    echo > $T/trace
}

# fgraph_run FILE REPRO_OUT WITH_SCHED [ARGS]: one reproducer run under function_graph (handle_userfault)
fgraph_run() {
    f=$1; out=$2; sched=$3; args=${4:-$ARGS}
    echo "lab: === $f run (sched events: $sched): uffd_iou $args"
    reset_tracing
    echo 65536 > $T/buffer_size_kb
    echo handle_userfault > $T/set_graph_function
    echo function_graph > $T/current_tracer
    echo funcgraph-proc > $T/trace_options
    echo funcgraph-abstime > $T/trace_options
    if [ "$sched" = yes ]; then
        for e in sched_switch sched_wakeup sched_process_exit; do echo 1 > $T/events/sched/$e/enable; done
    fi
    t0=$(cut -d' ' -f1 /proc/uptime)
    echo 1 > $T/tracing_on
    LAB_STOP_MS=1000 LAB_CLEAR_EACH=1 /bin/uffd_iou $args -R 3000 > $O/$out 2>&1
    echo 0 > $T/tracing_on
    t1=$(cut -d' ' -f1 /proc/uptime)
    cat $O/$out
    # the kernel formats `trace` slowly under TCG (~2000 lines/s): read only what is kept, plus one line
    # that tells whether the file went on
    L=${FGRAPH_LINES:-2000}
    head -n $((L + 1)) $T/trace > $O/$f
    total=$(wc -l < $O/$f)
    if [ "$total" -gt "$L" ]; then
        { echo "# cut: one contiguous window = first $((L - 1)) lines of the ftrace \`trace\` file as read (it had more: head -n $((L + 1)) read $total lines); nothing spliced"
          head -n $((L - 1)) $O/$f; } > $O/fgraph.cut
        mv $O/fgraph.cut $O/$f
    fi
    grep -H . $T/per_cpu/cpu*/stats | grep -E 'overrun|entries' > $O/${f%.txt}_stats.txt
    echo "lab: $f run ${t0}..${t1} s uptime, trace lines read $total by $(cut -d' ' -f1 /proc/uptime) s, $(grep -c overrun $O/${f%.txt}_stats.txt) cpus"
    reset_tracing
    echo 1408 > $T/buffer_size_kb
}

if [ "$WHAT" = all ] || [ "$WHAT" = fgraph ]; then
    fgraph_run fgraph_proc.txt repro_fgraph.txt yes
    mv $O/fgraph_proc_stats.txt $O/fgraph_stats.txt
    case "$S" in busy-*) fgraph_run fgraph_nosched.txt repro_nosched.txt no "$NOSCHED_ARGS" ;; esac
fi

if [ "$WHAT" = all ] || [ "$WHAT" = rest ]; then
    # 40 spinning workers leave a nice-0 shell ~1/40 of a CPU: capture.sh renices itself to -20
    # (weight 88761 against 40 x 1024); busybox has renice but no nice
    [ "$S" = many-workers ] && export LAB_CAPTURE_NICE=-20
    echo "lab: === perf/stacks/dmesg_hung/sysrq run: uffd_iou $ARGS -x /lab/capture.sh"
    reset_tracing
    echo 4 > /proc/sys/kernel/hung_task_timeout_secs
    dmesg -c > /dev/null
    /bin/uffd_iou $ARGS -R 3000 -x /lab/capture.sh > $O/repro_rest.txt 2>&1
    cat $O/repro_rest.txt
fi
