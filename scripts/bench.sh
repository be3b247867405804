#!/usr/bin/env bash
# Builds a Release tree with the benchmark kernels and runs every
# benchmark binary in it. Benchmarks never run as tests. Usage:
# scripts/bench.sh [build-dir] (default build-release). The kernels come
# from the shared directory beside the repository, or IGORD_SHARED_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}

shared=()
if [ -n "${IGORD_SHARED_DIR:-}" ]; then
    shared=(-DIGORD_SHARED_DIR="$IGORD_SHARED_DIR")
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DIGORD_BENCH_KERNELS=ON \
    "${shared[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)"

status=0
for b in "$build"/bench/bench_*; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")"
    "$b" || status=1
    echo
done
# igord against js-libp2p, as ratios measured in the same run.
if [ -d tests/interop/node_modules/libp2p ]; then
    echo "== net interop (igord and js-libp2p)"
    bench/net/interop_bench.sh "$build" || status=1
fi
exit "$status"
