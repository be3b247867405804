#!/usr/bin/env bash
# Installs the Debian packages igord needs that are missing, then the
# pinned js-libp2p peer used by the interop tests. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(build-essential cmake pkg-config libsodium-dev libcjson-dev
      clang-14 lld-14 wasi-libc libclang-rt-14-dev libclang-rt-14-dev-wasm32
      wabt)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing+=("$p")
done
# Node.js may come from a package that bundles npm (and conflicts with
# Debian's npm), so look for the commands rather than the packages.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
        "${missing[@]}" >/dev/null
fi

if [ -f tests/interop/package.json ] && [ -z "${IGORD_NO_NPM:-}" ]; then
    if [ ! -d tests/interop/node_modules ]; then
        echo "setup: installing the js-libp2p interop peer (npm)"
        (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
    fi
fi
