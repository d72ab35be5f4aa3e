#!/usr/bin/env bash
# Installs the system libraries the project needs, only where they are missing:
# HDF5 (with zlib), OpenBLAS. Debian/Ubuntu via apt (as root or with sudo),
# macOS via Homebrew. Safe to run again.
set -euo pipefail

debian_packages=(libhdf5-dev zlib1g-dev libopenblas-dev pkg-config)
brew_packages=(hdf5 openblas pkg-config)

if [[ "$(uname)" == Darwin ]]; then
  command -v brew >/dev/null || { echo "setup: install Homebrew first (https://brew.sh)" >&2; exit 1; }
  for p in "${brew_packages[@]}"; do brew list --versions "$p" >/dev/null || brew install "$p"; done
  echo "setup: on macOS also export PKG_CONFIG_PATH=\"$(brew --prefix openblas)/lib/pkgconfig:\$PKG_CONFIG_PATH\"" >&2
  exit 0
fi

missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
