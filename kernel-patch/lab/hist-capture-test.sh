#!/bin/bash
# hist-capture-test.sh KERNEL... — issue 15's in-guest proof of `capture --method hist` (kprobe + hist
# triggers) with ring-buffer overruns forced: builds iou-analyze with the static Swift standard library
# (flock /tmp/iou-release.lock), puts it in an initramfs with guest/hist-capture-test.sh, boots each KERNEL
# (flock /tmp/iou-qemu.lock) and keeps the results under fixtures/lab/live-capture/KERNEL/overrun/.
# Runs the reproducer and every tracer only inside the QEMU guest.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB_CACHE=${LAB_CACHE:-$HOME/.cache/iou-analyze/lab}
cd "$REPO"
flock /tmp/iou-release.lock nice swift build -c release --static-swift-stdlib --scratch-path .build-static \
    --product iou-analyze
BIN=$REPO/.build-static/release/iou-analyze
INITRD=$LAB_CACHE/initramfs-hist.cpio.gz
"$HERE/mkinitramfs.sh" "$INITRD" --extra "$BIN:/usr/local/bin/iou-analyze" \
    --extra "$HERE/guest/hist-capture-test.sh:/lab/extra/hist-capture-test.sh"
for K in "${@:-vanilla}"; do
    DEST=$LAB_CACHE/results-hist/$K
    rm -rf "$DEST"
    flock /tmp/iou-qemu.lock "$HERE/boot.sh" "$K" threadexit "$DEST" --initrd "$INITRD" --timeout 1800 \
        --append "lab_script=/lab/extra/hist-capture-test.sh"
    OUT=$REPO/fixtures/lab/live-capture/$K/overrun
    rm -rf "$OUT"; mkdir -p "$OUT"
    for d in hist-armed hist-1 hist-2 hist-3 hist-overrun fgraph-overrun auto-overrun; do
        [ -d "$DEST/$d" ] || continue
        cp -r "$DEST/$d" "$OUT/"
        # the function_graph text the captures read, gzip-compressed (iou-analyze reads .gz directly)
        if [ -f "$OUT/$d/fgraph_proc.txt" ]; then gzip -9 "$OUT/$d/fgraph_proc.txt"; fi
        for f in "$d-report.txt" "$d-stderr.txt" "analyze-$d.txt"; do [ -f "$DEST/$f" ] && cp "$DEST/$f" "$OUT/"; done
    done
    for f in script-output.txt repro.txt guest-uname.txt tracefs-before.txt; do
        [ -f "$DEST/$f" ] && cp "$DEST/$f" "$OUT/"
    done
    cat > "$OUT/README.md" <<EOF
# Counting capture with overruns forced, $K (issue 15)

Made by \`kernel-patch/lab/hist-capture-test.sh $K\` on $(date -u +%F): iou-analyze (\`swift build -c release
--static-swift-stdlib\`) in the lab initramfs, run inside the QEMU TCG guest (2 vCPUs) of the $K kernel
($(cut -d' ' -f3 "$DEST/guest-uname.txt" 2>/dev/null)) by \`kernel-patch/lab/guest/hist-capture-test.sh\`, with
\`uffd_iou threadexit -H -b /dev/ram0 -w 600000 -R 3000\` (the victim held after its trigger):

- \`hist-armed/\`: \`capture --method hist --duration 6 --read-interval 0.5\` started before the reproducer;
- \`hist-1/\` .. \`hist-3/\`: \`capture --comm 'iou-wrk-*' --method hist --duration 4 --read-interval 0.5\` (no
  \`--comm\` when no worker is left), each after 3 s of a bare kprobe on handle_userfault (\`BASELINE\` lines
  of \`script-output.txt\`: its hits in kprobe_profile per second, the retry rate without the capture);
- \`hist-overrun/\`: the same while the top level runs function_graph on every function with a 4 KiB
  buffer (ring-buffer overruns by the million, \`OVERRUNS\` lines);
- \`fgraph-overrun/\` (\`--method function-graph --buffer-kb 64 --duration 6\`) and \`auto-overrun/\` (the
  default \`--method auto --buffer-kb 64 --duration 8 --read-interval 0.5\`) while the top level runs the
  function tracer on every function with a 4 KiB buffer (function_graph there would share the capture's
  top-level set_graph_function): the trace overruns; auto stops it and counts.

Each folder is what the capture saved (\`hist.txt\`: every reading of both histograms, each after its
\`# iou-analyze hist:\` line; \`stacks.txt\`; \`capture.json\`; \`fgraph_proc.txt.gz\`: the trace text, gzip -9
on the host). \`NAME-report.txt\` is its report in the guest, \`analyze-NAME.txt\` \`iou-analyze analyze\` of
the folder in the guest. \`script-output.txt\` logs exit codes, \`RATE\` (the capture's counted retries/s),
\`BASELINE\`, and \`RESTORED NAME yes|NO\` (tracefs dumped just before and after each capture, compared).
EOF
    echo "== $K"; grep -E 'COUNTING|CAPTURE|ANALYZE|RESTORED|BASELINE|RATE|OVERRUNS|SIGINT|setupSeconds' "$DEST/script-output.txt" || true
done
