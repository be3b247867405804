#!/usr/bin/env bash
# The liquidation demo: an agent watches a price curve slot by slot (one
# slot a second since its birth). It runs on "machine A", is stopped,
# stays down while the price dips below the threshold (slot 38), and is
# resumed on "machine B" from the copied checkpoint and identity. Once
# back it notices the gap, catches up on the missed slots and reports
# the breach it slept through. The script checks all of it and exits 0
# only when everything held:
#   - B logged the gap and "THRESHOLD BREACHED ... (DURING DOWNTIME)"
#   - A and B showed the same DID (one identity across machines)
#   - the merged history of A and B verifies as one VALID lineage
# Environment (defaults in brackets):
#   IGORD_BUILD_DIR [build]   where igord and the agents were built
#   DEMO_WASM       [$IGORD_BUILD_DIR/agents/liquidation/agent.wasm]
#   DEMO_RUN        [15]  seconds on machine A
#   DEMO_DOWN       [25]  seconds of downtime (A's run + downtime must
#                         pass the threshold slot: 38 slots after birth)
#   DEMO_RESUME     [10]  seconds on machine B
#   DEMO_TICK       [1s]  tick interval passed to igord
#   DEMO_DIR        [a new temporary directory]  kept when set
set -euo pipefail
cd "$(dirname "$0")/.."
build=${IGORD_BUILD_DIR:-build}
igord="$build/igord"
wasm=${DEMO_WASM:-$build/agents/liquidation/agent.wasm}
run_s=${DEMO_RUN:-15}
down_s=${DEMO_DOWN:-25}
resume_s=${DEMO_RESUME:-10}
tick=${DEMO_TICK:-1s}
id=liquidation

for f in "$igord" "$wasm"; do
    if [ ! -f "$f" ]; then
        echo "demo: $f not found; build first (scripts/quickstart.sh or" \
             "cmake --build $build)" >&2
        exit 1
    fi
done
if [ -n "${DEMO_DIR:-}" ]; then
    work=$DEMO_DIR
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/igord-liquidation-XXXXXX")
    trap 'rm -rf "$work"' EXIT
fi
a="$work/machine-a"
b="$work/machine-b"
merged="$work/merged-history"
mkdir -p "$a" "$b" "$merged"

fail=0
check() { # message, then the command that must succeed
    local what=$1
    shift
    if "$@"; then
        echo "  ok    $what"
    else
        echo "  FAIL  $what"
        fail=1
    fi
}

# Run igord in the background for some seconds, then stop it with SIGINT
# (final checkpoint); its exit status must be 0.
run_for() { # seconds log args...
    local secs=$1 log=$2 pid status=0
    shift 2
    "$igord" "$@" >"$log" 2>&1 &
    pid=$!
    sleep "$secs"
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "demo: igord $1 exited with status $status; its log:" >&2
        cat "$log" >&2
        exit 1
    fi
}

did_of() { # log
    awk '/^  DID:/ {print $2; exit}' "$1"
}

echo "== machine A: running $id for ${run_s}s"
run_for "$run_s" "$work/a.log" run --checkpoint-dir "$a" --agent-id "$id" \
    --tick-interval "$tick" "$wasm"
grep -F "agent:$id" "$work/a.log" | tail -3 || true
tick_a=$("$igord" inspect "$a/$id.checkpoint" | awk '/^Tick Number:/ {print $3}')
echo "   stopped at tick $tick_a"

echo "== downtime: ${down_s}s (the price dips below the threshold now)"
sleep "$down_s"

echo "== copying checkpoint and identity to machine B"
cp "$a/$id.checkpoint" "$a/$id.identity" "$b/"

echo "== machine B: resuming for ${resume_s}s"
run_for "$resume_s" "$work/b.log" resume --checkpoint "$b/$id.checkpoint" \
    --wasm "$wasm" --checkpoint-dir "$b" --agent-id "$id" \
    --tick-interval "$tick"
grep -F -e "GAP" -e "THRESHOLD" -e "catch" "$work/b.log" | head -20 || true

echo "== merging both histories and verifying the lineage"
cp "$a/history/$id/"*.ckpt "$merged/"
cp "$b/history/$id/"*.ckpt "$merged/"
"$igord" verify "$merged" | tee "$work/verify.log" || true

did_a=$(did_of "$work/a.log")
did_b=$(did_of "$work/b.log")
echo
echo "== results"
echo "   DID on A: $did_a"
echo "   DID on B: $did_b"
check "machine B detected the gap" grep -q "GAP" "$work/b.log"
check "machine B reported the breach during downtime" \
    grep -q "THRESHOLD BREACHED.*DURING DOWNTIME" "$work/b.log"
check "same DID on both machines" \
    test -n "$did_a" -a "$did_a" = "$did_b"
check "merged lineage is VALID" \
    grep -q "^Lineage: *VALID" "$work/verify.log"
[ -n "${DEMO_DIR:-}" ] && echo "   logs and histories kept in $work"
exit "$fail"
