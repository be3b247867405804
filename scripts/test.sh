#!/usr/bin/env bash
# Runs every test: installs what is missing, builds and tests the normal
# build, the ASan+UBSan build, then each libFuzzer target for a bounded
# time. WASM_TESTSUITE=<dir> also runs the official core test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
fuzz_secs=${IGORD_FUZZ_SECONDS:-20}

scripts/setup.sh

total_pass=0
total_fail=0
run_ctest() { # build-dir
    local log
    log=$(mktemp)
    set +e
    (cd "$1" && ctest --output-on-failure -j"$jobs") 2>&1 | tee "$log"
    set -e
    local line
    line=$(grep -E "tests passed, [0-9]+ tests failed out of" "$log" | tail -1)
    rm -f "$log"
    if [ -z "$line" ]; then
        total_fail=$((total_fail + 1))
        return
    fi
    local failed all
    failed=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of.*/\1/')
    all=$(echo "$line" | sed -E 's/.*out of ([0-9]+).*/\1/')
    total_pass=$((total_pass + all - failed))
    total_fail=$((total_fail + failed))
}

echo "== build (RelWithDebInfo) [${SECONDS}s]"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
run_ctest build

echo "== build (ASan + UBSan) [${SECONDS}s]"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DIGORD_SANITIZE=ON \
    >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 run_ctest build-asan

echo "== fuzz (${fuzz_secs} s per target) [${SECONDS}s]"
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DIGORD_FUZZ=ON \
    -DIGORD_AGENTS=OFF -DIGORD_WERROR=OFF -DCMAKE_C_COMPILER=clang-14 \
    >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzzers
run_fuzzer() { # binary; prints ok/FAIL and returns its status
    local f=$1 name corpus
    name=$(basename "$f")
    corpus="fuzz/corpus/${name#fuzz_}"
    mkdir -p "build-fuzz/corpus-$name"
    local args=("build-fuzz/corpus-$name")
    [ -d "$corpus" ] && args+=("$corpus")
    if "$f" -max_total_time="$fuzz_secs" -rss_limit_mb=2048 \
        -timeout=10 -artifact_prefix=build-fuzz/ "${args[@]}" >"build-fuzz/$name.log" 2>&1; then
        echo "ok   $name"
    else
        echo "FAIL $name"
        tail -40 "build-fuzz/$name.log"
        return 1
    fi
}
# Two fuzzers at a time, one per core.
fuzzers=(build-fuzz/fuzz/fuzz_*)
for ((i = 0; i < ${#fuzzers[@]}; i += 2)); do
    pids=()
    for f in "${fuzzers[@]:i:2}"; do
        [ -x "$f" ] || continue
        run_fuzzer "$f" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do
        if wait "$p"; then
            total_pass=$((total_pass + 1))
        else
            total_fail=$((total_fail + 1))
        fi
    done
done
echo
echo "== done in ${SECONDS}s"
echo "tests: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
