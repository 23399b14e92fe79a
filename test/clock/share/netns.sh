#!/usr/bin/env bash
# Manual check (root, iproute2): a follower in another network namespace follows a leader that
# listens beyond loopback (listenOnAllInterfaces), over a veth pair 10.200.0.1 <-> 10.200.0.2.
# Usage: sudo bash test/clock/share/netns.sh   (from the repo root; uses node_modules/.bin/node)
set -euo pipefail
cd "$(dirname "$0")/../../.."
NODE="$PWD/node_modules/.bin/node"
cleanup() { ip netns del unflake-a 2>/dev/null || true; ip netns del unflake-b 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add unflake-a
ip netns add unflake-b
ip link add veth-ua type veth peer name veth-ub
ip link set veth-ua netns unflake-a
ip link set veth-ub netns unflake-b
ip -n unflake-a addr add 10.200.0.1/24 dev veth-ua
ip -n unflake-b addr add 10.200.0.2/24 dev veth-ub
for ns in unflake-a unflake-b; do ip -n $ns link set lo up; done
ip -n unflake-a link set veth-ua up
ip -n unflake-b link set veth-ub up
FOLLOWER="ip netns exec unflake-b '$NODE' --import '$PWD/clock/register.ts' -e \"setTimeout(() => console.log('follower in unflake-b: timer at', performance.now(), new Date().toISOString()), 100); setTimeout(() => console.log('follower in unflake-b: timer at', performance.now()), 300)\""
NS=unflake-a ip netns exec unflake-a "$NODE" test/clock/share/fixtures/netnsLeader.mjs "$FOLLOWER"
