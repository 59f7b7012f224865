#!/bin/sh
# fullgraph.sh — in the lab guest only (lab_script=/lab/extra/fullgraph.sh): a function_graph trace of the
# whole kernel (no set_graph_function) during busy-uffd-iouring, for benchmarks. The ring buffer
# (lab_fullgraph_kb= per CPU, overwrite mode) is read twice after tracing stops: as text from `trace`
# (fgraph_full.txt, not consuming) and as trace.dat by `trace-cmd extract` (consuming).
O=/out
T=/sys/kernel/tracing
# lab_fullgraph_kb=N on the kernel command line: ring buffer per CPU (default 327680 KiB)
KB=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^lab_fullgraph_kb=//p' | tail -n 1)
KB=${KB:-327680}
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
cat $T/trace > $O/fgraph_full.txt
t2=$(cut -d' ' -f1 /proc/uptime)
echo "text: $(wc -c < $O/fgraph_full.txt) bytes, $(wc -l < $O/fgraph_full.txt) lines, read in ${t1}..${t2} s"
trace-cmd extract -o $O/trace.dat > $O/trace-cmd-extract.txt 2>&1
echo "trace-cmd extract exit $?: $(wc -c < $O/trace.dat) bytes"
grep '^RESULT' $O/repro-fullgraph.txt
echo nop > $T/current_tracer
echo 1408 > $T/buffer_size_kb
