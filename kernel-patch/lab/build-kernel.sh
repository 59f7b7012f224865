#!/bin/bash
# build-kernel.sh NAME
#
# Builds the lab kernel NAME into $LAB_CACHE/kernels/NAME/bzImage.
#   NAME = vanilla                 the pinned Debian source, unpatched
#   NAME = <series>                kernel-patch/patches/<series>/*.patch applied with `git am`
#
# Layout of the cache (outside the repo, reused between runs):
#   $LAB_CACHE/src/linux-source-6.12   pristine tarball extraction, a git repo whose first commit
#                                      (tag `vanilla`) is the tarball; each series is a branch lab/<series>
#   $LAB_CACHE/out                     one shared O= build folder: switching branches only touches the
#                                      files a series changes, so a patched kernel is an incremental build
#   $LAB_CACHE/kernels/NAME/           bzImage, System.map, config, version.txt, stamp
# A kernel is rebuilt only when its stamp (source version + lab.config + series files) changed.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB_CACHE=${LAB_CACHE:-$HOME/.cache/iou-analyze/lab}
TARBALL=${LAB_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
PIN_DEB_VERSION=6.12.117-1~deb12u1
PIN_KVERSION=6.12.117
JOBS=${LAB_JOBS:-2}

NAME=${1:?usage: build-kernel.sh vanilla|<series under kernel-patch/patches>}
SERIES_DIR=""
if [ "$NAME" != vanilla ]; then
    SERIES_DIR="$REPO/kernel-patch/patches/$NAME"
    ls "$SERIES_DIR"/*.patch >/dev/null 2>&1 || { echo "build-kernel: no patches in $SERIES_DIR" >&2; exit 2; }
fi

log() { echo "[build-kernel $NAME] $*" >&2; }

# --- pin check: warn, do not fail, when Debian ships a newer 6.12.y -----------------------------
[ -f "$TARBALL" ] || { echo "build-kernel: $TARBALL missing (apt-get install linux-source-6.12)" >&2; exit 2; }
DEB_VERSION=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo unknown)
if [ "$DEB_VERSION" != "$PIN_DEB_VERSION" ]; then
    log "WARNING: installed linux-source-6.12 is $DEB_VERSION, the lab was pinned and measured on $PIN_DEB_VERSION;"
    log "WARNING: building it anyway - patches may not apply and the fixtures may differ"
fi

SRC_PARENT="$LAB_CACHE/src"
SRC="$SRC_PARENT/linux-source-6.12"
OUT="$LAB_CACHE/out"
KDIR="$LAB_CACHE/kernels/$NAME"
mkdir -p "$SRC_PARENT" "$OUT" "$KDIR"
GIT=(git -C "$SRC" -c user.name="iou-analyze lab" -c user.email="lab@iou-analyze.invalid" -c advice.detachedHead=false)

# --- extract once into a git repo -------------------------------------------------------------------
if [ ! -d "$SRC/.git" ] || ! "${GIT[@]}" rev-parse -q --verify refs/tags/vanilla >/dev/null; then
    log "extracting $TARBALL ($DEB_VERSION) into $SRC"
    rm -rf "$SRC"
    tar -C "$SRC_PARENT" -xf "$TARBALL"
    "${GIT[@]}" init -q
    "${GIT[@]}" add -f -A
    "${GIT[@]}" commit -q -m "linux-source-6.12 $DEB_VERSION (Debian tarball, unmodified)"
    "${GIT[@]}" tag vanilla
    echo "$DEB_VERSION" > "$SRC/.lab-deb-version"
fi
SRC_DEB_VERSION=$(cat "$SRC/.lab-deb-version" 2>/dev/null || echo unknown)
if [ "$SRC_DEB_VERSION" != "$DEB_VERSION" ]; then
    log "source tree is $SRC_DEB_VERSION but $DEB_VERSION is installed: re-extracting"
    rm -rf "$SRC"; exec "$0" "$@"
fi
KVERSION=$(make -s -C "$SRC" kernelversion 2>/dev/null)
[ "$KVERSION" = "$PIN_KVERSION" ] || log "WARNING: kernel version $KVERSION, pinned $PIN_KVERSION"

# --- stamp: skip the build when nothing changed -----------------------------------------------------
STAMP=$( { echo "$DEB_VERSION"; cat "$HERE/lab.config"; if [ -n "$SERIES_DIR" ]; then cat "$SERIES_DIR"/*.patch; fi; } | sha256sum | cut -c1-16)
if [ -f "$KDIR/bzImage" ] && [ "$(cat "$KDIR/stamp" 2>/dev/null)" = "$STAMP" ]; then
    log "up to date ($KDIR/bzImage, stamp $STAMP)"
    exit 0
fi

# --- check out the series (a branch lab/NAME rebuilt from `vanilla` every time) --------------------
"${GIT[@]}" am --abort >/dev/null 2>&1 || true
"${GIT[@]}" checkout -q -f vanilla
"${GIT[@]}" clean -q -fdx -e .lab-deb-version
if [ -n "$SERIES_DIR" ]; then
    "${GIT[@]}" checkout -q -B "lab/$NAME" vanilla
    log "applying $(ls "$SERIES_DIR"/*.patch | wc -l) patch(es) from kernel-patch/patches/$NAME"
    if ! "${GIT[@]}" am -q "$SERIES_DIR"/*.patch; then
        "${GIT[@]}" am --abort || true
        "${GIT[@]}" checkout -q -f vanilla
        echo "build-kernel: series $NAME does not apply to $DEB_VERSION" >&2
        exit 1
    fi
fi
HEAD_COMMIT=$("${GIT[@]}" rev-parse HEAD)

# --- config: tinyconfig + fragment + olddefconfig, generated aside and copied only if it changed -----
CFG="$LAB_CACHE/cfg"
rm -rf "$CFG"; mkdir -p "$CFG"
make -s -C "$SRC" O="$CFG" ARCH=x86_64 tinyconfig >/dev/null
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$CFG" "$CFG/.config" "$HERE/lab.config" >/dev/null
make -s -C "$SRC" O="$CFG" ARCH=x86_64 olddefconfig >/dev/null
missing=0
while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    sym=${line%%=*}; val=${line#*=}
    if [ "$val" = n ]; then
        grep -qx "$sym=y" "$CFG/.config" && { log "config: $sym should be off"; missing=1; }
    else
        grep -qx "$line" "$CFG/.config" || { log "config: $line did not stick"; missing=1; }
    fi
done < "$HERE/lab.config"
[ $missing = 0 ] || { echo "build-kernel: lab.config not fully applied (see above)" >&2; exit 1; }
if ! cmp -s "$CFG/.config" "$OUT/.config"; then cp "$CFG/.config" "$OUT/.config"; fi

# --- build ------------------------------------------------------------------------------------------
CC_ARG=()
if command -v ccache >/dev/null; then CC_ARG=(CC="ccache gcc"); export CCACHE_DIR="$LAB_CACHE/ccache"; fi
log "building in $OUT with -j$JOBS (commit ${HEAD_COMMIT:0:12})"
start=$(date +%s)
nice -n 10 make -s -C "$SRC" O="$OUT" ARCH=x86_64 "${CC_ARG[@]}" -j"$JOBS" olddefconfig >/dev/null
nice -n 10 make -C "$SRC" O="$OUT" ARCH=x86_64 "${CC_ARG[@]}" -j"$JOBS" bzImage > "$KDIR/build.log" 2>&1 \
    || { tail -40 "$KDIR/build.log" >&2; echo "build-kernel: build of $NAME failed" >&2; exit 1; }
secs=$(( $(date +%s) - start ))

cp "$OUT/arch/x86/boot/bzImage" "$KDIR/bzImage"
cp "$OUT/System.map" "$KDIR/System.map"
cp "$OUT/.config" "$KDIR/config"
{
    echo "name=$NAME"
    echo "kernel=$KVERSION"
    echo "debian_source=linux-source-6.12 $DEB_VERSION"
    echo "commit=$HEAD_COMMIT"
    if [ -n "$SERIES_DIR" ]; then echo "series=kernel-patch/patches/$NAME ($(cd "$SERIES_DIR" && ls *.patch | tr '\n' ' '))"; fi
    echo "bzImage_md5=$(md5sum < "$KDIR/bzImage" | cut -d' ' -f1)"
    echo "build_seconds=$secs"
    echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "gcc=$(gcc -dumpfullversion)"
} > "$KDIR/version.txt"
echo "$STAMP" > "$KDIR/stamp"
"${GIT[@]}" checkout -q -f vanilla
log "done in ${secs}s: $KDIR/bzImage"
