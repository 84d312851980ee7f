#!/usr/bin/env bash
# The Spark tests of the Python package (`ferruler.spark`), in local mode (local[2]):
# bindings/python/tests/test_spark.py, which compares Spark's answers on a CityLots corpus with a
# few corrupted lines against `ferruler filter`'s on the same archive (gzip), error column
# included, and tests the Arrow matcher, rule loading and rule_counts.
#
# Reuses the virtualenv of scripts/test-python.sh (bindings/python/.venv, made here if missing)
# and the extension installed there: it is built (release, as users install it) only when
# missing or older than its sources, so `scripts/test.sh python spark` builds it once. Installs
# the package's `spark` extra (pyspark[sql]: pyspark, pyarrow, pandas) from PyPI into that venv,
# and a headless Java runtime from Debian's packages when `java` is missing (apt-get, as root or
# through sudo). Sets FERRULER_REQUIRE_SPARK so that a missing pyspark fails instead of skipping.
#
# Usage: scripts/test-spark.sh [pytest arguments...]
# Environment: PYTHON, FERRULER_PY_VENV as scripts/test-python.sh; FERRULER_BIN (a ferruler
# binary to compare with; default: target/debug/ferruler, built here).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
package="$repo/bindings/python"
venv="${FERRULER_PY_VENV:-$package/.venv}"

if ! command -v java >/dev/null 2>&1; then
    # Spark 3.5 runs on Java 8/11/17, Spark 4 on 17/21; Debian 12 has 17, Debian 13 has 21.
    jre=$(apt-cache search --names-only '^openjdk-(17|21)-jre-headless$' 2>/dev/null | awk '{print $1}' | sort | tail -1)
    jre=${jre:-openjdk-17-jre-headless}
    echo "test-spark: installing $jre (java is missing)"
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$jre"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$jre"
    else
        echo "test-spark: java is missing and cannot be installed (not root, no sudo): install $jre" >&2
        exit 1
    fi
fi
java -version 2>&1 | head -1

name=test-spark requirements="$package/tests/requirements.txt"
# shellcheck source=scripts/python-venv.sh
source "$repo/scripts/python-venv.sh"

# The `spark` extra of pyproject.toml, installed on its own so that the package is not built again
# (pip rebuilds a local path on every install).
extra=$("$py" - "$package/pyproject.toml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
line = re.search(r"^spark = \[.*\]$", text, re.M)  # one line, a list of quoted requirements
print(" ".join(re.findall(r'"([^"]+)"', line.group(0))))
PY
)
echo "test-spark: pip install $extra"
# shellcheck disable=SC2086 # one word per requirement
"$py" -m pip install --quiet $extra

# The extension, built only if missing or older than any of its sources.
installed=$("$py" -c 'import ferruler._ferruler as m; print(m.__file__)' 2>/dev/null || true)
if [ -z "$installed" ] || [ -n "$(find "$package/src" "$package/python" "$package/Cargo.toml" "$package/pyproject.toml" \
        "$repo/core/src" "$repo/bindings/common/src" "$repo/bindings/sources/src" -newer "$installed" -type f -print -quit)" ]; then
    echo "test-spark: building and installing the extension (release)"
    "$py" -m pip install --quiet --no-build-isolation --no-deps --force-reinstall "$package"
else
    echo "test-spark: reusing the installed extension ($installed)"
fi

if [ -z "${FERRULER_BIN:-}" ]; then
    echo "test-spark: building the ferruler CLI (debug)"
    (cd "$repo" && cargo build --quiet --locked -p ferruler-cli)
    export FERRULER_BIN="$repo/target/debug/ferruler"
fi

export FERRULER_REQUIRE_SPARK=1 PYSPARK_PYTHON="$py" PYSPARK_DRIVER_PYTHON="$py"
cd "$package"
exec "$py" -m pytest -q -W ignore::FutureWarning tests/test_spark.py "$@"
