#!/usr/bin/env bash
# Runs the official WebAssembly core test suite through the wast runner:
# converts every top-level *.wast but simd_* with wast2json into a
# temporary directory, runs each script and prints per-file and total
# counts. Usage: scripts/spec-tests.sh [testsuite-dir] [build-dir]
# (defaults: $WASM_TESTSUITE and $IG_BUILD_DIR or build). Exit 77 when no
# suite is given, so ctest reports the test as skipped. SPEC_VERBOSE=1
# passes -v to the runner, which prints every failure on stderr.
set -uo pipefail
cd "$(dirname "$0")/.."

suite=${1:-${WASM_TESTSUITE:-}}
build=${2:-${IG_BUILD_DIR:-build}}
if [ -z "$suite" ]; then
    echo "spec-tests: no test suite given (set WASM_TESTSUITE): skipped"
    exit 77
fi
runner="$build/tests/wasm/wast_runner"
if [ ! -x "$runner" ]; then
    echo "spec-tests: $runner not built" >&2
    exit 1
fi
if ! command -v wast2json >/dev/null; then
    echo "spec-tests: wast2json (wabt) not found" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
verbose=()
[ -n "${SPEC_VERBOSE:-}" ] && verbose=(-v)

pass=0
fail=0
skip=0
for w in "$suite"/*.wast; do
    name=$(basename "$w" .wast)
    case "$name" in simd_*) continue ;; esac
    dir="$tmp/$name"
    mkdir -p "$dir"
    if ! wast2json "$w" -o "$dir/$name.json" 2>"$dir/wast2json.err"; then
        echo "$name: wast2json failed: $(head -1 "$dir/wast2json.err")"
        fail=$((fail + 1))
        continue
    fi
    out=$(timeout 900 "$runner" "${verbose[@]}" "$dir/$name.json")
    rc=$?
    line=$(printf '%s\n' "$out" | grep -E "^$name: [0-9]+ passed" | head -1)
    if [ -z "$line" ]; then
        echo "$name: runner died (exit $rc)"
        fail=$((fail + 1))
        continue
    fi
    echo "$line"
    counts='s/.*: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped/\1 \2 \3/'
    read -r p f s <<<"$(echo "$line" | sed -E "$counts")"
    pass=$((pass + p))
    fail=$((fail + f))
    skip=$((skip + s))
    rm -rf "$dir"
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
