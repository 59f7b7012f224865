#!/usr/bin/env bash
# Builds the libFuzzer targets (opt-in targets of Package.swift, see IOU_FUZZ there) into .build/fuzz.
# Coverage instrumentation goes to the compile jobs only (-Xfrontend): SwiftPM's executables keep
# their own main, which calls LLVMFuzzerRunDriver from libFuzzer's no-main runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
SANITIZE=${FUZZ_SANITIZE:-fuzzer}
runtime=$(dirname "$(dirname "$(command -v "$SWIFT")")")/lib/clang
runtime=$(ls -d "$runtime"/*/lib/linux | head -1)/libclang_rt.fuzzer_no_main-x86_64.a
extra=()
if [[ $SANITIZE == *address* ]]; then extra=(-Xswiftc -sanitize=address); fi
for product in "$@"; do
  # A release build: serialised with the other release builds of this machine when flock is there.
  lock=()
  if command -v flock >/dev/null; then lock=(flock /tmp/iou-release.lock); fi
  IOU_FUZZ=1 "${lock[@]}" "$SWIFT" build -c release --scratch-path .build/fuzz --product "$product" \
    -Xswiftc -Xfrontend -Xswiftc "-sanitize=$SANITIZE" "${extra[@]}" \
    -Xlinker "$runtime" -Xlinker -lstdc++
done
