#!/bin/bash
# live-capture-test.sh KERNEL... — issue 6's in-guest proof: build iou-analyze with the static Swift
# standard library, put it in the lab initramfs (with the shared libraries it needs), boot each KERNEL
# with guest/live-capture-test.sh, and keep the results under fixtures/lab/live-capture/KERNEL/.
# Runs the reproducer only inside the QEMU guest.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB_CACHE=${LAB_CACHE:-$HOME/.cache/iou-analyze/lab}
cd "$REPO"
swift build -c release --static-swift-stdlib --scratch-path .build-static --product iou-analyze
BIN=$REPO/.build-static/release/iou-analyze
INITRD=$LAB_CACHE/initramfs-live.cpio.gz
"$HERE/mkinitramfs.sh" "$INITRD" --extra "$BIN:/usr/local/bin/iou-analyze" \
    --extra "$HERE/guest/live-capture-test.sh:/lab/extra/live-capture-test.sh"
for K in "${@:-vanilla}"; do
    DEST=$LAB_CACHE/results-live/$K
    rm -rf "$DEST"
    "$HERE/boot.sh" "$K" threadexit "$DEST" --initrd "$INITRD" --timeout 600 \
        --append "lab_script=/lab/extra/live-capture-test.sh"
    OUT=$REPO/fixtures/lab/live-capture/$K
    rm -rf "$OUT"; mkdir -p "$OUT"
    cp -r "$DEST"/capture "$OUT"/ 2>/dev/null || true
    for f in script-output.txt capture-report.txt capture-stderr.txt analyze-capture.txt watch.txt \
             tracefs-before.txt tracefs-after-capture.txt untraceable.txt guest-uname.txt repro-capture.txt; do
        [ -f "$DEST/$f" ] && cp "$DEST/$f" "$OUT/"
    done
    # the whole trace, uncut, gzip-compressed (iou-analyze reads .gz directly)
    if [ -f "$OUT/capture/fgraph_proc.txt" ]; then gzip -9 "$OUT/capture/fgraph_proc.txt"; fi
    echo "== $K"; grep -E 'CAPTURE|ANALYZE|RESTORED|SIGINT|SIGTERM|WATCH|UNTRACEABLE' "$DEST/script-output.txt" || true
done
