#!/usr/bin/env bash
# Load benchmark of `ferruler serve`: TestEventPattern calls per second and latency on keep-alive
# connections, with wrk (Debian's package) and scripts/bench-serve.lua; fails unless every one of
# the requests was answered 200 with the right result.
#
# Bounded: loopback only, BENCH_REQUESTS requests (default 100,000) and at most BENCH_SECONDS
# seconds (default 20). The server (a release build) logs every request to a temporary file, as
# it would in use. Installs wrk with apt-get (as root) when missing.
#
# Usage: scripts/bench-serve.sh
# Environment: BENCH_REQUESTS, BENCH_SECONDS, BENCH_CONNECTIONS (default 32), BENCH_THREADS (wrk
# threads, default 1: the other core is the server's).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
export BENCH_REQUESTS="${BENCH_REQUESTS:-100000}" BENCH_THREADS="${BENCH_THREADS:-1}"
seconds="${BENCH_SECONDS:-20}"
connections="${BENCH_CONNECTIONS:-32}"

if ! command -v wrk >/dev/null; then
    echo "bench-serve: installing wrk"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

cargo build --quiet --release --locked -p ferruler-cli
log="$(mktemp)"
"$repo/target/release/ferruler" serve --host 127.0.0.1 --port 0 2>"$log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
    address="$(grep -o 'listening on http://[0-9.:]*' "$log" | cut -d' ' -f3 || true)"
    [ -n "$address" ] && break
    sleep 0.1
done
[ -n "$address" ] || { echo "bench-serve: the server did not start" >&2; cat "$log" >&2; exit 1; }

echo "bench-serve: $BENCH_REQUESTS TestEventPattern requests, $connections keep-alive connections, $BENCH_THREADS wrk thread(s), at most ${seconds}s, $(nproc) cores"
result="$(wrk -t "$BENCH_THREADS" -c "$connections" -d "${seconds}s" --timeout 5s \
    -s "$repo/scripts/bench-serve.lua" "$address/" | tail -n 1)"
echo "bench-serve: $result"

requests="$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$result")"
errors="$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$result")"
logged_ok="$(grep -c ' AWSEvents.TestEventPattern 200 ' "$log" || true)"
echo "bench-serve: the server logged $logged_ok answered requests (200)"
if [ "$errors" != 0 ] || [ "$requests" -lt "$BENCH_REQUESTS" ]; then
    echo "bench-serve: FAILED: $errors errors, $requests of $BENCH_REQUESTS requests" >&2
    exit 1
fi
