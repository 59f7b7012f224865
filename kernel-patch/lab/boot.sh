#!/bin/bash
# boot.sh KERNEL SCENARIO DEST [options]
#   KERNEL    a name under $LAB_CACHE/kernels/ (vanilla, seed-series, ...) or a bzImage path
#   SCENARIO  passed to the guest as lab_scenario= (see guest/init)
#   DEST      host folder that receives the guest's /out (created; existing files are overwritten)
# options:
#   --captures all|fgraph|rest   (default all)
#   --initrd PATH                (default $LAB_CACHE/initramfs.cpio.gz, built by mkinitramfs.sh if missing)
#   --append "ARGS"              more kernel command line (e.g. preempt=full, lab_script=/lab/extra/x.sh)
#   --timeout SECONDS            hard limit for QEMU (default 900)
#   --mem MIB                    guest memory (default 1536)
#   --disk-mb MIB                size of the raw disk that carries the results tar (default 256)
# The guest writes a tar of /out to a second (raw virtio) disk; it is unpacked into DEST after QEMU
# exits. The serial console goes to DEST/../<scenario>.console.log (not into DEST).
# QEMU: qboot firmware, TCG single-threaded (multi-threaded TCG crashed on ftrace text patching; nested KVM is unusable).
# One guest per lock file: QEMU runs under flock $LAB_QEMU_LOCK (/tmp/iou-qemu.lock; lab.sh's J-th job
# uses /tmp/iou-qemu.lock.J), unless the caller already holds it (`flock /tmp/iou-qemu.lock boot.sh ...` passes the locked file down); the
# wait for the lock is logged to $LAB_CACHE/lock-waits.log and DEST/.lock_wait_seconds.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LAB_CACHE=${LAB_CACHE:-$HOME/.cache/iou-analyze/lab}
KERNEL=${1:?usage: boot.sh KERNEL SCENARIO DEST [--captures C] [--initrd P] [--append A] [--timeout S]}
SCENARIO=${2:?scenario}
DEST=${3:?dest}
shift 3
CAPTURES=all; INITRD=$LAB_CACHE/initramfs.cpio.gz; APPEND=""; TIMEOUT=900; MEM=1536; DISK_MB=256
while [ $# -gt 0 ]; do
    case "$1" in
        --captures) CAPTURES=$2; shift 2 ;;
        --initrd) INITRD=$2; shift 2 ;;
        --append) APPEND=$2; shift 2 ;;
        --timeout) TIMEOUT=$2; shift 2 ;;
        --mem) MEM=$2; shift 2 ;;
        --disk-mb) DISK_MB=$2; shift 2 ;;
        *) echo "boot.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -f "$KERNEL" ]; then BZ=$KERNEL; else BZ=$LAB_CACHE/kernels/$KERNEL/bzImage; fi
[ -f "$BZ" ] || { echo "boot.sh: no kernel $BZ (run build-kernel.sh $KERNEL)" >&2; exit 2; }
[ -f "$INITRD" ] || "$HERE/mkinitramfs.sh" "$INITRD"

mkdir -p "$DEST" "$LAB_CACHE/run"
DISK=$(mktemp "$LAB_CACHE/run/out.XXXXXX.img")
trap 'rm -f "$DISK"' EXIT
truncate -s "${DISK_MB}M" "$DISK"
CONSOLE="$(dirname "$DEST")/$(basename "$DEST").console.log"

# take the QEMU lock unless an inherited descriptor of the lock file already holds it
LOCK=${LAB_QEMU_LOCK:-/tmp/iou-qemu.lock}
waited=0
inherited=0
for fd in /proc/$$/fd/*; do [ "$(readlink "$fd" 2>/dev/null)" = "$LOCK" ] && inherited=1; done
if [ $inherited = 0 ]; then
    exec {LOCKFD}>>"$LOCK"
    w0=$(date +%s)
    flock "$LOCKFD"
    waited=$(( $(date +%s) - w0 ))
fi
echo "$(date -u +%FT%TZ) qemu $(basename "$(dirname "$BZ")") $SCENARIO waited ${waited}s for $LOCK" >> "$LAB_CACHE/lock-waits.log"

# qboot (Debian's qemu-system-data) instead of SeaBIOS: a direct -kernel boot without the option-ROM
# detour, several seconds less per boot under TCG; LAB_QEMU_BIOS=default keeps SeaBIOS
BIOS_ARG=()
QBOOT=${LAB_QEMU_BIOS:-/usr/share/qemu/qboot.rom}
if [ "$QBOOT" != default ] && [ -f "$QBOOT" ]; then BIOS_ARG=(-bios "$QBOOT"); fi

CMDLINE="console=ttyS0 panic=-1 oops=panic quiet loglevel=4 iou_lab=1 lab_scenario=$SCENARIO lab_captures=$CAPTURES $APPEND"
echo "[boot] $(basename "$(dirname "$BZ")") $SCENARIO: qemu (timeout ${TIMEOUT}s), cmdline: $CMDLINE" >&2
start=$(date +%s)
set +e
timeout -k 10 "$TIMEOUT" qemu-system-x86_64 "${BIOS_ARG[@]}" \
    -accel tcg,thread=single -cpu max -smp 2 -m "$MEM" \
    -kernel "$BZ" -initrd "$INITRD" -append "$CMDLINE" \
    -drive file="$DISK",format=raw,if=virtio \
    -display none -no-reboot -monitor none -serial stdio \
    < /dev/null > "$CONSOLE" 2>&1
rc=$?
set -e
secs=$(( $(date +%s) - start ))
if [ $inherited = 0 ]; then exec {LOCKFD}>&-; fi
if [ $rc = 124 ] || [ $rc = 137 ]; then
    echo "[boot] TIMEOUT after ${secs}s (see $CONSOLE)" >&2
fi
if tar -tf "$DISK" >/dev/null 2>&1; then
    tar -xf "$DISK" -C "$DEST"
    echo "$secs" > "$DEST/.boot_seconds"
    echo "$waited" > "$DEST/.lock_wait_seconds"
    echo "${BIOS_ARG[*]} -accel tcg,thread=single -cpu max -smp 2 -m $MEM" | sed 's/^ //' > "$DEST/.qemu_args"
    echo "[boot] done in ${secs}s, qemu rc $rc, results in $DEST" >&2
else
    echo "[boot] the guest wrote no results (qemu rc $rc, ${secs}s); console: $CONSOLE" >&2
    exit 1
fi
