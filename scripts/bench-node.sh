#!/usr/bin/env bash
# Benchmarks the Node binding against the JavaScript EventBridge matchers on npm, in one run:
# per-call cost on a small event, then CityLots throughput per rule set, then batch matching
# (matchesForEvents) against a loop of single calls on the EXACT set.
#
#   scripts/bench-node.sh [EVENTS]     (default 213068, the size of event-ruler's citylots2)
#
# Builds the addon (release), installs the competitors into bindings/node/bench/node_modules,
# generates the CityLots corpus once into bindings/node/bench/data/ (not committed), then runs
# bench/run.js. Extra options for run.js can be passed in $BENCH_ARGS (e.g. "--rounds 5", or
# "--sections batch" for the batch comparison alone).
set -euo pipefail

EVENTS="${1:-213068}"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${FERRULER_SHARED:-$REPO/../shared}"
NODE_DIR="$REPO/bindings/node"

cd "$NODE_DIR"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build

cd "$NODE_DIR/bench"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

CORPUS="$NODE_DIR/bench/data/citylots-$EVENTS.jsonl.gz"
if [ ! -f "$CORPUS" ]; then
  mkdir -p "$(dirname "$CORPUS")"
  python3 "$SHARED/bench/gen_citylots.py" --events "$EVENTS" --out "$CORPUS"
fi

# shellcheck disable=SC2086 # BENCH_ARGS is a list of options
node run.js --corpus "$CORPUS" --rules "$SHARED/bench/citylots-rules.json" ${BENCH_ARGS:-}
