#!/usr/bin/env bash
# Builds a Release tree with the benchmark kernels and runs every
# benchmark binary in it, then prints the key figures (the "result:"
# lines each benchmark prints) as one Markdown table. Benchmarks never
# run as tests. Usage: scripts/bench.sh [build-dir] [name ...], e.g.
# scripts/bench.sh build-release agent_tick wasm_load (default: all in
# build-release). The kernels come from the shared directory beside the
# repository, or IGORD_SHARED_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}
shift || true

shared=()
if [ -n "${IGORD_SHARED_DIR:-}" ]; then
    shared=(-DIGORD_SHARED_DIR="$IGORD_SHARED_DIR")
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DIGORD_BENCH_KERNELS=ON \
    "${shared[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null

# True when the benchmark binary $1 was asked for (or nothing was).
wanted() {
    [ "$#" -eq 1 ] && return 0
    local b=$1 n
    shift
    for n in "$@"; do
        [ "bench_$n" = "$b" ] && return 0
    done
    return 1
}

status=0
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for b in "$build"/bench/bench_*; do
    [ -x "$b" ] || continue
    wanted "$(basename "$b")" "$@" || continue
    echo "== $(basename "$b")"
    "$b" | tee -a "$results" || status=1
    echo
done
# igord against js-libp2p, as ratios measured in the same run.
if [ -d tests/interop/node_modules/libp2p ] && wanted bench_net_interop "$@"; then
    echo "== net interop (igord and js-libp2p)"
    bench/net/interop_bench.sh "$build" || status=1
fi

echo "== summary ($(nproc) CPUs, load average $(cut -d' ' -f1-3 \
    /proc/loadavg))"
echo "| figure | value | baseline (same run) | ratio | target |"
echo "|---|---|---|---|---|"
sed -n 's/^result: \(.*\)$/| \1 |/p' "$results"
exit "$status"
