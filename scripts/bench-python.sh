#!/usr/bin/env bash
# Benchmarks the Python binding: per-call overhead and CityLots throughput against the pure-Python
# EventBridge matchers (moto, LocalStack), in one run. See bindings/python/bench/bench.py.
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

if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    rm -rf "$venv"
    "${PYTHON:-python3}" -m venv "$venv"
fi
py="$venv/bin/python"
export VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

"$py" -m pip install --quiet -r "$package/bench/requirements.txt"
"$py" -m pip install --quiet --no-build-isolation --no-deps --force-reinstall "$package"

corpus="$package/bench/data/citylots-$events.jsonl.gz"
if [ ! -f "$corpus" ]; then
    mkdir -p "$(dirname "$corpus")"
    "$py" "$shared/gen_citylots.py" --events "$events" --out "$corpus.tmp"
    mv "$corpus.tmp" "$corpus"
fi

exec "$py" "$package/bench/bench.py" --corpus "$corpus" "$@"
