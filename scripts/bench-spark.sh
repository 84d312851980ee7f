#!/usr/bin/env bash
# Events/s on Spark in local mode (local[2]) for the 14 CityLots rule sets: ferruler.spark's Arrow
# path, a plain Python UDF calling Machine.matches_for_event per row, and `ferruler filter` on the
# same events with --jobs 2 and --jobs 1. See bindings/python/bench/bench_spark.py; the figures
# are in docs/performance.md ("Spark").
#
# Reuses the venv of scripts/test-spark.sh (pyspark, pyarrow, a JRE: run that once first, or this
# script installs the same), builds the extension and the CLI in release mode, and generates the
# CityLots corpus (not committed) into bindings/python/bench/data/.
#
# Usage: scripts/bench-spark.sh [bench_spark.py arguments: --rounds N, --sets EXACT,NUMERIC, --no-udf]
# Environment: EVENTS (CityLots events, default 213068: the full corpus), MASTER (default local[2]),
# FERRULER_PY_VENV as scripts/test-python.sh.
# On a shared machine, serialise benchmarks: flock /work/bench.lock scripts/bench-spark.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
package="$repo/bindings/python"
venv="${FERRULER_PY_VENV:-$package/.venv}"
shared="$repo/../shared/bench"
events="${EVENTS:-213068}"

py="$venv/bin/python"
if ! "$py" -c 'import pyspark, ferruler.spark' >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
    echo "bench-spark: setting up pyspark and java with scripts/test-spark.sh"
    "$repo/scripts/test-spark.sh" -q -x
fi
export VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
echo "bench-spark: building the extension and the CLI (release)"
"$py" -m pip install --quiet --no-build-isolation --no-deps --force-reinstall "$package"
(cd "$repo" && cargo build --quiet --release --locked -p ferruler-cli)

data="$package/bench/data"
corpus="$data/citylots-$events.jsonl"
if [ ! -f "$corpus" ]; then
    mkdir -p "$data"
    "$py" "$shared/gen_citylots.py" --events "$events" --out "$corpus.gz.tmp"
    gzip -dc "$corpus.gz.tmp" > "$corpus.tmp"
    rm "$corpus.gz.tmp"
    mv "$corpus.tmp" "$corpus"
fi

export PYSPARK_PYTHON="$py" PYSPARK_DRIVER_PYTHON="$py"
exec "$py" -W ignore::FutureWarning "$package/bench/bench_spark.py" --events "$corpus" \
    --rules "$shared/citylots-rules.json" --ferruler "$repo/target/release/ferruler" \
    --master "${MASTER:-local[2]}" "$@"
