#!/bin/bash
# race-capture-test.sh [KERNEL] — `iou-analyze capture --until-verdict` in the lab guest against the race
# scenario (default kernel: vanilla). Builds iou-analyze with the static Swift standard library (under
# flock /tmp/iou-release.lock), puts it in an initramfs with guest/race-capture-test.sh, boots KERNEL with
# preempt=full and keeps the results in fixtures/lab/live-capture-race/KERNEL/.
# Runs the reproducer only inside the QEMU guest.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB_CACHE=${LAB_CACHE:-$HOME/.cache/iou-analyze/lab}
K=${1:-vanilla}
cd "$REPO"
flock /tmp/iou-release.lock swift build -c release --static-swift-stdlib --scratch-path .build-static --product iou-analyze
BIN=$REPO/.build-static/release/iou-analyze
INITRD=$LAB_CACHE/initramfs-race-capture.cpio.gz
"$HERE/mkinitramfs.sh" "$INITRD" --extra "$BIN:/usr/local/bin/iou-analyze" \
    --extra "$HERE/guest/race-capture-test.sh:/lab/extra/race-capture-test.sh"
DEST=$LAB_CACHE/results-race-capture/$K
rm -rf "$DEST"
"$HERE/boot.sh" "$K" race "$DEST" --initrd "$INITRD" --timeout 1500 \
    --append "preempt=full lab_race_max=${LAB_RACE_MAX:-400} lab_script=/lab/extra/race-capture-test.sh"
OUT=$REPO/fixtures/lab/live-capture-race/$K
rm -rf "$OUT"; mkdir -p "$OUT"
cp -r "$DEST"/capture "$OUT"/ 2>/dev/null || true
for f in script-output.txt capture-report.txt capture-stderr.txt analyze-capture.txt repro-capture.txt guest-uname.txt \
         guest-cmdline.txt; do
    [ -f "$DEST/$f" ] && cp "$DEST/$f" "$OUT/"
done
# the whole trace the capture read, uncut, gzip-compressed (iou-analyze reads .gz directly)
if [ -f "$OUT/capture/fgraph_proc.txt" ]; then gzip -9 "$OUT/capture/fgraph_proc.txt"; fi
echo "== $K"; grep -E 'CAPTURE|ANALYZE|REPRO' "$DEST/script-output.txt" || true
