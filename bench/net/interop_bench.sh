#!/usr/bin/env bash
# igord against js-libp2p on 127.0.0.1, all measured in one run so the
# ratios hold on a shared machine: dial-to-ready time and echo
# throughput over one stream for JS->JS, C->JS, JS->C and C->C.
# Usage: bench/net/interop_bench.sh BUILD_DIR [MiB] [rounds] (64, 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:?build directory}
mib=${2:-64}
rounds=${3:-5}
bytes=$((mib * 1024 * 1024))
igord=$build/igord
[ -x "$igord" ] || igord=$build/src/cli/igord
client=$build/tests/interop/interop_client
peer=tests/interop/peer.mjs
if [ ! -d tests/interop/node_modules/libp2p ]; then
    echo "interop bench: js-libp2p is not installed (scripts/setup.sh)" >&2
    exit 1
fi

tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT

wait_line() { # file regex
    for _ in $(seq 1 1000); do
        grep -m1 -E "$2" "$1" 2>/dev/null && return 0
        sleep 0.02
    done
    echo "no /$2/ in $1" >&2
    exit 1
}

node "$peer" listen </dev/null >"$tmp/js.log" 2>&1 &
pids+=($!)
"$igord" node --listen /ip4/127.0.0.1/tcp/0 --data-dir "$tmp/c" --test-echo \
    >"$tmp/c.log" 2>&1 &
pids+=($!)
js=$(wait_line "$tmp/js.log" '^LISTEN ' | sed 's/^LISTEN //')
c=$(wait_line "$tmp/c.log" 'listening on ' | sed -E 's/.*listening on ([^ ]+).*/\1/')

# Median of a column of numbers.
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

js_run() { # target -> "dial_ms mbps" per round
    for _ in $(seq "$rounds"); do
        node "$peer" bench "$1" "$bytes" |
            sed -E 's/.*dial_ms=([0-9.]+).*echo_mbps=([0-9.]+).*/\1 \2/'
    done
}
c_run() { # target -> "dial_ms mbps" per round
    for _ in $(seq "$rounds"); do
        "$client" "$1" --echo "$bytes" |
            sed -nE 's/.*connect ([0-9.]+) ms, echo ([0-9.]+) ms.*/\1 \2/p' |
            awk -v b="$bytes" '{ printf "%s %.1f\n", $1, 2 * b / 1e6 / ($2 / 1e3) }'
    done
}

declare -A dial mbps
for pair in js_js c_js js_c c_c; do
    case $pair in
    js_js) js_run "$js" >"$tmp/$pair" ;;
    c_js) c_run "$js" >"$tmp/$pair" ;;
    js_c) js_run "$c" >"$tmp/$pair" ;;
    c_c) c_run "$c" >"$tmp/$pair" ;;
    esac
    dial[$pair]=$(cut -d' ' -f1 "$tmp/$pair" | median)
    mbps[$pair]=$(cut -d' ' -f2 "$tmp/$pair" | median)
    printf "%-6s dial-to-ready %8.3f ms   echo %8.1f MB/s (%d MiB, both ways, median of %d)\n" \
        "${pair/_/->}" "${dial[$pair]}" "${mbps[$pair]}" "$mib" "$rounds"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "ratios against js->js (throughput: higher is better; dial: lower is better)"
for pair in c_js js_c c_c; do
    printf "%-6s throughput x%s   dial time x%s\n" "${pair/_/->}" \
        "$(ratio "${mbps[$pair]}" "${mbps[js_js]}")" \
        "$(ratio "${dial[$pair]}" "${dial[js_js]}")"
done
# The summary lines scripts/bench.sh gathers into its table.
slower=$(awk -v a="${mbps[c_js]}" -v b="${mbps[js_c]}" -v j="${mbps[js_js]}" \
    'BEGIN { print (a < j || b < j) ? "not met" : "met" }')
printf "result: echo throughput C->js / js->C (median) | %s / %s MB/s | js->js %s MB/s | %sx / %sx | no slower than js->js: %s\n" \
    "${mbps[c_js]}" "${mbps[js_c]}" "${mbps[js_js]}" \
    "$(ratio "${mbps[c_js]}" "${mbps[js_js]}")" \
    "$(ratio "${mbps[js_c]}" "${mbps[js_js]}")" "$slower"
printf "result: dial to ready C->js / js->C (median) | %s / %s ms | js->js %s ms | %sx / %sx | -\n" \
    "${dial[c_js]}" "${dial[js_c]}" "${dial[js_js]}" \
    "$(ratio "${dial[c_js]}" "${dial[js_js]}")" \
    "$(ratio "${dial[js_c]}" "${dial[js_js]}")"
