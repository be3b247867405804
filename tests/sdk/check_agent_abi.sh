#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks that an agent wasm exports exactly the igord ABI with the right
# signatures, caps its memory at 64 MiB, and imports only the given igor
# functions (with their hostcall signatures) plus the WASI calls
# wasi-libc's stdio needs.
# Usage: check_agent_abi.sh <objdump> <agent.wasm> <igor import>...
set -euo pipefail
objdump=$1 wasm=$2
shift 2
dump=$("$objdump" -x "$wasm")
fail() { echo "$wasm: $*" >&2; exit 1; }

# type index -> "(params) -> results"
declare -A types
while read -r idx sig; do types[$idx]=$sig; done < <(
    sed -n 's/^ - type\[\([0-9]*\)\] \(.*\)$/\1 \2/p' <<<"$dump")
# function index -> type index (imports and definitions)
declare -A fsig
while read -r idx sig; do fsig[$idx]=$sig; done < <(
    sed -n 's/^ - func\[\([0-9]*\)\] sig=\([0-9]*\).*/\1 \2/p' <<<"$dump")

declare -A want_export=(
    [agent_init]="() -> nil" [agent_tick]="() -> i32"
    [agent_checkpoint]="() -> i32" [agent_checkpoint_ptr]="() -> i32"
    [agent_resume]="(i32, i32) -> nil" [malloc]="(i32) -> i32"
    [_initialize]="() -> nil")
declare -A hostcall=(
    [clock_now]="() -> i64" [rand_bytes]="(i32, i32) -> i32"
    [log_emit]="(i32, i32) -> nil" [wallet_balance]="() -> i64"
    [wallet_receipt_count]="() -> i32"
    [wallet_receipt]="(i32, i32, i32) -> i32" [node_price]="() -> i64")
wasi_ok=" fd_write fd_close fd_seek fd_fdstat_get proc_exit args_get
 args_sizes_get environ_get environ_sizes_get clock_time_get random_get "

seen=0
while read -r idx name; do
    [ "$name" = memory ] && continue
    want=${want_export[$name]:-}
    [ -n "$want" ] || fail "unexpected export $name"
    got=${types[${fsig[$idx]}]}
    [ "$got" = "$want" ] || fail "export $name is $got, want $want"
    seen=$((seen + 1))
done < <(sed -n 's/^ - func\[\([0-9]*\)\] .*-> "\(.*\)"$/\1 \2/p' \
    <<<"$dump"; sed -n 's/^ - memory\[[0-9]*\] -> "\(memory\)"$/0 \1/p' \
    <<<"$dump")
[ "$seen" -eq "${#want_export[@]}" ] ||
    fail "exports $seen functions, want ${#want_export[@]}"
grep -q '^ - memory\[0\] -> "memory"$' <<<"$dump" || fail "no memory export"
grep -q '^ - memory\[0\] pages: initial=[0-9]* max=1024$' <<<"$dump" ||
    fail "memory is not capped at 1024 pages (64 MiB)"

declare -A want_import
for f in "$@"; do want_import[$f]=1; done
nigor=0
while read -r idx module name; do
    case $module in
    igor)
        [ -n "${want_import[$name]:-}" ] || fail "unexpected import igor.$name"
        got=${types[${fsig[$idx]}]}
        [ "$got" = "${hostcall[$name]}" ] ||
            fail "import igor.$name is $got, want ${hostcall[$name]}"
        nigor=$((nigor + 1)) ;;
    wasi_snapshot_preview1)
        [[ $wasi_ok == *" $name "* ]] || fail "unexpected WASI import $name" ;;
    *) fail "import from unknown module $module.$name" ;;
    esac
done < <(sed -n 's/^ - func\[\([0-9]*\)\] .*<- \([a-z_0-9]*\)\.\(.*\)$/\1 \2 \3/p' \
    <<<"$dump")
[ "$nigor" -eq $# ] || fail "imports $nigor igor functions, want $#"
echo "$wasm: ABI ok ($seen exports, $nigor igor imports)"
