#!/bin/bash
# fullgraph.sh [KERNEL] — the large benchmark trace: a whole-kernel function_graph capture (no
# set_graph_function) during busy-uffd-iouring in the lab guest, kept in the lab cache (never the repo):
#   $LAB_CACHE/fullgraph/trace.dat         the ring buffer, `trace-cmd extract` in the guest
#   $LAB_CACHE/fullgraph/fgraph_full.txt   `trace-cmd report` of it on the host (>= 512 MiB of text)
#   $LAB_CACHE/fullgraph/fgraph_kernel_text.txt  only with LAB_FULLGRAPH_TEXT=1: the kernel's own
#                                          `trace` text of the same buffer (slow under TCG, see the guest script)
#   $LAB_CACHE/fullgraph/README.md         kernel, command line, sizes, the guest's log
# `make bench` uses them when present. The guest gets 3.5 GiB and a 2.8 GiB results disk for this boot.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LAB_CACHE=${LAB_CACHE:-$HOME/.cache/iou-analyze/lab}
K=${1:-vanilla}
command -v trace-cmd >/dev/null || { echo "fullgraph: trace-cmd missing (lab.sh deps installs it)" >&2; exit 2; }
INITRD=$LAB_CACHE/initramfs-fullgraph.cpio.gz
"$HERE/mkinitramfs.sh" "$INITRD" --extra "$(command -v trace-cmd):/usr/bin/trace-cmd" \
    --extra "$HERE/guest/fullgraph.sh:/lab/extra/fullgraph.sh"
RAW=$LAB_CACHE/results-fullgraph/$K
rm -rf "$RAW"
start=$(date +%s)
"$HERE/boot.sh" "$K" busy-uffd-iouring "$RAW" --initrd "$INITRD" --timeout 2400 --mem 3584 --disk-mb 2900 \
    --append "lab_script=/lab/extra/fullgraph.sh lab_busy_pages=${LAB_FULLGRAPH_PAGES:-5120} lab_fullgraph_text=${LAB_FULLGRAPH_TEXT:-0} ${LAB_FULLGRAPH_APPEND:-}"
DST=$LAB_CACHE/fullgraph
rm -rf "$DST"; mkdir -p "$DST"
mv "$RAW/trace.dat" "$DST/"
if [ -f "$RAW/fgraph_kernel_text.txt" ]; then mv "$RAW/fgraph_kernel_text.txt" "$DST/"; fi
t0=$(date +%s)
trace-cmd report -i "$DST/trace.dat" > "$DST/fgraph_full.txt" 2> "$DST/trace-cmd-report.err"
report_s=$(( $(date +%s) - t0 ))
bytes=$(stat -c %s "$DST/fgraph_full.txt")
{
    echo "# whole-kernel function_graph capture for benchmarks ($(date -u +%Y-%m-%d), $(( $(date +%s) - start )) s wall)"
    echo
    echo "- kernel: $K ($(sed -n 's/^kernel=//p' "$LAB_CACHE/kernels/$K/version.txt"), bzImage md5 $(sed -n 's/^bzImage_md5=//p' "$LAB_CACHE/kernels/$K/version.txt"))"
    echo "- guest command line: $(cat "$RAW/guest-cmdline.txt")"
    echo "- recipe: kernel-patch/lab/guest/fullgraph.sh (function_graph, no set_graph_function, funcgraph-proc +"
    echo "  funcgraph-abstime, sched_switch/sched_wakeup/sched_process_exit) during \`uffd_iou busy-uffd-iouring\`"
    echo "- trace.dat: $(stat -c %s "$DST/trace.dat") bytes; fgraph_full.txt (\`trace-cmd report\` $(trace-cmd --version 2>/dev/null | sed -n 's/^trace-cmd version \([^ ]*\).*/\1/p') on the host, ${report_s} s): $bytes bytes, $(wc -l < "$DST/fgraph_full.txt") lines"
    echo
    echo '```'
    cat "$RAW/script-output.txt"
    cat "$RAW/fullgraph-stats.txt"
    echo '```'
} > "$DST/README.md"
cat "$DST/README.md"
[ "$bytes" -ge $((512 * 1048576)) ] || { echo "fullgraph: only $bytes bytes of text (< 512 MiB): raise LAB_FULLGRAPH_PAGES or lab_fullgraph_kb= (LAB_FULLGRAPH_APPEND)" >&2; exit 1; }
