#!/bin/bash
# Installs the .deb into a fresh Debian 12 root made with debootstrap (no Swift there) and runs
# `iou-analyze analyze` on a real capture inside it with chroot.
# Usage: packaging/dist-check.sh DEB [MIRROR]   (root; the mirror defaults to deb.debian.org)
set -euo pipefail
deb=$(readlink -f "$1")
mirror=${2:-http://deb.debian.org/debian}
root=$(cd "$(dirname "$0")/.." && pwd)
fixture=$root/fixtures/shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt
chroot_dir=$(mktemp -d /tmp/iou-dist-check.XXXXXX)
chmod 0755 "$chroot_dir"  # the root of the new system: apt's _apt user must get in
cleanup() {
  umount "$chroot_dir/proc" 2>/dev/null || true
  rm -rf --one-file-system "$chroot_dir"
}
trap cleanup EXIT

step() { echo "dist-check: $*"; }
step "debootstrap bookworm (minbase) from $mirror into $chroot_dir"
start=$(date +%s)
if ! debootstrap --variant=minbase bookworm "$chroot_dir" "$mirror" > "$chroot_dir.log" 2>&1; then
  tail -5 "$chroot_dir.log" >&2
  echo "dist-check: debootstrap could not make a Debian 12 root from $mirror (log: $chroot_dir.log)" >&2
  exit 1
fi
rm -f "$chroot_dir.log"
step "root made in $(($(date +%s) - start)) s"
if [ -e "$chroot_dir/opt/swift" ] || chroot "$chroot_dir" sh -c 'command -v swift' >/dev/null; then
  echo "dist-check: the fresh root has Swift; it must not" >&2
  exit 1
fi
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
mount -t proc proc "$chroot_dir/proc"
cp "$deb" "$chroot_dir/tmp/"
cp "$fixture" "$chroot_dir/tmp/fgraph_proc.txt"
step "apt-get install ./$(basename "$deb")"
chroot "$chroot_dir" apt-get update -qq
chroot "$chroot_dir" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "/tmp/$(basename "$deb")" > /dev/null
step "iou-analyze --version"
chroot "$chroot_dir" iou-analyze --version
step "iou-analyze analyze /tmp/fgraph_proc.txt (the unfixed kernel's capture: SPINNING, exit 1)"
set +e
chroot "$chroot_dir" iou-analyze analyze /tmp/fgraph_proc.txt > "$chroot_dir/tmp/report.txt"
status=$?
set -e
head -3 "$chroot_dir/tmp/report.txt"
if [ "$status" != 1 ] || ! grep -q 'iou-wrk-66 tid 67 (worker of task 66): SPINNING' "$chroot_dir/tmp/report.txt"; then
  echo "dist-check: FAILED: exit $status, expected 1 with iou-wrk-66 SPINNING" >&2
  exit 1
fi
for f in /usr/share/man/man1/iou-analyze.analyze.1.gz /usr/share/bash-completion/completions/iou-analyze \
  /usr/share/zsh/vendor-completions/_iou-analyze /usr/share/fish/vendor_completions.d/iou-analyze.fish; do
  [ -f "$chroot_dir$f" ] || { echo "dist-check: FAILED: $f not installed" >&2; exit 1; }
done
if chroot "$chroot_dir" ldd /usr/bin/iou-analyze | grep -q 'not found'; then
  echo "dist-check: FAILED: a shared library is missing in the fresh root" >&2
  exit 1
fi
step "OK: installed and ran on a fresh Debian 12 root without Swift ($(($(date +%s) - start)) s in all)"
