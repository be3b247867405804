#!/usr/bin/env bash
# Interop tests between igord and js-libp2p, and between two igord nodes:
# real processes on 127.0.0.1 with ephemeral ports. One case per run:
#   interop.sh <case>    (IGORD, CLIENT and INTEROP_DIR from the environment)
set -euo pipefail

: "${IGORD:?path of the igord binary}"
: "${CLIENT:?path of the interop_client binary}"
: "${INTEROP_DIR:?directory of peer.mjs}"
CASE=${1:?case name}
WAIT_S=${INTEROP_WAIT_S:-20}

tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
    echo "FAIL [$CASE]: $*" >&2
    for f in "$tmp"/*.log "$tmp"/*.out; do
        [ -f "$f" ] && { echo "--- $f" >&2; tail -30 "$f" >&2; }
    done
    exit 1
}

need_js() {
    [ -d "$INTEROP_DIR/node_modules/libp2p" ] ||
        fail "js-libp2p is not installed: run scripts/setup.sh (npm ci in tests/interop)"
}

# Wait until file $1 has a line matching $2; print the first match.
wait_line() {
    local deadline=$((SECONDS + WAIT_S))
    while ! grep -m1 -E "$2" "$1" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || fail "no line /$2/ in $1"
        sleep 0.02
    done
}

# Start a C node; sets C_ADDR (with /p2p) and C_PID.
start_c_node() { # name [extra args]
    local name=$1
    shift
    "$IGORD" node --listen /ip4/127.0.0.1/tcp/0 --data-dir "$tmp/$name" \
        --test-echo "$@" >"$tmp/$name.log" 2>&1 &
    C_PID=$!
    pids+=("$C_PID")
    C_ADDR=$(wait_line "$tmp/$name.log" "listening on " |
        sed -E 's/.*listening on ([^ ]+).*/\1/')
}

# Start a js-libp2p listener; sets JS_ADDR and JS_PID.
start_js() {
    need_js
    node "$INTEROP_DIR/peer.mjs" listen </dev/null >"$tmp/js.log" 2>&1 &
    JS_PID=$!
    pids+=("$JS_PID")
    JS_ADDR=$(wait_line "$tmp/js.log" "^LISTEN " | sed -E 's/^LISTEN //')
}

js_dial() { # addr args...
    need_js
    timeout "$WAIT_S" node "$INTEROP_DIR/peer.mjs" dial "$@" \
        >"$tmp/jsdial.out" 2>&1 || fail "js dial $* failed"
    cat "$tmp/jsdial.out"
}

# A valid peer ID that belongs to nobody here.
other_peer() {
    "$IGORD" id --data-dir "$tmp/other"
}

# Replace the /p2p/<id> of $1 with $2.
with_peer() {
    echo "${1%/p2p/*}/p2p/$2"
}

expect_in() { # file regex what
    grep -qE "$2" "$1" || fail "$3: no /$2/ in $1"
}

# ---- the cases ----

case_c_ping_js() {
    start_js
    "$IGORD" ping --count 3 --interval 20ms "$JS_ADDR" >"$tmp/ping.out" 2>&1 ||
        fail "igord ping exited non-zero"
    [ "$(grep -c '^PONG from 12D3KooW.* time=[0-9.]* ms$' "$tmp/ping.out")" = 3 ] ||
        fail "expected 3 PONG lines"
    expect_in "$tmp/ping.out" "3 pings, 3 received, 0% loss" "summary"
}

case_js_ping_c() {
    start_c_node c
    js_dial "$C_ADDR" --ping 3 >"$tmp/js.out"
    [ "$(grep -c '^OK ping' "$tmp/js.out")" = 3 ] || fail "expected 3 pings"
    expect_in "$tmp/js.out" "muxer /yamux/1.0.0" "muxer"
}

