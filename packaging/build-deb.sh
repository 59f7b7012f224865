#!/bin/bash
# Builds dist/iou-analyze_VERSION_ARCH.deb from a release binary (Swift runtime linked statically):
# the binary, a man page per subcommand, bash/zsh/fish completions, and the Debian packages of every
# shared library the binary loads declared in Depends (checked against ldd, so none is missed).
# Usage: packaging/build-deb.sh BINARY OUTDIR
set -euo pipefail
bin=$1
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
version=$("$bin" --version | sed -n '1s/^iou-analyze \([^ ]*\) .*/\1/p')
arch=$(dpkg --print-architecture)
# The runtime packages, with the versions this build was linked and tested against (Debian 12).
depends="libc6 (>= 2.36), libtracefs1 (>= 1.6), libtracecmd1 (>= 3.1), libtraceevent1 (>= 1:1.7), zlib1g (>= 1:1.2.13), libzstd1 (>= 1.5)"
extra_depends=""

# Every shared library must come from a declared package; the Swift runtime must not be needed.
if ldd "$bin" | grep -q '/opt/swift\|libswift\|libFoundation\|libdispatch'; then
  echo "build-deb: $bin still needs the Swift runtime's shared libraries:" >&2
  ldd "$bin" | grep 'swift\|Foundation\|dispatch' >&2
  exit 1
fi
for lib in $(ldd "$bin" | awk '/=> \//{print $3}'); do
  pkg=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1) || true
  [ -n "$pkg" ] || pkg=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1) || true
  if [ -z "$pkg" ]; then
    echo "build-deb: no Debian package owns $lib" >&2
    exit 1
  fi
  case " $depends $extra_depends " in
    *" $pkg "* | *" $pkg,"*) ;;
    *)
      # Not in the list above (e.g. libstdc++6, libgcc-s1 for the static Swift runtime): add it
      # with the version installed here.
      v=$(dpkg-query -W -f='${Version}' "$pkg")
      extra_depends="$extra_depends, $pkg (>= ${v%%-*})"
      ;;
  esac
done

stage=$(mktemp -d)
chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT
install -D -m 0755 "$bin" "$stage/usr/bin/iou-analyze"
strip --strip-unneeded "$stage/usr/bin/iou-analyze"
mkdir -p "$stage/usr/share/man/man1"
for page in "$root"/docs/man/*.1; do
  gzip -9n < "$page" > "$stage/usr/share/man/man1/$(basename "$page").gz"
done
install -d "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions" \
  "$stage/usr/share/fish/vendor_completions.d" "$stage/usr/share/doc/iou-analyze"
"$bin" --generate-completion-script bash > "$stage/usr/share/bash-completion/completions/iou-analyze"
"$bin" --generate-completion-script zsh > "$stage/usr/share/zsh/vendor-completions/_iou-analyze"
"$bin" --generate-completion-script fish > "$stage/usr/share/fish/vendor_completions.d/iou-analyze.fish"
gzip -9n < "$root/README.md" > "$stage/usr/share/doc/iou-analyze/README.md.gz"
install -d "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: iou-analyze
Version: $version
Architecture: $arch
Maintainer: iou-analyze maintainers <iou-analyze@localhost>
Depends: $depends$extra_depends
Section: devel
Priority: optional
Installed-Size: $(du -sk "$stage" | cut -f1)
Description: tell whether io_uring workers spin in a kernel page-fault retry loop
 Reads Linux kernel traces (ftrace function_graph and event text, trace-cmd
 trace.dat, perf script, /proc stacks, hung-task and sysrq dumps) and tells,
 per thread, whether an io_uring worker spins in a kernel-mode page-fault
 retry loop, sleeps, or got out; compares captures from before and after a fix.
CONTROL
mkdir -p "$out"
deb="$out/iou-analyze_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
