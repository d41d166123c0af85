#!/usr/bin/env bash
# Build the native addon with AddressSanitizer (in a temporary copy of native/,
# so the release build is untouched) and run the kernel parity tests once
# against it. Any out-of-bounds read/write in a kernel aborts the run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/native"
cp -r "$root/native/binding.gyp" "$root/native/build-native.mjs" "$root/native/src" "$work/native/"
export NODE_PATH="$root/node_modules"           # node-addon-api for binding.gyp
export CXXFLAGS="-fsanitize=address -fno-omit-frame-pointer -g"
export LDFLAGS="-fsanitize=address"
node "$work/native/build-native.mjs" | tee "$work/build.log"
grep -q "native kernels built" "$work/build.log" || { echo "asan: build failed"; exit 1; }
addon="$work/native/build/Release/tensorhive_native.node"
ldd "$addon" | grep -q libasan || { echo "asan: the addon is not linked with libasan"; exit 1; }
libasan="$(g++ -print-file-name=libasan.so)"
cd "$root"
LD_PRELOAD="$libasan" ASAN_OPTIONS="detect_leaks=0:abort_on_error=1" \
  TENSORHIVE_NATIVE_PATH="$addon" \
  TENSORHIVE_REQUIRE_NATIVE=1 \
  node node_modules/vitest/vitest.mjs run test/kernels
