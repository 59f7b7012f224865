#!/bin/sh
# fullgraph.sh — in the lab guest only (lab_script=/lab/extra/fullgraph.sh): a function_graph trace of the
# whole kernel (no set_graph_function) during busy-uffd-iouring, for benchmarks. After tracing stops the
# ring buffer (lab_fullgraph_kb= per CPU) is saved as trace.dat by `trace-cmd extract`; the host turns it
# into text. With lab_fullgraph_text=1 the kernel's own `trace` text is read first (fgraph_kernel_text.txt,
# not consuming): measured 640 lines/s under TCG, 216 MiB in 65 min, so it is off by default.
O=/out
T=/sys/kernel/tracing
# lab_fullgraph_kb=N on the kernel command line: ring buffer per CPU (default 327680 KiB)
KB=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^lab_fullgraph_kb=//p' | tail -n 1)
KB=${KB:-327680}
TEXT=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^lab_fullgraph_text=//p' | tail -n 1)
mount -o remount,size=2800m /out
echo 0 > $T/tracing_on
echo nop > $T/current_tracer
echo > $T/trace
echo $KB > $T/buffer_size_kb
echo > $T/set_graph_function
echo function_graph > $T/current_tracer
echo funcgraph-proc > $T/trace_options
echo funcgraph-abstime > $T/trace_options
for e in sched_switch sched_wakeup sched_process_exit; do echo 1 > $T/events/sched/$e/enable; done
t0=$(cut -d' ' -f1 /proc/uptime)
echo 1 > $T/tracing_on
/bin/uffd_iou busy-uffd-iouring -b /dev/ram0 -p ${LAB_BUSY_PAGES:-2048} -R 3000 > $O/repro-fullgraph.txt 2>&1
echo 0 > $T/tracing_on
t1=$(cut -d' ' -f1 /proc/uptime)
grep -H . $T/per_cpu/cpu*/stats > $O/fullgraph-stats.txt
echo "traced ${t0}..${t1} s uptime, buffer ${KB} KiB per CPU"
if [ "$TEXT" = 1 ]; then
    cat $T/trace > $O/fgraph_kernel_text.txt
    t2=$(cut -d' ' -f1 /proc/uptime)
    echo "kernel text: $(wc -c < $O/fgraph_kernel_text.txt) bytes, $(wc -l < $O/fgraph_kernel_text.txt) lines, read in ${t1}..${t2} s"
fi
trace-cmd extract -o $O/trace.dat > $O/trace-cmd-extract.txt 2>&1
echo "trace-cmd extract exit $?: $(wc -c < $O/trace.dat) bytes"
grep '^RESULT' $O/repro-fullgraph.txt
echo nop > $T/current_tracer
echo 1408 > $T/buffer_size_kb
