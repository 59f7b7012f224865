#!/bin/bash
# mkinitramfs.sh OUTPUT.cpio.gz [--extra HOSTPATH[:GUESTPATH]]...
#
# The lab guest's initramfs: busybox-static, the lab's /init and scripts (guest/), the reproducer
# (built static from ../repro/uffd_iou.c), Debian's perf with its shared libraries, and any extra host
# files (for example the iou-analyze binary for the in-guest capture test). An extra ELF file brings
# its shared libraries (ldd) along; a GUESTPATH defaults to /usr/local/bin/<name>.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB_CACHE=${LAB_CACHE:-$HOME/.cache/iou-analyze/lab}
OUTPUT=${1:?usage: mkinitramfs.sh OUTPUT.cpio.gz [--extra HOSTPATH[:GUESTPATH]]...}
shift
EXTRAS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --extra) EXTRAS+=("$2"); shift 2 ;;
        *) echo "mkinitramfs: unknown argument $1" >&2; exit 2 ;;
    esac
done

BUSYBOX=/bin/busybox
file -L "$BUSYBOX" | grep -q 'statically linked' || { echo "mkinitramfs: $BUSYBOX is not static (apt-get install busybox-static)" >&2; exit 2; }

# reproducer: static, rebuilt when the source is newer
mkdir -p "$LAB_CACHE/bin"
REPRO="$LAB_CACHE/bin/uffd_iou"
if [ ! -x "$REPRO" ] || [ "$REPO/kernel-patch/repro/uffd_iou.c" -nt "$REPRO" ]; then
    gcc -static -O2 -Wall -o "$REPRO" "$REPO/kernel-patch/repro/uffd_iou.c" -luring -lpthread
fi

ROOT=$(mktemp -d "$LAB_CACHE/initramfs.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,proc,sys,dev,tmp,out,lab,etc,root}
cp "$BUSYBOX" "$ROOT/bin/busybox"
for app in $("$BUSYBOX" --list); do
    [ -e "$ROOT/bin/$app" ] || ln -s busybox "$ROOT/bin/$app"
done
install -m 755 "$HERE/guest/init" "$ROOT/init"
install -m 755 "$HERE/guest/run-scenario.sh" "$HERE/guest/capture.sh" "$ROOT/lab/"
install -m 755 "$REPRO" "$ROOT/bin/uffd_iou"

# copy_elf HOST GUEST: the file plus every shared library ldd names, at the same paths
copy_elf() {
    local host=$1 guest=$2
    mkdir -p "$ROOT$(dirname "$guest")"
    cp -L "$host" "$ROOT$guest"
    if file -L "$host" | grep -q 'dynamically linked'; then
        ldd "$host" | grep -o '/[^ ]*' | while read -r lib; do
            [ -e "$ROOT$lib" ] && continue
            mkdir -p "$ROOT$(dirname "$lib")"
            cp -L "$lib" "$ROOT$lib"
        done
    fi
}

if [ -x /usr/bin/perf ]; then
    copy_elf /usr/bin/perf /usr/bin/perf
else
    echo "mkinitramfs: WARNING: /usr/bin/perf missing (apt-get install linux-perf): no perf.txt captures" >&2
fi
for e in "${EXTRAS[@]}"; do
    host=${e%%:*}; guest=${e#*:}
    [ "$guest" = "$e" ] && guest=/usr/local/bin/$(basename "$host")
    [ -e "$host" ] || { echo "mkinitramfs: extra $host missing" >&2; exit 2; }
    if [ -d "$host" ]; then mkdir -p "$ROOT$guest"; cp -a "$host/." "$ROOT$guest/"; else copy_elf "$host" "$guest"; fi
done
# a 64-bit glibc also looks for /lib64 - the ldd paths already created it when perf came along
echo "root:x:0:0:root:/root:/bin/sh" > "$ROOT/etc/passwd"

(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUTPUT.tmp"
mv "$OUTPUT.tmp" "$OUTPUT"
echo "mkinitramfs: $OUTPUT ($(du -k "$OUTPUT" | cut -f1) KiB)" >&2