case_c_identify_js() {
    start_js
    local js_port=${JS_ADDR#*/tcp/}
    js_port=${js_port%%/*}
    "$CLIENT" "$JS_ADDR" --identify >"$tmp/id.out" 2>&1 ||
        fail "client failed"
    expect_in "$tmp/id.out" "^agent: js-libp2p/3\.3\.11" "agentVersion"
    expect_in "$tmp/id.out" "^protocol-version: ipfs/0\.1\.0$" "protocolVersion"
    expect_in "$tmp/id.out" "^pubkey: yes$" "publicKey"
    expect_in "$tmp/id.out" "^protocol: /ipfs/ping/1\.0\.0$" "protocols"
    expect_in "$tmp/id.out" "^protocol: /ipfs/id/1\.0\.0$" "protocols"
    expect_in "$tmp/id.out" "^protocol: /igor/test-echo/1\.0\.0$" "protocols"
    expect_in "$tmp/id.out" "^listen: /ip4/127\.0\.0\.1/tcp/$js_port$" "listenAddrs"
    expect_in "$tmp/id.out" "^observed: /ip4/127\.0\.0\.1/tcp/[0-9]+(/p2p/12D3KooW[1-9A-HJ-NP-Za-km-z]+)?$" "observedAddr"
    expect_in "$tmp/id.out" "early-muxer=1" "muxer inside noise"
    # And js identified us on the same connection.
    wait_line "$tmp/js.log" '^IDENTIFY .*"agentVersion":"igord/0\.1\.0"' >/dev/null
    expect_in "$tmp/js.log" '"protocolVersion":"ipfs/0\.1\.0"' "our protocolVersion"
    expect_in "$tmp/js.log" '"publicKey":true' "our publicKey"
    expect_in "$tmp/js.log" '"protocols":\[[^]]*"/ipfs/ping/1\.0\.0"' "our protocols"
}

case_js_identify_c() {
    start_c_node c
    local port=${C_ADDR#*/tcp/} id=${C_ADDR##*/p2p/}
    port=${port%%/*}
    js_dial "$C_ADDR" --identify >"$tmp/js.out"
    expect_in "$tmp/js.out" "\"peerId\":\"$id\"" "peerId"
    expect_in "$tmp/js.out" '"agentVersion":"igord/0\.1\.0"' "agentVersion"
    expect_in "$tmp/js.out" '"protocolVersion":"ipfs/0\.1\.0"' "protocolVersion"
    expect_in "$tmp/js.out" '"publicKey":true' "publicKey"
    expect_in "$tmp/js.out" '"/ipfs/ping/1\.0\.0"' "protocols"
    expect_in "$tmp/js.out" '"/ipfs/id/1\.0\.0"' "protocols"
    expect_in "$tmp/js.out" '"/igor/test-echo/1\.0\.0"' "protocols"
    expect_in "$tmp/js.out" "\"listenAddrs\":\\[\"/ip4/127\\.0\\.0\\.1/tcp/$port\"" "listenAddrs"
    expect_in "$tmp/js.out" '"observedAddr":"/ip4/127\.0\.0\.1/tcp/[0-9]+"' "observedAddr"
    # And we identified js.
    wait_line "$tmp/c.log" 'identified: agent "js-libp2p/3\.3\.11' >/dev/null
}

case_c_echo_js() {
    start_js
    "$CLIENT" "$JS_ADDR" --echo 1048576 >"$tmp/echo1.out" 2>&1 ||
        fail "1 MiB echo failed"
    expect_in "$tmp/echo1.out" "^echo: 1 x 1048576 bytes ok" "1 MiB echo"
    "$CLIENT" "$JS_ADDR" --echo 65536 --streams 50 >"$tmp/echo50.out" 2>&1 ||
        fail "50-stream echo failed"
    expect_in "$tmp/echo50.out" "^echo: 50 x 65536 bytes ok" "50 streams"
}

case_js_echo_c() {
    start_c_node c
    js_dial "$C_ADDR" --echo 1048576 >"$tmp/js1.out"
    expect_in "$tmp/js1.out" "^OK echo 1 x 1048576 bytes" "1 MiB echo"
    js_dial "$C_ADDR" --echo 65536 --streams 50 >"$tmp/js50.out"
    expect_in "$tmp/js50.out" "^OK echo 50 x 65536 bytes" "50 streams"
}

# js-libp2p dials a node that offers no muxer inside Noise: yamux is then
# agreed with multistream over the secure channel.
case_js_echo_c_late_muxer() {
    start_c_node c --no-early-muxer
    js_dial "$C_ADDR" --ping 1 --echo 65536 --streams 8 >"$tmp/js.out"
    expect_in "$tmp/js.out" "^OK echo 8 x 65536 bytes" "echo"
    wait_line "$tmp/c.log" "connected to .*muxer negotiated" >/dev/null
}

case_c_wrong_peer_js() {
    start_js
    local bad
    bad=$(with_peer "$JS_ADDR" "$(other_peer)")
    if "$IGORD" ping --count 1 "$bad" >"$tmp/ping.out" 2>&1; then
        fail "a dial expecting another peer ID succeeded"
    fi
    expect_in "$tmp/ping.out" "ping failed: .*(peer|PEERID)" "refusal reason"
    grep -q "^PONG" "$tmp/ping.out" && fail "got a PONG from the wrong peer"
    return 0
}

case_js_wrong_peer_c() {
    start_c_node c
    local bad
    bad=$(with_peer "$C_ADDR" "$(other_peer)")
    js_dial "$bad" --expect-fail >"$tmp/js.out"
    expect_in "$tmp/js.out" "^OK dial refused" "refusal"
}

case_cc_ping() {
    start_c_node a
    "$IGORD" ping --count 3 --interval 20ms "$C_ADDR" >"$tmp/ping.out" 2>&1 ||
        fail "igord ping exited non-zero"
    [ "$(grep -c '^PONG from' "$tmp/ping.out")" = 3 ] || fail "expected 3 PONGs"
}

case_cc_identify() {
    start_c_node a
    local port=${C_ADDR#*/tcp/}
    port=${port%%/*}
    "$CLIENT" "$C_ADDR" --identify >"$tmp/id.out" 2>&1 || fail "client failed"
    expect_in "$tmp/id.out" "^agent: igord/0\.1\.0$" "agentVersion"
    expect_in "$tmp/id.out" "^protocol-version: ipfs/0\.1\.0$" "protocolVersion"
    expect_in "$tmp/id.out" "^protocol: /igor/test-echo/1\.0\.0$" "protocols"
    expect_in "$tmp/id.out" "^listen: /ip4/127\.0\.0\.1/tcp/$port$" "listenAddrs"
    expect_in "$tmp/id.out" "^observed: /ip4/127\.0\.0\.1/tcp/[0-9]+$" "observedAddr"
    wait_line "$tmp/a.log" 'identified: agent "igord/0\.1\.0"' >/dev/null
}

case_cc_echo() {
    start_c_node a
    "$CLIENT" "$C_ADDR" --echo 1048576 >"$tmp/e1.out" 2>&1 || fail "1 MiB echo"
    expect_in "$tmp/e1.out" "^echo: 1 x 1048576 bytes ok" "1 MiB echo"
    "$CLIENT" "$C_ADDR" --echo 65536 --streams 50 >"$tmp/e50.out" 2>&1 ||
        fail "50-stream echo"
    expect_in "$tmp/e50.out" "^echo: 50 x 65536 bytes ok" "50 streams"
}

case_cc_wrong_peer() {
    start_c_node a
    local bad
    bad=$(with_peer "$C_ADDR" "$(other_peer)")
    if "$IGORD" ping --count 1 "$bad" >"$tmp/ping.out" 2>&1; then
        fail "a dial expecting another peer ID succeeded"
    fi
    expect_in "$tmp/ping.out" "ping failed" "refusal reason"
    # The listener saw the dialer hang up during the handshake.
    wait_line "$tmp/a.log" "connection to .* (closed|failed)" >/dev/null
}

# js-libp2p answers our yamux keepalive pings: a node that pings every
# 200 ms and closes after 1 s without an answer keeps its connection to
# a js peer that sends nothing else.
case_c_keepalive_js() {
    start_js
    start_c_node c --keepalive 200ms --keepalive-timeout 1s --dial "$JS_ADDR"
    wait_line "$tmp/c.log" 'identified: agent "js-libp2p' >/dev/null
    sleep 3
    if grep -qE "connection to .* (closed|failed)" "$tmp/c.log"; then
        fail "the connection to js-libp2p went down"
    fi
    "$IGORD" ping --count 1 "$JS_ADDR" >"$tmp/ping.out" 2>&1 ||
        fail "js peer stopped answering"
}

# Two C nodes: one dials the other at start (--dial), both log it.
case_cc_node_dial() {
    start_c_node a
    local a_id=${C_ADDR##*/p2p/}
    start_c_node b --dial "$C_ADDR"
    wait_line "$tmp/b.log" "connected to $a_id .*outbound" >/dev/null
    wait_line "$tmp/a.log" "connected to .*inbound" >/dev/null
    wait_line "$tmp/b.log" 'identified: agent "igord/0\.1\.0"' >/dev/null
}

# A node with two --listen addresses answers igord ping on each.
case_cc_node_two_listen() {
    start_c_node a --listen /ip4/127.0.0.1/tcp/0
    local deadline=$((SECONDS + WAIT_S)) addrs
    while [ "$(grep -c 'listening on ' "$tmp/a.log")" -lt 2 ]; do
        [ $SECONDS -lt $deadline ] || fail "fewer than two listen lines"
        sleep 0.02
    done
    mapfile -t addrs < <(sed -nE 's/.*listening on ([^ ]+).*/\1/p' "$tmp/a.log")
    [ "${#addrs[@]}" = 2 ] || fail "expected 2 listen addresses, got ${#addrs[@]}"
    [ "${addrs[0]}" != "${addrs[1]}" ] || fail "both listen lines say ${addrs[0]}"
    for a in "${addrs[@]}"; do
        "$IGORD" ping --count 1 "$a" >"$tmp/ping.out" 2>&1 ||
            fail "igord ping $a exited non-zero"
        expect_in "$tmp/ping.out" "^PONG from" "PONG from $a"
    done
}

# A node given --dial twice connects to both peers.
case_cc_node_dial_two() {
    start_c_node a
    local a_addr=$C_ADDR a_id=${C_ADDR##*/p2p/}
    start_c_node b
    local b_addr=$C_ADDR b_id=${C_ADDR##*/p2p/}
    start_c_node c --dial "$a_addr" --dial "$b_addr"
    wait_line "$tmp/c.log" "connected to $a_id .*outbound" >/dev/null
    wait_line "$tmp/c.log" "connected to $b_id .*outbound" >/dev/null
    wait_line "$tmp/a.log" "connected to .*inbound" >/dev/null
    wait_line "$tmp/b.log" "connected to .*inbound" >/dev/null
}

# More --listen or --dial addresses than a node holds is a usage error.
case_node_too_many_addrs() {
    local args=() rc
    for i in 1 2 3 4 5 6 7 8 9; do
        args+=(--listen /ip4/127.0.0.1/tcp/0)
    done
    rc=0
    timeout 5 "$IGORD" node --data-dir "$tmp/n" "${args[@]}" \
        >"$tmp/listen9.out" 2>&1 || rc=$?
    [ $rc = 2 ] || fail "nine --listen: exit $rc, not 2"
    expect_in "$tmp/listen9.out" "^igord: --listen: at most 8 addresses$" \
        "message"
    # --dial and --peer fill one list: five and four are nine.
    args=()
    for i in 1 2 3 4 5; do
        args+=(--dial /ip4/127.0.0.1/tcp/1)
    done
    for i in 1 2 3 4; do
        args+=(--peer /ip4/127.0.0.1/tcp/1)
    done
    rc=0
    timeout 5 "$IGORD" node --data-dir "$tmp/n" "${args[@]}" \
        >"$tmp/dial9.out" 2>&1 || rc=$?
    [ $rc = 2 ] || fail "nine dial addresses: exit $rc, not 2"
    expect_in "$tmp/dial9.out" \
        "^igord: --dial and --peer together: at most 8 addresses$" "message"
    grep -q "listening on" "$tmp/dial9.out" && fail "the node started"
    return 0
}

# Run igord node expecting usage exit 2 before anything is made: no key
# in $tmp/$1, no listener. Output in $tmp/$1.out.
node_usage() { # dir args...
    local dir=$1 rc=0
    shift
    timeout 5 "$IGORD" node --data-dir "$tmp/$dir" "$@" \
        >"$tmp/$dir.out" 2>&1 || rc=$?
    [ $rc = 2 ] || fail "node $*: exit $rc, not 2"
    grep -q "listening on" "$tmp/$dir.out" && fail "node $*: it listened"
    return 0
}

# A malformed --listen or --dial is a usage error found before the key
# is made or a port bound; --listen .../p2p/<id> must name this node.
case_node_bad_addrs() {
    local other own
    other=$("$IGORD" id --data-dir "$tmp/other")
    node_usage n --listen /ip4/127.0.0.1/tcp/notaport
    expect_in "$tmp/n.out" "^igord: --listen /ip4/127.0.0.1/tcp/notaport: " \
        "message"
    node_usage n --listen /ip4/127.0.0.1/tcp/0 --dial /ip4/300.0.0.1/tcp/1
    expect_in "$tmp/n.out" "^igord: --dial /ip4/300.0.0.1/tcp/1: " "message"
    node_usage n --peer /ip4/127.0.0.1
    expect_in "$tmp/n.out" "not an /ip4 or /ip6 address with /tcp" "message"
    # igord ping judges an address the same way.
    local rc=0
    timeout 5 "$IGORD" ping /ip4/127.0.0.1 >"$tmp/p.out" 2>&1 || rc=$?
    [ $rc = 2 ] || fail "ping /ip4/127.0.0.1: exit $rc, not 2"
    expect_in "$tmp/p.out" \
        "^igord: /ip4/127.0.0.1: not an /ip4 or /ip6 address with /tcp" \
        "message"
    node_usage n --listen "/ip4/127.0.0.1/tcp/0/p2p/$other"
    expect_in "$tmp/n.out" "has no node key yet" "message"
    [ -e "$tmp/n/node.key" ] && fail "a node key was made"
    own=$("$IGORD" id --data-dir "$tmp/n")
    node_usage n --listen "/ip4/127.0.0.1/tcp/0/p2p/$other"
    expect_in "$tmp/n.out" "names another peer; this node is $own" "message"
    "$IGORD" node --data-dir "$tmp/n" \
        --listen "/ip4/127.0.0.1/tcp/0/p2p/$own" >"$tmp/own.log" 2>&1 &
    pids+=($!)
    wait_line "$tmp/own.log" "listening on .*/p2p/$own" >/dev/null
}

# The key is made once (0600), kept across restarts, and SIGTERM stops
# the node cleanly.
case_node_key_and_signal() {
    local id1 id2 mode
    id1=$("$IGORD" id --data-dir "$tmp/k")
    [[ $id1 == 12D3KooW* ]] || fail "igord id printed '$id1'"
    mode=$(stat -c %a "$tmp/k/node.key")
    [ "$mode" = 600 ] || fail "node.key has mode $mode"
    start_c_node k
    [ "${C_ADDR##*/p2p/}" = "$id1" ] || fail "node did not reuse its key"
    kill -TERM "$C_PID"
    local rc=0
    wait "$C_PID" || rc=$?
    [ $rc = 0 ] || fail "node exited $rc on SIGTERM"
    expect_in "$tmp/k.log" "shutting down" "shutdown line"
    id2=$("$IGORD" id --data-dir "$tmp/k")
    [ "$id1" = "$id2" ] || fail "peer ID changed: $id1 then $id2"
    # A key others can read is tightened, with a warning.
    chmod 0644 "$tmp/k/node.key"
    id2=$("$IGORD" id --data-dir "$tmp/k" 2>"$tmp/loose.out")
    [ "$id1" = "$id2" ] || fail "peer ID changed after chmod: $id2"
    expect_in "$tmp/loose.out" "WARN.*node key .* had mode 0644.*tightened" \
        "loose key warning"
    mode=$(stat -c %a "$tmp/k/node.key")
    [ "$mode" = 600 ] || fail "node.key left with mode $mode"
    # A dangling node.key link is refused, not replaced by a new key.
    mv "$tmp/k/node.key" "$tmp/k/real.key"
    ln -s "$tmp/k/gone.key" "$tmp/k/node.key"
    "$IGORD" id --data-dir "$tmp/k" >"$tmp/dangling.out" 2>&1 &&
        fail "igord id made a key through a dangling link"
    expect_in "$tmp/dangling.out" "symlink to a missing file" "message"
    [ -L "$tmp/k/node.key" ] || fail "the link was replaced"
    [ -e "$tmp/k/gone.key" ] && fail "a key was made through the link"
    return 0
}

# A peer that speaks garbage after the handshake starts is dropped with
# a logged reason, and the node keeps serving others.
case_hostile_peer() {
    start_c_node a
    local port=${C_ADDR#*/tcp/}
    port=${port%%/*}
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf '\x13/multistream/1.0.0\n\x07/noise\n\x00\x07garbage' >&3
    wait_line "$tmp/a.log" "connection to .* failed: noise" >/dev/null
    exec 3>&-
    "$IGORD" ping --count 1 "$C_ADDR" >"$tmp/ping.out" 2>&1 ||
        fail "node stopped serving after a hostile peer"
}

declare -F "case_$CASE" >/dev/null || fail "unknown case"
"case_$CASE"
echo "ok [$CASE]"
