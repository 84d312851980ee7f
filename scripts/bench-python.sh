#!/usr/bin/env bash
# Benchmarks the Python binding: per-call overhead and CityLots throughput against the pure-Python
# EventBridge matchers (moto, LocalStack), batches, and 1, 2 and 4 threads sharing one Machine
# (per-call and batch API on CityLots EXACT, ANYTHING_BUT and COMPLEX_ARRAYS, and a ~200 KB event),
# in one run. See bindings/python/bench/bench.py.
#
# Threads only, on 20,000 events: EVENTS=20000 scripts/bench-python.sh --sections threads --rounds 5
# Where releasing the GIL pays (the figures behind RELEASE_GIL_ABOVE): --sections gil-threshold
#
# Makes bindings/python/.venv-bench (reused after), installs the competitors from PyPI, builds and
# installs the extension in release mode, generates the CityLots corpus (not committed) into
# bindings/python/bench/data/, and runs the benchmark.
#
# Usage: scripts/bench-python.sh [bench.py arguments...]
# Environment: EVENTS (CityLots events for Ferruler, default 213068: the full corpus),
# PYTHON (interpreter for the venv, default python3).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
package="$repo/bindings/python"
venv="$package/.venv-bench"
shared="$repo/../shared/bench"
events="${EVENTS:-213068}"

name=bench-python requirements="$package/bench/requirements.txt"
# shellcheck source=scripts/python-venv.sh
source "$repo/scripts/python-venv.sh"
"$py" -m pip install --quiet --no-build-isolation --no-deps --force-reinstall "$package"

corpus="$package/bench/data/citylots-$events.jsonl.gz"
if [ ! -f "$corpus" ]; then
    mkdir -p "$(dirname "$corpus")"
    "$py" "$shared/gen_citylots.py" --events "$events" --out "$corpus.tmp"
    mv "$corpus.tmp" "$corpus"
fi

exec "$py" "$package/bench/bench.py" --corpus "$corpus" "$@"
