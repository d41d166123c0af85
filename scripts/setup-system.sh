#!/usr/bin/env bash
# System packages the tests need beyond npm: Mesa's EGL/GLES software driver,
# on which the GPU tier's WebGPU (Dawn) runs where no GPU exists, and on x86-64
# the aarch64 cross compiler and qemu-user that build and run the native NEON
# kernels (test/kernels/arm64-compile.test.ts). Idempotent:
# installs only what is missing (as root, through apt-get), else says what to install.
set -euo pipefail
PACKAGES=(libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)
if [ "$(uname -m)" = x86_64 ]; then PACKAGES+=(g++-aarch64-linux-gnu qemu-user); fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "tensorhive: install these system packages for the tests: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}"
