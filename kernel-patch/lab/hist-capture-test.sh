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
    echo "== $K"; grep -E 'COUNTING|CAPTURE|ANALYZE|RESTORED|BASELINE|RATE|OVERRUNS|SIGINT|setupSeconds' "$DEST/script-output.txt" || true
done
