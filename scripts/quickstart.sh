#!/usr/bin/env bash
# Quickstart: install what is missing, build igord and the agents
# (Release), then run the heartbeat agent so you can watch it tick.
# Ctrl-C stops it with a final checkpoint; run the script again and the
# agent continues from that checkpoint with the same identity.
#   IGORD_DEMO_DIR   checkpoint directory (default ./demo)
#   IGORD_BUILD_DIR  build directory (default ./build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${IGORD_BUILD_DIR:-build}
dir=${IGORD_DEMO_DIR:-demo}

# The js-libp2p peer is only for the interop tests (scripts/test.sh).
IGORD_NO_NPM=1 scripts/setup.sh
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target igord agent_heartbeat \
    agent_survivor agent_liquidation

wasm="$build/agents/heartbeat/agent.wasm"
echo
echo "Running the heartbeat agent; checkpoints go to $dir/."
echo "Press Ctrl-C to stop it (it commits a final checkpoint)."
echo "Afterwards:  $build/igord inspect $dir/heartbeat.checkpoint"
echo "             $build/igord verify $dir/history/heartbeat"
exec "$build/igord" run --checkpoint-dir "$dir" "$wasm" "$@"
